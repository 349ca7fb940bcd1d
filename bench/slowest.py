"""The slowest queries of a benchmark query set, each run once with the match cache cleared.

    PYTHONPATH=. python bench/slowest.py --index-dir /tmp/b10k/index-10000-gxsearch-1 \\
        --queries /tmp/b10k/queries-10000.json --classes phrase,word_common [--top 10]

Uses the queries ``bench/run.py`` wrote (``queries-N.json``) and the same gxsearch adapter, so
a query here is the query the benchmark timed. Prints ``ms, matches, query`` slowest first.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from bench.peers import Gxsearch


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--classes", default="phrase,word_common")
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args(argv)
    with open(args.queries, encoding="utf-8") as fh:
        queries = json.load(fh)["latency"]
    engine = Gxsearch()
    engine.open(args.index_dir)
    engine.query({"op": "and", "terms": ["公开"]})  # warm: jieba, facets, lengths
    timed = []
    for q in queries:
        if q["cls"] not in args.classes.split(","):
            continue
        engine.ix.clear_caches()
        t0 = time.perf_counter()
        result = engine.query(q)
        timed.append(((time.perf_counter() - t0) * 1000, result["total"], engine.render(q)))
    for ms, total, text in sorted(timed, reverse=True)[:args.top]:
        print(f"{ms:9.1f} ms {total:8,d}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
