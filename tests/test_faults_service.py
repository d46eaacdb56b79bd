"""Fault injection, part 3: `watcher run` as a real process.

SIGTERM while a fetch is stuck on a dripping server; rule files edited while running (good,
broken, a new broken file); Retry-After honoured by the scheduler; secrets kept out of DEBUG
logs and the database, JSON log lines with feed/rule context; PostgreSQL restarted under a
running service (/healthz 503 while it is down, 200 after, alerts from after the restart).
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from faultkit import (
    RULE,
    Mailbox,
    Receiver,
    cli,
    dump_database,
    feeds_by_name,
    free_port,
    get_health,
    quake_item,
    rss,
    service,
    webhook_alert,
    write_config,
)
from loopback import LoopbackServer, Reply, Request, drip, serve, text

pytestmark = pytest.mark.slow


@contextmanager
def live_feed(items: list[tuple[str, str]]) -> Iterator[LoopbackServer]:
    """Serves ``rss(items)`` at /feed.xml, reading the (mutable) list on every request."""
    with serve({"/feed.xml": lambda _r: text(rss(items), content_type="application/rss+xml")}
               ) as server:
        yield server


def titles(receiver: Receiver) -> set[str]:
    return {d.payload["item"]["title"] for d in receiver.delivered}


def test_sigterm_exits_promptly_while_a_fetch_is_stuck(db_url: str, tmp_path: Path) -> None:
    """One fetch is stuck (a feed dripping a byte a second, fetch timeout 2 minutes); another
    is merely slow and completes during the shutdown grace: its item is kept."""
    def stuck(_request: Request) -> Reply:
        return Reply(200, {"Content-Type": "application/rss+xml"},
                     drip(rss([quake_item(1)]), every=1.0))

    slow_body = rss([quake_item(2)])

    def slow(_request: Request) -> Reply:
        return Reply(200, {"Content-Type": "application/rss+xml"},
                     drip(slow_body, every=0.5, chunk=len(slow_body) // 5 + 1))

    with serve({"/stuck.xml": stuck, "/slow.xml": slow}) as server:
        config = write_config(tmp_path, db_url, [("stuck", server.url("/stuck.xml")),
                                                 ("slow", server.url("/slow.xml"))],
                              extra="fetch: {timeout: 120s, per_host: 4}\n")
        with service(config) as svc:
            svc.wait_for(lambda: server.active >= 2, "both fetches to be under way")
            code, seconds = svc.terminate()
            print(f"\nSIGTERM with a stuck fetch ({db_url.split(':')[0]}): exit {code} "
                  f"after {seconds:.2f}s")
            assert code == 0, svc.log()
            assert seconds < 10, svc.log()
            log = svc.log()
        assert "stopped" in log
        assert "Traceback" not in log, log
    hits = json.loads(cli(config, "hits", "--json").stdout)
    assert [h["feed"] for h in hits] == ["slow"], (hits, log)


def test_rules_reload_while_running_and_retry_after_is_honoured(
        db_url: str, tmp_path: Path) -> None:
    items = [quake_item(120)]
    receiver = Receiver().start()
    with live_feed(items) as feed, serve(
            {"/throttled.xml": lambda _r: text("slow down", status=429, Retry_After="3600")}
    ) as throttled:
        config = write_config(
            tmp_path, db_url,
            [("wire", feed.url("/feed.xml")), ("throttled", throttled.url("/throttled.xml"))],
            alerts=webhook_alert(receiver), extra="poll_interval: 1s\n")
        rule_file = tmp_path / "rules" / "quake.yaml"
        with service(config) as svc:
            svc.wait_for(lambda: titles(receiver) == {quake_item(120)[1]}, "the first alert")

            # a good edit: the rule now also follows floods
            mark = len(svc.log())
            rule_file.write_text(RULE.replace("[earthquake]", "[earthquake, flood]"),
                                 encoding="utf-8")
            svc.wait_for_log(r"rule files changed, reloading", after=mark)
            svc.wait_for_log(r"1 rule active", after=mark)
            items.append(("flood-33", "Flood kills 33 people in Peru"))
            svc.wait_for(lambda: "Flood kills 33 people in Peru" in titles(receiver),
                         "an alert from the edited rule")

            # a broken edit: reported with file:line, the last good version stays active
            mark = len(svc.log())
            rule_file.write_text("name: quake\nmatch:\n  any: [earthquake\n", encoding="utf-8")
            problem = svc.wait_for_log(rf"rule problem: {rule_file}:(\d+): .+", after=mark)
            assert int(problem.group(1)) >= 1
            items.append(("flood-44", "Flood kills 44 people in Bolivia"))
            svc.wait_for(lambda: "Flood kills 44 people in Bolivia" in titles(receiver),
                         "an alert from the last good version")

            # a new broken file does not stop the others
            mark = len(svc.log())
            other = tmp_path / "rules" / "other.yaml"
            other.write_text("name: other\nmatch:\n  any: [storm]\nknown_figures: 12\n",
                             encoding="utf-8")
            svc.wait_for_log(rf"rule problem: {other}:\d+: .+", after=mark)
            items.append(quake_item(55, place="Ecuador"))
            svc.wait_for(lambda: quake_item(55, place="Ecuador")[1] in titles(receiver),
                         "an alert after a broken new file")

            # Retry-After: one request in all this time, the next one an hour away
            assert len(throttled.requests) == 1, len(throttled.requests)
            assert len(feed.requests) >= 4
            code, _seconds = svc.terminate()
            assert code == 0, svc.log()
        state = feeds_by_name(config)
        assert "HTTP 429" in state["throttled"]["error"]
        assert state["throttled"]["next_poll"] > state["wire"]["next_poll"]
        assert len(receiver.ids()) == len(set(receiver.ids())) == 4
    receiver.stop()


def test_a_rule_broken_before_a_restart_runs_in_its_last_good_version(
        db_url: str, tmp_path: Path) -> None:
    """"Keep the last good rules" held only within one process: started with a broken file,
    watcher ran without its rule, and items arriving meanwhile were stored as analysed with
    no hit, for good. The last good text is kept in the database for the next start."""
    items = [quake_item(120)]
    receiver = Receiver().start()
    try:
        with live_feed(items) as feed:
            config = write_config(tmp_path, db_url, [("wire", feed.url("/feed.xml"))],
                                  alerts=webhook_alert(receiver))
            first = cli(config, "poll", "--once")
            assert first.returncode == 0 and "1 hits" in first.stdout, first.stdout
            rule_file = tmp_path / "rules" / "quake.yaml"
            rule_file.write_text("name: quake\nmatch:\n  any: [earthquake\n", encoding="utf-8")
            items.append(quake_item(130, place="Peru"))
            second = cli(config, "poll", "--once")
            assert second.returncode == 0 and "1 hits" in second.stdout, second.stdout
            assert f"rule problem: {rule_file}:" in second.stderr      # still reported
            assert "keeping its last good version (rule 'quake')" in second.stderr
            assert quake_item(130, place="Peru")[1] in titles(receiver)
            assert len(json.loads(cli(config, "hits", "--json").stdout)) == 2
    finally:
        receiver.stop()


def test_rules_directory_replaced_while_running_is_watched_again(tmp_path: Path) -> None:
    """``rm -r rules && cp -r new rules`` (or a volume mounted again): the watch was on the old
    directory, so no later edit was ever reloaded. The new directory is read and watched."""
    items = [("flood-1", "Flood kills 12 people in Peru")]
    receiver = Receiver().start()
    with live_feed(items) as feed:
        config = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}",
                              [("wire", feed.url("/feed.xml"))],
                              alerts=webhook_alert(receiver), extra="poll_interval: 1s\n")
        rules = tmp_path / "rules"
        with service(config) as svc:
            svc.wait_for_log(r"1 rule active")
            time.sleep(1)  # the watch is on
            mark = len(svc.log())
            rules.rename(tmp_path / "rules.old")
            time.sleep(1.5)
            rules.mkdir()
            (rules / "quake.yaml").write_text(RULE, encoding="utf-8")
            svc.wait_for_log(r"rules directory replaced, reloading", after=mark)
            # an edit in the new directory is seen: the rule now follows floods
            mark = len(svc.log())
            time.sleep(0.5)
            (rules / "quake.yaml").write_text(RULE.replace("[earthquake]", "[earthquake, flood]"),
                                              encoding="utf-8")
            svc.wait_for_log(r"rule files changed, reloading", after=mark)
            items.append(("flood-2", "Flood kills 33 people in Peru"))
            svc.wait_for(lambda: "Flood kills 33 people in Peru" in titles(receiver),
                         "an alert from the rule edited in the new directory")
            # and a file added to it too
            mark = len(svc.log())
            (rules / "storm.yaml").write_text(RULE.replace("name: quake", "name: storm")
                                              .replace("[earthquake]", "[storm]"),
                                              encoding="utf-8")
            svc.wait_for_log(r"2 rules active", after=mark)
            code, _seconds = svc.terminate()
            assert code == 0, svc.log()
    receiver.stop()


def test_secrets_stay_out_of_debug_json_logs_and_the_database(
        db_url: str, tmp_path: Path) -> None:
    webhook_secret = "whsec-4f1e8c2b9d7a6350"
    smtp_password = "smtp-pw-9c8b7a6d5e4f"
    env = {"WATCHER_WEBHOOK_SECRET": webhook_secret, "SMTP_PASSWORD": smtp_password}
    receiver, mailbox = Receiver().start(), Mailbox().start()
    items = [quake_item(120)]
    with live_feed(items) as feed:
        alerts = webhook_alert(receiver, secret_var="WATCHER_WEBHOOK_SECRET") + (
            # credentials without TLS: refused by watcher, an error that gets logged each time
            "  - type: email\n    to: [analyst@example.org]\n    from: watcher@example.org\n"
            f"    smtp_url: smtp://watcher:${{SMTP_PASSWORD}}@127.0.0.1:{mailbox.port}\n")
        config = write_config(tmp_path, db_url, [("wire", feed.url("/feed.xml"))],
                              alerts=alerts, extra="poll_interval: 1s\n")
        try:
            with service(config, "--log-level", "DEBUG", "--log-format", "json",
                         env=env) as svc:
                svc.wait_for(lambda: len(receiver.delivered) == 1, "the webhook alert")
                svc.wait_for_log(r"alert \w+ to email:\w+ failed")
                items.append(quake_item(121))  # a second round of everything
                svc.wait_for(lambda: len(receiver.delivered) == 2, "the second alert")
                code, _ = svc.terminate()
                assert code == 0
                log = svc.log()
            once = cli(config, "--log-level", "DEBUG", "--log-format", "json", "poll", "--once",
                       env=env)
            assert once.returncode == 0, once.stderr
            log += once.stderr
        finally:
            receiver.stop()
            mailbox.stop()

    records = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert any(r["level"] == "DEBUG" for r in records)
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    with_context = [r for r in records if r.get("feed") == "wire" and r.get("rule") == "quake"]
    assert with_context, "no log line names both the feed and the rule"
    failures = [r for r in records if r["level"] == "WARNING" and re.search(r"email:\w+ failed", r["message"])]
    assert failures, "the failing e-mail channel was not logged"
    assert all(r.get("rule") == "quake" for r in failures)
    for secret in (webhook_secret, smtp_password):
        assert secret not in log
        assert secret not in dump_database(db_url)
    # the signature was made with the secret, so it was really in use
    assert all("x-watcher-signature" in d.headers for d in receiver.delivered)
    assert mailbox.messages == []


def _pg_cluster() -> tuple[str, str]:
    versions = sorted(Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").is_dir() else []
    if not versions or shutil.which("pg_ctlcluster") is None:
        pytest.skip("needs a local PostgreSQL cluster managed by pg_ctlcluster")
    return versions[-1].name, "main"


def _pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"],
                          check=False).returncode == 0


def _pg_ctl(action: str, version: str, cluster: str) -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action,
                    *(["-m", "fast"] if action == "stop" else [])],
                   check=True, capture_output=True, timeout=60)


@contextmanager
def _restart_lock() -> Iterator[None]:
    """One PostgreSQL restart test at a time on this machine (concurrent test runs share the
    server; other runs' PostgreSQL tests still see the outage)."""
    with open("/tmp/watcher-test-pg-restart.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.mark.postgres
def test_postgresql_restart_under_a_running_service(pg_url: str, tmp_path: Path) -> None:
    with _restart_lock():
        try:
            _postgresql_restart_under_a_running_service(pg_url, tmp_path)
        finally:  # never leave PostgreSQL stopped, whatever happened
            version, cluster = _pg_cluster()
            if not _pg_ready():
                subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster,
                                "start"], check=False, capture_output=True, timeout=60)
            deadline = time.monotonic() + 60
            while not _pg_ready() and time.monotonic() < deadline:
                time.sleep(0.5)


def _postgresql_restart_under_a_running_service(pg_url: str, tmp_path: Path) -> None:
    version, cluster = _pg_cluster()
    health_port = free_port()
    items = [quake_item(120)]
    receiver = Receiver().start()
    with live_feed(items) as feed:
        config = write_config(
            tmp_path, pg_url, [("wire", feed.url("/feed.xml"))], alerts=webhook_alert(receiver),
            extra=f"poll_interval: 1s\nhealth: {{host: 127.0.0.1, port: {health_port}}}\n")
        with service(config) as svc:
            svc.wait_for(lambda: len(receiver.delivered) == 1, "the first alert")
            svc.wait_for(lambda: get_health(health_port)[0] == 200, "healthy before")
            try:
                _pg_ctl("stop", version, cluster)
                items.append(quake_item(121))  # published while the database is down
                svc.wait_for(lambda: get_health(health_port)[0] == 503, "503 while down")
                _status, body = get_health(health_port)
                assert body["database"] == {"ok": False}, body
                svc.wait_for_log(r"database error", timeout=15)
                assert svc.proc.poll() is None
            finally:
                if not _pg_ready():
                    _pg_ctl("start", version, cluster)
                deadline = time.monotonic() + 60
                while not _pg_ready() and time.monotonic() < deadline:
                    time.sleep(0.5)
                assert _pg_ready(), "PostgreSQL did not come back"
            svc.wait_for(lambda: get_health(health_port)[0] == 200, "200 after the restart")
            svc.wait_for(lambda: quake_item(121)[1] in titles(receiver),
                         "the alert for the item published during the outage", timeout=30)
            items.append(quake_item(122))  # and after
            svc.wait_for(lambda: quake_item(122)[1] in titles(receiver),
                         "the alert for an item published after the restart", timeout=30)
            # a plain restart (what CI does), without waiting in between
            try:
                _pg_ctl("restart", version, cluster)
            finally:
                if not _pg_ready():
                    _pg_ctl("start", version, cluster)
            items.append(quake_item(123))
            svc.wait_for(lambda: quake_item(123)[1] in titles(receiver),
                         "the alert for an item published after a plain restart", timeout=30)
            assert svc.proc.poll() is None
            code, _ = svc.terminate()
            assert code == 0, svc.log()
    receiver.stop()
    assert sorted(receiver.ids()) == sorted(set(receiver.ids()))
    assert len(receiver.ids()) == 4
