"""What the audit adds to a build, what it costs once per generation, and exact sentence
hashes against MinHash/LSH (datasketch) for the near-duplicates.

    PYTHONPATH=. python bench/audit.py --corpus DIR [--sample 2000] [--index DIR]
        [--build-seconds S] [--minhash]

``--corpus``: a corpus of ``bench/corpus.py``. Over ``--sample`` of its reports (every
n-th), in one process: ``indexer.analyse`` whole, and the audit's part of it alone
(``sentences.fingerprint``, ``completeness.present_parts``/``present_tables`` on the same
sections); prints ms per report and the share. With ``--build-seconds`` (the wall time of
``gxsearch index`` on the whole corpus) it also prints the audit's time over every report
as a share of that build.

``--index``: an index of the whole corpus. Times what the indexer adds at the end of a
build (reading every report's stored record, pairing the previous years, the
near-duplicates) with its peak memory (tracemalloc), and what serving adds (reading the
generation's audit.json: time, memory held); counts what it finds. ``--minhash`` also runs
datasketch's MinHash (128 permutations over each report's sentence hashes) and MinHashLSH
(threshold 0.5) on the same fingerprints and compares the pairs both find.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gxsearch.audit.completeness import present_parts, present_tables  # noqa: E402
from gxsearch.audit.sentences import fingerprint  # noqa: E402
from gxsearch.clean import clean_both, row_key  # noqa: E402
from gxsearch.read import list_files, read_file  # noqa: E402
from gxsearch.records import analyse  # noqa: E402
from gxsearch.sections import split_sections  # noqa: E402
from gxsearch.stats import report_stats  # noqa: E402


def build_share(corpus: str, sample: int, build_seconds: float | None) -> None:
    files = list_files([corpus])
    step = max(1, len(files) // sample)
    chosen = files[::step][:sample]
    whole = part = 0.0
    for path, rel in chosen:
        source = read_file(path, rel)
        t0 = time.perf_counter()
        analyse(source, path, "r")
        whole += time.perf_counter() - t0
        rows = frozenset(row_key(line) for t in source.tables for line in t.lines())
        cleaned, shown = clean_both(source.raw, source.wrapped, rows)
        sections = split_sections(cleaned, shown, rows)
        stats = report_stats(source.tables, cleaned, [(s.id, s.start, s.end) for s in sections])
        t0 = time.perf_counter()
        fingerprint(sections, rows)
        present_parts(s.heading for s in sections if s.level == 1)
        present_tables(stats.get("rows") or {}, cleaned)
        part += time.perf_counter() - t0
    n = len(chosen)
    print("| reports timed | analyse ms/report | audit ms/report | share of analyse |")
    print("|---:|---:|---:|---:|")
    print(f"| {n} | {whole / n * 1000:.2f} | {part / n * 1000:.2f} | {part / whole:.1%} |")
    if build_seconds:
        total = part / n * len(files)
        print()
        print("| reports | build s | audit s (all reports, estimated) | share of build |")
        print("|---:|---:|---:|---:|")
        print(f"| {len(files)} | {build_seconds:.0f} | {total:.1f} | {total / build_seconds:.1%} |")
    print()


def collection(index_dir: str, minhash: bool) -> None:
    import json
    import tempfile

    from gxsearch import audit
    from gxsearch.audit import duplicates
    from gxsearch.search import open_index

    with open_index(index_dir) as ix:
        gen = ix.current()
        tracemalloc.start()
        t0 = time.perf_counter()
        with gen.lock:  # as audit.of_searcher: one stored record at a time
            bases = [audit._base(gen.searcher.stored_fields(n))
                     for n in gen.searcher.document_numbers(kind="report")]
        read = time.perf_counter() - t0
        t0 = time.perf_counter()
        t1 = time.perf_counter()
        near = duplicates.nearest(bases)
        t_near = time.perf_counter() - t1
        records = audit.build_from(bases, near)
        joined = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    # What serving does instead: read the file the indexer wrote.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / audit.FILE
        path.write_text(json.dumps(records, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")
        size = path.stat().st_size / 2**20
        tracemalloc.start()
        t0 = time.perf_counter()
        loaded = json.loads(path.read_text(encoding="utf-8"))
        load = time.perf_counter() - t0
        held = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
        del loaded
    sentences = sum(len(b["fp"]["sentences"]) for b in bases)
    print("At build time (once per build, over every report):")
    print()
    print("| reports | sentences | read stored s | audit s | of which near-duplicates s | "
          "peak MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(records)} | {sentences} | {read:.2f} | {joined:.2f} | {t_near:.2f} | "
          f"{peak:.1f} |")
    print()
    print("When served (the generation's audit.json read on first use):")
    print()
    print("| file MB | load s | held MB |")
    print("|---:|---:|---:|")
    print(f"| {size:.1f} | {load:.2f} | {held:.1f} |")
    print()
    with_prev = sum(r["reuse"]["previous_year"] is not None for r in records.values())
    high = sum((r["reuse"]["previous_year"] or 0) > 0.5 for r in records.values())
    with_dup = sum(bool(r["duplicates"]) for r in records.values())
    late = sum(r["timeliness"]["status"] == "late" for r in records.values())
    print("| reports | with a previous year | repeated > 50% | with near-duplicates | late |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {len(records)} | {with_prev} | {high} | {with_dup} | {late} |")
    print()
    if minhash:
        compare_minhash(bases, near)


def compare_minhash(bases: list[dict], near: dict) -> None:
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    tracemalloc.start()
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sketches = {}
    for b in bases:
        hashes = np.array([s[0] for s in b["fp"]["sentences"]], np.uint64)
        m = MinHash(num_perm=128, hashfunc=lambda x: x)
        if len(hashes):
            m.update_batch(hashes & np.uint64(0xFFFFFFFF))
        sketches[b["report_id"]] = m
        lsh.insert(b["report_id"], m)
    built = time.perf_counter() - t0
    issuer = {b["report_id"]: b["issuer"] for b in bases}
    found = set()
    for rid, m in sketches.items():
        for other in lsh.query(m):
            if other != rid and issuer[other] != issuer[rid]:
                found.add(tuple(sorted((rid, other))))
    took = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    exact = {tuple(sorted((rid, d["report_id"]))) for rid, ds in near.items() for d in ds
             if d["overlap"] >= 0.5}
    print("| method | s | peak MB | pairs (other issuers, ≥ 0.5) | also found exactly |")
    print("|---|---:|---:|---:|---:|")
    print(f"| MinHash 128 + LSH 0.5 (Jaccard) | {took:.2f} (sketches {built:.2f}) | "
          f"{peak:.1f} | {len(found)} | {len(found & exact)} |")
    print(f"| exact sentence hashes (overlap) | see above | see above | {len(exact)} | "
          f"{len(exact)} |")
    print()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus")
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--build-seconds", type=float)
    ap.add_argument("--index")
    ap.add_argument("--minhash", action="store_true")
    args = ap.parse_args(argv)
    if args.corpus:
        build_share(args.corpus, args.sample, args.build_seconds)
    if args.index:
        collection(args.index, args.minhash)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
