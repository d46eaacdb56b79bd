"""A month of nk-troops coverage through the real engine: the alerts an analyst receives are the
new numbers and the new names, not repeats.

The coverage is the labelled eval set's nk-troops items (our own words), one or two a day from
21 October, plus its distractors (stories sharing one actor), served as RSS by an in-test fetcher
(fetching itself is tested elsewhere) from two feeds: a wire and a syndicating site that reprints
some wire items a day later under its own links. Two items are updated in place later on: one
with a sentence that adds nothing, one with a new number. Everything else is real: the Engine,
Storage on SQLite and PostgreSQL, the bundled rule rules/nk-troops.yaml and the rule extractor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import yaml

from watcher.core import Engine
from watcher.extract import get_extractor
from watcher.models import FeedConfig, FeedState, FetchResult, OutboxAlert
from watcher.novelty import normalise_name
from watcher.rules import RuleSet, load_rule_file
from watcher.storage import Storage

ROOT = Path(__file__).resolve().parents[1]
RULE_FILE = ROOT / "rules" / "nk-troops.yaml"
EVAL = ROOT / "tests" / "data" / "eval"
START = datetime(2024, 10, 21, 9, 0, tzinfo=UTC)

WIRE, SYNDICATE = "wire", "syndicate"
# wire items reprinted by the syndicating site the day after
SYNDICATED = ("nk-001", "nk-004", "nk-010", "nk-017", "nk-025")
# updated in place on the wire: one adds nothing, one adds a number nobody had reported
QUIET_UPDATE = ("nk-006", "The claims could not be independently verified.")
NEWS_UPDATE = ("nk-012", "Kyiv said later that 23 North Korean soldiers had been captured.")
NEW_FIGURE = ("prisoners", 23.0)


@dataclass
class Entry:
    guid: str
    title: str
    text: str
    published: datetime


class FeedServer:
    """What each feed serves today: the wire's and the syndicate's latest entries as RSS."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Entry]] = {WIRE: {}, SYNDICATE: {}}

    def post(self, feed: str, entry: Entry) -> None:
        self.entries[feed][entry.guid] = entry

    def rss(self, feed: str) -> bytes:
        items = sorted(self.entries[feed].values(), key=lambda e: e.published, reverse=True)[:20]
        body = "".join(
            f"<item><guid>{e.guid}</guid><title>{escape(e.title)}</title>"
            f"<link>https://{feed}.example/{e.guid}</link>"
            f"<pubDate>{format_datetime(e.published, usegmt=True)}</pubDate>"
            f"<description>{escape(e.text)}</description></item>"
            for e in items)
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>{feed}</title><link>https://{feed}.example/</link>{body}</channel></rss>"
                ).encode()

    # the engine's fetcher interface
    async def fetch(self, feed: FeedState) -> FetchResult:
        return FetchResult(url=feed.url, status=200, content=self.rss(feed.name),
                           content_type="application/rss+xml")

    async def aclose(self) -> None:
        return None


class Inbox:
    """A notifier that keeps what it is sent: alerts are queued per configured channel."""

    name = "inbox"

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def send(self, alert: OutboxAlert) -> None:
        self.received.append(alert.payload)

    async def aclose(self) -> None:
        return None


def _coverage() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    items = {i["id"]: i for i in yaml.safe_load((EVAL / "items.yaml").read_text(encoding="utf-8"))}
    story = next(s for s in yaml.safe_load((EVAL / "stories.yaml").read_text(encoding="utf-8"))
                 if s["id"] == "nk-troops")
    hits = [items[i] for i in story["hits"]]
    distractors = [items[i] for i in story["not_hits"] if items[i]["id"].startswith("nk-")]
    return hits, distractors


@dataclass
class Month:
    hits: int
    alerts: list[dict[str, Any]]
    delivered: list[dict[str, Any]]
    days: int
    last_day: tuple[int, int]   # (hits, alerts) of the last poll


def _run_month(db_url: str) -> Month:
    hits, distractors = _coverage()
    storage = Storage(db_url)
    storage.migrate()
    server = FeedServer()
    inbox = Inbox()
    clock = {"now": START}
    engine = Engine(storage=storage, rules=RuleSet((load_rule_file(RULE_FILE),)), fetcher=server,
                    notifiers=[inbox], extractor=get_extractor(), clock=lambda: clock["now"])
    storage.sync_feeds([FeedConfig(WIRE, "https://wire.example/rss", 3600.0),
                        FeedConfig(SYNDICATE, "https://syndicate.example/rss", 3600.0)], START)

    # one story item a day, a distractor every third day, in the eval set's order
    schedule: dict[int, list[tuple[str, Entry]]] = {}
    for n, item in enumerate(hits):
        published = START + timedelta(days=n, hours=1)
        entry = Entry(item["id"], item["title"], item["text"], published)
        schedule.setdefault(n, []).append((WIRE, entry))
        if item["id"] in SYNDICATED:
            copy = Entry(f"syn-{item['id']}", item["title"], item["text"], published + timedelta(days=1))
            schedule.setdefault(n + 1, []).append((SYNDICATE, copy))
        for guid, sentence in (QUIET_UPDATE, NEWS_UPDATE):
            if item["id"] == guid:
                later = Entry(guid, item["title"], f"{item['text']} {sentence}", published)
                schedule.setdefault(n + 3, []).append((WIRE, later))
    for k, item in enumerate(distractors):
        entry = Entry(item["id"], item["title"], item["text"], START + timedelta(days=3 * k, hours=2))
        schedule.setdefault(3 * k, []).append((WIRE, entry))

    days = max(schedule) + 2  # a last day with nothing new: everything is a repeat
    hit_count = 0
    last_day = (-1, -1)
    try:
        for day in range(days):
            for feed, entry in schedule.get(day, []):
                server.post(feed, entry)
            clock["now"] = START + timedelta(days=day, hours=12)
            report = asyncio.run(engine.poll(everything=True))
            assert report.errors == []
            hit_count += report.hits
            last_day = (report.hits, report.alerts)
        asyncio.run(engine.deliver(everything=True))
        alerts = [a.payload for a in storage.list_alerts()]
    finally:
        storage.close()
    return Month(hit_count, alerts, inbox.received, days, last_day)


@pytest.fixture
def month(db_url: str) -> Iterator[Month]:
    yield _run_month(db_url)


def _baseline() -> tuple[set[tuple[str, float]], set[str]]:
    rule = load_rule_file(RULE_FILE)
    figures = {(f.key, float(f.value)) for f in rule.known_figures}
    names = {normalise_name(n) for a in rule.known_actors for n in (a.name, *a.aliases)}
    return figures, names


def test_a_month_of_coverage_alerts_only_on_what_is_new(month: Month) -> None:
    figures, names = _baseline()
    print(f"\n{month.days} days, {month.hits} hits, {len(month.alerts)} alerts")
    assert month.alerts, "a month of coverage brought nothing new?"
    assert len(month.alerts) < month.hits

    alert_ids = [a["id"] for a in month.alerts]
    assert len(alert_ids) == len(set(alert_ids))
    assert sorted(p["id"] for p in month.delivered) == sorted(alert_ids)   # each delivered once
    for alert in month.alerts:
        assert alert["new_figures"] or alert["new_actors"]
        print(f"  {alert['item']['title'][:70]}: "
              f"{[(f['value'], f['key']) for f in alert['new_figures']]} "
              f"{[a['name'] for a in alert['new_actors']]}")
        # each new figure and name is new: not in the rule's baseline nor in an earlier alert
        for f in alert["new_figures"]:
            ident = (f["key"], float(f["value"]))
            assert ident not in figures, f"{ident} was already known: {alert['item']['title']}"
            figures.add(ident)
        for a in alert["new_actors"]:
            norm = normalise_name(a["name"])
            assert norm not in names, f"{a['name']} was already known: {alert['item']['title']}"
            names.add(norm)


def test_repeats_syndicated_copies_and_quiet_updates_do_not_alert(month: Month) -> None:
    feeds = {a["item"]["feed"] for a in month.alerts}
    assert SYNDICATE not in feeds                                       # copies: never
    quiet_guid = QUIET_UPDATE[0]
    quiet = [a for a in month.alerts if a["item"]["link"].endswith(f"/{quiet_guid}")]
    assert len(quiet) <= 1                    # the original may alert; its quiet update does not
    news_guid, _ = NEWS_UPDATE
    news = [a for a in month.alerts if a["item"]["link"].endswith(f"/{news_guid}")]
    updated = [a for a in news if NEW_FIGURE in {(f["key"], float(f["value"])) for f in a["new_figures"]}]
    assert len(updated) == 1                  # the update that adds a number alerts, once
    assert [(f["key"], float(f["value"])) for f in updated[0]["new_figures"]] == [NEW_FIGURE]
    # the last day serves only what was served before: no hit, no alert
    assert month.last_day == (0, 0)
