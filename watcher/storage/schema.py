"""The database schema, defined once with SQLAlchemy Core.

The initial Alembic migration (``watcher/migrations/versions/0001_initial.py``) creates exactly
these tables; ``tests/test_storage.py`` checks that the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

OUTBOX_STATUSES = ("pending", "sent", "dead")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is timezone-aware UTC on the Python side, whatever the backend.

    PostgreSQL stores ``timestamp with time zone``. SQLite has no such type, so the value is
    stored as naive UTC text (which sorts and compares correctly) and marked UTC on the way out.
    Naive datetimes are refused: they are a bug in the caller.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; watcher stores "
                             "timezone-aware UTC datetimes only")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - drivers always give datetime
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    # On SQLite the value goes to and from text in one step (the format SQLAlchemy's SQLite
    # DATETIME writes: "2024-10-21 09:30:00.000000"), instead of through this decorator and
    # then SQLAlchemy's own string formatting: items carry three timestamps each, and this is
    # the hot path of storing a poll's items.

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        check = self.process_bind_param

        def process(value: Any) -> str | None:
            naive = check(value, dialect)
            return None if naive is None else naive.isoformat(" ", "microseconds")

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            return self.process_result_value(value, dialect)

        return process


def _ts(name: str, *, nullable: bool = False, index: bool = False) -> Column[datetime]:
    return Column(name, UTCDateTime(), nullable=nullable, index=index)


feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("config_url", Text, nullable=False),   # the URL as configured
    Column("url", Text, nullable=False),          # the URL polled (changes on permanent redirect)
    Column("interval_seconds", Float, nullable=False),
    Column("active", Boolean, nullable=False),    # present in the configuration
    Column("disabled", Boolean, nullable=False),  # gone for good (410) until its URL changes
    Column("disabled_reason", Text, nullable=True),
    Column("etag", Text, nullable=True),
    Column("last_modified", Text, nullable=True),
    _ts("next_poll_at", index=True),
    _ts("last_polled_at", nullable=True),
    _ts("last_success_at", nullable=True),
    Column("last_error", Text, nullable=True),
    Column("error_count", Integer, nullable=False),
    _ts("created_at"),
    # the items of the feed's last body: the first PRESENT_KEY_CHARS of each item's key hash,
    # space-separated (NULL: not known yet). Retention keeps them: an item still listed would
    # come back as new.
    Column("present_keys", Text, nullable=True),
    UniqueConstraint("name"),
)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("key", Text, nullable=False),
    # sha256 of key: the unique index stays small and never exceeds btree entry limits
    Column("key_hash", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("link", Text, nullable=True),
    _ts("published", nullable=True),
    Column("text", Text, nullable=False),
    Column("content_hash", String(128), nullable=False),
    _ts("first_seen_at", index=True),
    _ts("updated_at"),
    # False until every rule has been applied to this version of the item: a crash or a lost
    # database between storing and matching leaves it False, and the next cycle analyses it.
    Column("analysed", Boolean, nullable=False, default=False),
    UniqueConstraint("feed_id", "key_hash"),
)
# The items still awaiting analysis, in the order recovery reads them. Partial (migration 0003
# adds "WHERE analysed IS false"): it holds the few items between storing and matching (one no
# rule matches is stored as analysed), not every item ever stored. The condition is not
# repeated here: SQLAlchemy takes it per dialect, and naming PostgreSQL's would load that
# dialect at every start, also on SQLite.
Index("ix_items_unanalysed", items.c.updated_at, items.c.id)

hits = Table(
    "hits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule", Text, nullable=False),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False, index=True),
    Column("matched", JSON, nullable=False),
    _ts("created_at", index=True),
    _ts("updated_at"),
    UniqueConstraint("rule", "item_id"),
    Index(None, "rule", "created_at"),
)

figures = Table(
    "figures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("value", Float, nullable=False),
    Column("quantity", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("qualifier", Text, nullable=True),
    Column("said_by", Text, nullable=True),
    Column("unit", Text, nullable=True),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="SET NULL"), nullable=True,
           index=True),
    _ts("published", nullable=True),
    _ts("first_seen_at"),
    UniqueConstraint("rule", "key", "value"),
    Index(None, "rule", "id"),
)

actors = Table(
    "actors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_norm", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("role", Text, nullable=True),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="SET NULL"), nullable=True,
           index=True),
    _ts("first_seen_at"),
    UniqueConstraint("rule", "name_norm"),
    Index(None, "rule", "id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", String(200), nullable=False),
    Column("channel", Text, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    _ts("next_attempt_at"),
    _ts("last_attempt_at", nullable=True),
    Column("last_error", Text, nullable=True),
    Column("done_for", JSON, nullable=True),  # e-mail recipients reached: OutboxAlert.done_for
    # the rule whose story the alert tells: a story's alerts to a channel are sent in order
    Column("story", Text, nullable=True),
    # while it waits, the story's later alerts to the channel wait behind it; not after a
    # refusal for good (404, 550) or a delivery to some of its recipients
    Column("holds_story", Boolean, nullable=False, server_default=true()),
    _ts("created_at"),
    _ts("sent_at", nullable=True),
    UniqueConstraint("alert_id", "channel"),
    CheckConstraint("status IN ('pending', 'sent', 'dead')", name="status"),
    Index(None, "status", "next_attempt_at"),
    Index(None, "channel", "story", "status", "next_attempt_at"),
)

# The text of each rule file as it last loaded without problems: a file broken when watcher
# starts runs in that version (a process keeps its last good rules in memory; this keeps them
# across a restart, so items arriving meanwhile are not matched without the rule).
rule_sources = Table(
    "rule_sources",
    metadata,
    Column("path_hash", String(64), primary_key=True),   # sha256 of path
    Column("path", Text, nullable=False),
    Column("source", Text, nullable=False),
    _ts("saved_at"),
)
