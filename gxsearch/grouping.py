"""Results by report: the matching sections gathered under their reports, and facet counts
that count reports.

A report is ranked by its best section: the sections are ranked as the hits are (BM25 on
the jieba words, sections without any of the words after, or newest year first), and the
reports follow in the order their first section appears. Each report shows its best
``SHOWN`` sections in document order and says how many more it has. Everything is numpy
over the section → report map (``Owners``), computed once per generation.
"""

from __future__ import annotations

import numpy as np

SHOWN = 3


class Owners:
    """Which report each section belongs to (``codes``, -1 for what is not a live section)
    and, per facet field whose value is the report's (district, year, …), each report's
    value code."""

    def __init__(self, gen):
        owner = gen.facet("report_id")
        self.ids = owner.values  # report ids, by code
        self.codes = owner.codes
        self.count = len(owner.values)
        self._values: dict[str, np.ndarray] = {}

    def values(self, facet, field: str) -> np.ndarray:
        """Per report, the code of its value of ``field`` (``facet``; -1 when it has none).
        (The generation is not held: it is freed by reference counting when replaced.)"""
        if field not in self._values:
            out = np.full(self.count, -1, np.int32)
            live = self.codes >= 0
            out[self.codes[live]] = facet.codes[live]
            self._values[field] = out
        return self._values[field]


def owners(gen) -> Owners:
    held = gen.memo.get("owners")
    if held is None:
        held = gen.memo["owners"] = Owners(gen)
    return held


def reports_of(own: Owners, ids: np.ndarray) -> np.ndarray:
    """Mask over reports: those holding any of the sections ``ids``."""
    seen = np.zeros(own.count, bool)
    codes = own.codes[ids]
    seen[codes[codes >= 0]] = True
    return seen


def facet_counts(own: Owners, facet, field: str, ids: np.ndarray,
                 reports: np.ndarray | None = None) -> np.ndarray:
    """For each value of ``facet``, how many reports have a section among ``ids`` holding it:
    through each report's own value for a field of one value a report, through the sections
    for one of several a report (topics). ``reports``: ``reports_of(own, ids)`` if the caller
    has it (the facets of one query share their scopes)."""
    n = len(facet.values)
    if facet.codes is not None and field != "topic":
        values = own.values(facet, field)[reports_of(own, ids) if reports is None else reports]
        return np.bincount(values[values >= 0], minlength=n)[:n]
    if facet.bits is not None:
        # Each report's values as one bit set (OR over its sections), then a count per bit:
        # two passes over the hits instead of one per value.
        codes = own.codes[ids]
        keep = codes >= 0
        held = np.zeros(own.count, np.uint64)
        np.bitwise_or.at(held, codes[keep], facet.bits[ids[keep]])
        return np.array([np.count_nonzero(held & np.uint64(1 << i)) for i in range(n)],
                        np.int64)
    scope = np.zeros(len(own.codes), bool)
    scope[ids] = True
    out = np.zeros(n, np.int64)
    for i, value in enumerate(facet.values):
        held = facet.ids(value)
        out[i] = np.count_nonzero(reports_of(own, held[scope[held]]))
    return out


def group(ids: np.ndarray, scores: np.ndarray, rest: np.ndarray, own: Owners, page: int,
          per_page: int) -> tuple[int, list[tuple[str, int, list[int], int]]]:
    """``(total reports, [(report id, its best section's docnum, the shown sections' docnums
    in document order, how many more sections it has)])`` for ``page`` of ``per_page``
    reports (all when ``per_page`` is 0). The sections are ranked by their ``scores``
    (``ids``: docnums rising), higher first, equal ones in document order, then the unscored
    ``rest`` in the order given; a report goes where its first section does."""
    n = own.count
    codes, rcodes = own.codes[ids], own.codes[rest]
    # No sort of the sections (the hits of a common word are most of the collection): a
    # report's first section is its best-scored one, the first in document order among
    # equals, so the reports are sorted by (best score, that docnum); reports with no scored
    # section follow, by their first position in ``rest``.
    best = np.full(n, -np.inf)
    np.maximum.at(best, codes, scores)
    top = scores == best[codes]
    first_doc = np.full(n, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first_doc, codes[top], ids[top])
    scored_hits = np.bincount(codes, minlength=n)
    scored = np.flatnonzero(scored_hits)
    scored = scored[np.lexsort((first_doc[scored], -best[scored]))]
    first = np.full(n, len(rest), np.int64)
    np.minimum.at(first, rcodes, np.arange(len(rest)))
    only_rest = np.flatnonzero((first < len(rest)) & (scored_hits == 0))
    order = np.concatenate([scored, only_rest[np.argsort(first[only_rest], kind="stable")]])
    total = len(order)
    if per_page:
        start = (page - 1) * per_page
        order = order[start:start + per_page]
    counts = (scored_hits + np.bincount(rcodes, minlength=n))[order]
    chosen = np.zeros(n, bool)
    chosen[order] = True
    # The chosen reports' sections in rank order: their scored ones sorted, then the rest.
    mine_at = np.flatnonzero(chosen[codes])
    mine_at = mine_at[np.lexsort((ids[mine_at], -scores[mine_at]))]
    ranked = np.concatenate([ids[mine_at], rest[chosen[rcodes]]])
    rank_codes = own.codes[ranked]
    out = []
    for code, k in zip(order.tolist(), counts.tolist(), strict=True):
        mine = ranked[rank_codes == code][:SHOWN]
        out.append((own.ids[code], int(mine[0]), sorted(mine.tolist()), k - len(mine)))
    return total, out
