"""The statistics of the reports an index holds, as records for ``gxsearch stats`` and the
``/stats`` page: selecting reports, the checks across years, the table of main figures with
its totals, counts per 核验 status, CSV.

Each report's figures and own checks were made at index time (``stats.report_stats``, in
its stored metadata); the checks across years (``stats.across_years``) need the whole
collection, so they are made here, once per generation, over every report.
"""

from __future__ import annotations

import csv
import io

from gxsearch import audit
from gxsearch.facets import csv_cell
from gxsearch.index import Index
from gxsearch.query import check_year
from gxsearch.stats import across_years
from gxsearch.stats.checks import results
from gxsearch.stats.template import labels

#: The main figures of a report (the /stats table's columns): a figure key, or a group of
#: part 三's result rows (their 总计 column added up), or ``suit.total`` (both 行政诉讼).
MAIN = (
    ("apply.new", "本年新收"), ("apply.carried_over", "上年结转"), ("apply.granted", "予以公开"),
    ("apply.partial", "部分公开"), ("apply.withheld", "不予公开"),
    ("apply.unavailable", "无法提供"), ("apply.not_processed", "不予处理"),
    ("apply.other", "其他处理"), ("apply.result_total", "办理总计"),
    ("apply.carried_forward", "结转下年"), ("review.total", "行政复议"),
    ("suit.total", "行政诉讼"),
)
#: The outcomes whose shares the trend charts show, in the template's order.
OUTCOMES = ("apply.granted", "apply.partial", "apply.withheld", "apply.unavailable",
            "apply.not_processed", "apply.other")
STATUSES = ("一致", "不一致", "无表格")


def value(figures: dict, key: str):
    """A main figure: the figure itself, or the sum of a group's rows (None unless every row
    of the group is known)."""
    if key in figures:
        return figures[key]
    if key == "suit.total":
        parts = [figures.get("suit_direct.total"), figures.get("suit_after_review.total")]
    else:
        group = [k for k in results(figures) if k.startswith(key + ".")]
        parts = [figures.get(k) for k in group] if group else [None]
    return None if None in parts else sum(parts)


def _record(fields: dict) -> dict:
    meta = fields.get("meta") or {}
    stats = meta.get("stats") or {}
    return {
        "report_id": fields["report_id"], "title": fields.get("title", ""),
        "issuer": meta.get("issuer") or meta.get("district", ""),
        "district": meta.get("district", ""), "province": meta.get("province", ""),
        "year": meta.get("year"), "published": meta.get("published", ""),
        "template": stats.get("template"), "status": stats.get("status", "无表格"),
        "across": None, "figures": stats.get("figures", {}),
        "stated": {k: v["value"] for k, v in (stats.get("stated") or {}).items()},
        "checks": stats.get("checks", []), "notes": stats.get("notes", []),
    }


def _audit_summary(a: dict) -> dict:
    """What /stats and ``gxsearch stats`` show of a report's audit (``audit.py``)."""
    return {
        "reuse": a["reuse"]["previous_year"], "previous_report_id": a["reuse"][
            "previous_report_id"], "duplicates": len(a["duplicates"]),
        "nearest": a["duplicates"][0] if a["duplicates"] else None,
        "timeliness": a["timeliness"]["status"], "deadline": a["timeliness"]["deadline"],
        "days_late": a["timeliness"]["days_late"],
        "completeness": a["completeness"]["status"], "missing": a["completeness"]["missing"],
        "facets": a["facets"],
    }


def all_reports(index: Index) -> list[dict]:
    """Every report's statistics record, by year then title, the checks across years made
    (computed once per generation; callers copy before changing a record)."""
    gen = index.current()
    with gen.lock:
        held = gen.memo.get("figures")
        if held is None:
            searcher = gen.searcher
            held = [_record(searcher.stored_fields(n))
                    for n in searcher.document_numbers(kind="report")]
            held.sort(key=lambda r: (r["year"] or 0, r["title"], r["report_id"]))
            across_years(held)
            audited = audit.all_records(gen)
            for r in held:
                a = audited[r["report_id"]]
                r["reuse"] = {k: a["reuse"][k] for k in ("previous_year", "previous_report_id")}
                r["audit"] = _audit_summary(a)
            gen.memo["figures"] = held
    return held


def of_report(index: Index, report_id: str) -> dict | None:
    """The statistics record of one report (None when the index does not hold it)."""
    gen = index.current()
    all_reports(index)
    with gen.lock:
        by_id = gen.memo.get("figures_by_id")
        if by_id is None:
            by_id = gen.memo["figures_by_id"] = {r["report_id"]: r
                                                 for r in gen.memo["figures"]}
    return by_id.get(report_id)


def select(index: Index, *, districts=(), provinces=(), years=(), checks=(), reuse=(),
           timeliness=(), completeness=(), query: str = "") -> list[dict]:
    """The records of the reports the filters choose, and with ``query`` only those with a
    hit for it (``search.search``: BadQuery for a query it cannot read)."""
    spans = []
    for v in years:
        lo, _, hi = check_year(str(v)).partition("-")
        spans.append((int(lo), int(hi or lo)))
    wanted = None
    if query.strip():
        from gxsearch.search import report_ids
        wanted = report_ids(index, query, districts=districts, provinces=provinces,
                            years=years, checks=checks)
    out = []
    for r in all_reports(index):
        year = r["year"]
        if ((districts and r["district"] not in districts)
                or (provinces and r["province"] not in provinces)
                or (checks and r["status"] not in checks)
                or (reuse and r["audit"]["facets"]["reuse"] not in reuse)
                or (timeliness and r["audit"]["facets"]["timeliness"] not in timeliness)
                or (completeness and r["audit"]["facets"]["completeness"] not in completeness)
                or (spans and not (year and any(lo <= year <= hi for lo, hi in spans)))
                or (wanted is not None and r["report_id"] not in wanted)):
            continue
        out.append(dict(r))
    return out


def table(reports: list[dict], sort: str = "", descending: bool = False) -> dict:
    """``{"columns": [{"key", "label"}], "rows": [{report…, "values": [...]}], "totals":
    [{"value", "reports"}]}``: the main figures of each report and, per column, their sum
    over the reports that have the figure (and how many do). ``sort``: a main key,
    "reuse" (the share repeated from the previous year), "year" or "" (year, then title);
    reports without the figure go last either way."""
    rows = [{**r, "values": [value(r["figures"], k) for k, _ in MAIN]} for r in reports]
    keys = [k for k, _ in MAIN]
    if sort == "reuse":
        known = sorted((r for r in rows if r["audit"]["reuse"] is not None),
                       key=lambda r: r["audit"]["reuse"], reverse=descending)
        rows = known + [r for r in rows if r["audit"]["reuse"] is None]
    elif sort in keys:
        i = keys.index(sort)
        known = sorted((r for r in rows if r["values"][i] is not None),
                       key=lambda r: r["values"][i], reverse=descending)
        rows = known + [r for r in rows if r["values"][i] is None]
    elif descending:
        rows.reverse()
    totals = []
    for i in range(len(MAIN)):
        got = [r["values"][i] for r in rows if r["values"][i] is not None]
        totals.append({"value": round(sum(got), 2) if got else None, "reports": len(got)})
    return {"columns": [{"key": k, "label": label} for k, label in MAIN], "rows": rows,
            "totals": totals}


def status_counts(reports: list[dict]) -> list[dict]:
    """How many reports have each 核验 status: ``[{"value", "count"}]``."""
    return [{"value": s, "count": sum(r["status"] == s for r in reports)} for s in STATUSES]


AUDIT_HEADERS = ["与上年重复比例", "上年报告", "相似年报数", "及时性", "截止日期", "逾期天数",
                 "完整性", "缺项"]


def audit_cells(a: dict) -> list:
    """The audit's cells of a CSV row (``AUDIT_HEADERS``)."""
    return ["" if a["reuse"] is None else a["reuse"], a["previous_report_id"] or "",
            a["duplicates"], a["facets"]["timeliness"], a["deadline"] or "",
            "" if a["days_late"] is None else a["days_late"], a["facets"]["completeness"],
            csv_cell("; ".join(a["missing"]))]


def csv_bytes(reports: list[dict]) -> bytes:
    """One row per report with the Chinese labels as headers, every figure key a column
    (blank where the cell is blank or the table absent), UTF-8 with a BOM so that
    spreadsheet programs read the Chinese."""
    keys = list(labels())
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(["报告编号", "标题", "发布机关", "省份", "年度", "发布日期", "模板", "核验",
                  "跨年核对", "未通过的核验"] + AUDIT_HEADERS + [labels()[k] for k in keys])
    for r in reports:
        figures = r["figures"]
        failed = "; ".join(f"{c['rule']}: {c['detail']}" for c in r["checks"] if not c["ok"])
        # Titles and rules come from documents: neutralised against formula injection.
        out.writerow([csv_cell(v) for v in (
            r["report_id"], r["title"], r["issuer"], r["province"], r["year"] or "",
            r["published"], r["template"] or "", r["status"], r["across"] or "", failed)]
            + audit_cells(r["audit"])
            + ["" if figures.get(k) is None else figures[k] for k in keys])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


#: The filters of ``select`` by facet field, in the order /stats lists them.
FILTERS = {"check": "checks", "reuse": "reuse", "timeliness": "timeliness",
           "completeness": "completeness", "year": "years", "district": "districts",
           "province": "provinces"}


def _of(record: dict, field: str) -> str:
    if field in audit.FIELDS:
        return record["audit"]["facets"][field]
    value = record["status"] if field == "check" else record.get(field)
    return str(value) if value else ""


def facets(index: Index, filters: dict, query: str = "") -> dict[str, list[dict]]:
    """Per filter field, ``[{"value", "count", "selected"}]``: how many reports have each
    value among those the *other* filters choose (drill-down, as on the search page).
    核验 in its fixed order, years oldest first, the rest by count."""
    out = {}
    for field, arg in FILTERS.items():
        chosen = set(filters.get(field, ()))
        others = {FILTERS[f]: v for f, v in filters.items() if f != field and f in FILTERS}
        scope = select(index, **others, query=query)
        counts: dict[str, int] = {}
        for r in scope:
            v = _of(r, field)
            if v:
                counts[v] = counts.get(v, 0) + 1
        if field == "check":
            order = [s for s in STATUSES if s in counts or s in chosen]
        elif field in audit.FIELDS:
            order = [s for s in audit.FIELDS[field] if s in counts or s in chosen]
        elif field == "year":
            order = sorted(counts)
        else:
            order = sorted(counts, key=lambda v: (-counts[v], v))
        rows = [{"value": v, "count": counts.get(v, 0), "selected": v in chosen} for v in order]
        for v in chosen - set(order):  # a year range, or a value no report has
            n = len(select(index, **others, **{arg: (v,)}, query=query)) if field == "year" else 0
            rows.append({"value": v, "count": n, "selected": True})
        out[field] = rows
    return out
