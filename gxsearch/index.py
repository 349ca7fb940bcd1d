"""The open index: a searcher that follows the on-disk generation, and what is computed from
it once (facet value sets, BM25 norms, the vocabulary) or once per query (match sets,
rankings, results), remembered in bounded LRU caches until the index changes.
"""

from __future__ import annotations

import threading
import weakref
from array import array
from collections import OrderedDict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as Q

from gxsearch.indexer import current_generation, read_info
from gxsearch.postings import Ranking, bm25_norms, bm25_ranking, doc_set

# Cached match sets, 8 bytes a document number: about 64 MB at most.
_CACHE_IDS = 8_000_000
# About 50 MB of cached rankings (12 bytes an entry).
_CACHE_RANKED = 4_000_000
# Cached results: a few hits and facet counts, ~20-40 KB each on a 10,000-report index.
_CACHE_RESULTS = 2_000


class _Lru:
    """Values computed on demand and kept until their total ``size`` passes ``budget``; the
    least recently used go first (the last one stays, however big)."""

    def __init__(self, budget: int, size=len):
        self.budget, self.size = budget, size
        self.items: OrderedDict = OrderedDict()
        self.held = 0

    def get(self, key, compute):
        """The value under ``key``, computed by ``compute()`` if not held."""
        value = self.peek(key)
        return self.put(key, compute()) if value is None else value

    def peek(self, key):
        """The value under ``key`` (now the most recently used), or None."""
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        return None

    def put(self, key, value):
        """Hold ``value`` under ``key``, forgetting the least recently used over budget."""
        if key in self.items:
            self.held -= self.size(self.items.pop(key))
        self.items[key] = value
        self.held += self.size(value)
        while self.held > self.budget and len(self.items) > 1:
            self.held -= self.size(self.items.popitem(last=False)[1])
        return value

    def clear(self) -> None:
        self.items.clear()
        self.held = 0


class Index:
    """An open index that follows the on-disk one: a rebuild or an update is picked up by the
    next request, without a restart. Safe to share between threads (calls are serialised)."""

    def __init__(self, index_dir):
        self.root = Path(index_dir)
        self.lock = threading.RLock()
        # The open searcher, if any. A web app's Index lives as long as the app, and apps are
        # dropped without a close: a weakref finalizer (unlike __del__) runs before the garbage
        # collector finalizes the searcher's files, so they are closed, not reported as leaked.
        self._held: list = []
        weakref.finalize(self, _close_held, self._held)
        self._open()

    @property
    def searcher(self):
        """The open Whoosh searcher (None once closed)."""
        return self._held[0] if self._held else None

    def _open(self) -> None:
        gen = current_generation(self.root)
        ix = whoosh_index.open_dir(str(gen))
        old = self.searcher
        self._held[:] = [ix.searcher()]
        if old is not None:
            old.close()
        self.generation, self.info = gen, read_info(gen)
        self._reset()

    def _reset(self) -> None:
        self._facets: dict[str, dict[str, frozenset]] = {}
        self._codes: dict[str, array | None] = {}
        self._sections: frozenset | None = None
        self._years: list[int] | None = None
        self._norms: array | None = None
        self._words: tuple[str, ...] | None = None
        self._matches = _Lru(_CACHE_IDS)
        self._rankings = _Lru(_CACHE_RANKED, size=len)
        self.results = _Lru(_CACHE_RESULTS, size=lambda _: 1)

    def fresh(self):
        """The searcher, reopened first if the index changed on disk. Call with ``lock`` held."""
        # Reopen rather than Searcher.refresh(): refreshing fails on an index with no segment.
        if current_generation(self.root) != self.generation or not self.searcher.up_to_date():
            self._open()
        return self.searcher

    def sections(self) -> frozenset:
        """Document numbers of every live section."""
        if self._sections is None:
            self._sections = frozenset(self.searcher.docs_for_query(Q.Term("kind", "section")))
        return self._sections

    def facet_sets(self, field: str) -> dict[str, frozenset]:
        """``value → document numbers`` of a facet field, read from its posting lists."""
        if field not in self._facets:
            reader, live = self.searcher.reader(), self.sections()
            self._facets[field] = {
                value: doc_set(self.searcher, field, value) & live
                for value in reader.field_terms(field)
            }
        return self._facets[field]

    def facet_codes(self, field: str) -> array | None:
        """For a field with at most one value per section: by document number, the position
        of each section's value in ``facet_sets(field)`` (-1 for none), so a facet is counted
        in one pass over the hits; None for a field with several values a section.
        """
        if field not in self._codes:
            sets = self.facet_sets(field)
            codes = None
            if sum(map(len, sets.values())) == len(frozenset().union(*sets.values())):
                codes = array("i", [-1]) * self.searcher.doc_count_all()
                for i, docs in enumerate(sets.values()):
                    for d in docs:
                        codes[d] = i
            self._codes[field] = codes
        return self._codes[field]

    def cached(self, key: tuple, compute) -> frozenset:
        """``compute()``, remembered under ``key`` until the index changes (LRU, bounded by
        the number of document numbers held, so common words cannot fill the memory).

        Kept as arrays, not sets: an eighth of the memory, and nothing for the garbage
        collector to walk, whose full pass otherwise visits every element of every cached set
        (~0.3 s for 2M document numbers, a stall for every request in flight). Making the set again
        costs far less than matching again (~15 ms for 283k sections, against ~100 ms).
        """
        held = self._matches.peek(key)
        if held is not None:
            return frozenset(held)
        docs = compute()
        self._matches.put(key, array("l", docs))
        return docs

    def ranking(self, words: tuple[str, ...]) -> Ranking:
        """Every section holding any of ``words``, best BM25 first; remembered like matches,
        so the next page or another filter of the same query only scans it."""
        return self._rankings.get(words, lambda: bm25_ranking(self.searcher, "words",
                                                              list(words), self.norms()))

    def clear_caches(self) -> None:
        """Forget what was remembered per query: match sets, rankings, results (the
        benchmark uses it to time each query as a new one)."""
        with self.lock:
            for lru in (self._matches, self._rankings, self.results):
                lru.clear()

    def words(self) -> tuple[str, ...]:
        """Every term of the ``words`` field (jieba's vocabulary of this index)."""
        if self._words is None:
            self._words = tuple(t.decode("utf-8") if isinstance(t, bytes) else t
                                for t in self.searcher.reader().lexicon("words"))
        return self._words

    def norms(self) -> array:
        """BM25 length normalisation of the ``words`` field by document number."""
        if self._norms is None:
            self._norms = bm25_norms(self.searcher, "words")
        return self._norms

    def sort_key(self):
        """``docnum → sort key`` for year order: newest year first, then document order."""
        if self._years is None:
            column = self.searcher.reader().column_reader("year_num")
            self._years = [-(y or 0) for y in column]
        years = self._years
        return lambda d: (years[d], d)

    def close(self) -> None:
        """Release the searcher's files."""
        with self.lock:
            _close_held(self._held)

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _close_held(held: list) -> None:
    for searcher in held:
        searcher.close()
    held.clear()


def open_index(index_dir) -> Index:
    """Open the index in ``index_dir``; raise IndexMissing (with how to build one) if absent."""
    return Index(index_dir)
