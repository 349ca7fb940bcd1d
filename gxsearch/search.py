"""The search API: the one place the CLI and the web front end ask questions of the index.

``search()`` parses the query (``query.py``), turns each literal into Whoosh queries on the
bigram/unit fields (complete for phrases) ranked by the jieba word fields, computes the facet
counts with drill-down semantics as set intersections in C (no Python loop over the hits),
and highlights only the hits on the page (``highlight.py``).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh import sorting

from gxsearch.analysis import is_alnum_unit, join_units, literal_units, segment
from gxsearch.errors import BadQuery, NotFound
from gxsearch.highlight import mark, pattern_for, snippet, terms_for
from gxsearch.indexer import current_generation, read_info
from gxsearch.query import Literal, ParsedQuery, check_year, parse
from gxsearch.schema import FACET_FIELDS

MAX_PER_PAGE = 10_000
_CACHE_SIZE = 128


class Index:
    """An open index that follows the on-disk one: a rebuild or an update is picked up by the
    next request, without a restart. Safe to share between threads (calls are serialised)."""

    def __init__(self, index_dir):
        self.root = Path(index_dir)
        self.lock = threading.RLock()
        self.searcher = None
        self._open()

    def _open(self) -> None:
        gen = current_generation(self.root)
        ix = whoosh_index.open_dir(str(gen))
        old, self.searcher = self.searcher, ix.searcher()
        if old is not None:
            old.close()
        self.generation, self.info = gen, read_info(gen)
        self._reset()

    def _reset(self) -> None:
        self._facets: dict[str, dict[str, frozenset]] = {}
        self._sections: frozenset | None = None
        self._matches: OrderedDict = OrderedDict()

    def fresh(self):
        """The searcher, reopened first if the index changed on disk. Call with ``lock`` held."""
        if current_generation(self.root) != self.generation:
            self._open()
        elif not self.searcher.up_to_date():
            self.searcher = self.searcher.refresh()
            self.info = read_info(self.generation)
            self._reset()
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
                value: frozenset(reader.postings(field, value).all_ids()) & live
                for value in reader.field_terms(field)
            }
        return self._facets[field]

    def matches(self, q) -> frozenset:
        """Document numbers matching ``q`` (cached per index version)."""
        key = repr(q)
        if key in self._matches:
            self._matches.move_to_end(key)
            return self._matches[key]
        docs = frozenset(self.searcher.docs_for_query(q)) & self.sections()
        self._matches[key] = docs
        if len(self._matches) > _CACHE_SIZE:
            self._matches.popitem(last=False)
        return docs

    def close(self) -> None:
        """Release the searcher's files."""
        with self.lock:
            if self.searcher is not None:
                self.searcher.close()
                self.searcher = None


def open_index(index_dir) -> Index:
    """Open the index in ``index_dir``; raise IndexMissing (with how to build one) if absent."""
    return Index(index_dir)


# --- from literals to Whoosh queries ------------------------------------------------------

def _one_unit(unit: str, reader):
    # Every occurrence of a unit starts a bigram (a run's last unit pairs with RUN_END). For a
    # latin/digit unit, skip bigrams of a longer run: "2017" must not find "20170".
    n = len(unit)
    expanded = (t.decode("utf-8") if isinstance(t, bytes) else t
                for t in reader.expand_prefix("grams", unit))
    terms = [t for t in expanded
             if not (is_alnum_unit(unit) and t[n:n + 1].isascii() and t[n:n + 1].isalnum())]
    return Q.Or([Q.Term("grams", t) for t in terms]) if terms else Q.NullQuery


def _substring(text: str, reader):
    """A query for sections whose text contains ``text`` (complete: see analysis.py)."""
    us = literal_units(text)
    if not us:
        return None
    if len(us) == 1:
        return _one_unit(us[0], reader)
    grams = [join_units(a, b) for a, b in zip(us, us[1:], strict=False)]
    return Q.Term("grams", grams[0]) if len(grams) == 1 else Q.Phrase("grams", grams)


def _required(lit: Literal, reader):
    if lit.phrase:
        return _substring(lit.text, reader)
    words = segment(lit.text)
    parts = [q for q in (_substring(w, reader) for w in words) if q is not None
             ] if len(words) > 1 else []
    return Q.And(parts) if len(parts) > 1 else _substring(lit.text, reader)


def _ranking(parsed: ParsedQuery, reader):
    terms = []
    for lit in parsed.literals:
        terms += [Q.Term("words", w) for w in segment(lit.text)]
        if not lit.phrase and len(literal_units(lit.text)) > 2:
            # Adjacency of an unquoted term ranks higher.
            terms.append(_substring(lit.text, reader))
    return Q.Or(terms) if terms else None


def _match_query(parsed: ParsedQuery, reader):
    groups = []
    for group in parsed.groups:
        alts = [q for q in (_required(lit, reader) for lit in group) if q is not None]
        if alts:
            groups.append(alts[0] if len(alts) == 1 else Q.Or(alts))
    q = Q.And(groups) if len(groups) > 1 else (groups[0] if groups else None)
    negs = [n for n in (_required(lit, reader) for lit in parsed.negs) if n is not None]
    return q, (Q.Or(negs) if negs else None)


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
        reader = searcher.reader()
        match_q, neg_q = _match_query(parsed, reader)
        base = index.matches(match_q) if match_q is not None else index.sections()
        if neg_q is not None:
            base = base - index.matches(neg_q)
        selected = {f: _selected(index, f, filters[f]) for f in FACET_FIELDS}
        final = base
        for docs in selected.values():
            if docs is not None:
                final = final & docs
        total = len(final)
        limit = total if per_page == 0 else page * per_page
        hits = []
        if final and limit > (page - 1) * per_page:
            ranking = _ranking(parsed, reader)
            score_q = match_q if ranking is None else (
                Q.AndMaybe(match_q, ranking) if match_q is not None else ranking)
            if score_q is None or sort == "year":
                facet = [sorting.FieldFacet("year_num", reverse=True)]
                if score_q is not None:
                    facet.append(sorting.ScoreFacet())
                facet.append(sorting.FieldFacet("order"))
                results = searcher.search(score_q or Q.Every(), filter=set(final), limit=limit,
                                          sortedby=sorting.MultiFacet(facet))
            else:
                results = searcher.search(score_q, filter=set(final), limit=limit)
            pattern = pattern_for(terms_for(parsed))
            start = 0 if per_page == 0 else (page - 1) * per_page
            for hit in list(results)[start:limit]:
                hits.append(_hit(hit.fields(), hit.score, pattern))
        facets = _facets(index, base, selected, filters)
    pages = 1 if per_page == 0 else max(1, -(-total // per_page))
    return {
        "query": query, "total": total, "page": page, "per_page": per_page, "pages": pages,
        "elapsed_ms": round((time.perf_counter() - t0) * 1000, 2), "filters": filters,
        "hits": hits, "facets": facets,
    }


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
        # Sorted by year, Whoosh gives the sort key instead of a score.
        "score": round(float(score), 4) if isinstance(score, (int, float)) else None,
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
