from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxsearch.clean import clean
from gxsearch.read import read_file
from gxsearch.sections import Section, split_sections

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPUS = ROOT.parent / "shared" / "corpus" / "pingtan"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def cleaned(path: Path) -> str:
    return clean(read_file(str(path), path.name).raw)


def outline(sections: list[Section], max_level: int = 4) -> list[tuple[str, int, str]]:
    return [(s.id, s.level, s.heading) for s in sections if s.level <= max_level]


def assert_tiles(text: str, sections: list[Section]) -> None:
    pos = 0
    for s in sections:
        assert s.start == pos
        assert s.end >= s.start
        chunk = text[s.start : s.end]
        assert chunk.startswith(s.heading)
        assert chunk[len(s.heading) :].strip() == s.text
        pos = s.end
    assert pos == len(text)
    ids = [s.id for s in sections]
    assert len(ids) == len(set(ids))
    by_id = {s.id: s for s in sections}
    for s in sections:
        if "-" in s.id:
            parent = by_id[s.id.rsplit("-", 1)[0]]
            assert parent.level < s.level
            assert s.path == parent.path + (s.heading,)


def test_seed_000_outline():
    text = cleaned(SEEDS / "000_d4f0ce14d1955d20.txt")
    sections = split_sections(text)
    assert outline(sections) == [
        ("s0", 0, ""),
        ("s1", 1, "一、2017年工作完成情况"),
        ("s1-1", 2, "(一)政务公开制度建设和载体建设情况"),
        ("s1-2", 2, "(二)信息公开工作"),
        ("s1-2-1", 3, "1.主动公开情况"),
        ("s1-3", 2, "(三)政策解读和回应关切情况"),
        ("s1-3-1", 3, "1.政策解读情况"),
        ("s1-3-2", 3, "2.政务舆情回应情况"),
        ("s1-3-3", 3, "3.“5•15政务公开日”活动情况"),
        ("s1-4", 2, "(四)队伍建设情况"),
        ("s2", 1, "二、存在的问题与建议"),
        ("s2-1", 2, "(一)工作中存在的主要问题,具体表现及原因分析。"),
        ("s2-2", 2, "(二)对我市政务公开工作的意见和建议。"),
        ("s3", 1, "三、2018年政务公开工作要点"),
    ]
    assert sections[4].path == ("一、2017年工作完成情况", "(二)信息公开工作", "1.主动公开情况")
    assert (
        sections[12].text
        == "新旧系统整合期间为工作带来了诸多不便,希望新系统能够进一步完善,提高工作效率。"
    )
    assert_tiles(text, sections)


def test_seed_001_unnumbered_headings():
    text = cleaned(SEEDS / "001_5df7620ebf30b927.txt")
    sections = split_sections(text)
    assert outline(sections, max_level=2) == [
        ("s0", 0, ""),
        ("s1", 1, "一、2017年工作完成情况"),
        ("s1-1", 2, "政务公开制度建设和载体建设情况"),
        ("s1-2", 2, "(二)信息公开工作"),
        ("s1-3", 2, "(三)政策解读和回应关切情况"),
        ("s1-4", 2, "(四)工作创新情况"),
        ("s1-5", 2, "(五)队伍建设情况"),
        ("s2", 1, "存在的问题与建议"),
        ("s2-1", 2, "工作中存在的主要问题,具体表现及原因分析。"),
        ("s2-2", 2, "对我市政务公开工作的意见和建议。"),
        ("s3", 1, "三、2018年政务公开工作要点(简述)"),
    ]
    assert [s.heading for s in sections if s.id.startswith("s1-2-")] == [
        "1.主动公开情况",
        "2.依申请公开情况",
        "3.《大连服务指南》和《政府公报》管理和使用情况",
    ]
    assert_tiles(text, sections)


def test_seed_003_traditional_outline():
    text = cleaned(SEEDS / "003_170688ddfb80e253.txt")
    sections = split_sections(text)
    assert outline(sections) == [
        ("s0", 0, ""),
        ("s1", 1, "一、主要做法及成效"),
        ("s1-1", 2, "(一)加强组织领导,明确公开责任。"),
        ("s1-2", 2, "(二)完善制度保障,规范公开运作。"),
        ("s1-3", 2, "(三)创新公开方式,拓宽公开渠道。"),
        ("s1-4", 2, "(四)打造高标准的网上办事大厅品牌,提高行政管理信息化水平。"),
        ("s1-5", 2, "(四)强化监督考核,提高公开质量。"),
        ("s2", 1, "二、存在的问题"),
        ("s3", 1, "三、下一步工作打算"),
    ]
    assert sections[2].text.startswith("亳州经济开发区整合成立后,高度重视政务公开工作")
    assert_tiles(text, sections)


@needs_corpus
def test_pingtan_2017_one_line_body():
    text = cleaned(next(CORPUS.glob("80506_*.txt")))
    sections = split_sections(text)
    assert outline(sections, max_level=2) == [
        ("s0", 0, ""),
        ("s1", 1, "一、概述"),
        ("s1-1", 2, "(一)加强组织领导,精心部署安排"),
        ("s1-2", 2, "(二)把握工作重点,扎实推进信息公开"),
        ("s2", 1, "二、主动公开政府信息情况"),
        ("s2-1", 2, "(一)主动公开政府信息的数量"),
        ("s2-2", 2, "(二)主动公开政府信息的主要类别"),
        ("s2-3", 2, "(三)主动公开政府信息的主要形式"),
        ("s2-4", 2, "(四)开展政策解读工作情况"),
        ("s2-5", 2, "(五)回应社会关切情况"),
        ("s3", 1, "三、政府信息依申请公开工作情况"),
        ("s4", 1, "四、因政府信息公开申请行政复议、提起行政诉讼的情况"),
        ("s5", 1, "五、存在的主要问题和改进措施"),
        ("s6", 1, "六、政府信息公开情况统计表"),
    ]
    by_id = {s.id: s for s in sections}
    assert [by_id[i].heading for i in ("s1-1-1", "s1-1-2", "s1-1-3", "s1-2-1")] == [
        "1.高度重视。",
        "2.及时部署。",
        "3.拓展载体。",
        "1.推进经济发展信息公开",
    ]
    assert by_id["s1"].text.startswith("2017年,在省政府办公厅的关心和指导下")
    assert by_id["s3"].text == "2017年未收到有关政府信息公开申请。"
    assert_tiles(text, sections)


@needs_corpus
def test_pingtan_2023_national_template_with_flattened_tables():
    text = cleaned(next(CORPUS.glob("87885_*.txt")))
    sections = split_sections(text)
    assert outline(sections) == [
        ("s0", 0, ""),
        ("s1", 1, "一、总体情况"),
        ("s1-1", 2, "(一)主动公开方面"),
        ("s1-2", 2, "(二)依申请公开方面"),
        ("s1-3", 2, "(三)政府信息管理方面"),
        ("s1-4", 2, "(四)信息公开平台建设方面"),
        ("s1-5", 2, "(五)监督保障方面"),
        ("s2", 1, "二、主动公开政府信息情况"),
        ("s3", 1, "三、收到和处理政府信息公开申请情况"),
        ("s4", 1, "四、政府信息公开行政复议、行政诉讼情况"),
        ("s5", 1, "五、存在的主要问题及改进情况"),
        ("s6", 1, "六、其他需要报告的事项"),
    ]
    assert sections[-1].text == "2023年,无收取信息处理费情况。"
    assert_tiles(text, sections)


@needs_corpus
def test_every_corpus_report_tiles_and_has_parts():
    for path in sorted(CORPUS.glob("*.txt")):
        text = cleaned(path)
        sections = split_sections(text)
        assert_tiles(text, sections)
        assert sum(s.level == 1 for s in sections) >= 4, path.name


def test_inline_headings_and_heading_ends():
    text = (
        "本报告由概述等部分组成。一、概述2018年以来,我区认真贯彻落实《条例》。"
        "(一)着力加强公开解读回应工作1.围绕建设法治政府全面推进政务公开。"
        "一是同比增长146.75%。二是完善制度。2.及时部署。区办公室认真组织。"
        "二、主动公开政府信息情况(一)主动公开政府信息的数量2018年全区主动公开政府信息2069条。"
    )
    sections = split_sections(text)
    assert outline(sections) == [
        ("s0", 0, ""),
        ("s1", 1, "一、概述"),
        ("s1-1", 2, "(一)着力加强公开解读回应工作"),
        ("s1-1-1", 3, "1.围绕建设法治政府全面推进政务公开。"),
        ("s1-1-2", 3, "2.及时部署。"),
        ("s2", 1, "二、主动公开政府信息情况"),
        ("s2-1", 2, "(一)主动公开政府信息的数量"),
    ]
    assert sections[3].text == "一是同比增长146.75%。二是完善制度。"
    assert sections[-1].text == "2018年全区主动公开政府信息2069条。"
    assert_tiles(text, sections)


def test_out_of_sequence_markers_are_body_text():
    # 一、 at a boundary but out of sequence, (二) without (一), 3. in a list.
    text = "一、概述\n今年共办理3件。其中:一、二类事项各1件。(二)项不适用。3.5万元已支付。"
    assert outline(split_sections(text)) == [("s1", 1, "一、概述")]


def test_section_fields_for_a_small_report():
    text = "前言。\n一、总体情况\n正文甲。\n(一)主动公开方面。正文乙。"
    assert split_sections(text) == [
        Section("s0", 0, "", (), "前言。", 0, 4),
        Section("s1", 1, "一、总体情况", ("一、总体情况",), "正文甲。", 4, 16),
        Section(
            "s1-1",
            2,
            "(一)主动公开方面。",
            ("一、总体情况", "(一)主动公开方面。"),
            "正文乙。",
            16,
            len(text),
        ),
    ]


def test_empty_and_headingless_text():
    assert split_sections("") == []
    assert split_sections("2017年12月7日") == [
        Section("s0", 0, "", (), "2017年12月7日", 0, len("2017年12月7日"))
    ]


PIECES = [
    "一、概述",
    "二、主动公开政府信息情况",
    "(一)加强组织领导,精心部署安排",
    "(二)依申请公开方面。",
    "1.高度重视。",
    "2.及时部署。",
    "(1)推进财政资金信息公开。",
    "1)领导高度重视,精心筹划部署。",
    "存在的问题与建议",
    "2017年,我区不断深化公开内容。",
    "同比增长146.75%。",
    "一是健全机制;二是完善平台。",
    "其中:1、政府网站公开数条2122100372、政府公报公开数条00",
    "行政复议行政诉讼结果维持0000三、本年度办理结果(一)予以公开1.属于国家秘密0",
    "\n",
    " ",
    "。",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_tiling_invariant_on_random_reports(pieces):
    text = "".join(pieces)
    sections = split_sections(text)
    assert_tiles(text, sections)
    assert all(0 <= s.level <= 4 for s in sections)


TEMPLATE_PARTS_2022 = [
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
    # The report's own typo (行政法复议) is still part 四.
    "四、政府信息公开行政法复议、行政诉讼情况", "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
FORMATS = ROOT / "tests" / "data" / "formats"


def parts(path: Path) -> list[str]:
    import re

    from gxsearch.clean import clean_both

    source = read_file(str(path), path.name)
    folded, shown = clean_both(source.raw, source.wrapped)
    rows = frozenset(re.sub(r"\s+", "", clean(line)) for t in source.tables for line in t.lines())
    sections = split_sections(folded, shown, rows)
    assert_tiles(shown, sections)
    return [s.heading for s in sections if s.level == 1]


@needs_corpus
def test_pingtan_2022_has_all_six_parts_in_every_format():
    # The CMS text flattens the tables onto the lines (…四、结转下年度继续办理0000000 四、…).
    assert parts(next(CORPUS.glob("80629_*.txt"))) == TEMPLATE_PARTS_2022
    for name in ("pingtan-2022.pdf", "pingtan-2022.docx"):
        assert parts(FORMATS / name) == TEMPLATE_PARTS_2022, name


def test_table_rows_that_read_like_parts_are_not_headings():
    # Pingtan 2022's part 三 as a flattened table, rows on their own lines (as PDF text gives it).
    text = "\n".join([
        "一、总体情况",
        "2022年，平潭综合实验区坚持以习近平新时代中国特色社会主义思想为指导。",
        "二、主动公开政府信息情况",
        "行政许可 10690",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量 71 3 0 0 0 0 74",
        "二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1",
        "三、本年度办理结果 （一）予以公开 21 0 0 0 0 0 21",
        "（七）总计 72 3 0 0 0 0 75",
        "四、结转下年度继续办理 0 0 0 0 0 0 0",
        "三、",
        "四、政府信息公开行政复议、行政诉讼情况",
        "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0",
    ])
    got = [(s.level, s.heading) for s in split_sections(clean(text)) if s.level == 1]
    assert got == [(1, "一、总体情况"), (1, "二、主动公开政府信息情况"),
                   (1, "三、收到和处理政府信息公开申请情况"), (1, "四、政府信息公开行政复议、行政诉讼情况")]


@pytest.mark.parametrize("line, heading", [
    # Pingtan 80774 (地方税务局 2013): the heading runs on past its comma.
    ("3、突出重点，提高政务公开工作的针对性为增强政务公开的实效，在公开的时间上，做到“常务”长期公开",
     "3、突出重点,提高政务公开工作的针对性"),
    ("2、突出重点，全面推进政务信息公开载体建设一是门户网站建设功能齐全，对领导介绍、机构设置、局况介绍、工作动态、文件发布",
     "2、突出重点,全面推进政务信息公开载体建设"),
])
def test_a_heading_ends_where_its_text_ends_not_at_a_comma(line, heading):
    text = clean("一、概述\n推进政府信息公开是平潭地税局的一项重要工作。\n1、加强组织领导\n我局成立了领导小组。\n" + line)
    assert [s.heading for s in split_sections(text) if s.level == 3][-1] == heading


def test_problems_part_variant_is_a_template_part():
    text = clean("一、总体情况\n本年度工作平稳。\n存在的主要问题及整改措施\n一是公开深度不足。")
    assert [(s.level, s.heading) for s in split_sections(text)] == [
        (1, "一、总体情况"), (1, "存在的主要问题及整改措施")]


def test_a_numbered_item_that_is_one_long_sentence_is_not_cut_at_its_comma():
    # Pingtan 80716 (2011), part 四 (三), as the DOCX gives it: one paragraph an item.
    text = clean("四、政府信息公开工作存在的主要问题及改进情况\n（三）进一步规范政府信息公开行为\n"
                 "1、加强信息公开培训指导工作，确保政府信息公开准确、及时、规范，不断提升政府信息公开整体工作水平。\n"
                 "2、规范政府信息公开行为，切实履行公开责任。坚持“公开为原则，不公开为例外”。")
    got = [(s.heading, s.text) for s in split_sections(text) if s.level == 3]
    assert got == [
        ("1、加强信息公开培训指导工作,确保政府信息公开准确、及时、规范,不断提升政府信息公开整体工作水平。", ""),
        ("2、规范政府信息公开行为,切实履行公开责任。", "坚持“公开为原则,不公开为例外”。"),
    ]
