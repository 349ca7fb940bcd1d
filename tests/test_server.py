"""The real server (``gxsearch serve``, waitress) under odd and hostile clients: raw UTF-8 in
the request line, waitress's own errors, slow clients holding connections, the Host header,
and SIGTERM/SIGINT with requests in flight. Each test starts a server on a free loopback
port and stops it."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from gxsearch.indexer import index_paths
from gxsearch.web import SECURITY_HEADERS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, index_dir: Path, *args: str):
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gxsearch", "serve", "--index-dir", str(index_dir),
             "--port", str(self.port), "--warm-seconds", "0", *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/api/search?q=%E5%85%AC%E5%BC%80")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start")

    def raw(self, data: bytes, timeout: float = 10) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)

    def get(self, path: str, headers=None, timeout: float = 10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def stop(self, sig=signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -9
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("server") / "index"
    index_paths([str(SEEDS)], path)
    return path


@pytest.fixture(scope="module")
def server(index_dir):
    s = Server(index_dir, "--header-timeout", "2")
    yield s
    s.stop()


def _head_and_body(raw: bytes) -> tuple[str, dict, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines)}, body


def test_raw_utf8_in_the_request_line_is_read_as_if_percent_encoded(server):
    status, headers, body = _head_and_body(server.raw(
        "GET /search?q=依申请公开 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()))
    assert status == "HTTP/1.1 200 OK"
    assert "<mark>依申请公开</mark>" in body.decode("utf-8")
    # The same as the percent-encoded request.
    encoded = server.get("/search?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80")
    assert body.decode().count("<mark>") == encoded[2].decode().count("<mark>")


def test_curl_with_a_raw_utf8_url_gets_the_page(server):
    if not _which("curl"):
        pytest.skip("no curl")
    out = subprocess.run(["curl", "-s", "-o", "-", "-w", "%{http_code}",
                          f"http://127.0.0.1:{server.port}/search?q=依申请公开"],
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.endswith("200") and "<mark>依申请公开</mark>" in out.stdout


def _which(name):
    from shutil import which
    return which(name)


@pytest.mark.parametrize("request_bytes", [
    b"GET /search?q=a HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",  # waitress's 400
    b"GET /%ZZ HTTP/1.1\r\nHost x\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",  # 501
])
def test_the_servers_own_errors_carry_the_security_headers(server, request_bytes):
    status, headers, _ = _head_and_body(server.raw(request_bytes))
    assert status.split()[1] in ("400", "501"), status
    for key, value in SECURITY_HEADERS.items():
        assert headers.get(key.lower()) == value, (status, key)


def test_every_app_response_carries_the_security_headers(server):
    for path in ("/", "/search?q=%E5%85%AC%E5%BC%80", "/nope", "/api/search",
                 "/static/style.css", "/opensearch.xml"):
        _, headers, _ = server.get(path)
        for key, value in SECURITY_HEADERS.items():
            assert headers.get(key) == value, (path, key)


def test_opensearch_ignores_the_host_header(server, index_dir):
    _, _, body = server.get("/opensearch.xml", headers={"Host": "evil.example"})
    assert b"evil.example" not in body
    assert f'template="http://127.0.0.1:{server.port}/search?q={{searchTerms}}"'.encode() in body
    other = Server(index_dir, "--base-url", "https://gx.example.org")
    try:
        _, _, body = other.get("/opensearch.xml", headers={"Host": "evil.example"})
    finally:
        other.stop()
    assert b'template="https://gx.example.org/search?q={searchTerms}"' in body
    assert b"evil.example" not in body


def _slow_client(port: int, stop: threading.Event, closed: list) -> None:
    """A client sending one header line a second and never finishing its request."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"GET / HTTP/1.1\r\n")
            while not stop.is_set():
                s.sendall(b"X-Slow: 1\r\n")
                if stop.wait(1):
                    break
                s.settimeout(0.01)
                try:
                    if s.recv(1) == b"":
                        closed.append(time.monotonic())
                        return
                except (TimeoutError, BlockingIOError):
                    pass
                s.settimeout(30)
    except OSError:
        closed.append(time.monotonic())


@pytest.mark.slow
def test_120_slow_clients_do_not_lock_others_out(server):
    stop, closed = threading.Event(), []
    clients = [threading.Thread(target=_slow_client, args=(server.port, stop, closed),
                                daemon=True) for _ in range(120)]
    started = time.monotonic()
    for t in clients:
        t.start()
    time.sleep(1.5)  # all 120 connected and sending
    try:
        timings = []
        for _ in range(10):
            t0 = time.monotonic()
            status, _, _ = server.get("/api/search?q=%E5%85%AC%E5%BC%80", timeout=10)
            timings.append(time.monotonic() - t0)
            assert status == 200
        print(f"120 slow clients: normal requests answered in {max(timings) * 1000:.0f} ms "
              "at the most")
        assert max(timings) < 5
        # The header timeout (2 s here) closes every slow client.
        deadline = time.monotonic() + 15
        while len(closed) < 120 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(closed) == 120
        assert max(closed) - started < 8
    finally:
        stop.set()
        for t in clients:
            t.join(5)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_and_sigint_finish_the_requests_in_flight(index_dir, sig, workers):
    server = Server(index_dir, "--workers", workers)
    results, lock = [], threading.Lock()
    go = threading.Event()

    def client():
        go.wait()
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
            except OSError:
                return  # refused: the server stopped listening, which is fine
            try:
                sock.sendall(b"GET /search?q=%E5%85%AC%E5%BC%80 HTTP/1.1\r\nHost: x\r\n"
                             b"Connection: close\r\n\r\n")
                data = b""
                while chunk := sock.recv(65536):
                    data += chunk
            except OSError as exc:
                data = repr(exc).encode()
            finally:
                sock.close()
            with lock:
                results.append(data)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(8)]
    for t in threads:
        t.start()
    go.set()
    time.sleep(1.5)
    code = server.stop(sig)
    for t in threads:
        t.join(30)
    assert code == 0
    bad = []
    for data in results:
        status, headers, body = _head_and_body(data)
        ok = status.startswith("HTTP/1.1 200")
        complete = headers.get("transfer-encoding") == "chunked" and body.endswith(b"0\r\n\r\n")
        complete |= "content-length" in headers and len(body) == int(headers["content-length"])
        if not (ok and complete):
            bad.append(data[:200])
    print(f"{len(results)} requests answered through the stop, {len(bad)} cut")
    assert len(results) > 8 and bad == []


def test_a_port_in_use_is_a_message(index_dir):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "gxsearch", "serve", "--index-dir",
                               str(index_dir), "--port", str(port)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ})
    assert done.returncode == 2 and "cannot listen on 127.0.0.1:" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux socket filter")
def test_a_stopping_worker_queues_no_new_connection_but_keeps_the_queued_ones():
    from gxsearch.server import _refuse_new

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        queued = socket.create_connection(("127.0.0.1", port), timeout=2)
        _refuse_new(listener)
        # A new connection's SYN goes unanswered: it times out here (refused once closed).
        with pytest.raises(TimeoutError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5)
        accepted, _ = listener.accept()  # the one queued before is still there
        queued.sendall(b"x")
        assert accepted.recv(1) == b"x"
        accepted.close()
        queued.close()
