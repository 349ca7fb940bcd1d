"""The open index: following the on-disk index, and warming a new generation before serving it."""

import gc
import hashlib
import threading
import time
import weakref

import numpy as np
from conftest import SEEDS

from gxsearch import search as api
from gxsearch.indexer import index_paths
from gxsearch.match import substring_docs
from gxsearch.search import open_index, search

NEW_REPORT = ("某区2021年政府信息公开工作年度报告\n一、总体情况\n"
              "本年度开展政务公开数字沙盘演练，依申请公开3件。\n")
QUERIES = [("依申请公开", {}), ('"行政复议"', {}), ("复议", {"years": ["2018"]}),
           ("主动公开 -收费", {"sort": "year"}), ("政务公开数字沙盘演练", {})]


def _answer(ix, query, args):
    out = search(ix, query, **args)
    out.pop("elapsed_ms")
    return out


def _add_report(tmp_path):
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "r.txt").write_text(NEW_REPORT, encoding="utf-8")
    index_paths([str(SEEDS), str(tmp_path / "new")], tmp_path / "index")


def test_without_warming_the_next_request_sees_the_new_generation(tmp_path):
    index_paths([str(SEEDS)], tmp_path / "index")
    with open_index(tmp_path / "index") as ix:
        old = ix.current()
        assert search(ix, "政务公开数字沙盘演练")["total"] == 0
        _add_report(tmp_path)
        assert ix.current() is not old and ix.swaps == 1
        assert search(ix, "政务公开数字沙盘演练")["total"] == 1


def test_a_new_generation_is_served_once_warmed_with_the_recent_queries(tmp_path, monkeypatch):
    index_paths([str(SEEDS)], tmp_path / "index")
    ready = threading.Event()
    ix = open_index(tmp_path / "index", warm_seconds=60, on_warm=ready.wait)
    for query, args in QUERIES:
        search(ix, query, **args)
    old = ix.current()
    _add_report(tmp_path)
    # While the new generation warms, requests are answered from the old one.
    assert search(ix, "政务公开数字沙盘演练")["total"] == 0
    assert ix.current() is old
    ready.set()
    assert ix.wait(60)
    new = ix.current()
    assert new is not old and ix.swaps == 1
    assert list(new.results.items) == list(old.results.items)
    with open_index(tmp_path / "index") as cold:
        expected = [_answer(cold, q, a) for q, a in QUERIES]
    assert expected[-1]["total"] == 1

    def no_new_evaluation(*args):
        raise AssertionError("not answered from the warmed cache")

    monkeypatch.setattr(api, "_evaluate", no_new_evaluation)
    assert [_answer(ix, q, a) for q, a in QUERIES] == expected
    ix.close()


def test_the_replaced_generation_is_freed_with_its_files(tmp_path):
    index_paths([str(SEEDS)], tmp_path / "index")
    ix = open_index(tmp_path / "index", warm_seconds=60)
    search(ix, "依申请公开")
    gone = weakref.ref(ix.current())
    closed = ix.current()._close
    index_paths([str(SEEDS)], tmp_path / "index", rebuild=True)
    ix.current()
    assert ix.wait(60)
    gc.disable()  # freed by its last reference going: no cycle that only the collector frees
    try:
        assert gone() is None and not closed.alive
    finally:
        gc.enable()
    ix.close()


def test_warming_stops_at_its_time_budget_and_still_switches(tmp_path):
    index_paths([str(SEEDS)], tmp_path / "index")
    ix = open_index(tmp_path / "index", warm_seconds=1e-6)
    search(ix, "依申请公开")
    _add_report(tmp_path)
    ix.current()
    assert ix.wait(60)
    assert ix.swaps == 1 and list(ix.current().results.items) == []
    assert search(ix, "政务公开数字沙盘演练")["total"] == 1
    ix.close()


def test_a_generation_that_fails_to_open_leaves_the_old_one_serving(tmp_path, monkeypatch,
                                                                     caplog):
    index_paths([str(SEEDS)], tmp_path / "index")
    ix = open_index(tmp_path / "index", warm_seconds=60)
    before = _answer(ix, "依申请公开", {})
    old = ix.current()
    _add_report(tmp_path)

    def broken(path):
        raise OSError(f"cannot read {path}")

    monkeypatch.setattr("gxsearch.index._RETRY_SECONDS", 0.5)
    with monkeypatch.context() as m:
        m.setattr("gxsearch.index.read_info", broken)
        ix.current()
        assert ix.wait(60)
        # Served by the old generation, and no second try before the back-off ends.
        assert _answer(ix, "依申请公开", {}) == before
        assert ix.current() is old and ix.swaps == 0
        assert caplog.text.count("gxsearch: the new index generation cannot be opened, still "
                                 f"serving {old.name}: cannot read") == 1
    time.sleep(0.6)
    ix.current()
    assert ix.wait(60) and ix.swaps == 1
    assert search(ix, "政务公开数字沙盘演练")["total"] == 1
    ix.close()


def test_the_warm_up_runs_in_another_process(tmp_path, monkeypatch):
    index_paths([str(SEEDS)], tmp_path / "index")
    ix = open_index(tmp_path / "index", warm_seconds=60)
    for query, args in QUERIES:
        search(ix, query, **args)
    here = []
    evaluate = api._evaluate
    monkeypatch.setattr(api, "_evaluate", lambda *a: here.append(a) or evaluate(*a))
    _add_report(tmp_path)
    ix.current()
    assert ix.wait(60) and ix.swaps == 1
    assert here == [] and len(ix.current().results.items) == len(QUERIES)
    assert search(ix, "政务公开数字沙盘演练")["total"] == 1
    ix.close()


def test_a_failed_warm_up_still_switches_to_the_new_generation(tmp_path, monkeypatch, caplog):
    index_paths([str(SEEDS)], tmp_path / "index")
    ix = open_index(tmp_path / "index", warm_seconds=60)
    search(ix, "依申请公开")

    def broken(*args):
        raise MemoryError("no room")

    monkeypatch.setattr(api, "_evaluate", broken)  # in the child too: it is forked after this
    _add_report(tmp_path)
    ix.current()
    assert ix.wait(60) and ix.swaps == 1
    assert "the warm-up process failed: MemoryError('no room')" in caplog.text
    monkeypatch.undo()
    assert search(ix, "政务公开数字沙盘演练")["total"] == 1
    ix.close()


def _digests(path):
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def test_an_update_leaves_the_generation_being_served_as_it_was(tmp_path):
    (tmp_path / "new").mkdir()

    def update(i):
        (tmp_path / "new" / f"r{i}.txt").write_text(NEW_REPORT.replace("3件", f"{i}件"),
                                                    encoding="utf-8")
        return index_paths([str(SEEDS), str(tmp_path / "new")], tmp_path / "index")

    index_paths([str(SEEDS)], tmp_path / "index")
    ix = open_index(tmp_path / "index")
    old = ix.current()
    before = _digests(old.path)
    assert any(name.endswith(".gxcol") for name in before)
    assert _answer(ix, "政务公开数字沙盘演练", {})["total"] == 0
    first = update(0)
    # The update wrote a new generation and touched no file of the one being served.
    assert first["generation"] != str(old.path) and _digests(old.path) == before
    assert ix.current() is not old and _answer(ix, "政务公开数字沙盘演练", {})["total"] == 1
    for i in range(1, 12):  # until Whoosh merges the small segments, and old is pruned
        update(i)
    assert not old.path.exists()
    with old.lock:  # what a request still answered from it reads
        stored = [old.searcher.stored_fields(d)["report_id"]
                  for d in np.flatnonzero(old.sections()).tolist()]
        found = np.flatnonzero(substring_docs(old.postings, "依申请公开") & old.sections())
        assert old.postings.text(int(found[0])).count("依申请公开")
    assert sorted({r.split("_")[0] for r in stored}) == ["000", "001", "002", "003", "004"]
    new = ix.current()
    assert len(new.postings.parts) < 12 and _answer(ix, "政务公开数字沙盘演练", {})["total"] == 12
    # Whoosh removed the columns of the segments it merged away, with their other files.
    segments = {p.name.split(".")[0] for p in new.path.glob("*.gxcol")}
    assert segments == {p.name.split(".")[0] for p in new.path.glob("*.pst")}
    ix.close()


def test_an_update_that_changes_nothing_writes_no_generation(tmp_path):
    first = index_paths([str(SEEDS)], tmp_path / "index")
    again = index_paths([str(SEEDS)], tmp_path / "index")
    assert again["generation"] == first["generation"] and again["unchanged"] == 5
    assert [p.name for p in (tmp_path / "index").glob("gen-*")] == ["gen-000001"]


def test_a_facet_counts_its_values_however_it_is_held():
    from gxsearch.index import Facet

    size = 8
    ids = {"district": [np.array([0, 3]), np.array([1, 2, 5])],  # one value a section: codes
           "topic": [np.array([0, 1, 2]), np.array([2, 5, 7])]}  # several: a bit per value
    many = [np.array([d, (d + 1) % size]) for d in range(65)]  # more than 64 values: postings
    live = np.array([0, 1, 2, 3, 5, 7])
    for name, arrays in [*ids.items(), ("many", [a % size for a in many])]:
        facet = Facet([f"v{i}" for i in range(len(arrays))], arrays, size)
        assert (facet.codes is not None, facet.bits is not None) == {
            "district": (True, False), "topic": (False, True), "many": (False, False)}[name]
        for scope in (np.array([0, 2, 5]), np.array([], np.int64), live):
            expected = [len(set(a.tolist()) & set(scope.tolist())) for a in arrays]
            assert facet.counts(scope).tolist() == expected
            if name != "many":  # counting the complement needs values held by live sections
                outside = np.setdiff1d(live, scope)
                assert facet.counts(outside, outside=True).tolist() == expected


def test_an_index_of_another_schema_is_refused_with_the_command_that_rebuilds_it(tmp_path):
    import json

    import pytest

    from gxsearch.errors import IndexMissing
    from gxsearch.indexer import current_generation

    index_paths([str(SEEDS)], tmp_path / "index")
    info = current_generation(tmp_path / "index") / "gxsearch.json"
    info.write_text(json.dumps({**json.loads(info.read_text()), "schema": 4}))
    with pytest.raises(IndexMissing, match=r"schema 4, this one reads 10\); rebuild it with: "
                                           r"gxsearch index PATH… --index-dir "):
        open_index(tmp_path / "index")
    index_paths([str(SEEDS)], tmp_path / "index")  # the next run rebuilds it
    with open_index(tmp_path / "index") as ix:
        assert search(ix, "依申请公开")["total"] > 0
