"""Older code against this checkout, alternating on one machine: ``watcher poll --once``.

    .venv/bin/python benchmarks/ab.py REF [--feeds 1000] [--rounds 4] [--db sqlite|postgres]
                                          [--pg-rtt MS]

REF (a commit, tag or branch) is checked out in a temporary git worktree. Each round runs a
cold cycle (a new database) and then a warm one (nothing changed) with REF's code, then the
same with this checkout's (the other way round in every second round: whichever runs second is
a few per cent slower), on the same feeds served by nginx (as benchmarks/run.py does), and
prints every wall and CPU time, then the means. This machine's kind drifts in speed by 10-20 %
between two runs of the harness; alternating within one run cancels most of that, which is
what a change worth 10 % needs. Both sides run with this checkout's Python environment, so a
change of dependencies is not measured.

``--pg-rtt MS`` puts PostgreSQL "on another host": watcher reaches it through a proxy on
loopback that delays every byte (benchmarks/latency.py), and the round trip it measures is
printed. On loopback a round trip costs less than the statements it carries; across a network
it is what a poll cycle waits for.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import feedgen
import run  # benchmarks/run.py: nginx, the webhook receiver, configs, measuring
from latency import DelayProxy
from run import PY, ROOT, Hooks, Result, measure, nginx, pg_reachable, pg_schema, watcher_config
from sqlalchemy.engine import make_url


@contextmanager
def worktree(ref: str) -> Iterator[Path]:
    """``ref`` checked out (detached) in a temporary directory, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="watcher-ab-")) / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(path),
                    ref], check=True)
    try:
        subprocess.run([PY, "-m", "compileall", "-q", str(path / "watcher")], check=True)
        imported = subprocess.run([PY, "-c", "import watcher; print(watcher.__file__)"],
                                  env={**os.environ, "PYTHONPATH": str(path)}, cwd=path.parent,
                                  capture_output=True, text=True, check=True).stdout.strip()
        if not Path(imported).is_relative_to(path):  # an installed watcher would shadow it
            raise SystemExit(f"PYTHONPATH={path} imports {imported}, not {ref}'s code")
        yield path
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                       check=False)
        shutil.rmtree(path.parent, ignore_errors=True)


def cycle(label: str, tree: Path, config: Path, log: Path, cwd: Path) -> Result:
    """One ``watcher poll --once`` with the code in ``tree`` (run from a directory holding no
    ``watcher`` package, so that PYTHONPATH decides which one is imported)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return measure(label, [[PY, "-m", "watcher", "--config", str(config), "poll", "--once"]],
                   log, env=env, cwd=cwd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the older code: a commit, tag or branch")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=500, help="synthetic rules besides the seed")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg", default=os.environ.get("WATCHER_TEST_DATABASE_URL", run.DEFAULT_PG))
    parser.add_argument("--pg-rtt", type=float, default=None, metavar="MS",
                        help="reach PostgreSQL through a proxy adding this round-trip time")
    parser.add_argument("--feed-dir", type=Path, default=Path(tempfile.gettempdir()) /
                        "watcher-bench-feeds", help="where generated feeds are kept and reused")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    args = parser.parse_args()
    if not Path(args.nginx).exists():
        raise SystemExit("nginx not found: apt-get install nginx-light (or pass --nginx PATH)")
    if args.db == "postgres" and (problem := pg_reachable(args.pg)):
        raise SystemExit(f"PostgreSQL not reachable: {problem}")
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "watcher")], check=True)

    args.feed_dir.mkdir(parents=True, exist_ok=True)
    args.feed_dir.chmod(0o755)
    paths = feedgen.write_feeds(args.feed_dir, args.feeds)
    work = Path(tempfile.mkdtemp(prefix="watcher-ab-work-"))
    work.chmod(0o755)
    rules_dir = work / "rules"
    feedgen.write_rules(rules_dir, ROOT / "rules" / "nk-troops.yaml", args.rules)
    times: dict[str, dict[str, list[Result]]] = {s: {"cold": [], "warm": []}
                                                 for s in ("old", "new")}
    try:
        with worktree(args.ref) as old_tree, nginx(args.nginx, args.feed_dir, work) as base, \
                pg_proxy(args) as proxy:
            hooks = Hooks(base, work)
            trees = {"old": old_tree, "new": ROOT}
            urls = [base + p for p in paths]
            print(f"{args.ref} (old) against this checkout (new): {args.feeds:,} feeds, "
                  f"{args.rules} + 1 rules, {args.db}, {args.rounds} rounds", flush=True)
            for k in range(args.rounds):
                # the side that runs second in a round measured ~4 % slower (the same code on
                # both sides: benchmarks/ab.py HEAD), so each round swaps the order
                order = list(trees.items()) if k % 2 == 0 else list(reversed(trees.items()))
                for side, tree in order:
                    with database(args, work / f"{side}-{k}.db", proxy) as url:
                        config = watcher_config(work / f"{side}.yaml", db_url=url,
                                                rules_dir=rules_dir, urls=urls, hook=hooks.url)
                        for mode in ("cold", "warm"):
                            trips = proxy.round_trips if proxy else 0
                            r = cycle(f"{side} {mode}", tree, config,
                                      work / "logs" / f"{side}-{mode}-{k}.log", work)
                            if not r.ok:
                                raise SystemExit(f"{r.name} failed: {r.note}")
                            times[side][mode].append(r)
                            counted = (f" {proxy.round_trips - trips:7,} round trips"
                                       if proxy else "")
                            print(f"  round {k + 1}: {r.name:<8} {r.wall:7.2f} s wall "
                                  f"{r.cpu:7.2f} s CPU{counted}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print("| mode | old wall s (mean) | new wall s (mean) | new / old | old CPU s | new CPU s |")
    print("|---|---:|---:|---:|---:|---:|")
    for mode in ("cold", "warm"):
        old, new = times["old"][mode], times["new"][mode]
        ow, nw = (statistics.mean(r.wall for r in rs) for rs in (old, new))
        oc, nc = (statistics.mean(r.cpu for r in rs) for rs in (old, new))
        print(f"| {mode} | {ow:.2f} | {nw:.2f} | {nw / ow:.2f} | {oc:.2f} | {nc:.2f} |")


@contextmanager
def pg_proxy(args: argparse.Namespace) -> Iterator[DelayProxy | None]:
    """With ``--pg-rtt``, the delaying proxy watcher reaches PostgreSQL through (the round
    trip it gives is measured and printed); else None (direct)."""
    if args.db != "postgres" or args.pg_rtt is None:
        yield None
        return
    url = make_url(args.pg)
    with DelayProxy(url.host or "127.0.0.1", url.port or 5432, args.pg_rtt) as proxy:
        print(f"PostgreSQL through a proxy: {round_trip_ms(args.pg, proxy):.2f} ms per round "
              f"trip (asked for {args.pg_rtt:g} ms more than loopback)", flush=True)
        yield proxy


def routed(url: str, proxy: DelayProxy | None) -> str:
    """``url``, through ``proxy`` when there is one."""
    if proxy is None:
        return url
    return (make_url(url).set(host="127.0.0.1", port=proxy.port)
            .render_as_string(hide_password=False))


def round_trip_ms(base: str, proxy: DelayProxy) -> float:
    """The median time of a trivial query through ``proxy``, in milliseconds."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(routed(run.pg_schema_url(base, "public"), proxy), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            times = []
            for _ in range(200):
                start = time.perf_counter()
                raw.execute("SELECT 1").fetchall()
                times.append(time.perf_counter() - start)
            raw.rollback()
    finally:
        engine.dispose()
    return statistics.median(times) * 1000


@contextmanager
def database(args: argparse.Namespace, sqlite_path: Path,
             proxy: DelayProxy | None) -> Iterator[str]:
    """A new, empty database for one side's round: a SQLite file, or a PostgreSQL schema
    (reached through ``proxy`` when there is one)."""
    if args.db == "postgres":
        with pg_schema(args.pg) as url:
            yield routed(url, proxy)
        return
    try:
        yield f"sqlite:///{sqlite_path}"
    finally:
        for suffix in ("", "-wal", "-shm", ".instance.lock"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
