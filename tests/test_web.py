"""The Flask app through its test client: every route, escaping, headers, JSON, CSV, errors."""

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from gxsearch import facets
from gxsearch.indexer import index_paths
from gxsearch.web import create_app

EVIL = """标题: <script>alert("t")</script>北京市朝阳区2018年政府信息公开工作年度报告
发布时间: 2019-03-01
原文链接: javascript:alert("u")
==== 正文 ====
<script>alert("t")</script>北京市朝阳区2018年政府信息公开工作年度报告

一、<script>alert("h")</script>总体情况
本区<script>alert("b")</script>依申请公开工作平稳推进，全年受理申请12件。
二、主动公开情况
=HYPERLINK("http://evil.example","x") 主动公开政府信息300条。
"""


@pytest.fixture(scope="module")
def client(seed_index_dir):
    return create_app({"INDEX_DIR": str(seed_index_dir), "TESTING": True}).test_client()


def build(tmp_path: Path, files: dict[str, str]) -> Path:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir(exist_ok=True)
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    index_paths([str(docs)], str(index_dir), rebuild=True)
    return index_dir


@pytest.fixture()
def evil_client(tmp_path):
    index_dir = build(tmp_path, {"evil.txt": EVIL})
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def html(resp) -> str:
    """The page, its marks' numbers (m1, m2, … for stepping through them) left out."""
    return re.sub(r'<mark id="m\d+">', "<mark>", resp.get_data(as_text=True))


def first_hit(client, q="依申请公开"):
    return client.get(f"/api/search?q={quote(q)}").get_json()["hits"][0]


def test_home_shows_box_examples_and_index_contents(client):
    resp = client.get("/")
    page = html(resp)
    assert resp.status_code == 200
    assert 'name="q"' in page and "autofocus" in page
    for example in ("依申请公开", "&#34;行政复议&#34;", "主动公开 year:2018"):
        assert example in page
    assert "份年报" in page and "2018" in page
    assert 'rel="search" type="application/opensearchdescription+xml"' in page


def test_search_page_shows_highlighted_hits_facets_and_deep_links(client):
    resp = client.get("/search?q=依申请公开")
    page = html(resp)
    assert resp.status_code == 200
    assert "<mark>依申请公开</mark>" in page
    assert "找到 " in page and " 个章节，用时 " in page and "毫秒" in page
    assert 'data-facet="year"' in page and 'data-facet="district"' in page
    assert "/report/000_d4f0ce14d1955d20-d51b497196?" in page and "?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80#s" in page
    assert 'value="依申请公开"' in page


def test_phrase_and_query_filter(client):
    assert "<mark>行政复议</mark>" in html(client.get("/search?q=" + quote('"行政复议"')))
    data = client.get("/api/search?q=" + quote("主动公开 year:2018")).get_json()
    assert data["total"] > 0 and {h["year"] for h in data["hits"]} == {2018}
    page = html(client.get("/search?q=" + quote("主动公开 year:2018")))
    # The filter written in the query is shown as chosen, with a link that removes it.
    assert "年份：2018" in page and 'href="/search?q=%E4%B8%BB%E5%8A%A8%E5%85%AC%E5%BC%80"' in page


def test_facet_toggle_narrows_and_counts_change(client):
    all_ = client.get("/api/search?q=依申请公开").get_json()
    years = all_["facets"]["year"]
    assert len(years) >= 2
    year, count = next(iter(years.items()))
    narrowed = client.get(f"/api/search?q=依申请公开&year={year}").get_json()
    assert narrowed["total_reports"] == count < all_["total_reports"]
    page = html(client.get(f"/search?q=依申请公开&year={year}"))
    assert 'class="selected"' in page and "移除筛选 年份" in page


def test_sort_pagination_and_empty_result(client):
    assert client.get("/search?q=公开&sort=year&page=2").status_code == 200
    page = html(client.get("/search?q=公开"))
    # Five seed reports: one page of reports (paging by reports is tested on the corpus).
    assert 'aria-label="分页"' not in page and "找到 <strong class=\"total-reports\">5</strong> 份年报中的" in page
    page = html(client.get("/search?q=" + quote('"这是一个不存在的短语"') + "&year=2017"))
    assert "没有找到" in page and "去掉一个筛选条件" in page and "减少检索词" in page


def test_empty_query_redirects_home(client):
    resp = client.get("/search?q=+")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_bad_query_is_a_400_page_keeping_the_query(client):
    resp = client.get("/search?q=" + quote('"行政复议'))
    assert resp.status_code == 400
    assert 'value="&#34;行政复议"' in html(resp)
    long = client.get("/search?q=" + "公" * 1001)
    assert long.status_code == 400 and "太长" in html(long)
    assert client.get("/api/search?q=" + quote('"行政复议')).status_code == 400
    assert "error" in client.get("/api/search?q=" + quote('"行政复议')).get_json()


def test_report_page_sections_toc_highlight_and_original(client):
    hit = first_hit(client)
    resp = client.get(f"/report/{hit['report_id']}?q=依申请公开")
    page = html(resp)
    assert resp.status_code == 200
    assert f'id="{hit["section_id"]}"' in page and f'href="#{hit["section_id"]}"' in page
    assert "<mark>依申请公开</mark>" in page and "目录" in page
    assert "<h2>" in page and "<h3>" in page
    assert f'/report/{hit["report_id"]}/original' in page
    original = client.get(f"/report/{hit['report_id']}/original")
    assert original.status_code == 200 and '<pre class="original">' in html(original)
    api = client.get(f"/api/reports/{hit['report_id']}").get_json()
    assert api["report_id"] == hit["report_id"] and api["sections"]
    assert set(api["sections"][0]) == {"id", "level", "heading", "path", "text"}


@pytest.mark.parametrize("rid", ["nope", "..%2F..%2Fetc", "a" * 81, "bad.id", "%00"])
def test_unknown_or_malformed_report_is_404(client, rid):
    resp = client.get(f"/report/{rid}")
    assert resp.status_code == 404 and "页面不存在" in html(resp)
    api = client.get(f"/api/reports/{rid}")
    assert api.status_code == 404 and "error" in api.get_json()
    assert client.get(f"/report/{rid}/original").status_code == 404


def test_api_search_json_shape(client):
    resp = client.get("/api/search?q=依申请公开&per_page=3")
    data = resp.get_json()
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert set(data) == {"query", "total", "total_reports", "hits", "reports", "facets"}
    assert len(data["hits"]) == 3
    assert set(data["hits"][0]) == {"report_id", "section_id", "title", "heading", "district",
                                    "province", "year", "topics", "snippet", "url"}
    assert set(data["facets"]) == {"district", "year", "topic", "province", "prefecture",
                                     "county", "check", "reuse", "timeliness", "completeness"}
    assert all(isinstance(c, int) for c in data["facets"]["year"].values())
    assert client.get("/api/search").status_code == 400


def test_csv_export(client):
    resp = client.get("/search.csv?q=公开")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["标题", "发布机关", "省份", "年度", "发布日期", "章节", "主题", "摘录", "链接",
                       "原文链接"]
    data = client.get("/api/search?q=公开").get_json()
    assert len(rows) - 1 == data["total"] > 10  # all hits, not one page
    # Absolute links (the configured base URL), the report's date and its own address.
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["链接"] == "http://127.0.0.1:8000" + data["hits"][0]["url"]
    assert first["发布日期"]  # the seeds have no address of their own (see test_web_stats)
    # The file is named by the query and the day (Beijing time).
    assert resp.headers["Content-Disposition"] == (
        'attachment; filename="gxsearch-' + facets.today() + '.csv"; '
        "filename*=UTF-8''gxsearch-%E5%85%AC%E5%BC%80-" + facets.today() + ".csv")
    by = client.get("/search.csv?q=公开&by=report").get_data().decode("utf-8-sig")
    reports = list(csv.reader(io.StringIO(by)))
    assert reports[0][:6] == ["标题", "发布机关", "省份", "年度", "发布日期", "匹配章节数"]
    assert len(reports) - 1 == data["total_reports"] == 5
    assert sum(int(r[5]) for r in reports[1:]) == data["total"]
    assert client.get("/search.csv").status_code == 400


def test_opensearch_description(client):
    resp = client.get("/opensearch.xml")
    assert resp.status_code == 200
    assert resp.mimetype == "application/opensearchdescription+xml"
    body = html(resp)
    assert "<OpenSearchDescription" in body and "/search?q={searchTerms}" in body


@pytest.mark.parametrize("url", ["/", "/search?q=依申请公开", "/report/nope", "/opensearch.xml",
                                 "/api/search?q=依申请公开", "/static/style.css"])
def test_security_headers(client, url):
    with client.get(url) as resp:
        h = resp.headers
    assert "script-src 'self'" in h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] in ("same-origin", "no-referrer")


def test_no_inline_script_and_static_files_exist(client):
    page = html(client.get("/search?q=依申请公开"))
    assert "<script>" not in page and 'src="/static/app.js"' in page
    for name in ("app.js", "style.css"):
        with client.get(f"/static/{name}") as resp:
            assert resp.status_code == 200


def test_request_size_limit_and_methods(client):
    assert client.post("/search", data="x" * 100_000).status_code in (405, 413)
    assert client.post("/api/search", data="x").status_code == 405


def test_planted_script_is_escaped_everywhere(evil_client):
    data = evil_client.get("/api/search?q=依申请公开").get_json()
    assert data["total"] == 1
    rid = data["hits"][0]["report_id"]
    pages = [evil_client.get("/search?q=依申请公开"), evil_client.get("/search?q=公开"),
             evil_client.get(f"/report/{rid}?q=依申请公开"),
             evil_client.get(f"/report/{rid}/original"),
             evil_client.get("/search?q=" + quote("<script>alert(1)</script>")),
             evil_client.get("/search?q=" + quote('"<script>alert(1)'))]
    for resp in pages:
        body = html(resp)
        assert "<script>alert" not in body
        assert "javascript:alert" not in body.replace("<dd>javascript:alert", "")
    assert "&lt;script&gt;" in html(pages[0]) and "&lt;script&gt;" in html(pages[2])
    assert 'href="javascript:' not in html(pages[2])


def test_csv_formula_cells_are_neutralised(evil_client):
    rows = list(csv.reader(io.StringIO(
        evil_client.get("/search.csv?q=公开").get_data().decode("utf-8-sig"))))[1:]
    cells = [c for row in rows for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_rebuilt_index_is_seen_without_restart(tmp_path):
    index_dir = build(tmp_path, {"evil.txt": EVIL})
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/api/search?q=行政复议").get_json()["total"] == 0
    build(tmp_path, {"more.txt": EVIL.replace("主动公开政府信息", "行政复议案件")})
    assert client.get("/api/search?q=行政复议").get_json()["total"] > 0


def test_missing_index_is_a_clear_503(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    resp = client.get("/")
    assert resp.status_code == 503 and "索引" in html(resp)
    assert client.get("/api/search?q=x").status_code == 503


def _get_json(url: str, timeout: float = 5.0) -> dict:
    import json
    import urllib.request

    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read())


def test_serve_with_workers_answers_replaces_a_dead_worker_and_stops(seed_index_dir):
    import signal
    import socket
    import subprocess
    import sys
    import time

    import psutil

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "gxsearch", "serve", "--index-dir",
                             str(seed_index_dir), "--port", str(port), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/api/search?q={quote('行政复议')}"

    def answer(deadline: float = 30.0) -> dict:
        end = time.monotonic() + deadline
        while True:
            try:
                return _get_json(url)
            except OSError:
                if time.monotonic() > end or proc.poll() is not None:
                    raise
                time.sleep(0.2)

    try:
        first = answer()
        assert first["total"] > 0 and "行政复议" in first["hits"][0]["snippet"]
        workers = psutil.Process(proc.pid).children()
        assert len(workers) == 2
        workers[0].kill()
        workers[0].wait(10)
        for _ in range(50):
            now = psutil.Process(proc.pid).children()
            if len(now) == 2:
                break
            time.sleep(0.2)
        assert len(now) == 2 and workers[0].pid not in {p.pid for p in now}
        assert [answer() for _ in range(4)] == [first] * 4
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0
        assert "with 2 worker processes" in out and "starting another" in err
        assert "Traceback" not in err
        assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in now)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


# Pingtan 2022 (80629), verbatim: full-width commas and brackets, as the report has them.
PUBLISHED = """平潭综合实验区2022年度政府信息公开工作年度报告
一、总体情况
（一）主动公开方面
六是做好疫情防控专栏优化。新增核酸检测机构、发热门诊、疫苗接种机构查询功能，规范、集中公开疫情防控信息情况，主动回应社会关切。
（二）依申请公开方面
一是畅通依申请公开渠道，推动全区政务公开单位动态更新政府信息公开指南，规范申请接收渠道指引，畅通线上、线下申请渠道，督促各有关单位及时受理，提高答复时效性。
"""


def test_text_is_shown_as_published_and_highlighted_on_the_right_characters(tmp_path):
    index_dir = build(tmp_path, {"80629.txt": PUBLISHED})
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    hit = first_hit(client, "依申请公开渠道")
    assert hit["heading"] == "一、总体情况 › （二）依申请公开方面"
    assert "<mark>依申请公开渠道</mark>，推动全区政务公开单位" in hit["snippet"]
    page = html(client.get(f"/report/{hit['report_id']}?q=依申请公开渠道"))
    assert "（二）依申请公开方面" in page and "(二)" not in page
    assert "畅通<mark>依申请公开渠道</mark>，推动" in page
    assert "疫苗接种机构查询功能，规范、集中公开" in page
    # Matching still folds widths: the half-width form of the text finds it.
    assert first_hit(client, '"线上、线下申请渠道,督促"')["section_id"] == hit["section_id"]
    rows = list(csv.reader(io.StringIO(
        client.get("/search.csv?q=依申请公开渠道").get_data().decode("utf-8-sig"))))
    assert rows[1][5] == "一、总体情况 › （二）依申请公开方面"
    assert "依申请公开渠道，推动" in rows[1][7]


FORMATS = Path(__file__).parent / "data" / "formats"


def test_html_table_rows_are_not_joined_as_wraps_and_show_as_tables(tmp_path):
    import shutil

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(Path(__file__).parent / "data" / "html" / "pingtan_2024.html", docs / "p.html")
    index_paths([str(docs)], str(tmp_path / "index"), rebuild=True)
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    rid = first_hit(client, "行政许可")["report_id"]
    api = client.get(f"/api/reports/{rid}").get_json()
    part2 = next(s for s in api["sections"] if s["heading"] == "二、主动公开政府信息情况")
    # One line a row, as the page's table has them (not 信息内容本年处理决定数量行政许可…).
    lines = part2["text"].split("\n")
    assert ["信息内容本年处理决定数量", "行政许可4529"] == lines[5:7]
    page = html(client.get(f"/report/{rid}"))
    assert page.count('<table class="report-table">') == 3
    assert "<p>信息内容" not in page and "<p>（本列数据" not in page
    assert "<p>结果维持" not in page


def test_report_page_shows_the_statistics_tables_as_tables(tmp_path):
    import shutil

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(FORMATS / "pingtan-2022.pdf", docs / "pingtan-2022.pdf")
    index_paths([str(docs)], str(tmp_path / "index"), rebuild=True)
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    hit = first_hit(client, '"本年新收政府信息公开申请数量"')
    page = html(client.get(f"/report/{hit['report_id']}"))
    assert page.count('<table class="report-table">') == 3
    # Part 三 as the report has it: the 办理结果 block spans its 22 rows, figures in cells.
    assert '<td rowspan="22">三、本年度办理结果</td>' in page
    assert ('<td colspan="3">一、本年新收政府信息公开申请数量</td><td class="num">71</td>'
            '<td class="num">3</td>') in page
    marked = html(client.get(f"/report/{hit['report_id']}?q=%22本年新收政府信息公开申请数量%22"))
    assert '<td colspan="3">一、<mark>本年新收政府信息公开申请数量</mark></td>' in marked
    assert '<td rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>' in page
    # The rows are not also printed as runs of digits.
    assert "<p>一、本年新收政府信息公开申请数量 71 3 0 0 0 0 74</p>" not in page
    assert "（PDF，5 页）" in page
    api = client.get(f"/api/reports/{hit['report_id']}").get_json()
    assert [len(t["rows"]) for t in api["tables"]] == [14, 28, 4]
    assert api["place"] == "福建省 › 福州市 › 平潭县" and api["format"] == "pdf"


def test_a_section_with_no_text_of_its_own_is_not_a_hit(tmp_path):
    # Pingtan 80629's part 一 opens straight with its subsection.
    index_dir = build(tmp_path, {"r.txt": (
        "平潭综合实验区2022年度政府信息公开工作年度报告\n一、总体情况\n（一）主动公开方面\n"
        "平潭综合实验区切实落实国务院办公厅、省政府办公厅关于政务公开工作有关要求，持续推进基础信息公开。\n"
        "二、主动公开政府信息情况\n总体情况良好。\n"
        "1、加强信息公开培训指导工作，确保政府信息公开准确、及时、规范，不断提升政府信息公开整体工作水平。\n")})
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    hits = client.get(f"/api/search?q={quote('总体情况')}").get_json()["hits"]
    # Part 一 itself is not a hit; its heading is found with its first subsection.
    assert sorted(h["section_id"] for h in hits) == ["s1-1", "s2"]
    assert {h["heading"] for h in hits} == {"一、总体情况 › （一）主动公开方面",
                                            "二、主动公开政府信息情况"}
    page = html(client.get(f"/report/{hits[0]['report_id']}"))
    assert 'href="#s1">一、总体情况</a>' in page  # still in the contents
    # A heading with no subsections is all its section says: it stays searchable.
    hits = client.get(f"/api/search?q={quote('培训指导工作')}").get_json()["hits"]
    assert [h["section_id"] for h in hits] == ["s2-1"]
