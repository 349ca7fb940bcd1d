"""A report's sentences as the audit compares them: split, normalised, the template's own
text left out, hashed. Runs in the indexer (``fingerprint``); the record is stored with
the report, so that comparing a whole collection never reads its texts again.

A sentence is a run of a section's text ending at 。！？；!?; or a line end. Its normal form
is the text with widths folded (the text is already simplified by the cleaner), lowercased,
everything but Han characters, Latin letters and digits dropped, and each run of digits
written as 0: a sentence repeated with this year's figures is still a repeated sentence.
Left out: headings (they are the template's or the report's outline, not its writing), the
rows of the report's tables, sentences under ``MIN_CHARS`` characters in normal form
(``无。``, ``详见附表。``), the template's labels (a flattened table row such as
``一、本年新收政府信息公开申请数量15130000154`` is nothing else, and a flattened table glued
to the sentence after it leaves only that sentence), and the template's prescribed wording
(the 条例 citation, the data period, the contact line) — both listed in
``data/boilerplate.tsv``. What is left of a sentence is what is hashed and counted.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from gxsearch.clean import match_form, row_key

DATA = Path(__file__).resolve().parent.parent / "data" / "boilerplate.tsv"
MIN_CHARS = 8
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
_DROP = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_DIGITS = re.compile(r"[0-9]+")
_NUMBERING = re.compile(r"[0一二三四五六七八九十]+")


@functools.cache
def _boilerplate() -> tuple[re.Pattern, re.Pattern]:
    labels, patterns = [], []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, text = line.split("\t", 1)
        (labels if kind == "label" else patterns).append(text)
    labels.sort(key=len, reverse=True)  # the longest label first: 部分公开… before 部分公开
    return (re.compile("|".join(map(re.escape, labels))),
            re.compile("|".join(f"(?:{p})" for p in patterns)))


def normal(sentence: str) -> str:
    """The normal form of a sentence (see the module docstring)."""
    return _DIGITS.sub("0", _DROP.sub("", match_form(sentence).lower()))


def is_boilerplate(norm: str) -> bool:
    """Whether a sentence (in normal form) is the template's text rather than the report's."""
    return compared(norm) is None


def compared(norm: str) -> str | None:
    """What of a sentence (in normal form) is compared: the sentence without the template's
    labels — a flattened table glued to the next sentence (a table has no sentence end) is
    compared by that sentence alone, not by the table, which is the same every year — or
    None when it is the template's text."""
    labels, prescribed = _boilerplate()
    if prescribed.search(norm):
        return None
    core = labels.sub("", norm)
    return core if len(_NUMBERING.sub("", core)) >= MIN_CHARS else None


def sentences(text: str, rows: frozenset[str] = frozenset()):
    """``(start, end, normal form)`` of each sentence of ``text`` the audit compares
    (offsets into ``text``); ``rows``: the report's table rows (``row_key``), left out."""
    for m in _SENTENCE.finditer(text):
        piece = m.group()
        if rows and row_key(piece) in rows:
            continue
        core = compared(normal(piece))
        if core is None:
            continue
        lead = len(piece) - len(piece.lstrip())
        yield m.start() + lead, m.end(), core


def sentence_hash(norm: str) -> int:
    """A stable 63-bit hash of a normal form (Python's ``hash`` differs between runs)."""
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(),
                          "big") >> 1


def fingerprint(sections, rows: frozenset[str] = frozenset()) -> dict:
    """``{"sections": [section id…], "sentences": [[hash, chars, section index, start,
    end]…]}`` in document order, for ``sections`` (``Section``s or dicts with ``id`` and
    ``text``); ``chars`` is the length of the normal form, offsets are into the section's
    text."""
    ids, out = [], []
    for i, sec in enumerate(sections):
        sid, text = (sec["id"], sec["text"]) if isinstance(sec, dict) else (sec.id, sec.text)
        ids.append(sid)
        out += [[sentence_hash(n), len(n), i, a, b] for a, b, n in sentences(text, rows)]
    return {"sections": ids, "sentences": out}
