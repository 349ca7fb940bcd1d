"""Figures from flattened text, where a table's cells run together
(``一、本年新收政府信息公开申请数量15130000154``) and only its own arithmetic can cut them:
seven cells of a part-三 row cut so that the six applicant columns add up to the 总计, the
fifteen of part 四 so that each group's four results add up to its 总计, rows still open
settled by the columns' sums (一 + 二 = (七) + 四). A row's own number glued to the previous
row's figures (``…国家秘密00000002.其他…``) is told apart by the template's numbering.

Each reader fills ``out`` (figures), ``rows`` (where each row stands: ``{"label", "at",
"from": "text", "cells"}``, ``at`` an offset in the folded text) and ``notes``.
"""

from __future__ import annotations

import itertools
import re

from gxsearch.stats import template
from gxsearch.stats.checks import checks

_MAX_SPLITS = 8  # readings of one row kept for the column sums to settle
_FIGURES = re.compile(r"[^\d\n]{0,30}?([\d][\d ,.]*)")


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


def _run_after(text: str, pos: int, next_number: str) -> tuple[str, int, int] | None:
    """The figures printed right after a label ending at ``pos``: ``(run, start, end)``; a
    following row's own number glued to them (``…00000002.其他``) is left out."""
    m = _FIGURES.match(text, pos)
    if not m:
        return None
    run = m.group(1).rstrip(" ,.")
    end = m.start(1) + len(run)
    if next_number and text.startswith(".", end) and run.endswith(next_number):
        run, end = run[: -len(next_number)], end - len(next_number)
    return run, m.start(1), end


def _readings(run: str, n: int, ok) -> list[list[int]]:
    """Every reading of a row's figures (spaces, where the text kept them, settle it)."""
    tokens = run.split()
    if len(tokens) == n and all(t.isdigit() for t in tokens):
        return [[int(t) for t in tokens]]
    digits = run.replace(" ", "")
    return _splits(digits, n, ok) if digits.isdigit() else []


def part3(text: str, form: str, out: dict, rows: dict, notes: list) -> bool:
    start = text.find("本年新收")
    if start < 0:
        return False
    template_rows = template.part("三", form)
    pos = start
    choices: dict = {}
    for i, row in enumerate(template_rows):
        m = row.pattern.search(text, pos, pos + 400)
        if not m:
            notes.append(f"{row.key}: row not found")
            continue
        nxt = template_rows[i + 1].number if i + 1 < len(template_rows) else ""
        got = _run_after(text, m.end(), nxt)
        if got is None:
            notes.append(f"{row.key}: no figures")
            continue
        run, _, pos = got
        rows[row.key] = {"label": m.group(0), "at": m.start(), "from": "text", "cells": run}
        choices[row] = _readings(run, 7, _sums7)
        if not choices[row]:
            notes.append(f"{row.key}: no reading: {run}")
    _settle(choices, out, notes)
    return True


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


def part4(text: str, out: dict, rows: dict, notes: list) -> bool:
    m = re.search(r"复议后起诉(?:结果维持|结果纠正|其他结果|尚未审结|总计|\s)*"
                  r"([\d ]{15,})", text)
    if not m:
        return False
    run = m.group(1).strip()
    keys = [k for row in template.part("四") for k in row.keys()]
    out.update(zip(keys, _cut(run, 15, _sums15, "review/suits", notes), strict=True))
    at = text.rfind("行政复议", 0, m.start())
    for row in template.part("四"):
        rows[row.key] = {"label": row.label, "at": at if at >= 0 else m.start(1),
                         "from": "text", "cells": run}
    return True


def part2(text: str, out: dict, rows: dict, notes: list) -> bool:
    start = text.find("第二十条第")
    if start < 0:
        return False
    if template.part2_2019(text[start:start + 600]):
        notes.append("part 二: the 2019 template's columns (本年新制作/本年新公开/对外公开总数量), "
                     "not read into the 2021 keys")
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
        rows[row.key] = {"label": m.group(0), "at": m.start(), "from": "text", "cells": run}
        found = True
        if row.cells == 1:
            # 行政事业性收费 is in 万元, often to the yuan: 4166.241619 (Pingtan 2025).
            ok = re.fullmatch(r"\d+(?:\.\d+)?", run)
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
