"""What extracting the statistics adds to the analysis of each report (issue: at most 10%).

    PYTHONPATH=. python bench/stats.py [--repeat 5] [--index DIR]

Times ``indexer.analyse`` (clean, metadata, sections, topics, figures) over the 22 Pingtan
reports and the format fixtures, and ``stats.report_stats`` alone on the same cleaned texts,
in one process; prints the share. (Whoosh's writing and jieba, which a build adds on top,
make the share of a whole build smaller still.)

With ``--index DIR`` it also prints what the statistics of that index come to: reports with
tables, keys and figures read, checks made, held and failed, and each failed check.
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
    ap.add_argument("--index", help="also summarise the statistics of this index")
    args = ap.parse_args(argv)
    if args.index:
        collection(args.index)
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


def collection(index_dir: str) -> None:
    from gxsearch import figures
    from gxsearch.search import open_index

    with open_index(index_dir) as ix:
        reports = figures.select(ix)
    tables = [r for r in reports if r["status"] != "无表格"]
    keys = sum(len(r["figures"]) for r in tables)
    read = sum(v is not None for r in tables for v in r["figures"].values())
    checks = [c for r in reports for c in r["checks"]]
    print("| reports | with tables | keys | figures read | null | checks | held | failed |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(reports)} | {len(tables)} | {keys} | {read} | {keys - read} | {len(checks)} "
          f"| {sum(c['ok'] for c in checks)} | {sum(not c['ok'] for c in checks)} |")
    for r in reports:
        for c in r["checks"]:
            if not c["ok"]:
                print(f"- {r['year']} {r['title']}: {c['rule']}: {c['detail']}")
    print()


if __name__ == "__main__":
    raise SystemExit(main())
