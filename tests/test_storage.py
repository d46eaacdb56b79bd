"""Storage, run on SQLite and on PostgreSQL (see conftest.py for the ``db_url`` fixture)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from tcpproxy import TurnCounter

from watcher.errors import StorageError
from watcher.models import (
    Actor,
    FeedConfig,
    Figure,
    KnowledgeMark,
    KnownFigure,
    OutboxAlert,
    ParsedItem,
    RuleKnowledge,
    StoredItem,
)
from watcher.novelty import new_actors, new_figures
from watcher.storage import PollSuccess, Storage, sqlite_file
from watcher.storage import _storage as storage_module
from watcher.storage._storage import HEAD_REVISION, MIGRATIONS_DIR
from watcher.storage.schema import metadata

T0 = datetime(2024, 10, 21, 9, 0, tzinfo=UTC)
PROJECT = Path(__file__).resolve().parent.parent


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def item(key: str, title: str = "title", text: str = "text",
         published: datetime | None = None, link: str | None = None) -> ParsedItem:
    digest = hashlib.sha256(f"{title}\0{text}".encode()).hexdigest()
    return ParsedItem(key=key, title=title, link=link if link is not None else f"https://n/{key}",
                      published=published, text=text, content_hash=digest)


def feed_ids(store: Storage, *names: str, interval: float = 600) -> dict[str, int]:
    """Configure exactly ``names`` (due at T0) and return their ids; leaves them due at T0."""
    store.sync_feeds([FeedConfig(n, f"https://example.org/{n}.xml", interval) for n in names], T0)
    claimed = store.claim_due_feeds(T0, 10_000, lease_seconds=0)
    return {f.name: f.id for f in claimed if f.name in names}


def stored(store: Storage, feed_id: int, *items: ParsedItem) -> list[StoredItem]:
    return store.store_items(feed_id, items, T0)


def fig(value: float, key: str = "troops", said_by: str | None = None) -> Figure:
    return Figure(value=value, key=key, quantity=f"{key} sent", text=f"{value:g} {key}",
                  said_by=said_by)


class AlertBuilder:
    """A build_alert callback recording its calls."""

    def __init__(self, result: Callable[[list[Figure], list[Actor]], dict[str, Any] | None]
                 | None = None) -> None:
        self.calls: list[tuple[list[Figure], list[Actor]]] = []
        self.result = result

    def __call__(self, figures: list[Figure], actors: list[Actor]) -> dict[str, Any] | None:
        self.calls.append((list(figures), list(actors)))
        if self.result is not None:
            return self.result(figures, actors)
        return {"id": f"alert-{uuid.uuid4().hex[:8]}",
                "figures": [f.value for f in figures], "actors": [a.name for a in actors]}


def with_query(url: str, **query: str) -> str:
    return make_url(url).update_query_dict(query).render_as_string(hide_password=False)


# --- schema and migrations ------------------------------------------------------------------

def test_migrate_twice_is_a_noop_and_schema_matches_migration(db_url: str) -> None:
    store = Storage(db_url)
    try:
        store.migrate()
        ids = feed_ids(store, "kh")
        store.migrate()
        assert store.get_feed(ids["kh"]).name == "kh"  # data survived the second run
        engine = create_engine(db_url)
        try:
            with engine.connect() as conn:
                version = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
                assert list(version) == [HEAD_REVISION]
                # the migration creates exactly what schema.py declares
                diff = compare_metadata(MigrationContext.configure(conn), metadata)
                assert diff == []
                names = set(inspect(conn).get_table_names())
        finally:
            engine.dispose()
        assert {"feeds", "items", "hits", "figures", "actors", "outbox"} <= names
    finally:
        store.close()


def _upgrade_to(conn: Any, revision: str) -> None:
    """Migrate the database of ``conn`` up to ``revision`` only (an older schema)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def test_a_database_at_the_first_revision_is_upgraded_with_its_data(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            _upgrade_to(conn, "0001")
            conn.execute(text("INSERT INTO figures (rule, key, value, quantity, text, "
                              "first_seen_at) VALUES ('r', 'troops', 1500, 'q', 't', :t)"),
                         {"t": T0})
            # an increment learnt before increments had a key of their own (0004)
            conn.execute(text("INSERT INTO figures (rule, key, value, quantity, text, qualifier,"
                              " first_seen_at) VALUES ('r', 'troops', 3000, 'q', 't', 'more', :t)"),
                         {"t": T0})
        store = Storage(db_url)
        try:
            store.migrate()
            assert [(k.key, k.value) for k in store.known_figures("r")] == [
                ("troops", 1500.0), ("troops_added", 3000.0)]
            assert store.knowledge(["r"])["r"].mark.figures >= 1
        finally:
            store.close()
        with engine.connect() as conn:
            assert list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
                        ) == [HEAD_REVISION]
            indexes = {i["name"] for t in ("figures", "actors", "items")
                       for i in inspect(conn).get_indexes(t)}
            unanalysed = _index_sql(conn, "ix_items_unanalysed")
        assert {"ix_figures_rule_id", "ix_actors_rule_id", "ix_items_unanalysed"} <= indexes
        assert "ix_items_analysed" not in indexes  # (0003: replaced by the partial index)
        assert re.search(r"WHERE \(?analysed IS (0|false)", unanalysed, re.I), unanalysed
    finally:
        engine.dispose()


def test_pending_alerts_learn_their_story_when_the_outbox_is_upgraded(db_url: str) -> None:
    """0008 fills the story (rule) of the alerts still to send, from their payload."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            _upgrade_to(conn, "0007")
            for alert_id, status, payload in (("a1", "pending", '{"id": "a1", "rule": "nk"}'),
                                              ("a2", "sent", '{"id": "a2", "rule": "nk"}'),
                                              ("a3", "pending", '{"id": "a3"}')):
                conn.execute(text("INSERT INTO outbox (alert_id, channel, payload, status, "
                                  "attempts, next_attempt_at, created_at) VALUES (:a, 'hook', "
                                  ":p, :s, 0, :t, :t)"),
                             {"a": alert_id, "p": payload, "s": status, "t": T0})
        store = Storage(db_url)
        try:
            store.migrate()
        finally:
            store.close()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT alert_id, story, holds_story FROM outbox "
                                     "ORDER BY alert_id")).all()
        assert [(r[0], r[1], bool(r[2])) for r in rows] == [
            ("a1", "nk", True), ("a2", None, True), ("a3", None, True)]
    finally:
        engine.dispose()


# Tables that grow with every poll; a query reading one of them whole gets slower each day.
GROWING = ("items", "hits", "figures", "actors", "outbox")


def test_what_a_cycle_asks_of_a_growing_table_is_answered_through_an_index(
        storage: Storage) -> None:
    """Every statement a poll cycle, its analysis, its delivery and retention run through
    SQLAlchemy, explained by the database itself: none reads a growing table in full
    (PostgreSQL is told to avoid sequential scans, so that on these tiny tables its plan
    shows whether an index could serve, not whether a scan is cheaper today)."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                executemany: bool) -> None:
        if not executemany and statement.lstrip()[:6].upper() in ("SELECT", "UPDATE",
                                                                   "DELETE", "INSERT"):
            statements.append((statement, parameters))

    engine = storage._engine
    fid = feed_ids(storage, "kh", "ky")["kh"]
    event.listen(engine, "before_cursor_execute", capture)
    try:
        storage.sync_feeds([FeedConfig("kh", "https://example.org/kh.xml", 600)], T0)
        claimed = storage.claim_due_feeds(at(10_000), 10, 600)
        storage.record_feed_successes([(f.id, at(10_000), PollSuccess(at(10_600), None, None))
                                       for f in claimed])
        (first, second) = storage.store_items(fid, [item("a"), item("b")], T0)
        storage.unanalysed_items(at(60), 10)
        storage.knowledge(["nk"])
        storage.record_hit("nk", first, ["x"], [fig(1500)], [Actor("North Korea", "country")],
                           AlertBuilder(), ["webhook:0"], T0)
        storage.mark_analysed([first.id, second.id])
        alerts = storage.claim_due_alerts(at(10), 10, 300)
        storage.mark_alerts_sent([a.id for a in alerts], at(20))
        storage.pending_alert_count()
        storage.prune_items(at(-100))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(statements) >= 10

    full_reads: list[str] = []
    with engine.connect() as conn:
        pg = storage.dialect == "postgresql"
        if pg:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, parameters in statements:
            if pg:
                [[plan]] = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters)
                reads = _pg_full_reads(plan[0]["Plan"])
            else:  # "SCAN t" reads all of t, also "SCAN t USING INDEX i" (all of i, in order)
                reads = [str(row[-1]) for row in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters)
                    if re.match(rf"SCAN ({'|'.join(GROWING)})\b", str(row[-1]))]
            if reads:
                full_reads.append(f"{' '.join(statement.split())[:200]}: {reads}")
    assert full_reads == []


def _pg_full_reads(node: dict[str, Any]) -> list[str]:
    """The nodes of a PostgreSQL plan that read a growing table in full: a sequential scan,
    or an index scan with no condition on the index (all of it, in its order)."""
    found = []
    if node.get("Relation Name") in GROWING and (
            node["Node Type"] == "Seq Scan"
            or (node["Node Type"] in ("Index Scan", "Index Only Scan")
                and "Index Cond" not in node)):
        found.append(f"{node['Node Type']} on {node['Relation Name']}")
    for child in node.get("Plans", ()):
        found += _pg_full_reads(child)
    return found


def _index_sql(conn: Any, name: str) -> str:
    """The definition of index ``name`` as the database holds it."""
    if conn.dialect.name == "postgresql":
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = :n AND schemaname = current_schema()"
    else:
        query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"
    return str(conn.execute(text(query), {"n": name}).scalar_one())


def test_head_revision_constant_is_alembics_head() -> None:
    """migrate() skips Alembic when the database is at HEAD_REVISION: it must be the newest."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    assert ScriptDirectory.from_config(cfg).get_heads() == [HEAD_REVISION]


def test_migrate_hands_any_other_revision_to_alembic(db_url: str) -> None:
    """Only a database recorded at the head skips Alembic: any other revision goes through
    it (here an unknown one, which Alembic refuses with a clear error)."""
    store = Storage(db_url)
    try:
        store.migrate()
        engine = create_engine(db_url)
        try:
            with engine.begin() as conn:
                conn.execute(text("UPDATE alembic_version SET version_num = 'nonexistent'"))
        finally:
            engine.dispose()
        with pytest.raises(StorageError, match="migrate"):  # Alembic itself looked, and refused
            store.migrate()
    finally:
        store.close()


MIGRATE_SCRIPT = """
import sys, time
from pathlib import Path
from watcher.storage import Storage
store = Storage(sys.argv[1])
print("ready", flush=True)
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.002)
store.migrate()
store.close()
"""


def test_instances_migrating_together_are_safe(db_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", MIGRATE_SCRIPT, db_url, str(go)],
                              cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(4)]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        go.touch()  # all start migrating at once
        outputs = [proc.communicate(timeout=60) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in outputs]
    store = Storage(db_url)
    try:
        store.migrate()
        assert feed_ids(store, "kh")  # the schema is complete and usable
    finally:
        store.close()


def test_dialect_and_ping(storage: Storage, db_url: str) -> None:
    assert storage.dialect == make_url(db_url).get_backend_name()
    assert storage.ping() is True


def _setting(store: Storage, name: str) -> str:
    with store._engine.connect() as conn:  # white-box: the session the Storage opens
        return str(conn.exec_driver_sql(f"SHOW {name}").scalar_one())


def test_postgres_commits_wait_for_the_disk_only_where_a_promise_needs_it(pg_url: str) -> None:
    store = Storage(pg_url)
    store.migrate()
    statements: list[str] = []
    event.listen(store._engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: statements.append(statement))
    try:
        assert _setting(store, "synchronous_commit") == "off"
        assert _setting(store, "search_path").startswith("t_")  # the URL's options are kept
        fid = feed_ids(store, "kh")["kh"]
        durable = "SET LOCAL synchronous_commit TO on"
        statements.clear()
        store.store_items(fid, [item("a")], T0)
        store.record_feed_successes([(fid, T0, PollSuccess(T0, None, None))])
        assert durable not in statements
        assert [f.name for f in store.claim_due_feeds(T0, 10, 60)] == ["kh"]
        assert statements.count(durable) == 1
        statements.clear()
        assert store.claim_due_feeds(T0, 10, 60) == []  # nothing claimed: nothing to wait for
        assert durable not in statements
    finally:
        store.close()
    # a URL that chooses for itself is obeyed
    store = Storage(with_query(pg_url, options=make_url(pg_url).query["options"]
                               + " -csynchronous_commit=on"))
    try:
        assert _setting(store, "synchronous_commit") == "on"
        assert _setting(store, "search_path").startswith("t_")
    finally:
        store.close()


def test_sqlite_relative_path_creates_directory_and_sets_pragmas(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = Storage("sqlite:///data/watcher.db")
    try:
        store.migrate()
        assert (tmp_path / "data" / "watcher.db").is_file()
        with store._engine.connect() as conn:  # white-box: per-connection settings
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert (conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 1000
    finally:
        store.close()


def test_an_sqlite_library_too_old_or_without_json_is_refused_clearly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The library this Python was built with is what it is; the two ways it can fall short
    are simulated (its version; the JSON functions refused)."""
    import sqlite3

    import watcher.storage._storage as storage_module

    assert storage_module.sqlite_problem() is None  # this machine's library is fine
    url = f"sqlite:///{tmp_path}/w.db"
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(StorageError, match=r"SQLite 3\.31\.1 is too old: watcher needs 3\.35"):
        Storage(url)
    monkeypatch.undo()

    real_connect = sqlite3.connect

    class NoJson:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.con = real_connect(*args, **kwargs)

        def execute(self, sql: str, *args: Any) -> Any:
            if "json_each" in sql:
                raise sqlite3.OperationalError("no such table: json_each")
            return self.con.execute(sql, *args)

        def close(self) -> None:
            self.con.close()

    monkeypatch.setattr(storage_module.sqlite3, "connect", NoJson)
    with pytest.raises(StorageError, match="built without its JSON functions"):
        Storage(url)
    assert not (tmp_path / "w.db").exists()  # nothing was created


def test_foreign_keys_are_enforced(storage: Storage) -> None:
    ghost = StoredItem(id=987654, feed_id=1, feed_name="none", item=item("g"), status="new")
    with pytest.raises(StorageError):
        storage.record_hit("r", ghost, ["x"], [fig(1)], [], AlertBuilder(), ["log"], T0)


# --- datetimes ------------------------------------------------------------------------------

def test_datetimes_are_utc_aware_in_and_out(storage: Storage) -> None:
    seoul = timezone(timedelta(hours=9))
    now = T0.astimezone(seoul)
    storage.sync_feeds([FeedConfig("kh", "https://example.org/kh.xml", 60)], now)
    (summary,) = storage.feed_summaries()
    assert summary.next_poll_at == T0
    assert summary.next_poll_at is not None and summary.next_poll_at.utcoffset() == timedelta(0)
    with pytest.raises(StorageError, match="naive"):
        storage.sync_feeds([FeedConfig("other", "https://example.org/o.xml", 60)],
                           datetime(2024, 10, 21, 9, 0))


# --- feeds ----------------------------------------------------------------------------------

def test_sync_feeds_new_missing_and_returning(storage: Storage) -> None:
    configs = [FeedConfig(n, f"https://example.org/{n}.xml", 600) for n in ("a", "b", "c")]
    storage.sync_feeds(configs, T0)
    assert [s.status for s in storage.feed_summaries()] == ["pending"] * 3
    assert storage.claim_due_feeds(at(-1), 10, 60) == []  # due at T0, not before

    storage.sync_feeds(configs[:2], T0)  # "c" left the configuration
    assert [s.name for s in storage.feed_summaries()] == ["a", "b"]
    assert sorted(f.name for f in storage.claim_due_feeds(T0, 10, 60)) == ["a", "b"]

    storage.sync_feeds(configs, at(1))  # "c" is back, kept its row, still due
    assert [s.name for s in storage.feed_summaries()] == ["a", "b", "c"]
    assert [f.name for f in storage.claim_due_feeds(at(1), 10, 60)] == ["c"]


def test_sync_feeds_config_url_change_resets_feed(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    storage.record_feed_success(fid, T0, at(600), etag='"v1"', last_modified="Mon, 21 Oct",
                                new_url="https://moved.example.org/kh.xml")
    storage.record_feed_error(fid, at(600), "410 Gone", at(700), disable=True)

    # same configured URL: the redirect target is kept
    storage.sync_feeds([FeedConfig("kh", "https://example.org/kh.xml", 600)], at(601))
    assert storage.get_feed(fid).url == "https://moved.example.org/kh.xml"
    assert storage.claim_due_feeds(at(10_000), 10, 60) == []  # still disabled

    storage.sync_feeds([FeedConfig("kh", "https://new.example.org/kh.xml", 600)], at(602))
    state = storage.get_feed(fid)
    assert (state.url, state.etag, state.last_modified, state.error_count) == (
        "https://new.example.org/kh.xml", None, None, 0)
    assert [f.id for f in storage.claim_due_feeds(at(602), 10, 60)] == [fid]  # due now again
    assert storage.feed_summaries()[0].status != "disabled"


def test_record_feed_successes_many_at_once(storage: Storage) -> None:
    """A batch's 304s in one call: validators and next poll per feed, a permanent redirect
    followed, an earlier error cleared; a feed that no longer exists is skipped."""
    ids = feed_ids(storage, "a", "b", "c")
    storage.record_feed_error(ids["b"], T0, "HTTP 503", at(60))
    storage.record_feed_successes([
        (ids["a"], at(1), PollSuccess(at(600), '"ea"', "Mon, 21 Oct", None)),
        (ids["b"], at(2), PollSuccess(at(700), None, None, "https://moved.example.org/b.xml")),
        (999_999, at(3), PollSuccess(at(800), None, None, None)),
    ])
    a, b, c = (storage.get_feed(ids[n]) for n in ("a", "b", "c"))
    assert (a.etag, a.last_modified, a.error_count) == ('"ea"', "Mon, 21 Oct", 0)
    assert (b.url, b.error_count) == ("https://moved.example.org/b.xml", 0)
    assert c.etag is None
    assert [f.name for f in storage.claim_due_feeds(at(650), 10, 60)] == ["c", "a"]
    summaries = {s.name: s for s in storage.feed_summaries()}
    assert summaries["b"].status == "ok" and summaries["b"].last_polled_at == at(2)


def test_sync_feeds_interval_change(storage: Storage) -> None:
    fid = feed_ids(storage, "kh", interval=3600)["kh"]
    storage.record_feed_success(fid, T0, at(3600), etag=None, last_modified=None)
    storage.sync_feeds([FeedConfig("kh", "https://example.org/kh.xml", 300)], at(10))
    assert storage.get_feed(fid).interval == 300
    # a shorter interval counts from the last poll
    assert storage.claim_due_feeds(at(299), 10, 60) == []
    assert [f.id for f in storage.claim_due_feeds(at(300), 10, 60)] == [fid]
    # a longer one waits for the next poll to take effect
    storage.record_feed_success(fid, at(300), at(600), etag=None, last_modified=None)
    storage.sync_feeds([FeedConfig("kh", "https://example.org/kh.xml", 7200)], at(310))
    assert storage.get_feed(fid).interval == 7200
    assert [f.id for f in storage.claim_due_feeds(at(600), 10, 60)] == [fid]


@pytest.mark.parametrize(("now", "limit", "expected"), [
    (at(-11), 10, []),
    (at(-9), 10, ["a", "b"]),
    (T0, 10, ["a", "b", "c"]),
    (T0, 2, ["a", "b"]),
    (at(50), 1, ["a"]),
    (T0, 0, []),
])
def test_claim_due_feeds_order_and_limit(storage: Storage, now: datetime, limit: int,
                                         expected: list[str]) -> None:
    configs = [FeedConfig(n, f"https://example.org/{n}.xml", 600) for n in ("c", "b", "a")]
    storage.sync_feeds(configs, T0)
    ids = {f.name: f.id for f in storage.claim_due_feeds(T0, 10, lease_seconds=0)}
    # make them due in a known order: a first, then b, then c
    for offset, name in enumerate(["a", "b", "c"]):
        storage.record_feed_success(ids[name], T0, at(-10 + offset), etag=None,
                                    last_modified=None)
    assert [f.name for f in storage.claim_due_feeds(now, limit, 60)] == expected


def test_claim_lease_expires(storage: Storage) -> None:
    ids = feed_ids(storage, "a", "b")
    first = storage.claim_due_feeds(T0, 10, lease_seconds=120)
    assert sorted(f.name for f in first) == ["a", "b"]
    assert storage.claim_due_feeds(at(119), 10, 120) == []  # leased
    # "a" finished; "b"'s process died: "b" is due again once its lease runs out
    storage.record_feed_success(ids["a"], at(5), at(605), etag=None, last_modified=None)
    assert [f.name for f in storage.claim_due_feeds(at(120), 10, 120)] == ["b"]
    assert storage.claim_due_feeds(at(239), 10, 120) == []  # "b" leased again
    storage.record_feed_success(ids["b"], at(130), at(1000), etag=None, last_modified=None)
    assert [f.name for f in storage.claim_due_feeds(at(605), 10, 120)] == ["a"]


def test_a_lease_follows_the_feeds_interval_and_claims_are_handed_back(storage: Storage) -> None:
    """A feed polled every 30 s was left for the fixed 10-minute lease when the instance that
    claimed it died; and a shutdown left what it had claimed for as long."""
    storage.sync_feeds([FeedConfig("fast", "https://example.org/f.xml", 30),
                        FeedConfig("hourly", "https://example.org/h.xml", 3600)], T0)
    claimed = {f.name: f for f in storage.claim_due_feeds(T0, 10, 600, min_lease=120)}
    assert claimed["fast"].leased_until == at(120)       # twice 30 s, at least 120 s
    assert claimed["hourly"].leased_until == at(600)     # twice an hour, at most the cap
    assert [f.name for f in storage.claim_due_feeds(at(120), 10, 600, min_lease=120)] == ["fast"]
    # handed back at shutdown: due at once, unless it was recorded (or claimed again) since
    again = storage.claim_due_feeds(at(600), 10, 600, min_lease=120)
    assert sorted(f.name for f in again) == ["fast", "hourly"]
    by_name = {f.name: f for f in again}
    storage.record_feed_success(by_name["hourly"].id, at(601), at(4200), etag=None,
                                last_modified=None)
    assert storage.release_feeds(again, at(602)) == 1
    assert [f.name for f in storage.claim_due_feeds(at(602), 10, 600)] == ["fast"]
    assert storage.claim_due_feeds(at(1201), 10, 600) == []  # "hourly" waits for 4200


def test_conditional_get_fields_and_redirect(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    storage.record_feed_success(fid, T0, at(600), etag='W/"abc"',
                                last_modified="Mon, 21 Oct 2024 09:00:00 GMT",
                                new_url="https://example.org/moved.xml")
    (state,) = storage.claim_due_feeds(at(600), 10, 60)
    assert (state.url, state.etag, state.last_modified) == (
        "https://example.org/moved.xml", 'W/"abc"', "Mon, 21 Oct 2024 09:00:00 GMT")
    storage.record_feed_success(fid, at(600), at(1200), etag=None, last_modified=None)
    state = storage.get_feed(fid)
    assert (state.url, state.etag, state.last_modified) == (
        "https://example.org/moved.xml", None, None)


def test_feed_errors_backoff_fields_and_disable(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    counts = [storage.record_feed_error(fid, at(n), f"boom {n}", at(n + 100 * 2 ** n))
              for n in range(3)]
    assert counts == [1, 2, 3]
    assert storage.get_feed(fid).error_count == 3
    (summary,) = storage.feed_summaries()
    assert (summary.status, summary.error, summary.last_polled_at, summary.next_poll_at) == (
        "error", "boom 2", at(2), at(402))
    assert storage.claim_due_feeds(at(401), 10, 60) == []
    assert [f.error_count for f in storage.claim_due_feeds(at(402), 10, 60)] == [3]

    storage.record_feed_success(fid, at(403), at(1000), etag=None, last_modified=None,
                                warning="ill-formed XML, items kept")
    (summary,) = storage.feed_summaries()
    assert (summary.status, summary.error) == ("ok", "ill-formed XML, items kept")
    assert storage.get_feed(fid).error_count == 0

    assert storage.record_feed_error(fid, at(1000), "410 Gone", at(2000), disable=True) == 1
    (summary,) = storage.feed_summaries()
    assert (summary.status, summary.error) == ("disabled", "410 Gone")
    assert storage.claim_due_feeds(at(10**7), 10, 60) == []


def test_mark_all_feeds_due(storage: Storage) -> None:
    ids = feed_ids(storage, "a", "b", "gone", "later")
    storage.record_feed_success(ids["a"], T0, at(600), etag=None, last_modified=None)
    storage.record_feed_error(ids["b"], T0, "timeout", at(3600))
    storage.record_feed_error(ids["gone"], T0, "410 Gone", at(60), disable=True)
    storage.sync_feeds([FeedConfig(n, f"https://example.org/{n}.xml", 600)
                        for n in ("a", "b", "gone")], T0)  # "later" left the configuration
    # "b" is failing: it keeps its backoff (and any Retry-After); "gone" is disabled
    assert storage.mark_all_feeds_due(at(1)) == 1
    assert [f.name for f in storage.claim_due_feeds(at(1), 10, 60)] == ["a"]
    assert storage.mark_all_feeds_due(at(1)) == 1  # leases are overridden too
    assert storage.mark_all_feeds_due(at(1)) == 0
    assert [f.name for f in storage.claim_due_feeds(at(3600), 10, 60)] == ["a", "b"]


def test_unknown_feed_ids_raise(storage: Storage) -> None:
    with pytest.raises(StorageError, match="no feed"):
        storage.get_feed(424242)
    with pytest.raises(StorageError, match="no feed"):
        storage.record_feed_error(424242, T0, "x", T0)
    with pytest.raises(StorageError, match="no feed"):
        storage.record_feed_success(424242, T0, T0, etag=None, last_modified=None)
    with pytest.raises(StorageError, match="no feed"):
        storage.store_items(424242, [item("a")], T0)


def test_feed_summaries_counts_and_status(storage: Storage) -> None:
    ids = feed_ids(storage, "ok", "err", "gone", "new")
    storage.store_items(ids["ok"], [item("1"), item("2"), item("3")], T0)
    storage.store_items(ids["err"], [item("1")], T0)
    storage.record_feed_success(ids["ok"], T0, at(600), etag=None, last_modified=None)
    storage.record_feed_error(ids["err"], T0, "timeout", at(60))
    storage.record_feed_error(ids["gone"], T0, "410 Gone", at(60), disable=True)
    got = {s.name: (s.items, s.status, s.error) for s in storage.feed_summaries()}
    assert got == {
        "ok": (3, "ok", None),
        "err": (1, "error", "timeout"),
        "gone": (0, "disabled", "410 Gone"),
        "new": (0, "pending", None),
    }


# --- items ----------------------------------------------------------------------------------

def test_store_items_new_updated_unchanged(storage: Storage) -> None:
    ids = feed_ids(storage, "kh", "yonhap")
    kh = ids["kh"]
    first = storage.store_items(kh, [item("a"), item("b")], T0)
    assert [(s.item.key, s.status, s.feed_name, s.feed_id) for s in first] == [
        ("a", "new", "kh", kh), ("b", "new", "kh", kh)]

    cases = [
        ([item("a"), item("b")], []),                                   # unchanged
        ([item("a", title="new title"), item("b")], [("a", "updated")]),
        ([item("a", title="new title"), item("c")], [("c", "new")]),     # b gone: nothing
        ([item("b", text="edited")], [("b", "updated")]),
    ]
    for batch, expected in cases:
        got = storage.store_items(kh, batch, at(60))
        assert [(s.item.key, s.status) for s in got] == expected
    # ids are stable across updates
    again = storage.store_items(kh, [item("a", title="third")], at(120))
    assert again[0].id == first[0].id
    # the same key in another feed is another item
    other = storage.store_items(ids["yonhap"], [item("a")], T0)
    assert [(s.status, s.feed_name) for s in other] == [("new", "yonhap")]
    assert other[0].id != first[0].id


def test_store_items_batch_duplicates_last_wins(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    got = storage.store_items(fid, [item("a", title="one"), item("b"), item("a", title="two")],
                              T0)
    assert [(s.item.key, s.item.title, s.status) for s in got] == [
        ("a", "two", "new"), ("b", "title", "new")]
    assert storage.store_items(fid, [item("a", title="two")], at(1)) == []
    assert storage.feed_summaries()[0].items == 2


def test_store_items_keeps_published_dates_and_their_absence(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    # a batch with no dates at all, then one mixing dated and undated items
    assert len(storage.store_items(fid, [item("u1"), item("u2")], T0)) == 2
    got = storage.store_items(fid, [item("d1", published=at(-3600)), item("u3")], T0,
                              feed_name="kh")
    assert [(s.item.key, s.status, s.feed_name) for s in got] == [
        ("d1", "new", "kh"), ("u3", "new", "kh")]
    back = {s.item.key: s.item.published for s in storage.unanalysed_items(at(1), 10)}
    assert back == {"u1": None, "u2": None, "d1": at(-3600), "u3": None}


def test_store_items_long_and_odd_keys(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    keys = ["https://n/" + "x" * 10_000, "tag:example.org,2024:ü/ß", "a'b\"c"]
    got = storage.store_items(fid, [item(k) for k in keys], T0)
    assert [s.item.key for s in got] == keys
    assert storage.store_items(fid, [item(k) for k in keys], at(1)) == []


def test_store_items_is_batched(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE")):
            statements.append(statement)

    event.listen(storage._engine, "before_cursor_execute", count)  # white-box
    try:
        got = storage.store_items(fid, [item(f"k{n}") for n in range(600)], T0)
        assert len(got) == 600 and len({s.id for s in got}) == 600
        new_count = len(statements)
        statements.clear()
        batch = [item(f"k{n}", title="changed" if n % 2 else "title") for n in range(600)]
        batch += [item(f"n{n}") for n in range(100)]
        got = storage.store_items(fid, batch, at(1))
        assert sorted({s.status for s in got}) == ["new", "updated"] and len(got) == 400
        update_count = len(statements)
    finally:
        event.remove(storage._engine, "before_cursor_execute", count)
    # feed name, existing keys (2 chunks of 500), one insert, the new ids (2 chunks; on
    # PostgreSQL they come back with the insert)
    assert new_count <= 6, new_count
    assert update_count <= 7, update_count


def test_prune_items_keeps_items_with_hits(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    old = storage.store_items(fid, [item("old-hit"), item("old")], T0)
    storage.store_items(fid, [item("recent")], at(86_400))
    storage.record_hit("r", old[0], ["x"], [], [], AlertBuilder(), [], T0)
    assert storage.prune_items(at(3600)) == 1
    assert storage.feed_summaries()[0].items == 2
    assert [h.title for h in storage.list_hits()] == ["title"]
    # (an item whose feed's listing is not known is pruned; one come back is new)
    assert [s.status for s in storage.store_items(fid, [item("old")], at(90_000))] == ["new"]
    assert storage.prune_items(at(3600)) == 0


def test_prune_items_keeps_what_the_feed_still_lists(storage: Storage) -> None:
    """Pruned, an item the feed still lists came back as a new item at the next poll (and was
    matched and alerted again): an item stays while the feed's last body lists it."""
    fid = feed_ids(storage, "kl")["kl"]

    def polled(keys: list[str], when: float) -> list[str]:
        stored = storage.store_items(fid, [item(k) for k in keys], at(when))
        storage.record_feed_successes([(fid, at(when), PollSuccess(
            at(when + 600), None, None, keys=keys))])
        return [f"{s.item.key}:{s.status}" for s in stored]

    assert polled(["a", "b", "c"], 0) == ["a:new", "b:new", "c:new"]
    assert storage.prune_items(at(86_400)) == 0          # all three still listed
    assert polled(["b", "c", "d"], 100) == ["d:new"]
    assert storage.prune_items(at(86_400)) == 1          # a left the feed
    assert polled(["b", "c", "d"], 200) == []            # nothing comes back as new
    # a 304 (no body) changes nothing of what the feed lists
    storage.record_feed_successes([(fid, at(300), PollSuccess(at(900), None, None))])
    assert storage.prune_items(at(86_400)) == 0
    assert polled([], 400) == []                         # an empty feed lists nothing
    assert storage.prune_items(at(86_400)) == 3
    assert storage.feed_summaries()[0].items == 0


# --- hits and knowledge ---------------------------------------------------------------------

def test_record_hit_learns_and_queues_alert(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    published = at(-3600)
    (first,) = storage.store_items(fid, [item("a", published=published)], T0)
    build = AlertBuilder()
    nk = Actor("North Korea", "country", aliases=("DPRK",))
    payload = storage.record_hit("nk-troops", first, ["north korea", "troops"],
                                 [fig(1500), fig(1500)], [nk], build, ["webhook:0", "email:0"], T0)
    assert payload is not None and payload["figures"] == [1500]
    assert build.calls == [([fig(1500)], [nk])]
    known = storage.known_figures("nk-troops")
    assert [(k.key, k.value, k.quantity, k.published) for k in known] == [
        ("troops", 1500.0, "troops sent", published)]
    assert storage.known_actors("nk-troops") == [nk]
    assert storage.known_figures("other-rule") == [] and storage.known_actors("other") == []

    alerts = storage.list_alerts()
    assert [(a.channel, a.alert_id, a.status, a.attempts) for a in alerts] == [
        ("webhook:0", payload["id"], "pending", 0), ("email:0", payload["id"], "pending", 0)]
    assert alerts[0].payload == payload
    assert storage.pending_alert_count() == 2

    # a syndicated copy with the same figure and the actor spelt differently: nothing new
    (copy,) = storage.store_items(fid, [item("b")], at(60))
    assert storage.record_hit("nk-troops", copy, ["troops"], [fig(1500)],
                              [Actor("north  KOREA", "country")], build, ["webhook:0"],
                              at(60)) is None
    assert len(build.calls) == 1
    assert storage.pending_alert_count() == 2

    # only what is new reaches the alert builder
    (later,) = storage.store_items(fid, [item("c")], at(120))
    ru = Actor("Russia", "country")
    payload2 = storage.record_hit("nk-troops", later, ["troops"],
                                  [fig(1500), fig(3000, said_by="NIS")], [nk, ru], build,
                                  ["webhook:0"], at(120))
    assert payload2 is not None and payload2["id"] != payload["id"]
    assert build.calls[-1] == ([fig(3000, said_by="NIS")], [ru])
    # no published date: first_seen_at stands in
    assert [(k.value, k.said_by, k.published) for k in storage.known_figures("nk-troops")] == [
        (1500.0, None, published), (3000.0, "NIS", at(120))]
    assert storage.pending_alert_count() == 3


def test_record_hit_same_figure_twice_second_returns_none(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    a, b = storage.store_items(fid, [item("a"), item("b")], T0)
    build = AlertBuilder()
    assert storage.record_hit("r", a, ["x"], [fig(12_000)], [], build, ["log"], T0) is not None
    assert storage.record_hit("r", b, ["x"], [fig(12_000)], [], build, ["log"], T0) is None
    assert storage.record_hit("r", a, ["x"], [fig(12_000)], [], build, ["log"], T0) is None
    assert len(build.calls) == 1
    # the same figure under another rule is news for that rule
    assert storage.record_hit("r2", b, ["x"], [fig(12_000)], [], build, ["log"], T0) is not None


def test_knowledge_of_several_rules_at_once(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    a, b = storage.store_items(fid, [item("a"), item("b")], T0)
    nk, ru = Actor("North Korea", "country"), Actor("Russia", "country")
    build = AlertBuilder()
    storage.record_hit("r1", a, ["x"], [fig(2), fig(1)], [ru, nk], build, ["log"], T0)
    storage.record_hit("r2", b, ["x"], [fig(3)], [], build, ["log"], at(60))
    storage.record_hit("r1", b, ["x"], [fig(5)], [], build, ["log"], at(120))
    got = storage.knowledge(["r1", "r2", "nothing-yet"])
    assert {rule: ([k.value for k in known.figures], [x.name for x in known.actors])
            for rule, known in got.items()} == {
        "r1": ([1.0, 2.0, 5.0], ["North Korea", "Russia"]),  # oldest first
        "r2": ([3.0], []),
        "nothing-yet": ([], []),
    }
    assert got["r1"].figures == storage.known_figures("r1")
    assert got["r1"].actors == storage.known_actors("r1")
    assert got["nothing-yet"].mark == KnowledgeMark(0, 0)
    assert storage.knowledge([]) == {}
    # each mark is past every row read: catching up from it finds nothing
    c = storage.store_items(fid, [item("c")], T0)[0]
    for rule, known in got.items():
        instance = Instance(storage, rule, known)
        storage.record_hit(rule, c, ["x"], [fig(1)], [], build, ["log"], at(180),
                           mark=known.mark, recheck=instance.recheck)
        assert instance.caught_up == [], rule


class Instance:
    """One watcher instance's view of a rule, as the engine keeps it: what it knows, and a
    recheck that adds what others learnt and says what is still new."""

    def __init__(self, store: Storage, rule: str, known: RuleKnowledge | None = None) -> None:
        self.store, self.rule = store, rule
        self.known = known or store.knowledge([rule])[rule]
        self.caught_up: list[tuple[list[KnownFigure], list[Actor]]] = []
        self.found: tuple[list[Figure], list[Actor]] = ([], [])

    def recheck(self, figures: list[KnownFigure], actors: list[Actor]
                ) -> tuple[list[Figure], list[Actor]]:
        self.caught_up.append((figures, actors))
        self.known.figures.extend(figures)
        self.known.actors.extend(actors)
        return (new_figures(self.found[0], self.known.figures),
                new_actors(self.found[1], self.known.actors))

    def hit(self, item: StoredItem, figures: list[Figure], actors: list[Actor],
            now: datetime) -> dict[str, Any] | None:
        """Record a hit with what is new against this instance's knowledge, as the engine does."""
        self.found = (figures, actors)
        payload = self.store.record_hit(
            self.rule, item, ["x"], new_figures(figures, self.known.figures),
            new_actors(actors, self.known.actors), AlertBuilder(), ["log"], now,
            mark=self.known.mark, recheck=self.recheck)
        if payload is not None:
            self.known.figures.extend(KnownFigure(f.key, f.value, f.quantity)
                                      for f in figures)
            self.known.actors.extend(actors)
        return payload


def test_news_two_instances_find_at_once_is_alerted_once(db_url: str) -> None:
    """Two instances whose knowledge of a rule is equally old find the same news under other
    names (an alias, a figure's key in other case): the database has no conflicting row, so
    only catching up inside the hit's transaction keeps the second from alerting."""
    one, two = Storage(db_url), Storage(db_url)
    if two.dialect == "postgresql":  # white-box: the second instance's sessions in Seoul time
        event.listen(two._engine, "connect",
                     lambda dbapi_conn, _record: dbapi_conn.execute("SET TIME ZONE 'Asia/Seoul'"))
    try:
        one.migrate()
        fid = feed_ids(one, "kh")["kh"]
        a, b, c = one.store_items(fid, [item("a"), item("b"), item("c")], T0)
        first, second = Instance(one, "r"), Instance(two, "r")   # both know nothing yet
        colonel = Actor("Ivan Petrenkov", "person", aliases=("Petrenkov",))
        assert first.hit(a, [fig(3000, "troops")], [colonel], at(1)) is not None
        # the second still thinks both are new; the rows in the database do not conflict
        payload = second.hit(b, [fig(3000, "Troops")], [Actor("Petrenkov", "person")], at(2))
        assert payload is None
        assert [([k.value for k in f], [x.name for x in acts])
                for f, acts in second.caught_up] == [([3000.0], ["Ivan Petrenkov"])]
        # dated by when it was learnt (the item has no date), in UTC whatever the session's zone
        learnt = second.caught_up[0][0][0].published
        assert learnt == at(1) and learnt is not None and learnt.tzinfo == UTC
        assert (second.known.mark.figures, second.known.mark.actors) >= (1, 1)
        # what is really new still is, and is all the alert says
        payload = second.hit(c, [fig(3000, "troops"), fig(5000, "troops")],
                             [Actor("Petrenkov", "person"), Actor("Sergei Shoigu", "person")],
                             at(3))
        assert payload is not None
        assert (payload["figures"], payload["actors"]) == ([5000.0], ["Sergei Shoigu"])
        assert len(second.caught_up) == 1          # nothing more to catch up on
        assert [k.value for k in one.known_figures("r")] == [3000.0, 5000.0]
        assert sorted(x.name for x in one.known_actors("r")) == ["Ivan Petrenkov",
                                                                 "Sergei Shoigu"]
    finally:
        one.close()
        two.close()


def test_a_hit_with_news_waits_for_the_rule_another_instance_is_learning(pg_url: str) -> None:
    """PostgreSQL: while one instance's hit that learns something for a rule is not committed,
    another instance's hit with news for the same rule waits, then sees what the first
    learnt. (Without the lock it would not see the uncommitted row and would alert too.)"""
    one, two = Storage(pg_url), Storage(pg_url)
    try:
        one.migrate()
        fid = feed_ids(one, "kh")["kh"]
        a, b, c = one.store_items(fid, [item("a"), item("b"), item("c")], T0)
        second = Instance(two, "r")
        entered, release = threading.Event(), threading.Event()

        def slow_alert(figures: list[Figure], actors: list[Actor]) -> dict[str, Any]:
            entered.set()          # inside the first instance's transaction, rows inserted
            assert release.wait(10)
            return {"id": "first"}

        colonel = Actor("Ivan Petrenkov", "person", aliases=("Petrenkov",))
        first = threading.Thread(target=one.record_hit, args=(
            "r", a, ["x"], [], [colonel], slow_alert, ["log"], at(1)))
        first.start()
        assert entered.wait(10)
        results: list[dict[str, Any] | None] = []
        waiting = threading.Thread(target=lambda: results.append(
            second.hit(b, [], [Actor("Petrenkov", "person")], at(2))))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive(), "the second hit did not wait for the first"
        release.set()
        first.join(10)
        waiting.join(10)
        assert results == [None]
        assert [x.name for x in one.known_actors("r")] == ["Ivan Petrenkov"]
        # a hit of another rule does not wait
        entered.clear()
        release.clear()
        first = threading.Thread(target=one.record_hit, args=(
            "r", c, ["x"], [], [Actor("Sergei Shoigu", "person")], slow_alert, ["log"], at(3)))
        first.start()
        assert entered.wait(10)
        try:
            assert Instance(two, "other").hit(c, [], [colonel], at(4)) is not None
        finally:
            release.set()
            first.join(10)
    finally:
        one.close()
        two.close()


def test_record_hit_without_knowledge_or_alert(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    a, b = storage.store_items(fid, [item("a"), item("b")], T0)
    build = AlertBuilder(result=lambda f, a: None)
    # nothing to learn: builder not called, hit still recorded
    assert storage.record_hit("r", a, ["x"], [], [], build, ["log"], T0) is None
    assert build.calls == []
    # builder declines: knowledge is kept, nothing queued
    assert storage.record_hit("r", b, ["x"], [fig(7)], [], build, ["log"], T0) is None
    assert len(build.calls) == 1
    assert [k.value for k in storage.known_figures("r")] == [7.0]
    assert storage.list_alerts() == []
    assert len(storage.list_hits()) == 2


def test_record_hit_is_atomic(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    (a,) = storage.store_items(fid, [item("a")], T0)

    def explode(figures: list[Figure], actors: list[Actor]) -> dict[str, Any]:
        raise RuntimeError("builder bug")

    with pytest.raises(RuntimeError, match="builder bug"):
        storage.record_hit("r", a, ["x"], [fig(1)], [], AlertBuilder(explode), ["log"], T0)
    with pytest.raises(ValueError, match="'id'"):
        storage.record_hit("r", a, ["x"], [fig(1)], [], AlertBuilder(lambda f, a: {"x": 1}),
                           ["log"], T0)
    assert storage.known_figures("r") == [] and storage.list_hits() == []
    assert storage.list_alerts() == []
    # and a later attempt learns the figure
    assert storage.record_hit("r", a, ["x"], [fig(1)], [], AlertBuilder(), ["log"], T0)


def test_record_hit_upserts_the_hit(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    (a,) = storage.store_items(fid, [item("a")], T0)
    storage.record_hit("r", a, ["one"], [], [], AlertBuilder(), [], T0)
    storage.record_hit("r", a, ["one", "two"], [], [], AlertBuilder(), [], at(60))
    (hit,) = storage.list_hits()
    assert (hit.matched, hit.created_at) == (("one", "two"), T0)


def test_list_hits_newest_first_filter_and_limit(storage: Storage) -> None:
    ids = feed_ids(storage, "kh", "yonhap")
    published = at(-600)
    a, b = storage.store_items(ids["kh"], [item("a", title="A", published=published),
                                           item("b", title="B")], T0)
    (c,) = storage.store_items(ids["yonhap"], [item("c", title="C")], T0)
    storage.record_hit("r1", a, ["x"], [], [], AlertBuilder(), [], at(1))
    storage.record_hit("r2", c, ["y", "z"], [], [], AlertBuilder(), [], at(2))
    storage.record_hit("r1", b, ["x"], [], [], AlertBuilder(), [], at(3))
    cases: list[tuple[str | None, int | None, list[str]]] = [
        (None, None, ["B", "C", "A"]),
        ("r1", None, ["B", "A"]),
        ("r2", None, ["C"]),
        (None, 2, ["B", "C"]),
        ("missing", None, []),
    ]
    for rule, limit, titles in cases:
        assert [h.title for h in storage.list_hits(rule, limit)] == titles
    hit = storage.list_hits("r2")[0]
    assert (hit.rule, hit.feed, hit.matched, hit.link, hit.created_at) == (
        "r2", "yonhap", ("y", "z"), "https://n/c", at(2))
    assert storage.list_hits("r1")[-1].published == published


# --- outbox ---------------------------------------------------------------------------------

def queue_alert(store: Storage, channels: list[str], key: str = "a", value: float = 1,
                now: datetime = T0) -> dict[str, Any]:
    ids = {s.name for s in store.feed_summaries()}
    fid = feed_ids(store, *(ids | {"kh"}))["kh"]
    (it,) = store.store_items(fid, [item(key)], now)
    payload = store.record_hit("r", it, ["x"], [fig(value)], [], AlertBuilder(), channels, now)
    assert payload is not None
    return payload


def test_outbox_claim_lease_sent_failed_dead_retry(storage: Storage) -> None:
    p1 = queue_alert(storage, ["webhook:0", "email:0"], key="a", value=1)
    p2 = queue_alert(storage, ["webhook:0"], key="b", value=2, now=at(10))
    assert storage.claim_due_alerts(at(-1), 10, 60) == []
    claimed = storage.claim_due_alerts(at(10), 2, lease_seconds=60)
    assert [(c.alert_id, c.channel) for c in claimed] == [(p1["id"], "webhook:0"),
                                                          (p1["id"], "email:0")]
    assert claimed[0].payload == p1
    rest = storage.claim_due_alerts(at(10), 10, 60)
    assert [(c.alert_id, c.channel) for c in rest] == [(p2["id"], "webhook:0")]
    assert storage.claim_due_alerts(at(69), 10, 60) == []  # all leased

    storage.mark_alert_sent(claimed[0].id, at(11))
    storage.mark_alert_failed(claimed[1].id, at(11), "SMTP 451", at(300), dead=False)
    # rest[0]'s sender died: due again when the lease runs out
    assert [c.id for c in storage.claim_due_alerts(at(70), 10, 60)] == [rest[0].id]
    storage.mark_alert_failed(rest[0].id, at(71), "HTTP 404", at(71), dead=True)
    assert storage.claim_due_alerts(at(299), 10, 60) == []
    (retry,) = storage.claim_due_alerts(at(300), 10, 60)
    assert (retry.id, retry.attempts, retry.last_error) == (claimed[1].id, 1, "SMTP 451")

    by_status = {s: [(a.channel, a.attempts, a.last_error) for a in storage.list_alerts(s)]
                 for s in ("pending", "sent", "dead")}
    assert by_status == {"pending": [("email:0", 1, "SMTP 451")],
                         "sent": [("webhook:0", 1, None)],
                         "dead": [("webhook:0", 1, "HTTP 404")]}
    assert storage.pending_alert_count() == 1

    assert storage.retry_dead_alerts(at(400)) == 1
    assert storage.retry_dead_alerts(at(400)) == 0
    assert storage.pending_alert_count() == 2
    assert [(a.alert_id, a.attempts, a.status) for a in storage.claim_due_alerts(at(400), 10, 60)
            if a.alert_id == p2["id"]] == [(p2["id"], 0, "pending")]
    assert len(storage.list_alerts()) == 3


def test_rule_sources_keep_each_files_last_good_text(storage: Storage) -> None:
    path = "/srv/rules/nk-troops.yaml"
    assert storage.last_good_rule_source(path) is None
    long_path = "/srv/rules/" + "x" * 3000 + ".yaml"   # hashed: no index limit on its length
    assert storage.save_rule_sources({path: "name: a\n", long_path: "name: b\n"}, T0) == 2
    assert storage.last_good_rule_source(path) == "name: a\n"
    assert storage.last_good_rule_source(long_path) == "name: b\n"
    # only what changed is written
    assert storage.save_rule_sources({path: "name: a\n", long_path: "name: c\n"}, T0) == 1
    assert storage.last_good_rule_source(long_path) == "name: c\n"
    assert storage.save_rule_sources({}, T0) == 0


def test_mark_all_alerts_due(storage: Storage) -> None:
    queue_alert(storage, ["webhook:0", "email:0", "log"])
    first, second, third = storage.claim_due_alerts(T0, 10, 60)
    storage.mark_alert_failed(first.id, T0, "HTTP 503", at(3600), dead=False)
    storage.mark_alert_failed(second.id, T0, "HTTP 404", at(3600), dead=True)
    storage.mark_alert_sent(third.id, T0)
    assert storage.claim_due_alerts(at(1), 10, 60) == []
    assert storage.mark_all_alerts_due(at(1)) == 1
    assert [a.id for a in storage.claim_due_alerts(at(1), 10, 60)] == [first.id]


def test_failures_not_tried_count_no_attempt_and_recipients_reached_are_kept(
        storage: Storage) -> None:
    queue_alert(storage, ["email:0", "webhook:0"])
    mail, hook = storage.claim_due_alerts(T0, 10, 60)
    # held back behind another alert: not tried, no attempt counted
    storage.mark_alert_failed(hook.id, T0, "held back", at(30), dead=False, tried=False)
    # one recipient refused for now, the other reached
    storage.mark_alert_failed(mail.id, T0, "451", at(30), dead=False, done_for=["a@x.example"])
    mail, hook = storage.claim_due_alerts(at(30), 10, 60)
    assert (hook.attempts, hook.last_error, hook.done_for) == (0, "held back", ())
    assert (mail.attempts, mail.done_for) == (1, ("a@x.example",))
    # a failure that reached no one more leaves the list as it is
    storage.mark_alert_failed(mail.id, at(31), "timed out", at(60), dead=False)
    assert [a.done_for for a in storage.list_alerts() if a.id == mail.id] == [("a@x.example",)]
    # moved to the channel the same addresses (and one more) are now: those who had it are
    # not sent it again
    assert storage.move_pending_alerts("email:0", "email:1", at(70)) == 1
    [moved] = [a for a in storage.claim_due_alerts(at(70), 10, 60) if a.channel == "email:1"]
    assert (moved.attempts, moved.done_for) == (0, ("a@x.example",))


def queue_story_alert(store: Storage, rule: str, key: str, channels: list[str]) -> str:
    fid = feed_ids(store, *({s.name for s in store.feed_summaries()} | {"kh"}))["kh"]
    (it,) = store.store_items(fid, [item(key)], T0)
    payload = store.record_hit(rule, it, ["x"], [fig(ord(key))], [], AlertBuilder(
        lambda figures, actors: {"id": f"{rule}-{key}", "rule": rule}), channels, T0)
    assert payload is not None
    return str(payload["id"])


def test_a_storys_later_alert_waits_while_an_earlier_one_is_sent_or_retried(
        storage: Storage) -> None:
    """Claims keep a story's alerts to a channel in order, also across instances: an alert
    is not claimed while an earlier one of its story to that channel is leased or waits for
    its retry; other stories and channels are not held; a refusal for good holds none."""
    for rule, key in (("nk", "a"), ("nk", "b"), ("quake", "c"), ("nk", "d")):
        queue_story_alert(storage, rule, key, ["hook", "mail"])

    def ids(alerts: list[OutboxAlert]) -> list[tuple[str, str]]:
        return [(a.alert_id, a.channel) for a in alerts]

    first = storage.claim_due_alerts(T0, 1, lease_seconds=60)   # ("nk-a", "hook"), leased
    assert ids(first) == [("nk-a", "hook")]
    # another instance, meanwhile: not nk's later alerts to the hook; all else
    assert ids(storage.claim_due_alerts(T0, 10, 60)) == [
        ("nk-a", "mail"), ("nk-b", "mail"), ("quake-c", "hook"), ("quake-c", "mail"),
        ("nk-d", "mail")]
    # nk-a failed, retry in 30 s: nk-b and nk-d wait for it, then go with it, in order
    storage.mark_alert_failed(first[0].id, at(1), "HTTP 503", at(30), dead=False)
    assert storage.claim_due_alerts(at(29), 10, 60) == []
    assert ids(storage.claim_due_alerts(at(30), 10, 60)) == [
        ("nk-a", "hook"), ("nk-b", "hook"), ("nk-d", "hook")]
    # refused for good (retried an hour later): the story's later alerts go meanwhile
    [again] = [a for a in storage.list_alerts("pending") if a.alert_id == "nk-a"
               and a.channel == "hook"]
    later = [a for a in storage.list_alerts("pending") if a.channel == "hook"
             and a.alert_id in ("nk-b", "nk-d")]
    storage.mark_alert_failed(again.id, at(31), "HTTP 413", at(3631), dead=False,
                              holds_story=False)
    for alert in later:
        storage.mark_alert_failed(alert.id, at(31), "held back", at(40), dead=False,
                                  tried=False)
    assert ids(storage.claim_due_alerts(at(40), 10, 60)) == [("nk-b", "hook"), ("nk-d", "hook")]
    # a dead alert holds none either
    storage.mark_alert_failed(again.id, at(41), "HTTP 413", at(41), dead=True, holds_story=False)
    assert storage.claim_due_alerts(at(41), 10, 60) == []   # (nk-b, nk-d leased till 100)


def test_release_alerts_makes_claimed_pending_alerts_due_now(storage: Storage) -> None:
    queue_alert(storage, ["webhook:0", "email:0", "log"])
    first, second, third = storage.claim_due_alerts(T0, 10, lease_seconds=300)
    storage.mark_alert_sent(third.id, at(1))
    assert storage.claim_due_alerts(at(2), 10, 300) == []  # leased
    assert storage.release_alerts([first.id, second.id, third.id, first.id], at(2)) == 2
    assert [a.id for a in storage.claim_due_alerts(at(2), 10, 300)] == [first.id, second.id]
    assert {a.id: a.status for a in storage.list_alerts()}[third.id] == "sent"
    assert storage.release_alerts([], at(3)) == 0


def test_unknown_outbox_ids_raise(storage: Storage) -> None:
    with pytest.raises(StorageError, match="no outbox"):
        storage.mark_alert_sent(999, T0)
    with pytest.raises(StorageError, match="no outbox"):
        storage.mark_alert_failed(999, T0, "x", T0, dead=True)


def test_mark_alerts_sent_in_bulk(storage: Storage) -> None:
    queue_alert(storage, ["webhook:0", "email:0", "log"])
    first, second, third = storage.claim_due_alerts(T0, 10, 60)
    storage.mark_alert_failed(second.id, T0, "HTTP 503", T0, dead=False)
    storage.mark_alerts_sent([first.id, second.id, first.id], at(5))
    storage.mark_alerts_sent([], at(6))
    by_id = {a.id: a for a in storage.list_alerts()}
    assert [(by_id[a.id].status, by_id[a.id].attempts) for a in (first, second, third)] == [
        ("sent", 1), ("sent", 2), ("pending", 0)]
    with pytest.raises(StorageError, match="1 of 2 outbox entries"):
        storage.mark_alerts_sent([third.id, 999], at(7))
    assert {a.id: a.status for a in storage.list_alerts()}[third.id] == "pending"


def test_batch_is_one_transaction(storage: Storage) -> None:
    ids = feed_ids(storage, "a", "b")
    with storage.batch():
        storage.record_feed_success(ids["a"], at(1), at(600), etag='"e"', last_modified=None)
        with storage.batch():  # nested: joins the outer one
            count = storage.record_feed_error(ids["b"], at(1), "HTTP 500", at(60))
        (new,) = storage.store_items(ids["a"], [item("x")], at(1))
        assert count == 1 and new.status == "new"
        # reads inside the batch see its writes
        assert storage.get_feed(ids["a"]).etag == '"e"'
    assert storage.get_feed(ids["a"]).etag == '"e"'
    assert storage.get_feed(ids["b"]).error_count == 1

    # an error inside the block rolls every call of the batch back
    with pytest.raises(StorageError, match="no feed"), storage.batch():
        storage.record_feed_error(ids["b"], at(2), "HTTP 500", at(60))
        storage.store_items(ids["a"], [item("y")], at(2))
        storage.record_feed_success(999, at(2), at(600), etag=None, last_modified=None)
    assert storage.get_feed(ids["b"]).error_count == 1
    assert [s.item.key for s in storage.store_items(ids["a"], [item("x"), item("y")],
                                                    at(3))] == ["y"]
    # and the storage works normally afterwards, also from other threads
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(storage.get_feed(ids["b"]).error_count))
    with storage.batch():
        storage.record_feed_error(ids["b"], at(4), "HTTP 500", at(60))
    worker.start()
    worker.join()
    assert seen == [2]


def test_record_hit_in_a_batch_fails_alone(storage: Storage) -> None:
    fid = feed_ids(storage, "kh")["kh"]
    a, b = storage.store_items(fid, [item("a"), item("b")], T0)

    def explode(figures: list[Figure], actors: list[Actor]) -> dict[str, Any]:
        raise RuntimeError("builder bug")

    with storage.batch():
        with pytest.raises(RuntimeError, match="builder bug"):
            storage.record_hit("r", a, ["x"], [fig(1)], [], AlertBuilder(explode), ["log"], T0)
        payload = storage.record_hit("r", b, ["x"], [fig(2)], [], AlertBuilder(), ["log"], T0)
        storage.mark_analysed([a.id, b.id])
    assert payload is not None
    assert [k.value for k in storage.known_figures("r")] == [2.0]
    assert [h.link for h in storage.list_hits()] == [b.item.link]
    assert [x.alert_id for x in storage.list_alerts()] == [payload["id"]]
    assert storage.unanalysed_items(at(3600), 10) == []
    assert storage.hits_in_batches is (storage.dialect == "sqlite")


def test_one_connection_commits_each_call_on_its_own(db_url: str) -> None:
    store, other = Storage(db_url), Storage(db_url)
    store.migrate()
    checkouts: list[object] = []
    event.listen(store._engine, "checkout", lambda *args: checkouts.append(args[0]))
    try:
        fid = feed_ids(store, "kh")["kh"]
        a, b = store.store_items(fid, [item("a"), item("b")], T0)

        def explode(figures: list[Figure], actors: list[Actor]) -> dict[str, Any]:
            raise RuntimeError("builder bug")

        checkouts.clear()
        with store.connection():
            first = store.record_hit("r", a, ["x"], [fig(1)], [], AlertBuilder(), ["log"], T0)
            # committed at once: another connection sees it while the block goes on
            assert [k.value for k in other.known_figures("r")] == [1.0]
            with pytest.raises(RuntimeError, match="builder bug"):
                store.record_hit("r", b, ["x"], [fig(2)], [], AlertBuilder(explode), ["log"], T0)
            with store.connection():  # nested: the same connection
                assert store.known_figures("r")[0].value == 1.0
            store.mark_analysed([a.id, b.id])
        assert len(checkouts) == 1
        assert first is not None and [x.alert_id for x in other.list_alerts()] == [first["id"]]
        assert [h.link for h in other.list_hits()] == [a.item.link]  # b's hit undone alone
        assert other.unanalysed_items(at(3600), 10) == []
        # inside a batch it changes nothing: the batch's transaction goes on
        with store.batch(), store.connection():
            store.record_feed_error(fid, at(1), "HTTP 500", at(60))
            assert other.get_feed(fid).error_count == 0
        assert other.get_feed(fid).error_count == 1
    finally:
        store.close()
        other.close()


@pytest.mark.postgres
@pytest.mark.parametrize("in_batch", [False, True])
def test_a_caller_behind_its_mark_still_gets_only_what_is_new(
        pg_url: str, in_batch: bool, caplog: pytest.LogCaptureFixture) -> None:
    """On PostgreSQL a hit with news sends its learning insert with the alert and the COMMIT,
    sure of what is new once the catch-up is read (two round trips, not three). A caller that
    passes as new what it was told before its mark makes that insert fail: the hit is undone
    and recorded again, the database deciding, with what the first try's recheck left (the
    caller, as the engine does, learnt from the failed try's alert: asked again, it would
    find nothing new). The alert carries only what is new, once."""
    store = Storage(pg_url)
    try:
        store.migrate()
        fid = feed_ids(store, "kh")["kh"]
        a, b, c, d = store.store_items(fid, [item(k) for k in "abcd"], T0)
        nk, ru = Actor("North Korea", "country"), Actor("Russia", "country")
        mark = KnowledgeMark()
        assert store.record_hit("r", a, ["x"], [fig(1)], [nk], AlertBuilder(), ["log"], T0,
                                mark=mark) is not None
        told = (mark.figures, mark.actors)
        # another instance learns 5 meanwhile: the caller's catch-up reads it
        assert store.record_hit("r", d, ["x"], [fig(5)], [], AlertBuilder(), ["log"], T0,
                                mark=KnowledgeMark(*told)) is not None
        known: set[float] = set()  # the caller's knowledge, which does not hold 1 (behind)

        def recheck(figs: list[KnownFigure], acts: list[Actor]) -> tuple[list[Figure], list[Actor]]:
            known.update(f.value for f in figs)
            return [f for f in (fig(1), fig(3)) if f.value not in known], [ru]

        def learn(figs: list[Figure], acts: list[Actor]) -> dict[str, Any]:
            known.update(f.value for f in figs)
            return {"id": f"alert-{uuid.uuid4().hex[:8]}", "figures": [f.value for f in figs],
                    "actors": [x.name for x in acts]}

        build = AlertBuilder(learn)
        caplog.set_level(logging.DEBUG, logger="watcher.storage")
        with store.batch() if in_batch else contextlib.nullcontext():
            payload = store.record_hit("r", b, ["x"], [fig(1), fig(3)], [nk, ru], build, ["log"],
                                       T0, mark=mark, recheck=recheck)
        assert "recorded again" in caplog.text  # the strict insert failed and was undone
        assert payload is not None and payload["figures"] == [3] and payload["actors"] == ["Russia"]
        assert build.calls == [([fig(1), fig(3)], [ru]), ([fig(3)], [ru])]
        assert sorted(k.value for k in store.known_figures("r")) == [1.0, 3.0, 5.0]
        assert sorted(x.name for x in store.known_actors("r")) == ["North Korea", "Russia"]
        assert sorted(x.payload["figures"][0] for x in store.list_alerts()) == [1, 3, 5]
        assert mark.figures > told[0] and mark.actors > told[1]  # past the rows read or added
        # nothing new at all: no alert, nothing learnt
        assert store.record_hit("r", c, ["x"], [fig(3)], [ru], AlertBuilder(), ["log"], T0,
                                mark=mark) is None
        assert len(store.list_alerts()) == 3 and len(store.list_hits()) == 4
    finally:
        store.close()


@pytest.mark.postgres
def test_postgresql_round_trips_per_feed_and_per_hit(pg_url: str) -> None:
    """What a poll cycle waits for on PostgreSQL, counted by a real TCP proxy in front of the
    server: with the database on another host, each round trip is the network's latency, paid
    by the whole cycle."""
    url = make_url(pg_url)
    with TurnCounter(url.host or "127.0.0.1", url.port or 5432) as proxy:
        store = Storage(url.set(host="127.0.0.1", port=proxy.port)
                        .render_as_string(hide_password=False))
        # psycopg prepares a statement on the server the fifth time a connection runs it: a
        # round trip of its own, once per statement and connection; not counted here
        event.listen(store._engine, "connect",  # white-box
                     lambda dbapi_conn, _record: setattr(dbapi_conn, "prepare_threshold", None))
        try:
            store.migrate()
            ids = feed_ids(store, "a", "b", "c")
            with store.connection():
                before = proxy.turns
                with store.batch():  # BEGIN, one per feed, COMMIT
                    stored = {name: store.store_items(fid, [item(f"{name}{n}") for n in range(40)],
                                                      T0, feed_name=name)
                              for name, fid in ids.items()}
                assert proxy.turns - before == 2 + 3
                before = proxy.turns
                with store.batch():  # unchanged and changed items alike: one round trip
                    again = store.store_items(ids["a"], [item("a0"), item("a1", title="new")],
                                              at(60), feed_name="a")
                assert [s.status for s in again] == ["updated"]
                assert proxy.turns - before == 2 + 2  # and the changed item's UPDATE

                # whole articles: the stored ones are looked up, only the new one is sent
                long = [item(f"article{n}", text=f"{n} " + "x" * 20_000) for n in range(5)]
                store.store_items(ids["b"], long, T0, feed_name="b")
                before, sent = proxy.turns, proxy.sent
                with store.batch():
                    again = store.store_items(ids["b"], [*long, item("article5", text="y" * 20_000)],
                                              at(60), feed_name="b")
                assert [(s.item.key, s.status) for s in again] == [("article5", "new")]
                assert proxy.turns - before == 2 + 2  # the lookup, then the new item alone
                assert 20_000 < proxy.sent - sent < 30_000

                a, b, c = (stored[name][0] for name in "abc")
                mark = KnowledgeMark()
                before = proxy.turns  # nothing new: BEGIN, the hit and COMMIT at once
                assert store.record_hit("r", a, ["x"], [], [], AlertBuilder(), ["log"], T0,
                                        mark=mark) is None
                assert proxy.turns - before == 1
                before = proxy.turns  # news: the hit and the catch-up; the learning, the
                # alert and COMMIT (what the rule did not know is known once the catch-up is in)
                assert store.record_hit("r", b, ["x"], [fig(1)], [], AlertBuilder(), ["log"],
                                        T0, mark=mark) is not None
                assert proxy.turns - before == 2
                with store.batch():
                    store.store_items(ids["c"], [item("c-later")], at(60), feed_name="c")
                    before = proxy.turns  # a savepoint instead of BEGIN and COMMIT
                    assert store.record_hit("r", c, ["x"], [fig(2)], [], AlertBuilder(),
                                            ["log"], T0, mark=mark) is not None
                    assert proxy.turns - before == 2
                assert mark.figures > 0  # moved past the rows the hits inserted
            assert [k.value for k in store.known_figures("r")] == [1.0, 2.0]
            assert len(store.list_hits()) == 3 and len(store.list_alerts()) == 2
        finally:
            store.close()


@pytest.mark.postgres
def test_hits_without_pipeline_mode_give_the_same_results(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a libpq older than 14 (no pipeline mode) a hit's statements are sent one by one:
    more round trips, the same hits, knowledge and alerts, and failures still undone."""
    monkeypatch.setattr(storage_module, "pg_pipeline_supported", lambda: False)
    store = Storage(pg_url)
    try:
        store.migrate()
        fid = feed_ids(store, "kh")["kh"]
        a, b, c = store.store_items(fid, [item("a"), item("b"), item("c")], T0)
        mark = KnowledgeMark()
        first = store.record_hit("r", a, ["x"], [fig(1)], [], AlertBuilder(), ["log"], T0,
                                 mark=mark)
        assert first is not None and mark.figures > 0
        assert store.record_hit("r", b, ["x"], [fig(1)], [], AlertBuilder(), ["log"], T0,
                                mark=mark) is None

        def explode(figures: list[Figure], actors: list[Actor]) -> dict[str, Any]:
            raise RuntimeError("builder bug")

        with pytest.raises(RuntimeError, match="builder bug"):
            store.record_hit("r", c, ["x"], [fig(2)], [], AlertBuilder(explode), ["log"], T0)
        with store.batch():
            store.store_items(fid, [item("d")], at(60))
            assert store.record_hit("r", c, ["x"], [fig(2)], [], AlertBuilder(), ["log"], T0)
        assert [k.value for k in store.known_figures("r")] == [1.0, 2.0]
        assert len(store.list_hits()) == 3 and len(store.list_alerts()) == 2
    finally:
        store.close()


@pytest.mark.postgres
def test_transactions_stay_atomic_after_hits(pg_url: str) -> None:
    """A hit sends its own BEGIN and COMMIT (its connection in autocommit meanwhile): the
    connection goes back to transactions, after a hit that worked and one that failed, both
    on the connection a cycle holds and on pooled ones."""
    store = Storage(pg_url)
    try:
        store.migrate()
        fid = feed_ids(store, "kh")["kh"]
        a, b = store.store_items(fid, [item("a"), item("b")], T0)

        def explode(figures: list[Figure], actors: list[Actor]) -> dict[str, Any]:
            raise RuntimeError("builder bug")

        def batch_rolls_back(key: str) -> bool:
            with pytest.raises(RuntimeError, match="undo"), store.batch():
                store.store_items(fid, [item(key)], at(60))
                raise RuntimeError("undo")
            return [s.status for s in store.store_items(fid, [item(key)], at(120))] == ["new"]

        with store.connection():
            assert store.record_hit("r", a, ["x"], [fig(1)], [], AlertBuilder(), ["log"], T0)
            with pytest.raises(RuntimeError, match="builder bug"):
                store.record_hit("r", b, ["x"], [fig(2)], [], AlertBuilder(explode), ["log"], T0)
            assert batch_rolls_back("c")
        assert store.record_hit("r", b, ["x"], [fig(3)], [], AlertBuilder(), ["log"], T0)
        with pytest.raises(RuntimeError, match="builder bug"):
            store.record_hit("r", a, ["x"], [fig(4)], [], AlertBuilder(explode), ["log"], T0)
        assert batch_rolls_back("d")
        assert [k.value for k in store.known_figures("r")] == [1.0, 3.0]
    finally:
        store.close()


# --- concurrency ----------------------------------------------------------------------------

def test_concurrent_claims_never_share_a_feed(db_url: str) -> None:
    stores = [Storage(db_url) for _ in range(3)]
    stores[0].migrate()
    names = [f"feed{n:03}" for n in range(120)]
    stores[0].sync_feeds([FeedConfig(n, f"https://example.org/{n}", 600) for n in names], T0)
    barrier = threading.Barrier(len(stores))
    results: list[list[str]] = [[] for _ in stores]
    errors: list[BaseException] = []

    def work(idx: int) -> None:
        try:
            barrier.wait()
            while True:
                got = stores[idx].claim_due_feeds(T0, 4, lease_seconds=300)
                if not got:
                    return
                results[idx].extend(f.name for f in got)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == []
        claimed = [n for r in results for n in r]
        assert sorted(claimed) == names  # every feed once, none twice
    finally:
        for s in stores:
            s.close()


def _wait_for_lock_wait(admin: psycopg.Connection[Any], app: str, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                            "AND wait_event_type = 'Lock'", (app,)).fetchone()
        if row and row[0] > 0:
            return True
        time.sleep(0.02)
    return False


def _admin_dsn() -> str:
    url = make_url(os.environ["WATCHER_TEST_DATABASE_URL"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def test_racing_instances_alert_once_postgres(pg_url: str) -> None:
    app_b = f"watcher-test-{uuid.uuid4().hex[:12]}"
    store_a = Storage(pg_url)
    store_b = Storage(with_query(pg_url, application_name=app_b))
    store_a.migrate()
    ids = feed_ids(store_a, "kh", "yonhap")
    (copy_a,) = store_a.store_items(ids["kh"], [item("a")], T0)
    (copy_b,) = store_a.store_items(ids["yonhap"], [item("a")], T0)
    outcome: dict[str, Any] = {}

    def instance_b() -> None:
        try:
            outcome["b"] = store_b.record_hit("r", copy_b, ["x"], [fig(3000)], [],
                                              AlertBuilder(), ["log"], T0)
        except BaseException as exc:
            outcome["b_error"] = exc

    thread = threading.Thread(target=instance_b)

    def build_a(figures: list[Figure], actors: list[Actor]) -> dict[str, Any]:
        # A has inserted the figure but not committed: B must wait for A, then see it
        thread.start()
        with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
            outcome["b_waited"] = _wait_for_lock_wait(admin, app_b)
        return {"id": "from-a"}

    try:
        outcome["a"] = store_a.record_hit("r", copy_a, ["x"], [fig(3000)], [],
                                          AlertBuilder(build_a), ["log"], T0)
        thread.join(30)
        assert "b_error" not in outcome
        assert outcome["b_waited"] is True
        assert outcome["a"] == {"id": "from-a"} and outcome["b"] is None
        assert [a.alert_id for a in store_a.list_alerts()] == ["from-a"]
        assert len(store_a.list_hits()) == 2
    finally:
        store_a.close()
        store_b.close()


# --- failures -------------------------------------------------------------------------------

def _terminate(app: str) -> int:
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE application_name = %s AND pid <> pg_backend_pid()",
                             (app,)).fetchall()
    return len(rows)


def test_killed_connection_raises_then_recovers_postgres(pg_url: str) -> None:
    app = f"watcher-test-{uuid.uuid4().hex[:12]}"
    store = Storage(with_query(pg_url, application_name=app))
    try:
        store.migrate()
        fid = feed_ids(store, "kh")["kh"]
        a, b = store.store_items(fid, [item("a"), item("b")], T0)

        def kill_mid_transaction(figures: list[Figure], actors: list[Actor]) -> dict[str, Any]:
            assert _terminate(app) >= 1
            return {"id": "lost"}

        with pytest.raises(StorageError) as info:
            store.record_hit("r", a, ["x"], [fig(5)], [], AlertBuilder(kill_mid_transaction),
                             ["log"], T0)
        assert "record a hit" in str(info.value)
        # the next call reconnects; nothing of the failed transaction was kept
        assert store.known_figures("r") == []
        assert store.record_hit("r", a, ["x"], [fig(5)], [], AlertBuilder(), ["log"], T0)
        # the same on the connection a poll cycle holds for its hits
        with store.connection():
            with pytest.raises(StorageError):
                store.record_hit("r", b, ["x"], [fig(6)], [],
                                 AlertBuilder(kill_mid_transaction), ["log"], T0)
            assert store.record_hit("r", b, ["x"], [fig(6)], [], AlertBuilder(), ["log"], T0)

        # idle pooled connections killed between calls: pre-ping replaces them silently
        assert _terminate(app) >= 1
        assert [k.value for k in store.known_figures("r")] == [5.0, 6.0]
        assert store.ping() is True
        assert store.store_items(fid, [item("b", title="changed")], at(1))[0].id == b.id
    finally:
        store.close()


def test_unreachable_server_is_a_readable_storage_error() -> None:
    store = Storage("postgresql+psycopg://watcher:s3cr3t-pw@127.0.0.1:1/nowhere"
                    "?connect_timeout=2")
    try:
        assert store.ping() is False
        with pytest.raises(StorageError) as info:
            store.migrate()
        message = str(info.value)
        assert "s3cr3t-pw" not in message
        assert "127.0.0.1" in message and "migrate" in message
        with pytest.raises(StorageError):
            store.claim_due_feeds(T0, 1, 60)
    finally:
        store.close()


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "not a url"])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(StorageError):
        Storage(url)


def test_unusable_sqlite_path_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a directory")
    with pytest.raises(StorageError):
        Storage(f"sqlite:///{tmp_path / 'taken' / 'watcher.db'}")
    store = Storage(f"sqlite:///{tmp_path}")  # a directory, not a database file
    try:
        assert store.ping() is False
        with pytest.raises(StorageError):
            store.migrate()
    finally:
        store.close()


# --- the CI guard in conftest ---------------------------------------------------------------

@pytest.fixture
def pytest_env() -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("WATCHER_TEST_DATABASE_URL", "WATCHER_REQUIRE_POSTGRES",
                        "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST")}
    yield env


@pytest.mark.parametrize(("require", "expect_failure"), [("1", True), ("", False)])
def test_require_postgres_fails_session_when_pg_tests_skip(
        pytest_env: dict[str, str], require: str, expect_failure: bool) -> None:
    pytest_env["WATCHER_REQUIRE_POSTGRES"] = require
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_storage.py::test_dialect_and_ping"],
        cwd=PROJECT, env=pytest_env, capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    assert "1 passed, 1 skipped" in output, output
    if expect_failure:
        assert proc.returncode == pytest.ExitCode.TESTS_FAILED, output
        assert "PostgreSQL test(s) were skipped" in output
    else:
        assert proc.returncode == pytest.ExitCode.OK, output


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite:///data/w.db", "data/w.db"),
        ("sqlite:////tmp/x/w.db", "/tmp/x/w.db"),
        ("sqlite://", None),                                     # in memory
        ("sqlite:///:memory:", None),
        ("sqlite:///w.db?mode=memory", None),
        ("sqlite:///file:w.db?uri=true", None),                  # a URI: left to SQLite
        ("postgresql+psycopg://postgres@127.0.0.1/test", None),
    ],
)
def test_the_file_a_sqlite_url_names(url: str, file: str | None) -> None:
    """What Storage opens and what the read-only commands check before opening it."""
    assert sqlite_file(url) == (Path(file).resolve() if file else None)
