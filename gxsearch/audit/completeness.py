"""Are the template's six parts and three tables there? For the reports on 2019 and later
(the 2019 trial template and the 2021 one both have six parts and the tables of parts 二,
三 and 四).

A part is present when a level-1 heading (its numbering stripped) matches the part's pattern
(``data/parts.tsv``); a table is present when the statistics read any row of it, from a
table or from the flattened text (``stats``' ``rows``), or part 二 has the 2019 trial
template's columns.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from gxsearch.clean import match_form
from gxsearch.stats.template import part2_2019
from gxsearch.stats.template import rows as template_rows

DATA = Path(__file__).resolve().parent.parent / "data" / "parts.tsv"
FIRST_YEAR = 2019
TABLES = {"二": "主动公开政府信息情况", "三": "收到和处理政府信息公开申请情况",
          "四": "政府信息公开行政复议、行政诉讼情况"}
STATUS_LABELS = {"complete": "齐全", "incomplete": "缺项", "not_applicable": "非模板"}
#: A heading's numbering (一、 (二) 3. …), stripped before its words are matched.
NUMBERING = re.compile(r"^[\s(（]*[一二三四五六七八九十0-9]+[)）、.．,，\s]*")


@functools.cache
def parts() -> tuple[tuple[int, str, re.Pattern], ...]:
    out = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            number, name, pattern = line.split("\t")
            out.append((int(number), name, re.compile(pattern)))
    return tuple(out)


def present_parts(headings) -> list[int]:
    """The template part numbers that ``headings`` (of level-1 sections) hold."""
    found = set()
    for heading in headings:
        text = NUMBERING.sub("", match_form(heading)).strip()
        found |= {n for n, _name, pattern in parts() if pattern.search(text)}
    return sorted(found)


@functools.cache
def _part_of_key() -> dict[str, str]:
    return {r.key: r.part for r in template_rows()}


def present_tables(stats_rows: dict, text: str) -> list[str]:
    """The template tables (二, 三, 四) a report has: those of which the statistics read a
    row, and part 二 in the 2019 trial template's columns, which the statistics do not read
    (``template.part2_2019``)."""
    of = _part_of_key()
    found = {of[k] for k in stats_rows or {} if k in of}
    if part2_2019(text):
        found.add("二")
    return sorted(found, key=list(TABLES).index)


def completeness(year: int | None, part_numbers: list[int], tables: list[str]) -> dict:
    """``{"status": "complete"|"incomplete"|"not_applicable", "parts": [numbers],
    "tables": [二|三|四], "missing": [what is missing, in words]}``."""
    out = {"status": "not_applicable", "parts": list(part_numbers), "tables": tables,
           "missing": []}
    if not year or int(year) < FIRST_YEAR:
        return out
    missing = [f"第{'一二三四五六'[n - 1]}部分：{name}" for n, name, _p in parts()
               if n not in part_numbers]
    missing += [f"表格：{name}" for t, name in TABLES.items() if t not in tables]
    out.update(status="incomplete" if missing else "complete", missing=missing)
    return out
