"""What the views share: the open index, the request limits, and parsing a search request.

Limits (a 400 that says which one, before any work is done):

* the query string: at most ``MAX_QUERY_STRING`` bytes (a 1,000-character Chinese query is
  about 9,000 bytes percent-encoded);
* each filter (``district``, ``year``, ``topic``, ``province``): at most ``MAX_FILTER_VALUES``
  values. A results page links every facet value with all the chosen filters, so its size
  grows with their product; these bounds keep it small (measured by ``bench/hostile.py``);
* ``per_page`` of the API: a whole number from 0 (counts and facets, no hits) to 100.
"""

from __future__ import annotations

import re
import threading

from flask import abort, current_app, request

from gxsearch import facets
from gxsearch import search as api
from gxsearch.errors import BadQuery, NotFound
from gxsearch.query import MAX_QUERY_CHARS  # noqa: F401  (the views cut queries to it)
from gxsearch.schema import FILTER_ARGS

MAX_QUERY_STRING = 16 * 1024
MAX_FILTER_VALUES = 50
API_MAX_PER_PAGE = 100
REPORT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def init_app(app) -> None:
    app.extensions["gxsearch.lock"] = threading.Lock()
    # CSV exports running at once in this process; more are turned away (503) rather than
    # queued, so that they never hold every thread while searches wait.
    app.extensions["gxsearch.exports"] = threading.BoundedSemaphore(app.config["EXPORTS"])


def index():
    """The one Index of this app, opened on first use (a missing index is retried)."""
    app = current_app
    ix = app.extensions.get("gxsearch.index")
    if ix is None:
        with app.extensions["gxsearch.lock"]:
            ix = app.extensions.get("gxsearch.index")
            if ix is None:
                ix = api.open_index(app.config["INDEX_DIR"],
                                    warm_seconds=app.config["WARM_SECONDS"],
                                    on_warm=app.config["ON_WARM"])
                app.extensions["gxsearch.index"] = ix
    return ix


def base_url() -> str:
    """Where absolute links point: the configured base URL, never the Host header."""
    return current_app.config["BASE_URL"].rstrip("/")


def check_request() -> None:
    """Refuse an oversized query string before any view runs (``before_request``)."""
    size = len(request.query_string)
    if size > MAX_QUERY_STRING:
        abort(400, description=f"请求参数太长（{size} 字节），上限 {MAX_QUERY_STRING} 字节")


def search_params() -> facets.SearchParams:
    """The search request's parameters; a 400 when a filter has too many values."""
    params = facets.parse_params(request.args)
    for name, values in params.filters.items():
        if len(values) > MAX_FILTER_VALUES:
            abort(400, description=f"筛选条件 {name} 最多 {MAX_FILTER_VALUES} 个取值（收到 "
                                   f"{len(values)} 个）")
    return params


def per_page(default: int = 10) -> int:
    """The API's ``per_page``: 0 to 100; anything else is a 400."""
    value = request.args.get("per_page")
    if value is None:
        return default
    # isascii(): str.isdigit() also accepts digits like "²" that int() rejects.
    if not (value.isascii() and value.isdigit()) or int(value) > API_MAX_PER_PAGE:
        abort(400, description=f"per_page 须为 0 到 {API_MAX_PER_PAGE} 的整数"
                               f"（收到 {value[:20]!r}）")
    return int(value)


def run_search(params: facets.SearchParams, page=None, per_page=10):
    return api.search(
        index(), params.q, sort=params.sort, page=page or params.page, per_page=per_page,
        **{arg: params.filters.get(field, ()) for field, arg in FILTER_ARGS.items()})


def valid_report_id(report_id: str) -> str:
    # Checked before it reaches the index: nothing path-like ever gets through.
    if not REPORT_ID_RE.match(report_id):
        abort(404)
    return report_id


def load_report(report_id: str, query: str = "", marked=None):
    try:
        return api.get_report(index(), valid_report_id(report_id), query=query, marked=marked)
    except NotFound:
        abort(404)
    except BadQuery:
        # A query that cannot be parsed only loses its highlighting here.
        return load_report(report_id, marked=marked)
