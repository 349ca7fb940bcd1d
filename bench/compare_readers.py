"""PDF and HTML readers compared for the README: speed, fidelity, size and licence.

    /tmp/cmpvenv/bin/python bench/compare_readers.py   # venv: pypdfium2 pdfplumber pypdf
                                                       # readability-lxml trafilatura justext lxml

No PyMuPDF (AGPL); a library that does not import is skipped with a note. PDF characters are
compared whitespace-free, as multisets (tables come out in other orders), with pdftotext if
installed, else with the fixtures' sources plus title and footers. HTML checks use the strings
of tests/data/html/README.md; a chrome string counts only where a page shows it outside its body.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.metadata as md
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import timeit
from collections import Counter
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FMT, HTML, SHARED = ROOT / "tests/data/formats", ROOT / "tests/data/html", ROOT.parent / "shared"
FIXTURES = {"pingtan-2022": ("80629", "第 {} 页"), "pingtan-2011": ("80716", "- {} -")}
BUDGETS = sorted((SHARED / "corpus/pdf").glob("*.pdf"))
# Sentences the fixtures break at a line end and at a page end (tests/data/formats/README.md).
WRAPS = """《国务院办公厅政府信息与政务公开办公室 统计时限为2022年1月1日至2022年12月31日
共主动公开政府信息14571条 统计期限自2011年1月1日起至2011年12月31日 电话：24336240
2011年政府信息公开专栏访问量达11460人次""".split()
BREAKS = """集中公开疫情防控信息情况 打造整体统一的的网站界面 通过“依申请公开”子栏目
经办人员进行政府信息公开系统的使用，政府信息梳理公开 查阅服务功能，推动政府信息公开渠道""".split()
CHROME = """省政府 省人大 省政协 移动版 闽政通APP 登录 注册 网站支持IPV6 解读回应 办事服务
互动交流 走进平潭 平潭政策解读 热门搜索 历史搜索 长者模式 退出长者模式 无障碍浏览 当前位置 微信
微博 QQ空间 全真版 文字版 文件下载 相关链接 附件下载 扫一扫在手机上查看当前页面 省市政府网站
福建省人民政府 友情链接 新闻媒体 使用帮助 联系我们 网站标识码 闽ICP备09032658号 版权所有
主办单位""".split()
PAGES = {  # body phrases, then table rows and cells (whitespace and '|' removed)
    "pingtan_2024.html": ("""本报告根据《中华人民共和国政府信息公开条例》（国务院令第711号）
全年办理政府信息公开申请218件。 2024年，无收取信息处理费情况。 同步做好全真版上传等工作
行政机关不再处理其政府信息公开申请 优化升级智能搜索、智能问答、智能推荐模块""", """18651.06
一、本年新收政府信息公开申请数量21710000218 21317000001324019 法律服务机构 三、本年度办理结果
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"""),
    "pingtan_dishui_2013.html": ("""根据《中华人民共和国政府信息公开条例》以及\
《福建省政府信息公开办法》，特向社会公布2013年度平潭县地税局信息公开年度报告
三、依申请公开、不予公开及咨询政府信息情况 政务公开栏公开了办税服务指南 有关涉税事项
2013年用于税收宣传、税收政策公告、设立和更新公开栏等产生的政府信息公开费用1万元。""", ""),
    "pingtan_xian_2013.html": ("""\
本报告主要根据《中华人民共和国政府信息公开条例》（以下简称《条例》）
2013年政府信息公开专栏访问量达19363人次。 1.门户网站 “平潭综合实验区管委会网站”首页页面上专门开辟了
附件1：平潭县人民政府2013年政府信息公开情况统计表""", """指标名称计量单位2013年度历年累计
主动公开信息数条18535395 2.政府公报公开 行政申诉数条00"""),
}
PHRASES = {k: v[0].split() for k, v in PAGES.items()}
CELLS = {k: v[1].split() for k, v in PAGES.items()}
NOTES: list[str] = []
imp = importlib.import_module


def text(s: str) -> str:
    return re.sub(r"[\s\u3000\xa0|]+", "", s)


def need(mod: str) -> bool:
    try:
        return bool(imp(mod))
    except Exception as exc:  # whatever fails to import is skipped
        NOTES.append(f"- skipped {mod}: not importable ({type(exc).__name__}: {exc})")
        return False


def best(fn) -> float:
    """Seconds a call: the best of 3 runs, each of as many calls as fill about 0.5 s."""
    n = max(1, round(0.5 / timeit.timeit(fn, number=1)))
    return min(timeit.repeat(fn, number=n, repeat=3)) / n


def licence(name: str) -> str:
    m = md.metadata(name)
    lic = m.get("License-Expression") or (m.get("License") or "").strip()
    if not lic or len(lic) > 60:
        lic = "; ".join(c.split(" :: ")[-1] for c in m.get_all("Classifier") or []
                        if c.startswith("License")) or "?"
    return lic.replace("|", "/")


def size_row(name: str) -> str:
    """Installed size of the distribution and all it requires (markers, extras honoured)."""
    try:
        from packaging.requirements import Requirement
    except ImportError:
        from pip._vendor.packaging.requirements import Requirement
    root, seen = md.metadata(name)["Name"], {}
    todo: list[tuple[str, set]] = [(name, set())]
    while todo:
        n, extras = todo.pop()
        try:
            key = md.metadata(n)["Name"]
        except md.PackageNotFoundError:
            continue
        if key not in seen or not extras <= seen[key]:
            seen.setdefault(key, set()).update(extras)
            todo += [(r.name, set(r.extras)) for r in map(Requirement, md.requires(key) or [])
                     if r.marker is None or any(r.marker.evaluate({"extra": e})
                                                for e in extras | {""})]
    total = sum(os.path.getsize(p) for d in seen for f in md.files(d) or []
                if os.path.isfile(p := md.distribution(d).locate_file(f)))
    deps = ", ".join(f"{d} ({licence(d)})" for d in sorted(seen, key=str.lower) if d != root)
    return f"{total / 2**20:.1f} MB, {len(seen)} dists | {deps or '—'}"


def dups(pages) -> int:
    """Characters drawn again on (nearly) the same spot as the same character: fake bold."""
    n = 0
    for chars in pages:
        seen: dict[str, list] = {}
        for ch, x0, y0, x1, y1 in chars:
            if not ch.isspace():
                w, h = max(x1 - x0, 1), max(y1 - y0, 1)
                n += any(abs(x0 - a) < 0.3 * w and abs(y0 - b) < 0.3 * h
                         for a, b in seen.get(ch, ()))
                seen.setdefault(ch, []).append((x0, y0))
    return n


def each_page(lib: str, fn):
    def run(data: bytes) -> list:
        if lib == "pdfplumber":
            with imp(lib).open(io.BytesIO(data)) as pdf:
                return [fn(p) for p in pdf.pages]
        if lib == "pypdf":
            return [fn(p) for p in imp(lib).PdfReader(io.BytesIO(data)).pages]
        pdf = imp(lib).PdfDocument(data)
        return [fn(pdf[i]) for i in range(len(pdf))]
    return run


def pdfium_chars(page) -> list:
    raw, tp = imp("pypdfium2.raw"), page.get_textpage()
    s, h, rect, n = tp.get_text_range(), tp.raw, raw.FS_RECTF(), tp.count_chars()
    if len(s) != n:  # characters beyond the BMP: one call a character
        s = "".join(chr(raw.FPDFText_GetUnicode(h, j)) for j in range(n))
    ref, out = ctypes.byref(rect), []
    for j, ch in enumerate(s):
        raw.FPDFText_GetLooseCharBox(h, j, ref)
        out.append((ch, rect.left, rect.bottom, rect.right, rect.top))
    return out


def pdf_readers() -> dict:
    """label -> (distribution, text, chars with boxes, path objects, drops the footers)."""
    path = imp("pypdfium2.raw").FPDF_PAGEOBJ_PATH if need("pypdfium2") else 0
    pm, pl = partial(each_page, "pypdfium2"), partial(each_page, "pdfplumber")
    out = {k: v for k, v in {
        "pypdfium2": ("pypdfium2", pm(lambda p: p.get_textpage().get_text_range()),
                      pm(pdfium_chars), pm(lambda p: len(list(p.get_objects([path], 5)))), 0),
        "pdfplumber": ("pdfplumber", pl(lambda p: p.extract_text()), pl(lambda p: [
            (c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in p.chars]),
            pl(lambda p: len(p.lines + p.rects + p.curves)), 0),
        "pypdf": ("pypdf", each_page("pypdf", lambda p: p.extract_text()), None, None, 0),
    }.items() if k == "pypdfium2" and path or k != "pypdfium2" and need(k)}
    sys.path.insert(0, str(ROOT))
    if "pypdfium2" in out and need("gxsearch.read.pdf"):
        out["gxsearch read_pdf (layout, tables, furniture)"] = (
            "pypdfium2", lambda d: [imp("gxsearch.read.pdf").read_pdf(d).text], None, None, 1)
    return out


def pdf_tables() -> None:
    files = {p.stem: p.read_bytes() for p in [FMT / f"{k}.pdf" for k in FIXTURES] + BUDGETS}
    groups, readers = [list(FIXTURES), [p.stem for p in BUDGETS]], pdf_readers()
    pdftotext, want = shutil.which("pdftotext"), {}
    for stem, (doc, footer) in FIXTURES.items():
        raw = next((SHARED / "corpus/pingtan").glob(f"{doc}_*.txt")).read_text("utf-8")
        title = text(re.search(r"^标题:\s*(.+)$", raw, re.M).group(1))
        body = text(raw.split("正文 ====================", 1)[1])
        footers = Counter(text("".join(footer.format(n) for n in range(1, 6))))
        ref = Counter(body if body.startswith(title) else title + body) + footers
        if pdftotext:
            ref = Counter(text(subprocess.run([pdftotext, str(FMT / f"{stem}.pdf"), "-"],
                                              capture_output=True, text=True).stdout))
        want[stem] = (ref, ref - footers)  # as printed, and without the footers
    if not readers:
        return
    pages = {s: len(next(iter(readers.values()))[1](d)) for s, d in files.items()}
    rows, qual, texts = [], [], {}
    for name, (dist, txt, chars, paths, clean) in readers.items():
        rows.append([name, ("pypdfium2 " if clean else "") + md.version(dist)])
        for fn in (txt, chars):
            for stems in groups:
                dt = fn and best(lambda fn=fn, stems=stems: [fn(files[s]) for s in stems])
                rows[-1].append(f"{sum(pages[s] for s in stems) / dt:.0f}" if fn else "—")
        texts[name] = {s: "".join(txt(d)) for s, d in files.items()}
        same = []
        for s in FIXTURES:
            got, ref = Counter(text(texts[name][s])), want[s][clean]
            same.append("yes" if got == ref else
                        f"no (−{sum((ref - got).values())} +{sum((got - ref).values())})")
        joined = "".join(text(texts[name][s]) for s in FIXTURES)
        row = [name, " / ".join(same) + (" (footers removed)" if clean else ""),
               f"{sum(p in joined for p in WRAPS)}/{len(WRAPS)}",
               f"{sum(p in joined for p in BREAKS)}/{len(BREAKS)}",
               str(sum(dups(chars(d)) for d in files.values())) if chars else "n/a",
               "yes" if chars else "no",
               f"yes ({sum(sum(paths(d)) for d in files.values())})" if paths else "no",
               licence(dist), size_row(dist).split(" | ")[0]]
        qual.append(row[:4] + ["as pypdfium2"] * 5 if clean else row)
    n = [sum(pages[s] for s in g) for g in groups]
    print(f"### PDF speed (pages/s; fixtures {n[0]} pages, budgets {n[1]} pages)\n\n| library | "
          "version | text, fixtures | text, budgets | chars+boxes, fixtures | chars+boxes, "
          "budgets |\n|---|---|---:|---:|---:|---:|")
    print("\n".join("| " + " | ".join(r) + " |" for r in rows))
    print("\n### PDF quality (characters, whitespace removed, as multisets, against "
          f"{'pdftotext' if pdftotext else 'the source text + title + footers; no pdftotext'})"
          "\n\n| library | chars = reference (2022 / 2011) | wraps intact | page breaks intact "
          "| duplicate chars (4 PDFs) | char boxes | line/path objects (4 PDFs) | licence "
          "| installed with deps |\n|---|---|---:|---:|---:|---|---|---|---|")
    print("\n".join("| " + " | ".join(r) + " |" for r in qual))
    plain = [k for k in texts if not readers[k][4]]
    bag = {k: {s: Counter(text(t)) for s, t in v.items()} for k, v in texts.items()}
    agree = [f"{a} = {b}: {sum(bag[a][s] == bag[b][s] for s in files)}/{len(files)}"
             for i, a in enumerate(plain) for b in plain[i + 1:]]
    print(f"\nSame characters as each other (4 PDFs, multisets): {'; '.join(agree) or '—'}.")


def justext_text(h: str, **kw) -> str:
    paragraphs = imp("justext").justext(h, frozenset(), **kw)  # there is no Chinese stoplist
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def html_tables() -> None:
    pages, html = {f: (HTML / f).read_text("utf-8") for f in PHRASES}, imp("lxml.html")
    sys.path.insert(0, str(ROOT))
    readers = {k: v for k, v in {
        "readability-lxml": ("readability", lambda h: html.fromstring(imp("readability").Document(
            h).summary(html_partial=True)).text_content()),
        "trafilatura": ("trafilatura",
                        lambda h: imp("trafilatura").extract(h, include_tables=True) or ""),
        "jusText (empty stoplist, defaults)": ("justext", justext_text),
        "jusText (empty stoplist, stopwords_low=high=0)": (
            "justext", lambda h: justext_text(h, stopwords_low=0, stopwords_high=0)),
        "gxsearch read_html (readability + tables)": (
            "gxsearch.read.html", lambda h: imp("gxsearch.read.html").read_html(h.encode()).text),
    }.items() if need(v[0])}
    chrome, bodies = {}, {}
    for f, h in pages.items():
        tree = html.fromstring(h)
        for bad in tree.xpath("//script|//style|//comment()"):
            bad.drop_tree()
        body = text(tree.xpath("//div[contains(@class,'article_content')]")[0].text_content())
        missing = [p for p in PHRASES[f] + CELLS[f] if p not in body]
        assert not missing, f"{f}: not in the body: {missing}"
        shown = text(tree.text_content())
        chrome[f], bodies[f] = [c for c in CHROME if c in shown and c not in body], len(body)
    print("\n### HTML main content (per page)\n\n| page | library "
          "| chrome left | body phrases kept | table cells kept | chars out (body) | ms/page |"
          "\n|---|---|---:|---:|---:|---:|---:|")
    for f, h in pages.items():
        for name, (_, fn) in readers.items():
            dt, got = best(lambda fn=fn, h=h: fn(h)), text(fn(h))
            left = [c for c in chrome[f] if c in got]
            shown = f" ({', '.join(left[:4])}{'…' if len(left) > 4 else ''})" if left else ""
            cells = f"{sum(c in got for c in CELLS[f])}/{len(CELLS[f])}" if CELLS[f] else "—"
            print(f"| {f} | {name} | {len(left)}/{len(chrome[f])}{shown} "
                  f"| {sum(p in got for p in PHRASES[f])}/{len(PHRASES[f])} | {cells} "
                  f"| {len(got)} ({bodies[f]}) | {dt * 1000:.1f} |")
    print("\n| library | version | licence | installed with deps | dependencies (licence) |"
          "\n|---|---|---|---|---|")
    for dist in ("readability-lxml", "trafilatura", "jusText"):
        if need(dist.lower().replace("-lxml", "")):
            print(f"| {dist} | {md.version(dist)} | {licence(dist)} | {size_row(dist)} |")


def main() -> None:
    cpu = re.findall(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()) or [""]
    print(f"`{sys.executable} bench/compare_readers.py`: Python {platform.python_version()}, "
          f"{os.cpu_count()} cores ({cpu[0] or platform.machine()}), 1 process; a timing is the "
          "best of 3 runs, each of as many calls as fill about 0.5 s\n")
    pdf_tables()
    html_tables()
    if NOTES:
        print("\n" + "\n".join(NOTES))


if __name__ == "__main__":
    main()
