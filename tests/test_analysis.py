"""Tests of the three analyzers: words (ranking), unit bigrams (phrases), units."""

from gxsearch.analysis import (
    RUN_END,
    BigramFilter,
    UnitTokenizer,
    gram_analyzer,
    join_units,
    literal_units,
    segment,
    word_analyzer,
)


def _texts(analyzer, text):
    return [(t.text, t.pos) for t in analyzer(text, positions=True)]


def test_units_split_han_latin_digits_and_punctuation():
    assert literal_units("2017年度IOS 系统(一)") == [
        "2017", "年", "度", "ios", "系", "统", "(", "一", ")"]


def test_gram_analyzer_sequential_positions_and_gap_at_line_break():
    assert _texts(gram_analyzer(), "依申请公开,2017年\n复议") == [
        ("依申", 0), ("申请", 1), ("请公", 2), ("公开", 3), ("开,", 4), (",2017", 5),
        ("2017年", 6), ("年" + RUN_END, 7), ("复议", 9), ("议" + RUN_END, 10)]


def test_gram_analyzer_char_offsets_cover_the_bigram():
    toks = [(t.text, t.startchar, t.endchar)
            for t in gram_analyzer()("政务公开", positions=True, chars=True)]
    assert toks == [("政务", 0, 2), ("务公", 1, 3), ("公开", 2, 4), ("开" + RUN_END, 3, 4)]


def test_analyzers_compose_with_pipe():
    analyzer = UnitTokenizer() | BigramFilter()
    assert [t.text for t in analyzer("行政复议")] == ["行政", "政复", "复议", "议" + RUN_END]


def test_join_units_keeps_latin_words_apart():
    assert join_units("ios", "app") == "ios app"
    assert join_units("2017", "年") == "2017年"


def test_word_analyzer_positions_are_sequential_not_char_offsets():
    # jieba's own ChineseAnalyzer would give 0, 7, 15: character offsets.
    toks = _texts(word_analyzer(), "中华人民共和国政府信息公开条例依申请公开")
    assert [p for _, p in toks] == list(range(len(toks)))
    assert ("依申请公开", len(toks) - 1) in toks


def test_user_dictionary_keeps_domain_terms_whole():
    assert segment("两微一端是政务公开的主阵地") == ["两微一端", "是", "政务公开", "的", "主阵地"]

