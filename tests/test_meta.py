import json
from pathlib import Path

import pytest
from conftest import CORPUS

from gxsearch.clean import clean
from gxsearch.meta import (
    district_from_title,
    extract_meta,
    find_published,
    find_title,
    find_year,
    normalise_date,
    normalise_district,
    province_of,
)
from gxsearch.read import read_file

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

TRUTH = (
    [json.loads(line) for line in (CORPUS / "meta.jsonl").read_text("utf-8").splitlines()]
    if (CORPUS / "meta.jsonl").exists()
    else []
)
needs_corpus = pytest.mark.skipif(not TRUTH, reason="shared corpus not present")


def meta_of(path: Path, *, header: bool = True) -> dict:
    src = read_file(str(path), path.name)
    if header:
        return extract_meta(src.raw, clean(src.raw), src.header, path.name)
    # Without the header the file name would give the title away: hide it too.
    return extract_meta(src.raw, clean(src.raw), {}, "report.txt")


SEED_META = {
    "000_d4f0ce14d1955d20.txt": {
        "title": "2017年度金普新区政务公开工作总结",
        "district": "金普新区",
        "province": "辽宁省",
        "year": 2017,
        "published": "2017-12-25",
        "url": "",
    },
    "001_5df7620ebf30b927.txt": {
        "title": "大连保税区2017年度政府信息公开工作报告",
        "district": "大连保税区",
        "province": "辽宁省",
        "year": 2017,
        "published": "2018-03-28 09:01",
        "url": "",
    },
    "002_70c4dbb90776e1af.txt": {
        "title": "沈抚新区2018年度政府信息公开工作报告",
        "district": "沈抚新区",
        "province": "辽宁省",
        "year": 2018,
        "published": "2019-03-18",
        "url": "",
    },
    "003_170688ddfb80e253.txt": {
        "title": "亳州经济开发区2016年度政府信息公开年度报告",
        "district": "亳州经济开发区",
        "province": "安徽省",
        "year": 2016,
        "published": "2017-03-10 00:00",
        "url": "",
    },
    "004_e98049079f303380.txt": {
        "title": "2018年遂宁经济技术开发区管委会政府信息公开工作年度报告",
        "district": "遂宁经济技术开发区",
        "province": "四川省",
        "year": 2018,
        "published": "2021-12-22 09:38",
        "url": "",
    },
}


@pytest.mark.parametrize("name", sorted(SEED_META))
def test_seed_meta(name):
    assert meta_of(SEEDS / name) == SEED_META[name]


@needs_corpus
@pytest.mark.parametrize("truth", TRUTH, ids=[t["id"] for t in TRUTH])
def test_corpus_meta_matches_ground_truth(truth):
    got = meta_of(CORPUS / truth["file"])
    assert {k: got[k] for k in ("title", "year", "published", "url")} == {
        "title": truth["title"],
        "year": truth["report_year"],
        "published": truth["published"],
        "url": truth["url"],
    }
    assert got["province"] == truth["region"].split()[0]


def _loose(title: str) -> str:
    # The body may print 2019年 where the page title says 2019年度, or drop the 管委会.
    return title.replace("年度", "年").replace("管委会", "")


@needs_corpus
def test_corpus_title_and_year_found_without_header():
    got = {t["id"]: meta_of(CORPUS / t["file"], header=False) for t in TRUTH}
    assert {i: m["year"] for i, m in got.items()} == {t["id"]: t["report_year"] for t in TRUTH}
    # Newer reports start straight with 本报告根据…: their title lives only in the header.
    missing = sorted(i for i, m in got.items() if not m["title"])
    assert missing == ["105587", "80629", "87885", "97791"]
    for t in TRUTH:
        if got[t["id"]]["title"]:
            assert _loose(got[t["id"]]["title"]) == _loose(t["title"])


@needs_corpus
def test_corpus_districts_are_shared_facet_values():
    districts = {meta_of(CORPUS / t["file"])["district"] for t in TRUTH}
    assert districts == {
        "平潭综合实验区",
        "平潭县人民政府",
        "平潭综合实验区旅游与文化体育局",
        "平潭综合实验区市场监督管理局",
        "平潭综合实验区国有资产管理局",
        "平潭综合实验区地方税务局",
    }


def test_header_values_win_over_text():
    raw = "沈抚新区2018年度政府信息公开工作报告\n时间:2019年03月18日\n"
    header = {
        "标题": "平潭县人民政府2012年政府信息公开工作年度报告",
        "发布时间": "2013-01-17 00:00",
        "发布机构": "平潭县人民政府",
        "原文链接": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201301/t20130117_80725.htm",
    }
    assert extract_meta(raw, clean(raw), header, "a.txt") == {
        "title": "平潭县人民政府2012年政府信息公开工作年度报告",
        "district": "平潭县人民政府",
        "province": "福建省",
        "year": 2012,
        "published": "2013-01-17 00:00",
        "url": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201301/t20130117_80725.htm",
    }


def test_nothing_found_gives_empty_fields():
    raw = "一、总体情况\n今年以来,园区制定并完善了多项工作制度。\n"
    assert extract_meta(raw, clean(raw), {}, "0001.txt") == {
        "title": "",
        "district": "",
        "province": "",
        "year": None,
        "published": "",
        "url": "",
    }


def test_title_split_over_two_lines_is_joined():
    text = "政府信息公开\n洪泽区人民政府\n2023年政府信息公开工作年度报告\n一、总体情况"
    assert find_title(text) == "洪泽区人民政府2023年政府信息公开工作年度报告"


def test_single_line_title_beats_split_title():
    text = (
        "2018年遂宁经济技术开发区管委会政府信息公开工作年度报告\n"
        "遂宁经济技术开发区\n2018年政府信息公开工作年度报告"
    )
    assert find_title(text) == "2018年遂宁经济技术开发区管委会政府信息公开工作年度报告"


def test_body_sentence_is_not_a_title():
    text = "遂宁经济技术开发区2018年政府信息公开工作年度报告(以下简称年报)是根据《条例》编制。"
    assert find_title(text) == ""


def test_title_from_filename_as_last_resort():
    raw = "根据《中华人民共和国政府信息公开条例》,现将有关情况报告如下。"
    got = extract_meta(
        raw, clean(raw), {}, "80716_平潭县人民政府2011年政府信息公开工作年度报告.txt"
    )
    assert (got["title"], got["district"], got["year"]) == (
        "平潭县人民政府2011年政府信息公开工作年度报告",
        "平潭县人民政府",
        2011,
    )


@pytest.mark.parametrize(
    ("title", "district"),
    [
        ("平潭综合实验区管委会2014年度政府信息公开工作年度报告", "平潭综合实验区"),
        ("2017年度金普新区政务公开工作总结", "金普新区"),
        ("平潭综合实验区地方税务局2013年信息公开年度报告", "平潭综合实验区地方税务局"),
        ("政府信息公开工作年度报告", ""),
    ],
)
def test_district_from_title(title, district):
    assert district_from_title(title) == district


def test_normalise_district():
    assert [
        normalise_district(n)
        for n in ("平潭综合实验区管委会办公室", "大连保税区管委会", "平潭县人民政府", "管委会")
    ] == ["平潭综合实验区", "大连保税区", "平潭县人民政府", "管委会"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-03-28 09:01:34", "2018-03-28 09:01"),
        ("2019年03月18日", "2019-03-18"),
        ("2018年3月6日", "2018-03-06"),
        ("2012-04-11 00:00", "2012-04-11 00:00"),
        ("2018-13-01", ""),
        ("去年", ""),
    ],
)
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected


def test_find_published_from_furniture_and_bare_line():
    furniture = "发布部门:大连保税区管委会发布时间:2018-03-28 09:01:34浏览次数:8316次"
    assert find_published(furniture) == "2018-03-28 09:01"
    assert find_published("时间:2019年03月18日   点击:\n字号:") == "2019-03-18"
    assert find_published("2017年度金普新区政务公开工作总结\n\n2017-12-25\n") == "2017-12-25"
    assert find_published("统计时间:2017年1月1日\n发布时间:2018-01-23 08:51") == "2018-01-23 08:51"
    assert find_published("截止2016年12月7日,主动公开政府信息31条") == ""


def test_find_year_fallbacks():
    period = "本报告所列数据的统计期限自2017年1月1日起至2017年12月31日止。"
    assert find_year("", period, "2018-01-23") == 2017
    assert (
        find_year("", "2018年,在市公开办的指导下,我区电子政务工作有序推进。", "2019-02-01") == 2018
    )
    assert find_year("", "在市公开办的指导下,我区电子政务工作有序推进。", "2019-02-01") is None
    assert (
        find_year("2018年遂宁经济技术开发区管委会政府信息公开工作年度报告", "", "2021-12-22")
        == 2018
    )


def test_province_from_gazetteer_and_text():
    assert [
        province_of(p) for p in ("洪泽区人民政府", "亳州经济开发区", "大连保税区", "某某新区")
    ] == [
        "江苏省",
        "安徽省",
        "辽宁省",
        "",
    ]
    raw = "某某新区2017年度政务公开工作总结\n按照《辽宁省人民政府办公厅关于印发政务公开要点的通知》"
    assert extract_meta(raw, clean(raw), {}, "x.txt")["province"] == "辽宁省"
