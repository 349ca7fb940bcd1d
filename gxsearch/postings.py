"""Postings of a whole index generation, read from its segments' columns as numpy arrays.

A generation is one or more Whoosh segments, each with its columns file (``columns.py``);
a document's number is its segment's offset plus its number inside the segment, as in
Whoosh. ``Postings`` turns a term into the sorted global document numbers holding it (and
their term frequencies), a one-unit query into the union of the bigrams it starts, a literal
into the union of the jieba words that contain it, and checks a regular expression against
the texts of given sections. Sets of sections are boolean masks by document number: set
operations, counts and top-k selections are single C loops over arrays.

BM25 (``bm25``) is Whoosh's BM25F with its defaults, in the same floating-point operations,
so the scores equal what Whoosh's own searcher computes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import repeat

import numpy as np

from gxsearch.columns import Columns

# Whoosh's BM25F defaults, so scores equal what its own searcher would compute.
B, K1 = 0.75, 1.2
_EMPTY = np.zeros(0, np.int32)


def to_mask(ids: np.ndarray, size: int) -> np.ndarray:
    """A boolean mask of ``size`` documents, True at ``ids``."""
    mask = np.zeros(size, bool)
    mask[ids] = True
    return mask


class Postings:
    """The columns of a generation's segments, in document-number order.

    ``parts`` are ``(Columns, offset)`` with ascending offsets; ``size`` is the number of
    documents (deleted ones included, as Whoosh numbers them).
    """

    def __init__(self, parts: list[tuple[Columns, int]], size: int):
        self.parts, self.size = parts, size
        self._starts = [offset for _, offset in parts]

    def _slices(self, field: str, term: str):
        for cols, offset in self.parts:
            start, end = cols.span(field, term)
            if end > start:
                yield cols, offset, start, end

    def ids(self, field: str, term: str) -> np.ndarray:
        """The sorted document numbers holding ``term`` in ``field``."""
        pieces = [cols.doc(field)[s:e] + offset for cols, offset, s, e in
                  self._slices(field, term)]
        return np.concatenate(pieces) if pieces else _EMPTY

    def weights(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, term frequencies as float64)`` of ``term`` in ``field``."""
        parts = list(self._slices(field, term))
        if not parts:
            return _EMPTY, np.zeros(0)
        ids = np.concatenate([cols.doc(field)[s:e] + off for cols, off, s, e in parts])
        tfs = np.concatenate([cols.tf(field)[s:e] for cols, _, s, e in parts])
        return ids, tfs.astype(np.float64)

    def df(self, field: str, term: str) -> int:
        """How many documents hold ``term`` (deleted ones included, like Whoosh's count)."""
        return sum(e - s for _, _, s, e in self._slices(field, term))

    def terms(self, field: str) -> list[str]:
        """Every term of ``field`` in any segment, sorted."""
        if len(self.parts) == 1:
            return list(self.parts[0][0].terms(field))
        return sorted(set().union(*(cols.terms(field) for cols, _ in self.parts)))

    def union(self, field: str, pick) -> np.ndarray:
        """Mask of the documents holding any term that ``pick(columns)`` names, as term-number
        ranges ``[(lo, hi), …]`` of that segment (the postings of consecutive terms are one
        run of the arrays)."""
        mask = np.zeros(self.size, bool)
        for cols, offset in self.parts:
            off, doc = cols.off(field), cols.doc(field)
            for lo, hi in pick(cols):
                if hi > lo:
                    mask[doc[off[lo]:off[hi]] + offset] = True
        return mask

    def prefix_df(self, field: str, prefix: str) -> int:
        """Postings of all terms starting with ``prefix``."""
        total = 0
        for cols, _ in self.parts:
            lo, hi = cols.prefix(field, prefix)
            off = cols.off(field)
            total += int(off[hi] - off[lo])
        return total

    def containing(self, field: str, text: str) -> np.ndarray:
        """Mask of the documents holding a term of ``field`` that contains ``text``."""
        def pick(cols):
            found = {cols.term_at(field, m.start()) for m in
                     re.finditer(re.escape(text), cols.term_blob(field))}
            return [(i, i + 1) for i in found]
        return self.union(field, pick)

    def lengths(self) -> np.ndarray:
        """The ``words`` field length by document number."""
        out = np.zeros(self.size, np.float64)
        for cols, offset in self.parts:
            out[offset:offset + cols.docs] = cols.length
        return out

    def check(self, ids: np.ndarray, pattern: re.Pattern,
              needle: bytes | None = None) -> np.ndarray:
        """Those of ``ids`` (sorted) whose lowercased UTF-8 text ``pattern`` (bytes) finds.

        ``needle``, if given, is what ``pattern`` finds in a text without spaces: the texts
        are first searched for it as a plain substring (a C substring search, ~3x faster than
        the regular expression), which settles a text without spaces either way and one with
        spaces where it is found; the rest is searched with ``pattern``.
        """
        keep = []
        bounds = np.searchsorted(ids, self._starts[1:] + [self.size])
        lo = 0
        for (cols, offset), hi in zip(self.parts, bounds, strict=True):
            local, lo = ids[lo:hi] - offset, hi
            if needle is not None and len(local):
                found = np.fromiter(map((-1).__lt__, map(cols.text.find, repeat(needle),
                                                         *_spans(cols, local))), bool, len(local))
                keep.append(local[found] + offset)
                local = local[~found & cols.gaps[local]]
            if len(local):
                found = map(bool, map(pattern.search, repeat(cols.text), *_spans(cols, local)))
                keep.append(local[np.fromiter(found, bool, len(local))] + offset)
        return np.sort(np.concatenate(keep)).astype(np.int32) if keep else _EMPTY

    def text(self, d: int) -> str:
        """The lowercased indexed text of document ``d`` (as the columns hold it)."""
        cols, offset = self.parts[bisect_right(self._starts, d) - 1]
        (start,), (end,) = _spans(cols, np.array([d - offset]))
        return cols.text[start:end].decode("utf-8")


def _spans(cols: Columns, local: np.ndarray) -> tuple[list[int], list[int]]:
    # Where the texts of ``local`` documents start and end in ``cols.text`` (the map).
    return ((cols.text_off[local] + cols.text_base).tolist(),
            (cols.text_off[local + 1] + (cols.text_base - 1)).tolist())


def bm25_norms(lengths: np.ndarray, average: float) -> np.ndarray:
    """BM25's length normalisation ``K1 * (1 - B + B * length / average)`` by document number,
    in Whoosh's own order of operations, so scores are equal to the last bit."""
    return K1 * ((1 - B) + B * lengths / (average or 1.0))


def bm25(post: Postings, terms: list[str], idfs: list[float],
         norms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, scores)``: the BM25 score of every document holding any of ``terms`` in the
    ``words`` field, ids ascending."""
    k1p1 = K1 + 1
    per_term = []
    for term, idf in zip(terms, idfs, strict=True):
        ids, tfs = post.weights("words", term)
        if len(ids):
            per_term.append((ids, idf * ((tfs * k1p1) / (tfs + norms[ids]))))
    if not per_term:
        return _EMPTY, np.zeros(0)
    if len(per_term) == 1:
        return per_term[0]
    acc, seen = np.zeros(post.size), np.zeros(post.size, bool)
    for ids, scores in per_term:
        acc[ids] += scores
        seen[ids] = True
    ids = np.flatnonzero(seen).astype(np.int32)
    return ids, acc[ids]


def top(ids: np.ndarray, scores: np.ndarray, allowed: np.ndarray, k: int):
    """The best ``k`` of ``ids`` inside the mask ``allowed`` as ``(docnum, score)``: highest
    score first, equal scores in document order (as Whoosh's collector orders them)."""
    keep = allowed[ids]
    ids, scores = ids[keep], scores[keep]
    if len(ids) > k:
        threshold = np.partition(scores, len(scores) - k)[len(scores) - k]
        above = np.flatnonzero(scores > threshold)
        ties = np.flatnonzero(scores == threshold)[:k - len(above)]
        pick = np.concatenate([above, ties])
        ids, scores = ids[pick], scores[pick]
    order = np.lexsort((ids, -scores))
    return list(zip(ids[order].tolist(), scores[order].tolist(), strict=True))
