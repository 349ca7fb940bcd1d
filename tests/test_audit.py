"""The audit (gxsearch/audit): sentences, reuse against the previous year, near-duplicates,
timeliness, completeness and the comparison of two reports — on made-up pairs built from
real sentences, and on the Pingtan reports.

Character counts below are of normal forms (Han characters, letters and digits; punctuation
dropped), counted by hand from the sentences as printed."""

from pathlib import Path

import pytest

from gxsearch import audit, figures
from gxsearch.audit import duplicates, reuse
from gxsearch.audit.compare import compare, sentence_diff
from gxsearch.audit.completeness import completeness, present_parts
from gxsearch.audit.sentences import compared, fingerprint, is_boilerplate, normal
from gxsearch.audit.timeliness import kind_of, timeliness
from gxsearch.search import get_report

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "pingtan"

# From 平潭县人民政府2013年政府信息公开工作年度报告, part 四.
S24 = "目前，我县在政府信息公开工作的开展中，仍存在一些不足。"  # 24 characters
S18 = "三是依申请公开工作机制仍需进一步规范；"  # 18
S27 = "四是政府信息公开宣传力度还不够，造成公众查阅点利用率不高。"  # 27


def fp(*sections: str) -> dict:
    return fingerprint([{"id": f"s{i}", "text": t} for i, t in enumerate(sections, 1)])


def test_normal_forms_and_what_is_the_templates_own_text():
    assert normal(S24) == "目前我县在政府信息公开工作的开展中仍存在一些不足"
    assert [len(normal(s)) for s in (S24, S18, S27)] == [24, 18, 27]
    # Figures do not make a sentence new: digits are 0 in the normal form.
    assert normal("2013年政府信息公开专栏访问量达19363人次。") == "0年政府信息公开专栏访问量达0人次"
    assert not is_boilerplate(normal(S24))
    for template_text in (
            "一、本年新收政府信息公开申请数量15130000154",  # Pingtan 2025, a flattened table row
            "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。",
            "本报告的电子版可在平潭综合实验区党工委管委会政府门户网站（www.pingtan.gov.cn）"
            "的“政府信息公开专栏”中下载。",
            "如对本报告有任何疑问，请与平潭综合实验区政府信息公开工作领导小组办公室联系。",
            "平潭县人民政府2013年政府信息公开工作年度报告"):
        assert is_boilerplate(normal(template_text)), template_text


def test_a_flattened_table_glued_to_a_sentence_is_compared_by_the_sentence():
    # Pingtan 2024 as published: part 四's table runs into part 五's first sentence.
    glued = ("四、结转下年度继续办理0000000四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持"
             "结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持"
             "结果纠正其他结果尚未审结总计21317000001324019五、存在的主要问题及改进情况2024年，实验区政府信息"
             "公开工作取得了新进展新成果，")
    assert compared(normal(glued)).endswith("0年实验区政府信息公开工作取得了新进展新成果")
    assert compared(normal("本列数据的勾稽关系为：第一项加第二项之和等于第三项加第四项之和")) is None
    assert compared(normal(S24)) == normal(S24)


def test_fingerprint_offsets_point_at_the_sentences():
    text = S24 + "\n" + S18 + "无。"
    got = fp(text)
    assert got["sections"] == ["s1"]
    # 无。 is under 8 characters: left out.
    assert [(n, text[a:b]) for _h, n, _i, a, b in got["sentences"]] == [(24, S24), (18, S18)]


def test_reuse_on_made_up_pairs():
    old = fp(S24 + S18 + S27)
    assert reuse.compare(old, old)["previous_year"] == 1.0
    assert reuse.compare(fp(S24), fp(S18 + S27))["previous_year"] == 0.0
    # One section copied: S24 (24 of 24 + 18 + 27 = 69 characters).
    found = reuse.compare(fp(S24, S18 + S27), fp(S24 + "\n" + S18.replace("三是", "")))
    assert found["previous_year"] == round(24 / 69, 4) == 0.3478
    assert found["passages"] == [{"section_id": "s1", "start": 0, "end": len(S24), "chars": 24,
                                  "sentences": 1, "previous_section_id": "s1"}]
    # No sentences to compare: no share.
    assert reuse.compare(fp("无。"), old)["previous_year"] is None
    assert [reuse.band(x) for x in (None, 0.0, 0.25, 0.5, 0.7499, 0.75, 1.0)] == [
        "无上年报告", "25%以下", "25%–50%", "50%–75%", "50%–75%", "75%以上", "75%以上"]


def test_near_duplicates_on_made_up_reports():
    reports = [
        {"report_id": "a", "issuer": "平潭综合实验区", "fp": fp(S24, S18)},
        {"report_id": "b", "issuer": "平潭县人民政府", "fp": fp(S24, S27)},
        {"report_id": "c", "issuer": "平潭综合实验区", "fp": fp(S18)},  # same issuer as a
    ]
    assert duplicates.nearest(reports) == {
        "a": [{"report_id": "b", "overlap": round(24 / 42, 4)}],
        "b": [{"report_id": "a", "overlap": round(24 / 51, 4)}],
        "c": [],
    }
    # A sentence in more than MAX_HOLDERS reports is a formula of the genre, nobody's copy.
    many = [{"report_id": f"r{i}", "issuer": f"机关{i}", "fp": fp(S24)}
            for i in range(duplicates.MAX_HOLDERS + 1)]
    assert all(v == [] for v in duplicates.nearest(many).values())


def test_timeliness_against_the_regulation():
    # The 2008 regulation, 第三十一条: every body by 3月31日.
    assert timeliness(2011, "2012-04-18 00:00", "平潭县人民政府") == {
        "status": "late", "deadline": "2012-03-31", "published": "2012-04-18", "days_late": 18,
        "kind": "government", "rule": "国务院令第492号第三十一条"}
    # The 2019 revision, 第四十九条: a department by 1月31日, a government by 3月31日.
    assert kind_of("平潭综合实验区国有资产管理局") == "department"
    assert timeliness(2019, "2020-02-03 09:00", "平潭综合实验区国有资产管理局")["days_late"] == 3
    assert timeliness(2019, "2020-03-31", "平潭综合实验区")["status"] == "on_time"
    assert timeliness(2019, "", "平潭综合实验区市场监督管理局") == {
        "status": "unknown", "deadline": "2020-01-31", "published": None, "days_late": None,
        "kind": "department", "rule": "国务院令第711号第四十九条"}
    assert timeliness(None, "2020-01-06 14:31", "平潭综合实验区")["status"] == "unknown"


def test_completeness_of_template_reports():
    headings = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政法复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                "六、其他需要报告的事项"]  # Pingtan 2022, as printed (行政法复议 included)
    assert present_parts(headings) == [1, 2, 3, 4, 5, 6]
    assert present_parts(["三、本年度办理结果"]) == []  # a table row, not part 三
    assert completeness(2022, [1, 2, 3, 4, 6], ["二", "三"]) == {
        "status": "incomplete", "parts": [1, 2, 3, 4, 6], "tables": ["二", "三"],
        "missing": ["第五部分：存在的主要问题及改进情况", "表格：政府信息公开行政复议、行政诉讼情况"]}
    assert completeness(2013, [1, 2], [])["status"] == "not_applicable"


def test_sentence_diff_marks_and_collapses():
    assert sentence_diff(S24 + S18, S24 + S27) == [
        {"op": "same", "text": S24}, {"op": "removed", "text": S18},
        {"op": "added", "text": S27}]
    # Part 四 of 平潭县2013: six sentences; unchanged runs over five are collapsed.
    part4 = ("目前，我县在政府信息公开工作的开展中，仍存在一些不足。一是受人员编制限制，各单位信息公开工作均由"
             "办公室人员兼职经办，由于经办人员流动性大，导致信息公开工作规范程度参差不齐；二是部分单位信息公开"
             "属性界定不准确，主动公开内容不够深化；三是依申请公开工作机制仍需进一步规范；四是政府信息公开宣传"
             "力度还不够，造成公众查阅点利用率不高。因此，我们考虑从以下三个方面作进一步的改进：")
    ops = sentence_diff(part4, part4)
    assert [op["op"] for op in ops] == ["same", "same", "collapsed", "same", "same"]
    assert ops[2] == {"op": "collapsed", "count": 2,
                      "texts": ["二是部分单位信息公开属性界定不准确，主动公开内容不够深化；", S18]}
    assert ops[0]["text"] == S24 and ops[-1]["text"] == "因此，我们考虑从以下三个方面作进一步的改进："


@pytest.fixture(scope="module")
def by_title(corpus_index):
    return {r["title"]: r["report_id"] for r in figures.all_reports(corpus_index)}


def record(corpus_index, by_title, title):
    return audit.of_report(corpus_index, by_title[title])


def test_reuse_across_the_pingtan_years(corpus_index, by_title):
    county = record(corpus_index, by_title, "平潭县人民政府2013年政府信息公开工作年度报告")
    assert county["reuse"]["previous_report_id"] == by_title[
        "平潭县人民政府2012年政府信息公开工作年度报告"]
    assert county["facets"]["reuse"] == "75%以上"
    # The longest repeated passage is the whole of 一、概述: five sentences that stand, as
    # they are, in the 2012 report (read from the file, not from the index).
    longest = county["reuse"]["passages"][0]
    assert (longest["section_id"], longest["sentences"], longest["previous_section_id"]) == (
        "s1", 5, "s1")
    text = get_report(corpus_index, county["report_id"])["sections"]
    body = next(s["text"] for s in text if s["id"] == "s1")[longest["start"]:longest["end"]]
    assert body.startswith("推进政府信息公开工作是平潭县贯彻实施")
    raw2012 = next(CORPUS.glob("80725_*.txt")).read_text(encoding="utf-8")
    assert normal(body)[20:] in normal(raw2012)  # figures aside (0 for each number)
    # 2021 against 2020: read side by side, the only sentences both hold are the preface's
    # prescribed lines (the parts listed, the data period, the download, the contact, the
    # address) — the template's wording, not counted.
    y2021 = record(corpus_index, by_title, "平潭综合实验区2021年度政府信息公开工作年度报告")
    assert y2021["reuse"]["previous_year"] == 0.0 and y2021["reuse"]["passages"] == []
    assert y2021["reuse"]["previous_report_id"] == by_title[
        "平潭综合实验区2020年度政府信息公开工作年度报告"]
    # The first report of an issuer has nothing to compare with.
    first = record(corpus_index, by_title, "平潭综合实验区地方税务局2013年信息公开年度报告")
    assert first["reuse"] == {"previous_year": None, "previous_report_id": None,
                              "passages": []}


def test_near_duplicates_and_timeliness_on_the_corpus(corpus_index, by_title):
    # The county's and the zone's reports on 2011 share most of their text (two bodies of
    # one place); each is the other's nearest report.
    county = record(corpus_index, by_title, "平潭县人民政府2011年政府信息公开工作年度报告")
    zone = record(corpus_index, by_title, "平潭综合实验区2011年政府信息公开工作年度报告")
    assert county["duplicates"][0]["report_id"] == zone["report_id"]
    assert zone["duplicates"][0]["report_id"] == county["report_id"]
    assert county["duplicates"][0]["overlap"] > 0.5
    # Published 2012-04-18 and 2012-04-11 (crawler headers): after 3月31日.
    assert (county["timeliness"]["status"], county["timeliness"]["days_late"]) == ("late", 18)
    assert (zone["timeliness"]["status"], zone["timeliness"]["days_late"]) == ("late", 11)
    # A department's report on 2019, published 2020-01-10: due by 2020-01-31.
    dept = record(corpus_index, by_title, "平潭综合实验区国有资产管理局2019年政府信息公开工作年度报告")
    assert dept["timeliness"] == {"status": "on_time", "deadline": "2020-01-31",
                                  "published": "2020-01-10", "days_late": 0,
                                  "kind": "department", "rule": "国务院令第711号第四十九条"}
    # 遂宁 2018, published 2021-12-22: 997 days after 2019-03-31 (366 + 365 + 266).
    late = record(corpus_index, by_title, "2018年遂宁经济技术开发区管委会政府信息公开工作年度报告")
    assert late["timeliness"]["days_late"] == 997
    complete = record(corpus_index, by_title, "平潭综合实验区2022年度政府信息公开工作年度报告")
    assert complete["completeness"] == {"status": "complete", "parts": [1, 2, 3, 4, 5, 6],
                                        "tables": ["二", "三", "四"], "missing": []}


def test_two_pingtan_reports_side_by_side(corpus_index, by_title):
    a = get_report(corpus_index, by_title["平潭综合实验区2021年度政府信息公开工作年度报告"])
    b = get_report(corpus_index, by_title["平潭综合实验区2022年度政府信息公开工作年度报告"])
    result = compare(a, b)
    pairs = {(r["heading_a"], r["heading_b"]) for r in result["sections"]}
    # Part 四 aligned by the template, though 2022 prints 行政法复议.
    assert ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况") in pairs
    # 2021's 五 had two subsections that 2022 does not.
    assert [r["heading_a"] for r in result["sections"] if r["status"] == "removed"] == [
        "（一）存在的主要问题:", "（二）改进措施："]
    new = {f["key"]: f for f in result["figures"]}
    # 本年新收: 70 in 2021, 74 in 2022 (the tables of both).
    assert new["apply.new"] == {"key": "apply.new", "label": "本年新收", "a": 70, "b": 74,
                                "change": 4}
