"""Serving the web app: waitress, hardened, in one process or several, stopped gracefully.

What waitress does not do by default, done here:

* **Slow clients.** A connection must finish its request's headers within
  ``header_timeout`` seconds of its first byte (or of connecting): waitress's own
  ``channel_timeout`` only counts idle time, so a client sending a header line a second held
  a connection for ever, and 100 such clients (its ``connection_limit``) locked everyone out.
  The limits (``SERVER_LIMITS``) allow 1,000 connections, polled (not select(), which stops at
  1,024 descriptors), and the open-files limit is raised to fit them.
* **Unencoded UTF-8 in the request line** (``GET /search?q=依申请公开``, as curl, wget and
  many scripts send it) is read as if percent-encoded, instead of waitress's plain-text
  ``400 Bad URI``.
* **Every response carries the security headers**, waitress's own error responses (400,
  431, 500) included.
* **SIGTERM and SIGINT stop gracefully**: the connections already queued are accepted, no
  new ones are, the requests in flight are finished (for at most ``shutdown_timeout``
  seconds), and the process exits 0. With ``workers`` > 1 the parent passes the signal on and
  waits for its workers.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import re
import resource
import signal
import socket
import struct
import sys
import time

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import create_server
from waitress.task import ErrorTask

from gxsearch.analysis import segment
from gxsearch.web import SECURITY_HEADERS, create_app

#: waitress settings (see the module docstring); the timeouts are ``serve`` arguments.
SERVER_LIMITS = {
    "connection_limit": 1000,
    "backlog": 1024,
    "channel_timeout": 60,  # idle keep-alive connections are closed after this
    "cleanup_interval": 1,  # how often slow and idle connections are looked for
    "asyncore_use_poll": True,
    "max_request_header_size": 64 * 1024,
}
_NON_ASCII = re.compile(rb"[\x80-\xff]")
log = logging.getLogger("gxsearch")


class _Parser(HTTPRequestParser):
    """Percent-encodes the raw non-ASCII bytes of the request line, and notes when the
    request started (for the header timeout)."""

    def __init__(self, adj):
        super().__init__(adj)
        self.started = time.monotonic()

    def parse_header(self, header_plus):
        end = header_plus.find(b"\r\n")
        line = header_plus[:end] if end >= 0 else header_plus
        if _NON_ASCII.search(line):
            line = _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], line)
            header_plus = line + (header_plus[end:] if end >= 0 else b"")
        return super().parse_header(header_plus)


class _ErrorTask(ErrorTask):
    """waitress's own error responses, with the headers every response carries."""

    def execute(self):
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _Channel(HTTPChannel):
    parser_class = _Parser
    error_task_class = _ErrorTask
    has_data = False

    def received(self, data):
        if data:
            self.has_data = True
        return super().received(data)


def _slow(channel, now: float, header_timeout: float) -> bool:
    """Whether ``channel`` has taken too long to send its request's headers."""
    if channel.requests:
        return False  # being answered
    request = channel.request
    if request is not None:
        return not request.headers_finished and now - request.started > header_timeout
    return not channel.has_data and time.time() - channel.creation_time > header_timeout


def _make_server(app, sock, threads: int, header_timeout: float):
    server = create_server(app, sockets=[sock], threads=threads, ident="gxsearch",
                           **SERVER_LIMITS)
    server.channel_class = _Channel
    idle_maintenance = server.maintenance

    def maintenance(now):
        idle_maintenance(now)
        mono = time.monotonic()
        for channel in list(server.active_channels.values()):
            if _slow(channel, mono, header_timeout):
                channel.will_close = True  # the loop closes it on its next turn

    server.maintenance = maintenance
    return server


def _raise_open_files(want: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def serve(index_dir: str, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
          workers: int = 1, warm_seconds: float = 300, base_url: str | None = None,
          header_timeout: float = 10, shutdown_timeout: float = 20) -> None:
    """Serve the app with waitress (Flask's debug server is never used).

    ``workers`` > 1 forks that many processes that accept from one listening socket:
    queries are CPU-bound Python, so threads share one core (the GIL) and processes use
    them all. Each process opens the index itself and follows rebuilds on its own (see
    ``warm_seconds`` in ``search.open_index``); a worker that dies is replaced. ``base_url``
    is where absolute links point (default: the bound address).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Bound here, before anything is announced: a port in use is an OSError for the caller.
    sock = socket.create_server((host, port), family=family, backlog=SERVER_LIMITS["backlog"])
    bound = f"[{host}]" if ":" in host else host
    base_url = base_url or f"http://{bound}:{sock.getsockname()[1]}"
    _raise_open_files(SERVER_LIMITS["connection_limit"] + 64)
    print(f"gxsearch: serving {index_dir} on http://{bound}:{sock.getsockname()[1]}/"
          + (f" with {workers} worker processes" if workers > 1 else ""), flush=True)
    options = {"threads": threads, "warm_seconds": warm_seconds, "base_url": base_url,
               "header_timeout": header_timeout, "shutdown_timeout": shutdown_timeout}
    if workers <= 1 or not hasattr(os, "fork"):
        try:
            _serve_app(index_dir, sock, **options)
        finally:
            sock.close()
        return
    _supervise(index_dir, sock, workers, options)


def _supervise(index_dir: str, sock, workers: int, options: dict) -> None:
    children: dict[int, float] = {}  # pid → start time
    stopping = []
    # jieba's dictionary (~53 MB of Python objects, for the queries' words) loaded once here
    # and frozen out of the collector's sight, so the forked workers share its pages instead
    # of each loading its own copy.
    segment("")
    _freeze()

    def stop(signum, frame):
        if not stopping:
            stopping.append(signum)
            # This process's copy of the socket first: the workers drain the queue of
            # connections and close theirs, and the last to close ends the listening.
            sock.close()
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            while len(children) < workers and not stopping:
                pid = os.fork()
                if pid == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # until the worker's own
                    code = 1
                    try:
                        _serve_app(index_dir, sock, **options)
                        code = 0
                    finally:
                        os._exit(code)
                children[pid] = time.monotonic()
            try:
                pid, status = os.wait()
            except ChildProcessError:
                continue
            if pid in children and not stopping:
                lived = time.monotonic() - children.pop(pid)
                print(f"gxsearch: worker {pid} exited ({status}); starting another",
                      file=sys.stderr, flush=True)
                if lived < 2:
                    time.sleep(1)  # a worker that cannot start must not become a fork loop
            else:
                children.pop(pid, None)
    finally:
        sock.close()  # the workers hold their own copies until they have drained them
        deadline = time.monotonic() + options["shutdown_timeout"] + 5
        for pid in list(children):
            if not _wait(pid, deadline):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)


def _wait(pid: int, deadline: float) -> bool:
    """Wait for child ``pid`` until ``deadline``; whether it has ended."""
    while True:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return True
        except ChildProcessError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _serve_app(index_dir: str, sock, *, threads: int, warm_seconds: float, base_url: str,
               header_timeout: float, shutdown_timeout: float) -> None:
    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.append(signum))
    app = create_app({"INDEX_DIR": str(index_dir), "WARM_SECONDS": warm_seconds,
                      "ON_WARM": _freeze, "BASE_URL": base_url})
    # Open the index, load jieba's dictionary (~0.5 s) and the facet sets now, not during the
    # first person's search.
    app.test_client().get("/api/search", query_string={"q": "政府信息公开"})
    _freeze()
    # waitress warns of every request that waits for a thread: under load, a line a request.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = _make_server(app, sock, threads, header_timeout)
    loop = server.asyncore.loop
    while not stopping:
        loop(timeout=0.5, map=server._map, use_poll=True, count=1)
    _drain(server, sock, shutdown_timeout)


def _drain(server, sock, timeout: float) -> None:
    """Finish the requests in flight, then accept what is queued, stop listening, and finish
    those too.

    A connection that the kernel queues after the last accept and before the listening
    socket's last copy is closed is reset: with clients reconnecting as soon as their
    answer arrives, a burst of them landed in that gap about once in ten stops of two busy
    workers, each a request cut. So the kernel is first told to queue nothing new
    (``_refuse_new``); what it had queued is accepted once the requests in flight are done,
    and answered."""
    server.accepting = False  # the loop no longer accepts
    _refuse_new(sock)
    deadline = time.monotonic() + timeout
    _finish(server, deadline)
    for _ in range(SERVER_LIMITS["backlog"]):  # connections the kernel already accepted
        before = len(server._map)
        server.handle_accept()
        if len(server._map) == before:
            break
    server.del_channel()
    sock.close()
    # Those just accepted are answered too, with a little time of their own.
    _finish(server, max(deadline, time.monotonic() + 3))
    server.task_dispatcher.shutdown(timeout=1)


def _refuse_new(sock) -> None:
    """Stop the kernel from queueing new connections on the listening socket (Linux: a
    socket filter that drops SYNs, so a new connection goes unanswered and, once the socket
    is closed, is refused), so that emptying the queue and closing it leaves nobody in it
    to reset. The socket is shared by the workers: one filter stops them all.
    Elsewhere, nothing is done and the gap between the last accept and the close remains."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    # Only SYNs are dropped: a connection whose handshake is under way still completes and
    # is queued (dropping its ACK or its request left it to retransmit into a closed
    # socket, ~200 ms later, and be reset). The filter sees the TCP header at offset 0.
    code = b"".join(struct.pack("HBBI", *op) for op in (
        (0x30, 0, 0, 13),          # ldb [13]: the flags
        (0x45, 0, 1, 0x02),        # jset #SYN
        (0x06, 0, 0, 0),           # ret #0: dropped
        (0x06, 0, 0, 0xFFFFFFFF),  # ret #-1: kept
    ))
    drop = ctypes.create_string_buffer(code, len(code))
    program = struct.pack("HL", 4, ctypes.addressof(drop))  # struct sock_fprog
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, _SO_ATTACH_FILTER, program)


_SO_ATTACH_FILTER = 26  # <asm-generic/socket.h>


def _finish(server, deadline: float) -> None:
    """Run the loop until no connection is left open or ``deadline``."""
    start = time.monotonic()
    loop = server.asyncore.loop
    while time.monotonic() < deadline:
        channels = [c for c in server._map.values() if isinstance(c, HTTPChannel)]
        for channel in channels:
            # Idle between two requests of a kept-alive connection: closed. A connection
            # just accepted whose request has not been read yet is not idle; one that has
            # sent nothing for a second is.
            waiting = not channel.requests and channel.request is None and not (
                channel.total_outbufs_len)
            if waiting and (channel.has_data or time.monotonic() - start > 1):
                channel.handle_close()
        if not any(isinstance(c, HTTPChannel) for c in server._map.values()):
            break
        loop(timeout=0.05, map=server._map, use_poll=True, count=1)


def _freeze() -> None:
    # What a warm-up loaded lives as long as its generation: the arrays are nothing for the
    # collector to walk, but the columns' term lists and lookups are (~590k terms a segment
    # on a 10,000-report index); frozen out of its sight, a full collection no longer walks
    # them, a stall for every request in flight. A replaced generation is still freed: it
    # holds no reference cycle, so its last reference going frees it, frozen or not.
    gc.collect()
    gc.freeze()
