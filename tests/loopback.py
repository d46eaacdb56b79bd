"""Real HTTP servers on loopback for tests.

A threaded ``http.server`` on an ephemeral port whose behaviour is a plain function (or a
table of functions by path) from :class:`Request` to :class:`Reply`:

    def feed(request: Request) -> Reply:
        return Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss>...</rss>")

    with LoopbackServer({"/feed": feed}) as server:
        url = server.url("/feed")
        ...
        assert server.requests[0].headers["User-Agent"].startswith("watcher/")

Bodies can be ``bytes`` (sent with Content-Length) or an iterable of ``bytes`` (sent with
chunked transfer encoding unless the reply sets Content-Length itself; the iterable can
sleep between chunks to simulate a slow server). The server records every request and the
highest number of requests it was handling at once (``max_active``).
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str           # without the query string
    query: str
    headers: Message    # case-insensitive lookups: headers["if-none-match"]
    body: bytes
    peer: tuple[str, int] = ("", 0)  # the client's address: one per connection


@dataclass
class Reply:
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""


Handler = Callable[[Request], Reply]


def text(body: str | bytes, status: int = 200, content_type: str = "text/plain; charset=utf-8",
         **headers: str) -> Reply:
    """A simple reply; extra headers as keyword arguments (``Retry_After="5"``)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    all_headers = {"Content-Type": content_type}
    all_headers.update({name.replace("_", "-"): value for name, value in headers.items()})
    return Reply(status, all_headers, data)


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, {"Location": location}, b"")


def drip(data: bytes, every: float, chunk: int = 1) -> Iterator[bytes]:
    """Yield ``data`` ``chunk`` bytes at a time, sleeping ``every`` seconds before each."""
    for start in range(0, len(data), chunk):
        time.sleep(every)
        yield data[start:start + chunk]


class LoopbackServer:
    """A threaded HTTP/1.1 server on ``host`` (default 127.0.0.1), port chosen by the OS."""

    def __init__(self, routes: Mapping[str, Handler] | Handler, *, host: str = "127.0.0.1"):
        self._routes = routes
        self.host = host
        self.requests: list[Request] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        self._server = _Server((host, 0), _make_handler(self))
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- helpers ---------------------------------------------------------------------------

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def handler_for(self, path: str) -> Handler | None:
        if callable(self._routes):
            return self._routes
        return self._routes.get(path)

    def _enter(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)
            self.active += 1
            self.max_active = max(self.max_active, self.active)

    def _leave(self) -> None:
        with self._lock:
            self.active -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False   # a handler still dripping must not hold up stop()
    allow_reuse_address = True
    request_queue_size = 128  # (5 by default: a burst of connections would wait for SYN retries)

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # the client hung up (by design in size-limit and timeout tests)
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _make_handler(owner: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = Request(self.command, parts.path, parts.query, self.headers, body,
                              peer=self.client_address[:2])
            owner._enter(request)
            try:
                handler = owner.handler_for(parts.path)
                reply = handler(request) if handler else Reply(404, {}, b"not found")
                self._send(reply)
            except (ConnectionError, TimeoutError):
                self.close_connection = True  # the client went away: fine
            finally:
                owner._leave()

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            names = {name.lower() for name in reply.headers}
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if isinstance(reply.body, bytes | bytearray):
                if "content-length" not in names:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)
                return
            chunked = "content-length" not in names
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            for piece in reply.body:
                if not piece:
                    continue
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
                self.wfile.flush()
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _handle

    return _Handler


@contextlib.contextmanager
def serve(routes: Mapping[str, Handler] | Handler, *,
          host: str = "127.0.0.1") -> Iterator[LoopbackServer]:
    """``with serve(handler) as server: ...`` - a started :class:`LoopbackServer`."""
    server = LoopbackServer(routes, host=host)
    with server:
        yield server


class Silent:
    """A TCP server on loopback that takes every connection and never says a word (a hung
    receiver): ``port``, and ``accepted`` (how many connections it took). ``with`` it."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port: int = self._listener.getsockname()[1]
        self._conns: list[socket.socket] = []
        threading.Thread(target=self._take, daemon=True).start()

    @property
    def accepted(self) -> int:
        return len(self._conns)

    def _take(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:   # closed
                return
            self._conns.append(conn)

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        self._listener.close()
        for conn in self._conns:
            conn.close()
