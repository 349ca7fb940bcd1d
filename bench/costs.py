"""The two unit costs the query planner weighs (``gxsearch/match.py``), measured on an index.

    PYTHONPATH=. python bench/costs.py --index-dir /tmp/b10k/index-10000-gxsearch-2 [--n 20000]

Reading a posting: the ``grams`` and ``words`` postings of a few common terms made into a
mask of sections, divided by their number. Checking a section's text: ``--n`` sections taken
at random (seeded) checked for a phrase on the columns' texts. Prints a Markdown table, µs
(the median of 5 runs each).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from gxsearch.analysis import literal_units
from gxsearch.match import _POSTING_COST, _VERIFY_COST, unit_pattern
from gxsearch.postings import to_mask
from gxsearch.search import open_index

TERMS = [("grams", "公开"), ("grams", "信息"), ("words", "公开"), ("words", "工作")]


def _median_us(run, n: int, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1e6 / n)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", required=True)
    ap.add_argument("--n", type=int, default=20000)
    args = ap.parse_args(argv)
    ix = open_index(args.index_dir)
    gen = ix.current()
    post = gen.postings
    per_posting = [_median_us(lambda f=field, t=term: to_mask(post.ids(f, t), post.size),
                              post.df(field, term))
                   for field, term in TERMS if post.df(field, term)]
    live = np.flatnonzero(gen.sections())
    sample = np.sort(np.random.default_rng(1).choice(live, min(args.n, len(live)), False))
    pattern = unit_pattern(literal_units("其他情形"), binary=True)
    per_text = _median_us(lambda: post.check(sample, pattern), len(sample))
    print(f"| cost, µs | measured | in match.py |\n| --- | ---: | ---: |\n"
          f"| reading a posting into a mask (median of {len(per_posting)} terms) | "
          f"{statistics.median(per_posting):.4f} | {_POSTING_COST} |\n"
          f"| checking a section's text ({len(sample):,} sections) | {per_text:.2f} | "
          f"{_VERIFY_COST} |")
    ix.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
