"""Disks and files that fail: a full disk, a read-only or forbidden index directory, damaged
columns files and a broken ``CURRENT``. Each leaves the previous index answering, says what
happened in one line, and never prints a traceback.

The disk cases mount a real tmpfs (root, as in CI); elsewhere they are skipped.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import CORPUS, ROOT, SEEDS

from gxsearch import columns, web
from gxsearch.cli import main
from gxsearch.index import Generation, check
from gxsearch.indexer import index_paths
from gxsearch.search import open_index, search
from gxsearch.store import current_generation


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    """A tmpfs of ``size`` mounted at ``path`` (skips the test where mounting is refused)."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "LOCK"}


def _answer(index_dir, query="依申请公开"):
    with open_index(index_dir) as ix:
        r = search(ix, query, per_page=0)
    return r["total"], sorted((h["report_id"], h["section_id"]) for h in r["hits"])


@pytest.mark.slow
def test_a_full_disk_is_one_line_exit_2_and_the_live_index_is_untouched(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip("needs the Pingtan corpus")
    # 2 MB: the seeds index (~0.7 MB) fits, the Pingtan reports added to it (~1.7 MB) do not.
    with tmpfs(tmp_path / "disk", "2m") as disk:
        ix_dir = disk / "index"
        assert _run("index", SEEDS, "--index-dir", ix_dir).exit_code == 0
        before, answer = _tree(ix_dir), _answer(ix_dir)
        out = _run("index", SEEDS, CORPUS, "--index-dir", ix_dir)
        assert out.exit_code == 2
        assert out.output == (f"gxsearch: cannot write the index: no space left on {ix_dir}; "
                              "the index there is unchanged (free space or fix the "
                              "permissions, then run again)\n")
        assert "Traceback" not in out.output
        # The partial generation is gone, the live one byte for byte as it was.
        assert sorted(p.name for p in ix_dir.iterdir()) == ["CURRENT", "LOCK", "gen-000001"]
        assert _tree(ix_dir) == before and _answer(ix_dir) == answer
        # The space is free again: the next run (same disk, same size) takes the lock and
        # says the same; with more room it works.
        assert _run("index", SEEDS, CORPUS, "--index-dir", ix_dir).exit_code == 2
        subprocess.run(["mount", "-o", "remount,size=80m", str(disk)], check=True)
        out = _run("index", SEEDS, CORPUS, "--index-dir", ix_dir)
        assert out.exit_code == 0, out.output
        assert "index holds 27 reports" in out.output


def test_a_read_only_index_dir_is_a_message_and_still_searchable(tmp_path):
    with tmpfs(tmp_path / "disk", "20m") as disk:
        assert _run("index", SEEDS, "--index-dir", disk / "index").exit_code == 0
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        for args in (("index", SEEDS), ("index", SEEDS, "--rebuild")):
            out = _run(*args, "--index-dir", disk / "index")
            assert (out.exit_code, out.output) == (2, (
                f"gxsearch: cannot write the index: read-only file system: {disk / 'index'}; "
                "the index there is unchanged (free space or fix the permissions, then run "
                "again)\n"))
        out = _run("index", SEEDS, "--index-dir", disk / "new")
        assert out.exit_code == 2 and "read-only file system" in out.output
        out = _run("search", '"依申请公开"', "--index-dir", disk / "index")
        assert out.exit_code == 0 and out.output.startswith("10 sections")


def test_permission_denied_is_a_message(tmp_path):
    # Root ignores file modes: the indexer runs as nobody where this test runs as root.
    top = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        os.chmod(top, 0o755)
        ix_dir = top / "index"
        ix_dir.mkdir(mode=0o755)
        cmd = [sys.executable, "-m", "gxsearch", "index", str(SEEDS), "--index-dir", str(ix_dir)]
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("no setpriv to drop root")
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        else:
            ix_dir.chmod(0o555)
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "HOME": str(top)})
        if "Permission denied" in done.stderr and "python" in done.stderr.lower():
            pytest.skip("nobody cannot run this checkout's Python")
        assert done.returncode == 2, done.stderr
        assert done.stderr == (f"gxsearch: cannot write the index: permission denied on {ix_dir}; "
                               "the index there is unchanged (free space or fix the "
                               "permissions, then run again)\n")
    finally:
        shutil.rmtree(top, ignore_errors=True)


# --- damaged columns files ----------------------------------------------------------------

def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _break_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(columns.MAGIC) + 8:len(columns.MAGIC) + 18] = b"#" * 10
    path.write_bytes(bytes(data))


def _ids_out_of_range(path: Path) -> None:
    data = bytearray(path.read_bytes())
    arrays, _ = columns._layout(path, data)
    doc = arrays["grams.doc"]
    doc[len(doc) // 2] = 2**31 - 1
    del arrays, doc
    path.write_bytes(bytes(data))


DAMAGE = {
    "truncated": (_truncate, "is truncated"),
    "broken header": (_break_header, "has a broken header"),
    "ids of 2^31-1": (_ids_out_of_range, "has grams document numbers out of range"),
}


def _own_columns(gen: Path) -> Path:
    """A columns file of ``gen`` that no other generation shares (an update hard-links the
    files it keeps: damaging those would damage the previous generation too)."""
    return next(p for p in sorted(gen.glob("*.gxcol")) if p.stat().st_nlink == 1)


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_columns_file_is_detected_when_opened(tmp_path, how):
    damage, said = DAMAGE[how]
    ix_dir = tmp_path / "index"
    index_paths([str(SEEDS)], ix_dir)
    gen = current_generation(ix_dir)
    damage(_own_columns(gen))
    message = (f"the index is damaged: {_own_columns(gen).name} {said}")
    # The CLI: a message and exit 2.
    out = _run("search", "公开", "--index-dir", ix_dir)
    assert out.exit_code == 2 and out.output.startswith(f"gxsearch: {message}")
    assert out.output.rstrip().endswith(f"rebuild it with: gxsearch index PATH… --rebuild "
                                        f"--index-dir {ix_dir}")
    assert "Traceback" not in out.output
    # info --check says so.
    out = _run("info", "--check", "--index-dir", ix_dir)
    assert out.exit_code == 2 and message in out.output
    # The web, with no previous generation to serve: 503 with the message on every page.
    client = web.create_app({"INDEX_DIR": str(ix_dir), "TESTING": True}).test_client()
    for url in ("/", "/search?q=公开", "/api/search?q=公开"):
        resp = client.get(url)
        assert resp.status_code == 503 and message in resp.get_data(as_text=True), url
    # A rebuild repairs it, and the same app picks it up.
    index_paths([str(SEEDS)], ix_dir, rebuild=True)
    assert client.get("/search?q=公开").status_code == 200
    assert _run("info", "--check", "--index-dir", ix_dir).output.startswith("check: ok")


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_new_generation_leaves_the_previous_one_serving(tmp_path, how):
    damage, _ = DAMAGE[how]
    ix_dir, extra = tmp_path / "index", tmp_path / "extra"
    extra.mkdir()
    index_paths([str(SEEDS)], ix_dir)
    client = web.create_app({"INDEX_DIR": str(ix_dir), "TESTING": True}).test_client()
    before = client.get("/api/search?q=依申请公开&per_page=100").get_json()
    (extra / "new.txt").write_text(
        "平潭综合实验区2018年度政府信息公开工作年度报告\n一、总体情况\n依申请公开政务公开数字沙盘演练。\n",
        encoding="utf-8")
    index_paths([str(SEEDS), str(extra)], ix_dir)
    damage(_own_columns(current_generation(ix_dir)))
    for _ in range(3):
        resp = client.get("/api/search?q=依申请公开&per_page=100")
        assert resp.status_code == 200 and resp.get_json()["hits"] == before["hits"]


def test_info_check_verifies_every_posting_of_a_good_index(tmp_path):
    index_paths([str(SEEDS)], tmp_path / "index")
    out = _run("info", "--check", "--index-dir", tmp_path / "index")
    assert (out.exit_code, out.output) == (
        0, "check: ok (gen-000001: 1 segments, 81 documents verified)\n")


def test_info_check_finds_postings_out_of_order_that_opening_lets_through(tmp_path):
    index_paths([str(SEEDS)], tmp_path / "index")
    path = _own_columns(current_generation(tmp_path / "index"))
    data = bytearray(path.read_bytes())
    arrays, _ = columns._layout(path, data)
    off, doc = arrays["words.off"], arrays["words.doc"]
    i = int(np.flatnonzero(np.diff(off) >= 2)[0])  # a term in two sections or more
    doc[off[i]], doc[off[i] + 1] = doc[off[i] + 1], doc[off[i]]
    del arrays, off, doc
    path.write_bytes(bytes(data))
    Generation(current_generation(tmp_path / "index")).close()  # in range: opens
    report = check(tmp_path / "index")
    assert report["problems"] == [
        f"the index is damaged: {path.name} has words postings out of order; rebuild it with: "
        f"gxsearch index PATH… --rebuild --index-dir {tmp_path / 'index'}"]


# --- a broken CURRENT ---------------------------------------------------------------------

def _point_elsewhere(root: Path) -> None:
    (root / "CURRENT").write_text("gen-000099", encoding="utf-8")


def _empty(root: Path) -> None:
    (root / "CURRENT").write_text("", encoding="utf-8")


def _delete(root: Path) -> None:
    (root / "CURRENT").unlink()


def _move_live_away(root: Path) -> None:
    live = current_generation(root)
    live.rename(root.parent / f"moved-{live.name}")


def _delete_and_move_live_away(root: Path) -> None:
    _move_live_away(root)  # the next generation is numbered like the one still open
    _delete(root)


@pytest.mark.parametrize("breakage", [_point_elsewhere, _empty, _delete, _move_live_away,
                                      _delete_and_move_live_away])
def test_a_broken_current_keeps_what_is_open_serving(tmp_path, breakage):
    ix_dir, extra = tmp_path / "index", tmp_path / "extra"
    index_paths([str(SEEDS)], ix_dir)
    client = web.create_app({"INDEX_DIR": str(ix_dir), "TESTING": True}).test_client()
    before = client.get("/api/search?q=依申请公开&per_page=100").get_json()
    breakage(ix_dir)
    for url in ("/", "/search?q=依申请公开", f"/report/{before['hits'][0]['report_id']}"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/search?q=依申请公开&per_page=100").get_json()["hits"] == before["hits"]
    # The next good CURRENT is picked up.
    extra.mkdir()
    (extra / "new.txt").write_text(
        "平潭综合实验区2018年度政府信息公开工作年度报告\n一、总体情况\n政务公开数字沙盘演练。\n",
        encoding="utf-8")
    index_paths([str(SEEDS), str(extra)], ix_dir)
    assert client.get("/api/search?q=政务公开数字沙盘演练").get_json()["total"] == 1
