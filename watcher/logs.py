"""Logging set-up for the CLI: readable text or JSON lines, with secrets redacted."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from pythonjsonlogger.json import JsonFormatter

_CONTEXT = ("feed", "rule")


class Secrets:
    """The configuration's secrets; every formatted log line is scrubbed of them."""

    def __init__(self) -> None:
        self.values: tuple[str, ...] = ()

    def redact(self, text: str) -> str:
        for secret in self.values:
            text = text.replace(secret, "***")
        return text


_secrets = Secrets()


class _TextFormatter(logging.Formatter):
    """``2024-10-21 10:00:00 INFO watcher.core [feed=wire]: message``."""

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{k}={getattr(record, k)}" for k in _CONTEXT if hasattr(record, k))
        record.context = f" [{context}]" if context else ""
        return _secrets.redact(super().format(record))


class _JsonFormatter(JsonFormatter):
    """One JSON object per line; extra fields (feed, rule) become keys."""

    def format(self, record: logging.LogRecord) -> str:
        return _secrets.redact(super().format(record))


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(_JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(_TextFormatter(
            "%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler", "watchfiles", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def redact(secrets: Iterable[str]) -> None:
    """Register the configuration's secrets so no log line carries them (short values, which
    would blank out ordinary words, are not treated as secrets)."""
    _secrets.values = tuple(s for s in secrets if s and len(s) >= 3)
