"""Tests of snippets and highlighting on real report sentences."""

from gxsearch.highlight import mark, pattern_for, snippet, terms_for
from gxsearch.query import parse

TEXT = (
    "全年共接收依申请公开32件,受理依申请公开27件,其中14件为网上申请件(含5件非辖区管辖件,已告知),"
    "内容主要涉及土地动迁问题,已及时答复;纸质依申请公开18件,主要涉及土地动迁问题。\n"
    "全年按期报送交接单和案例分析表。\n"
    "全年无收取依申请公开信息相关费用情况。\n"
    "全年无政府信息公开引起行政复议、行政诉讼情况。"
)


def test_terms_of_an_unquoted_word_include_its_jieba_words():
    assert terms_for(parse("申请公开 \"行政复议\"")) == ["申请公开", "行政复议", "申请", "公开"]


def test_phrase_is_marked_whole_not_in_pieces():
    html = mark("依申请公开政府信息", pattern_for(["申请公开"]))
    assert html == "依<mark>申请公开</mark>政府信息"


def test_marking_escapes_markup_in_the_text():
    html = mark("<script>alert(1)</script>行政复议", pattern_for(["行政复议"]))
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>行政复议</mark>"


def test_snippet_picks_the_sentence_with_the_match_and_breaks_on_semicolons():
    html, plain = snippet(TEXT, pattern_for(terms_for(parse('"行政复议"'))))
    assert html == (
        "…纸质依申请公开18件,主要涉及土地动迁问题。 全年按期报送交接单和案例分析表。 "
        "全年无收取依申请公开信息相关费用情况。 "
        "全年无政府信息公开引起<mark>行政复议</mark>、行政诉讼情况。")
    assert plain == html.replace("<mark>", "").replace("</mark>", "")


def test_snippet_of_a_long_sentence_is_cut_around_the_match():
    long = "按照省政府工作部署和要求," * 20 + "确保政府信息依法公开。"
    html, _ = snippet(long, pattern_for(["依法公开"]), size=40)
    assert html.endswith("确保政府信息<mark>依法公开</mark>。")
    assert html.startswith("…")


def test_marking_is_not_limited_to_the_first_32k_characters():
    text = "政务公开工作。" * 6000 + "行政复议"
    assert mark(text, pattern_for(["行政复议"])).endswith("<mark>行政复议</mark>")
