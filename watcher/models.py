"""Small frozen records that cross module boundaries.

Leaf modules (fetch, parse, rules, extract, storage, notify) import only this module,
``watcher.errors`` and libraries; ``core`` wires them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ActorKind = Literal["country", "organisation", "person", "place"]


# --- feeds ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FeedConfig:
    """A feed as the user configured it."""

    name: str
    url: str
    interval: float  # seconds between polls


@dataclass(frozen=True, slots=True)
class FeedState:
    """A feed as storage knows it: what the poller needs to fetch it politely."""

    id: int
    name: str
    url: str
    interval: float
    etag: str | None = None
    last_modified: str | None = None
    error_count: int = 0
    leased_until: datetime | None = None  # a claimed feed's lease (see Storage.claim_due_feeds)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What came back from one HTTP fetch. ``content`` is None when the server said 304."""

    url: str                       # the URL finally fetched (after redirects)
    status: int
    content: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect: str | None = None  # new URL when the feed moved permanently
    content_type: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One feed entry, reduced to what watcher uses. ``text`` is plain text (HTML stripped)."""

    key: str                 # identity within its feed: guid, else link, else hash of title+content
    title: str
    link: str | None
    published: datetime | None  # timezone-aware UTC
    text: str
    content_hash: str        # changes when title or text change (an update, not a new item)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    items: tuple[ParsedItem, ...]
    warning: str | None = None  # readable message: items kept despite an ill-formed or too long body


@dataclass(frozen=True, slots=True)
class FeedSummary:
    """One row of ``watcher feeds``."""

    name: str
    url: str
    items: int
    status: Literal["ok", "error", "disabled", "pending"]
    error: str | None
    last_polled_at: datetime | None = None
    next_poll_at: datetime | None = None


# --- story knowledge -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Actor:
    """An entity in a story. ``aliases`` are other names of the same entity (not ``name``)."""

    name: str
    kind: ActorKind
    aliases: tuple[str, ...] = ()
    role: str | None = None  # e.g. "President" for people, when the text says


# An increment ("3,000 more troops", "another 1,000") counts what is added, not a total: its
# key is the thing's key with this suffix ("troops_added"), so that 3,000 more troops is news
# where 3,000 troops (in all) was known, and the other way round.
ADDED = "_added"


def base_key(key: str) -> str:
    """The counted thing of a key, an increment's included ("troops_added" -> "troops")."""
    return key.removesuffix(ADDED)


def json_number(value: float) -> int | float:
    """A figure's value as JSON and people show it: 3000, not 3000.0."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in a story and what it counts.

    ``key`` is the canonical counted thing ("troops", "ammunition", "casualties", ...), used
    to decide novelty: a figure is new when ``(key, value)`` has not been seen for the rule.
    An increment's key ends in ``ADDED`` ("troops_added"; its qualifier is "more").
    ``quantity`` is the readable description ("North Korean troops sent to Russia").
    """

    value: float
    key: str
    quantity: str
    text: str = ""                 # the phrase or sentence it came from
    qualifier: str | None = None   # "at least", "more than", "about", "up to", "more" ...
    said_by: str | None = None
    unit: str | None = None        # e.g. "USD" for money, "%" for percentages


@dataclass(frozen=True, slots=True)
class Extraction:
    actors: tuple[Actor, ...] = ()
    figures: tuple[Figure, ...] = ()
    # the names of the actors that tell of the news rather than take part in it: news outlets,
    # think tanks, commentators ("said Jane Doe, a senior fellow at ..."); no new actors of a story
    sources: tuple[str, ...] = ()


# --- rules and hits ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MatchResult:
    """Why an item matched a rule: the rule's terms/actors found in it."""

    rule: str
    matched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredItem:
    """An item after storage saw it: new, updated (content changed) or unchanged."""

    id: int
    feed_id: int
    feed_name: str
    item: ParsedItem
    status: Literal["new", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class HitRecord:
    """One row of ``watcher hits``."""

    rule: str
    link: str | None
    title: str
    published: datetime | None
    feed: str
    matched: tuple[str, ...] = ()
    created_at: datetime | None = None
    # what the rule learnt from the item: the new figures and actors it alerted (or would
    # have, with no alert channel), in the order learnt
    new_figures: tuple[KnownFigure, ...] = ()
    new_actors: tuple[Actor, ...] = ()


@dataclass(frozen=True, slots=True)
class KnownFigure:
    """A figure already known for a rule (from the seed or an earlier hit)."""

    key: str
    value: float
    quantity: str
    said_by: str | None = None
    published: datetime | None = None


@dataclass(slots=True)
class KnowledgeMark:
    """How far a reader has read a rule's stored figures and actors: the largest row id of
    each it has seen. :meth:`Storage.record_hit` advances it (the one mutable record here)."""

    figures: int = 0
    actors: int = 0


@dataclass(frozen=True, slots=True)
class RuleKnowledge:
    """What the database knows for one rule: its figures and actors, oldest first, and the
    mark to catch up from later."""

    figures: list[KnownFigure]
    actors: list[Actor]
    mark: KnowledgeMark


@dataclass(frozen=True, slots=True)
class OutboxAlert:
    """An alert waiting in (or claimed from) the outbox for one channel."""

    id: int
    alert_id: str            # stable identity shared by every retry: payload["id"]
    channel: str             # name of the alert target in the config, e.g. "webhook:0"
    payload: dict[str, Any] = field(hash=False, compare=False)
    attempts: int = 0
    status: Literal["pending", "sent", "dead"] = "pending"
    last_error: str | None = None
    # e-mail recipients an earlier attempt reached, or that refused it for good: a retry is
    # for the others only (a recipient refused with a temporary error while others took it)
    done_for: tuple[str, ...] = ()
    next_attempt_at: datetime | None = None  # pending: when it is tried (again); else unused
    holds_story: bool = True  # while it waits, the story's later alerts to the channel wait
