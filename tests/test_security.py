"""Security of the web front end: it lets no one in.

Script planted in a report (title, heading, body, source link) or typed into a query comes out
inert on every page, in JSON and in CSV (formula cells neutralised); report ids cannot walk the
file system; every response carries a CSP without inline script, nosniff and a referrer
policy; errors never show a traceback; ``gxsearch serve`` listens on loopback by default.
"""

import csv
import hashlib
import inspect
import io
import re
from html.parser import HTMLParser

import pytest

from gxsearch.indexer import index_paths

web = pytest.importorskip("gxsearch.web")

XSS_REPORT = """\
标题: <script>alert(1)</script>平潭2018年度政府信息公开工作年度报告<img src=x onerror=alert(1)>
发布时间: 2019-01-10 16:13
原文链接: javascript:alert(5)
==================== 正文 ====================
<script>alert(1)</script>平潭2018年度政府信息公开工作年度报告<img src=x onerror=alert(1)>
一、主动公开<img src=x onerror=alert(2)>情况<script>alert(2)</script>
依申请公开办理情况<script>alert(3)</script><img src=x onerror=alert(3)>跨站测试正文<a href="javascript:alert(4)">链接</a>。
二、依申请公开情况
+SUM(1,2)依申请公开。
"""
FORMULA_REPORT = """\
标题: =HYPERLINK("http://evil.example/","平潭2018年度政府信息公开工作年度报告")
==================== 正文 ====================
一、@SUM(1)依申请公开情况
-2+3依申请公开。
"""

# Report ids are the file name's ASCII part and the content's SHA-1 (plan.py).
XSS = f"xss-{hashlib.sha1(XSS_REPORT.encode()).hexdigest()[:10]}"
FORMULA = f"formula-{hashlib.sha1(FORMULA_REPORT.encode()).hexdigest()[:10]}"
QUERY_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "依申请公开 <svg onload=alert(1)>",
    "'\"><script>alert(document.cookie)</script>",
    "javascript:alert(1)",
    "依申请公开\"><iframe src=javascript:alert(1)>",
]

class _LiveMarkup(HTMLParser):
    """Collect what a browser would execute: inline scripts, on* handlers, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            src = attrs.get("src") or ""
            if not src.startswith("/static/"):
                self.found.append(f"<script src={src!r}>")
            self.in_script = True
        if tag in ("iframe", "object", "embed", "base", "meta") and tag != "meta" or (
                tag == "meta" and "http-equiv" in attrs and "refresh" in attrs["http-equiv"]):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            scheme = r"\s*(?:javascript|vbscript|data):" if tag in (
                "a", "area", "form", "button", "script") else r"\s*(?:javascript|vbscript):"
            if name in ("href", "src", "action", "formaction", "xlink:href") and re.match(
                    scheme, value or "", re.I):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.found.append(f"inline script {data[:40]!r}")


def assert_inert(body: str, where: str) -> None:
    parser = _LiveMarkup()
    parser.feed(body)
    parser.close()
    assert not parser.found, f"{where}: live markup {parser.found}"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("security")
    src = root / "xss"
    src.mkdir()
    (src / "xss.txt").write_text(XSS_REPORT, encoding="utf-8")
    (src / "formula.txt").write_text(FORMULA_REPORT, encoding="utf-8")
    index_paths([str(src)], root / "index", rebuild=True)
    return web.create_app({"INDEX_DIR": str(root / "index"), "TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def test_the_planted_report_is_indexed_as_text(client):
    data = client.get(f"/api/reports/{XSS}").get_json()
    assert data["title"].startswith("<script>alert(1)</script>平潭2018年度")
    assert "<img src=x onerror=alert(3)>跨站测试正文" in "".join(s["text"] for s in data["sections"])


@pytest.mark.parametrize("url", [
    "/search?q=依申请公开", "/search?q=跨站测试正文", '/search?q="alert"', "/search?q=script",
    f"/report/{XSS}", f"/report/{XSS}?q=依申请公开", f"/report/{XSS}?q=alert",
    f"/report/{XSS}/original", f"/report/{FORMULA}", "/",
])
def test_planted_script_is_inert_on_every_page(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, url
    body = resp.get_data(as_text=True)
    assert_inert(body, url)
    if f"{XSS}" in url and "original" not in url:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;平潭2018年度" in body  # shown, escaped
    if url.startswith(f"/report/{XSS}") and "original" not in url:
        assert "javascript:alert(5)" not in body or 'href="javascript' not in body


@pytest.mark.parametrize("payload", QUERY_PAYLOADS)
@pytest.mark.parametrize("route", ["/search", f"/report/{XSS}"])
def test_script_in_queries_is_inert(client, route, payload):
    for params in ({"q": payload}, {"q": "依申请公开", "district": payload},
                   {"q": "依申请公开", "topic": payload}, {"q": "公开", "year": payload}):
        resp = client.get(route, query_string=params)
        assert resp.status_code in (200, 400), (route, params)
        body = resp.get_data(as_text=True)
        assert_inert(body, f"{route} {params}")
        assert payload not in body or "<" not in payload


def test_json_is_json_and_snippets_carry_only_mark(client):
    for url in ("/api/search?q=依申请公开&per_page=100", "/api/search?q=<script>alert(1)</script>",
                f"/api/reports/{XSS}"):
        resp = client.get(url)
        assert resp.mimetype == "application/json", url
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    hits = client.get("/api/search?q=依申请公开&per_page=100").get_json()["hits"]
    assert any("跨站测试正文" in h["snippet"] or "alert" in h["snippet"] for h in hits)
    for hit in hits:
        assert "<" not in re.sub(r"</?mark>", "", hit["snippet"]), hit["snippet"]


def test_csv_cells_are_neutralised(client):
    resp = client.get("/search.csv?q=依申请公开")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) >= 4
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    assert any(c.startswith("'=HYPERLINK(") for c in cells)
    assert any(c.startswith("'+SUM(1,2)") for c in cells)
    assert any(c.startswith("'-2+3") for c in cells)


@pytest.mark.parametrize("url", [
    "/report/..%2F..%2Fetc%2Fpasswd", "/report/..%2f..%2fetc%2fpasswd/original",
    "/api/reports/../../x", "/api/reports/..%2F..%2Fetc%2Fpasswd", "/report/%2e%2e",
    "/report/....//....//etc/passwd", "/report/..\\..\\etc\\passwd", "/report/%00",
    f"/api/reports/{XSS}%00", f"/report/{XSS}%2F..%2F..%2Fpyproject.toml",
    "/static/../../etc/passwd", "/static/..%2F..%2Fgxsearch%2Fweb.py",
    "/report/" + "a" * 500,
])
def test_path_traversal_in_report_ids_is_refused(client, url):
    resp = client.get(url)
    assert resp.status_code == 404, (url, resp.status_code)
    body = resp.get_data(as_text=True)
    assert "root:" not in body and "import" not in body and "[project]" not in body


@pytest.mark.parametrize("url", [
    "/", "/search?q=依申请公开", "/search?q=\"", "/api/search?q=依申请公开", "/api/search?q=\"",
    "/search.csv?q=依申请公开", f"/report/{XSS}", f"/report/{XSS}/original",
    f"/api/reports/{XSS}", "/report/nope", "/api/reports/nope", "/opensearch.xml",
    "/static/app.js", "/static/style.css", "/no/such/page",
])
def test_security_headers_on_every_response(client, url):
    resp = client.get(url)
    csp = resp.headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    script_src = directives.get("script-src", directives.get("default-src", ""))
    assert script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'self'" in directives.get("default-src", "")
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert resp.headers.get("Referrer-Policy") in ("same-origin", "no-referrer",
                                                   "strict-origin-when-cross-origin")
    if resp.mimetype == "text/html":
        assert_inert(resp.get_data(as_text=True), url)
    resp.close()


def test_a_crash_is_a_plain_500_page_without_a_traceback(tmp_path, app):
    crashing = web.create_app({"INDEX_DIR": app.config["INDEX_DIR"]})  # not TESTING

    @crashing.get("/boom")
    def boom():
        raise RuntimeError("secret internals: /etc/passwd SELECT * FROM users")

    @crashing.get("/api/boom")
    def api_boom():
        raise KeyError("secret internals")

    assert not crashing.debug
    for url in ("/boom", "/api/boom"):
        resp = crashing.test_client().get(url)
        assert resp.status_code == 500
        body = resp.get_data(as_text=True)
        for leak in ("Traceback", "secret internals", "RuntimeError", "KeyError", "web.py",
                     "Werkzeug Debugger", "console"):
            assert leak not in body, (url, leak)
        assert resp.headers.get("X-Content-Type-Options") == "nosniff"


def test_serve_listens_on_loopback_by_default():
    from gxsearch.cli import serve_cmd

    host = next(p for p in serve_cmd.params if p.name == "host")
    assert host.default == "127.0.0.1"
    from gxsearch.server import serve

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


# --- limits on what a request may ask -----------------------------------------------------

@pytest.fixture(scope="module")
def seed_client(seed_index_dir):
    return web.create_app({"INDEX_DIR": str(seed_index_dir), "TESTING": True}).test_client()


@pytest.mark.parametrize("path", ["/search", "/api/search", "/search.csv"])
def test_more_than_50_values_of_a_filter_is_a_400_that_says_so(seed_client, path):
    ok = [("q", "公"), *[("district", str(i)) for i in range(50)]]
    with seed_client.get(path, query_string=ok) as resp:
        assert resp.status_code == 200
    resp = seed_client.get(path, query_string=[*ok, ("district", "50")])
    assert resp.status_code == 400
    message = "筛选条件 district 最多 50 个取值（收到 51 个）"
    assert message in resp.get_data(as_text=True)


def test_the_results_page_with_many_filters_stays_small(seed_client):
    import time

    many = [("q", "公"), *[(f, f"{f}{i}") for f in ("district", "topic", "province")
                           for i in range(50)], *[("year", str(1960 + i)) for i in range(50)]]
    t0 = time.perf_counter()
    resp = seed_client.get("/search", query_string=many)
    took = time.perf_counter() - t0
    assert resp.status_code == 200
    # 200 chosen values, each listed once with its removal link (which repeats the others).
    assert len(resp.get_data()) < 2_000_000, len(resp.get_data())
    print(f"200 filter values: {len(resp.get_data()):,} bytes in {took * 1000:.0f} ms")


def test_an_oversized_query_string_is_a_short_400(seed_client):
    resp = seed_client.get("/search", query_string={"q": "公" * 65_536})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "请求参数太长" in body
    assert len(resp.get_data()) < 4_000 and "公公公" not in body
    api = seed_client.get("/api/search", query_string={"q": "公" * 65_536})
    assert api.status_code == 400 and "请求参数太长" in api.get_json()["error"]


def test_a_query_over_1000_characters_is_a_400_that_echoes_it_once_cut(seed_client):
    resp = seed_client.get("/search", query_string={"q": "公" * 1_500})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "检索式太长（1500 个字符），请不超过 1000 个字符" in body
    assert "公" * 1_001 not in body and len(resp.get_data()) < 12_000


@pytest.mark.parametrize(("value", "status", "hits"), [
    ("0", 200, 0), ("1", 200, 1), ("100", 200, None), ("101", 400, None), ("-1", 400, None),
    ("x", 400, None), ("²", 400, None), ("", 400, None)])
def test_api_per_page_is_0_to_100(seed_client, value, status, hits):
    resp = seed_client.get("/api/search", query_string={"q": "公开", "per_page": value})
    data = resp.get_json()
    assert resp.status_code == status, value
    if status == 400:
        assert data == {"error": f"per_page 须为 0 到 100 的整数（收到 {value!r}）"}
    elif hits is not None:
        assert len(data["hits"]) == hits and data["total"] > 10
        # The facets count reports: one year a report.
        assert sum(data["facets"]["year"].values()) == data["total_reports"] == 5


def test_csv_is_streamed_and_a_third_export_at_once_is_a_503(seed_client):
    first = seed_client.get("/search.csv?q=公开", buffered=False)
    second = seed_client.get("/search.csv?q=依申请公开", buffered=False)
    try:
        assert first.is_streamed and first.status_code == second.status_code == 200
        third = seed_client.get("/search.csv?q=复议")
        assert third.status_code == 503 and third.headers["Retry-After"] == "5"
        assert "导出任务繁忙，请稍后重试" in third.get_data(as_text=True)
    finally:
        first.close()
        second.close()
    # Closing (a client that went away) gives the slots back.
    again = seed_client.get("/search.csv?q=复议")
    assert again.status_code == 200 and again.get_data().startswith(b"\xef\xbb\xbf")


def test_an_export_never_read_gives_its_slot_back(seed_client):
    for _ in range(5):  # more than the two slots
        with seed_client.head("/search.csv?q=公开") as resp:
            assert resp.status_code == 200
    assert seed_client.get("/search.csv?q=公开").status_code == 200
