"""Matching: query literals to exact sets of sections."""

import pytest

from gxsearch.analysis import segment
from gxsearch.match import content, substring_docs

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
