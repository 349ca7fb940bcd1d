"""The report pages: a cleaned report with its contents and the query marked, and the text
as published."""

from __future__ import annotations

import itertools
import re

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from gxsearch import audit, facets, figures
from gxsearch import search as api
from gxsearch.audit.compare import compare
from gxsearch.stats.checks import describe
from gxsearch.stats.tables import tables
from gxsearch.web import common

bp = Blueprint("report", __name__)
SAFE_URL_RE = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
MARK_RE = re.compile(r"<mark>")


@bp.get("/report/<report_id>")
def report_page(report_id: str):
    # The search this page was reached from (query, filters, sort, page): the query is
    # marked, and every link back or to the original carries it.
    params = facets.parse_params(request.args)
    q = params.q[:common.MAX_QUERY_CHARS]
    rid = common.valid_report_id(report_id)
    # The audit (what evaluators score): sentences repeated from the issuer's previous
    # report are marked, each linking to where it stands there.
    audited = audit.of_report(common.index(), rid)
    prev = audited["reuse"]["previous_report_id"] if audited else None
    spans = audit.copied_spans(common.index(), rid) if prev else {}
    marked = {sid: [(a, b, f"/report/{prev}#{ps}" if ps else "") for a, b, ps in found]
              for sid, found in spans.items()}
    report = common.load_report(report_id, q, marked)
    # Search within the report: every mark numbered (m1, m2, … in reading order, for the
    # next/previous links and the n/p keys of app.js), and counted per section.
    marks = itertools.count(1)

    def number(html: str) -> str:
        return MARK_RE.sub(lambda _: f'<mark id="m{next(marks)}">', html)

    for sec in report["sections"]:
        heading = number(sec.get("heading_html") or "")
        body = number(sec["html"])
        sec["matches"] = heading.count("<mark ") + body.count("<mark ")
        sec["body_html"] = Markup(body)
        sec["heading_markup"] = Markup(heading) or sec["heading"]
    report["matches"] = next(marks) - 1
    # Only a web address is cited: a planted javascript: or data: URL is left out.
    cited = {**report, "url": report["url"] if SAFE_URL_RE.match(report["url"] or "") else ""}
    for sec in report["sections"]:
        sec["citation"] = facets.citation(cited, sec, common.base_url())
    for sec in report["sections"]:  # a contents entry counts its subsections' matches too
        sec["matches_below"] = sum(s["matches"] for s in report["sections"]
                                   if s["id"] == sec["id"] or s["id"].startswith(sec["id"] + "-"))
    # Only web links are linked: a planted javascript: or data: URL stays plain text.
    report["safe_url"] = report["url"] if SAFE_URL_RE.match(report["url"] or "") else ""
    back = params.url() if not params.is_empty() else ""
    report["original_url"] = facets.context_link(f"/report/{report_id}/original", params)
    for sec in report["sections"]:
        sec["original_url"] = facets.context_link(f"/report/{report_id}/original", params,
                                                  [("from", sec["id"])])
    # The checks across years (against the issuer's report of the year before) need the
    # collection: they come from figures.py's record, with the report's own.
    record = figures.of_report(common.index(), report_id) or {}
    checks = record.get("checks") or report["stats"].get("checks", [])
    stats = {"status": record.get("status", "无表格"), "across": record.get("across"),
             "template": report["stats"].get("template"),
             "failed": [{**c, "label": describe(c["rule"])} for c in checks if not c["ok"]],
             "held": sum(c["ok"] for c in checks),
             "stated": [{"key": k, **v, "href": f"#{v['section']}" if v.get("section") else ""}
                        for k, v in (report["stats"].get("stated") or {}).items()],
             "notes": report["stats"].get("notes", []),
             "tables": tables(report["stats"], checks)}
    return render_template("report.html", report=report, back_url=back, stats=stats,
                           params=params, audit=_audit_view(audited, report))


def _audit_view(record: dict | None, report: dict) -> dict | None:
    """The report page's 评估 section, as records: the share repeated from the previous
    year with its passages, the nearest other reports, timeliness, completeness."""
    if record is None:
        return None
    headings = {s["id"]: s["heading"] or "正文开头" for s in report["sections"]}
    used = record["reuse"]
    prev = used["previous_report_id"]
    texts = {s["id"]: s["text"] for s in report["sections"]}
    passages = [{**p, "text": texts.get(p["section_id"], "")[p["start"]:p["end"]],
                 "heading": headings.get(p["section_id"], ""),
                 "previous_url": f"/report/{prev}#{p['previous_section_id']}"}
                for p in used["passages"]]
    gen = common.index().current()
    with gen.lock:  # the titles of the reports it names
        audited = audit.all_records(gen)

    def title(rid: str) -> str:
        return (audited.get(rid) or {}).get("title") or rid

    near = [{**d, "title": title(d["report_id"]),
             "percent": f"{d['overlap'] * 100:.0f}%",
             "compare_url": f"/compare?a={d['report_id']}&b={record['report_id']}"}
            for d in record["duplicates"]]
    share = used["previous_year"]
    return {
        "share": None if share is None else f"{share * 100:.1f}%",
        "band": record["facets"]["reuse"],
        "previous": {"report_id": prev, "title": title(prev)} if prev else None,
        "compare_url": f"/compare?a={prev}&b={record['report_id']}" if prev else "",
        "passages": passages, "nearest": near, "timeliness": record["timeliness"],
        "timely": record["facets"]["timeliness"], "completeness": record["completeness"],
        "complete": record["facets"]["completeness"],
    }


@bp.get("/report/<report_id>/original")
def original_page(report_id: str):
    """The text as published, the query marked; back to the cleaned report at the section it
    was opened from (``from``), with the same search."""
    params = facets.parse_params(request.args)
    report = common.load_report(report_id)
    section = request.args.get("from", "")
    anchor = f"#{section}" if re.fullmatch(r"s[0-9-]{1,40}", section) else ""
    return render_template(
        "original.html", report=report,
        original_html=Markup(api.highlight_html(report["original"], params.q)),
        back_url=facets.context_link(f"/report/{report_id}{anchor}", params),
        results_url=params.url() if not params.is_empty() else "")


@bp.get("/compare")
def compare_page():
    """Two reports side by side (``audit.compare``): ``a`` the earlier, ``b`` the later."""
    ids = [request.args.get(k, "").strip() for k in ("a", "b")]
    if not all(ids):
        abort(400, description="对比需要两份年报：/compare?a=<年报编号>&b=<年报编号>")
    a, b = (common.load_report(i) for i in ids)
    result = compare(a, b)
    for row in result["sections"]:
        row["heading"] = row["heading_b"] or row["heading_a"] or "正文开头"
    shares = {}
    record = audit.of_report(common.index(), b["report_id"])
    if record and record["reuse"]["previous_report_id"] == a["report_id"]:
        shares["reuse"] = f"{record['reuse']['previous_year'] * 100:.1f}%"
    return render_template("compare.html", a=a, b=b, result=result, **shares,
                           swap_url=f"/compare?a={b['report_id']}&b={a['report_id']}")
