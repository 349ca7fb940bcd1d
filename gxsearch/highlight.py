"""Highlighting: mark what a query found in a section's text, as safe HTML.

Works on the stored text as published, matched in its folded form (``clean.match_form``,
one character for one, so a match there marks the same characters of the published text),
with a regular expression built from the query's literals, so a quoted phrase is marked
whole (not its pieces), there is no length limit, and snippets are cut at Chinese
sentence ends (。！？； and line breaks) rather than at ``.!?``.
The only markup in the output is ``<mark>``; everything else is escaped.
"""

from __future__ import annotations

import html
import re

from gxsearch.analysis import literal_units, segment
from gxsearch.clean import match_form
from gxsearch.match import unit_pattern
from gxsearch.query import ParsedQuery

SNIPPET_CHARS = 140
_SENTENCE_RE = re.compile(r"[^。!?;\n]*(?:[。!?;]+|\n|$)")


def terms_for(parsed: ParsedQuery) -> list[str]:
    """The strings to mark for ``parsed``: each literal, and the jieba words of unquoted ones."""
    terms: list[str] = []
    for lit in parsed.literals:
        for text in lit.spellings:
            terms.append(text)
            if not lit.phrase:
                terms += segment(text)
    unique = {t.lower(): t for t in terms if t.strip()}
    return sorted(unique.values(), key=len, reverse=True)


def pattern_for(terms: list[str]) -> re.Pattern | None:
    """A regex matching any of ``terms`` (longest first) as the search matches them: units
    adjacent up to spaces, whatever the letter case (see ``match.unit_pattern``)."""
    alts = [unit_pattern(us).pattern for us in map(literal_units, terms) if us]
    return re.compile("|".join(alts), re.IGNORECASE) if alts else None


def mark(text: str, pattern: re.Pattern | None) -> str:
    """``text`` escaped, with every match of ``pattern`` wrapped in ``<mark>``."""
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for m in pattern.finditer(match_form(text)):
        if m.end() == m.start():
            continue
        out.append(html.escape(text[last:m.start()]))
        out.append(f"<mark>{html.escape(text[m.start():m.end()])}</mark>")
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _window(text: str, pattern: re.Pattern | None, size: int) -> tuple[int, int]:
    text = match_form(text)
    sentences = [(m.start(), m.end()) for m in _SENTENCE_RE.finditer(text) if m.end() > m.start()]
    if not sentences:
        return 0, 0
    best, best_key = 0, (0, 0)
    if pattern is not None:
        for i, (s, e) in enumerate(sentences):
            found = [m.group().lower() for m in pattern.finditer(text, s, e)]
            key = (len(set(found)), len(found))
            if key > best_key:
                best, best_key = i, key
    start, end = sentences[best]
    if end - start > size:
        m = pattern.search(text, start, end) if pattern is not None else None
        if m is not None:
            start = max(start, min(m.start() - size // 4, end - size))
            return start, max(start + size, m.end())
        return start, start + size
    lo, hi = best, best
    while end - start < size:
        if hi + 1 < len(sentences) and sentences[hi + 1][1] - start <= size:
            hi += 1
            end = sentences[hi][1]
        elif lo > 0 and end - sentences[lo - 1][0] <= size:
            lo -= 1
            start = sentences[lo][0]
        else:
            break
    return start, end


def snippet(text: str, pattern: re.Pattern | None, size: int = SNIPPET_CHARS) -> tuple[str, str]:
    """The best sentence-sized passage of ``text`` for ``pattern``: ``(safe html, plain)``."""
    start, end = _window(text, pattern, size)
    piece = text[start:end].replace("\n", " ").strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text.rstrip()) else ""
    return prefix + mark(piece, pattern) + suffix, prefix + piece + suffix
