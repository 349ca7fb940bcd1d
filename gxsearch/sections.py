"""Split a cleaned report into a tree of numbered sections.

Headings follow the usual Chinese outline: ``一、`` (level 1) › ``(一)`` (2) › ``1.``/``1、``
(3) › ``(1)``/``1)`` (4). They appear at the start of a line or inline in one-line bodies
(scraped pages), so a marker only counts as a heading at a plausible boundary (line start,
after ``。;:!?``, or right where the previous heading ends) and when its number continues the
sequence. Short standalone lines that lost their number (``存在的问题与建议``) are recognised
by their vocabulary. Text before the first heading is the preamble ``s0``. The section ranges
tile the whole text, so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Section", "split_sections"]

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}
_CN = "一二三四五六七八九十"

_MARKER = re.compile(
    rf"\((?P<n2>[{_CN}]{{1,3}})\)"
    r"|\((?P<n4>\d{1,2})\)"
    rf"|(?<![{_CN}第])(?P<n1>[{_CN}]{{1,3}})、"
    r"|(?<![\d.(])(?P<n3>\d{1,2})[.、](?![\d.])"
    r"|(?<![\d.(])(?P<n4b>\d{1,2})\)"
)

# Part names of the national template (国办公开办函〔2021〕30号) and of the older reports;
# they identify a level-1 heading even where the page lost the punctuation before it.
_TEMPLATE = re.compile(
    r"(?:总体(?:公开)?情况|概述|基本情况"
    r"|(?:政府信息)?主动公开(?:政府信息)?(?:的)?(?:工作)?情况"
    r"|收到和处理政府信息公开申请(?:的)?情况"
    r"|(?:政府信息)?依申请公开(?:政府信息)?(?:工作|办理)?(?:的)?情况"
    r"|(?:政府信息公开(?:的)?)?收费及减免(?:的)?情况"
    r"|(?:因政府信息公开申请)?(?:政府信息公开)?(?:申请)?行政法?复议[、和与及]?(?:提起)?行政诉讼(?:的)?情况"
    r"|(?:政府信息公开(?:工作)?)?存在的(?:主要)?问题(?:和|及|与)(?:改进|整改)(?:措施|情况)"
    r"|其他需要报告的事项"
    r"|政府信息公开情况统计表)"
)

# Unnumbered headings that are top-level template parts rather than sub-items.
_TOP_UNNUMBERED = re.compile(r"存在的(?:主要)?问题|工作要点|工作打算|工作计划|下一步|其他需要报告")
_HEADING_END_WORDS = re.compile(
    r"(?:情况|问题|建议|措施|工作|要点|概述|打算|计划|分析|成效|做法)。?$"
)
# Words that end a heading when body text follows directly without punctuation.
_SUFFIX_CUT = re.compile(
    r"(?:情况|方面|措施|事项|要点|打算|问题|数量|类别|形式|统计表)"
    r"(?=[\u4e00-\u9fff\d])(?![和及与、的等统汇报表说分])"
)
# A year starts the body unless it is part of a heading such as 2018年政务公开工作要点.
_YEAR_CUT = re.compile(r"\d{4}年(?!度?(?:政务|政府|工作|信息|年度))")
_DIGITS_CUT = re.compile(r"\d{3,}(?![\d年])")  # flattened table cells, not a year
_BODY_START = re.compile(
    r"在(?=[“《全本各省市区县])|指定|按照|根据|围绕|通过|依托|坚持|结合|我区|我局|今年|全年|目前"
    r"|为(?=增强|进一步|确保|切实|做好|加强|推进|提高|了)"
)
# Rows of the template's tables that read like level-1 headings (三、本年度办理结果), and a
# bare marker followed by figures or nothing (三、 alone in a flattened table): never parts.
_TABLE_ROW = re.compile(
    r"(?:本年新收|上年结转|本年度办理结果|结转下年度继续办理|本年度办结|本年度新收)"
    r"|[\d \t]*(?=\n|$)"
)
_TABLE_CUT = re.compile(r"(?<=统计表)[\u4e00-\u9fff]|\d{3,}(?![\d年])")
_ENUM_CUT = re.compile(r"[一二三四五六七八九]是")
_SPACE = re.compile(r"\s")
_BOUNDARY_CHARS = "。;:!?"
MAX_HEADING = 40


@dataclass(frozen=True)
class Section:
    """One node of the section tree; ``start``/``end`` cover heading and own text."""

    id: str
    level: int
    heading: str
    path: tuple[str, ...]
    text: str
    start: int
    end: int


@dataclass
class _Cand:
    pos: int
    level: int  # 0 for an unnumbered heading line
    num: int
    content: int  # where the heading words start (after the marker)
    line_end: int


def _cn_int(s: str) -> int:
    """``"十二"`` → 12 for the small numbers used in outlines."""
    if "十" not in s:
        return _CN_DIGITS.get(s, 0) if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _marker_info(m: re.Match[str]) -> tuple[int, int]:
    """(level, number) of a ``_MARKER`` match."""
    for level, group in ((1, "n1"), (2, "n2"), (3, "n3"), (4, "n4"), (4, "n4b")):
        value = m.group(group)
        if value is not None:
            return level, (_cn_int(value) if level <= 2 else int(value))
    raise AssertionError("unreachable")


def _candidates(text: str, rows: frozenset[str] = frozenset()) -> list[_Cand]:
    cands = []
    for m in _MARKER.finditer(text):
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        level, num = _marker_info(m)
        if num <= 0:
            continue
        if rows and _at_line_start(text, m.start()):
            line = text[text.rfind("\n", 0, m.start()) + 1:line_end]
            if _SPACE.sub("", line) in rows:
                continue  # a row of one of the report's tables
        if level == 1 and _TABLE_ROW.match(text, _skip_spaces(text, m.end(), line_end)) \
                and not _TEMPLATE.match(text, _skip_spaces(text, m.end(), line_end)):
            continue
        cands.append(_Cand(m.start(), level, num, m.end(), line_end))
    pos = 0
    for line in text.split("\n"):
        if _is_unnumbered_heading(line):
            lead = len(line) - len(line.lstrip())
            cands.append(_Cand(pos + lead, 0, 0, pos + lead, pos + len(line.rstrip())))
        pos += len(line) + 1
    cands.sort(key=lambda c: c.pos)
    return cands


def _is_unnumbered_heading(line: str) -> bool:
    s = line.strip()
    if not s or _MARKER.match(s) or re.search(r"\d", s):
        return False
    if s.endswith("。"):
        # Only the old template's sub-questions end in 。 (工作中存在的主要问题,…分析。).
        return (
            len(s) <= 30
            and re.search(r"问题|建议|意见", s) is not None
            and bool(_HEADING_END_WORDS.search(s))
            and s.count("。") == 1
            and ";" not in s
            and ":" not in s
        )
    return len(s) <= 25 and not re.search(r"[,。;:!?]", s) and bool(_HEADING_END_WORDS.search(s))


def _skip_spaces(text: str, i: int, end: int) -> int:
    while i < end and text[i] in " \t":
        i += 1
    return i


def _at_line_start(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return text[line_start:pos].strip() == ""


def _prev_char(text: str, pos: int) -> str:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return text[i] if i >= 0 else "\n"


def _number_ok(c: _Cand, counters: list[int], lenient: bool) -> bool:
    last = counters[c.level]
    if c.num == last + 1:
        return True
    # Line-start headings and template parts tolerate a repeated or skipped number
    # (seed 003 has two (四); seed 001 lost its (一)).
    return lenient and last <= c.num <= last + 2 and not (c.num == last == 0)


def _parallel_cut(text: str, start: int, limit: int) -> int | None:
    """``加强组织领导,健全工作机制将…`` → cut after the second phrase of equal length."""
    comma = text.find(",", start, limit)
    if comma < 0:
        return None
    first = comma - start
    end = comma + 1 + first
    if 5 <= first <= 10 and end <= limit and not re.search(r"[,。;:!?()]", text[comma + 1 : end]):
        # The second phrase may be a little longer (扎实推进主动公开根据…).
        body = _BODY_START.search(text, end - 1, min(end + 5, limit))
        return body.start() if body else end
    return None


def _heading_end(text: str, c: _Cand) -> int:
    """Where the heading words of candidate ``c`` stop and its body text starts."""
    content = _skip_spaces(text, c.content, c.line_end)
    line = text[content : c.line_end]
    if _at_line_start(text, c.pos) and len(line) <= MAX_HEADING and "。" not in line:
        # A short line is the heading, unless a table row or template name ran into it.
        tm = _TEMPLATE.match(text, content)
        cut = _TABLE_CUT.search(text, content + 2, c.line_end)
        ends = [m for m in (tm and tm.end(), cut and cut.start()) if m and m < c.line_end]
        return min(ends) if ends and text[min(ends)].isalnum() else c.line_end
    limit = min(c.line_end, content + MAX_HEADING)
    # Strong signals first: a template part name, the first child heading, a year or a
    # space starting the body, an "一是" enumeration.
    cuts = [c.line_end]
    tm = _TEMPLATE.match(text, content)
    if tm:
        cuts.append(tm.end())
    for m in _MARKER.finditer(text, content + 2, limit):
        level, num = _marker_info(m)
        if level > c.level and num == 1:
            cuts.append(m.start())
            break
    for pattern in (_YEAR_CUT, _DIGITS_CUT, _ENUM_CUT, _SPACE):
        m = pattern.search(text, content + 2, limit)
        if m:
            cuts.append(m.start())
    colon = text.find(":", content + 2, limit)
    if colon >= 0:
        cuts.append(colon + 1)
    best = min(cuts)
    # Weaker: the first 。, unless a heading word (…情况/…方面) ended the heading before a
    # clause that already reads as body text.
    stop = text.find("。", content, min(best, limit))
    suffix = _SUFFIX_CUT.search(text, content + 2, min(best, limit))
    if stop >= 0:
        if suffix and suffix.end() < stop and "," in text[suffix.end() : stop]:
            return suffix.end()
        return stop + 1
    if suffix:
        return suffix.end()
    if best <= limit:
        return best
    fallback = _parallel_cut(text, content, limit)
    if fallback is None:
        body = _BODY_START.search(text, content + 4, limit)
        fallback = body.start() if body else None
    if fallback is None and _at_line_start(text, c.pos):
        # A numbered item that is one long sentence (1、加强信息公开培训指导工作，确保…水平。):
        # the sentence is the heading, not its words up to the first comma.
        stop = text.find("。", content, min(c.line_end, content + 2 * MAX_HEADING))
        if stop >= 0:
            return stop + 1
    if fallback is None:
        comma = re.compile(r"[,;]").search(text, content, limit)
        fallback = comma.start() if comma else limit
    # A clause comma belongs to the body, not to the heading.
    return fallback - 1 if text[fallback - 1] == "," else fallback


def _find_headings(text: str, rows: frozenset[str]) -> list[tuple[int, int, int]]:
    """(start, heading end, level) of every accepted heading, in order."""
    counters = [0] * 5
    found: list[tuple[int, int, int]] = []
    heading_end = -1
    seen_top = False
    for c in _candidates(text, rows):
        if c.pos < heading_end:
            continue
        line_start = _at_line_start(text, c.pos)
        if c.level == 0:
            if not seen_top or found and found[-1][0] == c.pos:
                continue
            words = text[c.pos : c.line_end]
            # A sub-question ending in 。 sits below the part it belongs to.
            top = _TOP_UNNUMBERED.search(words) and not words.endswith("。")
            level = 1 if top else 2
            counters[level] += 1
            for deeper in range(level + 1, 5):
                counters[deeper] = 0
            found.append((c.pos, c.line_end, level))
            heading_end = c.line_end
            continue
        content = _skip_spaces(text, c.content, c.line_end)
        template = c.level == 1 and _TEMPLATE.match(text, content) is not None
        boundary = (
            line_start
            or _prev_char(text, c.pos) in _BOUNDARY_CHARS
            or text[heading_end : c.pos].strip() == ""
        )
        if not (boundary or template) or not _number_ok(c, counters, line_start or template):
            continue
        if c.level > 1 and not seen_top and not line_start and counters[c.level] == 0:
            # Before the first 一、 an inline (一)/1. is usually an enumeration in the preamble.
            if _prev_char(text, c.pos) not in "。\n":
                continue
        counters[c.level] = c.num
        for deeper in range(c.level + 1, 5):
            counters[deeper] = 0
        seen_top = seen_top or c.level == 1
        heading_end = _heading_end(text, c)
        found.append((c.pos, heading_end, c.level))
    return found


def _stripped(text: str, a: int, b: int) -> tuple[int, int]:
    """``text[a:b]`` without surrounding white space, as a range."""
    piece = text[a:b]
    lead = len(piece) - len(piece.lstrip())
    return (a + lead, a + len(piece.rstrip())) if piece.strip() else (a, a)


def split_sections(text: str, shown: str | None = None,
                   table_rows: frozenset[str] = frozenset()) -> list[Section]:
    """Split cleaned report text into sections in document order (see module docstring).

    ``text`` is the folded text (``clean.clean_both``); ``shown``, the same text as published
    and aligned with it, gives the sections' ``heading`` and ``text`` (default: ``text``).
    ``table_rows`` are the folded rows of the report's tables, white space removed: a line
    that is one of them is never a heading.
    """
    if not text:
        return []
    shown = text if shown is None else shown
    if len(shown) != len(text):
        raise ValueError("the text as published is not aligned with the folded text")
    heads = _find_headings(text, table_rows)
    sections: list[Section] = []
    if not heads or heads[0][0] > 0:
        first = heads[0][0] if heads else len(text)
        a, b = _stripped(text, 0, first)
        sections.append(Section("s0", 0, "", (), shown[a:b], 0, first))
    stack: list[tuple[int, str, tuple[str, ...], list[int]]] = []  # level, id, path, n children
    root_children = [0]
    for i, (start, head_end, level) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        while stack and stack[-1][0] >= level:
            stack.pop()
        counter = stack[-1][3] if stack else root_children
        counter[0] += 1
        parent_id = stack[-1][1] if stack else "s"
        sid = f"{parent_id}-{counter[0]}" if stack else f"s{counter[0]}"
        a, b = _stripped(text, start, head_end)
        heading = shown[a:b]
        path = (stack[-1][2] if stack else ()) + (heading,)
        a, b = _stripped(text, head_end, end)
        sections.append(Section(sid, level, heading, path, shown[a:b], start, end))
        stack.append((level, sid, path, [0]))
    return sections
