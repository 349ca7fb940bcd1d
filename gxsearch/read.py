"""Read report files: find them, decode them, keep the visible text and split off crawler headers.

A report is a `.txt` file (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16 with BOM) or an
`.html`/`.htm` page, of which only the visible text is kept. Crawler-saved files start with
`key: value` lines and a `==== 正文 ====` separator; those lines become `Source.header`.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from charset_normalizer import from_bytes

from .errors import ReadError

MAX_BYTES = 16 * 1024 * 1024
EXTENSIONS = (".txt", ".html", ".htm")

_HTML_EXTENSIONS = (".html", ".htm")
# Detectors name the Chinese codepages differently; GB18030 decodes everything they do.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc_cn", "ms936"}
_SEPARATOR = re.compile(r"^\s*={3,}\s*正文\s*={3,}\s*$")
_HEADER_LINE = re.compile(
    r"^([\u4e00-\u9fffA-Za-z_][\u4e00-\u9fffA-Za-z_ ]{0,15})[:：]\s*(.*?)\s*$"
)
_HEADER_MAX_LINES = 40


@dataclass(frozen=True)
class Source:
    """One decoded report file."""

    path: str
    relpath: str
    raw: str
    header: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    sha1: str = ""
    size: int = 0


@dataclass(frozen=True)
class Skipped:
    """A path that could not be read, with the reason why."""

    path: str
    reason: str


def _wanted(name: str) -> bool:
    return name.lower().endswith(EXTENSIONS)


def _list_one(
    arg: str, seen_dirs: set[str], seen_files: set[str]
) -> Iterator[tuple[str, str]]:
    def fresh(abspath: str) -> bool:
        real = os.path.realpath(abspath)
        if real in seen_files:
            return False
        seen_files.add(real)
        return True

    top = os.path.abspath(arg)
    if os.path.isfile(top):
        if _wanted(top) and fresh(top):
            yield top, os.path.basename(top)
        return
    if not os.path.isdir(top):
        return
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen_dirs:
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if name.startswith(".") or not _wanted(name) or not os.path.isfile(full):
                continue
            if fresh(full):
                yield full, os.path.relpath(full, top).replace(os.sep, "/")


def list_files(paths: Iterable[str]) -> list[tuple[str, str]]:
    """Return `(absolute path, POSIX relpath)` of every report file under `paths`.

    Directories are walked recursively in sorted order; hidden entries inside them are
    ignored; a directory or file reached twice (symlink loops, overlapping arguments) is
    listed once. Paths that do not exist are left out (`iter_sources` reports them).
    """
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    return [item for arg in paths for item in _list_one(arg, seen_dirs, seen_files)]


def _control_ratio(text: str) -> float:
    sample = text[:100_000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return bad / max(1, len(sample))


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes, returning `(text, encoding)`; raise ReadError if impossible."""
    if not data:
        raise ReadError("empty file")
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    encoding = next((enc for bom, enc in boms if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        raise ReadError("binary file (contains NUL bytes)")
    if encoding is None:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            best = from_bytes(data).best()
            if best is None:
                raise ReadError("undecodable: not UTF-8 and no known encoding fits") from None
            encoding = best.encoding.lower().replace("-", "_")
            if encoding in _GB_FAMILY:
                encoding = "gb18030"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError(f"undecodable as {encoding}: {exc}") from None
    text = text.lstrip("\ufeff")
    if _control_ratio(text) > 0.05:
        raise ReadError("binary file (mostly control characters)")
    return text, encoding


class _VisibleText(HTMLParser):
    """Collect the text a browser would show, one block element per line."""

    SKIP = {"script", "style", "noscript", "template", "head", "title", "nav", "aside",
            "footer", "iframe", "svg", "select", "button"}
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
             "ul", "ol", "dl", "dt", "dd", "section", "article", "blockquote", "pre", "hr",
             "form", "header", "main", "center", "caption", "tbody", "thead", "body", "html"}
    CELL = {"td", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "body":
            # </head> is optional in HTML; the body always ends whatever was skipped.
            self.skip_depth = 0
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre_depth += 1
        elif tag in self.CELL:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
        elif tag in self.CELL:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        # Outside <pre>, source line breaks are just whitespace to a browser.
        self.parts.append(data if self.pre_depth else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Return the visible text of an HTML page, one block per line, entities decoded."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r" {2,}", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split a crawler header off `text`: return `(header, body)`.

    A header is only recognised when the text starts with `key: value` lines that are
    followed by a `==== 正文 ====` line; otherwise the header is empty and the body is `text`.
    """
    lines = text.split("\n")
    if not lines or not _HEADER_LINE.match(lines[0]):
        return {}, text
    for i, line in enumerate(lines[:_HEADER_MAX_LINES]):
        if _SEPARATOR.match(line):
            header = {}
            for head_line in lines[:i]:
                m = _HEADER_LINE.match(head_line)
                if m and m.group(2):
                    header.setdefault(m.group(1).strip(), m.group(2))
            return header, "\n".join(lines[i + 1:])
    return {}, text


def read_file(path: str, relpath: str) -> Source:
    """Read and decode one report file; raise ReadError with a reason if it cannot be read."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ReadError("is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError("not a regular file")
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
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if path.lower().endswith(_HTML_EXTENSIONS):
        text = html_to_text(text)
    header, raw = parse_header(text)
    if not raw.strip():
        raise ReadError("no text" if not header else "no text after the crawler header")
    return Source(
        path=path,
        relpath=relpath,
        raw=raw,
        header=header,
        encoding=encoding,
        sha1=hashlib.sha1(data).hexdigest(),
        size=len(data),
    )


def iter_sources(paths: Iterable[str]) -> Iterator[Source | Skipped]:
    """Yield a Source for every readable report under `paths`, a Skipped for the others.

    Never raises for one bad file or a missing path.
    """
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    for arg in paths:
        if not os.path.exists(arg):
            yield Skipped(arg, "no such file or directory")
            continue
        if os.path.isfile(arg) and not _wanted(arg):
            yield Skipped(arg, "not a .txt, .html or .htm file")
            continue
        for abspath, rel in _list_one(arg, seen_dirs, seen_files):
            try:
                yield read_file(abspath, rel)
            except ReadError as exc:
                yield Skipped(abspath, str(exc))
