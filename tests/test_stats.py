"""The template's figures and their checks, on real reports in every form they come in.
Expected values are read off the sources (the Pingtan texts; tests/data/*/README.md)."""

from pathlib import Path

import pytest
from conftest import CORPUS

from gxsearch.clean import clean_both, row_key
from gxsearch.read import Table, read_file
from gxsearch.stats import report_stats
from gxsearch.stats.template import COLUMNS, labels, part

FORMATS = Path(__file__).parent / "data" / "formats"
HTML = Path(__file__).parent / "data" / "html"
ROWS = [r.key for r in part("三")]


def stats_of(path: Path) -> dict:
    source = read_file(str(path), path.name)
    rows = frozenset(row_key(line) for t in source.tables for line in t.lines())
    folded, _ = clean_both(source.raw, source.wrapped, rows)
    return report_stats(source.tables, folded)


def part3(figures: dict, key: str) -> list:
    return [figures.get(f"{key}.{c}") for c in COLUMNS] + [figures.get(key)]


def corpus(prefix: str) -> Path:
    files = sorted(CORPUS.glob(f"{prefix}_*.txt")) if CORPUS.is_dir() else []
    if not files:
        pytest.skip("shared corpus not present")
    return files[0]


# Pingtan 2025 (105587), whose tables are flattened: 一、本年新收政府信息公开申请数量15130000154 …
PINGTAN_2025 = {
    "apply.new": [151, 3, 0, 0, 0, 0, 154], "apply.carried_over": [0] * 7,
    "apply.granted": [33, 0, 0, 0, 0, 0, 33], "apply.partial": [38, 0, 0, 0, 0, 0, 38],
    "apply.withheld.state_secret": [0] * 7, "apply.withheld.prohibited_by_law": [0] * 7,
    "apply.withheld.three_safeties": [0] * 7, "apply.withheld.third_party": [0] * 7,
    "apply.withheld.internal_affairs": [3, 0, 0, 0, 0, 0, 3],
    "apply.withheld.process_info": [2, 0, 0, 0, 0, 0, 2],
    "apply.withheld.enforcement_files": [3, 0, 0, 0, 0, 0, 3],
    "apply.withheld.inquiry": [3, 0, 0, 0, 0, 0, 3],
    "apply.unavailable.not_held": [49, 1, 0, 0, 0, 0, 50],
    "apply.unavailable.needs_creation": [3, 0, 0, 0, 0, 0, 3], "apply.unavailable.unclear": [0] * 7,
    "apply.not_processed.petition": [2, 0, 0, 0, 0, 0, 2], "apply.not_processed.repeated": [0] * 7,
    "apply.not_processed.publication": [0] * 7, "apply.not_processed.excessive": [0] * 7,
    "apply.not_processed.confirmation": [0] * 7,
    "apply.other.overdue_correction": [8, 0, 0, 0, 0, 0, 8],
    "apply.other.unpaid_fee": [2, 0, 0, 0, 0, 0, 2], "apply.other.other": [1, 0, 0, 0, 0, 0, 1],
    "apply.result_total": [147, 1, 0, 0, 0, 0, 148],
    "apply.carried_forward": [4, 2, 0, 0, 0, 0, 6],
}


def test_flattened_rows_are_cut_by_the_tables_own_sums():
    got = stats_of(corpus("105587"))
    figures = got["figures"]
    assert {k: part3(figures, k) for k in ROWS} == PINGTAN_2025
    # 330000033 reads as 33|0|0|0|0|0|33 or 3|30|0|0|0|0|33: the column sums settle it.
    assert "apply.granted: settled by the column sums: [33, 0, 0, 0, 0, 0, 33]" in got["notes"]
    # 25 3 8 0 36 | 3 3 0 0 6 | 3 0 0 0 3, from 25380363300630003.
    assert [figures[f"review.{g}"] for g in ("upheld", "corrected", "other", "pending", "total")
            ] == [25, 3, 8, 0, 36]
    assert [figures[f"suit_direct.{g}"] for g in ("upheld", "corrected", "other", "pending",
                                                   "total")] == [3, 3, 0, 0, 6]
    # Part 二: one figure a cell reads; 5845546 under 制发/废止/现行有效 has no sum to cut by.
    assert (figures["active.licensing"], figures["active.penalty"],
            figures["active.enforcement"]) == (2418, 644, 64)
    assert figures["active.rules.issued"] == 0 and figures["active.normative.in_force"] is None
    assert "active.normative: ambiguous: 5845546" in got["notes"]
    assert got["status"] == "一致" and all(c["ok"] for c in got["checks"])


PINGTAN_2022 = {
    "apply.new": [71, 3, 0, 0, 0, 0, 74], "apply.carried_over": [1, 0, 0, 0, 0, 0, 1],
    "apply.granted": [21, 0, 0, 0, 0, 0, 21], "apply.partial": [8, 1, 0, 0, 0, 0, 9],
    "apply.withheld.internal_affairs": [1, 0, 0, 0, 0, 0, 1],
    "apply.withheld.process_info": [2, 0, 0, 0, 0, 0, 2],
    "apply.unavailable.not_held": [37, 0, 0, 0, 0, 0, 37],
    "apply.other.overdue_correction": [2, 0, 0, 0, 0, 0, 2],
    "apply.other.other": [0, 2, 0, 0, 0, 0, 2],
    "apply.result_total": [72, 3, 0, 0, 0, 0, 75], "apply.carried_forward": [0] * 7,
}


@pytest.mark.parametrize("path", [FORMATS / f"pingtan-2022.{ext}" for ext in ("pdf", "docx", "html", "md")])
def test_the_same_report_gives_the_same_figures_in_every_format(path):
    got = stats_of(path)
    flat = stats_of(corpus("80629"))
    for key, values in PINGTAN_2022.items():
        assert part3(got["figures"], key) == values == part3(flat["figures"], key), key
    assert {k: v for k, v in got["figures"].items() if k.startswith(("apply.", "review", "suit"))
            } == {k: v for k, v in flat["figures"].items()
                  if k.startswith(("apply.", "review", "suit"))}
    # The Word/PDF table has a cell each: 88 | 55 | 698 (flattened, 8855698 is ambiguous).
    assert [got["figures"][f"active.normative.{a}"] for a in ("issued", "repealed", "in_force")
            ] == [88, 55, 698]
    assert (got["figures"]["active.licensing"], got["figures"]["active.fees"]) == (10690, 9116.36)
    assert got["sources"] == {"二": "table", "三": "table", "四": "table"}
    assert flat["sources"] == {"二": "text", "三": "text", "四": "text"}
    # The text says 收到政府信息公开申请75件; the table's 新收 is 74 (75 with the one carried
    # over): a real discrepancy of the report, flagged in every format.
    assert [c for c in got["checks"] if not c["ok"]] == [c for c in flat["checks"]
                                                        if not c["ok"]] == [{
        "rule": "text: apply.new = table", "ok": False,
        "detail": "75 vs 74 (2022年,全区收到政府信息公开申请75件,涉及自然人72件、商业企业3件,"
                  "均在法定期限内予以答复,办结率100%。)", "keys": ["apply.new"]}]
    assert got["status"] == flat["status"] == "不一致"


def test_html_tables_of_a_cms_page():
    figures = stats_of(HTML / "pingtan_2024.html")["figures"]
    assert part3(figures, "apply.new") == [217, 1, 0, 0, 0, 0, 218]
    assert [figures[k] for k in ("review.upheld", "review.total", "suit_after_review.upheld",
                                 "suit_after_review.total")] == [2, 7, 13, 19]
    assert figures["active.fees"] == 18651.06


def test_blank_slash_and_zero_are_different_facts():
    cells = ["（七）总计", "72", "", "/", "0", "—", "0", "75"]
    header = ["一、本年新收政府信息公开申请数量", "71", "3", "0", "0", "0", "0", "74"]
    table = Table.from_cells([(r, c, 1, 1, t) for r, row in enumerate([header, cells])
                              for c, t in enumerate(row)])
    figures = report_stats([table], "")["figures"]
    assert part3(figures, "apply.result_total") == [72, None, None, 0, None, 0, 75]


def test_a_table_that_does_not_add_up_is_flagged_and_kept_as_printed():
    text = read_file(str(corpus("105587")), "x").raw
    # Made up: 四、结转下年度继续办理 printed as 5 2 0 0 0 0 7 instead of 4 2 0 0 0 0 6.
    bad = text.replace("四、结转下年度继续办理4200006", "四、结转下年度继续办理5200007")
    assert bad != text
    folded, _ = clean_both(bad)
    got = report_stats([], folded)
    assert part3(got["figures"], "apply.carried_forward") == [5, 2, 0, 0, 0, 0, 7]
    failed = [c for c in got["checks"] if not c["ok"]]
    assert {c["rule"] for c in failed} == {
        "new + carried_over = result_total + carried_forward (natural)",
        "new + carried_over = result_total + carried_forward (total)",
        "text: apply.carried_forward = table"}
    # The text still says 结转至2026年6件.
    assert [c["detail"].split(" (")[0] for c in failed] == ["151 vs 152", "154 vs 155", "6 vs 7"]
    assert got["status"] == "不一致"


def test_reports_without_template_tables():
    got = stats_of(corpus("80716"))  # 2011: the old form
    assert (got["figures"], got["status"]) == ({}, "无表格")


def test_every_key_has_a_chinese_label():
    assert labels()["apply.new.natural"] == "一、本年新收政府信息公开申请数量（自然人）"
    assert labels()["apply.result_total"] == "（七）总计"
    assert labels()["review.total"] == "行政复议（总计）"
    assert labels()["apply.other"] == "（六）其他处理"  # the 2019 template's one row
    assert len(labels()) == 2 * 3 + 4 + (25 + 1) * 7 + 15  # 二, 三 (both templates), 四


def _zero(figures: dict, keys: list[str]) -> None:
    for key in keys:
        assert part3(figures, key) == [0] * 7, key


# Pingtan 2021 (80613), flattened: 一、本年新收政府信息公开申请数量640020470 … (七)总计630020469.
PINGTAN_2021 = {
    "apply.new": [64, 0, 0, 2, 0, 4, 70], "apply.granted": [27, 0, 0, 2, 0, 1, 30],
    "apply.partial": [5, 0, 0, 0, 0, 0, 5], "apply.withheld.internal_affairs": [1, 0, 0, 0, 0, 0, 1],
    "apply.withheld.enforcement_files": [6, 0, 0, 0, 0, 0, 6],
    "apply.withheld.inquiry": [1, 0, 0, 0, 0, 0, 1],
    "apply.unavailable.not_held": [22, 0, 0, 0, 0, 3, 25],
    "apply.other.other": [1, 0, 0, 0, 0, 0, 1], "apply.result_total": [63, 0, 0, 2, 0, 4, 69],
    "apply.carried_forward": [1, 0, 0, 0, 0, 0, 1],
}


def test_pingtan_2021_and_what_its_text_states():
    got = stats_of(corpus("80613"))
    figures = got["figures"]
    for key, values in PINGTAN_2021.items():
        assert part3(figures, key) == values, key
    _zero(figures, [k for k in ROWS if k not in PINGTAN_2021 and k != "apply.other"])
    # 10203120001200000: 1 0 2 0 3 | 12 0 0 0 12 | 0 0 0 0 0.
    assert [figures[f"review.{g}"] for g in GROUPS] == [1, 0, 2, 0, 3]
    assert [figures[f"suit_direct.{g}"] for g in GROUPS] == [12, 0, 0, 0, 12]
    assert [figures[f"suit_after_review.{g}"] for g in GROUPS] == [0] * 5
    assert got["template"] == "2021" and "apply.other" not in figures
    assert got["status"] == "一致"


GROUPS = ("upheld", "corrected", "other", "pending", "total")


def test_the_2019_template_has_one_row_for_other_handling():
    # Pingtan 2019 (80576): （六）其他处理0 0 0 0 0 00（七）总计23 0 00 0 023.
    got = stats_of(corpus("80576"))
    figures = got["figures"]
    assert got["template"] == "2019"
    expected = {"apply.new": [23, 0, 0, 0, 0, 0, 23], "apply.granted": [7, 0, 0, 0, 0, 0, 7],
                "apply.partial": [1, 0, 0, 0, 0, 0, 1],
                "apply.unavailable.not_held": [7, 0, 0, 0, 0, 0, 7],
                "apply.unavailable.unclear": [5, 0, 0, 0, 0, 0, 5],
                "apply.not_processed.repeated": [3, 0, 0, 0, 0, 0, 3],
                "apply.result_total": [23, 0, 0, 0, 0, 0, 23]}
    for key, values in expected.items():
        assert part3(figures, key) == values, key
    _zero(figures, ["apply.other", "apply.carried_over", "apply.carried_forward",
                    "apply.withheld.state_secret", "apply.not_processed.petition"])
    assert not {"apply.other.overdue_correction", "apply.other.unpaid_fee", "apply.other.other"
                } & set(figures)
    assert [figures[f"review.{g}"] for g in GROUPS] == [0] * 5
    # Part 二 has the trial template's columns (本年新制作数量 …): not read as 2021 keys.
    assert not any(k.startswith("active.") for k in figures)
    assert "result_total = sum of results (total)" in {c["rule"] for c in got["checks"]}
    assert got["status"] == "一致"


def test_pingtan_2020s_printed_table_does_not_add_up():
    # 80595: the results of the 自然人 column are 6 + 6 + 4 + 3 + 3 + 4 (其他处理) = 26, but
    # its （七）总计 prints 20 (总计 column: 27 vs 21). A real reporting error, kept as printed.
    got = stats_of(corpus("80595"))
    figures = got["figures"]
    assert part3(figures, "apply.new") == [20, 0, 0, 0, 0, 1, 21]
    assert part3(figures, "apply.granted") == [6, 0, 0, 0, 0, 1, 7]
    assert part3(figures, "apply.other") == [4, 0, 0, 0, 0, 0, 4]
    assert part3(figures, "apply.result_total") == [20, 0, 0, 0, 0, 1, 21]
    assert [(c["rule"], c["detail"]) for c in got["checks"] if not c["ok"]] == [
        ("result_total = sum of results (natural)", "26 vs 20"),
        ("result_total = sum of results (total)", "27 vs 21")]
    # 共受理政府信息公开申请21件 agrees with the table's 新收.
    assert {"rule": "text: apply.new = table", "ok": True,
            "detail": "21 vs 21 (4.认真办理依申请公开2020年全区各级行政机关共受理政府信息公开申请21件,"
                      "受理的申请件已按规定在法定期限内予以答复。)", "keys": ["apply.new"]} in got["checks"]
    assert got["status"] == "不一致"


def test_each_figure_says_where_it_stands():
    source = read_file(str(corpus("105587")), "x")
    folded, shown = clean_both(source.raw)
    from gxsearch.sections import split_sections
    sections = split_sections(folded, shown)
    spans = [(s.id, s.start, s.end) for s in sections]
    got = report_stats([], folded, spans)
    heading = {s.id: s.heading for s in sections}
    row = got["rows"]["apply.new"]
    assert (row["label"], row["from"], row["cells"]) == ("本年新收", "text", "15130000154")
    assert heading[row["section"]] == "三、收到和处理政府信息公开申请情况"
    assert folded[row["at"]:row["at"] + 4] == "本年新收"
    assert heading[got["rows"]["review"]["section"]] == "四、政府信息公开行政复议、行政诉讼情况"
    assert heading[got["rows"]["active.licensing"]["section"]] == "二、主动公开政府信息情况"
    said = got["stated"]["review.total"]
    assert (said["value"], said["sentence"]) == (36, "全年办理因政府信息公开申请引发的行政复议36起,行政诉讼9起。")
    assert heading[said["section"]] == "（二）依申请公开方面。"
    assert got["stated"]["suit.total"]["value"] == 9  # 6 直接起诉 + 3 复议后起诉


def test_old_reports_state_figures_in_sentences_only():
    # Pingtan 2015 counts 审批 applications (共受理申请136437件): not a 政府信息公开 figure.
    assert stats_of(corpus("80445"))["stated"] == {}
    got = stats_of(corpus("80774"))  # 地方税务局 2013: 收到以有关政府信息公开行政复议0件
    assert {k: v["value"] for k, v in got["stated"].items()} == {"review.total": 0}
    assert got["status"] == "无表格" and got["checks"] == []
