"""Normalise report text: fold widths and scripts, drop page furniture, re-join wrapped lines.

`fold` is shared by documents and queries so both sides of a match agree: full-width ASCII
becomes half-width, pinyin annotations scraped from "phonetic" sites (`技術(shù)`) go, and
traditional characters become simplified. `clean` additionally removes what the web page or
PDF put around the report (breadcrumbs, share bars, counters, page numbers) and hard wraps.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from pathlib import Path

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
_DATE_ONLY = re.compile(r"^(?:时间|日期|发布时间|发布日期)\s*:[\d\-/: 年月日]*$")
_TOKEN_SPLIT = re.compile(r"[\s\[\]【】|]+")
_FURNITURE = {
    "字号", "字号:", "字体", "字体:", "大", "中", "小", "打印", "打印本页", "收藏", "关闭",
    "关闭窗口", "返回顶部", "微信", "微博", "QQ空间", "全真版", "文字版", "文件下载",
    "相关链接", "相关链接:", "分享", "分享到", "分享到:", "Baidu", "map", "附件下载",
    "上一篇", "下一篇", ":",
}
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–~]\s*\d{1,4}\s*[-—–~]|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*,?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4})$"
)
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|\([一二三四五六七八九十]+\)|\d{1,2}(?:\.|、)(?!\d)"
    r"|\(\d{1,2}\)|\d{1,2}\)|第[一二三四五六七八九十]+[章节部分条])"
)
_SENTENCE_END = "。!?;:"
_CLOSERS = "”’\"」』)》"
_COLLAPSE = re.compile(
    rf"(?<=[{_CJK}])\s+(?=[{_CJK}0-9A-Za-z(])|(?<=[0-9A-Za-z),:;.!?])\s+(?=[{_CJK}])"
)

_FLAT_MIN = 300
_LEAD_TITLE = re.compile(r"([^。;:!?]{4,60}?(?:年度报告|工作报告|工作总结))\s+")
_HEAD_MARK = r"(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、](?!\d))"
_HEAD_CHUNK = re.compile(rf"({_HEAD_MARK}\s*[^\s。;:!?,]{{1,25}})\s+")
_AFTER_SENTENCE = re.compile(rf"(?<=[。!?;])\s+|(?<=:)\s+(?={_HEAD_MARK})")


def _strip_furniture(line: str) -> str:
    """Return `line` without page furniture; "" when nothing of the report is left."""
    line = _INLINE_CRUMB.sub("", line)
    line = _INLINE_JUNK.sub(" ", line)
    line = _TAIL_ATTACH.sub("", line).strip()
    if not line:
        return ""
    if _CRUMB_LINE.match(line):
        if len(line) <= 200:
            return ""
        line = _CRUMB_PATH.sub("", line).strip()
    if len(line) <= 160 and (
        _META.search(line) or _EDITOR.match(line) or _DATE_ONLY.match(line)
    ):
        return ""
    if all(tok in _FURNITURE for tok in _TOKEN_SPLIT.split(line) if tok):
        return ""
    return line


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _wrap_width(widths: list[int]) -> int | None:
    """The width a hard-wrapped document was wrapped at, or None if it does not look wrapped."""
    counts = Counter(w for w in widths if w >= 20)
    best, score = None, 0
    for m in counts:
        n = sum(c for w, c in counts.items() if m - max(3, m // 8) <= w <= m)
        if n > score or (n == score and best is not None and m > best):
            best, score = m, n
    if best is None or score < 3 or score < 0.3 * len(widths):
        return None
    return best


def _ends_sentence(line: str) -> bool:
    tail = line.rstrip(_CLOSERS) or line
    return tail[-1] in _SENTENCE_END


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _rejoin(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into paragraphs."""
    widths = [_width(line) for line in lines]
    wrap = _wrap_width(widths)
    if wrap is None:
        return lines
    out: list[str] = []
    joinable = False
    for line, width in zip(lines, widths, strict=True):
        if out and joinable and not _HEADING.match(line):
            sep = " " if _latin(out[-1][-1]) and _latin(line[0]) else ""
            out[-1] += sep + line
        else:
            out.append(line)
        joinable = width >= 0.8 * wrap and not _ends_sentence(line)
    return out


def _split_flattened(line: str) -> list[str]:
    """Split a web page body flattened onto one line back into paragraphs.

    The spaces such bodies keep mark the lost block boundaries; only the ones after a
    sentence, after a leading report title and after a short heading are trusted.
    """
    if len(line) < _FLAT_MIN:
        return [line]
    parts: list[str] = []
    for i, chunk in enumerate(_AFTER_SENTENCE.split(line)):
        m = (_LEAD_TITLE if i == 0 else _HEAD_CHUNK).match(chunk)
        if m and m.end() < len(chunk):
            parts += [m.group(1), chunk[m.end():]]
        else:
            parts.append(chunk)
    return parts


def clean(raw: str) -> str:
    """Fold `raw` and strip page furniture, page numbers, hard wraps and stray spaces.

    The result has one paragraph per line, separated by a single newline.
    """
    text = fold(raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _COMMENT.sub(" ", _INVISIBLE.sub("", text))
    lines = []
    for line in text.split("\n"):
        line = _strip_furniture(_SPACES.sub(" ", line).strip())
        if line and not _PAGE_NUMBER.match(line):
            lines.append(line)
    lines = [part for line in _rejoin(lines) for part in _split_flattened(line)]
    return "\n".join(_COLLAPSE.sub("", line) for line in lines)
