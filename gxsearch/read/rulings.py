"""Tables of a PDF page from its ruling lines (the thin filled paths that draw borders).

Horizontal rulings joined by vertical ones that run between them make one table; the
distinct heights and offsets of its rulings are the grid, and two neighbouring grid cells
with no ruling between them are one merged cell. ``pdf.py`` then gives each cell the
characters whose centre falls inside it.
"""

from __future__ import annotations

import ctypes

RULING = 2.0  # a path thinner than this (pt) is a ruling
TOL = 2.0  # rulings this close (pt) are the same line


def _clusters(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > TOL:
            out.append(v)
    return out


def _path_bounds(page, raw):
    """The bounds of every path object of a page, through PDFium's own calls (a wrapper object
    for each of a page's thousands of objects costs more than the rest of reading it);
    paths inside form objects too."""
    box = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(v) for v in box]
    stack = [(raw.FPDFPage_CountObjects(page.raw), lambda i: raw.FPDFPage_GetObject(page.raw, i))]
    while stack:
        count, get = stack.pop()
        for i in range(count):
            obj = get(i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_PATH and raw.FPDFPageObj_GetBounds(obj, *refs):
                yield tuple(v.value for v in box)
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                stack.append((raw.FPDFFormObj_CountObjects(obj),
                              lambda j, form=obj: raw.FPDFFormObj_GetObject(form, j)))


def rulings(page, raw) -> tuple[list, list]:
    """Horizontal ``(y, x0, x1)`` and vertical ``(x, y0, y1)`` rulings of a page."""
    hs, vs = [], []
    for left, bottom, right, top in _path_bounds(page, raw):
        w, h = right - left, top - bottom
        if h <= RULING and w > RULING:
            hs.append(((top + bottom) / 2, left, right))
        elif w <= RULING and h > RULING:
            vs.append(((left + right) / 2, bottom, top))
        # Anything larger is a filled box (shading, a logo), not a border.
    return hs, vs


def tables_of(hs: list, vs: list) -> list[tuple[tuple[float, float, float, float], list, list]]:
    """Tables drawn by the rulings: ``(bbox, column borders, row borders top down, cells)``;
    each cell is
    ``(row, col, rowspan, colspan, (x0, y0, x1, y1))``."""
    out = []
    # Tables are separated vertically: group horizontal rulings into runs joined by
    # vertical rulings that span between them.
    hs = sorted(hs, key=lambda h: -h[0])
    used = [False] * len(hs)
    for i in range(len(hs)):
        if used[i]:
            continue
        group = [hs[i]]
        used[i] = True
        top = hs[i][0]
        bottom = top
        for j in range(i + 1, len(hs)):
            y = hs[j][0]
            if any(x0 - TOL <= v[0] <= x1 + TOL and v[1] - TOL <= y and v[2] + TOL >= bottom
                   for v in vs for x0, x1 in [(hs[j][1], hs[j][2])]):
                group.append(hs[j])
                used[j] = True
                bottom = y
        x0 = min(h[1] for h in group)
        x1 = max(h[2] for h in group)
        inside = [v for v in vs if x0 - TOL <= v[0] <= x1 + TOL
                  and v[1] >= bottom - TOL and v[2] <= top + TOL]
        ys = _clusters([h[0] for h in group])[::-1]  # top to bottom
        xs = _clusters([v[0] for v in inside])
        if len(ys) < 2 or len(xs) < 2:
            continue
        out.append(((xs[0], ys[-1], xs[-1], ys[0]), xs, ys, _grid(ys, xs, group, inside)))
    return out


def _covers(segs, at: float, lo: float, hi: float) -> bool:
    """Whether a ruling at ``at`` runs from ``lo`` to ``hi`` (a cell border is drawn)."""
    mid = (lo + hi) / 2
    return any(abs(s[0] - at) <= TOL and s[1] - TOL <= mid <= s[2] + TOL for s in segs)


def _grid(ys, xs, hs, vs) -> list:
    """Cells of the grid between rulings ``ys`` (top down) and ``xs``; positions with no
    border between them are one merged cell."""
    n_r, n_c = len(ys) - 1, len(xs) - 1
    parent = list(range(n_r * n_c))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and not _covers(vs, xs[c + 1], ys[r + 1], ys[r]):
                parent[find(r * n_c + c + 1)] = find(r * n_c + c)
            if r + 1 < n_r and not _covers([(y, a, b) for y, a, b in hs], ys[r + 1],
                                           xs[c], xs[c + 1]):
                parent[find((r + 1) * n_c + c)] = find(r * n_c + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_r):
        for c in range(n_c):
            groups.setdefault(find(r * n_c + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0 = min(r for r, _ in members)
        c0 = min(c for _, c in members)
        r1 = max(r for r, _ in members)
        c1 = max(c for _, c in members)
        cells.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r1 + 1], xs[c1 + 1], ys[r0])))
    return cells
