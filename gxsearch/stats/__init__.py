"""Statistics: the national template's figures of a report and their checks (勾稽关系).

``report_stats(tables, text)`` reads the figures from the report's tables where the reader
kept them (HTML, DOCX, PDF, Markdown) and else from the flattened text (a CMS page's table
run together, ``一、本年新收政府信息公开申请数量15130000154``), then checks them against the
table's own arithmetic. Keys and labels: ``data/figures.tsv`` (``template.py``). Runs in the
indexer; the record is stored with the report.
"""

from __future__ import annotations

from gxsearch.stats.checks import checks, status
from gxsearch.stats.extract import extract

__all__ = ["checks", "extract", "report_stats", "status"]


def report_stats(tables, text: str) -> dict:
    """``{"figures": {key: number | None}, "notes": [...], "sources": {part: "table" | "text"},
    "checks": [{"rule", "ok", "detail"}], "status": "一致" | "不一致" | "无表格"}``."""
    found = extract(tables, text)
    result = checks(found["figures"])
    return {**found, "checks": result, "status": status(found["figures"], result)}
