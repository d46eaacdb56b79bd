"""What a poll cycle's writes cost in Storage, beside the raw driver doing the same inserts.

    .venv/bin/python benchmarks/bench_storage.py [--feeds 500] [--hits 3000] [--pg URL | --no-pg]

In the shape of a cold cycle (benchmarks/run.py): ``--feeds`` feeds of 40 synthetic items
(benchmarks/feedgen.py, parsed by watcher) stored with ``Storage.store_items`` in batches of
50 feeds (``Storage.batch``, as the engine does), then ``--hits`` hits recorded with
``Storage.record_hit`` (3 figures and 3 actors each, one in three of them new, so that some
hits queue an alert), in batches where the backend allows it. The baseline is the database
driver itself (sqlite3 / psycopg) inserting the same item rows with ``executemany`` in the
same transactions: what storing costs with no SQLAlchemy, no de-duplication and no checks.
Times are this process's CPU time (steadier than wall time on a shared machine; on
SQLite the database's own work is included, on PostgreSQL only the client's). Prints
items/s and hits/s side by side, for SQLite and (when reachable) PostgreSQL.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from dbsize import make_items  # noqa: E402
from run import DEFAULT_PG, pg_reachable, pg_schema  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from watcher.models import (  # noqa: E402
    Actor,
    FeedConfig,
    Figure,
    KnownFigure,
    ParsedItem,
    StoredItem,
)
from watcher.novelty import Story  # noqa: E402
from watcher.storage import Storage  # noqa: E402

BATCH = 50  # feeds per transaction, as core.STORE_BATCH


def _feed_ids(storage: Storage, names: list[str], now: datetime) -> dict[str, int]:
    storage.sync_feeds([FeedConfig(name=n, url=f"http://127.0.0.1/{n}.xml", interval=900)
                        for n in names], now)
    return {f.name: f.id for f in storage.claim_due_feeds(now, len(names), 1.0)}


def bench_store(storage: Storage, feeds: list[tuple[str, tuple[ParsedItem, ...]]],
                ids: dict[str, int], now: datetime) -> tuple[float, list[StoredItem]]:
    stored: list[StoredItem] = []
    t0 = time.process_time()
    for start in range(0, len(feeds), BATCH):
        with storage.batch():
            for name, items in feeds[start:start + BATCH]:
                stored.extend(storage.store_items(ids[name], items, now,
                                                  needs_analysis=lambda _item: False))
    return time.process_time() - t0, stored


def bench_hits(storage: Storage, stored: list[StoredItem], hits: int, now: datetime) -> float:
    rules = [f"rule-{n}" for n in range(20)]

    def build(figs: list[Figure], acts: list[Actor]) -> dict[str, Any]:
        return {"id": hashlib.sha256(repr((figs, acts)).encode()).hexdigest()[:32],
                "figures": len(figs), "actors": len(acts)}

    knowledge = storage.knowledge(rules)
    stories = {rule: Story(known.figures, known.actors) for rule, known in knowledge.items()}

    def one(n: int) -> None:
        # as the engine does: what is new against what the rule is known to know, and a
        # recheck against what other instances learnt meanwhile
        item = stored[n % len(stored)]
        figures = [Figure(value=float(n // 3 + k), key=f"troops-{k}", quantity="troops",
                          text=f"{n} troops") for k in range(3)]
        actors = [Actor(name=f"Actor {n // 3 + k}", kind="person") for k in range(3)]
        rule = rules[n % len(rules)]
        story = stories[rule]

        def recheck(figs: list[KnownFigure], acts: list[Actor]
                    ) -> tuple[list[Figure], list[Actor]]:
            story.learn(figs, acts)
            return story.new_figures(figures), story.new_actors(actors)

        def learn(figs: list[Figure], acts: list[Actor]) -> dict[str, Any]:
            story.learn((KnownFigure(f.key, f.value, f.quantity) for f in figs), acts)
            return build(figs, acts)

        storage.record_hit(rule, item, ["north korea"], story.new_figures(figures),
                           story.new_actors(actors), learn, ["webhook:bench"], now,
                           mark=knowledge[rule].mark, recheck=recheck)

    t0 = time.process_time()
    for start in range(0, hits, 50):
        # as the engine does: one transaction per 50 hits, or one connection for 50 hits
        ctx = storage.batch() if storage.hits_in_batches else storage.connection()
        with ctx:
            for n in range(start, min(hits, start + 50)):
                one(n)
    return time.process_time() - t0


def raw_rows(feeds: list[tuple[str, tuple[ParsedItem, ...]]], ids: dict[str, int],
             now: datetime, iso: Callable[[datetime | None], Any]) -> list[list[tuple[Any, ...]]]:
    out = []
    for name, items in feeds:
        out.append([(ids[name], it.key, hashlib.sha256(it.key.encode()).hexdigest(), it.title,
                     it.link, iso(it.published), it.text, it.content_hash, iso(now), iso(now),
                     True) for it in items])
    return out


_RAW_INSERT = ("INSERT INTO items (feed_id, key, key_hash, title, link, published, text, "
               "content_hash, first_seen_at, updated_at, analysed) VALUES "
               "({})")


def bench_raw(url: str, rows: list[list[tuple[Any, ...]]]) -> float:
    """The driver's own connection (sqlite3 or psycopg), executemany per feed, one
    transaction per BATCH feeds."""
    engine = create_engine(url)
    con = engine.raw_connection()
    style = "?" if engine.dialect.name == "sqlite" else "%s"
    sql = _RAW_INSERT.format(", ".join([style] * 11))
    try:
        t0 = time.process_time()
        for start in range(0, len(rows), BATCH):
            cur = con.cursor()
            for feed_rows in rows[start:start + BATCH]:
                cur.executemany(sql, feed_rows)
            cur.close()
            con.commit()
        return time.process_time() - t0
    finally:
        con.close()
        engine.dispose()


def run(label: str, url: str, feeds: list[tuple[str, tuple[ParsedItem, ...]]], hits: int,
        iso: Callable[[datetime | None], Any], fresh: Callable[[], str]) -> list[str]:
    now = datetime.now(UTC)
    n_items = sum(len(items) for _, items in feeds)
    storage = Storage(url)
    storage.migrate()
    ids = _feed_ids(storage, [n for n, _ in feeds], now)
    seconds, stored = bench_store(storage, feeds, ids, now)
    hit_seconds = bench_hits(storage, stored, hits, now)
    storage.close()
    # the baseline writes the same rows into a second, fresh copy of the schema
    url2 = fresh()
    storage2 = Storage(url2)
    storage2.migrate()
    ids2 = _feed_ids(storage2, [n for n, _ in feeds], now)
    storage2.close()
    raw_seconds = bench_raw(url2, raw_rows(feeds, ids2, now, iso))
    return [
        f"{label}: store_items {n_items / seconds:10,.0f} items/s ({seconds:6.2f} s)   "
        f"driver executemany {n_items / raw_seconds:10,.0f} items/s ({raw_seconds:6.2f} s)   "
        f"ratio {seconds / raw_seconds:4.1f}x",
        f"{label}: record_hit  {hits / hit_seconds:10,.0f} hits/s  ({hit_seconds:6.2f} s, "
        f"{hit_seconds / hits * 1e3:.2f} ms per hit: 1 hit, 3 figures, 3 actors)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--hits", type=int, default=3000)
    parser.add_argument("--pg", default=os.environ.get("WATCHER_TEST_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    now = datetime.now(UTC)
    feeds = make_items(args.feeds * 40, 1, now)

    def sqlite_iso(dt: datetime | None) -> str | None:
        return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    with tempfile.TemporaryDirectory(prefix="watcher-bench-storage-") as tmp:
        print("\n".join(run("SQLite    ", f"sqlite:///{tmp}/a.db", feeds, args.hits, sqlite_iso,
                            lambda: f"sqlite:///{tmp}/b.db")), flush=True)
    if args.no_pg:
        return
    problem = pg_reachable(args.pg)
    if problem:
        print(f"PostgreSQL not reachable: {problem}")
        return
    with pg_schema(args.pg) as url, contextlib.ExitStack() as stack:
        print("\n".join(run("PostgreSQL", url, feeds, args.hits, lambda dt: dt,
                            lambda: stack.enter_context(pg_schema(args.pg)))))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
