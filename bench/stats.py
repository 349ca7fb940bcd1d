"""What extracting the statistics adds to the analysis of each report (issue: at most 10%).

    PYTHONPATH=. python bench/stats.py [--repeat 5]

Times ``indexer.analyse`` (clean, metadata, sections, topics, figures) over the 22 Pingtan
reports and the format fixtures, and ``stats.report_stats`` alone on the same cleaned texts,
in one process; prints the share. (Whoosh's writing and jieba, which a build adds on top,
make the share of a whole build smaller still.)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gxsearch.clean import clean_both, row_key  # noqa: E402
from gxsearch.indexer import analyse  # noqa: E402
from gxsearch.read import read_file  # noqa: E402
from gxsearch.stats import report_stats  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    paths = sorted((ROOT.parent / "shared" / "corpus" / "pingtan").glob("*.txt"))
    paths += [ROOT / "tests/data/formats/pingtan-2022.pdf",
              ROOT / "tests/data/html/pingtan_2024.html"]
    sources = [read_file(str(p), p.name) for p in paths]
    cleaned = []
    for s in sources:
        rows = frozenset(row_key(line) for t in s.tables for line in t.lines())
        cleaned.append(clean_both(s.raw, s.wrapped, rows)[0])
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for s in sources:
            analyse(s, s.path, "r")
    whole = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for s, text in zip(sources, cleaned, strict=True):
            report_stats(s.tables, text)
    figures = time.perf_counter() - t0
    n = len(sources) * args.repeat
    print("| reports | analyse ms/report | figures ms/report | share of analyse |")
    print("|---:|---:|---:|---:|")
    print(f"| {len(sources)} | {whole / n * 1000:.2f} | {figures / n * 1000:.2f} | "
          f"{figures / whole:.1%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
