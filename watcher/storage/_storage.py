"""Storage: every SQL statement watcher runs lives here.

One ``Storage`` per process, shared by threads (the SQLAlchemy engine pools connections).
Works on SQLite (single host; WAL, busy timeout, foreign keys on) and on PostgreSQL through
psycopg 3 (several instances may share one database: claims use ``FOR UPDATE SKIP LOCKED`` and
knowledge inserts use ``ON CONFLICT DO NOTHING``, so two instances never poll the same feed at
once, and a given figure or actor raises at most one alert).

Every datetime crossing this API is timezone-aware UTC; ``now`` is always passed in by the
caller. Database failures surface as :class:`watcher.errors.StorageError`; after a lost
connection the next call reconnects (``pool_pre_ping``).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, Literal, ParamSpec, TypeVar, cast

from sqlalchemy import (
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    exists,
    func,
    inspect,
    select,
    text,
    true,
    update,
)
from sqlalchemy.engine import URL, Connection, Dialect, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError, StatementError
from sqlalchemy.pool import StaticPool

from watcher.errors import StorageError
from watcher.models import (
    Actor,
    FeedConfig,
    FeedState,
    FeedSummary,
    Figure,
    HitRecord,
    KnowledgeMark,
    KnownFigure,
    OutboxAlert,
    ParsedItem,
    RuleKnowledge,
    StoredItem,
)

from .schema import actors as actors_t
from .schema import feeds as feeds_t
from .schema import figures as figures_t
from .schema import hits as hits_t
from .schema import items as items_t
from .schema import outbox as outbox_t
from .schema import rule_sources as rule_sources_t

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.dialects import postgresql as pg
    from sqlalchemy.dialects import sqlite as sqlite_dialect

log = logging.getLogger("watcher.storage")

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# The newest migration's revision (tests/test_storage.py checks it against Alembic's head): a
# database already there is not handed to Alembic at all, which saves importing it on start.
HEAD_REVISION = "0008"
SQLITE_BUSY_TIMEOUT_MS = 15_000
PG_CONNECT_TIMEOUT_S = 10
# PostgreSQL sessions commit without waiting for the disk, except where it matters (see
# Storage._durable). A database server crash can lose the last fraction of a second of
# commits, never part of one: feeds are then polled again, items analysed again, alerts
# queued again under the same id, as after a crash of watcher itself. Set by a statement
# on connecting, not a startup option: PgBouncer refuses unknown startup parameters.
PG_SESSION_SETUP = "SET synchronous_commit TO off"
_IN_CHUNK = 500  # keys per IN (...) list: well under SQLite's bound-parameter limit
# A feed's items go to PostgreSQL in one statement, unchanged ones included, while their titles
# and texts hold at most this many characters (40 summaries: 10-40 k); beyond it (whole
# articles) the stored ones are looked up first and only the new ones sent: on a 1 Gbit/s
# network 64 kB take about as long as a round trip.
PG_ITEMS_AT_ONCE = 64_000
# rows per multi-row INSERT on SQLite, at most: under its bound-parameter limit (32,766 since
# 3.32, 999 before)
_VALUES_ROWS = 500
_SQLITE_PARAMETERS = 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999
SQLITE_MIN_VERSION = (3, 35)  # INSERT ... RETURNING; the JSON functions are checked too
_SQLITE_BEGIN_OPTION = "watcher_sqlite_begin"
# Alembic keeps its migration context in module globals: one migration at a time per process.
_MIGRATE_LOCK = threading.Lock()
# SQLite files this process polls from: lock file path -> [open lock file, users]
_INSTANCE_LOCKS: dict[str, list[Any]] = {}
_INSTANCE_GUARD = threading.Lock()
SECOND_INSTANCE_WARNING = ("another watcher instance is using this SQLite database ({path}); "
                           "use PostgreSQL to run several instances")

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

AlertBuilder = Callable[[list[Figure], list[Actor]], dict[str, Any] | None]
# (figures, actors other instances learnt since the engine last looked) -> what is still new
Recheck = Callable[[list[KnownFigure], list[Actor]], tuple[Sequence[Figure], Sequence[Actor]]]


@dataclass(frozen=True, slots=True)
class PollSuccess:
    """A successful poll to record with the feed's items (see :meth:`Storage.store_items`);
    the fields mean what :meth:`Storage.record_feed_success`'s arguments mean."""

    next_poll_at: datetime
    etag: str | None
    last_modified: str | None
    new_url: str | None = None
    warning: str | None = None
    keys: Sequence[str] | None = None  # the keys of the items in the body (None: unchanged)


class _Statements:
    """The statements of the hot path (every poll, every hit), built once per Storage:
    building an INSERT ... ON CONFLICT (its ``excluded`` alias, its cache key) costs more
    than running it. Core statements take parameter dicts; SQL strings go to the driver
    with tuples (its own placeholders: ? on SQLite, %s or %b on PostgreSQL)."""

    def __init__(self, dialect: Dialect) -> None:
        i, f, a, t = items_t, figures_t, actors_t, feeds_t
        # new items go to the driver as tuples: its own placeholders, timestamps converted
        # by the column type's own bind processor (the same text or value Core would send)
        columns = ("feed_id", "key", "key_hash", "title", "link", "published", "text",
                   "content_hash", "first_seen_at", "updated_at", "analysed")
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        # SQLite: multi-row VALUES (see _insert_values), the ids of the rows it inserted
        # coming back with it
        self.new_items_sqlite = (f"INSERT INTO items ({', '.join(columns)})",
                                 "ON CONFLICT (feed_id, key_hash) DO NOTHING RETURNING id, key_hash")
        # a feed's stored items among some keys: PostgreSQL, the keys as an array; SQLite,
        # as one JSON array parameter (json_each), looked up in the unique index one by one
        self.existing_items_pg = ("SELECT id, key_hash, content_hash FROM items"
                                  " WHERE feed_id = %b AND key_hash = ANY(%b::text[])")
        self.existing_items_sqlite = (
            "SELECT id, key_hash, content_hash FROM items"
            " WHERE feed_id = ? AND key_hash IN (SELECT value FROM json_each(?))")
        # PostgreSQL: a feed's items in one statement and one round trip, whatever their
        # number: the stored ones among them (id, key hash, content hash) and the ids of
        # those it inserted (content hash NULL). Columns go as arrays, in binary (the text
        # form escapes every string in Python). Unchanged items are sent too, up to
        # PG_ITEMS_AT_ONCE characters of text: a round trip costs more than their bytes.
        self.items_pg = (
            "WITH u AS (SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[],"
            " %b::timestamptz[], %b::text[], %b::text[], %b::boolean[]) WITH ORDINALITY"
            f" AS u(k, kh, t, l, p, x, ch, a, n)), old AS ({self.existing_items_pg}),"
            f" new AS (INSERT INTO items ({', '.join(columns)})"
            " SELECT %b, u.k, u.kh, u.t, u.l, u.p, u.x, u.ch, %b, %b, u.a FROM u"
            " WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.key_hash = u.kh) ORDER BY u.n"
            " ON CONFLICT (feed_id, key_hash) DO NOTHING RETURNING id, key_hash)"
            " SELECT id, key_hash, NULL AS content_hash FROM new"
            " UNION ALL SELECT id, key_hash, content_hash FROM old")
        process = i.c.published.type.bind_processor(dialect)
        self.timestamp: Callable[[datetime | None], Any] = process or (lambda value: value)
        # SQLite: a hit's new figures and actors, rows as one multi-row VALUES each (see
        # _values_sql), the rows it inserted coming back
        self.figures_sqlite = (
            "INSERT INTO figures (rule, key, value, quantity, text, qualifier, said_by, unit,"
            " item_id, published, first_seen_at)",
            "ON CONFLICT (rule, key, value) DO NOTHING RETURNING key, value")
        self.actors_sqlite = (
            "INSERT INTO actors (rule, name, name_norm, kind, aliases, role, item_id,"
            " first_seen_at)", "ON CONFLICT (rule, name_norm) DO NOTHING RETURNING name_norm")
        # A hit and its alert, for the driver (see Storage._hit_statements_pg, _learn_sqlite and
        # _record_hit); JSON values go as text. What instances learn for one rule is decided
        # one transaction at a time: on PostgreSQL a hit with news takes the rule's lock (the
        # schema's own, so several watcher schemas in one database are apart).
        json_mark = f"{mark}::json" if mark == "%s" else mark
        self.hit_sql = (
            "INSERT INTO hits (rule, item_id, matched, created_at, updated_at)"
            f" VALUES ({mark}, {mark}, {json_mark}, {mark}, {mark}) ON CONFLICT (rule, item_id)"
            " DO UPDATE SET matched = excluded.matched, updated_at = excluded.updated_at")
        self.outbox_sql = (
            "INSERT INTO outbox (alert_id, channel, payload, story, status, attempts,"
            " next_attempt_at, created_at) VALUES"
            f" ({mark}, {mark}, {json_mark}, {mark}, 'pending', 0, {mark}, {mark})"
            " ON CONFLICT (alert_id, channel) DO NOTHING")
        self.hit_locking_pg = (
            f"WITH hit AS ({self.hit_sql} RETURNING 1) SELECT pg_advisory_xact_lock(hashtext("
            "'watcher.rule:' || coalesce(current_schema(), '') || ':' || %s)) FROM hit")
        # what was learnt past a mark, figures and actors in one result, told apart by
        # is_figure (see Storage._catch_up)
        self.catch_up_sql = (
            "SELECT true AS is_figure, id, key, value, quantity, said_by,"
            " coalesce(published, first_seen_at) AS published, NULL AS name, NULL AS kind,"
            f" NULL AS aliases, NULL AS role FROM figures WHERE rule = {mark} AND id > {mark}"
            " UNION ALL SELECT false, id, NULL, NULL, NULL, NULL, NULL, name, kind, aliases, role"
            f" FROM actors WHERE rule = {mark} AND id > {mark} ORDER BY id")
        # what SQLite's driver gives for a timestamp (text) and a JSON column (text) -> values
        # (PostgreSQL's gives datetimes and parsed JSON)
        self.read_timestamp: Callable[[Any], datetime | None] | None = None
        self.read_json: Callable[[Any], Any] | None = None
        if mark == "?":
            self.read_timestamp = f.c.published.type.result_processor(dialect, None)
            self.read_json = a.c.aliases.type.result_processor(dialect, None)
        # a hit's new figures and actors, columns as binary arrays, one statement
        self.learn_pg = (
            "WITH f AS (INSERT INTO figures (rule, key, value, quantity, text, qualifier,"
            " said_by, unit, item_id, published, first_seen_at)"
            " SELECT %b, u.k, u.v, u.q, u.t, u.ql, u.s, u.un, %b, %b, %b FROM unnest(%b::text[],"
            " %b::float8[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[])"
            " WITH ORDINALITY AS u(k, v, q, t, ql, s, un, n) ORDER BY u.n"
            " ON CONFLICT (rule, key, value) DO NOTHING RETURNING id, key, value),"
            " a AS (INSERT INTO actors (rule, name, name_norm, kind, aliases, role, item_id,"
            " first_seen_at) SELECT %b, u.n, u.nn, u.k, u.al::json, u.r, %b, %b FROM unnest("
            "%b::text[], %b::text[], %b::text[], %b::text[], %b::text[]) WITH ORDINALITY"
            " AS u(n, nn, k, al, r, o) ORDER BY u.o"
            " ON CONFLICT (rule, name_norm) DO NOTHING RETURNING id, name_norm)"
            " SELECT true AS is_figure, id, key, value, NULL AS name_norm FROM f"
            " UNION ALL SELECT false, id, NULL, NULL, name_norm FROM a")
        # the same, failing (a unique violation) if the rule knows any of the rows already
        self.learn_strict_pg = self.learn_pg.replace(
            " ON CONFLICT (rule, key, value) DO NOTHING", "").replace(
            " ON CONFLICT (rule, name_norm) DO NOTHING", "")
        assert self.learn_strict_pg.count("ON CONFLICT") == 0
        # what a rule knows (rows for _known_figure / _known_actor; see Storage.knowledge)
        self.figure_columns = (f.c.id, f.c.key, f.c.value, f.c.quantity, f.c.said_by,
                               func.coalesce(f.c.published, f.c.first_seen_at,
                                             type_=f.c.first_seen_at.type).label("published"))
        self.actor_columns = (a.c.id, a.c.name, a.c.kind, a.c.aliases, a.c.role)
        self.figures_of_rules = (
            select(f.c.rule, *self.figure_columns)
            .where(f.c.rule.in_(bindparam("b_rules", expanding=True)))
            .order_by(f.c.first_seen_at, f.c.id))
        self.actors_of_rules = (
            select(a.c.rule, *self.actor_columns)
            .where(a.c.rule.in_(bindparam("b_rules", expanding=True)))
            .order_by(a.c.first_seen_at, a.c.id))
        self.mark_analysed = (update(i).where(i.c.id.in_(bindparam("b_ids", expanding=True)))
                              .values(analysed=True))
        self.changed_items = update(i).where(i.c.id == bindparam("b_id")).values(
            title=bindparam("b_title"), link=bindparam("b_link"),
            published=bindparam("b_published"), text=bindparam("b_text"),
            content_hash=bindparam("b_content_hash"), updated_at=bindparam("b_updated_at"),
            analysed=bindparam("b_analysed"))
        self.feed_name = select(t.c.name).where(t.c.id == bindparam("b_feed_id"))
        # a successful poll (see Storage._success_row), for the driver; "moved": with the
        # new URL of a permanent redirect
        success = ("UPDATE feeds SET last_polled_at = {m}, last_success_at = {m},"
                   " next_poll_at = {m}, etag = {m}, last_modified = {m}, error_count = 0,"
                   " last_error = {m}{extra} WHERE id = {m}")
        self.feed_success = success.format(m=mark, extra="")
        self.feed_success_moved = success.format(m=mark, extra=f", url = {mark}")
        # ... and with the items its body listed (see PollSuccess.keys)
        self.feed_success_keys = success.format(m=mark, extra=f", present_keys = {mark}")
        self.feed_success_moved_keys = success.format(
            m=mark, extra=f", url = {mark}, present_keys = {mark}")


def _storage_op(what: str) -> Callable[[Callable[Concatenate[Storage, P], R]],
                                       Callable[Concatenate[Storage, P], R]]:
    """Run a Storage method, turning database library errors into StorageError."""

    def decorate(fn: Callable[Concatenate[Storage, P], R]) -> Callable[Concatenate[Storage, P], R]:
        @functools.wraps(fn)
        def wrapper(self: Storage, /, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(self, *args, **kwargs)
            except StorageError:
                raise
            except self._catch as exc:
                err = self._translate(what, exc)
                log.debug("%s", err, exc_info=True)
                raise err from exc

        return wrapper

    return decorate


def _waiting_after_errors(now: datetime) -> tuple[Any, ...]:
    """The feeds to poll that failed and wait for a later try (their backoff)."""
    t = feeds_t
    return (t.c.active.is_(True), t.c.disabled.is_(False), t.c.error_count > 0,
            t.c.next_poll_at > now)


# How much of an item's key hash a feed's ``present_keys`` holds: 64 bits tell a feed's
# items apart (a collision only keeps an item longer).
PRESENT_KEY_CHARS = 16


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _known_figure(row: Any, read_timestamp: Callable[[Any], datetime | None] | None = None
                  ) -> KnownFigure:
    """A figure row (Core's, or the driver's: SQLite's text read with ``read_timestamp``),
    dated in UTC (PostgreSQL's driver gives the session's time zone)."""
    published = row.published if read_timestamp is None else read_timestamp(row.published)
    return KnownFigure(key=row.key, value=row.value, quantity=row.quantity,
                       said_by=row.said_by, published=published and published.astimezone(UTC))


def _known_actor(row: Any, read_json: Callable[[Any], Any] | None = None) -> Actor:
    """An actor row (Core's, or the driver's: SQLite's JSON text read with ``read_json``)."""
    aliases = row.aliases if read_json is None else read_json(row.aliases)
    return Actor(name=row.name, kind=row.kind, aliases=tuple(aliases or ()), role=row.role)


def _name_norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def _figure_rows(figures: Iterable[Figure]) -> dict[tuple[str, float], Figure]:
    """The figures to insert, by (key, value): the first of each, in input order. Inserted
    sorted by that key, so that concurrent transactions lock rows in one order."""
    unique: dict[tuple[str, float], Figure] = {}
    for fig in figures:
        unique.setdefault((fig.key, float(fig.value)), fig)
    return unique


def _actor_rows(actors: Iterable[Actor]) -> dict[str, Actor]:
    """The actors to insert, by normalised name: the first of each, in input order."""
    unique: dict[str, Actor] = {}
    for actor in actors:
        unique.setdefault(_name_norm(actor.name), actor)
    return unique


def _chunks(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


@functools.lru_cache(maxsize=64)
def _values_sql(head: str, tail: str, width: int, rows: int) -> str:
    """``head VALUES (?, ...), ... tail`` for ``rows`` rows of ``width`` values (SQLite)."""
    row = "(" + ", ".join("?" * width) + ")"
    return f"{head} VALUES {', '.join([row] * rows)} {tail}"


def _insert_values(conn: Connection, statement: tuple[str, str],
                   rows: Sequence[tuple[Any, ...]]) -> list[Any]:
    """Insert ``rows`` with multi-row VALUES statements (SQLite; as few as its parameter
    limit allows); the rows their RETURNING clause gives back."""
    head, tail = statement
    returned: list[Any] = []
    if not rows:
        return returned
    width = len(rows[0])
    for chunk in _chunks(rows, min(_VALUES_ROWS, _SQLITE_PARAMETERS // width)):
        sql = _values_sql(head, tail, width, len(chunk))
        returned.extend(conn.exec_driver_sql(sql, tuple(v for row in chunk for v in row)))
    return returned


@functools.cache
def pg_pipeline_supported() -> bool:
    """Whether psycopg's libpq has pipeline mode (14 or newer; psycopg-binary bundles one).
    Without it a hit's statements wait for each other: more round trips, the same results."""
    import psycopg

    return bool(psycopg.Pipeline.is_supported())


def sqlite_problem() -> str | None:
    """Why the SQLite library Python was built with cannot hold watcher's database (None:
    it can): the hot path needs INSERT ... RETURNING (3.35) and the JSON functions."""
    if sqlite3.sqlite_version_info < SQLITE_MIN_VERSION:
        return (f"SQLite {sqlite3.sqlite_version} is too old: watcher needs "
                f"{'.'.join(map(str, SQLITE_MIN_VERSION))} or newer")
    try:
        with closing(sqlite3.connect(":memory:")) as con:
            con.execute("SELECT value FROM json_each('[1]')").fetchall()
    except sqlite3.Error:
        return f"SQLite {sqlite3.sqlite_version} was built without its JSON functions"
    return None


def parse_database_url(url: str) -> URL:
    """The SQLAlchemy URL watcher connects with (PostgreSQL through psycopg 3), checked without
    connecting: raises StorageError for a URL that is not one, or names another database."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"invalid database URL: {exc}") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StorageError(f"unsupported database {backend!r}: use sqlite:///path/to/file.db "
                           "or postgresql+psycopg://user@host/db")
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_database(parsed: URL) -> tuple[str, bool]:
    """A SQLite URL's database and whether it lives in memory."""
    database = parsed.database or ""
    return database, database in ("", ":memory:") or parsed.query.get("mode") == "memory"


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite database URL names; None for PostgreSQL, a database in memory or a
    ``file:`` URI (raises StorageError for what is no database URL)."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database, in_memory = _sqlite_database(parsed)
    if in_memory or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve()


class Storage:
    """The database behind watcher. See the module docstring.

    ``url``: ``sqlite:///relative/or/absolute.db`` (the directory is created),
    ``postgresql+psycopg://user:password@host:5432/db`` (``postgresql://`` means the same), or
    ``sqlite://`` for an in-memory database (one shared connection: single-threaded use only).
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        parsed = parse_database_url(url)
        backend = parsed.get_backend_name()
        self._url = parsed
        self._where = parsed.set(query={}).render_as_string(hide_password=True)
        self._password = parsed.password if isinstance(parsed.password, str) else None

        kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": True}
        connect_args: dict[str, Any] = {}
        pg_setup = False  # run PG_SESSION_SETUP on each new connection
        if backend == "sqlite":
            database, in_memory = _sqlite_database(parsed)
            if in_memory:
                # one shared connection, or every thread would see its own empty database
                kwargs["poolclass"] = StaticPool
                connect_args["check_same_thread"] = False
            elif not database.startswith("file:"):
                try:
                    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StorageError(f"cannot create the directory for {database}: "
                                       f"{exc.strerror or exc}") from exc
        else:
            if "connect_timeout" not in parsed.query:
                connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
            # a URL that sets synchronous_commit itself (in its options) is obeyed
            options = parsed.query.get("options") or ""
            pg_setup = "synchronous_commit" not in " ".join(
                options if isinstance(options, tuple) else (options,))
        if connect_args:
            kwargs["connect_args"] = connect_args
        try:
            self._engine: Engine = create_engine(parsed, **kwargs)
        except (ArgumentError, ImportError) as exc:
            raise StorageError(f"cannot use database {self._where}: {exc}") from exc
        dbapi_error = getattr(self._engine.dialect.loaded_dbapi, "Error", None)
        self._catch: tuple[type[Exception], ...] = (SQLAlchemyError,)
        if isinstance(dbapi_error, type) and issubclass(dbapi_error, Exception):
            self._catch = (SQLAlchemyError, dbapi_error)
        self._sqlite = backend == "sqlite"
        self._pg = backend == "postgresql"
        if self._sqlite and (problem := sqlite_problem()) is not None:
            self._engine.dispose()
            raise StorageError(f"cannot use database {self._where}: {problem}; "
                               "use a newer Python build or PostgreSQL")
        self._sqlite_file = sqlite_file(url) if self._sqlite else None
        self._instance_lock: str | None = None
        self._instance_warned = False
        # .conn: the connection of this thread's batch(); .held: of its connection()
        self._batch = threading.local()
        self._q = _Statements(self._engine.dialect)
        if self._pg and pg_setup:
            event.listen(self._engine, "connect", _pg_on_connect)
        if self._sqlite:
            event.listen(self._engine, "connect", _sqlite_on_connect)
            event.listen(self._engine, "begin", _sqlite_on_begin)

    # --- plumbing -------------------------------------------------------------------------

    @property
    def dialect(self) -> str:
        """``'sqlite'`` or ``'postgresql'``."""
        return self._engine.dialect.name

    def _translate(self, what: str, exc: BaseException) -> StorageError:
        if isinstance(exc, DBAPIError) and exc.orig is not None:
            detail = f"{type(exc.orig).__name__}: {exc.orig}"
        elif isinstance(exc, StatementError) and exc.orig is not None:
            detail = str(exc.orig)
        elif isinstance(exc, SQLAlchemyError):
            detail = str(exc.args[0]) if exc.args else type(exc).__name__
        else:
            detail = f"{type(exc).__name__}: {exc}"
        detail = " ".join(detail.split())
        if self._password:
            detail = detail.replace(self._password, "***")
        detail = re.sub(r"(password\s*=\s*)\S+", r"\1***", detail, flags=re.IGNORECASE)
        if len(detail) > 400:
            detail = detail[:400] + "..."
        return StorageError(f"database error while trying to {what} ({self._where}): {detail}")

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A transaction that will write. On SQLite it takes the write lock up front
        (BEGIN IMMEDIATE), so it waits for other writers instead of failing half-way.
        Inside :meth:`batch` (same thread), the batch's transaction."""
        shared = getattr(self._batch, "conn", None)
        if shared is not None:
            yield shared
            return
        with self._connect() as conn:
            if self._sqlite:
                conn.execution_options(**{_SQLITE_BEGIN_OPTION: "BEGIN IMMEDIATE"})
            try:
                with conn.begin():
                    yield conn
            finally:
                if self._sqlite:
                    conn.execution_options(**{_SQLITE_BEGIN_OPTION: "BEGIN"})

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        shared = getattr(self._batch, "conn", None)
        if shared is not None:
            yield shared
            return
        with self._connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """The connection :meth:`connection` holds for this thread, or one from the pool."""
        held = getattr(self._batch, "held", None)
        if held is not None:
            yield held
            return
        with self._engine.connect() as conn:
            yield conn

    @contextmanager
    def connection(self) -> Iterator[None]:
        """Run the storage calls made inside the block (by this thread) on one connection,
        each still in a transaction of its own: saves taking a connection from the pool, and
        checking that it is alive, for every call (several per hit on PostgreSQL). Nested
        blocks, and blocks inside :meth:`batch`, change nothing."""
        if getattr(self._batch, "held", None) is not None or \
                getattr(self._batch, "conn", None) is not None:
            yield
            return
        try:
            conn = self._engine.connect()
        except self._catch as exc:
            raise self._translate("connect to the database", exc) from exc
        self._batch.held = conn
        try:
            yield
        finally:
            self._batch.held = None
            conn.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run the storage calls made inside the block (by this thread) in one transaction:
        committed when the block ends, rolled back entirely if it raises. Much cheaper than
        one transaction per call when recording many feeds, hits or alerts at once. A
        :meth:`record_hit` that fails inside a batch is undone alone (a savepoint). Nested
        batches join the outer one."""
        if getattr(self._batch, "conn", None) is not None:
            yield
            return
        try:
            with self._write() as conn:
                self._batch.conn = conn
                try:
                    yield
                finally:
                    self._batch.conn = None
        except StorageError:
            raise
        except self._catch as exc:  # the commit itself failed
            err = self._translate("commit a batch of changes", exc)
            log.debug("%s", err, exc_info=True)
            raise err from exc

    @property
    def hits_in_batches(self) -> bool:
        """Whether :meth:`record_hit` calls are worth sharing a :meth:`batch`: True on SQLite
        (one writer at a time anyway). False on PostgreSQL, where instances running at once
        would lock figures and actors in conflicting orders across the hits of two long
        transactions (deadlocks); there each hit keeps its own short transaction."""
        return self._sqlite

    def _durable(self, conn: Connection) -> None:
        """Make this transaction's commit wait until it is on disk (PostgreSQL; SQLite always
        does). For what must survive a database server crash to keep a promise: claims (no
        feed polled twice in a cycle, no alert sent twice) and alerts marked sent."""
        if self._pg:
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO on")

    def _insert(self, table: Table) -> pg.Insert | sqlite_dialect.Insert:
        """An INSERT supporting ON CONFLICT for the current backend (the dialect's module is
        imported here: a SQLite deployment never loads PostgreSQL's)."""
        if self._pg:
            from sqlalchemy.dialects import postgresql as pg

            return pg.insert(table)
        from sqlalchemy.dialects import sqlite as sqlite_dialect

        return sqlite_dialect.insert(table)

    # --- lifecycle ------------------------------------------------------------------------

    @_storage_op("migrate the schema")
    def migrate(self) -> None:
        """Bring the schema to the newest revision. Safe to call on every start, also by
        several instances at once (PostgreSQL: advisory lock; SQLite: write lock)."""
        if self._schema_revisions() == [HEAD_REVISION]:
            log.debug("database schema is at the newest revision")
            return
        from alembic import command
        from alembic.config import Config
        from alembic.util.exc import CommandError

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("path_separator", "os")
        with _MIGRATE_LOCK, self._write() as conn:
            if self._pg:
                conn.execute(text("SELECT pg_advisory_xact_lock("
                                  "hashtext('watcher.migrate:' || coalesce(current_schema(), '')))"))
            cfg.attributes["connection"] = conn
            try:
                command.upgrade(cfg, "head")
            except CommandError as exc:
                raise StorageError(f"cannot migrate the database schema ({self._where}): {exc}"
                                   ) from exc
        log.debug("database schema is at the newest revision")

    def _schema_revisions(self) -> list[str] | None:
        """The revisions recorded in the database (None: no schema yet, or unreadable)."""
        try:
            with self._read() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return None
                return [str(v) for v in
                        conn.execute(text("SELECT version_num FROM alembic_version")).scalars()]
        except self._catch:
            return None

    def close(self) -> None:
        """Close every pooled connection. The object may be used again afterwards."""
        self._release_instance_lock()
        self._engine.dispose()

    def check_single_instance(self) -> bool:
        """Note this process as a poller of the database. SQLite cannot be shared by several
        watcher instances safely (PostgreSQL can): when another process already polls this
        SQLite file, log a warning (once) and return False. Holds an advisory lock on
        ``<database>.instance.lock`` until :meth:`close`. Always True on PostgreSQL."""
        if self._sqlite_file is None or self._instance_lock is not None:
            return True
        path = f"{self._sqlite_file}.instance.lock"
        with _INSTANCE_GUARD:
            held = _INSTANCE_LOCKS.get(path)
            if held is not None:          # this process already holds it (another Storage)
                held[1] += 1
                self._instance_lock = path
                return True
            try:
                handle = open(path, "a+b")  # noqa: SIM115 - kept open while the lock is held
            except OSError as exc:
                log.debug("cannot open %s: %s", path, exc)
                return True
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                if not self._instance_warned:  # once; checked again on every call
                    self._instance_warned = True
                    log.warning(SECOND_INSTANCE_WARNING.format(path=self._sqlite_file))
                return False
            _INSTANCE_LOCKS[path] = [handle, 1]
            self._instance_lock = path
        return True

    def _release_instance_lock(self) -> None:
        path, self._instance_lock = self._instance_lock, None
        if path is None:
            return
        with _INSTANCE_GUARD:
            held = _INSTANCE_LOCKS.get(path)
            if held is None:
                return
            held[1] -= 1
            if held[1] <= 0:
                del _INSTANCE_LOCKS[path]
                held[0].close()  # closing the file releases the lock

    def ping(self) -> bool:
        """True when the database answers ``SELECT 1``."""
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception as exc:
            log.debug("database ping failed: %s", self._translate("ping", exc))
            return False

    # --- feeds ----------------------------------------------------------------------------

    @_storage_op("synchronise feeds with the configuration")
    def sync_feeds(self, feeds: Sequence[FeedConfig], now: datetime) -> None:
        """Make the feeds table follow the configuration, matching feeds by name.

        New feeds are due at ``now``. A changed configured URL resets the polled URL, the
        conditional-GET validators, the error count and a 410 disablement, and makes the feed
        due now. A changed interval is stored (a shorter one counts from the last poll).
        Feeds missing from ``feeds`` become inactive: kept, but neither polled nor listed.
        """
        wanted = {f.name: f for f in feeds}
        t = feeds_t
        with self._write() as conn:
            rows = conn.execute(select(
                t.c.id, t.c.name, t.c.config_url, t.c.interval_seconds, t.c.active,
                t.c.next_poll_at, t.c.last_polled_at, t.c.error_count)).all()
            known = {r.name for r in rows}
            new_rows = [
                {"name": f.name, "config_url": f.url, "url": f.url,
                 "interval_seconds": float(f.interval), "active": True, "disabled": False,
                 "next_poll_at": now, "error_count": 0, "created_at": now}
                for f in wanted.values() if f.name not in known
            ]
            if new_rows:
                conn.execute(self._insert(t).on_conflict_do_nothing(index_elements=["name"]),
                             new_rows)
            gone: list[int] = []
            for r in rows:
                cfg = wanted.get(r.name)
                if cfg is None:
                    if r.active:
                        gone.append(r.id)
                    continue
                values: dict[str, Any] = {}
                if not r.active:
                    values["active"] = True
                if cfg.url != r.config_url:
                    values.update(config_url=cfg.url, url=cfg.url, etag=None, last_modified=None,
                                  disabled=False, disabled_reason=None, error_count=0,
                                  last_error=None, next_poll_at=now)
                interval = float(cfg.interval)
                if interval != r.interval_seconds:
                    values["interval_seconds"] = interval
                    if ("next_poll_at" not in values and interval < r.interval_seconds
                            and r.error_count == 0 and r.last_polled_at is not None):
                        # a shorter interval takes effect from the last poll, not the next one
                        values["next_poll_at"] = min(
                            r.next_poll_at, r.last_polled_at + timedelta(seconds=interval))
                if values:
                    conn.execute(update(t).where(t.c.id == r.id).values(**values))
            if gone:
                conn.execute(update(t).where(t.c.id.in_(gone)).values(active=False))
        log.debug("feeds synchronised: %d configured, %d new, %d no longer configured",
                  len(wanted), len(new_rows), len(gone))

    @_storage_op("claim due feeds")
    def claim_due_feeds(self, now: datetime, limit: int, lease_seconds: float, *,
                        min_lease: float | None = None) -> list[FeedState]:
        """Take up to ``limit`` due feeds, oldest due first, leasing each for ``lease_seconds``
        (its ``next_poll_at`` moves to ``now + lease``; recording the outcome replaces it).
        With ``min_lease``, a feed's lease is twice its interval within ``[min_lease,
        lease_seconds]``: a feed polled every 30 s is not left for 10 minutes when the instance
        that claimed it dies."""
        if limit <= 0:
            return []
        t = feeds_t
        with self._write() as conn:
            rows = conn.execute(
                select(t.c.id, t.c.name, t.c.url, t.c.interval_seconds, t.c.etag,
                       t.c.last_modified, t.c.error_count)
                .where(t.c.active.is_(True), t.c.disabled.is_(False), t.c.next_poll_at <= now)
                .order_by(t.c.next_poll_at, t.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            until: dict[int, datetime] = {}
            if rows:
                self._durable(conn)
                by_until: dict[datetime, list[int]] = {}
                for r in rows:
                    lease = lease_seconds if min_lease is None else min(
                        lease_seconds, max(min_lease, 2 * float(r.interval_seconds)))
                    until[r.id] = now + timedelta(seconds=lease)
                    by_until.setdefault(until[r.id], []).append(r.id)
                for when, ids in by_until.items():  # one statement per lease length
                    conn.execute(update(t).where(t.c.id.in_(ids)).values(next_poll_at=when))
        return [FeedState(id=r.id, name=r.name, url=r.url, interval=r.interval_seconds,
                          etag=r.etag, last_modified=r.last_modified, error_count=r.error_count,
                          leased_until=until[r.id])
                for r in rows]

    @_storage_op("hand back claimed feeds")
    def release_feeds(self, feeds: Sequence[FeedState], now: datetime) -> int:
        """Make feeds this instance claimed and will not poll due again at ``now`` (shutting
        down), each only while it still holds the lease it was given. Returns how many."""
        t = feeds_t
        released = 0
        with self._write() as conn:
            for f in feeds:
                if f.leased_until is None:
                    continue
                released += int(conn.execute(update(t).where(
                    t.c.id == f.id, t.c.next_poll_at == f.leased_until,
                ).values(next_poll_at=now)).rowcount)
        return released

    @_storage_op("make every feed due")
    def mark_all_feeds_due(self, now: datetime) -> int:
        """Make every configured, enabled, healthy feed due at ``now`` (a manual "poll
        everything"); a failing feed keeps its backoff and any Retry-After its server asked
        for. Returns how many feeds were moved forward."""
        t = feeds_t
        with self._write() as conn:
            result = conn.execute(update(t).where(
                t.c.active.is_(True), t.c.disabled.is_(False), t.c.error_count == 0,
                t.c.next_poll_at > now,
            ).values(next_poll_at=now))
        return int(result.rowcount)

    @_storage_op("retry feeds now")
    def retry_feeds_failed_with(self, error_prefix: str, now: datetime) -> int:
        """Make due at ``now`` every enabled feed waiting after an error that starts with
        ``error_prefix`` (an error of watcher's own settings, since changed). Returns how many."""
        t = feeds_t
        with self._write() as conn:
            result = conn.execute(update(t).where(
                *_waiting_after_errors(now),
                t.c.last_error.startswith(error_prefix, autoescape=True),
            ).values(next_poll_at=now))
        return int(result.rowcount)

    @_storage_op("count feeds waiting")
    def count_feeds_waiting_after_errors(self, now: datetime) -> int:
        """Enabled feeds that failed and are not due before a later try (their backoff)."""
        t = feeds_t
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(t)
                                    .where(*_waiting_after_errors(now))).scalar_one())

    @_storage_op("record a successful poll")
    def record_feed_success(self, feed_id: int, now: datetime, next_poll_at: datetime, *,
                            etag: str | None, last_modified: str | None,
                            new_url: str | None = None, warning: str | None = None) -> None:
        """Record a successful poll. ``etag``/``last_modified`` are stored as given (the
        validators to send next time); ``new_url`` follows a permanent redirect; ``warning``
        (feed ill-formed but items kept) is kept as the feed's message, status stays ok."""
        success = PollSuccess(next_poll_at, etag, last_modified, new_url, warning)
        with self._write() as conn:
            self._record_success(conn, feed_id, now, success)

    @_storage_op("record successful polls")
    def record_feed_successes(self, polls: Sequence[tuple[int, datetime, PollSuccess]]) -> None:
        """:meth:`record_feed_success` for many feeds (``(feed_id, now, success)``), in one
        transaction and one statement per kind (a cycle's 304s). Feeds that no longer exist
        are skipped."""
        if not polls:
            return
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for feed_id, now, success in polls:
            sql, row = self._success_row(feed_id, now, success)
            rows.setdefault(sql, []).append(row)
        with self._write() as conn:
            for sql, params in rows.items():
                conn.exec_driver_sql(sql, params)

    def _success_row(self, feed_id: int, now: datetime, success: PollSuccess
                     ) -> tuple[str, tuple[Any, ...]]:
        """The statement recording a successful poll, and its parameters."""
        ts = self._q.timestamp
        now_db = ts(now)
        values = (now_db, now_db, ts(success.next_poll_at), success.etag, success.last_modified,
                  success.warning)
        if success.keys is not None:
            present = " ".join(_key_hash(key)[:PRESENT_KEY_CHARS] for key in success.keys)
            if success.new_url:
                return self._q.feed_success_moved_keys, (*values, success.new_url, present,
                                                         feed_id)
            return self._q.feed_success_keys, (*values, present, feed_id)
        if success.new_url:
            return self._q.feed_success_moved, (*values, success.new_url, feed_id)
        return self._q.feed_success, (*values, feed_id)

    def _record_success(self, conn: Connection, feed_id: int, now: datetime,
                        success: PollSuccess) -> None:
        result = conn.exec_driver_sql(*self._success_row(feed_id, now, success))
        if result.rowcount == 0:
            raise StorageError(f"no feed with id {feed_id}")

    @_storage_op("record a failed poll")
    def record_feed_error(self, feed_id: int, now: datetime, message: str,
                          next_poll_at: datetime, *, disable: bool = False) -> int:
        """Record a failed poll and return the feed's new consecutive error count.
        ``disable=True`` (e.g. 410 Gone) stops polling until the configured URL changes."""
        t = feeds_t
        values: dict[str, Any] = {
            "last_polled_at": now, "next_poll_at": next_poll_at, "last_error": message,
            "error_count": t.c.error_count + 1,
        }
        if disable:
            values.update(disabled=True, disabled_reason=message)
        with self._write() as conn:
            count = conn.execute(update(t).where(t.c.id == feed_id).values(**values)
                                 .returning(t.c.error_count)).scalar_one_or_none()
            if count is None:
                raise StorageError(f"no feed with id {feed_id}")
        return int(count)

    @_storage_op("read a feed")
    def get_feed(self, feed_id: int) -> FeedState:
        t = feeds_t
        with self._read() as conn:
            r = conn.execute(select(t.c.id, t.c.name, t.c.url, t.c.interval_seconds, t.c.etag,
                                    t.c.last_modified, t.c.error_count)
                             .where(t.c.id == feed_id)).one_or_none()
        if r is None:
            raise StorageError(f"no feed with id {feed_id}")
        return FeedState(id=r.id, name=r.name, url=r.url, interval=r.interval_seconds,
                         etag=r.etag, last_modified=r.last_modified, error_count=r.error_count)

    @_storage_op("summarise feeds")
    def feed_summaries(self) -> list[FeedSummary]:
        """Configured feeds by name, with their item counts and status."""
        t, i = feeds_t, items_t
        counts = (select(i.c.feed_id, func.count().label("n"))
                  .group_by(i.c.feed_id).subquery())
        with self._read() as conn:
            rows = conn.execute(
                select(t.c.name, t.c.url, t.c.disabled, t.c.disabled_reason, t.c.last_error,
                       t.c.error_count, t.c.last_polled_at, t.c.next_poll_at,
                       func.coalesce(counts.c.n, 0).label("n"))
                .select_from(t.outerjoin(counts, counts.c.feed_id == t.c.id))
                .where(t.c.active.is_(True))
                .order_by(t.c.name)
            ).all()
        out: list[FeedSummary] = []
        for r in rows:
            status: Literal["ok", "error", "disabled", "pending"]
            error = r.last_error
            if r.disabled:
                status, error = "disabled", r.disabled_reason or r.last_error
            elif r.last_polled_at is None:
                status = "pending"
            elif r.error_count > 0:
                status = "error"
            else:
                status = "ok"
            out.append(FeedSummary(name=r.name, url=r.url, items=int(r.n), status=status,
                                   error=error, last_polled_at=r.last_polled_at,
                                   next_poll_at=r.next_poll_at))
        return out

    # --- items ----------------------------------------------------------------------------

    @_storage_op("store feed items")
    def store_items(self, feed_id: int, items: Sequence[ParsedItem], now: datetime, *,
                    needs_analysis: Callable[[ParsedItem], bool] | None = None,
                    success: PollSuccess | None = None,
                    feed_name: str | None = None) -> list[StoredItem]:
        """Store a feed's items; return those that are new or updated (content changed), in
        feed order. Unchanged items are not returned. Within one batch the last copy of a
        key wins. A handful of statements per call, whatever the number of items.

        New and updated items are stored as awaiting analysis (see :meth:`unanalysed_items`),
        except those for which ``needs_analysis(item)`` is False (e.g. no rule matches them).
        ``success``: record the successful poll in the same transaction. ``feed_name``: the
        feed's name when the caller knows it (saves reading it)."""
        if not items:
            if success is not None:
                with self._write() as conn:
                    self._record_success(conn, feed_id, now, success)
            return []
        batch: dict[str, ParsedItem] = {}
        for item in items:
            batch[item.key] = item
        hashes = {key: _key_hash(key) for key in batch}
        ts = self._q.timestamp
        now_db = ts(now)

        def analysed(item: ParsedItem) -> bool:  # stored as needing no analysis
            return needs_analysis is not None and not needs_analysis(item)

        with self._write() as conn:
            if success is not None:
                self._record_success(conn, feed_id, now, success)
            if feed_name is None:
                feed_name = conn.execute(self._q.feed_name, {"b_feed_id": feed_id}
                                         ).scalar_one_or_none()
                if feed_name is None:
                    raise StorageError(f"no feed with id {feed_id}")
            existing: dict[str, tuple[int, str]] = {}  # key hash -> (id, content hash)
            inserted: dict[str, int] = {}  # key hash -> id
            # Straight to the driver: SQLAlchemy's per-row parameter handling cost several
            # times the insert itself (benchmarks/bench_storage.py). Rows another writer
            # stored meanwhile are skipped, and not reported as new.
            if self._pg:
                items = list(batch.values())
                if sum(len(item.text) + len(item.title) for item in items) > PG_ITEMS_AT_ONCE:
                    # long texts (whole articles): only the new items' go to the server, at
                    # the cost of a round trip to learn which they are
                    existing = self._items_by_hash(conn, feed_id, list(hashes.values()))
                    items = [item for item in items if hashes[item.key] not in existing]
                for row_id, h, content_hash in self._store_items_pg(
                        conn, feed_id, items, hashes, now_db, analysed):
                    if content_hash is None:
                        inserted[h] = row_id
                    else:
                        existing[h] = (row_id, content_hash)
            else:
                existing = self._items_by_hash(conn, feed_id, list(hashes.values()))
                new_rows = [(feed_id, key, hashes[key], item.title, item.link,
                             ts(item.published), item.text, item.content_hash, now_db, now_db,
                             analysed(item))
                            for key, item in batch.items() if hashes[key] not in existing]
                if new_rows:
                    inserted = {h: row_id for row_id, h in
                                _insert_values(conn, self._q.new_items_sqlite, new_rows)}
            changed = [{
                "b_id": existing[hashes[key]][0], "b_title": item.title, "b_link": item.link,
                "b_published": item.published, "b_text": item.text,
                "b_content_hash": item.content_hash, "b_updated_at": now,
                "b_analysed": analysed(item),
            } for key, item in batch.items()
                if hashes[key] in existing and existing[hashes[key]][1] != item.content_hash]
            if changed:
                conn.execute(self._q.changed_items, changed)
        out: list[StoredItem] = []
        for key, item in batch.items():
            h = hashes[key]
            if h in inserted:
                out.append(StoredItem(id=inserted[h], feed_id=feed_id, feed_name=feed_name,
                                      item=item, status="new"))
            elif h in existing and existing[h][1] != item.content_hash:
                out.append(StoredItem(id=existing[h][0], feed_id=feed_id, feed_name=feed_name,
                                      item=item, status="updated"))
        return out

    def _store_items_pg(self, conn: Connection, feed_id: int, items: Sequence[ParsedItem],
                        hashes: dict[str, str], now_db: Any,
                        analysed: Callable[[ParsedItem], bool]) -> Iterable[Any]:
        """The ``items_pg`` statement: rows (id, key hash, content hash or NULL if inserted)."""
        if not items:
            return ()
        ts = self._q.timestamp
        key_hashes = [hashes[item.key] for item in items]
        return conn.exec_driver_sql(self._q.items_pg, (
            [item.key for item in items], key_hashes, [item.title for item in items],
            [item.link for item in items], [ts(item.published) for item in items],
            [item.text for item in items], [item.content_hash for item in items],
            [analysed(item) for item in items], feed_id, key_hashes, feed_id, now_db, now_db))

    def _items_by_hash(self, conn: Connection, feed_id: int,
                       key_hashes: list[str]) -> dict[str, tuple[int, str]]:
        """A feed's stored items among ``key_hashes``: key hash -> (id, content hash). The
        keys go as one parameter (an array; on SQLite a JSON array)."""
        if self._pg:
            rows = conn.exec_driver_sql(self._q.existing_items_pg, (feed_id, key_hashes))
        else:
            rows = conn.exec_driver_sql(self._q.existing_items_sqlite,
                                        (feed_id, json.dumps(key_hashes)))
        return {row.key_hash: (row.id, row.content_hash) for row in rows}

    @_storage_op("read items awaiting analysis")
    def unanalysed_items(self, stored_before: datetime, limit: int) -> list[StoredItem]:
        """Items stored (or updated) before ``stored_before`` whose analysis never finished,
        e.g. because the process died or the database went away between storing and matching.
        Oldest first; reported as ``updated`` when they had been seen before."""
        i, f = items_t, feeds_t
        with self._read() as conn:
            rows = conn.execute(
                select(i.c.id, i.c.feed_id, f.c.name, i.c.key, i.c.title, i.c.link,
                       i.c.published, i.c.text, i.c.content_hash, i.c.first_seen_at,
                       i.c.updated_at)
                .join(f, f.c.id == i.c.feed_id)
                .where(i.c.analysed.is_(False), i.c.updated_at < stored_before)
                .order_by(i.c.updated_at, i.c.id).limit(limit)
            ).all()
        return [StoredItem(id=r.id, feed_id=r.feed_id, feed_name=r.name,
                           item=ParsedItem(key=r.key, title=r.title, link=r.link,
                                           published=r.published, text=r.text,
                                           content_hash=r.content_hash),
                           status="new" if r.first_seen_at == r.updated_at else "updated")
                for r in rows]

    @_storage_op("mark items analysed")
    def mark_analysed(self, item_ids: Sequence[int]) -> None:
        """Record that every rule has been applied to these items."""
        if not item_ids:
            return
        with self._write() as conn:
            for chunk in _chunks(list(item_ids), _IN_CHUNK):
                conn.execute(self._q.mark_analysed, {"b_ids": list(chunk)})

    # --- hits and story knowledge ---------------------------------------------------------

    def known_figures(self, rule: str) -> list[KnownFigure]:
        """Figures known for a rule, oldest first."""
        return self.knowledge([rule])[rule].figures

    def known_actors(self, rule: str) -> list[Actor]:
        """Actors known for a rule, oldest first."""
        return self.knowledge([rule])[rule].actors

    @_storage_op("read what rules know")
    def knowledge(self, rules: Sequence[str]) -> dict[str, RuleKnowledge]:
        """The figures and actors known for each of ``rules`` (oldest first): two queries
        for any number of rules."""
        out = {r: RuleKnowledge(figures=[], actors=[], mark=KnowledgeMark()) for r in rules}
        if not out:
            return out
        with self._read() as conn:
            for chunk in _chunks(list(out), _IN_CHUNK):
                for r in conn.execute(self._q.figures_of_rules, {"b_rules": list(chunk)}):
                    known = out[r.rule]
                    known.figures.append(_known_figure(r))
                    known.mark.figures = max(known.mark.figures, r.id)
                for row in conn.execute(self._q.actors_of_rules, {"b_rules": list(chunk)}):
                    known = out[row.rule]
                    known.actors.append(_known_actor(row))
                    known.mark.actors = max(known.mark.actors, row.id)
        return out

    @_storage_op("record a hit")
    def record_hit(self, rule: str, item: StoredItem, matched: Sequence[str],
                   figures: Sequence[Figure], actors: Sequence[Actor],
                   build_alert: AlertBuilder, channels: Sequence[str],
                   now: datetime, *, mark: KnowledgeMark | None = None,
                   recheck: Recheck | None = None) -> dict[str, Any] | None:
        """Record that ``item`` matched ``rule``, learn its figures and actors, and queue an
        alert when any of them is new to the rule, all in one transaction.

        ``figures`` and ``actors`` are what the caller found new against what it knows of the
        rule. Other instances (or processes) learn at the same time: pass the caller's
        ``mark`` (how far it has read the rule's knowledge) and ``recheck``. When anything is
        new, the rule is locked for the rest of the transaction, what was learnt past ``mark``
        is read and handed to ``recheck(figures, actors)``, which returns what is still new;
        ``mark`` then moves past every row read (on PostgreSQL also past those inserted). So
        of two instances finding the same news at once (by any name or alias), one alerts.

        ``build_alert(new_figures, new_actors)`` is called (inside the transaction) only when
        something was actually new; the payload it returns must carry an ``"id"`` and be JSON
        serialisable; one outbox row per channel is queued. If it raises, nothing is stored.
        Returns the payload, or None when nothing new was learnt or no alert was built.
        """
        if self._pg:
            return self._record_hit_pg(rule, item, matched, figures, actors, build_alert,
                                       channels, now, mark, recheck)
        with self._write() as conn:
            if getattr(self._batch, "conn", None) is None:
                return self._record_hit(conn, rule, item, matched, figures, actors,
                                        build_alert, channels, now, mark, recheck)
            # In a batch a failure undoes this hit alone: a savepoint. Issued as plain SQL
            # (SQLAlchemy's begin_nested() costs as much as the hit's own statements).
            conn.exec_driver_sql("SAVEPOINT watcher_hit")
            try:
                payload = self._record_hit(conn, rule, item, matched, figures, actors,
                                           build_alert, channels, now, mark, recheck)
            except BaseException:
                conn.exec_driver_sql("ROLLBACK TO SAVEPOINT watcher_hit")
                conn.exec_driver_sql("RELEASE SAVEPOINT watcher_hit")
                raise
            conn.exec_driver_sql("RELEASE SAVEPOINT watcher_hit")
            return payload

    def _record_hit(self, conn: Connection, rule: str, item: StoredItem, matched: Sequence[str],
                    figures: Sequence[Figure], actors: Sequence[Actor],
                    build_alert: AlertBuilder, channels: Sequence[str], now: datetime,
                    mark: KnowledgeMark | None = None,
                    recheck: Recheck | None = None) -> dict[str, Any] | None:
        """:meth:`record_hit` on SQLite, where the transaction holds the database's write lock
        already: every insert of a rule's knowledge is made under it."""
        new_figures, new_actors = self._learn_sqlite(conn, rule, item, matched, figures, actors,
                                                     now, mark, recheck)
        return self._queue_alert(new_figures, new_actors, build_alert, channels, now,
                                 lambda rows: conn.exec_driver_sql(self._q.outbox_sql, rows))

    def _queue_alert(self, new_figures: list[Figure], new_actors: list[Actor],
                     build_alert: AlertBuilder, channels: Sequence[str], now: datetime,
                     insert: Callable[[list[tuple[Any, ...]]], object]) -> dict[str, Any] | None:
        """Build the alert for what a hit taught (when it taught anything) and ``insert`` its
        outbox rows, one per channel. Returns the payload."""
        if not new_figures and not new_actors:
            return None
        payload = build_alert(new_figures, new_actors)
        if payload is None:
            return None
        alert_id = payload.get("id")
        if alert_id is None or alert_id == "":
            raise ValueError("the alert payload must contain a non-empty 'id'")
        now_db = self._q.timestamp(now)
        body = json.dumps(payload)
        story = payload.get("rule")
        story = story if isinstance(story, str) else None
        rows = [(str(alert_id), channel, body, story, now_db, now_db)
                for channel in dict.fromkeys(channels)]
        if rows:
            insert(rows)
        log.debug("alert %s queued for %d channel(s)", alert_id, len(rows))
        return payload

    def _learn_sqlite(self, conn: Connection, rule: str, item: StoredItem,
                      matched: Sequence[str], figures: Sequence[Figure],
                      actors: Sequence[Actor], now: datetime, mark: KnowledgeMark | None,
                      recheck: Recheck | None) -> tuple[list[Figure], list[Actor]]:
        """The hit, and the figures and actors the rule did not know: one statement each,
        straight to the driver (SQLAlchemy Core's per-call and per-row work cost several times
        the statements, benchmarks/bench_storage.py). The mark moves only past rows read back:
        SQLite gives out again the ids of rows a rolled-back savepoint inserted, so the next
        catch-up reads this hit's rows back (which changes nothing)."""
        ts = self._q.timestamp
        now_db = ts(now)
        conn.exec_driver_sql(self._q.hit_sql,
                             (rule, item.id, json.dumps(list(matched)), now_db, now_db))
        if (figures or actors) and mark is not None:
            fresh = self._catch_up(conn, rule, mark)
            if recheck is not None and (fresh[0] or fresh[1]):
                figures, actors = recheck(*fresh)
        fig_rows, actor_rows = _figure_rows(figures), _actor_rows(actors)
        inserted: set[tuple[str, float]] = set()
        names: set[str] = set()
        if fig_rows:
            published = ts(item.item.published)
            inserted = {(key, float(value)) for key, value in _insert_values(
                conn, self._q.figures_sqlite,
                [(rule, fig.key, float(fig.value), fig.quantity, fig.text, fig.qualifier,
                  fig.said_by, fig.unit, item.id, published, now_db)
                 for _k, fig in sorted(fig_rows.items(), key=lambda kv: kv[0])])}
        if actor_rows:
            names = {norm for (norm,) in _insert_values(
                conn, self._q.actors_sqlite,
                [(rule, actor.name, norm, actor.kind, json.dumps(list(actor.aliases)),
                  actor.role, item.id, now_db)
                 for norm, actor in sorted(actor_rows.items(), key=lambda kv: kv[0])])}
        return ([fig for k, fig in fig_rows.items() if k in inserted],
                [actor for norm, actor in actor_rows.items() if norm in names])

    def _record_hit_pg(self, rule: str, item: StoredItem, matched: Sequence[str],
                       figures: Sequence[Figure], actors: Sequence[Actor],
                       build_alert: AlertBuilder, channels: Sequence[str], now: datetime,
                       mark: KnowledgeMark | None, recheck: Recheck | None
                       ) -> dict[str, Any] | None:
        """:meth:`record_hit` on PostgreSQL: psycopg's pipeline mode, straight to the driver.
        A hit with nothing new is one round trip to the server (BEGIN, the hit, COMMIT); one
        with news two: BEGIN, the hit taking the rule's lock and the catch-up (its own
        statement, so that it sees what was committed while the lock was awaited); the
        learning insert, the outbox rows and COMMIT (six round trips before, through
        SQLAlchemy). With the server on loopback that changes little; on another host each
        round trip is the network's latency (README: PostgreSQL on another host; at ~1.3 ms,
        three round trips instead of two cost a cold cycle of 1,000 feeds 12-14 %). Inside a
        :meth:`batch`, a savepoint instead of BEGIN and COMMIT. Sequence values are never
        given out twice, so the mark also moves past this hit's own rows.

        Two round trips, not three, because under the rule's lock, once what was learnt past
        ``mark`` is read back, what the hit teaches the rule is known before the learning
        insert runs: the insert is sent with the alert and the COMMIT, strict (it fails if
        the rule knew a row already). It only can when the caller passed as new what it had
        been told before its mark; then the hit is undone and recorded again the longer way,
        with what the first try's ``recheck`` left (not asked again: ``build_alert`` may have
        taught the caller what the failed try took for new), the database deciding."""
        from psycopg.errors import UniqueViolation

        if mark is not None and (figures or actors):
            told = (mark.figures, mark.actors)
            rechecked: list[tuple[Sequence[Figure], Sequence[Actor]]] = []
            try:
                return self._record_hit_pg_once(rule, item, matched, figures, actors,
                                                build_alert, channels, now, mark, recheck,
                                                strict=rechecked.append)
            except UniqueViolation:
                mark.figures, mark.actors = told
                if rechecked:
                    figures, actors = rechecked[-1]
                recheck = None
                log.debug("rule %s: item %s brought as new something the rule knew before "
                          "the mark; recorded again", rule, item.id)
        return self._record_hit_pg_once(rule, item, matched, figures, actors, build_alert,
                                        channels, now, mark, recheck, strict=None)

    def _record_hit_pg_once(self, rule: str, item: StoredItem, matched: Sequence[str],
                            figures: Sequence[Figure], actors: Sequence[Actor],
                            build_alert: AlertBuilder, channels: Sequence[str], now: datetime,
                            mark: KnowledgeMark | None, recheck: Recheck | None, *,
                            strict: Callable[[tuple[Sequence[Figure], Sequence[Actor]]], None]
                            | None) -> dict[str, Any] | None:
        """One try of :meth:`_record_hit_pg`; ``strict``: send the learning insert strict, and
        call this with what is taken for new (after ``recheck``)."""
        from psycopg.pq import TransactionStatus
        from psycopg.rows import namedtuple_row

        shared = getattr(self._batch, "conn", None)
        with nullcontext(shared) if shared is not None else self._connect() as conn:
            raw = cast("psycopg.Connection[Any]", conn.connection.driver_connection)
            if shared is None:
                # BEGIN goes with the statements: psycopg's own would be a round trip alone
                raw.autocommit = True
            try:
                with raw.pipeline() if pg_pipeline_supported() else nullcontext():
                    raw.execute("BEGIN" if shared is None else "SAVEPOINT watcher_hit")
                    payload, learnt = self._hit_statements_pg(
                        raw.cursor(row_factory=namedtuple_row), rule, item, matched, figures,
                        actors, build_alert, channels, now, mark, recheck, strict=strict)
                    raw.execute("COMMIT" if shared is None else "RELEASE SAVEPOINT watcher_hit")
            except BaseException:
                self._undo_hit_pg(conn, raw, savepoint=shared is not None)
                raise
            finally:
                if shared is None and not raw.closed:
                    if raw.info.transaction_status == TransactionStatus.IDLE:
                        raw.autocommit = False
                    else:  # never pooled again in autocommit (nor mid-transaction)
                        conn.invalidate()
            if learnt is not None:
                learnt()  # the rows the strict insert added: the mark moves past them
            return payload

    @staticmethod
    def _undo_hit_pg(conn: Connection, raw: psycopg.Connection[Any], *, savepoint: bool) -> None:
        """Undo a failed hit: its transaction, or (in a batch) its savepoint. A connection
        that cannot be rolled back (the server went away) is dropped, not pooled again; in a
        batch that fails the batch."""
        try:
            if not raw.broken:
                if savepoint:
                    raw.execute("ROLLBACK TO SAVEPOINT watcher_hit")
                    raw.execute("RELEASE SAVEPOINT watcher_hit")
                else:
                    raw.rollback()
                return
        except Exception as exc:  # the error that made us undo is the one to report
            log.debug("could not undo a failed hit: %s", exc)
        conn.invalidate()

    def _hit_statements_pg(self, cur: psycopg.Cursor[Any], rule: str, item: StoredItem,
                           matched: Sequence[str], figures: Sequence[Figure], actors: Sequence[Actor],
                           build_alert: AlertBuilder, channels: Sequence[str], now: datetime,
                           mark: KnowledgeMark | None, recheck: Recheck | None, *,
                           strict: Callable[[tuple[Sequence[Figure], Sequence[Actor]]], None] | None
                           ) -> tuple[dict[str, Any] | None, Callable[[], object] | None]:
        """The statements of :meth:`_record_hit_pg`, on a cursor in pipeline mode: each
        fetch is a round trip carrying every statement queued before it. Returns the alert's
        payload and, for a ``strict`` learning insert, what reads its rows once committed."""
        ts = self._q.timestamp
        now_db = ts(now)
        hit = (rule, item.id, json.dumps(list(matched)), now_db, now_db)
        if not (figures or actors):
            cur.execute(self._q.hit_sql, hit)
            return None, None
        # Only a hit with news locks the rule: nothing new against part of what is known is
        # nothing new against all of it.
        cur.execute(self._q.hit_locking_pg, (*hit, rule))
        if mark is not None:
            cur.execute(self._q.catch_up_sql, (rule, mark.figures, rule, mark.actors))
            fresh = self._caught_up(cur.fetchall(), mark)
            if recheck is not None and (fresh[0] or fresh[1]):
                figures, actors = recheck(*fresh)
        if strict is not None:
            strict((figures, actors))
        unique_figures, unique_actors = _figure_rows(figures), _actor_rows(actors)
        if not unique_figures and not unique_actors:
            return None, None
        fig_rows = [fig for _k, fig in sorted(unique_figures.items(), key=lambda kv: kv[0])]
        actor_rows = sorted(unique_actors.items(), key=lambda kv: kv[0])
        learning = cur.connection.cursor()
        learning.execute(self._q.learn_strict_pg if strict is not None else self._q.learn_pg, (
            rule, item.id, ts(item.item.published), now_db,
            [f.key for f in fig_rows], [float(f.value) for f in fig_rows],
            [f.quantity for f in fig_rows], [f.text for f in fig_rows],
            [f.qualifier for f in fig_rows], [f.said_by for f in fig_rows],
            [f.unit for f in fig_rows],
            rule, item.id, now_db,
            [a.name for _n, a in actor_rows], [n for n, _a in actor_rows],
            [a.kind for _n, a in actor_rows], [json.dumps(list(a.aliases)) for _n, a in actor_rows],
            [a.role for _n, a in actor_rows]))

        def learnt() -> tuple[set[tuple[str, float]], set[str]]:
            """The rows the learning insert added (a round trip if not received yet)."""
            inserted_figures: set[tuple[str, float]] = set()
            inserted_names: set[str] = set()
            for r in learning.fetchall():
                if r[0]:
                    inserted_figures.add((r[2], float(r[3])))
                    if mark is not None:
                        mark.figures = max(mark.figures, r[1])
                else:
                    inserted_names.add(r[4])
                    if mark is not None:
                        mark.actors = max(mark.actors, r[1])
            return inserted_figures, inserted_names

        def queue(new_figures: list[Figure], new_actors: list[Actor]) -> dict[str, Any] | None:
            return self._queue_alert(new_figures, new_actors, build_alert, channels, now,
                                     lambda rows: cur.executemany(self._q.outbox_sql, rows))

        if strict is not None:  # every row is inserted, or the transaction fails
            return queue(list(unique_figures.values()), list(unique_actors.values())), learnt
        inserted_figures, inserted_names = learnt()
        return queue([fig for k, fig in unique_figures.items() if k in inserted_figures],
                     [actor for norm, actor in unique_actors.items() if norm in inserted_names]
                     ), None

    def _catch_up(self, conn: Connection, rule: str, mark: KnowledgeMark
                  ) -> tuple[list[KnownFigure], list[Actor]]:
        """What was learnt for ``rule`` past ``mark`` (which moves past it). Complete only
        under the rule's lock: every row of the rule is inserted under it, so row ids are
        given out in the order their transactions commit."""
        return self._caught_up(conn.exec_driver_sql(self._q.catch_up_sql,
                                                    (rule, mark.figures, rule, mark.actors)),
                               mark)

    def _caught_up(self, rows: Iterable[Any], mark: KnowledgeMark
                   ) -> tuple[list[KnownFigure], list[Actor]]:
        """The rows of the catch-up statement as figures and actors; ``mark`` moves past them."""
        fresh: tuple[list[KnownFigure], list[Actor]] = ([], [])
        read_timestamp, read_json = self._q.read_timestamp, self._q.read_json
        for r in rows:
            if r.is_figure:
                mark.figures = max(mark.figures, r.id)
                fresh[0].append(_known_figure(r, read_timestamp))
            else:
                mark.actors = max(mark.actors, r.id)
                fresh[1].append(_known_actor(r, read_json))
        return fresh

    @_storage_op("list hits")
    def list_hits(self, rule: str | None = None, limit: int | None = None) -> list[HitRecord]:
        """Hits, newest first, optionally for one rule only."""
        h, i, t = hits_t, items_t, feeds_t
        q = (select(h.c.rule, h.c.item_id, i.c.link, i.c.title, i.c.published,
                    t.c.name.label("feed"), h.c.matched, h.c.created_at)
             .select_from(h.join(i, i.c.id == h.c.item_id).join(t, t.c.id == i.c.feed_id))
             .order_by(h.c.created_at.desc(), h.c.id.desc()))
        if rule is not None:
            q = q.where(h.c.rule == rule)
        if limit is not None:
            q = q.limit(limit)
        learnt_figures: dict[tuple[str, int], list[KnownFigure]] = {}
        learnt_actors: dict[tuple[str, int], list[Actor]] = {}
        f, a = figures_t, actors_t
        with self._read() as conn:
            rows = conn.execute(q).all()
            ids = sorted({r.item_id for r in rows})
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for fr in conn.execute(
                        select(f.c.rule, f.c.item_id, f.c.key, f.c.value, f.c.quantity,
                               f.c.said_by, f.c.published)
                        .where(f.c.item_id.in_(chunk)).order_by(f.c.id)):
                    learnt_figures.setdefault((fr.rule, fr.item_id), []).append(_known_figure(fr))
                for ar in conn.execute(
                        select(a.c.rule, a.c.item_id, a.c.name, a.c.kind, a.c.aliases, a.c.role)
                        .where(a.c.item_id.in_(chunk)).order_by(a.c.id)):
                    learnt_actors.setdefault((ar.rule, ar.item_id), []).append(_known_actor(ar))
        return [HitRecord(rule=r.rule, link=r.link, title=r.title, published=r.published,
                          feed=r.feed, matched=tuple(r.matched or ()), created_at=r.created_at,
                          new_figures=tuple(learnt_figures.get((r.rule, r.item_id), ())),
                          new_actors=tuple(learnt_actors.get((r.rule, r.item_id), ())))
                for r in rows]

    # --- outbox ---------------------------------------------------------------------------
    # (what an OutboxAlert is read from: _alert_columns() and _alert())

    @staticmethod
    def _alert(r: Any) -> OutboxAlert:
        return OutboxAlert(id=r.id, alert_id=r.alert_id, channel=r.channel,
                           payload=cast(dict[str, Any], r.payload), attempts=r.attempts,
                           status=r.status, last_error=r.last_error,
                           done_for=tuple(str(a) for a in r.done_for or ()),
                           next_attempt_at=r.next_attempt_at, holds_story=bool(r.holds_story))

    @_storage_op("claim due alerts")
    def claim_due_alerts(self, now: datetime, limit: int,
                         lease_seconds: float) -> list[OutboxAlert]:
        """Take up to ``limit`` pending alerts that are due, oldest first, leasing each for
        ``lease_seconds`` (if the sender dies, the alert is due again afterwards).

        Not an alert whose story (its rule) has an earlier alert to the same channel that is
        leased (being sent, by this or another instance) or waiting for its retry, unless
        that one holds none back (refused for good, or reached some of its recipients): a
        story's alerts reach a channel in the order they were queued. Claims are taken one at
        a time (a PostgreSQL advisory lock), so that an instance sees the leases of another's
        claim in progress."""
        if limit <= 0:
            return []
        o = outbox_t
        earlier = o.alias("earlier")
        waits_behind = exists().where(
            earlier.c.channel == o.c.channel, earlier.c.story == o.c.story,
            earlier.c.status == "pending", earlier.c.id < o.c.id,
            earlier.c.next_attempt_at > now, earlier.c.holds_story.is_(true()))
        with self._write() as conn:
            if self._pg:
                conn.execute(text("SELECT pg_advisory_xact_lock("
                                  "hashtext('watcher.outbox:' || coalesce(current_schema(), '')))"))
            rows = conn.execute(
                select(*_alert_columns())
                .where(o.c.status == "pending", o.c.next_attempt_at <= now, ~waits_behind)
                .order_by(o.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            if rows:
                self._durable(conn)
                conn.execute(update(o).where(o.c.id.in_([r.id for r in rows]))
                             .values(next_attempt_at=now + timedelta(seconds=lease_seconds)))
        return [self._alert(r) for r in rows]

    @_storage_op("make every pending alert due")
    def mark_all_alerts_due(self, now: datetime) -> int:
        """Make every pending alert due at ``now`` (a manual "send now", skipping backoff);
        returns how many were moved forward. Sent and dead alerts are left alone."""
        o = outbox_t
        with self._write() as conn:
            result = conn.execute(update(o).where(
                o.c.status == "pending", o.c.next_attempt_at > now,
            ).values(next_attempt_at=now))
        return int(result.rowcount)

    @_storage_op("hand claimed alerts back")
    def release_alerts(self, outbox_ids: Sequence[int], now: datetime) -> int:
        """Make claimed alerts that are still pending due at ``now`` (a sender that stops
        cleanly gives back what it did not send, instead of leaving it to wait out its lease);
        returns how many."""
        o = outbox_t
        released = 0
        with self._write() as conn:
            for chunk in _chunks(list(dict.fromkeys(outbox_ids)), _IN_CHUNK):
                result = conn.execute(update(o).where(o.c.id.in_(chunk), o.c.status == "pending")
                                      .values(next_attempt_at=now))
                released += int(result.rowcount)
        return released

    @_storage_op("mark an alert sent")
    def mark_alert_sent(self, outbox_id: int, now: datetime) -> None:
        o = outbox_t
        with self._write() as conn:
            self._durable(conn)
            result = conn.execute(update(o).where(o.c.id == outbox_id).values(
                status="sent", sent_at=now, last_attempt_at=now, attempts=o.c.attempts + 1))
            if result.rowcount == 0:
                raise StorageError(f"no outbox entry with id {outbox_id}")

    @_storage_op("mark alerts sent")
    def mark_alerts_sent(self, outbox_ids: Sequence[int], now: datetime) -> None:
        """:meth:`mark_alert_sent` for many alerts at once (one transaction)."""
        if not outbox_ids:
            return
        o = outbox_t
        ids = list(dict.fromkeys(outbox_ids))
        updated = 0
        with self._write() as conn:
            self._durable(conn)
            for chunk in _chunks(ids, _IN_CHUNK):
                result = conn.execute(update(o).where(o.c.id.in_(chunk)).values(
                    status="sent", sent_at=now, last_attempt_at=now, attempts=o.c.attempts + 1))
                updated += int(result.rowcount)
            if updated != len(ids):
                raise StorageError(f"{len(ids) - updated} of {len(ids)} outbox entries to mark "
                                   "sent do not exist")

    @_storage_op("mark an alert failed")
    def mark_alert_failed(self, outbox_id: int, now: datetime, error: str,
                          next_attempt_at: datetime, *, dead: bool, tried: bool = True,
                          holds_story: bool = True, done_for: Sequence[str] = ()) -> None:
        """Record a failed delivery, counted as an attempt when ``tried``; ``dead=True`` stops
        retrying (until retry_dead_alerts); ``holds_story=False``: the story's later alerts
        are not held back behind this one while it waits (it was refused for good, or reached
        some recipients). ``done_for``: the alert's whole list of e-mail recipients reached so
        far (replaces the stored one when given)."""
        o = outbox_t
        values: dict[str, Any] = {"last_error": error, "next_attempt_at": next_attempt_at}
        if tried:
            values.update(attempts=o.c.attempts + 1, last_attempt_at=now,
                          holds_story=holds_story)
        if done_for:
            values["done_for"] = list(done_for)
        if dead:
            values["status"] = "dead"
        with self._write() as conn:
            result = conn.execute(update(o).where(o.c.id == outbox_id).values(**values))
            if result.rowcount == 0:
                raise StorageError(f"no outbox entry with id {outbox_id}")

    @_storage_op("list alerts")
    def list_alerts(self, status: str | None = None, *, newest_first: bool = False,
                    limit: int | None = None) -> list[OutboxAlert]:
        """Outbox entries, oldest (or newest) first, optionally with one status only and at
        most ``limit`` of them."""
        o = outbox_t
        q = select(*_alert_columns()).order_by(o.c.id.desc() if newest_first else o.c.id)
        if status is not None:
            q = q.where(o.c.status == status)
        if limit is not None:
            q = q.limit(limit)
        with self._read() as conn:
            rows = conn.execute(q).all()
        return [self._alert(r) for r in rows]

    @_storage_op("retry dead alerts")
    def retry_dead_alerts(self, now: datetime) -> int:
        """Give every dead alert a fresh start (pending, no attempts, due now)."""
        o = outbox_t
        with self._write() as conn:
            result = conn.execute(update(o).where(o.c.status == "dead").values(
                status="pending", attempts=0, next_attempt_at=now, holds_story=True))
        return int(result.rowcount)

    @_storage_op("list the channels of pending alerts")
    def pending_alert_channels(self) -> set[str]:
        """The channels that pending alerts are queued for."""
        o = outbox_t
        with self._read() as conn:
            return set(conn.execute(select(o.c.channel).where(o.c.status == "pending")
                                    .distinct()).scalars())

    @_storage_op("move pending alerts to another channel")
    def move_pending_alerts(self, from_channel: str, to_channel: str, now: datetime) -> int:
        """Queue the pending alerts of ``from_channel`` for ``to_channel`` instead (due now,
        attempts from 0), except an alert ``to_channel`` already has. The e-mail recipients an
        alert reached stay reached (a recipient added to the list renames the channel: those
        who had it are not sent it again). Returns how many moved."""
        o = outbox_t
        other = o.alias("other")
        with self._write() as conn:
            result = conn.execute(update(o).where(
                o.c.channel == from_channel, o.c.status == "pending",
                ~exists().where(other.c.alert_id == o.c.alert_id,
                                other.c.channel == to_channel),
            ).values(channel=to_channel, attempts=0, next_attempt_at=now, holds_story=True))
        return int(result.rowcount)

    @_storage_op("count pending alerts")
    def pending_alert_count(self) -> int:
        o = outbox_t
        with self._read() as conn:
            n = conn.execute(select(func.count()).select_from(o)
                             .where(o.c.status == "pending")).scalar_one()
        return int(n)

    # --- rule files ---------------------------------------------------------------------

    @_storage_op("read a rule file's last good version")
    def last_good_rule_source(self, path: str) -> str | None:
        """The text of the rule file at ``path`` when it last loaded without problems."""
        t = rule_sources_t
        with self._read() as conn:
            return conn.execute(select(t.c.source).where(
                t.c.path_hash == _key_hash(path)
            )).scalar_one_or_none()

    @_storage_op("save the rule files' good versions")
    def save_rule_sources(self, sources: Mapping[str, str], now: datetime) -> int:
        """Remember each rule file's text (path -> text) as its last good version; only what
        changed is written. Returns how many were written."""
        if not sources:
            return 0
        t = rule_sources_t
        hashed = {_key_hash(p): (p, text) for p, text in sources.items()}
        with self._write() as conn:
            known: dict[str, str] = {h: src for h, src in conn.execute(
                select(t.c.path_hash, t.c.source).where(t.c.path_hash.in_(list(hashed))))}
            changed = [{"path_hash": h, "path": p, "source": text, "saved_at": now}
                       for h, (p, text) in hashed.items() if known.get(h) != text]
            if changed:  # one statement for them all
                statement = self._insert(t)
                conn.execute(statement.on_conflict_do_update(
                    index_elements=["path_hash"],
                    set_={"path": statement.excluded.path, "source": statement.excluded.source,
                          "saved_at": statement.excluded.saved_at}), changed)
        return len(changed)

    # --- retention ------------------------------------------------------------------------

    @_storage_op("prune old items")
    def prune_items(self, older_than: datetime) -> int:
        """Delete items first seen before ``older_than`` that no hit refers to and that their
        feed's last body no longer lists (deleted, they would come back as new items)."""
        i, h, f = items_t, hits_t, feeds_t
        listed = exists().where(f.c.id == i.c.feed_id, f.c.present_keys.contains(
            func.substr(i.c.key_hash, 1, PRESENT_KEY_CHARS), autoescape=False))
        with self._write() as conn:
            result = conn.execute(delete(i).where(
                i.c.first_seen_at < older_than,
                ~exists().where(h.c.item_id == i.c.id), ~listed))
        return int(result.rowcount)


def _pg_on_connect(dbapi_conn: Any, _record: Any) -> None:
    with dbapi_conn.cursor() as cursor:
        cursor.execute(PG_SESSION_SETUP)
    dbapi_conn.commit()  # a session setting, kept when the pool rolls back


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy (via the "begin" hook below) emit BEGIN itself, instead of the sqlite3
    # module's implicit and partial transaction handling; this also makes DDL transactional.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    conn.exec_driver_sql(conn.get_execution_options().get(_SQLITE_BEGIN_OPTION, "BEGIN"))


def _alert_columns() -> tuple[Any, ...]:
    """The outbox columns an :class:`OutboxAlert` is made of (``Storage._alert``)."""
    o = outbox_t
    return (o.c.id, o.c.alert_id, o.c.channel, o.c.payload, o.c.attempts, o.c.status,
            o.c.last_error, o.c.done_for, o.c.next_attempt_at, o.c.holds_story)
