"""Columns: each Whoosh segment's postings, field lengths and texts as flat arrays on disk.

Whoosh keeps postings in pickled, compressed blocks, read one Python call at a time (about
0.4 µs a posting); a common word of a 10,000-report index has 280,000 of them. Beside each
segment the indexer writes one file, ``<segment>.gxcol``, that a reader maps into memory and
slices without decoding:

* ``words``: per jieba word, the segment-local document numbers holding it and their term
  frequencies (the weights Whoosh scores with);
* ``grams``: per unit bigram, the document numbers (only here: Whoosh holds no bigrams);
* ``length``: the ``words`` field length of each document, as Whoosh reports it (BM25);
* ``text``: each section's heading, separator and text (``match.content``), folded to match
  (the stored text is as published: ``clean.match_form``) and lowercased, as
  UTF-8, one ``\\n`` between documents, so a phrase is checked on it without unpickling
  stored fields; ``gaps``: whether a document's text holds whitespace other than line breaks
  (where a phrase may be spaced out, so a plain substring search does not settle it).

The file is named like the segment's own files, so Whoosh deletes it with the segment when
a merge replaces it. The indexer makes the arrays (``colbuild.py``); this module writes, maps
and checks them. Layout: ``GXCOL1\\n``, the length of a JSON header (8 bytes, little
endian), the header (document count; per array its dtype, offset and length), then the
arrays, each aligned to 64 bytes.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import re
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher

from gxsearch.errors import IndexDamaged

MAGIC = b"GXCOL1\n"
EXT = ".gxcol"
#: The analysed fields copied, and whether their term frequencies are kept.
FIELDS = {"words": True, "grams": False}
_ALIGN = 64
_GAP_RE = re.compile(r"[^\S\n]")


def path_for(index_dir: Path, segment) -> Path:
    """Where the columns of a Whoosh ``segment`` live in ``index_dir``."""
    return Path(index_dir) / segment.make_filename(EXT)


def content(fields: dict) -> str:
    """The indexed text of a section (stored fields): heading, separator as published, text,
    after the headings of the hollow parts it is the first subsection of (``lead``)."""
    if fields.get("hollow"):
        return ""  # a part whose text is all in its subsections is not indexed (indexer)
    heading, text = fields.get("heading") or "", fields.get("text") or ""
    body = f"{heading}{fields.get('sep', '')}{text}" if heading else text
    # The headings of the hollow parts above it lead the first subsection with text.
    return f"{fields['lead']}\n{body}" if fields.get("lead") else body


def read_postings(m, weights: bool) -> tuple[array, array]:
    """``(ids, weights)`` of a Whoosh matcher, segment-local: the whoosh3 leaf matcher's
    decoded blocks whole (its private block API; ids delta-decoded in C), any other matcher
    one posting a call. Weights only when asked."""
    ids, ws = array("i"), array("f")
    if type(m) is not W3LeafMatcher:  # not the pinned codec: one posting a call
        while m.is_active():
            ids.append(m.id())
            if weights:
                ws.append(m.weight())
            m.next()
        return ids, ws
    while m.is_active():
        if m._data is None:
            m._read_data()
        data, n = m._data, m._blocklength
        ids.extend(data[0] if m._byteids else accumulate(data[0]))
        if weights:
            w = data[1]
            ws.extend([1.0 if w is None else w] * n if w is None or isinstance(w, float) else w)
        m._next_block()
    return ids, ws


def write(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``path`` atomically (a temporary file, then a rename)."""
    header, offset = {}, 0
    for name, a in arrays.items():
        header[name] = [a.dtype.str, offset, int(a.size)]
        offset += -(-a.nbytes // _ALIGN) * _ALIGN
    head = json.dumps(header).encode("utf-8")
    start = -(-(len(MAGIC) + 8 + len(head)) // _ALIGN) * _ALIGN
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(MAGIC + len(head).to_bytes(8, "little") + head)
        for name, a in arrays.items():
            f.seek(start + header[name][1])
            f.write(a.tobytes())
        f.truncate(start + offset)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


#: The arrays every columns file holds, with their dtypes.
_ARRAYS = {
    "words.terms": "|u1", "words.off": "<i8", "words.doc": "<i4", "words.tf": "<f4",
    "grams.terms": "|u1", "grams.off": "<i8", "grams.doc": "<i4",
    "length": "<i4", "text": "|u1", "text.off": "<i8", "gaps": "|b1", "docs": "<i8",
}


def damaged(path: Path, why: str) -> IndexDamaged:
    """The error for a columns file at ``path`` that fails a check."""
    return IndexDamaged(f"the index is damaged: {Path(path).name} {why}; rebuild it with: "
                        f"gxsearch index PATH… --rebuild --index-dir {Path(path).parent.parent}")


def _layout(path: Path, buf) -> tuple[dict[str, np.ndarray], int]:
    """The arrays of a mapped columns file, after checking its header and that every array
    lies inside the file; raises IndexDamaged."""
    size = len(buf)
    head_at = len(MAGIC) + 8
    if size < head_at or buf[:len(MAGIC)] != MAGIC:
        raise damaged(path, "is not a gxsearch columns file")
    head_len = int.from_bytes(buf[len(MAGIC):head_at], "little")
    if head_len > size - head_at:
        raise damaged(path, f"is truncated (a {head_len}-byte header in {size} bytes)")
    try:
        header = json.loads(bytes(buf[head_at:head_at + head_len]))
        layout = {name: (str(header[name][0]), int(header[name][1]), int(header[name][2]))
                  for name in _ARRAYS}
    except (ValueError, KeyError, TypeError, IndexError):
        raise damaged(path, "has a broken header") from None
    start = -(-(head_at + head_len) // _ALIGN) * _ALIGN
    arrays = {}
    for name, (dtype, offset, count) in layout.items():
        if dtype != _ARRAYS[name]:
            raise damaged(path, f"has {name} of type {dtype}, not {_ARRAYS[name]}")
        end = start + offset + count * np.dtype(dtype).itemsize
        if offset < 0 or count < 0 or end > size:
            raise damaged(path, f"is truncated ({name} ends at byte {end} of {size})")
        arrays[name] = np.frombuffer(buf, np.dtype(dtype), count, start + offset)
    return arrays, start + layout["text"][1]


def _offsets(path: Path, name: str, off: np.ndarray, entries: int, end: int) -> None:
    if (len(off) != entries + 1 or (len(off) and (off[0] != 0 or off[-1] != end))
            or np.any(off[1:] < off[:-1])):
        raise damaged(path, f"has broken {name} offsets")


def validate(path: Path, arrays: dict[str, np.ndarray], full: bool = False) -> int:
    """Check the sizes and ranges of a file's arrays (``full``: also that each term's document
    numbers are sorted); return its document count; raises IndexDamaged."""
    docs = int(arrays["docs"][0]) if len(arrays["docs"]) == 1 else -1
    if docs < 0 or docs >= 2**31:
        raise damaged(path, "has a broken document count")
    for name in ("length", "gaps"):
        if len(arrays[name]) != docs:
            raise damaged(path, f"has {len(arrays[name])} {name} values for {docs} documents")
    _offsets(path, "text", arrays["text.off"], docs, len(arrays["text"]))
    for field, weights in FIELDS.items():
        blob = arrays[f"{field}.terms"]
        terms = int(np.count_nonzero(blob == 10)) + 1 if len(blob) else 0
        doc = arrays[f"{field}.doc"]
        off = arrays[f"{field}.off"]
        _offsets(path, field, off, terms, len(doc))
        if weights and len(arrays[f"{field}.tf"]) != len(doc):
            raise damaged(path, f"has {field} weights that do not match its postings")
        # One pass: a negative number is a large one as unsigned.
        if len(doc) and int(doc.view(np.uint32).max()) >= docs:
            raise damaged(path, f"has {field} document numbers out of range (≥ {docs})")
        if full and len(doc) > 1:
            rising = np.diff(doc) > 0
            starts = off[1:-1]
            rising[starts[(starts > 0) & (starts < len(doc))] - 1] = True  # a new term's first
            if not rising.all():
                raise damaged(path, f"has {field} postings out of order")
    return docs


class Columns:
    """The columns of one segment, mapped read-only: slices cost nothing until read. The file
    is checked when opened (header, sizes, offsets, document numbers in range): a damaged one
    raises IndexDamaged instead of failing queries later."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            with open(path, "rb") as f:
                if not os.fstat(f.fileno()).st_size:
                    raise damaged(path, "is empty")
                self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError as exc:
            raise IndexDamaged(f"the index lacks {Path(path).name} ({exc.strerror or exc}); "
                               "rebuild it with: gxsearch index PATH… --rebuild --index-dir "
                               f"{Path(path).parent.parent}") from None
        try:
            self.arrays, self.text_base = _layout(path, self._map)
            self.docs = validate(path, self.arrays)
        except BaseException:
            self.arrays = {}
            with contextlib.suppress(BufferError):  # views die with this frame's traceback
                self._map.close()
            raise
        self.length = self.arrays["length"]
        #: The texts as one buffer, and where each document's starts (``text_off[d]``).
        self.text = self._map
        self.text_off = self.arrays["text.off"]
        self.gaps = self.arrays["gaps"]
        self._blobs: dict[str, str] = {}
        self._terms: dict[str, list[str]] = {}
        self._term_starts: dict[str, list[int]] = {}
        self._index: dict[str, dict[str, int]] = {}

    def term_blob(self, field: str) -> str:
        """The sorted terms of ``field``, one a line (to search them all at once)."""
        if field not in self._blobs:
            self._blobs[field] = self.arrays[f"{field}.terms"].tobytes().decode("utf-8")
        return self._blobs[field]

    def terms(self, field: str) -> list[str]:
        """The sorted terms of ``field``."""
        if field not in self._terms:
            blob = self.term_blob(field)
            self._terms[field] = blob.split("\n") if blob else []
        return self._terms[field]

    def term_at(self, field: str, position: int) -> int:
        """The number of the term that holds character ``position`` of ``term_blob``."""
        if field not in self._term_starts:
            self._term_starts[field] = list(accumulate(
                (len(t) + 1 for t in self.terms(field)[:-1]), initial=0))
        return bisect_right(self._term_starts[field], position) - 1

    def _lookup(self, field: str) -> dict[str, int]:
        if field not in self._index:
            self._index[field] = {t: i for i, t in enumerate(self.terms(field))}
        return self._index[field]

    def prepare(self) -> None:
        """Read the term lists now rather than on the first query that needs them."""
        for field in FIELDS:
            self._lookup(field)

    def span(self, field: str, term: str) -> tuple[int, int]:
        """The postings of ``term`` as a slice ``[start, end)`` of ``field``'s arrays."""
        i = self._lookup(field).get(term)
        if i is None:
            return 0, 0
        off = self.off(field)
        return int(off[i]), int(off[i + 1])

    def prefix(self, field: str, prefix: str) -> tuple[int, int]:
        """Term numbers ``[lo, hi)`` of the terms starting with ``prefix`` (they are sorted)."""
        terms = self.terms(field)
        lo = bisect_left(terms, prefix)
        return lo, bisect_left(terms, prefix + "\U0010ffff", lo)

    def doc(self, field: str) -> np.ndarray:
        return self.arrays[f"{field}.doc"]

    def off(self, field: str) -> np.ndarray:
        return self.arrays[f"{field}.off"]

    def tf(self, field: str) -> np.ndarray:
        return self.arrays[f"{field}.tf"]

    def close(self) -> None:
        """Unmap the file. Arrays are views of it: they must not be used afterwards."""
        self.arrays, self.length, self.text_off, self.gaps = {}, None, None, None
        try:
            self._map.close()
        except BufferError:  # a view is still alive somewhere: unmapped when it goes
            pass
