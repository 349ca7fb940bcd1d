"""Read report files: find them, read each format into text, tables and metadata.

One reader per format, each a function from the file's bytes to a `common.Parsed`:

=============  ==============================================================================
``.txt``       ``text.py``: decoded (UTF-8, GB18030, UTF-16), crawler header split off
``.html/.htm`` ``html.py``: the page's main content, the CMS label table as metadata
``.pdf``       ``pdf.py``: text lines with their geometry (pypdfium2), tables from rulings
``.docx``      ``docx.py``: paragraphs and tables in document order, Word's numbering
``.doc``       ``doc.py``: through antiword or LibreOffice when one is installed
``.md``        ``markdown.py``: headings without their ``#``, pipe tables
=============  ==============================================================================

`read_file` picks the reader by extension and turns every failure into a `ReadError` whose
message is the reason a person reads ("no text layer (scanned)", "encrypted …"); every other
file a run sees is listed by `unsupported` so that it too is named with its reason.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from gxsearch.errors import ReadError
from gxsearch.read.common import Parsed, Table
from gxsearch.read.text import decode, parse_header

__all__ = ["EXTENSIONS", "MAX_BYTES", "Parsed", "Skipped", "Source", "Table", "decode",
           "iter_sources", "list_files", "parse_header", "read_file",
           "unsupported", "unsupported_reason"]

MAX_BYTES = 16 * 1024 * 1024
FORMATS = {".txt": "text", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx",
           ".doc": "doc", ".md": "markdown", ".markdown": "markdown"}
EXTENSIONS = tuple(FORMATS)


@dataclass(frozen=True)
class Source:
    """One report file as read: its text (``raw``), tables and metadata."""

    path: str
    relpath: str
    raw: str
    header: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    sha1: str = ""
    size: int = 0
    format: str = "text"
    tables: tuple[Table, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)
    wrapped: bool = True
    pages: int = 0


@dataclass(frozen=True)
class Skipped:
    """A path that could not be read, with the reason why."""

    path: str
    reason: str


def _format(name: str) -> str | None:
    return FORMATS.get(os.path.splitext(name)[1].lower())


def _walk(arg: str, seen_dirs: set[str]) -> Iterator[tuple[str, str]]:
    """``(path, relpath)`` of every visible file under the directory ``arg``, sorted."""
    top = os.path.abspath(arg)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen_dirs:
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if not name.startswith(".") and os.path.isfile(full):
                yield full, os.path.relpath(full, top).replace(os.sep, "/")


def _list(paths: Iterable[str], wanted: bool) -> list[tuple[str, str]]:
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    out = []
    for arg in paths:
        if os.path.isfile(arg):
            items = [(os.path.abspath(arg), os.path.basename(arg))]
        elif os.path.isdir(arg):
            items = _walk(arg, seen_dirs)
        else:
            continue
        for full, rel in items:
            real = os.path.realpath(full)
            if (_format(full) is not None) == wanted and real not in seen_files:
                seen_files.add(real)
                out.append((full, rel))
    return out


def list_files(paths: Iterable[str]) -> list[tuple[str, str]]:
    """Return ``(absolute path, POSIX relpath)`` of every report file under ``paths``.

    Directories are walked recursively in sorted order; hidden entries inside them are
    ignored; a directory or file reached twice (symlink loops, overlapping arguments) is
    listed once. Paths that do not exist are left out (`iter_sources` reports them).
    """
    return _list(paths, True)


def unsupported(paths: Iterable[str]) -> list[tuple[str, str]]:
    """``(path, reason)`` of every other visible file under ``paths``: not a report format."""
    return [(full, unsupported_reason(full)) for full, _ in _list(paths, False)]


def unsupported_reason(path: str) -> str:
    ext = os.path.splitext(path)[1].lower() or "no extension"
    return f"unsupported format ({ext}); gxsearch reads {' '.join(sorted(EXTENSIONS))}"


def _reader(fmt: str):
    if fmt == "text":
        from gxsearch.read.text import read_text as reader
    elif fmt == "html":
        from gxsearch.read.html import read_html as reader
    elif fmt == "pdf":
        from gxsearch.read.pdf import read_pdf as reader
    elif fmt == "docx":
        from gxsearch.read.docx import read_docx as reader
    elif fmt == "doc":
        from gxsearch.read.doc import read_doc as reader
    else:
        from gxsearch.read.markdown import read_markdown as reader
    return reader


def _read_bytes(path: str) -> bytes:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ReadError("is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError("not a regular file")
    if _format(path) is None:
        raise ReadError(unsupported_reason(path))
    if st.st_size > MAX_BYTES:
        raise ReadError(f"too large: {st.st_size} bytes (limit {MAX_BYTES})")
    if st.st_size == 0:
        raise ReadError("empty file")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ReadError(f"too large: more than {MAX_BYTES} bytes")
    if not data:
        raise ReadError("empty file")
    return data


def read_file(path: str, relpath: str) -> Source:
    """Read one report file; raise ReadError with the reason if it cannot be read."""
    data = _read_bytes(path)
    fmt = _format(path)
    try:
        parsed = _reader(fmt)(data)
    except ReadError:
        raise
    except Exception as exc:  # a damaged file must name itself, not stop the run
        raise ReadError(f"unreadable {fmt} file: {type(exc).__name__}: {exc}") from None
    if not parsed.text.strip():
        raise ReadError("no text" if not parsed.header else "no text after the crawler header")
    return Source(
        path=path, relpath=relpath, raw=parsed.text, header=parsed.header,
        encoding=parsed.encoding or fmt, sha1=hashlib.sha1(data).hexdigest(), size=len(data),
        format=fmt, tables=tuple(parsed.tables), meta=dict(parsed.meta),
        wrapped=parsed.wrapped, pages=parsed.pages,
    )


def iter_sources(paths: Iterable[str]) -> Iterator[Source | Skipped]:
    """Yield a Source for every readable report under ``paths``, a Skipped for the others
    (unsupported files, unreadable ones, paths that do not exist). Never raises."""
    paths = list(paths)
    for arg in paths:
        if not os.path.exists(arg):
            yield Skipped(arg, "no such file or directory")
    existing = [p for p in paths if os.path.exists(p)]
    for abspath, rel in list_files(existing):
        try:
            yield read_file(abspath, rel)
        except ReadError as exc:
            yield Skipped(abspath, str(exc))
    for path, reason in unsupported(existing):
        yield Skipped(path, reason)
