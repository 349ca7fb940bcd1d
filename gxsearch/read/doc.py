"""Legacy Word reports (.doc, Word 97-2003): read through a converter when one is installed.

LibreOffice (``soffice``), when installed, converts to .docx, which then reads with its tables
and numbering; else antiword (small; Debian ``antiword``) gives the text, table cells one row
a line but merged cells lost (on tests/data/formats/pingtan-2022.doc it drops part 三's table
and the heading after it). With neither, the file is skipped
with a reason that says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from gxsearch.errors import ReadError
from gxsearch.read.common import Parsed

TIMEOUT = 120  # seconds a converter may take on one file


def _soffice(data: bytes, exe: str) -> Parsed:
    from gxsearch.read.docx import read_docx

    with tempfile.TemporaryDirectory(prefix="gxsearch-doc-") as tmp:
        src = os.path.join(tmp, "report.doc")
        with open(src, "wb") as fh:
            fh.write(data)
        # A private profile: a user's running LibreOffice would otherwise take the job.
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        proc = subprocess.run([exe, profile, "--headless", "--convert-to", "docx", "--outdir",
                               tmp, src], capture_output=True, timeout=TIMEOUT, check=False)
        out = os.path.join(tmp, "report.docx")
        if proc.returncode != 0 or not os.path.exists(out):
            raise ReadError("unreadable .doc: LibreOffice could not convert it")
        with open(out, "rb") as fh:
            return read_docx(fh.read())


def _antiword(data: bytes, exe: str) -> Parsed:
    with tempfile.NamedTemporaryFile(suffix=".doc") as fh:
        fh.write(data)
        fh.flush()
        proc = subprocess.run([exe, "-m", "UTF-8.txt", "-w", "0", fh.name],
                              capture_output=True, timeout=TIMEOUT, check=False)
    if proc.returncode != 0:
        raise ReadError("unreadable .doc: antiword could not read it")
    lines = []
    for line in proc.stdout.decode("utf-8", "replace").split("\n"):
        # antiword draws table rows as |cell |cell |; the cells are kept, the rules dropped
        # (it loses merged cells' structure: LibreOffice is preferred when installed).
        if "|" in line:
            line = " ".join(c.strip() for c in line.split("|") if c.strip())
        lines.append(line)
    return Parsed("\n".join(lines), encoding="doc")


def read_doc(data: bytes) -> Parsed:
    """A .doc file's text: LibreOffice first (it keeps tables), else antiword."""
    try:
        if exe := shutil.which("soffice") or shutil.which("libreoffice"):
            return _soffice(data, exe)
        if exe := shutil.which("antiword"):
            return _antiword(data, exe)
    except subprocess.TimeoutExpired:
        raise ReadError(f"unreadable .doc: the converter took more than {TIMEOUT} s") from None
    raise ReadError("legacy Word .doc needs a converter: install antiword "
                    "(apt-get install antiword) or LibreOffice")
