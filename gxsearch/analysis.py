"""Text analysis: the two views of cleaned (folded) Chinese text that the index holds.

* ``segment()`` / ``word_analyzer()`` — jieba precise-mode words, for ranking: the Whoosh
  ``words`` field (the analyzer gives *sequential* positions; jieba's own ``ChineseAnalyzer``
  uses character offsets) and the columns' ``words`` postings, both from one jieba run.
* ``bigrams()`` — overlapping bigrams of text *units* (a Han character, a run of latin
  letters/digits, or one punctuation mark), for matching: only the columns hold them
  (``colbuild.py``), Whoosh never did read them at query time. A section holding a quoted
  phrase of n units holds its n-1 bigrams, so a phrase that occurs in the text is always
  found whatever jieba made of its context (``"申请公开"`` inside ``依申请公开``; candidates are
  verified on the stored text, see ``match.py``), and a 2-character word such as ``复议`` is
  one term lookup.
Line breaks end a run of units: no bigram and no phrase spans two paragraphs. The last unit of
a run is paired with ``RUN_END``, so every occurrence of every unit starts some bigram and a
one-unit query is the set of bigrams it starts (see ``match.py``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from whoosh.analysis import Token, Tokenizer

#: Second half of the bigram that closes a run of units (a character no unit can be).
RUN_END = "\u2403"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNIT_RE = re.compile(rf"[{_HAN}]|[A-Za-z0-9]+|\n|[^\s]")
_WORD_OK_RE = re.compile(rf"[{_HAN}A-Za-z0-9]")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def units(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(unit, start, end)`` for each unit of ``text``; ``"\\n"`` units mark breaks."""
    for m in _UNIT_RE.finditer(text):
        yield m.group().lower(), m.start(), m.end()


def is_alnum_unit(u: str) -> bool:
    """True for a unit made of latin letters or digits."""
    return u.isascii() and u.isalnum()


def join_units(a: str, b: str) -> str:
    """The bigram term for two adjacent units (a space keeps ``a b`` apart from ``ab``)."""
    return f"{a} {b}" if is_alnum_unit(a) and is_alnum_unit(b) else a + b


def bigrams(text: str) -> list[str]:
    """The unit bigrams of ``text`` in order (repeats kept): each unit joined to the next one
    of its run (``join_units``), a run's last unit to ``RUN_END``; a line break ends a run."""
    # The indexer's hot loop (every character of the collection): units found in one C
    # call, lowered one by one only where the text has upper case.
    found = _UNIT_RE.findall(text)
    if not found:
        return []
    if text.lower() != text:
        found = [u.lower() for u in found]
    following = found[1:]
    following.append("\n")
    out: list[str] = []
    add = out.append
    for a, b in zip(found, following, strict=True):
        if a == "\n":
            continue
        if b == "\n":
            add(a + RUN_END)
        elif a[0] in _ALNUM and b[0] in _ALNUM:  # a unit starting so is a latin/digit run
            add(f"{a} {b}")
        else:
            add(a + b)
    return out


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    # The domain dictionary keeps terms like 依申请公开 and 两微一端 whole, for ranking.
    dict_path = resources.files("gxsearch") / "data" / "userdict.txt"
    # A file object, not a path: jieba leaves a path's file open.
    with dict_path.open("rb") as f:
        jieba.load_userdict(f)
    return jieba


def segment(text: str) -> list[str]:
    """jieba precise-mode words of ``text``, lowercased, with whitespace and punctuation dropped."""
    jieba = _jieba()
    return [w.lower() for w in jieba.cut(text, HMM=True) if _WORD_OK_RE.search(w)]


class JiebaTokenizer(Tokenizer):
    """jieba precise-mode words with sequential positions.

    Character offsets are not kept: highlighting works on the stored text, not on these tokens.
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        t = Token(positions, False, removestops=removestops, mode=mode, **kwargs)
        # A list is words already segmented (the indexer runs jieba once per section).
        words = value if isinstance(value, list | tuple) else segment(value)
        for i, w in enumerate(words):
            t.text = w
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = w
            if positions:
                t.pos = start_pos + i
            yield t


def word_analyzer():
    """Analyzer of the ranking field: jieba words, sequential positions."""
    return JiebaTokenizer()


def literal_units(text: str) -> list[str]:
    """The units of a query literal, breaks dropped (a query has no paragraphs)."""
    return [u for u, _, _ in units(text) if u != "\n"]
