"""Fetcher against real HTTP servers on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import gzip
import random
import socket
import threading
import time
import zlib
from collections.abc import Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import brotli
import pytest
from loopback import Reply, Request, drip, redirect, serve, text

from watcher.errors import BlockedAddressError, FetchError
from watcher.fetch import Fetcher, next_poll_delay, shown_url
from watcher.httpdates import parse_retry_after
from watcher.models import FeedState, FetchResult

T = TypeVar("T")

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback</title>
<item><title>One</title><guid>1</guid><description>First item</description></item>
</channel></rss>"""
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 21 Oct 2024 06:00:00 GMT"


def feed(url: str, **kwargs: Any) -> FeedState:
    return FeedState(id=1, name="test", url=url, interval=900, **kwargs)


async def fetch(url: str, state: FeedState | None = None, **options: Any) -> FetchResult:
    options.setdefault("allow_private", True)
    async with Fetcher(**options) as fetcher:
        return await fetcher.fetch(state or feed(url))


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def conditional(request: Request) -> Reply:
    if (request.headers["If-None-Match"] == ETAG
            or request.headers["If-Modified-Since"] == LAST_MODIFIED):
        return Reply(304, {"ETag": ETAG}, b"")
    return Reply(200, {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": ETAG,
                       "Last-Modified": LAST_MODIFIED}, RSS)


# --- success and conditional GET -------------------------------------------------------------

def test_200_then_304_on_conditional_get() -> None:
    with serve(conditional) as server:
        first = run(fetch(server.url("/feed")))
        assert first.status == 200
        assert first.content == RSS
        assert first.etag == ETAG
        assert first.last_modified == LAST_MODIFIED
        assert first.content_type == "application/rss+xml; charset=utf-8"
        assert first.permanent_redirect is None

        state = feed(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
        second = run(fetch(state.url, state))
        assert second.status == 304 and second.not_modified
        assert second.content is None
        assert second.etag == ETAG
        assert second.last_modified == LAST_MODIFIED  # kept from the state when not resent

        sent = server.requests[1].headers
        assert sent["If-None-Match"] == ETAG
        assert sent["If-Modified-Since"] == LAST_MODIFIED
        assert "If-None-Match" not in server.requests[0].headers


def test_only_last_modified_is_enough_for_304() -> None:
    with serve(conditional) as server:
        result = run(fetch(server.url(), feed(server.url(), last_modified=LAST_MODIFIED)))
    assert result.not_modified


def test_sends_user_agent_and_feed_accept_header() -> None:
    with serve(conditional) as server:
        run(fetch(server.url(), user_agent="watcher-test/1"))
        headers = server.requests[0].headers
    assert headers["User-Agent"] == "watcher-test/1"
    assert "application/rss+xml" in headers["Accept"]
    assert "application/atom+xml" in headers["Accept"]
    assert "gzip" in headers["Accept-Encoding"]


def test_body_of_exactly_max_bytes_is_accepted() -> None:
    with serve(lambda r: text(b"x" * 1000)) as server:
        result = run(fetch(server.url(), max_bytes=1000))
    assert result.content == b"x" * 1000


# --- redirects -------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "permanent"), [(301, True), (308, True), (302, False),
                                                   (303, False), (307, False)])
def test_redirect_reports_only_permanent_moves(status: int, permanent: bool) -> None:
    routes = {"/old": lambda r: redirect("/new", status), "/new": conditional}
    with serve(routes) as server:
        result = run(fetch(server.url("/old")))
        assert result.status == 200
        assert result.content == RSS
        assert result.url == server.url("/new")
        assert result.permanent_redirect == (server.url("/new") if permanent else None)


def test_permanent_part_of_a_mixed_redirect_chain() -> None:
    routes = {"/a": lambda r: redirect("/b", 301), "/b": lambda r: redirect("/c", 302),
              "/c": conditional}
    with serve(routes) as server:
        result = run(fetch(server.url("/a")))
        assert result.url == server.url("/c")
        # The feed moved for good to /b; /b -> /c is temporary and must keep being asked.
        assert result.permanent_redirect == server.url("/b")


def test_temporary_then_permanent_is_not_a_permanent_move() -> None:
    routes = {"/a": lambda r: redirect("/b", 302), "/b": lambda r: redirect("/c", 301),
              "/c": conditional}
    with serve(routes) as server:
        assert run(fetch(server.url("/a"))).permanent_redirect is None


def test_redirect_loop_is_too_many_redirects() -> None:
    routes = {"/a": lambda r: redirect("/b"), "/b": lambda r: redirect("/a")}
    with serve(routes) as server:
        with pytest.raises(FetchError, match="too many redirects"):
            run(fetch(server.url("/a"), max_redirects=5))
        assert len(server.requests) == 6  # the first request plus five redirects


def test_redirect_limit_allows_exactly_max_redirects() -> None:
    def chain(request: Request) -> Reply:
        step = int(request.path.strip("/"))
        return redirect(f"/{step + 1}") if step < 3 else conditional(request)

    with serve(chain) as server:
        assert run(fetch(server.url("/0"), max_redirects=3)).status == 200
        with pytest.raises(FetchError, match="too many redirects"):
            run(fetch(server.url("/0"), max_redirects=2))


def test_redirect_to_a_file_url_is_refused() -> None:
    with (serve(lambda r: redirect("file:///etc/passwd")) as server,
          pytest.raises(FetchError, match="unsupported URL") as caught):
        run(fetch(server.url()))
    assert "root:" not in str(caught.value)


# --- HTTP errors -----------------------------------------------------------------------------

def test_500_is_a_readable_error() -> None:
    with serve(lambda r: text("boom", 500)) as server, pytest.raises(FetchError) as caught:
        run(fetch(server.url()))
    assert str(caught.value) == "HTTP 500 Internal Server Error"
    assert caught.value.status == 500
    assert not caught.value.permanent
    assert caught.value.retry_after is None


def test_429_with_retry_after_seconds() -> None:
    with (serve(lambda r: text("slow down", 429, Retry_After="120")) as server,
          pytest.raises(FetchError) as caught):
        run(fetch(server.url()))
    assert caught.value.status == 429
    assert caught.value.retry_after == 120
    assert "HTTP 429" in str(caught.value)


def test_503_with_retry_after_http_date() -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=600),
                                       usegmt=True)
    with (serve(lambda r: text("maintenance", 503, Retry_After=when)) as server,
          pytest.raises(FetchError) as caught):
        run(fetch(server.url()))
    assert caught.value.status == 503
    assert caught.value.retry_after is not None
    assert 500 < caught.value.retry_after <= 600


def test_410_gone_is_permanent() -> None:
    with serve(lambda r: text("gone", 410)) as server, pytest.raises(FetchError) as caught:
        run(fetch(server.url()))
    assert caught.value.permanent
    assert caught.value.status == 410
    assert str(caught.value) == "HTTP 410 Gone"


def test_404_is_not_permanent() -> None:
    with serve({}) as server, pytest.raises(FetchError) as caught:
        run(fetch(server.url("/missing")))
    assert caught.value.status == 404 and not caught.value.permanent


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match=r"^connection refused$"):
        run(fetch(f"http://127.0.0.1:{port}/feed"))


def test_invalid_and_unsupported_urls() -> None:
    with pytest.raises(FetchError):
        run(fetch("ftp://example.com/feed"))
    with pytest.raises(FetchError):
        run(fetch("http://[not-an-ip/feed"))


class ResettingServer:
    """A raw HTTP/1.1 server that answers one request per connection as if it kept it alive
    (no ``Connection: close``), then resets the connection (SO_LINGER 0) after ``hold``
    seconds: the next request sent on it meets a reset, as behind an idle-timeout proxy."""

    def __init__(self, hold: float = 0.2) -> None:
        self.hold = hold
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str = "/feed") -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}{path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(RSS), RSS))
            time.sleep(self.hold)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")

    def close(self) -> None:
        self.sock.close()


def test_a_kept_alive_connection_the_server_reset_is_not_the_feeds_error() -> None:
    """The second request goes out on the kept-alive connection, which the server resets
    without reading it: one more try on a new connection, not "request failed: ReadError"."""
    server = ResettingServer(hold=0.4)

    async def twice() -> list[FetchResult]:
        async with Fetcher(allow_private=True, per_host=1, max_connections=1) as fetcher:
            first = await fetcher.fetch(feed(server.url()))
            await asyncio.sleep(0.05)  # sent while the server holds the connection unread
            return [first, await fetcher.fetch(feed(server.url()))]

    try:
        results = run(twice())
    finally:
        server.close()
    assert [r.content for r in results] == [RSS, RSS]
    assert server.connections == 2


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("javascript:alert(1)", "invalid URL|unsupported URL"),
        ("mailto:a@b.c", "invalid URL|unsupported URL"),
        ("http://xn--/feed", "invalid redirect target|invalid URL"),
        ("http://127.0.0.1:99999/feed", "invalid URL|request failed"),
    ],
)
def test_a_redirect_nowhere_is_a_clear_error_of_the_feed(location: str, message: str) -> None:
    with (serve(lambda r: redirect(location)) as server,
          pytest.raises(FetchError, match=message) as caught):
        run(fetch(server.url()))
    assert "unexpected" not in str(caught.value)


def test_a_servers_overlong_reason_phrase_is_cut() -> None:
    sock = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        conn, _ = sock.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 500 " + b"Bad " * 10_000 + b"\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")

    threading.Thread(target=answer, daemon=True).start()
    try:
        with pytest.raises(FetchError) as caught:
            run(fetch(f"http://127.0.0.1:{sock.getsockname()[1]}/feed"))
    finally:
        sock.close()
    assert str(caught.value).startswith("HTTP 500 Bad Bad") and len(str(caught.value)) < 220


@contextlib.contextmanager
def answering(answer: bytes) -> Iterator[str]:
    """A raw TCP server on loopback that answers every request with ``answer`` (which need not
    be HTTP) and closes the connection; yields a feed URL on it."""
    sock = socket.create_server(("127.0.0.1", 0))

    def serve_all() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:  # closed
                return
            with conn:
                conn.recv(65536)
                conn.sendall(answer)

    threading.Thread(target=serve_all, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/feed"
    finally:
        sock.close()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"<html><body>" + b"\x00\x01\xff nope " * 2000 + b"\r\n\r\n",
         "the server's answer is not HTTP (status line '<html><body>\\x00\\x01\\xff nope "),
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
         "the server's answer is not HTTP (status line 'SSH-2.0-OpenSSH_9.6')"),
        (b"HTTP/1.1 abc OK\r\n\r\n",
         "the server's answer is not HTTP (status line 'HTTP/1.1 abc OK')"),
        (b"\x15\x03\x01\x00\x02\x02\x46",   # a TLS alert: an https port asked in plain HTTP
         "the server's answer is not HTTP (binary data where the status line should be; "
         "does the URL need https://?)"),
    ],
    ids=["binary", "ssh", "bad-status", "tls"],
)
def test_an_answer_that_is_not_http_says_so(answer: bytes, message: str) -> None:
    """h11's words were "illegal status line: bytearray(b'...')", with up to 64 KB of the
    server's bytes, stored as the feed's error and shown by `watcher feeds`."""
    with answering(answer) as url, pytest.raises(FetchError) as caught:
        run(fetch(url))
    shown = str(caught.value)
    assert shown.startswith(message)
    assert "bytearray" not in shown and shown.isprintable() and len(shown) < 200


def test_a_broken_header_line_is_quoted_readably() -> None:
    with (answering(b"HTTP/1.1 200 OK\r\nbad\x00header\r\n\r\n") as url,
          pytest.raises(FetchError) as caught):
        run(fetch(url))
    assert str(caught.value) == "protocol error: illegal header line: 'bad\\x00header'"


@pytest.mark.parametrize("status", [301, 302, 307])
def test_a_redirect_with_an_empty_location_says_so(status: int) -> None:
    """An empty Location names the same URL again: followed, it read "too many redirects"."""
    with serve(lambda r: Reply(status, {"Location": ""}, b"")) as server:
        with pytest.raises(FetchError) as caught:
            run(fetch(server.url("/feed")))
        assert str(caught.value) == f"HTTP {status} redirect without a Location"
        assert caught.value.status == status
        assert len(server.requests) == 1


def test_bytes_left_on_a_connection_by_another_feed_are_not_this_feeds_error() -> None:
    """A server that sends more than its Content-Length leaves bytes on the kept-alive
    connection; the next feed fetched on it read them as its status line and failed with
    "illegal status line" (an error stored on the wrong feed). It is tried again on a new
    connection."""
    def buggy(_request: Request) -> Reply:
        return Reply(200, {"Content-Type": "application/rss+xml", "Content-Length": "10"}, RSS)

    def fine(_request: Request) -> Reply:
        return Reply(200, {"Content-Type": "application/rss+xml"}, RSS)

    async def both(url: str) -> tuple[FetchResult, FetchResult]:
        async with Fetcher(allow_private=True, per_host=1, max_connections=1) as fetcher:
            first = await fetcher.fetch(feed(url + "buggy"))
            return first, await fetcher.fetch(feed(url + "a"))

    with serve({"/buggy": buggy, "/a": fine}) as server:
        first, second = run(both(server.url("/")))
        assert first.content == RSS[:10]            # what its Content-Length said
        assert second.status == 200 and second.content == RSS
        assert [r.path for r in server.requests] == ["/buggy", "/a", "/a"]


# --- size limits and bombs --------------------------------------------------------------------

def test_oversized_content_length_is_refused_before_reading() -> None:
    def big(request: Request) -> Reply:
        def body() -> Iterator[bytes]:
            time.sleep(4)  # a client that waited for the body would time out first
            yield b"x" * 5000
        return Reply(200, {"Content-Length": "5000"}, body())

    with serve(big) as server, pytest.raises(FetchError, match=r"^response larger than 1 KB$"):
        run(fetch(server.url(), max_bytes=1000, timeout=2))


def test_oversized_chunked_body() -> None:
    def chunks(request: Request) -> Reply:
        return Reply(200, {"Content-Type": "application/rss+xml"},
                     (b"y" * 65536 for _ in range(48)))  # 3 MB, no Content-Length

    with serve(chunks) as server:
        with pytest.raises(FetchError, match="response larger than 1 MB"):
            run(fetch(server.url(), max_bytes=1_000_000))
        # the same body is fine with a higher limit: the limit is what stopped it
        assert len(run(fetch(server.url(), max_bytes=4_000_000)).content or b"") == 48 * 65536


def gzip_zeros(total: int, step: int = 1 << 20) -> bytes:
    """``total`` zero bytes gzip-compressed, built a megabyte at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(step)
    out = [compressor.compress(zeros) for _ in range(total // step)]
    out.append(compressor.flush())
    return b"".join(out)


def brotli_zeros(total: int, step: int = 1 << 20) -> bytes:
    compressor = brotli.Compressor(quality=1)
    zeros = bytes(step)
    out = [compressor.process(zeros) for _ in range(total // step)]
    out.append(compressor.finish())
    return b"".join(out)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_decompression_bomb_stops_at_max_bytes(encoding: str) -> None:
    bomb = gzip_zeros(100 << 20) if encoding == "gzip" else brotli_zeros(100 << 20)
    assert len(bomb) < 200_000  # 100 MB of zeros in a small body

    def serve_bomb(request: Request) -> Reply:
        return Reply(200, {"Content-Encoding": encoding, "Content-Type": "application/xml"},
                     (bomb[i:i + 16384] for i in range(0, len(bomb), 16384)))

    with serve(serve_bomb) as server, pytest.raises(FetchError, match="response larger than 1 MB"):
        run(fetch(server.url(), max_bytes=1_000_000))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "br", "identity"])
def test_compressed_bodies_are_decoded(encoding: str) -> None:
    if encoding == "gzip":
        body = gzip.compress(RSS)
    elif encoding == "deflate":
        body = zlib.compress(RSS)
    elif encoding == "raw-deflate":
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = compressor.compress(RSS) + compressor.flush()
        encoding = "deflate"
    elif encoding == "br":
        body = brotli.compress(RSS)
    else:
        body = RSS
    with serve(lambda r: Reply(200, {"Content-Encoding": encoding}, body)) as server:
        assert run(fetch(server.url())).content == RSS


def test_corrupt_gzip_is_a_fetch_error() -> None:
    corrupt = Reply(200, {"Content-Encoding": "gzip"}, b"not gzip at all")
    with serve(lambda r: corrupt) as server, pytest.raises(FetchError, match="decompress"):
        run(fetch(server.url()))


# --- time and politeness ---------------------------------------------------------------------

def test_dripping_server_hits_the_total_deadline() -> None:
    # Each byte arrives well within the read timeout: only the overall deadline can stop it.
    def slow(request: Request) -> Reply:
        return Reply(200, {"Content-Length": str(len(RSS))}, drip(RSS, every=0.25))

    with serve(slow) as server:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"^timed out after 1\.5s$"):
            run(fetch(server.url(), timeout=1.5))
        assert time.monotonic() - started < 10  # sanity bound, not a performance assertion


def test_answers_without_a_used_body_keep_the_connection() -> None:
    """A 304, a redirect and an error page are read to their end, so that the next request
    to the host goes over the same connection (a closed one costs a TCP and TLS handshake;
    a poll of many unchanged feeds is all 304s). A long error page is not: its connection
    is closed instead, and the error is the same."""
    long_page = b"<p>busy</p>" * 20_000   # 220 KB, past what is worth reading

    def site(request: Request) -> Reply:
        if request.path == "/moved":
            return Reply(302, {"Location": "/feed", "Content-Length": "9"}, b"see /feed")
        if request.path == "/missing":
            return text("<html>no such feed</html>", status=404)
        if request.path == "/busy":
            return text(long_page, status=503)
        return conditional(request)

    with serve(site) as server:
        async def polls() -> list[FetchResult | FetchError]:
            async with Fetcher(allow_private=True) as fetcher:
                outcomes: list[FetchResult | FetchError] = []
                known = feed(server.url("/feed"), etag=ETAG)
                for url in ("/feed", "/moved", "/feed", "/missing", "/feed", "/busy", "/feed"):
                    try:
                        outcomes.append(await fetcher.fetch(
                            known if url == "/feed" else feed(server.url(url))))
                    except FetchError as exc:
                        outcomes.append(exc)
                return outcomes

        outcomes = run(polls())
    assert [o.status for o in outcomes] == [304, 200, 304, 404, 304, 503, 304]
    peers = [r.peer for r in server.requests]
    assert [r.path for r in server.requests][:8] == [
        "/feed", "/moved", "/feed", "/feed", "/missing", "/feed", "/busy", "/feed"]
    assert len(set(peers[:7])) == 1          # one connection up to the long page
    assert peers[7] != peers[6]              # which was closed rather than read


@pytest.mark.parametrize(("per_host", "expected"), [(1, 1), (2, 2), (4, 4)])
def test_per_host_limit_is_enforced(per_host: int, expected: int) -> None:
    def hold(request: Request) -> Reply:
        time.sleep(0.2)
        return text(RSS)

    async def many(url: str) -> list[FetchResult]:
        async with Fetcher(allow_private=True, per_host=per_host) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(feed(f"{url}?n={i}"))
                                          for i in range(6)))

    with serve(hold) as server:
        results = run(many(server.url("/feed")))
        assert len(results) == 6
        assert server.max_active == expected


def test_per_host_limit_does_not_limit_other_hosts() -> None:
    # Both handlers wait for each other: this only succeeds if the two hosts are fetched
    # at the same time although per_host is 1.
    barrier = threading.Barrier(2, timeout=3)

    def meet(request: Request) -> Reply:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return text("alone", 500)
        return text(RSS)

    async def both(a: str, b: str) -> list[FetchResult]:
        async with Fetcher(allow_private=True, per_host=1) as fetcher:
            return list(await asyncio.gather(fetcher.fetch(feed(a)), fetcher.fetch(feed(b))))

    with serve(meet) as one, serve(meet, host="127.0.0.2") as two:
        results = run(both(one.url("/a"), two.url("/b")))
        assert [r.status for r in results] == [200, 200]


# --- SSRF guard ------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_address_is_blocked_and_server_sees_nothing(host: str) -> None:
    with serve(conditional) as server:
        url = f"http://{host}:{server.port}/feed"
        with pytest.raises(BlockedAddressError, match=r"blocked address (127\.0\.0\.1|::1)"):
            run(fetch(url, allow_private=False))
        assert server.requests == []


def test_redirect_from_allowed_host_to_blocked_address() -> None:
    with serve(conditional, host="127.0.0.2") as target:
        hop = {"/": lambda r: redirect(target.url("/feed"), 302)}
        with serve(hop) as start:
            # 127.0.0.1 stands in for a public server; 127.0.0.2 stays blocked
            with pytest.raises(BlockedAddressError, match=r"blocked address 127\.0\.0\.2"):
                run(fetch(start.url("/"), allow_private=False, allow_networks=["127.0.0.1"]))
            assert len(start.requests) == 1
            assert target.requests == []
            # control: once allowed, the same redirect is followed to the target
            result = run(fetch(start.url("/"), allow_private=False,
                               allow_networks=["127.0.0.1", "127.0.0.2"]))
            assert result.status == 200 and len(target.requests) == 1


def test_redirect_to_cloud_metadata_is_blocked() -> None:
    hop = {"/": lambda r: redirect("http://169.254.169.254/latest/meta-data/", 302)}
    with serve(hop) as start, pytest.raises(BlockedAddressError, match=r"169\.254\.169\.254"):
        run(fetch(start.url("/"), allow_private=False, allow_networks=["127.0.0.1"]))


# --- retry policy ----------------------------------------------------------------------------

class FixedRandom(random.Random):
    def __init__(self, value: float):
        super().__init__(0)
        self.value = value

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.value


@pytest.mark.parametrize(
    ("interval", "errors", "retry_after", "draw", "expected"),
    [
        (900, 0, None, 0.5, 900),             # success: the interval
        (900, 0, 3600, 0.5, 3600),            # server asked for more even on success
        (900, 1, None, 1.0, 900),             # first retry: about the usual interval
        (900, 2, None, 1.0, 1800),            # then backoff doubles per failure
        (900, 3, None, 1.0, 3600),
        (900, 3, None, 0.0, 2700),            # jitter scales down to 75 %
        (900, 10, None, 1.0, 86400),          # capped at a day
        (900, 10_000, None, 1.0, 86400),      # never overflows, never gives up
        (900, 1, 7200, 1.0, 7200),            # Retry-After longer than backoff wins
        (900, 3, 60, 1.0, 3600),              # shorter Retry-After does not shorten backoff
        (900, 1, 10 * 86400, 1.0, 86400),     # Retry-After is capped too
        (60, 3, None, 1.0, 240),
        (2 * 86400, 0, None, 1.0, 2 * 86400),  # a long interval is not capped on success
    ],
)
def test_next_poll_delay_table(interval: float, errors: int, retry_after: float | None,
                               draw: float, expected: float) -> None:
    assert next_poll_delay(interval, errors, retry_after,
                           rng=FixedRandom(draw)) == pytest.approx(expected)


def test_next_poll_delay_jitter_spreads_retries() -> None:
    rng = random.Random(42)
    delays = {next_poll_delay(900, 2, None, rng=rng) for _ in range(50)}
    assert len(delays) > 40
    assert all(1350 <= d <= 1800 for d in delays)


def test_next_poll_delay_custom_cap_and_zero_interval() -> None:
    assert next_poll_delay(900, 5, None, cap=3600, rng=FixedRandom(1.0)) == 3600
    assert next_poll_delay(0, 0, None) == 1.0  # no busy loop on a zero interval


@pytest.mark.parametrize(
    ("header", "expected"),
    [("120", 120.0), ("0", 0.0), (" 5 ", 5.0), ("soon", None), ("", None), (None, None),
     ("-5", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_parse_retry_after_future_date() -> None:
    now = datetime(2024, 10, 21, 6, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 21 Oct 2024 06:02:00 GMT", now=now) == 120.0


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:s3cr3t@news.example.org/feed", "https://user:***@news.example.org/feed"),
        ("https://user:p%40ss@host:8443/f?x=1", "https://user:***@host:8443/f?x=1"),
        ("https://user@host/feed", "https://user@host/feed"),           # no password
        ("https://host/feed", "https://host/feed"),
        ("http://[not-an-ip/feed", "http://[not-an-ip/feed"),           # unparsable: as is
    ],
)
def test_a_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert shown_url(url) == shown
