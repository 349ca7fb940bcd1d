"""The browser front end and JSON/CSV/OpenSearch interfaces, as a Flask application factory.

Each view parses its input, calls one function of ``gxsearch.search`` and renders; facet,
pagination and export records come from ``gxsearch.facets``. Everything from documents or
queries is escaped by Jinja; only HTML that ``search.py`` produced (snippets with <mark>,
section bodies) is trusted as ``Markup``.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import re
import signal
import sys
import threading
import time
from dataclasses import replace
from importlib import resources

from flask import Flask, Response, abort, jsonify, redirect, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from gxsearch import facets
from gxsearch import search as api
from gxsearch.errors import BadQuery, IndexMissing, NotFound

REPORT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
SAFE_URL_RE = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
CSV_MAX_HITS = 10_000
API_MAX_PER_PAGE = 100
EXAMPLES = ("依申请公开", '"行政复议"', "主动公开 year:2018")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
ERROR_TITLES = {400: "检索式有误", 404: "页面不存在", 405: "不支持的请求方法",
                413: "请求太大", 500: "服务器内部错误", 503: "索引不可用"}


def _web_dir():
    return resources.files("gxsearch_web")


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config["INDEX_DIR"]`` names the index directory."""
    web = _web_dir()
    app = Flask(__name__, template_folder=str(web / "templates"),
                static_folder=str(web / "static"), static_url_path="/static")
    app.config.update(INDEX_DIR="index", WARM_SECONDS=0, ON_WARM=None,
                      MAX_CONTENT_LENGTH=64 * 1024, DEBUG=False)
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    lock = threading.Lock()

    def index():
        """The one Index of this app, opened on first use (a missing index is retried)."""
        ix = app.extensions.get("gxsearch.index")
        if ix is None:
            with lock:
                ix = app.extensions.get("gxsearch.index")
                if ix is None:
                    ix = api.open_index(app.config["INDEX_DIR"],
                                        warm_seconds=app.config["WARM_SECONDS"],
                                        on_warm=app.config["ON_WARM"])
                    app.extensions["gxsearch.index"] = ix
        return ix

    def is_api() -> bool:
        return request.path.startswith("/api/")

    def run_search(params: facets.SearchParams, page=None, per_page=10):
        return api.search(
            index(), params.q,
            districts=params.filters.get("district", ()), years=params.filters.get("year", ()),
            topics=params.filters.get("topic", ()),
            provinces=params.filters.get("province", ()),
            sort=params.sort, page=page or params.page, per_page=per_page)

    def valid_report_id(report_id: str) -> str:
        # Checked before it reaches the index: nothing path-like ever gets through.
        if not REPORT_ID_RE.match(report_id):
            abort(404)
        return report_id

    @app.after_request
    def security_headers(resp: Response) -> Response:
        for key, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(key, value)
        return resp

    @app.context_processor
    def globals_():
        return {"q": request.args.get("q", "") if request else ""}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        message = exc.description if code == 400 else ERROR_TITLES.get(code, exc.name)
        if is_api():
            return jsonify(error=message), code
        return render_template("error.html", code=code, title=ERROR_TITLES.get(code, exc.name),
                               message=message), code

    @app.errorhandler(IndexMissing)
    def index_missing(exc: IndexMissing):
        message = f"索引尚未建立或无法打开：{exc}"
        if is_api():
            return jsonify(error=message), 503
        return render_template("error.html", code=503, title=ERROR_TITLES[503],
                               message=message), 503

    @app.get("/")
    def home():
        return render_template("index.html", info=api.index_info(index()),
                               examples=[(ex, facets.SearchParams(q=ex).url())
                                         for ex in EXAMPLES])

    @app.get("/search")
    def search_page():
        params = facets.parse_params(request.args)
        if params.is_empty():
            return redirect("/")
        try:
            result = run_search(params)
        except BadQuery as exc:
            return render_template("search.html", error=str(exc), params=params), 400
        for hit in result["hits"]:
            hit["snippet_html"] = Markup(hit["snippet"])
            hit["heading_markup"] = Markup(hit.get("heading_html") or "") or hit["heading"]
        return render_template(
            "search.html", params=params, result=result,
            groups=facets.group_hits(result["hits"], params.q),
            facet_groups=facets.facet_groups(result, params),
            chosen=facets.chosen_filters(result, params),
            sorts=facets.sort_links(params), pager=facets.page_links(result, params),
            csv_url=replace(params, page=1).url("/search.csv"),
        )

    @app.get("/api/search")
    def api_search():
        params = facets.parse_params(request.args)
        if params.is_empty():
            return jsonify(error="缺少检索词或筛选条件（参数 q）"), 400
        per_page = request.args.get("per_page", "10")
        # isascii(): str.isdigit() also accepts digits like "²" that int() rejects.
        per_page = (max(1, min(int(per_page), API_MAX_PER_PAGE))
                    if per_page.isascii() and per_page.isdigit() else 10)
        try:
            result = run_search(params, per_page=per_page)
        except BadQuery as exc:
            return jsonify(error=str(exc)), 400
        return jsonify(facets.json_record(result))

    @app.get("/search.csv")
    def search_csv():
        params = facets.parse_params(request.args)
        if params.is_empty():
            abort(400, description="缺少检索词或筛选条件")
        try:
            result = run_search(params, page=1, per_page=CSV_MAX_HITS)
        except BadQuery as exc:
            abort(400, description=str(exc))
        return Response(facets.csv_text(result["hits"]), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="gxsearch.csv"'})

    def load_report(report_id: str, query: str = ""):
        try:
            return api.get_report(index(), valid_report_id(report_id), query=query)
        except NotFound:
            abort(404)
        except BadQuery:
            # A query that cannot be parsed only loses its highlighting here.
            return load_report(report_id)

    @app.get("/report/<report_id>")
    def report_page(report_id: str):
        q = request.args.get("q", "").strip()
        report = load_report(report_id, q)
        for sec in report["sections"]:
            sec["body_html"] = Markup(sec["html"])
            sec["heading_markup"] = Markup(sec.get("heading_html") or "") or sec["heading"]
        # Only web links are linked: a planted javascript: or data: URL stays plain text.
        report["safe_url"] = report["url"] if SAFE_URL_RE.match(report["url"] or "") else ""
        back = facets.SearchParams(q=q).url() if q else ""
        return render_template("report.html", report=report, back_url=back)

    @app.get("/report/<report_id>/original")
    def original_page(report_id: str):
        return render_template("original.html", report=load_report(report_id))

    @app.get("/api/reports/<report_id>")
    def api_report(report_id: str):
        report = load_report(report_id, request.args.get("q", "").strip())
        keys = ("report_id", "title", "district", "province", "year", "published", "url",
                "source")
        sections = [{k: s.get(k) for k in ("id", "level", "heading", "path", "text")}
                    for s in report["sections"]]
        return jsonify({**{k: report.get(k) for k in keys}, "sections": sections})

    @app.get("/opensearch.xml")
    def opensearch():
        xml = render_template("opensearch.xml", root=request.url_root.rstrip("/"))
        return Response(xml, mimetype="application/opensearchdescription+xml")

    return app


def serve(index_dir: str, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
          workers: int = 1, warm_seconds: float = 300) -> None:
    """Serve the app with waitress (production WSGI server; Flask's debug server is never used).

    ``workers`` > 1 forks that many processes that accept from one listening socket: queries
    are CPU-bound Python, so threads share one core (the GIL) and processes use them all. Each
    process opens the index itself and follows rebuilds on its own (see ``warm_seconds`` in
    ``search.open_index``); a worker that dies is replaced.
    """
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Bound here, before anything is announced: a port in use is an OSError for the caller.
    sock = socket.create_server((host, port), family=family, backlog=1024)
    print(f"gxsearch: serving {index_dir} on http://{host}:{port}/"
          + (f" with {workers} worker processes" if workers > 1 else ""), flush=True)
    if workers <= 1 or not hasattr(os, "fork"):
        try:
            _serve_app(index_dir, threads, warm_seconds, sockets=[sock])
        finally:
            sock.close()
        return
    children: dict[int, float] = {}  # pid → start time

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            while len(children) < workers:
                pid = os.fork()
                if pid == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    code = 1
                    try:
                        _serve_app(index_dir, threads, warm_seconds, sockets=[sock])
                        code = 0
                    except KeyboardInterrupt:
                        code = 0
                    finally:
                        os._exit(code)
                children[pid] = time.monotonic()
            pid, status = os.wait()
            if pid in children:
                lived = time.monotonic() - children.pop(pid)
                print(f"gxsearch: worker {pid} exited ({status}); starting another",
                      file=sys.stderr, flush=True)
                if lived < 2:
                    time.sleep(1)  # a worker that cannot start must not become a fork loop
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        sock.close()


def _serve_app(index_dir: str, threads: int, warm_seconds: float, **listen) -> None:
    import waitress

    app = create_app({"INDEX_DIR": str(index_dir), "WARM_SECONDS": warm_seconds,
                      "ON_WARM": _freeze})
    # Open the index, load jieba's dictionary (~0.5 s) and the facet sets now, not during the
    # first person's search.
    app.test_client().get("/api/search", query_string={"q": "政府信息公开"})
    _freeze()
    # waitress warns of every request that waits for a thread: under load, a line a request.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(app, threads=threads, ident="gxsearch", **listen)


def _freeze() -> None:
    # What a warm-up loaded lives as long as its generation: the arrays are nothing for the
    # collector to walk, but the columns' term lists and lookups are (~590k terms a segment
    # on a 10,000-report index); frozen out of its sight, a full collection no longer walks
    # them, a stall for every request in flight. A replaced generation is still freed: it
    # holds no reference cycle, so its last reference going frees it, frozen or not.
    gc.collect()
    gc.freeze()
