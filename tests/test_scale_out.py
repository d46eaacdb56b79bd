"""Several `watcher run` instances: two share one PostgreSQL schema without polling a feed twice
in a cycle or sending an alert twice (and a story's alerts arrive in order); a second instance
on one SQLite file is warned about.

Real parts only: feeds and a webhook receiver on loopback (threaded HTTP servers), the real
PostgreSQL of ``WATCHER_TEST_DATABASE_URL``, and `watcher run` as subprocesses.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from faultkit import free_port
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from watcher.storage._storage import SECOND_INSTANCE_WARNING

FEEDS = 240
ROOT = Path(__file__).resolve().parent.parent

RULE = """\
name: scale
match:
  all:
    - North Korea
    - any: [troops, soldiers]
known_actors:
  - name: North Korea
    kind: country
    aliases: [North Korean, Pyongyang]
"""


class _Server(ThreadingHTTPServer):
    request_queue_size = 512
    daemon_threads = True


class Loopback:
    """Feeds at /feed/<i>.xml (with ETag / 304) and a webhook at /hook, recording requests."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fetches: dict[str, list[float]] = defaultdict(list)   # path -> monotonic times
        self.alerts: list[str] = []                                  # payload ids, in order
        self.answer_delay = 0.0                                      # seconds per webhook POST
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                match = re.fullmatch(r"/feed/(\d+)\.xml", self.path)
                if match is None:
                    self.send_error(404)
                    return
                with loopback.lock:
                    loopback.fetches[self.path].append(time.monotonic())
                body = feed_body(int(match.group(1)))
                etag = f'"v1-{match.group(1)}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(loopback.answer_delay)
                with loopback.lock:
                    loopback.alerts.append(str(json.loads(data)["id"]))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def feed_body(i: int) -> bytes:
    """Two items; the first reports a troop figure that two neighbouring feeds share, so two
    instances may well learn the same figure at the same time."""
    troops = 1000 + 100 * (i // 2)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {i}</title>"
        f"<item><guid>urn:feed:{i}:a</guid><title>North Korea sends {troops:,} troops to Russia"
        f"</title><description>About {troops:,} North Korean soldiers arrived in Russia this "
        "week, officials said.</description></item>"
        f"<item><guid>urn:feed:{i}:b</guid><title>Rail strike in city {i}</title>"
        "<description>Commuters faced delays on Monday.</description></item>"
        "</channel></rss>"
    ).encode()


def interval(i: int) -> float:
    """Staggered intervals (2.0 to 4.4 s), so feeds fall due at different ticks."""
    return 2.0 + (i % 7) * 0.4


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    try:
        yield server
    finally:
        server.close()


def write_config(tmp_path: Path, database_url: str, base: str, feeds: int,
                 hook: str | None = None) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    (rules / "scale.yaml").write_text(RULE, encoding="utf-8")
    config = {
        "database_url": database_url,
        "rules_dir": str(rules),
        "allow_private_networks": True,
        "tick": "1s",
        "health": {"enabled": False},
        "fetch": {"per_host": 10, "concurrency": 20},
        "alerts": [{"type": "webhook", "name": "hook", "url": hook or f"{base}/hook"}],
        "feeds": [{"name": f"feed-{i}", "url": f"{base}/feed/{i}.xml",
                   "interval": f"{interval(i)}s"} for i in range(feeds)],
    }
    path = tmp_path / "watcher.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def start_instance(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "watcher", "--config", str(config), "run"],
                                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)


def stop(procs: list[subprocess.Popen[bytes]]) -> list[int]:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=20))
        except subprocess.TimeoutExpired:
            proc.kill()
            codes.append(proc.wait())
    return codes


def wait_for(condition: Callable[[], bool], timeout: float, what: str,
             procs: list[subprocess.Popen[bytes]], logs: list[Path],
             detail: Callable[[], str] = lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        dead = [p for p in procs if p.poll() is not None]
        if dead or time.monotonic() > deadline:
            stop(procs)
            tails = "\n".join(
                f"--- {log.name}\n" + "\n".join(
                    line for line in log.read_text(errors="replace").splitlines()
                    if " INFO " not in line)[-3000:]
                for log in logs)
            pytest.fail(f"{'an instance exited' if dead else 'timed out'} waiting for {what}\n"
                        f"{detail()}\n{tails}")
        time.sleep(0.2)


@pytest.mark.slow
def test_two_instances_share_postgresql(pg_url: str, tmp_path: Path,
                                        loopback: Loopback) -> None:
    config = write_config(tmp_path, pg_url, loopback.base, FEEDS)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [start_instance(config, log) for log in logs]
    db = create_engine(pg_url, poolclass=NullPool)

    def short_feeds(times: int) -> str:
        with loopback.lock:
            counts = {int(re.findall(r"\d+", p)[0]): len(t) for p, t in loopback.fetches.items()}
        return str(sorted((i, n) for i, n in counts.items() if n < times)[:20])

    def fetched_at_least(times: int) -> bool:
        with loopback.lock:
            return (len(loopback.fetches) == FEEDS
                    and all(len(t) >= times for t in loopback.fetches.values()))

    def outbox(status: str) -> int:
        try:
            with db.connect() as conn:
                return int(conn.execute(text("SELECT count(*) FROM outbox WHERE status = :s"),
                                        {"s": status}).scalar_one())
        except Exception:  # the schema may not exist yet
            return -1

    try:
        # three cycles of every feed, and every alert delivered
        wait_for(lambda: fetched_at_least(3), 90, "three cycles of every feed", procs, logs,
                 lambda: f"feeds fetched fewer than 3 times: {short_feeds(3)}")
        wait_for(lambda: outbox("pending") == 0 and outbox("sent") > 0, 30,
                 "alert delivery", procs, logs)
    finally:
        codes = stop(procs)
    assert codes == [0, 0], [log.read_text(errors="replace")[-2000:] for log in logs]

    with loopback.lock:
        fetches = {path: list(times) for path, times in loopback.fetches.items()}
        received = list(loopback.alerts)
    # every feed polled once per cycle: two fetches of one feed are at least its interval apart
    # (the next poll is scheduled an interval after the previous one was processed)
    for path, times in fetches.items():
        i = int(re.findall(r"\d+", path)[0])
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= interval(i) - 0.05, (path, gaps)

    # every alert sent exactly once, and only the alerts the database holds
    with db.connect() as conn:
        queued = {r[0]: r[1] for r in conn.execute(text(
            "SELECT alert_id, id FROM outbox WHERE status = 'sent'"))}
        sent = set(queued)
        figures = conn.execute(text("SELECT count(*), count(DISTINCT value) FROM figures "
                                    "WHERE rule = 'scale'")).one()
    db.dispose()
    assert received, "no alert reached the webhook"
    duplicates = {a for a in received if received.count(a) > 1}
    assert not duplicates, f"alerts delivered more than once: {sorted(duplicates)[:5]}"
    assert set(received) == sent
    # the story's alerts arrived in the order they were queued, whichever instance sent them
    order = [queued[a] for a in received]
    inversions = sum(1 for a, b in itertools.pairwise(order) if b < a)
    assert inversions == 0, f"{inversions} alerts of {len(order)} arrived before an earlier one"
    assert figures[0] == figures[1]  # each troop figure learnt once, though two feeds share it

    # both instances polled feeds (and together, every feed of every cycle)
    polled = [sum(int(n) for n in re.findall(r"polled (\d+) feeds", log.read_text()))
              for log in logs]
    assert all(n > 0 for n in polled), polled
    assert sum(polled) == sum(len(t) for t in fetches.values())


@pytest.mark.slow
def test_two_instances_send_a_backlog_of_one_storys_alerts_in_order(
        pg_url: str, tmp_path: Path, loopback: Loopback) -> None:
    """A receiver was down: a hundred alerts of one story wait. Two instances start and
    claim at once; each alert arrives once, and in the order they were queued (each instance
    claimed a share and sent it alongside the other's: 'up from 3,000' before the 3,000)."""
    closed = free_port()
    config = write_config(tmp_path, pg_url, loopback.base, FEEDS,
                          hook=f"http://127.0.0.1:{closed}/hook")
    run = [sys.executable, "-m", "watcher", "--config", str(config)]
    down = subprocess.run([*run, "poll", "--once"], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert down.returncode == 0, down.stderr[-2000:]
    waiting = re.search(r"(\d+) new alerts; delivered 0,", down.stdout)
    assert waiting and int(waiting[1]) >= 100, down.stdout
    config = write_config(tmp_path, pg_url, loopback.base, FEEDS)   # the receiver is back
    retried = subprocess.run([*run, "alerts", "--retry"], capture_output=True, text=True,
                             cwd=ROOT, timeout=120)
    assert retried.returncode == 0, retried.stderr
    loopback.answer_delay = 0.005
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [start_instance(config, log) for log in logs]
    db = create_engine(pg_url, poolclass=NullPool)

    def sent() -> int:
        with loopback.lock:
            return len(set(loopback.alerts))

    try:
        wait_for(lambda: sent() >= int(waiting[1]), 90, "the backlog's delivery", procs, logs,
                 lambda: f"{sent()} of {waiting[1]} delivered")
    finally:
        codes = stop(procs)
    assert codes == [0, 0], [log.read_text(errors="replace")[-2000:] for log in logs]
    with db.connect() as conn:
        queued = {r[0]: r[1] for r in conn.execute(text("SELECT alert_id, id FROM outbox"))}
    db.dispose()
    with loopback.lock:
        received = list(loopback.alerts)
    assert len(received) == len(set(received)) == int(waiting[1])
    order = [queued[a] for a in received]
    inversions = sum(1 for a, b in itertools.pairwise(order) if b < a)
    assert inversions == 0, f"{inversions} alerts of {len(order)} arrived before an earlier one"
    # both instances were there to claim (the test is about two, not one)
    assert all("watcher" in log.read_text(errors="replace") for log in logs)


@pytest.mark.slow
def test_second_instance_on_one_sqlite_file_is_warned(tmp_path: Path,
                                                      loopback: Loopback) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'watcher.db'}", loopback.base, 3)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    warning = SECOND_INSTANCE_WARNING.split(" (")[0]
    first = start_instance(config, logs[0])
    procs = [first]
    try:
        wait_for(lambda: bool(loopback.fetches), 30, "the first instance to poll", procs,
                 logs[:1])
        procs.append(start_instance(config, logs[1]))
        wait_for(lambda: warning in logs[1].read_text(errors="replace"), 30,
                 "the second instance's warning", procs, logs)
    finally:
        codes = stop(procs)
    assert codes == [0, 0]
    assert warning not in logs[0].read_text(errors="replace")
    assert "use PostgreSQL to run several instances" in logs[1].read_text(errors="replace")
