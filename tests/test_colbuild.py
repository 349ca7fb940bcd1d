"""Tests of the columns built from the analysis (``colbuild.Builder``)."""

import numpy as np

from gxsearch.analysis import RUN_END
from gxsearch.colbuild import Builder, field_length

E = RUN_END


def test_builder_arrays_of_a_report_and_two_sections():
    build = Builder()
    build.add()  # the report's own document: no words, no text
    build.add(["依申请公开", "2", "件"], "依申请公开 2件")
    build.add(["公开", "公开"], "公开公开\n复议")
    got = {name: a.tolist() for name, a in build.arrays().items()}
    terms = {name: bytes(got.pop(name)).decode("utf-8").split("\n")
             for name in ("words.terms", "grams.terms")}
    text = bytes(got.pop("text")).decode("utf-8")
    # Terms by code point (2 < 件 U+4EF6 < 依 U+4F9D < 公 U+516C < 复 < 开 < 申 < 议 < 请;
    # RUN_END U+2403 sorts before every Han character).
    assert terms == {
        "words.terms": ["2", "件", "依申请公开", "公开"],
        "grams.terms": ["2件", "件" + E, "依申", "公开", "复议", "开2", "开" + E, "开公", "申请",
                        "议" + E, "请公"],
    }
    assert text == "\n依申请公开 2件\n公开公开\n复议\n"
    assert got == {
        "words.off": [0, 1, 2, 3, 4], "words.doc": [1, 1, 1, 2], "words.tf": [1, 1, 1, 2],
        "grams.off": [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12],
        "grams.doc": [1, 1, 1, 1, 2, 2, 1, 2, 2, 1, 2, 1],
        "length": [0, 3, 2],
        "text.off": [0, 1, 22, 42],  # UTF-8: a Han character is 3 bytes
        "gaps": [False, True, False],  # the space of "公开 2件"
        "docs": [3],
    }


def test_text_is_lowercased_and_bigrams_are_of_its_units():
    build = Builder()
    build.add(["app", "下载"], "APP下载")
    arrays = build.arrays()
    assert bytes(arrays["text"]).decode("utf-8") == "app下载\n"
    assert bytes(arrays["grams.terms"]).decode("utf-8").split("\n") == [
        "app下", "下载", "载" + E]


def test_field_lengths_are_whooshs_one_byte_approximation():
    # Whoosh stores a field's length in one byte: exact when short, rounded when long.
    assert [field_length(n) for n in (0, 1, 2, 3, 10)] == [0, 1, 2, 3, 10]
    assert field_length(1000) != 1000 and abs(field_length(1000) - 1000) < 100


def test_an_empty_builder_makes_empty_arrays():
    arrays = Builder().arrays()
    assert {name: a.tolist() for name, a in arrays.items()} == {
        "words.terms": [], "words.off": [0], "words.doc": [], "words.tf": [],
        "grams.terms": [], "grams.off": [0], "grams.doc": [],
        "length": [], "text": [], "text.off": [0], "gaps": [], "docs": [0]}
    assert arrays["words.doc"].dtype == np.int32 and arrays["grams.off"].dtype == np.int64
