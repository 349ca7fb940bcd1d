"""PDF reports: text lines with their geometry (pypdfium2), so layout decides, not guesses.

For each page: the characters with their boxes and font sizes; the thin filled paths that
draw table borders (rulings), which give each table's grid (a missing ruling inside it is a
merged cell); the characters outside tables grouped into lines by their vertical centre.
Then, for the whole document:

* running headers, footers and page numbers go: lines in the top or bottom 12% of the page
  that read as a page number (``第 3 页``, ``- 3 -``, ``3/5``) or that repeat at the same
  height, digits aside, on at least half of the pages (and at least two);
* a line continues the previous one (also across a page break, when no table is between)
  when the previous reaches the right margin of the text (within one character) and this
  one starts at the left margin with the same font size and is not a numbered heading;
  the right margin is where most full lines end, measured on the document;
* spaces are kept only between Latin letters or digits; the gaps a word processor leaves
  between Chinese and digits (``2022 年``) are layout, not text.

Tables come from the page's ruling lines (``rulings.py``). Why pypdfium2: BSD-3/Apache-2.0
(PyMuPDF is AGPL), character boxes and path objects exposed, and faster than pdfplumber and
pypdf on the PDFs tried (README, "Reading reports as published", measured).
"""

from __future__ import annotations

import bisect
import ctypes
import re
from collections import Counter
from dataclasses import dataclass

from gxsearch.errors import ReadError
from gxsearch.read.common import Parsed, Table, cell_text, wrap_join
from gxsearch.read.rulings import TOL, rulings, tables_of

_BAND = 0.12  # top and bottom share of a page where running headers and footers sit
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$", re.I)
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]"
                      r"|\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[）)])")
_SENTENCE_END = "。！？；：!?;:"


@dataclass
class _Char:
    ch: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    size: float
    page: int
    height: float  # the page's height, for the header/footer bands
    table: Table | None = None
    cells: list | None = None  # the table's (row, col, rowspan, colspan, text)
    xs: list | None = None  # the table's column borders


def _chars(textpage, raw) -> list[_Char]:
    rect = raw.FS_RECTF()
    ref = ctypes.byref(rect)
    out = []
    handle = textpage.raw
    n = textpage.count_chars()
    # The page's text in one call; one index a character unless it holds characters beyond
    # the BMP (two UTF-16 units each), then one call a character. PDFium's generated
    # characters are spaces and line breaks, skipped with the others.
    text = textpage.get_text_range()
    if len(text) != n:
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i) or 0xFFFE) for i in range(n))
    for i, ch in enumerate(text):
        if ch.isspace() or ch in "\u00ad\ufffe\uffff\x00":
            continue
        raw.FPDFText_GetLooseCharBox(handle, i, ref)
        # The loose box's height is the size on the page; the font's nominal size is not
        # (a 720 pt font scaled down by the text matrix, as in the Putuo budgets).
        size = (rect.top - rect.bottom) or raw.FPDFText_GetFontSize(handle, i)
        out.append(_Char(ch, rect.left, rect.bottom, rect.right, rect.top, size))
    return out


def _join(chars: list[_Char]) -> str:
    """Characters of one line (sorted by x) as text: a space only where a gap separates two
    Latin letters or digits."""
    out = ""
    prev = None
    for c in chars:
        if prev is not None and out and out[-1].isascii() and out[-1].isalnum() \
                and c.ch.isascii() and c.ch.isalnum() and c.x0 - prev.x1 > 0.2 * c.size:
            out += " "
        out += c.ch
        prev = c
    return out


def _group_lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into lines by their vertical centre, top to bottom, left to right."""
    rows: list[list[_Char]] = []
    total = 0.0  # the sum of the centres of the last row's characters
    for c in sorted(chars, key=lambda c: -(c.y0 + c.y1) / 2):
        mid = (c.y0 + c.y1) / 2
        if rows:
            last = rows[-1]
            if abs(total / len(last) - mid) <= 0.45 * max(c.size, last[0].size):
                last.append(c)
                total += mid
                continue
        rows.append([c])
        total = mid
    return [sorted(r, key=lambda c: c.x0) for r in rows]


def _split_gaps(chars: list[_Char]) -> list[list[_Char]]:
    """A line cut where a gap wider than two characters separates its parts."""
    parts = [[chars[0]]]
    for c in chars[1:]:
        if c.x0 - parts[-1][-1].x1 > 2 * c.size:
            parts.append([c])
        else:
            parts[-1].append(c)
    return parts


def _page(page, raw, number: int) -> list[_Line]:
    """A page's lines and tables, top to bottom."""
    chars = _chars(page.get_textpage(), raw)
    height = page.get_height()
    hs, vs = rulings(page, raw)
    items: list[_Line] = []
    free = chars
    for (x0, y0, x1, y1), xs, ys, cells in tables_of(hs, vs):
        inside, free = _partition(free, x0, y0, x1, y1)
        # Each character goes to the grid position of its centre, then to the cell there.
        owner = {(i, j): k for k, (r, c, rs, cs, _) in enumerate(cells)
                 for i in range(r, r + rs) for j in range(c, c + cs)}
        down = [-y for y in ys]  # ascending, for bisect
        own: list[list[_Char]] = [[] for _ in cells]
        for ch in inside:
            i = bisect.bisect_right(down, -(ch.y0 + ch.y1) / 2) - 1
            j = bisect.bisect_right(xs, (ch.x0 + ch.x1) / 2) - 1
            k = owner.get((min(max(i, 0), len(ys) - 2), min(max(j, 0), len(xs) - 2)))
            if k is not None:
                own[k].append(ch)
        filled = []
        for (r, c, rs, cs, _), chars_in in zip(cells, own, strict=True):
            text = cell_text([_join(line) for line in _group_lines(chars_in)]) if chars_in \
                else ""
            filled.append((r, c, rs, cs, text))
        table = Table.from_cells(filled)
        items.append(_Line("", x0, x1, y1, 0, number, height, table, filled, xs))
    for line in _group_lines(free):
        for part in _split_gaps(line) if len(line) > 1 else [line]:
            size = sorted(c.size for c in part)[len(part) // 2]  # glyph boxes vary
            items.append(_Line(_join(part), part[0].x0, part[-1].x1,
                               max(c.y1 for c in part), size, number, height))
    items.sort(key=lambda it: (-round(it.top, 0), it.x0))
    return _merge_parts(items)


def _merge_parts(items: list[_Line]) -> list[_Line]:
    """Parts of one visual line (split at wide gaps) back together, a space between."""
    out: list[_Line] = []
    for it in items:
        prev = out[-1] if out else None
        if prev and it.table is None and prev.table is None and abs(prev.top - it.top) < 2 \
                and it.x0 > prev.x1:
            prev.text += " " + it.text
            prev.x1 = it.x1
        else:
            out.append(it)
    return out


def _partition(chars: list[_Char], x0, y0, x1, y1):
    inside, outside = [], []
    for c in chars:
        cx, cy = (c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2
        (inside if x0 <= cx <= x1 and y0 <= cy <= y1 else outside).append(c)
    return inside, outside


def _furniture(pages: list[list[_Line]]) -> set[int]:
    """``id``s of the lines that are running headers, footers or page numbers."""
    def band(line: _Line) -> bool:
        return line.top > line.height * (1 - _BAND) or line.top < line.height * _BAND + 20

    masked = Counter()
    for lines in pages:
        seen = {(round(line.top), re.sub(r"\d+", "#", line.text))
                for line in lines if line.table is None and band(line)}
        masked.update(seen)
    repeat = max(2, (len(pages) + 1) // 2)
    out = set()
    for lines in pages:
        for line in lines:
            if line.table is not None or not band(line):
                continue
            if _PAGE_NUMBER.match(line.text.strip()) or \
                    masked[(round(line.top), re.sub(r"\d+", "#", line.text))] >= repeat:
                out.add(id(line))
    return out


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """The left margin (the leftmost recurring start) and right margin (where most full
    lines end)."""
    text = [ln for ln in lines if ln.table is None and ln.text]
    if not text:
        return 0.0, 0.0
    # The leftmost start that recurs: paragraph indents and centred headings start further in.
    starts = Counter(round(ln.x0) for ln in text)
    recurring = [x for x, n in starts.items() if n >= 2]
    left = min(recurring) if recurring else starts.most_common(1)[0][0]
    ends = Counter(round(ln.x1 / 2) * 2 for ln in text if ln.x1 - ln.x0 > 10 * ln.size)
    right = max(ends.items(), key=lambda kv: (kv[1], kv[0]))[0] if ends else \
        max(ln.x1 for ln in text)
    return float(left), float(right)


def _continues(prev: _Line, line: _Line, left: float, right: float) -> bool:
    if prev.table is not None or line.table is not None or not prev.text:
        return False
    return (prev.x1 >= right - prev.size
            and abs(line.x0 - left) < 0.5 * line.size
            and abs(line.size - prev.size) < 0.15 * prev.size
            and not _HEADING.match(line.text)
            and not (prev.text[-1] in _SENTENCE_END and prev.x1 < right - 0.5 * prev.size))


def read_pdf(data: bytes) -> Parsed:
    """A PDF's text (one paragraph a line, tables one row a line) and its tables."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("encrypted: the PDF needs a password to open") from None
        raise ReadError(f"damaged PDF: {exc}") from None
    try:
        pages = [_page(pdf[i], raw, i) for i in range(len(pdf))]
        meta = {}
        title = (pdf.get_metadata_dict().get("Title") or "").strip()
        if title:
            meta["title"] = title
        count = len(pdf)
    finally:
        pdf.close()
    if not any(line.text or line.table for lines in pages for line in lines):
        raise ReadError("no text layer (scanned)")
    drop = _furniture(pages)
    lines = [ln for page in pages for ln in page if id(ln) not in drop]
    # Margins per page (a budget's landscape table pages have other margins than its text
    # pages), the document's where a page has too few full lines to tell.
    whole = _margins(lines)
    margins = {}
    for number, page in enumerate(pages):
        own = [ln for ln in page if id(ln) not in drop and ln.table is None and ln.text
               and ln.x1 - ln.x0 > 10 * ln.size]
        margins[number] = _margins(own) if len(own) >= 3 else whole
    out: list[str] = []
    tables: list[_Line] = []
    prev: _Line | None = None
    for line in lines:
        if line.table is not None:
            if tables and prev is tables[-1] and prev.page != line.page \
                    and (merged := _continue_table(prev, line)) is not None:
                tables[-1] = merged
            else:
                tables.append(line)
            out.extend(line.table.lines())
            prev = tables[-1]
            continue
        if prev is not None and out and _continues(prev, line, margins[line.page][0],
                                                   margins[prev.page][1]):
            out[-1] = wrap_join(out[-1], line.text)
        else:
            out.append(line.text)
        prev = line
    return Parsed("\n".join(out), tables=[t.table for t in tables], meta=meta,
                  encoding="pdf", wrapped=False, pages=count)


def _continue_table(a: _Line, b: _Line) -> _Line | None:
    """Table ``a`` continued by ``b`` on the next page, as one, when ``b``'s column borders
    are among ``a``'s (a merged first column may hide some); None when it is another table."""
    index = {}
    for j, x in enumerate(b.xs):
        near = [i for i, y in enumerate(a.xs) if abs(x - y) <= 3 * TOL]
        if not near:
            return None
        index[j] = near[0]
    shift = max(r + rs for r, _, rs, _, _ in a.cells)
    cells = list(a.cells)
    for r, c, rs, cs, text in b.cells:
        c, cs = index[c], index[c + cs] - index[c]
        above = [i for i, (r0, c0, rs0, cs0, _) in enumerate(cells)
                 if r0 + rs0 == shift and c0 == c and cs0 == cs]
        if r == 0 and not text and above:
            # An empty cell under a merged one that reached the page's end: the merged
            # cell goes on (三、本年度办理结果 over its rows on both pages).
            r0, c0, rs0, cs0, t0 = cells[above[0]]
            cells[above[0]] = (r0, c0, rs0 + rs, cs0, t0)
        else:
            cells.append((r + shift, c, rs, cs, text))
    return _Line("", a.x0, a.x1, a.top, 0, a.page, a.height, Table.from_cells(cells), cells,
                 a.xs)
