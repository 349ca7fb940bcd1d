"""Indexing: report files → records → the on-disk Whoosh index. The only module that writes.

Layout of an index directory::

    index/
      CURRENT          name of the live generation, replaced atomically
      LOCK             flock()ed by the running indexer, holds its pid
      gen-000007/      a complete Whoosh index, the columns of each of its segments
                       (``columns.py``) and gxsearch.json (schema version, build time)

Every run that changes anything writes a new generation beside the live one and swaps
``CURRENT`` only when it is complete, so a crash or Ctrl-C leaves the previous index
answering, and a generation never changes once it is live. A rebuild (``rebuild=True``, no
index yet, or an index of another schema version) starts from nothing. An incremental run
starts from hard links to the live generation's files (Whoosh writes new files and never
rewrites one) and commits its changes there: unchanged files are not re-analysed, a changed
file's sections are replaced, a removed file's sections disappear; the columns of segments it
kept are kept, those of new segments written.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from whoosh import index as whoosh_index

from gxsearch import columns, read
from gxsearch.clean import clean
from gxsearch.errors import IndexLocked, IndexMissing, ReadError
from gxsearch.meta import extract_meta
from gxsearch.schema import SCHEMA_VERSION, make_schema
from gxsearch.sections import split_sections
from gxsearch.topics import topics_for

CURRENT = "CURRENT"
LOCK = "LOCK"
INFO = "gxsearch.json"
_GEN_RE = re.compile(r"^gen-(\d{6})$")

WRITER_MB = 512  # per writer: fewer external-sort runs to pickle and merge
Progress = Callable[[int, int, str], None]


def make_report_id(source: str) -> str:
    """A stable, URL-safe id for the report read from ``source`` (its index-relative path)."""
    stem = str(PurePosixPath(source).with_suffix(""))
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")
    if slug and slug == stem.replace("/", "-") and len(slug) <= 64:
        return slug
    digest = hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]
    prefix = slug[:40].strip("-")
    return f"{prefix}-{digest}" if prefix else digest


def analyse(source: read.Source, key: str) -> dict:
    """Turn one read report into its Whoosh documents (pure: no I/O).

    ``key`` is the report's index-relative path. Returns ``{"report_id", "source", "sha1",
    "docs"}`` where ``docs`` holds the report document first, then one per section.
    """
    cleaned = clean(source.raw)
    meta = extract_meta(source.raw, cleaned, source.header, PurePosixPath(key).name)
    rid = make_report_id(key)
    year = meta.get("year")
    facets = {
        "district": meta.get("district") or "",
        "province": meta.get("province") or "",
        "year": str(year) if year else "",
    }
    facets = {k: v for k, v in facets.items() if v}
    sections = split_sections(cleaned)
    docs = [{
        "kind": "report", "key": rid, "report_id": rid, "source": key,
        "title": meta.get("title") or "", "sha1": source.sha1, "original": source.raw,
        "meta": {**meta, "source": key, "sections": len(sections),
                 "encoding": source.encoding, "header": dict(source.header)},
    }]
    for order, sec in enumerate(sections):
        # Index the section as published: heading, then whatever separated it from the text
        # ("" for an inline heading), so "1.其他需要报告的事项无" or a heading cut inside a
        # number ("10.第9" + "999项") stays one phrase. match.content() rebuilds the same.
        rest = cleaned[sec.start:sec.end][len(sec.heading):]
        sep = rest[:len(rest) - len(rest.lstrip())] if sec.heading else ""
        content = f"{sec.heading}{sep}{sec.text}"
        doc = {
            "kind": "section", "key": f"{rid}#{sec.id}", "report_id": rid,
            "section_id": sec.id, "source": key,
            "words": content, "grams": content,
            "topic": ",".join(topics_for(sec.path, sec.text)),
            "year_num": int(year) if year else 0, "order": order,
            "title": meta.get("title") or "", "heading": sec.heading,
            "heading_path": list(sec.path), "level": sec.level, "text": sec.text, "sep": sep,
            "span": (sec.start, sec.end),
            **facets,
        }
        docs.append(doc)
    return {"report_id": rid, "source": key, "sha1": source.sha1, "docs": docs}


def _analyse_file(job: tuple[str, str]) -> dict:
    path, key = job
    try:
        source = read.read_file(path, key)
    except ReadError as exc:
        return {"skipped": (path, str(exc))}
    return analyse(source, key)


def _file_sha1(path: str) -> str | None:
    try:
        h = hashlib.sha1()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def _jobs(paths: Iterable[str]) -> tuple[list[tuple[str, str]], list[str], list[tuple[str, str]]]:
    """(path, index key) for every report file, the key prefixes the paths cover, missing paths."""
    jobs, prefixes, missing = [], [], []
    for arg in paths:
        p = Path(arg)
        if not p.exists():
            missing.append((arg, "no such file or directory"))
            continue
        name = p.resolve().name
        if p.is_dir():
            prefixes.append(f"{name}/")
            jobs += [(path, f"{name}/{rel}") for path, rel in read.list_files([str(p)])]
        else:
            prefixes.append(name)
            jobs.append((str(p), name))
    return jobs, prefixes, missing


# --- generations and the lock -------------------------------------------------------------

def current_generation(index_dir: str | os.PathLike) -> Path:
    """The directory of the live generation; raises IndexMissing when there is none."""
    root = Path(index_dir)
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        name = ""
    gen = root / name
    if not name or not _GEN_RE.match(name) or not (gen / INFO).exists():
        raise IndexMissing(
            f"no gxsearch index at {root}; build one with: gxsearch index seeds/ --index-dir {root}"
        )
    return gen


def read_info(gen: Path) -> dict:
    """The gxsearch.json of a generation (schema version, build time, paths)."""
    return json.loads((gen / INFO).read_text(encoding="utf-8"))


class _Lock:
    """An flock on ``index_dir/LOCK``; the file holds the holder's pid for the message.

    flock is released by the kernel when its holder dies, so a lock file left by a killed
    indexer is stale by construction: it is taken over and reported.
    """

    def __init__(self, root: Path):
        self.path = root / LOCK
        self.stale_pid: int | None = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip()
            os.close(self.fd)
            raise IndexLocked(
                f"another gxsearch indexer (pid {pid or '?'}) is writing {self.path.parent}; "
                "wait for it to finish and try again"
            ) from None
        old = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip()
        if old.isdigit() and int(old) != os.getpid():
            self.stale_pid = int(old)
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, str(os.getpid()).encode(), 0)
        return self

    def __exit__(self, *exc):
        os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _new_generation(root: Path) -> Path:
    nums = [int(m.group(1)) for p in root.iterdir() if (m := _GEN_RE.match(p.name))]
    gen = root / f"gen-{max(nums, default=0) + 1:06d}"
    gen.mkdir()
    return gen


def _swap(root: Path, gen: Path) -> None:
    tmp = root / f"{CURRENT}.tmp"
    tmp.write_text(gen.name, encoding="utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, root / CURRENT)


def _link(live: Path, gen: Path) -> None:
    """Fill the new generation ``gen`` with hard links to the files of ``live`` (copies where
    the file system has no links), but for the Whoosh lock and gxsearch.json."""
    for src in live.iterdir():
        if src.name.endswith(("WRITELOCK", ".tmp")) or src.name == INFO or not src.is_file():
            continue
        try:
            os.link(src, gen / src.name)
        except OSError:
            shutil.copy2(src, gen / src.name)


def _segment_columns(job: tuple[str, str]) -> None:
    gen, segid = job
    with whoosh_index.open_dir(gen).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            if leaf.segment() is not None and leaf.segment().segment_id() == segid:
                columns.write(columns.path_for(Path(gen), leaf.segment()), columns.derive(leaf))


def _write_columns(gen: Path, procs: int) -> None:
    """Write the columns of every segment of ``gen`` that has none yet, ``procs`` at a time."""
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


def _prune(root: Path, keep: set[str]) -> None:
    """Remove generations other than ``keep`` (the live one and the one before it)."""
    for p in root.iterdir():
        if _GEN_RE.match(p.name) and p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)


# --- the run ------------------------------------------------------------------------------

def index_paths(paths: Iterable[str], index_dir: str | os.PathLike, *, rebuild: bool = False,
                procs: int = 1, progress: Progress | None = None) -> dict:
    """Index the report files under ``paths`` into ``index_dir``; return a summary.

    The summary has ``files`` (report files found), ``analysed``, ``unchanged``, ``removed``,
    ``skipped`` (list of ``(path, reason)``), ``reports`` and ``sections`` (totals in the index
    afterwards), ``seconds``, ``generation``, ``rebuilt`` and ``stale_lock`` (pid or None).
    """
    t0 = time.perf_counter()
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    jobs, prefixes, skipped = _jobs(paths)
    with _Lock(root) as lock:
        try:
            live = current_generation(root)
            if read_info(live).get("schema") != SCHEMA_VERSION:
                rebuild = True
        except (IndexMissing, ValueError, OSError):
            live, rebuild = None, True
        known: dict[str, tuple[str, str]] = {}
        if not rebuild:
            with whoosh_index.open_dir(str(live)).searcher() as s:
                known = {d["source"]: (d["report_id"], d["sha1"])
                         for d in s.documents(kind="report")}
        todo = [(p, k) for p, k in jobs if known.get(k, (None, None))[1] != _file_sha1(p)]
        seen = {k for _, k in jobs}
        gone = [k for k in known if k not in seen and any(
            k == pre or k.startswith(pre) for pre in prefixes)]
        if not rebuild and not todo and not gone:  # nothing to change: no new generation
            return _summary(t0, jobs, todo, gone, skipped, 0, live, False, lock)
        gen = _new_generation(root)
        try:
            if rebuild:
                ix = whoosh_index.create_in(str(gen), make_schema())
            else:
                _link(live, gen)
                ix = whoosh_index.open_dir(str(gen))
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        # With procs > 1 Whoosh's sub-writers run the analyzers (jieba included) and write
        # one segment each, in parallel; this process reads, cleans and splits.
        # compound=False: a reader of a compound segment maps and touches the whole file
        # (measured: +2.3 GB RSS to open a 10,000-report index, +7 MB without).
        options = {"limitmb": WRITER_MB, "compound": False}
        writer = (ix.writer(procs=procs, multisegment=True, **options)
                  if procs > 1 else ix.writer(**options))
        try:
            for key in gone:
                writer.delete_by_term("report_id", known[key][0])
            analysed = 0
            for i, result in enumerate(map(_analyse_file, todo)):
                if "skipped" in result:
                    skipped.append(result["skipped"])
                else:
                    if result["source"] in known:
                        writer.delete_by_term("report_id", known[result["source"]][0])
                    for doc in result["docs"]:
                        writer.add_document(**doc)
                    analysed += 1
                if progress:
                    progress(i + 1, len(todo), todo[i][0])
            writer.commit()
        except BaseException:
            writer.cancel()
            shutil.rmtree(gen, ignore_errors=True)
            raise
        try:
            _write_columns(gen, procs)
            info = {"schema": SCHEMA_VERSION, "built": datetime.now(timezone.utc).isoformat(
                timespec="seconds"), "paths": [str(Path(p).resolve()) for p in paths]}
            tmp = gen / f"{INFO}.tmp"
            tmp.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, gen / INFO)
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        _swap(root, gen)
        _prune(root, {gen.name} | ({live.name} if live else set()))
        return _summary(t0, jobs, todo, gone, skipped, analysed, gen, rebuild, lock)


def _summary(t0, jobs, todo, gone, skipped, analysed, gen, rebuild, lock) -> dict:
    with whoosh_index.open_dir(str(gen)).searcher() as s:
        reports = s.doc_count_all() and len(list(s.document_numbers(kind="report")))
        sections = len(list(s.document_numbers(kind="section")))
    return {
        "files": len(jobs), "analysed": analysed, "unchanged": len(jobs) - len(todo),
        "removed": len(gone), "skipped": skipped, "reports": reports, "sections": sections,
        "seconds": round(time.perf_counter() - t0, 3), "generation": str(gen),
        "rebuilt": rebuild, "stale_lock": lock.stale_pid,
    }
