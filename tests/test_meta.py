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
        "issuer": "金普新区",
        "province": "辽宁省",
        "prefecture": "大连市",
        "county": "",
        "place": "辽宁省 › 大连市",
        "year": 2017,
        "published": "2017-12-25",
        "url": "",
    },
    "001_5df7620ebf30b927.txt": {
        "title": "大连保税区2017年度政府信息公开工作报告",
        "district": "大连保税区",
        "issuer": "大连保税区",
        "province": "辽宁省",
        "prefecture": "大连市",
        "county": "",
        "place": "辽宁省 › 大连市",
        "year": 2017,
        "published": "2018-03-28 09:01",
        "url": "",
    },
    "002_70c4dbb90776e1af.txt": {
        "title": "沈抚新区2018年度政府信息公开工作报告",
        "district": "沈抚新区",
        "issuer": "沈抚新区",
        "province": "辽宁省",
        "prefecture": "",
        "county": "",
        "place": "辽宁省",
        "year": 2018,
        "published": "2019-03-18",
        "url": "",
    },
    "003_170688ddfb80e253.txt": {
        "title": "亳州经济开发区2016年度政府信息公开年度报告",
        "district": "亳州经济开发区",
        "issuer": "亳州经济开发区",
        "province": "安徽省",
        "prefecture": "亳州市",
        "county": "",
        "place": "安徽省 › 亳州市",
        "year": 2016,
        "published": "2017-03-10 00:00",
        "url": "",
    },
    "004_e98049079f303380.txt": {
        "title": "2018年遂宁经济技术开发区管委会政府信息公开工作年度报告",
        "district": "遂宁经济技术开发区",
        "issuer": "遂宁经济技术开发区",
        "province": "四川省",
        "prefecture": "遂宁市",
        "county": "",
        "place": "四川省 › 遂宁市",
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
        "issuer": "平潭县人民政府",
        "province": "福建省",
        "prefecture": "福州市",
        "county": "平潭县",
        "place": "福建省 › 福州市 › 平潭县",
        "year": 2012,
        "published": "2013-01-17 00:00",
        "url": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201301/t20130117_80725.htm",
    }


def test_nothing_found_gives_empty_fields():
    raw = "一、总体情况\n今年以来,园区制定并完善了多项工作制度。\n"
    assert extract_meta(raw, clean(raw), {}, "0001.txt") == {
        "title": "",
        "district": "",
        "issuer": "",
        "province": "",
        "prefecture": "",
        "county": "",
        "place": "",
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


# A CMS page saved as text (as the issue saw it): label cells glued to their values, a crawl
# time, the site bar. 沭阳县发展和改革局's 2023 report, 公开日期 2024-01-17.
CMS_TEXT = """繁體版 无障碍 适老化 智能问答
名称沭阳县发展和改革局2023年政府信息公开工作年度报告
索引号 K23017225/2024-00003 分类 政府信息公开年报
发布机构 沭阳县发展和改革局 公开日期 2024-01-17
采集时间: 2025-12-30 10:12
一、总体情况
2023年，沭阳县发展和改革局认真贯彻落实《中华人民共和国政府信息公开条例》。
"""


def test_cms_labels_are_not_part_of_title_or_issuer_and_the_crawl_time_is_not_the_date():
    meta = extract_meta(CMS_TEXT, clean(CMS_TEXT), {}, "a.txt")
    assert {k: meta[k] for k in ("title", "issuer", "place", "year", "published")} == {
        "title": "沭阳县发展和改革局2023年政府信息公开工作年度报告",
        "issuer": "沭阳县发展和改革局",
        "place": "江苏省 › 宿迁市 › 沭阳县",
        "year": 2023,
        "published": "2024-01-17",
    }


def test_document_metadata_is_used_after_the_crawler_header():
    raw = "一、总体情况\n2022年，平潭综合实验区坚持以习近平新时代中国特色社会主义思想为指导。\n"
    doc = {"title": "平潭综合实验区2022年度政府信息公开工作年度报告",
           "published": "2023-02-20 15:07",
           "url": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80629.htm"}
    meta = extract_meta(raw, clean(raw), {}, "a.pdf", doc)
    assert (meta["title"], meta["issuer"], meta["published"], meta["url"], meta["year"]) == (
        doc["title"], "平潭综合实验区", "2023-02-20 15:07", doc["url"], 2022)
    # A title property that is not a title (LibreOffice's "Word Document") loses to the text's.
    text = "平潭综合实验区2022年度政府信息公开工作年度报告\n" + raw
    assert extract_meta(text, clean(text), {}, "a.docx", {"title": "Word Document"})[
        "title"] == "平潭综合实验区2022年度政府信息公开工作年度报告"


def test_signature_date_is_the_published_date_when_nothing_else_says():
    # The end of Pingtan 80716 (2011), as published.
    raw = "四、政府信息公开工作存在的主要问题及改进情况\n4、建立健全政府信息公开社会评议制度。\n平潭县人民政府\n二○一二年二月二十日\n"
    assert extract_meta(raw, clean(raw), {}, "a.pdf")["published"] == "2012-02-20"
