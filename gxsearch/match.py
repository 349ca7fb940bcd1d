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

# cache(key, compute) → the set under key, computed if not held; cache(key) → it or None.
Cache = Callable[..., frozenset | None]


def unit_pattern(units: list[str]) -> re.Pattern:
    """A regex for ``units`` adjacent up to spaces (not line breaks), whole latin/digit runs:
    where a section holds the literal's bigrams in a row (two latin/digit units are one run
    unless a space parts them)."""
    body = re.escape(units[0])
    for a, b in zip(units, units[1:], strict=False):
        gap = r"[^\S\n]+" if is_alnum_unit(a) and is_alnum_unit(b) else r"[^\S\n]*"
        body += gap + re.escape(b)
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
_POSTING_COST, _VERIFY_COST = 0.4, 73.0


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


def _parts(lit: Literal) -> list[str]:
    # What a literal requires, each anywhere in the section: the phrase if quoted, else each
    # of its jieba words (one word: the literal itself, as typed).
    parts = [] if lit.phrase else segment(lit.text)
    return [lit.text] if len(parts) <= 1 else parts


def _sub(searcher, text: str, sections: frozenset, cache: Cache, words) -> frozenset:
    # Remembered already limited to the live ``sections`` (postings can still name deleted
    # documents), so a cached requirement intersects nothing more.
    return cache(("sub", text.lower()), lambda: substring_docs(searcher, text, words) & sections)


def _estimate(searcher, text: str, sections: frozenset, cache: Cache) -> tuple[float, int]:
    """``(cost in µs, most sections)`` of matching ``text`` on its own: nothing if cached."""
    held = cache(("sub", text.lower()))
    if held is not None:
        return 0.0, len(held)
    units = literal_units(text)
    if not units:
        return 0.0, 0
    if len(units) == 1:
        grams = [t.decode("utf-8") if isinstance(t, bytes) else t
                 for t in searcher.reader().expand_prefix("grams", units[0])]
    else:
        grams = [join_units(a, b) for a, b in zip(units, units[1:], strict=False)]
    dfs = [searcher.doc_frequency("grams", g) for g in grams]
    if len(units) == 1:
        return sum(dfs) * _POSTING_COST, min(sum(dfs), len(sections))
    if not all(dfs):
        return 0.0, 0
    return sum(dfs) * _POSTING_COST, min(dfs)


def _check(texts: list[str]) -> Callable[[str], bool]:
    # A section's text holds all of ``texts``; a text without units is found nowhere, as
    # ``substring_docs`` finds it.
    units = [literal_units(t) for t in texts]
    if not all(units):
        return lambda content: False
    patterns = [unit_pattern(u) for u in units]
    return lambda content: all(p.search(content) for p in patterns)


def match(searcher, parsed: ParsedQuery, sections: frozenset, cache: Cache,
          words: Callable[[], tuple] | None = None) -> frozenset:
    """Sections matching ``parsed`` (groups ANDed, literals in a group ORed, negatives removed);
    every section when the query has no positive term. ``words``: see ``substring_docs``.

    The cheapest requirement is matched first; once the sections left are few enough that
    reading their text costs less than matching what remains (an agency's name among common
    words: 红谷滩区 + 发展 + 和 + 改革 + 局), the rest is checked on their text, each text
    read once. Both ways give the same sections (``tests/test_match.py``).
    """
    # Each requirement: alternatives (a group's ORed literals), each an AND of texts.
    reqs = []
    for group in parsed.groups:
        alts = [_parts(lit) for lit in group]
        reqs += [[[p]] for p in alts[0]] if len(alts) == 1 else [alts]

    def estimate(alts):
        costs = [[_estimate(searcher, t, sections, cache) for t in alt] for alt in alts]
        return (sum(c for alt in costs for c, _ in alt),
                sum(min(n for _, n in alt) for alt in costs))

    def full(alts):
        sets = [frozenset.intersection(*(_sub(searcher, t, sections, cache, words) for t in alt))
                for alt in alts]
        return sets[0] if len(sets) == 1 else frozenset().union(*sets)

    planned = sorted(((*estimate(alts), i) for i, alts in enumerate(reqs)))
    docs, later = None, []
    for cost, _, i in planned:
        if docs is not None and not docs:
            return docs
        if docs is not None and (later or len(docs) * _VERIFY_COST < cost):
            later.append(reqs[i])
        else:
            docs = full(reqs[i]) if docs is None else docs & full(reqs[i])
    if docs is None:
        docs = sections
    drop = []
    for lit in parsed.negs:
        parts = _parts(lit)
        if later or len(docs) * _VERIFY_COST < estimate([parts])[0]:
            drop.append(parts)
        else:
            docs = docs - full([parts])
    if not later and not drop:
        return docs
    keep = [[_check(alt) for alt in alts] for alts in later]
    reject = [_check(parts) for parts in drop]
    out = []
    for d in docs:
        text = content(searcher.stored_fields(d))
        if (all(any(c(text) for c in alts) for alts in keep)
                and not any(c(text) for c in reject)):
            out.append(d)
    return frozenset(out)
