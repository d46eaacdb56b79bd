"""Fresh-eyes review: the outside contract (README.md) at its edges.

Several of these found bugs (long feed URLs and rule names on PostgreSQL, channel names that
shifted when an alert entry was removed, URL-special characters in a ${VAR} password, an empty
``feeds:`` key) that are now fixed; the tests keep them fixed.
Everything runs through real parts: the CLI in a subprocess, loopback HTTP and SMTP servers,
SQLite files and (``pg_url``/``db_url``) the PostgreSQL named by WATCHER_TEST_DATABASE_URL.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faultkit import Mailbox
from loopback import LoopbackServer, Reply, Request, serve, text

from watcher.config import load_config
from watcher.notify import build_notifiers
from watcher.notify.email import parse_smtp_url
from watcher.storage import Storage

RULE = """\
name: {name}
match:
  all:
    - North Korea
    - any: [troops, soldiers]
known_actors:
  - {{name: North Korea, kind: country, aliases: [North Korean, DPRK]}}
"""

ITEM_TITLE = "Seoul says North Korea has now sent 3,000 troops to Russia"
ITEM_TEXT = ("South Korea's spy agency said about 3,000 North Korean soldiers had been moved "
             "to Russia.")


def rss(items: list[dict[str, str]]) -> bytes:
    """An RSS 2.0 document; each item is a dict of element name -> text (already escaped)."""
    body = "".join("<item>" + "".join(f"<{k}>{v}</{k.split()[0]}>" for k, v in item.items()) + "</item>"
                   for item in items)
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>t</title><link>https://news.example.org/</link><description>d</description>"
            f"{body}</channel></rss>").encode()


def story_item(guid: str = "https://news.example.org/a", **extra: str) -> dict[str, str]:
    item = {"guid": guid, "link": guid, "title": ITEM_TITLE, "description": ITEM_TEXT,
            "pubDate": "Wed, 23 Oct 2024 08:00:00 GMT"}
    item.update(extra)
    return {k: v for k, v in item.items() if v}


def feed_route(items: list[dict[str, str]]) -> Any:
    def handler(_request: Request) -> Reply:
        return text(rss(items), content_type="application/rss+xml; charset=utf-8")
    return handler


def write_config(tmp_path: Path, body: str, *, rule_name: str = "nk-troops") -> Path:
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    (rules / "story.yaml").write_text(RULE.format(name=rule_name), encoding="utf-8")
    config = tmp_path / "watcher.yaml"
    config.write_text(body, encoding="utf-8")
    return config


def cli(config: Path | None, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    head = ["--config", str(config)] if config is not None else []
    return subprocess.run([sys.executable, "-m", "watcher", *head, *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})},
                          cwd=config.parent if config is not None else None)


@pytest.fixture
def webhook_log() -> Iterator[tuple[LoopbackServer, list[Request], dict[str, Any]]]:
    """A loopback server, the webhook requests it received (``/hook`` answers 200) and its
    route table, to which tests add their feeds."""
    received: list[Request] = []

    def hook(request: Request) -> Reply:
        received.append(request)
        return Reply(200, {}, b"")

    routes: dict[str, Any] = {"/hook": hook}
    with serve(routes) as server:
        yield server, received, routes


# --- commands on a fresh or empty setup ------------------------------------------------------

def test_hits_feeds_and_poll_on_an_empty_setup_in_a_missing_directory(tmp_path: Path) -> None:
    """No feeds, no poll yet, SQLite in a directory that does not exist: nothing crashes, and
    the commands that only read create nothing (a mistyped path would look like an empty
    database) but say where the database is looked for."""
    config = write_config(tmp_path, "database_url: sqlite:///not/there/yet/w.db\n"
                                    "rules_dir: rules\n")
    for args in (("hits", "--json"), ("alerts", "--json"), ("alerts", "--sent", "--json"),
                 ("feeds", "--json")):
        out = cli(config, *args)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == []
        assert "no database at " in out.stderr and "not/there/yet/w.db" in out.stderr
    assert not (tmp_path / "not").exists()
    assert cli(config, "hits").stdout.strip() == "no hits yet"
    assert cli(config, "alerts", "--retry").stdout.startswith("0 dead alerts queued again")
    assert not (tmp_path / "not").exists()
    poll = cli(config, "poll", "--once")
    assert poll.returncode == 0, poll.stderr
    assert "polled 0 feeds" in poll.stdout


def test_alerts_retry_makes_waiting_alerts_due_now(tmp_path: Path) -> None:
    """After a channel's settings are corrected, `alerts --retry` sends what waits for its
    retry time (an hour after a refusal for good) at the service's next tick."""
    from datetime import UTC, datetime, timedelta

    from test_storage import queue_alert

    config = write_config(tmp_path, "database_url: sqlite:///w.db\nrules_dir: rules\n")
    store = Storage(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        store.migrate()
        now = datetime.now(UTC)
        queue_alert(store, ["hook", "mail"], now=now)
        hook, mail = store.claim_due_alerts(now, 10, 60)
        store.mark_alert_failed(hook.id, now, "HTTP 404", now + timedelta(hours=1), dead=False)
        store.mark_alert_failed(mail.id, now, "550", now, dead=True)
        assert store.claim_due_alerts(now + timedelta(seconds=1), 10, 60) == []
        out = cli(config, "alerts", "--retry")
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("1 dead alerts queued again, 1 waiting alerts due now")
        due = store.claim_due_alerts(datetime.now(UTC), 10, 60)
        assert sorted(a.channel for a in due) == ["hook", "mail"]
    finally:
        store.close()


def test_alerts_shows_when_an_alert_held_behind_its_story_is_tried(tmp_path: Path) -> None:
    """An alert waiting behind an earlier one of its story showed its own time, past, with no
    error: it goes when the earlier one is retried."""
    from datetime import UTC, datetime, timedelta

    from test_storage import queue_story_alert

    config = write_config(tmp_path, "database_url: sqlite:///w.db\nrules_dir: rules\n")
    store = Storage(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        store.migrate()
        for key in ("a", "b"):
            queue_story_alert(store, "nk", key, ["hook"])
        queue_story_alert(store, "quake", "c", ["hook"])
        first, _second, _other = store.claim_due_alerts(datetime.now(UTC), 10, 60)
        retry = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
        store.mark_alert_failed(first.id, datetime.now(UTC), "HTTP 503", retry, dead=False)
        store.release_alerts([_second.id, _other.id], datetime.now(UTC))
    finally:
        store.close()
    out = cli(config, "alerts")
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line for line in out.stdout.splitlines()[1:] if line.strip()}
    shown = retry.isoformat().replace("+00:00", "Z")
    assert shown in rows["nk-a"] and "HTTP 503" in rows["nk-a"]
    assert shown in rows["nk-b"] and "waits for an earlier alert of its story" in rows["nk-b"]
    assert shown not in rows["quake-c"]


def test_hits_of_a_rule_that_does_not_exist_and_limits_below_one(tmp_path: Path) -> None:
    config = write_config(tmp_path, "database_url: sqlite:///w.db\nrules_dir: rules\n")
    assert cli(config, "poll", "--once").returncode == 0
    known = cli(config, "hits", "--rule", "nk-troops")
    assert (known.returncode, known.stdout.strip()) == (0, "no hits yet")
    unknown = cli(config, "hits", "--rule", "nk-trops")
    assert unknown.returncode == 1
    assert "no rule named 'nk-trops'" in unknown.stderr and "nk-troops" in unknown.stderr
    for args in (("hits", "--limit", "0"), ("hits", "--limit", "-1"), ("alerts", "--limit", "0")):
        out = cli(config, *args)
        assert out.returncode == 2 and "--limit" in out.stderr, args


def test_feeds_before_any_poll(tmp_path: Path) -> None:
    config = write_config(tmp_path, """\
database_url: sqlite:///w.db
rules_dir: rules
feeds:
  - {name: "Новости 東京", url: "https://news.example.org/rss.xml"}
  - {url: "https://news.example.org/rss.xml?second"}
""")
    for _ in ("no database yet", "database made by a poll"):
        out = cli(config, "feeds", "--json")
        assert out.returncode == 0, out.stderr
        rows = {row["name"]: row for row in json.loads(out.stdout)}
        assert set(rows) == {"Новости 東京", "https://news.example.org/rss.xml?second"}
        for row in rows.values():
            assert {"name", "url", "items", "status", "error"} <= set(row)
            assert (row["items"], row["status"], row["error"]) == (0, "ok", None)
        table = cli(config, "feeds").stdout
        assert "Новости 東京" in table and "pending" in table
        storage = Storage(f"sqlite:///{tmp_path / 'w.db'}")  # as the service leaves it
        storage.migrate()
        storage.close()


def test_empty_feeds_key_is_a_config_with_no_feeds(tmp_path: Path) -> None:
    """Commenting out the last feed leaves ``feeds:`` with no value (YAML null)."""
    config = write_config(tmp_path, "database_url: sqlite:///w.db\nrules_dir: rules\n"
                                    "feeds:\n  # - url: https://news.example.org/rss.xml\n"
                                    "alerts:\n")
    out = cli(config, "check")
    assert out.returncode == 0, out.stdout + out.stderr


def test_check_with_a_missing_rules_directory(tmp_path: Path) -> None:
    config = tmp_path / "watcher.yaml"
    config.write_text("database_url: sqlite:///w.db\nrules_dir: nowhere\n", encoding="utf-8")
    out = cli(config, "check")
    assert out.returncode == 1
    assert f"{tmp_path / 'nowhere'}: rules directory does not exist" in out.stdout


def test_check_finds_what_poll_would_refuse_with_file_and_line(tmp_path: Path) -> None:
    """`check` said "ok" to settings that `poll` and `run` then refused (exit 2/3): the
    database URL and each alert channel are read as the service reads them, nothing is
    contacted, and every problem is named by line."""
    config = write_config(tmp_path, (
        "database_url: not a url\n"                     # line 1
        "rules_dir: rules\n"
        "alerts:\n"
        "  - type: webhook\n"                             # line 4: fine
        "    url: http://127.0.0.1:9/hook\n"
        "  - type: email\n"                               # line 6
        "    to: analyst@example.org\n"
        "    from: watcher@example.org\n"
        "    smtp_url: http://127.0.0.1:8734\n"
        "  - type: email\n"                               # line 10
        "    to: analyst@example.org\n"
        "    from: watcher\n"
        "    smtp_url: smtp://127.0.0.1:8734\n"))
    out = cli(config, "check")
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"{config}:1: database_url: invalid database URL")
    assert lines[1].startswith(f"{config}:6: alerts.1: ") and "smtp:// or smtps://" in lines[1]
    assert "alerts[" not in out.stdout          # each entry named once, by its line
    assert lines[2].startswith(f"{config}:10: alerts.2: ") and "'watcher'" in lines[2]
    assert len(lines) == 3
    polled = cli(config, "poll", "--once")
    assert polled.returncode != 0        # what check reports is what the service refuses
    fixed = write_config(tmp_path, "database_url: sqlite:///w.db\nrules_dir: rules\nalerts:\n"
                                   "  - {type: webhook, url: 'http://127.0.0.1:9/hook'}\n"
                                   "  - {type: webhook, url: 'http://127.0.0.1:9/hook'}\n")
    twice = cli(fixed, "check")
    assert twice.returncode == 1, twice.stdout
    assert twice.stdout.startswith(f"{fixed}:5: alerts.1: duplicate alert channel name")


def test_config_before_and_after_the_subcommand_later_wins(tmp_path: Path) -> None:
    good = write_config(tmp_path, "database_url: sqlite:///w.db\nrules_dir: rules\n")
    missing = tmp_path / "missing.yaml"
    before = cli(None, "--config", str(missing), "check", "--config", str(good))
    assert before.returncode == 0, before.stdout + before.stderr
    after = cli(None, "--config", str(good), "check", "--config", str(missing))
    assert after.returncode == 1
    assert "config file not found" in after.stdout


# --- items at the edges, through poll -> hits -> webhook ---------------------------------------

def test_unicode_timezones_missing_fields_huge_guids_and_duplicates(
        db_url: str, tmp_path: Path, webhook_log: tuple[LoopbackServer, list[Request], dict[str, Any]]) -> None:
    server, received, routes = webhook_log
    huge = "https://news.example.org/" + "g" * 5000
    items = [
        # published in +09:00: stored and shown in UTC
        story_item("https://news.example.org/tz", pubDate="Wed, 23 Oct 2024 17:00:00 +0900"),
        # the same guid twice in one feed: one item
        story_item("https://news.example.org/tz", pubDate="Wed, 23 Oct 2024 17:00:00 +0900"),
        # no title, no link, no date; the text alone is a hit
        {'guid isPermaLink="false"': "no-title", "description": "North Korea sent 4,000 soldiers, officials said."},
        # a huge guid
        story_item(huge, link="", title="Ким: North Korea troops — “5,000” more, 東京 says",
                   description="North Korea has 5,000 more troops near Kursk.", pubDate=""),
    ]
    routes["/feed.xml"] = feed_route(items)
    config = write_config(tmp_path, f"""\
database_url: {db_url}
rules_dir: rules
allow_private_networks: true
feeds:
  - {{name: "Вести · 東京", url: "{server.url('/feed.xml')}"}}
alerts:
  - {{type: webhook, url: "{server.url('/hook')}"}}
""")
    poll = cli(config, "poll", "--once")
    assert poll.returncode == 0, poll.stderr
    assert "3 new items" in poll.stdout, poll.stdout
    hits = json.loads(cli(config, "hits", "--json").stdout)
    assert len(hits) == 3
    by_title = {h["title"]: h for h in hits}
    assert by_title[ITEM_TITLE]["published"] == "2024-10-23T08:00:00Z"
    # an untitled item is titled by its text's first line
    untitled = by_title["North Korea sent 4,000 soldiers, officials said."]
    assert untitled["link"] is None and untitled["published"] is None
    assert all(h["feed"] == "Вести · 東京" for h in hits)
    payloads = [json.loads(r.body) for r in received]
    assert payloads and all(p["item"]["feed"] == "Вести · 東京" for p in payloads)
    assert {p["item"]["title"] for p in payloads} <= set(by_title)


def test_same_url_under_two_names_alerts_once(
        tmp_path: Path, webhook_log: tuple[LoopbackServer, list[Request], dict[str, Any]]) -> None:
    server, received, routes = webhook_log
    routes["/feed.xml"] = feed_route([story_item()])
    url = server.url("/feed.xml")
    config = write_config(tmp_path, f"""\
database_url: sqlite:///w.db
rules_dir: rules
allow_private_networks: true
feeds:
  - {{name: one, url: "{url}"}}
  - {{name: two, url: "{url}"}}
alerts:
  - {{type: webhook, url: "{server.url('/hook')}"}}
""")
    poll = cli(config, "poll", "--once")
    assert poll.returncode == 0, poll.stderr
    assert sorted(h["feed"] for h in json.loads(cli(config, "hits", "--json").stdout)) == [
        "one", "two"]
    assert len(received) == 1


# --- alert channels ------------------------------------------------------------------------------

def test_webhook_url_credentials_are_sent_as_basic_auth_and_never_printed(
        tmp_path: Path) -> None:
    received: list[Request] = []

    def hook(request: Request) -> Reply:
        received.append(request)
        return Reply(503, {}, b"busy")

    with serve({"/feed.xml": feed_route([story_item()]), "/hook": hook}) as server:
        hook_url = server.url("/hook").replace("http://", "http://alice:s3cr%40t-pw@")
        config = write_config(tmp_path, f"""\
database_url: sqlite:///w.db
rules_dir: rules
allow_private_networks: true
feeds:
  - {{name: wire, url: "{server.url('/feed.xml')}"}}
alerts:
  - {{type: webhook, url: "{hook_url}"}}
""")
        poll = cli(config, "poll", "--once")
        alerts = cli(config, "alerts", "--json")
    assert poll.returncode == 0, poll.stderr
    assert len(received) == 1
    expected = "Basic " + base64.b64encode(b"alice:s3cr@t-pw").decode()
    assert received[0].headers["Authorization"] == expected
    for out in (poll.stdout, poll.stderr, alerts.stdout, alerts.stderr):
        assert "s3cr" not in out


def test_email_to_may_be_a_single_string(tmp_path: Path) -> None:
    config = tmp_path / "watcher.yaml"
    config.write_text("""\
alerts:
  - {type: email, to: analyst@example.org, from: watcher@example.org,
     smtp_url: "smtp://127.0.0.1:25?starttls=false"}
""", encoding="utf-8")
    loaded = load_config(config, env={})
    assert loaded.alerts[0]["to"] == ["analyst@example.org"]
    assert len(build_notifiers(loaded.alerts)) == 1


@pytest.mark.parametrize("password", ["pa/ss", "pa#ss", "pa?ss", "100%41"])
def test_smtp_password_from_the_environment_may_hold_url_special_characters(
        tmp_path: Path, password: str) -> None:
    """README's own example: ``smtp_url: smtp://user:${SMTP_PASSWORD}@mail.example.org:587``."""
    config = tmp_path / "watcher.yaml"
    config.write_text("""\
alerts:
  - type: email
    to: [analyst@example.org]
    from: watcher@example.org
    smtp_url: smtp://user:${SMTP_PASSWORD}@mail.example.org:587
""", encoding="utf-8")
    loaded = load_config(config, env={"SMTP_PASSWORD": password})
    settings = parse_smtp_url(loaded.alerts[0]["smtp_url"])
    assert (settings.host, settings.port, settings.password) == (
        "mail.example.org", 587, password)


def test_smtp_password_with_at_sign_is_a_secret(tmp_path: Path) -> None:
    config = tmp_path / "watcher.yaml"
    config.write_text("""\
alerts:
  - {type: email, to: a@example.org, from: w@example.org,
     smtp_url: "smtp://user:${SMTP_PASSWORD}@mail.example.org:587"}
""", encoding="utf-8")
    loaded = load_config(config, env={"SMTP_PASSWORD": "hunter2@home"})
    # the URL itself parses (urlsplit splits at the last '@') and mail would use this password
    assert parse_smtp_url(loaded.alerts[0]["smtp_url"]).password == "hunter2@home"
    assert "hunter2@home" in loaded.secrets


def test_removing_one_alert_channel_keeps_the_others_pending_alerts(tmp_path: Path) -> None:
    """webhook + email; both down, the alert waits. The webhook is then removed from the config
    and the mail server comes back: the email still has to go out."""
    box = Mailbox()  # not started yet: connections refused
    smtp_port = box.port
    with serve({"/feed.xml": feed_route([story_item()]),
                "/hook": lambda _r: Reply(503, {}, b"down")}) as server:
        head = f"""\
database_url: sqlite:///w.db
rules_dir: rules
allow_private_networks: true
feeds:
  - {{name: wire, url: "{server.url('/feed.xml')}"}}
alerts:
"""
        email_entry = ("  - {type: email, to: a@example.org, from: w@example.org, "
                       f'smtp_url: "smtp://127.0.0.1:{smtp_port}?starttls=false"}}\n')
        config = write_config(tmp_path, head + f'  - {{type: webhook, url: "{server.url("/hook")}"}}\n'
                              + email_entry)
        first = cli(config, "poll", "--once")
        assert first.returncode == 0, first.stderr
        assert "1 new alerts" in first.stdout and "2 to retry" in first.stdout, first.stdout

        config.write_text(head + email_entry, encoding="utf-8")
        box.start()
        try:
            second = cli(config, "poll", "--once")
            retry = cli(config, "alerts", "--retry")
            third = cli(config, "poll", "--once")
        finally:
            box.stop()
    assert second.returncode == 0 and retry.returncode == 0 and third.returncode == 0
    assert len(box.messages) == 1, second.stdout + third.stdout


# --- PostgreSQL column limits that SQLite does not enforce ----------------------------------------

def test_feed_with_a_long_url_and_no_name_on_postgres(pg_url: str, tmp_path: Path) -> None:
    with serve({"/feed.xml": feed_route([story_item()])}) as server:
        url = server.url("/feed.xml") + "?q=" + "north+korea+troops+" * 12
        assert len(url) > 200
        config = write_config(tmp_path, f"""\
database_url: "{pg_url}"
rules_dir: rules
allow_private_networks: true
feeds:
  - url: "{url}"
""")
        poll = cli(config, "poll", "--once")
    assert poll.returncode == 0, poll.stderr
    assert "1 hits" in poll.stdout, poll.stdout


def test_long_rule_name_on_postgres(pg_url: str, tmp_path: Path) -> None:
    name = "nk-" + "troops-" * 40
    assert len(name) > 200
    with serve({"/feed.xml": feed_route([story_item()])}) as server:
        config = write_config(tmp_path, f"""\
database_url: "{pg_url}"
rules_dir: rules
allow_private_networks: true
feeds:
  - {{name: wire, url: "{server.url('/feed.xml')}"}}
""", rule_name=name)
        check = cli(config, "check")
        poll = cli(config, "poll", "--once")
    # either the rule is refused by `watcher check` (a clear file:line message), or it works
    if check.returncode == 0:
        assert poll.returncode == 0, poll.stderr
        assert [h["rule"] for h in json.loads(cli(config, "hits", "--json").stdout)] == [name]
    else:
        assert "story.yaml:1: name:" in check.stdout
