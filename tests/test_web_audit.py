"""The audit on the web (report page 评估, /compare, the audit columns and facets of /stats and
the search page, /api/audit, /audit.csv), through the test client on the seeds and the
Pingtan reports."""

import csv
import io
import re

import pytest

from gxsearch import figures
from gxsearch.web import create_app

COUNTY_2012 = "平潭县人民政府2012年政府信息公开工作年度报告"
COUNTY_2013 = "平潭县人民政府2013年政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def client(corpus_index):
    return create_app({"INDEX_DIR": str(corpus_index.root), "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def ids(corpus_index):
    return {r["title"]: r["report_id"] for r in figures.all_reports(corpus_index)}


def test_report_page_shows_the_audit_and_marks_repeated_sentences(client, ids):
    html = client.get(f"/report/{ids[COUNTY_2013]}").get_data(as_text=True)
    section = html[html.index('id="audit"'):html.index("</section>", html.index('id="audit"'))]
    assert re.search(r'<strong class="reuse-share">\d+\.\d%</strong>（75%以上）的文字与 '
                     rf'<a href="/report/{ids[COUNTY_2012]}">{COUNTY_2012}</a> 相同'
                     r'（只有数字不同的句子也算相同）', section)
    assert (f'<a class="compare-link" href="/compare?a={ids[COUNTY_2012]}&amp;'
            f'b={ids[COUNTY_2013]}">与上年对比</a>') in section
    # Published 2014-01-22, due by 2014-03-31 (the 2008 regulation, 第三十一条).
    assert ('<dd class="timely-on_time">按时（截止 2014-03-31，依据国务院令第492号第三十一条；'
            '发布 2014-01-22）</dd>') in section
    assert "<dd>非模板</dd>" in section
    # The first sentence of 一、概述 stands as it is in 2012's 一、概述: marked, and linked there.
    assert ('<span class="copied">推进政府信息公开工作是平潭县贯彻实施《中华人民共和国政府信息公开条例》'
            in html)
    assert (f'<a class="copied-from" href="/report/{ids[COUNTY_2012]}#s1" '
            'title="上年报告中的同一句（数字可能不同）" aria-label="此句在上年报告中的位置">上年</a>') in html
    # The zone's report on 2013 shares much of the county's: listed under 相似的年报.
    zone = ids["平潭综合实验区2013年政府信息公开工作年度报告"]
    similar = html[html.index('id="similar"'):]
    assert f'<a href="/report/{zone}">平潭综合实验区2013年政府信息公开工作年度报告</a>' in similar


def test_a_first_report_has_no_previous_year(client, ids):
    html = client.get(f"/report/{ids['平潭综合实验区地方税务局2013年信息公开年度报告']}").get_data(
        as_text=True)
    assert "<dd>无上年报告（本发布机关上一年度的年报不在索引中）</dd>" in html
    assert 'class="copied"' not in html


def test_compare_page(client, ids):
    a, b = ids[COUNTY_2012], ids[COUNTY_2013]
    resp = client.get(f"/compare?a={a}&b={b}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert re.search(r'B 与上年（A）重复 <strong class="reuse-share">\d+\.\d%</strong>', html)
    # 2012's data period, rewritten in 2013: a removed and an added sentence.
    assert ('<li class="diff-removed"><span class="visually-hidden">删去：</span>'
            "本报告所列数据的统计期限自2012年1月1日起至2012年12月31日。</li>") in html
    # 一、概述: the same sentences but for the year in them, which the diff shows.
    assert '<section class="compare-section status-changed">\n    <h3>一、概述' in html
    assert ('<li class="diff-same">同时，县政府安排了政府信息公开工作专项经费，专门用于政府门户网站升级改版'
            in html)
    assert f'<a href="/compare?a={b}&amp;b={a}">交换两边</a>' in html
    missing = client.get(f"/compare?a={a}")
    assert missing.status_code == 400 and "<h1>400 · 请求有误</h1>" in missing.get_data(as_text=True)
    assert client.get(f"/compare?a={a}&b=no_such_report").status_code == 404
    assert client.get("/compare?a=../etc&b=x").status_code == 404


def test_compare_shows_the_figures_side_by_side(client, ids):
    a = ids["平潭综合实验区2021年度政府信息公开工作年度报告"]
    b = ids["平潭综合实验区2022年度政府信息公开工作年度报告"]
    html = client.get(f"/compare?a={a}&b={b}").get_data(as_text=True)
    table = re.search(r'<table class="stats-table compare-figures">(.*?)</table>', html, re.S)
    rows = [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
            for r in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)]
    # 本年新收 70 (2021: 64 0 0 2 0 4 70) and 74 (2022: 71 3 0 0 0 0 74), from the tables.
    assert rows[:2] == [["项目", "A（2021）", "B（2022）", "变化"], ["本年新收", "70", "74", "+4"]]


def test_audit_facets_on_the_search_page_and_stats(client, ids):
    data = client.get("/api/search?q=依申请公开&timeliness=逾期").get_json()
    # 2011 (county, zone) and 遂宁 2018 are late; the query finds all three.
    assert sorted(r["title"] for r in data["reports"]) == [
        "2018年遂宁经济技术开发区管委会政府信息公开工作年度报告",
        "平潭县人民政府2011年政府信息公开工作年度报告", "平潭综合实验区2011年政府信息公开工作年度报告"]
    # Drill-down, in reports: the facet counts without its own filter, over the 25 reports
    # with hits (every one of them dated).
    assert data["facets"]["timeliness"] == {"按时": 22, "逾期": 3}
    assert data["total_reports"] == 3
    html = client.get("/search?q=依申请公开").get_data(as_text=True)
    assert "与上年重复" in html and "及时性" in html and "完整性" in html
    assert f'href="/report/{ids[COUNTY_2013]}?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80#similar"' in html
    html = client.get("/stats?timeliness=逾期").get_data(as_text=True)
    assert '<strong class="total-reports">3</strong> 份年报' in html
    assert "逾期（18 天）" in html and "逾期（997 天）" in html


def test_api_audit_and_audit_csv(client, ids):
    data = client.get("/api/audit?district=平潭县人民政府").get_json()
    assert [r["year"] for r in data["reports"]] == [2011, 2012, 2013]
    assert data["reports"][1]["reuse"]["previous_report_id"] == ids[
        "平潭县人民政府2011年政府信息公开工作年度报告"]
    resp = client.get("/audit.csv?district=平潭县人民政府")
    assert resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    assert rows[0][:5] == ["报告编号", "标题", "发布机关", "年度", "与上年重复比例"]
    assert [r[3] for r in rows[1:]] == ["2011", "2012", "2013"]


def test_audit_filters_in_the_query_language(client):
    late = client.get("/api/search?q=依申请公开 timeliness:逾期").get_json()
    assert late["total_reports"] == 3
    # The county's reports on 2012 and 2013 repeat their year before, and the zone's on 2013
    # repeats 2012 (一、概述, 四 and most of 二 as they were: see test_audit.py).
    high = client.get("/api/search?q=依申请公开 reuse:75%以上").get_json()
    assert sorted(r["title"] for r in high["reports"]) == [
        "平潭县人民政府2012年政府信息公开工作年度报告", "平潭县人民政府2013年政府信息公开工作年度报告",
        "平潭综合实验区2013年政府信息公开工作年度报告"]
    bad = client.get("/api/search?q=依申请公开 copied:high")
    assert bad.status_code == 400 and "reuse:" in bad.get_json()["error"]
