"""Fast posting-list reads: whole blocks at a time, and BM25 rankings over them.

Whoosh's matchers hand out one posting per Python call (about 1 µs each); a section index of
thousands of reports has posting lists of hundreds of thousands of entries. For the whoosh3
codec's leaf matcher this module reads each block's decoded id and weight arrays in one go and
falls back to the generic matcher API for anything else (a segment with deletions, another
codec), so results never depend on which path ran.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate, compress, count, islice

from whoosh.codec.whoosh3 import W3LeafMatcher

# Whoosh's BM25F defaults, so scores equal what its own searcher would compute.
B, K1 = 0.75, 1.2


def _blocks(m: W3LeafMatcher, weights: bool):
    # Private block API of the pinned whoosh3 codec: each block's data tuple is (delta-coded
    # ids, weights: None for all 1.0, a float for all equal, else an array, ...). Decoded here
    # with itertools.accumulate, in C: Whoosh's own decoder is a Python generator, a call per
    # posting. Weights only when asked (tests/test_postings.py checks both against Whoosh).
    while m.is_active():
        if m._data is None:
            m._read_data()
        data, n = m._data, m._blocklength
        ids = data[0] if m._byteids else accumulate(data[0])
        ws = None
        if weights:
            ws = data[1]
            if ws is None or isinstance(ws, float):
                ws = [1.0 if ws is None else ws] * n
        yield ids, ws
        m._next_block()


def _blocks_within(m: W3LeafMatcher, docs: list[int], weights: bool):
    # Only the blocks that can hold one of ``docs`` (sorted, segment-local) are decoded; the
    # others cost their header, about a quarter of a decoded block (bench/NOTES.md).
    i, n = 0, len(docs)
    while i < n and m.is_active():
        high = m._maxid  # the block's last id; docs below it were in earlier blocks
        if docs[i] <= high:
            if m._data is None:
                m._read_data()
            ids = m._data[0] if m._byteids else list(accumulate(m._data[0]))
            ws = m._data[1] if weights else None
            if ws is None or isinstance(ws, float):
                ws = [1.0 if ws is None else ws] * len(ids) if weights else None
            wanted = set(docs[i:bisect_right(docs, high, i)])
            keep = [j for j, d in enumerate(ids) if d in wanted]
            yield [ids[j] for j in keep], [ws[j] for j in keep] if weights else None
            i = bisect_right(docs, high, i)
        m._next_block()


def _generic(m, weights: bool, wanted: set | None):
    # Any other matcher (a segment with deletions, another codec): one posting per call.
    ids, ws = [], []
    while m.is_active():
        if wanted is None or m.id() in wanted:
            ids.append(m.id())
            if weights:
                ws.append(m.weight())
        m.next()
    yield ids, ws if weights else None


def postings(searcher, field: str, term: str, weights: bool = False,
             within: list[int] | None = None):
    """``(ids, weights)`` of ``term`` in ``field`` with global document numbers.

    ``weights`` is None unless asked for. With ``within`` (sorted document numbers) only the
    postings of those documents, read without decoding the blocks that hold none of them.
    """
    ids: list[int] = []
    ws: list[float] | None = [] if weights else None
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (field, term) not in reader:
            continue
        local = None
        if within is not None:
            end = offset + reader.doc_count_all()
            local = [d - offset for d in within[bisect_left(within, offset):
                                                bisect_left(within, end)]]
            if not local:
                continue
        m = reader.postings(field, term)
        if type(m) is not W3LeafMatcher:
            blocks = _generic(m, weights, None if local is None else set(local))
        elif local is None:
            blocks = _blocks(m, weights)
        else:
            blocks = _blocks_within(m, local, weights)
        for block_ids, block_ws in blocks:
            ids.extend(map(offset.__add__, block_ids) if offset else block_ids)
            if ws is not None:
                ws.extend(block_ws)
    return ids, ws


def doc_set(searcher, field: str, term: str) -> frozenset:
    """Document numbers that have ``term`` in ``field``."""
    return frozenset(postings(searcher, field, term)[0])


def field_lengths(searcher, field: str) -> list[int]:
    """Length of ``field`` for every document number (read once per searcher by the caller)."""
    lengths: list[int] = []
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        get = reader.doc_field_length
        lengths += [get(d, field) or 0 for d in range(reader.doc_count_all())]
    return lengths


def bm25_norms(searcher, field: str) -> array:
    """BM25's length normalisation ``K1 * (1 - B + B * length / average)`` by document number.

    Computed once per searcher, so scoring a posting is one lookup and three operations; the
    expression is Whoosh's own, so the scores are equal to the last bit.
    """
    avgfl = searcher.avg_field_length(field) or 1.0
    return array("d", [K1 * ((1 - B) + B * fl / avgfl) for fl in field_lengths(searcher, field)])


class Ranking:
    """BM25 scores of every document holding any of the terms, with their top k by filter.

    A query seen once needs only its top k: a selection over the scores (``heapq``, stable,
    so equal scores keep posting order, as Whoosh's top-k does). A ranking asked again (the
    next page, another filter, a popular query) is sorted once, best first, and from then on
    each top k is a scan in C that stops at the k-th allowed document.
    """

    def __init__(self, ids: list[int], scores: list[float]):
        self.ids, self.scores = array("l", ids), array("d", scores)
        self.is_sorted = False
        self.uses = 0

    def __len__(self) -> int:
        return len(self.ids)

    def _sort(self) -> None:
        order = sorted(range(len(self.ids)), key=self.scores.__getitem__, reverse=True)
        self.ids = array("l", list(map(self.ids.__getitem__, order)))
        self.scores = array("d", list(map(self.scores.__getitem__, order)))
        self.is_sorted = True

    def top(self, allowed: frozenset, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` documents of ``allowed``, best first, as ``(docnum, score)``."""
        self.uses += 1
        if self.uses > 1 and not self.is_sorted:
            self._sort()
        ids, scores = self.ids, self.scores
        positions = compress(count(), map(allowed.__contains__, ids))
        if self.is_sorted:
            found = list(islice(positions, limit))
        else:
            found = heapq.nlargest(limit, positions, key=scores.__getitem__)
        return [(ids[i], scores[i]) for i in found]


def bm25_ranking(searcher, field: str, terms: list[str], norms: array,
                 within: list[int] | None = None) -> Ranking:
    """Score every document holding any of ``terms`` in ``field`` by BM25 (see ``Ranking``).

    With ``within`` (sorted document numbers) only those: the same scores in the same order
    as in the whole ranking, so the same top k, for a part of the reading when they are few.
    """
    k1p1 = K1 + 1
    per_term = []
    for term in dict.fromkeys(terms):
        ids, tfs = postings(searcher, field, term, weights=True, within=within)
        if ids:
            idf = searcher.idf(field, term)
            per_term.append((ids, [idf * ((tf * k1p1) / (tf + norms[d]))
                                   for d, tf in zip(ids, tfs, strict=True)]))
    if len(per_term) == 1:
        return Ranking(*per_term[0])
    acc: dict[int, float] = {}
    get = acc.get
    for t_ids, t_scores in per_term:
        for d, s in zip(t_ids, t_scores, strict=True):
            acc[d] = get(d, 0.0) + s
    return Ranking(list(acc), list(acc.values()))

