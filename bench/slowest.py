"""The slowest queries of a benchmark query set, each run as a new query (caches cleared).

    PYTHONPATH=. python bench/slowest.py --index-dir /tmp/b10k/index-10000-gxsearch-1 \\
        --queries /tmp/b10k/queries-10000.json --classes phrase,word_common [--top 10] \\
        [--repeat 3]

Uses the queries ``bench/run.py`` wrote (``queries-N.json``) and the same gxsearch adapter, so
a query here is the query the benchmark timed. Prints ``ms, matches, query`` slowest first
(the median of ``--repeat`` runs), then a table by query class: mean, median and slowest.
``--classes all`` takes every class; ``--probes N`` adds the first N phrase probes of the
query set (class ``probe``, each quoted), as ``bench/load.py --probes`` sends them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from bench.peers import Gxsearch


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--classes", default="phrase,word_common")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--probes", type=int, default=0)
    args = ap.parse_args(argv)
    with open(args.queries, encoding="utf-8") as fh:
        saved = json.load(fh)
    queries = saved["latency"] + [{"cls": "probe", "op": "and", "terms": [f'"{p["probe"]}"']}
                                  for p in saved["recall"][:args.probes]]
    classes = args.classes.split(",") + (["probe"] if args.probes else [])
    engine = Gxsearch()
    engine.open(args.index_dir)
    engine.query({"op": "and", "terms": ["公开"]})  # warm: jieba, facets, lengths
    timed = []
    for q in queries:
        if "all" not in classes and q["cls"] not in classes:
            continue
        runs = []
        for _ in range(args.repeat):
            engine.ix.clear_caches()
            t0 = time.perf_counter()
            result = engine.query(q)
            runs.append((time.perf_counter() - t0) * 1000)
        timed.append((statistics.median(runs), result["total"], engine.render(q), q["cls"]))
    for ms, total, text, _ in sorted(timed, reverse=True)[:args.top]:
        print(f"{ms:9.1f} ms {total:8,d}  {text}")
    print(f"\nmedian of {args.repeat} per query, ms\n\n"
          "| class | queries | mean | median | p99 | slowest |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: |")
    by_class: dict[str, list[float]] = {}
    for ms, _, _, cls in timed:
        by_class.setdefault(cls, []).append(ms)
    by_class["all"] = [ms for ms, _, _, _ in timed]
    for cls, ms in by_class.items():
        p99 = sorted(ms)[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(f"| {cls} | {len(ms)} | {statistics.mean(ms):,.1f} | "
              f"{statistics.median(ms):,.1f} | {p99:,.1f} | {max(ms):,.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
