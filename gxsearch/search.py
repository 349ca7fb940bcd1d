"""The search API: the one place the CLI and the web front end ask questions of the index.

``search()`` parses the query (``query.py``), finds the matching sections as a mask by
document number (``match.py``, complete and exact for phrases), applies the facet filters
and counts the facets with drill-down semantics (a value code or bit per section, over the
hits or, for a broad query, their complement), ranks by BM25 on the jieba words
(``postings.py``), and highlights only the hits on the page (``highlight.py``). The open
index (``index.py``) remembers match sets and results, so a repeated query or its next page
costs little.
"""

from __future__ import annotations

import html
import os
import time
from dataclasses import dataclass
from functools import partial

import numpy as np

from gxsearch import grouping, layout
from gxsearch.analysis import segment
from gxsearch.errors import BadQuery, NotFound
from gxsearch.highlight import mark, pattern_for, snippet, terms_for
from gxsearch.index import Generation, Index, in_child
from gxsearch.match import match
from gxsearch.postings import bm25, top
from gxsearch.query import ParsedQuery, check_year, parse
from gxsearch.read.common import Table
from gxsearch.schema import DERIVED_FACETS, FACET_FIELDS

__all__ = ["Index", "export", "get_report", "highlight_html", "index_info", "open_index", "search"]

MAX_PER_PAGE = 10_000
# Hits kept per cached result: ten pages of ten, or one API page of 100.
_WINDOW = 100


# --- the API ------------------------------------------------------------------------------

def open_index(index_dir, warm_seconds: float = 0, on_warm=None) -> Index:
    """Open the index in ``index_dir``; raise IndexMissing (with how to build one) if absent.

    It follows the index on disk. With ``warm_seconds`` > 0, a new generation (a rebuild or
    an update) is prepared in the background before it replaces the one being served: its
    facet sets and norms are loaded, then the queries most recently answered are run again on
    it, for up to ``warm_seconds``, so the first requests after a rebuild are answered from
    the cache, as they were before it. Until then requests see the previous generation.
    ``on_warm()``, if given, is called when the new generation is ready, before the switch.
    """
    return Index(index_dir, warm=partial(_warm, seconds=warm_seconds, then=on_warm)
                 if warm_seconds > 0 else None)


def _warm(new: Generation, old: Generation, seconds: float, then=None) -> int:
    """Load ``new`` and run on it the queries ``old`` answered most recently, newest first,
    until ``seconds`` have passed, then call ``then()``; return how many were run.

    The work is done in a child process at a lower priority (``in_child``): in this one it
    would compete for the interpreter lock with every request being answered from ``old``.
    """
    deadline = time.monotonic() + seconds
    with old.lock:
        recent = [(key, result.query) for key, result in reversed(old.results.items.items())]
    server = os.getpid()

    def work():
        new.load(FACET_FIELDS)
        done = []
        for key, text in recent:
            if time.monotonic() >= deadline or server not in (os.getpid(), os.getppid()):
                break  # out of time, or a child whose server has gone
            _, filters, sort = key
            result, _ = _evaluate(new, text, parse(text), {f: list(v) for f, v in filters},
                                  sort, _WINDOW)
            done.append((key, result))
        return new.loaded(), done

    loaded, done = in_child(work)
    with new.lock:
        new.adopt(loaded)
        for key, result in reversed(done):  # the old order of use, for the LRU
            new.results.put(key, result)
    if then is not None:
        then()
    return len(done)


def _merge_filters(parsed: ParsedQuery, **given) -> dict[str, list[str]]:
    filters = {}
    for field in FACET_FIELDS:
        values = [str(v).strip() for v in given.get(field, ()) if str(v).strip()]
        values += parsed.filters.get(field, [])
        if field == "year":
            values = [check_year(v) for v in values]
        filters[field] = list(dict.fromkeys(values))
    return filters


def _selected(index: Generation, field: str, values: list[str]) -> np.ndarray | None:
    if not values:
        return None
    facet = index.facet(field)
    docs = np.zeros(index.size, bool)
    for value in values:
        if field == "year" and "-" in value:
            lo, hi = (int(y) for y in value.split("-"))
            for y in facet.values:
                if y.isdigit() and lo <= int(y) <= hi:
                    docs[facet.ids(y)] = True
        else:
            docs[facet.ids(value)] = True
    return docs


def _query_key(parsed: ParsedQuery) -> tuple:
    """What decides a query's matches (its filters aside), as a hashable key."""
    return tuple(map(tuple, parsed.groups)), tuple(parsed.negs)


@dataclass(frozen=True)
class _Result:
    """What a query with its filters and sort order yields, kept compact for the cache: the
    total, the first hits, and per facet field the drill-down counts (in the facet's value
    order) with the count of any chosen value the facet does not list (a year range)."""

    query: str
    total: int
    top: list[tuple[int, float | None]]
    counts: dict[str, np.ndarray]
    extras: dict[str, int]
    reports: int = 0


def _evaluate(index: Generation, text: str, parsed: ParsedQuery, filters: dict, sort: str,
              need: int | None, memo: dict | None = None) -> tuple[_Result, list]:
    """Match, filter, rank (the first ``need`` hits, all if None) and count the facets.
    ``memo`` gets the final mask and the scores, for the reports of the same search."""
    memo = {} if memo is None else memo
    base = match(index.postings, parsed, index.sections(), index.cached)
    selected = {f: _selected(index, f, filters[f]) for f in FACET_FIELDS}
    final = base
    for docs in selected.values():
        if docs is not None:
            final = final & docs
    memo["final"] = final
    total = int(np.count_nonzero(final))
    ranked = _rank(index, parsed, final, total if need is None else
                   min(total, max(need, _WINDOW)), sort, memo)
    counts, extras, scopes = {}, {}, {}
    own = grouping.owners(index)
    for field in FACET_FIELDS:
        # Drill-down: a facet counts within the other facets' filters, not its own; it
        # counts reports, not sections.
        others = tuple(f for f, docs in selected.items() if f != field and docs is not None)
        if others not in scopes:
            scope = base
            for other in others:
                scope = scope & selected[other]
            ids = np.flatnonzero(scope)
            scopes[others] = (scope, ids, grouping.reports_of(own, ids))
        scope, ids, reports = scopes[others]
        counts[field] = grouping.facet_counts(own, index.facet(field), field, ids,
                                              reports).astype(np.int32)
        if any(v not in index.facet(field).position for v in filters[field]):
            extras[field] = int(np.count_nonzero(grouping.reports_of(
                own, np.flatnonzero(scope & selected[field]))))
    # A facet without a filter of its own counts within all the filters: final's scope.
    every = tuple(f for f, docs in selected.items() if docs is not None)
    held = scopes[every][2] if every in scopes else grouping.reports_of(
        own, np.flatnonzero(final))
    reports = int(np.count_nonzero(held))
    return _Result(text, total, ranked[:_WINDOW], counts, extras, reports), ranked


def _final(index: Generation, parsed: ParsedQuery, filters: dict) -> np.ndarray:
    """The mask of the sections matching ``parsed`` and the filters."""
    final = match(index.postings, parsed, index.sections(), index.cached)
    for field in FACET_FIELDS:
        docs = _selected(index, field, filters[field])
        if docs is not None:
            final = final & docs
    return final


def _rank_all(index: Generation, parsed: ParsedQuery, final: np.ndarray, sort: str, memo: dict
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sections of ``final`` as ``_rank`` orders them, unsorted: ``(ids, scores, rest)``,
    the BM25-scored ones (docnums rising) with their scores, and the others in ``_rank``'s
    order (newest year first)."""
    ids, scores = np.zeros(0, np.int32), np.zeros(0)
    # An empty index has no idf: no scores then.
    if sort == "relevance" and final.any() and (scored := _scores(index, parsed, memo)):
        ids, scores = scored
        keep = final[ids]
        ids, scores = ids[keep], scores[keep]
    rest = final.copy()
    rest[ids] = False
    year = index.year_order()
    return ids, scores, year[rest[year]]


def _report_records(gen: Generation, parsed: ParsedQuery, filters: dict, sort: str, page: int,
                    per_page: int, pattern, memo: dict) -> tuple[int, list[dict]]:
    """The page's reports (``grouping.group``) as records, each with its sections as hits."""
    final = memo["final"] if "final" in memo else _final(gen, parsed, filters)
    ids, scores, rest = _rank_all(gen, parsed, final, sort, memo)
    score = np.full(gen.size, np.nan)
    score[ids] = scores
    total, groups = grouping.group(ids, scores, rest, grouping.owners(gen), page, per_page)
    out = []
    for rid, best, docs, more in groups:
        fields = [gen.searcher.stored_fields(d) for d in docs]
        hits = [_hit(f, None if np.isnan(score[d]) else score[d], pattern)
                for f, d in zip(fields, docs, strict=True)]
        first = fields[0]
        year = first.get("year")
        out.append({
            "report_id": rid, "title": first.get("title", ""),
            "district": first.get("district", ""), "province": first.get("province", ""),
            "year": int(year) if year else None, "published": first.get("published", ""),
            "url": f"/report/{rid}",
            "score": None if np.isnan(score[best]) else round(float(score[best]), 4),
            "sections": hits, "more": more,
        })
    return total, out


def _facet_rows(index: Generation, result: _Result, filters: dict) -> dict[str, list[dict]]:
    out = {}
    for field in FACET_FIELDS:
        chosen, facet, counts = set(filters[field]), index.facet(field), result.counts[field]
        shown = (counts > 0)
        shown[[facet.position[v] for v in chosen if v in facet.position]] = True
        order = np.flatnonzero(shown)
        # Values are in sorted order: years oldest first and the audit's in their own
        # order (facet values' order), others by count, then by value.
        if field not in ("year", *DERIVED_FACETS):
            order = order[np.argsort(-counts[order], kind="stable")]
        values = facet.values
        rows = [{"value": values[i], "count": n, "selected": values[i] in chosen}
                for i, n in zip(order.tolist(), counts[order].tolist(), strict=True)]
        rows += [{"value": v, "count": result.extras[field], "selected": True}
                 for v in filters[field] if v not in facet.position]
        out[field] = rows
    return out


def search(index: Index, query: str, *, districts=(), years=(), topics=(), provinces=(),
           checks=(), prefectures=(), counties=(), reuse=(), timeliness=(), completeness=(),
           sort: str = "relevance", page: int = 1,
           per_page: int = 10) -> dict:
    """Search ``index``; return the plain result record (see ARCHITECTURE.md).

    ``per_page=0`` returns every hit. Raises BadQuery for a query or argument that cannot be
    understood. A repeated query (another page within the first hundred hits, the same
    filters) is answered from the index's result cache until the index changes.
    """
    t0 = time.perf_counter()
    if sort not in ("relevance", "year"):
        raise BadQuery(f"排序方式“{sort}”无效：可选 relevance（相关度）或 year（年份）")
    if page < 1 or per_page < 0 or per_page > MAX_PER_PAGE:
        raise BadQuery("页码或每页条数超出范围")
    parsed = parse(query or "")
    filters = _merge_filters(parsed, district=districts, year=years, topic=topics,
                             province=provinces, check=checks,
                             prefecture=prefectures, county=counties, reuse=reuse,
                             timeliness=timeliness, completeness=completeness)
    if not parsed.groups and not parsed.negs and not any(filters.values()):
        raise BadQuery("请输入检索词，例如：依申请公开")
    need = None if per_page == 0 else page * per_page
    gen = index.current()
    memo: dict = {}  # what the hits and the reports of this search share
    with gen.lock:
        searcher = gen.searcher
        key = (_query_key(parsed), tuple((f, tuple(v)) for f, v in filters.items()), sort)
        result = gen.results.peek(key)
        if result is not None and (len(result.top) == result.total or
                                   (need is not None and need <= len(result.top))):
            ranked = result.top
        else:
            result, ranked = _evaluate(gen, query, parsed, filters, sort, need, memo)
            gen.results.put(key, result)
        total = result.total
        start = 0 if per_page == 0 else (page - 1) * per_page
        pattern = pattern_for(terms_for(parsed))
        hits = [_hit(searcher.stored_fields(d), score, pattern)
                for d, score in ranked[start:need]]
        facets = _facet_rows(gen, result, filters)
        total_reports, reports = _report_records(gen, parsed, filters, sort, page, per_page,
                                                 pattern, memo)
    pages = 1 if per_page == 0 else max(1, -(-total // per_page))
    return {
        "query": query, "total": total, "total_reports": total_reports, "page": page,
        "per_page": per_page, "pages": pages,
        "report_pages": 1 if per_page == 0 else max(1, -(-total_reports // per_page)),
        "elapsed_ms": round((time.perf_counter() - t0) * 1000, 2), "filters": filters,
        "hits": hits, "reports": reports, "facets": facets,
    }


def report_ids(index: Index, query: str, *, districts=(), years=(), topics=(), provinces=(),
               checks=(), prefectures=(), counties=(), reuse=(), timeliness=(),
               completeness=()) -> set[str]:
    """The ids of the reports with a section matching ``query`` and the filters, from the
    match set alone: no hit is ranked or read (what ``/stats?q=`` selects by)."""
    parsed = parse(query or "")
    filters = _merge_filters(parsed, district=districts, year=years, topic=topics,
                             province=provinces, check=checks,
                             prefecture=prefectures, county=counties, reuse=reuse,
                             timeliness=timeliness, completeness=completeness)
    if not parsed.groups and not parsed.negs and not any(filters.values()):
        raise BadQuery("请输入检索词，例如：依申请公开")
    gen = index.current()
    with gen.lock:
        final = match(gen.postings, parsed, gen.sections(), gen.cached)
        for field in FACET_FIELDS:
            docs = _selected(gen, field, filters[field])
            if docs is not None:
                final = final & docs
        # report_id is one value a section: its facet maps each section to its report.
        owner = gen.facet("report_id")
        codes = np.unique(owner.codes[np.flatnonzero(final)])
        return {owner.values[c] for c in codes.tolist() if c >= 0}


_EXPORT_CHUNK = 200


def export(index: Index, query: str, *, districts=(), years=(), topics=(), provinces=(),
           checks=(), prefectures=(), counties=(), reuse=(), timeliness=(), completeness=(),
           sort: str = "relevance",
           limit: int = MAX_PER_PAGE):
    """The first ``limit`` hits of a search, as ``search()`` makes them, one at a time.

    Ranked once; then the stored fields of ``_EXPORT_CHUNK`` hits at a time are read under
    the generation's lock and their snippets made outside it, so a large export lets other
    requests of the same generation in between instead of holding it throughout. Raises
    BadQuery before it yields anything when the query cannot be understood.
    """
    if sort not in ("relevance", "year"):
        raise BadQuery(f"排序方式“{sort}”无效：可选 relevance（相关度）或 year（年份）")
    parsed = parse(query or "")
    filters = _merge_filters(parsed, district=districts, year=years, topic=topics,
                             province=provinces, check=checks,
                             prefecture=prefectures, county=counties, reuse=reuse,
                             timeliness=timeliness, completeness=completeness)
    if not parsed.groups and not parsed.negs and not any(filters.values()):
        raise BadQuery("请输入检索词，例如：依申请公开")
    gen = index.current()
    with gen.lock:
        _, ranked = _evaluate(gen, query, parsed, filters, sort, limit)
    ranked = ranked[:limit]
    pattern = pattern_for(terms_for(parsed))

    def rows():
        for start in range(0, len(ranked), _EXPORT_CHUNK):
            chunk = ranked[start:start + _EXPORT_CHUNK]
            with gen.lock:
                fields = [gen.searcher.stored_fields(d) for d, _ in chunk]
            for f, (_, score) in zip(fields, chunk, strict=True):
                yield _hit(f, score, pattern)

    return rows()


def _scores(index: Generation, parsed: ParsedQuery, memo: dict):
    """``(ids, scores)``: BM25 on the jieba words of the query's literals, docnums rising;
    None without words. Computed once per search (``memo``): the hits and the reports rank
    by the same scores. Only word terms: ranking never re-runs the phrase matching."""
    if "scores" not in memo:
        words = list(dict.fromkeys(w for lit in parsed.literals for s in lit.spellings
                                   for w in segment(s)))
        memo["scores"] = bm25(index.postings, words, [index.idf(w) for w in words],
                              index.norms()) if words else None
    return memo["scores"]


def _rank(index: Generation, parsed: ParsedQuery, final: np.ndarray, limit: int, sort: str,
          memo: dict):
    """The first ``limit`` of the mask ``final`` as ``(docnum, score)``: by BM25 on the jieba
    words, sections without any of the words after those with; or newest year first."""
    if limit <= 0:
        return []
    ranked = []
    if sort == "relevance" and (scored := _scores(index, parsed, memo)) is not None:
        ranked = top(*scored, final, limit)
    if len(ranked) < limit:
        rest = final.copy()
        rest[[d for d, _ in ranked]] = False
        order = index.year_order()
        ranked += [(d, None) for d in order[rest[order]][:limit - len(ranked)].tolist()]
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
        "published": fields.get("published", ""), "source_url": fields.get("source_url", ""),
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


def get_report(index: Index, report_id: str, query: str = "", marked=None) -> dict:
    """The whole report ``report_id`` section by section; raise NotFound if unknown.
    ``marked``: section id → ``[(start, end, href)]`` of sentences to mark as repeated
    (offsets into the section's text), each followed by a link to ``href``."""
    try:
        pattern = pattern_for(terms_for(parse(query))) if query else None
    except BadQuery:
        pattern = None
    gen = index.current()
    with gen.lock:
        searcher = gen.searcher
        report = searcher.document(kind="report", report_id=report_id)
        if report is None:
            raise NotFound(f"没有编号为 {report_id} 的报告")
        docs = [searcher.stored_fields(n)
                for n in searcher.document_numbers(kind="section", report_id=report_id)]
    docs.sort(key=lambda d: tuple(d.get("span") or (0, 0)))
    meta = report.get("meta") or {}
    tables = [Table.from_dict(t) for t in meta.get("tables") or ()]
    rows = layout.row_index(tables)
    sections = []
    for d in docs:
        parts = layout.blocks(d.get("text") or "", tables, rows)
        spans = (marked or {}).get(d["section_id"])
        html_parts, pos = [], 0
        for b in parts:
            if spans and b["kind"] == "p":
                at = (d.get("text") or "").find(b["text"], pos)
                pos = max(at, pos) + len(b["text"])
                html_parts.append(f"<p>{_spans_html(b['text'], at, spans, pattern)}</p>")
            else:
                html_parts.append(_block_html(b, pattern))
        sections.append({
            "id": d["section_id"], "level": d.get("level", 0), "heading": d.get("heading", ""),
            "heading_html": mark(d.get("heading", ""), pattern), "path": d.get("heading_path", []),
            "text": d.get("text", ""), "topics": [t for t in d.get("topic", "").split(",") if t],
            "blocks": parts, "html": "".join(html_parts),
        })
    return {
        "report_id": report_id, "title": report.get("title") or meta.get("title", ""),
        "district": meta.get("district", ""), "province": meta.get("province", ""),
        "issuer": meta.get("issuer", meta.get("district", "")),
        "prefecture": meta.get("prefecture", ""), "county": meta.get("county", ""),
        "place": meta.get("place", meta.get("province", "")),
        "year": meta.get("year"), "published": meta.get("published", ""),
        "url": meta.get("url", ""), "source": report.get("source", ""),
        "format": meta.get("format", "text"), "pages": meta.get("pages", 0),
        "tables": [t.as_dict() for t in tables], "stats": meta.get("stats") or {},
        "sections": sections, "original": report.get("original", ""),
    }


def _spans_html(text: str, start: int, spans, pattern) -> str:
    """A paragraph (at ``start`` in its section's text) with the ``spans`` that fall in it
    wrapped as repeated text, the query marked."""
    out, last = [], 0
    for a, b, href in sorted(spans):
        a0, b0 = max(a - start, 0), min(b - start, len(text))
        if start < 0 or b0 <= a0 or a0 < last:
            continue
        link = (f'<a class="copied-from" href="{html.escape(href)}" '
                'title="上年报告中的同一句（数字可能不同）" '
                'aria-label="此句在上年报告中的位置">上年</a>'
                if href else "")
        out += [mark(text[last:a0], pattern),
                f'<span class="copied">{mark(text[a0:b0], pattern)}</span>{link}']
        last = b0
    out.append(mark(text[last:], pattern))
    return "".join(out)


def _block_html(block: dict, pattern) -> str:
    """One block of a section (``layout.blocks``) as HTML, the query marked."""
    if block["kind"] == "p":
        return f"<p>{mark(block['text'], pattern)}</p>"
    body = []
    for row in block["rows"]:
        cells = []
        for c in row:
            attrs = "".join(f' {k}="{c[k]}"' for k in ("rowspan", "colspan") if c[k] > 1)
            cls = ' class="num"' if c["number"] else ""
            cells.append(f"<td{attrs}{cls}>{mark(c['text'], pattern)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<div class="table-wrap"><table class="report-table">{"".join(body)}</table></div>'



def index_info(index: Index) -> dict:
    """What the index holds: path, reports, sections, last build, years and districts."""
    gen = index.current()
    with gen.lock:
        reports = len(list(gen.searcher.document_numbers(kind="report")))
        # Reports, not sections, per value: each report's own value, counted once.
        own = grouping.owners(gen)
        counts = {}
        for f in ("year", "district"):
            facet = gen.facet(f)
            codes = own.values(facet, f)
            sizes = np.bincount(codes[codes >= 0], minlength=len(facet.values))
            counts[f] = sorted(((v, int(n)) for v, n in zip(facet.values, sizes.tolist(),
                                                             strict=True) if n),
                               key=lambda vc: (-vc[1], vc[0]))
        return {
            "path": str(index.root), "generation": gen.name,
            "reports": reports, "sections": int(np.count_nonzero(gen.sections())),
            "built": gen.info.get("built", ""),
            "years": sorted(counts["year"], reverse=True), "districts": counts["district"],
        }
