"""The report pages: a cleaned report with its contents and the query marked, and the text
as published."""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request
from markupsafe import Markup

from gxsearch import facets
from gxsearch.web import common

bp = Blueprint("report", __name__)
SAFE_URL_RE = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


@bp.get("/report/<report_id>")
def report_page(report_id: str):
    q = request.args.get("q", "").strip()[:common.MAX_QUERY_CHARS]
    report = common.load_report(report_id, q)
    for sec in report["sections"]:
        sec["body_html"] = Markup(sec["html"])
        sec["heading_markup"] = Markup(sec.get("heading_html") or "") or sec["heading"]
    # Only web links are linked: a planted javascript: or data: URL stays plain text.
    report["safe_url"] = report["url"] if SAFE_URL_RE.match(report["url"] or "") else ""
    back = facets.SearchParams(q=q).url() if q else ""
    return render_template("report.html", report=report, back_url=back)


@bp.get("/report/<report_id>/original")
def original_page(report_id: str):
    return render_template("original.html", report=common.load_report(report_id))
