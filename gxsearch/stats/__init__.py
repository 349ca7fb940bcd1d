"""Statistics: the national template's figures of a report and their checks (勾稽关系).

``report_stats(tables, text, sections)`` reads the figures from the report's tables where
the reader kept them (HTML, DOCX, PDF, Markdown; ``extract.py``) and else from the flattened
text (``flat.py``: a CMS page's table run together, ``一、本年新收政府信息公开申请数量
15130000154``), the figures its sentences state (``sentences.py``), and checks them against
the table's own arithmetic and each other (``checks.py``). Keys and labels:
``data/figures.tsv`` (``template.py``). Runs in the indexer; the record is stored with the
report.
"""

from __future__ import annotations

from gxsearch.stats.checks import across_years, checks, status
from gxsearch.stats.extract import extract
from gxsearch.stats.sentences import stated

__all__ = ["across_years", "checks", "extract", "report_stats", "stated", "status"]


def _section_at(spans, at) -> str:
    """The id of the section holding offset ``at`` (``spans``: ``(id, start, end)`` in
    document order), "" when none does."""
    if at is None:
        return ""
    for sid, start, end in spans:
        if start <= at < end:
            return sid
    return ""


def report_stats(tables, text: str, sections=()) -> dict:
    """``{"template": "2019" | "2021" | None, "figures": {key: number | None}, "rows": {row
    key: {"label", "at", "from", "cells", "section"}}, "stated": {key: {"value", "at",
    "sentence", "section"}}, "notes", "sources": {part: "table" | "text"}, "checks": [{"rule",
    "ok", "detail"}], "status": "一致" | "不一致" | "无表格"}``. ``text`` is the cleaned
    (folded) text; ``sections``, ``(id, start, end)`` spans in it, give each row and
    sentence the section it stands in."""
    found = extract(tables, text)
    said = stated(text)
    for record in (*found["rows"].values(), *said.values()):
        record["section"] = _section_at(sections, record["at"])
    result = checks(found["figures"], said)
    return {**found, "stated": said, "checks": result,
            "status": status(found["figures"], result)}
