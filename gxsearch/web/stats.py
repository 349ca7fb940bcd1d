"""The statistics pages: ``/stats`` (the reports the filters choose × their main figures and
the audit's columns, sortable, with totals, the 核验 and audit facets and the trend charts),
``/stats.csv`` and ``/api/stats`` (the record of ``gxsearch stats --json``), ``/audit.csv``
and ``/api/audit`` (``gxsearch audit``) for the same selection."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request

from gxsearch import charts, facets, figures
from gxsearch.audit import export
from gxsearch.errors import BadQuery
from gxsearch.web import common

bp = Blueprint("stats", __name__)
KEYS = {k for k, _ in figures.MAIN} | {"reuse"}  # the sortable columns
PER_PAGE = 100  # rows of the table a page shows; the totals are over every row


def _selection():
    """``(params, reports)`` of this request: the search page's filters and query."""
    params = common.search_params()
    try:
        reports = figures.select(
            common.index(), query=params.q,
            **{arg: params.filters.get(field, ()) for field, arg in figures.FILTERS.items()})
    except BadQuery as exc:
        abort(400, description=str(exc))
    return params, reports


@bp.get("/stats")
def stats_page():
    params, reports = _selection()
    sort = request.args.get("sort", "")
    sort = sort if sort in KEYS else ""
    descending = request.args.get("order") == "desc"
    table = figures.table(reports, sort, descending)
    pager = facets.stats_pages(params, len(table["rows"]), PER_PAGE, sort, descending)
    shown = table["rows"][pager["first"] - 1:pager["last"]]
    counts = figures.facets(common.index(), {f: params.filters.get(f, ())
                                             for f in figures.FILTERS}, params.q)
    groups = facets.facet_groups({"facets": counts}, params, path="/stats")
    groups.sort(key=lambda g: list(figures.FILTERS).index(g.name))
    trend = charts.trends(reports)
    return render_template(
        "stats.html", params=params, table=table, rows=shown, pager=pager,
        columns=facets.stats_columns(params, table["columns"], sort, descending),
        reuse_column=facets.stats_columns(params, [{"key": "reuse", "label": "与上年重复"}],
                                          sort, descending)[0],
        facet_groups=groups, chosen=facets.chosen_filters({}, params, path="/stats"),
        charts=trend, legend=charts.legend(), compare=charts.side_by_side(trend),
        csv_url=facets.stats_url(params, "/stats.csv", sort, descending),
        json_url=facets.stats_url(params, "/api/stats"),
        audit_csv_url=facets.stats_url(params, "/audit.csv"),
        audit_json_url=facets.stats_url(params, "/api/audit"),
        search_url=params.url() if not params.is_empty() else "",
        year_url=facets.stats_url(params, descending=not sort and not descending),
        year_sorted="" if sort else ("descending" if descending else "ascending"),
        checked=figures.status_counts(reports))


@bp.get("/stats.csv")
def stats_csv():
    params, reports = _selection()
    sort = request.args.get("sort", "")
    rows = figures.table(reports, sort if sort in KEYS else "",
                         request.args.get("order") == "desc")["rows"]
    name = f"gxsearch-stats-{facets.today()}.csv"
    return Response(figures.csv_bytes(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/api/stats")
def stats_json():
    _, reports = _selection()
    return jsonify({"reports": reports})


def _audit_rows() -> list[dict]:
    """The audit records of this request's selection (``gxsearch audit``'s)."""
    _, reports = _selection()
    return export.records(common.index(), [r["report_id"] for r in reports])


@bp.get("/api/audit")
def audit_json():
    """The audit of the same selection: the record of ``gxsearch audit --json``."""
    return jsonify({"reports": _audit_rows()})


@bp.get("/audit.csv")
def audit_csv():
    rows = _audit_rows()
    name = f"gxsearch-audit-{facets.today()}.csv"
    return Response(export.csv_bytes(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
