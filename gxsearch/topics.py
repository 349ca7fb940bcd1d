"""Assign topics from a fixed taxonomy to report sections.

The taxonomy follows the parts of the national report template (国办公开办函〔2021〕30号:
总体情况, 主动公开政府信息情况, 收到和处理政府信息公开申请情况, 行政复议/行政诉讼情况,
存在的主要问题及改进情况, 其他需要报告的事项) plus the recurring themes of the older reports
(政策解读, 回应关切, 平台建设, 制度建设, 收费减免, 工作计划, 建议提案办理). Headings decide
first: the deepest heading that says something, plus the top-level template part it sits
in. Only when the headings say nothing (preamble, "1.高度重视") does keyword density in the
section text decide. Every section gets at least one topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["TOPICS", "topics_for"]

TOPICS: dict[str, str] = {
    "总体情况": "报告概述与年度政务公开工作总体情况、主要做法和成效",
    "主动公开": "主动公开政府信息的数量、类别、形式和重点领域信息公开",
    "依申请公开": "收到和处理政府信息公开申请的情况(依申请公开)",
    "政策解读": "政策文件解读、新闻发布会、在线访谈等解读工作",
    "回应关切": "政务舆情回应、回应社会关切、政民互动",
    "平台建设": "政府网站、政务新媒体、政府公报、查阅场所等公开平台和载体建设",
    "制度建设": "组织领导、工作机制、制度规范、队伍建设、培训与监督考核",
    "收费减免": "政府信息公开的收费及减免情况",
    "复议诉讼": "因政府信息公开引起的行政复议、行政诉讼情况",
    "问题改进": "存在的主要问题及改进情况(措施、建议)",
    "工作计划": "下一年度工作要点、打算和计划",
    "建议提案办理": "人大代表建议和政协委员提案办理结果公开",
    "其他": "其他需要报告的事项及无法归类的内容",
}

# Keyword rules on headings, most specific first within each topic.
_HEADING_RULES: dict[str, re.Pattern[str]] = {
    "总体情况": re.compile(r"总体(?:公开)?情况|概述|基本情况|工作完成情况|主要做法"),
    "主动公开": re.compile(
        r"主动公开|重点领域|推进.{0,12}信息公开|信息公开(?:的)?(?:数量|类别|内容)|公开的主要内容"
    ),
    "依申请公开": re.compile(r"依申请|申请公开|公开申请|申请(?:处理)?情况"),
    "政策解读": re.compile(r"解读"),
    "回应关切": re.compile(r"回应|关切|舆情|政民互动"),
    "平台建设": re.compile(
        r"平台|网站|载体|新媒体|两微一端|公报|查阅|公开栏|公开形式|公开方式|公开渠道|热线|网上"
        r"|互联网|一网通办"
    ),
    "制度建设": re.compile(
        r"制度|机制|组织领导|队伍|培训|监督|考核|责任|规范化|标准化|保障|信息管理|审查"
    ),
    "收费减免": re.compile(r"收费|减免"),
    "复议诉讼": re.compile(r"复议|诉讼"),
    "问题改进": re.compile(r"存在的|存在问题|主要问题|不足|改进|整改|意见和建议|问题与建议"),
    "工作计划": re.compile(r"要点|打算|计划|下一步|明年"),
    "建议提案办理": re.compile(r"提案|人大代表|政协委员|代表建议"),
    "其他": re.compile(r"其他需要报告|其他事项"),
}

# Text keywords for sections whose headings are not decisive.
_TEXT_RULES: dict[str, re.Pattern[str]] = {
    "主动公开": re.compile(r"主动公开"),
    "依申请公开": re.compile(r"依申请|公开申请|申请公开"),
    "政策解读": re.compile(r"解读"),
    "回应关切": re.compile(r"回应|舆情|关切"),
    "平台建设": re.compile(r"网站|平台|新媒体|微信|微博|公开栏|查阅"),
    "制度建设": re.compile(r"制度|机制|组织领导|培训|考核"),
    "收费减免": re.compile(r"收费|减免"),
    "复议诉讼": re.compile(r"复议|诉讼"),
    "问题改进": re.compile(r"不足|改进|有待"),
    "工作计划": re.compile(r"下一步|明年|将继续"),
    "建议提案办理": re.compile(r"提案"),
}
_MIN_HITS = 3  # a theme mentioned fewer times is not what the section is about


def _heading_topics(heading: str) -> set[str]:
    found = {name for name, rule in _HEADING_RULES.items() if rule.search(heading)}
    if "复议诉讼" in found:
        # "因政府信息公开申请行政复议" is about appeals, not about handling the requests.
        found.discard("依申请公开")
    return found


def _text_topics(text: str) -> set[str]:
    counts = {name: len(rule.findall(text)) for name, rule in _TEXT_RULES.items()}
    best = max(counts.values(), default=0)
    if best < _MIN_HITS:
        return set()
    return {name for name, n in counts.items() if n >= _MIN_HITS and n * 2 >= best}


def topics_for(path: Sequence[str], text: str) -> list[str]:
    """Topics of a section with heading ``path`` (top-down) and own ``text``, in TOPICS order.

    The deepest heading with a rule match decides; the top-level heading's topics are
    inherited (it names the template part); the text decides only when no heading matches.
    Never empty: falls back to 其他.
    """
    found: set[str] = set()
    generic: set[str] = set()
    for heading in reversed(path[1:]):
        # "(二)主要做法" or "(一)基本情况" says no more than the part it sits in.
        found = _heading_topics(heading)
        generic |= found & {"总体情况"}
        found -= {"总体情况"}
        if found:
            break
    top = (_heading_topics(path[0]) if path else set()) | generic
    if not found and top <= {"总体情况"}:
        # Generic headings all the way up (or none): let the text say what it is about.
        found = _text_topics(text)
    found |= top
    return [name for name in TOPICS if name in found] or ["其他"]
