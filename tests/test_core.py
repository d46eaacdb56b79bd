"""The engine: alert payloads (pure), crash recovery of unanalysed items, and one feed's
surprise never stopping the others. Storage is real (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from watcher.core import Engine, build_alert, retry_delay
from watcher.errors import FetchError
from watcher.extract import get_extractor
from watcher.models import (
    Actor,
    FeedConfig,
    FeedState,
    FetchResult,
    Figure,
    KnownFigure,
    ParsedItem,
    StoredItem,
)
from watcher.rules import RuleSet, parse_rule
from watcher.storage import Storage

T0 = datetime(2024, 10, 23, 8, 0, tzinfo=UTC)

RULE = """\
name: nk
match:
  all: [North Korea, any: [troops, soldiers]]
known_actors:
  - {name: North Korea, kind: country, aliases: [North Korean, Pyongyang]}
  - {name: Russia, kind: country, aliases: [Russian, Moscow]}
known_figures:
  - {value: 1500, key: troops, quantity: troops sent, said_by: NIS}
"""


def item(key: str, title: str, text: str = "") -> ParsedItem:
    return ParsedItem(key=key, title=title, link=f"https://n.example/{key}", published=T0,
                      text=text, content_hash=f"h-{key}-{hash((title, text))}")


def stored(parsed: ParsedItem, status: str = "new") -> StoredItem:
    return StoredItem(id=1, feed_id=7, feed_name="wire", item=parsed, status=status)  # type: ignore[arg-type]


def test_alert_payload_shape_and_timeline() -> None:
    known = [KnownFigure(key="troops", value=1500, quantity="q", said_by="NIS", published=T0),
             KnownFigure(key="troops", value=3000, quantity="q", said_by="Seoul", published=None),
             KnownFigure(key="ammunition", value=8e6, quantity="rounds")]
    fig = Figure(value=8000.0, key="troops", quantity="troops in Kursk", text="8,000 soldiers",
                 said_by="Antony Blinken", qualifier="around")
    payload = build_alert("nk", stored(item("a", "Title")), [fig],
                          [Actor(name="Antony Blinken", kind="person")], known)
    assert payload["rule"] == "nk"
    assert payload["item"] == {"title": "Title", "link": "https://n.example/a",
                               "published": "2024-10-23T08:00:00Z", "feed": "wire"}
    [out] = payload["new_figures"]
    assert out["value"] == 8000 and isinstance(out["value"], int)
    assert (out["quantity"], out["text"], out["said_by"]) == (
        "troops in Kursk", "8,000 soldiers", "Antony Blinken")
    assert sorted(p["value"] for p in out["previous"]) == [1500, 3000]   # same key only
    assert payload["new_actors"] == [{"name": "Antony Blinken", "kind": "person"}]
    # The id is the alert's identity: the same hit gives the same id, another version another.
    again = build_alert("nk", stored(item("a", "Title")), [fig], [], known)
    changed = build_alert("nk", stored(item("a", "Title", "more")), [fig], [], known)
    assert again["id"] == payload["id"] != changed["id"]


def test_retry_delay_grows_and_is_capped() -> None:
    delays = [retry_delay(n) for n in range(1, 15)]
    assert delays[0] < delays[3] < delays[6]
    assert max(delays) <= 3600


class ScriptedFetcher:
    """Answers from a table: a FetchResult, or an exception to raise (a unit edge case)."""

    def __init__(self, answers: dict[str, FetchResult | BaseException]) -> None:
        self.answers = answers

    async def fetch(self, feed: FeedState) -> FetchResult:
        answer = self.answers[feed.name]
        if isinstance(answer, BaseException):
            raise answer
        return answer

    async def aclose(self) -> None:
        pass


def rss(*titles: str) -> bytes:
    entries = "".join(f"<item><guid>g{i}</guid><title>{t}</title></item>"
                      for i, t in enumerate(titles))
    return f"<rss version='2.0'><channel><title>x</title>{entries}</channel></rss>".encode()


def engine_for(storage: Storage, fetcher: ScriptedFetcher, now: datetime) -> Engine:
    rules = RuleSet([parse_rule(RULE, "rules/nk.yaml")])
    return Engine(storage=storage, rules=rules, fetcher=fetcher, notifiers=[],
                  extractor=get_extractor(), clock=lambda: now)


def test_items_stored_but_never_analysed_are_analysed_next_cycle(storage: Storage) -> None:
    storage.sync_feeds([FeedConfig(name="wire", url="https://n.example/rss", interval=900)], T0)
    feed = storage.claim_due_feeds(T0, 10, 600)[0]
    # The process stored the items, then died before matching them.
    storage.store_items(feed.id, [item("a", "North Korea sends 3,000 troops to Russia")], T0)
    assert storage.list_hits() == []

    later = T0 + timedelta(minutes=5)
    engine = engine_for(storage, ScriptedFetcher({}), later)
    report = asyncio.run(engine.poll())
    assert report.hits == 1 and report.alerts == 1
    [hit] = storage.list_hits()
    assert hit.title == "North Korea sends 3,000 troops to Russia"
    assert storage.unanalysed_items(later, 10) == []
    # Nothing is analysed twice.
    assert asyncio.run(engine.poll()).hits == 0


def test_recent_unanalysed_items_are_left_to_the_cycle_working_on_them(storage: Storage) -> None:
    storage.sync_feeds([FeedConfig(name="wire", url="https://n.example/rss", interval=900)], T0)
    feed = storage.claim_due_feeds(T0, 10, 600)[0]
    storage.store_items(feed.id, [item("a", "North Korea sends 3,000 troops")], T0)
    engine = engine_for(storage, ScriptedFetcher({}), T0 + timedelta(seconds=10))
    assert asyncio.run(engine.poll()).hits == 0
    assert len(storage.unanalysed_items(T0 + timedelta(seconds=1), 10)) == 1


@pytest.mark.parametrize("surprise", [RuntimeError("boom"), FetchError("HTTP 500 Server Error")])
def test_one_feed_failing_does_not_stop_the_others(storage: Storage, surprise: Exception) -> None:
    storage.sync_feeds([FeedConfig(name="bad", url="https://bad.example/rss", interval=900),
                        FeedConfig(name="good", url="https://good.example/rss", interval=900)], T0)
    fetcher = ScriptedFetcher({
        "bad": surprise,
        "good": FetchResult(url="https://good.example/rss", status=200,
                            content=rss("North Korean troops: 3,000 in Russia")),
    })
    report = asyncio.run(engine_for(storage, fetcher, T0).poll())
    assert report.feeds == 2 and report.hits == 1
    assert [name for name, _ in report.errors] == ["bad"]
    status = {s.name: s for s in storage.feed_summaries()}
    assert status["good"].status == "ok" and status["good"].items == 1
    assert status["bad"].status == "error" and status["bad"].error
    assert str(surprise) in (status["bad"].error or "")


def test_bundled_rules_directory_loads() -> None:
    from watcher.rules import load_rules

    result = load_rules(Path(__file__).resolve().parents[1] / "rules")
    assert result.problems == ()
    assert result.rules.get("nk-troops") is not None
