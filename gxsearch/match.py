"""Matching: the set of sections (a boolean mask by document number) holding each literal.

A literal of one unit is the union of the bigrams it starts; of two units, one bigram's
posting list; of more, the intersection of its bigrams' posting lists, each candidate then
checked on the section's text in the columns (``Postings.check``: a substring search,
about 0.4 µs a section, and a regular expression where the text has spaces). It is exact
by construction: the check is the literal itself, units adjacent up to spaces, never across
a line break. Sections where jieba made a word that contains the literal are sure matches
and skip the check. Sets are combined as numpy masks: no Python loop over the hits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from gxsearch.analysis import is_alnum_unit, join_units, literal_units, segment
from gxsearch.columns import content  # noqa: F401  (the indexed text, as the tests rebuild it)
from gxsearch.postings import Postings, to_mask
from gxsearch.query import ParsedQuery

# cache(key, compute) → the mask under key, computed if not held; cache(key) → it or None.
Cache = Callable[..., np.ndarray | None]

# Whitespace other than a line break, as Python's str.isspace() knows it, in UTF-8: the gap
# allowed between two units of a literal in the lowercased UTF-8 texts of the columns.
_GAP_BYTES = (rb"(?:[\t\x0b\x0c\r\x1c-\x1f ]|\xc2[\x85\xa0]|\xe1\x9a\x80"
              rb"|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)")


def unit_pattern(units: list[str], binary: bool = False) -> re.Pattern:
    """A regex for ``units`` adjacent up to spaces (not line breaks), whole latin/digit runs:
    where a section holds the literal's bigrams in a row (two latin/digit units are one run
    unless a space parts them). ``binary``: for lowercased UTF-8 text (the columns)."""
    return _unit_pattern(tuple(units), binary)


@lru_cache(maxsize=4096)
def _unit_pattern(units: tuple[str, ...], binary: bool) -> re.Pattern:
    if binary:
        esc = [re.escape(u.lower().encode("utf-8")) for u in units]
        gap, some = _GAP_BYTES + b"*", _GAP_BYTES + b"+"
        edge, flags = (b"(?<![A-Za-z0-9])", b"(?![A-Za-z0-9])"), 0
    else:
        esc = [re.escape(u) for u in units]
        gap, some = r"[^\S\n]*", r"[^\S\n]+"
        edge, flags = (r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"), re.IGNORECASE
    body = esc[0]
    for a, b, e in zip(units, units[1:], esc[1:], strict=False):
        body += (some if is_alnum_unit(a) and is_alnum_unit(b) else gap) + e
    if is_alnum_unit(units[0]):
        body = edge[0] + body
    if is_alnum_unit(units[-1]):
        body += edge[1]
    return re.compile(body, flags)


def _unit_docs(post: Postings, unit: str) -> np.ndarray:
    # Every occurrence of a unit starts a bigram (a run's last unit pairs with RUN_END). For a
    # latin/digit unit, skip bigrams of a longer run: "2017" must not find "20170".
    n = len(unit)

    def pick(cols):
        lo, hi = cols.prefix("grams", unit)
        if not is_alnum_unit(unit):
            return [(lo, hi)]
        terms = cols.terms("grams")
        return [(i, i + 1) for i in range(lo, hi)
                if not (terms[i][n:n + 1].isascii() and terms[i][n:n + 1].isalnum())]
    return post.union("grams", pick)


# Measured on the 10,000-report bench index (bench/costs.py): reading a posting into a mask
# costs ~0.003 µs; checking one section's text ~1 µs.
_POSTING_COST, _VERIFY_COST = 0.003, 1.0


def _sure_docs(post: Postings, text: str, units: list[str], sure: bool) -> np.ndarray:
    """Sections certain to contain ``text``: those where jieba made a word that contains it.

    A word is a contiguous run of the section's text, so the word holding the literal proves
    it is there. Not for a literal with a latin/digit edge: inside the word ``abc`` the
    literal ``ab`` is no whole run. Without ``sure`` only the literal itself as a word counts.
    """
    lowered = text.lower()
    if not sure or is_alnum_unit(units[0]) or is_alnum_unit(units[-1]):
        return to_mask(post.ids("words", lowered), post.size)
    return post.containing("words", lowered)


def substring_docs(post: Postings, text: str, sure: bool = True) -> np.ndarray:
    """Mask of the documents whose heading or text contains ``text`` (folded), exactly.

    ``sure``: take the sections where a jieba word contains ``text`` without checking them.
    """
    units = literal_units(text)
    if not units:
        return np.zeros(post.size, bool)
    if len(units) == 1:
        return _unit_docs(post, units[0])
    grams = list(dict.fromkeys(join_units(a, b) for a, b in zip(units, units[1:], strict=False)))
    if len(units) == 2:
        return to_mask(post.ids("grams", grams[0]), post.size)
    dfs = {g: post.df("grams", g) for g in grams}
    if not all(dfs.values()):
        return np.zeros(post.size, bool)
    # Candidates hold every bigram of the literal: from the rarest bigram, less the sure
    # matches, intersected with the next rarest while reading its postings is cheaper than
    # checking the text of the candidates it would remove.
    grams.sort(key=dfs.__getitem__)
    docs = _sure_docs(post, text, units, sure)
    rest = to_mask(post.ids("grams", grams[0]), post.size) & ~docs
    left = int(np.count_nonzero(rest))
    for g in grams[1:]:
        if not left or left * _VERIFY_COST < dfs[g] * _POSTING_COST:
            break
        ids = post.ids("grams", g)
        rest = to_mask(ids[rest[ids]], post.size)
        left = int(np.count_nonzero(rest))
    docs[_check(post, np.flatnonzero(rest), units)] = True
    return docs


def _parts(text: str, phrase: bool) -> list[str]:
    # What a literal (one spelling) requires, each anywhere in the section: the phrase if
    # quoted, else each of its jieba words (one word: the literal itself, as typed).
    parts = [] if phrase else segment(text)
    return [text] if len(parts) <= 1 else parts


def _sub(post: Postings, text: str, sections: np.ndarray, cache: Cache) -> np.ndarray:
    # Remembered already limited to the live ``sections`` (postings can still name deleted
    # documents), so a cached requirement intersects nothing more.
    return cache(("sub", text.lower()), lambda: substring_docs(post, text) & sections)


def _estimate(post: Postings, text: str, cache: Cache) -> tuple[float, int]:
    """``(cost in µs, most sections)`` of matching ``text`` on its own: nothing if cached."""
    held = cache(("sub", text.lower()))
    if held is not None:
        return 0.0, int(np.count_nonzero(held))
    units = literal_units(text)
    if not units:
        return 0.0, 0
    if len(units) == 1:
        n = post.prefix_df("grams", units[0])
        return n * _POSTING_COST, n
    dfs = [post.df("grams", join_units(a, b)) for a, b in zip(units, units[1:], strict=False)]
    if not all(dfs):
        return 0.0, 0
    return sum(dfs) * _POSTING_COST, min(dfs)


def _check(post: Postings, ids: np.ndarray, units: list[str]) -> np.ndarray:
    # Those of ``ids`` whose text holds the literal ``units``. Without a latin/digit edge or
    # two latin/digit units in a row (which need a space), the units joined are what the
    # pattern finds in a text without spaces.
    plain = not any(map(is_alnum_unit, (units[0], units[-1]))) and not any(
        is_alnum_unit(a) and is_alnum_unit(b) for a, b in zip(units, units[1:], strict=False))
    needle = "".join(units).lower().encode("utf-8") if plain else None
    return post.check(ids, unit_pattern(units, binary=True), needle)


def _checked(post: Postings, ids: np.ndarray, texts: list[str]) -> np.ndarray:
    # Those of ``ids`` whose text holds all of ``texts``; a text without units is found
    # nowhere, as ``substring_docs`` finds it.
    for units in map(literal_units, texts):
        if not units:
            return ids[:0]
        ids = _check(post, ids, units)
    return ids


def match(post: Postings, parsed: ParsedQuery, sections: np.ndarray,
          cache: Cache) -> np.ndarray:
    """Mask of the sections matching ``parsed`` (groups ANDed, literals in a group ORed,
    negatives removed); every section when the query has no positive term.

    The cheapest requirement is matched first; once the sections left are few enough that
    checking their text costs less than matching what remains (an agency's name among common
    words: 红谷滩区 + 发展 + 和 + 改革 + 局), the rest is checked on their text. Both ways
    give the same sections (``tests/test_match.py``).
    """
    # Each requirement: alternatives (a group's ORed literals), each an AND of texts.
    reqs = []
    for group in parsed.groups:
        alts = [_parts(s, lit.phrase) for lit in group for s in lit.spellings]
        reqs += [[[p]] for p in alts[0]] if len(alts) == 1 else [alts]

    def estimate(alts):
        costs = [[_estimate(post, t, cache) for t in alt] for alt in alts]
        return (sum(c for alt in costs for c, _ in alt),
                sum(min(n for _, n in alt) for alt in costs))

    def full(alts):
        out = np.zeros(post.size, bool)
        for alt in alts:
            both = _sub(post, alt[0], sections, cache)
            for t in alt[1:]:
                both = both & _sub(post, t, sections, cache)
            out |= both
        return out

    planned = sorted(((*estimate(alts), i) for i, alts in enumerate(reqs)))
    docs, later = None, []
    for cost, _, i in planned:
        if docs is not None and not later and not docs.any():
            return docs
        if docs is not None and (later or np.count_nonzero(docs) * _VERIFY_COST < cost):
            later.append(reqs[i])
        else:
            docs = full(reqs[i]) if docs is None else docs & full(reqs[i])
    if docs is None:
        docs = sections.copy()
    drop = []
    for parts in (_parts(s, lit.phrase) for lit in parsed.negs for s in lit.spellings):
        if later or np.count_nonzero(docs) * _VERIFY_COST < estimate([parts])[0]:
            drop.append(parts)
        else:
            docs = docs & ~full([parts])
    if not later and not drop:
        return docs
    ids = np.flatnonzero(docs)
    for alts in later:
        found = np.zeros(post.size, bool)
        for alt in alts:
            found[_checked(post, ids, alt)] = True
        ids = ids[found[ids]]
    for parts in drop:
        ids = ids[~to_mask(_checked(post, ids, parts), post.size)[ids]]
    return to_mask(ids, post.size)
