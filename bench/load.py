"""Load test of a running ``gxsearch serve``: concurrent clients, bounded, loopback only.

    python bench/load.py --url http://127.0.0.1:8000 --clients 16 --seconds 20 [--queries FILE]
        [--max-requests N] [--reindex "gxsearch index DIR --rebuild --index-dir X"
         --new-phrase PHRASE] [--server-pid PID]

Each client thread sends ``GET /api/search?q=…`` (queries taken round-robin from FILE, one a
line, or a built-in set) until the time or the request budget runs out, and the run reports
requests/s, p50/p99 latency and errors (a status other than 200, or an exception) as a small
Markdown table and one JSON line. With ``--reindex CMD`` the clients run ``--seconds``/2
before the command starts, all the while it runs, and ``--seconds``/2 after it has finished
(swapped in its new generation), and the figures are also given for each of those phases;
after the rebuild the script asks the server for ``--new-phrase`` — a phrase only the new
index holds — every half second until it is found (a server that warms the new index first
switches a while after the rebuild), and eight times more at the end, and reports when it
was found, without a restart. ``--server-pid`` adds the server's memory at the end (RSS,
USS, PSS of it and its children; needs psutil). Otherwise only the standard library is used.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

DEFAULT_QUERIES = [
    "依申请公开", '"行政复议"', "主动公开 year:2018", "复议", "公开 -收费", "政策解读",
    "行政复议 OR 行政诉讼", "topic:依申请公开", '"政府信息公开条例"', "平台建设 year:2016-2020",
]


def check_loopback(url: str) -> str:
    """Return ``url`` without a trailing slash; raise ValueError unless it is http on loopback."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"need an http://HOST:PORT URL, got {url!r}")
    try:
        addrs = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    except socket.gaierror as exc:
        raise ValueError(f"cannot resolve {parts.hostname}: {exc}") from None
    if not addrs or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs):
        raise ValueError(f"refusing to load-test {parts.hostname} ({', '.join(sorted(addrs))}):"
                         " only loopback addresses are allowed")
    return url.rstrip("/")


def get(url: str, timeout: float = 30.0) -> tuple[int, bytes]:
    """``(status, body)`` of a GET; HTTP errors are returned, other failures raise."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def render(q: dict) -> str:
    """A ``bench/run.py`` query record as gxsearch query text, filters in the query."""
    terms = q["terms"]
    if q["op"] == "or":
        text = " OR ".join(terms)
    elif q["op"] == "not":
        text = terms[0] + "".join(f" -{t}" for t in terms[1:])
    else:
        text = " ".join(terms)
    for field in ("year", "district", "topic"):
        if q.get(field):
            text += f' {field}:"{q[field]}"'
    return text


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


class Load:
    """Shared state of one run: the request budget, latencies and errors."""

    def __init__(self, base: str, queries: list[str], seconds: float, max_requests: int):
        self.base, self.queries = base, queries
        self.deadline = time.monotonic() + seconds
        self.budget = max_requests
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.finished: list[float] = []  # monotonic time each request ended
        self.errors: dict[str, int] = {}
        self.sent = 0

    def next_query(self) -> str | None:
        with self.lock:
            if self.sent >= self.budget or time.monotonic() >= self.deadline:
                return None
            q = self.queries[self.sent % len(self.queries)]
            self.sent += 1
            return q

    def client(self) -> None:
        while (q := self.next_query()) is not None:
            url = f"{self.base}/api/search?{urllib.parse.urlencode({'q': q})}"
            t0 = time.perf_counter()
            try:
                status, _ = get(url)
                error = None if status == 200 else f"HTTP {status}"
            except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
                error = type(exc).__name__
            elapsed = time.perf_counter() - t0
            with self.lock:
                self.latencies.append(elapsed)
                self.finished.append(time.monotonic())
                if error:
                    self.errors[error] = self.errors.get(error, 0) + 1


def phrase_found(base: str, phrase: str) -> bool | None:
    """Whether the server finds ``"phrase"`` now (None if the request failed)."""
    try:
        query = urllib.parse.urlencode({"q": '"' + phrase + '"'})
        status, body = get(f"{base}/api/search?{query}")
    except Exception:  # noqa: BLE001
        return None
    if status != 200:
        return False if status == 400 else None
    return json.loads(body).get("total", 0) > 0


def run(args: argparse.Namespace) -> dict:
    base = check_loopback(args.url)
    queries = DEFAULT_QUERIES
    if args.queries and args.queries.endswith(".json"):
        with open(args.queries, encoding="utf-8") as fh:
            saved = json.load(fh)
        queries = [render(q) for q in saved["latency"]]
        if args.probes:
            queries += ['"' + p["probe"] + '"' for p in saved.get("recall", [])]
        queries = queries or DEFAULT_QUERIES
    elif args.queries:
        with open(args.queries, encoding="utf-8") as fh:
            queries = [line.strip() for line in fh if line.strip()] or DEFAULT_QUERIES
    status, _ = get(f"{base}/api/search?q=%E5%85%AC%E5%BC%80", timeout=10)  # warm up, check
    if status != 200:
        raise SystemExit(f"load.py: {base} answered {status} to a first search; is it gxsearch?")
    reindex: dict | None = None
    if args.reindex:
        reindex = {"command": args.reindex, "phrase": args.new_phrase,
                   "found_before": phrase_found(base, args.new_phrase) if args.new_phrase
                   else None}
    load = Load(base, queries, args.seconds, args.max_requests)
    if reindex is not None:
        load.deadline = float("inf")  # set once the rebuild has finished
    threads = [threading.Thread(target=load.client, daemon=True) for _ in range(args.clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    if reindex is not None:
        time.sleep(args.seconds / 2)
        r0 = time.monotonic()
        try:
            proc = subprocess.run(shlex.split(args.reindex), capture_output=True, text=True,
                                  timeout=args.reindex_timeout)
            reindex["exit"] = proc.returncode
            if proc.returncode:
                reindex["stderr"] = proc.stderr[-2000:]
        except subprocess.TimeoutExpired:
            # Still a result: the load figures so far, and the index left as it was.
            reindex["exit"] = f"killed after {args.reindex_timeout:.0f} s"
        r1 = time.monotonic()
        load.deadline = r1 + args.seconds / 2
        reindex["seconds"] = round(r1 - r0, 2)
        reindex["done_at_s"] = round(r1 - t0, 2)
        if args.new_phrase:
            # A server that warms the new index first switches to it a while after the
            # rebuild ends (each worker on its own): asked until found, then once more at the end.
            reindex["found_after"] = False
            while time.monotonic() < load.deadline:
                if phrase_found(base, args.new_phrase):
                    reindex["found_after"] = True
                    reindex["found_after_s"] = round(time.monotonic() - r1, 1)
                    break
                time.sleep(0.5)
    for t in threads:
        t.join(timeout=args.seconds + 60)
    wall = time.monotonic() - t0
    if reindex is not None and args.new_phrase:
        reindex["found_at_end"] = all(phrase_found(base, args.new_phrase) for _ in range(8))
    result = {"url": base, "clients": args.clients, "seconds": round(wall, 2),
              **figures(load.latencies, wall),
              "errors": sum(load.errors.values()), "error_kinds": load.errors}
    if args.server_pid:
        result["memory"] = memory(args.server_pid)
    if reindex is not None:
        result["reindex"] = reindex
        phases = {"before": (t0, r0), "during": (r0, r1), "after": (r1, float("inf"))}
        result["phases"] = {}
        for name, (a, b) in phases.items():
            lat = [x for x, end in zip(load.latencies, load.finished, strict=True) if a <= end < b]
            span = min(b, t0 + wall) - a
            result["phases"][name] = {"seconds": round(span, 2), **figures(lat, span)}
    return result


def figures(lat: list[float], wall: float) -> dict:
    """Requests, requests/s and latency percentiles of a list of latencies (seconds)."""
    return {"requests": len(lat), "rps": round(len(lat) / wall, 1) if wall > 0 else 0.0,
            "p50_ms": round(percentile(lat, 50) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else 0.0}


def markdown(result: dict) -> str:
    rows = [("clients", result["clients"]), ("seconds", result["seconds"]),
            ("requests", result["requests"]), ("requests/s", result["rps"]),
            ("p50 latency (ms)", result["p50_ms"]), ("p99 latency (ms)", result["p99_ms"]),
            ("errors", result["errors"])]
    if "memory" in result:
        m = result["memory"]
        rows.append((f"server memory at the end, {m['processes']} processes: RSS / USS / PSS MB",
                     f"{m['rss_mb']} / {m['uss_mb']} / {m['pss_mb']}"))
    if "reindex" in result:
        r = result["reindex"]
        rows += [("rebuild exit / seconds", f"{r.get('exit')} / {r.get('seconds')}"),
                 ("new phrase found before / after the rebuild (s after) / 8 of 8 at the end",
                  f"{r.get('found_before')} / {r.get('found_after')}"
                  f" ({r.get('found_after_s')}) / {r.get('found_at_end')}")]
        for name, ph in result["phases"].items():
            rows.append((f"{name} the rebuild: s / requests / req/s / p50 / p99 ms",
                         f"{ph['seconds']} / {ph['requests']} / {ph['rps']} / {ph['p50_ms']}"
                         f" / {ph['p99_ms']}"))
    return "\n".join(["| measure | value |", "| --- | --- |",
                      *(f"| {k} | {v} |" for k, v in rows)])


def memory(pid: int) -> dict:
    """Memory of a server process and its children at the end of the run, MB: resident,
    unique (USS: what stopping it would free) and proportional (PSS: pages shared with others
    split between them; the columns' mapped pages are shared by the workers)."""
    import psutil  # the bench extra; only for --server-pid

    root = psutil.Process(pid)
    procs = [root, *root.children(recursive=True)]
    infos = [p.memory_full_info() for p in procs]
    return {"processes": len(procs),
            **{f"{k}_mb": round(sum(getattr(m, k) for m in infos) / 2**20, 1)
               for k in ("rss", "uss", "pss")}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--max-requests", type=int, default=1_000_000,
                    help="stop after this many requests even if time is left")
    ap.add_argument("--queries", help="a file of queries, one a line, or the queries-N.json "
                    "written by bench/run.py")
    ap.add_argument("--probes", action="store_true",
                    help="with a queries-N.json, also send its recall probes as quoted phrases "
                    "(with --max-requests equal to the number of queries, no query repeats)")
    ap.add_argument("--reindex", help="a rebuild command to start half-way through")
    ap.add_argument("--new-phrase", help="a phrase only the rebuilt index holds")
    ap.add_argument("--reindex-timeout", type=float, default=4 * 3600.0,
                    help="seconds before the rebuild is killed (default 4 hours)")
    ap.add_argument("--server-pid", type=int,
                    help="report the memory of this server process and its children at the end")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 256 or not 0 < args.seconds <= 600 or args.max_requests < 1:
        ap.error("--clients must be 1-256, --seconds 0-600, --max-requests at least 1")
    try:
        result = run(args)
    except ValueError as exc:
        ap.error(str(exc))
    print(markdown(result))
    print(json.dumps(result, ensure_ascii=False))
    reindex = result.get("reindex", {})
    ok = (result["errors"] == 0 and reindex.get("exit", 0) == 0
          and reindex.get("found_after", True) is not False
          and reindex.get("found_at_end", True) is not False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
