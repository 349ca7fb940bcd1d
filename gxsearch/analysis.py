"""Text analysis: turn cleaned (folded) Chinese text into Whoosh tokens.

Two views of the same text, each a Whoosh analyzer that composes with ``|``:

* ``word_analyzer()`` — jieba precise-mode words with *sequential* positions (jieba's own
  ``ChineseAnalyzer`` uses character offsets as positions, which breaks phrase queries), used
  for ranking.
* ``gram_analyzer()`` — overlapping bigrams of text *units* (a Han character, a run of latin
  letters/digits, or one punctuation mark) with sequential positions. A section holding a
  quoted phrase of n units holds its n-1 bigrams, so a phrase that occurs in the text is always
  found whatever jieba made of its context (``"申请公开"`` inside ``依申请公开``; candidates are
  verified on the stored text, see ``match.py``), and a 2-character word such as ``复议`` is
  one term lookup. The analyzers make positions; the schema does not store them.
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

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

#: Second half of the bigram that closes a run of units (a character no unit can be).
RUN_END = "\u2403"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNIT_RE = re.compile(rf"[{_HAN}]|[A-Za-z0-9]+|\n|[^\s]")
_WORD_OK_RE = re.compile(rf"[{_HAN}A-Za-z0-9]")


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


def _token(positions, chars, removestops, mode, **kwargs) -> Token:
    return Token(positions, chars, removestops=removestops, mode=mode, **kwargs)


class UnitTokenizer(Tokenizer):
    """One token per unit; positions are sequential, with a gap of one at each line break."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        t = _token(positions, chars, removestops, mode, **kwargs)
        pos = start_pos
        for text, start, end in units(value):
            if text == "\n":
                pos += 1
                continue
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            # pos is set even without positions: BigramFilter needs it to see line breaks.
            t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            pos += 1
            yield t


class BigramFilter(Filter):
    """Replace a stream of unit tokens by the bigrams of adjacent units.

    Units are adjacent when their positions are consecutive (``UnitTokenizer`` always sets
    ``pos``, and leaves a gap at line breaks). The bigram takes the first unit's position; the
    last unit of each run is paired with ``RUN_END``.
    """

    def __call__(self, tokens):
        prev = None
        t = None
        for t in tokens:
            text, pos = t.text, t.pos
            start = t.startchar if t.chars else None
            end = t.endchar if t.chars else None
            if prev is not None:
                adjacent = pos == prev[1] + 1
                t.text = join_units(prev[0], text) if adjacent else prev[0] + RUN_END
                t.pos = prev[1]
                if t.chars:
                    t.startchar, t.endchar = prev[2], end if adjacent else prev[3]
                yield t
            prev = (text, pos, start, end)
        if prev is not None:
            t.text, t.pos = prev[0] + RUN_END, prev[1]
            if t.chars:
                t.startchar, t.endchar = prev[2], prev[3]
            yield t


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
        t = _token(positions, False, removestops, mode, **kwargs)
        for i, w in enumerate(segment(value)):
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


def gram_analyzer():
    """Analyzer of the phrase field: bigrams of units."""
    return UnitTokenizer() | LowercaseFilter() | BigramFilter()


def literal_units(text: str) -> list[str]:
    """The units of a query literal, breaks dropped (a query has no paragraphs)."""
    return [u for u, _, _ in units(text) if u != "\n"]
