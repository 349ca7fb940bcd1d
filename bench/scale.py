"""The scaling curve: gxsearch's build, size, memory and latency at several corpus sizes.

    python bench/scale.py [--ns 1000,3000,10000] [--out /tmp/bscale] [--procs 2]

For each N, runs `bench/run.py --n N --out OUT --procs P --engines gxsearch,jieba --jieba 2
--reuse` unless `OUT/result-N.json` is already there (a full `run.py` result of the same N in
OUT is used as it is), then prints three Markdown tables: the figures per N, the query
latencies per class and N, and each figure's growth fitted as a power of N (least squares on
the logarithms over the measured sizes) with its projection to 100,000 and 3,000,000
reports.

The projection is arithmetic on the fit, with its assumptions printed under the table: the
build is spread over processes one segment each (so over 16 cores it takes 2/16 of the
2-core time, scaled by the parallel efficiency measured between 1 and 2 processes when the
smallest N was run with `--procs 1,2`), and one query runs in one process (more cores serve
more queries at once, not one query faster).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSES = ["word_common", "word_rare", "phrase", "and", "or", "not",
           "filter_year", "filter_district", "filter_topic"]
TARGETS = {"p50_ms": 10.0, "p95_ms": 25.0}


def _run(n: int, out: Path, procs: str) -> dict:
    path = out / f"result-{n}.json"
    if not path.exists():
        cmd = [sys.executable, str(HERE / "run.py"), "--n", str(n), "--out", str(out),
               "--procs", procs, "--engines", "gxsearch,jieba", "--jieba", "2",
               "--reuse"]
        print("$", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)
    return json.loads(path.read_text(encoding="utf-8"))


def _gx(res: dict, procs: int) -> dict:
    return res["engines"].get(f"gxsearch procs={procs}", {})


def figures(res: dict, procs: int) -> dict:
    """One N's row: the figures of the gxsearch build with `procs` and of its serving run."""
    b = _gx(res, procs).get("build", {})
    # The serving run is made once per engine, on the first build's index.
    serve = next((e["serve"] for k, e in res["engines"].items()
                  if k.startswith("gxsearch") and "serve" in e), {})
    j2 = res.get("jieba", {}).get("2 core(s)", {})
    one = _gx(res, 1).get("build", {})
    return {
        "reports": res["reports"], "chars": res["chars"],
        "build_s": b.get("seconds"), "chars_per_s": b.get("chars_per_s"),
        "jieba2_s": j2.get("seconds"),
        "build_vs_jieba": (round(b["seconds"] / j2["seconds"], 2)
                           if b.get("seconds") and j2.get("seconds") else None),
        "build1_s": one.get("seconds"),
        "size_mb": b.get("size_mb"), "build_rss_mb": b.get("rss_mb"),
        "open_s": serve.get("open_s"), "serve_rss_mb": serve.get("rss_mb"),
        "uss_mb": serve.get("uss_mb"), "recall": serve.get("recall"),
        "classes": serve.get("classes", {}),
    }


def fit(ns: list[float], ys: list[float]) -> tuple[float, float] | None:
    """(b, a) of y = a·N^b by least squares on log y against log N; None under two points."""
    pts = [(math.log(n), math.log(y)) for n, y in zip(ns, ys, strict=True) if y and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    if not sxx:
        return None
    b = sum((x - mx) * (y - my) for x, y in pts) / sxx
    return b, math.exp(my - b * mx)


def _fmt(x) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:,.3f}" if abs(x) < 10 else f"{x:,.1f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def _table(head: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_fmt(v) for v in r) + " |" for r in rows]
    return "\n".join(out)


def report(rows: list[dict], procs: int) -> str:
    cols = [("reports", "reports"), ("chars", "chars"), ("build_s", f"build s ({procs} procs)"),
            ("chars_per_s", "chars/s"), ("jieba2_s", "jieba alone, 2 cores, s"),
            ("build_vs_jieba", "build / jieba"), ("size_mb", "index MB"),
            ("build_rss_mb", "build peak RSS MB"), ("open_s", "open s"),
            ("serve_rss_mb", "serving peak RSS MB"), ("uss_mb", "serving USS MB"),
            ("recall", "phrase recall")]
    parts = [_table([c[1] for c in cols], [[r[k] for k, _ in cols] for r in rows])]

    ns = [r["reports"] for r in rows]
    lat = []
    for cls in CLASSES:
        cells = []
        for r in rows:
            c = r["classes"].get(cls)
            cells.append(f"{c['p50_ms']:.1f} / {c['p95_ms']:.1f} / {c['p99_ms']:.1f}"
                         if c else "n/a")
        lat.append([cls, *cells])
    parts.append(_table(["p50 / p95 / p99 ms", *(f"{n:,} reports" for n in ns)], lat))

    # The fits, and what they give at 100,000 and 3,000,000 reports.
    one = next((r for r in rows if r["build1_s"] and r["build_s"]), None)
    eff = (one["build1_s"] / one["build_s"] / 2) if one else 1.0
    series = [("build s", [r["build_s"] for r in rows], True),
              ("index MB", [r["size_mb"] for r in rows], False),
              ("build peak RSS MB", [r["build_rss_mb"] for r in rows], False),
              ("open s", [r["open_s"] for r in rows], False),
              ("serving USS MB", [r["uss_mb"] for r in rows], False)]
    for cls in CLASSES:
        for p in ("p50_ms", "p95_ms"):
            series.append((f"{cls} {p}", [r["classes"].get(cls, {}).get(p) for r in rows],
                           False))
    fits = []
    for name, ys, parallel in series:
        f = fit(ns, ys)
        # Fixed costs weigh on the small sizes, so the growth between the two largest is
        # the one projected (never below the fit over all of them).
        last = fit(ns[-2:], ys[-2:])
        if not f or not last:
            fits.append([name, None, None, None, None, None])
            continue
        b = max(f[0], last[0])
        a = ys[-1] / ns[-1] ** b
        at = {n: a * n ** b for n in (100_000, 3_000_000)}
        sixteen = at[3_000_000] * 2 / (16 * eff) if parallel else None
        fits.append([name, f"N^{f[0]:.2f}", f"N^{last[0]:.2f}", at[100_000], at[3_000_000],
                     sixteen])
    parts.append(_table(["figure", "grows as (all sizes)", f"from {ns[-2]:,} to {ns[-1]:,}",
                         "100,000 reports", "3,000,000 reports", "3,000,000, build on 16 cores"],
                        fits))
    notes = [f"Parallel efficiency of the build from 1 to 2 processes: {eff:.2f}"
             + (f" (measured at {one['reports']:,} reports)." if one else " (not measured;"
                " 1.00 assumed).")]
    notes.append("Projections start from the largest size measured and grow as the larger "
                 "of the two exponents.")
    for r in rows:
        over = [f"{cls} {p.split('_')[0]}" for cls in CLASSES for p, limit in TARGETS.items()
                if r["classes"].get(cls, {}).get(p, 0) > limit]
        notes.append(f"Over the targets (p50 ≤ 10 ms, p95 ≤ 25 ms) at {r['reports']:,} "
                     f"reports: {', '.join(over) if over else 'none'}.")
    return "\n\n".join(parts + notes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ns", default="1000,3000,10000")
    ap.add_argument("--out", type=Path, default=Path("/tmp/bscale"))
    ap.add_argument("--procs", default="2", help="build processes (e.g. 1,2 at the first N)")
    args = ap.parse_args(argv)
    ns = [int(n) for n in args.ns.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    main_procs = int(args.procs.split(",")[-1])
    rows = []
    for i, n in enumerate(ns):
        res = _run(n, args.out, args.procs if i == 0 else str(main_procs))
        rows.append(figures(res, main_procs))
    md = report(rows, main_procs)
    print(md)
    (args.out / "scale.md").write_text(md + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
