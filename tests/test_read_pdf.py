"""The PDF reader on real-looking fixtures made by LibreOffice from the Pingtan reports
(tests/data/formats/README.md says how and lists the facts checked here), and on the two real
government PDFs beside the repo."""

from pathlib import Path

import pytest

from gxsearch.errors import ReadError
from gxsearch.read import read_file
from gxsearch.read.pdf import read_pdf

FORMATS = Path(__file__).parent / "data" / "formats"
REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "pdf"


def pdf(name: str):
    return read_pdf((FORMATS / name).read_bytes())


def test_wraps_inside_words_numbers_and_across_page_breaks_are_joined():
    text = pdf("pingtan-2022.pdf").text
    for phrase in (
        "《中华人民共和国政府信息公开条例》",  # the title of the regulation
        "、《国务院办公厅政府信息与政务公开办公室",  # wrapped inside 国务院
        "本报告中所列数据统计时限为2022年1月1日至2022年12月31日。",  # inside the number 2022
        "2022年全区共主动公开政府信息14571条。",  # inside 政府信息; no layout gap before 条
        "规范、集中公开疫情防控信息情况，主动回应社会关切",  # page 1 → 2, inside 疫情
        "设计规范打造整体统一的的网站界面",  # page 2 → 3, inside 整体
    ):
        assert phrase in text, phrase
    text = pdf("pingtan-2011.pdf").text
    for phrase in (
        "本报告所列数据的统计期限自2011年1月1日起至2011年12月31日。",
        "通过“依申请公开”子栏目，可以向相关部门单位提出",  # page 2 → 3
        "2011年政府信息公开专栏访问量达11460人次。",  # wrapped inside 2011
        "信息公开工作经办人员进行政府信息公开系统的使用，政府信息梳理公开",  # page 1 → 2
    ):
        assert phrase in text, phrase


def test_page_numbers_go_and_paragraphs_and_headings_stay_lines():
    p = pdf("pingtan-2022.pdf")
    lines = p.text.split("\n")
    assert not [line for line in lines if line.startswith("第") and line.endswith("页")]
    assert lines[:3] == [
        "平潭综合实验区2022年度政府信息公开工作年度报告",
        lines[1],
        "一、总体情况",
    ]
    assert lines[1].startswith("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）")
    assert lines[1].endswith("电话：0591-23165385）。")
    assert "（一）主动公开方面" in lines and "六、其他需要报告的事项" in lines
    assert lines[-1] == "2022年，无收取信息处理费情况。"
    assert (p.pages, p.wrapped, p.meta) == (
        5, False, {"title": "平潭综合实验区2022年度政府信息公开工作年度报告"})
    assert not [ln for ln in pdf("pingtan-2011.pdf").text.split("\n")
                if ln.strip("- ").isdigit()]


def test_tables_come_with_their_grid_merged_cells_and_page_breaks_resolved():
    tables = pdf("pingtan-2022.pdf").tables
    assert [(len(t.rows), len(t.rows[0])) for t in tables] == [(14, 4), (28, 10), (4, 15)]
    part3 = tables[1]
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert part3.rows[0] == (note,) * 3 + ("申请人情况",) * 7
    assert part3.rows[2] == (note,) * 3 + ("自然人", "商业企业", "科研机构", "社会公益组织",
                                           "法律服务机构", "其他", "总计")
    assert part3.rows[3] == ("一、本年新收政府信息公开申请数量",) * 3 + tuple(
        "71 3 0 0 0 0 74".split())
    assert part3.rows[5] == ("三、本年度办理结果", "（一）予以公开", "（一）予以公开") + tuple(
        "21 0 0 0 0 0 21".split())
    # The part breaks across pages 4 and 5; 三、本年度办理结果 goes on over the break.
    assert part3.rows[26] == ("三、本年度办理结果", "（七）总计", "（七）总计") + tuple(
        "72 3 0 0 0 0 75".split())
    assert part3.rows[27] == ("四、结转下年度继续办理",) * 3 + ("0",) * 7
    assert (5, 0, 22, 1) in part3.spans and (0, 0, 3, 3) in part3.spans
    # Part 二 breaks between 行政处罚 2113 (page 3) and 行政强制 0 (page 4).
    assert tables[0].rows[10][:2] == ("行政强制", "0")
    assert tables[0].rows[3] == ("行政规范性文件", "88", "55", "698")
    assert tables[2].rows[3] == tuple("0 1 1 0 2 1 0 0 0 1 0 0 0 0 0".split())
    # In the text, one line a row, each merged cell once.
    assert "三、本年度办理结果 （一）予以公开 21 0 0 0 0 0 21" in pdf("pingtan-2022.pdf").text
    (annex,) = pdf("pingtan-2011.pdf").tables
    assert annex.rows[0] == ("指标名称", "计量单位", "2011年度", "历年累计")
    assert annex.rows[1] == ("主动公开信息数", "条", "425", "1516")


@pytest.mark.parametrize("name, reason", [
    ("pingtan-2011-scanned.pdf", "no text layer (scanned)"),
    ("pingtan-2011-encrypted.pdf", "encrypted: the PDF needs a password to open"),
])
def test_scanned_and_encrypted_pdfs_are_skipped_with_their_reason(name, reason):
    with pytest.raises(ReadError) as err:
        read_file(str(FORMATS / name), name)
    assert str(err.value) == reason


def test_a_damaged_pdf_names_itself(tmp_path):
    bad = tmp_path / "cut.pdf"
    bad.write_bytes((FORMATS / "pingtan-2011.pdf").read_bytes()[:3000])
    with pytest.raises(ReadError) as err:
        read_file(str(bad), "cut.pdf")
    assert str(err.value).startswith("damaged PDF")


def test_real_government_pdfs_read_with_tables_and_without_page_furniture():
    files = sorted(REAL.glob("*.pdf")) if REAL.is_dir() else []
    if not files:
        pytest.skip(f"real PDFs not found at {REAL}")
    for path in files:
        p = read_pdf(path.read_bytes())
        assert p.pages > 1 and len(p.text) > 1000, path.name
        assert p.tables, path.name
        # Each table is a full grid.
        assert all(len({len(r) for r in t.rows}) == 1 for t in p.tables)
    welfare = read_pdf((REAL / "putuo-welfare-2024-budget.pdf").read_bytes())
    lines = welfare.text.split("\n")
    # Its text is set in a 720 pt font scaled down: lines are still lines.
    assert lines[:3] == ["上海市普陀区社会福利院2024年单位预算", "预算单位：上海市普陀区社会福利院", "目录"]
    # Wraps of indented paragraphs on a page whose margins differ from the table pages'.
    assert "比2023年预算增加0.46万元；事业收入262.00万元；事业单位经营收入0.00万元" in welfare.text
    assert "一般公共预算拨款支出预算950.12万元" in welfare.text
    assert "上海市普陀区社会福利院设5个内设机构，包括：院长室、办公室、财务室、后勤部、护理部。" in lines
