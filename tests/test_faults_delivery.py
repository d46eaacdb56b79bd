"""Fault injection, part 2: alert delivery through the real CLI, on SQLite and PostgreSQL.

Webhook and SMTP down, then back; an alert that dies after ``alert_max_attempts`` and is sent
again by ``watcher alerts --retry``; the SSRF guard refusing a loopback feed and a loopback
webhook without losing the alert; SIGKILL in the middle of a delivery. Each time: every alert
arrives, duplicates only under the same id.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faultkit import (
    Mailbox,
    Receiver,
    cli,
    cli_json,
    email_alert,
    feeds_by_name,
    quake_item,
    rss,
    watcher_cmd,
    webhook_alert,
    write_config,
)
from loopback import LoopbackServer, serve, text

pytestmark = pytest.mark.slow


def feed_server(items: list[tuple[str, str]]) -> AbstractContextManager[LoopbackServer]:
    return serve({"/feed.xml": lambda _r: text(rss(items), content_type="application/rss+xml")})


def poll(config: Path) -> str:
    done = cli(config, "poll", "--once")
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_webhook_and_smtp_down_then_back(db_url: str, tmp_path: Path) -> None:
    receiver, mailbox = Receiver(), Mailbox()  # neither started: connection refused
    with feed_server([quake_item(120)]) as server:
        config = write_config(tmp_path, db_url, [("wire", server.url("/feed.xml"))],
                              alerts=webhook_alert(receiver) + email_alert(mailbox))
        try:
            out = poll(config)
            assert "1 new alerts" in out and "delivered 0, 2 to retry" in out, out
            pending = cli_json(config, "alerts")
            assert sorted(a["channel"].split(":")[0] for a in pending) == ["email", "webhook"]
            assert all(a["status"] == "pending" and a["attempts"] == 1 for a in pending)
            assert all("refused" in a["last_error"] for a in pending), pending
            [alert_id] = {a["alert_id"] for a in pending}

            # still down: nothing is lost, attempts are counted
            out = poll(config)
            assert "delivered 0, 2 to retry" in out, out

            receiver.start()
            mailbox.start()
            out = poll(config)
            assert "delivered 2, 0 to retry, 0 dead" in out, out
            assert receiver.ids() == [alert_id]
            assert mailbox.ids() == [alert_id]
            assert "no pending alerts" in cli(config, "alerts").stdout
            # what was delivered, newest first, with the item it is about
            sent = cli(config, "alerts", "--sent").stdout
            assert sent.count(alert_id[:12]) == 2 and "sent" in sent and "ITEM" in sent, sent
            assert quake_item(120)[1][:40] in sent
            assert len(cli_json(config, "alerts", "--sent", "--limit", "1")) == 1
            assert cli(config, "alerts", "--sent", "--failed").returncode == 2

            out = poll(config)  # nothing is sent twice
            assert "delivered 0," in out, out
            assert receiver.ids() == [alert_id] and mailbox.ids() == [alert_id]
        finally:
            receiver.stop()
            mailbox.stop()


def test_dead_alert_is_listed_and_retried_under_the_same_id(db_url: str, tmp_path: Path) -> None:
    receiver = Receiver(mode="fail").start()
    with feed_server([quake_item(130)]) as server:
        config = write_config(tmp_path, db_url, [("wire", server.url("/feed.xml"))],
                              alerts=webhook_alert(receiver), extra="alert_max_attempts: 2\n")
        try:
            assert "delivered 0, 1 to retry, 0 dead" in poll(config)
            assert cli_json(config, "alerts", "--failed") == []
            assert "delivered 0, 0 to retry, 1 dead" in poll(config)
            [dead] = cli_json(config, "alerts", "--failed")
            assert dead["status"] == "dead" and dead["attempts"] == 2
            assert "HTTP 500" in dead["last_error"]
            listed = cli(config, "alerts", "--failed")
            assert dead["alert_id"][:12] in listed.stdout and "dead" in listed.stdout
            assert "delivered 0, 0 to retry, 0 dead" in poll(config)  # dead: left alone
            assert len(receiver.attempts) == 2

            receiver.mode = "ok"
            retried = cli(config, "alerts", "--retry")
            assert retried.returncode == 0 and "1 dead alerts queued again" in retried.stdout
            assert cli_json(config, "alerts", "--failed") == []
            assert "delivered 1, 0 to retry, 0 dead" in poll(config)
            assert receiver.ids() == [dead["alert_id"]]
            assert {d.payload["id"] for d in receiver.attempts} == {dead["alert_id"]}
            assert {d.headers["idempotency-key"] for d in receiver.attempts} == {dead["alert_id"]}
        finally:
            receiver.stop()


def test_ssrf_guard_refuses_loopback_feed_and_webhook_but_keeps_the_alert(
        db_url: str, tmp_path: Path) -> None:
    receiver = Receiver()  # down for the first poll
    with feed_server([quake_item(140)]) as server:
        feeds = [("wire", server.url("/feed.xml"))]

        def configure(allow: bool) -> Path:
            return write_config(tmp_path, db_url, feeds, alerts=webhook_alert(receiver),
                                extra=f"allow_private_networks: {str(allow).lower()}\n")

        # 1. private networks allowed: the item is fetched, the alert waits (receiver down)
        config = configure(True)
        assert "1 new alerts" in poll(config)
        [pending] = cli_json(config, "alerts")
        fetched = len(server.requests)
        receiver.start()
        try:
            # 2. the default: loopback is refused for the feed and for the webhook
            config = configure(False)
            out = poll(config)
            assert "feed wire: error: blocked address 127.0.0.1" in out, out
            assert len(server.requests) == fetched  # the guard refused before connecting
            assert receiver.attempts == []
            wire = feeds_by_name(config)["wire"]
            assert wire["status"] == "error" and "blocked address" in wire["error"]
            [still] = cli_json(config, "alerts")  # not lost, not dead
            assert still["alert_id"] == pending["alert_id"]
            assert still["status"] == "pending" and "blocked address" in still["last_error"]
            assert "allow_private_networks: true in the config allows it" in wire["error"]
            # polled again under the same setting: the feed waits out its backoff, and says so
            again = poll(config)
            assert "polled 0 feeds" in again and "1 failing feeds not polled" in again, again
            assert feeds_by_name(config)["wire"]["next_poll"] > wire["last_polled"]

            # 3. allowed again: the same alert goes out, and the feed refused under the old
            # setting is polled at once (its backoff came from our setting, not its server)
            config = configure(True)
            out = poll(config)
            assert "delivered 1," in out and "polled 1 feeds" in out, out
            assert receiver.ids() == [pending["alert_id"]]
            assert len(server.requests) == fetched + 1
            assert feeds_by_name(config)["wire"]["status"] == "ok"
        finally:
            receiver.stop()


def test_correcting_a_channels_address_delivers_its_queue(db_url: str, tmp_path: Path) -> None:
    """A channel is named after its URL or server: fixing a wrong webhook URL or SMTP port
    renamed it, and its pending alerts went dead as "no longer configured". They follow the
    one channel of their kind now; with two candidates they wait instead of dying."""
    wrong_hook, wrong_mail = Receiver(), Mailbox()   # never started: connection refused
    hook, mailbox = Receiver().start(), Mailbox().start()
    try:
        with feed_server([quake_item(160)]) as server:
            feeds = [("wire", server.url("/feed.xml"))]
            config = write_config(tmp_path, db_url, feeds,
                                  alerts=webhook_alert(wrong_hook) + email_alert(wrong_mail))
            assert "delivered 0, 2 to retry" in poll(config)
            [alert_id] = {a["alert_id"] for a in cli_json(config, "alerts")}

            # two webhooks now (the fixed one and another): which one takes the queue is not
            # ours to guess, so the webhook's alert waits, pending; the e-mail's goes out
            other = Receiver().start()
            try:
                config = write_config(tmp_path, db_url, feeds, alerts=webhook_alert(hook)
                                      + webhook_alert(other) + email_alert(mailbox))
                out = poll(config)
                assert "delivered 1, 1 to retry, 0 dead" in out, out
                assert mailbox.ids() == [alert_id] and hook.ids() == other.ids() == []
                [waiting] = cli_json(config, "alerts")
                assert waiting["status"] == "pending"
                assert "no longer configured" in waiting["last_error"]
            finally:
                other.stop()

            config = write_config(tmp_path, db_url, feeds,
                                  alerts=webhook_alert(hook) + email_alert(mailbox))
            out = poll(config)
            assert "delivered 1, 0 to retry, 0 dead" in out, out
            assert hook.ids() == [alert_id] and mailbox.ids() == [alert_id]   # once each
            assert cli_json(config, "alerts") == []
            assert "delivered 0, 0 to retry, 0 dead" in poll(config)
            assert hook.ids() == [alert_id] and mailbox.ids() == [alert_id]
    finally:
        hook.stop()
        mailbox.stop()


def test_sigkill_in_the_middle_of_a_delivery_loses_nothing(db_url: str, tmp_path: Path) -> None:
    receiver = Receiver(mode="hang").start()  # accepts the POST, never answers
    mailbox = Mailbox().start()                # answers at once
    with feed_server([quake_item(150), quake_item(151, place="Peru")]) as server:
        config = write_config(tmp_path, db_url, [("wire", server.url("/feed.xml"))],
                              alerts=webhook_alert(receiver) + email_alert(mailbox))
        try:
            proc = subprocess.Popen(watcher_cmd(config, "poll", "--once"), cwd=tmp_path,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 20
            while len(receiver.attempts) < 1 and time.monotonic() < deadline:
                assert proc.poll() is None, "poll --once finished before the kill"
                time.sleep(0.05)
            # the story's first alert hangs; its second waits behind it (order kept)
            assert len(receiver.attempts) == 1, receiver.attempts
            # the e-mails, sent while the webhook hangs, are recorded as sent at once (they
            # waited for the slowest send of their batch, and were sent again after the kill)
            while len(mailbox.ids()) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            while time.monotonic() < deadline and sum(
                    a["channel"].startswith("email:") for a in cli_json(config, "alerts")):
                time.sleep(0.1)
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=10) == -signal.SIGKILL
            in_flight = {d.payload["id"] for d in receiver.attempts}
            both = set(mailbox.ids())
            assert len(both) == 2 and in_flight < both

            receiver.stop()
            receiver.mode = "ok"
            receiver.start()
            out = poll(config)
            assert "0 new alerts" in out and "delivered 2, 0 to retry" in out, out
            # both arrived, the one in flight possibly twice, but always under the same ids
            assert set(receiver.ids()) == both
            assert {d.payload["id"] for d in receiver.attempts} == both
            assert len(cli_json(config, "hits")) == 2
            assert "no pending alerts" in cli(config, "alerts").stdout
            assert sorted(mailbox.ids()) == sorted(both)   # each e-mail once
        finally:
            receiver.stop()
            mailbox.stop()


def test_sigterm_to_poll_once_hands_back_the_alerts_it_claimed(db_url: str,
                                                              tmp_path: Path) -> None:
    """`poll --once` stopped by SIGTERM (a cron job's timeout, a container stopped) while a
    webhook hangs: it exits at once, and what it claimed is due again at once (the signal's
    default action left those alerts leased for five minutes); a run right after sends them."""
    receiver = Receiver(mode="hang").start()
    with feed_server([quake_item(150), quake_item(151, place="Peru")]) as server:
        config = write_config(tmp_path, db_url, [("wire", server.url("/feed.xml"))],
                              alerts=webhook_alert(receiver))
        try:
            proc = subprocess.Popen(watcher_cmd(config, "poll", "--once"), cwd=tmp_path,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 20
            while not receiver.attempts and time.monotonic() < deadline:
                assert proc.poll() is None, "poll --once finished before the stop"
                time.sleep(0.05)
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=10)
            assert proc.returncode == 143, err
            assert "stopped" in err
            pending = cli_json(config, "alerts")
            assert len(pending) == 2 and all(a["attempts"] == 0 for a in pending), pending
            now = datetime.now(UTC)
            assert all(datetime.fromisoformat(a["next_attempt_at"]) <= now for a in pending)
            assert "NEXT TRY" in cli(config, "alerts").stdout
            receiver.stop()
            receiver.mode = "ok"
            receiver.start()
            # `watcher run` would claim them at its next tick: due now, not leased
            out = cli(config, "alerts", "--retry")
            assert "0 waiting alerts due now" in out.stdout, out.stdout
            assert "delivered 2, 0 to retry" in poll(config)
            assert sorted(receiver.ids()) == sorted(a["alert_id"] for a in pending)
        finally:
            receiver.stop()
