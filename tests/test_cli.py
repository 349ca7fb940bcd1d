"""Tests of the command line through click's CliRunner."""

import json
import subprocess
import sys

from click.testing import CliRunner
from conftest import SEEDS

from gxsearch.cli import main


def _run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_index_then_search_then_info(tmp_path):
    ix = str(tmp_path / "index")
    out = _run("index", str(SEEDS), "--index-dir", ix)
    assert out.exit_code == 0, out.output
    assert "5 files: 5 indexed, 0 unchanged, 0 moved, 0 removed, 0 skipped; index holds 5 reports" in (
        out.output)
    out = _run("search", "依申请公开", "--index-dir", ix, "--district", "沈抚新区")
    assert out.exit_code == 0
    assert out.output.startswith("2 sections in 1 report (")
    assert ("沈抚新区2018年度政府信息公开工作报告 [沈抚新区 2018] /report/002_70c4dbb90776e1af-0b55ef0bc6\n"
            "  五、依申请公开工作  #s5\n") in out.output
    out = _run("info", "--index-dir", ix)
    assert "reports: 5" in out.output and "years: 2018" in out.output


def test_search_json_is_the_stable_contract(seed_index_dir):
    out = _run("search", '"行政复议"', "--index-dir", str(seed_index_dir), "--json",
               "--limit", "0", "--year", "2018")
    assert out.exit_code == 0
    record = json.loads(out.output)
    assert set(record) == {"query", "total", "total_reports", "hits", "reports", "facets"}
    assert set(record["facets"]) == {"district", "year", "topic", "province", "prefecture", "county",
                                       "check", "reuse", "timeliness", "completeness"}
    assert record["total"] == len(record["hits"]) >= 1
    # Every hit is in one of the reports, each report once.
    assert record["total_reports"] == len(record["reports"]) == len(
        {h["report_id"] for h in record["hits"]})
    assert sorted((r["report_id"], s["section_id"]) for r in record["reports"]
                  for s in r["sections"]) == sorted((h["report_id"], h["section_id"])
                                                    for h in record["hits"])
    assert set(record["reports"][0]) == {"report_id", "title", "district", "province", "year",
                                         "published", "url", "score", "sections", "more"}
    hit = record["hits"][0]
    assert set(hit) == {"report_id", "section_id", "title", "heading", "district", "province",
                        "year", "topics", "snippet", "url"}
    assert hit["url"] == f"/report/{hit['report_id']}#{hit['section_id']}"
    assert "<mark>行政复议</mark>" in hit["snippet"] and hit["year"] == 2018


def test_env_var_names_the_default_index(seed_index_dir):
    out = _run("search", "复议", env={"GXSEARCH_INDEX": str(seed_index_dir)})
    assert out.exit_code == 0 and "sections" in out.output


def test_bad_query_exits_2_with_a_message(seed_index_dir):
    out = _run("search", '"行政复议', "--index-dir", str(seed_index_dir))
    assert out.exit_code == 2
    assert "引号不成对" in out.output and "Traceback" not in out.output


def test_missing_index_exits_2_and_says_how_to_build_it(tmp_path):
    out = _run("search", "公开", "--index-dir", str(tmp_path / "none"))
    assert out.exit_code == 2
    assert "build one with: gxsearch index seeds/" in out.output


def test_nothing_readable_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = _run("index", str(tmp_path), "--index-dir", str(tmp_path / "index"))
    assert out.exit_code == 1
    assert "skipped" in out.output and "empty.txt" in out.output


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "gxsearch", "--help"], capture_output=True,
                         text=True, check=True)
    assert "index" in out.stdout and "search" in out.stdout


def test_serve_without_index_or_seeds_says_how_to_build_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = _run("serve", "--index-dir", str(tmp_path / "index"))
    assert out.exit_code == 2
    assert "no seeds/ directory here" in out.output and "gxsearch index PATH" in out.output


def test_serve_on_a_port_in_use_is_a_clear_error(seed_index_dir):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = _run("serve", "--index-dir", str(seed_index_dir), "--port", str(port),
                   "--workers", "2")
    assert out.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in out.output and "Traceback" not in out.output


# --- reports as published: a folder of every format -----------------------------------------

FORMATS = SEEDS.parent / "tests" / "data" / "formats"
HTML = SEEDS.parent / "tests" / "data" / "html"
MD = """# 平潭综合实验区2022年度政府信息公开工作年度报告

## 一、总体情况

2022年，平潭综合实验区坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神。

## 六、其他需要报告的事项

2022年，无收取信息处理费情况。
"""


def _mixed(tmp_path):
    import shutil

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("pingtan-2022.pdf", "pingtan-2011.docx", "pingtan-2011-scanned.pdf",
                 "pingtan-2011-encrypted.pdf"):
        shutil.copy(FORMATS / name, docs / name)
    shutil.copy(HTML / "pingtan_2024.html", docs / "pingtan_2024.html")
    (docs / "pingtan-2022.md").write_text(MD, encoding="utf-8")
    (docs / "figures.xlsx").write_bytes(b"PK\x03\x04")
    return docs


def test_a_folder_of_every_format_is_read_and_every_skipped_file_named(tmp_path):
    docs, ix = _mixed(tmp_path), str(tmp_path / "index")
    out = _run("index", str(docs), "--index-dir", ix)
    assert out.exit_code == 0, out.output
    skipped = sorted(line for line in out.output.splitlines() if line.startswith("skipped "))
    assert skipped == [
        f"skipped {docs / 'figures.xlsx'}: unsupported format (.xlsx); gxsearch reads .doc .docx "
        ".htm .html .markdown .md .pdf .txt",
        f"skipped {docs / 'pingtan-2011-encrypted.pdf'}: encrypted: the PDF needs a password to open",
        f"skipped {docs / 'pingtan-2011-scanned.pdf'}: no text layer (scanned)",
    ]
    assert "6 files: 4 indexed, 0 unchanged, 0 moved, 0 removed, 3 skipped; index holds 4 reports" in (
        out.output)
    assert "read: 1 docx, 1 html, 1 markdown, 1 pdf (5 pages)" in out.output
    from gxsearch.search import get_report, open_index, search

    index = open_index(ix)
    try:
        ids = {h["report_id"] for h in search(index, "公开", per_page=100)["hits"]}
        reports = {rid: get_report(index, rid) for rid in ids}
        fields = ("title", "issuer", "place", "year", "published", "url", "format")
        got = sorted(tuple(r[f] for f in fields) for r in reports.values())
        # Expected values read off the sources (tests/data/*/README.md, the Pingtan texts).
        assert got == [
            ("平潭县人民政府2011年政府信息公开工作年度报告", "平潭县人民政府", "福建省 › 福州市 › 平潭县",
             2011, "2012-02-20", "", "docx"),  # the signature date 二○一二年二月二十日
            ("平潭综合实验区2022年度政府信息公开工作年度报告", "平潭综合实验区", "福建省 › 福州市 › 平潭县",
             2022, "", "", "markdown"),
            ("平潭综合实验区2022年度政府信息公开工作年度报告", "平潭综合实验区", "福建省 › 福州市 › 平潭县",
             2022, "", "", "pdf"),
            ("平潭综合实验区2024年度政府信息公开工作年度报告", "平潭综合实验区", "福建省 › 福州市 › 平潭县",
             2024, "2025-03-10 15:35",
             "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm", "html"),
        ]
        pdf = next(r for r in reports.values() if r["format"] == "pdf")
        html = next(r for r in reports.values() if r["format"] == "html")
        six = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
        assert [s["heading"] for s in pdf["sections"] if s["level"] == 1] == six + [
            "四、政府信息公开行政法复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
        assert [s["heading"] for s in html["sections"] if s["level"] == 1] == six + [
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]

        def found(q):
            return sorted(get_report(index, h["report_id"])["format"]
                          for h in search(index, q, per_page=100)["hits"])

        assert found('"统计时限为2022年1月1日"') == ["pdf"]  # a wrap inside 2022
        assert found('"规范、集中公开疫情防控信息情况"') == ["pdf"]  # a page break inside 疫情
        assert found('"通过“依申请公开”子栏目"') == ["docx"]
        assert found('"行政机关不再处理其政府信息公开申请"') == ["html", "pdf"]  # inline tags
        for chrome in ("长者模式", "无障碍浏览", "网站标识码", "闽ICP备09032658号", "扫一扫"):
            assert found(chrome) == [], chrome
    finally:
        index.close()


def test_a_folder_with_nothing_readable_exits_1_and_says_why(tmp_path):
    import shutil

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(FORMATS / "pingtan-2011-scanned.pdf", docs / "scan.pdf")
    (docs / "notes.xlsx").write_bytes(b"PK")
    out = _run("index", str(docs), "--index-dir", str(tmp_path / "index"))
    assert out.exit_code == 1
    assert f"skipped {docs / 'scan.pdf'}: no text layer (scanned)" in out.output
    assert "error: nothing readable to index: all 2 files were skipped (reasons above)" in out.output
    empty = tmp_path / "empty"
    empty.mkdir()
    out = _run("index", str(empty), "--index-dir", str(tmp_path / "index2"))
    assert out.exit_code == 1 and "error: nothing readable to index: no report files found" in (
        out.output)


def test_stats_json_and_csv(tmp_path):
    import csv
    import io
    import shutil

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(FORMATS / "pingtan-2022.pdf", docs / "pingtan-2022.pdf")
    shutil.copy(HTML / "pingtan_2024.html", docs / "pingtan_2024.html")
    ix = str(tmp_path / "index")
    assert _run("index", str(docs), "--index-dir", ix).exit_code == 0
    out = _run("stats", "--index-dir", ix, "--json", "--year", "2024")
    assert out.exit_code == 0, out.output
    (report,) = json.loads(out.output)["reports"]
    assert (report["title"], report["year"], report["status"]) == (
        "平潭综合实验区2024年度政府信息公开工作年度报告", 2024, "一致")
    assert report["figures"]["apply.new"] == 218 and report["figures"]["apply.new.natural"] == 217
    out = CliRunner().invoke(main, ["stats", "--index-dir", ix, "--csv"])
    assert out.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(out.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0][:19] == ["报告编号", "标题", "发布机关", "省份", "年度", "发布日期", "模板", "核验",
                            "跨年核对", "未通过的核验", "与上年重复比例", "上年报告", "相似年报数",
                            "及时性", "截止日期", "逾期天数", "完整性", "缺项",
                            "规章（本年制发件数）"]
    col = rows[0].index("一、本年新收政府信息公开申请数量")
    assert [(r[4], r[7], r[col]) for r in rows[1:]] == [("2022", "不一致", "74"),
                                                       ("2024", "一致", "218")]
    # The 2022 report's text says 收到政府信息公开申请75件 where its table has 74.
    assert rows[1][9].startswith("text: apply.new = table: 75 vs 74 (2022年,全区收到")
    out = _run("stats", "--index-dir", ix, "--json", "--check", "不一致")
    assert [r["year"] for r in json.loads(out.output)["reports"]] == [2022]
    assert _run("stats", "--index-dir", ix, "--year", "20x").exit_code == 2


def test_audit_json_csv_and_lines(tmp_path):
    import csv
    import io
    import shutil

    from conftest import corpus_files

    docs = tmp_path / "docs"
    docs.mkdir()
    for f in corpus_files():
        if f.name.startswith(("80716_", "80725_", "80754_")):  # 平潭县人民政府 2011–2013
            shutil.copy(f, docs / f.name)
    ix = str(tmp_path / "index")
    assert _run("index", str(docs), "--index-dir", ix).exit_code == 0
    out = _run("audit", "--index-dir", ix, "--json")
    assert out.exit_code == 0, out.output
    reports = json.loads(out.output)["reports"]
    assert [r["year"] for r in reports] == [2011, 2012, 2013]
    assert set(reports[2]) == {"report_id", "title", "district", "year", "reuse", "duplicates",
                               "timeliness", "completeness", "checks_status"}
    assert set(reports[2]["reuse"]) == {"previous_year", "previous_report_id", "passages"}
    assert reports[2]["reuse"]["previous_report_id"] == reports[1]["report_id"]
    assert reports[2]["reuse"]["passages"][0]["text"].startswith("推进政府信息公开工作是平潭县")
    assert reports[0]["reuse"]["previous_year"] is None
    # One issuer only: no near-duplicates of other bodies.
    assert all(r["duplicates"] == [] for r in reports)
    # Published 2012-04-18, 2013-01-17, 2014-01-22 (crawler headers); due by 3月31日.
    assert [(r["timeliness"]["status"], r["timeliness"]["days_late"]) for r in reports] == [
        ("late", 18), ("on_time", 0), ("on_time", 0)]
    assert reports[0]["completeness"]["status"] == "not_applicable"
    assert reports[0]["checks_status"] == "无表格"

    out = _run("audit", "--index-dir", ix, "--csv", "--timeliness", "逾期")
    assert out.exit_code == 0
    rows = list(csv.reader(io.StringIO(out.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0] == ["报告编号", "标题", "发布机关", "年度", "与上年重复比例", "上年报告", "最长重复段落",
                       "相似年报", "及时性", "发布日期", "截止日期", "逾期天数", "依据", "完整性",
                       "已有部分", "已有表格", "缺项", "核验"]
    assert [r[1] for r in rows[1:]] == ["平潭县人民政府2011年政府信息公开工作年度报告"]
    assert rows[1][8:13] == ["逾期", "2012-04-18", "2012-03-31", "18", "国务院令第492号第三十一条"]

    out = _run("audit", "--index-dir", ix, "--year", "2013")
    assert out.exit_code == 0
    assert out.output.startswith("2013 平潭县人民政府2013年政府信息公开工作年度报告: 与上年重复 ")
    assert out.output.rstrip().endswith("; 相似年报 0; 按时; 非模板; 核验 无表格")

    out = _run("audit", "--index-dir", ix, "--reuse", "一半")
    assert out.exit_code == 2 and "Invalid value for '--reuse'" in out.output
    out = _run("audit", "--index-dir", ix, "--q", "(依申请公开")
    assert out.exit_code == 2 and "Traceback" not in out.output


def test_audit_follows_an_incremental_build(tmp_path):
    import shutil

    from conftest import corpus_files

    docs = tmp_path / "docs"
    docs.mkdir()
    files = {f.name[:6]: f for f in corpus_files()}
    shutil.copy(files["80754_"], docs)  # 平潭县人民政府 2013 alone: no previous year
    ix = tmp_path / "index"
    assert _run("index", str(docs), "--index-dir", str(ix)).exit_code == 0
    first = json.loads(_run("audit", "--index-dir", str(ix), "--json").output)["reports"]
    assert first[0]["reuse"]["previous_year"] is None
    old_gen = next(ix.glob("gen-*"))
    before = (old_gen / "audit.json").read_bytes()
    shutil.copy(files["80725_"], docs)  # its 2012 report arrives
    out = _run("index", str(docs), "--index-dir", str(ix))
    assert "1 indexed, 1 unchanged" in out.output
    after = json.loads(_run("audit", "--index-dir", str(ix), "--json").output)["reports"]
    assert [r["year"] for r in after] == [2012, 2013]
    assert after[1]["reuse"]["previous_report_id"] == after[0]["report_id"]
    assert after[1]["reuse"]["previous_year"] > 0.75
    # The new generation wrote its own file: the one it was linked from is as it was.
    if old_gen.exists():
        assert (old_gen / "audit.json").read_bytes() == before


def test_stats_json_carries_the_reuse_share(tmp_path):
    import shutil

    from conftest import corpus_files

    docs = tmp_path / "docs"
    docs.mkdir()
    for f in corpus_files():
        if f.name.startswith(("80725_", "80754_")):  # 平潭县人民政府 2012, 2013
            shutil.copy(f, docs / f.name)
    ix = str(tmp_path / "index")
    assert _run("index", str(docs), "--index-dir", ix).exit_code == 0
    reports = json.loads(_run("stats", "--index-dir", ix, "--json").output)["reports"]
    assert reports[0]["reuse"] == {"previous_year": None, "previous_report_id": None}
    assert reports[1]["reuse"]["previous_report_id"] == reports[0]["report_id"]
    assert 0.75 < reports[1]["reuse"]["previous_year"] <= 1
    out = _run("stats", "--index-dir", ix, "--json", "--reuse", "75%以上")
    assert [r["year"] for r in json.loads(out.output)["reports"]] == [2013]
