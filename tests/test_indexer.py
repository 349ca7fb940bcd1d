"""Tests of the indexer: records, incremental updates, atomic rebuilds, the lock."""

import shutil
from pathlib import Path

import pytest
from conftest import SEEDS
from whoosh import index as whoosh_index

from gxsearch import indexer, records, store
from gxsearch.errors import IndexLocked
from gxsearch.indexer import current_generation, index_paths
from gxsearch.read import read_file
from gxsearch.search import get_report, open_index, search


def test_analyse_makes_a_report_document_and_one_per_section():
    path = SEEDS / "002_70c4dbb90776e1af.txt"
    result = records.analyse(read_file(str(path), path.name), str(path),
                             "002_70c4dbb90776e1af-0b55ef0bc6")
    report, *sections = result["docs"]
    assert report["kind"] == "report" and report["title"] == "沈抚新区2018年度政府信息公开工作报告"
    assert [s["heading"] for s in sections][:3] == ["", "一、总体公开情况", "二、主动公开政府信息情况"]
    s5 = next(s for s in sections if s["section_id"] == "s5")
    assert (s5["district"], s5["year"], s5["key"]) == (
        "沈抚新区", "2018", "002_70c4dbb90776e1af-0b55ef0bc6#s5")
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

    def crash(source, key, rid):
        calls.append(key)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(source, key, rid)

    real = records.analyse
    monkeypatch.setattr(records, "analyse", crash)
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
    with store.Lock(ix_dir):
        with pytest.raises(IndexLocked, match="another gxsearch indexer"):
            index_paths([str(SEEDS)], ix_dir)


def test_a_large_part_is_written_as_several_segments_with_the_same_results(tmp_path,
                                                                          monkeypatch):
    one = index_paths([str(SEEDS)], tmp_path / "one", procs=1)
    monkeypatch.setattr(indexer, "SEGMENT_FILES", 2)
    many = index_paths([str(SEEDS)], tmp_path / "many", procs=1)
    assert (one["reports"], one["sections"]) == (many["reports"], many["sections"])
    assert one["reports"] == len(list(SEEDS.iterdir())) == 5
    a, b = open_index(tmp_path / "one"), open_index(tmp_path / "many")
    # Five files, at most two a segment, even sizes: 1 + 2 + 2.
    reader = whoosh_index.open_dir(str(current_generation(tmp_path / "many"))).reader()
    assert [len({s.stored_fields(d)["report_id"] for d in range(s.doc_count_all())})
            for s, _ in reader.leaf_readers()] == [1, 2, 2]
    reader.close()
    for q in ("公开", '"政府信息公开条例"', "复议 OR 诉讼"):
        assert search(a, q, per_page=0)["hits"] == search(b, q, per_page=0)["hits"]
    a.close()
    b.close()


def test_parallel_analysis_gives_the_same_index(tmp_path):
    one = index_paths([str(SEEDS)], tmp_path / "one", procs=1)
    two = index_paths([str(SEEDS)], tmp_path / "two", procs=2)
    assert (one["reports"], one["sections"]) == (two["reports"], two["sections"])
    a, b = open_index(tmp_path / "one"), open_index(tmp_path / "two")
    assert search(a, "公开", per_page=0)["hits"] == search(b, "公开", per_page=0)["hits"]
    a.close()
    b.close()


# --- report identity ----------------------------------------------------------------------

JINPU = SEEDS / "000_d4f0ce14d1955d20.txt"  # 金普新区 2017
SHENFU = SEEDS / "002_70c4dbb90776e1af.txt"  # 沈抚新区 2018


def _place(path, seed):
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(seed, path)
    return path


def _sources(ix_dir, phrase):
    """The file paths of the reports whose sections hold ``phrase``, one per section."""
    with open_index(ix_dir) as ix:
        return sorted(h["source"] for h in search(ix, f'"{phrase}"', per_page=0)["hits"])


def _ids(ix_dir):
    with open_index(ix_dir) as ix:
        return {h["source"]: h["report_id"] for h in search(ix, "year:2000-2030",
                                                              per_page=0)["hits"]}


def test_same_folder_name_under_different_parents_keeps_both_reports(tmp_path):
    a = _place(tmp_path / "a" / "reports" / "x.txt", JINPU)
    b = _place(tmp_path / "b" / "reports" / "x.txt", SHENFU)
    ix_dir = tmp_path / "index"
    for run in range(3):  # it used to lose one of them on the second run, the other on the third
        summary = index_paths([str(a.parent), str(b.parent)], ix_dir)
        assert (summary["reports"], summary["unchanged"]) == (2, 2 if run else 0)
        assert set(_sources(ix_dir, "金普新区")) == {str(a)}
        assert set(_sources(ix_dir, "沈抚新区")) == {str(b)}
    assert len(set(_ids(ix_dir).values())) == 2


def test_names_that_slug_alike_are_two_reports_and_editing_one_keeps_the_other(tmp_path):
    one = _place(tmp_path / "X" / "a" / "b-c.txt", JINPU)
    two = _place(tmp_path / "X" / "a-b" / "c.txt", SHENFU)
    ix_dir = tmp_path / "index"
    index_paths([str(tmp_path / "X")], ix_dir)
    ids = _ids(ix_dir)
    assert ids[str(one)] != ids[str(two)]
    with open_index(ix_dir) as ix:
        report = get_report(ix, ids[str(one)])
    assert report["district"] == "金普新区"
    anchors = [s["id"] for s in report["sections"]]
    assert len(anchors) == len(set(anchors))
    one.write_text(one.read_text(encoding="utf-8") + "\n补充说明：本报告电子版可在门户网站下载。\n",
                   encoding="utf-8")
    summary = index_paths([str(tmp_path / "X")], ix_dir)
    assert (summary["analysed"], summary["unchanged"], summary["removed"], summary["reports"]) == (
        1, 1, 0, 2)
    assert _sources(ix_dir, "本报告电子版可在门户网站下载") == [str(one)]
    assert set(_sources(ix_dir, "沈抚新区")) == {str(two)}
    assert _ids(ix_dir) == ids  # the edited file kept its id


def test_a_moved_folder_keeps_its_reports_and_their_ids(tmp_path):
    from conftest import corpus_files

    src = tmp_path / "pingtan"
    src.mkdir()
    for f in corpus_files():
        shutil.copyfile(f, src / f.name)
    ix_dir = tmp_path / "index"
    assert index_paths([str(src)], ix_dir)["reports"] == 22
    before = {Path(p).name: rid for p, rid in _ids(ix_dir).items()}
    src.rename(tmp_path / "pingtan2")
    summary = index_paths([str(tmp_path / "pingtan2")], ix_dir)
    assert (summary["reports"], summary["moved"], summary["removed"]) == (22, 22, 0)
    after = _ids(ix_dir)
    assert {Path(p).name: rid for p, rid in after.items()} == before
    assert all(p.startswith(str(tmp_path / "pingtan2")) for p in after)
    # Each report once: the 2016 report's title phrase is in that report only.
    hits = _sources(ix_dir, "平潭综合实验区2016年度政府信息公开工作年度报告")
    assert {Path(p).name for p in hits} == {"80485_平潭综合实验区2016年度政府信息公开工作年度报告.txt"}


def test_a_deleted_file_is_removed_whatever_paths_the_next_run_names(tmp_path):
    a = _place(tmp_path / "a" / "x.txt", JINPU)
    b = _place(tmp_path / "b" / "y.txt", SHENFU)
    ix_dir = tmp_path / "index"
    index_paths([str(a.parent)], ix_dir)
    index_paths([str(b.parent)], ix_dir)
    assert len(_ids(ix_dir)) == 2  # a/ was not named by the second run: its report stays
    a.unlink()
    summary = index_paths([str(b.parent)], ix_dir)
    assert (summary["removed"], summary["reports"]) == (1, 1)
    assert _sources(ix_dir, "金普新区") == []


def test_an_identical_copy_is_one_report_and_the_copy_is_named(tmp_path):
    a = _place(tmp_path / "a" / "x.txt", JINPU)
    b = _place(tmp_path / "b" / "copy of x.txt", JINPU)
    ix_dir = tmp_path / "index"
    summary = index_paths([str(a.parent), str(b.parent)], ix_dir)
    assert summary["reports"] == 1
    assert summary["skipped"] == [(str(b), f"same content as {a}")]
    assert set(_sources(ix_dir, "金普新区")) == {str(a)}


def test_deep_links_of_unchanged_files_survive_updates_and_rebuilds(tmp_path):
    src = _copy_seeds(tmp_path)
    ix_dir = tmp_path / "index"
    index_paths([str(src)], ix_dir)
    ids = _ids(ix_dir)
    _place(src / "new" / "x.txt", SEEDS / "003_170688ddfb80e253.txt").rename(src / "new" / "y.txt")
    (src / "003_170688ddfb80e253.txt").unlink()  # so y.txt is 003 moved
    index_paths([str(src)], ix_dir)
    index_paths([str(src)], ix_dir, rebuild=True)
    after = _ids(ix_dir)
    moved = ids.pop(str(src / "003_170688ddfb80e253.txt"))
    assert after.pop(str(src / "new" / "y.txt")) == moved
    assert after == ids
