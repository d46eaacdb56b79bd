"""The engine: alert payloads (pure), crash recovery of unanalysed items, and one feed's
surprise never stopping the others. Storage is real (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from watcher import core
from watcher import parse as parse_module
from watcher.core import Engine, build_alert, retry_delay, utcnow
from watcher.errors import DeliveryError, FetchError
from watcher.extract import get_extractor
from watcher.models import (
    Actor,
    FeedConfig,
    FeedState,
    FetchResult,
    Figure,
    KnownFigure,
    MatchResult,
    OutboxAlert,
    ParsedItem,
    StoredItem,
)
from watcher.novelty import Story
from watcher.parse import ParseFailure, parse_feed
from watcher.rules import RuleSet, parse_rule
from watcher.storage import Storage
from watcher.work import ParseOutcome, match_items, parse_and_match

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


def test_an_alert_lists_the_first_and_the_latest_earlier_values() -> None:
    known = [KnownFigure(key="troops", value=1000 + 100 * n, quantity="q",
                         published=T0 + timedelta(days=n)) for n in range(40)]
    fig = Figure(value=99000.0, key="troops", quantity="troops", text="99,000 troops")
    [out] = build_alert("nk", stored(item("a", "Title")), [fig], [], known)["new_figures"]
    assert [p["value"] for p in out["previous"]] == [1000, *range(4100, 5000, 100)]
    few = build_alert("nk", stored(item("a", "Title")), [fig], [], known[:10])
    assert len(few["new_figures"][0]["previous"]) == 10


_EARLIER = OutboxAlert(id=1, alert_id="a1", channel="hook", payload={}, attempts=2)
_LATER = OutboxAlert(id=2, alert_id="a2", channel="hook", payload={}, attempts=3)


@pytest.mark.parametrize(("alert", "error", "known", "low", "high", "attempts", "dead"), [
    # a failure: its attempt counted, backoff after 4 failures (240 s, jittered down to 3/4)
    (_LATER, DeliveryError("HTTP 503"), {}, 180, 240, 4, False),
    # the last allowed attempt: given up, and the alerts held back behind it go at once
    (_LATER, DeliveryError("HTTP 503"), {}, 0, 0, 4, True),
    # the receiver asked to wait longer than the backoff; and shorter (the backoff wins)
    (_LATER, DeliveryError("HTTP 429", retry_after=1800), {}, 1800, 1800, 4, False),
    (_LATER, DeliveryError("HTTP 429", retry_after=5), {}, 180, 240, 4, False),
    # ... and a Retry-After of days is capped at the longest interval
    (_LATER, DeliveryError("HTTP 503", retry_after=86400 * 3), {}, 3600, 3600, 4, False),
    # refused for good: the longest interval at once, still counted, still retried
    (_LATER, DeliveryError("HTTP 404", permanent=True), {}, 3600, 3600, 4, False),
    # not tried (behind a receiver that just failed to answer): no attempt, never dead
    (_LATER, DeliveryError("not tried", tried=False), {}, 90, 120, 3, False),
    (replace(_LATER, attempts=0), DeliveryError("not tried", tried=False), {}, 22.5, 30, 0,
     False),
    # ... the receiver asked every alert to wait (Retry-After), this one was not tried
    (_LATER, DeliveryError("asked to wait", tried=False, retry_after=600), {}, 600, 600, 3,
     False),
    # held back behind the story's earlier alert: retried at the very time it is
    (_LATER, core._HeldBack(_EARLIER, DeliveryError("HTTP 503")), {1: 1234.0}, 1234, 1234, 3,
     False),
])
def test_settle_failure(alert: OutboxAlert, error: DeliveryError, known: dict[int, float],
                        low: float, high: float, attempts: int, dead: bool) -> None:
    max_attempts = attempts if dead else 100
    retry_at_of = {k: T0 + timedelta(seconds=v) for k, v in known.items()}
    retry_at, counted, gave_up = core.settle_failure(alert, error, T0, max_attempts,
                                                     retry_at_of)
    assert low <= (retry_at - T0).total_seconds() <= high
    assert (counted, gave_up) == (attempts, dead)


def test_held_back_behind_a_held_back_alert_names_the_first_failure_once() -> None:
    first = core._HeldBack(_EARLIER, DeliveryError("HTTP 503", retry_after=60))
    second = core._HeldBack(_LATER, first)
    assert str(second) == str(first) == (
        "held back behind an earlier alert of its story that failed: HTTP 503")
    assert second.retry_after == 60 and not second.tried


@pytest.mark.parametrize(("reached", "error", "holds"), [
    ((), DeliveryError("HTTP 503"), True),
    ((), DeliveryError("timed out", tried=False), True),
    ((), DeliveryError("HTTP 413", permanent=True), False),             # maybe the alert's own
    ((), DeliveryError("451 for b@", done_for=("a@x.example",)), False),  # a had it
    # the retry to b alone, refused again: a had it at the first attempt
    (("a@x.example",), DeliveryError("452 for b@"), False),
])
def test_which_failures_hold_the_storys_later_alerts_back(
        reached: tuple[str, ...], error: DeliveryError, holds: bool) -> None:
    assert core.holds_story(replace(_LATER, done_for=reached), error) is holds


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


def test_retention_keeps_what_a_feed_still_lists_so_it_is_not_news_again(
        storage: Storage) -> None:
    storage.sync_feeds([FeedConfig(name="wire", url="https://n.example/rss", interval=900)], T0)
    body = FetchResult(url="https://n.example/rss", status=200,
                       content=rss("North Korean troops: 3,000 in Russia", "Weather"))
    first = asyncio.run(engine_for(storage, ScriptedFetcher({"wire": body}), T0).poll())
    assert first.new_items == 2 and first.alerts == 1
    # a long time later both items are past retention, but the feed still lists them
    later = T0 + timedelta(days=200)
    assert storage.prune_items(later - timedelta(days=90)) == 0
    again = asyncio.run(engine_for(storage, ScriptedFetcher({"wire": body}), later).poll(
        everything=True))
    assert again.new_items == 0 and again.alerts == 0
    # once the feed no longer lists the weather item, it goes (the hit stays)
    body = FetchResult(url="https://n.example/rss", status=200,
                       content=rss("North Korean troops: 3,000 in Russia"))
    asyncio.run(engine_for(storage, ScriptedFetcher({"wire": body}), later).poll(everything=True))
    assert storage.prune_items(later - timedelta(days=90)) == 1
    assert storage.feed_summaries()[0].items == 1


def test_a_batch_analyses_its_news_oldest_first(storage: Storage) -> None:
    """Feeds list their newest items first: analysed in that order, the first report of a
    figure lost the credit to a later copy, and an alert said 3,000 troops "was 5,000"."""
    storage.sync_feeds([FeedConfig(name="wire", url="https://n.example/rss", interval=900),
                        FeedConfig(name="briefs", url="https://b.example/rss", interval=900)], T0)

    def feed(*entries: tuple[str, str, str]) -> bytes:
        return ("<rss version='2.0'><channel><title>x</title>" + "".join(
            f"<item><guid>{guid}</guid><title>{title}</title><pubDate>{date}</pubDate></item>"
            for guid, title, date in entries) + "</channel></rss>").encode()

    fetcher = ScriptedFetcher({
        "wire": FetchResult(url="https://n.example/rss", status=200, content=feed(
            ("w2", "North Korea now has 5,000 troops in Russia", "Wed, 23 Oct 2024 08:00:00 GMT"),
            ("w1", "North Korea sends 3,000 troops to Russia", "Fri, 18 Oct 2024 08:00:00 GMT"))),
        "briefs": FetchResult(url="https://b.example/rss", status=200, content=feed(
            ("b1", "Brief: North Korea sends 3,000 troops", "Sat, 19 Oct 2024 08:00:00 GMT"))),
    })
    engine = Engine(storage=storage, rules=RuleSet([parse_rule(RULE, "rules/nk.yaml")]),
                    fetcher=fetcher, notifiers=[RecordingNotifier()], extractor=get_extractor(),
                    clock=lambda: T0)
    assert asyncio.run(engine.poll()).hits == 3
    news = [(a.payload["item"]["title"], [(f["value"], [p["value"] for p in f["previous"]])
                                          for f in a.payload["new_figures"]])
            for a in storage.list_alerts()]
    assert news == [("North Korea sends 3,000 troops to Russia", [(3000, [1500])]),
                    ("North Korea now has 5,000 troops in Russia", [(5000, [1500, 3000])])], news


def test_a_figure_not_said_near_the_story_is_neither_alerted_nor_learnt(storage: Storage) -> None:
    """An item about something else that mentions the story matched, and its "18,000 troops"
    (another country's drills) was alerted and learnt: the story's real 18,000 later was no
    news. With `alert_figures: near`, a figure is the story's when its sentence or the title
    names the central actor."""
    storage.sync_feeds([FeedConfig(name="wire", url="https://n.example/rss", interval=900)], T0)
    rule = parse_rule(RULE.replace("known_actors:", "alert_figures:\n  near: [North Korea]\n"
                                   "known_actors:"), "rules/nk.yaml")
    assert rule.figures_near is not None

    def poll(title: str, text: str, when: datetime) -> list[list[float]]:
        body = (f"<rss version='2.0'><channel><title>x</title><item><guid>{title}</guid>"
                f"<title>{title}</title><description>{text}</description></item></channel></rss>")
        engine = Engine(storage=storage, rules=RuleSet([rule]), fetcher=ScriptedFetcher({
            "wire": FetchResult(url="https://n.example/rss", status=200, content=body.encode())}),
            notifiers=[RecordingNotifier()], extractor=get_extractor(), clock=lambda: when)
        before = len(storage.list_alerts())
        asyncio.run(engine.poll(everything=True))
        return [[f["value"] for f in a.payload["new_figures"]]
                for a in storage.list_alerts()[before:]]

    # (nor are its new actors, South Korea and the United States, named only in the title: no alert)
    assert poll("South Korea, U.S. begin drills with 18,000 troops",
                "Pyongyang, which has sent soldiers to fight for Russia, called the drills a "
                "rehearsal for invasion.", T0) == []
    assert storage.list_hits()  # a hit all the same: the rule matched it
    assert poll("North Korea has sent 18,000 troops to Russia, Seoul says",
                "The spy agency gave the figure to lawmakers.", T0 + timedelta(hours=1)) == [[18000]]


@pytest.mark.parametrize(
    ("text", "new", "not_new"),
    [
        # outlets, think tanks and commentators tell of the story: no new actors of it
        ("Yonhap and KBS reported that North Korea's defence minister No Kwang Chol visited "
         "Moscow.", {"No Kwang Chol"}, {"Yonhap", "KBS"}),
        ('"It is a legal fig leaf," said Irina Sorokina, a researcher at the Vladivostok Centre '
         "for Asia-Pacific Studies. Sergei Shoigu flew to Pyongyang.",
         {"Sergei Shoigu"}, {"Irina Sorokina", "Vladivostok Centre for Asia-Pacific Studies"}),
        ("North Korean troops are in Belgorod, the Institute for the Study of War said, citing "
         "Andrii Kovalenko, head of Ukraine's Center for Countering Disinformation.",
         {"Belgorod", "Andrii Kovalenko"}, {"Institute for the Study of War"}),
        # a state body is a party, whatever it says
        ("South Korea's Joint Chiefs of Staff said North Korean troops had left Kursk.",
         {"Joint Chiefs of Staff", "Kursk"}, set()),
    ],
)
def test_story_news_leaves_out_who_tells_of_the_story(text: str, new: set[str], not_new: set[str]) -> None:
    rule = parse_rule(RULE, "rules/nk.yaml")
    rules = RuleSet([rule])
    extraction = get_extractor().extract(f"North Korean troops\n\n{text}")
    story = Story(rule.known_figures, rule.known_actors)
    _found, _figures, actors = core.story_news(rules, rule, "North Korean troops", text, extraction, story)
    names = {a.name for a in actors}
    assert new <= names, names
    assert not_new.isdisjoint(names), names
    assert not_new <= {a.name for a in extraction.actors}  # still found, only not news


@pytest.mark.parametrize(
    ("title", "new", "not_new"),
    [
        # the title does not name the story: only actors named in a sentence that does are its own
        ("US, Japan, South Korea launch Freedom Edge exercise", {"Sergei Shoigu"},
         {"Joint Chiefs of Staff", "Marcus Hale"}),
        # the title names it: every new actor counts
        ("North Korea watches as allies drill", {"Sergei Shoigu", "Joint Chiefs of Staff", "Marcus Hale"}, set()),
    ],
)
def test_story_news_takes_actors_near_the_story_in_an_item_about_something_else(
        title: str, new: set[str], not_new: set[str]) -> None:
    rule = parse_rule(RULE.replace("known_actors:", "alert_figures:\n  near: [North Korea]\nknown_actors:"),
                      "rules/nk.yaml")
    rules = RuleSet([rule])
    text = ("The Joint Chiefs of Staff said the drill began on Wednesday, Rear Admiral Marcus Hale said. "
            "North Korea, which has sent troops to Russia, hosted Sergei Shoigu last week.")
    extraction = get_extractor().extract(f"{title}\n\n{text}")
    story = Story(rule.known_figures, rule.known_actors)
    _found, _figures, actors = core.story_news(rules, rule, title, text, extraction, story)
    names = {a.name for a in actors}
    assert new <= names and not_new.isdisjoint(names), names
    # a rule without `near` takes them from anywhere
    plain = parse_rule(RULE, "rules/nk.yaml")
    _found, _figures, actors = core.story_news(RuleSet([plain]), plain, title, text, extraction, story)
    assert new | not_new <= {a.name for a in actors}


def test_a_live_blogs_entries_are_the_story_only_where_they_name_it() -> None:
    rule = parse_rule(RULE.replace("known_actors:", "alert_figures:\n  near: [North Korea]\nknown_actors:"),
                      "rules/nk.yaml")
    rules = RuleSet([rule])
    title = "Russia-Ukraine war live: North Korean units join push on Sudzha"
    text = ("09.05 GMT - At least 11 people were killed in a strike on Dobropillia, Ukraine's interior "
            "ministry said.\n09.40 GMT - North Korea has sent 2,000 more troops to Kursk, Kyiv said.\n"
            "10.15 GMT - A magnitude 4.9 earthquake struck Romania's Vrancea region.\n")
    extraction = get_extractor().extract(f"{title}\n\n{text}")
    found, _figures, actors = core.story_news(rules, rule, title, text, extraction,
                                              Story(rule.known_figures, rule.known_actors))
    assert [f.value for f in found] == [2000], found
    assert {"Romania", "Dobropillia"}.isdisjoint({a.name for a in actors}), actors


def test_bundled_rules_directory_loads() -> None:
    from watcher.rules import load_rules

    result = load_rules(Path(__file__).resolve().parents[1] / "rules")
    assert result.problems == ()
    assert result.rules.get("nk-troops") is not None


# --- parsing and matching beside the poll -------------------------------------------------------

def nk_rules(name: str = "nk") -> RuleSet:
    return RuleSet([parse_rule(RULE.replace("name: nk", f"name: {name}"), f"rules/{name}.yaml")])


class ExplodingRuleSet(RuleSet):
    """Matching raises for one title (a unit edge case: a bug in matching)."""

    __slots__ = ()

    def match(self, title: str, text: str) -> list[MatchResult]:
        if "explode" in title:
            raise RuntimeError("matcher bug")
        return super().match(title, text)


@pytest.mark.parametrize(("titles", "expected"), [
    (["North Korean troops: 3,000 in Russia", "Weather"], {"g0": ["nk"]}),
    (["Weather", "Sport"], {}),
    (["explode", "North Korea sends troops"], {"g0": None, "g1": ["nk"]}),
])
def test_match_items_table(titles: list[str], expected: dict[str, list[str] | None]) -> None:
    rules = ExplodingRuleSet(nk_rules().rules)
    parsed = parse_feed(rss(*titles), url="https://n.example/rss")
    got = match_items(rules, parsed)
    assert {k: None if v is None else [m.rule for m in v] for k, v in got.items()} == expected
    assert match_items(rules, ParseFailure("not a feed")) == {}
    assert match_items(RuleSet(), parsed) == {}


def many_feeds(storage: Storage, n: int) -> ScriptedFetcher:
    storage.sync_feeds([FeedConfig(name=f"f{i}", url=f"https://n{i}.example/rss", interval=900)
                        for i in range(n)], T0)
    return ScriptedFetcher({
        f"f{i}": FetchResult(url=f"https://n{i}.example/rss", status=200,
                             content=rss(f"North Korean troops: {1000 + i} in Russia", "Weather"))
        for i in range(n)})


def test_workers_parse_and_match_and_this_process_helps_when_they_are_behind(
        storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    """Feeds are parsed and matched by a worker process, or here once it has enough queued;
    either way every feed's items are stored, matched and analysed once."""
    monkeypatch.setattr(core, "PARSE_BACKLOG", 2)
    n = 3 * core.PARSE_POOL_MIN_FEEDS
    engine = Engine(storage=storage, rules=nk_rules(), fetcher=many_feeds(storage, n),
                    notifiers=[], extractor=get_extractor(), clock=lambda: T0, parse_workers=1)
    here = 0
    parse_here = engine._parse_here

    def counting(outcome: FetchResult) -> ParseOutcome:
        nonlocal here
        here += 1
        return parse_here(outcome)

    monkeypatch.setattr(engine, "_parse_here", counting)
    try:
        report = asyncio.run(engine.poll())
    finally:
        engine.close()
    assert report.feeds == n and report.new_items == 2 * n and not report.errors
    assert report.hits == n                      # one matching item per feed, each analysed once
    assert 0 < here < n                          # both this process and the worker parsed
    assert storage.unanalysed_items(T0 + timedelta(days=1), 10) == []


class _KillsItsWorker(RuleSet):
    """Rules whose copy ends the worker process that receives it at once, as a crash in a C
    extension would (no exception, no traceback: the process is gone)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return os._exit, (70,)


def test_when_the_parse_workers_die_this_process_parses_every_feed(
        storage: Storage, caplog: pytest.LogCaptureFixture) -> None:
    n = 2 * core.PARSE_POOL_MIN_FEEDS
    engine = Engine(storage=storage, rules=_KillsItsWorker(nk_rules().rules),
                    fetcher=many_feeds(storage, n), notifiers=[], extractor=get_extractor(),
                    clock=lambda: T0, parse_workers=1)
    try:
        report = asyncio.run(engine.poll())
    finally:
        engine.close()
    assert report.feeds == n and report.new_items == 2 * n and not report.errors
    assert report.hits == n
    assert engine.parse_workers == 0 and engine._parse_pool is None
    assert "parse worker processes failed (BrokenProcessPool" in caplog.text
    assert storage.unanalysed_items(T0 + timedelta(days=1), 10) == []


def test_what_the_matched_rules_know_is_read_once_per_batch(
        storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = RuleSet([*nk_rules("nk-a"), *nk_rules("nk-b"), *nk_rules("nk-c")])
    engine = Engine(storage=storage, rules=rules, fetcher=many_feeds(storage, 4),
                    notifiers=[], extractor=get_extractor(), clock=lambda: T0, parse_workers=0)
    reads: list[list[str]] = []
    knowledge = storage.knowledge

    def counting(names: Sequence[str]) -> dict[str, Any]:
        reads.append(sorted(names))
        return knowledge(names)

    monkeypatch.setattr(storage, "knowledge", counting)
    report = asyncio.run(engine.poll())
    assert report.hits == 4 * 3 and report.feeds == 4
    assert reads == [["nk-a", "nk-b", "nk-c"]]   # not once per rule, nor per item


def test_a_batch_records_its_polls_and_marks_its_items_in_one_call_each(
        storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each storage call is a round trip to the server (or several) on PostgreSQL: a batch
    of feeds records every successful poll in one call and marks every analysed item in one
    more, not one per feed."""
    n = 4
    engine = Engine(storage=storage, rules=nk_rules(), fetcher=many_feeds(storage, n),
                    notifiers=[], extractor=get_extractor(), clock=lambda: T0, parse_workers=0)
    calls: dict[str, list[int]] = {"record_feed_successes": [], "mark_analysed": []}

    def counting(real: Callable[[Sequence[Any]], None], sizes: list[int]
                 ) -> Callable[[Sequence[Any]], None]:
        def call(rows: Sequence[Any]) -> None:
            sizes.append(len(rows))
            real(rows)
        return call

    for name, sizes in calls.items():
        monkeypatch.setattr(storage, name, counting(getattr(storage, name), sizes))
    sizes = counting_batches(engine, monkeypatch)
    report = asyncio.run(engine.poll())
    assert report.feeds == n and report.hits == n and sizes == [n]
    assert calls == {"record_feed_successes": [n], "mark_analysed": [n]}
    assert all(f.status == "ok" and f.last_polled_at == T0 and f.next_poll_at is not None
               and f.next_poll_at > T0 and f.items == 2 for f in storage.feed_summaries())
    assert storage.unanalysed_items(T0 + timedelta(days=1), 10) == []


class TrickleFetcher:
    """Answers every feed after its own delay (``step`` seconds times its number): feeds
    arrive one by one, as from a network."""

    def __init__(self, answer: Callable[[FeedState], FetchResult], step: float) -> None:
        self.answer, self.step = answer, step

    async def fetch(self, feed: FeedState) -> FetchResult:
        await asyncio.sleep(self.step * int(feed.name[1:]))
        return self.answer(feed)

    async def aclose(self) -> None:
        pass


def counting_batches(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch of feeds the engine records, in order."""
    sizes: list[int] = []
    process = engine._process_batch

    def counting(fetched: Sequence[Any], *args: Any) -> None:
        sizes.append(len(fetched))
        process(fetched, *args)

    monkeypatch.setattr(engine, "_process_batch", counting)
    return sizes


def test_a_too_long_feed_is_not_logged_as_ill_formed(storage: Storage,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    storage.sync_feeds([FeedConfig(name="long", url="https://long.example/rss", interval=900)],
                       T0)
    entries = "".join(f"<item><guid>g{i}</guid><title>Item {i}</title></item>"
                      for i in range(parse_module.MAX_ITEMS + 5))
    body = f"<rss version='2.0'><channel><title>x</title>{entries}</channel></rss>".encode()
    engine = Engine(storage=storage, rules=nk_rules(), notifiers=[], extractor=get_extractor(),
                    fetcher=ScriptedFetcher({"long": FetchResult(
                        url="https://long.example/rss", status=200, content=body)}),
                    clock=lambda: T0, parse_workers=0)
    with caplog.at_level("INFO", logger="watcher.core"):
        asyncio.run(engine.poll())
    [line] = [r.getMessage() for r in caplog.records if "items kept" in r.getMessage()]
    assert "ill-formed" not in line and f"{parse_module.MAX_ITEMS + 5:,} entries" in line


def test_a_huge_feed_does_not_hold_up_the_event_loop(storage: Storage) -> None:
    """A legal 3 MB feed of 30,000 entries took feedparser seconds on the event loop (and
    storing them all more), while every other fetch of the cycle waited and timed out. It is
    parsed in a thread, and the first MAX_ITEMS of it are kept."""
    storage.sync_feeds([FeedConfig(name="dump", url="https://dump.example/rss", interval=900)], T0)
    entries = "".join(f"<item><guid>g{i}</guid><title>North Korean troops, part {i}</title>"
                      f"<description>Text {i}</description></item>" for i in range(30_000))
    body = f"<rss version='2.0'><channel><title>x</title>{entries}</channel></rss>".encode()
    assert len(body) > core.PARSE_OFF_LOOP_BYTES
    fetcher = ScriptedFetcher({"dump": FetchResult(url="https://dump.example/rss", status=200,
                                                   content=body)})
    engine = Engine(storage=storage, rules=nk_rules(), fetcher=fetcher, notifiers=[],
                    extractor=get_extractor(), clock=lambda: T0, parse_workers=0)

    async def poll_and_watch_the_loop() -> tuple[Any, float]:
        gaps: list[float] = []
        loop = asyncio.get_running_loop()

        async def ticker() -> None:
            last = loop.time()
            while True:
                await asyncio.sleep(0.01)
                now = loop.time()
                gaps.append(now - last)
                last = now

        tick = asyncio.create_task(ticker())
        try:
            # the parse alone takes seconds on this kind of machine; on the loop, no tick
            report = await engine.poll()
        finally:
            tick.cancel()
        return report, max(gaps, default=float("inf"))

    report, longest_gap = asyncio.run(poll_and_watch_the_loop())
    assert report.new_items == parse_module.MAX_ITEMS
    assert report.errors == []
    assert storage.feed_summaries()[0].error == (
        f"30,000 entries: the first {parse_module.MAX_ITEMS:,} items (the newest) kept")
    assert longest_gap < 1.0, longest_gap


def test_a_cycle_stopped_hands_back_the_feeds_it_did_not_poll(storage: Storage) -> None:
    """A shutdown in the middle of a cycle: the feeds claimed and not recorded are due again at
    once (they kept their lease, up to ten minutes, so a rolling restart left them unpolled)."""
    storage.sync_feeds([FeedConfig(name=n, url=f"https://{n}.example/rss", interval=900)
                        for n in ("quick", "stuck1", "stuck2")], T0)

    class HalfStuck:
        async def fetch(self, feed: FeedState) -> FetchResult:
            if feed.name.startswith("stuck"):
                await asyncio.sleep(3600)
            return FetchResult(url=feed.url, status=200, content=rss("Weather"))

        async def aclose(self) -> None:
            pass

    engine = Engine(storage=storage, rules=nk_rules(), fetcher=HalfStuck(), notifiers=[],
                    extractor=get_extractor(), clock=lambda: T0, parse_workers=0)

    async def stop_midway() -> None:
        poll = asyncio.create_task(engine.poll())
        for _ in range(200):
            await asyncio.sleep(0.01)
            if any(f.last_polled_at for f in storage.feed_summaries()):
                break
        poll.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poll

    asyncio.run(stop_midway())
    polled = {f.name for f in storage.feed_summaries() if f.last_polled_at}
    assert polled == {"quick"}
    assert sorted(f.name for f in storage.claim_due_feeds(T0, 10, 600)) == ["stuck1", "stuck2"]


def test_feeds_arriving_one_by_one_are_recorded_in_batches(
        storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies that trickle in are gathered into transactions of several feeds (not one
    each); 304s, a row each, into transactions of STORE_BATCH."""
    n = 40
    storage.sync_feeds([FeedConfig(name=f"f{i}", url=f"https://n{i}.example/rss", interval=900)
                        for i in range(n)], T0)

    def body(feed: FeedState) -> FetchResult:
        return FetchResult(url=feed.url, status=200,
                           content=rss(f"North Korean troops: {feed.name} in Russia", "Weather"))

    engine = Engine(storage=storage, rules=nk_rules(), fetcher=TrickleFetcher(body, 0.002),
                    notifiers=[], extractor=get_extractor(), clock=lambda: T0, parse_workers=0)
    sizes = counting_batches(engine, monkeypatch)
    report = asyncio.run(engine.poll())
    assert report.feeds == n and report.new_items == 2 * n and report.hits == n
    assert sum(sizes) == n
    assert len(sizes) <= n // core.STORE_MIN + 1, sizes   # one each would be 40

    # The next cycle: every feed answers 304, one by one.
    later = T0 + timedelta(hours=1)

    def unchanged(feed: FeedState) -> FetchResult:
        return FetchResult(url=feed.url, status=304, content=None)

    engine = Engine(storage=storage, rules=nk_rules(), fetcher=TrickleFetcher(unchanged, 0.002),
                    notifiers=[], extractor=get_extractor(), clock=lambda: later,
                    parse_workers=0)
    monkeypatch.setattr(core, "STORE_BATCH", 15)
    sizes = counting_batches(engine, monkeypatch)
    report = asyncio.run(engine.poll())
    assert report.feeds == n and report.not_modified == n
    assert sum(sizes) == n and len(sizes) <= n // 15 + 1, sizes   # one each would be 40
    assert all(s.last_polled_at == later and s.next_poll_at == later + timedelta(seconds=900)
               for s in storage.feed_summaries())


def test_one_feed_is_recorded_without_waiting_for_more(
        storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch waits for more feeds only while some are still out: the last ones, or a
    cycle of one feed, are recorded as soon as they arrive."""
    storage.sync_feeds([FeedConfig(name="f0", url="https://n0.example/rss", interval=900)], T0)
    monkeypatch.setattr(core, "STORE_GATHER", 60.0)  # a wait would time the test out

    def body(feed: FeedState) -> FetchResult:
        return FetchResult(url=feed.url, status=200, content=rss("North Korean troops"))

    engine = Engine(storage=storage, rules=nk_rules(), fetcher=TrickleFetcher(body, 0),
                    notifiers=[], extractor=get_extractor(), clock=lambda: T0, parse_workers=0)
    report = asyncio.run(asyncio.wait_for(engine.poll(), 10))
    assert report.feeds == 1 and report.hits == 1


def test_two_engines_finding_the_same_news_at_once_alert_once(db_url: str) -> None:
    """Two instances' engines, each with its own (equally old) knowledge of the rule, analyse
    two reports of the same news: the second names the colonel by his surname only, which no
    database constraint ties to the first's full name. One alert, not two."""
    one, two = Storage(db_url), Storage(db_url)
    try:
        one.migrate()
        one.sync_feeds([FeedConfig(name="wire", url="https://n.example/rss", interval=900)], T0)
        feed = one.claim_due_feeds(T0, 10, 600)[0]
        a, b = one.store_items(feed.id, [
            item("a", "North Korea sent 3,000 troops to Russia, Colonel Ivan Petrenkov said."),
            item("b", "Colonel Petrenkov said the 3,000 North Korean troops were in Russia."),
        ], T0)
        engines = [Engine(storage=s, rules=nk_rules(), fetcher=ScriptedFetcher({}), notifiers=[],
                          extractor=get_extractor(), clock=lambda: T0) for s in (one, two)]
        knowledge: list[dict[str, Any]] = [{}, {}]
        for engine, known in zip(engines, knowledge, strict=True):
            engine._load_knowledge(known, ["nk"])   # what each knew when its cycle began
        reports = [core.CycleReport(), core.CycleReport()]
        engines[0].analyse([a], T0, reports[0], knowledge[0])
        engines[1].analyse([b], T0, reports[1], knowledge[1])
        assert [(r.hits, r.alerts) for r in reports] == [(1, 1), (1, 0)]
        assert [x.name for x in one.known_actors("nk")] == ["Ivan Petrenkov"]
        # the second engine now knows the colonel's full name too
        assert knowledge[1]["nk"].story.new_actors([Actor("Ivan Petrenkov", "person")]) == []
    finally:
        one.close()
        two.close()


def test_rules_reloaded_restart_workers_and_older_matches_are_redone(storage: Storage) -> None:
    engine = Engine(storage=storage, rules=RuleSet(), fetcher=many_feeds(storage, 1),
                    notifiers=[], extractor=get_extractor(), clock=lambda: T0, parse_workers=1)
    try:
        old_pool = engine._pool()
        body = rss("North Korean troops: 3,000 in Russia")
        before = old_pool.submit(parse_and_match, body, "https://n0.example/rss", None).result()
        assert before.matches == {} and before.generation == 0     # no rules yet
        engine.rules = nk_rules()
        new_pool = engine._pool()
        assert new_pool is not old_pool                              # restarted with the rules
        after = new_pool.submit(parse_and_match, body, "https://n0.example/rss", None).result()
        assert after.generation == 1 and [m.rule for m in after.matches["g0"] or []] == ["nk"]
        # A result matched with the old rules is matched again when it is recorded.
        [feed] = storage.claim_due_feeds(T0, 10, 600)
        fetched = FetchResult(url="https://n0.example/rss", status=200, content=body)
        recorded = engine._record(feed, fetched, core.CycleReport(), before, successes=[])
        assert recorded is not None
        stored_items, matches, _now = recorded
        assert [s.item.key for s in stored_items] == ["g0"] and "g0" in matches
    finally:
        engine.close()


class RecordingNotifier:
    """Collects what it is asked to send (the webhook and email channels have their own
    tests against real servers)."""

    name = "recording"

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.first = asyncio.Event()

    async def send(self, alert: OutboxAlert) -> None:
        self.sent.append(alert.alert_id)
        self.first.set()

    async def aclose(self) -> None:
        pass


def test_cycle_delivers_alerts_while_the_poll_goes_on(storage: Storage) -> None:
    """The first feed's alert goes out while the second feed is still being fetched."""
    storage.sync_feeds([FeedConfig(name="a", url="https://a.example/rss", interval=900),
                        FeedConfig(name="b", url="https://b.example/rss", interval=900)], T0)
    notifier = RecordingNotifier()
    order: list[str] = []

    class SlowSecond:
        async def fetch(self, feed: FeedState) -> FetchResult:
            if feed.name == "b":
                try:  # held back until an alert went out, or 5 s (then the test fails)
                    await asyncio.wait_for(notifier.first.wait(), 5)
                except TimeoutError:
                    order.append("timed out")
            order.append(f"fetched {feed.name}")
            title = "North Korea sends 3,000 troops to Russia" if feed.name == "a" else "Weather"
            return FetchResult(url=feed.url, status=200, content=rss(title))

        async def aclose(self) -> None:
            pass

    engine = Engine(storage=storage, rules=nk_rules(), fetcher=SlowSecond(),
                    notifiers=[notifier], extractor=get_extractor(), clock=utcnow,
                    parse_workers=0)
    report, delivery = asyncio.run(engine.cycle(everything=True))
    assert report.alerts == 1 and delivery.sent == 1 and len(notifier.sent) == 1
    assert order == ["fetched a", "fetched b"]
    [alert] = storage.list_alerts()
    assert alert.status == "sent"


def test_a_storys_alerts_arrive_in_queued_order_other_storys_alongside(storage: Storage) -> None:
    """Sends are concurrent, but a story's alerts reach a channel in the order they were
    queued, even when the first is the slowest to send; two stories' alerts go out together."""
    storage.sync_feeds([FeedConfig(name="a", url="https://a.example/rss", interval=900)], T0)
    events: list[tuple[str, str, str]] = []
    delays = iter([0.3, 0.2, 0.1, 0.0, 0.3, 0.2, 0.1, 0.0])

    class SlowFirst:
        name = "slow"

        async def send(self, alert: OutboxAlert) -> None:
            rule, value = alert.payload["rule"], str(alert.payload["new_figures"][0]["value"])
            events.append(("start", rule, value))
            await asyncio.sleep(next(delays))
            events.append(("end", rule, value))

        async def aclose(self) -> None:
            pass

    titles = [f"North Korea sends {n:,} troops to Russia" for n in (3000, 4000, 5000, 6000)]
    rules = RuleSet([*nk_rules("nk-a"), *nk_rules("nk-b")])
    engine = Engine(storage=storage, rules=rules, fetcher=ScriptedFetcher(
                        {"a": FetchResult(url="https://a.example/rss", status=200,
                                          content=rss(*titles))}),
                    notifiers=[SlowFirst()], extractor=get_extractor(), clock=utcnow,
                    parse_workers=0)
    report, delivery = asyncio.run(engine.cycle(everything=True))
    assert report.alerts == 8 and delivery.sent == 8
    for rule in ("nk-a", "nk-b"):
        ends = [v for e, r, v in events if e == "end" and r == rule]
        assert ends == ["3000", "4000", "5000", "6000"], events
    # the second story did not wait for the first one's alerts
    assert events.index(("start", "nk-b", "3000")) < events.index(("end", "nk-a", "3000"))


def test_a_storys_alert_after_a_failed_one_is_held_back_and_retried_with_it(
        storage: Storage) -> None:
    """The channel refuses the first alert of one story: the story's later alerts are not
    tried that round (they would arrive first), another story's are; all arrive, in order,
    when the channel is back."""
    storage.sync_feeds([FeedConfig(name="a", url="https://a.example/rss", interval=900)], T0)
    arrived: list[tuple[str, str]] = []
    tried: list[tuple[str, str]] = []
    refuse = {("nk-a", "3000")}

    class Refusing:
        name = "hook"

        async def send(self, alert: OutboxAlert) -> None:
            sent = (alert.payload["rule"], str(alert.payload["new_figures"][0]["value"]))
            tried.append(sent)
            if sent in refuse:
                raise DeliveryError("HTTP 503")
            arrived.append(sent)

        async def aclose(self) -> None:
            pass

    titles = [f"North Korea sends {n:,} troops to Russia" for n in (3000, 4000)]
    now = [T0]
    engine = Engine(storage=storage, rules=RuleSet([*nk_rules("nk-a"), *nk_rules("nk-b")]),
                    fetcher=ScriptedFetcher({"a": FetchResult(
                        url="https://a.example/rss", status=200, content=rss(*titles))}),
                    notifiers=[Refusing()], extractor=get_extractor(), clock=lambda: now[0],
                    parse_workers=0)
    report, delivery = asyncio.run(engine.cycle(everything=True))
    assert (report.alerts, delivery.sent, delivery.failed) == (4, 2, 2)
    assert sorted(tried) == [("nk-a", "3000"), ("nk-b", "3000"), ("nk-b", "4000")]
    held = [a for a in storage.list_alerts("pending") if a.payload["rule"] == "nk-a"]
    assert [(a.attempts, "held back" in (a.last_error or "")) for a in held] == [
        (1, False), (0, True)]  # the one held back was not tried: no attempt counted
    # both come due at the same moment (the held one takes its predecessor's retry time)
    for second in range(1, 61):
        due = storage.claim_due_alerts(T0 + timedelta(seconds=second), 10, 1)
        if due:
            break
    assert [a.id for a in due] == [a.id for a in held]
    refuse.clear()
    now[0] = T0 + timedelta(hours=2)  # past both alerts' retry time
    delivery = asyncio.run(engine.deliver())
    assert delivery.sent == 2
    assert [v for r, v in arrived if r == "nk-a"] == ["3000", "4000"]


def test_an_alert_refused_for_good_holds_back_none_of_its_storys_later_ones(
        storage: Storage) -> None:
    """A receiver refuses one alert for good (413: too large): the story's next alert goes
    out anyway, instead of waiting behind it for the days of its hourly retries."""
    storage.sync_feeds([FeedConfig(name="a", url="https://a.example/rss", interval=900)], T0)
    arrived: list[str] = []

    class RefusesTheFirst:
        name = "hook"

        async def send(self, alert: OutboxAlert) -> None:
            value = str(alert.payload["new_figures"][0]["value"])
            if value == "3000":
                raise DeliveryError("HTTP 413", permanent=True)
            arrived.append(value)

        async def aclose(self) -> None:
            pass

    titles = [f"North Korea sends {n:,} troops to Russia" for n in (3000, 4000)]
    engine = Engine(storage=storage, rules=nk_rules(), notifiers=[RefusesTheFirst()],
                    fetcher=ScriptedFetcher({"a": FetchResult(
                        url="https://a.example/rss", status=200, content=rss(*titles))}),
                    extractor=get_extractor(), clock=lambda: T0, parse_workers=0)
    report, delivery = asyncio.run(engine.cycle(everything=True))
    assert (report.alerts, delivery.sent, delivery.failed) == (2, 1, 1)
    assert arrived == ["4000"]
    [refused] = storage.list_alerts("pending")
    assert refused.attempts == 1 and "413" in (refused.last_error or "")


def test_a_stopped_delivery_records_what_was_sent_and_hands_back_the_rest(
        storage: Storage) -> None:
    """A shutdown while a receiver hangs: the alert sent before it is recorded as sent, the
    ones still in flight are due again at once (not after their five-minute lease), for a
    restarted or another instance."""
    storage.sync_feeds([FeedConfig(name="a", url="https://a.example/rss", interval=900)], T0)
    hang = asyncio.Event()

    class HangsOnTheSecond:
        name = "hook"

        async def send(self, alert: OutboxAlert) -> None:
            if alert.payload["new_figures"][0]["value"] != 3000:
                await hang.wait()  # never set

        async def aclose(self) -> None:
            pass

    titles = [f"North Korea sends {n:,} troops to Russia" for n in (3000, 4000, 5000)]
    now = [T0]
    engine = Engine(storage=storage, rules=nk_rules(), fetcher=ScriptedFetcher(
                        {"a": FetchResult(url="https://a.example/rss", status=200,
                                          content=rss(*titles))}),
                    notifiers=[HangsOnTheSecond()], extractor=get_extractor(),
                    clock=lambda: now[0], parse_workers=0)
    report = asyncio.run(engine.poll(everything=True))  # (queues alerts, sends none)
    assert report.alerts == 3

    async def stop_while_hanging() -> None:
        task = asyncio.ensure_future(engine.deliver())
        await asyncio.sleep(0.3)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(stop_while_hanging())
    status = {a.payload["new_figures"][0]["value"]: (a.status, a.attempts)
              for a in storage.list_alerts()}
    assert status == {3000: ("sent", 1), 4000: ("pending", 0), 5000: ("pending", 0)}
    now[0] = T0 + timedelta(seconds=1)
    assert len(storage.claim_due_alerts(now[0], 10, 300)) == 2


def test_a_notifier_bug_records_what_was_sent_and_hands_back_its_alert(
        storage: Storage) -> None:
    """A notifier raising something other than DeliveryError (a bug) ends the round: what
    was sent is recorded, the alert it failed on is due again at once (not lost in a lease)."""
    storage.sync_feeds([FeedConfig(name="a", url="https://a.example/rss", interval=900)], T0)

    class BuggyOnSecond:
        name = "hook"

        async def send(self, alert: OutboxAlert) -> None:
            if alert.payload["new_figures"][0]["value"] == 4000:
                await asyncio.sleep(0.05)
                raise RuntimeError("a bug")

        async def aclose(self) -> None:
            pass

    titles = [f"North Korea sends {n:,} troops to Russia" for n in (3000, 4000)]
    engine = Engine(storage=storage, rules=RuleSet([*nk_rules("nk-a"), *nk_rules("nk-b")]),
                    notifiers=[BuggyOnSecond()], extractor=get_extractor(),
                    fetcher=ScriptedFetcher({"a": FetchResult(
                        url="https://a.example/rss", status=200, content=rss(*titles))}),
                    clock=lambda: T0, parse_workers=0)
    asyncio.run(engine.poll(everything=True))
    with pytest.raises(RuntimeError, match="a bug"):
        asyncio.run(engine.deliver())
    status = sorted((a.payload["new_figures"][0]["value"], a.status, a.attempts)
                    for a in storage.list_alerts())
    assert status == [(3000, "sent", 1), (3000, "sent", 1), (4000, "pending", 0),
                      (4000, "pending", 0)]
    assert len(storage.claim_due_alerts(T0, 10, 300)) == 2  # due at once


def test_the_end_of_a_poll_sends_its_last_alerts_at_once_and_last_stops_the_workers(
        storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    """An alert queued while the sender lets alerts gather is sent when the poll ends, not
    after the gathering time (an hour here: the cycle would hang). The parse workers stay
    for the next cycle, unless the cycle is the ``last`` one (``poll --once``)."""
    monkeypatch.setattr(core, "DELIVERY_GATHER", 3600.0)
    n = 2 * core.PARSE_POOL_MIN_FEEDS
    storage.sync_feeds([FeedConfig(name=f"f{i}", url=f"https://n{i}.example/rss", interval=900)
                        for i in range(n)], T0)

    def answers(base: int) -> dict[str, FetchResult | BaseException]:
        return {f"f{i}": FetchResult(url=f"https://n{i}.example/rss", status=200, content=rss(
            f"North Korea sends {base + 100 * i:,} troops to Russia")) for i in range(n)}

    fetcher = ScriptedFetcher(answers(3000))
    notifier = RecordingNotifier()
    engine = Engine(storage=storage, rules=nk_rules(), fetcher=fetcher, notifiers=[notifier],
                    extractor=get_extractor(), clock=utcnow, parse_workers=1)
    try:
        report, delivery = asyncio.run(asyncio.wait_for(engine.cycle(everything=True), 60))
        assert report.alerts == n and delivery.sent == n and len(notifier.sent) == n
        assert engine._parse_pool is not None                  # kept for the next cycle
        # one more cycle, the last: everything is new again (other figures), then no workers
        fetcher.answers = answers(10_000)
        report, delivery = asyncio.run(asyncio.wait_for(
            engine.cycle(everything=True, last=True), 60))
        assert report.alerts == n and delivery.sent == n and len(notifier.sent) == 2 * n
        assert engine._parse_pool is None and engine._retired_pool is None
    finally:
        engine.close()
