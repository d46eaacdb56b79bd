"""Deliver alerts by e-mail over SMTP (stdlib :mod:`smtplib`, run in a worker thread).

``smtp_url`` forms:

``smtp://user:pass@host:587``
    STARTTLS, which is *required* whenever credentials are given: watcher never sends a
    password in clear. Without credentials STARTTLS is used when the server offers it.
``smtps://user:pass@host:465``
    Implicit TLS.
``smtp://host:25?starttls=false``
    Plain SMTP to a local relay; not allowed together with credentials.
``...?starttls=true``
    Require STARTTLS even without credentials.
``...?tls_verify=false``
    UNSAFE: accept any TLS certificate (self-signed relays). Prefer passing an
    ``ssl_context`` that trusts your CA.

User name and password are URL-decoded (write ``@`` as ``%40``). Default ports: 465 for
``smtps``, 587 for ``smtp`` with credentials, 25 otherwise.

Each alert becomes a multipart/alternative message (plain text + HTML) whose ``Message-ID``
is derived from the alert id, so retries of one alert carry the same id and mail clients can
collapse duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import logging
import re
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from typing import Any, Literal, TypeVar, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from watcher.errors import ConfigError, DeliveryError
from watcher.models import OutboxAlert
from watcher.notify.outage import Outage
from watcher.notify.render import render_html, render_subject, render_text

__all__ = ["EmailNotifier", "SmtpSettings", "build_message", "message_id_for", "parse_smtp_url"]

log = logging.getLogger("watcher.notify.email")

SESSIONS = 4  # SMTP sessions open at once per channel, at most
LOGIN_REFUSED_WAIT = 3600.0  # seconds without a login attempt after the server refused one
_T = TypeVar("_T")

TlsMode = Literal["implicit", "starttls", "opportunistic", "none"]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


class SmtpSettings:
    """What an ``smtp_url`` says. ``password`` is kept out of ``repr``."""

    __slots__ = ("host", "password", "port", "tls", "tls_verify", "user")

    def __init__(self, host: str, port: int, tls: TlsMode, user: str | None,
                 password: str | None, tls_verify: bool) -> None:
        self.host = host
        self.port = port
        self.tls: TlsMode = tls
        self.user = user
        self.password = password
        self.tls_verify = tls_verify

    def __repr__(self) -> str:
        return (f"SmtpSettings(host={self.host!r}, port={self.port}, tls={self.tls!r}, "
                f"user={self.user!r}, password={'***' if self.password else None}, "
                f"tls_verify={self.tls_verify})")


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"smtp_url: {name} must be true or false, got {value!r}")


def parse_smtp_url(smtp_url: str) -> SmtpSettings:
    """Parse and check an ``smtp://`` / ``smtps://`` URL; raises ConfigError (password-free)."""
    try:
        parts = urlsplit(smtp_url.strip())
        host = parts.hostname
        port = parts.port
        raw_user, raw_password = parts.username, parts.password
    except ValueError as exc:
        raise ConfigError("smtp_url is not a valid URL (check the port)") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise ConfigError(f"smtp_url must start with smtp:// or smtps://, got {scheme or 'no'} scheme")
    if not host:
        raise ConfigError("smtp_url has no host")
    user = unquote(raw_user) if raw_user else None
    password = unquote(raw_password) if raw_password is not None else None
    if password and not user:
        raise ConfigError("smtp_url has a password but no user name")
    if user and not password:
        raise ConfigError(f"smtp_url names user {user!r} but gives no password")

    starttls: bool | None = None
    tls_verify = True
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "starttls":
            starttls = _flag(key, value)
        elif key == "tls_verify":
            tls_verify = _flag(key, value)
        else:
            raise ConfigError(f"smtp_url: unknown option {key!r} (known: starttls, tls_verify)")

    tls: TlsMode
    if scheme == "smtps":
        tls = "implicit"
    elif starttls is False:
        if user:
            raise ConfigError(
                "smtp_url: starttls=false with a user name and password would send the "
                "password in clear; use STARTTLS (the default) or smtps://"
            )
        tls = "none"
    elif starttls is True or user:
        tls = "starttls"
    else:
        tls = "opportunistic"
    if port is None:
        port = 465 if scheme == "smtps" else (587 if user else 25)
    return SmtpSettings(host, port, tls, user, password, tls_verify)


def _header_safe(value: str) -> str:
    return _HEADER_UNSAFE.sub(" ", value).strip()


def message_id_for(alert_id: str, sender: str) -> str:
    """A Message-ID that depends only on the alert id (and the sender's domain)."""
    digest = hashlib.sha256(alert_id.encode("utf-8")).hexdigest()[:40]
    domain = parseaddr(sender)[1].rpartition("@")[2]
    if not _DOMAIN.match(domain):
        domain = "watcher.invalid"
    return f"<watcher.{digest}@{domain}>"


def build_message(payload: Mapping[str, Any], *, alert_id: str, sender: str,
                  to: Sequence[str], now: datetime | None = None) -> EmailMessage:
    """The e-mail for one alert: text/plain and text/html alternatives."""
    msg = EmailMessage()
    msg["Subject"] = _header_safe(render_subject(payload))
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = message_id_for(alert_id, sender)
    msg["X-Watcher-Alert-Id"] = _header_safe(alert_id)
    rule = payload.get("rule")
    if isinstance(rule, str) and rule.strip():
        msg["X-Watcher-Rule"] = _header_safe(rule)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    msg.set_content(render_text(payload))
    msg.add_alternative(render_html(payload), subtype="html")
    return msg


def _address(value: str, what: str, name: str) -> str:
    if _HEADER_UNSAFE.search(value):
        raise ConfigError(f"{name}: {what} address contains control characters")
    addresses = getaddresses([value])
    if len(addresses) != 1 or "@" not in addresses[0][1]:
        raise ConfigError(f"{name}: {what} address {value!r} is not a valid e-mail address")
    return addresses[0][1]


class EmailNotifier:
    """Send alerts by SMTP. Each send opens its own connection (alerts are rare). Sends queued
    behind one the server did not answer fail at once for the timeout's length (see
    :class:`~watcher.notify.outage.Outage`)."""

    kind = "email"

    def __init__(
        self,
        name: str,
        *,
        smtp_url: str,
        sender: str,
        to: Sequence[str],
        timeout: float = 30,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.name = name
        try:
            self._smtp = parse_smtp_url(smtp_url)
        except ConfigError as exc:
            raise ConfigError(f"{name}: {exc}") from None
        recipients = [to] if isinstance(to, str) else list(to)
        if not recipients:
            raise ConfigError(f"{name}: no recipients (to) given")
        if not isinstance(sender, str) or not sender.strip():
            raise ConfigError(f"{name}: no sender (from) given")
        if timeout <= 0:
            raise ConfigError(f"{name}: email timeout must be positive, got {timeout}")
        self._sender = sender.strip()
        self._envelope_from = _address(self._sender, "sender", name)
        self._to = [r.strip() for r in recipients]
        self._envelope_to = [_address(r, "recipient", name) for r in self._to]
        self._timeout = float(timeout)
        if ssl_context is None:
            ssl_context = ssl.create_default_context()
            if not self._smtp.tls_verify:
                log.warning("%s: TLS certificate verification is OFF for %s:%d (tls_verify=false); "
                            "this is unsafe", name, self._smtp.host, self._smtp.port)
                ssl_context.check_hostname = False
                ssl_context.verify_mode = ssl.CERT_NONE
        self._ssl_context = ssl_context
        self._where = f"{self._smtp.host}:{self._smtp.port}"
        self._outage = Outage(window=self._timeout)
        self._sessions = threading.BoundedSemaphore(SESSIONS)
        self._login_refused_until = 0.0  # time.monotonic() until which no login is tried
        self._logins = threading.Lock()

    def __repr__(self) -> str:
        return f"EmailNotifier(name={self.name!r}, smtp={self._where!r}, to={self._to!r})"

    async def send(self, alert: OutboxAlert) -> None:
        alert_id = str(alert.payload.get("id") or alert.alert_id)
        # (a retry goes to those an earlier attempt did not reach; the To header names all)
        recipients = [r for r in self._envelope_to if r not in alert.done_for]
        if not recipients:
            log.debug("%s: alert %s reached every recipient already", self.name, alert_id)
            return
        try:
            msg = build_message(alert.payload, alert_id=alert_id, sender=self._sender, to=self._to)
        except (ValueError, TypeError) as exc:
            raise DeliveryError(f"{self.name}: could not build the e-mail: {exc}",
                                permanent=True) from exc
        try:
            refused = await _in_thread(self._deliver, msg, recipients, name=f"smtp {self.name}")
        except DeliveryError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            raise self._refused_all(exc, recipients) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise self._translate(exc) from None
        except (ValueError, UnicodeError) as exc:  # e.g. an address the server cannot take
            raise self._fail(f"SMTP {self._where}: cannot send this message: {exc}",
                             permanent=True) from None
        if refused:
            self._refused_some(refused, recipients, alert_id)
        log.debug("%s: delivered alert %s via %s", self.name, alert_id, self._where)

    def _refused_some(self, refused: Mapping[str, tuple[int, bytes]], recipients: Sequence[str],
                      alert_id: str) -> None:
        """The server took the message for some recipients and refused it for others: those
        refused for good (5xx) are logged and left; those refused for now (4xx) make the
        alert fail, to be sent again to them alone."""
        detail = _refusals(sorted(refused.items()))
        later = sorted(r for r, (code, _) in refused.items() if code < 500)
        if not later:
            log.warning("%s: alert %s delivered, but the server refused %s", self.name,
                        alert_id, detail)
            return
        raise self._fail(f"SMTP server {self._where} took it for some recipients but refused "
                         f"it for now for {', '.join(later)}: {detail}",
                         done_for=[r for r in recipients if r not in later])

    def _refused_all(self, exc: smtplib.SMTPRecipientsRefused,
                     recipients: Sequence[str]) -> DeliveryError:
        """Every recipient refused: for good when all refusals are 5xx; otherwise those
        refused for good are not tried again."""
        codes = [code for code, _ in exc.recipients.values()]
        detail = _refusals(exc.recipients.items())
        permanent = bool(codes) and all(c >= 500 for c in codes)
        return self._fail(
            f"SMTP server {self._where} refused every recipient: {detail}", permanent=permanent,
            done_for=() if permanent else [r for r in recipients
                                            if exc.recipients.get(r, (0, b""))[0] >= 500])

    async def aclose(self) -> None:
        """Nothing to release: every send uses its own SMTP connection."""

    # --- worker thread ---------------------------------------------------------------------

    def _deliver(self, msg: EmailMessage, recipients: Sequence[str]) -> dict[str, tuple[int, bytes]]:
        """:meth:`_session` unless the server just failed to answer; notes whether it did
        (here, in the worker thread, so that the sends waiting for a session see it)."""
        with self._sessions:
            if (skip := self._outage.skip_reason()) is not None:
                raise self._fail(f"SMTP server {self._where} {skip}", tried=False)
            self._refuse_if_login_refused()
            try:
                refused = self._session(msg, recipients)
            except (smtplib.SMTPException, OSError) as exc:
                if (reason := _unanswered(exc, self._timeout)) is not None:
                    self._outage.failed(reason)
                else:
                    self._outage.answered()
                raise
            self._outage.answered()
            return refused

    def _session(self, msg: EmailMessage,
                 recipients: Sequence[str]) -> dict[str, tuple[int, bytes]]:
        s = self._smtp
        client: smtplib.SMTP
        if s.tls == "implicit":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=self._timeout,
                                      context=self._ssl_context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=self._timeout)
        try:
            client.ehlo_or_helo_if_needed()
            if s.tls in ("starttls", "opportunistic"):
                if client.has_extn("starttls"):
                    client.starttls(context=self._ssl_context)
                    client.ehlo()
                elif s.tls == "starttls":
                    why = ("refusing to send credentials in clear" if s.user
                           else "STARTTLS was required (starttls=true)")
                    raise DeliveryError(
                        f"SMTP server {self._where} does not offer STARTTLS; {why}")
            if s.user and s.password is not None:
                self._login(client, s.user, s.password)
            return client.send_message(msg, from_addr=self._envelope_from,
                                       to_addrs=list(recipients))
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def _refuse_if_login_refused(self) -> None:
        if (wait := self._login_refused_until - time.monotonic()) > 0:
            raise self._fail(f"SMTP server {self._where} not tried: it refused the login for "
                             f"user {self._smtp.user!r} (check smtp_url; a restart applies a "
                             "corrected one)", tried=False, retry_after=wait)

    def _login(self, client: smtplib.SMTP, user: str, password: str) -> None:
        """One login at a time per channel, with one mechanism, and none for an hour after
        the server refused one: each alert's session tried its own, and smtplib tries every
        mechanism the server offers (PLAIN, then LOGIN); mail servers lock accounts after a
        few failures."""
        with self._logins:
            self._refuse_if_login_refused()
            offered = client.esmtp_features.get("auth", "").upper().split()
            mechanism = next((m for m in ("CRAM-MD5", "PLAIN", "LOGIN") if m in offered), None)
            try:
                if mechanism is None:
                    client.login(user, password)  # (raises: no mechanism in common)
                else:
                    client.user, client.password = user, password
                    client.auth(mechanism, getattr(client, "auth_" + mechanism.lower()
                                                   .replace("-", "_")))
            except smtplib.SMTPAuthenticationError:
                self._login_refused_until = time.monotonic() + LOGIN_REFUSED_WAIT
                raise

    # --- errors ------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        password = self._smtp.password
        if password:
            text = text.replace(password, "***")
        return text

    def _fail(self, message: str, *, permanent: bool = False, tried: bool = True,
              retry_after: float | None = None, done_for: Sequence[str] = ()) -> DeliveryError:
        return DeliveryError(self._scrub(message), permanent=permanent, tried=tried,
                             retry_after=retry_after, done_for=done_for)

    def _translate(self, exc: BaseException) -> DeliveryError:
        where = self._where
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return self._fail(
                f"SMTP authentication failed for user {self._smtp.user!r} at {where}: "
                f"{_reply(exc.smtp_code, exc.smtp_error)}", permanent=True)
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return self._fail(f"SMTP server {where} does not support a needed command: {exc}",
                              permanent=True)
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return self._fail(
                f"SMTP server {where} refused sender {self._envelope_from}: "
                f"{_reply(exc.smtp_code, exc.smtp_error)}", permanent=exc.smtp_code >= 500)
        if isinstance(exc, smtplib.SMTPResponseException):
            return self._fail(f"SMTP server {where} answered {_reply(exc.smtp_code, exc.smtp_error)}",
                              permanent=500 <= exc.smtp_code < 600)
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            if "timed out" in str(exc):  # smtplib turns read timeouts into disconnects
                return self._fail(f"SMTP server {where} timed out after {self._timeout:g}s")
            return self._fail(f"SMTP server {where} closed the connection unexpectedly")
        if isinstance(exc, ssl.SSLCertVerificationError):
            return self._fail(
                f"TLS certificate verification failed for SMTP server {where}: "
                f"{exc.verify_message or exc.reason} (trust its CA, or add ?tls_verify=false "
                "to smtp_url, which is unsafe)")
        if isinstance(exc, ssl.SSLError):
            return self._fail(f"TLS error with SMTP server {where}: {exc.reason or exc}")
        if isinstance(exc, TimeoutError | socket.timeout):
            return self._fail(f"SMTP server {where} timed out after {self._timeout:g}s")
        if isinstance(exc, ConnectionRefusedError) or (
                isinstance(exc, OSError) and exc.errno == errno.ECONNREFUSED):
            return self._fail(f"SMTP server {where}: connection refused")
        if isinstance(exc, socket.gaierror):
            return self._fail(f"SMTP host {self._smtp.host!r} could not be resolved")
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc) or exc.__class__.__name__
            return self._fail(f"SMTP server {where}: {reason}")
        return self._fail(f"SMTP error with {where}: {exc.__class__.__name__}: {exc}")


async def _in_thread(fn: Callable[..., _T], *args: Any, name: str) -> _T:
    """``fn(*args)`` in a daemon thread of its own. Not :func:`asyncio.to_thread`: the
    executor's threads are waited for when the process exits, so a stop (SIGTERM) during an
    SMTP exchange that hangs took up to the timeout, past ``docker stop``'s grace period.
    Stopped so, the alert was claimed and not marked sent: it is sent again (at least once)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[_T] = loop.create_future()

    def resolve(value: _T | None, error: Exception | None) -> None:
        if done.done():  # (the waiting task was cancelled)
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(cast(_T, value))

    def run() -> None:
        try:
            value, error = fn(*args), None
        except Exception as exc:
            value, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
            loop.call_soon_threadsafe(resolve, value, error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return await done


def _unanswered(exc: BaseException, timeout: float) -> str | None:
    """Why the server did not answer at all (None: it answered, if only to refuse)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"timed out after {timeout:g}s" if "timed out" in str(exc) else "disconnected"
    if isinstance(exc, smtplib.SMTPException | ssl.SSLError):
        return None
    if isinstance(exc, TimeoutError):
        return f"timed out after {timeout:g}s"
    if isinstance(exc, socket.gaierror):
        return "host name could not be resolved"
    if isinstance(exc, ConnectionRefusedError) or (
            isinstance(exc, OSError) and exc.errno == errno.ECONNREFUSED):
        return "connection refused"
    if isinstance(exc, OSError):
        return exc.strerror or exc.__class__.__name__
    return None


def _refusals(refused: Iterable[tuple[str, tuple[int, bytes]]]) -> str:
    """``rcpt: code text; ...`` of the recipients a server refused."""
    return "; ".join(f"{rcpt}: {_reply(code, text)}" for rcpt, (code, text) in refused)


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}".strip()
