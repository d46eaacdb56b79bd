"""Fetch feeds over HTTP politely and defensively.

One shared :class:`httpx.AsyncClient` (HTTP/1.1) behind the SSRF guard of
:mod:`watcher.netguard`. Per fetch: conditional GET, manual redirects (so a permanent move
can be reported), a size limit counted on *decoded* bytes (we decompress ourselves with
bounded output, so a gzip or brotli bomb stops at ``max_bytes``), a total deadline, and at
most ``per_host`` concurrent requests to one host.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import http
import logging
import random
import re
import urllib.parse
import zlib
from collections.abc import AsyncIterator, Callable, Sequence
from types import TracebackType

import httpx

from watcher import USER_AGENT
from watcher.errors import BlockedAddressError, FetchError
from watcher.httpdates import parse_retry_after
from watcher.models import FeedState, FetchResult
from watcher.netguard import guarded_transport

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a declared dependency
    brotli = None

log = logging.getLogger("watcher.fetch")

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
# Brotli only when the installed version can bound its output (brotli >= 1.2).
_BROTLI_BOUNDED = brotli is not None and hasattr(brotli.Decompressor, "can_accept_more_data")
ACCEPT_ENCODING = "gzip, deflate, br" if _BROTLI_BOUNDED else "gzip, deflate"

_REDIRECTS = (301, 302, 303, 307, 308)
_PERMANENT = (301, 308)
# An answer whose body is not used (a 304, a redirect, an error page) is still read to its
# end when it is this short and quick, so that its connection serves the next request.
_DRAIN_BYTES = 64 * 1024
_DRAIN_SECONDS = 1.0


class Fetcher:
    """Fetches feeds. Use as ``async with Fetcher() as fetcher: await fetcher.fetch(feed)``."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 30,
        connect_timeout: float = 10,
        max_bytes: int = 10_000_000,
        max_redirects: int = 5,
        per_host: int = 2,
        max_connections: int = 100,
        user_agent: str = USER_AGENT,
        allow_networks: Sequence[str] = (),
    ) -> None:
        if per_host < 1 or max_redirects < 0 or max_bytes < 1 or timeout <= 0:
            raise ValueError("per_host, max_bytes and timeout must be positive")
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.per_host = per_host
        limits = httpx.Limits(max_connections=max_connections,
                              max_keepalive_connections=min(20, max_connections))
        self._client = httpx.AsyncClient(
            transport=guarded_transport(allow_private=allow_private,
                                        allow_networks=allow_networks,
                                        limits=limits, http1=True, http2=False),
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            follow_redirects=False,
            headers={"User-Agent": user_agent, "Accept": ACCEPT,
                     "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,  # environment proxies would bypass the address guard
        )
        self._hosts: dict[str, _HostSlot] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, feed: FeedState) -> FetchResult:
        """GET ``feed.url``. Raises :class:`FetchError` (or :class:`BlockedAddressError`)."""
        headers: dict[str, str] = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        try:
            request = self._client.build_request("GET", feed.url, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as exc:
            raise FetchError(f"invalid URL {feed.url!r}: {exc}") from exc

        budget = self.timeout
        loop = asyncio.get_running_loop()
        moved_to: str | None = None
        still_permanent = True
        for _hop in range(self.max_redirects + 1):
            async with self._slot(request.url.host):
                started = loop.time()
                try:
                    async with asyncio.timeout(budget):
                        try:
                            outcome = await self._exchange(request, feed)
                        except (httpx.RemoteProtocolError, httpx.ReadError,
                                httpx.WriteError) as exc:
                            # a kept-alive connection the server closed (or reset), or one
                            # that another feed's response left bytes on (more than its
                            # Content-Length): the error is not this feed's, and a new
                            # connection tells
                            log.debug("%s: %s; trying again on a new connection",
                                      shown_url(feed.url), exc)
                            outcome = await self._exchange(request, feed)
                except TimeoutError:
                    raise FetchError(f"timed out after {self.timeout:g}s") from None
                except FetchError:
                    raise
                except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL, OSError) as exc:
                    raise self._translate(exc, request.url) from exc
                except ValueError as exc:  # a server's Location no URL can be made of (IDNA)
                    raise FetchError(f"invalid redirect target: {exc}") from exc
                except BaseExceptionGroup as group:  # (a connection's task group, e.g. a port
                    # beyond 65535 in a redirect): the first error inside tells
                    first = group.exceptions[0]
                    while isinstance(first, BaseExceptionGroup):
                        first = first.exceptions[0]
                    if not isinstance(first, Exception):
                        raise
                    raise FetchError(f"request failed: {type(first).__name__}: {first}") from group
                budget -= loop.time() - started
            if isinstance(outcome, FetchResult):
                if moved_to is not None:
                    return _with_redirect(outcome, moved_to)
                return outcome
            status, request = outcome
            if still_permanent and status in _PERMANENT:
                moved_to = str(request.url)
            else:
                still_permanent = False
            log.debug("%s: HTTP %d redirect to %s", shown_url(feed.url), status,
                      shown_url(str(request.url)))
        raise FetchError(f"too many redirects (more than {self.max_redirects})")

    # --- one request -------------------------------------------------------------------

    async def _exchange(self, request: httpx.Request,
                        feed: FeedState) -> FetchResult | tuple[int, httpx.Request]:
        response = await self._client.send(request, stream=True)
        try:
            status = response.status_code
            if status in _REDIRECTS:
                # an empty Location names this very URL again: followed, it read "too many
                # redirects", which sent the reader looking for a loop
                if response.next_request is None or not response.headers.get("location"):
                    raise FetchError(f"HTTP {status} redirect without a Location", status=status)
                return status, response.next_request
            if status == 304:
                return FetchResult(
                    url=str(response.url), status=304, content=None,
                    etag=response.headers.get("etag") or feed.etag,
                    last_modified=response.headers.get("last-modified") or feed.last_modified,
                    content_type=response.headers.get("content-type"),
                )
            if not 200 <= status < 300:
                raise _http_error(response)
            content = await self._read_body(response)
            return FetchResult(
                url=str(response.url), status=status, content=content,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                content_type=response.headers.get("content-type"),
            )
        finally:
            if not 200 <= response.status_code < 300:  # a body not used: 304, redirect, error
                await _drain(response)
            await response.aclose()

    async def _read_body(self, response: httpx.Response) -> bytes:
        limit = self.max_bytes
        declared = response.headers.get("content-length", "").strip()
        # Compressed bodies only grow when decoded, so the declared length is a lower bound.
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large()
        decode = _decoder(response.headers.get("content-encoding", ""))
        body = bytearray()
        async for raw in response.aiter_raw():
            try:
                chunk = decode(raw, limit - len(body))
            except _TooLarge:
                raise self._too_large() from None
            body += chunk
            if len(body) > limit:
                raise self._too_large()
        try:
            body += decode(b"", limit - len(body))
        except _TooLarge:
            raise self._too_large() from None
        if len(body) > limit:
            raise self._too_large()
        return bytes(body)

    def _too_large(self) -> FetchError:
        return FetchError(f"response larger than {_size(self.max_bytes)}")

    # --- politeness --------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        key = host.lower()
        slot = self._hosts.get(key)
        if slot is None:
            slot = self._hosts[key] = _HostSlot(asyncio.Semaphore(self.per_host))
        slot.users += 1
        try:
            async with slot.semaphore:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._hosts[key]

    # --- errors ------------------------------------------------------------------------

    def _translate(self, exc: BaseException, url: httpx.URL) -> FetchError:
        if isinstance(exc, httpx.ConnectTimeout):
            return FetchError(f"connection timed out after {self.connect_timeout:g}s")
        if isinstance(exc, httpx.TimeoutException):
            return FetchError(f"timed out after {self.timeout:g}s")
        if isinstance(exc, httpx.UnsupportedProtocol):
            return FetchError(f"unsupported URL {str(url)[:200]!r}")
        if isinstance(exc, httpx.InvalidURL | httpx.LocalProtocolError):
            return FetchError(f"invalid URL {str(url)[:200]!r}: {exc}")
        text = str(exc) or type(exc).__name__
        if isinstance(exc, httpx.ConnectError | OSError):
            if _caused_by(exc, ConnectionRefusedError) or "refused" in text.lower():
                return FetchError("connection refused")
            if "resolve" in text or "Name or service not known" in text:
                return FetchError(text if text.startswith("could not resolve") else
                                  f"could not resolve host {url.host}")
            if "SSL" in text or "certificate" in text.lower():
                return FetchError(f"TLS error: {text}")
            return FetchError(f"connection failed: {text}")
        if isinstance(exc, httpx.RemoteProtocolError):
            return FetchError(_protocol_error(text, url))
        if isinstance(exc, httpx.ReadError | httpx.WriteError):
            if _caused_by(exc, ConnectionResetError) or "reset" in text.lower():
                return FetchError("connection reset by the server")
            doing = "reading the answer" if isinstance(exc, httpx.ReadError) else "sending"
            return FetchError(f"connection lost while {doing}" + (f": {exc}" if str(exc) else ""))
        return FetchError(f"request failed: {text}")


class _HostSlot:
    __slots__ = ("semaphore", "users")

    def __init__(self, semaphore: asyncio.Semaphore):
        self.semaphore = semaphore
        self.users = 0


# --- retry policy --------------------------------------------------------------------------

def next_poll_delay(interval: float, error_count: int, retry_after: float | None, *,
                    cap: float = 86400, rng: random.Random | None = None) -> float:
    """Seconds until the next poll of a feed.

    ``interval`` after a success (``error_count`` 0). After ``n`` consecutive failures,
    exponential backoff ``interval * 2**(n-1)`` (the first retry comes at about the usual
    interval, so a short outage costs little) scaled by a random factor in [0.75, 1.0] (so feeds
    that failed together do not retry together), capped at ``cap`` (24 h); polling never
    stops. A server's ``retry_after`` is honoured: the result is at least that (still capped).
    """
    interval = max(interval, 1.0)  # never a busy loop, even for a misconfigured feed
    if error_count <= 0:
        delay = interval
    else:
        draw = (rng or random).uniform(0.75, 1.0)
        delay = min(cap, interval * (2.0 ** min(error_count - 1, 64)) * draw)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


# --- helpers -------------------------------------------------------------------------------

async def _drain(response: httpx.Response) -> None:
    """Read the rest of an answer whose body is not used: a connection left with unread
    bytes (even a 304's end of message) is closed, and the next request to its host pays a
    new TCP and TLS handshake. A long or slow body is left unread: closing is cheaper."""
    read = 0
    with contextlib.suppress(TimeoutError, httpx.HTTPError, httpx.StreamError, OSError):
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for raw in response.aiter_raw():
                read += len(raw)
                if read > _DRAIN_BYTES:
                    return


def _http_error(response: httpx.Response) -> FetchError:
    status = response.status_code
    reason = response.reason_phrase
    if not reason:
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    if len(reason) > 200:  # a server's words, stored and printed with every poll
        reason = reason[:199] + "…"
    message = f"HTTP {status} {reason}".strip()
    return FetchError(message, status=status, retry_after=retry_after, permanent=status == 410)


# h11 quotes what it could not read as a bytearray's repr, up to 64 KB of a server's bytes:
# "illegal status line: bytearray(b'SSH-2.0-...')"
_BYTES_REPR = re.compile(r"""bytearray\((b'(?:[^'\\]|\\.)*'|b"(?:[^"\\]|\\.)*")\)""", re.DOTALL)
_QUOTED_CHARS = 100


def _protocol_error(text: str, url: httpx.URL) -> str:
    """A readable message for what h11 found wrong in a server's answer."""
    status_line = re.fullmatch(r"illegal status line: " + _BYTES_REPR.pattern, text, re.DOTALL)
    if status_line:
        return f"the server's answer is not HTTP (status line {_quoted(status_line[1])})"
    if text == "illegal request line":  # (sic) h11's words for a first byte below "!"
        hint = "; does the URL need https://?" if url.scheme == "http" else ""
        return ("the server's answer is not HTTP (binary data where the status line should "
                f"be{hint})")
    if text == "no response line received":
        return "the server's answer is not HTTP (an empty status line)"
    text = _BYTES_REPR.sub(lambda m: _quoted(m[1]), text)
    return f"protocol error: {text}"[:300]


def _quoted(literal: str) -> str:
    """The bytes of a ``b'...'`` repr as printable text in quotes, cut at 100 characters."""
    try:
        data = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        data = b""
    if not isinstance(data, bytes):
        data = b""
    text = data[:_QUOTED_CHARS * 4].decode("utf-8", "backslashreplace")
    # control characters as escapes (\x00, \r): the message is printed and logged on one line
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(shown) > _QUOTED_CHARS:
        shown = shown[:_QUOTED_CHARS - 1] + "…"
    return f"'{shown}'"


def shown_url(url: str) -> str:
    """A URL as logged: without a password it may carry (``https://user:***@host/``)."""
    try:
        parsed = urllib.parse.urlsplit(url)
    except ValueError:
        return url
    if parsed.password is None:
        return url
    netloc = parsed.netloc.rpartition("@")
    user = netloc[0].partition(":")[0]
    return urllib.parse.urlunsplit(parsed._replace(netloc=f"{user}:***@{netloc[2]}"))


def _with_redirect(result: FetchResult, moved_to: str) -> FetchResult:
    return FetchResult(url=result.url, status=result.status, content=result.content,
                       etag=result.etag, last_modified=result.last_modified,
                       permanent_redirect=moved_to, content_type=result.content_type)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return True
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.extend((current.__cause__, current.__context__))
    return False


def _size(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000} MB"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} KB"
    return f"{n} bytes"


# --- bounded decompression -----------------------------------------------------------------

class _TooLarge(Exception):
    pass


Decoder = Callable[[bytes, int], bytes]


def _decoder(content_encoding: str) -> Decoder:
    """A function ``(raw, room) -> decoded`` for a Content-Encoding header.

    ``b""`` as input flushes. Raises :class:`_TooLarge` rather than producing more than
    ``room`` bytes, so a decompression bomb costs at most ``room`` bytes of memory.
    """
    names = [part.strip().lower() for part in content_encoding.split(",") if part.strip()]
    stages: list[Decoder] = []
    for name in reversed(names):  # the last encoding applied is undone first
        if name in ("identity", ""):
            continue
        if name in ("gzip", "x-gzip", "deflate"):
            stages.append(_ZlibStage(name == "deflate"))
        elif name == "br" and _BROTLI_BOUNDED:
            stages.append(_BrotliStage())
        else:
            raise FetchError(f"unsupported content encoding {name!r}")
    if not stages:
        return _identity
    if len(stages) == 1:
        return stages[0]

    def chain(raw: bytes, room: int) -> bytes:
        for stage in stages:
            raw = stage(raw, room)
        return raw

    return chain


def _identity(raw: bytes, room: int) -> bytes:
    if len(raw) > room:
        raise _TooLarge
    return raw


class _ZlibStage:
    def __init__(self, deflate: bool):
        self._deflate = deflate
        self._started = False
        # 32 + MAX_WBITS: accept a zlib or gzip header; raw deflate is tried on failure.
        self._obj = zlib.decompressobj(32 + zlib.MAX_WBITS)

    def __call__(self, raw: bytes, room: int) -> bytes:
        if self._obj.eof:
            return b""  # trailing garbage or a second gzip member: ignored
        if not raw:
            out = self._obj.flush()
            if len(out) > room:
                raise _TooLarge
            return out
        try:
            out = self._obj.decompress(raw, room + 1)
        except zlib.error as exc:
            if self._deflate and not self._started:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate (IIS & co.)
                self._started = True
                return self(raw, room)
            raise FetchError(f"could not decompress response: {exc}") from exc
        self._started = True
        if len(out) > room:
            raise _TooLarge
        return out


class _BrotliStage:
    def __init__(self) -> None:
        assert brotli is not None
        self._obj = brotli.Decompressor()

    def __call__(self, raw: bytes, room: int) -> bytes:
        if self._obj.is_finished():
            return b""
        try:
            out = self._obj.process(raw, output_buffer_limit=room + 1)
            while len(out) <= room and not self._obj.can_accept_more_data():
                out += self._obj.process(b"", output_buffer_limit=room + 1 - len(out))
        except brotli.error as exc:
            raise FetchError(f"could not decompress response: {exc}") from exc
        if len(out) > room:
            raise _TooLarge
        return out


__all__ = ["ACCEPT", "BlockedAddressError", "FetchError", "Fetcher", "next_poll_delay"]
