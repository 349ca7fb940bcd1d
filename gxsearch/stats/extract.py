"""The figures of a report: from its tables when the reader kept them, else from flattened
text, where a row's cells run together and only the table's own arithmetic can cut them.

Blank, ``/`` and ``-`` are ``None`` (never 0); a key is absent when its table is not found;
a row whose cells cannot be read for sure gets ``None`` values and a note that says why
(``ambiguous``: several cuts satisfy every identity; ``no reading``: none does).
"""

from __future__ import annotations

import itertools
import re

from gxsearch.clean import match_form
from gxsearch.stats import template
from gxsearch.stats.checks import checks

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_BLANK = {"", "/", "-", "—", "－", "\\", "无"}
_MAX_SPLITS = 8  # readings of one row kept for the column sums to settle


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


def _from_table_part3(table, out: dict, notes: list) -> bool:
    rows = template.part("三")
    width = len(table.rows[0]) if table.rows else 0
    if width < 8 or not any("本年新收" in "".join(r) for r in table.rows):
        return False
    cursor = 0
    for row in rows:
        for r in range(cursor, len(table.rows)):
            cells = table.rows[r]
            labels = [c for c in cells[:width - 7] if c]
            if labels and row.pattern.search(match_form(labels[-1])):
                values = [_value(c) for c in cells[width - 7:]]
                if all(ok for ok, _ in values):
                    out.update(zip(row.keys(), (v for _, v in values), strict=True))
                else:
                    notes.append(f"{row.key}: cells that are not figures")
                cursor = r + 1
                break
    return True


def _from_table_part4(table, out: dict) -> bool:
    if not any("行政复议" in "".join(r) for r in table.rows):
        return False
    for r in range(len(table.rows)):
        cells = table.rows[r]
        values = [_value(c) for c in cells]
        if len(cells) >= 15 and all(ok for ok, _ in values[-15:]):
            keys = [k for row in template.part("四") for k in row.keys()]
            out.update(zip(keys, (v for _, v in values[-15:]), strict=True))
            return True
    return False


def _from_table_part2(table, out: dict) -> bool:
    found = False
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
                    found = True
                break
    return found


def _splits(digits: str, n: int, ok) -> list[list[int]]:
    """Ways to cut ``digits`` into ``n`` numbers without leading zeros that ``ok`` accepts
    (at most ``_MAX_SPLITS``)."""
    out: list[list[int]] = []

    def walk(i: int, parts: list[int]) -> None:
        if len(out) >= _MAX_SPLITS:
            return
        if len(parts) == n - 1:
            rest = digits[i:]
            if rest and (rest == "0" or rest[0] != "0") and ok(parts + [int(rest)]):
                out.append(parts + [int(rest)])
            return
        for j in range(i + 1, min(len(digits) - (n - len(parts) - 1), i + 7) + 1):
            piece = digits[i:j]
            if piece[0] == "0" and len(piece) > 1:
                break
            walk(j, parts + [int(piece)])

    walk(0, [])
    return out


def _sums7(v: list[int]) -> bool:
    return sum(v[:6]) == v[6]


def _sums15(v: list[int]) -> bool:
    return all(sum(v[g:g + 4]) == v[g + 4] for g in (0, 5, 10))


def _run_after(text: str, pos: int, next_number: str) -> tuple[str, int] | None:
    """The figures printed right after a label ending at ``pos``: ``(run, end)``; a following
    row's own number glued to them (``…00000002.其他``) is left out."""
    m = re.compile(r"[^\d\n]{0,30}?([\d][\d ,.]*)").match(text, pos)
    if not m:
        return None
    run = m.group(1).rstrip(" ,.")
    end = m.start(1) + len(run)
    if next_number and text.startswith(".", end) and run.endswith(next_number):
        run, end = run[: -len(next_number)], end - len(next_number)
    return run, end


def _from_text_part3(text: str, out: dict, notes: list) -> bool:
    start = text.find("本年新收")
    if start < 0:
        return False
    rows = template.part("三")
    pos = start
    choices: dict = {}
    for i, row in enumerate(rows):
        m = row.pattern.search(text, pos, pos + 400)
        if not m:
            notes.append(f"{row.key}: row not found")
            continue
        nxt = rows[i + 1].number if i + 1 < len(rows) else ""
        got = _run_after(text, m.end(), nxt)
        if got is None:
            notes.append(f"{row.key}: no figures")
            continue
        run, pos = got
        choices[row] = _readings(run, 7, _sums7)
        if not choices[row]:
            notes.append(f"{row.key}: no reading: {run}")
    _settle(choices, out, notes)
    return True


def _readings(run: str, n: int, ok) -> list[list[int]]:
    """Every reading of a row's figures (spaces, where the text kept them, settle it)."""
    tokens = run.split()
    if len(tokens) == n and all(t.isdigit() for t in tokens):
        return [[int(t) for t in tokens]]
    digits = run.replace(" ", "")
    return _splits(digits, n, ok) if digits.isdigit() else []


def _settle(choices: dict, out: dict, notes: list) -> None:
    """Rows with one reading are taken; rows with several are settled by the columns' own
    sums (一+二 = (七)+四, (七) = the sum of the results) when exactly one combination of
    their readings makes every column add up; else they are left None, and said so."""
    fixed = {row: ways[0] for row, ways in choices.items() if len(ways) == 1}
    open_rows = [row for row, ways in choices.items() if len(ways) > 1]
    for row, values in fixed.items():
        out.update(zip(row.keys(), values, strict=True))
    if not open_rows:
        return
    good = []
    combos = itertools.islice(itertools.product(*(choices[r] for r in open_rows)), 4096)
    for combo in combos:
        trial = dict(out)
        for row, values in zip(open_rows, combo, strict=True):
            trial.update(zip(row.keys(), values, strict=True))
        if all(c["ok"] for c in checks(trial)):
            good.append(combo)
    if len(good) == 1:
        for row, values in zip(open_rows, good[0], strict=True):
            out.update(zip(row.keys(), values, strict=True))
            notes.append(f"{row.key}: settled by the column sums: {values}")
        return
    for row in open_rows:
        out.update(dict.fromkeys(row.keys()))
        notes.append(f"{row.key}: ambiguous: {len(choices[row])} readings")


def _cut(run: str, n: int, ok, key: str, notes: list) -> list:
    ways = _readings(run, n, ok)
    if len(ways) == 1:
        return ways[0]
    notes.append(f"{key}: {'ambiguous' if ways else 'no reading'}: {run}")
    return [None] * n


def _from_text_part4(text: str, out: dict, notes: list) -> bool:
    m = re.search(r"复议后起诉(?:结果维持|结果纠正|其他结果|尚未审结|总计|\s)*"
                  r"([\d ]{15,})", text)
    if not m:
        return False
    keys = [k for row in template.part("四") for k in row.keys()]
    out.update(zip(keys, _cut(m.group(1).strip(), 15, _sums15, "review/suits", notes),
                   strict=True))
    return True


def _from_text_part2(text: str, out: dict, notes: list) -> bool:
    start = text.find("第二十条第")
    if start < 0:
        return False
    found = False
    for row in template.part("二"):
        m = row.pattern.search(text, start, start + 600)
        if not m:
            continue
        got = _run_after(text, m.end(), "")
        if got is None:
            continue
        run = got[0].replace(" ", "")
        found = True
        if row.cells == 1:
            ok = re.fullmatch(r"\d+(?:\.\d{1,2})?", run)
            out[row.key] = (float(run) if "." in run else int(run)) if ok else None
            if not ok:
                notes.append(f"{row.key}: not one figure: {run}")
        elif len(run) == 3:  # three one-digit figures: the only cut
            out.update(zip(row.keys(), map(int, run), strict=True))
        else:
            # 本年制发, 本年废止, 现行有效 have no sum to tell the cut by.
            out.update(dict.fromkeys(row.keys()))
            notes.append(f"{row.key}: ambiguous: {run}")
    return found


def extract(tables, text: str) -> dict:
    """``{"figures": {...}, "notes": [...], "sources": {part: "table" | "text"}}`` of one
    report; ``text`` is the cleaned (folded) text."""
    out: dict = {}
    notes: list[str] = []
    sources: dict[str, str] = {}
    for table in tables:
        if "三" not in sources and _from_table_part3(table, out, notes):
            sources["三"] = "table"
        elif "四" not in sources and _from_table_part4(table, out):
            sources["四"] = "table"
        elif _from_table_part2(table, out):
            sources["二"] = "table"
    for part, reader in (("三", _from_text_part3), ("四", _from_text_part4),
                         ("二", _from_text_part2)):
        if part not in sources and reader(text, out, notes):
            sources[part] = "text"
    return {"figures": out, "notes": notes, "sources": sources}
