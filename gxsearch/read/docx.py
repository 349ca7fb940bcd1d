"""Word reports (.docx, python-docx): paragraphs and tables in document order.

Word's automatic numbering is written out (``一、`` ``（一）`` ``1.``) where a paragraph carries
it, since it is what makes a heading a heading; merged table cells (``gridSpan``, ``vMerge``)
become spans of one cell. The title comes from the document properties (``docProps/core.xml``,
read directly: python-docx reads LibreOffice's as "Word Document").
"""

from __future__ import annotations

import io
import re
import zipfile

from gxsearch.read.common import Parsed, Table

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (Word's ``chineseCounting``)."""
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


_FORMATS = {
    "decimal": str,
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "japaneseCounting": _chinese,
    "decimalFullWidth": lambda n: str(n).translate({c: c + 0xFEE0 for c in range(48, 58)}),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "lowerLetter": lambda n: chr(96 + (n - 1) % 26 + 1),
    "upperLetter": lambda n: chr(64 + (n - 1) % 26 + 1),
    "none": lambda n: "",
}


class _Numbering:
    """Counters of Word's list numbering, so that a numbered paragraph gets its label."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # abstract → lvl → fmt
        self.abstract: dict[str, str] = {}  # numId → abstractNumId
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for an in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in an.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "") if text is not None else "",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                )
            self.levels[an.get(f"{_W}abstractNumId")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.abstract[num.get(f"{_W}numId")] = ref.get(f"{_W}val")

    def label(self, p) -> str:
        """The number Word shows before paragraph ``p`` ("" when it has none)."""
        ppr = p.find(f"{_W}pPr")
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if numpr is None:
            return ""
        num_id = numpr.find(f"{_W}numId")
        ilvl = numpr.find(f"{_W}ilvl")
        num = num_id.get(f"{_W}val") if num_id is not None else None
        level = int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0
        abstract = self.abstract.get(num or "")
        levels = self.levels.get(abstract or "", {})
        if level not in levels:
            return ""
        counts = self.counters.setdefault(abstract, [0] * 10)
        counts[level] += 1
        for deeper in range(level + 1, len(counts)):
            counts[deeper] = 0

        def value(m: re.Match) -> str:
            lv = int(m[1]) - 1
            fmt, _, start = levels.get(lv, ("decimal", "", 1))
            n = counts[lv] + start - 1 if counts[lv] else start
            return _FORMATS.get(fmt, str)(n)

        return re.sub(r"%(\d)", value, levels[level][1])


def _paragraph_text(p) -> str:
    parts = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        parts.append(el.text or "" if el.tag == f"{_W}t" else " ")
    return "".join(parts).strip()


def _table(tbl, numbering: _Numbering) -> Table:
    """A ``w:tbl`` as a grid; a cell merged across columns or rows is one span."""
    cells = []
    open_cols: dict[int, list] = {}  # column → cell still open downwards (vMerge)
    for r, tr in enumerate(tbl.iterchildren(f"{_W}tr")):
        c = 0
        for tc in tr.iterchildren(f"{_W}tc"):
            pr = tc.find(f"{_W}tcPr")
            span = pr.find(f"{_W}gridSpan") if pr is not None else None
            cs = int(span.get(f"{_W}val", "1")) if span is not None else 1
            vmerge = pr.find(f"{_W}vMerge") if pr is not None else None
            text = "".join(numbering.label(p) + _paragraph_text(p)
                           for p in tc.iterchildren(f"{_W}p"))
            if vmerge is not None and vmerge.get(f"{_W}val") != "restart" and c in open_cols:
                open_cols[c][2] += 1  # continues the cell above
            else:
                cell = [r, c, 1, cs, text]
                cells.append(cell)
                if vmerge is not None:
                    open_cols[c] = cell
                else:
                    open_cols.pop(c, None)
            c += cs
    return Table.from_cells([tuple(cell) for cell in cells])


def _core_title(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile):
        return ""
    m = re.search(r"<dc:title>([^<]*)</dc:title>", xml)
    return m[1].strip() if m else ""


def read_docx(data: bytes) -> Parsed:
    """A Word 2007+ document's paragraphs and tables, in order."""
    import docx

    document = docx.Document(io.BytesIO(data))
    numbering = _Numbering(document)
    lines: list[str] = []
    tables: list[Table] = []
    for el in document.element.body.iterchildren():
        if el.tag == f"{_W}p":
            text = numbering.label(el) + _paragraph_text(el)
            if text:
                lines.append(text)
        elif el.tag == f"{_W}tbl":
            table = _table(el, numbering)
            if table.rows:
                tables.append(table)
                lines.extend(table.lines())
    title = _core_title(data)
    return Parsed("\n".join(lines), tables=tables, meta={"title": title} if title else {},
                  encoding="docx", wrapped=False)
