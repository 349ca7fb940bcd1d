"""Scale and speed benchmark: gxsearch against Whoosh+jieba and SQLite FTS5 (trigram).

    python bench/run.py [--n 10000] [--corpus DIR] [--out bench/out] [--procs 1,2]
                        [--queries 200] [--engines gxsearch,whoosh,fts5,jieba] [--jieba 1,2]
                        [--smoke]

Generates the corpus if missing (bench/corpus.py), builds one query set shared by every engine,
then for each engine runs the index build and the querying in separate subprocesses, so that
peak RSS is per engine and per phase. Prints a Markdown table and writes `OUT/result-N.json`.
Each query is timed as a new one: gxsearch's per-query caches (match sets, rankings,
results) are dropped before it, as the peers have none.

`--smoke` is about 300 reports; it exits non-zero only on errors or when gxsearch's phrase
recall is below 100%, never on timing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/run.py` puts only bench/ on the path

from bench.corpus import HEADER_MARK, generate, load_manifest  # noqa: E402

CLASSES = ["word_common", "word_rare", "phrase", "and", "or", "not",
           "filter_year", "filter_district", "filter_topic"]
COMMON_WORDS = ["公开", "政府信息", "依申请公开", "行政复议", "主动公开", "政策解读",
                "政务新媒体", "信息公开", "年度报告", "政府网站"]
FALLBACK_TOPICS = ["依申请公开", "主动公开", "政策解读", "平台建设"]
HAN = re.compile(r"^[\u4e00-\u9fff]{2,6}$")


# ---------------------------------------------------------------- query set

def _words(text: str, rng: random.Random, k: int) -> list[str]:
    import jieba

    start = rng.randrange(max(1, len(text) - 400))
    words = [w for w in jieba.lcut(text[start:start + 400]) if HAN.match(w)]
    return rng.sample(words, min(k, len(words)))


def _topics() -> list[str]:
    try:
        from gxsearch.topics import TOPICS
        return list(TOPICS)
    except Exception:  # gxsearch not ready: the names are a guess, hits may be 0
        return FALLBACK_TOPICS


def build_queries(corpus: Path, manifest: list[dict], n: int, seed: int = 7) -> dict:
    """The same queries for every engine: `latency` (classes) and `recall` (phrase probes)."""
    rng = random.Random(seed)
    per = max(1, n // len(CLASSES))
    texts: dict[str, str] = {}

    def text_of(rec):
        if rec["file"] not in texts:
            t = (corpus / rec["file"]).read_text(encoding="utf-8")
            texts[rec["file"]] = t.split(HEADER_MARK, 1)[-1]
        return texts[rec["file"]]

    # Rare words: jieba words from random reports with the lowest document frequency in a
    # sample; the recombined corpus has few truly rare words, so body names are mixed in.
    sample = rng.sample(manifest, min(300, len(manifest)))
    cands = {w for rec in sample[:60] for w in _words(text_of(rec), rng, 8) if len(w) >= 3}
    df = {w: sum(w in text_of(r) for r in sample) for w in cands}
    rare = sorted((w for w in df if df[w] > 0), key=lambda w: (df[w], w))[: per // 2 + 1]
    rare += [r["body"] for r in rng.sample(manifest, per - len(rare) + 1)]
    topics = _topics()
    lat: list[dict] = []
    for i in range(per):
        rec = rng.choice(manifest)
        ws = _words(text_of(rec), rng, 2) or ["公开", "政府"]
        other = _words(text_of(rng.choice(manifest)), rng, 1) or ["行政诉讼"]
        common = COMMON_WORDS[i % len(COMMON_WORDS)]
        lat += [
            {"cls": "word_common", "op": "and", "terms": [common]},
            {"cls": "word_rare", "op": "and", "terms": [rare[i % len(rare)]]},
            {"cls": "phrase", "op": "and", "terms": [f'"{rng.choice(rec["probes"])}"']},
            {"cls": "and", "op": "and", "terms": ws[:2] if len(ws) > 1 else [ws[0], common]},
            {"cls": "or", "op": "or", "terms": [ws[0], other[0]]},
            {"cls": "not", "op": "not", "terms": [common, ws[0]]},
            {"cls": "filter_year", "op": "and", "terms": [ws[0]], "year": rec["year"]},
            {"cls": "filter_district", "op": "and", "terms": [common],
             "district": rec["body"]},
            {"cls": "filter_topic", "op": "and", "terms": [ws[0]],
             "topic": topics[i % len(topics)]},
        ]
    recall = [{"rid": rec["file"], "probe": p, "traditional": rec["traditional"],
               "narrow": {"year": rec["year"], "district": rec["body"]}}
              for rec in manifest for p in rec["probes"]]
    rng.shuffle(recall)
    return {"latency": lat, "recall": _kept_by_cleaner(corpus, recall, RECALL_KEPT)}


#: Recall probes kept in the query set (each needs its report cleaned once to be checked).
RECALL_KEPT = 1000


def _kept_by_cleaner(corpus: Path, recall: list[dict], limit: int) -> list[dict]:
    """The first ``limit`` probes found in the text gxsearch keeps of their report: the
    sentence pool holds page furniture from real pages (``读取内容中,请等待...``) that
    ``clean.py`` removes on purpose, and a probe drawn from it tests nothing."""
    try:
        from gxsearch import read
        from gxsearch.clean import match_form
        from gxsearch.records import analyse
    except ImportError:  # gxsearch not importable: the probes as drawn
        return recall[:limit]
    kept, texts = [], {}
    for pr in recall:
        if len(kept) >= limit:
            break
        if pr["rid"] not in texts:
            path = str(corpus / pr["rid"])
            docs = analyse(read.read_file(path, os.path.basename(path)), path, "probe")["docs"]
            texts[pr["rid"]] = "\n".join(d["words"] for d in docs[1:])
        if match_form(pr["probe"]) in texts[pr["rid"]]:
            kept.append(pr)
    return kept


# ---------------------------------------------------------------- workers (subprocesses)

def _rss_mb(who) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def _memory_now() -> dict:
    """This process's RSS, USS (its private pages: what stopping it would free) and PSS, MB.

    Linux's smaps_rollup; the peak RSS above counts the mapped columns' pages, which are the
    page cache's and shared between processes, so the serving target is read off USS."""
    try:
        lines = Path("/proc/self/smaps_rollup").read_text().splitlines()
    except OSError:
        return {}
    kb = {ln.split(":")[0]: int(ln.split()[1]) for ln in lines[1:] if ln.endswith("kB")}
    # USS counts the pages of a mapped file that only this process maps (the columns); the
    # anonymous pages are the process's own heap.
    return {"rss_now_mb": round(kb["Rss"] / 1024, 1), "pss_mb": round(kb["Pss"] / 1024, 1),
            "uss_mb": round((kb["Private_Clean"] + kb["Private_Dirty"]) / 1024, 1),
            "anon_mb": round(kb["Anonymous"] / 1024, 1)}


def worker_build(engine: str, corpus: str, index_dir: str, procs: int) -> dict:
    from bench.peers import ENGINES

    eng = ENGINES[engine]()
    manifest = load_manifest(Path(corpus))
    t0 = time.perf_counter()
    stats = eng.build(corpus, manifest, index_dir, procs=procs)
    secs = time.perf_counter() - t0
    return {"seconds": round(secs, 2), "stats": stats, "size": eng.size(index_dir),
            "rss_mb": _rss_mb(resource.RUSAGE_SELF),
            "rss_children_mb": _rss_mb(resource.RUSAGE_CHILDREN)}


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000, 2)


def worker_serve(engine: str, index_dir: str, queries_path: str, recall_n: int) -> dict:
    from bench.peers import ENGINES

    eng = ENGINES[engine]()
    qs = json.loads(Path(queries_path).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    eng.open(index_dir)
    open_s = time.perf_counter() - t0
    lat = [q for q in qs["latency"] if eng.topics or q["cls"] != "filter_topic"]
    errors: list[str] = []
    for q in lat:  # warm-up, untimed
        try:
            eng.query(q)
        except Exception as e:  # counted below, in the timed run
            del e
    times: dict[str, list[float]] = {}
    zero: dict[str, int] = {}
    forget = getattr(eng, "forget", lambda: None)
    for q in lat:
        forget()  # timed as a new query: no match sets, rankings or facet counts remembered
        t = time.perf_counter()
        try:
            res = eng.query(q)
        except Exception as e:
            errors.append(f"{q['cls']} {q['terms']}: {type(e).__name__}: {e}"[:300])
            continue
        times.setdefault(q["cls"], []).append(time.perf_counter() - t)
        zero[q["cls"]] = zero.get(q["cls"], 0) + (res["total"] == 0)
    classes = {c: {"n": len(v), "p50_ms": _pct(v, 50), "p95_ms": _pct(v, 95),
                   "p99_ms": _pct(v, 99), "zero_hits": zero.get(c, 0)}
               for c, v in times.items()}
    by_len: dict[int, list[int]] = {}
    misses = []
    t = time.perf_counter()
    for pr in qs["recall"][:recall_n]:
        q = {"op": "and", "terms": [f'"{pr["probe"]}"']}
        try:
            ok = eng.contains(q, pr["rid"], pr.get("narrow"))
        except Exception as e:
            errors.append(f"recall {pr['probe']}: {type(e).__name__}: {e}"[:300])
            ok = False
        by_len.setdefault(len(pr["probe"]), []).append(int(ok))
        if not ok and len(misses) < 20:
            misses.append(pr)
    allr = [x for v in by_len.values() for x in v]
    return {
        "open_s": round(open_s, 3), "classes": classes, "errors": errors[:30],
        "n_errors": len(errors),
        "recall": round(sum(allr) / len(allr), 4) if allr else None, "recall_n": len(allr),
        "recall_by_len": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_len.items())},
        "recall_seconds": round(time.perf_counter() - t, 1), "recall_misses": misses,
        "rss_mb": _rss_mb(resource.RUSAGE_SELF), **_memory_now(),
    }


def _seg_file(path: str) -> int:
    import jieba

    text = Path(path).read_text(encoding="utf-8")
    jieba.lcut(text)
    return len(text)


def worker_jieba(corpus: str, procs: int) -> dict:
    """The ceiling for any jieba-based indexer: segmenting the corpus and nothing else."""
    import jieba

    files = [str(Path(corpus) / r["file"]) for r in load_manifest(Path(corpus))]
    if procs == 1:
        jieba.initialize()
        t0 = time.perf_counter()
        chars = sum(_seg_file(f) for f in files)
    else:
        from multiprocessing import Pool

        with Pool(procs, initializer=jieba.initialize) as pool:
            pool.map(abs, range(procs * 4))  # workers up and jieba loaded before timing
            t0 = time.perf_counter()
            chars = sum(pool.imap_unordered(_seg_file, files, chunksize=16))
    secs = time.perf_counter() - t0
    return {"procs": procs, "seconds": round(secs, 2), "chars": chars,
            "chars_per_s": round(chars / secs)}


def _spawn(args: list[str], timeout: float | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout)[-2000:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report

def _fmt(x) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:,.3f}" if x < 10 else f"{x:,.1f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def _ratio(a, b) -> str:
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b:
        return "n/a"
    return f"{a / b:.2f}×"


def table(res: dict) -> str:
    cols = [c for c in res["columns"]]
    rows: list[tuple[str, list]] = []

    def get(col, *path):
        node = res["engines"].get(col, {})
        for p in path:
            if not isinstance(node, dict) or p not in node:
                return None
            node = node[p]
        return node

    rows.append(("build s", [get(c, "build", "seconds") for c in cols]))
    rows.append(("build chars/s", [get(c, "build", "chars_per_s") for c in cols]))
    rows.append(("build peak RSS MB (self+children max)",
                 [get(c, "build", "rss_mb") for c in cols]))
    rows.append(("index size MB", [get(c, "build", "size_mb") for c in cols]))
    rows.append(("open index s", [get(c, "serve", "open_s") for c in cols]))
    rows.append(("serving peak RSS MB", [get(c, "serve", "rss_mb") for c in cols]))
    rows.append(("serving USS MB at the end", [get(c, "serve", "uss_mb") for c in cols]))
    rows.append(("  of which anonymous (heap) MB", [get(c, "serve", "anon_mb") for c in cols]))
    rows.append(("phrase recall (all hits)", [get(c, "serve", "recall") for c in cols]))
    for ln in range(2, 7):
        rows.append((f"  recall, {ln}-char probes",
                     [get(c, "serve", "recall_by_len", str(ln)) for c in cols]))
    for cls in CLASSES:
        for p in ("p50_ms", "p95_ms", "p99_ms"):
            rows.append((f"{cls} {p}", [get(c, "serve", "classes", cls, p) for c in cols]))
        rows.append((f"{cls} zero-hit queries",
                     [get(c, "serve", "classes", cls, "zero_hits") for c in cols]))
    rows.append(("query errors", [get(c, "serve", "n_errors") for c in cols]))
    gx = cols[0] if cols and cols[0].startswith("gxsearch") else None
    peers = [c for c in cols if not c.startswith("gxsearch")]
    head = ["metric", *cols] + ([f"{gx}/{p}" for p in peers] if gx else [])
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, vals in rows:
        line = [name, *(_fmt(v) for v in vals)]
        if gx:
            line += [_ratio(vals[0], vals[cols.index(p)]) for p in peers]
        out.append("| " + " | ".join(line) + " |")
    j = res.get("jieba", {})
    if j:
        out.append("")
        out.append("| jieba.lcut alone (the ceiling) | seconds | chars/s |")
        out.append("|---|---|---|")
        for k, v in j.items():
            out.append(f"| {k} | {_fmt(v.get('seconds'))} | {_fmt(v.get('chars_per_s'))} |")
    return "\n".join(out)


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--procs", default="1,2")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--recall", type=int, default=300, help="phrase probes checked for recall")
    ap.add_argument("--engines", help="default gxsearch,whoosh,fts5,jieba; "
                    "with --smoke gxsearch,fts5 (whoosh's highlighting is too slow for a smoke)")
    ap.add_argument("--jieba", default="1,2", help="processes of the jieba ceiling runs")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--reuse", action="store_true",
                    help="keep indexes (and their build figures) from an earlier run")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        kind, *rest = json.loads(args.worker)
        fn = {"build": worker_build, "serve": worker_serve, "jieba": worker_jieba}[kind]
        print(json.dumps(fn(*rest), ensure_ascii=False))
        return 0

    if args.smoke:
        args.n = min(args.n, 300)
        args.queries = min(args.queries, 90)
    engines = (args.engines or ("gxsearch,fts5" if args.smoke else
                                "gxsearch,whoosh,fts5,jieba")).split(",")
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or args.out / f"corpus-{args.n}"
    if not (corpus / "manifest.jsonl").exists() or (
            args.corpus is None and len(load_manifest(corpus)) != args.n):
        print(f"generating {args.n} reports in {corpus} …", file=sys.stderr)
        print(json.dumps(generate(corpus, args.n)), file=sys.stderr)
    manifest = load_manifest(corpus)
    chars = sum(r["chars"] for r in manifest)
    qpath = args.out / f"queries-{len(manifest)}.json"
    queries = build_queries(corpus, manifest, args.queries)
    qpath.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")

    res: dict = {"reports": len(manifest), "chars": chars, "corpus": str(corpus),
                 "queries": len(queries["latency"]), "machine_cpus": os.cpu_count(),
                 "engines": {}, "columns": [], "jieba": {}}
    runs: list[tuple[str, str, int]] = []
    if "gxsearch" in engines:
        runs += [(f"gxsearch procs={p}", "gxsearch", int(p)) for p in args.procs.split(",")]
    runs += [(e, e, 1) for e in ("whoosh", "fts5") if e in engines]
    failed = []
    for col, eng, procs in runs:
        idx = args.out / f"index-{len(manifest)}-{eng}-{procs}"
        saved = idx.with_name(idx.name + ".build.json")
        if args.reuse and saved.exists():
            b = json.loads(saved.read_text(encoding="utf-8"))
        else:
            print(f"[{col}] building …", file=sys.stderr)
            # A fresh directory: leftover generations would inflate the size on disk.
            shutil.rmtree(idx, ignore_errors=True)
            b = _spawn(["build", eng, str(corpus), str(idx), procs])
            if "error" not in b:
                saved.write_text(json.dumps(b), encoding="utf-8")
        if "error" in b:
            print(f"[{col}] build failed:\n{b['error']}", file=sys.stderr)
            failed.append(col)
            res["engines"][col] = {"build": b}
            res["columns"].append(col)
            continue
        b["chars_per_s"] = round(chars / b["seconds"]) if b["seconds"] else None
        b["size_mb"] = round(b["size"] / 2**20, 1)
        b["rss_mb"] = max(b["rss_mb"], b["rss_children_mb"])
        entry = {"build": b}
        # One serving run per engine: gxsearch's indexes from procs=1 and 2 are equivalent.
        if not any(r[1] == eng and r[0] in res["engines"] and "serve" in res["engines"][r[0]]
                   for r in runs):
            print(f"[{col}] querying …", file=sys.stderr)
            s = _spawn(["serve", eng, str(idx), str(qpath), args.recall])
            if "error" in s:
                print(f"[{col}] serve failed:\n{s['error']}", file=sys.stderr)
                failed.append(col)
            elif s["n_errors"]:
                print(f"[{col}] {s['n_errors']} query errors, e.g. {s['errors'][:3]}",
                      file=sys.stderr)
                if eng == "gxsearch":
                    failed.append(col)
            entry["serve"] = s
        res["engines"][col] = entry
        res["columns"].append(col)
    if "jieba" in engines:
        for p in map(int, args.jieba.split(",")):
            print(f"[jieba] segmenting with {p} process(es) …", file=sys.stderr)
            res["jieba"][f"{p} core(s)"] = _spawn(["jieba", str(corpus), p])

    md = table(res)
    print(f"\n{len(manifest):,} reports, {chars:,} chars, {res['queries']} queries, "
          f"{os.cpu_count()} CPUs\n")
    print(md)
    out_json = args.out / f"result-{len(manifest)}.json"
    out_json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / f"result-{len(manifest)}.md").write_text(md + "\n", encoding="utf-8")
    print(f"\nJSON: {out_json}", file=sys.stderr)
    gx_serve = [v.get("serve") for k, v in res["engines"].items() if k.startswith("gxsearch")]
    gx_serve = [s for s in gx_serve if s and "recall" in s]
    if failed:
        print(f"FAILED: {failed}", file=sys.stderr)
        return 1
    if args.smoke and "gxsearch" in engines and (not gx_serve or gx_serve[0]["recall"] < 1):
        print("FAILED: gxsearch phrase recall below 100%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
