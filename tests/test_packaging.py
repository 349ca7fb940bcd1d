"""What `pip install .` (not editable) installs: every package and data file the code uses.

The README's main command installs without -e; the tests run from the source tree, so a
subpackage missing from pyproject.toml's list passes every other test (it happened:
gxsearch.audit and gxsearch.stats were not installed, `gxsearch index` failed on import).
"""

import fnmatch
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_python_package_of_gxsearch_is_installed():
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "gxsearch").rglob("__init__.py")}
    assert found - set(CONFIG["packages"]) == set()
    assert "gxsearch_web" in CONFIG["packages"]


def test_every_data_file_is_installed():
    patterns = CONFIG["package-data"]["gxsearch"]
    data = [p.relative_to(ROOT / "gxsearch").as_posix()
            for p in (ROOT / "gxsearch" / "data").rglob("*") if p.is_file()]
    # The table's generator is the source of divisions.tsv, not read at run time.
    missing = [f for f in data if not any(fnmatch.fnmatch(f, pat) for pat in patterns)
               and f != "data/divisions/make_divisions.py"]
    assert missing == []
    web = [p.relative_to(ROOT / "web").as_posix() for p in (ROOT / "web").rglob("*")
           if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    assert [f for f in web if not any(fnmatch.fnmatch(f, pat)
                                      for pat in CONFIG["package-data"]["gxsearch_web"])] == []
