"""The index directory's layout: which generation is live, and for the indexer (the only
writer) the lock, new generations, the swap of ``CURRENT`` and the pruning of old ones.

Layout of an index directory::

    index/
      CURRENT          name of the live generation, replaced atomically
      LOCK             flock()ed by the running indexer, holds its pid
      gen-000007/      a complete Whoosh index, the columns of each of its segments
                       (``columns.py``) and gxsearch.json (schema version, build time)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
from pathlib import Path

from gxsearch.errors import IndexLocked, IndexMissing

CURRENT = "CURRENT"
LOCK = "LOCK"
INFO = "gxsearch.json"
_GEN_RE = re.compile(r"^gen-(\d{6})$")

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


class Lock:
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
        # The pid is only for the message: on a full disk the lock holds without it.
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, str(os.getpid()).encode(), 0)
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def new_generation(root: Path) -> Path:
    """A new, empty generation directory, numbered past every one there and past the one
    ``CURRENT`` names (which may be gone): a number is never given twice, so a server that
    still holds a generation open never takes a new one for it."""
    nums = [int(m.group(1)) for p in root.iterdir() if (m := _GEN_RE.match(p.name))]
    with contextlib.suppress(OSError):
        if m := _GEN_RE.match((root / CURRENT).read_text(encoding="utf-8").strip()):
            nums.append(int(m.group(1)))
    gen = root / f"gen-{max(nums, default=0) + 1:06d}"
    gen.mkdir()
    return gen


def swap(root: Path, gen: Path) -> None:
    tmp = root / f"{CURRENT}.tmp"
    tmp.write_text(gen.name, encoding="utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, root / CURRENT)


def link_generation(live: Path, gen: Path) -> None:
    """Fill the new generation ``gen`` with hard links to the files of ``live`` (copies where
    the file system has no links), but for the Whoosh lock and gxsearch.json."""
    for src in live.iterdir():
        if src.name.endswith(("WRITELOCK", ".tmp")) or src.name == INFO or not src.is_file():
            continue
        try:
            os.link(src, gen / src.name)
        except OSError:
            shutil.copy2(src, gen / src.name)


def prune(root: Path, keep: set[str]) -> None:
    """Remove generations other than ``keep`` (the live one and the one before it)."""
    for p in root.iterdir():
        if _GEN_RE.match(p.name) and p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)


