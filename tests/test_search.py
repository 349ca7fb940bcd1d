"""Tests of the search API on real indexes of the seeds and the Pingtan corpus."""

import gc
import re
import warnings

import numpy as np
import psutil
import pytest
from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gxsearch.clean import match_form
from gxsearch.errors import BadQuery
from gxsearch.match import content
from gxsearch.search import get_report, highlight_html, index_info, open_index, search

SEED_REPORTS = {
    "000_d4f0ce14d1955d20-d51b497196": ("金普新区", "辽宁省", 2017),
    "001_5df7620ebf30b927-dddd5767b7": ("大连保税区", "辽宁省", 2017),
    "002_70c4dbb90776e1af-0b55ef0bc6": ("沈抚新区", "辽宁省", 2018),
    "003_170688ddfb80e253-9e4d4062c2": ("亳州经济开发区", "安徽省", 2016),
    "004_e98049079f303380-c965a9427d": ("遂宁经济技术开发区", "四川省", 2018),
}


def _all(ix, query, **kw):
    return search(ix, query, per_page=0, **kw)


def _keys(result):
    return {(h["report_id"], h["section_id"]) for h in result["hits"]}


def test_yishenqing_gongkai_finds_sections_of_all_five_seeds(seed_index):
    result = _all(seed_index, "依申请公开")
    assert {h["report_id"] for h in result["hits"]} == set(SEED_REPORTS)
    assert result["total"] == len(result["hits"])
    assert all("<mark>依申请公开</mark>" in h["snippet"] or "依申请公开" in h["heading"]
               for h in result["hits"])


def test_traditional_query_finds_exactly_the_same_sections(seed_index):
    assert _keys(_all(seed_index, "依申請公開")) == _keys(_all(seed_index, "依申请公开"))


def test_part_of_a_traditional_phrase_finds_what_its_simplified_form_finds(seed_index):
    # Seeds 001 and 002 say 答复内容; in traditional that is 答覆內容, and a reader who types
    # the part 覆內容 gets OpenCC's 覆内容 for it (覆 alone is also simplified): both
    # spellings are looked for, and the one found is marked.
    expected = _keys(_all(seed_index, '"答复内容"'))
    assert expected and _keys(_all(seed_index, '"答覆內容"')) == expected
    result = _all(seed_index, '"覆內容"')
    assert _keys(result) == expected
    assert all("<mark>复内容</mark>" in h["snippet"] for h in result["hits"])


def test_each_seed_has_its_district_province_and_year(seed_index):
    for rid, (district, province, year) in SEED_REPORTS.items():
        report = get_report(seed_index, rid)
        assert (report["district"], report["province"], report["year"]) == (
            district, province, year)


def test_traditional_seed_is_indexed_simplified_without_pinyin(seed_index):
    report = get_report(seed_index, "003_170688ddfb80e253-9e4d4062c2")
    text = "".join(s["heading"] + s["text"] for s in report["sections"])
    assert "亳州经济开发区" in text and "加强组织领导,明确公开责任" in text
    assert not re.search(r"\([a-zü]+[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]?[a-z]*\)", text)
    assert "經" not in text and "開發" not in text
    assert _keys(_all(seed_index, '"加強組織領導，明確公開責任"')) == {
        ("003_170688ddfb80e253-9e4d4062c2", "s1-1")}


@pytest.mark.parametrize("furniture", [
    "打印本页", "扫一扫在手机打开当前页", "读取内容中", "当前位置", "浏览次数", "责编",
])
def test_page_furniture_is_not_searchable(seed_index, furniture):
    assert search(seed_index, f'"{furniture}"')["total"] == 0


def test_topic_filter_returns_the_yishenqing_sections_of_three_reports(seed_index):
    result = _all(seed_index, "", topics=["依申请公开"])
    assert {h["district"] for h in result["hits"]} == {"大连保税区", "沈抚新区", "遂宁经济技术开发区"}
    assert all("依申请公开" in h["topics"] for h in result["hits"])


def test_two_character_word_fuyi_is_found(seed_index):
    result = _all(seed_index, "复议")
    assert result["total"] >= 2
    assert all("<mark>复议</mark>" in h["snippet"] or "复议" in h["heading"]
               for h in result["hits"])


def test_one_character_and_one_number_queries(seed_index):
    def containing(needle):
        return {key for key, text in _contents(seed_index).items() if needle in text}

    assert _keys(_all(seed_index, "诉")) == containing("诉")
    # "12345" (the hotline) is a unit of its own; it does not match inside longer numbers.
    assert _keys(_all(seed_index, "12345")) == containing("12345") != set()
    assert _all(seed_index, "1234")["total"] == 0


def test_phrase_inside_a_longer_jieba_word_is_found(seed_index):
    inside = _keys(_all(seed_index, '"政府信息公开条例"'))
    assert len(inside) >= 4  # 中华人民共和国政府信息公开条例 in four seeds
    assert _keys(_all(seed_index, '"申请公开"')) >= _keys(_all(seed_index, "依申请公开"))


def test_or_and_not(seed_index):
    fy = _keys(_all(seed_index, '"行政复议"'))
    ss = _keys(_all(seed_index, '"行政诉讼"'))
    assert _keys(_all(seed_index, '"行政复议" OR "行政诉讼"')) == fy | ss
    assert _keys(_all(seed_index, '"行政诉讼" -"行政复议"')) == ss - fy
    assert _keys(_all(seed_index, '"行政诉讼" NOT "行政复议"')) == ss - fy


def test_year_filters_in_query_and_as_arguments(seed_index):
    in_query = _keys(_all(seed_index, "主动公开 year:2018"))
    as_arg = _keys(_all(seed_index, "主动公开", years=["2018"]))
    assert in_query == as_arg and in_query
    assert {h["year"] for h in _all(seed_index, "主动公开 year:2016-2017")["hits"]} == {2016, 2017}


def test_facet_counts_follow_drill_down(seed_index):
    everything = search(seed_index, "依申请公开")
    narrowed = search(seed_index, "依申请公开", years=["2018"])
    years = {r["value"]: r for r in narrowed["facets"]["year"]}
    # The year facet keeps counting the other years, so they can be added.
    assert {v: r["count"] for v, r in years.items()} == {
        r["value"]: r["count"] for r in everything["facets"]["year"]}
    assert years["2018"]["selected"] and not years["2017"]["selected"]
    districts = {r["value"]: r["count"] for r in narrowed["facets"]["district"]}
    assert set(districts) == {"沈抚新区", "遂宁经济技术开发区"}
    # Counts are reports: the two 2018 reports.
    assert narrowed["total_reports"] == years["2018"]["count"] == sum(districts.values()) == 2
    assert narrowed["total"] > narrowed["total_reports"]


# "公开" is in most sections, "复议" in a few; with two filters each facet counts within the
# other's filter only. A facet counts reports: a report counts once for each value any of its
# matching sections holds.
@pytest.mark.parametrize("query, years, provinces", [
    ("公开", (), ()), ("公开", ("2018",), ()), ("复议", (), ()), ("公开", ("2018",), ("辽宁省",))])
def test_facet_counts_equal_counting_the_hits(seed_index, query, years, provinces):
    from collections import Counter

    seed_index.clear_caches()
    result = search(seed_index, query, years=years, provinces=provinces, per_page=0)
    value_of = {"district": lambda h: [h["district"]], "province": lambda h: [h["province"]],
                "year": lambda h: [str(h["year"])], "topic": lambda h: h["topics"]}
    # A facet ignores its own filter: its counts are over the hits of the other filters.
    others = {"year": {"provinces": provinces}, "province": {"years": years}}
    for field, values in value_of.items():
        hits = search(seed_index, query, per_page=0, **others[field])["hits"] \
            if field in others else result["hits"]
        expected = Counter(v for report_id, v in {(h["report_id"], v) for h in hits
                                                   for v in values(h) if v})
        assert {r["value"]: r["count"] for r in result["facets"][field]} == expected, field


def test_sort_by_year_puts_newest_first(seed_index):
    years = [h["year"] for h in _all(seed_index, "公开", sort="year")["hits"]]
    assert years == sorted(years, reverse=True)


def test_pagination(seed_index):
    every = [h["url"] for h in _all(seed_index, "公开")["hits"]]
    pages = [h["url"] for p in (1, 2, 3) for h in search(seed_index, "公开", page=p,
                                                          per_page=5)["hits"]]
    assert pages == every[:15]
    assert search(seed_index, "公开", per_page=5)["pages"] == -(-len(every) // 5)


@pytest.mark.parametrize("query", ['"公开', "OR", "公开 OR", "x" * 5000, "公开\x07", ""])
def test_malformed_queries_raise_badquery(seed_index, query):
    with pytest.raises(BadQuery):
        search(seed_index, query)


def test_bad_arguments_raise_badquery(seed_index):
    with pytest.raises(BadQuery):
        search(seed_index, "公开", years=["去年"])
    with pytest.raises(BadQuery):
        search(seed_index, "公开", sort="random")


def test_report_page_marks_the_query(seed_index):
    report = get_report(seed_index, "002_70c4dbb90776e1af-0b55ef0bc6", query="依申请公开")
    section = next(s for s in report["sections"] if s["id"] == "s5")
    assert section["heading_html"] == "五、<mark>依申请公开</mark>工作"
    assert "<mark>依申请公开</mark>受理机制" in section["html"]
    assert highlight_html("<b>行政复议</b>", '"行政复议"') == "&lt;b&gt;<mark>行政复议</mark>&lt;/b&gt;"


def test_index_info(seed_index):
    info = index_info(seed_index)
    # Years and districts count reports (the seeds: two of 2018, two of 2017, one of 2016).
    assert (info["reports"], info["years"]) == (5, [("2018", 2), ("2017", 2), ("2016", 1)])
    assert sum(n for _, n in info["districts"]) == 5 and info["sections"] > 5


def _contents(ix):
    """(report id, section id) → the indexed text of every seed section."""
    return {(f["report_id"], f["section_id"]): content(f)
            for f in ix.searcher.documents(kind="section")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_phrase_search_is_complete_and_exact(seed_index, data):
    contents = _contents(seed_index)
    runs = [r for text in contents.values() for r in re.findall(r"[\u4e00-\u9fff]{2,}", text)]
    run = data.draw(st.sampled_from(runs))
    n = data.draw(st.integers(2, min(10, len(run))))
    i = data.draw(st.integers(0, len(run) - n))
    phrase = run[i:i + n]
    result = _all(seed_index, f'"{phrase}"')
    assert _keys(result) == {key for key, text in contents.items() if phrase in text}


def test_phrase_across_an_inline_heading_and_its_text(seed_index):
    # Seed 003: "(一)加強組織領導,明確公開責任。亳州經濟開發區整合成立後" — heading and text on one line.
    assert _keys(_all(seed_index, '"明确公开责任。亳州经济开发区整合"')) == {
        ("003_170688ddfb80e253-9e4d4062c2", "s1-1")}


def test_an_empty_index_answers_and_follows_updates(tmp_path):
    from gxsearch.indexer import index_paths
    from gxsearch.search import open_index

    (tmp_path / "in").mkdir()
    index_paths([str(tmp_path / "in")], tmp_path / "index")
    ix = open_index(tmp_path / "index")
    assert index_info(ix)["sections"] == 0
    assert search(ix, "依申请公开")["total"] == 0
    (tmp_path / "in" / "r.txt").write_text("某区2019年政府信息公开工作年度报告\n一、总体情况\n依申请公开12件。",
                                           encoding="utf-8")
    index_paths([str(tmp_path / "in")], tmp_path / "index")
    assert search(ix, "依申请公开")["total"] == 1
    ix.close()


def test_the_match_cache_is_bounded_in_bytes(seed_index, monkeypatch):
    seed_index.clear_caches()
    lru = seed_index.current()._matches
    monkeypatch.setattr(lru, "budget", 40)
    for q in ("公开", "依申请公开", "复议", '"政务公开"', "主动公开"):
        search(seed_index, q)
    held = sum(lru.size(v) for v in lru.items.values())
    assert held == lru.held
    assert held <= 40 or len(lru.items) == 1


def test_cached_match_sets_are_arrays_the_collector_does_not_walk(seed_index):
    seed_index.clear_caches()
    search(seed_index, "公开 复议")
    gen = seed_index.current()
    held = dict(gen._matches.items)
    assert {k[1] for k in held} == {"公开", "复议"}
    # An array holds numbers, not objects: nothing for the collector's full pass to walk.
    assert all(not gc.is_tracked(data) and data.dtype != object for _, data in held.values())

    def never():
        raise AssertionError("a cached match set was computed again")

    with gen.lock:
        sets = {k[1]: gen.cached(k, never) for k in held}
        assert all(m.dtype == bool and m.any() for m in sets.values())
        assert [np.flatnonzero(sets[t]).tolist() for t in ("公开", "复议")] == [
            [d for d in np.flatnonzero(gen.sections()).tolist()
             if t in match_form(content(gen.searcher.stored_fields(d))).lower()] for t in ("公开", "复议")]
    # Another filter misses the result cache and hits the match cache: same answer as new.
    from_cache = _timeless(search(seed_index, "公开 复议", years=["2019"]))
    seed_index.clear_caches()
    assert from_cache == _timeless(search(seed_index, "公开 复议", years=["2019"]))


def _timeless(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "elapsed_ms"}


# A window of 3 kept hits makes page 2 (hits 6-10) deeper than the cache holds.
@pytest.mark.parametrize("window", [100, 3])
def test_a_cached_query_returns_what_a_new_one_does(seed_index, monkeypatch, window):
    import gxsearch.search as api

    monkeypatch.setattr(api, "_WINDOW", window)
    asks = [{"page": p, "per_page": 5, "years": y} for y in ((), ("2019",)) for p in (1, 2)]
    asks.append({"per_page": 0})
    cold = []
    for kw in asks:
        seed_index.clear_caches()
        cold.append(_timeless(search(seed_index, "公开", **kw)))
    seed_index.clear_caches()
    warm = [_timeless(search(seed_index, "公开", **kw)) for kw in asks]
    assert warm == cold and cold[1]["hits"] and cold[-1]["total"] > 10
    # A result is kept per filter, and serves both pages.
    assert len(seed_index.current().results.items) == 2
    assert all(len(r.top) <= window for r in seed_index.current().results.items.values())
    warm[0]["facets"]["year"][0]["count"] = -1  # a caller's edit must not reach the cache
    assert _timeless(search(seed_index, "公开", **asks[0])) == cold[0]


def _open_index_files(index_dir) -> list[str]:
    # Files open, and files mapped into memory (the columns).
    root = str(index_dir.resolve())
    me = psutil.Process()
    return [f.path for f in me.open_files() + me.memory_maps() if f.path.startswith(root)]


def test_an_index_closes_its_files_when_closed_or_dropped(tmp_path):
    from gxsearch.indexer import index_paths

    index_paths([str(SEEDS)], tmp_path)
    with open_index(tmp_path) as ix:
        assert search(ix, "复议")["total"] > 0
        assert _open_index_files(tmp_path)
    assert _open_index_files(tmp_path) == []
    ix = open_index(tmp_path)
    search(ix, "复议")
    ix.cycle = ix  # as a web app holds it: only the cycle collector frees it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del ix
        gc.collect()
    assert [str(w.message) for w in caught] == []
    assert _open_index_files(tmp_path) == []


@pytest.mark.parametrize("query, same_as", [
    ("(行政复议 OR 行政诉讼) 依申请公开", "行政复议 OR 行政诉讼 依申请公开"),
    ("依申请公开。", "依申请公开"),
    ("(依申请公开)", "依申请公开"),
    ("\u200b依申请公开", "依申请公开"),
    ('"依申\u200b请公开"', '"依申请公开"'),
    ("依申请公开 NOT (收费 OR 减免)", "依申请公开 -收费 -减免"),
])
def test_query_forms_people_type_find_what_the_plain_form_finds(corpus_index, query, same_as):
    got = search(corpus_index, query, per_page=0)
    want = search(corpus_index, same_as, per_page=0)
    assert want["total"] > 0
    assert [h["section_id"] for h in got["hits"]] == [h["section_id"] for h in want["hits"]]


def test_unknown_fields_and_non_ascii_years_are_bad_queries(corpus_index):
    for query in ("foo:bar", "依申请公开 year:٢٠١٨"):
        with pytest.raises(BadQuery):
            search(corpus_index, query)
