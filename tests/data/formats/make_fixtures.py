#!/usr/bin/env python3
"""Build the document-format fixtures in this folder from two real report texts.

    python tests/data/formats/make_fixtures.py [--corpus DIR] [--out DIR]

Needs (only when regenerating, never at test time): LibreOffice (`soffice`),
the Noto CJK fonts, poppler-utils (`pdftoppm`, `pdfinfo`) and `qpdf`.
Python 3.11 standard library only.

What it does:
  1. reads the scraped plain texts of two Pingtan reports (80629: 2022,
     national 2021 template; 80716: 2011, old style) and their meta.jsonl;
  2. cuts each body into title / headings / paragraphs / tables with the
     markers in SPEC_2022 and SPEC_2011 below (every marker must be found in
     the source, in order, so all text comes from the source verbatim);
  3. rebuilds the statistics tables (parts 二, 三, 四 of 2022 and the 2011
     attachment) as real tables with the template's merged cells, and checks
     that flattening each table row by row gives back exactly the source's
     flattened run (whitespace ignored), plus the row/column sums of part 三;
  4. writes one flat OpenDocument text (.fodt) per report (A4, Noto Serif CJK
     SC 12pt, page-number footer) into a temporary folder;
  5. converts with `soffice --headless --convert-to docx|pdf|doc`;
  6. makes pingtan-2011-scanned.pdf (pages rendered by pdftoppm at 100 dpi in
     grey, packed as 4-bit Flate images into an image-only PDF written by this
     script, no text layer) and
     pingtan-2011-encrypted.pdf (qpdf, AES-256, user password below).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[3] / "shared" / "corpus" / "pingtan"
SRC_2022 = "80629_平潭综合实验区2022年度政府信息公开工作年度报告.txt"
SRC_2011 = "80716_平潭县人民政府2011年政府信息公开工作年度报告.txt"
USER_PASSWORD = "gxsearch-user"
OWNER_PASSWORD = "gxsearch-owner"
SCAN_DPI = 100
SCAN_PAGES = 2
BODY_SEP = "==================== 正文 ===================="

# --------------------------------------------------------------------------
# source reading


def read_source(path: Path) -> tuple[dict, str]:
    raw = path.read_text(encoding="utf-8")
    head, sep, body = raw.partition(BODY_SEP)
    if not sep:
        sys.exit(f"{path}: no body separator")
    fields = {}
    for line in head.splitlines():
        key, colon, value = line.partition(": ")
        if colon:
            fields[key.strip()] = value.strip()
    return fields, body.strip()


def read_meta(corpus: Path) -> dict[str, dict]:
    out = {}
    with open(corpus / "meta.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out[rec["id"]] = rec
    return out


# --------------------------------------------------------------------------
# document structure: (kind, marker).  A heading block is exactly its marker;
# whatever follows it up to the next marker becomes a body paragraph.  A 'p'
# block runs from its marker to the next marker.  A table block's source run
# (marker up to next marker) is handed to the named table builder.

HEADING_KINDS = {"h1", "h2", "h3", "annex"}

SPEC_2022 = [
    ("p", "本报告根据《中华人民共和国政府信息公开条例》"),
    ("h1", "一、总体情况"),
    ("h2", "（一）主动公开方面"),
    ("h2", "（二）依申请公开方面"),
    ("h2", "（三）政府信息管理方面"),
    ("h2", "（四）信息公开平台建设方面"),
    ("h2", "（五）监督保障方面"),
    ("h1", "二、主动公开政府信息情况"),
    ("table:part2", "第二十条第（一）项"),
    ("h1", "三、收到和处理政府信息公开申请情况"),
    ("table:part3", "（本列数据的勾稽关系为"),
    ("h1", "四、政府信息公开行政法复议、行政诉讼情况"),  # sic, as in the source
    ("table:part4", "行政复议 行政诉讼"),
    ("h1", "五、存在的主要问题及改进情况"),
    ("p", "2023年，我区将采取以下措施加以改进。"),
    ("h1", "六、其他需要报告的事项"),
]

SPEC_2011 = [
    ("skip", "平潭县人民政府2011年政府信息公开工作年度报告"),  # title repeated in body
    ("p", "本报告主要根据《中华人民共和国政府信息公开条例》"),
    ("h1", "一、 概述"),  # sic: the source has a space after 一、
    ("p", "2011年，县政府办多次召开会议"),
    ("h1", "二、主动公开政府信息情况"),
    ("h2", "（一）主动公开政府信息的数量"),
    ("h2", "（二）主动公开政府信息的主要类别"),
    ("h2", "（三）主动公开政府信息的主要形式"),
    ("h3", "1.门户网站"),
    ("h3", "2.公众查阅点"),
    ("h3", "3.开设政务公开栏"),
    ("h1", "三、政府信息依申请公开工作情况"),
    ("h1", "四、政府信息公开工作存在的主要问题及改进情况"),
    ("p", "（一）进一步深化政府信息公开内容。"),
    ("p", "（二）进一步拓展政府信息公开形式。"),
    ("h2", "（三）进一步规范政府信息公开行为"),
    ("p", "1、加强信息公开培训指导工作"),
    ("p", "2、规范政府信息公开行为，切实履行公开责任。"),
    ("p", "3、做好主动公开信息巡查工作"),
    ("p", "4、建立健全政府信息公开社会评议制度"),
    ("date", "二○一二年二月二十日"),
    ("annex", "附件1：平潭县人民政府2011年政府信息公开情况统计表"),
    ("table:stats2011", "指标名称计量单位"),
]


def split_blocks(body: str, spec) -> list[tuple[str, object]]:
    found = []
    pos = 0
    for kind, marker in spec:
        i = body.find(marker, pos)
        if i < 0:
            sys.exit(f"marker not found after offset {pos}: {marker!r}")
        found.append((kind, marker, i))
        pos = i + len(marker)
    if body[: found[0][2]].strip():
        sys.exit(f"unassigned text before first marker: {body[:found[0][2]]!r}")
    blocks = []
    for n, (kind, marker, i) in enumerate(found):
        end = found[n + 1][2] if n + 1 < len(found) else len(body)
        text = body[i:end].strip()
        if kind == "skip":
            if text != marker:
                blocks.append(("p", text[len(marker):].strip()))
        elif kind in HEADING_KINDS:
            blocks.append((kind, marker))
            rest = text[len(marker):].strip()
            if rest:
                blocks.append(("p", rest))
        elif kind.startswith("table:"):
            blocks.append(("table", TABLE_BUILDERS[kind[6:]](text)))
        else:
            blocks.append((kind, text))
    return blocks


# --------------------------------------------------------------------------
# tables.  A table is (name, column widths in cm, rows); a row is a list of
# cells (text, colspan, rowspan, role) with role in head/label/num.


def C(text, cs=1, rs=1, role="head"):
    return (str(text), cs, rs, role)


def nums(values):
    return [C(v, role="num") for v in values]


def layout(rows, ncols):
    """Place cells on the grid -> list of rows of (origin cell | None=covered)."""
    nrows = len(rows)
    grid = [[None] * ncols for _ in range(nrows)]
    taken = [[False] * ncols for _ in range(nrows)]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c < ncols and taken[r][c]:
                c += 1
            _, cs, rs, _ = cell
            if c + cs > ncols or r + rs > nrows:
                sys.exit(f"cell {cell} does not fit at row {r} col {c}")
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    if taken[rr][cc]:
                        sys.exit(f"overlap at {rr},{cc}")
                    taken[rr][cc] = True
            grid[r][c] = cell
            c += cs
        if not all(taken[r]):
            sys.exit(f"row {r} not full: {row}")
    return grid


def check_flat(name, rows, source_run):
    flat = "".join(cell[0] for row in rows for cell in row)
    a = re.sub(r"\s+", "", flat)
    b = re.sub(r"\s+", "", source_run)
    if a != b:
        k = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        sys.exit(f"table {name}: flattened table differs from source at {k}:\n"
                 f"  table : {a[max(0, k - 30):k + 30]!r}\n  source: {b[max(0, k - 30):k + 30]!r}")


def digit_splits(digits: str, n: int):
    """All ways to cut a digit run into n numbers (no leading zeros)."""
    if n == 1:
        if digits and (digits == "0" or digits[0] != "0"):
            yield (int(digits),)
        return
    for k in range(1, len(digits) - n + 2):
        head = digits[:k]
        if head != "0" and head[0] == "0":
            continue
        for rest in digit_splits(digits[k:], n - 1):
            yield (int(head),) + rest


def build_part2(run):
    rows = [
        [C("第二十条第（一）项", 4)],
        [C("信息内容"), C("本年制发件数"), C("本年废止件数"), C("现行有效件数")],
        [C("规章", role="label")] + nums([0, 0, 0]),
        [C("行政规范性文件", role="label")] + nums([88, 55, 698]),
        [C("第二十条第（五）项", 4)],
        [C("信息内容"), C("本年处理决定数量", 3)],
        [C("行政许可", role="label"), C(10690, 3, role="num")],
        [C("第二十条第（六）项", 4)],
        [C("信息内容"), C("本年处理决定数量", 3)],
        [C("行政处罚", role="label"), C(2113, 3, role="num")],
        [C("行政强制", role="label"), C(0, 3, role="num")],
        [C("第二十条第（八）项", 4)],
        [C("信息内容"), C("本年收费金额（单位：万元）", 3)],
        [C("行政事业性收费", role="label"), C("9116.36", 3, role="num")],
    ]
    check_flat("part2", rows, run)
    return ("part2", [4.6, 3.7, 3.7, 3.8], rows, 10.5)


PART3_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# (level-1 label, level-2 label, level-3 label, values); None = merged upward.
PART3_ROWS = [
    ("一、本年新收政府信息公开申请数量", None, None, [71, 3, 0, 0, 0, 0, 74]),
    ("二、上年结转政府信息公开申请数量", None, None, [1, 0, 0, 0, 0, 0, 1]),
    ("三、本年度办理结果", "（一）予以公开", None, [21, 0, 0, 0, 0, 0, 21]),
    ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, [8, 1, 0, 0, 0, 0, 9]),
    ("", "（三）不予公开", "1.属于国家秘密", [0] * 7),
    ("", "", "2.其他法律行政法规禁止公开", [0] * 7),
    ("", "", "3.危及“三安全一稳定”", [0] * 7),
    ("", "", "4.保护第三方合法权益", [0] * 7),
    ("", "", "5.属于三类内部事务信息", [1, 0, 0, 0, 0, 0, 1]),
    ("", "", "6.属于四类过程性信息", [2, 0, 0, 0, 0, 0, 2]),
    ("", "", "7.属于行政执法案卷", [1, 0, 0, 0, 0, 0, 1]),
    ("", "", "8.属于行政查询事项", [0] * 7),
    ("", "（四）无法提供", "1.本机关不掌握相关政府信息", [37, 0, 0, 0, 0, 0, 37]),
    ("", "", "2.没有现成信息需要另行制作", [0] * 7),
    ("", "", "3.补正后申请内容仍不明确", [0] * 7),
    ("", "（五）不予处理", "1.信访举报投诉类申请", [0] * 7),
    ("", "", "2.重复申请", [0] * 7),
    ("", "", "3.要求提供公开出版物", [0] * 7),
    ("", "", "4.无正当理由大量反复申请", [0] * 7),
    ("", "", "5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    ("", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [2, 0, 0, 0, 0, 0, 2]),
    ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("", "", "3.其他", [0, 2, 0, 0, 0, 0, 2]),
    ("", "（七）总计", None, [72, 3, 0, 0, 0, 0, 75]),
    ("四、结转下年度继续办理", None, None, [0] * 7),
]


def build_part3(run):
    assert len(PART3_ROWS) == 25
    rows = [
        [C("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
         C("申请人情况", 7)],
        [C("自然人", 1, 2), C("法人或其他组织", 5), C("总计", 1, 2)],
        [C(x) for x in PART3_COLS[1:6]],
    ]
    # rowspans of the merged label cells
    span1 = {i: 0 for i in range(len(PART3_ROWS))}
    span2 = dict(span1)
    last1 = last2 = None
    for i, (l1, l2, l3, _) in enumerate(PART3_ROWS):
        if l1:
            last1 = i
        span1[last1] += 1
        if l2:
            last2 = i
        if l2 is not None and l3 is not None:
            span2[last2] += 1
    flat_source = re.sub(r"\s+", "", run)
    pos = 0
    for i, (l1, l2, l3, values) in enumerate(PART3_ROWS):
        row = []
        if l1 and l2 is None:
            row.append(C(l1, 3, role="label"))
        elif l1:
            row.append(C(l1, 1, span1[i], role="label"))
        if l2 and l3 is None:
            row.append(C(l2, 2, role="label"))
        elif l2:
            row.append(C(l2, 1, span2[i], role="label"))
        if l3:
            row.append(C(l3, role="label"))
        row += nums(values)
        rows.append(row)
        # the digits in the source between this row's last label and the next
        # row's first label: check our reading is the only consistent one
        label = re.sub(r"\s+", "", (l3 or l2 or l1))
        pos = flat_source.index(label, pos) + len(label)
        digits = re.match(r"\d*", flat_source[pos:]).group(0)
        nxt = PART3_ROWS[i + 1] if i + 1 < len(PART3_ROWS) else None
        if nxt:
            first = re.sub(r"\s+", "", nxt[0] or nxt[1] or nxt[2])
            m = re.match(r"\d+", first)
            if m:  # next label starts with digits ("2.其他…"): they belong to it
                digits = digits[: len(digits) - len(m.group(0))]
        readings = [s for s in digit_splits(digits, 7) if sum(s[:6]) == s[6]]
        if readings != [tuple(values)]:
            sys.exit(f"part3 row {i + 1} {label}: digits {digits!r} readings {readings} != {values}")
    for col in range(7):  # 一+二 = 三(七总计)+四 ; 三(七) = sum of (一)..(六)
        v = [r[3][col] for r in PART3_ROWS]
        if v[0] + v[1] != v[23] + v[24] or sum(v[2:23]) != v[23]:
            sys.exit(f"part3 column {PART3_COLS[col]} does not add up")
    check_flat("part3", rows, run)
    return ("part3", [1.3, 2.0, 4.4] + [1.157] * 6 + [1.158], rows, 9)


def build_part4(run):
    sub = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    values = [int(x) for x in re.findall(r"\d+", run)]
    assert values == [0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0], values
    rows = [
        [C("行政复议", 5), C("行政诉讼", 10)],
        [C(x, 1, 2) for x in sub] + [C("未经复议直接起诉", 5), C("复议后起诉", 5)],
        [C(x) for x in sub * 2],
        nums(values),
    ]
    check_flat("part4", rows, run)
    return ("part4", [1.053] * 14 + [1.058], rows, 9)


STATS_2011 = [
    ("主动公开信息数", 425, 1516),
    ("其中：1.网站公开", 418, 1509),
    ("2.政府公报公开", 7, 7),
    ("受理依申请公开信息总数", 0, 0),
    ("其中：1.当面申请数", 0, 0),
    ("2.传真申请数", 0, 0),
    ("3.电子邮件申请数", 0, 0),
    ("4.网上申请数", 0, 0),
    ("5.信函申请数", 0, 0),
    ("6.其它形式申请数", 0, 0),
    ("对申请的答复数", 0, 0),
    ("其中：1.同意公开答复数", 0, 0),
    ("2.同意部分公开答复数", 0, 0),
    ("3.否决公开答复数", 0, 0),
    ("行政复议数", 0, 0),
    ("行政诉讼数", 0, 0),
    ("行政申诉数", 0, 0),
]


def build_stats2011(run):
    rows = [[C("指标名称"), C("计量单位"), C("2011年度"), C("历年累计")]]
    for label, year, total in STATS_2011:
        rows.append([C(label, role="label"), C("条", role="num")] + nums([year, total]))
    check_flat("stats2011", rows, run)
    return ("stats2011", [6.8, 2.6, 3.1, 3.1], rows, 10.5)


TABLE_BUILDERS = {
    "part2": build_part2,
    "part3": build_part3,
    "part4": build_part4,
    "stats2011": build_stats2011,
}

# --------------------------------------------------------------------------
# flat ODT

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"


def text_props(font=SERIF, size="12pt", bold=False):
    w = ' fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"' if bold else ""
    return (f'<style:text-properties style:font-name="{font}" fo:font-size="{size}" '
            f'style:font-name-asian="{font}" style:font-size-asian="{size}" '
            f'style:font-name-complex="{font}" style:font-size-complex="{size}"{w}/>')


def para_style(name, align="justify", indent="0pt", before="0pt", after="0pt",
               line="150%", font=SERIF, size="12pt", bold=False, extra=""):
    return (f'<style:style style:name="{name}" style:family="paragraph" style:parent-style-name="Standard">'
            f'<style:paragraph-properties fo:text-align="{align}" fo:text-indent="{indent}" '
            f'fo:margin-top="{before}" fo:margin-bottom="{after}" fo:line-height="{line}"{extra}/>'
            f'{text_props(font, size, bold)}</style:style>')


def styles_xml(footer_xml, margins):
    top, bottom, left, right = margins
    return f"""<office:font-face-decls>
<style:font-face style:name="{SERIF}" svg:font-family="&apos;{SERIF}&apos;" style:font-family-generic="roman" style:font-pitch="variable"/>
<style:font-face style:name="{SANS}" svg:font-family="&apos;{SANS}&apos;" style:font-family-generic="swiss" style:font-pitch="variable"/>
</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph">
<style:paragraph-properties fo:orphans="2" fo:widows="2" style:writing-mode="lr-tb"/>
<style:text-properties style:font-name="{SERIF}" fo:font-size="12pt" fo:language="zh" fo:country="CN" style:font-name-asian="{SERIF}" style:font-size-asian="12pt" style:language-asian="zh" style:country-asian="CN" style:font-name-complex="{SERIF}" style:font-size-complex="12pt"/>
</style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
{para_style("ReportTitle", align="center", before="0pt", after="18pt", line="130%", size="18pt", bold=True)}
{para_style("ReportBody", indent="24pt")}
{para_style("ReportH1", indent="24pt", before="6pt", font=SANS, bold=True)}
{para_style("ReportH2", indent="24pt", bold=True)}
{para_style("ReportH3", indent="24pt")}
{para_style("ReportDate", align="end", before="12pt")}
{para_style("ReportAnnex", align="center", line="130%", after="12pt", font=SANS, size="14pt", bold=True, extra=' fo:break-before="page"')}
{para_style("TableHead", align="center", line="115%", size="9pt")}
{para_style("TableLabel", align="start", line="115%", size="9pt")}
{para_style("TableNum", align="center", line="115%", size="9pt")}
{para_style("TableHead105", align="center", line="115%", size="10.5pt")}
{para_style("TableLabel105", align="start", line="115%", size="10.5pt")}
{para_style("TableNum105", align="center", line="115%", size="10.5pt")}
{para_style("Footer", align="center", line="100%", size="10.5pt")}
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="pm1">
<style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="{top}" fo:margin-bottom="{bottom}" fo:margin-left="{left}" fo:margin-right="{right}" style:writing-mode="lr-tb"/>
<style:footer-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-top="0.5cm"/></style:footer-style>
</style:page-layout>
<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.05cm" style:vertical-align="middle"/></style:style>
@TABLE_STYLES@
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="pm1">
<style:footer>{footer_xml}</style:footer>
</style:master-page>
</office:master-styles>"""


def table_xml(table, styles: list[str]):
    name, widths, rows, size = table
    ncols = len(widths)
    suffix = "" if size == 9 else "105"
    total = sum(widths)
    styles.append(f'<style:style style:name="{name}" style:family="table"><style:table-properties '
                  f'style:width="{total:.3f}cm" table:align="center" fo:margin-top="6pt" fo:margin-bottom="6pt"/></style:style>')
    out = [f'<table:table table:name="{name}" table:style-name="{name}">']
    for i, w in enumerate(widths):
        styles.append(f'<style:style style:name="{name}.C{i}" style:family="table-column">'
                      f'<style:table-column-properties style:column-width="{w:.3f}cm"/></style:style>')
        out.append(f'<table:table-column table:style-name="{name}.C{i}"/>')
    for grow in layout(rows, ncols):
        out.append("<table:table-row>")
        for cell in grow:
            if cell is None:
                out.append("<table:covered-table-cell/>")
                continue
            text, cs, rs, role = cell
            span = ""
            if cs > 1:
                span += f' table:number-columns-spanned="{cs}"'
            if rs > 1:
                span += f' table:number-rows-spanned="{rs}"'
            pstyle = {"head": "TableHead", "label": "TableLabel", "num": "TableNum"}[role] + suffix
            out.append(f'<table:table-cell table:style-name="Cell" office:value-type="string"{span}>'
                       f'<text:p text:style-name="{pstyle}">{escape(text)}</text:p></table:table-cell>')
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "\n".join(out)


def html_table(table) -> str:
    name, widths, rows, _ = table
    out = ["<table>"]
    for grow in layout(rows, len(widths)):
        cells = []
        for cell in grow:
            if cell is None:
                continue
            text, cs, rs, _ = cell
            span = (f' colspan="{cs}"' if cs > 1 else "") + (f' rowspan="{rs}"' if rs > 1 else "")
            cells.append(f"<td{span}>{escape(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def build_html(title, blocks) -> str:
    """The report as a plain HTML page with real tables (merged cells as rowspan/colspan)."""
    tags = {"p": "p", "h1": "h2", "h2": "h3", "h3": "h4", "date": "p", "annex": "p"}
    body = [f"<h1>{escape(title)}</h1>"]
    for kind, content in blocks:
        if kind == "table":
            body.append(html_table(content))
        else:
            body.append(f"<{tags[kind]}>{escape(content)}</{tags[kind]}>")
    return ('<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head>\n<body>\n" + "\n".join(body)
            + "\n</body></html>\n")


def build_markdown(title, blocks) -> str:
    """The report as Markdown: pipe tables, a merged cell's text in its first cell and the
    cells it covers left blank (Markdown has no merged cells); the first row is the header."""
    marks = {"h1": "## ", "h2": "### ", "h3": "#### "}
    out = [f"# {title}", ""]
    for kind, content in blocks:
        if kind != "table":
            out += [marks.get(kind, "") + content, ""]
            continue
        _, widths, rows, _ = content
        grid = layout(rows, len(widths))
        lines = ["| " + " | ".join("" if c is None else c[0].replace("|", "\\|") for c in r)
                 + " |" for r in grid]
        out += [lines[0], "|" + "---|" * len(widths), *lines[1:], ""]
    return "\n".join(out)


PSTYLE = {"p": "ReportBody", "h1": "ReportH1", "h2": "ReportH2", "h3": "ReportH3",
          "date": "ReportDate", "annex": "ReportAnnex"}


def build_fodt(title, created, blocks, footer_xml, margins):
    table_styles: list[str] = []
    body = [f'<text:p text:style-name="ReportTitle">{escape(title)}</text:p>']
    for kind, content in blocks:
        if kind == "table":
            body.append(table_xml(content, table_styles))
        else:
            body.append(f'<text:p text:style-name="{PSTYLE[kind]}">{escape(content)}</text:p>')
    head = styles_xml(footer_xml, margins).replace("@TABLE_STYLES@", "\n".join(table_styles))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">\n'
            f'<office:meta><dc:title>{escape(title)}</dc:title><dc:language>zh-CN</dc:language>'
            f'<meta:creation-date>{created}</meta:creation-date></office:meta>\n'
            f'{head}\n<office:body><office:text>\n' + "\n".join(body) +
            '\n</office:text></office:body></office:document>\n')


FOOTER_2022 = '<text:p text:style-name="Footer">第 <text:page-number text:select-page="current">1</text:page-number> 页</text:p>'
FOOTER_2011 = '<text:p text:style-name="Footer">- <text:page-number text:select-page="current">1</text:page-number> -</text:p>'
# page margins top, bottom, left, right (text width 15.8 cm and 15.6 cm; the
# table column widths above add up to these)
MARGINS_2022 = ("2.54cm", "1.5cm", "2.6cm", "2.6cm")
MARGINS_2011 = ("3.2cm", "2.8cm", "2.7cm", "2.7cm")

# --------------------------------------------------------------------------
# image-only PDF (stdlib): each page a 4-bit grey Flate image, no text layer


def read_pgm(data: bytes):
    """Binary PGM (P5, maxval 255) as written by `pdftoppm -gray` -> (w, h, pixels)."""
    tokens, pos = [], 0
    while len(tokens) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        tokens.append(data[pos:end])
        pos = end
    pos += 1  # the single whitespace after maxval
    magic, w, h, maxval = tokens[0], int(tokens[1]), int(tokens[2]), int(tokens[3])
    if magic != b"P5" or maxval != 255:
        raise ValueError("expected an 8-bit binary PGM")
    return w, h, data[pos:pos + w * h]


def grey4(w, h, px: bytes) -> bytes:
    """Pack 8-bit grey rows into 4-bit samples (rows padded to whole bytes)."""
    out = bytearray()
    for y in range(h):
        row = px[y * w:(y + 1) * w]
        if w % 2:
            row += b"\xff"
        out += bytes(((row[i] >> 4) << 4) | (row[i + 1] >> 4) for i in range(0, len(row), 2))
    return bytes(out)


def images_to_pdf(pgms: list[bytes], dpi: int, title: str) -> bytes:
    objs: list[bytes] = []  # object n is objs[n-1]
    npages = len(pgms)
    page_ids = [3 + 3 * k for k in range(npages)]
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(b"<< /Type /Pages /Count %d /Kids [%s] >>"
                % (npages, b" ".join(b"%d 0 R" % p for p in page_ids)))
    for k, data in enumerate(pgms):
        w, h, px = read_pgm(data)
        img = zlib.compress(grey4(w, h, px), 9)
        pw, ph = w * 72 / dpi, h * 72 / dpi
        pid = page_ids[k]
        content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (pw, ph)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
                    b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                    % (pw, ph, pid + 1, pid + 2))
        objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 4 /Filter /FlateDecode /Length %d >>\nstream\n"
                    % (w, h, len(img)) + img + b"\nendstream")
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    info_id = len(objs) + 1
    t = title.encode("utf-16-be")
    objs.append(b"<< /Title <FEFF" + t.hex().upper().encode() + b"> /Producer (make_fixtures.py) >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, info_id, xref))
    return bytes(out)


# --------------------------------------------------------------------------


def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def soffice_convert(fmt, files, outdir, profile):
    # "doc" -> MS Word 97 binary; "docx" -> Word 2007-365; "pdf" -> writer_pdf_Export
    run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", fmt, "--outdir", outdir, *files],
        stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--keep-fodt", action="store_true", help="also leave the .fodt sources in --out")
    ap.add_argument("--text-only", action="store_true",
                    help="only write pingtan-2022.html and pingtan-2022.md (no tools needed)")
    args = ap.parse_args()
    if args.text_only:
        fields, body = read_source(args.corpus / SRC_2022)
        blocks = split_blocks(body, SPEC_2022)
        for ext, build in (("html", build_html), ("md", build_markdown)):
            path = args.out / f"pingtan-2022.{ext}"
            path.write_text(build(fields["标题"], blocks), encoding="utf-8")
            print(f"{path.stat().st_size:>8}  {path.name}")
        return
    for tool in ("soffice", "pdftoppm", "qpdf"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found (apt-get install libreoffice-writer fonts-noto-cjk poppler-utils qpdf)")

    meta = read_meta(args.corpus)
    reports = []
    for stem, src, spec, footer, margins in (
        ("pingtan-2022", SRC_2022, SPEC_2022, FOOTER_2022, MARGINS_2022),
        ("pingtan-2011", SRC_2011, SPEC_2011, FOOTER_2011, MARGINS_2011),
    ):
        fields, body = read_source(args.corpus / src)
        rec = meta[src.split("_", 1)[0]]
        assert rec["title"] == fields["标题"], (rec["title"], fields["标题"])
        created = rec["published"].replace(" ", "T") + ":00"
        blocks = split_blocks(body, spec)
        reports.append((stem, rec["title"], build_fodt(rec["title"], created, blocks, footer, margins)))

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gxfixtures-") as tmp:
        tmp = Path(tmp)
        fodts = []
        for stem, _, xml in reports:
            p = tmp / f"{stem}.fodt"
            p.write_text(xml, encoding="utf-8")
            fodts.append(p)
            if args.keep_fodt:
                shutil.copy(p, out / p.name)
        profile = tmp / "lo-profile"
        soffice_convert("docx", fodts, out, profile)
        soffice_convert("pdf", fodts, out, profile)
        soffice_convert("doc", [tmp / "pingtan-2022.fodt"], out, profile)

        # scanned: no text layer, grey pages rendered at SCAN_DPI
        run(["pdftoppm", "-r", SCAN_DPI, "-gray",
             "-f", 1, "-l", SCAN_PAGES, out / "pingtan-2011.pdf", tmp / "scan"])
        pages = sorted(tmp.glob("scan-*.pgm"))
        title_2011 = reports[1][1]
        (out / "pingtan-2011-scanned.pdf").write_bytes(
            images_to_pdf([p.read_bytes() for p in pages], SCAN_DPI, title_2011))

        # encrypted: AES-256, a user password is needed to open it
        enc = out / "pingtan-2011-encrypted.pdf"
        run(["qpdf", "--encrypt", USER_PASSWORD, OWNER_PASSWORD, "256", "--",
             out / "pingtan-2011.pdf", enc])

    for name in ("pingtan-2022.docx", "pingtan-2022.pdf", "pingtan-2022.doc",
                 "pingtan-2011.docx", "pingtan-2011.pdf",
                 "pingtan-2011-scanned.pdf", "pingtan-2011-encrypted.pdf"):
        print(f"{os.path.getsize(out / name):>8}  {name}")


if __name__ == "__main__":
    main()
