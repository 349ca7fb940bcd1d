"""cProfile of one query on an existing index, each run as a new query.

    PYTHONPATH=. python bench/profile_query.py --index-dir DIR [--runs 10] QUERY

Opens the index, answers QUERY once (facets and norms loaded), then ``--runs`` times with the
per-query caches cleared before each, under cProfile; prints the functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys

from gxsearch.search import open_index, search


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("query")
    args = ap.parse_args(argv)
    ix = open_index(args.index_dir)
    search(ix, args.query)
    prof = cProfile.Profile()
    for _ in range(args.runs):
        ix.clear_caches()
        prof.runcall(search, ix, args.query)
    pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
