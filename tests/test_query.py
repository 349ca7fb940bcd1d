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
    assert parse("依申請公開　（一）") == ParsedQuery(
        groups=[[Literal("依申请公开")], [Literal("(一)")]])


def test_a_traditional_literal_carries_its_other_spellings():
    assert parse('"覆內容" -答覆內容 答覆 district:平潭縣') == ParsedQuery(
        groups=[[Literal("覆内容", phrase=True, variants=("复内容",))], [Literal("答覆")]],
        negs=[Literal("答复内容", variants=("答覆内容",))], filters={"district": ["平潭县"]})


def test_unknown_prefix_is_searched_as_text():
    assert parse("http://www.pingtan.gov.cn").groups == [[Literal("http://www.pingtan.gov.cn")]]


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
])
def test_malformed_queries_raise_badquery_with_a_message(query, message):
    with pytest.raises(BadQuery) as exc:
        parse(query)
    assert message in str(exc.value)
