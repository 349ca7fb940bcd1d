"""The JSON API: ``/api/search`` (the record of ``gxsearch search --json``) and
``/api/reports/<id>`` (``/api/stats`` is the stats blueprint's). Errors are
``{"error": …}`` with their status."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from gxsearch import facets, figures
from gxsearch.errors import BadQuery
from gxsearch.schema import FACET_FIELDS
from gxsearch.web import common

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("")
def api_page():
    """What every endpoint takes and returns (the README's contract, for the browser)."""
    return render_template(
        "api.html", filters=FACET_FIELDS, hit_keys=", ".join(facets.HIT_KEYS),
        csv_headers="、".join(header for _, header in facets.CSV_COLUMNS))


@bp.get("/search")
def search():
    params = common.search_params()
    if params.is_empty():
        return jsonify(error="缺少检索词或筛选条件（参数 q）"), 400
    per_page = common.per_page()
    try:
        # per_page=0: the total and the facets without hits (the library's 0 means all).
        result = common.run_search(params, per_page=per_page or 1)
    except BadQuery as exc:
        return jsonify(error=str(exc)), 400
    if not per_page:
        result["hits"] = result["reports"] = []
    return jsonify(facets.json_record(result))


@bp.get("/reports/<report_id>")
def report(report_id: str):
    found = common.load_report(report_id, request.args.get("q", "").strip())
    keys = ("report_id", "title", "district", "issuer", "province", "prefecture", "county",
            "place", "year", "published", "url", "source", "format", "pages", "tables")
    sections = [{k: s.get(k) for k in ("id", "level", "heading", "path", "text")}
                for s in found["sections"]]
    # The statistics as /api/stats gives them (checks across years included), with where
    # each row and stated figure stands (``rows``, ``stated``: section ids).
    record = figures.of_report(common.index(), found["report_id"]) or {}
    stats = {k: record.get(k) for k in ("template", "status", "across", "figures", "checks")}
    stats.update({k: found["stats"].get(k) for k in ("rows", "stated", "notes")})
    return jsonify({**{k: found.get(k) for k in keys}, "stats": stats, "sections": sections})
