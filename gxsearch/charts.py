"""Trend charts of the statistics as records the /stats template prints as inline SVG
(drawn on the server: no script, no CDN, nothing the CSP forbids). Sizes are in the SVG's
own units; colours come from the stylesheet's classes (``share-<outcome>``).

For one issuer: the requests received (``apply.new``) year by year as bars, and the share
of each outcome (予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理) of what was
answered that year as a stacked bar of 100%.
"""

from __future__ import annotations

from gxsearch.figures import MAIN, OUTCOMES, value

WIDTH, HEIGHT = 320, 150
TOP, BOTTOM, LEFT = 18, 22, 6
LABEL = dict(MAIN)
CLASSES = {k: "share-" + k.split(".")[1] for k in OUTCOMES}


def _columns(n: int, x0: float, width: float) -> list[tuple[float, float]]:
    step = width / max(n, 1)
    return [(x0 + i * step + step * 0.15, step * 0.7) for i in range(n)]


def trend(issuer: str, reports: list[dict]) -> dict | None:
    """The chart of one issuer's reports, or None when none has the figures."""
    years = sorted((r for r in reports if r["year"] and value(r["figures"], "apply.new")
                    is not None), key=lambda r: r["year"])
    if not years:
        return None
    plot = HEIGHT - TOP - BOTTOM
    half = (WIDTH - 3 * LEFT) / 2
    top = max(value(r["figures"], "apply.new") for r in years) or 1
    bars, shares = [], []
    for r, (x, w) in zip(years, _columns(len(years), LEFT, half), strict=True):
        n = value(r["figures"], "apply.new")
        h = plot * n / top
        bars.append({"x": round(x, 1), "y": round(TOP + plot - h, 1), "w": round(w, 1),
                     "h": round(h, 1), "year": r["year"], "value": n,
                     "label_y": round(TOP + plot - h - 3, 1), "text_x": round(x + w / 2, 1),
                     "title": f"{r['year']} 年度 本年新收 {n} 件"})
    for r, (x, w) in zip(years, _columns(len(years), 2 * LEFT + half, half), strict=True):
        parts = [(k, value(r["figures"], k)) for k in OUTCOMES]
        total = sum(v for _, v in parts if v)
        segments, y = [], TOP
        if total:
            for key, v in parts:
                if not v:
                    continue
                h = plot * v / total
                segments.append({"y": round(y, 1), "h": round(h, 1), "cls": CLASSES[key],
                                 "title": f"{r['year']} 年度 {LABEL[key]} {v} 件"
                                          f"（{100 * v / total:.0f}%）"})
                y += h
        shares.append({"x": round(x, 1), "w": round(w, 1), "year": r["year"],
                       "text_x": round(x + w / 2, 1), "segments": segments,
                       "empty": not total})
    return {"issuer": issuer, "width": WIDTH, "height": HEIGHT, "axis_y": HEIGHT - 6,
            "bars": bars, "shares": shares, "half_x": round(2 * LEFT + half, 1),
            "title_y": TOP - 6}


def legend() -> list[dict]:
    return [{"cls": CLASSES[k], "label": LABEL[k]} for k in OUTCOMES]


def trends(reports: list[dict], limit: int = 6) -> list[dict]:
    """A chart per issuer of ``reports``, those with the most years first (at most
    ``limit``), to be shown side by side."""
    by: dict[str, list[dict]] = {}
    for r in reports:
        if r["year"] and value(r["figures"], "apply.new") is not None:
            by.setdefault(r["issuer"] or r["title"], []).append(r)
    # The years an issuer has figures for are its chart's bars: the most first.
    chosen = sorted(by, key=lambda i: (-len({r["year"] for r in by[i]}), i))[:limit]
    return [trend(i, by[i]) for i in chosen]


def side_by_side(charts: list[dict]) -> dict | None:
    """With two or more issuers: ``{"issuers", "rows": [{"year", "values"}]}``, the requests
    each received a year, for the table under the charts."""
    if len(charts) < 2:
        return None
    issuers = [c["issuer"] for c in charts]
    cells = {(c["issuer"], b["year"]): b["value"] for c in charts for b in c["bars"]}
    years = sorted({y for _, y in cells})
    return {"issuers": issuers,
            "rows": [{"year": y, "values": [cells.get((i, y)) for i in issuers]} for y in years]}
