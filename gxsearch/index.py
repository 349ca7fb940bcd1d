"""The open index: the generation being served (a searcher, what is computed from it once —
facet value sets, BM25 norms, the vocabulary — and what is remembered per query in bounded LRU
caches: match sets, rankings, results), and the follower that puts a new generation in its
place when the on-disk index changes, at once or after warming it in the background.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
import time
import weakref
from array import array
from collections import OrderedDict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as Q

from gxsearch.indexer import current_generation, read_info
from gxsearch.postings import Ranking, bm25_norms, bm25_ranking, doc_set

log = logging.getLogger("gxsearch")

# Cached match sets, 8 bytes a document number: about 64 MB at most.
_CACHE_IDS = 8_000_000
# About 50 MB of cached rankings (12 bytes an entry).
_CACHE_RANKED = 4_000_000
# Hits fewer than a quarter of the postings are scored alone (bench/NOTES.md, "Narrowed").
_FEW = 4
# After a new generation failed to open, the old one serves this long before another try.
_RETRY_SECONDS = 5.0
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


class Generation:
    """One opened state of the index: its searcher, what is computed from it once (facet value
    sets, BM25 norms, the vocabulary) and what is remembered per query (match sets, rankings,
    results). Document numbers are only meaningful within one generation, so a request takes
    one with ``Index.current()`` and uses it throughout, holding its ``lock`` (calls are
    serialised)."""

    def __init__(self, path: Path):
        self.path, self.info = path, read_info(path)
        self.lock = threading.RLock()
        self.searcher = whoosh_index.open_dir(str(path)).searcher()
        # Closed when the generation is dropped (by the last request that used it), not when
        # replaced: a request still in flight may be reading it. A weakref finalizer, unlike
        # __del__, runs before the collector finalizes the searcher's files, so they are
        # closed, not reported as leaked.
        self._close = weakref.finalize(self, self.searcher.close)
        self._facets: dict[str, dict[str, frozenset]] = {}
        self._codes: dict[str, array | None] = {}
        self._sections: frozenset | None = None
        self._years: list[int] | None = None
        self._norms: array | None = None
        self._words: tuple[str, ...] | None = None
        self._matches = _Lru(_CACHE_IDS)
        self._rankings = _Lru(_CACHE_RANKED, size=len)
        self.results = _Lru(_CACHE_RESULTS, size=lambda _: 1)
        self._open_files()

    @property
    def name(self) -> str:
        return self.path.name

    def up_to_date(self, root: Path) -> bool:
        """Whether this is still the live generation of ``root``, with no update since."""
        return current_generation(root) == self.path and self.searcher.up_to_date()

    def _open_files(self) -> None:
        # Whoosh opens a segment's column files (stored fields, field lengths, sort keys) on
        # first use. An update in place merges small segments and deletes their files, which
        # a searcher can go on reading only if it had opened them: this generation may still
        # be answering requests after the update (while the next one warms, or in flight).
        # A sort column is read whole now: once its file is gone, Whoosh reads it as empty.
        for leaf, _ in self.searcher.reader().leaf_readers():
            if leaf.doc_count_all():
                leaf.stored_fields(0)
                leaf.doc_field_length(0, "words")
        self.sort_key()

    def load(self, facet_fields=()) -> None:
        """Compute now what requests would otherwise compute on first use."""
        with self.lock:
            self.sections(), self.norms(), self.words()
            for field in facet_fields:
                self.facet_codes(field)

    def loaded(self) -> dict:
        """What ``load`` computed, to be ``adopt``-ed by this generation in another process."""
        return {"_sections": self._sections, "_facets": self._facets, "_codes": self._codes,
                "_norms": self._norms, "_words": self._words}

    def adopt(self, loaded: dict) -> None:
        """Take what ``loaded()`` gave in another process, on the same generation."""
        with self.lock:
            for name, value in loaded.items():
                setattr(self, name, value)

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

    def cached(self, key: tuple, compute=None) -> frozenset | None:
        """``compute()``, remembered under ``key`` until the index changes (LRU, bounded by
        the number of document numbers held, so common words cannot fill the memory).
        Without ``compute``, what is held or None.

        Kept as arrays, not sets: an eighth of the memory, and nothing for the garbage
        collector to walk, whose full pass otherwise visits every element of every cached set
        (~0.3 s for 2M document numbers, a stall for every request in flight). Making the set again
        costs far less than matching again (~15 ms for 283k sections, against ~100 ms).
        """
        held = self._matches.peek(key)
        if held is not None:
            return frozenset(held)
        if compute is None:
            return None
        docs = compute()
        self._matches.put(key, array("l", docs))
        return docs

    def ranking(self, words: tuple[str, ...], hits: frozenset | None = None) -> Ranking:
        """Every section holding any of ``words``, best BM25 first; remembered like matches,
        so the next page or another filter of the same query only scans it. If not held and
        ``hits`` are few against the words' postings (a query narrowed to a district), only
        ``hits`` are scored, and that ranking is not kept."""
        held = self._rankings.peek(words)
        if held is not None:
            return held
        norms = self.norms()
        if hits is not None and len(hits) * _FEW < sum(
                self.searcher.doc_frequency("words", w) for w in words):
            return bm25_ranking(self.searcher, "words", list(words), norms, within=sorted(hits))
        return self._rankings.put(words, bm25_ranking(self.searcher, "words", list(words), norms))

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
            reader = self.searcher.reader()  # an empty index's reader has no columns
            self._years = ([-(y or 0) for y in reader.column_reader("year_num")]
                           if reader.doc_count_all() else [])
        years = self._years
        return lambda d: (years[d], d)

    def close(self) -> None:
        """Release the searcher's files."""
        self._close()


class Index:
    """An open index that follows the on-disk one: a rebuild or an update is picked up
    without a restart. Safe to share between threads.

    Without ``warm`` the next request opens the new generation and pays for what it has not
    computed yet. With ``warm(new, old)`` (see ``search.open_index``) a background thread
    prepares the new generation while requests go on being answered from the old one, and
    the new one is put in their place when ready.
    """

    def __init__(self, index_dir, warm=None):
        self.root = Path(index_dir)
        self.warm = warm
        self._lock = threading.Lock()
        self._gen = Generation(current_generation(self.root))
        self._warming: threading.Thread | None = None
        self._retry_at = 0.0
        self.swaps = 0  # how many times a new generation was put in place

    def current(self) -> Generation:
        """The generation to answer from: the live one, or while a newer one is being
        warmed, the one before it."""
        with self._lock:
            gen = self._gen
            if (self._warming is not None or time.monotonic() < self._retry_at
                    or gen.up_to_date(self.root)):
                return gen
            if self.warm is None:
                self._gen = Generation(current_generation(self.root))
                self.swaps += 1
                return self._gen
            self._warming = threading.Thread(target=self._prepare, args=(gen,),
                                             name="gxsearch-warm", daemon=True)
            self._warming.start()
            return gen

    def _prepare(self, old: Generation) -> None:
        new = None
        try:
            new = Generation(current_generation(self.root))
            self.warm(new, old)
        except Exception as exc:  # a thread's exception would reach no one
            # A generation that cannot be opened leaves the old one serving (the next request
            # tries again); one that fails to warm is served cold.
            log.warning("gxsearch: preparing the new index generation failed: %r", exc)
        finally:
            with self._lock:
                if new is not None:
                    self._gen = new
                    self.swaps += 1
                else:  # not a new thread and a warning for every request meanwhile
                    self._retry_at = time.monotonic() + _RETRY_SECONDS
                self._warming = None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a warm-up in progress; True when none is left."""
        thread = self._warming
        if thread is not None:
            thread.join(timeout)
        return self._warming is None

    @property
    def searcher(self):
        """The searcher of the current generation."""
        return self.current().searcher

    def clear_caches(self) -> None:
        """Forget what the current generation remembered per query."""
        self.current().clear_caches()

    def close(self) -> None:
        """Release the searcher's files."""
        self.wait()
        self._gen.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# The warm-up yields the CPU to the processes answering requests.
_CHILD_NICE = 5


def in_child(compute):
    """``compute()`` run in a forked child process at a lower priority, its (picklable) result
    sent back through a pipe; run here where there is no fork. The child shares this
    process's memory until it writes, and exits without running any cleanup of this one's.
    ``compute`` must not use what other threads of this process may be using: only the
    forking thread exists in the child, and whatever lock another thread held stays held.
    """
    if not hasattr(os, "fork"):
        return compute()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read_end)
            os.nice(_CHILD_NICE)
            try:
                reply = ("ok", compute())
            except BaseException as exc:  # reported by the parent
                reply = ("error", repr(exc))
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    finally:
        os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the warm-up process ended without an answer")
    status, value = pickle.loads(data)
    if status != "ok":
        raise RuntimeError(f"the warm-up process failed: {value}")
    return value
