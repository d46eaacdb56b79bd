"""The long-running service: one APScheduler job picks due feeds from the database every few
seconds, delivers due alerts, and a few housekeeping jobs run beside it. State lives in the
database, so restarts are safe and several instances can share a PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import stat
import threading
import time
from collections.abc import Set
from datetime import timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from watcher.config import Config
from watcher.core import CycleReport, DeliveryReport, Engine, utcnow
from watcher.errors import BLOCKED_ADDRESS, StorageError, WatcherError
from watcher.extract import LazyExtractor
from watcher.fetch import Fetcher
from watcher.netguard import guarded_transport
from watcher.notify import build_notifiers
from watcher.rules import RULE_SUFFIXES, RuleSet, load_rules
from watcher.storage import Storage

log = logging.getLogger("watcher.scheduler")

SHUTDOWN_GRACE = 6.0  # seconds given to in-flight work after SIGTERM (docker stop waits 10)
DB_DOWN_LOG_EVERY = 60.0  # seconds between two error lines while the database stays away


def load_rules_logged(rules_dir: Path, previous: RuleSet | None = None,
                      storage: Storage | None = None) -> RuleSet:
    """Load rules, logging each problem as ``file:line: message``; bad files keep their last
    good rule: of this process (``previous``), else the version ``storage`` saved, where each
    good file's text is saved for the next start."""
    result = load_rules(rules_dir, previous,
                        last_good=storage.last_good_rule_source if storage is not None else None)
    for problem in result.problems:
        log.error("rule problem: %s", problem)
    log.info("%s active from %s", _count(len(result.rules), "rule"), rules_dir)
    if storage is not None:
        try:
            storage.save_rule_sources(result.sources, utcnow())
        except StorageError as exc:  # the rules run; only a later start loses this aid
            log.warning("could not save the rule files' good versions: %s", exc)
    return result.rules


def build_engine(config: Config, storage: Storage, rules: RuleSet) -> Engine:
    """The engine with its fetcher and alert channels, as the config describes them."""
    fetch = config.fetch
    fetcher = Fetcher(
        allow_private=config.allow_private_networks, timeout=fetch.timeout,
        connect_timeout=fetch.connect_timeout, max_bytes=fetch.max_bytes,
        max_redirects=fetch.max_redirects, per_host=fetch.per_host,
        max_connections=fetch.concurrency,
    )
    notifiers = build_notifiers(
        config.alerts,
        transport_factory=lambda: guarded_transport(allow_private=config.allow_private_networks),
    )
    return Engine(storage=storage, rules=rules, fetcher=fetcher, notifiers=notifiers,
                  extractor=LazyExtractor(), alert_max_attempts=config.alert_max_attempts)


async def close_engine(engine: Engine) -> None:
    await engine.fetcher.aclose()
    for notifier in engine.notifiers.values():
        await notifier.aclose()
    await asyncio.to_thread(engine.close)  # the parse worker processes


async def run_once(config: Config) -> tuple[CycleReport, DeliveryReport]:
    """``watcher poll --once``: poll every feed, store, deliver this cycle's and pending alerts.
    SIGTERM cancels it like Ctrl-C: what it claimed and did not finish is handed back (a
    signal's default action ended the process with the alerts it claimed leased for
    minutes)."""
    task = asyncio.current_task()
    if task is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # (not on Windows)
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    storage = connect_storage(config)
    try:
        engine = build_engine(config, storage, load_rules_logged(config.rules_dir, storage=storage))
        try:
            report, delivery = await engine.cycle(everything=True, last=True)
        finally:
            await close_engine(engine)
    finally:
        storage.close()
    return report, delivery


def connect_storage(config: Config) -> Storage:
    storage = Storage(config.database_url)
    storage.migrate()
    now = utcnow()
    storage.sync_feeds(config.feeds, now)
    if config.allow_private_networks:
        # feeds refused under the setting before it was turned on: their backoff was ours
        retried = storage.retry_feeds_failed_with(BLOCKED_ADDRESS, now)
        if retried:
            log.info("%d feeds refused before allow_private_networks was set are due now",
                     retried)
    return storage


def _count(n: int, noun: str) -> str:
    """"1 rule", "2 rules", "0 alert channels"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _rule_file_change(directory: Set[Path], _change: object, path: str) -> bool:
    """Whether a change in the rules directory concerns a rule file (``load_rules`` reads
    ``*.yaml`` and ``*.yml`` not starting with ".") or the directory itself (it went away;
    ``directory``: its absolute and its resolved path): an editor's swap, backup and probe
    files (".nk.yaml.swp", "nk.yaml~", "4913") do not make a reload of their own."""
    changed = Path(path)
    return (changed.suffix in RULE_SUFFIXES and not changed.name.startswith(".")) \
        or changed in directory


def _identity(directory: Path) -> tuple[int, int] | None:
    """Which directory is at ``directory`` now (device and inode), None when there is none."""
    try:
        st = directory.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


class Service:
    """``watcher run``."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.stop = asyncio.Event()
        self.engine: Engine | None = None
        self.storage: Storage | None = None
        self.last_tick_ok: float | None = None   # monotonic time of the last tick that completed
        self.started = time.monotonic()
        self._health: ThreadingHTTPServer | None = None
        self._inflight: set[asyncio.Task[Any]] = set()
        self._cycling = False  # a tick's cycle is running
        self._db_down_since: float | None = None  # monotonic time of the first failed tick
        self._db_logged: float | None = None      # ... and of the last one logged

    # --- lifecycle ---------------------------------------------------------------------------

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)
        self._start_health()
        try:
            await self._run()
        finally:
            if self._health is not None:
                self._health.shutdown()
                self._health.server_close()

    def request_stop(self) -> None:
        if not self.stop.is_set():
            log.info("stopping: finishing in-flight work (at most %.0fs)", SHUTDOWN_GRACE)
            self.stop.set()

    async def _connect(self) -> Storage:
        delay = 1.0
        while True:
            try:
                return await asyncio.to_thread(connect_storage, self.config)
            except StorageError as exc:
                log.error("database unavailable, retrying in %.0fs: %s", delay, exc)
            try:
                await asyncio.wait_for(self.stop.wait(), delay)
                raise asyncio.CancelledError
            except TimeoutError:
                delay = min(delay * 2, 60.0)

    async def _run(self) -> None:
        try:
            storage = await self._connect()
        except asyncio.CancelledError:
            return
        self.storage = storage
        cfg = self.config
        rules = load_rules_logged(cfg.rules_dir, storage=storage)
        self.engine = engine = build_engine(cfg, storage, rules)
        from apscheduler.schedulers.asyncio import AsyncIOScheduler  # `poll --once` needs none

        scheduler = AsyncIOScheduler(timezone="UTC")
        # A cycle may outlast the tick (a cold start with thousands of feeds): the next tick
        # then sees it running and returns at once, rather than APScheduler warning every
        # second that it skipped one (max_instances=2 lets that check run).
        # On PostgreSQL other instances may share the feeds, and the first to tick after a
        # feed falls due claims it: with ticks at fixed times, one whose ticks come just
        # before another's would claim nearly everything. Each tick comes at a random moment
        # of its interval instead (a feed waits up to two ticks, not one), so instances share
        # the work whatever their start times.
        jitter = cfg.tick if storage.dialect == "postgresql" else None
        tick = scheduler.add_job(self._tick, "interval", seconds=cfg.tick, max_instances=2,
                                 coalesce=True, next_run_time=utcnow(), id="tick",
                                 jitter=jitter)
        scheduler.add_job(self._prune, "interval", hours=6, max_instances=1, coalesce=True,
                          next_run_time=utcnow() + timedelta(minutes=1), id="prune")
        watcher_task = asyncio.create_task(self._watch_rules())
        scheduler.start()
        log.info("watcher running: %s, %s, %s, database %s", _count(len(cfg.feeds), "feed"),
                 _count(len(rules), "rule"), _count(len(engine.notifiers), "alert channel"),
                 storage.dialect)
        try:
            await self.stop.wait()
        finally:
            tick.pause()
            watcher_task.cancel()
            # drain before the scheduler shuts down: its executor cancels running jobs at once
            await self._drain()
            scheduler.shutdown(wait=False)
            await close_engine(engine)
            storage.close()
            log.info("stopped")

    async def _drain(self) -> None:
        """Give running jobs a few seconds, then cancel them (claimed feeds' leases expire)."""
        pending = [t for t in self._inflight if not t.done()]
        if not pending:
            return
        _done, still = await asyncio.wait(pending, timeout=SHUTDOWN_GRACE)
        for task in still:
            task.cancel()
        if still:
            await asyncio.wait(still, timeout=1.0)

    # --- jobs --------------------------------------------------------------------------------

    def _track(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def _tick(self) -> None:
        engine = self.engine
        if engine is None or self.stop.is_set() or self._cycling:
            return
        self._track()
        self._cycling = True
        try:
            report, _delivery = await engine.cycle()
            if report.feeds:
                log.info("polled %d feeds: %d new items, %d updated, %d hits, %d alerts, "
                         "%d not modified, %d errors", report.feeds, report.new_items,
                         report.updated_items, report.hits, report.alerts,
                         report.not_modified, len(report.errors))
            self.last_tick_ok = time.monotonic()
            if self._db_down_since is not None:
                log.info("database back after %.0fs", time.monotonic() - self._db_down_since)
                self._db_down_since = self._db_logged = None
        except StorageError as exc:
            # the first failure, then one line a minute while the database stays away (not one
            # per tick)
            now = time.monotonic()
            if self._db_down_since is None:
                self._db_down_since = self._db_logged = now
                log.error("database error, will retry next tick: %s", exc)
            elif self._db_logged is None or now - self._db_logged >= DB_DOWN_LOG_EVERY:
                self._db_logged = now
                log.error("database still unavailable after %.0fs: %s",
                          now - self._db_down_since, exc)
            else:
                log.debug("database error, will retry next tick: %s", exc)
        except WatcherError as exc:
            log.error("tick failed: %s", exc)
        except asyncio.CancelledError:
            if not self.stop.is_set():
                raise
            log.warning("shutdown grace over: in-flight poll/delivery abandoned (feeds not "
                        "polled and alerts not sent are handed back, due at once)")
        except Exception:
            log.exception("unexpected error in poll tick")
        finally:
            self._cycling = False

    async def _prune(self) -> None:
        if self.storage is None or self.config.retention_days is None:
            return
        self._track()
        cutoff = utcnow() - timedelta(days=self.config.retention_days)
        try:
            removed = await asyncio.to_thread(self.storage.prune_items, cutoff)
        except StorageError as exc:
            log.error("retention: database error: %s", exc)
            return
        if removed:
            log.info("retention: removed %d items first seen before %s", removed, cutoff.date())

    async def _watch_rules(self) -> None:
        """Reload rules when files change; a broken file keeps its last good version."""
        from watchfiles import awatch

        rules_dir = self.config.rules_dir
        watched: tuple[int, int] | None = None  # the directory the last watch was on
        wanted = partial(_rule_file_change, {rules_dir.absolute(), rules_dir.resolve()})
        while not self.stop.is_set():
            current = _identity(rules_dir)
            if current is None:
                await asyncio.sleep(5)
                continue
            if watched is not None and self.engine is not None:
                # a new directory at the path ("rm -r rules && cp -r new rules", a volume
                # mounted again): what it holds was not seen by the watch on the old one
                log.info("rules directory replaced, reloading")
                await self._reload_rules(rules_dir)
            watched = current
            try:
                async for _changes in awatch(rules_dir, stop_event=self.stop, debounce=500,
                                             recursive=False, watch_filter=wanted):
                    if self.engine is not None:
                        log.info("rule files changed, reloading")
                        await self._reload_rules(rules_dir)
                    if _identity(rules_dir) != watched:
                        break  # the watch follows the old directory: start one on the new
            except FileNotFoundError:
                await asyncio.sleep(5)

    async def _reload_rules(self, rules_dir: Path) -> None:
        """:func:`load_rules_logged` in a thread: it reads and saves the files' good versions
        in the database, which may be slow or locked (SQLite, another writer), and the event
        loop goes on polling and delivering meanwhile."""
        engine = self.engine
        if engine is None:
            return
        engine.rules = await asyncio.to_thread(load_rules_logged, rules_dir, engine.rules,
                                               engine.storage)

    # --- health ------------------------------------------------------------------------------

    def health(self) -> tuple[bool, dict[str, Any]]:
        now = time.monotonic()
        limit = max(60.0, self.config.tick * 6 + self.config.fetch.timeout * 2)
        # alive: a tick completed lately, or the cycle in progress recorded feeds lately
        progress = self.engine.last_progress if self.engine is not None else None
        last = max((t for t in (self.last_tick_ok, progress) if t is not None), default=None)
        scheduler_ok = (last is not None and now - last < limit) or (
            last is None and now - self.started < limit)
        db_ok = self.storage is not None and self.storage.ping()
        body = {
            "service": "watcher",
            "status": "ok" if scheduler_ok and db_ok else "unhealthy",
            "scheduler": {"ok": scheduler_ok,
                          "last_tick_seconds_ago": None if last is None else round(now - last, 1)},
            "database": {"ok": db_ok},
        }
        return scheduler_ok and db_ok, body

    def _start_health(self) -> None:
        settings = self.config.health
        if not settings.enabled:
            return
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] != "/healthz":
                    self.send_error(404)
                    return
                ok, body = service.health()
                data = json.dumps(body).encode()
                self.send_response(200 if ok else 503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        try:
            self._health = ThreadingHTTPServer((settings.host, settings.port), Handler)
        except OSError as exc:
            log.error("health endpoint not started on %s:%d: %s", settings.host, settings.port,
                      exc)
            return
        self._health.daemon_threads = True
        threading.Thread(target=self._health.serve_forever, name="health", daemon=True).start()
        log.info("health endpoint on http://%s:%d/healthz", settings.host,
                 self._health.server_address[1])
