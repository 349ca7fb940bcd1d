"""The figures of a report: from its tables when the reader kept them (HTML, DOCX, PDF,
Markdown), else from flattened text (``flat.py``).

Blank, ``/`` and ``-`` are ``None`` (never 0); a key is absent when its table is not found;
a row whose cells cannot be read for sure gets ``None`` values and a note that says why
(``ambiguous``: several cuts satisfy every identity; ``no reading``: none does). Each row
read says where it stands (``rows``: its label as printed, its offset in the folded text,
``table`` or ``text``, its cells), so the report page can link every figure to its place.
"""

from __future__ import annotations

import re

from gxsearch.clean import match_form
from gxsearch.stats import flat, template

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_BLANK = {"", "/", "-", "—", "－", "\\", "无"}


def _value(cell: str) -> tuple[bool, float | int | None]:
    """``(is a figure cell, value)``."""
    s = re.sub(r"\s+", "", match_form(cell or "")).replace(",", "")
    if s in _BLANK:
        return True, None
    if _NUMBER.match(s):
        return True, float(s) if "." in s else int(s)
    return False, None


def _row_cells(table, r: int) -> list[str]:
    covered = table.covered()
    return [t for c, t in enumerate(table.rows[r]) if (r, c) not in covered]


class _Locator:
    """Where a table's rows stand in the folded text: each label searched from the last one
    found, so a label printed twice (（一）予以公开 in the text and in the table) is taken in
    the table's order."""

    def __init__(self, text: str, start: str):
        self.text, self.pos = text, max(text.find(start), 0)

    def __call__(self, row) -> int | None:
        m = row.pattern.search(self.text, self.pos)
        if not m:
            return None
        self.pos = m.end()
        return m.start()


def _record(rows: dict, row, label: str, at, cells) -> None:
    rows[row.key] = {"label": label, "at": at, "from": "table",
                     "cells": " ".join(c if c.strip() else "_" for c in cells)}


def _from_table_part3(table, form, text, out, rows, notes) -> bool:
    width = len(table.rows[0]) if table.rows else 0
    if width < 8 or not any("本年新收" in "".join(r) for r in table.rows):
        return False
    locate = _Locator(text, "本年新收")
    cursor = 0
    for row in template.part("三", form):
        for r in range(cursor, len(table.rows)):
            cells = table.rows[r]
            labels = [c for c in cells[:width - 7] if c]
            if labels and row.pattern.search(match_form(labels[-1])):
                values = [_value(c) for c in cells[width - 7:]]
                if all(ok for ok, _ in values):
                    out.update(zip(row.keys(), (v for _, v in values), strict=True))
                    _record(rows, row, labels[-1], locate(row), cells[width - 7:])
                else:
                    notes.append(f"{row.key}: cells that are not figures")
                cursor = r + 1
                break
    return True


def _from_table_part4(table, text, out, rows) -> bool:
    if not any("行政复议" in "".join(r) for r in table.rows):
        return False
    for r in range(len(table.rows)):
        cells = table.rows[r]
        values = [_value(c) for c in cells]
        if len(cells) >= 15 and all(ok for ok, _ in values[-15:]):
            keys = [k for row in template.part("四") for k in row.keys()]
            out.update(zip(keys, (v for _, v in values[-15:]), strict=True))
            at = text.find("行政复议", max(text.find("结转下年度"), 0))
            for g, row in enumerate(template.part("四")):
                _record(rows, row, row.label, at if at >= 0 else None,
                        cells[-15:][g * 5:g * 5 + 5])
            return True
    return False


def _from_table_part2(table, text, out, rows) -> bool:
    found = False
    locate = _Locator(text, "第二十条第")
    for r in range(len(table.rows)):
        cells = _row_cells(table, r)
        if len(cells) < 2:
            continue
        label = match_form(cells[0])
        for row in template.part("二"):
            if row.pattern.search(label):
                values = [_value(c) for c in cells[1:1 + row.cells]]
                if len(values) == row.cells and all(ok for ok, _ in values):
                    out.update(zip(row.keys(), (v for _, v in values), strict=True))
                    _record(rows, row, cells[0], locate(row), cells[1:1 + row.cells])
                    found = True
                break
    return found


def extract(tables, text: str) -> dict:
    """``{"template", "figures", "rows", "notes", "sources": {part: "table" | "text"}}`` of
    one report; ``text`` is the cleaned (folded) text. ``template`` is "2019" or "2021" for
    a report with a part-三 table, else None."""
    out: dict = {}
    rows: dict = {}
    notes: list[str] = []
    sources: dict[str, str] = {}
    cells = "\n".join(match_form("".join(r)) for t in tables for r in t.rows)
    form = template.form_of(cells + "\n" + text)
    part2_2019 = template.part2_2019(cells)
    for table in tables:
        if "三" not in sources and _from_table_part3(table, form, text, out, rows, notes):
            sources["三"] = "table"
        elif "四" not in sources and _from_table_part4(table, text, out, rows):
            sources["四"] = "table"
        elif not part2_2019 and _from_table_part2(table, text, out, rows):
            sources["二"] = "table"
    if "三" not in sources and flat.part3(text, form, out, rows, notes):
        sources["三"] = "text"
    if "四" not in sources and flat.part4(text, out, rows, notes):
        sources["四"] = "text"
    if "二" not in sources and not part2_2019 and flat.part2(text, out, rows, notes):
        sources["二"] = "text"
    return {"template": form if "三" in sources else None, "figures": out, "rows": rows,
            "notes": notes, "sources": sources}
