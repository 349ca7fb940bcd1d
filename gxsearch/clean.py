"""Normalise report text: fold widths and scripts, drop page furniture, re-join wrapped lines.

`fold` is shared by documents and queries so both sides of a match agree: full-width ASCII
becomes half-width, pinyin annotations scraped from "phonetic" sites (`技術(shù)`) go, and
traditional characters become simplified. `clean` additionally removes what the web page or
PDF put around the report (breadcrumbs, share bars, counters, page numbers) and hard wraps.

`clean_both` returns the cleaned text twice, character for character aligned: folded (what
matching, sections and metadata read) and as published (what a person reads: the report's own
`，` and `（二）`, in simplified characters, without pinyin). Every edit is decided on the
folded text and made at the same place in both, so an offset in one is the same character in
the other and `match_form(display) == folded`.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from pathlib import Path

from gxsearch.wraps import continues

_WIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE.update({0x3000: 0x20, 0xA0: 0x20})

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
# Han plus CJK punctuation (、。《》〔〕「」…) and curly quotes: text that needs no spaces.
_CJK = _HAN + "\u3001-\u303f\u2018-\u201d\u2026\u2014"

_PINYIN = re.compile(rf"(?<=[{_HAN}])\(([a-z\u00e0-\u024f\u0300-\u036f]{{1,7}})\)")
_SYLLABLE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:a|ai|an|ang|ao|e|ei|en|eng|er|i|ia|ian|iang|iao|ie|in|ing|iong|iu|o|ong|ou"
    r"|u|ua|uai|uan|uang|ue|ui|un|uo|v|ve)"
)


def _is_pinyin(word: str) -> bool:
    plain = "".join(
        ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch)
    )
    return plain.isascii() and plain.islower() and _SYLLABLE.fullmatch(plain) is not None


def _drop_pinyin(match: re.Match) -> str:
    return "" if _is_pinyin(match.group(1)) else match.group(0)


@functools.cache
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


@functools.cache
def _ts_characters() -> dict[str, list[str]]:
    """OpenCC's character table: traditional character → its simplified forms."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if len(key) == 1 and values.split():
            table[key] = values.split()
    return table


@functools.cache
def _traditional_only() -> frozenset[str]:
    """Characters OpenCC maps to something else and never produces: surely traditional."""
    table = _ts_characters()
    outputs = {v for values in table.values() for v in values}
    return frozenset(k for k in table if k not in outputs)


@functools.cache
def _common_forms() -> dict[str, list[str]]:
    # Forms outside the Basic Multilingual Plane (開 → 𫔭) are for rare proper nouns.
    return {k: forms for k, values in _ts_characters().items()
            if (forms := [v for v in values if len(v) == 1 and ord(v) < 0x10000])}


def fold_width(text: str) -> str:
    """Fold width and strip pinyin annotations after Han characters (``fold`` less the
    conversion to simplified)."""
    text = text.translate(_WIDTH_TABLE)
    if "(" in text:
        text = _PINYIN.sub(_drop_pinyin, text)
    return text


def spellings(text: str, limit: int = 8) -> list[str]:
    """``fold(text)`` first, then the other simplified spellings a traditional ``text`` may
    have in a folded document, at most ``limit`` in all.

    OpenCC converts by phrase: 答覆 becomes 答复, 覆蓋 becomes 覆盖. A query that is part
    of a phrase (覆內容, from 答覆內容) is converted alone, so where a character has several
    simplified forms (覆: 覆 or 复) each is a spelling. A text without traditional
    characters has one spelling.
    """
    main = fold(text)
    if _traditional_only().isdisjoint(text):
        return [main]
    table = _common_forms()
    width = fold_width(text)
    forms = itertools.product(*(table.get(c, [c]) for c in width))
    out = [main]
    for form in itertools.islice(forms, 64):
        if len(out) >= limit:
            break
        if (joined := "".join(form)) not in out:
            out.append(joined)
    return out


def fold(text: str) -> str:
    """Fold width, strip pinyin annotations after Han characters, convert traditional to
    simplified (only lines that contain traditional characters: OpenCC is slow)."""
    text = fold_width(text)
    traditional = _traditional_only()
    if traditional.isdisjoint(text):
        return text
    lines = text.split("\n")
    return "\n".join(
        line if traditional.isdisjoint(line) else _converter().convert(line) for line in lines
    )


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SPACES = re.compile(r"[ \t\f\v]+")
_WHITE = re.compile(r"\s+")

_CRUMB = r"(?:当前位置|您现在所在的位置|您现在的位置|您所在的位置|您的位置|所在位置)\s*:"
_SHARE = r"(?:\s*(?:微信|微博|QQ空间|全真版|文字版|文件下载|相关链接\s*:?|-->))"
# Pingtan one-line bodies open with: breadcrumb, title, 来源, 时间, share bar, `-->`.
_INLINE_CRUMB = re.compile(
    rf"^{_CRUMB}.{{0,300}}?时间\s*:\s*\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?{_SHARE}*"
)
_CRUMB_LINE = re.compile(rf"^{_CRUMB}")
_CRUMB_PATH = re.compile(rf"^{_CRUMB}\s*(?:网站首页|首页)(?:\s*>\s*[^\s>]+)*")
_INLINE_JUNK = re.compile(
    r"扫一扫在手机打开当前页|读取内容中\s*,?\s*请等待\s*(?:\.{2,}|…+)?|字体\s*:\s*\[\s*\]"
    r"|微信 微博 QQ空间(?: 全真版 文字版 文件下载 相关链接\s*:?)?|-->|<!--"
)
_TAIL_ATTACH = re.compile(r"(?:\s*来源\s*:\s*\S{2,40})?\s*附件下载\s*$")
_META = re.compile(
    r"浏览次数|阅读次数|访问次数|点击(?:数|量)?\s*:|字体\s*:|字号|发布时间\s*:\s*\d|打印本页"
)
_EDITOR = re.compile(r"^(?:责编|责任编辑|编辑)\s*:")
# A CMS page's metadata lines (索引号 … 公开日期 …, a crawler's 采集时间): metadata, read by
# meta.py from the raw text, never body. A 名称/标题 label loses only the label.
_CMS_LINE = re.compile(
    r"^(?:索\s*引\s*号|采集时间|发布机构|公开日期|成文日期|主题分类|文\s*号)\s*:?")
_CMS_LABEL = re.compile(r"^(?:名\s*称|标\s*题)\s*:?\s*(?=\S)")
_DATE_ONLY = re.compile(r"^(?:时间|日期|发布时间|发布日期)\s*:[\d\-/: 年月日]*$")
_TOKEN_SPLIT = re.compile(r"[\s\[\]【】|]+")
_FURNITURE = {
    "字号", "字号:", "字体", "字体:", "大", "中", "小", "打印", "打印本页", "收藏", "关闭",
    "关闭窗口", "返回顶部", "微信", "微博", "QQ空间", "全真版", "文字版", "文件下载",
    "相关链接", "相关链接:", "分享", "分享到", "分享到:", "Baidu", "map", "附件下载",
    "上一篇", "下一篇", ":",
    # Site bars of government CMSs (accessibility, elderly mode, script switch, assistant).
    "繁體版", "繁体版", "简体版", "无障碍", "无障碍浏览", "适老化", "适老版", "长者模式",
    "退出长者模式", "智能问答", "移动版", "English",
}
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–~]\s*\d{1,4}\s*[-—–~]|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*,?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4})$"
)
_COLLAPSE = re.compile(
    rf"(?<=[{_CJK}])\s+(?=[{_CJK}0-9A-Za-z(])|(?<=[0-9A-Za-z),:;.!?])\s+(?=[{_CJK}])"
)

_FLAT_MIN = 300
_LEAD_TITLE = re.compile(r"([^。;:!?]{4,60}?(?:年度报告|工作报告|工作总结))\s+")
_HEAD_MARK = r"(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、](?!\d))"
_HEAD_CHUNK = re.compile(rf"({_HEAD_MARK}\s*[^\s。;:!?,]{{1,25}})\s+")
_AFTER_SENTENCE = re.compile(rf"(?<=[。!?;])\s+|(?<=:)\s+(?={_HEAD_MARK})")


# A line as a pair (folded, as published) of equal length; see the module docstring.
Pair = tuple[str, str]


def _sub(pattern: re.Pattern, repl, pair: Pair) -> Pair:
    """``pattern.sub`` decided on the folded side and made on both. ``repl`` is a string or a
    function of the match returning a string, or None to leave the match as it is."""
    f, d = pair
    out_f, out_d, last = [], [], 0
    for m in pattern.finditer(f):
        r = repl(m) if callable(repl) else repl
        if r is None:
            continue
        out_f += (f[last:m.start()], r)
        out_d += (d[last:m.start()], r)
        last = m.end()
    if not out_f:
        return pair
    return "".join(out_f) + f[last:], "".join(out_d) + d[last:]


def _strip(pair: Pair) -> Pair:
    f, d = pair
    a, b = len(f) - len(f.lstrip()), len(f.rstrip())
    return (f[a:b], d[a:b]) if a < b else ("", "")


def _strip_furniture(pair: Pair) -> Pair:
    """``pair`` without page furniture; empty when nothing of the report is left."""
    pair = _sub(_INLINE_CRUMB, "", pair)
    pair = _sub(_INLINE_JUNK, " ", pair)
    pair = _strip(_sub(_TAIL_ATTACH, "", pair))
    line = pair[0]
    if not line:
        return pair
    if _CRUMB_LINE.match(line):
        if len(line) <= 200:
            return "", ""
        pair = _strip(_sub(_CRUMB_PATH, "", pair))
        line = pair[0]
    if len(line) <= 160 and (
        _META.search(line) or _EDITOR.match(line) or _DATE_ONLY.match(line)
        or _CMS_LINE.match(line)
    ):
        return "", ""
    pair = _sub(_CMS_LABEL, "", pair)
    if all(tok in _FURNITURE for tok in _TOKEN_SPLIT.split(line) if tok):
        return "", ""
    return pair


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _rejoin(pairs: list[Pair], indents: list[str], rows: frozenset[str] = frozenset()
            ) -> list[Pair]:
    """Join hard-wrapped lines back into paragraphs (``wraps.continues`` decides); a row of
    one of the report's tables (``rows``: folded, white space removed) is never joined."""
    out: list[Pair] = []
    joins_at = continues([d for _, d in pairs], indents)
    if rows:
        fixed = [_WHITE.sub("", f) in rows for f, _ in pairs]
        joins_at = [j and not fixed[i] and not (i and fixed[i - 1])
                    for i, j in enumerate(joins_at)]
    for pair, joins in zip(pairs, joins_at, strict=True):
        if out and joins:
            sep = " " if _latin(out[-1][0][-1]) and _latin(pair[0][0]) else ""
            out[-1] = (out[-1][0] + sep + pair[0], out[-1][1] + sep + pair[1])
        else:
            out.append(pair)
    return out


def _split_flattened(pair: Pair) -> list[Pair]:
    """Split a web page body flattened onto one line back into paragraphs.

    The spaces such bodies keep mark the lost block boundaries; only the ones after a
    sentence, after a leading report title and after a short heading are trusted.
    """
    line = pair[0]
    if len(line) < _FLAT_MIN:
        return [pair]
    cuts: list[tuple[int, int]] = []  # (end of a part, start of the next)
    pos = 0
    pieces = [(m.start(), m.end()) for m in _AFTER_SENTENCE.finditer(line)]
    bounds = [0] + [e for _, e in pieces]
    ends = [s for s, _ in pieces] + [len(line)]
    for i, (start, end) in enumerate(zip(bounds, ends, strict=True)):
        chunk = line[start:end]
        m = (_LEAD_TITLE if i == 0 else _HEAD_CHUNK).match(chunk)
        if m and m.end() < len(chunk):
            cuts.append((start + m.end(1), start + m.end()))
        if end < len(line):
            cuts.append((end, bounds[i + 1]))
        pos = end
    del pos
    out, last = [], 0
    for end, nxt in cuts:
        out.append((pair[0][last:end], pair[1][last:end]))
        last = nxt
    out.append((pair[0][last:], pair[1][last:]))
    return [p for p in out if p[0]]


def _simplified(text: str) -> str:
    """Traditional lines converted to simplified, character for character where OpenCC's
    phrase conversion would change a line's length (offsets must stay aligned)."""
    traditional = _traditional_only()
    if traditional.isdisjoint(text):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if traditional.isdisjoint(line):
            continue
        out = _converter().convert(line)
        if len(out) != len(line):
            table = _common_forms()
            out = "".join(table.get(ch, [ch])[0] for ch in line)
        lines[i] = out
    return "\n".join(lines)


def match_form(text: str) -> str:
    """The folded form of text as published (``clean_both``'s second half): widths folded,
    one character for one, so offsets carry over."""
    return text.translate(_WIDTH_TABLE)


def row_key(line: str) -> str:
    """A table row's text as ``clean_both``'s ``rows`` wants it: folded, no white space."""
    return _WHITE.sub("", clean(line))


def clean_both(raw: str, wrapped: bool = True, rows: frozenset[str] = frozenset()) -> Pair:
    """``(folded, as published)``: `raw` without page furniture, page numbers, hard wraps and
    stray spaces, one paragraph per line (see the module docstring). ``wrapped=False`` is for
    text whose reader already joined the wraps from the layout (PDF, Word, Markdown): its
    lines are paragraphs and table rows and are kept as they are. ``rows`` are the report's
    table rows (``row_key``): lines never joined to their neighbours."""
    d = _simplified(raw.replace("\r\n", "\n").replace("\r", "\n"))
    pair = (match_form(d), d)
    if "(" in pair[0]:
        pair = _sub(_PINYIN, lambda m: "" if _is_pinyin(m.group(1)) else None, pair)
    pair = _sub(_COMMENT, " ", _sub(_INVISIBLE, "", pair))
    lines, indents = [], []
    for line in zip(pair[0].split("\n"), pair[1].split("\n"), strict=True):
        indent = line[1][: len(line[0]) - len(line[0].lstrip())]
        line = _strip_furniture(_strip(_sub(_SPACES, " ", line)))
        if line[0] and not _PAGE_NUMBER.match(line[0]):
            lines.append(line)
            indents.append(indent)
    if wrapped:
        lines = _rejoin(lines, indents, rows)
    lines = [part for line in lines for part in _split_flattened(line)]
    lines = [_sub(_COLLAPSE, "", line) for line in lines]
    return "\n".join(f for f, _ in lines), "\n".join(d for _, d in lines)


def clean(raw: str) -> str:
    """Fold `raw` and strip page furniture, page numbers, hard wraps and stray spaces.

    The result has one paragraph per line, separated by a single newline.
    """
    return clean_both(raw)[0]
