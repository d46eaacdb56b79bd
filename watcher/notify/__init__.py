"""Alert delivery: webhook and e-mail channels.

The alert payload is an external contract (JSON-serialisable dict)::

    {"id": "<stable alert id>", "rule": "nk-troops",
     "item": {"title": "...", "link": "...", "published": "2024-10-31T20:00:00Z", "feed": "wire"},
     "new_figures": [{"value": 8000, "quantity": "North Korean troops in Kursk",
                      "text": "around 8,000 North Korean soldiers", "said_by": "Antony Blinken",
                      "previous": [{"value": 3000, "said_by": "NIS", "published": "..."}]}],
     "new_actors": [{"name": "Antony Blinken", "kind": "person"}]}

Every channel implements :class:`Notifier`; :func:`build_notifiers` makes them from the
``alerts:`` list of the configuration.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import httpx

from watcher.errors import ConfigError
from watcher.models import OutboxAlert
from watcher.notify.email import EmailNotifier
from watcher.notify.webhook import WebhookNotifier

__all__ = ["EmailNotifier", "Notifier", "WebhookNotifier", "build_notifiers"]


@runtime_checkable
class Notifier(Protocol):
    """One alert channel. ``send`` raises :class:`~watcher.errors.DeliveryError` on failure."""

    name: str  # channel name, e.g. "webhook:0", "email:1"

    async def send(self, alert: OutboxAlert) -> None: ...

    async def aclose(self) -> None: ...


_WEBHOOK_KEYS = frozenset({"type", "name", "url", "secret", "timeout"})
_EMAIL_KEYS = frozenset({"type", "name", "to", "from", "smtp_url", "timeout"})


def _timeout(entry: Mapping[str, Any], where: str, default: float) -> float:
    value = entry.get("timeout", default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{where}: timeout must be a positive number of seconds, got {value!r}")
    return float(value)


def _required_str(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: `{key}` is required and must be a non-empty string")
    return value.strip()


def _default_channel_name(kind: str, entry: Mapping[str, Any]) -> str:
    if kind == "webhook":
        parts = urlsplit(str(entry.get("url", "")))
        identity = f"{parts.hostname}:{parts.port}{parts.path}?{parts.query}"
    else:
        parts = urlsplit(str(entry.get("smtp_url", "")))
        to = entry.get("to")
        recipients = sorted([to] if isinstance(to, str) else [str(r) for r in to or ()])
        identity = f"{parts.hostname}:{parts.port}|{entry.get('from')}|{','.join(recipients)}"
    return f"{kind}:{hashlib.sha256(identity.encode()).hexdigest()[:10]}"


def build_notifiers(
    alerts_config: Sequence[Mapping[str, Any]],
    *,
    transport_factory: Callable[[], httpx.AsyncBaseTransport] | None = None,
) -> list[Notifier]:
    """Make one notifier per entry of the config's ``alerts:`` list.

    Entries: ``{type: webhook, url, secret?, timeout?, name?}`` and
    ``{type: email, to (string or list), from, smtp_url, timeout?, name?}``. Channels are named
    after what they deliver to (``"webhook:<hash of the URL>"``, ``"email:<hash of server,
    sender and recipients>"``, never of a password) unless the entry gives a ``name``: pending
    alerts are queued per channel name, so the name must not change when another entry is
    added or removed. ``transport_factory`` (tests,
    custom networking) is called once per webhook. Raises ConfigError naming the entry.
    """
    notifiers: list[Notifier] = []
    seen: set[str] = set()
    for position, entry in enumerate(alerts_config):
        where = f"alerts[{position}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: expected a mapping with a `type`, got {type(entry).__name__}")
        kind = entry.get("type")
        if kind not in ("webhook", "email"):
            raise ConfigError(f"{where}: type must be `webhook` or `email`, got {kind!r}")
        allowed = _WEBHOOK_KEYS if kind == "webhook" else _EMAIL_KEYS
        unknown = sorted(str(k) for k in entry if k not in allowed)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} for a {kind} alert "
                              f"(allowed: {', '.join(sorted(allowed))})")
        name = entry.get("name")
        if name is None:
            name = _default_channel_name(kind, entry)
        elif not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: name must be a non-empty string")
        name = name.strip()
        if name in seen:
            raise ConfigError(f"{where}: duplicate alert channel name {name!r}")
        seen.add(name)

        notifier: Notifier
        if kind == "webhook":
            secret = entry.get("secret")
            if secret is not None and (not isinstance(secret, str) or not secret):
                raise ConfigError(f"{where}: secret must be a non-empty string")
            notifier = WebhookNotifier(
                name,
                _required_str(entry, "url", where),
                secret=secret,
                timeout=_timeout(entry, where, 15),
                transport=transport_factory() if transport_factory is not None else None,
            )
        else:
            to = entry.get("to")
            recipients = [to] if isinstance(to, str) else to
            if (not isinstance(recipients, list | tuple) or not recipients
                    or not all(isinstance(r, str) and r.strip() for r in recipients)):
                raise ConfigError(f"{where}: `to` must be an address or a non-empty list of addresses")
            notifier = EmailNotifier(
                name,
                smtp_url=_required_str(entry, "smtp_url", where),
                sender=_required_str(entry, "from", where),
                to=list(recipients),
                timeout=_timeout(entry, where, 30),
            )
        notifiers.append(notifier)
    return notifiers
