"""Fast posting-list reads: whole blocks at a time, and BM25 top-k over them.

Whoosh's matchers hand out one posting per Python call (about 1 µs each); a section index of
thousands of reports has posting lists of hundreds of thousands of entries. For the whoosh3
codec's leaf matcher this module reads each block's decoded id and weight arrays in one go and
falls back to the generic matcher API for anything else (a segment with deletions, another
codec), so results never depend on which path ran.
"""

from __future__ import annotations

import heapq
from operator import itemgetter

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import bm25

# Whoosh's BM25F defaults, so scores equal what its own searcher would compute.
B, K1 = 0.75, 1.2


def _blocks(m: W3LeafMatcher, weights: bool):
    # Private block API of the pinned whoosh3 codec: the decoded arrays of the current block.
    # Weights only when asked: for an unweighted block Whoosh builds them one by one.
    while m.is_active():
        m._read_ids()
        if weights:
            m._read_weights()
        yield m._ids, m._weights if weights else None
        m._next_block()


def postings(searcher, field: str, term: str, weights: bool = False):
    """``(ids, weights)`` of ``term`` in ``field`` with global document numbers.

    ``weights`` is None unless asked for.
    """
    ids: list[int] = []
    ws: list[float] | None = [] if weights else None
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (field, term) not in reader:
            continue
        m = reader.postings(field, term)
        if type(m) is W3LeafMatcher:
            for block_ids, block_ws in _blocks(m, ws is not None):
                ids.extend(block_ids if not offset else [d + offset for d in block_ids])
                if ws is not None:
                    ws.extend(block_ws)
        else:
            while m.is_active():
                ids.append(m.id() + offset)
                if ws is not None:
                    ws.append(m.weight())
                m.next()
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


def bm25_top(searcher, field: str, terms: list[str], allowed: frozenset, limit: int,
             lengths: list[int]) -> list[tuple[int, float]]:
    """The ``limit`` best of ``allowed`` by BM25 over ``terms``, as ``(docnum, score)``;
    documents with none of the terms are left out."""
    avgfl = searcher.avg_field_length(field) or 1.0
    scores: dict[int, float] = {}
    get = scores.get
    for term in dict.fromkeys(terms):
        ids, tfs = postings(searcher, field, term, weights=True)
        if not ids:
            continue
        idf = searcher.idf(field, term)
        for d, tf in zip(ids, tfs, strict=True):
            if d in allowed:
                scores[d] = get(d, 0.0) + bm25(idf, tf, lengths[d], avgfl, B, K1)
    # nlargest is stable: equal scores keep posting order, so pages stay consistent.
    return heapq.nlargest(limit, scores.items(), key=itemgetter(1))
