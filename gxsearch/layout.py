"""A section's text as blocks to show: paragraphs, and the report's tables where their rows
stand in the text.

Readers write each table into the text one line a row (so it is searchable) and keep it as a
grid (``read.Table``). Here the lines of a section that are consecutive rows of one table are
given back as that table, with its merged cells, for the report page; the other lines are
paragraphs. Records only: the page prints them.
"""

from __future__ import annotations

import re

from gxsearch.clean import match_form, row_key
from gxsearch.read.common import Table

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[-+]?\d[\d,.]*%?$|^/$")


def _key(text: str) -> str:
    return _SPACE.sub("", text)


def row_index(tables: list[Table]) -> dict[str, list[tuple[int, int]]]:
    """Folded row text (white space removed) → ``(table, row)`` of each table row."""
    out: dict[str, list[tuple[int, int]]] = {}
    for t, table in enumerate(tables):
        covered = table.covered()
        for r, row in enumerate(table.rows):
            cells = [x for c, x in enumerate(row) if (r, c) not in covered and x]
            if cells:
                out.setdefault(row_key(" ".join(cells)), []).append((t, r))
    return out


def _cells(table: Table, r0: int, r1: int) -> list[list[dict]]:
    """Rows ``r0``..``r1`` of ``table`` as cells ``{text, rowspan, colspan, number}``: each
    merged cell once, in the first row shown that it covers, its span clipped to the rows
    shown."""
    origin = {}
    for sr, sc, rs, cs in table.spans:
        for i in range(sr, sr + rs):
            for j in range(sc, sc + cs):
                origin[i, j] = (sr, sc, rs, cs)
    rows = []
    for r in range(r0, r1 + 1):
        row = []
        for c, text in enumerate(table.rows[r]):
            sr, sc, rs, cs = origin.get((r, c), (r, c, 1, 1))
            if sc != c or max(sr, r0) != r:
                continue
            row.append({"text": text, "rowspan": min(sr + rs, r1 + 1) - r, "colspan": cs,
                        "number": bool(_NUMBER.match(text.strip()))})
        rows.append(row)
    return rows


def blocks(text: str, tables: list[Table], index: dict | None = None) -> list[dict]:
    """``text`` (a section's, as published) as ``{"kind": "p", "text"}`` and
    ``{"kind": "table", "rows": [[cell…]…]}`` blocks in order."""
    index = row_index(tables) if index is None else index
    out: list[dict] = []
    run: tuple[int, int, int] | None = None  # table, first row, last row

    def close() -> None:
        nonlocal run
        if run is not None:
            t, r0, r1 = run
            out.append({"kind": "table", "rows": _cells(tables[t], r0, r1)})
            run = None

    for line in text.split("\n"):
        if not line.strip():
            continue
        places = index.get(_key(match_form(line)), []) if index else []
        if run is not None:
            nxt = [r for t, r in places if t == run[0] and r > run[2]]
            if nxt:
                run = (run[0], run[1], min(nxt))
                continue
            close()
        if places:
            t, r = places[0]
            run = (t, r, r)
            continue
        out.append({"kind": "p", "text": line})
    close()
    return out
