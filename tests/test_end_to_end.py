"""End to end through the real CLI: feeds served on loopback -> `watcher poll --once` (a few
cycles) -> hits in the database -> alerts at a real webhook receiver and a real SMTP server.

The story: a rule that already knows 1,500 North Korean troops in Russia. Cycle by cycle the
coverage brings a new number (alert), repeats (no alert), a syndicated copy (no alert), an
off-topic item sharing one actor (no hit), and a new number plus new names (alert).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from faultkit import Mailbox

pytestmark = pytest.mark.slow

SECRET = "e2e-webhook-secret"

RULE = """\
name: nk-troops
description: North Korean troops sent to Russia for the war in Ukraine
match:
  all:
    - North Korea
    - any: [Russia, Ukraine]
    - any: [troops, soldiers, forces, personnel, deploy*]
known_actors:
  - {name: North Korea, kind: country, aliases: [North Korean, DPRK, Pyongyang]}
  - {name: Russia, kind: country, aliases: [Russian, Moscow]}
  - {name: Ukraine, kind: country, aliases: [Ukrainian, Kyiv]}
  - {name: South Korea, kind: country, aliases: [South Korean, Seoul]}
  - {name: National Intelligence Service, kind: organisation, aliases: [NIS]}
known_figures:
  - {value: 1500, key: troops, quantity: North Korean troops sent to Russia, said_by: National Intelligence Service}
"""

ITEMS: dict[str, tuple[str, str, str]] = {
    # guid: (title, description, pubDate)
    "a": ("Seoul says North Korea has now sent 3,000 troops to Russia",
          "South Korea's National Intelligence Service said on Wednesday that about 3,000 "
          "North Korean soldiers had been moved to Russia, up from its earlier estimate.",
          "Wed, 23 Oct 2024 08:00:00 GMT"),
    "missile": ("North Korea fires ballistic missile into the sea",
                "North Korea launched a ballistic missile off its east coast, South Korea's "
                "military said.", "Thu, 24 Oct 2024 01:00:00 GMT"),
    "b": ("North Korean troops in Russia: Seoul repeats estimate",
          "The National Intelligence Service repeated that 3,000 North Korean soldiers are in "
          "Russia.", "Thu, 24 Oct 2024 09:00:00 GMT"),
    "c": ("Blinken: 8,000 North Korean soldiers now in Kursk",
          "US Secretary of State Antony Blinken said around 8,000 North Korean soldiers had "
          "been moved to the Kursk region near Ukraine, citing the Pentagon.",
          "Thu, 31 Oct 2024 20:00:00 GMT"),
}


def rss(items: list[str], prefix: str = "https://news.example.org/") -> bytes:
    entries = "".join(
        f"<item><guid>{prefix}{key}</guid><link>{prefix}{key}</link>"
        f"<title>{ITEMS[key][0]}</title><description>{ITEMS[key][1]}</description>"
        f"<pubDate>{ITEMS[key][2]}</pubDate></item>" for key in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>wire</title><link>{prefix}</link><description>test</description>"
            f"{entries}</channel></rss>").encode()


class Loopback:
    """Serves feeds (with ETag and 304) and receives webhooks, on 127.0.0.1."""

    def __init__(self) -> None:
        self.feeds: dict[str, bytes] = {}
        self.webhook_status = 200
        self.webhooks: list[tuple[dict[str, str], bytes]] = []
        self.conditional_hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = owner.feeds.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    owner.conditional_hits += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", format_datetime(datetime.now(UTC), usegmt=True))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if owner.webhook_status == 200:
                    owner.webhooks.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(owner.webhook_status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox().start()
    yield box, box.port
    box.stop()


def run_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WATCHER_WEBHOOK_SECRET": SECRET}
    return subprocess.run([sys.executable, "-m", "watcher", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=120, env=env,
                          cwd=config.parent)


def test_poll_cycles_alert_only_when_the_story_moves(
        db_url: str, tmp_path: Path, loopback: Loopback, mailbox: tuple[Mailbox, int]) -> None:
    box, smtp_port = mailbox
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "nk-troops.yaml").write_text(RULE, encoding="utf-8")
    config = tmp_path / "watcher.yaml"
    config.write_text(f"""\
database_url: {db_url}
rules_dir: rules
allow_private_networks: true
feeds:
  - name: wire
    url: {loopback.url('/wire.xml')}
  - name: mirror
    url: {loopback.url('/mirror.xml')}
alerts:
  - type: webhook
    url: {loopback.url('/hook')}
    secret: ${{WATCHER_WEBHOOK_SECRET}}
  - type: email
    to: [analyst@example.org]
    from: watcher@example.org
    smtp_url: smtp://127.0.0.1:{smtp_port}?starttls=false
""", encoding="utf-8")
    assert run_cli(config, "check").returncode == 0

    # Cycle 1: a new number (3,000 after the known 1,500) and an off-topic item. The webhook is
    # down: the alert must wait in the outbox, not be lost. Email gets it.
    loopback.feeds["/wire.xml"] = rss(["a", "missile"])
    loopback.feeds["/mirror.xml"] = rss([], prefix="https://mirror.example.net/")
    loopback.webhook_status = 503
    first = run_cli(config, "poll", "--once")
    assert first.returncode == 0, first.stderr
    assert "1 new alerts" in first.stdout, first.stdout
    assert "1 to retry" in first.stdout, first.stdout
    assert loopback.webhooks == []
    assert len(box.messages) == 1

    # Cycle 2: the webhook is back (the pending alert goes out with its id); the wire repeats
    # 3,000 and the mirror syndicates the first story: hits, but nothing new, so no alert.
    loopback.webhook_status = 200
    loopback.feeds["/wire.xml"] = rss(["a", "missile", "b"])
    loopback.feeds["/mirror.xml"] = rss(["a"], prefix="https://mirror.example.net/")
    second = run_cli(config, "poll", "--once")
    assert second.returncode == 0, second.stderr
    assert "0 new alerts" in second.stdout, second.stdout
    assert len(loopback.webhooks) == 1
    assert len(box.messages) == 1

    # Cycle 3: nothing changed on the wire (304), the mirror is unchanged too; then a new
    # number with new names arrives.
    third = run_cli(config, "poll", "--once")
    assert third.returncode == 0, third.stderr
    assert "0 new alerts" in third.stdout and "2 not modified" in third.stdout, third.stdout
    loopback.feeds["/wire.xml"] = rss(["a", "missile", "b", "c"])
    fourth = run_cli(config, "poll", "--once")
    assert fourth.returncode == 0, fourth.stderr
    assert "1 new alerts" in fourth.stdout, fourth.stdout

    # Webhook: two alerts, each signed, each with its id as Idempotency-Key.
    assert len(loopback.webhooks) == 2
    payloads = []
    for headers, body in loopback.webhooks:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["x-watcher-signature"] == expected
        payload = json.loads(body)
        assert headers["idempotency-key"] == payload["id"]
        payloads.append(payload)
    first_alert, second_alert = payloads
    assert first_alert["rule"] == "nk-troops"
    assert first_alert["item"]["link"] == "https://news.example.org/a"
    assert first_alert["item"]["feed"] == "wire"
    assert first_alert["item"]["published"] == "2024-10-23T08:00:00Z"
    assert [f["value"] for f in first_alert["new_figures"]] == [3000]
    assert first_alert["new_figures"][0]["previous"][0]["value"] == 1500
    assert first_alert["new_actors"] == []

    assert second_alert["item"]["link"] == "https://news.example.org/c"
    assert [f["value"] for f in second_alert["new_figures"]] == [8000]
    assert [p["value"] for p in second_alert["new_figures"][0]["previous"]] == [1500, 3000]
    assert second_alert["new_figures"][0]["said_by"] == "Antony Blinken"
    new_actors = {(a["name"], a["kind"]) for a in second_alert["new_actors"]}
    assert ("Antony Blinken", "person") in new_actors
    assert ("Kursk", "place") in new_actors
    assert first_alert["id"] != second_alert["id"]

    # Email: the same two alerts, subjects naming the rule.
    assert len(box.messages) == 2
    assert all("nk-troops" in str(m["Subject"]) for m in box.messages)
    assert [m["X-Watcher-Alert-Id"] for m in box.messages] == [p["id"] for p in payloads]

    # Hits: the story's four items (the mirror copy too), not the missile test.
    hits = json.loads(run_cli(config, "hits", "--json").stdout)
    assert sorted(h["link"] for h in hits) == sorted([
        "https://news.example.org/a", "https://news.example.org/b",
        "https://news.example.org/c", "https://mirror.example.net/a"])
    assert {h["rule"] for h in hits} == {"nk-troops"}
    assert all(set(h) >= {"rule", "link", "title", "published", "feed"} for h in hits)
    # each hit says what it told the rule, as its alert did (and would with no channel)
    news = {h["link"]: h for h in hits}
    for alert in (first_alert, second_alert):
        hit = news[alert["item"]["link"]]
        assert [(f["value"], f["key"]) for f in hit["new_figures"]] == [
            (f["value"], f["key"]) for f in alert["new_figures"]]
        assert {(a["name"], a["kind"]) for a in hit["new_actors"]} == {
            (a["name"], a["kind"]) for a in alert["new_actors"]}
    assert news["https://mirror.example.net/a"]["new_figures"] == []   # a copy: nothing new
    table = run_cli(config, "hits").stdout
    assert "NEW" in table.splitlines()[0] and "8,000 troops" in table and "+Antony Blinken" in table

    feeds = {f["name"]: f for f in json.loads(run_cli(config, "feeds", "--json").stdout)}
    assert feeds["wire"]["items"] == 4 and feeds["wire"]["status"] == "ok"
    assert feeds["mirror"]["items"] == 1 and feeds["mirror"]["error"] is None
    assert loopback.conditional_hits >= 2
    assert "no pending alerts" in run_cli(config, "alerts").stdout
