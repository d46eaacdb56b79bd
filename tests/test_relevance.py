"""Long texts: matching reads the title and lead; extraction reads the sentences about the
rule's story. Short texts (RSS summaries) are used whole."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from watcher.core import Engine
from watcher.extract import get_extractor
from watcher.models import FeedConfig, FeedState, FetchResult
from watcher.rules import Rule, RuleSet, parse_rule
from watcher.rules.matching import LEAD_CHARS, PASSAGE_MIN_CHARS, sentences
from watcher.storage import Storage

RULE = parse_rule("""\
name: nk
match:
  all: [North Korea, any: [Russia, Ukraine], any: [troops, soldiers]]
known_actors:
  - {name: North Korea, kind: country, aliases: [North Korean, Pyongyang]}
  - {name: Russia, kind: country, aliases: [Russian, Moscow]}
known_figures:
  - {value: 1500, key: troops, quantity: troops sent}
""", "rules/nk.yaml")

FILLER = ("Chip makers in Shenzhen reported strong quarterly sales, and analysts at Morgan "
          "Stanley said 40 percent of new orders came from abroad. ")


def long_text(topic: str, *, at: str) -> str:
    padding = FILLER * (LEAD_CHARS // len(FILLER) + 2)
    return topic + " " + padding if at == "start" else padding + " " + topic


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        (long_text("North Korean troops have reached Russia, officials said.", at="start"), True),
        (long_text("North Korean troops have reached Russia, officials said.", at="end"), False),
        ("North Korean troops have reached Russia.", True),
    ],
)
def test_matching_reads_the_lead_of_long_texts(text: str, hit: bool) -> None:
    assert bool(RuleSet([RULE]).match("World briefing", text)) is hit


def test_passage_keeps_only_sentences_about_the_story() -> None:
    rules = RuleSet([RULE])
    text = ("Pyongyang has sent 3,000 more soldiers to Russia, Seoul said. " + FILLER * 12
            + "Separately, a Shenzhen firm hired 700 engineers.\nMoscow denied that 12,000 "
            "North Korean troops were in Kursk.")
    assert len(text) > PASSAGE_MIN_CHARS
    passage = rules.passage("nk", text)
    assert "3,000 more soldiers" in passage and "12,000" in passage
    assert "Morgan Stanley" not in passage and "700 engineers" not in passage
    short = "Chip sales rose. North Korean troops moved."
    assert rules.passage("nk", short) == short


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        ('He said "go." Then left.', ['He said "go."', "Then left."]),
        ("Line one\nline two", ["Line one", "line two"]),
        ("It cost 3.5 billion. Next", ["It cost 3.5 billion.", "Next"]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


class OneFeed:
    def __init__(self, body: bytes) -> None:
        self.body = body

    async def fetch(self, feed: FeedState) -> FetchResult:
        return FetchResult(url=feed.url, status=200, content=self.body)

    async def aclose(self) -> None:
        pass


class Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, alert: object) -> None:
        self.sent.append(alert.payload)  # type: ignore[attr-defined]

    async def aclose(self) -> None:
        pass


def alerts_for_one_item(storage: Storage, rule: Rule, title: str, body: str) -> list[dict[str, Any]]:
    """Poll a feed of one item with ``rule`` and deliver: the alert payloads sent."""
    rss = (f"<rss version='2.0'><channel><title>w</title><item><guid>1</guid><title>{title}"
           f"</title><description>{body}</description></item></channel></rss>").encode()
    now = datetime(2024, 11, 1, tzinfo=UTC)
    storage.sync_feeds([FeedConfig(name="wire", url="https://w.example/rss", interval=900)], now)
    recorder = Recorder()
    engine = Engine(storage=storage, rules=RuleSet([rule]), fetcher=OneFeed(rss),
                    notifiers=[recorder], extractor=get_extractor(), clock=lambda: now)
    report = asyncio.run(engine.poll())
    asyncio.run(engine.deliver())
    assert report.hits == 1
    return recorder.sent


def test_a_long_article_alerts_only_on_what_its_story_sentences_bring(storage: Storage) -> None:
    body = ("North Korea has sent 3,000 more soldiers to Russia, South Korea's spy agency said. "
            + FILLER * 20 + "Pyongyang's troops, now 12,000 strong, were seen near Kursk.")
    [payload] = alerts_for_one_item(storage, RULE, "Briefing", body)
    values = sorted(f["value"] for f in payload["new_figures"])
    assert values == [3000, 12000]                    # not the filler's 40 percent
    names = {a["name"] for a in payload["new_actors"]}
    assert "Morgan Stanley" not in names and "Shenzhen" not in names


@pytest.mark.parametrize(
    ("section", "keys"),
    [
        # (3,000 more troops are an increment: "troops_added", which `troops` filters take in)
        ("", {"troops_added", "casualties"}),               # durations are left out by default
        ("alert_figures:\n  ignore: []\n", {"troops_added", "casualties", "days"}),
        ("alert_figures:\n  only: [troops]\n", {"troops_added"}),
        ("alert_figures:\n  only: [casualties]\n", {"casualties"}),
    ],
)
def test_the_rule_says_which_figures_are_part_of_its_story(storage: Storage, section: str,
                                                           keys: set[str]) -> None:
    rule = parse_rule("name: nk\nmatch:\n  all: [North Korea, any: [troops, soldiers]]\n" + section,
                      "rules/nk.yaml")
    body = ("North Korea has sent 3,000 more troops to Russia after a two-day battle in which "
            "about 900 North Korean soldiers were killed or wounded.")
    [payload] = alerts_for_one_item(storage, rule, "Kursk", body)
    assert {f["key"] for f in payload["new_figures"]} == keys
    # what was left out is not learnt either: it stays out of the story's knowledge
    known = storage.knowledge(["nk"])["nk"]
    assert {f.key for f in known.figures} == keys
