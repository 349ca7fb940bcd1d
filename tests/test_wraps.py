"""Hard wraps are decided line by line (wraps.py), on real paragraphs and tables."""

import re

import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gxsearch.clean import clean_both
from gxsearch.read import read_file
from gxsearch.wraps import HEADING, continues, ends_sentence

REPORT_2022 = CORPUS / "80629_平潭综合实验区2022年度政府信息公开工作年度报告.txt"
if not REPORT_2022.exists():
    pytest.skip(f"real corpus not found at {CORPUS}", allow_module_level=True)


def _display_lines() -> list[str]:
    return clean_both(read_file(str(REPORT_2022), REPORT_2022.name).raw)[1].split("\n")


LINES = _display_lines()
# Whole paragraphs of the 2022 report as published, ending a sentence, not headings.
PARAGRAPHS = [
    line for line in LINES
    if len(line) >= 40 and line.endswith("。") and not HEADING.match(line)
    and len(re.findall(r"\d", line)) < 0.2 * len(line)  # flattened tables are not prose
]
# Part 三's table as a PDF's text layer gives it: one cell per line, labels as published.
TABLE = (
    "申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n"
    "一、本年新收政府信息公开申请数量\n71\n3\n0\n0\n0\n0\n74\n"
    "二、上年结转政府信息公开申请数量\n1\n0\n0\n0\n0\n0\n1\n"
    "三、本年度办理结果\n（一）予以公开\n21\n0\n0\n0\n0\n0\n21\n"
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n8\n1\n0\n0\n0\n0\n9\n"
    "（三）不予公开\n1.属于国家秘密\n0\n0\n0\n0\n0\n0\n0\n"
    "5.要求行政机关确认或重新出具已获取信息\n/\n/\n/\n/\n/\n/\n/"
).split("\n")
SHORT = ["一、总体情况", "（一）主动公开方面", "平潭综合实验区管委会", "2023年1月20日", "附件：", "单位：件"]


def test_the_corpus_has_paragraphs_to_wrap():
    assert len(PARAGRAPHS) == 8
    assert "2022年，全区收到政府信息公开申请75件，涉及自然人72件、商业企业3件，均在法定期限内予以答复，办结率100%。" in "".join(PARAGRAPHS)


def wrap(paragraph: str, n: int, indent: str = "") -> list[str]:
    text = indent + paragraph
    return [text[i:i + n] for i in range(0, len(text), n)]


def rejoin(lines: list[str]) -> list[str]:
    stripped = [line.strip() for line in lines]
    joined = []
    for line, joins in zip(stripped, continues(stripped, [s[:len(s) - len(s.lstrip())] for s in lines]), strict=True):
        if joins:
            joined[-1] += line
        else:
            joined.append(line)
    return joined


@st.composite
def documents(draw):
    n = draw(st.integers(15, 40))
    blocks = draw(st.lists(
        st.one_of(
            st.tuples(st.just("p"), st.sampled_from(PARAGRAPHS)),
            st.tuples(st.just("t"), st.just("\n".join(TABLE))),
            st.tuples(st.just("s"), st.sampled_from(SHORT)),
        ),
        min_size=1, max_size=8,
    ))
    # Two full lines are the least evidence of a wrap (see wraps.py).
    paragraphs = [text for kind, text in blocks if kind == "p"]
    extra = draw(st.sampled_from(PARAGRAPHS).filter(lambda p: len(p) > 2 * n))
    if sum(len(p) // n for p in paragraphs) < 2:
        blocks.append(("p", extra))
    return n, blocks


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_wrap_width_is_rejoined_exactly(doc):
    # Paragraphs as a word processor sets them: a first-line indent of two ideographic
    # spaces, then wrapped at n characters; a sentence may end right at the margin.
    n, blocks = doc
    lines, expected = [], []
    for kind, text in blocks:
        lines += wrap(text, n, "\u3000\u3000") if kind == "p" else text.split("\n")
        expected += [text] if kind == "p" else text.split("\n")
        # A wrap that puts a heading number (一、 1.) at a line's start cannot be told from
        # a heading by its text: such widths are not this property's.
        if kind == "p":
            assume(not any(HEADING.match(line) for line in wrap(text, n, "  ")[1:]))
    assert rejoin(lines) == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(15, 40), st.sampled_from(PARAGRAPHS), st.sampled_from(PARAGRAPHS))
def test_without_indents_sentence_ends_inside_lines_are_rejoined(n, first, second):
    # Plain text with no indents: a break right after 。 or ： reads as a paragraph end, so
    # only paragraphs whose breaks all fall inside sentences are expected back whole.
    lines = wrap(first, n) + wrap(second, n)
    assume(not any(HEADING.match(line) for line in lines[1:]))
    assume(not any(ends_sentence(line) for line in wrap(first, n)[:-1] + wrap(second, n)[:-1]))
    assert rejoin(lines) == [first, second]


def test_a_wrapped_pdf_paragraph_among_one_cell_lines_is_rejoined():
    # Lines of ~28 characters with a table of one cell per line after them: the
    # document-wide guess said "not wrapped" and the 条例's name stayed cut.
    text = PARAGRAPHS[0]
    assert text.startswith("本报告根据《中华人民共和国政府信息公开条例》")
    raw = "\n".join(wrap(text, 12) + TABLE * 3)
    assert "《中华人民共和\n国政府信息公开条例》" in raw
    folded, display = clean_both(raw)
    assert display.split("\n")[0] == text
    assert "《中华人民共和国政府信息公开条例》" in folded.split("\n")[0]


def test_a_line_that_starts_with_a_comma_continues_the_heading():
    raw = "3、突出重点\n，提高公开实效。\n4、强化监督"
    assert clean_both(raw)[1].split("\n") == ["3、突出重点，提高公开实效。", "4、强化监督"]


def test_unwrapped_text_is_left_alone():
    # One paragraph a line (the scraped Pingtan pages): headings stay on their own lines.
    assert LINES[:3] == [
        PARAGRAPHS[0],
        "一、总体情况",
        "2022年，平潭综合实验区坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神，在省委省政府坚强领导下，认真执行《条例》相关规定，紧紧围绕实验区党工委、管委会决策部署，强化责任担当，加强信息公开平台建设，扎实推进政务公开工作，为全区经济社会平稳健康发展提供有力保障。",
    ]
