"""The engine: one poll cycle (fetch -> parse -> store -> match -> extract -> hit/alert) and
alert delivery. Wires the leaf modules together; holds no SQL and no network code of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import multiprocessing
import os
import random
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from watcher.errors import DeliveryError, FetchError, StorageError
from watcher.extract import Extractor
from watcher.fetch import next_poll_delay
from watcher.models import (
    Actor,
    Extraction,
    FeedState,
    FetchResult,
    Figure,
    KnowledgeMark,
    KnownFigure,
    OutboxAlert,
    StoredItem,
    json_number,
)
from watcher.novelty import Story, timeline
from watcher.parse import ParseFailure
from watcher.rules import Rule, RuleSet, normalise
from watcher.rules.matching import MatchResult
from watcher.storage import PollSuccess, Storage
from watcher.work import Matches, ParseOutcome, init_worker, match_items, parse_and_match

log = logging.getLogger("watcher.core")

ALERT_RETRY_BASE = 30.0      # seconds before the first retry of a failed delivery
ALERT_RETRY_CAP = 3600.0     # never wait longer than this between two attempts
FEED_LEASE = 600.0           # a claimed feed becomes due again after this if its poller died
FEED_LEASE_MIN = 120.0       # ... or after twice its interval, not less than this
ALERT_LEASE = 300.0
RECOVERY_GRACE = 120.0       # items left unanalysed this long ago belong to an interrupted cycle
PIPELINE_DEPTH = 200         # feeds fetched (or being fetched) but not yet stored, at most
STORE_BATCH = 50             # feeds recorded in one transaction, at most
STORE_MIN = 10               # ... and at least (STORE_BATCH of 304s), unless none are left
STORE_GATHER = 0.1           # or this many seconds passed since the first of them arrived
PARSE_POOL_MIN_FEEDS = 8     # smaller batches are parsed in this process: a pool would not pay
MAX_PARSE_WORKERS = 4
# Bodies queued per parse worker beyond which this process parses the next one itself: the
# workers never run dry while it stores a batch, and it never idles while they are behind.
PARSE_BACKLOG = 16
PARSE_OFF_LOOP_BYTES = 512 * 1024  # bodies parsed in this process from this size on: in a thread
DELIVERY_GATHER = 0.5        # seconds a cycle lets new alerts gather before sending them
RECORD_GATHER = 0.05         # ... and delivery outcomes before recording them
# Parse pools stay referenced until closed: one collected while the interpreter exits races
# with concurrent.futures' own exit hook (an "OSError: Bad file descriptor" in Python 3.11).
_LIVE_POOLS: set[ProcessPoolExecutor] = set()


def _stop_pool(pool: ProcessPoolExecutor, *, cancel: bool) -> None:
    """Shut a parse pool down, waiting for its processes (``cancel``: its queued work too)."""
    pool.shutdown(wait=True, cancel_futures=cancel)
    _LIVE_POOLS.discard(pool)


def default_parse_workers() -> int:
    """Parse worker processes worth having: one per core beyond the first (at most 4)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(0, min(MAX_PARSE_WORKERS, cores - 1))


# A fetched feed: its state, the fetch outcome and the body parsed and matched (None: not yet)
_Fetched = tuple[FeedState, FetchResult | FetchError, ParseOutcome | None]


def _unchanged(outcome: FetchResult | FetchError) -> bool:
    """A fetch that brought nothing to store (a 304, or no body)."""
    return isinstance(outcome, FetchResult) and (outcome.not_modified or outcome.content is None)


def _published_order(entry: tuple[StoredItem, Any, datetime]) -> tuple[bool, datetime]:
    """Sort key of items to analyse: by publication, those with no date last (stable)."""
    published = entry[0].item.published
    return published is None, published or entry[2]


def utcnow() -> datetime:
    return datetime.now(UTC)


class FeedFetcher(Protocol):
    async def fetch(self, feed: FeedState) -> FetchResult: ...

    async def aclose(self) -> None: ...


class AlertNotifier(Protocol):
    name: str

    async def send(self, alert: OutboxAlert) -> None: ...

    async def aclose(self) -> None: ...


@dataclass
class CycleReport:
    feeds: int = 0
    not_modified: int = 0
    new_items: int = 0
    updated_items: int = 0
    hits: int = 0
    alerts: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (feed name, message)
    waiting: int = 0   # polling everything: failing feeds left to their backoff


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.dead += other.dead


@dataclass
class _Knowledge:
    """What a rule already knows during one cycle: its seed baseline plus stored knowledge,
    and how far the stored knowledge has been read (other instances add to it)."""

    story: Story
    mark: KnowledgeMark


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def alert_id(rule: str, item: StoredItem) -> str:
    """Stable identity of the alert for this rule and this version of this item."""
    raw = "\x00".join((rule, str(item.feed_id), item.item.key, item.item.content_hash))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def story_news(rules: RuleSet, rule: Rule, title: str, passage: str, extraction: Extraction,
               story: Story) -> tuple[list[Figure], list[Figure], list[Actor]]:
    """What an item brings to a rule's story, given what was extracted from it (its title and
    ``passage``, the part of its text about the story): the figures that are the story's
    (``found``), those of them ``story`` does not know, and the actors it does not know.
    Nothing is learnt here.

    A figure is the story's when the rule counts its key (durations are left out by default)
    and its sentence or the title names the story (``alert_figures: near``); an actor, when the
    title names the story or a sentence naming it names the actor. A live blog's title speaks
    for none of its entries. An actor that tells of the news (an outlet, a think tank, a
    commentator: ``Extraction.sources``) is no new actor of the story."""
    title = rules.story_title(title, passage) if rule.figures_near is not None else title
    found = [f for f in extraction.figures if rule.counts_figure(f.key)
             and rules.near_story(rule, title, f.text)]
    sources = set(extraction.sources)
    actors: Sequence[Actor] = [a for a in extraction.actors if a.name not in sources] if sources \
        else extraction.actors
    near = rules.story_sentences(rule, title, passage)
    if near is not None:
        actors = [a for a in actors if any(f" {normalise(n)} " in near for n in (a.name, *a.aliases))]
    return found, story.new_figures(found), story.new_actors(actors)


PREVIOUS_SHOWN = 10  # earlier values an alert lists per figure, at most


def _shown_timeline(earlier: list[KnownFigure]) -> list[KnownFigure]:
    """The first value (where the story started) and the latest ones: a figure reported
    hundreds of times made every alert longer (32 KB by the 400th of one story)."""
    if len(earlier) <= PREVIOUS_SHOWN:
        return earlier
    return [earlier[0], *earlier[-(PREVIOUS_SHOWN - 1):]]


def build_alert(rule: str, item: StoredItem, figures: Sequence[Figure], actors: Sequence[Actor],
                known: Sequence[KnownFigure]) -> dict[str, Any]:
    """The alert payload (the webhook's JSON body). Pure."""
    return {
        "id": alert_id(rule, item),
        "rule": rule,
        "item": {
            "title": item.item.title,
            "link": item.item.link,
            "published": _iso(item.item.published),
            "feed": item.feed_name,
        },
        "new_figures": [
            {
                "value": json_number(f.value),
                "key": f.key,
                "quantity": f.quantity,
                "qualifier": f.qualifier,
                "unit": f.unit,
                "text": f.text,
                "said_by": f.said_by,
                "previous": [
                    {"value": json_number(k.value), "said_by": k.said_by, "published": _iso(k.published)}
                    for k in _shown_timeline([k for k in timeline(f.key, known)
                                              if k.value != f.value])
                ],
            }
            for f in figures
        ],
        "new_actors": [{"name": a.name, "kind": a.kind} for a in actors],
    }


def retry_delay(attempts: int, rng: random.Random | None = None, *,
                retry_after: float | None = None) -> float:
    """Seconds before the next delivery attempt after ``attempts`` failures (jittered, capped),
    at least the receiver's ``retry_after`` (capped too)."""
    return next_poll_delay(ALERT_RETRY_BASE, attempts, retry_after, cap=ALERT_RETRY_CAP, rng=rng)


class _HeldBack(DeliveryError):
    """An alert not tried because the story's earlier alert to its channel failed."""

    def __init__(self, behind: OutboxAlert, failed: DeliveryError) -> None:
        # (behind a held-back alert, the reason is the first failure's, said once)
        self.reason: str = failed.reason if isinstance(failed, _HeldBack) else str(failed)
        super().__init__(f"held back behind an earlier alert of its story that failed: "
                         f"{self.reason}", tried=False, retry_after=failed.retry_after)
        self.behind = behind


def holds_story(alert: OutboxAlert, error: DeliveryError) -> bool:
    """Whether the story's later alerts to the channel wait behind ``alert``, which failed
    with ``error``: not behind a refusal for good (it may be the alert's own: a payload too
    large), nor one that reached some of its recipients, now or before (the others had it;
    one full mailbox would hold the story back from everyone)."""
    return not error.permanent and not error.done_for and not alert.done_for


def settle_failure(alert: OutboxAlert, error: DeliveryError, now: datetime, max_attempts: int,
                   retry_at_of: Mapping[int, datetime],
                   rng: random.Random | None = None) -> tuple[datetime, int, bool]:
    """When to try a failed alert again, its attempts so far and whether to give up. Pure.

    An alert held back behind its story's earlier one is retried with it (at the same time,
    so that they are claimed together, in order); one not tried at all counts no attempt and
    waits as its attempts so far say; a refusal that sending again unchanged will not mend
    (``permanent``) waits the longest interval (the channel's settings may be corrected
    meanwhile); a receiver's Retry-After is honoured (capped)."""
    attempts = alert.attempts + (1 if error.tried else 0)
    if isinstance(error, _HeldBack) and error.behind.id in retry_at_of:
        return retry_at_of[error.behind.id], attempts, False
    if not error.tried:
        delay = retry_delay(max(attempts, 1), rng, retry_after=error.retry_after)
    elif error.permanent:
        delay = ALERT_RETRY_CAP
    else:
        delay = retry_delay(attempts, rng, retry_after=error.retry_after)
    dead = error.tried and attempts >= max_attempts
    # (the alerts held back behind one that is given up go at once, on their own)
    return now if dead else now + timedelta(seconds=delay), attempts, dead


class Engine:
    """One poll cycle and one delivery round at a time. Storage is the only state."""

    def __init__(self, *, storage: Storage, rules: RuleSet, fetcher: FeedFetcher,
                 notifiers: Sequence[AlertNotifier], extractor: Extractor,
                 alert_max_attempts: int = 100, clock: Callable[[], datetime] = utcnow,
                 parse_workers: int | None = None) -> None:
        self.storage = storage
        self._rules = rules
        self._rules_generation = 0
        self.fetcher = fetcher
        self.notifiers = {n.name: n for n in notifiers}
        self._adopt_orphans = True  # alerts of channels no longer configured: see deliver()
        self.extractor = extractor
        self.alert_max_attempts = alert_max_attempts
        self.clock = clock
        # Parsing (feedparser) is most of a cycle's CPU: with more than one core, batches of
        # PARSE_POOL_MIN_FEEDS feeds or more are parsed in worker processes while this one
        # fetches, stores and matches. 0 parses everything here.
        self.parse_workers = default_parse_workers() if parse_workers is None else parse_workers
        self._parse_pool: ProcessPoolExecutor | None = None
        self._retired_pool: ProcessPoolExecutor | None = None
        self._pool_generation = -1   # of the rules the pool's workers were started with
        self._parsing = 0            # bodies handed to the pool and not parsed yet
        self._alert_queued: asyncio.Event | None = None  # set when a cycle queues an alert
        # time.monotonic() when a cycle last recorded a batch of feeds: a long cycle (a cold
        # start with thousands of feeds) is alive while this moves
        self.last_progress: float | None = None

    @property
    def rules(self) -> RuleSet:
        return self._rules

    @rules.setter
    def rules(self, rules: RuleSet) -> None:
        """New rules (a reload). Parse workers are restarted with them for the next batch;
        what they matched with the old rules meanwhile is matched again here."""
        self._rules = rules
        self._rules_generation += 1

    def close(self) -> None:
        """Stop the parse worker processes, if any (they are started again when needed)."""
        for pool in (self._parse_pool, self._retired_pool):
            if pool is not None:
                _stop_pool(pool, cancel=True)
        self._parse_pool = self._retired_pool = None

    # --- polling ---------------------------------------------------------------------------

    async def poll(self, *, limit: int = 1000, everything: bool = False) -> CycleReport:
        """Fetch the feeds that are due (every active feed when ``everything``) and process them."""
        now = self.clock()
        report = CycleReport()
        if everything:
            self.storage.mark_all_feeds_due(now)
            report.waiting = self.storage.count_feeds_waiting_after_errors(now)
        knowledge: dict[str, _Knowledge] = {}
        self.storage.check_single_instance()  # warns when a second instance shares SQLite
        self.recover(now, report, knowledge)
        while True:
            feeds = self.storage.claim_due_feeds(now, limit, FEED_LEASE, min_lease=FEED_LEASE_MIN)
            if not feeds:
                break
            report.feeds += len(feeds)
            # A pipeline: the event loop keeps fetching (and worker processes parsing) while
            # this thread stores and analyses the feeds already fetched, in the order they
            # arrive; what has arrived when it gets to them is recorded together (one
            # transaction for STORE_MIN to STORE_BATCH feeds). ``gate`` bounds the bodies in
            # memory.
            pool = self._use_pool(len(feeds))
            gate = asyncio.Semaphore(PIPELINE_DEPTH)
            arrived: deque[asyncio.Future[_Fetched]] = deque()
            wake = asyncio.Event()

            def on_done(task: asyncio.Future[_Fetched], arrived: deque[asyncio.Future[_Fetched]]
                        = arrived, wake: asyncio.Event = wake) -> None:
                arrived.append(task)
                wake.set()

            # (a set: a task recorded is dropped at once, with the body and items it holds)
            feed_of = {asyncio.ensure_future(self._fetch_and_parse(feed, gate, pool=pool)): feed
                       for feed in feeds}
            tasks = set(feed_of)
            for task in tasks:
                task.add_done_callback(on_done)
            gathering_since: float | None = None
            loop = asyncio.get_running_loop()
            try:
                while tasks:
                    # A transaction is worth several feeds: STORE_MIN, or STORE_BATCH when
                    # all that arrived answered 304 (a row each). Wait for them, or for every
                    # feed still out, at most STORE_GATHER seconds after the first arrived.
                    want = (STORE_BATCH if all(_unchanged(t.result()[1]) for t in arrived)
                            else STORE_MIN)
                    if len(arrived) < min(want, len(tasks)):
                        if arrived and gathering_since is None:
                            gathering_since = loop.time()
                        left = (None if gathering_since is None
                                else gathering_since + STORE_GATHER - loop.time())
                        if left is None or left > 0:
                            wake.clear()
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(wake.wait(), left)
                            continue
                    gathering_since = None
                    chunk = [arrived.popleft() for _ in range(min(STORE_BATCH, len(arrived)))]
                    tasks.difference_update(chunk)
                    try:
                        self._process_batch([t.result() for t in chunk], report, knowledge)
                    finally:
                        for _ in chunk:
                            gate.release()
                    del chunk
                    await asyncio.sleep(0)  # let the fetches move on between two batches
            finally:
                for task in tasks:
                    task.remove_done_callback(on_done)
                    task.cancel()
                if tasks:  # stopped (a shutdown) or failed: what was not recorded is handed back
                    self._release([feed_of[t] for t in tasks])
            if len(feeds) < limit:
                break
        return report

    def _release(self, feeds: Sequence[FeedState]) -> None:
        """Feeds claimed but not recorded are due again at once, for this instance's next
        cycle or another instance (not after their lease: a rolling restart left them
        unpolled for ten minutes)."""
        try:
            released = self.storage.release_feeds(feeds, self.clock())
        except StorageError as exc:  # the database is away: the leases expire instead
            log.warning("could not hand back %d claimed feeds (%s); they are polled when "
                        "their lease ends", len(feeds), exc)
            return
        if released:
            log.info("%d claimed feeds not polled are due again", released)

    def _use_pool(self, feeds: int) -> bool:
        return self.parse_workers > 0 and feeds >= PARSE_POOL_MIN_FEEDS

    def _pool(self) -> Executor:
        """The parse worker processes, started on first use (a cycle of 304s needs none)."""
        if self._parse_pool is not None and self._pool_generation != self._rules_generation:
            # started with older rules: retired, its queued work still finishes (the pool
            # retired before it has long finished)
            if self._retired_pool is not None:
                _stop_pool(self._retired_pool, cancel=False)
            self._retired_pool, self._parse_pool = self._parse_pool, None
            self._retired_pool.shutdown(wait=False)
        if self._parse_pool is None:
            # spawn, not fork: this process has threads (health endpoint, database pool)
            self._parse_pool = ProcessPoolExecutor(
                self.parse_workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker, initargs=(self._rules, self._rules_generation))
            self._pool_generation = self._rules_generation
            _LIVE_POOLS.add(self._parse_pool)
        return self._parse_pool

    def _parse_here(self, outcome: FetchResult) -> ParseOutcome:
        assert outcome.content is not None
        return parse_and_match(outcome.content, outcome.url, outcome.content_type,
                               rules=self._rules, generation=self._rules_generation)

    async def _fetch_and_parse(self, feed: FeedState, gate: asyncio.Semaphore, *,
                               pool: bool) -> _Fetched:
        """Fetch a feed; with ``pool``, also parse and match its body (in a worker process,
        or here when they have enough queued). Without, :meth:`_record` parses it."""
        await gate.acquire()
        feed, outcome = await self._fetch(feed)
        if (not isinstance(outcome, FetchResult) or outcome.not_modified
                or outcome.content is None):
            return feed, outcome, None
        if len(outcome.content) >= PARSE_OFF_LOOP_BYTES and (
                not pool or self.parse_workers <= 0
                or self._parsing >= PARSE_BACKLOG * self.parse_workers):
            # a body that takes feedparser seconds is parsed in a thread, not on the event
            # loop: the other fetches go on meanwhile (they timed out behind a 10 MB feed)
            return feed, outcome, await asyncio.to_thread(self._parse_here, outcome)
        if not pool or self.parse_workers <= 0:
            return feed, outcome, None
        if self._parsing >= PARSE_BACKLOG * self.parse_workers:
            # the workers have enough queued: this body is parsed here, now (not later, in
            # _record: this process would then have idled while they were behind)
            return feed, outcome, self._parse_here(outcome)
        self._parsing += 1
        try:
            parsed = await asyncio.get_running_loop().run_in_executor(
                self._pool(), parse_and_match, outcome.content, outcome.url, outcome.content_type)
        except Exception as exc:  # the worker died (or could not start): parse here instead
            if self.parse_workers > 0:
                log.warning("parse worker processes failed (%s: %s); parsing in this process "
                            "from now on", type(exc).__name__, " ".join(str(exc).split())[:300])
                self.parse_workers = 0
                self.close()
            return feed, outcome, None
        finally:
            self._parsing -= 1
        return feed, outcome, parsed

    async def _fetch(self, feed: FeedState) -> tuple[FeedState, FetchResult | FetchError]:
        try:
            return feed, await self.fetcher.fetch(feed)
        except FetchError as exc:
            return feed, exc
        except Exception as exc:  # a bug or library surprise must not stop the other feeds
            log.exception("unexpected error fetching %s", feed.name, extra={"feed": feed.name})
            return feed, FetchError(f"unexpected error: {type(exc).__name__}: {exc}")

    def _process_batch(self, fetched: Sequence[_Fetched], report: CycleReport,
                       knowledge: dict[str, _Knowledge]) -> None:
        """Record several feeds' fetch outcomes and items in one transaction, then analyse
        the items some rule matched: in one more transaction where the storage allows it,
        otherwise each hit in its own, all on one connection. Every successful poll of the
        batch is recorded in one statement, and every analysed item marked in one more: with
        PostgreSQL on another host, each round trip to it is the network's latency."""
        to_analyse: list[tuple[list[StoredItem], Matches, datetime]] = []
        successes: list[tuple[int, datetime, PollSuccess]] = []
        with self.storage.batch():
            for feed, outcome, parsed in fetched:
                stored = self._record(feed, outcome, report, parsed, successes=successes)
                if stored is not None and stored[0]:
                    to_analyse.append(stored)
            self.storage.record_feed_successes(successes)
        self.last_progress = time.monotonic()
        if not to_analyse:
            return
        hits = self.storage.batch() if self.storage.hits_in_batches else self.storage.connection()
        with hits:
            # what the rules matched know, for the whole batch at once (one read, not one per
            # feed bringing a rule not seen yet this cycle)
            self._load_knowledge(knowledge, [m.rule for stored_items, matches, _ in to_analyse
                                             for item in stored_items
                                             for m in matches.get(item.item.key) or ()])
            analysed: list[int] = []
            # oldest news first, whichever feed brought it and wherever its feed lists it
            # (newest first, as most do): an alert credits the first report of a figure, and
            # its "was" is the figure reported before it, not after
            queue = [(item, matches, now) for stored_items, matches, now in to_analyse
                     for item in stored_items]
            queue.sort(key=_published_order)
            for item, matches, now in queue:
                self.analyse([item], now, report, knowledge, matches=matches, analysed=analysed)
            # (a failure before this leaves them to recover(): their hits are recorded again,
            # and what they taught is known by then, so nothing is alerted twice)
            self.storage.mark_analysed(analysed)

    def _record(self, feed: FeedState, outcome: FetchResult | FetchError, report: CycleReport,
                parsed_already: ParseOutcome | None = None, *,
                successes: list[tuple[int, datetime, PollSuccess]],
                ) -> tuple[list[StoredItem], Matches, datetime] | None:
        """Record one feed's fetch outcome and store its items, matching them against the
        rules. Returns the new or updated items some rule matched (with the matches by item
        key, and the time they were stored) for :meth:`analyse`; None when nothing was stored.
        ``successes``: where a successful poll goes, for the caller to record with the rest
        of its batch, in the same transaction and one statement."""
        now = self.clock()
        if isinstance(outcome, FetchError):
            self._feed_failed(feed, str(outcome), now, report, retry_after=outcome.retry_after,
                              disable=outcome.permanent)
            return None
        ok_next = now + timedelta(seconds=next_poll_delay(feed.interval, 0, None))
        if _unchanged(outcome):
            report.not_modified += 1
            success = PollSuccess(ok_next, outcome.etag or feed.etag,
                                  outcome.last_modified or feed.last_modified,
                                  new_url=outcome.permanent_redirect)
            successes.append((feed.id, now, success))
            return None
        done = parsed_already or self._parse_here(outcome)
        parsed = done.parsed
        if isinstance(parsed, ParseFailure):
            if parsed.unexpected:
                log.error("unexpected error parsing %s\n%s", feed.name, parsed.detail,
                          extra={"feed": feed.name})
                self._feed_failed(feed, f"unexpected parse error: {parsed.message}", now, report)
            else:
                self._feed_failed(feed, parsed.message, now, report)
            return None
        matches = done.matches
        if done.generation != self._rules_generation:  # matched with rules since reloaded
            matches = match_items(self._rules, parsed)
        # Only items some rule matched are stored as awaiting analysis.
        stored = self.storage.store_items(
            feed.id, parsed.items, now, needs_analysis=lambda item: item.key in matches,
            feed_name=feed.name)
        successes.append((feed.id, now, PollSuccess(
            ok_next, outcome.etag, outcome.last_modified, new_url=outcome.permanent_redirect,
            warning=parsed.warning, keys=[item.key for item in parsed.items])))
        if parsed.warning:
            log.info("feed %s: %d items kept: %s", feed.name, len(parsed.items),
                     parsed.warning, extra={"feed": feed.name})
        for item in stored:
            if item.status == "new":
                report.new_items += 1
            else:
                report.updated_items += 1
        return [s for s in stored if s.item.key in matches], matches, now

    def _feed_failed(self, feed: FeedState, message: str, now: datetime, report: CycleReport, *,
                     retry_after: float | None = None, disable: bool = False) -> None:
        delay = next_poll_delay(feed.interval, feed.error_count + 1, retry_after)
        count = self.storage.record_feed_error(feed.id, now, message, now + timedelta(seconds=delay),
                                               disable=disable)
        report.errors.append((feed.name, message))
        log.warning("feed %s failed (%d in a row%s): %s", feed.name, count,
                    ", disabled" if disable else f", next try in {delay:.0f}s", message,
                    extra={"feed": feed.name})

    # --- matching and story knowledge --------------------------------------------------------

    def recover(self, now: datetime, report: CycleReport,
                knowledge: dict[str, _Knowledge]) -> None:
        """Analyse items whose analysis never finished (crash, database lost mid-cycle)."""
        cutoff = now - timedelta(seconds=RECOVERY_GRACE)
        while stored := self.storage.unanalysed_items(cutoff, 500):
            log.info("analysing %d items left over from an interrupted cycle", len(stored))
            self.analyse(stored, now, report, knowledge)
            if len(stored) < 500:
                break

    def analyse(self, stored: Sequence[StoredItem], now: datetime, report: CycleReport,
                knowledge: dict[str, _Knowledge],
                matches: Mapping[str, list[MatchResult] | None] | None = None,
                analysed: list[int] | None = None) -> None:
        """Match new and updated items; record hits; queue alerts for what is new to the story.
        Each item is marked analysed afterwards, so an interruption is resumed, not lost.
        ``matches``: the rules already found to match, by item key (not matched again).
        What a rule knows is read when it is first met, unless ``knowledge`` holds it already
        (:meth:`_process_batch` reads it for a whole batch at once). ``analysed``: where the ids of the items analysed go, for the caller to mark them
        (with others) instead."""
        if not stored:
            return
        channels = sorted(self.notifiers)
        for item in stored:
            try:
                self._analyse_item(item, channels, now, report, knowledge,
                                   None if matches is None else matches.get(item.item.key))
            except StorageError:
                raise
            except Exception:  # a bug must not block the feed forever: log it, move on
                log.exception("could not analyse item %s of %s", item.item.key, item.feed_name,
                              extra={"feed": item.feed_name})
            if analysed is not None:
                analysed.append(item.id)
        if analysed is None:
            self.storage.mark_analysed([item.id for item in stored])

    def _analyse_item(self, item: StoredItem, channels: Sequence[str], now: datetime,
                      report: CycleReport, knowledge: dict[str, _Knowledge],
                      matches: list[MatchResult] | None = None) -> None:
        if matches is None:
            matches = self.rules.match(item.item.title, item.item.text)
        if not matches:
            return
        extractions: dict[str, Extraction] = {}
        for match in matches:
            rule = self.rules.get(match.rule)
            if rule is None:
                continue
            # Only the part of a long text that is about this rule's story counts as news.
            passage = self.rules.passage(rule.name, item.item.text)
            extraction = extractions.get(passage)
            if extraction is None:
                extraction = self.extractor.extract(f"{item.item.title}\n\n{passage}")
                extractions[passage] = extraction
            known = knowledge.get(rule.name)
            if known is None:
                self._load_knowledge(knowledge, [rule.name])
                known = knowledge[rule.name]
            story = known.story
            _found, figures, actors = story_news(self.rules, rule, item.item.title, passage, extraction,
                                                 story)

            def build(figs: list[Figure], acts: list[Actor], rule: Rule = rule,
                      item: StoredItem = item, story: Story = story) -> dict[str, Any]:
                payload = build_alert(rule.name, item, figs, acts, story.figures)
                published = item.item.published or now
                story.learn((KnownFigure(key=f.key, value=f.value, quantity=f.quantity,
                                         said_by=f.said_by, published=published) for f in figs),
                            acts)
                return payload

            def recheck(figs: list[KnownFigure], acts: list[Actor], rule: Rule = rule,
                        title: str = item.item.title, passage: str = passage,
                        extraction: Extraction = extraction,
                        story: Story = story) -> tuple[list[Figure], list[Actor]]:
                story.learn(figs, acts)   # what other instances learnt meanwhile
                _found, new_figures, new_actors = story_news(self.rules, rule, title, passage, extraction,
                                                             story)
                return new_figures, new_actors

            payload = self.storage.record_hit(rule.name, item, match.matched, figures, actors,
                                              build, channels, now, mark=known.mark,
                                              recheck=recheck)
            report.hits += 1
            if payload is not None:
                report.alerts += 1
                if self._alert_queued is not None:
                    self._alert_queued.set()
                log.info("alert %s for rule %s: %d new figures, %d new actors (%s)",
                         payload["id"], rule.name, len(payload["new_figures"]),
                         len(payload["new_actors"]), item.item.title,
                         extra={"rule": rule.name, "feed": item.feed_name})

    def _load_knowledge(self, knowledge: dict[str, _Knowledge], names: Sequence[str]) -> None:
        """Read what the rules ``names`` know (their seed baseline and what is stored), for
        those ``knowledge`` does not hold yet."""
        rules = {name: rule for name in names
                 if name not in knowledge and (rule := self.rules.get(name)) is not None}
        if not rules:
            return
        for name, stored in self.storage.knowledge(list(rules)).items():
            rule = rules[name]
            knowledge[name] = _Knowledge(
                story=Story([*rule.known_figures, *stored.figures],
                            [*rule.known_actors, *stored.actors]),
                mark=stored.mark)

    # --- a whole cycle -------------------------------------------------------------------------

    async def cycle(self, *, limit: int = 1000, everything: bool = False,
                    last: bool = False) -> tuple[CycleReport, DeliveryReport]:
        """:meth:`poll`, delivering the alerts it queues while it goes on (a long cycle does not
        hold them back until its last feed, and the sending shares the cores with parsing),
        then :meth:`deliver` what is still due. ``everything``: every feed is polled and every
        pending alert is due now; one that fails during this cycle waits for its retry time.
        ``last``: no cycle follows (``poll --once``), so the parse worker processes are
        stopped as soon as the poll ends, while the last alerts are sent."""
        delivery = DeliveryReport()
        if everything:
            self.storage.mark_all_alerts_due(self.clock())
        polled = asyncio.Event()
        self._alert_queued = queued = asyncio.Event()
        sender = asyncio.create_task(self._deliver_while_polling(polled, queued, delivery))
        stopping: asyncio.Future[None] | None = None
        try:
            try:
                report = await self.poll(limit=limit, everything=everything)
            except asyncio.CancelledError:
                sender.cancel()  # shutting down: what it claimed and did not send is handed back
                raise
            finally:
                polled.set()
                self._alert_queued = None
                if last:  # nothing more to parse: the workers stop while alerts are sent
                    stopping = asyncio.ensure_future(asyncio.to_thread(self.close))
                # otherwise the round in progress finishes (also when the poll failed)
                [outcome] = await asyncio.gather(sender, return_exceptions=True)
            if isinstance(outcome, Exception):  # a bug: what it did not send is sent below
                log.error("delivering alerts during the poll failed", exc_info=outcome)
            delivery.add(await self.deliver())
        finally:
            if stopping is not None:
                await stopping
        return report, delivery

    async def _deliver_while_polling(self, polled: asyncio.Event, queued: asyncio.Event,
                                     delivery: DeliveryReport) -> None:
        while not polled.is_set():
            waiters = [asyncio.ensure_future(e.wait()) for e in (queued, polled)]
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waiters:
                    w.cancel()
            if polled.is_set():
                return
            # let a few more alerts gather: one claim and one update for them all (when the
            # poll ends meanwhile, the cycle's last delivery sends them without this wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(polled.wait(), DELIVERY_GATHER)
            if polled.is_set():
                return
            queued.clear()
            try:
                delivery.add(await self.deliver())
            except StorageError as exc:  # the poll meets the same problem and reports it
                log.warning("could not deliver alerts during the poll (%s); they are sent "
                            "when it ends", exc)
                return

    # --- delivery ----------------------------------------------------------------------------

    async def deliver(self, *, limit: int = 100, everything: bool = False) -> DeliveryReport:
        """Send every alert that is due (every pending one when ``everything``), retrying
        failures later with backoff; never drop one."""
        report = DeliveryReport()
        if self._adopt_orphans:
            self._adopt_orphan_alerts()  # (a database error leaves it for the next round)
            self._adopt_orphans = False
        if everything:
            self.storage.mark_all_alerts_due(self.clock())
        while True:
            batch = self.storage.claim_due_alerts(self.clock(), limit, ALERT_LEASE)
            if not batch:
                break
            # Each outcome is recorded as soon as it is known, with those known at the same
            # moment (one transaction, the sent ones in one statement): an e-mail sent in a
            # millisecond is not left unrecorded, to be sent again after a restart, while a
            # slow webhook of the same batch is still waiting for its answer.
            # A story's alerts reach each channel in the order they were queued (the order
            # the news was learnt; within one poll, the items' published order): "3,000
            # troops, up from 1,500" never arrives before the 1,500.
            # Different stories and channels are sent at the same time.
            sending: dict[asyncio.Future[DeliveryError | None], OutboxAlert] = {}
            last: dict[tuple[str, str], tuple[asyncio.Future[DeliveryError | None],
                                              OutboxAlert]] = {}
            for alert in batch:  # (claimed in queued order)
                story = (alert.channel, str(alert.payload.get("rule", "")))
                sent = asyncio.ensure_future(self._send_after(last.get(story), alert))
                sending[sent], last[story] = alert, (sent, alert)
            unrecorded = set(sending)
            retry_at: dict[int, datetime] = {}  # of this round's failed alerts, by outbox id
            try:
                while unrecorded:
                    done, waiting = await asyncio.wait(unrecorded,
                                                       return_when=asyncio.FIRST_COMPLETED)
                    if waiting:  # (with those that follow within moments: one transaction)
                        more, _ = await asyncio.wait(waiting, timeout=RECORD_GATHER)
                        done |= more
                    self._record_outcomes(
                        [(sending[f], f.result()) for f in done], report, retry_at)
                    unrecorded -= done
            finally:
                if unrecorded:  # stopping: what was sent is recorded, the rest handed back
                    self._stop_sending({f: sending[f] for f in unrecorded}, report, retry_at)
            if len(batch) < limit:
                break
        return report

    def _stop_sending(self, sending: Mapping[asyncio.Future[DeliveryError | None],
                                             OutboxAlert],
                      report: DeliveryReport, retry_at: dict[int, datetime]) -> None:
        def known(f: asyncio.Future[DeliveryError | None]) -> bool:  # (not a notifier's bug)
            return f.done() and not f.cancelled() and f.exception() is None

        finished = [(alert, f.result()) for f, alert in sending.items() if known(f)]
        for f in sending:
            f.cancel()
        try:
            self._record_outcomes(finished, report, retry_at)
        except StorageError as exc:
            log.warning("could not record %d alert outcomes (%s); they are sent again when "
                        "their lease ends", len(finished), exc)
        self._release_alerts([alert for f, alert in sending.items() if not known(f)])

    def _release_alerts(self, alerts: Sequence[OutboxAlert]) -> None:
        """Claimed alerts not sent are due again at once (as :meth:`_release` for feeds)."""
        try:
            released = self.storage.release_alerts([a.id for a in alerts], self.clock())
        except StorageError as exc:
            log.warning("could not hand back %d claimed alerts (%s); they are sent when "
                        "their lease ends", len(alerts), exc)
            return
        if released:
            log.info("%d claimed alerts not sent are due again", released)

    def _record_outcomes(self, outcomes: Sequence[tuple[OutboxAlert, DeliveryError | None]],
                         report: DeliveryReport, retry_at: dict[int, datetime]) -> None:
        # (in queued order: a held-back alert's retry time is its predecessor's)
        outcomes = sorted(outcomes, key=lambda outcome: outcome[0].id)
        sent = [alert.id for alert, error in outcomes if error is None]
        with self.storage.batch():
            if sent:
                self.storage.mark_alerts_sent(sent, self.clock())
            for alert, error in outcomes:
                self._settle(alert, error, report, retry_at)

    def _adopt_orphan_alerts(self) -> None:
        """Pending alerts of a channel no longer configured go to the one configured channel
        of the same kind: a channel is named after its URL or server unless its entry has a
        ``name``, so correcting a wrong webhook URL or SMTP server renames it, and its queue
        must follow (with several candidates they wait, and ``watcher alerts`` shows them)."""
        for channel in sorted(self.storage.pending_alert_channels() - set(self.notifiers)):
            kind = channel.partition(":")[0] if channel.startswith(("webhook:", "email:")) else None
            candidates = [name for name, n in self.notifiers.items()
                          if kind is None or getattr(n, "kind", None) == kind]
            if len(candidates) != 1:
                log.warning("alerts queued for channel %r, which is no longer configured, wait: "
                            "%s", channel, "no channel of its kind is configured" if not candidates
                            else f"several could take them ({', '.join(sorted(candidates))})")
                continue
            moved = self.storage.move_pending_alerts(channel, candidates[0], self.clock())
            if moved:
                log.warning("%d alerts queued for channel %r, which is no longer configured, "
                            "go to %r", moved, channel, candidates[0])

    async def _send_after(self, before: tuple[asyncio.Future[DeliveryError | None],
                                              OutboxAlert] | None,
                          alert: OutboxAlert) -> DeliveryError | None:
        """:meth:`_send` once ``before`` (the story's previous alert to the channel) went out.
        If it failed, this one is not tried: it would arrive ahead of it, and a channel that
        is down or hangs would cost one timeout per alert instead of one per story; it is
        retried with it (at its retry time), no attempt counted; not behind every failure
        (:func:`holds_story`)."""
        if before is not None:
            sending, earlier = before
            await asyncio.wait([sending])
            if not sending.cancelled() and (failed := sending.result()) is not None \
                    and holds_story(earlier, failed):
                return _HeldBack(earlier, failed)
        return await self._send(alert)

    async def _send(self, alert: OutboxAlert) -> DeliveryError | None:
        notifier = self.notifiers.get(alert.channel)
        if notifier is None:
            self._adopt_orphans = True  # revived by `watcher alerts --retry`, perhaps
            return DeliveryError(f"alert channel {alert.channel!r} is no longer configured")
        try:
            await notifier.send(alert)
        except DeliveryError as exc:
            return exc
        return None

    def _settle(self, alert: OutboxAlert, error: DeliveryError | None,
                report: DeliveryReport, retry_at_of: dict[int, datetime]) -> None:
        now = self.clock()
        item = alert.payload.get("item")
        context = {"rule": alert.payload.get("rule"),
                   "feed": item.get("feed") if isinstance(item, dict) else None}
        if error is None:  # already marked sent, with the rest of its batch
            report.sent += 1
            log.info("alert %s delivered to %s", alert.alert_id, alert.channel, extra=context)
            return
        retry_at, attempts, dead = settle_failure(alert, error, now, self.alert_max_attempts,
                                                  retry_at_of)
        retry_at_of[alert.id] = retry_at
        done_for = (*alert.done_for, *(r for r in error.done_for if r not in alert.done_for))
        self.storage.mark_alert_failed(alert.id, now, str(error), retry_at, dead=dead,
                                       tried=error.tried,
                                       holds_story=holds_story(alert, error),
                                       done_for=done_for if error.done_for else ())
        when = retry_at.isoformat(timespec="seconds")
        if dead:
            report.dead += 1
            log.error("alert %s to %s gave up after %d attempts: %s (watcher alerts --retry "
                      "sends it again)", alert.alert_id, alert.channel, attempts, error,
                      extra=context)
            return
        report.failed += 1
        if isinstance(error, _HeldBack):  # (its predecessor's failure is logged)
            log.debug("alert %s to %s held back, retry at %s: %s", alert.alert_id,
                      alert.channel, when, error, extra=context)
        elif not error.tried:
            log.warning("alert %s to %s not tried, retry at %s: %s", alert.alert_id,
                        alert.channel, when, error, extra=context)
        elif error.permanent:
            log.error("alert %s to %s refused (attempt %d): %s; sending it again as it is will "
                      "not help, so it is tried once an hour: check the channel's settings "
                      "(watcher alerts --retry then sends it at once)", alert.alert_id,
                      alert.channel, attempts, error, extra=context)
        else:
            log.warning("alert %s to %s failed (attempt %d), retry at %s: %s", alert.alert_id,
                        alert.channel, attempts, when, error, extra=context)
