"""The open index: the generation being served (a searcher, the columns of its segments, what
is computed from them once — live sections, facet values, BM25 norms, the year order — and
what is remembered per query in bounded LRU caches: match sets, results), and the follower
that puts a new generation in its place when the on-disk index changes, at once or after
warming it in the background.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
import time
import weakref
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from gxsearch import colbuild, columns
from gxsearch.errors import GxError, IndexDamaged, IndexMissing
from gxsearch.postings import Postings, bm25_norms, to_mask
from gxsearch.schema import DERIVED_FACETS, SCHEMA_VERSION
from gxsearch.store import INFO, current_generation, read_info

log = logging.getLogger("gxsearch")

# Cached match sets: about 64 MB at most (a set is its document numbers, 4 bytes each, or a
# bitmap, an eighth of a byte a document, whichever is smaller).
_CACHE_BYTES = 64 << 20
# After a new generation failed to open, the old one serves this long before another try.
_RETRY_SECONDS = 5.0
# Cached results: a few hits and facet counts, ~20-40 KB each on a 10,000-report index.
_CACHE_RESULTS = 2_000


def _stamp(gen: Path) -> tuple[int, int]:
    st = os.stat(gen / INFO)
    return st.st_ino, st.st_mtime_ns


def _damaged(gen: Path, why: str) -> IndexDamaged:
    return IndexDamaged(f"the index is damaged: {gen.name} {why}; rebuild it with: "
                        f"gxsearch index PATH… --rebuild --index-dir {gen.parent}")


class _Lru:
    """Values computed on demand and kept until their total ``size`` passes ``budget``; the
    least recently used go first (the last one stays, however big)."""

    def __init__(self, budget: int, size=len):
        self.budget, self.size = budget, size
        self.items: OrderedDict = OrderedDict()
        self.held = 0

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


def _pack(mask: np.ndarray) -> tuple[bool, np.ndarray]:
    # The smaller of a set's document numbers and its bitmap.
    n = int(np.count_nonzero(mask))
    if n * 32 < len(mask):
        return False, np.flatnonzero(mask).astype(np.int32)
    return True, np.packbits(mask)


def _unpack(packed: tuple[bool, np.ndarray], size: int) -> np.ndarray:
    bitmap, data = packed
    if bitmap:
        return np.unpackbits(data, count=size).view(bool)
    return to_mask(data, size)


def _whoosh_ids(searcher, field: str, term) -> np.ndarray:
    """Live document numbers holding ``term`` in an untokenised ``field``, read from Whoosh
    (facet fields and ``kind`` are not in the columns; their deletions are Whoosh's)."""
    pieces = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (field, term) in reader:
            ids, _ = columns.read_postings(reader.postings(field, term), False)
            pieces.append(np.frombuffer(ids, np.int32) + offset)
    return np.concatenate(pieces) if pieces else np.zeros(0, np.int32)


class Facet:
    """The values of a facet field and, for each, the live sections holding it; counted
    through a code per section (a field with one value a section) or a bit per value (a few
    values a section: topics)."""

    def __init__(self, values: list[str], ids: list[np.ndarray], size: int):
        self.values, self.size = values, size
        self.position = {v: i for i, v in enumerate(values)}
        self.doc = np.concatenate(ids) if ids else np.zeros(0, np.int32)
        self.start = np.cumsum([0] + [len(a) for a in ids])
        self._sizes = np.diff(self.start)
        self.codes = self.bits = None
        if not len(self.doc) or np.bincount(self.doc).max() <= 1:
            self.codes = np.full(size, -1, np.int32)
            for i, a in enumerate(ids):
                self.codes[a] = i
        elif len(values) <= 64:
            self.bits = np.zeros(size, np.uint64)
            for i, a in enumerate(ids):
                self.bits[a] |= np.uint64(1 << i)

    def ids(self, value: str) -> np.ndarray:
        """The sections holding ``value`` (none for an unknown value)."""
        i = self.position.get(value)
        return self.doc[self.start[i]:self.start[i + 1]] if i is not None else self.doc[:0]

    def sizes(self) -> list[int]:
        """How many sections hold each value."""
        return self._sizes.tolist()

    def counts(self, ids: np.ndarray, outside: bool = False) -> np.ndarray:
        """For each value (in ``values`` order), how many of the sections ``ids`` hold it;
        with ``outside``, how many of the live sections that are *not* ``ids`` (a broad
        scope is counted through its complement, the smaller set)."""
        n = len(self.values)
        if self.codes is not None:
            counts = np.bincount(self.codes[ids] + 1, minlength=n + 1)[1:]
        elif self.bits is not None:
            bits = self.bits[ids]
            counts = np.array([np.count_nonzero(bits & np.uint64(1 << i)) for i in range(n)],
                              np.int64)
        else:  # many values, several a section: one pass over every posting of the field
            running = np.concatenate(([0], np.cumsum(to_mask(ids, self.size)[self.doc])))
            counts = running[self.start[1:]] - running[self.start[:-1]]
        return self._sizes - counts if outside else counts


class Generation:
    """One opened state of the index: its searcher and columns, what is computed from them
    once (live sections, facets, BM25 norms, the year order) and what is remembered per query
    (match sets, results). Document numbers are only meaningful within one generation, so a
    request takes one with ``Index.current()`` and uses it throughout, holding its ``lock``
    (calls are serialised)."""

    def __init__(self, path: Path):
        self.path, self.info = path, read_info(path)
        self._stamp = _stamp(path)
        if self.info.get("schema") != SCHEMA_VERSION:
            raise IndexMissing(
                f"the index at {path.parent} was built by another version of gxsearch (schema "
                f"{self.info.get('schema')}, this one reads {SCHEMA_VERSION}); rebuild it with: "
                f"gxsearch index PATH… --index-dir {path.parent}")
        self.lock = threading.RLock()
        try:
            self.searcher = whoosh_index.open_dir(str(path)).searcher()
        except Exception as exc:  # Whoosh's own files: a missing or broken table of contents
            raise _damaged(path, f"its Whoosh files cannot be read ({exc!r})") from None
        parts = []
        try:
            for sub, offset in self.searcher.leaf_searchers():
                segment = sub.reader().segment()
                if segment is not None and sub.reader().doc_count_all():
                    cols = columns.Columns(columns.path_for(path, segment))
                    parts.append((cols, offset))
                    if cols.docs != sub.reader().doc_count_all():
                        raise _damaged(path, f"{columns.path_for(path, segment).name} holds "
                                       f"{cols.docs} documents, its segment "
                                       f"{sub.reader().doc_count_all()}")
        except BaseException:
            self.searcher.close()
            for cols, _ in parts:
                cols.close()
            raise
        self.postings = Postings(parts, self.searcher.doc_count_all())
        # Closed when the generation is dropped (by the last request that used it), not when
        # replaced: a request still in flight may be reading it. A weakref finalizer, unlike
        # __del__, runs before the collector finalizes the searcher's files, so they are
        # closed, not reported as leaked.
        self._close = weakref.finalize(self, _close, self.searcher, [c for c, _ in parts])
        self._facets: dict[str, Facet] = {}
        self._sections: np.ndarray | None = None
        self._norms: np.ndarray | None = None
        self._order: np.ndarray | None = None
        self.memo: dict = {}  # what is computed once per generation on first use (figures.py)
        self._matches = _Lru(_CACHE_BYTES, size=lambda packed: packed[1].nbytes)
        self.results = _Lru(_CACHE_RESULTS, size=lambda _: 1)
        try:
            self._open_files()
        except Exception as exc:  # stored fields or sort columns that cannot be read
            self.close()
            raise _damaged(path, f"its stored fields cannot be read ({exc!r})") from None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size(self) -> int:
        """Document numbers of this generation: masks have this length."""
        return self.postings.size

    def up_to_date(self, root: Path) -> bool:
        """Whether this is still the live generation of ``root``, with no update since."""
        # The same path is not enough: a generation moved away and a new one of the same
        # number (CURRENT deleted too) is another index; its gxsearch.json is another file.
        path = current_generation(root)
        return path == self.path and _stamp(path) == self._stamp

    def _open_files(self) -> None:
        # Whoosh opens a segment's column files (stored fields, field lengths, sort keys) on
        # first use; opened now, a generation reads on even if its files are deleted (a
        # generation two indexing runs old is pruned). The year order is computed now.
        for leaf, _ in self.searcher.reader().leaf_readers():
            if leaf.doc_count_all():
                leaf.stored_fields(0)
        self.year_order()

    def load(self, facet_fields=()) -> None:
        """Compute now what requests would otherwise compute on first use."""
        with self.lock:
            self.sections(), self.norms()
            for field in facet_fields:
                self.facet(field)
            for cols, _ in self.postings.parts:
                cols.prepare()

    def loaded(self) -> dict:
        """What ``load`` computed, to be ``adopt``-ed by this generation in another process."""
        return {"_sections": self._sections, "_facets": self._facets, "_norms": self._norms}

    def adopt(self, loaded: dict) -> None:
        """Take what ``loaded()`` gave in another process, on the same generation."""
        with self.lock:
            for name, value in loaded.items():
                setattr(self, name, value)

    def sections(self) -> np.ndarray:
        """Mask of every live section."""
        if self._sections is None:
            self._sections = to_mask(_whoosh_ids(self.searcher, "kind", "section"), self.size)
        return self._sections

    def facet(self, field: str) -> Facet:
        """The values of a facet field and the live sections holding each."""
        if field not in self._facets and field in DERIVED_FACETS:
            self._facets[field] = self._derived_facet(field)
        if field not in self._facets:
            values = [v.decode("utf-8") if isinstance(v, bytes) else v
                      for v in self.searcher.reader().field_terms(field)]
            live = self.sections()
            ids = [_whoosh_ids(self.searcher, field, v) for v in values]
            self._facets[field] = Facet(values, [a[live[a]] for a in ids], self.size)
        return self._facets[field]

    def _derived_facet(self, field: str) -> Facet:
        """An audit facet: each report's value (``audit.facet_values``) given to its live
        sections, values in the audit's order."""
        from gxsearch import audit  # the audit reads the stored reports of this generation

        by_report = audit.facet_values(self, field)
        owner = self.facet("report_id")
        codes = np.full(len(owner.values) + 1, -1, np.int32)  # index -1: no report
        order = [v for v in audit.FIELDS[field] if v in set(by_report.values())]
        position = {v: i for i, v in enumerate(order)}
        for i, rid in enumerate(owner.values):
            if rid in by_report:
                codes[i] = position[by_report[rid]]
        per_section = codes[owner.codes]
        return Facet(order, [np.flatnonzero(per_section == i).astype(np.int32)
                             for i in range(len(order))], self.size)

    def cached(self, key: tuple, compute=None) -> np.ndarray | None:
        """``compute()`` (a mask), remembered under ``key`` until the index changes (LRU,
        bounded in bytes). Without ``compute``, what is held or None. A set is held as its
        document numbers or as a bitmap, whichever is smaller; neither holds Python objects,
        so the garbage collector has nothing to walk."""
        held = self._matches.peek(key)
        if held is not None:
            return _unpack(held, self.size)
        if compute is None:
            return None
        docs = compute()
        self._matches.put(key, _pack(docs))
        return docs

    def clear_caches(self) -> None:
        """Forget what was remembered per query: match sets, results (the benchmark uses it
        to time each query as a new one)."""
        with self.lock:
            for lru in (self._matches, self.results):
                lru.clear()

    def idf(self, term: str) -> float:
        """Whoosh's idf of a ``words`` term (BM25)."""
        return self.searcher.idf("words", term)

    def norms(self) -> np.ndarray:
        """BM25 length normalisation of the ``words`` field by document number."""
        if self._norms is None:
            self._norms = bm25_norms(self.postings.lengths(),
                                     self.searcher.avg_field_length("words"))
        return self._norms

    def year_order(self) -> np.ndarray:
        """Every document number, newest year first, then in document order."""
        if self._order is None:
            reader = self.searcher.reader()  # an empty index's reader has no columns
            years = np.array([y or 0 for y in reader.column_reader("year_num")]
                             if self.size else [], np.int64)
            self._order = np.lexsort((np.arange(self.size), -years)).astype(np.int32)
        return self._order

    def close(self) -> None:
        """Release the searcher's files and the columns."""
        self._close()


def _close(searcher, parts) -> None:
    searcher.close()
    for cols in parts:
        cols.close()


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
            if self._warming is not None or time.monotonic() < self._retry_at:
                return gen
            try:
                if gen.up_to_date(self.root):
                    return gen
            except (IndexMissing, OSError):
                # CURRENT is broken (empty, deleted, naming a generation that is gone): what
                # is open stays served; the next good CURRENT is picked up.
                return gen
            if self.warm is None:
                try:
                    self._gen = Generation(current_generation(self.root))
                except (GxError, OSError) as exc:
                    self._failed(exc)
                    return gen
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
            if new is None:
                with self._lock:
                    self._failed(exc)
            else:
                log.warning("gxsearch: warming the new index generation failed: %r", exc)
        finally:
            with self._lock:
                if new is not None:
                    self._gen = new
                    self.swaps += 1
                self._warming = None

    def _failed(self, exc: BaseException) -> None:
        # The old generation goes on serving; another try after a while, not a new try and a
        # warning for every request meanwhile.
        log.warning("gxsearch: the new index generation cannot be opened, still serving %s: %s",
                    self._gen.name, exc)
        self._retry_at = time.monotonic() + _RETRY_SECONDS

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


def check(index_dir) -> dict:
    """Verify the live generation of ``index_dir`` whole: it opens (every columns file's
    header, sizes and ranges), each term's postings are sorted, and each columns file equals
    what its Whoosh segment gives again. Returns ``{"generation", "segments", "documents",
    "problems": [message…]}``; raises IndexMissing when there is no index."""
    gen_path = current_generation(index_dir)
    out = {"generation": gen_path.name, "segments": 0, "documents": 0, "problems": []}
    try:
        gen = Generation(gen_path)
    except IndexDamaged as exc:
        out["problems"].append(str(exc))
        return out
    try:
        for sub, _ in gen.searcher.leaf_searchers():
            reader = sub.reader()
            segment = reader.segment()
            if segment is None or not reader.doc_count_all():
                continue
            path = columns.path_for(gen_path, segment)
            out["segments"] += 1
            out["documents"] += reader.doc_count_all()
            try:
                cols = next(c for c, _ in gen.postings.parts if Path(c.path) == path)
                columns.validate(path, cols.arrays, full=True)
                again = colbuild.derive(reader)
                for name, array in again.items():
                    if not np.array_equal(array, cols.arrays[name]):
                        raise columns.damaged(path, f"differs from its segment in {name}")
            except IndexDamaged as exc:
                out["problems"].append(str(exc))
    finally:
        gen.close()
    return out
