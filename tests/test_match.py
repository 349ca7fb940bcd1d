"""Matching: query literals to exact sets of sections."""

import re

import pytest

import gxsearch.match as match_module
from gxsearch.analysis import literal_units, segment
from gxsearch.match import _parts, content, match, substring_docs, unit_pattern
from gxsearch.query import parse

LITERALS = [
    "依申请公开", "申请公开", "府信息公", "政府信息公开条例", "公开条例", "行政复议", "复议",
    "主动公开政府信息", "开发区", "2018年", "政务公开", "信息公开工作年度报告",
]


def brute_force(ix, text: str) -> frozenset:
    searcher = ix.current().searcher
    folded = text.lower()
    return frozenset(d for d in ix.current().sections()
                     if folded in content(searcher.stored_fields(d)).lower())


@pytest.mark.parametrize("text", LITERALS)
def test_substring_docs_are_exactly_the_sections_containing_the_literal(seed_index, text):
    with seed_index.current().lock:
        expected = brute_force(seed_index, text)
        searcher = seed_index.current().searcher
        assert expected, text  # every literal occurs in the seeds
        assert substring_docs(searcher, text, seed_index.current().words) == expected
        assert substring_docs(searcher, text) == expected


def test_a_literal_inside_a_longer_jieba_word_is_a_sure_match(seed_index):
    # jieba keeps 政府信息公开条例 as one word, so "府信息公" is found through the word alone.
    assert segment("中华人民共和国政府信息公开条例") == ["中华人民共和国", "政府信息公开条例"]
    assert [w for w in seed_index.current().words() if "府信息公" in w] == ["政府信息公开", "政府信息公开条例"]


def test_a_latin_or_digit_literal_matches_whole_runs_only(tmp_path):
    from gxsearch.indexer import index_paths
    from gxsearch.search import open_index

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("一、概述\n本机关ab2017年度共受理申请。\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("一、概述\n编号17年度报告已公开。\n", encoding="utf-8")
    index_paths([str(tmp_path / "in")], tmp_path / "index")
    with open_index(tmp_path / "index") as ix, ix.current().lock:
        searcher = ix.current().searcher
        found = substring_docs(searcher, "17年度", ix.current().words)
        assert [searcher.stored_fields(d)["source"].rsplit("/", 1)[-1] for d in found] == ["b.txt"]
        assert substring_docs(searcher, "2017年度", ix.current().words) == frozenset()  # inside ab2017
        assert len(substring_docs(searcher, "ab2017年度", ix.current().words)) == 1


# --- the planner: what is left after the cheapest requirements is checked on the text -------

PLANNED = [
    "平潭综合实验区市场监督管理局", "依申请公开 复议", "行政复议 OR 行政诉讼 公开",
    "政府信息公开 -收费", '"申请公开" 复议 -2018年', "和 公开", "2017年 金普新区",
    "政务公开 OR 政府信息公开 -年度报告 -复议", '"ab 2017年度" 公开', '依申请公开 -"2018 年"',
]


def _squeeze(text: str) -> str:
    # Spaces do not count, except between two latin/digit runs, which they keep apart.
    text = re.sub(r"[^\S\n]+", " ", text.lower())
    return re.sub(r"(?<![a-z0-9]) | (?![a-z0-9])", "", text)


def _brute(gen, query: str) -> frozenset:
    # The query's meaning spelled out: every requirement looked for in every section's text,
    # a latin/digit edge only at a run's edge.
    parsed = parse(query)

    def has(text, lit):
        return all(re.search(("(?<![a-z0-9])" if p[0].isascii() and p[0].isalnum() else "")
                             + re.escape(_squeeze(p))
                             + ("(?![a-z0-9])" if p[-1].isascii() and p[-1].isalnum() else ""),
                             text) for p in _parts(lit))

    texts = {d: _squeeze(content(gen.searcher.stored_fields(d))) for d in gen.sections()}
    return frozenset(d for d, text in texts.items()
                     if all(any(has(text, lit) for lit in group) for group in parsed.groups)
                     and not any(has(text, lit) for lit in parsed.negs))


@pytest.mark.parametrize("query", PLANNED)
def test_requirements_checked_on_the_text_match_what_postings_match(
        corpus_index, monkeypatch, query):
    gen = corpus_index.current()
    found, cached = [], []
    # Reading a text free: all but the first requirement are checked on the text; or dear:
    # every requirement is matched from postings.
    for verify_cost in (0.0, 1e12):
        monkeypatch.setattr(match_module, "_VERIFY_COST", verify_cost)
        gen.clear_caches()
        with gen.lock:
            found.append(match(gen.searcher, parse(query), gen.sections(), gen.cached,
                               gen.words))
            cached.append(len(gen._matches.items))
    assert found[0] == found[1] == _brute(gen, query)
    assert cached[0] < cached[1] or cached[1] <= 1  # the text check did run


def test_two_latin_digit_units_are_one_run_unless_a_space_parts_them():
    pattern = unit_pattern(literal_units("ab 2017年"))
    assert [bool(pattern.search(t)) for t in ("ab 2017年", "ab\u30002017年", "ab2017年",
                                              "xab 2017年", "ab 2017 年")] == [
        True, True, False, False, True]
    assert unit_pattern(literal_units("2017年度")).search("截至2017 年度") is not None
