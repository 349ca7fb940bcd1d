"""Hostile and odd clients against a gxsearch server, timed: many filter values, slow clients
holding connections, parallel big CSV exports, and SIGTERM with requests in flight.

Prints one table. Run it on this checkout and, with ``--checkout``, on another one (an older
commit in a ``git worktree``) to compare::

    python bench/corpus.py /tmp/h300 -n 300
    python bench/hostile.py --corpus /tmp/h300 --out /tmp/hostile-new
    git worktree add /tmp/old 42be18c
    python bench/hostile.py --corpus /tmp/h300 --out /tmp/hostile-old --checkout /tmp/old

Each server is started here on a free loopback port, with its own index, and stopped here;
every loop is bounded in requests and time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, timeout: float = 60) -> tuple[int, int, float]:
    """(status, body bytes, seconds); status 0 for a failed request."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, len(body), time.perf_counter() - t0
    except OSError:
        return 0, 0, time.perf_counter() - t0
    finally:
        conn.close()


class Server:
    def __init__(self, checkout: Path, index_dir: Path):
        self.port = _free_port()
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gxsearch", "serve", "--index-dir", str(index_dir),
             "--port", str(self.port), "--warm-seconds", "0"],
            cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while _get(self.port, "/api/search?q=%E5%85%AC%E5%BC%80", 5)[0] != 200:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(0.3)

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def filters(port: int, n: int) -> str:
    qs = urlencode([("q", "公"), *[("district", str(i)) for i in range(n)]])
    html = _get(port, f"/search?{qs}", 120)
    api = _get(port, f"/api/search?{qs}", 120)
    return (f"HTML {html[0]} {html[1] / 1e6:.2f} MB {html[2] * 1000:.0f} ms; "
            f"API {api[0]} {api[2] * 1000:.0f} ms")


def _slow(port: int, stop: threading.Event) -> None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\n")
            while not stop.wait(1):
                s.sendall(b"X-Slow: 1\r\n")
    except OSError:
        pass


def slow_clients(port: int, n: int = 120, seconds: float = 12) -> str:
    stop = threading.Event()
    threads = [threading.Thread(target=_slow, args=(port, stop), daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(2)
    try:
        status, _, took = _get(port, "/api/search?q=%E5%85%AC%E5%BC%80", seconds)
    finally:
        stop.set()
        for t in threads:
            t.join(5)
    return f"{n} slow clients: a normal request got {status or 'no answer'} in {took * 1000:.0f} ms"


def exports(port: int, n: int = 16) -> str:
    results = []

    def export():
        results.append(_get(port, "/search.csv?q=%E5%85%AC%E5%BC%80", 300))

    threads = [threading.Thread(target=export) for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    small = [_get(port, "/api/search?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE", 120)
             for _ in range(5)]
    for t in threads:
        t.join(300)
    codes = sorted({r[0] for r in results})
    return (f"{n} exports ({', '.join(f'{sum(r[0] == c for r in results)}×{c}' for c in codes)}, "
            f"{max(r[1] for r in results) / 1e6:.1f} MB each at most): small query "
            f"max {max(s[2] for s in small) * 1000:.0f} ms")


def sigterm(checkout: Path, index_dir: Path, clients: int = 8) -> str:
    server = Server(checkout, index_dir)
    cut, done, go = [], [], threading.Event()

    def client():
        go.wait()
        while True:
            try:
                s = socket.create_connection(("127.0.0.1", server.port), timeout=20)
            except OSError:
                return
            data = b""
            try:
                s.sendall(b"GET /search?q=%E5%85%AC%E5%BC%80 HTTP/1.1\r\nHost: x\r\n"
                          b"Connection: close\r\n\r\n")
                while chunk := s.recv(65536):
                    data += chunk
            except OSError:
                pass
            finally:
                s.close()
            head, _, body = data.partition(b"\r\n\r\n")
            length = [int(ln.split(b":")[1]) for ln in head.split(b"\r\n")
                      if ln.lower().startswith(b"content-length:")]
            (done if head.startswith(b"HTTP/1.1 200") and length and len(body) == length[0]
             else cut).append(1)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    go.set()
    time.sleep(2)
    code = server.stop()
    for t in threads:
        t.join(30)
    return f"exit {code}; {len(done)} answered whole, {len(cut)} cut or dropped"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="report files to index")
    ap.add_argument("--out", type=Path, required=True, help="where the index is built")
    ap.add_argument("--checkout", type=Path, default=ROOT, help="the gxsearch to run")
    args = ap.parse_args(argv)
    index_dir = args.out / "index"
    env = {**os.environ, "PYTHONPATH": str(args.checkout)}
    subprocess.run([sys.executable, "-m", "gxsearch", "index", str(args.corpus),
                    "--index-dir", str(index_dir)], cwd=args.checkout, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    rows = []
    server = Server(args.checkout, index_dir)
    try:
        for n in (50, 1000):
            rows.append((f"/search with {n} district values", filters(server.port, n)))
        rows.append(("16 parallel CSV exports of `公开`", exports(server.port)))
        rows.append(("120 clients sending a header line a second", slow_clients(server.port)))
    finally:
        server.stop()
    rows.append(("SIGTERM with 8 clients in a request loop", sigterm(args.checkout, index_dir)))
    print(f"| case ({args.checkout}) | measured |\n| --- | --- |")
    for case, measured in rows:
        print(f"| {case} | {measured} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
