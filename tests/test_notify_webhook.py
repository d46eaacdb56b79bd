"""Webhook delivery against a real HTTP receiver on 127.0.0.1 (threaded http.server)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from loopback import Reply, Request, Silent, drip, serve

import watcher
from watcher.errors import BlockedAddressError, ConfigError, DeliveryError
from watcher.models import OutboxAlert
from watcher.notify import Notifier, WebhookNotifier, build_notifiers
from watcher.notify.webhook import IN_FLIGHT, redact_url

SECRET = "s3cr3t-hmac-KEY-do-not-leak"


def make_payload(alert_id: str = "alert-7f3a9c") -> dict[str, Any]:
    return {
        "id": alert_id,
        "rule": "nk-troops",
        "item": {"title": "Blinken: North Korean soldiers in Kursk — 북한군", "link": "https://news.example/a/1",
                 "published": "2024-10-31T20:00:00Z", "feed": "wire"},
        "new_figures": [{"value": 8000, "key": "troops", "quantity": "North Korean troops in Kursk",
                         "text": "around 8,000 North Korean soldiers", "said_by": "Antony Blinken",
                         "qualifier": "around",
                         "previous": [{"value": 3000, "said_by": "NIS", "published": None}]}],
        "new_actors": [{"name": "Antony Blinken", "kind": "person"}],
    }


def make_alert(payload: dict[str, Any], channel: str = "webhook:0") -> OutboxAlert:
    return OutboxAlert(id=1, alert_id=payload["id"], channel=channel, payload=payload)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    base: str
    requests: list[Recorded] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.server.receiver.requests.append(
            Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        route = self.path.split("?")[0]
        if route.startswith("/slow"):
            time.sleep(2.0)
        status = {"/fail500": 500, "/missing": 404, "/busy": 429, "/moved": 301,
                  "/echo-bad": 400, "/busy-wait": 429, "/down-until": 503,
                  "/missing-wait": 404}.get(route, 204 if route == "/nocontent" else 200)
        reply = b"" if status == 204 else f"status {status} for {route}".encode()
        try:
            self.send_response(status)
            if status == 301:
                self.send_header("Location", "/elsewhere")
            if route in ("/busy-wait", "/missing-wait"):
                self.send_header("Retry-After", "120")
            if route == "/down-until":  # an HTTP-date ten minutes from now
                self.send_header("Retry-After", formatdate(time.time() + 600, usegmt=True))
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    receiver: Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(base=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server.receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port bound on loopback but not listening: connecting to it is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


async def _send(notifier: WebhookNotifier, alert: OutboxAlert) -> None:
    try:
        await notifier.send(alert)
    finally:
        await notifier.aclose()


def send(notifier: WebhookNotifier, alert: OutboxAlert) -> None:
    asyncio.run(_send(notifier, alert))


def send_error(notifier: WebhookNotifier, alert: OutboxAlert) -> DeliveryError:
    with pytest.raises(DeliveryError) as info:
        send(notifier, alert)
    return info.value


# --- delivery -------------------------------------------------------------------------------

def test_delivers_payload_with_headers_and_valid_signature(receiver: Receiver) -> None:
    payload = make_payload()
    notifier = WebhookNotifier("webhook:0", f"{receiver.base}/hook", secret=SECRET)
    send(notifier, make_alert(payload))

    assert len(receiver.requests) == 1
    req = receiver.requests[0]
    assert req.method == "POST" and req.path == "/hook"
    assert json.loads(req.body.decode("utf-8")) == payload
    assert "북한군".encode() in req.body  # UTF-8, not \\u escapes
    assert b"\n" not in req.body and b'", "' not in req.body  # compact
    assert req.headers["content-type"] == "application/json"
    assert req.headers["user-agent"] == watcher.USER_AGENT
    assert req.headers["idempotency-key"] == payload["id"]
    assert req.headers["x-watcher-alert-id"] == payload["id"]
    scheme, _, digest = req.headers["x-watcher-signature"].partition("=")
    assert scheme == "sha256"
    expected = hmac.new(SECRET.encode(), req.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(digest, expected)
    # the signature is over the exact bytes: any change breaks it
    tampered = hmac.new(SECRET.encode(), req.body + b" ", hashlib.sha256).hexdigest()
    assert digest != tampered


def test_no_signature_without_secret_and_custom_user_agent(receiver: Receiver) -> None:
    notifier = WebhookNotifier("hook", f"{receiver.base}/nocontent", user_agent="probe/1")
    send(notifier, make_alert(make_payload("id-2")))
    req = receiver.requests[0]
    assert "x-watcher-signature" not in req.headers
    assert req.headers["user-agent"] == "probe/1"
    assert req.headers["idempotency-key"] == "id-2"


def test_one_client_serves_several_sends(receiver: Receiver) -> None:
    notifier = WebhookNotifier("hook", f"{receiver.base}/hook", secret=SECRET)

    async def two() -> None:
        try:
            await notifier.send(make_alert(make_payload("a-1")))
            await notifier.send(make_alert(make_payload("a-1")))  # a retry of the same alert
            await notifier.send(make_alert(make_payload("a-2")))
        finally:
            await notifier.aclose()

    asyncio.run(two())
    keys = [r.headers["idempotency-key"] for r in receiver.requests]
    assert keys == ["a-1", "a-1", "a-2"]
    assert receiver.requests[0].body == receiver.requests[1].body
    sigs = [r.headers["x-watcher-signature"] for r in receiver.requests]
    assert sigs[0] == sigs[1] != sigs[2]


def test_url_credentials_are_sent_as_basic_auth(receiver: Receiver) -> None:
    url = receiver.base.replace("http://", "http://bob:pa%20ss@") + "/hook"
    send(WebhookNotifier("hook", url), make_alert(make_payload()))
    auth = receiver.requests[0].headers["authorization"]
    assert base64.b64decode(auth.split()[1]) == b"bob:pa ss"


# --- failures -------------------------------------------------------------------------------

def test_server_error_is_retryable_delivery_error(receiver: Receiver) -> None:
    err = send_error(WebhookNotifier("hook", f"{receiver.base}/fail500"), make_alert(make_payload()))
    assert not err.permanent
    assert f"webhook {receiver.base}/fail500 answered HTTP 500" in str(err)
    assert "status 500 for /fail500" in str(err)  # the start of the response body helps debugging


def test_not_found_is_permanent(receiver: Receiver) -> None:
    err = send_error(WebhookNotifier("hook", f"{receiver.base}/missing"), make_alert(make_payload()))
    assert err.permanent
    assert "HTTP 404" in str(err)


def test_too_many_requests_is_not_permanent(receiver: Receiver) -> None:
    err = send_error(WebhookNotifier("hook", f"{receiver.base}/busy"), make_alert(make_payload()))
    assert not err.permanent
    assert "HTTP 429" in str(err)


@pytest.mark.parametrize(("route", "low", "high"), [
    ("/busy-wait", 120, 120),     # 429 with delta-seconds
    ("/down-until", 590, 600),    # 503 with an HTTP-date
    ("/busy", None, None),        # 429 without Retry-After
    ("/missing-wait", None, None),  # a 404's Retry-After means nothing: it is permanent
])
def test_retry_after_of_a_busy_receiver_is_passed_on(receiver: Receiver, route: str,
                                                     low: float | None,
                                                     high: float | None) -> None:
    err = send_error(WebhookNotifier("hook", f"{receiver.base}{route}"), make_alert(make_payload()))
    if low is None or high is None:
        assert err.retry_after is None
        return
    assert err.retry_after is not None and low <= err.retry_after <= high
    assert not err.permanent and "asks to retry in" in str(err)


def test_redirect_is_not_followed(receiver: Receiver) -> None:
    err = send_error(WebhookNotifier("hook", f"{receiver.base}/moved"), make_alert(make_payload()))
    assert "HTTP 301" in str(err)
    assert err.permanent  # sent again, it is redirected again: the URL needs correcting
    assert [r.path for r in receiver.requests] == ["/moved"]


def test_a_receivers_retry_after_holds_for_every_alert_to_it(receiver: Receiver) -> None:
    """429 with Retry-After: 120 for one alert: the next alerts to the webhook are not sent
    (a receiver that asked to wait got the other stories' alerts within milliseconds)."""
    notifier = WebhookNotifier("hook", f"{receiver.base}/busy-wait")

    async def three() -> list[BaseException | None]:
        try:
            return [await _outcome(notifier.send(make_alert(make_payload(f"a-{i}"))))
                    for i in range(3)]
        finally:
            await notifier.aclose()

    first, *later = asyncio.run(three())
    assert isinstance(first, DeliveryError) and first.tried and first.retry_after == 120
    for err in later:
        assert isinstance(err, DeliveryError) and not err.tried and not err.permanent
        assert "asked to wait" in str(err)
        assert err.retry_after is not None and 115 < err.retry_after <= 120
    assert len(receiver.requests) == 1


async def _outcome(sending: Any) -> BaseException | None:
    try:
        await sending
    except DeliveryError as exc:
        return exc
    return None


def test_slow_server_times_out(receiver: Receiver) -> None:
    notifier = WebhookNotifier("hook", f"{receiver.base}/slow", timeout=0.3)
    err = send_error(notifier, make_alert(make_payload()))
    assert "timed out after 0.3s" in str(err)
    assert not err.permanent


def test_closed_port_is_connection_refused(refused_port: int) -> None:
    notifier = WebhookNotifier("hook", f"http://127.0.0.1:{refused_port}/hook", secret=SECRET)
    err = send_error(notifier, make_alert(make_payload()))
    assert "connection refused" in str(err)
    assert not err.permanent


@pytest.mark.parametrize("route", ["/fail500", "/missing", "/slow", "/echo-bad"])
def test_secret_and_url_credentials_never_in_error_messages(receiver: Receiver, route: str) -> None:
    url = receiver.base.replace("http://", "http://alice:hunter2-password@") + route
    url += "?token=query-secret-123&x=1"
    notifier = WebhookNotifier("hook", url, secret=SECRET, timeout=0.3)
    err = send_error(notifier, make_alert(make_payload()))
    text = f"{err} {err!r} {notifier!r}"
    for leaked in (SECRET, "hunter2-password", "query-secret-123", "alice"):
        assert leaked not in text
    assert f"127.0.0.1:{receiver.base.rsplit(':', 1)[1]}{route}" in str(err)


def test_secret_never_in_connection_error(refused_port: int) -> None:
    url = f"http://u:hunter2-password@127.0.0.1:{refused_port}/h?sig=query-secret-123"
    err = send_error(WebhookNotifier("hook", url, secret=SECRET), make_alert(make_payload()))
    for leaked in (SECRET, "hunter2-password", "query-secret-123"):
        assert leaked not in str(err)


class _RefusingTransport(httpx.AsyncBaseTransport):
    """Stands in for an SSRF-guarding transport (the unit edge case: a refused address)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise BlockedAddressError(request.url.host, "a private address")


def test_blocked_address_from_transport_is_permanent_delivery_error() -> None:
    notifier = WebhookNotifier("hook", "http://10.0.0.1/hook?k=query-secret-123",
                               transport=_RefusingTransport())
    err = send_error(notifier, make_alert(make_payload()))
    assert err.permanent
    assert "blocked address 10.0.0.1 (a private address)" in str(err)
    assert "query-secret-123" not in str(err)


def test_unserialisable_payload_is_permanent(receiver: Receiver) -> None:
    payload = make_payload()
    payload["new_figures"][0]["value"] = float("nan")
    err = send_error(WebhookNotifier("hook", f"{receiver.base}/hook"), make_alert(payload))
    assert err.permanent
    assert receiver.requests == []


def test_redact_url_masks_tokens() -> None:
    assert redact_url("https://u:p@hooks.example/services/T0AB/B0CD/abcDEF123ghiJKL456mno?x=1#f") == \
        "https://hooks.example/services/T0AB/B0CD/***"
    assert redact_url("http://[::1]:8080/alerts-endpoint") == "http://[::1]:8080/alerts-endpoint"


@pytest.mark.parametrize("url", ["ftp://host/x", "not a url", "http:///nohost", "http://h:99999/"])
def test_bad_url_is_config_error(url: str) -> None:
    with pytest.raises(ConfigError):
        WebhookNotifier("hook", url)


# --- build_notifiers ------------------------------------------------------------------------

def test_build_notifiers_names_channels_and_uses_transport(receiver: Receiver) -> None:
    made: list[httpx.AsyncBaseTransport] = []

    def factory() -> httpx.AsyncBaseTransport:
        transport = httpx.AsyncHTTPTransport(retries=0)
        made.append(transport)
        return transport

    notifiers = build_notifiers(
        [
            {"type": "webhook", "url": f"{receiver.base}/first", "secret": SECRET},
            {"type": "email", "to": "ops@example.org", "from": "watcher@example.org",
             "smtp_url": "smtp://127.0.0.1:2525?starttls=false"},
            {"type": "webhook", "url": f"{receiver.base}/second", "name": "team-hook", "timeout": 5},
        ],
        transport_factory=factory,
    )
    names = [n.name for n in notifiers]
    assert names[0].startswith("webhook:") and names[1].startswith("email:")
    assert names[2] == "team-hook"
    assert len(made) == 2
    # A channel's name depends on where it delivers, not on its position: removing the first
    # entry leaves the email channel (and the alerts queued for it) as they were.
    again = build_notifiers([
        {"type": "email", "to": ["ops@example.org"], "from": "watcher@example.org",
         "smtp_url": "smtp://user:other-password@127.0.0.1:2525"},
    ])
    assert [n.name for n in again] == [names[1]]
    assert all(isinstance(n, Notifier) for n in notifiers)

    async def deliver() -> None:
        try:
            for n in (notifiers[0], notifiers[2]):
                await n.send(make_alert(make_payload(), channel=n.name))
        finally:
            for n in notifiers:
                await n.aclose()

    asyncio.run(deliver())
    assert [r.path for r in receiver.requests] == ["/first", "/second"]
    assert "x-watcher-signature" in receiver.requests[0].headers
    assert "x-watcher-signature" not in receiver.requests[1].headers


@pytest.mark.parametrize(
    ("entries", "fragment"),
    [
        ([{"type": "pager"}], "type must be"),
        ([{"type": "webhook"}], "`url` is required"),
        ([{"type": "webhook", "url": "https://h/x", "secrt": "typo"}], "unknown key"),
        ([{"type": "webhook", "url": "https://h/x", "name": "a"},
          {"type": "webhook", "url": "https://h/y", "name": "a"}], "duplicate"),
        ([{"type": "email", "from": "w@example.org", "smtp_url": "smtp://h"}], "`to`"),
        ([{"type": "email", "to": ["a@example.org"], "smtp_url": "smtp://h"}], "`from`"),
        ([{"type": "webhook", "url": "https://h/x", "timeout": 0}], "timeout"),
    ],
)
def test_build_notifiers_rejects_bad_entries(entries: list[dict[str, Any]], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        build_notifiers(entries)


# --- bursts ---------------------------------------------------------------------------------

def test_a_burst_keeps_at_most_in_flight_requests_and_waiting_is_not_timed() -> None:
    """Alerts by the dozen at once (a first poll of many feeds): the receiver never has more than
    IN_FLIGHT of them at a time, and an alert waiting for a slot is not timed out for it
    (six waves of 0.2 s exceed the 1 s timeout of one exchange)."""
    def slow(request: Request) -> Reply:
        time.sleep(0.2)
        return Reply(204)

    with serve(slow) as server:
        notifier = WebhookNotifier("hook", server.url("/hook"), timeout=1.0)
        alerts = [make_alert(make_payload(f"burst-{i}")) for i in range(IN_FLIGHT * 6)]

        async def burst() -> list[BaseException | None]:
            try:
                return await asyncio.gather(*(notifier.send(a) for a in alerts),
                                            return_exceptions=True)
            finally:
                await notifier.aclose()

        outcomes = asyncio.run(burst())
    assert outcomes == [None] * len(alerts)
    assert sorted(r.headers["Idempotency-Key"] for r in server.requests) == sorted(
        a.alert_id for a in alerts)
    assert 1 < server.max_active <= IN_FLIGHT


@pytest.mark.parametrize("answer", [Reply(204), Reply(200, {}, b'{"ok": true}'),
                                    Reply(202, {}, [b"queued", b" for later"])],
                         ids=["no body", "a body", "a chunked body"])
def test_alerts_share_kept_alive_connections(answer: Reply) -> None:
    """Each answer is read to its end, so the next alert goes over the same connection
    (one left unread is closed: a TCP and TLS handshake per alert)."""
    with serve(lambda request: answer) as server:
        notifier = WebhookNotifier("hook", server.url("/hook"))

        async def one_by_one() -> None:
            try:
                for i in range(5):
                    await notifier.send(make_alert(make_payload(f"seq-{i}")))
            finally:
                await notifier.aclose()

        asyncio.run(one_by_one())
    assert len(server.requests) == 5
    assert len({r.peer for r in server.requests}) == 1


def test_an_accepted_alert_whose_answer_is_long_or_late_is_delivered() -> None:
    """The status is what counts: a 2xx whose body is huge is not read to its end (its
    connection is closed instead), and one whose body outlasts the timeout is delivered."""
    def huge(request: Request) -> Reply:
        return Reply(200, {}, [b"x" * 65536] * 64)           # 4 MiB

    def late(request: Request) -> Reply:
        return Reply(200, {}, drip(b"slow", every=0.4))      # 1.6 s against a 0.5 s timeout

    def late_refusal(request: Request) -> Reply:
        return Reply(503, {}, drip(b"try later", every=0.4))

    with serve({"/huge": huge, "/late": late, "/late-refusal": late_refusal}) as server:
        for route in ("/huge", "/late"):
            send(WebhookNotifier("hook", server.url(route), timeout=0.5),
                 make_alert(make_payload(f"id{route}")))
        # and a refusal is one, told by its status, whose explanation came too late
        error = send_error(WebhookNotifier("hook", server.url("/late-refusal"), timeout=0.5),
                           make_alert(make_payload("id-refused")))
    assert [r.path for r in server.requests] == ["/huge", "/late", "/late-refusal"]
    assert "answered HTTP 503" in str(error) and not error.permanent


def test_alerts_behind_one_that_timed_out_are_not_tried_for_a_while() -> None:
    """A receiver that takes connections and never answers: the first IN_FLIGHT alerts time
    out, the ones queued behind fail at once (not tried: each is retried after its backoff)
    rather than wait their turn to time out too; a later alert, after the timeout's length,
    is tried again."""
    server = Silent()
    url = f"http://127.0.0.1:{server.port}/hook"
    notifier = WebhookNotifier("hook", url, timeout=0.5)
    alerts = [make_alert(make_payload(f"q-{i}")) for i in range(IN_FLIGHT * 3)]

    async def burst_then_one_later() -> tuple[list[BaseException | None], BaseException | None]:
        try:
            outcomes = await asyncio.gather(*(notifier.send(a) for a in alerts),
                                            return_exceptions=True)
            await asyncio.sleep(0.6)
            try:
                await notifier.send(make_alert(make_payload("later")))
            except DeliveryError as exc:
                return outcomes, exc
            return outcomes, None
        finally:
            await notifier.aclose()

    with server:
        outcomes, later = asyncio.run(burst_then_one_later())
        tried = server.accepted
    assert all(isinstance(o, DeliveryError) and not o.permanent for o in outcomes)
    messages = [str(o) for o in outcomes]
    assert sum("timed out after 0.5s" in m and "not tried" not in m for m in messages) == IN_FLIGHT
    assert sum(m.startswith(f"webhook {url} not tried: an attempt")
               and m.endswith("ago failed (timed out after 0.5s)") for m in messages) == (
        2 * IN_FLIGHT)
    assert [o.tried for o in outcomes if isinstance(o, DeliveryError)
            and "not tried" in str(o)] == [False] * (2 * IN_FLIGHT)
    assert tried == IN_FLIGHT + 1                      # the burst's first wave, then "later"
    assert isinstance(later, DeliveryError) and "not tried" not in str(later)


def test_outage_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """An outage is noted with its reason, skips for its window, ends with an answer."""
    from watcher.notify import outage

    now = [100.0]
    monkeypatch.setattr(outage.time, "monotonic", lambda: now[0])
    down = outage.Outage(window=15)
    assert down.skip_reason() is None
    down.failed("timed out after 15s")
    now[0] = 103.25
    assert down.skip_reason() == "not tried: an attempt 3.2s ago failed (timed out after 15s)"
    now[0] = 115.0
    assert down.skip_reason() is None                      # the window is over
    down.failed("connection refused")
    assert down.skip_reason() is not None
    down.answered()
    assert down.skip_reason() is None                      # any answer ends it
