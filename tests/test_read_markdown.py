"""The Markdown reader: headings without their markers, pipe tables, paragraphs joined."""

from gxsearch.read.markdown import read_markdown

# Pingtan 80629 (2022) converted to Markdown, as converters write it: # headings, **bold**,
# a paragraph wrapped by the converter, a pipe table.
MD = """# 平潭综合实验区2022年度政府信息公开工作年度报告

## 一、总体情况

**（一）主动公开方面**

平潭综合实验区切实落实国务院办公厅、省政府办公厅关于政务公开工作有关要求，持续推进基础信息公开、深化重点领域信息公开，2022年全区共主动公开政府
信息14571条。

## 二、主动公开政府信息情况

| 第二十条第（一）项 | | | |
|---|---|---|---|
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 0 | 0 | 0 |
| 行政规范性文件 | 88 | 55 | 698 |

六、其他需要报告的事项
---------------------

2022年，无收取信息处理费情况。
"""


def test_headings_paragraphs_and_pipe_tables():
    p = read_markdown(MD.encode("utf-8"))
    assert p.text.split("\n") == [
        "平潭综合实验区2022年度政府信息公开工作年度报告",
        "一、总体情况",
        "（一）主动公开方面",
        "平潭综合实验区切实落实国务院办公厅、省政府办公厅关于政务公开工作有关要求，持续推进基础信息公开、"
        "深化重点领域信息公开，2022年全区共主动公开政府信息14571条。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容 本年制发件数 本年废止件数 现行有效件数",
        "规章 0 0 0",
        "行政规范性文件 88 55 698",
        "六、其他需要报告的事项",
        "2022年，无收取信息处理费情况。",
    ]
    (table,) = p.tables
    assert table.rows[3] == ("行政规范性文件", "88", "55", "698")
    assert table.rows[0] == ("第二十条第（一）项", "", "", "")
