"""The template's rows and keys, from ``data/figures.tsv`` (loaded once)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "figures.tsv"
COLUMNS = ("natural", "business", "research", "nonprofit", "legal", "other_org")
GROUP = ("upheld", "corrected", "other", "pending", "total")
ACTIVE3 = ("issued", "repealed", "in_force")


@dataclass(frozen=True)
class Row:
    key: str
    part: str
    cells: int
    label: str
    pattern: re.Pattern
    number: str
    template: str  # "" (both templates), "2019" or "2021"

    def keys(self) -> list[str]:
        """The figure keys of this row, in the order the table prints its cells."""
        if self.part == "三":
            return [f"{self.key}.{c}" for c in COLUMNS] + [self.key]
        if self.part == "四":
            return [f"{self.key}.{g}" for g in GROUP]
        if self.cells == 3:
            return [f"{self.key}.{a}" for a in ACTIVE3]
        return [self.key]


@functools.cache
def rows() -> tuple[Row, ...]:
    out = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, part, cells, label, pattern, number, form = (line.split("\t") + [""] * 7)[:7]
        out.append(Row(key, part, int(cells), label, re.compile(pattern), number, form))
    return tuple(out)


@functools.cache
def part(name: str, form: str = "2021") -> tuple[Row, ...]:
    """The rows of part ``name`` in the template ``form`` ("2019" or "2021"), in order."""
    return tuple(r for r in rows() if r.part == name and r.template in ("", form))


def form_of(text: str) -> str:
    """Which template a report's part 三 follows: the 2021 one splits （六）其他处理 into
    three rows (逾期不补正, 逾期未缴纳费用, 其他); the 2019 trial template has one."""
    if "逾期不补正" in text or "缴纳费用" in text:
        return "2021"
    return "2019" if "(六)其他处理" in text else "2021"


def part2_2019(text: str) -> bool:
    """Whether part 二 has the 2019 trial template's columns (本年新制作数量, 本年新公开数量,
    对外公开总数量; 上一年项目数量, 本年增/减), which are not the 2021 keys' cells."""
    return "本年新制作数量" in text or "上一年项目数量" in text


@functools.cache
def labels() -> dict[str, str]:
    """Figure key → its Chinese label (the CSV's headers)."""
    names = dict(zip(COLUMNS, ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                               "其他组织"), strict=True))
    groups = dict(zip(GROUP, ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"), strict=True))
    active = dict(zip(ACTIVE3, ("本年制发件数", "本年废止件数", "现行有效件数"), strict=True))
    out = {}
    for row in rows():
        for key in row.keys():
            suffix = key[len(row.key) + 1:]
            extra = names.get(suffix) or groups.get(suffix) or active.get(suffix) or ""
            out[key] = f"{row.label}（{extra}）" if extra else row.label
    return out
