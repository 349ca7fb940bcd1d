"""Read throughput per format, and what share of a PDF build reading is.

    PYTHONPATH=. python bench/read.py [--repeat 20] [--procs 1,2] [--build 1000] [--out DIR]

Formats: the fixtures of tests/data/formats (PDF, DOCX, DOC through antiword when installed),
the real CMS pages of tests/data/html, the real PDFs in ../shared/corpus/pdf, the 22 Pingtan
text reports and a Markdown conversion. Each file is read ``--repeat`` times through
``gxsearch.read.read_file`` by 1 and by 2 processes; the table gives files/s and, for PDF,
pages/s. ``--build N`` then indexes N distinct PDF reports (copies of the 2022 fixture, each
made distinct by a trailing PDF comment) and the same N reports as plain text, both with 2
processes, and prints the build times and the share of the PDF build spent reading (0 to
skip).
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gxsearch.indexer import index_paths  # noqa: E402
from gxsearch.read import read_file  # noqa: E402

FORMATS = ROOT / "tests" / "data" / "formats"
HTML = ROOT / "tests" / "data" / "html"
SHARED = ROOT.parent / "shared" / "corpus"


def _files() -> dict[str, list[Path]]:
    out = {
        "pdf (fixtures)": [FORMATS / "pingtan-2022.pdf", FORMATS / "pingtan-2011.pdf"],
        "pdf (real, budgets)": sorted((SHARED / "pdf").glob("*.pdf")),
        "docx": [FORMATS / "pingtan-2022.docx", FORMATS / "pingtan-2011.docx"],
        "html (real CMS pages)": sorted(HTML.glob("*.html")),
        "txt (Pingtan)": sorted((SHARED / "pingtan").glob("*.txt")),
    }
    if shutil.which("antiword") or shutil.which("soffice"):
        out["doc"] = [FORMATS / "pingtan-2022.doc"]
    return {k: v for k, v in out.items() if v}


def _read(path: str) -> int:
    return read_file(path, Path(path).name).pages


def _rate(paths: list[Path], repeat: int, procs: int) -> tuple[float, float]:
    """(files/s, pages/s) reading ``paths`` ``repeat`` times with ``procs`` processes."""
    jobs = [str(p) for p in paths] * repeat
    t0 = time.perf_counter()
    if procs == 1:
        pages = sum(map(_read, jobs))
    else:
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            pages = sum(pool.map(_read, jobs, chunksize=4))
    dt = time.perf_counter() - t0
    return len(jobs) / dt, pages / dt


def _build(n: int, out: Path) -> dict:
    """Index ``n`` distinct PDFs and the same reports as text; the seconds of each."""
    pdf_dir, txt_dir = out / "pdf", out / "txt"
    pdf_dir.mkdir(parents=True)
    txt_dir.mkdir()
    data = (FORMATS / "pingtan-2022.pdf").read_bytes()
    text = read_file(str(FORMATS / "pingtan-2022.pdf"), "x").raw
    for i in range(n):
        (pdf_dir / f"r{i:05d}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
        (txt_dir / f"r{i:05d}.txt").write_text(f"{text}\n（副本 {i}）\n", encoding="utf-8")
    times = {}
    for name, folder in (("pdf", pdf_dir), ("txt", txt_dir)):
        t0 = time.perf_counter()
        summary = index_paths([str(folder)], out / f"index-{name}", rebuild=True, procs=2)
        times[name] = time.perf_counter() - t0
        assert summary["reports"] == n, summary
    return times


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--procs", default="1,2")
    ap.add_argument("--build", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    procs = [int(p) for p in args.procs.split(",")]
    print("| format | files | " + " | ".join(f"files/s ({p} proc)" for p in procs)
          + " | " + " | ".join(f"pages/s ({p} proc)" for p in procs) + " |")
    print("|---|---:|" + "---:|" * (2 * len(procs)))
    rates = {}
    for fmt, paths in _files().items():
        got = [_rate(paths, args.repeat, p) for p in procs]
        rates[fmt] = got
        pages = " | ".join(f"{pg:.0f}" if fmt.startswith("pdf") else "" for _, pg in got)
        print(f"| {fmt} | {len(paths)} | " + " | ".join(f"{f:.1f}" for f, _ in got)
              + f" | {pages} |")
    if args.build:
        out = args.out or Path(tempfile.mkdtemp(prefix="gxsearch-read-bench-"))
        times = _build(args.build, out)
        per_pdf = 1 / rates["pdf (fixtures)"][procs.index(2) if 2 in procs else 0][0]
        reading = args.build * per_pdf
        print()
        print(f"| {args.build} reports, 2 procs | build s | reading s (est.) | share |")
        print("|---|---:|---:|---:|")
        print(f"| PDF (5 pages each) | {times['pdf']:.1f} | {reading:.1f} | "
              f"{reading / times['pdf']:.0%} |")
        print(f"| the same as .txt | {times['txt']:.1f} | | |")
        print(f"\nPDF build − text build: {times['pdf'] - times['txt']:.1f} s "
              f"({(times['pdf'] - times['txt']) / times['pdf']:.0%} of the PDF build)")
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
