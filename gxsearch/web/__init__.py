"""The browser front end and the JSON/CSV/OpenSearch interfaces, as a Flask application
factory with one blueprint per page family: ``search`` (home, results, CSV, OpenSearch),
``report`` (a report, its original text), ``stats`` (the statistics table, its CSV and JSON)
and ``api`` (JSON).

Each view parses its input (``common.py``: the request limits live there), calls one function
of ``gxsearch.search`` and renders; facet, pagination and export records come from
``gxsearch.facets``. Everything from documents or queries is escaped by Jinja; only HTML that
``search.py`` produced (snippets with <mark>, section bodies) is trusted as ``Markup``. The
WSGI server around it is ``gxsearch.server``.
"""

from __future__ import annotations

from importlib import resources

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from gxsearch.errors import IndexMissing
from gxsearch.web import api, common, report, search, stats

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
                413: "请求太大", 500: "服务器内部错误",
                503: "暂时无法提供服务"}


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config``: ``INDEX_DIR`` (the index directory), ``BASE_URL`` (the
    scheme, host and port absolute links start with; never the request's Host header),
    ``WARM_SECONDS`` and ``ON_WARM`` (see ``search.open_index``), ``EXPORTS`` (CSV exports
    run at once per process; more get a 503)."""
    web = resources.files("gxsearch_web")
    app = Flask(__name__, template_folder=str(web / "templates"),
                static_folder=str(web / "static"), static_url_path="/static")
    app.config.update(INDEX_DIR="index", BASE_URL="http://127.0.0.1:8000", WARM_SECONDS=0,
                      ON_WARM=None, EXPORTS=2, MAX_CONTENT_LENGTH=64 * 1024, DEBUG=False)
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    common.init_app(app)
    for module in (search, report, stats, api):
        app.register_blueprint(module.bp)
    app.before_request(common.check_request)
    app.after_request(security_headers)
    app.context_processor(template_globals)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(IndexMissing, index_unavailable)
    return app


def security_headers(resp: Response) -> Response:
    for key, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(key, value)
    return resp


def template_globals() -> dict:
    # The query box keeps what was asked, cut to what a query may hold: a 64 KB query is
    # answered with a short page, not echoed back.
    if not request or len(request.query_string) > common.MAX_QUERY_STRING:
        return {"q": ""}
    return {"q": request.args.get("q", "")[:common.MAX_QUERY_CHARS]}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def http_error(exc: HTTPException):
    code = exc.code or 500
    message = exc.description if code in (400, 503) else ERROR_TITLES.get(code, exc.name)
    headers = {"Retry-After": "5"} if code == 503 else {}
    if _is_api():
        return jsonify(error=message), code, headers
    title = ERROR_TITLES.get(code, exc.name)
    if code == 400 and "q" not in request.args:  # no query: a request it cannot take
        title = "请求有误"
    return render_template("error.html", code=code, title=title,
                           message=message), code, headers


def index_unavailable(exc: IndexMissing):
    message = f"索引尚未建立或无法打开：{exc}"
    if _is_api():
        return jsonify(error=message), 503
    return render_template("error.html", code=503, title="索引不可用", message=message), 503
