"""Presentation records derived from a search result, shared by the web front end and the CLI.

The web templates only print what this module computes: facet values with their toggle URLs,
the chosen filters with their removal URLs, pagination and sort links, hits grouped by report,
and the machine formats (the JSON record the CLI's ``--json`` prints, CSV rows). Keeping URL
arithmetic here makes it unit-testable without Flask.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode

from gxsearch.schema import FACET_FIELDS

LABELS = {"district": "发布机关", "year": "年份", "topic": "主题", "province": "省份",
          "prefecture": "地市", "county": "区县", "check": "核验", "reuse": "与上年重复",
          "timeliness": "及时性", "completeness": "完整性"}
#: The place hierarchy: a level is listed once its parent has a chosen value or only one.
PARENT = {"prefecture": "province", "county": "prefecture"}
SORTS = {"relevance": "相关度", "year": "年份"}
#: Facet values shown before the rest are folded under "更多".
TOP_VALUES = 12
#: The CSV export's columns: a hit's key and the header printed for it. ``link`` is the
#: section's gxsearch deep link (absolute), ``source_url`` the report's own address.
CSV_COLUMNS = (("title", "标题"), ("district", "发布机关"), ("province", "省份"), ("year", "年度"),
               ("published", "发布日期"), ("heading", "章节"), ("topics", "主题"),
               ("snippet_text", "摘录"), ("link", "链接"), ("source_url", "原文链接"))
#: One row a report (``?by=report``): the hits of a report in the order of its best one.
CSV_REPORT_COLUMNS = (("title", "标题"), ("district", "发布机关"), ("province", "省份"),
                      ("year", "年度"), ("published", "发布日期"), ("sections", "匹配章节数"),
                      ("heading", "最相关的章节"), ("link", "链接"), ("source_url", "原文链接"))
#: Spreadsheet programs evaluate cells starting with these (CSV formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SearchParams:
    """What a search request asks for, as parsed from the URL."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1

    def is_empty(self) -> bool:
        return not self.q.strip() and not any(self.filters.values())

    def items(self) -> list[tuple[str, str]]:
        """Query-string pairs; defaults are left out so URLs stay short."""
        pairs = [("q", self.q)] if self.q else []
        for name in FACET_FIELDS:
            pairs += [(name, v) for v in self.filters.get(name, ())]
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.page > 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def url(self, path: str = "/search") -> str:
        pairs = self.items()
        return f"{path}?{urlencode(pairs)}" if pairs else path

    def with_filter(self, name: str, value: str, on: bool) -> SearchParams:
        """A copy with ``name=value`` added or removed, back on page 1.

        Removing also strips ``name:value`` written in the query text, because the search API
        reports such filters as effective and a person expects the ✕ to drop them too.
        """
        current = tuple(v for v in self.filters.get(name, ()) if v != value)
        q = self.q
        if on:
            current += (value,)
        else:
            q = strip_filter(q, name, value)
        return replace(self, q=q, filters={**self.filters, name: current}, page=1)


def parse_params(args) -> SearchParams:
    """Parse a Werkzeug ``MultiDict`` (or any mapping with ``getlist``) leniently."""
    filters = {}
    for name in FACET_FIELDS:
        values = []
        for v in args.getlist(name):
            v = v.strip()
            if v and v not in values:
                values.append(v)
        filters[name] = tuple(values)
    # The year facet's from–to control sends year_from / year_to: one range.
    lo, hi = args.get("year_from", "").strip(), args.get("year_to", "").strip()
    if lo or hi:
        lo, hi = lo or hi, hi or lo
        span = f"{lo}-{hi}" if lo != hi else lo
        if span not in filters["year"]:
            filters["year"] += (span,)
    sort = args.get("sort", "relevance")
    try:
        page = max(1, min(int(args.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    return SearchParams(q=args.get("q", "").strip(), filters=filters,
                        sort=sort if sort in SORTS else "relevance", page=page)


def strip_filter(q: str, name: str, value: str) -> str:
    """Remove ``name:value`` (or ``name:"value"``) tokens from query text ``q``."""
    v = re.escape(value)
    pattern = rf'(?<!\S){re.escape(name)}:(?:"{v}"|{v})(?!\S)'
    return re.sub(r"\s+", " ", re.sub(pattern, " ", q)).strip()


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]
    more: list[FacetValue]
    level: int = 1  # 2, 3: a level of the place hierarchy under the one above


@dataclass(frozen=True)
class ChosenFilter:
    name: str
    label: str
    value: str
    remove_url: str


def facet_groups(result: Mapping, params: SearchParams, path: str = "/search") -> list[Facet]:
    """One ``Facet`` per field; clicking a value toggles it as a filter (on ``path``)."""
    groups = []
    counts = result.get("facets", {})
    for name in FACET_FIELDS:
        values = [
            FacetValue(str(f["value"]), int(f["count"]), bool(f["selected"]),
                       params.with_filter(name, str(f["value"]), not f["selected"]).url(path))
            for f in counts.get(name, [])
        ]
        if not values:
            continue
        parent = PARENT.get(name)
        if parent and not (params.filters.get(parent) or len(counts.get(parent, [])) == 1):
            continue  # a place level is listed under a chosen (or the only) value above
        # Chosen values first, then the rest in their order; the first TOP_VALUES shown.
        values = [v for v in values if v.selected] + [v for v in values if not v.selected]
        level = 1 + (parent is not None) + (PARENT.get(parent or "") is not None)
        groups.append(Facet(name, LABELS[name], values[:TOP_VALUES], values[TOP_VALUES:],
                            level))
    return groups


def chosen_filters(result: Mapping, params: SearchParams, path: str = "/search"
                   ) -> list[ChosenFilter]:
    """The effective filters (URL and query text alike), each with a URL that removes it."""
    effective = result.get("filters") or params.filters
    return [
        ChosenFilter(name, LABELS[name], str(v),
                     params.with_filter(name, str(v), False).url(path))
        for name in FACET_FIELDS for v in effective.get(name, ())
    ]


def sort_links(params: SearchParams) -> list[dict]:
    return [{"value": key, "label": label, "selected": params.sort == key,
             "url": replace(params, sort=key, page=1).url()} for key, label in SORTS.items()]


def stats_url(params: SearchParams, path: str = "/stats", sort: str = "",
              descending: bool = False, page: int = 1) -> str:
    """A /stats (or its CSV/JSON) URL with the filters of ``params``, a column order and a
    page."""
    pairs = replace(params, sort="relevance", page=1).items()
    pairs += [("sort", sort)] if sort else []
    pairs += [("order", "desc")] if descending else []
    pairs += [("page", str(page))] if page > 1 else []
    return f"{path}?{urlencode(pairs)}" if pairs else path


def stats_pages(params: SearchParams, rows: int, per_page: int, sort: str, descending: bool
                ) -> dict:
    """The /stats table's pager: ``{"pages", "page", "prev", "next", "numbers", "first",
    "last"}`` (``first``/``last``: the rows shown, counted from 1)."""
    pages = max(1, -(-rows // per_page))
    page = min(params.page, pages)

    def link(n):
        return stats_url(params, sort=sort, descending=descending, page=n)

    return {"pages": pages, "page": page, "prev": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < pages else None,
            "numbers": [{"n": n, "url": link(n), "current": n == page}
                        for n in range(max(1, page - 2), min(pages, page + 2) + 1)],
            "first": (page - 1) * per_page + 1 if rows else 0,
            "last": min(rows, page * per_page)}


def stats_columns(params: SearchParams, columns: list[dict], sort: str, descending: bool
                  ) -> list[dict]:
    """The /stats table's headers, each with the URL that sorts by it: largest first on the
    first click, then the other way."""
    out = []
    for c in columns:
        on = c["key"] == sort
        out.append({**c, "sorted": ("descending" if descending else "ascending") if on else "",
                    "url": stats_url(params, sort=c["key"], descending=not (on and descending))})
    return out


def page_links(result: Mapping, params: SearchParams, window: int = 2) -> dict:
    """Previous/next links and a window of page numbers around the current one."""
    pages, page = int(result.get("pages") or 0), int(result.get("page") or params.page)

    def link(n):
        return replace(params, page=n).url()

    numbers = range(max(1, page - window), min(pages, page + window) + 1)
    return {
        "pages": pages, "page": page,
        "prev": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
        "numbers": [{"n": n, "url": link(n), "current": n == page} for n in numbers],
    }


def hit_link(hit: Mapping, q: str) -> str:
    """The deep link of a hit with ``?q=`` added, so the report page highlights the terms."""
    path, _, anchor = hit["url"].partition("#")
    if q:
        path += "?q=" + quote(q, safe="")
    return f"{path}#{anchor}" if anchor else path


def context_link(url: str, params: SearchParams, extra: Iterable[tuple[str, str]] = ()) -> str:
    """``url`` (a report page, its original, a section anchor) carrying the search it was
    reached from: the query (so the page marks it), filters, sort and page (so its link back
    returns to the same results)."""
    path, _, anchor = url.partition("#")
    pairs = params.items() + list(extra)
    path += f"?{urlencode(pairs)}" if pairs else ""
    return f"{path}#{anchor}" if anchor else path


def report_groups(result: Mapping, params: SearchParams) -> list[dict]:
    """The page's reports (``result["reports"]``) with the links the page prints: the
    report, each section, and its other hits (the report page, the query marked), each
    carrying the search (``context_link``)."""
    out = []
    for rep in result.get("reports", []):
        url = context_link(rep["url"], params)
        out.append({**rep, "url": url, "more_url": url if rep["more"] else "",
                    "hits": [{**h, "link": context_link(h["url"], params)}
                             for h in rep["sections"]]})
    return out


HIT_KEYS = ("report_id", "section_id", "title", "heading", "district", "province", "year",
            "topics", "snippet", "url")


def json_record(result: Mapping) -> dict:
    """The machine-readable record of a search (``--json`` in the CLI, ``/api/search``):
    ``total`` sections and their ``hits`` (paged by sections, as before), ``total_reports``
    and the ``reports`` of the page (paged by reports), each with its best sections."""
    keys = HIT_KEYS
    counts = result.get("facets", {})
    reports = [{**{k: r[k] for k in ("report_id", "title", "district", "province", "year",
                                     "published", "url", "score")},
                "sections": [{k: h.get(k) for k in keys} for h in r["sections"]],
                "more": r["more"]} for r in result.get("reports", [])]
    return {
        "query": result.get("query", ""),
        "total": result.get("total", 0),
        "total_reports": result.get("total_reports", 0),
        "hits": [{k: hit.get(k) for k in keys} for hit in result.get("hits", [])],
        "reports": reports,
        "facets": {name: {str(f["value"]): f["count"] for f in counts.get(name, [])}
                   for name in FACET_FIELDS},
    }


def csv_cell(value) -> str:
    """A CSV cell as text, neutralised against spreadsheet formula injection."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _by_report(hits: Iterable[Mapping], base_url: str) -> list[dict]:
    reports: dict[str, dict] = {}
    for hit in hits:
        rep = reports.get(hit["report_id"])
        if rep is None:
            reports[hit["report_id"]] = {**hit, "sections": 1,
                                         "link": base_url + hit["url"].split("#")[0]}
        else:
            rep["sections"] += 1
    return list(reports.values())


def csv_lines(hits: Iterable[Mapping], base_url: str = "", by_report: bool = False):
    """The hits as CSV, a line at a time: a UTF-8 BOM (so Excel detects the encoding) and
    the Chinese headers first; links made absolute with ``base_url``. ``by_report``: one
    row a report (its first hit is its best section), which reads every hit first."""
    columns = CSV_REPORT_COLUMNS if by_report else CSV_COLUMNS
    rows = (_by_report(hits, base_url) if by_report
            else ({**h, "link": base_url + h["url"]} for h in hits))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")

    def line(cells) -> str:
        buf.seek(0)
        buf.truncate()
        writer.writerow(cells)
        return buf.getvalue()

    yield "\ufeff" + line([header for _, header in columns])
    for row in rows:
        yield line([csv_cell(row.get(key)) for key, _ in columns])


def csv_text(hits: Iterable[Mapping], base_url: str = "", by_report: bool = False) -> str:
    """The hits as CSV text with a UTF-8 BOM (so Excel detects the encoding)."""
    return "".join(csv_lines(hits, base_url, by_report))


#: China Standard Time: no daylight saving, so a fixed offset (no tz database needed).
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_time(iso: str) -> str:
    """An ISO timestamp (the index's build time, UTC) in Beijing time, as Chinese readers
    write it: ``2026年12月3日 09:35``; "" for what cannot be read."""
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(CHINA)
    return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"


def today() -> str:
    """Today's date in Beijing time, ``2026-12-03`` (export file names)."""
    return datetime.now(CHINA).date().isoformat()


def citation(report: Mapping, section: Mapping, base_url: str) -> str:
    """A citation line for a section: issuer, title, year, the section's heading path, the
    report's own address and the gxsearch deep link, e.g. ``平潭综合实验区：《平潭综合实验区2022年度
    政府信息公开工作年度报告》（2022年度），"三、收到和处理政府信息公开申请情况"，原文 https://…，
    gxsearch http://…/report/…#s3``."""
    parts = []
    issuer = report.get("issuer") or report.get("district") or ""
    title = report.get("title") or report.get("report_id", "")
    head = f"{issuer}：《{title}》" if issuer else f"《{title}》"
    if report.get("year"):
        head += f"（{report['year']}年度）"
    parts.append(head)
    path = " › ".join(section.get("path") or ([section["heading"]] if section.get("heading")
                                               else []))
    if path:
        parts.append(f"“{path}”")
    if report.get("published"):
        parts.append(f"发布于 {report['published'][:10]}")
    if report.get("url"):
        parts.append(f"原文 {report['url']}")
    parts.append(f"gxsearch {base_url}/report/{report['report_id']}#{section['id']}")
    return "，".join(parts)


def csv_filename(q: str, day: str, by_report: bool = False) -> tuple[str, str]:
    """``(ASCII name, UTF-8 name)`` of an export: ``gxsearch-依申请公开-2026-12-03.csv``, the
    query cut to 40 characters with what a file name cannot hold replaced."""
    words = re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "_", q).strip("_.")[:40]
    suffix = "-按年报" if by_report else ""
    name = f"gxsearch-{words}{suffix}-{day}.csv" if words else f"gxsearch{suffix}-{day}.csv"
    return f"gxsearch-{day}.csv", name
