"""Matching: the set of sections (document numbers) that contain each query literal.

A literal of one unit is the union of the bigrams it starts; of two units, one bigram's
posting list; of more, the intersection of its bigrams' posting lists (Whoosh skips blocks),
verified against the stored section text. Verifying a few candidates' text is far cheaper in
pure Python than decoding positions for a Whoosh phrase query, and it is exact by
construction: the check is the literal itself, units adjacent up to spaces, never across a
line break. Sets are combined in C: no Python loop over the hits.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gxsearch.analysis import is_alnum_unit, join_units, literal_units, segment
from gxsearch.postings import doc_set
from gxsearch.query import Literal, ParsedQuery

Cache = Callable[[tuple, Callable[[], frozenset]], frozenset]


def unit_pattern(units: list[str]) -> re.Pattern:
    """A regex for ``units`` adjacent up to spaces (not line breaks), whole latin/digit runs."""
    body = r"[^\S\n]*".join(re.escape(u) for u in units)
    if is_alnum_unit(units[0]):
        body = r"(?<![A-Za-z0-9])" + body
    if is_alnum_unit(units[-1]):
        body += r"(?![A-Za-z0-9])"
    return re.compile(body, re.IGNORECASE)


def content(fields: dict) -> str:
    """The indexed text of a section (stored fields): heading, separator as published, text."""
    heading, text = fields.get("heading") or "", fields.get("text") or ""
    return f"{heading}{fields.get('sep', '')}{text}" if heading else text


def _unit_docs(searcher, unit: str) -> frozenset:
    # Every occurrence of a unit starts a bigram (a run's last unit pairs with RUN_END). For a
    # latin/digit unit, skip bigrams of a longer run: "2017" must not find "20170".
    n = len(unit)
    docs: set = set()
    for t in searcher.reader().expand_prefix("grams", unit):
        t = t.decode("utf-8") if isinstance(t, bytes) else t
        if is_alnum_unit(unit) and t[n:n + 1].isascii() and t[n:n + 1].isalnum():
            continue
        docs |= doc_set(searcher, "grams", t)
    return frozenset(docs)


# Measured costs on the 10,000-report bench index (bench/NOTES.md): reading a posting list
# block-wise costs ~0.7 µs a posting; reading and checking one section's stored text ~27 µs.
_POSTING_COST, _VERIFY_COST = 0.7, 27.0


def _sure_docs(searcher, text: str, units: list[str], words: Callable[[], tuple] | None):
    """Sections certain to contain ``text``: those where jieba made a word that contains it.

    A word is a contiguous run of the section's text, so the word holding the literal proves
    it is there. Not for a literal with a latin/digit edge: inside the word ``abc`` the
    literal ``ab`` is no whole run. Without ``words`` only the literal itself as a word counts.
    """
    lowered = text.lower()
    if words is None or is_alnum_unit(units[0]) or is_alnum_unit(units[-1]):
        terms = [lowered]
    else:
        terms = [w for w in words() if lowered in w]
    return frozenset().union(*(doc_set(searcher, "words", w) for w in terms))


def substring_docs(searcher, text: str, words: Callable[[], tuple] | None = None) -> frozenset:
    """Sections whose heading or text contains ``text`` (folded), exactly.

    ``words``, if given, returns every term of the ``words`` field (see ``_sure_docs``).
    """
    units = literal_units(text)
    if not units:
        return frozenset()
    reader = searcher.reader()
    if len(units) == 1:
        return _unit_docs(searcher, units[0])
    grams = list(dict.fromkeys(join_units(a, b) for a, b in zip(units, units[1:], strict=False)))
    if len(units) == 2:
        return doc_set(searcher, "grams", grams[0])
    if not all(("grams", g) in reader for g in grams):
        return frozenset()
    # Candidates hold every bigram of the literal. Start from the rarest bigram, drop the sure
    # matches, then intersect with the next rarest only while reading its postings is cheaper
    # than checking the stored text of the candidates it would remove.
    dfs = {g: searcher.doc_frequency("grams", g) for g in grams}
    grams.sort(key=dfs.__getitem__)
    sure = _sure_docs(searcher, text, units, words)
    rest = doc_set(searcher, "grams", grams[0]) - sure
    for g in grams[1:]:
        if not rest or len(rest) * _VERIFY_COST < dfs[g] * _POSTING_COST:
            break
        rest &= doc_set(searcher, "grams", g)
    pattern = unit_pattern(units)
    return sure | frozenset(d for d in rest if pattern.search(content(searcher.stored_fields(d))))


def literal_docs(searcher, lit: Literal, sections: frozenset, cache: Cache,
                 words: Callable[[], tuple] | None = None) -> frozenset:
    """Live sections matching one literal: the phrase if quoted, else each of its jieba
    words. Remembered through ``cache`` already limited to ``sections`` (postings can still
    name deleted documents), so a cached query intersects nothing more."""
    def sub(text: str) -> frozenset:
        return cache(("sub", text.lower()),
                     lambda: substring_docs(searcher, text, words) & sections)

    parts = [] if lit.phrase else segment(lit.text)
    if len(parts) <= 1:
        return sub(lit.text)
    docs = sub(parts[0])
    for w in parts[1:]:
        docs = docs & sub(w)
    return docs


def match(searcher, parsed: ParsedQuery, sections: frozenset, cache: Cache,
          words: Callable[[], tuple] | None = None) -> frozenset:
    """Sections matching ``parsed`` (groups ANDed, literals in a group ORed, negatives removed);
    every section when the query has no positive term. ``words``: see ``substring_docs``."""
    docs = None
    for group in parsed.groups:
        sets = [literal_docs(searcher, lit, sections, cache, words) for lit in group]
        alts = sets[0] if len(sets) == 1 else frozenset().union(*sets)
        docs = alts if docs is None else docs & alts
    if docs is None:
        docs = sections
    for lit in parsed.negs:
        docs = docs - literal_docs(searcher, lit, sections, cache, words)
    return docs
