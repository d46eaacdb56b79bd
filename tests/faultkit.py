"""Helpers for the fault-injection suite (tests/test_faults*.py): configs, feeds, a webhook
receiver that can be down / failing / hanging, an SMTP server that can be stopped and started on
the same port, and the CLI driven as a real subprocess.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, select
from sqlalchemy.pool import NullPool

RULE = """\
name: quake
description: earthquakes and their toll
match:
  any: [earthquake]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss(items: list[tuple[str, str]], channel: str = "wire") -> bytes:
    """A small RSS 2.0 document; ``items`` are ``(guid, title)``."""
    entries = "".join(
        f"<item><guid>https://news.example.org/{guid}</guid>"
        f"<link>https://news.example.org/{guid}</link><title>{title}</title>"
        f"<description>{title}.</description>"
        f"<pubDate>Wed, 23 Oct 2024 08:00:00 GMT</pubDate></item>"
        for guid, title in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{channel}</title><link>https://news.example.org/</link>"
            f"<description>test</description>{entries}</channel></rss>").encode()


def quake_item(n: int, place: str = "Chile") -> tuple[str, str]:
    """An item the ``quake`` rule matches, carrying a figure (``n`` people) new to the story."""
    return f"quake-{n}", f"Earthquake kills {n} people in {place}"


# --- webhook receiver --------------------------------------------------------------------------


@dataclass
class Delivery:
    headers: dict[str, str]
    payload: dict[str, Any]


@dataclass
class Receiver:
    """A webhook endpoint on a fixed loopback port that can be stopped (connection refused) and
    started again. ``mode``: ``ok`` (204), ``fail`` (500), or ``hang`` (read the request,
    record it, never answer). Only ``ok`` deliveries count as arrived (``delivered``)."""

    port: int = field(default_factory=free_port)
    mode: str = "ok"
    delivered: list[Delivery] = field(default_factory=list)
    attempts: list[Delivery] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Receiver:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                delivery = Delivery({k.lower(): v for k, v in self.headers.items()},
                                    json.loads(body))
                owner.attempts.append(delivery)
                if owner.mode == "hang":
                    owner._release.wait(60)
                    self.close_connection = True
                    return
                status = 204 if owner.mode == "ok" else 500
                if status == 204:
                    owner.delivered.append(delivery)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._release.clear()
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self) -> list[str]:
        return [d.payload["id"] for d in self.delivered]



# --- SMTP server that can go down and come back on the same port ------------------------------


class Mailbox:
    """aiosmtpd on a fixed loopback port; ``stop()`` makes it refuse connections."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[Message] = []
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def start(self) -> Mailbox:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def ids(self) -> list[str]:
        return [str(m["X-Watcher-Alert-Id"]) for m in self.messages]


# --- config and CLI ------------------------------------------------------------------------------


def write_config(tmp_path: Path, db_url: str, feeds: list[tuple[str, str]], *,
                 alerts: str = "", extra: str = "", rule: str | None = RULE) -> Path:
    """``watcher.yaml`` in ``tmp_path`` with short timeouts; ``feeds`` are ``(name, url)``."""
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    if rule is not None:
        (rules / "quake.yaml").write_text(rule, encoding="utf-8")
    feed_lines = "".join(f"  - name: {name}\n    url: {url}\n" for name, url in feeds) or "  []\n"
    defaults = {
        "allow_private_networks": "true",
        "poll_interval": "1h",
        "tick": "1s",
        "fetch": "{timeout: 3s, connect_timeout: 2s, per_host: 20}",
        "health": "{enabled: false}",
    }
    text = (f"database_url: {db_url}\n"
            "rules_dir: rules\n"
            + "".join(f"{key}: {value}\n" for key, value in defaults.items()
                      if not re.search(rf"^{key}:", extra, re.MULTILINE))
            + extra
            + f"feeds:\n{feed_lines}"
            + ("alerts:\n" + alerts if alerts else ""))
    config = tmp_path / "watcher.yaml"
    config.write_text(text, encoding="utf-8")
    return config


def webhook_alert(receiver: Receiver, secret_var: str | None = None) -> str:
    lines = f"  - type: webhook\n    url: {receiver.url}\n"
    if secret_var:
        lines += f"    secret: ${{{secret_var}}}\n"
    return lines


def email_alert(mailbox: Mailbox) -> str:
    return ("  - type: email\n    to: [analyst@example.org]\n    from: watcher@example.org\n"
            f"    smtp_url: smtp://127.0.0.1:{mailbox.port}?starttls=false\n")


def watcher_cmd(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "watcher", "--config", str(config), *args]


def cli(config: Path, *args: str, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(watcher_cmd(config, *args), capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, cwd=config.parent)


def cli_json(config: Path, *args: str) -> Any:
    done = cli(config, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def feeds_by_name(config: Path) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in cli_json(config, "feeds")}


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float


def measured_run(config: Path, *args: str, timeout: float = 120) -> Measured:
    """Run the CLI and report its own wall time and peak RSS (``wait4`` rusage of that child)."""
    out_path = config.parent / "measured.out"
    err_path = config.parent / "measured.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.monotonic()
        proc = subprocess.Popen(watcher_cmd(config, *args), stdout=out, stderr=err,
                                cwd=config.parent)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(proc.returncode, out_path.read_text(), err_path.read_text(), seconds,
                    usage.ru_maxrss / 1024)  # Linux: kilobytes


class Service:
    """``watcher run`` as a subprocess, its log in a file (no pipe to fill up)."""

    def __init__(self, config: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.log_path = config.parent / f"service-{time.monotonic_ns()}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen([*watcher_cmd(config, *args), "run"],
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=config.parent, env={**os.environ, **(env or {})})

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"watcher run exited ({self.proc.returncode}) waiting for "
                                     f"{what}:\n{self.log()}")
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}:\n{self.log()[-5000:]}")

    def wait_for_log(self, pattern: str, timeout: float = 30, after: int = 0) -> re.Match[str]:
        found: list[re.Match[str]] = []

        def seen() -> bool:
            m = re.search(pattern, self.log()[after:])
            if m:
                found.append(m)
            return m is not None

        self.wait_for(seen, f"log line matching {pattern!r}", timeout)
        return found[0]

    def terminate(self, timeout: float = 15) -> tuple[int, float]:
        """SIGTERM; returns (exit code, seconds to exit)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        return code, time.monotonic() - started

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@contextmanager
def service(config: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Service]:
    svc = Service(config, *args, env=env)
    try:
        yield svc
    finally:
        svc.close()


def get_health(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def dump_database(db_url: str) -> str:
    """Every row of every table as text (the PostgreSQL test schema is on the URL's search path)."""
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            schema = None
            if engine.dialect.name == "postgresql":
                schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
            meta_tables = inspect(conn).get_table_names(schema=schema)
            from sqlalchemy import MetaData, Table

            meta = MetaData()
            parts = []
            for name in meta_tables:
                table = Table(name, meta, autoload_with=conn, schema=schema)
                for row in conn.execute(select(table)):
                    parts.append(f"{name}: {tuple(row)!r}")
            return "\n".join(parts)
    finally:
        engine.dispose()
