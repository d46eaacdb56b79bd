"""Logging set-up for the CLI: readable text or JSON lines, with secrets redacted."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from pythonjsonlogger.json import JsonFormatter

_CONTEXT = ("feed", "rule")


class _TextFormatter(logging.Formatter):
    """``2024-10-21 10:00:00 INFO watcher.core [feed=wire]: message``."""

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{k}={getattr(record, k)}" for k in _CONTEXT if hasattr(record, k))
        record.context = f" [{context}]" if context else ""
        return super().format(record)


class RedactSecrets(logging.Filter):
    """Replace every configured secret in a log line by ``***``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s and len(s) >= 3)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            redacted = message
            for secret in self.secrets:
                redacted = redacted.replace(secret, "***")
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


_redactor = RedactSecrets()


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(_TextFormatter(
            "%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    handler.addFilter(_redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler", "watchfiles", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def redact(secrets: Iterable[str]) -> None:
    """Register the configuration's secrets so no log line carries them."""
    _redactor.secrets = tuple(s for s in secrets if s and len(s) >= 3)
