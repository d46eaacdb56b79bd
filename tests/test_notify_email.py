"""E-mail delivery against real aiosmtpd servers on 127.0.0.1, plus the text/HTML rendering."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from loopback import Silent

from watcher.core import Engine, utcnow
from watcher.errors import ConfigError, DeliveryError
from watcher.extract import get_extractor
from watcher.models import FeedConfig, FetchResult, OutboxAlert
from watcher.notify import EmailNotifier
from watcher.notify.email import build_message, parse_smtp_url
from watcher.notify.render import (
    format_figure_value,
    format_number,
    render_html,
    render_subject,
    render_text,
)
from watcher.storage import Storage

USER = "watcher"
PASSWORD = "p@ss:w/rd 100%-Secret"  # needs URL-encoding in smtp_url
SENDER = "Watcher <watcher@alerts.example.org>"
TO = ["ops@example.org", "Desk <desk@example.org>"]


def make_payload(alert_id: str = "alert-7f3a9c", title: str = "Blinken: 8,000 North Korean soldiers in Kursk",
                 ) -> dict[str, Any]:
    return {
        "id": alert_id,
        "rule": "nk-troops",
        "item": {"title": title, "link": "https://news.example/a/1?x=1&y=2",
                 "published": "2024-10-31T20:00:00Z", "feed": "wire"},
        "new_figures": [{"value": 8000, "key": "troops", "quantity": "North Korean troops in Kursk",
                         "text": "around 8,000 North Korean soldiers", "said_by": "Antony Blinken",
                         "qualifier": "around",
                         "previous": [{"value": 3000, "said_by": "NIS", "published": "2024-10-23T02:00:00Z"},
                                      {"value": 1500, "said_by": "NIS", "published": "2024-10-18T01:00:00Z"}]}],
        "new_actors": [{"name": "Antony Blinken", "kind": "person"}],
    }


def make_alert(payload: dict[str, Any]) -> OutboxAlert:
    return OutboxAlert(id=1, alert_id=payload["id"], channel="email:0", payload=payload)


# --- servers --------------------------------------------------------------------------------

@dataclass
class Received:
    mail_from: str | None
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    authenticated: bool


@dataclass
class Recorder:
    received: list[Received] = field(default_factory=list)
    auth_attempts: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message,
                                      tls=session.ssl is not None,
                                      authenticated=bool(session.authenticated)))
        return "250 OK"

    def authenticator(self, server: SMTP, session: Session, envelope: Envelope,
                      mechanism: str, auth_data: Any) -> AuthResult:
        self.auth_attempts.append(mechanism)
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == PASSWORD.encode())
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


@dataclass
class Smtpd:
    port: int
    recorder: Recorder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server_tls(tls_cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*tls_cert)
    return ctx


@pytest.fixture
def client_tls(tls_cert: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls_cert[0]))


def _run(recorder: Recorder, **kwargs: Any) -> Iterator[Smtpd]:
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, server_hostname="localhost",
                            ready_timeout=10, **kwargs)
    controller.start()
    try:
        yield Smtpd(port, recorder)
    finally:
        controller.stop()


@pytest.fixture
def starttls_server(server_tls: ssl.SSLContext) -> Iterator[Smtpd]:
    """STARTTLS required; AUTH LOGIN/PLAIN only after TLS."""
    recorder = Recorder()
    yield from _run(recorder, tls_context=server_tls, require_starttls=True,
                    authenticator=recorder.authenticator, auth_require_tls=True)


@pytest.fixture
def smtps_server(server_tls: ssl.SSLContext) -> Iterator[Smtpd]:
    recorder = Recorder()
    # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; this socket is TLS from the start
    yield from _run(recorder, ssl_context=server_tls, authenticator=recorder.authenticator,
                    auth_require_tls=False)


@pytest.fixture
def plain_server() -> Iterator[Smtpd]:
    """No TLS at all, but it would accept AUTH in clear (a client must not offer it)."""
    recorder = Recorder()
    yield from _run(recorder, authenticator=recorder.authenticator, auth_require_tls=False)


def smtp_url(port: int, *, scheme: str = "smtp", password: str = PASSWORD, query: str = "",
             user: str | None = USER) -> str:
    creds = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
    return f"{scheme}://{creds}127.0.0.1:{port}" + (f"?{query}" if query else "")


def send(notifier: EmailNotifier, *alerts: OutboxAlert) -> None:
    async def go() -> None:
        try:
            for alert in alerts:
                await notifier.send(alert)
        finally:
            await notifier.aclose()

    asyncio.run(go())


def send_error(notifier: EmailNotifier, alert: OutboxAlert) -> DeliveryError:
    with pytest.raises(DeliveryError) as info:
        send(notifier, alert)
    return info.value


def parts_by_type(message: EmailMessage) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_maintype() == "text" and isinstance(part, EmailMessage):
            found[part.get_content_type()] = str(part.get_content())
    return found


# --- delivery ---------------------------------------------------------------------------------

def test_starttls_with_auth_delivers_text_and_html(starttls_server: Smtpd,
                                                    client_tls: ssl.SSLContext) -> None:
    notifier = EmailNotifier("email:0", smtp_url=smtp_url(starttls_server.port), sender=SENDER,
                             to=TO, ssl_context=client_tls)
    send(notifier, make_alert(make_payload()))

    [got] = starttls_server.recorder.received
    assert got.tls and got.authenticated
    assert got.mail_from == "watcher@alerts.example.org"
    assert got.rcpt_tos == ["ops@example.org", "desk@example.org"]
    msg = got.message
    subject = str(msg["Subject"])
    assert subject.startswith("[watcher] nk-troops:")
    assert "new figure around 8,000 troops (was 3,000)" in subject
    assert "new actor Antony Blinken" in subject
    assert msg["X-Watcher-Alert-Id"] == "alert-7f3a9c"
    assert msg["Date"] is not None and msg["Message-ID"] is not None
    assert msg.get_content_type() == "multipart/alternative"
    parts = parts_by_type(msg)
    assert set(parts) == {"text/plain", "text/html"}
    for body in parts.values():
        assert "North Korean troops in Kursk" in body
        assert "Antony Blinken" in body and "person" in body
        assert "1,500" in body and "3,000" in body and "8,000" in body
    assert "https://news.example/a/1?x=1&amp;y=2" in parts["text/html"]


def test_message_id_is_stable_across_retries(starttls_server: Smtpd,
                                             client_tls: ssl.SSLContext) -> None:
    notifier = EmailNotifier("email:0", smtp_url=smtp_url(starttls_server.port), sender=SENDER,
                             to=TO, ssl_context=client_tls)
    first = make_alert(make_payload("alert-1"))
    send(notifier, first, first, make_alert(make_payload("alert-2")))
    ids = [str(r.message["Message-ID"]).strip() for r in starttls_server.recorder.received]
    assert len(ids) == 3
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].startswith("<") and ids[0].endswith("@alerts.example.org>")


def test_wrong_password_is_permanent_and_not_leaked(starttls_server: Smtpd,
                                                    client_tls: ssl.SSLContext) -> None:
    wrong = "Wr0ng-Pa55word!"
    notifier = EmailNotifier("email:0", smtp_url=smtp_url(starttls_server.port, password=wrong),
                             sender=SENDER, to=TO, ssl_context=client_tls)
    err = send_error(notifier, make_alert(make_payload()))
    assert err.permanent
    assert "authentication failed" in str(err)
    assert wrong not in f"{err} {err!r} {notifier!r}"
    assert quote(wrong, safe="") not in str(err)
    assert starttls_server.recorder.received == []
    assert starttls_server.recorder.auth_attempts  # it did try, over TLS


def test_after_a_refused_login_no_other_alert_logs_in(starttls_server: Smtpd,
                                                      client_tls: ssl.SSLContext) -> None:
    """Each alert tried its own login, and each failed one again an hour later: mail servers
    lock accounts after a few. After one refusal, the channel tries no login for an hour."""
    notifier = EmailNotifier("email:0", smtp_url=smtp_url(starttls_server.port, password="nope"),
                             sender=SENDER, to=TO, ssl_context=client_tls)

    async def burst() -> list[BaseException | None]:  # sessions at once, as a round sends
        return await asyncio.gather(*(notifier.send(make_alert(make_payload(f"a-{i}")))
                                      for i in range(6)), return_exceptions=True)

    outcomes = asyncio.run(burst())
    assert all(isinstance(o, DeliveryError) for o in outcomes)
    first = [o for o in outcomes if isinstance(o, DeliveryError) and o.tried]
    later = [o for o in outcomes if isinstance(o, DeliveryError) and not o.tried]
    assert len(first) == 1 and first[0].permanent and len(later) == 5
    for err in later:
        assert "refused the login" in str(err)
        assert err.retry_after is not None and 3500 < err.retry_after <= 3600
    # one login, with one mechanism (smtplib's own login tries PLAIN, then LOGIN)
    assert len(starttls_server.recorder.auth_attempts) == 1


def test_server_down_is_delivery_error() -> None:
    port = free_port()
    notifier = EmailNotifier("email:0", smtp_url=smtp_url(port), sender=SENDER, to=TO, timeout=5)
    err = send_error(notifier, make_alert(make_payload()))
    assert not err.permanent
    assert f"127.0.0.1:{port}" in str(err) and "refused" in str(err)
    assert PASSWORD not in str(err)


def test_silent_server_times_out() -> None:
    with Silent() as server:  # takes the connection but never greets
        port = server.port
        notifier = EmailNotifier("email:0", smtp_url=smtp_url(port), sender=SENDER, to=TO,
                                 timeout=0.3)
        err = send_error(notifier, make_alert(make_payload()))
    assert f"SMTP server 127.0.0.1:{port} timed out after 0.3s" in str(err)
    assert not err.permanent


def test_sends_behind_one_the_server_did_not_answer_fail_at_once() -> None:
    """A server that takes connections and never greets: the sends that got a thread time
    out, the ones queued behind them (more than the default thread pool holds) fail at once,
    untried and retryable, instead of each waiting to time out in turn."""
    alerts = [make_alert(make_payload(f"q-{i}")) for i in range(40)]

    async def burst(notifier: EmailNotifier) -> list[BaseException | None]:
        return await asyncio.gather(*(notifier.send(a) for a in alerts), return_exceptions=True)

    with Silent() as server:
        port = server.port
        outcomes = asyncio.run(burst(EmailNotifier(
            "email:0", smtp_url=smtp_url(port, query="starttls=false", user=None),
            sender=SENDER, to=TO, timeout=0.5)))
        tried = server.accepted
    assert all(isinstance(o, DeliveryError) and not o.permanent for o in outcomes)
    messages = [str(o) for o in outcomes]
    timed_out = [m for m in messages if m == f"SMTP server 127.0.0.1:{port} timed out after 0.5s"]
    skipped = [m for m in messages if m.startswith(f"SMTP server 127.0.0.1:{port} not tried: "
                                                     "an attempt")]
    assert len(timed_out) == tried and len(skipped) == len(alerts) - tried > 0


def test_plain_relay_without_credentials(plain_server: Smtpd) -> None:
    url = f"smtp://127.0.0.1:{plain_server.port}?starttls=false"
    send(EmailNotifier("relay", smtp_url=url, sender="watcher@localhost.example", to=["a@example.org"]),
         make_alert(make_payload()))
    [got] = plain_server.recorder.received
    assert not got.tls and not got.authenticated
    assert got.rcpt_tos == ["a@example.org"]
    assert "nk-troops" in str(got.message["Subject"])


def test_credentials_never_sent_without_starttls(plain_server: Smtpd) -> None:
    notifier = EmailNotifier("email:0", smtp_url=smtp_url(plain_server.port), sender=SENDER, to=TO)
    err = send_error(notifier, make_alert(make_payload()))
    assert "does not offer STARTTLS" in str(err)
    assert PASSWORD not in str(err)
    assert plain_server.recorder.auth_attempts == []  # the password never crossed the wire
    assert plain_server.recorder.received == []


def test_opportunistic_starttls_without_credentials(starttls_server: Smtpd,
                                                    client_tls: ssl.SSLContext) -> None:
    url = f"smtp://127.0.0.1:{starttls_server.port}"
    send(EmailNotifier("email:0", smtp_url=url, sender=SENDER, to=TO, ssl_context=client_tls),
         make_alert(make_payload()))
    [got] = starttls_server.recorder.received
    assert got.tls and not got.authenticated


def test_untrusted_certificate_is_rejected_by_default(starttls_server: Smtpd) -> None:
    notifier = EmailNotifier("email:0", smtp_url=smtp_url(starttls_server.port), sender=SENDER, to=TO)
    err = send_error(notifier, make_alert(make_payload()))
    assert "certificate verification failed" in str(err)
    assert starttls_server.recorder.auth_attempts == []
    assert starttls_server.recorder.received == []


def test_tls_verify_false_accepts_self_signed(starttls_server: Smtpd) -> None:
    url = smtp_url(starttls_server.port, query="tls_verify=false")
    send(EmailNotifier("email:0", smtp_url=url, sender=SENDER, to=TO), make_alert(make_payload()))
    [got] = starttls_server.recorder.received
    assert got.tls and got.authenticated


def test_smtps_implicit_tls(smtps_server: Smtpd, client_tls: ssl.SSLContext) -> None:
    url = smtp_url(smtps_server.port, scheme="smtps")
    send(EmailNotifier("email:0", smtp_url=url, sender=SENDER, to=TO, ssl_context=client_tls),
         make_alert(make_payload()))
    [got] = smtps_server.recorder.received
    assert got.authenticated
    assert "text/html" in parts_by_type(got.message)


# --- smtp_url ---------------------------------------------------------------------------------

def test_parse_smtp_url_forms() -> None:
    s = parse_smtp_url("smtp://me%40corp:p%40ss%3Aword@mail.example:587")
    assert (s.host, s.port, s.tls, s.user, s.password) == ("mail.example", 587, "starttls",
                                                           "me@corp", "p@ss:word")
    assert "p@ss:word" not in repr(s)
    s = parse_smtp_url("smtps://u:p@mail.example")
    assert (s.port, s.tls) == (465, "implicit")
    s = parse_smtp_url("smtp://relay.local?starttls=false")
    assert (s.port, s.tls, s.user) == (25, "none", None)
    assert parse_smtp_url("smtp://relay.local").tls == "opportunistic"
    assert parse_smtp_url("smtp://relay.local?starttls=true").tls == "starttls"
    assert parse_smtp_url("smtp://u:p@relay.local").port == 587
    assert parse_smtp_url("smtp://relay.local?tls_verify=false").tls_verify is False


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("smtp://u:topsecret@h?starttls=false", "in clear"),
        ("smtp://h?verify=no", "unknown option"),
        ("smtp://h?starttls=maybe", "true or false"),
        ("http://h", "smtp://"),
        ("smtp://", "no host"),
        ("smtp://u@h", "no password"),
    ],
)
def test_parse_smtp_url_rejects(url: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment) as info:
        parse_smtp_url(url)
    assert "topsecret" not in str(info.value)


def test_notifier_rejects_bad_addresses() -> None:
    with pytest.raises(ConfigError, match="recipient"):
        EmailNotifier("e", smtp_url="smtp://h", sender=SENDER, to=["not-an-address"])
    with pytest.raises(ConfigError, match="control characters"):
        EmailNotifier("e", smtp_url="smtp://h", sender="a@b.example\r\nBcc: x@y.example", to=TO)
    with pytest.raises(ConfigError, match="no recipients"):
        EmailNotifier("e", smtp_url="smtp://h", sender=SENDER, to=[])


# --- rendering --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "text"),
    [(8000, "8,000"), (8_000_000, "8 million"), (2_500_000, "2.5 million"), (1_234_567, "1,234,567"),
     (2.5, "2.5"), (7.0, "7"), (1234.5, "1,234.5"), (3_000_000_000, "3 billion"), (-3000, "-3,000"),
     (0, "0"), (0.0042, "0.0042")],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_render_subject_text_and_html() -> None:
    payload = make_payload()
    payload["new_figures"].append({"value": 2.5, "key": "ammunition", "unit": "USD",
                                   "quantity": "ammunition shipped", "said_by": None, "previous": []})
    payload["new_actors"].append({"name": "NATO", "kind": "organisation"})

    subject = render_subject(payload)
    assert subject == ("[watcher] nk-troops: new figures around 8,000 troops (was 3,000), "
                       "USD 2.5 ammunition; new actors Antony Blinken, NATO")

    text = render_text(payload)
    assert "Item:      Blinken: 8,000 North Korean soldiers in Kursk" in text
    assert "Feed:      wire" in text and "2024-10-31 20:00 UTC" in text
    assert "* North Korean troops in Kursk: around 8,000" in text
    assert "Said by: Antony Blinken" in text
    assert "around 8,000 North Korean soldiers" in text
    # the timeline is oldest first even though the payload listed it newest first
    assert text.index("1,500 (NIS, 2024-10-18") < text.index("3,000 (NIS, 2024-10-23") \
        < text.index("around 8,000 (now: Antony Blinken")
    assert "* NATO (organisation)" in text and "* Antony Blinken (person)" in text

    page = render_html(payload)
    assert "<li>Antony Blinken (person)</li>" in page
    figures = page[page.index("<h3>New figures</h3>"):]
    assert figures.index("1,500") < figures.index("3,000") < figures.index("<strong>around 8,000</strong>")
    assert "<strong>ammunition shipped</strong>: USD 2.5" in page


@pytest.mark.parametrize(
    ("figure", "text"),
    [({"value": 8000, "qualifier": "around"}, "around 8,000"),
     ({"value": 3000, "qualifier": "more"}, "3,000 more"),      # another 3,000, not "more than"
     # an increment with another qualifier
     ({"value": 30000, "key": "troops_added", "qualifier": "up to"}, "up to 30,000 more"),
     ({"value": 30000, "key": "troops_added"}, "30,000 more"),
     ({"value": 2.5e9, "unit": "USD", "qualifier": "more than"}, "more than USD 2.5 billion"),
     ({"value": 12, "unit": "%"}, "12%")],
)
def test_figure_values_read_as_written(figure: dict[str, Any], text: str) -> None:
    assert format_figure_value(figure) == text


def test_render_without_news_or_dates() -> None:
    payload = {"id": "x", "rule": "r", "item": {"title": "Plain", "link": None, "published": None,
                                                 "feed": "f"}, "new_figures": [], "new_actors": []}
    assert render_subject(payload) == "[watcher] r: new item Plain"
    assert "Published: unknown" in render_text(payload)


def test_hostile_title_is_escaped_and_subject_stays_one_line() -> None:
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>\r\nBcc: victim@example.org'
    payload = make_payload(title=hostile)
    payload["item"]["link"] = "javascript:alert(document.cookie)"
    payload["new_actors"] = [{"name": "<b>Evil</b> Corp", "kind": "organisation"}]
    payload["new_figures"][0]["said_by"] = '"><svg onload=alert(1)>'

    page = render_html(payload)
    assert "<script>" not in page and "<img" not in page and "<svg" not in page
    assert "<b>Evil</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in page
    assert 'href="javascript:' not in page
    assert "&lt;b&gt;Evil&lt;/b&gt; Corp" in page

    msg = build_message(payload, alert_id="alert\r\nX-Injected: 1", sender=SENDER, to=TO)
    raw = msg.as_bytes()
    assert b"\nBcc:" not in raw and b"\nX-Injected:" not in raw
    assert "\n" not in str(msg["Subject"])


def test_an_increment_reads_as_more_of_its_thing() -> None:
    payload = {"rule": "nk", "item": {"title": "T"},
               "new_figures": [{"value": 3000, "key": "troops_added", "quantity": "troops to Russia",
                                "qualifier": "more", "previous": [{"value": 1500}]}],
               "new_actors": []}
    assert render_subject(payload) == "[watcher] nk: new figure 3,000 more troops (was 1,500)"
    assert "troops_added" not in render_text(payload) and "troops_added" not in render_html(payload)


# --- recipients refused while others take the message --------------------------------------

@dataclass
class Picky(Recorder):
    """Refuses RCPT for the addresses in ``refuse`` with their reply (e.g. "451 ...")."""

    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


THREE = ["ops@example.org", "desk@example.org", "night@example.org"]


@pytest.mark.parametrize(("refuse", "done_for", "fails"), [
    # one refused for now: the others are done, it is sent again alone
    ({"desk@example.org": "451 4.3.0 try again later"},
     ["ops@example.org", "night@example.org"], True),
    # one for good, one for now: only the one refused for now is left
    ({"desk@example.org": "550 5.1.1 no such user", "night@example.org": "452 4.2.2 mailbox full"},
     ["ops@example.org", "desk@example.org"], True),
    # only refusals for good among takers: delivered, nothing to send again
    ({"desk@example.org": "550 5.1.1 no such user"}, [], False),
])
def test_recipients_refused_for_now_are_sent_it_again_alone(
        refuse: dict[str, str], done_for: list[str], fails: bool) -> None:
    picky = Picky(refuse=dict(refuse))
    for server in _run(picky):
        notifier = EmailNotifier("email:0", smtp_url=f"smtp://127.0.0.1:{server.port}",
                                 sender=SENDER, to=THREE)
        alert = make_alert(make_payload())
        if not fails:
            send(notifier, alert)
            assert [r.rcpt_tos for r in picky.received] == [["ops@example.org",
                                                            "night@example.org"]]
            continue
        err = send_error(notifier, alert)
        assert not err.permanent and err.tried
        assert sorted(err.done_for) == sorted(done_for)
        assert "refused it for now" in str(err)
        # the retry: the server takes everyone now; those done are not sent it again
        picky.refuse.clear()
        send(notifier, OutboxAlert(id=1, alert_id=alert.alert_id, channel="email:0",
                                   payload=alert.payload, attempts=1, done_for=err.done_for))
        first, second = (r.rcpt_tos for r in picky.received)
        assert first == [r for r in THREE if r not in refuse]        # those who took it
        assert second == [r for r in THREE if r not in done_for]     # those refused for now
        assert str(picky.received[0].message["To"]) == str(picky.received[1].message["To"])


def test_every_recipient_refused_mixed_leaves_only_those_refused_for_now() -> None:
    picky = Picky(refuse={"ops@example.org": "550 5.1.1 no such user",
                          "desk@example.org": "451 4.3.0 greylisted"})
    for server in _run(picky):
        notifier = EmailNotifier("email:0", smtp_url=f"smtp://127.0.0.1:{server.port}",
                                 sender=SENDER, to=THREE[:2])
        err = send_error(notifier, make_alert(make_payload()))
        assert not err.permanent and err.done_for == ("ops@example.org",)
        assert "refused every recipient" in str(err)
        assert picky.received == []
        picky.refuse = {"ops@example.org": "550 5.1.1 no such user",
                        "desk@example.org": "550 5.1.1 no such user"}
        err = send_error(notifier, make_alert(make_payload()))
        assert err.permanent and err.done_for == ()


def test_an_alert_that_reached_every_recipient_is_not_sent_again(plain_server: Smtpd) -> None:
    notifier = EmailNotifier("email:0", smtp_url=f"smtp://127.0.0.1:{plain_server.port}",
                             sender=SENDER, to=THREE[:2])
    payload = make_payload()
    send(notifier, OutboxAlert(id=1, alert_id=payload["id"], channel="email:0", payload=payload,
                               done_for=("ops@example.org", "desk@example.org")))
    assert plain_server.recorder.received == []


def test_a_stop_during_a_hanging_smtp_exchange_exits_at_once(tmp_path: Path) -> None:
    """The SMTP session runs in a daemon thread: a process stopped while the server hangs
    exits at once, not after the 30 s timeout (docker stop waits 10 s, then kills)."""
    import subprocess
    import sys
    import time

    script = tmp_path / "stop.py"
    script.write_text(
        "import asyncio, sys\n"
        "from watcher.models import OutboxAlert\n"
        "from watcher.notify import EmailNotifier\n"
        "async def main():\n"
        "    n = EmailNotifier('email:0', smtp_url='smtp://127.0.0.1:' + sys.argv[1], "
        "sender='w@example.org', to=['a@example.org'], timeout=30)\n"
        "    a = OutboxAlert(id=1, alert_id='x', channel='email:0', payload={'id': 'x'})\n"
        "    task = asyncio.ensure_future(n.send(a))\n"
        "    await asyncio.sleep(0.5)\n"
        "    task.cancel()\n"
        "    await asyncio.gather(task, return_exceptions=True)\n"
        "    print('stopped', flush=True)\n"
        "asyncio.run(main())\n")
    with Silent() as server:
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(script), str(server.port)],
                              capture_output=True, text=True, timeout=60)
        took = time.monotonic() - started
        assert server.accepted == 1  # it was in the middle of the exchange
    assert done.returncode == 0 and "stopped" in done.stdout, done.stderr
    assert took < 10, f"exit took {took:.1f}s: the SMTP thread held the process"


def test_the_outbox_sends_a_retry_only_to_the_recipient_refused_for_now(
        storage: Storage) -> None:
    """Through the engine and the outbox on a real database: a recipient greylisted (451)
    while the others take the alert is sent it alone at the retry; nobody gets it twice, and
    the story's next alert is not held back from the others meanwhile."""
    from test_core import T0, ScriptedFetcher, nk_rules, rss

    storage.sync_feeds([FeedConfig(name="a", url="https://a.example/rss", interval=900)], T0)
    picky = Picky(refuse={"desk@example.org": "451 4.7.1 greylisted, try again later"})
    for server in _run(picky):
        notifier = EmailNotifier("mail", smtp_url=f"smtp://127.0.0.1:{server.port}",
                                 sender=SENDER, to=THREE)
        engine = Engine(storage=storage, rules=nk_rules(), notifiers=[notifier],
                        fetcher=ScriptedFetcher({"a": FetchResult(
                            url="https://a.example/rss", status=200,
                            content=rss("North Korea sends 3,000 troops to Russia",
                                        "North Korea sends 4,000 troops to Russia"))}),
                        extractor=get_extractor(), clock=utcnow, parse_workers=0)
        report, delivery = asyncio.run(engine.cycle(everything=True))
        assert (report.alerts, delivery.sent, delivery.failed) == (2, 0, 2)
        waiting = storage.list_alerts("pending")
        assert [a.done_for for a in waiting] == [("ops@example.org", "night@example.org")] * 2
        assert all("greylisted" in (a.last_error or "") for a in waiting)
        # retried to desk@ alone, refused again: still no hold on the story (ops and night
        # had these; the story's next alerts are not kept from them)
        delivery = asyncio.run(engine.deliver(everything=True))
        assert (delivery.sent, delivery.failed) == (0, 2)
        assert [a.holds_story for a in storage.list_alerts("pending")] == [False, False]
        picky.refuse.clear()
        delivery = asyncio.run(engine.deliver(everything=True))
        assert delivery.sent == 2
    ops_night, desk = ["ops@example.org", "night@example.org"], ["desk@example.org"]
    assert [(r.rcpt_tos, "4,000" in str(r.message["Subject"])) for r in picky.received] == [
        (ops_night, False), (ops_night, True), (desk, False), (desk, True)]
    assert storage.list_alerts("pending") == []
