"""Tests of the query language parser."""

import pytest

from gxsearch.errors import BadQuery
from gxsearch.query import Literal, ParsedQuery, parse


def test_words_are_anded_and_phrases_kept_whole():
    assert parse('依申请公开 "行政复议"') == ParsedQuery(
        groups=[[Literal("依申请公开")], [Literal("行政复议", phrase=True)]])


def test_or_groups_and_negation():
    assert parse("行政复议 OR 行政诉讼 公开 -收费 NOT 减免") == ParsedQuery(
        groups=[[Literal("行政复议"), Literal("行政诉讼")], [Literal("公开")]],
        negs=[Literal("收费"), Literal("减免")])


def test_field_filters_in_the_query():
    assert parse("主动公开 year:2018 district:沈抚新区 topic:依申请公开 year:2016-2017") == ParsedQuery(
        groups=[[Literal("主动公开")]],
        filters={"year": ["2018", "2016-2017"], "district": ["沈抚新区"], "topic": ["依申请公开"]})


def test_quoted_filter_value_and_chinese_quotes():
    assert parse("district:\"平潭综合实验区\" “政府信息公开条例”") == ParsedQuery(
        groups=[[Literal("政府信息公开条例", phrase=True)]],
        filters={"district": ["平潭综合实验区"]})


def test_traditional_and_fullwidth_input_is_folded():
    # Full-width brackets are brackets: （一） groups the word 一.
    assert parse("依申請公開　（一）") == ParsedQuery(
        groups=[[Literal("依申请公开")], [Literal("一")]])


def test_a_traditional_literal_carries_its_other_spellings():
    assert parse('"覆內容" -答覆內容 答覆 district:平潭縣') == ParsedQuery(
        groups=[[Literal("覆内容", phrase=True, variants=("复内容",))], [Literal("答覆")]],
        negs=[Literal("答复内容", variants=("答覆内容",))], filters={"district": ["平潭县"]})


def test_brackets_group_and_nest():
    assert parse("(行政复议 OR 行政诉讼) 依申请公开") == ParsedQuery(
        groups=[[Literal("行政复议"), Literal("行政诉讼")], [Literal("依申请公开")]])
    # OR distributes over AND: ((A OR B) C) OR D is (A OR B OR D) (C OR D).
    assert parse("((主动公开 OR 依申请公开) 复议) OR 诉讼") == ParsedQuery(
        groups=[[Literal("主动公开"), Literal("依申请公开"), Literal("诉讼")],
                [Literal("复议"), Literal("诉讼")]])
    # NOT over a bracket is pushed to its words: NOT (A OR B) excludes both.
    assert parse("公开 NOT (收费 OR 减免)") == parse("公开 -(收费 OR 减免)") == ParsedQuery(
        groups=[[Literal("公开")]], negs=[Literal("收费"), Literal("减免")])
    # OR binds closer than the implicit AND, as before.
    assert parse("行政复议 OR 行政诉讼 公开") == parse("(行政复议 OR 行政诉讼) 公开")


def test_punctuation_and_invisible_characters_are_handled_like_the_documents():
    plain = ParsedQuery(groups=[[Literal("依申请公开")]])
    for query in ("依申请公开。", "(依申请公开)", "（依申请公开）", "\u200b依申请公开", "\ufeff依申请公开",
                  "依申\u2060请公开"):
        assert parse(query) == plain, query
    assert parse('"依申\u200b请公开"') == parse('"依申请公开。"') == ParsedQuery(
        groups=[[Literal("依申请公开", phrase=True)]])
    # A word is cut at punctuation: 公开,复议 is two words.
    assert parse("公开，复议") == ParsedQuery(groups=[[Literal("公开")], [Literal("复议")]])


def test_only_ascii_or_fullwidth_digits_in_a_year():
    assert parse("year:２０１８").filters == {"year": ["2018"]}
    with pytest.raises(BadQuery, match="年份“٢٠١٨”无法识别"):
        parse("year:٢٠١٨")


@pytest.mark.parametrize("query, message", [
    ('"行政复议', "引号不成对"),
    ("OR", "OR 两边都要有检索词"),
    ("公开 OR", "OR 两边都要有检索词"),
    ("NOT", "NOT 后面要跟一个检索词"),
    ("公开 -", "“-”后面要紧跟要排除的词"),
    ("year:二〇一八", "年份“二〇一八”无法识别"),
    ("year:2019-2017", "年份“2019-2017”无法识别"),
    ("公开\x00", "控制字符"),
    ("公" * 1001, "检索式太长（1001 个字符）"),
    ("-district:沈抚新区", "筛选条件不能与 OR、NOT 或 - 连用"),
    ('""', "引号里没有可检索的文字"),
    ("foo:bar", "没有“foo”这个字段：可用 district:、province:、prefecture:、county:、topic:、year:、"
                "check:"),
    ("http://www.pingtan.gov.cn", "没有“http”这个字段"),
    ("(行政复议 OR 行政诉讼", "括号不成对"),
    ("行政复议)", "括号不成对"),
    ("()", "括号不成对，或括号里没有检索词"),
    ("公开 OR -收费", "排除词不能放在 OR 里"),
    ("NOT (收费 减免)", "排除词不能放在 OR 里"),
    ("(公开 OR year:2018)", "year: 筛选条件不能与 OR、NOT 或 - 连用"),
    ("AND", "AND 两边都要有检索词"),
    ("A OR OR B", "OR 两边都要有检索词"),
])
def test_malformed_queries_raise_badquery_with_a_message(query, message):
    with pytest.raises(BadQuery) as exc:
        parse(query)
    assert message in str(exc.value)
