"""Writing a new Whoosh segment whose ``words`` postings come from the analysis.

Whoosh's ``SegmentWriter`` runs each field's analyzer again, one ``Token`` object a word, puts
every posting in an external sort (pickled to temporary runs of ``limitmb`` and merged back
through a heap at the end), then hands the sorted stream to its codec. For the jieba words
the indexer already holds each section's list and ``colbuild.Builder`` already sorts them by
term, document and count for the columns, so ``WordsWriter`` skips Whoosh's analysis and sort
for that field: it records the field length per document as Whoosh would, and at the flush
writes the columns' sorted words postings through the codec, between the other fields' from
Whoosh's pool. The
segment's files are Whoosh's own (the same codec writes them), readable by Whoosh's searcher;
``tests/test_segwriter.py`` compares them with ones Whoosh wrote itself.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

FIELD = "words"


def _split(pool: Iterator[tuple]) -> tuple[Iterator[tuple], Iterator[tuple]]:
    """The pool's sorted items before the words field's name, and those after it."""
    held: list[tuple] = []

    def before():
        for item in pool:
            if item[0] > FIELD:
                held.append(item)
                return
            yield item

    def after():
        yield from held
        yield from pool

    return before(), after()


def write_words(fieldwriter, field, arrays: dict[str, np.ndarray]) -> None:
    """The ``words`` field's postings, from ``colbuild.Builder.arrays()``, through the codec's
    field writer: for each term, its documents rising, with the weight (the count), the value
    bytes Whoosh's ``Frequency`` format makes of it and the document's field length as
    Whoosh's reader gives it back (``colbuild.field_length``; what ``add_postings`` looks up
    a posting at a time)."""
    off = arrays[f"{FIELD}.off"].tolist()
    if len(off) < 2:
        return
    terms = bytes(arrays[f"{FIELD}.terms"]).split(b"\n")
    docs = arrays[f"{FIELD}.doc"].tolist()
    tfs = arrays[f"{FIELD}.tf"].tolist()
    lengths = arrays["length"].tolist()
    packed: dict[float, bytes] = {}
    fieldwriter.start_field(FIELD, field)
    for i, term in enumerate(terms):
        fieldwriter.start_term(term)
        add = fieldwriter._postwriter.add_posting
        for j in range(off[i], off[i + 1]):
            w = tfs[j]
            vb = packed.get(w)
            if vb is None:
                vb = packed[w] = pack_uint(int(w))
            d = docs[j]
            add(d, w, vb, lengths[d])
        fieldwriter.finish_term()
    fieldwriter.finish_field()


class WordsWriter(SegmentWriter):
    """A ``SegmentWriter`` for a new segment whose ``words`` are given as a list per document
    (``add_document(words=[...])``) and whose postings are given at the end
    (``finish(arrays)``, ``colbuild.Builder.arrays()`` of the same documents in the same order).
    """

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self._words_field = self.schema[FIELD]
        self._arrays: dict[str, np.ndarray] = {}
        self._length = 0
        pdw = self.perdocwriter
        finish_doc = pdw.finish_doc

        def finish_with_length():
            # The length Whoosh's add_document would have given: one per token. Reset, as
            # Whoosh's close() calls finish_doc once more after the last document.
            if self._length:
                pdw.add_field(FIELD, self._words_field, None, self._length)
                self._length = 0
            finish_doc()

        pdw.finish_doc = finish_with_length

    def add_document(self, **fields) -> None:
        words = fields.pop(FIELD, None)
        self._length = len(words) if words else 0
        super().add_document(**fields)

    def finish(self, arrays: dict[str, np.ndarray]):
        """Write the segment with the words postings of ``arrays``; return the segment."""
        self._arrays = arrays
        return self._finalize_segment()

    def _flush_segment(self):  # Whoosh's, with the words written between the other fields
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        before, after = _split(iter(self.pool.iter_postings()))
        # Fields in name order, as Whoosh writes them: its term index is keyed by field
        # number (in order of first use) and term bytes, and must be written in key order.
        self.fieldwriter.add_postings(self.schema, pdr, before)
        write_words(self.fieldwriter, self._words_field, self._arrays)
        self.fieldwriter.add_postings(self.schema, pdr, after)
        self.fieldwriter.close()
        if pdr:
            pdr.close()
