"""Published by the legal deadline? From the year reported on, the kind of body and the
published date.

The deadlines are the regulation's (``data/deadlines.tsv``, with the article and its words):
under the 2008 regulation (第三十一条) every body's report by 3月31日; under the 2019
revision (第四十九条), for the reports on 2019 and later, a government department's by
1月31日 and a government's by 3月31日 — of the year after the year reported on. The kind of
body is read from how the issuer's name ends (``data/bodies.tsv``).
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
STATUS_LABELS = {"on_time": "按时", "late": "逾期", "unknown": "日期不明"}


@functools.cache
def _deadlines() -> tuple[tuple, ...]:
    out = []
    for line in (DATA / "deadlines.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, last, kind, due, regulation, article, words = line.split("\t")
            out.append((int(first), int(last) if last else 9999, kind, due, regulation,
                        article, words))
    return tuple(out)


@functools.cache
def _bodies() -> tuple[tuple[str, str], ...]:
    return tuple(tuple(line.split("\t")) for line in
                 (DATA / "bodies.tsv").read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#"))


def kind_of(issuer: str) -> str:
    """``government`` or ``department`` (see ``data/bodies.tsv``)."""
    for ending, kind in _bodies():
        if issuer.endswith(ending):
            return kind
    return "government"


def _published(text: str) -> date | None:
    m = _DATE.match(text or "")
    if not m:
        return None
    try:
        return date(*map(int, m.groups()))
    except ValueError:
        return None


def timeliness(year: int | None, published: str, issuer: str) -> dict:
    """``{"status": "on_time"|"late"|"unknown", "deadline", "published", "days_late", "kind",
    "rule"}``: ``deadline`` and ``published`` as YYYY-MM-DD (None when not known),
    ``days_late`` a whole number of days after the deadline (0 when on time), ``rule`` the
    regulation and article that set the deadline."""
    kind = kind_of(issuer or "")
    out = {"status": "unknown", "deadline": None, "published": None, "days_late": None,
           "kind": kind, "rule": None}
    rule = next((r for r in _deadlines() if year and r[0] <= int(year) <= r[1] and r[2] == kind),
                None)
    if rule is not None:
        month, day = map(int, rule[3].split("-"))
        due = date(int(year) + 1, month, day)
        out.update(deadline=due.isoformat(), rule=f"{rule[4]}{rule[5]}")
    when = _published(published)
    if when is not None:
        out["published"] = when.isoformat()
    if rule is not None and when is not None:
        late = (when - due).days
        out.update(status="late" if late > 0 else "on_time", days_late=max(late, 0))
    return out
