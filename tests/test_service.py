"""`watcher run` as the container runs it (its CMD), outside Docker: health, failing feeds, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faultkit import free_port, get_health, write_config

from watcher.config import load_config
from watcher.rules import RuleSet
from watcher.scheduler import Service, _count, _rule_file_change, build_engine
from watcher.storage import Storage

pytestmark = pytest.mark.slow


def watcher_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "watcher", *args]


def test_run_reports_health_records_feed_errors_and_stops_on_sigterm(
        db_url: str, tmp_path: Path) -> None:
    health_port, dead_port = free_port(), free_port()  # nothing listens on dead_port
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "story.yaml").write_text(
        "name: story\nmatch:\n  any: [earthquake]\n", encoding="utf-8")
    config = tmp_path / "watcher.yaml"
    config.write_text(f"""\
database_url: {db_url}
rules_dir: rules
allow_private_networks: true
poll_interval: 1h
tick: 1s
health: {{host: 127.0.0.1, port: {health_port}}}
feeds:
  - name: unreachable
    url: http://127.0.0.1:{dead_port}/feed.xml
""", encoding="utf-8")
    env = {**os.environ, "WATCHER_CONFIG": str(config)}
    proc = subprocess.Popen(watcher_cmd("run"), env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        status, body = 0, {}
        while time.monotonic() < deadline:
            try:
                status, body = get_health(health_port)
                if status == 200 and body["scheduler"]["last_tick_seconds_ago"] is not None:  # type: ignore[index]
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.2)
        assert status == 200, body
        assert body["status"] == "ok"
        assert body["database"] == {"ok": True}

        healthcheck = subprocess.run(watcher_cmd("healthcheck"), env=env, cwd=tmp_path,
                                     capture_output=True, text=True, timeout=30)
        assert healthcheck.returncode == 0, healthcheck.stdout + healthcheck.stderr

        feeds = subprocess.run(watcher_cmd("feeds", "--json"), env=env, cwd=tmp_path,
                               capture_output=True, text=True, timeout=30)
        assert feeds.returncode == 0, feeds.stderr
        [feed] = json.loads(feeds.stdout)
        assert feed["name"] == "unreachable"
        assert feed["status"] == "error"
        assert feed["error"]

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=15)
        assert time.monotonic() - started < 10
        assert proc.returncode == 0, output
        assert "unreachable" in output          # the feed's failure was logged
        assert "stopped" in output
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("status", [200, 404])
def test_healthcheck_is_not_fooled_by_another_program_on_the_port(tmp_path: Path,
                                                                   status: int) -> None:
    """The health endpoint could not bind its port (taken): `watcher healthcheck` must not take
    what else answers there for the service's health."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Other(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"status": "ok"}' if status == 200 else b"<html>not found</html>"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Other)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = tmp_path / "watcher.yaml"
        config.write_text(f"health: {{port: {server.server_address[1]}}}\n", encoding="utf-8")
        out = subprocess.run(watcher_cmd("--config", str(config), "healthcheck"), cwd=tmp_path,
                             capture_output=True, text=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert out.returncode == 1
    assert "not as watcher's health endpoint" in out.stdout


def test_health_counts_a_long_cycle_that_makes_progress_as_alive(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold cycle over thousands of feeds can outlast the health limit: the scheduler is
    alive while the cycle keeps recording feeds, and not once it stops doing so."""
    config = load_config(write_config(tmp_path, f"sqlite:///{tmp_path}/w.db", []), env={})
    service = Service(config)
    service.storage = storage = Storage(config.database_url)
    try:
        storage.migrate()
        service.engine = build_engine(config, storage, RuleSet())
        long_ago = time.monotonic() - 10_000
        service.started = service.last_tick_ok = long_ago  # the last tick ended long ago
        assert service.health()[0] is False
        service.engine.last_progress = time.monotonic()  # ... but the cycle moves on
        ok, body = service.health()
        assert ok and body["scheduler"]["ok"], body
        service.engine.last_progress = long_ago  # stuck
        assert service.health()[0] is False
    finally:
        storage.close()


def test_a_database_away_is_logged_once_a_minute_not_every_tick(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """While PostgreSQL is down every tick failed with an ERROR line (one a second)."""
    import asyncio
    import logging

    from watcher import scheduler

    config = load_config(write_config(tmp_path, f"sqlite:///{tmp_path}/w.db", []), env={})
    service = Service(config)
    down = Storage(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")  # nothing there
    up = Storage(config.database_url)
    clock = [1000.0]
    monkeypatch.setattr(scheduler.time, "monotonic", lambda: clock[0])
    try:
        up.migrate()
        caplog.set_level(logging.INFO, logger="watcher.scheduler")
        service.engine = build_engine(config, down, RuleSet())
        for step in (0, 1, 1, 30, 30, 1):   # seconds between ticks: the 5th is 62 s on
            clock[0] += step
            asyncio.run(service._tick())
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 2, errors
        assert errors[0].startswith("database error, will retry next tick")
        assert errors[1].startswith("database still unavailable after 62s")
        service.engine = build_engine(config, up, RuleSet())
        clock[0] += 5
        asyncio.run(service._tick())
        assert "database back after 68s" in caplog.text
    finally:
        down.close()
        up.close()


def test_start_up_imports_only_what_a_cycle_of_304s_needs(tmp_path: Path) -> None:
    """`poll --once` on SQLite imports neither the extraction finders, APScheduler nor
    PostgreSQL's dialect until something needs them (start-up time of every short run).
    (Migrating a new database loads Alembic, which loads every dialect: done beforehand.)"""
    first = Storage(f"sqlite:///{tmp_path}/w.db")
    first.migrate()
    first.close()
    script = (
        "import sys\n"
        "import watcher.cli, watcher.scheduler\n"
        "from watcher.storage import Storage\n"
        f"s = Storage('sqlite:///{tmp_path}/w.db'); s.migrate(); s.close()\n"
        "heavy = ('watcher.extract.actors', 'watcher.extract.figures', 'apscheduler',\n"
        "         'sqlalchemy.dialects.postgresql')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "from watcher.extract import get_extractor\n"
        "assert get_extractor().extract('Seoul said 3,000 troops.').figures\n"
        "print(sorted(m for m in heavy[:2] if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120).stdout.splitlines()
    assert out == ["[]", "['watcher.extract.actors', 'watcher.extract.figures']"]


@pytest.mark.parametrize(("name", "reloads"), [
    ("story.yaml", True), ("story.yml", True),
    (".story.yaml.swp", False), ("story.yaml~", False), ("4913", False),  # vim's save
    (".#story.yaml", False), ("story.yaml.tmp", False), (".story.yaml", False),
])
def test_only_a_rule_files_change_reloads_the_rules(name: str, reloads: bool) -> None:
    assert _rule_file_change({Path("/srv/rules")}, None, f"/srv/rules/{name}") is reloads


def test_the_rules_directory_going_away_is_a_change() -> None:
    assert _rule_file_change({Path("/srv/rules")}, None, "/srv/rules")


def test_counts_in_log_lines_agree_with_their_number() -> None:
    assert [_count(n, "rule") for n in (0, 1, 2)] == ["0 rules", "1 rule", "2 rules"]
    assert _count(1, "alert channel") == "1 alert channel"


def test_a_rule_reload_waits_for_a_locked_database_off_the_event_loop(tmp_path: Path) -> None:
    """Reloading saves the files' good versions in the database; with SQLite locked by
    another writer that waits (busy timeout), and the event loop (polls, deliveries) used to
    wait with it."""
    import asyncio
    import sqlite3
    import threading

    config = load_config(write_config(tmp_path, f"sqlite:///{tmp_path}/w.db", []), env={})
    service = Service(config)
    storage = Storage(config.database_url)
    try:
        storage.migrate()
        service.engine = build_engine(config, storage, RuleSet())
        (tmp_path / "rules" / "quake.yaml").write_text(
            (tmp_path / "rules" / "quake.yaml").read_text(encoding="utf-8") + "\n# edited\n",
            encoding="utf-8")
        other = sqlite3.connect(tmp_path / "w.db", check_same_thread=False)
        other.execute("BEGIN EXCLUSIVE")
        threading.Timer(1.5, other.commit).start()

        async def reload_and_watch_the_loop() -> float:
            gaps: list[float] = []
            loop = asyncio.get_running_loop()

            async def ticker() -> None:
                last = loop.time()
                while True:
                    await asyncio.sleep(0.02)
                    gaps.append(loop.time() - last)
                    last = loop.time()

            tick = asyncio.create_task(ticker())
            try:
                await service._reload_rules(config.rules_dir)
            finally:
                tick.cancel()
            return max(gaps, default=float("inf"))

        started = time.monotonic()
        longest_gap = asyncio.run(reload_and_watch_the_loop())
        assert time.monotonic() - started >= 1.0  # it did wait for the lock
        assert longest_gap < 0.5, longest_gap
        assert [r.name for r in service.engine.rules] == ["quake"]
        other.close()
    finally:
        storage.close()
