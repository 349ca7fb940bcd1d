"""Tests of the analysis: words (ranking), unit bigrams (phrases), units."""

from gxsearch.analysis import (
    RUN_END,
    bigrams,
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


def test_bigrams_in_order_and_a_line_break_ends_the_run():
    assert bigrams("依申请公开,2017年\n复议") == [
        "依申", "申请", "请公", "公开", "开,", ",2017", "2017年", "年" + RUN_END,
        "复议", "议" + RUN_END]


def test_bigrams_keep_repeats_lowercase_and_space_latin_runs_apart():
    assert bigrams("行政复议") == ["行政", "政复", "复议", "议" + RUN_END]
    assert bigrams("公开公开") == ["公开", "开公", "公开", "开" + RUN_END]
    assert bigrams("IOS App下载\n\n") == ["ios app", "app下", "下载", "载" + RUN_END]
    assert bigrams("") == bigrams("\n \n") == []


def test_join_units_keeps_latin_words_apart():
    assert join_units("ios", "app") == "ios app"
    assert join_units("2017", "年") == "2017年"


def test_word_analyzer_positions_are_sequential_not_char_offsets():
    # jieba's own ChineseAnalyzer would give 0, 7, 15: character offsets.
    toks = _texts(word_analyzer(), "中华人民共和国政府信息公开条例依申请公开")
    assert [p for _, p in toks] == list(range(len(toks)))
    assert ("依申请公开", len(toks) - 1) in toks


def test_word_analyzer_takes_words_already_segmented():
    words = segment("依申请公开的政府信息")
    assert _texts(word_analyzer(), words) == _texts(word_analyzer(), "依申请公开的政府信息")


def test_user_dictionary_keeps_domain_terms_whole():
    assert segment("两微一端是政务公开的主阵地") == ["两微一端", "是", "政务公开", "的", "主阵地"]

