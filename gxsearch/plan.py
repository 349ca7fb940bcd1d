"""Report identity: which files of a run are new, changed, moved, copies or gone, and the id
of each report (pure: the caller reads the disk and the live index).

A report is identified by its file's resolved path while the file stays where it is, and by
its content when it moves: a file whose path is unknown but whose bytes equal those of an
indexed report whose file no longer exists is that report, moved or renamed, and keeps its
id. A file whose bytes equal another file's (one already indexed, or one earlier in this run)
is the same report published twice: it is skipped and named, so no hit is ever listed twice.

An id is ``<ASCII part of the file name>-<first 10 hex digits of the content's SHA-1>``
(``000_d4f0ce14d1955d20-1a2b3c4d5e``): URL-safe, short, the same on every machine for the same
file, and never shared by two different contents — on a clash the digest is lengthened. A
report keeps the id it was given while it is indexed (an edited file keeps its id; a rebuild
keeps the ids of the files it finds where they were).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

_SLUG_RE = re.compile(r"[^A-Za-z0-9_]+")
_SLUG_MAX = 40


def make_report_id(name: str, sha1: str, taken: Callable[[str], bool] = lambda _: False) -> str:
    """The id of a report read from a file called ``name`` with content digest ``sha1``;
    ``taken(id)`` tells whether an id already belongs to another content."""
    stem = PurePath(name).stem
    slug = _SLUG_RE.sub("-", stem).strip("-")[:_SLUG_MAX].strip("-")
    for digits in (10, 16, 40):
        rid = f"{slug}-{sha1[:digits]}" if slug else sha1[:digits]
        if not taken(rid):
            return rid
    raise ValueError(f"two different files have the SHA-1 {sha1}")  # never in practice


@dataclass(frozen=True)
class Known:
    """A report of the live index: its id, its file's content digest."""

    report_id: str
    sha1: str


@dataclass
class Plan:
    """What a run does. ``analyse`` holds ``(path, report_id)`` to read (new, changed and
    moved files); ``drop`` the indexed paths whose reports are deleted first (changed, moved
    and gone ones); ``gone`` the indexed paths removed for good; ``moved`` ``(old, new)``
    paths; ``copies`` ``(path, reason)`` skipped as the same content as another file."""

    analyse: list[tuple[str, str]] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    copies: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changes(self) -> bool:
        return bool(self.analyse or self.drop)


def plan(files: Iterable[tuple[str, str]], known: dict[str, Known], *,
         exists: Callable[[str], bool] = os.path.isfile, covered: Iterable[str] = (),
         rebuild: bool = False) -> Plan:
    """Plan a run over ``files``, ``(resolved path, sha1)`` in a stable order, against the
    ``known`` reports of the live index (by resolved path).

    An indexed path is gone when its file no longer ``exists`` (whatever paths this run
    names), or when it lies under one of the ``covered`` directories of this run but was not
    listed (renamed to another extension, hidden). With ``rebuild`` every file is analysed
    (into an empty index), keeping the ids of the known ones.
    """
    files = list(files)
    listed = {path for path, _ in files}
    covered = tuple(d.rstrip(os.sep) + os.sep for d in covered)
    out = Plan()
    vanished = {p for p in known if p not in listed
                and (not exists(p) or p.startswith(covered))}
    # Moved reports: content of a vanished file, now at a new path (the first one wins).
    by_sha_vanished: dict[str, str] = {}
    for p in sorted(vanished):
        by_sha_vanished.setdefault(known[p].sha1, p)
    ids_in_use = {k.report_id: k.sha1 for p, k in known.items() if p not in vanished}
    shas = dict(files)
    # sha1 → the path that holds it after this run: first an indexed file that stays as it
    # was (named by this run or not), then the first of this run's files to bring it.
    owner: dict[str, str] = {}
    for p in sorted(known):
        if p not in vanished and shas.get(p, known[p].sha1) == known[p].sha1:
            owner.setdefault(known[p].sha1, p)

    def taken(rid: str) -> bool:
        return rid in ids_in_use

    for path, sha in files:
        old = known.get(path)
        first = owner.get(sha)
        if first is not None and first != path:
            out.copies.append((path, f"same content as {first}"))
            if old is not None:  # it was another report before: that one is gone now
                out.drop.append(path)
                out.gone.append(path)
                ids_in_use.pop(old.report_id, None)
            continue
        owner[sha] = path
        if old is not None:
            if old.sha1 == sha and not rebuild:
                out.unchanged += 1
            else:
                out.drop.append(path)
                out.analyse.append((path, old.report_id))
                ids_in_use[old.report_id] = sha
            continue
        was = by_sha_vanished.pop(sha, None)
        if was is not None:
            rid = known[was].report_id
            out.moved.append((was, path))
            out.drop.append(was)
            vanished.discard(was)
        else:
            rid = make_report_id(os.path.basename(path), sha, taken)
        ids_in_use[rid] = sha
        out.analyse.append((path, rid))
    for p in sorted(vanished):
        out.drop.append(p)
        out.gone.append(p)
    return out
