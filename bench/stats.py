"""What extracting the statistics adds to the analysis of each report (issue: at most 10%).

    PYTHONPATH=. python bench/stats.py [--repeat 5] [--index DIR]

Times ``records.analyse`` (clean, metadata, sections, topics, figures) over the 22 Pingtan
reports and the format fixtures, and ``stats.report_stats`` alone on the same cleaned texts,
in one process; prints the share. (Whoosh's writing and jieba, which a build adds on top,
make the share of a whole build smaller still.)

With ``--index DIR`` it also prints what the statistics of that index come to: reports with
tables, keys and figures read, checks made, held and failed, and each failed check; and what
serving them costs: the first load of every report's record (once per generation) with the
memory it holds, and /stats, /stats.csv and /stats?q= through the test client.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gxsearch.clean import clean_both, row_key  # noqa: E402
from gxsearch.read import read_file  # noqa: E402
from gxsearch.records import analyse  # noqa: E402
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
    import tracemalloc

    from gxsearch import figures
    from gxsearch.search import open_index
    from gxsearch.web import create_app

    with open_index(index_dir) as ix:
        tracemalloc.start()
        t0 = time.perf_counter()
        figures.all_reports(ix)
        load = time.perf_counter() - t0
        held = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
        reports = figures.select(ix)
    client = create_app({"INDEX_DIR": index_dir}).test_client()
    print("| reports | first load s | held MB | page | KB | first ms | again ms |")
    print("|---:|---:|---:|---|---:|---:|---:|")
    for url in ("/stats", "/stats?sort=apply.new&order=desc", "/stats.csv",
                "/stats?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80"):
        times = []
        for _ in range(2):
            t0 = time.perf_counter()
            size = len(client.get(url).data)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"| {len(reports)} | {load:.2f} | {held:.1f} | `{url}` | {size // 1024} | "
              f"{times[0]:.0f} | {times[1]:.0f} |")
    print()
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
