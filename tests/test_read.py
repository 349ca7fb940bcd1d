import hashlib
import os
from pathlib import Path

import pytest
from conftest import CORPUS

from gxsearch import read
from gxsearch.errors import ReadError
from gxsearch.read import Skipped, Source, iter_sources, list_files, parse_header, read_file

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")

# From seeds/002: long enough for the encoding detector to be sure of itself.
TEXT = (
    "沈抚新区2018年度政府信息公开工作报告\n"
    "根据《中华人民共和国政府信息公开条例》(以下简称《条例》)、《辽宁省政府信息公开规定》"
    "以及《辽宁省政府办公厅关于印发2018年政务公开重点工作安排的通知》(辽政办发〔2018〕27号)"
    "等文件的相关要求,现将沈抚新区政府信息总体公开情况、主动公开情况、推进“互联网+政务服务”"
    "工作情况、政务舆情处置回应情况和制度机制建设情况汇报如下。\n"
    "一、总体公开情况\n"
    "按照省政府工作部署和要求,沈抚新区党工委、管委会领导高度重视,要求按照文件精神,"
    "认真加以贯彻落实,周密部署,科学安排,确保政府信息依法公开,政务公开工作实现了从零到一的突破。\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
)
def test_read_encodings(tmp_path, data, encoding):
    path = write(tmp_path, "r.txt", data)
    src = read_file(str(path), "r.txt")
    assert src == Source(
        path=str(path),
        relpath="r.txt",
        raw=TEXT,
        header={},
        encoding=encoding,
        sha1=hashlib.sha1(data).hexdigest(),
        size=len(data),
    )


def test_read_html_visible_text_only(tmp_path):
    html = (
        "<html><head><title>网站标题</title><style>p {color: red}</style>"
        "<script>var x = '读取内容中';</script></head><body>"
        "<nav>首页 &gt; 政务公开</nav>"
        "<h1>沈抚新区2018年度政府信息公开工作报告</h1>"
        "<p>一、总体公开情况</p><div>沈抚新区党工委、管委会领导&nbsp;高度重视<br>"
        "政务公开工作实现了从零到一的突破。</div>"
        "<table><tr><td>主动公开</td><td>534</td></tr></table>"
        "<!-- 注释 --><aside>相关链接</aside></body></html>"
    )
    path = write(tmp_path, "r.html", html.encode("utf-8"))
    assert read_file(str(path), "r.html").raw == (
        "沈抚新区2018年度政府信息公开工作报告\n"
        "一、总体公开情况\n"
        "沈抚新区党工委、管委会领导 高度重视\n"
        "政务公开工作实现了从零到一的突破。\n"
        "主动公开 534"
    )


def test_read_html_without_closing_head(tmp_path):
    html = "<html><head><meta charset=utf-8><title>标题</title><body><p>一、总体情况</p>"
    path = write(tmp_path, "r.htm", html.encode("utf-8"))
    assert read_file(str(path), "r.htm").raw == "一、总体情况"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
        (bytes(range(1, 32)) * 10, "binary file (mostly control characters)"),
        (b"   \n\n", "no text"),
        ("标题: 报告\n==== 正文 ====\n\n".encode(), "no text after the crawler header"),
    ],
)
def test_read_unreadable(tmp_path, data, reason):
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(ReadError) as err:
        read_file(str(path), "bad.txt")
    assert str(err.value) == reason


def test_read_too_large_checked_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", TEXT.encode("utf-8"))
    monkeypatch.setattr(read, "MAX_BYTES", 100)

    def no_open(*args, **kwargs):
        raise AssertionError("file was opened")

    monkeypatch.setattr(read, "open", no_open, raising=False)
    with pytest.raises(ReadError) as err:
        read_file(str(path), "big.txt")
    assert str(err.value) == f"too large: {len(TEXT.encode('utf-8'))} bytes (limit 100)"


def test_read_directory_and_permission(tmp_path, monkeypatch):
    with pytest.raises(ReadError) as err:
        read_file(str(tmp_path), "x")
    assert str(err.value) == "is a directory, not a file"

    path = write(tmp_path, "r.txt", TEXT.encode("utf-8"))

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(read, "open", denied, raising=False)
    with pytest.raises(ReadError) as err:
        read_file(str(path), "r.txt")
    assert str(err.value) == "cannot read: Permission denied"


@needs_corpus
def test_read_crawler_header():
    path = CORPUS / "80506_平潭综合实验区2017年度政府信息公开工作年度报告.txt"
    src = read_file(str(path), path.name)
    assert src.header == {
        "标题": "平潭综合实验区2017年度政府信息公开工作年度报告",
        "发布时间": "2018-01-23 08:51",
        "栏目": "政府信息公开年报",
        "原文链接": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201801/t20180123_80506.htm",
        "本地目录": "zwgk/zfxxgk/zfxxgknb/201801/"
        "80506_平潭综合实验区2017年度政府信息公开工作年度报告",
    }
    assert src.raw.startswith("当前位置： 首页政务公开政府信息公开政府信息公开年报 ")
    assert "原文链接" not in src.raw and "正文" not in src.raw[:200]
    assert src.size == path.stat().st_size


def test_header_needs_separator():
    text = "标题: 沈抚新区2018年度政府信息公开工作报告\n一、总体公开情况\n"
    assert parse_header(text) == ({}, text)
    text = "一、总体公开情况\n发布时间: 2019-03-18\n==== 正文 ====\n正文内容"
    assert parse_header(text) == ({}, text)
    assert parse_header("标题: 报告\n文号: \n==== 正文 ====\n一、总体情况") == (
        {"标题": "报告"},
        "一、总体情况",
    )


def test_list_files_walks_sorted_and_survives_symlink_loop(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ["b/2.txt", "a/deep/1.HTML", "a/z.htm", "a/notes.md", ".git/x.txt", "top.txt"]:
        (tmp_path / name).write_text("一、总体情况", encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    got = list_files([str(tmp_path), str(tmp_path / "top.txt"), str(tmp_path / "nope")])
    assert got == [
        (str(tmp_path / "top.txt"), "top.txt"),
        (str(tmp_path / "a" / "notes.md"), "a/notes.md"),
        (str(tmp_path / "a" / "z.htm"), "a/z.htm"),
        (str(tmp_path / "a" / "deep" / "1.HTML"), "a/deep/1.HTML"),
        (str(tmp_path / "b" / "2.txt"), "b/2.txt"),
    ]


def test_iter_sources_never_raises(tmp_path):
    good = write(tmp_path, "good.txt", TEXT.encode("gb18030"))
    write(tmp_path, "empty.txt", b"")
    other = write(tmp_path, "figures.xlsx", b"x")
    missing = str(tmp_path / "missing")
    got = list(iter_sources([str(tmp_path), missing, str(other)]))
    assert [type(item).__name__ for item in got] == ["Skipped", "Skipped", "Source", "Skipped"]
    assert got[0] == Skipped(missing, "no such file or directory")
    assert got[1] == Skipped(str(tmp_path / "empty.txt"), "empty file")
    assert (got[2].relpath, got[2].raw, got[2].path) == ("good.txt", TEXT, str(good))
    # Named once although reached twice (in the folder and by name).
    assert got[3] == Skipped(str(other), "unsupported format (.xlsx); gxsearch reads .doc "
                                         ".docx .htm .html .markdown .md .pdf .txt")


def test_iter_sources_seeds():
    got = list(iter_sources([str(SEEDS)]))
    assert [s.relpath for s in got] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(isinstance(s, Source) and s.encoding == "utf-8" and s.header == {} for s in got)


def test_a_crawler_block_without_a_separator_is_the_header(tmp_path):
    # A crawler's block above a saved page (the 沭阳 report), no ==== 正文 ==== line.
    text = ("标题：沭阳县发展和改革局2023年政府信息公开工作年度报告\n单位：沭阳县发展和改革局\n"
            "来源：沭阳县人民政府\n采集时间：2025-12-30 10:12\n"
            "一、总体情况\n2023年，沭阳县发展和改革局认真贯彻落实《中华人民共和国政府信息公开条例》。")
    header, body = parse_header(text)
    assert header == {"标题": "沭阳县发展和改革局2023年政府信息公开工作年度报告",
                      "单位": "沭阳县发展和改革局", "来源": "沭阳县人民政府", "采集时间": "2025-12-30 10:12"}
    assert body == "一、总体情况\n2023年，沭阳县发展和改革局认真贯彻落实《中华人民共和国政府信息公开条例》。"
    # Body lines that read like labels are not a header without a crawl's label.
    text = "来源：本局\n时间：2024年\n一、总体情况"
    assert parse_header(text) == ({}, text)
