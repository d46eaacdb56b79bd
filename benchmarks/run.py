"""The benchmark harness: watcher's poll cycle beside a floor and a peer, in one go.

    .venv/bin/python benchmarks/run.py [--feeds 1000,10000] [--rules 500] [--quick]

For each N it

1. writes N synthetic feeds of 40 items (benchmarks/feedgen.py; kept in --feed-dir and reused)
   and serves them from loopback with nginx (started here with its own config and prefix in a
   temporary directory, stopped at the end; static files get ETag / Last-Modified / 304);
2. runs each contender in its own process and measures wall time, CPU time (user + sys, from
   ``wait4``) and peak RSS (``ru_maxrss``):
   * floor: fetch every feed concurrently with httpx + feedparser, nothing else
     (benchmarks/floor.py), cold and then conditional (all 304);
   * watcher: ``watcher poll --once`` on a new SQLite database with the seed rule plus R
     synthetic rules (cold), then again with nothing changed (warm); the same on PostgreSQL
     (a fresh schema) when reachable;
   * scale-out (PostgreSQL): one and then two ``watcher run`` instances sharing a fresh schema,
     timed until every feed has been polled once;
   * peer: the ``reader`` package updating the same feeds (benchmarks/peer_reader.py);
3. prints one table with the ratios watcher/floor and watcher/reader, and writes it to
   benchmarks/RESULTS.md (``--no-save`` to skip) with the date and the machine.

nginx: from the system (``apt-get install nginx-light``); ``--nginx PATH`` to choose one.
PostgreSQL: ``--pg URL`` or ``WATCHER_TEST_DATABASE_URL`` (default
postgresql+psycopg://postgres@127.0.0.1:5432/test); skipped when unreachable.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import feedgen  # noqa: E402

PY = sys.executable
WATCHER = str(Path(PY).with_name("watcher"))
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# On loopback there is no latency to hide: 10 connections fetch faster than 50 (httpcore's pool
# costs grow with its size). Floor and watcher use the same number.
CONCURRENCY = 10
HOOK_PATH = "/hook"


# --- measuring ---------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    wall: float
    cpu: float
    rss_mb: float
    note: str = ""
    ok: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants (worker processes count too)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
    return total / 1024


class _RssSampler(threading.Thread):
    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, sum(_tree_rss_mb(p) for p in self.pids))


def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, resource.struct_rusage]:
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage


def measure(name: str, commands: list[list[str]], log: Path, *,
            until: Callable[[], bool] | None = None, timeout: float = 3600,
            env: dict[str, str] | None = None, cwd: Path = ROOT) -> Result:
    """Run ``commands`` at once, each in its own process. Without ``until``, the wall time
    ends when the last one exits; with it, when ``until()`` first holds (then they get SIGTERM).
    CPU is the sum over the processes and their children; RSS the peak of the sum of the
    resident memory of every process involved (sampled every 50 ms), or the largest single
    peak if that is higher."""
    log.parent.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen[bytes]] = []
    with open(log, "ab") as out:
        start = time.perf_counter()
        for cmd in commands:
            out.write(f"$ {' '.join(cmd)}\n".encode())
            out.flush()
            procs.append(subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                          env=env, cwd=cwd))
        sampler = _RssSampler([p.pid for p in procs])
        sampler.start()
        wall: float | None = None
        if until is not None:
            while time.perf_counter() - start < timeout:
                if until():
                    wall = time.perf_counter() - start
                    break
                if any(p.poll() is not None for p in procs):
                    break
                time.sleep(0.1)
            for p in procs:
                with contextlib.suppress(ProcessLookupError):
                    p.send_signal(signal.SIGTERM)
        cpu = 0.0
        rss = 0.0
        codes = []
        for p in procs:
            code, usage = _wait(p)
            codes.append(code)
            cpu += usage.ru_utime + usage.ru_stime
            rss = max(rss, usage.ru_maxrss / 1024)
        if until is None:
            wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        rss = max(rss, sampler.peak)
    ok = wall is not None and all(c == 0 for c in codes)
    note = "" if ok else f"FAILED (exit {codes}, see {log})"
    return Result(name, wall if wall is not None else float("nan"), cpu, rss, note, ok)


def last_json(log: Path) -> dict[str, Any]:
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                return dict(json.loads(line))
    return {}


def last_line(log: Path, prefix: str) -> str:
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith(prefix):
            return line
    return ""


# --- servers -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


NGINX_CONF = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
daemon off;
{user}
events {{ worker_connections 8192; }}
http {{
    access_log off;
    log_format hook '$http_x_watcher_alert_id';
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 120;
    open_file_cache max=20000 inactive=120s;
    types {{ application/rss+xml xml; }}
    default_type application/octet-stream;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        etag on;
        if_modified_since exact;
        location = {hook} {{
            access_log {prefix}/hooks.log hook;
            return 204;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(binary: str, root: Path, workdir: Path) -> Iterator[str]:
    """Serve ``root`` on a free loopback port, and receive webhooks (:class:`Hooks`); yields
    the base URL."""
    prefix = workdir / "nginx"
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    port = free_port()
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=prefix, port=port, root=root, user=user,
                                      hook=HOOK_PATH))
    proc = subprocess.Popen([binary, "-p", str(prefix), "-c", str(conf), "-e",
                             str(prefix / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise SystemExit(f"nginx did not start: {err}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Hooks:
    """The webhook receiver: the feeds' nginx answers ``POST /hook`` with 204 and writes each
    alert's id (its X-Watcher-Alert-Id header) to a log, a line per request. The receiver in
    Python it replaces took about 0.6 s of CPU per thousand alerts from the two cores the
    contender runs on."""

    def __init__(self, base: str, workdir: Path) -> None:
        """For the nginx serving ``base`` from ``workdir`` (see :func:`nginx`)."""
        self.url = base + HOOK_PATH
        self.mark = 0  # ids before this index belong to earlier contenders
        self._log = workdir / "nginx" / "hooks.log"
        self._final: list[str] | None = None

    @property
    def ids(self) -> list[str]:
        """Every alert id received so far, in order."""
        if self._final is not None:
            return self._final
        try:
            return self._log.read_text(encoding="utf-8").split()
        except FileNotFoundError:
            return []

    def close(self) -> None:
        """Keep what was received (the log goes with the work directory)."""
        self._final = self.ids


# --- PostgreSQL ----------------------------------------------------------------------------------

def pg_schema_url(base: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@contextlib.contextmanager
def pg_schema(base: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_schema_url(base, "public"), poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def pg_reachable(base: str) -> str | None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    try:
        engine = create_engine(pg_schema_url(base, "public"), poolclass=NullPool,
                               connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return " ".join(str(exc).split())[:200]
    return None


def polled_count(url: str) -> Callable[[], int]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)

    def count() -> int:
        try:
            with engine.connect() as conn:
                return int(conn.execute(text(
                    "SELECT count(*) FROM feeds WHERE last_polled_at IS NOT NULL")).scalar_one())
        except Exception:
            return 0

    return count


# --- one N ---------------------------------------------------------------------------------------

def watcher_config(path: Path, *, db_url: str, rules_dir: Path, urls: list[str], hook: str,
                   tick: float = 1.0) -> Path:
    config = {
        "database_url": db_url,
        "rules_dir": str(rules_dir),
        "allow_private_networks": True,
        "poll_interval": "1h",
        "fetch": {"concurrency": CONCURRENCY, "per_host": CONCURRENCY},
        "health": {"enabled": False},
        "tick": f"{tick}s",
        "alerts": [{"type": "webhook", "url": hook}],
        "feeds": [{"name": f"feed-{i}", "url": url} for i, url in enumerate(urls)],
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def bench_n(n: int, args: argparse.Namespace, feeds_root: Path, base: str, work: Path,
            hooks: Hooks, pg_base: str | None) -> list[Result]:
    paths = feedgen.write_feeds(feeds_root, n)
    urls = [base + p for p in paths]
    run_dir = work / f"n{n}"
    run_dir.mkdir(parents=True, exist_ok=True)
    urls_file = run_dir / "urls.txt"
    urls_file.write_text("\n".join(urls))
    rules_dir = run_dir / "rules"
    feedgen.write_rules(rules_dir, ROOT / "rules" / "nk-troops.yaml", args.rules)
    logs = run_dir / "logs"
    results: list[Result] = []

    def alerts(r: Result) -> Result:
        """Count the webhook alerts that arrived during this run."""
        ids = hooks.ids[hooks.mark:]
        hooks.mark = len(hooks.ids)
        r.extra["alerts received"] = f"{len(ids)} ({len(set(ids))} distinct)"
        return r

    def show(r: Result) -> Result:
        print(f"  {r.name:<34} {r.wall:8.2f} s wall {r.cpu:8.2f} s CPU {r.rss_mb:7.0f} MB "
              f"{r.note}", flush=True)
        results.append(r)
        return r

    def fastest(runs: list[Result]) -> Result:
        best = min(runs, key=lambda r: r.wall)
        if len(runs) > 1:
            walls = ", ".join(f"{r.wall:.2f}" for r in runs)
            best.note = (best.note + f" best of {len(runs)} ({walls} s)").strip()
        return best

    def pairs(label: str, run_pair: Callable[[int], tuple[Result, Result]]) -> None:
        """``--repeat`` cold/warm pairs (each cold from scratch); the fastest of each mode."""
        runs = [run_pair(k) for k in range(args.repeat)]
        show(fastest([cold for cold, _ in runs]))
        show(fastest([warm for _, warm in runs]))

    print(f"N = {n:,} feeds ({n * 40:,} items), {args.rules} + 1 rules", flush=True)
    state = run_dir / "floor-state.json"

    def floor_pair(_k: int) -> tuple[Result, Result]:
        out = []
        for mode in ("cold", "warm"):
            log = logs / f"floor-{mode}.log"
            r = measure(f"floor {mode}", [[PY, str(HERE / "floor.py"), str(urls_file),
                                           str(state), mode, "--concurrency",
                                           str(CONCURRENCY)]], log)
            r.extra = last_json(log)
            out.append(r)
        return out[0], out[1]

    pairs("floor", floor_pair)

    def watcher_pair(label: str, db_url: str) -> tuple[Result, Result]:
        config = watcher_config(run_dir / f"{label}.yaml", db_url=db_url, rules_dir=rules_dir,
                                urls=urls, hook=hooks.url)
        out = []
        for mode in ("cold", "warm"):
            log = logs / f"{label}-{mode}.log"
            r = measure(f"{label} {mode}", [[WATCHER, "--config", str(config), "poll",
                                             "--once"]], log)
            r.extra = {"summary": last_line(log, "polled ")}
            out.append(alerts(r))
        return out[0], out[1]

    def sqlite_pair(_k: int) -> tuple[Result, Result]:
        sqlite_db = run_dir / "watcher.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_db}{suffix}").unlink(missing_ok=True)
        return watcher_pair("watcher sqlite", f"sqlite:///{sqlite_db}")

    pairs("watcher sqlite", sqlite_pair)

    if pg_base is not None:
        def pg_pair(_k: int) -> tuple[Result, Result]:
            assert pg_base is not None
            with pg_schema(pg_base) as url:
                return watcher_pair("watcher postgres", url)

        pairs("watcher postgres", pg_pair)
    if pg_base is not None and not args.no_scale_out:
        for instances in (1, 2):
            with pg_schema(pg_base) as url:
                config = watcher_config(run_dir / f"run{instances}.yaml", db_url=url,
                                        rules_dir=rules_dir, urls=urls, hook=hooks.url)
                count = polled_count(url)

                def all_polled(count: Callable[[], int] = count) -> bool:
                    return count() >= n

                cmd = [WATCHER, "--config", str(config), "run"]
                show(alerts(measure(f"watcher run x{instances} (postgres)",
                                    [cmd] * instances, logs / f"run{instances}.log",
                                    until=all_polled)))

    if not args.no_reader:
        reader_db = run_dir / "reader.sqlite"
        reader_db.unlink(missing_ok=True)
        for mode in ("cold", "warm"):
            log = logs / f"reader-{mode}.log"
            r = show(measure(f"reader {mode}", [[PY, str(HERE / "peer_reader.py"),
                                                 str(reader_db), str(urls_file), mode,
                                                 "--workers", str(args.reader_workers)]], log))
            r.extra = last_json(log)
    return results


# --- report --------------------------------------------------------------------------------------

def table(all_results: dict[int, list[Result]]) -> str:
    lines = ["| N feeds | contender | wall s | CPU s | peak RSS MB | wall / floor | "
             "wall / reader | note |",
             "|---:|---|---:|---:|---:|---:|---:|---|"]
    for n, results in all_results.items():
        by = {r.name: r for r in results}

        def ratio(r: Result, other: str, by: dict[str, Result] = by) -> str:
            base = by.get(other)
            if base is None or not base.ok or not r.ok or base.wall <= 0:
                return ""
            return f"{r.wall / base.wall:.2f}"

        for r in results:
            mode = "warm" if r.name.endswith("warm") else "cold"
            vs_floor = vs_reader = ""
            if r.name.startswith("watcher"):
                vs_floor = ratio(r, f"floor {mode}")
                vs_reader = ratio(r, f"reader {mode}")
            note = r.note
            if r.name.startswith("watcher run x2"):
                one = by.get("watcher run x1 (postgres)")
                if one is not None and one.ok and r.ok:
                    note = (note + f" {one.wall / r.wall:.2f}x the speed of one instance").strip()
            lines.append(f"| {n:,} | {r.name} | {r.wall:.2f} | {r.cpu:.2f} | {r.rss_mb:.0f} | "
                         f"{vs_floor} | {vs_reader} | {note} |")
    return "\n".join(lines)


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    return (f"{os.cpu_count()} cores ({cpu or platform.processor()}){mem}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", default="1000,10000",
                        help="comma-separated feed counts (default 1000,10000)")
    parser.add_argument("--rules", type=int, default=500, help="synthetic rules besides the seed")
    parser.add_argument("--quick", action="store_true", help="N = 200 only, 50 rules")
    parser.add_argument("--feed-dir", type=Path, default=Path(tempfile.gettempdir()) /
                        "watcher-bench-feeds", help="where generated feeds are kept and reused")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--pg", default=os.environ.get("WATCHER_TEST_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-reader", action="store_true")
    parser.add_argument("--no-scale-out", action="store_true")
    parser.add_argument("--reader-workers", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1,
                        help="run floor and watcher cold/warm pairs this many times, keep the "
                             "fastest of each (for a machine shared with other work)")
    parser.add_argument("--no-save", action="store_true", help="do not write benchmarks/RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    if args.quick:
        args.feeds, args.rules = "200", min(args.rules, 50)
    counts = [int(x.replace("_", "")) for x in args.feeds.split(",") if x.strip()]
    if not Path(args.nginx).exists():
        raise SystemExit("nginx not found: apt-get install nginx-light (or pass --nginx PATH)")

    pg_base: str | None = None
    if not args.no_pg:
        problem = pg_reachable(args.pg)
        if problem:
            print(f"PostgreSQL not reachable, skipping it: {problem}")
        else:
            pg_base = args.pg

    # As installed (pip writes bytecode for a package it installs): an editable checkout run
    # with PYTHONDONTWRITEBYTECODE would otherwise compile watcher's sources on every start.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "watcher")], check=True)

    feeds_root = args.feed_dir
    feeds_root.mkdir(parents=True, exist_ok=True)
    feeds_root.chmod(0o755)
    work = Path(tempfile.mkdtemp(prefix="watcher-bench-"))
    work.chmod(0o755)
    print(f"work directory {work}; feeds in {feeds_root}; {machine()}", flush=True)
    all_results: dict[int, list[Result]] = {}
    started = datetime.now(UTC)
    hooks: Hooks | None = None
    try:
        with nginx(args.nginx, feeds_root, work) as base:
            hooks = Hooks(base, work)
            for n in counts:
                t0 = time.perf_counter()
                feedgen.write_feeds(feeds_root, n)
                print(f"feeds ready in {time.perf_counter() - t0:.1f} s", flush=True)
                all_results[n] = bench_n(n, args, feeds_root, base, work, hooks, pg_base)
            hooks.close()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    out = table(all_results)
    print()
    print(out)
    details = []
    for n, results in all_results.items():
        for r in results:
            if r.extra:
                details.append(f"- N={n:,} {r.name}: {json.dumps(r.extra)}")
    if hooks is not None:
        details.append(f"- webhook alerts received over the whole run: {len(hooks.ids)} "
                       f"({len(set(hooks.ids))} distinct ids)")
    print("\n".join(details))
    if not args.no_save and not args.quick:
        text = (f"# Benchmark results\n\n{started:%Y-%m-%d %H:%M} UTC, {machine()}.\n"
                f"`{' '.join(['benchmarks/run.py', *sys.argv[1:]])}`; 40 items per feed, "
                f"seed rule + {args.rules} rules, fetch concurrency {CONCURRENCY}, "
                f"reader workers {args.reader_workers}, nginx (1 worker) on loopback.\n\n"
                f"{out}\n\n" + "\n".join(details) + "\n")
        (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
        print(f"written to {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
