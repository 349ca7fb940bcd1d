"""The audit of a selection of reports as ``gxsearch audit`` and ``/api/audit`` print it:
JSON records with the repeated passages' text, or CSV with Chinese headers."""

from __future__ import annotations

import csv
import io

from gxsearch.audit import all_records
from gxsearch.facets import csv_cell

#: How long a passage's text is in the records (characters as published).
PASSAGE_CHARS = 200

HEADERS = ["报告编号", "标题", "发布机关", "年度", "与上年重复比例", "上年报告", "最长重复段落",
           "相似年报", "及时性", "发布日期", "截止日期", "逾期天数", "依据", "完整性",
           "已有部分", "已有表格", "缺项", "核验"]


def _passage_text(searcher, rid: str, passage: dict) -> str:
    doc = searcher.document(key=f"{rid}#{passage['section_id']}")
    text = (doc or {}).get("text") or ""
    return text[passage["start"]:passage["end"]][:PASSAGE_CHARS]


def records(index, report_ids: list[str]) -> list[dict]:
    """The audit records of ``report_ids`` in that order (the contract of ``gxsearch audit
    --json``), each passage with its ``text``."""
    gen = index.current()
    out = []
    with gen.lock:
        held = all_records(gen)
        for rid in report_ids:
            a = held.get(rid)
            if a is None:
                continue
            passages = [{**p, "text": _passage_text(gen.searcher, rid, p)}
                        for p in a["reuse"]["passages"]]
            out.append({
                "report_id": rid, "title": a["title"], "district": a["district"],
                "year": a["year"],
                "reuse": {"previous_year": a["reuse"]["previous_year"],
                          "previous_report_id": a["reuse"]["previous_report_id"],
                          "passages": passages},
                "duplicates": [dict(d) for d in a["duplicates"]],
                "timeliness": dict(a["timeliness"]),
                "completeness": {k: list(v) if isinstance(v, list) else v
                                 for k, v in a["completeness"].items()},
                "checks_status": a["checks_status"],
            })
    return out


def _percent(share) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def csv_bytes(rows: list[dict]) -> bytes:
    """The records flattened, one row a report, UTF-8 with a BOM."""
    from gxsearch.audit.completeness import STATUS_LABELS as COMPLETE
    from gxsearch.audit.timeliness import STATUS_LABELS as TIMELY

    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(HEADERS)
    for r in rows:
        t, c, used = r["timeliness"], r["completeness"], r["reuse"]
        longest = used["passages"][0]["text"] if used["passages"] else ""
        out.writerow([csv_cell(v) for v in (
            r["report_id"], r["title"], r["district"], r["year"] or "",
            _percent(used["previous_year"]), used["previous_report_id"] or "", longest,
            "; ".join(f"{d['report_id']} {_percent(d['overlap'])}" for d in r["duplicates"]),
            TIMELY[t["status"]], t["published"] or "", t["deadline"] or "",
            "" if t["days_late"] is None else t["days_late"], t["rule"] or "",
            COMPLETE[c["status"]], " ".join(map(str, c["parts"])), " ".join(c["tables"]),
            "; ".join(c["missing"]), r["checks_status"])])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
