"""Fault injection, part 1: hostile feeds on real loopback servers, beside good ones, through one
real `watcher poll --once` (a subprocess), on SQLite and PostgreSQL.

Hostile: billion laughs, XXE naming a local file, a 300 MB body, a gzip bomb, a server that
drips one byte a second, one that never answers, a redirect loop, 500, 429 with Retry-After,
HTML instead of a feed, 410 Gone. Good: ten feeds, one of them behind a permanent redirect.
Asserts what was kept, what was reported, that every alert arrived (once, under its id), and
bounded time and memory; prints the measured figures.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faultkit import (
    Receiver,
    cli,
    cli_json,
    dump_database,
    feeds_by_name,
    measured_run,
    quake_item,
    rss,
    webhook_alert,
    write_config,
)
from loopback import Handler, Reply, Request, drip, redirect, serve, text

pytestmark = pytest.mark.slow

FETCH_TIMEOUT = 3.0
MAX_BYTES = 10_000_000
RETRY_AFTER = 600
CANARY = "canary-7f3a9c-local-file-content"
GOOD = 9  # plus one good feed behind a permanent redirect


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        prev = "lol" if level == 1 else f"lol{level - 1}"
        entities.append(f'<!ENTITY lol{level} "{f"&{prev};" * 10}">')
    return (f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(entities)}]>'
            '<rss version="2.0"><channel><title>laughs</title>'
            "<item><guid>laughs-1</guid><title>Earthquake &lol9;</title>"
            "<description>&lol9;</description></item></channel></rss>").encode()


def xxe(path: Path) -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{path}">]>'
            '<rss version="2.0"><channel><title>xxe</title>'
            "<item><guid>xxe-1</guid><title>Earthquake report &xxe;</title>"
            "<description>&xxe;</description></item></channel></rss>").encode()


def huge_body(total: int = 300_000_000) -> Iterator[bytes]:
    """300 MB of well-formed-looking RSS, chunked, generated lazily."""
    yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title>'
    item = b"<item><title>Earthquake kills 1 person</title><description>" + b"x" * 8000 + \
        b"</description></item>"
    sent = 0
    block = item * 8
    while sent < total:
        yield block
        sent += len(block)
    yield b"</channel></rss>"


def gzip_bomb(decoded: int = 300_000_000) -> bytes:
    """A small gzip body that inflates to ``decoded`` bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * 1_000_000
    parts = [packer.compress(zeros) for _ in range(decoded // len(zeros))]
    parts.append(packer.flush())
    return b"".join(parts)


def test_hostile_feeds_beside_good_ones_in_one_poll(db_url: str, tmp_path: Path) -> None:
    secret_file = tmp_path / "local-secret.txt"
    secret_file.write_text(CANARY, encoding="utf-8")
    bomb = gzip_bomb()
    assert len(bomb) < 1_000_000

    def stall(_request: Request) -> Reply:
        time.sleep(FETCH_TIMEOUT * 3)
        return text("too late")

    goods = {f"/good/{i}": rss([quake_item(100 + i)], channel=f"good{i}") for i in range(GOOD)}
    goods["/moved-here"] = rss([quake_item(500, place="Peru")], channel="moved")
    def serving(body: bytes) -> Handler:
        return lambda _request: text(body, content_type="application/rss+xml")

    routes: dict[str, Handler] = {path: serving(body) for path, body in goods.items()}
    hostile: dict[str, Handler] = {
        "laughs": lambda _r: text(billion_laughs(), content_type="application/rss+xml"),
        "xxe": lambda _r: text(xxe(secret_file), content_type="application/rss+xml"),
        "huge": lambda _r: Reply(200, {"Content-Type": "application/rss+xml"}, huge_body()),
        "bomb": lambda _r: Reply(200, {"Content-Type": "application/rss+xml",
                                       "Content-Encoding": "gzip"}, bomb),
        "drip": lambda _r: Reply(200, {"Content-Type": "application/rss+xml"},
                                 drip(rss([quake_item(999)]), every=1.0)),
        "stall": stall,
        "loop": lambda _r: redirect("/hostile/loop", 302),
        "error500": lambda _r: text("internal error", status=500),
        "throttled": lambda _r: text("slow down", status=429, Retry_After=str(RETRY_AFTER)),
        "html": lambda _r: text("<!DOCTYPE html><html><head><title>Earthquake</title></head>"
                                "<body><p>Earthquake kills 77 people</p></body></html>",
                                content_type="text/html; charset=utf-8"),
        "gone": lambda _r: text("gone", status=410),
    }
    routes.update({f"/hostile/{name}": handler for name, handler in hostile.items()})
    routes["/moved"] = lambda _r: redirect("/moved-here", 301)

    receiver = Receiver().start()
    with serve(routes) as server:
        feeds = [(f"good{i}", server.url(f"/good/{i}")) for i in range(GOOD)]
        feeds.append(("moved", server.url("/moved")))
        feeds += [(name, server.url(f"/hostile/{name}")) for name in hostile]
        config = write_config(
            tmp_path, db_url, feeds, alerts=webhook_alert(receiver),
            extra=f"fetch: {{timeout: {FETCH_TIMEOUT:g}s, connect_timeout: 2s, per_host: 30, "
                  f"max_bytes: {MAX_BYTES}}}\n")
        try:
            before = datetime.now(UTC)
            run = measured_run(config, "poll", "--once")
            print(f"\nhostile mix ({len(hostile)} hostile + {GOOD + 1} good feeds, "
                  f"{db_url.split(':')[0]}): poll --once took {run.seconds:.2f}s, "
                  f"peak RSS {run.max_rss_mb:.0f} MB")
            assert run.returncode == 0, run.stderr
            # bounded: every fetch is cut at the timeout, fetches run concurrently
            assert run.seconds < FETCH_TIMEOUT + 30, run.seconds
            assert run.max_rss_mb < 500, run.max_rss_mb

            # reported: one line per failing feed on stdout, and in the log
            expected_errors = {
                "huge": "larger than 10 MB", "bomb": "larger than 10 MB",
                "drip": "timed out", "stall": "timed out", "loop": "too many redirects",
                "error500": "HTTP 500", "throttled": "HTTP 429", "html": "not a feed",
                "gone": "HTTP 410",
            }
            for name, message in expected_errors.items():
                assert f"feed {name}: error: " in run.stdout, (name, run.stdout)
                line = next(x for x in run.stdout.splitlines() if x.startswith(f"feed {name}:"))
                assert message in line, line
                assert name in run.stderr  # logged with the feed's name
            assert f"{GOOD + 1} new alerts" in run.stdout, run.stdout
            assert f"delivered {GOOD + 1}," in run.stdout, run.stdout

            state = feeds_by_name(config)
            for name in [f"good{i}" for i in range(GOOD)] + ["moved"]:
                assert state[name]["status"] == "ok", state[name]
                assert state[name]["items"] == 1
            for name, message in expected_errors.items():
                assert state[name]["status"] == "error", state[name]
                assert message in state[name]["error"], state[name]
                assert state[name]["disabled"] is (name == "gone"), state[name]
                assert state[name]["items"] == 0
            # 410 Gone: polling stops, and the status says why
            assert state["gone"]["error"].startswith("disabled"), state["gone"]
            # a permanent redirect updates the stored URL
            assert state["moved"]["url"] == server.url("/moved-here")
            # Retry-After is honoured for that feed only
            throttled_next = datetime.fromisoformat(state["throttled"]["next_poll"])
            assert (throttled_next - before).total_seconds() >= RETRY_AFTER - 5
            # hostile XML: nothing expanded, no local file read
            everything = dump_database(db_url)
            assert CANARY not in everything
            assert "lollollol" not in everything

            # every alert arrived, once each, under distinct ids; nothing left in the outbox
            assert len(receiver.delivered) == GOOD + 1
            assert len(set(receiver.ids())) == GOOD + 1
            titles = {d.payload["item"]["title"] for d in receiver.delivered}
            assert titles == {quake_item(100 + i)[1] for i in range(GOOD)} | {
                quake_item(500, place="Peru")[1]}
            for delivery in receiver.delivered:
                assert CANARY not in str(delivery.payload)
            assert "no pending alerts" in cli(config, "alerts").stdout
            hits = cli_json(config, "hits")
            assert {h["feed"] for h in hits} <= {f"good{i}" for i in range(GOOD)} | {
                "moved", "laughs", "xxe"}
            assert len([h for h in hits if h["feed"].startswith("good")]) == GOOD

            # next poll: the 410 feed is left alone, the moved feed is fetched at its new URL,
            # nothing is alerted twice
            def count(path: str) -> int:
                return sum(1 for r in server.requests if r.path == path)

            gone_before, moved_before = count("/hostile/gone"), count("/moved")
            here_before = count("/moved-here")
            throttled_before = count("/hostile/throttled")
            again = cli(config, "poll", "--once")
            assert again.returncode == 0, again.stderr
            assert "0 new alerts" in again.stdout, again.stdout
            assert count("/hostile/gone") == gone_before
            assert count("/hostile/throttled") == throttled_before  # Retry-After honoured
            assert count("/moved") == moved_before
            assert count("/moved-here") == here_before + 1
            assert feeds_by_name(config)["gone"]["disabled"] is True
            assert len(receiver.delivered) == GOOD + 1
        finally:
            receiver.stop()
