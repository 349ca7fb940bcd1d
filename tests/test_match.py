"""Matching: query literals to exact sets of sections."""

import re

import numpy as np
import pytest

import gxsearch.match as match_module
from gxsearch.analysis import literal_units, segment
from gxsearch.clean import match_form
from gxsearch.match import _parts, content, match, substring_docs, unit_pattern
from gxsearch.query import parse

LITERALS = [
    "依申请公开", "申请公开", "府信息公", "政府信息公开条例", "公开条例", "行政复议", "复议",
    "主动公开政府信息", "开发区", "2018年", "政务公开", "信息公开工作年度报告",
]


def _sections(gen) -> list[int]:
    return np.flatnonzero(gen.sections()).tolist()


def _found(gen, mask) -> list[int]:
    return np.flatnonzero(mask & gen.sections()).tolist()


def brute_force(gen, text: str) -> list[int]:
    folded = text.lower()
    return [d for d in _sections(gen) if folded in match_form(content(gen.searcher.stored_fields(d))).lower()]


@pytest.mark.parametrize("text", LITERALS)
def test_substring_docs_are_exactly_the_sections_containing_the_literal(seed_index, text):
    gen = seed_index.current()
    with gen.lock:
        expected = brute_force(gen, text)
        assert expected, text  # every literal occurs in the seeds
        assert _found(gen, substring_docs(gen.postings, text)) == expected
        assert _found(gen, substring_docs(gen.postings, text, sure=False)) == expected


def test_a_literal_inside_a_longer_jieba_word_is_a_sure_match(seed_index, monkeypatch):
    # jieba keeps 政府信息公开条例 as one word, so a section holding it holds "府信息公":
    # the sections of the words containing the literal are taken without checking their text.
    assert segment("中华人民共和国政府信息公开条例") == ["中华人民共和国", "政府信息公开条例"]
    gen = seed_index.current()
    words = [w for w in gen.postings.terms("words") if "府信息公" in w]
    assert words == ["政府信息公开", "政府信息公开条例"]
    sure = np.union1d(*(gen.postings.ids("words", w) for w in words)).tolist()
    assert np.flatnonzero(gen.postings.containing("words", "府信息公")).tolist() == sure
    checked, check = [], type(gen.postings).check
    monkeypatch.setattr(type(gen.postings), "check",
                        lambda self, ids, *a: checked.extend(ids.tolist()) or check(self, ids, *a))
    assert _found(gen, substring_docs(gen.postings, "府信息公")) == brute_force(gen, "府信息公")
    assert checked and not set(checked) & set(sure)


def test_a_latin_or_digit_literal_matches_whole_runs_only(tmp_path):
    from gxsearch.indexer import index_paths
    from gxsearch.search import open_index

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("一、概述\n本机关ab2017年度共受理申请。\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("一、概述\n编号17年度报告已公开。\n", encoding="utf-8")
    index_paths([str(tmp_path / "in")], tmp_path / "index")
    with open_index(tmp_path / "index") as ix, ix.current().lock:
        gen = ix.current()
        found = _found(gen, substring_docs(gen.postings, "17年度"))
        assert [gen.searcher.stored_fields(d)["source"].rsplit("/", 1)[-1] for d in found] == ["b.txt"]
        assert _found(gen, substring_docs(gen.postings, "2017年度")) == []  # inside ab2017
        assert len(_found(gen, substring_docs(gen.postings, "ab2017年度"))) == 1


# --- the planner: what is left after the cheapest requirements is checked on the text -------

PLANNED = [
    "平潭综合实验区市场监督管理局", "依申请公开 复议", "行政复议 OR 行政诉讼 公开",
    "政府信息公开 -收费", '"申请公开" 复议 -2018年', "和 公开", "2017年 金普新区",
    "政务公开 OR 政府信息公开 -年度报告 -复议", '"ab 2017年度" 公开', '依申请公开 -"2018 年"',
    '"覆內容" 公开', '依申请公开 -"覆內容"',
]


def _squeeze(text: str) -> str:
    # Spaces do not count, except between two latin/digit runs, which they keep apart.
    text = re.sub(r"[^\S\n]+", " ", text.lower())
    return re.sub(r"(?<![a-z0-9]) | (?![a-z0-9])", "", text)


def _brute(gen, query: str) -> list[int]:
    # The query's meaning spelled out: every requirement looked for in every section's text,
    # a latin/digit edge only at a run's edge.
    parsed = parse(query)

    def has(text, lit):
        return any(all(re.search(("(?<![a-z0-9])" if p[0].isascii() and p[0].isalnum() else "")
                                 + re.escape(_squeeze(p))
                                 + ("(?![a-z0-9])" if p[-1].isascii() and p[-1].isalnum()
                                    else ""), text) for p in _parts(s, lit.phrase))
                   for s in lit.spellings)

    texts = {d: _squeeze(match_form(content(gen.searcher.stored_fields(d)))) for d in _sections(gen)}
    return [d for d, text in texts.items()
            if all(any(has(text, lit) for lit in group) for group in parsed.groups)
            and not any(has(text, lit) for lit in parsed.negs)]


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
            found.append(_found(gen, match(gen.postings, parse(query), gen.sections(),
                                           gen.cached)))
            cached.append(len(gen._matches.items))
    assert found[0] == found[1] == _brute(gen, query)
    assert cached[0] < cached[1] or cached[1] <= 1  # the text check did run


def test_two_latin_digit_units_are_one_run_unless_a_space_parts_them():
    pattern = unit_pattern(literal_units("ab 2017年"))
    assert [bool(pattern.search(t)) for t in ("ab 2017年", "ab\u30002017年", "ab2017年",
                                              "xab 2017年", "ab 2017 年")] == [
        True, True, False, False, True]
    assert unit_pattern(literal_units("2017年度")).search("截至2017 年度") is not None


def test_a_phrase_spaced_out_in_the_text_is_found_and_checked(tmp_path):
    from gxsearch.indexer import index_paths
    from gxsearch.search import open_index

    (tmp_path / "in").mkdir()
    texts = {"a.txt": "本机关依申请公开3件,ab 2017年度报告。", "b.txt": "本机关依申请 公开,ab2017年度报告。",
             "c.txt": "依申请公开 ab\u20032017 年度报告", "d.txt": "依申请\n公开, ab\n2017年度"}
    for name, text in texts.items():
        (tmp_path / "in" / name).write_text(f"一、概述\n{text}\n", encoding="utf-8")
    index_paths([str(tmp_path / "in")], tmp_path / "index")
    with open_index(tmp_path / "index") as ix, ix.current().lock:
        gen = ix.current()

        def names(literal):
            return [gen.searcher.stored_fields(d)["source"].rsplit("/", 1)[-1]
                    for d in _found(gen, substring_docs(gen.postings, literal))]
        assert [gen.postings.text(d) for d in _sections(gen)] == [
            "一、概述\n本机关依申请公开3件,ab 2017年度报告。", "一、概述\n本机关依申请公开,ab2017年度报告。",
            "一、概述\n依申请公开ab\u20032017年度报告", "一、概述\n依申请\n公开, ab\n2017年度"]
        assert names("依申请公开") == ["a.txt", "b.txt", "c.txt"]  # not across a line break
        assert names("ab 2017年度") == ["a.txt", "c.txt"]  # ab2017 is one run
        assert names("2017年度报告") == ["a.txt", "c.txt"]  # not inside ab2017
        assert names("公开ab") == ["c.txt"] and names("公开,ab") == ["d.txt"]  # not ab2017


def test_the_binary_pattern_finds_what_the_text_pattern_finds():
    spaces = [c for c in map(chr, range(0x3001)) if c.isspace()]
    texts = ["ab 2017年", "ab2017年", "xab 2017年", "ab 2017 年", "AB 2017年", "依申请公开"]
    texts += [f"ab{c}2017年" for c in spaces] + [f"依申请{c}公开" for c in spaces]
    for literal in ("ab 2017年", "依申请公开", "2017年"):
        units = literal_units(literal)
        text, binary = unit_pattern(units), unit_pattern(units, binary=True)
        found = [bool(text.search(t)) for t in texts]
        assert found == [bool(binary.search(t.lower().encode("utf-8"))) for t in texts]
        assert any(found) and not all(found)
