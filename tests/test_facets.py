"""Unit tests of the presentation records in gxsearch.facets (no Flask, no index)."""

from urllib.parse import parse_qsl, urlsplit

from werkzeug.datastructures import MultiDict

from gxsearch import facets
from gxsearch.facets import SearchParams


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def result(**over):
    base = {
        "query": "依申请公开", "total": 25, "page": 1, "per_page": 10, "pages": 3,
        "elapsed_ms": 3.2,
        "filters": {"district": [], "year": ["2018"], "topic": [], "province": []},
        "hits": [],
        "facets": {
            "district": [{"value": "大连保税区", "count": 5, "selected": False}],
            "year": [{"value": "2018", "count": 7, "selected": True},
                     {"value": "2017", "count": 4, "selected": False}],
            "topic": [], "province": [],
        },
    }
    base.update(over)
    return base


def test_parse_params_is_lenient_and_keeps_repeated_filters():
    args = MultiDict([("q", " 依申请公开 "), ("year", "2018"), ("year", "2017"), ("year", "2018"),
                      ("district", ""), ("sort", "bogus"), ("page", "x")])
    p = facets.parse_params(args)
    assert p.q == "依申请公开"
    assert p.filters["year"] == ("2018", "2017")
    assert p.filters["district"] == ()
    assert p.sort == "relevance" and p.page == 1
    assert facets.parse_params(MultiDict([("page", "3"), ("sort", "year")])).page == 3
    assert facets.parse_params(MultiDict()).is_empty()


def test_url_round_trips_and_omits_defaults():
    p = SearchParams(q='"行政复议"', filters={"year": ("2018",)}, sort="year", page=2)
    assert query_of(p.url()) == [("q", '"行政复议"'), ("year", "2018"), ("sort", "year"),
                                 ("page", "2")]
    assert SearchParams().url() == "/search"
    assert facets.parse_params(MultiDict(query_of(p.url()))).url() == p.url()


def test_facet_click_toggles_filter_and_resets_page():
    p = SearchParams(q="依申请公开", filters={"year": ("2018",)}, page=3)
    groups = {g.name: g for g in facets.facet_groups(result(), p)}
    assert [g.label for g in groups.values()] == ["发布机关", "年份"]
    y2018, y2017 = groups["year"].values
    assert y2018.selected and y2018.count == 7
    assert ("year", "2018") not in query_of(y2018.url)  # clicking a chosen value removes it
    assert ("year", "2017") in query_of(y2017.url) and ("year", "2018") in query_of(y2017.url)
    assert all(k != "page" for k, _ in query_of(y2017.url))
    d = groups["district"].values[0]
    assert ("district", "大连保税区") in query_of(d.url)


def test_removing_a_filter_written_in_the_query_strips_it_from_q():
    p = SearchParams(q="主动公开 year:2018")
    chosen = facets.chosen_filters(result(), p)
    assert [(c.label, c.value) for c in chosen] == [("年份", "2018")]
    assert query_of(chosen[0].remove_url) == [("q", "主动公开")]
    assert facets.strip_filter('a district:"朝阳 区" b', "district", "朝阳 区") == "a b"
    assert facets.strip_filter("year:20180", "year", "2018") == "year:20180"


def test_long_facets_fold_the_tail_but_keep_selected_values_visible():
    rows = [{"value": f"区{i:02d}", "count": 100 - i, "selected": i == 20} for i in range(30)]
    g = facets.facet_groups(result(facets={"district": rows}), SearchParams(q="x"))[0]
    # The chosen value comes first, then the others by count.
    assert len(g.values) == facets.TOP_VALUES and g.values[0].value == "区20"
    assert [v.value for v in g.values[1:3]] == ["区00", "区01"]
    assert len(g.more) == 30 - facets.TOP_VALUES and "区20" not in [v.value for v in g.more]


def test_the_place_hierarchy_shows_a_level_under_a_chosen_or_only_value():
    counts = {"province": [{"value": "福建省", "count": 20, "selected": False},
                           {"value": "辽宁省", "count": 3, "selected": False}],
              "prefecture": [{"value": "福州市", "count": 20, "selected": False},
                             {"value": "大连市", "count": 2, "selected": False}],
              "county": [{"value": "平潭县", "count": 20, "selected": False}]}
    shown = facets.facet_groups(result(facets=counts), SearchParams(q="x"))
    assert [(g.name, g.level) for g in shown] == [("province", 1)]
    chosen = SearchParams(q="x", filters={"province": ("福建省",)})
    shown = facets.facet_groups(result(facets={**counts, "prefecture": counts["prefecture"][:1]}),
                                chosen)
    assert [(g.name, g.level) for g in shown] == [("province", 1), ("prefecture", 2),
                                                  ("county", 3)]
    assert [g.label for g in shown] == ["省份", "地市", "区县"]


def test_a_year_range_from_the_from_to_control():
    from werkzeug.datastructures import MultiDict
    p = facets.parse_params(MultiDict([("q", "x"), ("year_from", "2016"), ("year_to", "2018")]))
    assert p.filters["year"] == ("2016-2018",)
    p = facets.parse_params(MultiDict([("q", "x"), ("year_from", "2016")]))
    assert p.filters["year"] == ("2016",)


def test_page_links_and_sort_links():
    p = SearchParams(q="依申请公开", page=2)
    pager = facets.page_links(result(page=2), p)
    assert pager["prev"] == "/search?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80"
    assert ("page", "3") in query_of(pager["next"])
    assert [n["n"] for n in pager["numbers"]] == [1, 2, 3]
    assert [n["current"] for n in pager["numbers"]] == [False, True, False]
    assert facets.page_links(result(page=3), SearchParams(q="x", page=3))["next"] is None
    sorts = facets.sort_links(p)
    assert [s["selected"] for s in sorts] == [True, False]
    assert ("sort", "year") in query_of(sorts[1]["url"])


def hit(rid, sid):
    return {"report_id": rid, "section_id": sid, "title": f"T{rid}", "heading": "一、总体情况",
            "district": "d", "province": "p", "year": 2018, "topics": ["依申请公开"],
            "snippet": "<mark>依申请公开</mark>", "snippet_text": "依申请公开",
            "url": f"/report/{rid}#{sid}"}


def test_links_carry_the_search_they_came_from():
    params = facets.SearchParams(q="依申请公开", filters={"year": ("2018",)}, sort="year", page=2)
    assert facets.context_link("/report/a#s2", params) == (
        "/report/a?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80&year=2018&sort=year&page=2#s2")
    assert facets.context_link("/report/a", facets.SearchParams()) == "/report/a"
    assert facets.hit_link(hit("a", "s1"), "") == "/report/a#s1"
    assert facets.hit_link({"url": "/report/a#s1"}, 'x&y "z"') == "/report/a?q=x%26y%20%22z%22#s1"


def test_json_record_shape():
    rec = facets.json_record(result(hits=[{**hit("a", "s1"), "score": 1.5, "heading_path": []}]))
    assert list(rec) == ["query", "total", "total_reports", "hits", "reports", "facets"]
    assert list(rec["hits"][0]) == ["report_id", "section_id", "title", "heading", "district",
                                    "province", "year", "topics", "snippet", "url"]
    assert rec["facets"]["year"] == {"2018": 7, "2017": 4}
    assert rec["facets"]["topic"] == {}


def test_csv_neutralises_formulas_and_has_bom():
    assert facets.csv_cell("=1+1") == "'=1+1"
    for start in "+-@":
        assert facets.csv_cell(start + "cmd") == "'" + start + "cmd"
    assert facets.csv_cell("依申请公开=1") == "依申请公开=1"
    assert facets.csv_cell(None) == "" and facets.csv_cell(2018) == "2018"
    assert facets.csv_cell(["a", "b"]) == "a; b"
    text = facets.csv_text([{**hit("a", "s1"), "title": "=HYPERLINK(\"x\")"}])
    assert text.startswith("\ufeff标题,发布机关,省份,年度,发布日期,章节,主题,摘录,链接,原文链接\r\n")
    assert "'=HYPERLINK" in text


def test_times_and_file_names_in_beijing_time():
    assert facets.local_time("2026-12-02T23:41:05.123+00:00") == "2026年12月3日 07:41"
    assert facets.local_time("") == ""
    assert facets.csv_filename('"行政复议" year:2018', "2026-12-03") == (
        "gxsearch-2026-12-03.csv", "gxsearch-行政复议_year_2018-2026-12-03.csv")
    assert facets.csv_filename("", "2026-12-03", by_report=True)[1] == "gxsearch-按年报-2026-12-03.csv"
