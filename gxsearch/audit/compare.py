"""Two reports side by side: sections aligned by template part and heading, a sentence diff
within each pair (difflib), and the main figures with their change.

Alignment: each section gets a key — a level-1 heading that is one of the template's six
parts is that part (``第二部分``, whatever its wording), any other heading its words without
numbering or punctuation, under its parent's key — and the two reports' key sequences are
aligned by ``difflib.SequenceMatcher``; sections left over in a replaced stretch are paired
in order. Sentences are compared without punctuation and widths folded, their figures
kept (``_key``): a sentence with new figures is shown as removed and added, though the
reuse share counts it as repeated wording (``sentences.normal`` writes digits as 0). Runs
of unchanged sentences longer than ``2 * KEEP + 1`` are collapsed to their ends.
"""

from __future__ import annotations

import difflib

from gxsearch.audit.completeness import NUMBERING, present_parts
from gxsearch.audit.sentences import _DROP, _SENTENCE, normal
from gxsearch.clean import match_form
from gxsearch.figures import MAIN, value

KEEP = 2  # unchanged sentences shown at each end of a collapsed run


def _keys(sections: list[dict]) -> list[str]:
    keys, stack = [], []  # stack: (level, key)
    for sec in sections:
        level = sec.get("level", 0)
        heading = sec.get("heading", "")
        part = present_parts([heading]) if level == 1 else []
        own = f"part{part[0]}" if part else normal(NUMBERING.sub("", heading)) or sec["id"]
        while stack and stack[-1][0] >= level:
            stack.pop()
        key = "/".join([k for _l, k in stack] + [own]) if level else "preface"
        if level:
            stack.append((level, own))
        keys.append(key)
    return keys


def _pairs(a: list[dict], b: list[dict]):
    matcher = difflib.SequenceMatcher(None, _keys(a), _keys(b), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from zip(a[i1:i2], b[j1:j2], strict=True)
            continue
        left, right = a[i1:i2], b[j1:j2]
        n = min(len(left), len(right)) if tag == "replace" else 0
        yield from zip(left[:n], right[:n], strict=True)
        yield from ((s, None) for s in left[n:])
        yield from ((None, s) for s in right[n:])


def _key(sentence: str) -> str:
    return _DROP.sub("", match_form(sentence).lower())


def _sentences(text: str) -> list[str]:
    return [m.group().strip() for m in _SENTENCE.finditer(text or "") if m.group().strip()]


def sentence_diff(old: str, new: str) -> list[dict]:
    """``[{"op": "same"|"removed"|"added", "text"} | {"op": "collapsed", "count", "texts"}]``: the
    sentences of ``new`` against ``old``, unchanged runs longer than ``2 * KEEP + 1``
    collapsed to their ends."""
    a, b = _sentences(old), _sentences(new)
    matcher = difflib.SequenceMatcher(None, [_key(s) for s in a], [_key(s) for s in b],
                                      autojunk=False)
    out: list[dict] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same = b[j1:j2]
            if len(same) > 2 * KEEP + 1:
                out += [{"op": "same", "text": s} for s in same[:KEEP]]
                out.append({"op": "collapsed", "count": len(same) - 2 * KEEP,
                            "texts": same[KEEP:-KEEP]})
                out += [{"op": "same", "text": s} for s in same[-KEEP:]]
            else:
                out += [{"op": "same", "text": s} for s in same]
            continue
        out += [{"op": "removed", "text": s} for s in a[i1:i2]]
        out += [{"op": "added", "text": s} for s in b[j1:j2]]
    return out


def _summary(ops: list[dict]) -> dict:
    count = {"same": 0, "removed": 0, "added": 0}
    for op in ops:
        if op["op"] == "collapsed":
            count["same"] += op["count"]
        else:
            count[op["op"]] += 1
    return count


def compare(a: dict, b: dict) -> dict:
    """``a`` (the earlier report) and ``b`` as ``search.get_report`` gives them →
    ``{"sections": [{"a", "b" (section ids or None), "heading_a", "heading_b", "status":
    "same"|"changed"|"removed"|"added", "ops", "counts"}], "counts", "figures": [{"key",
    "label", "a", "b", "change"}]}``."""
    rows, total = [], {"same": 0, "removed": 0, "added": 0}
    for left, right in _pairs(a["sections"], b["sections"]):
        ops = sentence_diff(left["text"] if left else "", right["text"] if right else "")
        counts = _summary(ops)
        for k in total:
            total[k] += counts[k]
        status = ("removed" if right is None else "added" if left is None else
                  "same" if not counts["removed"] and not counts["added"] else "changed")
        rows.append({"a": left["id"] if left else None, "b": right["id"] if right else None,
                     "heading_a": left["heading"] if left else "",
                     "heading_b": right["heading"] if right else "", "level":
                     (right or left).get("level", 0), "status": status, "ops": ops,
                     "counts": counts})
    figures = []
    fa = (a.get("stats") or {}).get("figures") or {}
    fb = (b.get("stats") or {}).get("figures") or {}
    if fa or fb:
        for key, label in MAIN:
            va, vb = value(fa, key), value(fb, key)
            change = vb - va if va is not None and vb is not None else None
            figures.append({"key": key, "label": label, "a": va, "b": vb, "change": change})
    return {"sections": rows, "counts": total, "figures": figures}
