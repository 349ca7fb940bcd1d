"""The Word readers: .docx through python-docx (fixtures made by LibreOffice from the
Pingtan reports, tests/data/formats/README.md), Word's list numbering, and legacy .doc through
antiword or LibreOffice."""

import io
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from gxsearch.errors import ReadError
from gxsearch.read import doc as doc_module
from gxsearch.read import read_file
from gxsearch.read.docx import read_docx
from gxsearch.read.pdf import read_pdf

FORMATS = Path(__file__).parent / "data" / "formats"


def test_paragraphs_and_tables_in_document_order():
    p = read_docx((FORMATS / "pingtan-2022.docx").read_bytes())
    lines = p.text.split("\n")
    assert lines[0] == "平潭综合实验区2022年度政府信息公开工作年度报告"
    assert [ln for ln in lines if ln[:2] in ("一、", "二、", "五、", "六、") and len(ln) < 30] == [
        "一、总体情况", "二、主动公开政府信息情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    # Part 三's table sits between its heading and part 四's, one line a row.
    start = lines.index("三、收到和处理政府信息公开申请情况")
    end = lines.index("四、政府信息公开行政法复议、行政诉讼情况")
    assert "一、本年新收政府信息公开申请数量 71 3 0 0 0 0 74" in lines[start:end]
    assert lines[end - 1] == "四、结转下年度继续办理 0 0 0 0 0 0 0"
    assert p.meta == {"title": "平潭综合实验区2022年度政府信息公开工作年度报告"}
    assert p.wrapped is False


def test_docx_tables_equal_the_pdf_tables_of_the_same_report():
    word = read_docx((FORMATS / "pingtan-2022.docx").read_bytes()).tables
    assert [(len(t.rows), len(t.rows[0])) for t in word] == [(14, 4), (28, 10), (4, 15)]
    assert word[1].rows[26][:2] == ("三、本年度办理结果", "（七）总计")
    assert word == read_pdf((FORMATS / "pingtan-2022.pdf").read_bytes()).tables


NUMBERING = """<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="7">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
</w:numbering>"""


def _numbered(doc, text: str, level: int):
    p = doc.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:ilvl w:val="{level}"/><w:numId w:val="3"/></w:numPr>'))


def test_word_numbering_is_written_out_where_it_makes_the_headings():
    doc = docx.Document()
    numbering = doc.part.numbering_part
    numbering._element = parse_xml(NUMBERING)
    # Headings of Pingtan 80629 with Word's automatic numbers instead of typed ones.
    _numbered(doc, "总体情况", 0)
    _numbered(doc, "主动公开方面", 1)
    _numbered(doc, "依申请公开方面", 1)
    _numbered(doc, "主动公开政府信息情况", 0)
    doc.add_paragraph("2022年，全区收到政府信息公开申请75件。")
    buf = io.BytesIO()
    doc.save(buf)
    assert read_docx(buf.getvalue()).text == (
        "一、总体情况\n（一）主动公开方面\n（二）依申请公开方面\n二、主动公开政府信息情况\n"
        "2022年，全区收到政府信息公开申请75件。")


def test_legacy_doc_without_a_converter_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ReadError) as err:
        read_file(str(FORMATS / "pingtan-2022.doc"), "pingtan-2022.doc")
    assert str(err.value) == ("legacy Word .doc needs a converter: install antiword "
                              "(apt-get install antiword) or LibreOffice")


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")
def test_legacy_doc_through_antiword(monkeypatch):
    real = shutil.which
    monkeypatch.setattr(doc_module.shutil, "which",
                        lambda name: real(name) if name == "antiword" else None)
    text = read_file(str(FORMATS / "pingtan-2022.doc"), "x.doc").raw
    assert "本报告中所列数据统计时限为2022年1月1日至2022年12月31日。" in text
    assert "行政规范性文件 88 55 698" in text  # a table row, its rules dropped
    assert "六、其他需要报告的事项" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_legacy_doc_through_libreoffice_keeps_the_tables():
    source = read_file(str(FORMATS / "pingtan-2022.doc"), "x.doc")
    assert [(len(t.rows), len(t.rows[0])) for t in source.tables] == [(14, 4), (28, 10), (4, 15)]
