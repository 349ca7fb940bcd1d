"""The audit: what evaluators score, for every report of an index at once — text repeated
from the issuer's previous report (``reuse.py``), near-duplicates among other issuers'
reports (``duplicates.py``), publication by the legal deadline (``timeliness.py``), the
template's parts and tables (``completeness.py``) and the statistics' own checks.

Each report's sentence fingerprint and template parts were made at index time
(``sentences.fingerprint``, stored with the report); what needs the whole collection is
computed here, once per generation, from the stored records. ``compare.py`` sets two
reports side by side.
"""

from __future__ import annotations

from gxsearch.audit import completeness as _completeness
from gxsearch.audit import duplicates, reuse
from gxsearch.audit import timeliness as _timeliness
from gxsearch.audit.sentences import fingerprint

__all__ = ["FIELDS", "all_records", "copied_spans", "facet_values", "fingerprint", "of_report"]

#: The audit's facet fields (derived from these records, not stored in the sections) and
#: their values' order.
FIELDS = {
    "reuse": tuple(label for _top, label in reuse.BANDS) + (reuse.NO_PREVIOUS,),
    "timeliness": tuple(_timeliness.STATUS_LABELS.values()),
    "completeness": tuple(_completeness.STATUS_LABELS.values()),
}


def _base(fields: dict) -> dict:
    meta = fields.get("meta") or {}
    audit = meta.get("audit") or {}
    return {
        "report_id": fields["report_id"], "title": fields.get("title", ""),
        "issuer": meta.get("issuer") or meta.get("district", ""),
        "district": meta.get("district", ""), "year": meta.get("year"),
        "published": meta.get("published", ""),
        "checks_status": (meta.get("stats") or {}).get("status", "无表格"),
        "fp": audit.get("fingerprint") or {"sections": [], "sentences": []},
        "part_numbers": audit.get("parts", []),
        "tables": audit.get("tables", []),
    }


def build(stored: list[dict]) -> dict[str, dict]:
    """Report id → its audit record, from the stored report documents' fields."""
    reports = [_base(f) for f in stored]
    previous = reuse.previous_reports(reports)
    near = duplicates.nearest(reports)
    out = {}
    for r in reports:
        prev = previous.get(r["report_id"])
        if prev is not None:
            found = reuse.compare(r["fp"], prev["fp"])
            used = {"previous_year": found["previous_year"],
                    "previous_report_id": prev["report_id"], "passages": found["passages"],
                    "sentences": found["sentences"]}
        else:
            used = {"previous_year": None, "previous_report_id": None, "passages": [],
                    "sentences": []}
        on_time = _timeliness.timeliness(r["year"], r["published"], r["issuer"])
        complete = _completeness.completeness(r["year"], r["part_numbers"], r["tables"])
        out[r["report_id"]] = {
            "report_id": r["report_id"], "title": r["title"], "district": r["district"],
            "issuer": r["issuer"], "year": r["year"], "reuse": used,
            "duplicates": near[r["report_id"]], "timeliness": on_time,
            "completeness": complete, "checks_status": r["checks_status"],
            "facets": {
                "reuse": reuse.band(used["previous_year"]),
                "timeliness": _timeliness.STATUS_LABELS[on_time["status"]],
                "completeness": _completeness.STATUS_LABELS[complete["status"]],
            },
        }
    return out


def all_records(gen) -> dict[str, dict]:
    """Every report's audit record of a generation (computed once; callers copy before
    changing one). Call holding ``gen.lock``."""
    held = gen.memo.get("audit")
    if held is None:
        searcher = gen.searcher
        held = gen.memo["audit"] = build(
            [searcher.stored_fields(n) for n in searcher.document_numbers(kind="report")])
    return held


def of_report(index, report_id: str) -> dict | None:
    gen = index.current()
    with gen.lock:
        return all_records(gen).get(report_id)


def facet_values(gen, field: str) -> dict[str, str]:
    """Report id → its value of the audit facet ``field``."""
    return {rid: r["facets"][field] for rid, r in all_records(gen).items()}


def copied_spans(index, report_id: str) -> dict[str, list[tuple[int, int, str]]]:
    """Section id → ``(start, end, previous section id)`` of each of its sentences that the
    issuer's previous report also has (offsets into the section's text), for marking them."""
    gen = index.current()
    with gen.lock:
        record = all_records(gen).get(report_id)
        prev_id = record and record["reuse"]["previous_report_id"]
        if not prev_id:
            return {}
        fps = [((gen.searcher.document(kind="report", report_id=rid) or {}).get("meta") or {})
               .get("audit", {}).get("fingerprint") or {"sections": [], "sentences": []}
               for rid in (report_id, prev_id)]
    mine, prev = fps
    where: dict[int, str] = {}
    for h, _n, si, _a, _b in prev["sentences"]:
        where.setdefault(h, prev["sections"][si])
    out: dict[str, list[tuple[int, int, str]]] = {}
    for i in record["reuse"]["sentences"]:
        h, _n, si, a, b = mine["sentences"][i]
        out.setdefault(mine["sections"][si], []).append((a, b, where.get(h, "")))
    return out
