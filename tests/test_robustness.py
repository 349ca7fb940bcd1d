"""Bad input, crashes and hostile queries: gxsearch keeps serving and loses nothing.

* bad files (tests/data/bad/ plus generated ones): read what is readable, name each skipped file
  with its reason, exit 0 when anything was indexed and 1 when nothing could be;
* fuzzed queries and filter arguments: never an exception other than BadQuery, which always
  carries a message; over HTTP never a 500 and never a traceback;
* an indexer SIGKILLed at random moments leaves the previous index answering exactly as
  before, its stale lock is cleared and reported, and the next rebuild cleans up; an update
  killed at a random moment leaves the index as before it or as after it, nothing between.
"""

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, ROOT, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gxsearch import read
from gxsearch.cli import main
from gxsearch.errors import BadQuery
from gxsearch.search import get_report, open_index, search

BAD = Path(__file__).resolve().parent / "data" / "bad"
TITLE = "平潭综合实验区2018年度政府信息公开工作年度报告"


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _skipped(output: str) -> dict[str, str]:
    """``file name → reason`` of every ``skipped PATH: REASON`` line the CLI printed."""
    out = {}
    for line in output.splitlines():
        m = re.match(r"skipped (.+?): (.+)$", line)
        if m:
            out[Path(m.group(1)).name] = m.group(2)
    return out


def _phrase_hits(ix, phrase: str) -> list[str]:
    """The file names of the sections holding ``phrase``."""
    return [h["source"].rsplit("/", 1)[-1] for h in search(ix, f'"{phrase}"', per_page=0)["hits"]]


# --- generated bad files ------------------------------------------------------------------

_CN = "一二三四五六七八九"


def _cn(n: int) -> str:
    if n < 10:
        return _CN[n - 1]
    tens, units = divmod(n, 10)
    return (_CN[tens - 1] if tens > 1 else "") + "十" + (_CN[units - 1] if units else "")


def many_headings(total: int = 10_000) -> str:
    """A report with ``total`` numbered headings (一、 › (一) › 1.), each with a line of text."""
    lines, k, top = [TITLE], 0, 0
    while k < total:
        top += 1
        lines.append(f"{_cn((top - 1) % 99 + 1)}、主动公开政府信息情况")
        k += 1
        for sub in range(1, 10):
            if k >= total:
                break
            lines.append(f"({_cn(sub)})第{top}部分第{sub}节工作情况")
            k += 1
            for n in range(1, 11):
                if k >= total:
                    break
                lines.append(f"{n}.第{k}项公开事项\n本项工作编号{k}号，依申请公开办理完毕。")
                k += 1
    return "\n".join(lines) + "\n"


def deep_headings(depth: int = 20) -> str:
    """Headings nested ``depth`` deep: 一、 › (一) › 1. › (1) › 1.1.1.1.1 › … (dotted outline)."""
    markers = ["一、", "(一)", "1.", "(1)"] + [".".join(["1"] * d) + " " for d in range(5, 21)]
    lines = [TITLE]
    for d, marker in enumerate(markers[:depth], start=1):
        lines.append(f"{marker}第{d}层标题")
        lines.append(f"第{d}层正文：行政复议深层嵌套测试第{d}段。")
    return "\n".join(lines) + "\n"


@pytest.fixture
def bad_dir(tmp_path) -> Path:
    """The committed bad files plus the generated ones, in one directory."""
    src = tmp_path / "bad"
    shutil.copytree(BAD, src)
    (src / "headings_10000.txt").write_text(many_headings(), encoding="utf-8")
    (src / "deep_20.txt").write_text(deep_headings(), encoding="utf-8")
    loop = src / "loop"
    loop.mkdir()
    (loop / "again").symlink_to("..", target_is_directory=True)  # loop → bad/ → loop → …
    (loop / "self.txt").symlink_to("self.txt")  # ELOOP on open
    paragraph = "区政府门户网站作为政府信息公开第一平台，及时公开各类政策文件。\n".encode()
    with open(src / "huge_50mb.txt", "wb") as fh:
        block = paragraph * ((1 << 20) // len(paragraph) + 1)
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(block)
    return src


def test_bad_files_are_named_and_skipped_and_the_rest_is_searchable(bad_dir, tmp_path):
    ix_dir = tmp_path / "index"
    out = _run("index", bad_dir, "--index-dir", ix_dir)
    assert out.exit_code == 0, out.output
    skipped = _skipped(out.output)
    assert skipped["empty.txt"] == "empty file"
    assert skipped["binary.txt"].startswith("binary file")
    assert skipped["nul_bytes.txt"].startswith("binary file")
    assert skipped["huge_50mb.txt"].startswith("too large")
    assert set(skipped) == {"empty.txt", "binary.txt", "nul_bytes.txt", "huge_50mb.txt"}
    # gbk, utf-16, html, the spaced Chinese name, 10,000 headings, 20 deep; the loop adds none.
    assert re.search(r"^10 files: 6 indexed, 0 unchanged, 0 moved, 0 removed, 4 skipped; "
                     r"index holds 6 reports", out.output, re.M), out.output

    ix = open_index(ix_dir)
    try:
        assert _phrase_hits(ix, "立项审批和备案信息") == ["gbk_report.txt"]  # gb18030
        assert _phrase_hits(ix, "福州市政府采购网") == ["utf16_bom.txt"]  # UTF-16 with BOM
        assert len(_phrase_hits(ix, "环境与国土资源局")) == 1  # 报告 2018 年.txt
        assert _phrase_hits(ix, "特困人员救助供养") == ["scripts.html"]  # the HTML's paragraph
        # The HTML's scripts, handlers and javascript: links are not text.
        for inert in ("脚本注入测试", "跨站脚本攻击测试", "页面加载事件", "图片错误事件",
                      "链接注入测试", "窃取会话", "alert", "javascript", "onerror"):
            assert search(ix, f'"{inert}"')["total"] == 0, inert
        report = search(ix, '"特困人员救助供养"')["hits"][0]
        assert report["title"] == TITLE
        # Every one of the 10,000 headings' lines is findable, and each lands in one section.
        assert len(_phrase_hits(ix, "本项工作编号9999号")) == 1
        [many] = {h["report_id"] for h in search(ix, '"本项工作编号9999号"')["hits"]}
        assert len(get_report(ix, many)["sections"]) > 9_900
        # Twenty levels deep: nothing lost, the outline stops at the four levels it knows.
        for d in (1, 4, 5, 20):
            assert len(_phrase_hits(ix, f"第{d}层正文")) == 1, d
        deep = search(ix, '"第20层正文"')["hits"][0]
        assert deep["source"].endswith("/deep_20.txt") and len(deep["heading_path"]) <= 4
    finally:
        ix.close()


def test_a_phrase_running_across_an_inline_heading_is_found(tmp_path):
    """327 real Pingtan headings run straight into their text (一、概述2018年以来...), and a
    heading can be cut inside a number (10.第9|999项): a phrase across that seam is found."""
    src = tmp_path / "inline"
    src.mkdir()
    (src / "r.txt").write_text(
        f"{TITLE}\n一、概述2018年以来,我区认真贯彻落实《条例》和《办法》,结合工作实际。\n"
        "二、主动公开政府信息情况\n10.第9999项公开事项\n本项工作依申请公开办理完毕。\n",
        encoding="utf-8")
    assert _run("index", src, "--index-dir", tmp_path / "index").exit_code == 0
    ix = open_index(tmp_path / "index")
    try:
        assert _phrase_hits(ix, "2018年以来,我区认真贯彻") == ["r.txt"]  # inside the text
        assert _phrase_hits(ix, "概述2018年以来") == ["r.txt"]
        assert _phrase_hits(ix, "第9999项公开事项") == ["r.txt"]
    finally:
        ix.close()


def test_a_path_names_with_spaces_and_chinese_works_as_an_argument(tmp_path):
    ix_dir = tmp_path / "索引 目录"
    out = _run("index", BAD / "报告 2018 年.txt", "--index-dir", ix_dir)
    assert out.exit_code == 0, out.output
    assert "1 files: 1 indexed" in out.output
    out = _run("search", '"环境与国土资源局"', "--index-dir", ix_dir)
    assert out.exit_code == 0 and out.output.startswith("1 section in 1 report ("), out.output


def test_nothing_readable_exits_1_with_a_summary(tmp_path):
    src = tmp_path / "unreadable"
    src.mkdir()
    for name in ("empty.txt", "binary.txt", "nul_bytes.txt"):
        shutil.copy(BAD / name, src / name)
    out = _run("index", src, "--index-dir", tmp_path / "index")
    assert out.exit_code == 1
    assert set(_skipped(out.output)) == {"empty.txt", "binary.txt", "nul_bytes.txt"}
    assert "3 files: 0 indexed, 0 unchanged, 0 moved, 0 removed, 3 skipped" in out.output
    out = _run("index", tmp_path / "不存在的目录", "--index-dir", tmp_path / "index2")
    assert out.exit_code == 1 and "no such file or directory" in out.output


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    """Memory stays bounded: the reader refuses by size, peak RSS barely moves."""
    big = tmp_path / "巨大的报告.txt"
    with open(big, "wb") as fh:
        line = f"{TITLE}：依申请公开办理情况。\n".encode()
        block = line * ((1 << 20) // len(line))
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(block)
    assert big.stat().st_size > read.MAX_BYTES
    probe = textwrap.dedent(f"""
        import resource, sys
        from gxsearch import read
        from gxsearch.errors import ReadError
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            read.read_file({str(big)!r}, "big.txt")
            print("READ")
        except ReadError as exc:
            print(exc)
        skipped = list(read.iter_sources([{str(tmp_path)!r}]))
        print(skipped[0].reason)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60, check=True).stdout.splitlines()
    assert out[0].startswith("too large: ") and out[1].startswith("too large: ")
    assert int(out[2]) < 8 * 1024, f"peak RSS grew by {out[2]} KiB"  # ru_maxrss is KiB


# --- hostile queries ----------------------------------------------------------------------

_PIECES = st.sampled_from([
    "依申请公开", "行政复议", "主动公开", "复议", "公开", "收费", "政府信息公开条例", "依申請公開",
    "OR", "AND", "NOT", "-", "--", "-收费", "NOT NOT", "OR OR", '"', "“", "”", '"行政复议"',
    "“主动公开”", '""', "“”", "(", ")", "[", "]", "{", "}", "（", "）", "【", "】", "《", "》",
    "year:", "year:2018", "year:2016-2018", "year:2018-2016", "year:99999", "year:二〇一八",
    "district:", "district:沈抚新区", 'district:"金普 新区"', "province:辽宁省", "topic:依申请公开",
    "topic:", "foo:", "foo:bar", "http://www.pingtan.gov.cn", "-year:2018", "NOT topic:其他",
    "\x00", "\x07", "\x1b[31m", "\t", "\n", "\r", "\x7f", "\u200b", "\ufeff", "\u3000",
    "*", "?", "~", "^", "\\", "'", ":", "：", "＂", "ｙｅａｒ:2018", "<script>", "%s", "{0}",
    " ", "  ",
])
_QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(_PIECES, max_size=8).map(" ".join),
    st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=8).map("".join),
    st.builds(lambda s, n: s * n, st.sampled_from(["公开", "a", '"', "-", "OR ", "年"]),
              st.integers(300, 1200)),
)
_VALUES = st.lists(st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2018", "2016-2018", "2018-2016", "20188", "-", "", " ", "沈抚新区",
                     "金普新区", "辽宁省", "依申请公开", "year:2018", "\x00", "1e9", "0-0"]),
    st.integers(-10, 3000),
), max_size=3)


def _check(call):
    try:
        return call()
    except BadQuery as exc:
        assert str(exc).strip(), "BadQuery without a message"
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=_QUERIES, years=_VALUES, districts=_VALUES, topics=_VALUES, provinces=_VALUES,
       sort=st.sampled_from(["relevance", "year", "date", ""]), page=st.integers(-2, 5),
       per_page=st.integers(-1, 30))
def test_fuzzed_queries_raise_nothing_but_bad_query(seed_index, query, years, districts, topics,
                                                    provinces, sort, page, per_page):
    result = _check(lambda: search(seed_index, query, years=years, districts=districts,
                                   topics=topics, provinces=provinces, sort=sort, page=page,
                                   per_page=per_page))
    if result is not None:
        assert result["total"] >= len(result["hits"])
        for hit in result["hits"]:
            assert "<script" not in hit["snippet"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=_QUERIES)
def test_fuzzed_queries_alone(seed_index, query):
    _check(lambda: search(seed_index, query))


# --- HTTP: never a 500, never a traceback -------------------------------------------------

@pytest.fixture(scope="module")
def client(seed_index_dir):
    web = pytest.importorskip("gxsearch.web")
    app = web.create_app({"INDEX_DIR": str(seed_index_dir), "TESTING": True})
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug must show as the 500 page, not raise
    return app.test_client()


_PARAM = st.one_of(_QUERIES, st.sampled_from(["", "0", "-1", "99999999999999999999", "abc", "1.5",
                                                 "²", "١٢", "３"]))


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(["/search", "/api/search", "/search.csv"]), q=_QUERIES,
       extra=st.dictionaries(
           st.sampled_from(["district", "year", "topic", "province", "sort", "page", "per_page",
                            "limit", "foo"]), _PARAM, max_size=4))
def test_fuzzed_http_queries_never_500(client, route, q, extra):
    resp = client.get(route, query_string={"q": q, **extra})
    assert resp.status_code < 500, (route, q, extra, resp.status_code)
    body = resp.get_data(as_text=True)
    assert "Traceback" not in body and 'File "' not in body


# --- kill -9 during a rebuild -------------------------------------------------------------

FIXED_QUERIES = ["依申请公开", '"行政复议"', "主动公开 year:2018", "复议", "公开 -收费"]


def _answers(index_dir) -> list[list[tuple]]:
    ix = open_index(index_dir)
    try:
        return [[(h["report_id"], h["section_id"]) for h in search(ix, q, per_page=0)["hits"]]
                for q in FIXED_QUERIES]
    finally:
        ix.close()


def _indexer(src: Path, ix_dir: Path, *extra: str, rebuild: bool = True) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    dirs = [str(p) for p in (src / "seeds", src / "pingtan", src / "new") if p.is_dir()]
    return subprocess.Popen(
        [sys.executable, "-m", "gxsearch", "index", *dirs, "--index-dir", str(ix_dir),
         *(["--rebuild"] if rebuild else []), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def src(tmp_path) -> Path:
    """A copy of the seeds and the Pingtan reports, for indexers to be killed over."""
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS}")
    shutil.copytree(SEEDS, tmp_path / "src" / "seeds")
    shutil.copytree(CORPUS, tmp_path / "src" / "pingtan")
    return tmp_path / "src"


def test_sigkill_during_rebuild_leaves_the_previous_index_answering(tmp_path, src):
    ix_dir = tmp_path / "index"
    first = _indexer(src, ix_dir)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    baseline = _answers(ix_dir)
    assert all(baseline), baseline  # every fixed query has hits

    # How long a full run takes here, so the kills span it (start-up, reading, commit, swap).
    t0 = time.monotonic()
    timing = _indexer(src, ix_dir)
    timing.communicate(timeout=120)
    span = time.monotonic() - t0
    assert _answers(ix_dir) == baseline

    rng = random.Random(20240601)
    dead: set[int] = set()
    locked_kills = cleared = 0
    for i in range(20):
        proc = _indexer(src, ix_dir)
        time.sleep(rng.uniform(0.05, span * 1.05))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        holder = (ix_dir / "LOCK").read_text().strip()
        if proc.returncode == -signal.SIGKILL:
            dead.add(proc.pid)
            locked_kills += holder == str(proc.pid)
        else:  # it finished before the kill: a normal swap, and a clean exit empties the lock
            assert proc.returncode == 0 and holder == ""
        if holder:
            assert int(holder) in dead  # only ever a killed holder's pid is left behind
        # Whatever moment it died at, the index answers exactly as before.
        assert _answers(ix_dir) == baseline
        if holder and (i % 4 == 3 or i == 19):
            # The dead holder's lock is free: the next run takes it, says so, and prunes the
            # partial generations the killed runs left behind.
            after = _indexer(src, ix_dir)
            out, err = after.communicate(timeout=120)
            assert after.returncode == 0, err
            assert f"cleared a stale lock left by pid {holder}" in err
            assert (ix_dir / "LOCK").read_text() == ""
            gens = sorted(p.name for p in ix_dir.iterdir() if p.name.startswith("gen-"))
            assert len(gens) <= 2 and (ix_dir / "CURRENT").read_text().strip() == gens[-1], gens
            assert _answers(ix_dir) == baseline
            cleared += 1
    print(f"run {span:.1f} s; 20 kills, {locked_kills} while the lock was held, "
          f"{cleared} stale locks cleared")
    assert locked_kills >= 5 and cleared >= 2, (locked_kills, cleared)

    final = _indexer(src, ix_dir)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    gens = sorted(p.name for p in ix_dir.iterdir() if p.name.startswith("gen-"))
    assert len(gens) <= 2 and (ix_dir / "CURRENT").read_text().strip() == gens[-1], gens
    assert not list(ix_dir.glob("*.tmp")) and not list(ix_dir.glob("gen-*/*.tmp"))
    assert _answers(ix_dir) == baseline


def test_a_unicode_digit_per_page_is_not_a_500(client):
    # str.isdigit() accepts "²", which int() rejects: once a 500.
    resp = client.get("/api/search", query_string={"q": "依申请公开", "per_page": "²"})
    assert resp.status_code in (200, 400)


def _index_run(src: Path, ix_dir: Path, rebuild: bool) -> int:
    proc = _indexer(src, ix_dir, rebuild=rebuild)
    proc.communicate(timeout=120)
    return proc.returncode


def test_sigkill_during_an_update_leaves_the_previous_index_answering(tmp_path, src):
    (src / "new").mkdir()
    ix_dir = tmp_path / "index"
    assert _index_run(src, ix_dir, rebuild=True) == 0
    new = src / "new" / "r.txt"
    report = "某区2021年政府信息公开工作年度报告\n一、总体情况\n本年度开展政务公开晨曦行动。\n"
    def found():  # the hits, whatever their order (scores count deleted sections, as Whoosh's)
        return [sorted(hits) for hits in _answers(ix_dir)]

    without = found()
    new.write_text(report, encoding="utf-8")
    assert _index_run(src, ix_dir, rebuild=False) == 0
    with_new = found()
    # How long the update that drops the report takes here, so the kills span it.
    new.unlink()
    t0 = time.monotonic()
    assert _index_run(src, ix_dir, rebuild=False) == 0
    span = time.monotonic() - t0
    new.write_text(report, encoding="utf-8")
    assert _index_run(src, ix_dir, rebuild=False) == 0 and found() == with_new
    assert with_new != without  # the report adds hits ("公开 -收费")
    rng = random.Random(20261201)
    before_swap = 0
    for _ in range(15):
        # The report is in the index: an update that drops it, killed at a random moment,
        # leaves the index as it was before the update or as it is after, nothing between.
        new.unlink()
        proc = _indexer(src, ix_dir, rebuild=False)
        time.sleep(rng.uniform(0.05, span * 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        state = found()
        assert state in (with_new, without)
        before_swap += state == with_new
        assert _index_run(src, ix_dir, rebuild=False) == 0 and found() == without
        new.write_text(report, encoding="utf-8")
        assert _index_run(src, ix_dir, rebuild=False) == 0 and found() == with_new
    print(f"update run {span:.1f} s; 15 kills, {before_swap} before the swap")
    assert before_swap >= 6, before_swap
    gens = sorted(p.name for p in ix_dir.iterdir() if p.name.startswith("gen-"))
    assert len(gens) <= 2 and (ix_dir / "CURRENT").read_text().strip() == gens[-1], gens
    assert not list(ix_dir.glob("gen-*/*.tmp"))
