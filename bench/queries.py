"""Per-query latency on an existing index: the query set of ``bench/NOTES.md``.

    python bench/queries.py --index-dir /tmp/b10k/index-10000-gxsearch-1 [--repeat 3]

Opens the index once, runs every query once untimed (warm: jieba loaded, caches filled for
the facets, not for these queries' match sets, rankings and results unless
``--warm-matches``), then ``--repeat`` times each through ``gxsearch.search.search`` (top 10,
highlights and facets) and prints the median per query with the number of matching sections,
as a Markdown table. The per-query caches are cleared before every timed run, so each run
pays for matching, ranking, facets and highlights, as a new query would; with
``--warm-matches`` they are kept, and each timed run is a repeated query.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from gxsearch.search import index_info, open_index, search

QUERIES = [
    "公开", "依申请公开", '"政府信息公开条例"', "复议", "行政复议 OR 行政诉讼", "公开 -收费",
    "主动公开 year:2018", '"两微一端"', "政策解读 topic:政策解读", "诉",
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--warm-matches", action="store_true",
                    help="keep the per-query caches between runs (a repeated query)")
    args = ap.parse_args(argv)
    ix = open_index(args.index_dir)
    for q in QUERIES:
        search(ix, q)
    print(f"index: {args.index_dir}, {index_info(ix)['sections']:,} sections, "
          f"median of {args.repeat}, "
          f"per-query caches {'kept' if args.warm_matches else 'cleared'}\n")
    print("| query | matches | median ms |\n| --- | ---: | ---: |")
    for q in QUERIES:
        times = []
        for _ in range(args.repeat):
            if not args.warm_matches:
                ix.clear_caches()
            t0 = time.perf_counter()
            result = search(ix, q)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"| `{q}` | {result['total']:,} | {statistics.median(times):,.1f} |")
    ix.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
