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
    assert "沈抚新区2018年度政府信息公开工作报告 [沈抚新区 2018] /report/002_70c4dbb90776e1af-0b55ef0bc6#s5" in (
        out.output)
    out = _run("info", "--index-dir", ix)
    assert "reports: 5" in out.output and "years: 2018" in out.output


def test_search_json_is_the_stable_contract(seed_index_dir):
    out = _run("search", '"行政复议"', "--index-dir", str(seed_index_dir), "--json",
               "--limit", "0", "--year", "2018")
    assert out.exit_code == 0
    record = json.loads(out.output)
    assert set(record) == {"query", "total", "hits", "facets"}
    assert set(record["facets"]) == {"district", "year", "topic", "province"}
    assert record["total"] == len(record["hits"]) >= 1
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
