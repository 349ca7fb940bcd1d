"""The statistics pages (/stats, /stats.csv, /api/stats) and the figures on a report page,
through the test client, on the seeds and the Pingtan reports."""

import csv
import io
import re

import pytest

from gxsearch import figures
from gxsearch.web import create_app


@pytest.fixture(scope="module")
def client(corpus_index):
    return create_app({"INDEX_DIR": str(corpus_index.root), "TESTING": True}).test_client()


def cells(html: str, cls: str = "stats-table") -> list[list[str]]:
    """The rows of the first table of class ``cls``, as the text of their cells."""
    table = re.search(rf'<table class="{cls}">(.*?)</table>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r,
                                                                     re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_stats_page_lists_reports_with_their_main_figures_and_totals(client):
    resp = client.get("/stats?district=平潭综合实验区&year=2024-2025")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    rows = cells(html)
    assert rows[0][:9] == ["年报", "年度 ↑", "核验", "与上年重复", "及时性", "完整性", "本年新收",
                           "上年结转", "予以公开"]
    # Published 2025-03-10 and 2026-03-10, a government's report: due by 3月31日.
    assert [r[:3] + r[4:7] for r in rows[1:]] == [
        ["平潭综合实验区2024年度政府信息公开工作年度报告", "2024", "一致", "按时", "齐全", "218"],
        ["平潭综合实验区2025年度政府信息公开工作年度报告", "2025", "一致", "按时", "齐全", "154"],
        ["合计", "", "", "", "", "372"]]
    assert all(re.fullmatch(r"\d+\.\d%", r[3]) for r in rows[1:-1])
    assert '<strong class="total-reports">2</strong> 份年报' in html
    assert 'href="/stats.csv?district=%E5%B9%B3%E6%BD%AD%E7%BB%BC%E5%90%88%E5%AE%9E%E9%AA%8C%E5%8C%BA' in html


def test_sorting_by_a_column(client):
    html = client.get("/stats?year=2019-2025&sort=apply.new&order=desc").get_data(as_text=True)
    years = [r[1] for r in cells(html)[1:-1]]
    assert years[:3] == ["2024", "2025", "2023"]
    assert '<th scope="col" aria-sort="descending"><a href="/stats?year=2019-2025&amp;sort=apply.new">本年新收 ↓' in html


def test_the_check_facet_counts_reports(client):
    html = client.get("/stats?year=2019-2025").get_data(as_text=True)
    facet = re.search(r'data-facet="check".*?</details>', html, re.S).group(0)
    values = re.findall(r'<span class="value">(.*?)</span> <span class="count">(\d+)</span>', facet)
    # 10 template reports of 2019–2025: 2020 (its 总计 does not add up) and 2022 (its text
    # says 75 received, its table 74) do not check.
    assert values == [("一致", "8"), ("不一致", "2")]
    html = client.get("/stats?year=2019-2025&check=不一致").get_data(as_text=True)
    assert [r[1] for r in cells(html)[1:-1]] == ["2020", "2022"]


def test_trend_charts_are_inline_svg_without_script(client):
    resp = client.get("/stats?district=平潭综合实验区")
    html = resp.get_data(as_text=True)
    assert html.count("<svg ") == 1 and "<script>" not in html and " style=" not in html
    assert "<title>2024 年度 本年新收 218 件</title>" in html
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


def test_two_issuers_side_by_side(client):
    html = client.get("/stats?year=2019&year=2013").get_data(as_text=True)
    assert html.count("<svg ") >= 2
    compare = cells(html, "stats-table compare")
    assert compare[0][:2] == ["年度", "平潭综合实验区"]


def test_csv_and_json_of_the_same_selection(client):
    resp = client.get("/stats.csv?year=2020")
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="gxsearch-stats-')
    assert resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert [r[rows[0].index("年度")] for r in rows[1:]] == ["2020"]
    data = client.get("/api/stats?year=2020").get_json()
    (report,) = data["reports"]
    assert set(report) >= {"report_id", "title", "district", "province", "year", "template",
                           "figures", "checks", "status"}
    assert report["figures"]["apply.other"] == 4
    bad = client.get("/api/stats?year=20x")
    assert bad.status_code == 400 and "error" in bad.get_json()
    assert client.get("/stats?q=year:20x").status_code == 400


def test_report_page_shows_the_tables_from_the_figures(client, corpus_index):
    (r2020,) = [r for r in figures.select(corpus_index, years=["2020"])]
    html = client.get(f"/report/{r2020['report_id']}").get_data(as_text=True)
    assert '<a href="#figures">统计数据（不一致）</a>' in html
    rows = cells(html, "stats-table figures-table")
    assert rows[0] == ["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织",
                       "总计"]
    assert rows[1] == ["一、本年新收政府信息公开申请数量", "20", "0", "0", "0", "0", "1", "21"]
    # The cells of the failed check are marked and say which check.
    other = re.search(r"<tr><th scope=\"row\">（六）其他处理</th>(.*?)</tr>", html).group(1)
    assert other.startswith('<td class="num failed" title="（六）其他处理（自然人）（原文：4 0 0 0 0 0 4）'
                            '；未通过：result_total = sum of results (natural): 26 vs 20">')
    # Each cell links to the section its row stands in.
    anchor = re.search(r'<a href="#(s\d+)">4</a>', other).group(1)
    assert re.search(rf'<section class="sec level-1" id="{anchor}"[^>]*>\s*<h2>三、收到和处理政府信息公开申请情况',
                     html)
    assert ("未通过：（七）总计 = （一）至（六）之和（总计） — 27 vs 21 "
            "<code>result_total = sum of results (total)</code>") in html


def test_blank_cells_stay_blank_on_the_report_page(client, corpus_index):
    (r2025,) = [r for r in figures.select(corpus_index, years=["2025"])]
    html = client.get(f"/report/{r2025['report_id']}").get_data(as_text=True)
    rows = cells(html, "stats-table figures-table")
    # 5845546 under 制发/废止/现行有效 cannot be cut for sure: blank, with the note.
    normative = [r for r in cells_all(html) if r and r[0] == "行政规范性文件"][0]
    assert normative == ["行政规范性文件", "", "", ""]
    assert "active.normative: ambiguous: 5845546" in html
    assert rows[1][-1] == "154"


def cells_all(html: str) -> list[list[str]]:
    return [[re.sub(r"<[^>]+>", "", c).replace("\u00a0", "").strip()
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", html, re.S)]


def test_search_page_has_the_check_facet(client):
    html = client.get("/search?q=依申请公开&check=不一致").get_data(as_text=True)
    assert '核验：不一致' in html
    assert ('<a href="/stats?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80&amp;check='
            '%E4%B8%8D%E4%B8%80%E8%87%B4">这些年报的统计数据</a>') in html
    titles = set(re.findall(r'<h2 class="report-title"><a [^>]*>(.*?)</a>', html))
    assert titles == {"平潭综合实验区2020年度政府信息公开工作年度报告",
                      "平潭综合实验区2022年度政府信息公开工作年度报告"}


def test_report_api_has_the_statistics_and_where_they_stand(client, corpus_index):
    (r2025,) = [r for r in figures.select(corpus_index, years=["2025"])]
    data = client.get(f"/api/reports/{r2025['report_id']}").get_json()
    stats = data["stats"]
    assert (stats["template"], stats["status"], stats["across"]) == ("2021", "一致", "一致")
    assert stats["figures"]["apply.carried_forward"] == 6  # 四、结转下年度继续办理4200006
    row = stats["rows"]["apply.carried_forward"]
    headings = {s["id"]: s["heading"] for s in data["sections"]}
    assert (row["label"], row["cells"]) == ("结转下年度继续办理", "4200006")
    assert headings[row["section"]] == "三、收到和处理政府信息公开申请情况"
    assert stats["stated"]["apply.carried_forward"]["value"] == 6  # 结转至2026年6件


def test_checks_in_the_templates_words():
    from gxsearch.stats.checks import describe
    assert describe("new + carried_over = result_total + carried_forward (natural)") == (
        "一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度（自然人）")
    assert describe("suit_direct: upheld + corrected + other + pending = total") == (
        "行政诉讼（未经复议直接起诉）：维持 + 纠正 + 其他 + 尚未审结 = 总计")
    assert describe("text: apply.new = table") == "正文所述 = 表中 一、本年新收政府信息公开申请数量"
    assert describe("apply.granted = sum of the six applicant columns") == (
        "（一）予以公开：总计 = 六类申请人之和")


def test_the_table_is_paged_and_the_totals_are_over_every_row(client, monkeypatch):
    from gxsearch.web import stats as view
    monkeypatch.setattr(view, "PER_PAGE", 4)
    html = client.get("/stats?year=2019-2025&page=3").get_data(as_text=True)
    rows = cells(html)
    # 10 template reports, oldest first: page 3 holds the 9th and 10th (2024, 2025).
    assert [r[1] for r in rows[1:-1]] == ["2024", "2025"]
    assert rows[-1][:7] == ["合计", "", "", "", "", "",
                            str(23 + 1 + 0 + 0 + 21 + 70 + 74 + 81 + 218 + 154)]
    assert "第 9–10 份，共 10 份" in html
    assert '<a href="/stats?year=2019-2025&amp;page=2" rel="prev">上一页</a>' in html


def test_results_by_report_no_report_twice_and_paged_by_reports(client):
    seen = []
    first = client.get("/api/search?q=依申请公开").get_json()
    pages = -(-first["total_reports"] // 10)
    assert first["total_reports"] == 25 and first["total"] == 85 and pages == 3
    for page in range(1, pages + 1):
        html = client.get(f"/search?q=依申请公开&page={page}").get_data(as_text=True)
        titles = re.findall(r'<h2 class="report-title"><a href="/report/([^?"]+)', html)
        assert len(titles) == len(set(titles)) == (10 if page < pages else 5)
        seen += titles
    assert len(seen) == len(set(seen)) == 25
    assert "找到 <strong class=\"total-reports\">25</strong> 份年报中的 <strong class=\"total\">85</strong> 个章节" in html
    # A report shows its best three sections in document order and says how many more.
    rep = [r for r in first["reports"] if r["more"]][0]
    assert len(rep["sections"]) == 3
    order = [s["section_id"] for s in rep["sections"]]
    assert order == sorted(order, key=lambda s: [int(x) for x in s[1:].split("-")])
    page1 = client.get("/search?q=依申请公开").get_data(as_text=True)
    assert f'另有 {rep["more"]} 处匹配，在报告中查看' in page1
    # Ranked by the best section: scores do not increase down the list.
    scores = [r["score"] for r in first["reports"]]
    assert scores == sorted(scores, reverse=True)


def test_navigation_keeps_the_search(client):
    page = client.get("/search?q=依申请公开&year=2013&sort=year").get_data(as_text=True)
    link = re.search(r'<a class="hit-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80&year=2013&sort=year#s" in link
    report = re.sub(r'<mark id="m\d+">', "<mark>",
                    client.get(link.split("#")[0]).get_data(as_text=True))
    back = ('<a href="/search?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80&amp;year=2013'
            '&amp;sort=year">← 返回检索结果</a>')
    assert back in report and "<mark>依申请公开</mark>" in report
    # The original view marks the query and leads back to the section it was opened from.
    original = re.search(r'<a class="sec-original" href="([^"]+from=(s[0-9-]+))"', report)
    view = client.get(original.group(1).replace("&amp;", "&")).get_data(as_text=True)
    view = re.sub(r'<mark id="m\d+">', "<mark>", view)
    assert "<mark>依申请公开</mark>" in view
    assert (f'&amp;sort=year#{original.group(2)}">← 返回整理后的报告</a>') in view
    assert 'href="/search?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80&amp;year=2013' in view


def test_csv_rows_carry_the_reports_date_and_address(client):
    raw = client.get("/search.csv?q=" + '"收到政府信息公开申请75件"').get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert [(r["标题"], r["发布日期"], r["原文链接"]) for r in rows] == [(
        "平潭综合实验区2022年度政府信息公开工作年度报告", "2023-02-20 15:07",
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80629.htm")]
    assert rows[0]["链接"].startswith("http://127.0.0.1:8000/report/")


def test_search_within_a_report(client, corpus_index):
    (r2025,) = [r for r in figures.select(corpus_index, years=["2025"])]
    html = client.get(f"/report/{r2025['report_id']}?q=行政复议").get_data(as_text=True)
    marks = re.findall(r'<mark id="m(\d+)">([^<]*)</mark>', html)
    assert [int(n) for n, _ in marks] == list(range(1, len(marks) + 1))
    assert {t for _, t in marks} == {"行政复议"}
    assert f'<strong class="match-count">{len(marks)}</strong> 处匹配“行政复议”' in html
    # The contents count each part's matches, subsections included; the query box searches
    # this report.
    counts = dict(re.findall(r'<a href="#(s[\d-]+)">[^<]*</a> <span class="toc-count"[^>]*>(\d+)',
                             html))
    assert int(counts["s4"]) >= 1  # 四、政府信息公开行政复议、行政诉讼情况
    assert f'<form class="search-form compact" action="/report/{r2025["report_id"]}"' in html
    none = client.get(f"/report/{r2025['report_id']}?q=" + '"不存在的短语"').get_data(as_text=True)
    assert "本报告中没有“&#34;不存在的短语&#34;”的匹配。" in none


def test_suggestions_json_and_did_you_mean(client):
    data = client.get("/suggest?q=行政").get_json()
    assert data[0] == "行政" and data[1][:3] == ["行政", "行政复议", "行政诉讼"]
    assert data[2][1].startswith("词语 · ")
    assert data[3][1] == "http://127.0.0.1:8000/search?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE"
    assert client.get("/suggest?q=").get_json() == ["", [], [], []]
    page = client.get("/search?q=依申情公开").get_data(as_text=True)
    assert ('您是不是要找：<a href="/search?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80">'
            '依申请公开</a>') in page
    assert "去掉引号" not in page  # no quotes to remove
    assert "application/x-suggestions+json" in client.get("/opensearch.xml").get_data(as_text=True)


def test_each_section_has_a_citation_line(client, corpus_index):
    (r2022,) = [r for r in figures.select(corpus_index, years=["2022"])]
    html = client.get(f"/report/{r2022['report_id']}").get_data(as_text=True)
    got = re.search(r'<textarea id="cite-s3" readonly rows="3">([^<]*)</textarea>', html).group(1)
    assert got == (
        "平潭综合实验区：《平潭综合实验区2022年度政府信息公开工作年度报告》（2022年度），"
        "“三、收到和处理政府信息公开申请情况”，发布于 2023-02-20，"
        "原文 https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80629.htm，"
        f"gxsearch http://127.0.0.1:8000/report/{r2022['report_id']}#s3")


def test_the_api_page_documents_every_endpoint(client):
    html = client.get("/api").get_data(as_text=True)
    for endpoint in ("/api/search", "/api/reports/&lt;id&gt;", "/api/stats", "/suggest",
                     "/search.csv", "/stats.csv", "/opensearch.xml"):
        assert f"<code>{endpoint}</code>" in html, endpoint
    assert "total_reports" in html and "标题、发布机关、省份、年度、发布日期" in html
