"""Incremental updates: new reports added to a copy of an index, seconds and bytes written.

    python bench/incremental.py --index-dir DIR --corpus CORPUS [--add 1,100] [--work /tmp/binc]

For each count in ``--add``, makes that many new reports (``bench/corpus.py``, another seed),
copies the index to ``WORK`` and runs ``gxsearch index CORPUS NEW --index-dir COPY --procs 2``
on it, as an operator adding reports would (the unchanged CORPUS is checked, not re-read).
Prints a Markdown table: wall seconds, peak RSS of the run, and the files of the new
generation the run wrote (those with one link: the rest are hard links to the previous
generation), with the collection's audit (``audit.json``) apart.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402


def _written(gen: Path) -> tuple[int, int, int]:
    """(bytes of the files the run wrote, of which audit.json, new segments)."""
    files = [p for p in gen.iterdir() if p.is_file() and p.stat().st_nlink == 1]
    size = sum(p.stat().st_size for p in files)
    audit = sum(p.stat().st_size for p in files if p.name == "audit.json")
    return size, audit, sum(p.name.endswith(".gxcol") for p in files)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--add", default="1,100")
    ap.add_argument("--work", type=Path, default=Path("/tmp/binc"))
    args = ap.parse_args(argv)
    gxsearch = Path(sys.executable).with_name("gxsearch")
    rows = []
    for n in map(int, args.add.split(",")):
        base = args.work / f"add-{n}"
        shutil.rmtree(base, ignore_errors=True)
        new = base / "new"
        generate(new, n, seed=99)
        (new / "manifest.jsonl").unlink()  # the generator's own list, not a report
        copy = base / "index"
        shutil.copytree(args.index_dir, copy, symlinks=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        subprocess.run([str(gxsearch), "index", str(args.corpus), str(new), "--index-dir",
                        str(copy), "--procs", "2"], check=True, stdout=subprocess.DEVNULL)
        secs = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        gen = copy / (copy / "CURRENT").read_text().strip()
        size, audit, segments = _written(gen)
        rows.append((n, secs, peak if peak > before else None, size, audit, segments))
        shutil.rmtree(base, ignore_errors=True)
    print("| added | wall s | peak RSS MB | written MB | of which audit.json MB | new segments |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, secs, peak, size, audit, segments in rows:
        rss = f"{peak / 1024:,.0f}" if peak else "(≤ the run before)"
        print(f"| {n:,} | {secs:.1f} | {rss} | {size / 1e6:.1f} | {audit / 1e6:.1f} | "
              f"{segments} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
