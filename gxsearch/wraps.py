"""Hard wraps: which lines of a plain-text report continue the line before them.

Text copied out of a PDF or a fixed-width page keeps the layout's line breaks inside
sentences (`《中华人民共和` / `国政府信息公开条例》`). Whether a break is a wrap is decided line by
line, from the line's own width against the wrap widths the document shows around it, the
end of the line (a sentence end never wraps), the start of the next (a heading, a table cell,
or a mark that cannot start a line), not once for the whole document: a report whose tables
put one short cell on each line still has its paragraphs wrapped.

A *column* is a width (in columns: a Han character or full-width mark counts 2; and again
in characters, for exports wrapped by count) at which at least two distinct lines stop
mid-sentence before more text, among the layout's main widths. A line is full when it
reaches a column within a character or two (typesetting pushes a mark or a digit to the next
line) and no line of its block (up to `WINDOW` lines, to a heading or a table cell) is wider:
unwrapped text has long paragraph lines next to its short headings. A full line that does
not end a sentence continues on the next line. A single full line with no other line of its
width is not evidence of a wrap (a short paragraph and a wrapped one look alike).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

WINDOW = 8
_MIN_WIDTH = 16  # eight Han characters: shorter lines are headings, cells, signatures

HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}(?:[.．、])(?!\d)"
    r"|[(（]\d{1,2}[)）]|\d{1,2}[)）]|第[一二三四五六七八九十]+[章节部分条]"
    r"|#{1,6}\s)"
)
_SENTENCE_END = "。!?;:！？；：."
_CLOSERS = "”’\"」』)）》〕】"
# Marks that never start a line in Chinese typesetting (禁则): a line starting with one
# continues the previous line whatever its width.
_NO_START = "，。、；：？！）》」』”’〕】,;:?!)"
_CELL = re.compile(r"^(?:[-—–/／\d.,%％]+|[\d.]+\s*(?:万元|件|个|人次?|条|项|%)?)$")


def width(line: str) -> int:
    """Columns the line takes in a fixed-width layout."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def ends_sentence(line: str) -> bool:
    tail = line.rstrip(_CLOSERS) or line
    return tail[-1] in _SENTENCE_END


def _ends_paragraph(line: str) -> bool:
    tail = line.rstrip(_CLOSERS) or line
    return tail[-1] in "。!?！？;；"


def _tolerance(w: int) -> int:
    # Typesetting pushes a mark or a digit to the next line: full lines vary by 1–2 Han.
    return max(3, w // 10)


def _tolerance_chars(n: int) -> int:
    # Counted in characters a full line is the wrap length, or one or two short of it.
    return max(1, n // 20)


def wrap_widths(
    lines: list[str], widths: list[int], least: int = _MIN_WIDTH, tolerance=_tolerance
) -> set[int]:
    """Widths at which two or more lines stop mid-sentence before more text (the columns of
    the layout). Headings and lines before a heading or a table cell do not count: two
    headings of one length are not a column."""
    # Distinct lines: a signature or a label repeated is not a margin.
    counts = Counter(w for w, _ in {
        (widths[i], lines[i]) for i in range(len(lines) - 1)
        if widths[i] >= least and _open(lines[i], lines[i + 1])
        and not HEADING.match(lines[i])
    })
    support = {w: sum(c for v, c in counts.items() if w - tolerance(w) <= v <= w) for w in counts}
    # Only the layout's main columns: lines that hold digits or latin letters fall short of
    # the margin by a little everywhere, and are no column of their own.
    least_support = max(2, max(support.values(), default=0) // 2)
    columns = {
        w for w, n in support.items()
        if n >= least_support and not any(w < v <= w + 2 for v in counts)
    }
    # A narrow column beside the text's own (a signature and a date, wrapped table cells)
    # is no margin of the text.
    return {w for w in columns if w >= 0.6 * max(columns)}


def _open(line: str, following: str, ends: bool = True) -> bool:
    """``line`` could go on in ``following``: no sentence end (when ``ends``), and the next
    is no new block."""
    return not (ends and ends_sentence(line) or HEADING.match(following)
                or _CELL.match(following))


def continues(lines: list[str], indents: list[str] | None = None) -> list[bool]:
    """``out[i]`` is True when ``lines[i]`` continues ``lines[i - 1]`` (``out[0]`` is False).

    ``lines`` are stripped, non-empty lines as published (full-width marks are two columns);
    ``indents[i]`` is the white space the line started with before it was stripped (it
    takes room on the line). Where a
    document indents its paragraphs (as Word and PDF layouts do: `　　`), an indent starts a
    paragraph and a full line that ends a sentence without the next being indented goes on;
    without indents a sentence end at the margin is taken as the paragraph's end.
    Widths are measured twice, in columns and in characters: a PDF's text layer wraps by
    the page (digits are narrow), a fixed-width export by the character count.
    """
    out = [False] * len(lines)
    indents = indents if indents and any(indents) else None
    measures = []
    for measure, least, tolerance in (
        (width, _MIN_WIDTH, _tolerance), (len, _MIN_WIDTH // 2, _tolerance_chars)
    ):
        widths = [measure(line) for line in lines]
        if indents:
            widths = [w + measure(lead) for w, lead in zip(widths, indents, strict=True)]
        measures.append((widths, wrap_widths(lines, widths, least, tolerance), tolerance))
    for i in range(1, len(lines)):
        prev, line = lines[i - 1], lines[i]
        if indents and indents[i]:
            continue
        if not _open(prev, line, ends=not indents):
            continue
        if line[0] in _NO_START:
            out[i] = True
            continue
        if _CELL.match(prev) or HEADING.match(prev) and width(prev) < 2 * _MIN_WIDTH:
            continue
        block = _block(lines, i - 1)
        out[i] = any(_full(w, cols, tol, i - 1, block) for w, cols, tol in measures)
        if out[i] and ends_sentence(prev) and not _ends_paragraph(line):
            # After a sentence end only a full line or a paragraph's last line goes on
            # (a short line ending in ： is a label: 附件：).
            nxt = _block(lines, i)
            out[i] = any(_full(w, cols, tol, i, nxt) for w, cols, tol in measures)
    return out


def _full(widths: list[int], columns: set[int], tolerance, i: int, block: range) -> bool:
    """Line ``i`` reaches a column of the layout and nothing in its block is wider."""
    w = widths[i]
    widest = max(widths[j] for j in block)
    return any(c - tolerance(c) <= w <= c and widest <= c + 2 for c in columns)


def _block(lines: list[str], i: int) -> range:
    """The lines near ``i`` (``WINDOW`` each way) up to a heading or a table cell: the text
    ``i`` belongs to, whose widest line tells the width it was set in."""
    lo = i
    while lo > max(0, i - WINDOW) and not _breaks(lines[lo]):
        lo -= 1
    hi = i + 1
    while hi < min(len(lines), i + 1 + WINDOW) and not _breaks(lines[hi]):
        hi += 1
    return range(lo + (lo < i and _breaks(lines[lo])), hi)


def _breaks(line: str) -> bool:
    return bool(HEADING.match(line) or _CELL.match(line))
