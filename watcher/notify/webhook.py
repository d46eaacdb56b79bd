"""Deliver alerts by HTTP POST of the JSON payload.

Request: ``POST <url>`` with the compact UTF-8 JSON payload as body and the headers
``Content-Type: application/json``, ``User-Agent``, ``Idempotency-Key: <payload id>``,
``X-Watcher-Alert-Id: <payload id>`` and, when a secret is configured,
``X-Watcher-Signature: sha256=<hex HMAC-SHA256 of the body bytes keyed with the secret>``.

At most :data:`IN_FLIGHT` requests are in flight to one webhook at a time, over kept-alive
connections: a burst of alerts (the first poll of many feeds) queues here instead of opening
a connection per alert against the receiver. When an alert times out or cannot connect, the
ones queued behind it within the timeout's length fail at once, untried (the outbox retries
each after its backoff), instead of each waiting its turn to time out.

Any 2xx answer means delivered. Everything else raises :class:`~watcher.errors.DeliveryError`;
3xx and 4xx answers other than 408 and 429 are marked ``permanent`` (retrying the same request
will not help); a 429 or 503 answer's Retry-After is passed on (the outbox waits at least that
long), and the alerts sent to the webhook meanwhile are not tried. Redirects are not followed.
Error messages never contain the secret, URL credentials or the query string, and long
token-like path segments (Slack/Discord style webhook tokens) are masked.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import hmac
import json
import logging
import re
import socket
import ssl
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx

import watcher
from watcher.errors import BlockedAddressError, ConfigError, DeliveryError, WatcherError
from watcher.httpdates import parse_retry_after
from watcher.models import OutboxAlert
from watcher.notify.outage import Outage

__all__ = ["WebhookNotifier", "encode_body", "redact_url", "sign_body"]

log = logging.getLogger("watcher.notify.webhook")

IN_FLIGHT = 8  # requests to one webhook at once, at most
_TRANSIENT_4XX = frozenset({408, 429})
_ERROR_BODY_BYTES = 300
_DRAIN_BYTES = 64 * 1024  # a longer answer is not read: its connection is closed instead
_TOKENISH = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9_\-.~%]{16,}$")


def redact_url(url: str) -> str:
    """``https://user:pw@host/hooks/T0/B0/XyZ123secretTOKEN456?token=x`` -> ``https://host/hooks/T0/B0/***``.

    Drops userinfo, query and fragment; masks path segments that look like tokens (16+ chars
    mixing letters and digits).
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<invalid URL>"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    path = "/".join("***" if _TOKENISH.match(seg) else seg for seg in parts.path.split("/"))
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def encode_body(payload: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON; raises ``DeliveryError(permanent=True)`` if not serialisable."""
    try:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise DeliveryError(f"alert payload is not valid JSON: {exc}", permanent=True) from exc
    return text.encode("utf-8")


def sign_body(body: bytes, secret: str) -> str:
    """The ``X-Watcher-Signature`` header value for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _root_causes(exc: BaseException) -> list[BaseException]:
    """The exception and its causes/contexts, outermost first (cycle-safe)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _describe_connect_error(exc: BaseException) -> str:
    for cause in _root_causes(exc):
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name could not be resolved"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate verification failed ({cause.verify_message or cause.reason})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error ({cause.reason or cause.__class__.__name__})"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
    text = str(exc).strip()
    return text or exc.__class__.__name__


class WebhookNotifier:
    """POST alert payloads to one URL. Reuses one HTTP client; call :meth:`aclose` when done."""

    kind = "webhook"

    def __init__(
        self,
        name: str,
        url: str,
        *,
        secret: str | None = None,
        timeout: float = 15,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str = watcher.USER_AGENT,
    ) -> None:
        try:
            parts = urlsplit(url)
            host = parts.hostname
            _ = parts.port  # raises ValueError on a bad port
        except ValueError as exc:
            raise ConfigError(f"{name}: invalid webhook URL {redact_url(url)}") from exc
        if parts.scheme not in ("http", "https") or not host:
            raise ConfigError(
                f"{name}: webhook URL must be http:// or https:// with a host, got {redact_url(url)!r}"
            )
        if timeout <= 0:
            raise ConfigError(f"{name}: webhook timeout must be positive, got {timeout}")
        if secret is not None and not secret:
            raise ConfigError(f"{name}: webhook secret is empty")
        self.name = name
        self._url = url
        self._shown_url = redact_url(url)
        self._secret = secret
        self._timeout = float(timeout)
        self._transport = transport
        self._user_agent = user_agent
        self._client: httpx.AsyncClient | None = None
        self._slots = asyncio.Semaphore(IN_FLIGHT)  # (made again with the client: per loop)
        self._outage = Outage(window=self._timeout)
        self._asked_to_wait = 0.0  # time.monotonic() until which the receiver asked to wait
        # strings that must never appear in an error message
        self._sensitive = [secret] if secret else []
        candidates = [parts.password, parts.query, *(v for _, v in parse_qsl(parts.query))]
        self._sensitive += [s for s in candidates if s and len(s) >= 4]

    def __repr__(self) -> str:
        return f"WebhookNotifier(name={self.name!r}, url={self._shown_url!r})"

    def _client_for_send(self) -> httpx.AsyncClient:
        if self._client is None:
            self._slots = asyncio.Semaphore(IN_FLIGHT)
            self._client = httpx.AsyncClient(
                transport=self._transport,
                timeout=httpx.Timeout(self._timeout),
                follow_redirects=False,
                headers={"User-Agent": self._user_agent},
                limits=httpx.Limits(max_connections=IN_FLIGHT,
                                    max_keepalive_connections=IN_FLIGHT),
            )
        return self._client

    def _scrub(self, text: str) -> str:
        for s in sorted(self._sensitive, key=len, reverse=True):
            text = text.replace(s, "***")
        return text

    def _fail(self, message: str, *, permanent: bool = False, tried: bool = True,
              retry_after: float | None = None) -> DeliveryError:
        return DeliveryError(self._scrub(message), permanent=permanent, tried=tried,
                             retry_after=retry_after)

    def _unreachable(self, reason: str) -> DeliveryError:
        """The receiver did not answer (``reason``): noted for the alerts queued behind."""
        self._outage.failed(reason)
        return self._fail(f"webhook {self._shown_url}: {reason}")

    async def send(self, alert: OutboxAlert) -> None:
        payload = alert.payload
        alert_id = str(payload.get("id") or alert.alert_id)
        body = encode_body(payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": self._user_agent,
            "Idempotency-Key": alert_id,
            "X-Watcher-Alert-Id": alert_id,
        }
        if self._secret is not None:
            headers["X-Watcher-Signature"] = sign_body(body, self._secret)
        client, slots = self._client_for_send(), self._slots
        status: int | None = None
        answer = b""
        retry_after: float | None = None
        async with slots:
            # (the alerts queued behind one the receiver did not answer: see Outage)
            if (skip := self._outage.skip_reason()) is not None:
                raise self._fail(f"webhook {self._shown_url} {skip}", tried=False)
            if (wait := self._asked_to_wait - time.monotonic()) > 0:
                raise self._fail(f"webhook {self._shown_url} not tried: it asked to wait "
                                 f"(Retry-After), {wait:.0f}s more", tried=False, retry_after=wait)
            try:
                # httpx's timeout is per phase; this bounds the whole exchange as well (not
                # the wait for a slot, which lasts as long as the alerts ahead of this one)
                async with (asyncio.timeout(self._timeout),
                            client.stream("POST", self._url, content=body,
                                          headers=headers) as resp):
                    status = resp.status_code
                    retry_after = parse_retry_after(resp.headers.get("retry-after"))
                    answer = await _read_answer(resp)
            except (TimeoutError, httpx.TimeoutException) as exc:
                if status is None:
                    raise self._unreachable(f"timed out after {self._timeout:g}s") from exc
                # the status came in time, only the rest of the answer was late: it decides
            except httpx.ConnectError as exc:
                raise self._unreachable(_describe_connect_error(exc)) from exc
            except httpx.HTTPError as exc:
                raise self._fail(
                    f"webhook {self._shown_url}: {exc.__class__.__name__}: "
                    f"{_describe_connect_error(exc)}"
                ) from exc
            except OSError as exc:  # defensive: transports should wrap these
                raise self._fail(
                    f"webhook {self._shown_url}: {_describe_connect_error(exc)}") from exc
            except DeliveryError:
                raise
            except WatcherError as exc:  # e.g. an SSRF-guarding transport refusing the address
                permanent = (isinstance(exc, BlockedAddressError)
                             or bool(getattr(exc, "permanent", False)))
                raise self._fail(f"webhook {self._shown_url}: {exc}",
                                 permanent=permanent) from exc
            self._outage.answered()

        assert status is not None  # (every way out of the exchange without one raised)
        if 200 <= status < 300:
            log.debug("%s delivered alert %s (HTTP %d)", self.name, alert_id, status)
            return
        message = f"webhook {self._shown_url} answered HTTP {status}"
        if 300 <= status < 400:
            message += " (redirects are not followed; configure the final URL)"
        if snippet := _snippet(answer):
            message += f": {snippet}"
        if status not in (429, 503):
            retry_after = None  # (only a busy or unavailable receiver's means a wait)
        if retry_after is not None:
            message += f" (asks to retry in {retry_after:g}s)"
            # the receiver's wait holds for every alert to it, not only this one's
            self._asked_to_wait = max(self._asked_to_wait, time.monotonic() + retry_after)
        # a redirect is not followed and a 4xx refusal stays one: sending again will not help
        permanent = 300 <= status < 500 and status not in _TRANSIENT_4XX
        raise self._fail(message, permanent=permanent, retry_after=retry_after)

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()


async def _read_answer(resp: httpx.Response) -> bytes:
    """Read the answer's body to its end, so that its connection serves the next alert (an
    answer left unread closes it: a new connection, and TLS handshake, per alert), unless it
    is longer than :data:`_DRAIN_BYTES`. Returns its start, for an error message. A body
    that breaks off is as good as read: the status came before it."""
    start = b""
    read = 0
    try:
        async for chunk in resp.aiter_bytes():
            if len(start) <= _ERROR_BODY_BYTES:
                start += chunk[:_ERROR_BODY_BYTES + 1 - len(start)]
            read += len(chunk)
            if read > _DRAIN_BYTES:
                break
    except httpx.HTTPError:
        pass
    return start


def _snippet(data: bytes) -> str:
    """The start of an answer's body, as one short line (empty for none)."""
    text = data[:_ERROR_BODY_BYTES].decode("utf-8", "replace")
    text = " ".join(text.split())
    if len(data) > _ERROR_BODY_BYTES or len(text) > 200:
        text = text[:200] + "…"
    return text
