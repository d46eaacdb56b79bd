"""Database size per million items, and what retention gives back.

    .venv/bin/python benchmarks/dbsize.py [--items 100000] [--pg URL | --no-pg]

Stores ``--items`` synthetic items (benchmarks/feedgen.py: headline, 2-5 sentence summary,
link, guid, date; 40 per feed) through watcher's own Storage.store_items on a new SQLite file
and, when reachable, a fresh PostgreSQL schema; prints the size of each table with its indexes
and the total extrapolated to one million items. Then prunes the items past the retention
horizon (Storage.prune_items) and stores the same number of new items again, to
show that freed space is reused rather than the database growing.
(The first batch is stored as seen 100 days ago, so pruning at 90 days removes all of it.)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import feedgen  # noqa: E402
from run import DEFAULT_PG, pg_reachable, pg_schema  # noqa: E402

from watcher.models import FeedConfig, ParsedItem  # noqa: E402
from watcher.parse import parse_feed  # noqa: E402
from watcher.storage import Storage  # noqa: E402

TABLES = ("items", "feeds", "hits", "figures", "actors", "outbox")


def make_items(count: int, seed: int, now: datetime) -> list[tuple[str, tuple[ParsedItem, ...]]]:
    """(feed name, items) for ``count`` items, parsed by watcher from generated RSS/Atom."""
    writer = feedgen.NewsWriter(seed)
    out = []
    for i in range(0, count, 40):
        xml = feedgen.feed_xml(writer, i // 40 + seed * 100_000, "http://127.0.0.1", 40, now)
        out.append((f"feed-{i // 40}", parse_feed(xml, url="http://127.0.0.1/f.xml").items))
    return out


def sizes(storage: Storage, url: str) -> dict[str, int]:
    engine = storage._engine
    result: dict[str, int] = {}
    with engine.connect() as conn:
        if storage.dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            # dbstat: bytes per table and per index; indexes are attributed to their table
            names = dict(conn.execute(text(
                "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")).all())
            for name, size in conn.execute(text(
                    "SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all():
                table = names.get(name, name)
                result[table] = result.get(table, 0) + int(size)
            db_file = Path(url.removeprefix("sqlite:///"))
            result["(file)"] = db_file.stat().st_size
        else:
            conn.execute(text("ANALYZE"))
            for table in TABLES:
                result[table] = int(conn.execute(text(
                    "SELECT pg_total_relation_size(to_regclass(:t))"), {"t": table}).scalar_one())
    return result


def fill(storage: Storage, batches: list[tuple[str, tuple[ParsedItem, ...]]],
         now: datetime) -> float:
    with storage._engine.connect() as conn:
        ids = {r[0]: r[1] for r in conn.execute(text("SELECT name, id FROM feeds"))}
    t0 = time.perf_counter()
    for name, items in batches:
        # as at the end of a cycle: every item analysed (the engine stores those no rule
        # matches as analysed, and marks the others once their hits are recorded)
        storage.store_items(ids[name], items, now, needs_analysis=lambda _item: False)
    return time.perf_counter() - t0


def measure(label: str, url: str, count: int) -> list[str]:
    now = datetime.now(UTC)
    storage = Storage(url)
    storage.migrate()
    first = make_items(count, 1, now)
    storage.sync_feeds([FeedConfig(name=name, url=f"http://127.0.0.1/{name}.xml", interval=900)
                        for name, _ in first], now)
    seconds = fill(storage, first, now - timedelta(days=100))
    stored = sum(len(items) for _, items in first)
    before = sizes(storage, url)
    total = sum(v for k, v in before.items() if not k.startswith("("))
    lines = [f"{label}: {stored:,} items stored in {seconds:.1f} s "
             f"({stored / seconds:,.0f} items/s)"]
    for table, size in sorted(before.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {table:<10} {size / 1e6:9.1f} MB")
    per_million = total / stored * 1e6
    lines.append(f"  total      {total / 1e6:9.1f} MB -> {per_million / 1e9:.2f} GB per million "
                 f"items ({total / stored:,.0f} bytes per item with indexes)")

    # retention: every item so far was first seen 100 days ago; prune at 90 days, then store
    # as many new items and see whether the database grew
    removed = storage.prune_items(now - timedelta(days=90))
    if storage.dialect == "postgresql":
        with storage._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM items"))
    again = make_items(stored, 2, now)
    storage.sync_feeds([FeedConfig(name=name, url=f"http://127.0.0.1/{name}.xml", interval=900)
                        for name, _ in again], now)
    fill(storage, again, now)
    after = sizes(storage, url)
    total_after = sum(v for k, v in after.items() if not k.startswith("("))
    lines.append(f"  retention: pruned {removed:,} items older than 90 days, stored "
                 f"{stored:,} new ones: {total_after / 1e6:.1f} MB (was {total / 1e6:.1f} MB)")
    storage.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("WATCHER_TEST_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="watcher-dbsize-") as tmp:
        url = f"sqlite:///{tmp}/size.db"
        print("\n".join(measure("SQLite", url, args.items)), flush=True)
    if not args.no_pg:
        problem = pg_reachable(args.pg)
        if problem:
            print(f"PostgreSQL not reachable: {problem}")
            return
        with pg_schema(args.pg) as url:
            print("\n".join(measure("PostgreSQL", url, args.items)))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
