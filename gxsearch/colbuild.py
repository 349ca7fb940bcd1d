"""Column building: the arrays of a segment's columns file (``columns.py``), from records.

Two ways to the same arrays:

* ``Builder`` — straight from the analysis, while the indexer adds the documents to a Whoosh
  segment (in the same order, so document numbers agree): the jieba words it gives Whoosh,
  the unit bigrams (``analysis.bigrams``; Whoosh holds no copy of them), the text. Nothing
  is read back from Whoosh's posting blocks, which cost more to decode than to make.
* ``derive(reader)`` — from a Whoosh segment as it reads now: the words' postings and
  lengths from Whoosh, the bigrams and text from the stored fields. For segments Whoosh made
  by merging, and for ``index.check``, which compares the file with it.

Both sort terms by code point (Whoosh's order: UTF-8 bytes) and keep each term's document
numbers rising, so the files are equal byte for byte.
"""

from __future__ import annotations

from array import array
from collections import Counter

import numpy as np
from whoosh.util.numeric import byte_to_length, length_to_byte

from gxsearch.analysis import bigrams
from gxsearch.clean import match_form
from gxsearch.columns import _GAP_RE, FIELDS, content, read_postings


def field_length(n: int) -> int:
    """A field length as Whoosh gives it back: stored as one byte, approximately."""
    code = length_to_byte(n)
    return byte_to_length(code) if code else 0


class _Postings:
    """One field's postings as they come, document by document; sorted by term at the end."""

    def __init__(self, weights: bool):
        self.ids: dict[str, int] = {}  # term → number, in order of first appearance
        self.term = array("i")
        self.doc = array("i")
        self.tf = array("f") if weights else None

    def add(self, doc: int, counts) -> None:
        """``counts``: the document's terms, a Counter (with weights) or a set."""
        ids = self.ids
        # Not counts.keys() - ids.keys(): a set difference with a view walks the whole view,
        # all the segment's terms, at every document.
        new = [t for t in counts if t not in ids]
        ids.update(zip(new, range(len(ids), len(ids) + len(new)), strict=True))
        self.term.extend(map(ids.__getitem__, counts))
        self.doc.extend([doc] * len(counts))
        if self.tf is not None:
            self.tf.extend(counts.values())

    def arrays(self, field: str) -> dict[str, np.ndarray]:
        terms = list(self.ids)
        for t in terms:
            if "\n" in t:  # the analysis never makes one; the term list is \n-separated
                raise ValueError(f"a {field} term holds a line break: {t!r}")
        order = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), np.int64)
        rank[order] = np.arange(len(terms))
        ranks = rank[np.frombuffer(self.term, np.int32)] if len(self.term) else rank[:0]
        # Stable: within a term, documents stay in the rising order they were added in.
        by_term = np.argsort(ranks, kind="stable")
        off = np.zeros(len(terms) + 1, np.int64)
        np.cumsum(np.bincount(ranks, minlength=len(terms)), out=off[1:])
        out = {
            f"{field}.terms": np.frombuffer(
                "\n".join(terms[i] for i in order).encode("utf-8"), np.uint8),
            f"{field}.off": off,
            f"{field}.doc": np.frombuffer(self.doc, np.int32)[by_term].astype(np.int32),
        }
        if self.tf is not None:
            out[f"{field}.tf"] = np.frombuffer(self.tf, np.float32)[by_term].astype(np.float32)
        return out


class Builder:
    """The columns of one segment, fed each document in the order the segment numbers them."""

    def __init__(self):
        self.docs = 0
        self._words = _Postings(FIELDS["words"])
        self._grams = _Postings(FIELDS["grams"])
        self._length = array("i")
        self._text = bytearray()
        self._text_off = array("q", [0])
        self._gaps = bytearray()

    def add(self, words: list[str] | None = None, text: str = "") -> None:
        """Add the next document: its jieba words (as given to Whoosh's ``words`` field;
        None for a document without one) and its indexed text (``columns.content``, folded:
        ``clean.match_form``)."""
        d = self.docs
        if words:
            self._words.add(d, Counter(words))
        self._length.append(field_length(len(words)) if words else 0)
        text = text.lower()
        if text:
            self._grams.add(d, set(bigrams(text)))
        self._text += text.encode("utf-8")
        self._text += b"\n"
        self._text_off.append(len(self._text))
        self._gaps.append(_GAP_RE.search(text) is not None)
        self.docs += 1

    def skip(self) -> None:
        """Add a document that is not there (deleted): no postings, no text."""
        self.add()

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays, named and typed as ``columns.write`` and ``columns.Columns`` expect."""
        return {
            **self._words.arrays("words"),
            **self._grams.arrays("grams"),
            "length": np.frombuffer(self._length, np.int32).copy(),
            "text": np.frombuffer(bytes(self._text), np.uint8),
            "text.off": np.frombuffer(self._text_off, np.int64).copy(),
            "gaps": np.frombuffer(bytes(self._gaps), np.bool_),
            "docs": np.array([self.docs], np.int64),
        }


def derive(reader) -> dict[str, np.ndarray]:
    """The arrays of one Whoosh segment ``reader`` as it reads now, deletions applied (pure:
    reads, writes nothing)."""
    build = Builder()
    for d in range(reader.doc_count_all()):
        if reader.is_deleted(d):
            build.skip()
        else:
            build.add(None, match_form(content(reader.stored_fields(d))))
    out = build.arrays()
    # The words as Whoosh holds them: its postings skip deleted documents, its lengths not.
    terms, offsets = [], array("q", [0])
    ids, ws = array("i"), array("f")
    for raw in reader.lexicon("words"):
        term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if "\n" in term:
            raise ValueError(f"a words term holds a line break: {term!r}")
        t_ids, t_ws = read_postings(reader.postings("words", raw), True)
        terms.append(term)
        ids.extend(t_ids)
        ws.extend(t_ws)
        offsets.append(len(ids))
    out["words.terms"] = np.frombuffer("\n".join(terms).encode("utf-8"), np.uint8)
    out["words.off"] = np.frombuffer(offsets, np.int64)
    out["words.doc"] = np.frombuffer(ids, np.int32)
    out["words.tf"] = np.frombuffer(ws, np.float32)
    n = reader.doc_count_all()
    out["length"] = np.array([reader.doc_field_length(d, "words") or 0 for d in range(n)],
                             np.int32)
    return out
