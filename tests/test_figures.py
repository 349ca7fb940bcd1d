"""The statistics of a collection: selection, checks across years, the /stats table, CSV.
Expected figures are read off the Pingtan sources (see tests/test_stats.py)."""

import csv
import io
import shutil

import pytest
from conftest import corpus_files

from gxsearch import charts, figures
from gxsearch.errors import BadQuery
from gxsearch.indexer import index_paths
from gxsearch.search import open_index
from gxsearch.stats import across_years


def pingtan(ix, year):
    (r,) = [r for r in figures.select(ix, years=[str(year)]) if r["issuer"] == "平潭综合实验区"]
    return r


def test_the_collection_of_pingtan_reports(corpus_index):
    reports = figures.select(corpus_index, years=["2019-2025"], districts=["平潭综合实验区"])
    assert [(r["year"], r["template"], r["status"]) for r in reports] == [
        (2019, "2019", "一致"), (2020, "2019", "不一致"), (2021, "2021", "一致"),
        (2022, "2021", "不一致"), (2023, "2021", "一致"), (2024, "2021", "一致"),
        (2025, "2021", "一致")]
    # 2021 carried 1 forward (结转下年度继续办理1000001), 2022 carried 1 over.
    r2022 = pingtan(corpus_index, 2022)
    assert {"rule": "carried_over = last year's carried_forward", "ok": True,
            "detail": f"1 vs 1 ({pingtan(corpus_index, 2021)['report_id']})",
            "keys": ["apply.carried_over"], "other": pingtan(corpus_index, 2021)["report_id"]
            } in r2022["checks"]
    assert r2022["across"] == "一致" and pingtan(corpus_index, 2019)["across"] is None
    assert r2022["stated"] == {"apply.new": 75, "review.total": 2, "suit.total": 1}
    assert [r["year"] for r in figures.select(corpus_index, checks=["不一致"])] == [2020, 2022]
    older = figures.select(corpus_index, years=["2011-2018"])
    assert older and {r["status"] for r in older} == {"无表格"}


def test_a_query_selects_the_reports_it_hits(corpus_index):
    got = figures.select(corpus_index, query='"逾期不补正"', years=["2019-2025"])
    # Only the 2021 template prints the row 1.申请人无正当理由逾期不补正…
    assert {r["template"] for r in got} == {"2021"}
    with pytest.raises(BadQuery):
        figures.select(corpus_index, query="year:20x")


def test_the_table_of_main_figures_and_its_totals(corpus_index):
    reports = figures.select(corpus_index, years=["2024-2025"], districts=["平潭综合实验区"])
    got = figures.table(reports, "apply.new", descending=True)
    assert [c["label"] for c in got["columns"]][:3] == ["本年新收", "上年结转", "予以公开"]
    assert [(r["year"], r["values"][0]) for r in got["rows"]] == [(2024, 218), (2025, 154)]
    # 2025: 不予公开 3 + 2 + 3 + 3 (三类内部事务, 四类过程性, 行政执法案卷, 行政查询事项) = 11;
    # 行政诉讼 6 直接起诉 + 3 复议后起诉 = 9.
    row2025 = got["rows"][1]["values"]
    assert (row2025[4], row2025[-1]) == (11, 9)
    assert got["totals"][0] == {"value": 372, "reports": 2}
    # The 2019 template's one （六）其他处理 row is its 其他处理.
    assert figures.value(pingtan(corpus_index, 2020)["figures"], "apply.other") == 4


def test_across_years_on_made_up_records():
    def record(year, **figs):
        return {"report_id": f"r{year}", "issuer": "某县", "year": year, "figures": figs,
                "checks": [], "status": "一致", "across": None}
    reports = [record(2021, **{"apply.carried_forward": 2, "active.normative.in_force": 100}),
               record(2022, **{"apply.carried_over": 2, "active.normative.issued": 10,
                               "active.normative.repealed": 4, "active.normative.in_force": 105})]
    across_years(reports)
    assert [(c["rule"], c["ok"], c["detail"]) for c in reports[1]["checks"]] == [
        ("carried_over = last year's carried_forward", True, "2 vs 2 (r2021)"),
        ("in_force = last year's in_force + issued - repealed", False, "106 vs 105 (100, r2021)")]
    assert reports[1]["across"] == "不一致" and reports[1]["status"] == "一致"
    assert reports[0]["checks"] == [] and reports[0]["across"] is None


def test_a_carried_over_figure_that_is_not_last_years(tmp_path):
    files = {p.name[:5]: p for p in corpus_files()}
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(files["97791"], docs / "2024.txt")
    text = files["10558"].read_text(encoding="utf-8")
    changed = text.replace("上年结转政府信息公开申请数量0000000", "上年结转政府信息公开申请数量1000001")
    assert changed != text
    (docs / "2025.txt").write_text(changed, encoding="utf-8")
    index_paths([str(docs)], tmp_path / "index", rebuild=True)
    with open_index(tmp_path / "index") as ix:
        r2024, r2025 = figures.select(ix)
    (check,) = [c for c in r2025["checks"] if c["rule"].startswith("carried_over")]
    assert (check["ok"], check["detail"]) == (False, f"1 vs 0 ({r2024['report_id']})")
    assert r2025["across"] == "不一致" and r2024["across"] is None


def test_csv_has_chinese_headers_and_a_row_per_report(corpus_index):
    reports = figures.select(corpus_index, years=["2020"])
    rows = list(csv.reader(io.StringIO(figures.csv_bytes(reports).decode("utf-8-sig"))))
    head = rows[0]
    (row,) = rows[1:]
    assert row[head.index("核验")] == "不一致" and row[head.index("模板")] == "2019"
    assert row[head.index("（六）其他处理")] == "4"
    assert row[head.index("（七）总计")] == "21"
    assert row[head.index("未通过的核验")] == ("result_total = sum of results (natural): 26 vs 20; "
                                          "result_total = sum of results (total): 27 vs 21")
    assert row[head.index("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")] == ""


def test_trend_charts_and_issuers_side_by_side(corpus_index):
    reports = figures.select(corpus_index, years=["2019-2025"])
    got = charts.trends(reports)
    assert [c["issuer"] for c in got][:1] == ["平潭综合实验区"]
    main = got[0]
    assert [(b["year"], b["value"]) for b in main["bars"]] == [
        (2019, 23), (2020, 21), (2021, 70), (2022, 74), (2023, 81), (2024, 218), (2025, 154)]
    tallest = max(main["bars"], key=lambda b: b["h"])
    assert tallest["year"] == 2024 and tallest["title"] == "2024 年度 本年新收 218 件"
    # 2025's answered requests: 33 + 38 + 11 + 53 + 2 + 11 = 148, 予以公开 33 of them.
    share = [s for s in main["shares"] if s["year"] == 2025][0]
    assert share["segments"][0]["title"] == "2025 年度 予以公开 33 件（22%）"
    assert round(sum(s["h"] for s in share["segments"]), 1) == 150 - 18 - 22
    side = charts.side_by_side(got)
    assert side["issuers"][0] == "平潭综合实验区" and len(side["issuers"]) == len(got) >= 2
    assert side["rows"][0]["year"] == 2019
