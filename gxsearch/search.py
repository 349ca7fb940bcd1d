"""The search API: the one place the CLI and the web front end ask questions of the index.

``search()`` parses the query (``query.py``), finds the matching sections as sets of document
numbers (``match.py``, complete and exact for phrases), applies the facet filters and counts
the facets with drill-down semantics as set intersections in C (no Python loop over the hits),
ranks only what the page needs by BM25 on the jieba words, and highlights only the hits on the
page (``highlight.py``).
"""

from __future__ import annotations

import heapq
import threading
import time
import weakref
from collections import OrderedDict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as Q

from gxsearch.analysis import segment
from gxsearch.errors import BadQuery, NotFound
from gxsearch.highlight import mark, pattern_for, snippet, terms_for
from gxsearch.indexer import current_generation, read_info
from gxsearch.match import match
from gxsearch.postings import bm25_top, doc_set, field_lengths
from gxsearch.query import ParsedQuery, check_year, parse
from gxsearch.schema import FACET_FIELDS

MAX_PER_PAGE = 10_000
# About 100 MB of cached match sets at most (a frozenset costs ~30-60 bytes an entry).
_CACHE_IDS = 2_000_000


class Index:
    """An open index that follows the on-disk one: a rebuild or an update is picked up by the
    next request, without a restart. Safe to share between threads (calls are serialised)."""

    def __init__(self, index_dir):
        self.root = Path(index_dir)
        self.lock = threading.RLock()
        # The open searcher, if any. A web app's Index lives as long as the app, and apps are
        # dropped without a close: a weakref finalizer (unlike __del__) runs before the garbage
        # collector finalizes the searcher's files, so they are closed, not reported as leaked.
        self._held: list = []
        weakref.finalize(self, _close_held, self._held)
        self._open()

    @property
    def searcher(self):
        """The open Whoosh searcher (None once closed)."""
        return self._held[0] if self._held else None

    def _open(self) -> None:
        gen = current_generation(self.root)
        ix = whoosh_index.open_dir(str(gen))
        old = self.searcher
        self._held[:] = [ix.searcher()]
        if old is not None:
            old.close()
        self.generation, self.info = gen, read_info(gen)
        self._reset()

    def _reset(self) -> None:
        self._facets: dict[str, dict[str, frozenset]] = {}
        self._sections: frozenset | None = None
        self._years: list[int] | None = None
        self._lengths: list[int] | None = None
        self._words: tuple[str, ...] | None = None
        self._matches: OrderedDict = OrderedDict()
        self._cached_ids = 0

    def fresh(self):
        """The searcher, reopened first if the index changed on disk. Call with ``lock`` held."""
        # Reopen rather than Searcher.refresh(): refreshing fails on an index with no segment.
        if current_generation(self.root) != self.generation or not self.searcher.up_to_date():
            self._open()
        return self.searcher

    def sections(self) -> frozenset:
        """Document numbers of every live section."""
        if self._sections is None:
            self._sections = frozenset(self.searcher.docs_for_query(Q.Term("kind", "section")))
        return self._sections

    def facet_sets(self, field: str) -> dict[str, frozenset]:
        """``value → document numbers`` of a facet field, read from its posting lists."""
        if field not in self._facets:
            reader, live = self.searcher.reader(), self.sections()
            self._facets[field] = {
                value: doc_set(self.searcher, field, value) & live
                for value in reader.field_terms(field)
            }
        return self._facets[field]

    def cached(self, key: tuple, compute) -> frozenset:
        """``compute()``, remembered under ``key`` until the index changes (LRU, bounded by
        the number of document numbers held, so common words cannot fill the memory)."""
        if key in self._matches:
            self._matches.move_to_end(key)
            return self._matches[key]
        docs = self._matches[key] = compute()
        self._cached_ids += len(docs)
        while self._cached_ids > _CACHE_IDS and len(self._matches) > 1:
            self._cached_ids -= len(self._matches.popitem(last=False)[1])
        return docs

    def clear_matches(self) -> None:
        """Forget the cached match sets (the benchmark uses it to time cold queries)."""
        with self.lock:
            self._matches.clear()
            self._cached_ids = 0

    def words(self) -> tuple[str, ...]:
        """Every term of the ``words`` field (jieba's vocabulary of this index)."""
        if self._words is None:
            self._words = tuple(t.decode("utf-8") if isinstance(t, bytes) else t
                                for t in self.searcher.reader().lexicon("words"))
        return self._words

    def lengths(self) -> list[int]:
        """Length of the ``words`` field by document number, for BM25."""
        if self._lengths is None:
            self._lengths = field_lengths(self.searcher, "words")
        return self._lengths

    def sort_key(self):
        """``docnum → sort key`` for year order: newest year first, then document order."""
        if self._years is None:
            column = self.searcher.reader().column_reader("year_num")
            self._years = [-(y or 0) for y in column]
        years = self._years
        return lambda d: (years[d], d)

    def close(self) -> None:
        """Release the searcher's files."""
        with self.lock:
            _close_held(self._held)

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _close_held(held: list) -> None:
    for searcher in held:
        searcher.close()
    held.clear()


def open_index(index_dir) -> Index:
    """Open the index in ``index_dir``; raise IndexMissing (with how to build one) if absent."""
    return Index(index_dir)


# --- the API ------------------------------------------------------------------------------

def _merge_filters(parsed: ParsedQuery, **given) -> dict[str, list[str]]:
    filters = {}
    for field in FACET_FIELDS:
        values = [str(v).strip() for v in given.get(field, ()) if str(v).strip()]
        values += parsed.filters.get(field, [])
        if field == "year":
            values = [check_year(v) for v in values]
        filters[field] = list(dict.fromkeys(values))
    return filters


def _selected(index: Index, field: str, values: list[str]) -> frozenset | None:
    if not values:
        return None
    sets = index.facet_sets(field)
    docs: set = set()
    for value in values:
        if field == "year" and "-" in value:
            lo, hi = (int(y) for y in value.split("-"))
            for y, ds in sets.items():
                if y.isdigit() and lo <= int(y) <= hi:
                    docs |= ds
        else:
            docs |= sets.get(value, frozenset())
    return frozenset(docs)


def _facets(index, base, selected, filters) -> dict[str, list[dict]]:
    out = {}
    for field in FACET_FIELDS:
        scope = base
        for other, docs in selected.items():
            if other != field and docs is not None:
                scope = scope & docs
        chosen = set(filters[field])
        rows = []
        for value, docs in index.facet_sets(field).items():
            n = len(scope & docs)
            if n or value in chosen:
                rows.append({"value": value, "count": n, "selected": value in chosen})
        if field == "year":
            rows.sort(key=lambda r: r["value"], reverse=True)
        else:
            rows.sort(key=lambda r: (-r["count"], r["value"]))
        known = {r["value"] for r in rows}
        rows += [{"value": v, "count": len(scope & (selected[field] or frozenset())),
                  "selected": True} for v in filters[field] if v not in known]
        out[field] = rows
    return out


def search(index: Index, query: str, *, districts=(), years=(), topics=(), provinces=(),
           sort: str = "relevance", page: int = 1, per_page: int = 10) -> dict:
    """Search ``index``; return the plain result record (see ARCHITECTURE.md).

    ``per_page=0`` returns every hit. Raises BadQuery for a query or argument that cannot be
    understood.
    """
    t0 = time.perf_counter()
    if sort not in ("relevance", "year"):
        raise BadQuery(f"排序方式“{sort}”无效：可选 relevance（相关度）或 year（年份）")
    if page < 1 or per_page < 0 or per_page > MAX_PER_PAGE:
        raise BadQuery("页码或每页条数超出范围")
    parsed = parse(query or "")
    filters = _merge_filters(parsed, district=districts, year=years, topic=topics,
                             province=provinces)
    if not parsed.groups and not parsed.negs and not any(filters.values()):
        raise BadQuery("请输入检索词，例如：依申请公开")
    with index.lock:
        searcher = index.fresh()
        base = match(searcher, parsed, index.sections(), index.cached, index.words)
        selected = {f: _selected(index, f, filters[f]) for f in FACET_FIELDS}
        final = base
        for docs in selected.values():
            if docs is not None:
                final = final & docs
        total = len(final)
        limit = total if per_page == 0 else min(total, page * per_page)
        start = 0 if per_page == 0 else (page - 1) * per_page
        pattern = pattern_for(terms_for(parsed))
        ranked = _rank(index, parsed, final, limit, sort)
        hits = [_hit(searcher.stored_fields(d), score, pattern) for d, score in ranked[start:]]
        facets = _facets(index, base, selected, filters)
    pages = 1 if per_page == 0 else max(1, -(-total // per_page))
    return {
        "query": query, "total": total, "page": page, "per_page": per_page, "pages": pages,
        "elapsed_ms": round((time.perf_counter() - t0) * 1000, 2), "filters": filters,
        "hits": hits, "facets": facets,
    }


def _rank(index: Index, parsed: ParsedQuery, final: frozenset, limit: int, sort: str):
    """The first ``limit`` of ``final`` as ``(docnum, score)``: by BM25 on the jieba words,
    sections without any of the words after those with; or newest year first."""
    if limit <= 0:
        return []
    words = list(dict.fromkeys(w for lit in parsed.literals for w in segment(lit.text)))
    ranked = []
    if words and sort == "relevance":
        # Only word terms here: ranking never re-runs the (expensive) phrase matching.
        ranked = bm25_top(index.searcher, "words", words, final, limit, index.lengths())
    if len(ranked) < limit:
        seen = {d for d, _ in ranked}
        rest = final - seen if seen else final
        ranked += [(d, None) for d in heapq.nsmallest(limit - len(ranked), rest,
                                                       key=index.sort_key())]
    return ranked


def _hit(fields: dict, score, pattern) -> dict:
    html, plain = snippet(fields.get("text") or fields.get("heading") or "", pattern)
    path = list(fields.get("heading_path") or [])
    year = fields.get("year")
    return {
        "report_id": fields["report_id"], "section_id": fields["section_id"],
        "title": fields.get("title", ""), "heading": " › ".join(path), "heading_path": path,
        "heading_html": " › ".join(mark(h, pattern) for h in path),
        "district": fields.get("district", ""), "province": fields.get("province", ""),
        "year": int(year) if year else None,
        "topics": [t for t in (fields.get("topic") or "").split(",") if t],
        "snippet": html, "snippet_text": plain,
        "score": round(float(score), 4) if score is not None else None,
        "url": f"/report/{fields['report_id']}#{fields['section_id']}",
        "source": fields.get("source", ""),
    }


def highlight_html(text: str, query: str) -> str:
    """``text`` as safe HTML with the terms of ``query`` marked (plain escape if no query)."""
    try:
        pattern = pattern_for(terms_for(parse(query))) if query else None
    except BadQuery:
        pattern = None
    return mark(text, pattern)


def get_report(index: Index, report_id: str, query: str = "") -> dict:
    """The whole report ``report_id`` section by section; raise NotFound if unknown."""
    try:
        pattern = pattern_for(terms_for(parse(query))) if query else None
    except BadQuery:
        pattern = None
    with index.lock:
        searcher = index.fresh()
        report = searcher.document(kind="report", report_id=report_id)
        if report is None:
            raise NotFound(f"没有编号为 {report_id} 的报告")
        docs = [searcher.stored_fields(n)
                for n in searcher.document_numbers(kind="section", report_id=report_id)]
    docs.sort(key=lambda d: tuple(d.get("span") or (0, 0)))
    meta = report.get("meta") or {}
    sections = []
    for d in docs:
        paras = [p for p in (d.get("text") or "").split("\n") if p.strip()]
        sections.append({
            "id": d["section_id"], "level": d.get("level", 0), "heading": d.get("heading", ""),
            "heading_html": mark(d.get("heading", ""), pattern), "path": d.get("heading_path", []),
            "text": d.get("text", ""), "topics": [t for t in d.get("topic", "").split(",") if t],
            "html": "".join(f"<p>{mark(p, pattern)}</p>" for p in paras),
        })
    return {
        "report_id": report_id, "title": report.get("title") or meta.get("title", ""),
        "district": meta.get("district", ""), "province": meta.get("province", ""),
        "year": meta.get("year"), "published": meta.get("published", ""),
        "url": meta.get("url", ""), "source": report.get("source", ""),
        "sections": sections, "original": report.get("original", ""),
    }


def index_info(index: Index) -> dict:
    """What the index holds: path, reports, sections, last build, years and districts."""
    with index.lock:
        searcher = index.fresh()
        reports = len(list(searcher.document_numbers(kind="report")))
        counts = {f: sorted(((v, len(d)) for v, d in index.facet_sets(f).items() if d),
                            key=lambda vc: (-vc[1], vc[0]))
                  for f in ("year", "district")}
        return {
            "path": str(index.root), "generation": index.generation.name,
            "reports": reports, "sections": len(index.sections()),
            "built": index.info.get("built", ""),
            "years": sorted(counts["year"], reverse=True), "districts": counts["district"],
        }
