"""Logging: secrets never reach a log line, tracebacks included; JSON lines carry context."""

from __future__ import annotations

import json
import logging

import pytest

from watcher.logs import redact, setup_logging


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secrets_are_redacted_in_messages_and_tracebacks(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    setup_logging("INFO", fmt)
    redact(["hunter2-secret", "pw-xyz"])
    log = logging.getLogger("watcher.test")
    log.warning("connecting with %s", "smtp://u:pw-xyz@host")
    try:
        raise RuntimeError("auth failed for hunter2-secret")
    except RuntimeError:
        log.exception("delivery failed")
    out = capsys.readouterr().err
    assert "hunter2-secret" not in out and "pw-xyz" not in out
    assert out.count("***") >= 2
    assert "RuntimeError" in out
    redact([])


def test_json_lines_carry_feed_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("INFO", "json")
    logging.getLogger("watcher.core").info("polled", extra={"feed": "wire", "rule": "nk"})
    [line] = capsys.readouterr().err.splitlines()
    record = json.loads(line)
    assert record["message"] == "polled"
    assert (record["feed"], record["rule"], record["level"]) == ("wire", "nk", "INFO")
    assert record["logger"] == "watcher.core"


def test_text_lines_show_context(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("INFO", "text")
    logging.getLogger("watcher.core").info("polled", extra={"feed": "wire"})
    assert "watcher.core [feed=wire]: polled" in capsys.readouterr().err
