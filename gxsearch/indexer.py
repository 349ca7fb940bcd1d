"""Indexing: report files → records → the on-disk Whoosh index. The only module that writes
(``store.py`` holds the layout it writes: generations, ``CURRENT``, the lock).

Every run that changes anything writes a new generation beside the live one and swaps
``CURRENT`` only when it is complete, so a crash, a full disk or Ctrl-C leaves the previous
index answering, and a generation never changes once it is live. A rebuild (``rebuild=True``,
no index yet, or an index of another schema version) starts from nothing. An incremental run
starts from hard links to the live generation's files (Whoosh writes new files and never
rewrites one) and commits its changes there: unchanged files are not re-analysed, a changed
file's sections are replaced, a removed file's sections disappear; the columns of segments it
kept are kept, those of new segments written. Which files are new, changed, moved, copies or
gone, and the id of each report, is ``plan.py``'s decision.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import queue
import shutil
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from gxsearch import audit, colbuild, columns, read
from gxsearch.analysis import segment
from gxsearch.errors import IndexMissing, IndexWriteError
from gxsearch.plan import Known, Plan, plan
from gxsearch.records import analyse as analyse  # re-exported: bench/ and tests use it
from gxsearch.records import read_and_analyse
from gxsearch.schema import SCHEMA_VERSION, make_schema
from gxsearch.segwriter import WordsWriter
from gxsearch.store import (
    CURRENT,
    INFO,
    Lock,
    current_generation,
    link_generation,
    new_generation,
    prune,
    read_info,
    swap,
)

WRITER_MB = 512  # per writer: fewer external-sort runs to pickle and merge
# Reports per new segment: a writing process holds its segment's postings, text and sort
# until the segment is written, so this bounds its memory whatever the collection's size
# (measured: ~1.9 GB for a segment of 5,000 generated reports, ~0.4 GB for 500).
SEGMENT_FILES = 2000
Progress = Callable[[int, int, str], None]


def _file_sha1(path: str) -> str | None:
    try:
        h = hashlib.sha1()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def _files(paths: Iterable[str]) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """The resolved path of every report file under ``paths`` (each once), the resolved
    directories the paths name, and the paths that do not exist."""
    files, covered, missing = [], [], []
    for arg in paths:
        p = Path(arg)
        if not p.exists():
            missing.append((arg, "no such file or directory"))
            continue
        if p.is_dir():
            covered.append(os.path.realpath(p))
        files += [os.path.realpath(path) for path, _ in read.list_files([str(p)])]
        missing += read.unsupported([str(p)])  # named and skipped, never silently ignored
    return list(dict.fromkeys(files)), covered, missing


# --- columns -----------------------------------------------------------------------------

def _segment_columns(job: tuple[str, str]) -> None:
    gen, segid = job
    with whoosh_index.open_dir(gen).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            if leaf.segment() is not None and leaf.segment().segment_id() == segid:
                columns.write(columns.path_for(Path(gen), leaf.segment()), colbuild.derive(leaf))


def _write_columns(gen: Path, procs: int) -> None:
    """Write the columns of every segment of ``gen`` that has none yet (those a merge made;
    new ones have theirs from ``_write_part``), ``procs`` at a time."""
    with whoosh_index.open_dir(str(gen)).reader() as reader:
        jobs = [(str(gen), leaf.segment().segment_id()) for leaf, _ in reader.leaf_readers()
                if leaf.segment() is not None and leaf.doc_count_all()
                and not columns.path_for(gen, leaf.segment()).exists()]
    if procs > 1 and len(jobs) > 1:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(procs, len(jobs)), mp_context=context) as pool:
            list(pool.map(_segment_columns, jobs))
    else:
        for job in jobs:
            _segment_columns(job)


def _write_part(gen: str, jobs: list[tuple[str, str]], send: Callable[[tuple], None],
                part: int = 0) -> None:
    """Analyse the files ``jobs`` into new, uncommitted Whoosh segments of ``gen`` (one per
    ``SEGMENT_FILES`` files or fewer, of even sizes) and their columns, built from the same
    analysis (``colbuild.Builder``). ``send`` gets ``("file", path)`` after each file, then
    ``("done", {"part", "segments", "skipped", "analysed", "formats"})``."""
    ix = whoosh_index.open_dir(gen)
    count = max(1, -(-len(jobs) // SEGMENT_FILES))
    cuts = [len(jobs) * k // count for k in range(count + 1)]
    done = {"part": part, "segments": [], "skipped": [], "analysed": 0, "formats": {}}
    for k in range(count):
        new = _write_segment(ix, gen, jobs[cuts[k]:cuts[k + 1]], send, done)
        if new is not None:
            done["segments"].append(new)
    send(("done", done))


def _write_segment(ix, gen: str, jobs: list[tuple[str, str]], send: Callable[[tuple], None],
                   done: dict):
    """One new segment of ``jobs`` and its columns file; the segment, or None if no file
    gave a report. Adds to ``done``'s counts."""
    # _lk=False: the run holds the index's lock (Lock) and commits the segments itself.
    # compound=False: a reader of a compound segment maps and touches the whole file
    # (measured: +2.3 GB RSS to open a 10,000-report index, +7 MB without).
    writer = WordsWriter(ix, _lk=False, limitmb=WRITER_MB, compound=False)
    build = colbuild.Builder()
    try:
        for job in jobs:
            result = read_and_analyse(job)
            if "skipped" in result:
                done["skipped"].append(result["skipped"])
            else:
                for doc in result["docs"]:
                    text = doc.get("words")
                    words = None
                    if text is not None:  # a section: jieba once, for Whoosh and the columns
                        words = doc["words"] = segment(text) if text else []
                    writer.add_document(**doc)
                    build.add(words, text or "")
                done["analysed"] += 1
                meta = result["docs"][0]["meta"]
                read_as = done["formats"].setdefault(meta["format"], [0, 0])
                read_as[0] += 1
                read_as[1] += meta.get("pages") or 0
            send(("file", job[0]))
        if not writer._added:
            writer._close_segment()
            return None
        arrays = build.arrays()
        new = writer.finish(arrays)  # the words postings from the columns' arrays
        columns.write(columns.path_for(Path(gen), new), arrays)
        return new
    except BaseException:
        with contextlib.suppress(Exception):  # the generation is removed by the run
            writer._close_segment()
        raise


def _worker(gen: str, jobs: list[tuple[str, str]], events, part: int) -> None:
    try:
        _write_part(gen, jobs, events.put, part)
    except BaseException as exc:  # reported to the run, which decides
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError("".join(traceback.format_exception(exc)))
        events.put(("error", exc))


def _write_parts(gen: Path, jobs: list[tuple[str, str]], procs: int,
                 progress: Progress | None) -> list[dict]:
    """Write ``jobs`` as new segments of ``gen`` in up to ``procs`` processes (forked,
    sharing jieba's dictionary), each file read, analysed and written once; the parts'
    results in the order of the files."""
    results: list[dict] = []
    files = 0

    def handle(event: tuple) -> None:
        nonlocal files
        kind, value = event
        if kind == "error":
            raise value
        if kind == "done":
            results.append(value)
        else:
            files += 1
            if progress:
                progress(files, len(jobs), value)

    procs = max(1, min(procs, len(jobs)))
    if procs == 1:
        _write_part(str(gen), jobs, handle)
        return results
    segment("")  # loads jieba's dictionary once, before the fork
    context = multiprocessing.get_context("fork")
    events = context.Queue()
    # Contiguous shares: the segments hold the files in the order one process would (ties
    # in ranking go by document number, so results do not depend on --procs).
    cuts = [len(jobs) * k // procs for k in range(procs + 1)]
    workers = [context.Process(target=_worker, daemon=True,
                               args=(str(gen), jobs[cuts[k]:cuts[k + 1]], events, k))
               for k in range(procs)]
    for w in workers:
        w.start()
    try:
        while len(results) < procs:
            try:
                event = events.get(timeout=1)
            except queue.Empty:
                event = None
            if event is not None:
                handle(event)
            else:
                dead = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
                if dead:  # killed without a word (out of memory, a signal)
                    raise IndexWriteError(
                        f"an indexing process ended with exit code {dead[0]} (out of "
                        "memory? try fewer --procs); the index is unchanged") from None
    finally:
        for w in workers:
            if w.is_alive():
                w.terminate()
            w.join()
        events.close()
    return sorted(results, key=lambda r: r["part"])


def _write_audit(gen: Path) -> None:
    """The audit of the whole collection (``audit.of_searcher``: it needs every report, so
    it is made once here rather than at each server's first use) as ``audit.FILE``; written
    beside, then moved in, never into a file linked from the live generation."""
    with whoosh_index.open_dir(str(gen)).searcher() as searcher:
        records = audit.of_searcher(searcher)
    tmp = gen / f"{audit.FILE}.tmp"
    tmp.write_text(json.dumps(records, ensure_ascii=False, separators=(",", ":")),
                   encoding="utf-8")
    os.replace(tmp, gen / audit.FILE)


# --- the run ------------------------------------------------------------------------------

def index_paths(paths: Iterable[str], index_dir: str | os.PathLike, *, rebuild: bool = False,
                procs: int = 1, progress: Progress | None = None) -> dict:
    """Index the report files under ``paths`` into ``index_dir``; return a summary.

    The summary has ``files`` (report files found), ``analysed``, ``unchanged``, ``moved``,
    ``removed``, ``skipped`` (list of ``(path, reason)``: unreadable files, copies of another
    file), ``reports`` and ``sections`` (totals in the index afterwards), ``seconds``,
    ``generation``, ``rebuilt``, ``stale_lock`` (pid or None) and ``formats`` (files read
    this run by format: ``{"pdf": (files, pages), …}``). Raises IndexWriteError
    when the index cannot be written (no space, read-only, permission): the partial
    generation is removed and the live one is left as it was.
    """
    root = Path(index_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        return _run(paths, root, rebuild, procs, progress)
    except OSError as exc:
        raise _write_error(exc, root) from None


def _write_error(exc: BaseException, root: Path) -> IndexWriteError:
    """A message a person can act on for an OSError met while writing ``root``."""
    names = {errno.ENOSPC: "no space left on", errno.EDQUOT: "disk quota exceeded on",
             errno.EROFS: "read-only file system:", errno.EACCES: "permission denied on",
             errno.EPERM: "permission denied on"}
    what = names.get(getattr(exc, "errno", None))
    if what:
        return IndexWriteError(f"cannot write the index: {what} {root}; the index there is "
                               "unchanged (free space or fix the permissions, then run again)")
    detail = getattr(exc, "strerror", None) or str(exc)
    where = getattr(exc, "filename", None) or root
    return IndexWriteError(f"cannot write the index at {root}: {detail} ({where}); the index "
                           "there is unchanged")


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc`` (Whoosh and process pools wrap them), if any."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OSError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _known(live: Path | None) -> dict[str, Known]:
    """The reports of the live generation by resolved path (none when it cannot be read)."""
    if live is None:
        return {}
    try:
        with whoosh_index.open_dir(str(live)).searcher() as s:
            return {d["source"]: Known(d["report_id"], d["sha1"])
                    for d in s.documents(kind="report")}
    except Exception:  # an unreadable index is rebuilt from nothing
        return {}


def _run(paths, root: Path, rebuild: bool, procs: int, progress) -> dict:
    t0 = time.perf_counter()
    files, covered, skipped = _files(paths)
    with Lock(root) as lock:
        try:
            live = current_generation(root)
            if read_info(live).get("schema") != SCHEMA_VERSION:
                rebuild = True
        except (IndexMissing, ValueError, OSError):
            live, rebuild = None, True
        known = _known(live) if live is not None else {}
        hashed = []
        for path in files:
            sha = _file_sha1(path)
            if sha is None:
                skipped.append((path, "cannot read the file"))
            else:
                hashed.append((path, sha))
        todo = plan(hashed, known, covered=covered, rebuild=rebuild)
        skipped += todo.copies
        if rebuild:
            todo.drop, todo.gone = [], []  # an empty index has nothing to drop
        if not rebuild and not todo.changes:  # nothing to change: no new generation
            return _summary(t0, files, todo, skipped, 0, live, False, lock)
        gen = new_generation(root)
        writer = None
        try:
            if rebuild:
                ix = whoosh_index.create_in(str(gen), make_schema())
            else:
                link_generation(live, gen)
                ix = whoosh_index.open_dir(str(gen))
            parts = _write_parts(gen, todo.analyse, procs, progress)
            analysed, formats = 0, {}
            for part in parts:
                skipped += part["skipped"]
                analysed += part["analysed"]
                for name, (count, pages) in part["formats"].items():
                    read_as = formats.setdefault(name, [0, 0])
                    read_as[0] += count
                    read_as[1] += pages
            # One commit makes the new segments and the deletions live together: this
            # writer deletes (and merges small old segments, as Whoosh's commit would), the
            # parts' segments join the table of contents as they are.
            writer = SegmentWriter(ix, limitmb=WRITER_MB, compound=False)
            for path in todo.drop:
                writer.delete_by_term("report_id", known[path].report_id)
            segments = writer._merge_segments(None, None, None)
            segments += [new for part in parts for new in part["segments"]]
            if writer._added:
                segments.append(writer._finalize_segment())
            else:
                writer._close_segment()
            done, writer = writer, None
            done._commit_toc(segments)
            done._finish()
            _write_columns(gen, procs)
            _write_audit(gen)
            info = {"schema": SCHEMA_VERSION, "built": datetime.now(timezone.utc).isoformat(
                timespec="seconds"), "paths": [str(Path(p).resolve()) for p in paths]}
            tmp = gen / f"{INFO}.tmp"
            tmp.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, gen / INFO)
            swap(root, gen)
        except BaseException as exc:
            if writer is not None:
                # whoosh3 closes a writer whose commit failed; cancelling it then raises.
                with contextlib.suppress(Exception):
                    writer.cancel()
            shutil.rmtree(gen, ignore_errors=True)
            with contextlib.suppress(OSError):
                (root / f"{CURRENT}.tmp").unlink(missing_ok=True)
            cause = _os_error(exc) if isinstance(exc, Exception) else None
            if cause is None:
                raise
            failure = _write_error(cause, root)
            # A failed commit leaves Whoosh's files open, held by the writer and the frames
            # of the traceback; open, the removed files would keep their space on the disk
            # that just filled up. Closed now, quietly.
            ix = writer = done = cause = None
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                seen = exc
                while seen is not None:
                    traceback.clear_frames(seen.__traceback__)
                    seen = seen.__context__
                gc.collect()
            raise failure from None
        prune(root, {gen.name} | ({live.name} if live else set()))
        return _summary(t0, files, todo, skipped, analysed, gen, rebuild, lock, formats)


def _summary(t0, files, todo: Plan, skipped, analysed, gen, rebuild, lock,
             formats=None) -> dict:
    with whoosh_index.open_dir(str(gen)).searcher() as s:
        reports = s.doc_count_all() and len(list(s.document_numbers(kind="report")))
        sections = len(list(s.document_numbers(kind="section")))
    return {
        "files": len(files), "analysed": analysed, "unchanged": todo.unchanged,
        "moved": len(todo.moved), "removed": len(todo.gone), "skipped": skipped,
        "reports": reports, "sections": sections,
        "seconds": round(time.perf_counter() - t0, 3), "generation": str(gen),
        "rebuilt": rebuild, "stale_lock": lock.stale_pid,
        # Files read this run by format: {format: [files, pages]}.
        "formats": {k: tuple(v) for k, v in sorted((formats or {}).items())},
    }
