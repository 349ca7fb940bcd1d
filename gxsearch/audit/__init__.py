"""The audit: what evaluators score, for every report of an index at once — text repeated
from the issuer's previous report (``reuse.py``), near-duplicates among other issuers'
reports (``duplicates.py``), publication by the legal deadline (``timeliness.py``), the
template's parts and tables (``completeness.py``) and the statistics' own checks.

Each report's sentence fingerprint and template parts were made at index time
(``sentences.fingerprint``, stored with the report); what needs the whole collection is
computed here from the stored records, once per build: the indexer writes the records to
the generation (``FILE``), which serving reads. ``compare.py`` sets two
reports side by side.
"""

from __future__ import annotations

import json

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


def build_from(reports: list[dict], near: dict[str, list[dict]]) -> dict[str, dict]:
    """Report id → its audit record, from the reports' base records (``_base``) and their
    near-duplicates."""
    previous = reuse.previous_reports(reports)
    out = {}
    for r in reports:
        prev = previous.get(r["report_id"])
        if prev is not None:
            found = reuse.compare(r["fp"], prev["fp"])
            used = {"previous_year": found["previous_year"],
                    "previous_report_id": prev["report_id"], "passages": found["passages"]}
        else:
            used = {"previous_year": None, "previous_report_id": None, "passages": []}
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


#: The file of a generation that holds its audit records, written by the indexer.
FILE = "audit.json"


def of_searcher(searcher) -> dict[str, dict]:
    """The audit records of every report a Whoosh searcher holds (what the indexer writes to
    ``FILE``: made once per build, since it reads every report's stored record)."""
    # One stored record at a time: only its base (the fingerprint, not the text) is kept.
    reports = [_base(searcher.stored_fields(n))
               for n in searcher.document_numbers(kind="report")]
    return build_from(reports, duplicates.nearest(reports))


def all_records(gen) -> dict[str, dict]:
    """Every report's audit record of a generation: read from its ``FILE``, or computed
    where an index has none (once; callers copy before changing one). Call holding
    ``gen.lock``."""
    held = gen.memo.get("audit")
    if held is None:
        path = gen.path / FILE
        if path.exists():
            held = json.loads(path.read_text(encoding="utf-8"))
        else:
            held = of_searcher(gen.searcher)
        gen.memo["audit"] = held
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
    out: dict[str, list[tuple[int, int, str]]] = {}
    for i, there in reuse.compare(mine, prev)["sentences"]:
        _h, _n, si, a, b = mine["sentences"][i]
        out.setdefault(mine["sections"][si], []).append((a, b, there))
    return out
