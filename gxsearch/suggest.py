"""Suggestions as a person types, and "did you mean" for a query that finds nothing.

``suggest(index, prefix)``: issuers whose name contains what was typed (most reports first),
then words of the index (jieba's, with the domain dictionary) that start with it, most
sections first. ``did_you_mean(index, query)``: each word of the query that no section holds
replaced by the word of the index one character away (same length, most sections first) —
an OCR misreading (``沐阳`` for ``沭阳``) or a slip of the input method; traditional and
full-width forms need no suggestion, they are folded like the documents.
"""

from __future__ import annotations

import itertools

import numpy as np

from gxsearch import grouping
from gxsearch.clean import match_form
from gxsearch.errors import BadQuery
from gxsearch.query import parse

MAX_TERMS = 5000  # index words looked at per prefix: enough for any Chinese first character


def _words(reader, prefix: str):
    for term in itertools.islice(reader.expand_prefix("words", prefix), MAX_TERMS):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        yield text, reader.doc_frequency("words", term)


def suggest(index, prefix: str, limit: int = 8) -> list[dict]:
    """``[{"text", "kind": "issuer" | "word", "count"}]`` for what was typed so far."""
    typed = match_form(prefix).strip()
    if not typed or len(typed) > 40:
        return []
    gen = index.current()
    out: list[dict] = []
    with gen.lock:
        facet = gen.facet("district")
        own = grouping.owners(gen)
        codes = own.values(facet, "district")
        sizes = np.bincount(codes[codes >= 0], minlength=len(facet.values)).tolist()
        issuers = [(v, n) for v, n in zip(facet.values, sizes, strict=True)
                   if typed in match_form(v) and n]
        issuers.sort(key=lambda vn: (not match_form(vn[0]).startswith(typed), -vn[1], vn[0]))
        out += [{"text": v, "kind": "issuer", "count": n} for v, n in issuers[:limit // 2]]
        words = sorted((wn for wn in _words(gen.searcher.reader(), typed)
                        if len(wn[0]) > len(typed) or wn[0] == typed),
                       key=lambda wn: (-wn[1], wn[0]))
    seen = {s["text"] for s in out}
    out += [{"text": w, "kind": "word", "count": n} for w, n in words if w not in seen]
    return out[:limit]


def did_you_mean(index, query: str) -> str:
    """The query with each word no section holds replaced by the most frequent index word
    one character away, or "" when there is nothing better to offer."""
    try:
        parsed = parse(query)
    except BadQuery:
        return ""
    gen = index.current()
    changed = query
    with gen.lock:
        reader = gen.searcher.reader()
        for lit in parsed.literals:
            word = lit.text
            if len(word) < 2 or reader.doc_frequency("words", word):
                continue
            best = ("", 0)
            for i in range(len(word)):
                # A word one character away shares its first character, or its second when
                # the first is the one that differs.
                start = word[0] if i else word[1]
                for text, n in _words(reader, start):
                    if (len(text) == len(word) and n > best[1]
                            and sum(a != b for a, b in zip(text, word, strict=True)) == 1
                            and (i == 0 or text[0] == word[0])):
                        best = (text, n)
                if i == 0 and best[0]:
                    break
            if best[0]:
                changed = changed.replace(word, best[0])
    return changed if changed != query else ""
