"""Tests of the indexer: records, incremental updates, atomic rebuilds, the lock."""

import shutil

import pytest
from conftest import SEEDS

from gxsearch import indexer
from gxsearch.errors import IndexLocked
from gxsearch.indexer import current_generation, index_paths, make_report_id
from gxsearch.read import read_file
from gxsearch.search import open_index, search


def test_report_ids_are_url_safe_and_stable():
    assert make_report_id("seeds/000_d4f0ce14d1955d20.txt") == "seeds-000_d4f0ce14d1955d20"
    rid = make_report_id("pingtan/80485_平潭综合实验区2016年度政府信息公开工作年度报告.txt")
    assert rid == make_report_id("pingtan/80485_平潭综合实验区2016年度政府信息公开工作年度报告.txt")
    assert rid.startswith("pingtan-80485_-2016-") and len(rid) == len("pingtan-80485_-2016-") + 10


def test_analyse_makes_a_report_document_and_one_per_section():
    path = SEEDS / "002_70c4dbb90776e1af.txt"
    result = indexer.analyse(read_file(str(path), path.name), f"seeds/{path.name}")
    report, *sections = result["docs"]
    assert report["kind"] == "report" and report["title"] == "沈抚新区2018年度政府信息公开工作报告"
    assert [s["heading"] for s in sections][:3] == ["", "一、总体公开情况", "二、主动公开政府信息情况"]
    s5 = next(s for s in sections if s["section_id"] == "s5")
    assert (s5["district"], s5["year"], s5["key"]) == (
        "沈抚新区", "2018", "seeds-002_70c4dbb90776e1af#s5")
    assert "依申请公开" in s5["topic"].split(",")


def _copy_seeds(tmp_path):
    src = tmp_path / "reports"
    shutil.copytree(SEEDS, src)
    return src


def test_incremental_update_skips_unchanged_replaces_changed_drops_removed(tmp_path):
    src, ix_dir = _copy_seeds(tmp_path), tmp_path / "index"
    first = index_paths([str(src)], ix_dir)
    assert (first["analysed"], first["reports"], first["rebuilt"]) == (5, 5, True)
    again = index_paths([str(src)], ix_dir)
    assert (again["analysed"], again["unchanged"], again["rebuilt"]) == (0, 5, False)

    changed = src / "002_70c4dbb90776e1af.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace(
        "读取内容中", "新增一句:两微一端矩阵覆盖全区。\n读取内容中"), encoding="utf-8")
    (src / "000_d4f0ce14d1955d20.txt").unlink()
    update = index_paths([str(src)], ix_dir)
    assert (update["analysed"], update["unchanged"], update["removed"]) == (1, 3, 1)
    assert update["reports"] == 4

    ix = open_index(ix_dir)
    assert [h["district"] for h in search(ix, '"两微一端矩阵覆盖全区"')["hits"]] == ["沈抚新区"]
    assert search(ix, "依申请公开", districts=["金普新区"])["total"] == 0
    ix.close()


def test_unreadable_file_is_reported_and_skipped(tmp_path):
    src = _copy_seeds(tmp_path)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    summary = index_paths([str(src), str(tmp_path / "missing")], tmp_path / "index")
    assert summary["reports"] == 5
    reasons = dict(summary["skipped"])
    assert set(reasons) == {str(src / "empty.txt"), str(src / "binary.txt"),
                            str(tmp_path / "missing")}
    assert all(reasons.values())


def test_failed_rebuild_leaves_the_previous_index_serving(tmp_path, monkeypatch):
    src, ix_dir = _copy_seeds(tmp_path), tmp_path / "index"
    index_paths([str(src)], ix_dir)
    live = current_generation(ix_dir)
    ix = open_index(ix_dir)
    before = search(ix, "依申请公开", per_page=0)

    calls = []

    def crash(source, key):
        calls.append(key)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(source, key)

    real = indexer.analyse
    monkeypatch.setattr(indexer, "analyse", crash)
    with pytest.raises(KeyboardInterrupt):
        index_paths([str(src)], ix_dir, rebuild=True)
    assert current_generation(ix_dir) == live
    assert sorted(p.name for p in ix_dir.iterdir()) == ["CURRENT", "LOCK", live.name]
    after = search(ix, "依申请公开", per_page=0)
    assert {**after, "elapsed_ms": 0} == {**before, "elapsed_ms": 0}
    ix.close()


def test_rebuild_swaps_and_an_open_index_follows_without_restart(tmp_path):
    src, ix_dir = _copy_seeds(tmp_path), tmp_path / "index"
    index_paths([str(src)], ix_dir)
    ix = open_index(ix_dir)
    assert search(ix, '"两微一端矩阵"')["total"] == 0
    (src / "new.txt").write_text("某区2019年政府信息公开工作年度报告\n一、总体情况\n两微一端矩阵建成。",
                                 encoding="utf-8")
    summary = index_paths([str(src)], ix_dir, rebuild=True)
    assert summary["generation"].endswith("gen-000002")
    assert search(ix, '"两微一端矩阵"')["total"] == 1
    ix.close()


def test_a_second_indexer_is_refused_with_a_clear_message(tmp_path):
    ix_dir = tmp_path / "index"
    ix_dir.mkdir()
    with indexer._Lock(ix_dir):
        with pytest.raises(IndexLocked, match="another gxsearch indexer"):
            index_paths([str(SEEDS)], ix_dir)


def test_parallel_analysis_gives_the_same_index(tmp_path):
    one = index_paths([str(SEEDS)], tmp_path / "one", procs=1)
    two = index_paths([str(SEEDS)], tmp_path / "two", procs=2)
    assert (one["reports"], one["sections"]) == (two["reports"], two["sections"])
    a, b = open_index(tmp_path / "one"), open_index(tmp_path / "two")
    assert search(a, "公开", per_page=0)["hits"] == search(b, "公开", per_page=0)["hits"]
    a.close()
    b.close()
