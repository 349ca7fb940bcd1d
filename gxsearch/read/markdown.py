"""Markdown reports (conversions of Word or web pages): headings without their ``#``, pipe
tables as tables, paragraphs joined where the file wrapped them, emphasis and link markup
dropped so that it is neither shown nor searched."""

from __future__ import annotations

import re

from gxsearch.read.common import Parsed, Table, wrap_join
from gxsearch.read.text import decode, parse_header

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|>+)\s+")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.I)
# A list item or numbered line starts a line of its own, as it does on the page.
_OWN_LINE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}、"
                       r"|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．](?!\d))")


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    return _HTML_BREAK.sub(" ", text).replace("\\|", "|").strip()


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [_inline(c) for c in re.split(r"(?<!\\)\|", line)]


def read_markdown(data: bytes) -> Parsed:
    """A Markdown file's text (one paragraph a line) and its pipe tables."""
    text, encoding = decode(data)
    header, body = parse_header(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = body.split("\n")
    out: list[str] = []
    tables: list[Table] = []
    para = False  # whether the last output line is a paragraph that may go on
    i = 0
    while i < len(lines):
        line = lines[i]
        if "|" in line and i + 1 < len(lines) and _TABLE_SEP.match(lines[i + 1]):
            rows = [_cells(line)]
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_cells(lines[i]))
                i += 1
            width = max(map(len, rows))
            table = Table.from_cells([(r, c, 1, 1, cell) for r, row in enumerate(rows)
                                      for c, cell in enumerate(row + [""] * (width - len(row)))])
            tables.append(table)
            out.extend(table.lines())
            para = False
            continue
        i += 1
        if not line.strip() or _RULE.match(line) and not para:
            para = False
            continue
        if (m := _HEADING.match(line)) is not None:
            out.append(_inline(m[1]))
            para = False
            continue
        if _SETEXT.match(line) and para:
            para = False  # the line above was a heading
            continue
        bullet = _BULLET.match(line)
        content = _inline(line[bullet.end():] if bullet else line)
        if para and not bullet and not _OWN_LINE.match(content):
            out[-1] = wrap_join(out[-1], content)
        elif content:
            out.append(content)
            para = True
    return Parsed("\n".join(out), tables=tables, header=header, encoding=encoding,
                  wrapped=False)
