"""The search pages: home, results, the results as CSV, the OpenSearch description."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
)
from markupsafe import Markup

from gxsearch import audit, facets, suggest
from gxsearch import search as api
from gxsearch.errors import BadQuery
from gxsearch.schema import FILTER_ARGS
from gxsearch.web import common

bp = Blueprint("search", __name__)
EXAMPLES = ("依申请公开", '"行政复议"')
CSV_MAX_HITS = 10_000


@bp.get("/")
def home():
    info = api.index_info(common.index())
    # Examples from what the index holds: its busiest year and issuer.
    year = info["years"] and max(info["years"], key=lambda vc: (vc[1], vc[0]))[0]
    district = info["districts"][0][0] if info["districts"] else ""
    examples = list(EXAMPLES[:2]) + ([f"主动公开 year:{year}"] if year else [])
    return render_template(
        "index.html", info=info, built=facets.local_time(info["built"]),
        district_example=f"district:{district}" if district else "",
        examples=[(ex, facets.SearchParams(q=ex).url()) for ex in examples])


def _with_audit(groups: list[dict]) -> list[dict]:
    """Each report card with its share repeated from the previous year and its "more like
    this" link (the report page's 相似的年报)."""
    gen = common.index().current()
    with gen.lock:
        held = audit.all_records(gen)
    for g in groups:
        share = (held.get(g["report_id"]) or {}).get("reuse", {}).get("previous_year")
        g["reuse"] = None if share is None else f"{share * 100:.0f}%"
        g["similar_url"] = g["url"] + "#similar"
    return groups


@bp.get("/search")
def search_page():
    params = common.search_params()
    if params.is_empty():
        return redirect("/")
    try:
        result = common.run_search(params)
    except BadQuery as exc:
        shown = replace(params, q=params.q[:common.MAX_QUERY_CHARS])
        return render_template("search.html", error=str(exc), params=shown), 400
    for hit in [h for r in result["reports"] for h in r["sections"]]:
        hit["snippet_html"] = Markup(hit["snippet"])
        hit["heading_markup"] = Markup(hit.get("heading_html") or "") or hit["heading"]
    better = suggest.did_you_mean(common.index(), params.q) if not result["total"] else ""
    years = [y for y in params.filters.get("year", ()) if "-" in y]
    year_from, _, year_to = (years[-1] if years else "").partition("-")
    return render_template(
        "search.html", params=params, result=result, year_from=year_from, year_to=year_to,
        better=better, better_url=replace(params, q=better, page=1).url() if better else "",
        year_hidden=[(k, v) for k, v in params.items() if k not in ("year", "page")],
        groups=_with_audit(facets.report_groups(result, params)),
        facet_groups=facets.facet_groups(result, params),
        chosen=facets.chosen_filters(result, params),
        sorts=facets.sort_links(params),
        pager=facets.page_links({"pages": result["report_pages"], "page": result["page"]},
                                params),
        csv_url=replace(params, page=1).url("/search.csv"),
        stats_url=facets.stats_url(params),
    )


@bp.get("/search.csv")
def search_csv():
    """The first ``CSV_MAX_HITS`` hits, streamed. At most ``EXPORTS`` run at once in a
    process; another is a 503 with Retry-After, so that exports never hold every thread."""
    params = common.search_params()
    if params.is_empty():
        abort(400, description="缺少检索词或筛选条件")
    slots = current_app.extensions["gxsearch.exports"]
    if not slots.acquire(blocking=False):
        abort(503, description="导出任务繁忙，请稍后重试")
    try:
        rows = api.export(
            common.index(), params.q, sort=params.sort, limit=CSV_MAX_HITS,
            **{arg: params.filters.get(field, ()) for field, arg in FILTER_ARGS.items()})
    except BadQuery as exc:
        slots.release()
        abort(400, description=str(exc))
    except BaseException:
        slots.release()
        raise

    # The slot is given back once: when the last line is out, when the client goes away
    # mid-download, or when the response is closed unread (HEAD). No request context is
    # needed while streaming: the rows come from the library.
    held = [True]

    def release():
        if held:
            held.clear()
            slots.release()

    by_report = request.args.get("by") == "report"
    base = common.base_url()

    def body():
        try:
            yield from facets.csv_lines(rows, base, by_report)
        finally:
            release()

    ascii_name, name = facets.csv_filename(params.q, facets.today(), by_report)
    disposition = (f'attachment; filename="{ascii_name}"; '
                   f"filename*=UTF-8''{quote(name, safe='')}")
    resp = Response(body(), mimetype="text/csv", headers={"Content-Disposition": disposition})
    resp.call_on_close(release)
    return resp


@bp.get("/suggest")
def suggestions():
    """OpenSearch suggestions: ``[typed, [completions], [descriptions], [urls]]``."""
    typed = request.args.get("q", "")[:common.MAX_QUERY_CHARS]
    found = suggest.suggest(common.index(), typed)
    kinds = {"issuer": "发布机关", "word": "词语"}
    base = common.base_url()
    return jsonify([typed, [s["text"] for s in found],
                    [f"{kinds[s['kind']]} · {s['count']}" for s in found],
                    [base + facets.SearchParams(q=s["text"]).url() for s in found]])


@bp.get("/opensearch.xml")
def opensearch():
    xml = render_template("opensearch.xml", root=common.base_url())
    return Response(xml, mimetype="application/opensearchdescription+xml")
