import re
from pathlib import Path

import pytest
from conftest import CORPUS

from gxsearch.clean import clean, fold, spellings
from gxsearch.read import read_file

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

FILES = sorted(SEEDS.glob("*.txt")) + sorted(CORPUS.glob("*.txt"))

FURNITURE = [
    "当前位置", "您现在所在的位置", "首页 >", "字号", "字体:", "打印本页", "扫一扫",
    "读取内容中", "责编", "Baidu", "附件下载", "-->", "浏览次数", "点击:", "QQ空间",
    "文字版 文件下载", "相关链接", "发布部门", "来源:经济开发区管委会",
    "时间:2018-01-23", "来源:平潭综合实验区旅游与文化体育局",
]
FURNITURE_LINES = {"打印", "收藏", "map", "政府信息公开年报"}


def cleaned(name: str) -> str:
    path = SEEDS / name if (SEEDS / name).exists() else CORPUS / name
    return clean(read_file(str(path), name).raw)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（一）主动公开", "(一)主动公开"),
        ("２０１８年", "2018年"),
        ("一、\u3000总体情况", "一、 总体情况"),
        ("安徽亳州高新技術(shù)產(chǎn)業(yè)開發(fā)區(qū)", "安徽亳州高新技术产业开发区"),
        ("指導(dǎo)", "指导"),
        ("旅(lǚ)遊(yóu)", "旅游"),
        ("依申請公開", "依申请公开"),
        ("政務公開", "政务公开"),
        ("(A类1件)", "(A类1件)"),
        ("《条例》(以下简称《条例》)", "《条例》(以下简称《条例》)"),
        ("大保行服发(2017)1号", "大保行服发(2017)1号"),
        ("申请人(自然)", "申请人(自然)"),
        ("电子邮箱:(snjjkfqdzb@163.com)", "电子邮箱:(snjjkfqdzb@163.com)"),
        ("微信公众号(wechat)", "微信公众号(wechat)"),
        ("“中国·平潭”门户网站（www.pingtan.gov.cn）", "“中国·平潭”门户网站(www.pingtan.gov.cn)"),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_fold_leaves_simplified_text_alone():
    line = SEEDS.joinpath("002_70c4dbb90776e1af.txt").read_text("utf-8").splitlines()[1]
    assert fold(line) == line == "沈抚新区2018年度政府信息公开工作报告"


def test_clean_traditional_seed():
    text = cleaned("003_170688ddfb80e253.txt")
    assert text.split("\n")[:3] == [
        "安徽亳州高新技术产业开发区管理委员会",
        "亳州经济开发区2016年度政府信息公开年度报告",
        "2016年,亳州经济开发区在市政办的帮助指导下,认真贯彻执行《中华人民共和国政府信息公开条例》,"
        "扎实推进政府信息公开工作,取得了一定成效。根据《亳州市人民政府办公室关于做好2016年度政府"
        "信息公开年度报告编制发布工作的通知》(亳政办明电〔2017〕4号)要求,现将2016年亳州经济开发区"
        "政务公开工作情况报告如下:",
    ]
    assert "(一)加强组织领导,明确公开责任。" in text
    assert text.endswith("\n亳州经济开发区管委会\n2017年3月10日")
    assert re.search(r"\([a-zà-ü\u0100-\u01dc]+\)", text) is None
    assert not set("開發區報術經務聯") & set(text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:12])
def test_clean_removes_furniture_everywhere(path):
    text = clean(read_file(str(path), path.name).raw)
    assert [s for s in FURNITURE if s in text] == []
    lines = text.split("\n")
    assert FURNITURE_LINES.isdisjoint(lines)
    assert all(line and line == line.strip() for line in lines)
    assert "  " not in text


@pytest.mark.parametrize(
    ("name", "head", "tail"),
    [
        ("000_d4f0ce14d1955d20.txt", ["2017年度金普新区政务公开工作总结", "2017-12-25"],
         ["2017年12月7日"]),
        ("001_5df7620ebf30b927.txt",
         ["大连保税区2017年度政府信息公开工作报告", "一、2017年工作完成情况"],
         ["四是继续加大政府信息公开监督检查力度,推动政务公开工作实现新突破、再上新台阶。",
          "2018年3月26日"]),
        ("002_70c4dbb90776e1af.txt", ["政府信息公开", "沈抚新区2018年度政府信息公开工作报告"],
         ["七、存在的问题",
          "政务信息公开工作存在三点问题:一是重点领域政府信息公开有待加强。二是信息公开工作人员的"
          "服务意识仍需增强,业务水平有待提高。三是互联网政务服务能力和市民期待还有很大差距。"]),
        ("004_e98049079f303380.txt",
         ["政府信息公开", "2018年遂宁经济技术开发区管委会政府信息公开工作年度报告",
          "遂宁经济技术开发区", "2018年政府信息公开工作年度报告"],
         ["遂宁经济技术开发区综合办", "2018年2月15日"]),
    ],
)
def test_clean_seed_keeps_report_edges(name, head, tail):
    lines = cleaned(name).split("\n")
    assert lines[: len(head)] == head
    assert lines[-len(tail):] == tail


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_clean_pingtan_one_line_bodies():
    lines = cleaned("80506_平潭综合实验区2017年度政府信息公开工作年度报告.txt").split("\n")
    assert lines[0] == "平潭综合实验区2017年度政府信息公开工作年度报告"
    assert lines[1].startswith("根据《中华人民共和国政府信息公开条例》(以下简称《条例》)、")
    assert lines[-1].endswith("行政复议数件00行政诉讼数件00")

    name = "19090_平潭综合实验区旅游与文化体育局2019年度政府信息公开工作年度报告.txt"
    lines = cleaned(name).split("\n")
    assert lines[0] == "平潭综合实验区旅游与文化体育局2019年度政府信息公开工作年度报告"
    assert lines[-1] == "平潭综合实验区旅游与文化体育局2020年1月2日"

    lines = cleaned("80774_平潭综合实验区地方税务局2013年信息公开年度报告.txt").split("\n")
    assert lines[:3] == [
        "平潭综合实验区地方税务局2013年信息公开年度报告",
        "根据《中华人民共和国政府信息公开条例》以及《福建省政府信息公开办法》,特向社会公布2013年度"
        "平潭县地税局信息公开年度报告。本报告中所列数据的统计期限自2013年1月1日起至2013年12月31日止。",
        "一、概述",
    ]
    assert "二、主动公开政府信息情况" in lines
    assert lines[-1] == (
        "2013年用于税收宣传、税收政策公告、设立和更新公开栏等产生的政府信息公开费用1万元。"
    )


# Seed 003's first paragraph, simplified, as a PDF would have it (full-width punctuation).
SENTENCE = (
    "2016年，亳州经济开发区在市政办的帮助指导下，认真贯彻执行《中华人民共和国政府信息公开条例》，"
    "扎实推进政府信息公开工作，取得了一定成效。根据《亳州市人民政府办公室关于做好2016年度政府信息"
    "公开年度报告编制发布工作的通知》（亳政办明电〔2017〕4号）要求，现将2016年亳州经济开发区政务"
    "公开工作情况报告如下："
)


def test_clean_rejoins_hard_wrapped_lines():
    wrapped = "\n".join(SENTENCE[i:i + 37] for i in range(0, len(SENTENCE), 37))
    assert "中华人民共和\n国政府信息公开条例" in wrapped
    raw = f"一、 主要做法及成效\n{wrapped}\n- 2 -\n（一）加强组织领导\n{wrapped}\n"
    one = fold(SENTENCE)
    assert "《中华人民共和国政府信息公开条例》" in one
    assert clean(raw) == f"一、主要做法及成效\n{one}\n(一)加强组织领导\n{one}"


def test_clean_keeps_unwrapped_lines_apart():
    raw = (
        "政府信息公开\n2018年遂宁经济技术开发区管委会政府信息公开工作年度报告\n"
        "遂宁经济技术开发区\n2018年政府信息公开工作年度报告"
    )
    assert clean(raw) == raw


@pytest.mark.parametrize(
    "page", ["- 5 -", "— 1 —", "-5-", "第 3 页", "第3页 共12页", "3/12", "－ 7 －"]
)
def test_clean_drops_page_numbers(page):
    assert clean(f"七、存在的问题\n{page}\n无") == "七、存在的问题\n无"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023 年", "2023年"),
        ("  2018年 2月15日  ", "2018年2月15日"),
        ("一、 总体公开情况", "一、总体公开情况"),
        ("综合办  \n \n  2018年 2月15日", "综合办\n2018年2月15日"),
        ("通过APP store可下载iOS版本", "通过APP store可下载iOS版本"),
        ("主动公开信息数 条 425 1516", "主动公开信息数条425 1516"),
    ],
)
def test_clean_collapses_spaces(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "furniture",
    [
        "当前位置:首页 > 信息中心",
        "您現(xiàn)在所在的位置: 網(wǎng)站首頁 > 政府信息公開 > 政府信息公開年報",
        "发布部门:大连保税区管委会发布时间:2018-03-28 09:01:34浏览次数:8316次",
        "来源:经济开发区管委会 发布时间:2021-12-22 09:38 浏览次数: 字体: [ ] 收藏 打印",
        "時間:2019年03月18日   點擊:",
        "字号:       打印本页",
        "扫一扫在手机打开当前页",
        "读取内容中,请等待...",
        "责编:金渤海岸经济区管委会",
        "Baidu",
        "map",
        "附件下载",
        "<!-- 正文开始 -->",
    ],
)
def test_clean_drops_furniture_lines(furniture):
    assert clean(f"一、总体情况\n{furniture}\n2018年3月26日") == "一、总体情况\n2018年3月26日"


def test_a_traditional_text_has_each_simplified_spelling_its_characters_allow():
    # OpenCC converts by phrase: 答覆內容 (seed 001's 答复内容, in traditional) becomes
    # 答复内容, but 覆內容 alone becomes 覆内容, since 覆 is also simplified (覆盖).
    assert fold("答覆內容") == "答复内容" and fold("覆內容") == "覆内容"
    assert spellings("覆內容") == ["覆内容", "复内容"]
    assert spellings("答覆內容") == ["答复内容", "答覆内容"]
    # One spelling: a simplified text, or characters with one simplified form each (開 has
    # a rare second form outside the Basic Multilingual Plane, left out).
    assert spellings("覆盖") == ["覆盖"] and spellings("依申請公開") == ["依申请公开"]
    assert spellings("技術(shù)開發(fā)區(qū)") == ["技术开发区"]
