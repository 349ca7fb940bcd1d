"""Figures a report states in its sentences (``全区共收到政府信息公开申请154件，共办结148件，
结转至2026年6件``, ``行政复议36起，行政诉讼9起``): what the text says, to be checked against
its tables, and for reports before the 2019 template the only figures there are
(``共受理政府信息公开申请32件``).

The verbs are narrow on purpose: 收到/受理/接收/新收 is what was received (``apply.new``),
办结 what was answered (``apply.result_total``), 结转 what is carried forward; 办理 (which
reports use for either) is not read. ``suit.total`` is both kinds of 行政诉讼 together, as
sentences count them. A figure counts only with 政府信息公开 or 依申请公开 in its clause or
the 60 characters before it: reports also count 审批 applications and hotline calls
(``共受理申请136437件``, Pingtan 2015). The first sentence found for a key is the one kept.
"""

from __future__ import annotations

import re

_NOT = r"[^。;,，；\d]"  # within one clause, no figure before the one wanted
PATTERNS = (
    ("apply.new", re.compile(rf"(?:收到|受理|接收|新收){_NOT}{{0,30}}?申请{_NOT}{{0,4}}?(\d+)件")),
    ("apply.new", re.compile(rf"(?:收到|受理|接收)(\d+)件{_NOT}{{0,8}}申请")),
    ("apply.result_total", re.compile(rf"办结{_NOT}{{0,12}}?(\d+)件")),
    ("apply.carried_forward", re.compile(r"结转(?:至?下年度?|至\d{4}年)(?:继续办理)?(\d+)件")),
    ("apply.carried_forward", re.compile(r"(\d+)件结转(?:至?下一?年度?|至\d{4}年)")),
    ("review.total", re.compile(r"行政复议(?:案件)?(?:共)?(\d+)(?:件|起|宗)")),
    ("suit.total", re.compile(r"行政诉讼(?:案件)?(?:共)?(\d+)(?:件|起|宗)")),
)
_SENTENCE_END = "。;；!！?？\n"
_ABOUT = ("政府信息公开", "依申请公开", "信息公开申请")
_BEFORE = 60


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(c, 0, start) for c in _SENTENCE_END) + 1
    his = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    return text[lo:min(his) + 1 if his else len(text)].strip()


def stated(text: str) -> dict[str, dict]:
    """``{key: {"value", "at", "sentence"}}`` for each figure the text states (folded text;
    ``at`` the offset of the figure)."""
    out: dict[str, dict] = {}
    for key, pattern in PATTERNS:
        if key in out:
            continue
        for m in pattern.finditer(text):
            if not any(w in text[max(0, m.start() - _BEFORE):m.end()] for w in _ABOUT):
                continue
            out[key] = {"value": int(m.group(1)), "at": m.start(1),
                        "sentence": _sentence(text, m.start(), m.end())}
            break
    return out
