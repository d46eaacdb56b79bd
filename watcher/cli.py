"""The ``watcher`` command. Only this module configures logging and prints."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from watcher import __version__
from watcher.config import Config, load_config
from watcher.errors import ConfigError, StorageError, WatcherError
from watcher.logs import redact, setup_logging
from watcher.models import FeedSummary, HitRecord, json_number

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CONFIG = 2
EXIT_STORAGE = 3


def _config_option(func: F) -> F:
    """``--config`` is accepted before and after the sub-command; the later one wins."""

    def remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value is not None:
            ctx.ensure_object(dict)["config"] = value
        return value

    return click.option("--config", "-c", "config_file", metavar="PATH", expose_value=False,
                        callback=remember, is_eager=True,
                        help="Config file (default: $WATCHER_CONFIG or ./watcher.yaml).")(func)


def _config(ctx: click.Context) -> Config:
    root = ctx.find_root()
    path = (ctx.obj or {}).get("config") or (root.obj or {}).get("config")
    config = load_config(path)
    redact(config.secrets)
    return config


@contextmanager
def _errors() -> Iterator[None]:
    """Map watcher's errors to a message on stderr and an exit code."""
    try:
        yield
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    except StorageError as exc:
        click.echo(f"error: database: {exc}", err=True)
        sys.exit(EXIT_STORAGE)
    except WatcherError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat().replace("+00:00", "Z") if dt else None


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    widths = [min(60, max([len(h), *(len(r[i]) for r in rows)])) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for cell, width in zip(cells, widths, strict=True):
            cell = cell if len(cell) <= width else cell[: width - 1] + "…"
            out.append(cell.ljust(width))
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@_config_option
@click.option("--log-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--log-format", default="text", show_default=True, envvar="WATCHER_LOG_FORMAT",
              type=click.Choice(["text", "json"]), help="json: one JSON object per line.")
@click.version_option(__version__, prog_name="watcher")
@click.pass_context
def main(ctx: click.Context, log_level: str, log_format: str) -> None:
    """watcher: follow a developing story in news feeds; alert when new numbers or names appear."""
    ctx.ensure_object(dict)
    setup_logging(log_level, log_format)


@main.command()
@_config_option
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run the service until SIGTERM/SIGINT."""
    from watcher.scheduler import Service

    with _errors():
        service = Service(_config(ctx))
        asyncio.run(service.run())


@main.command()
@_config_option
@click.option("--once", is_flag=True, help="Poll every configured feed once, deliver alerts, exit.")
@click.pass_context
def poll(ctx: click.Context, once: bool) -> None:
    """Poll feeds once (use `watcher run` for the service)."""
    if not once:
        raise click.UsageError("poll needs --once (the scheduled service is `watcher run`)")
    from watcher.scheduler import run_once

    with _errors():
        try:
            report, delivery = asyncio.run(run_once(_config(ctx)))
        except (asyncio.CancelledError, KeyboardInterrupt) as stop:  # SIGTERM, Ctrl-C
            click.echo("stopped: what was claimed and not finished is due again", err=True)
            ctx.exit(143 if isinstance(stop, asyncio.CancelledError) else 130)
    click.echo(f"polled {report.feeds} feeds: {report.new_items} new items, "
               f"{report.updated_items} updated, {report.not_modified} not modified, "
               f"{report.hits} hits, {report.alerts} new alerts; delivered {delivery.sent}, "
               f"{delivery.failed} to retry, {delivery.dead} dead")
    for name, message in report.errors:
        click.echo(f"feed {name}: error: {message}")
    if report.waiting:
        click.echo(f"{report.waiting} failing feeds not polled: they wait for their next try "
                   "after errors (`watcher feeds` lists them)")


def _setting_problems(config: Config) -> list[str]:
    """What `watcher run` would refuse in a config that loaded: the database URL, and each
    alert channel as its notifier reads it (SMTP URL, addresses, webhook URL), without
    connecting to anything."""
    from watcher.notify import Notifier, build_notifiers
    from watcher.storage import parse_database_url

    problems: list[str] = []
    try:
        parse_database_url(config.database_url)
    except StorageError as exc:
        problems.append(f"{config.where('database_url')}: {exc}")
    built: list[Notifier] = []
    names: set[str] = set()
    for i, entry in enumerate(config.alerts):
        try:  # one entry at a time, so that each problem is told with its entry's line
            [notifier] = build_notifiers([entry])
        except ConfigError as exc:
            message = str(exc).removeprefix("alerts[0]: ")
            problems.append(f"{config.where(f'alerts.{i}')}: {message}")
            continue
        built.append(notifier)
        if notifier.name in names:
            problems.append(f"{config.where(f'alerts.{i}')}: duplicate alert channel name "
                            f"{notifier.name!r}")
        names.add(notifier.name)

    async def close() -> None:
        for notifier in built:
            await notifier.aclose()

    asyncio.run(close())
    return problems


@main.command()
@click.argument("article", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", help="Fetch the article from this URL instead of a file.")
@click.option("--name", required=True, help="Rule name, e.g. nk-troops.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Rule file to write ('-' for standard output).")
@click.option("--publisher", help="Source publisher, recorded in the rule (default: what an "
              "HTML page says, og:site_name).")
@click.option("--title", help="Source headline, recorded in the rule (default: an HTML page's "
              "og:title or <title>).")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]),
              help="Source publication date (YYYY-MM-DD), recorded in the rule (default: an "
              "HTML page's article:published_time).")
@click.option("-f", "--force", is_flag=True, help="Replace the output file if it exists.")
@_config_option
@click.pass_context
def seed(ctx: click.Context, article: Path | None, url: str | None, name: str, output: Path,
         publisher: str | None, title: str | None, published: datetime | None,
         force: bool) -> None:
    """Write an editable rule file seeded from an ARTICLE's actors and figures."""
    from watcher.seed import article_source, article_text, seed_rule

    if (article is None) == (url is None):
        raise click.UsageError("give either an ARTICLE file or --url")
    to_stdout = str(output) == "-"
    if not to_stdout and not force and output.exists():
        # a rule file is edited by hand: never lose those edits to a second seed
        raise click.UsageError(f"{output} exists (a rule you may have edited); choose another "
                               "file, or add --force to replace it")
    with _errors():
        if url is not None:
            raw, content_type = asyncio.run(_download(ctx, url))
        else:
            assert article is not None
            try:
                with article.open("rb") as fh:
                    data = fh.read(MAX_ARTICLE_BYTES + 1)
            except OSError as exc:
                raise click.FileError(str(article), exc.strerror) from None
            if len(data) > MAX_ARTICLE_BYTES:
                raise click.FileError(str(article), f"larger than {MAX_ARTICLE_BYTES // 2**20} MB: "
                                      "not an article (save the article's page or its text)")
            raw = data.decode("utf-8", errors="replace")
            content_type = "text/html" if article.suffix.lower() in (".html", ".htm") else None
        given = {"publisher": publisher, "title": title, "url": url,
                 "published": published.date().isoformat() if published else None}
        # what the command line says, else what the page says of itself
        source = {**article_source(raw, content_type), **{k: v for k, v in given.items() if v}}
        text = seed_rule(article_text(raw, content_type), name=name,
                         source=dict(sorted(source.items(), key=lambda kv: _SOURCE_ORDER[kv[0]]))
                         or None)
    if to_stdout:
        click.echo(text, nl=False)
        return
    with _errors():
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            # whole or not at all: a running service reloading rules/ never reads half a file
            # (it skips names starting with a dot)
            partial = output.with_name(f".{output.name}.partial")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, output)
        except OSError as exc:
            raise click.FileError(str(output), exc.strerror or str(exc)) from None
    click.echo(f"wrote {output}", err=True)


_SOURCE_ORDER = {"publisher": 0, "title": 1, "published": 2, "url": 3}
MAX_ARTICLE_BYTES = 20 * 2**20  # an article's saved page, scripts and all, is far smaller


async def _download(ctx: click.Context, url: str) -> tuple[str, str | None]:
    from watcher.fetch import Fetcher
    from watcher.models import FeedState

    try:
        allow_private = _config(ctx).allow_private_networks
    except ConfigError as exc:
        # the download does not need the config, but a blocked private address would be
        # blamed on a setting that is there, in a config that did not load
        click.echo(f"warning: the config did not load, so allow_private_networks is off for "
                   f"this download: {str(exc).splitlines()[0]}", err=True)
        allow_private = False
    async with Fetcher(allow_private=allow_private) as fetcher:
        result = await fetcher.fetch(FeedState(id=0, name=url, url=url, interval=0))
    content = result.content or b""
    return content.decode("utf-8", errors="replace"), result.content_type


@main.command()
@_config_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--rule", help="Only hits of this rule.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many (newest first).")
@click.pass_context
def hits(ctx: click.Context, as_json: bool, rule: str | None, limit: int | None) -> None:
    """List stored hits."""
    with _errors(), _storage(ctx, existing=True) as storage:
        records = storage.list_hits(rule=rule, limit=limit) if storage else []
    if rule is not None and not records:
        _check_rule_name(ctx, rule)
    if as_json:
        click.echo(json.dumps([{"rule": h.rule, "link": h.link, "title": h.title,
                                "published": _iso(h.published), "feed": h.feed,
                                "matched": list(h.matched),
                                "new_figures": [{"value": json_number(f.value), "key": f.key,
                                                 "quantity": f.quantity, "said_by": f.said_by}
                                                for f in h.new_figures],
                                "new_actors": [{"name": a.name, "kind": a.kind}
                                               for a in h.new_actors]}
                               for h in records], indent=2))
        return
    if not records:
        click.echo("no hits yet")
        return
    click.echo(_table([(h.rule, _iso(h.published) or "", h.feed, h.title, _news(h),
                        h.link or "") for h in records],
                      ("RULE", "PUBLISHED", "FEED", "TITLE", "NEW", "LINK")))


def _news(hit: HitRecord) -> str:
    """What a hit told its rule that it did not know: "3,000 troops; +Mark Rutte"."""
    figures = [f"{json_number(f.value):,} {f.key}" for f in hit.new_figures]
    return "; ".join([*figures, *(f"+{a.name}" for a in hit.new_actors)])


@main.command()
@_config_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def feeds(ctx: click.Context, as_json: bool) -> None:
    """List the configured feeds with their status."""
    with _errors(), _storage(ctx, sync=True, existing=True) as storage:
        summaries = storage.feed_summaries() if storage else [
            FeedSummary(f.name, f.url, 0, "pending", None) for f in _config(ctx).feeds]
    if as_json:
        click.echo(json.dumps([_feed_json(s) for s in summaries], indent=2))
        return
    click.echo(_table([(s.name, s.status, str(s.items), _iso(s.last_polled_at) or "never",
                        "never" if s.status == "disabled" else _iso(s.next_poll_at) or "now",
                        s.error or "") for s in summaries],
                      ("FEED", "STATUS", "ITEMS", "LAST POLLED", "NEXT POLL", "ERROR")))


def _feed_json(summary: FeedSummary) -> dict[str, Any]:
    """``status`` is ``ok`` or ``error`` (the contract); a feed disabled by 410 Gone is an error
    with ``disabled: true`` and the reason; a feed not polled yet is ``ok`` with no error."""
    from watcher.fetch import shown_url

    status, error = summary.status, summary.error
    if status == "disabled":
        error = f"disabled: {error or 'the server said the feed is gone'}"
    return {"name": summary.name, "url": shown_url(summary.url), "items": summary.items,
            "status": "error" if status in ("error", "disabled") else "ok",
            "error": error if status in ("error", "disabled") else None,
            "disabled": status == "disabled",
            "warning": summary.error if status == "ok" else None,
            "last_polled": _iso(summary.last_polled_at), "next_poll": _iso(summary.next_poll_at)}


@main.command()
@_config_option
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate the config and every rule file; print file:line: message for each problem."""
    from watcher.rules import load_rules

    problems: list[str] = []
    try:
        config = _config(ctx)
    except ConfigError as exc:
        problems.extend(str(exc).splitlines())
        config = None
    if config is not None:
        problems.extend(_setting_problems(config))
        result = load_rules(config.rules_dir)
        problems.extend(str(p) for p in result.problems)
        if not problems:
            click.echo(f"ok: {config.path}: {len(config.feeds)} feeds, {len(config.alerts)} alert "
                       f"channels; {len(result.rules)} rules in {config.rules_dir}")
    for problem in problems:
        click.echo(problem)
    if problems:
        sys.exit(1)


@main.command()
@_config_option
@click.option("--failed", is_flag=True, help="List alerts that gave up (dead).")
@click.option("--sent", is_flag=True, help="List the alerts delivered last, newest first.")
@click.option("--limit", type=click.IntRange(min=1),
              help="At most this many (with --sent: 20 unless given).")
@click.option("--retry", is_flag=True,
              help="Queue dead alerts for delivery again and make every pending one due now.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def alerts(ctx: click.Context, failed: bool, sent: bool, limit: int | None, retry: bool,
           as_json: bool) -> None:
    """Inspect the alert outbox (default: everything not yet sent)."""
    from watcher.core import utcnow

    if failed and sent:
        raise click.UsageError("--failed and --sent list different alerts: give one")
    with _errors(), _storage(ctx, existing=True) as storage:
        if retry:  # (after a channel's settings were corrected, say: no wait for backoff)
            now = utcnow()
            count = storage.retry_dead_alerts(now) if storage else 0
            due = storage.mark_all_alerts_due(now) if storage else 0
            click.echo(f"{count} dead alerts queued again, {due} waiting alerts due now; the "
                       "service (or `watcher poll --once`) delivers them")
            return
        if storage is None:
            rows = []
        elif sent:
            rows = storage.list_alerts("sent", newest_first=True, limit=limit or 20)
        else:
            rows = storage.list_alerts("dead" if failed else "pending", limit=limit)
    if as_json:
        click.echo(json.dumps([{**asdict(r), "payload": r.payload,
                                "next_attempt_at": _iso(r.next_attempt_at)} for r in rows],
                              indent=2, default=str))
        return
    if not rows:
        click.echo("no dead alerts" if failed else "no alerts sent yet" if sent
                   else "no pending alerts")
        return

    def title(r: Any) -> str:
        item = r.payload.get("item")
        text = str(item.get("title") or "") if isinstance(item, dict) else ""
        return text if len(text) <= 60 else text[:59] + "…"

    shown = _next_tries(rows)
    click.echo(_table([(r.alert_id[:12], r.channel, r.status, str(r.attempts),
                        *shown.get(r.id, ("", r.last_error or "")),
                        str(r.payload.get("rule", "")), title(r))
                       for r in rows],
                      ("ALERT", "CHANNEL", "STATUS", "TRIES", "NEXT TRY", "LAST ERROR", "RULE",
                       "ITEM")))


def _next_tries(rows: Sequence[Any]) -> dict[int, tuple[str, str]]:
    """For each pending alert, when it is tried next and its last error: an alert waits for
    the earlier alerts of its story to its channel that hold it back (their retry, or the
    end of their lease), which its own time does not show."""
    out: dict[int, tuple[str, str]] = {}
    held: dict[tuple[str, str], datetime] = {}
    for r in sorted((r for r in rows if r.status == "pending" and r.next_attempt_at),
                    key=lambda r: r.id):
        story = (r.channel, str(r.payload.get("rule", "")))
        when, error = r.next_attempt_at, r.last_error or ""
        behind = held.get(story)
        if behind is not None and behind > when:
            when, error = behind, "waits for an earlier alert of its story"
        if r.holds_story:
            held[story] = max(when, behind) if behind is not None else when
        out[r.id] = (when.isoformat(timespec="seconds").replace("+00:00", "Z"), error)
    return out


@main.command()
@_config_option
@click.pass_context
def healthcheck(ctx: click.Context) -> None:
    """Ask the running service's /healthz (used by the Docker HEALTHCHECK)."""
    import urllib.error
    import urllib.request

    with _errors():
        settings = _config(ctx).health
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    where = f"http://{host}:{settings.port}/healthz"
    try:
        with urllib.request.urlopen(where, timeout=5) as resp:
            body = resp.read(65536)
    except urllib.error.HTTPError as exc:
        body = exc.read(65536)
        if not _watcher_health(body):
            click.echo(f"unhealthy: {where} answered HTTP {exc.code}, not as watcher's health "
                       "endpoint (another program on that port?)")
        else:
            click.echo(body.decode(errors="replace"))
        sys.exit(1)
    except OSError as exc:
        click.echo(f"unhealthy: {exc}")
        sys.exit(1)
    if not _watcher_health(body):
        click.echo(f"unhealthy: {where} answered, but not as watcher's health endpoint "
                   "(another program on that port?)")
        sys.exit(1)
    click.echo(body.decode())


def _watcher_health(body: bytes) -> bool:
    """Whether ``body`` is what watcher's /healthz answers."""
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("service") == "watcher"


def _check_rule_name(ctx: click.Context, rule: str) -> None:
    """Say so when ``rule`` (asked for, with no hits) names no rule in the rules directory."""
    from watcher.rules import load_rules

    with _errors():
        config = _config(ctx)
    names = sorted(r.name for r in load_rules(config.rules_dir).rules)
    if rule not in names:
        raise click.ClickException(f"no rule named {rule!r} in {config.rules_dir} (rules: "
                                   f"{', '.join(names) or 'none'})")


@contextmanager
def _storage(ctx: click.Context, *, sync: bool = False, existing: bool = False) -> Iterator[Any]:
    """The configured database, migrated. ``existing``: for a command that only reads, None
    (with a note on stderr) when the SQLite file is not there."""
    from watcher.core import utcnow
    from watcher.storage import Storage, sqlite_file

    config = _config(ctx)
    if existing:
        path = sqlite_file(config.database_url)
        if path is not None and not path.exists():
            # nothing to read, and nothing created: a mistyped path would otherwise get a new,
            # empty database that looks like one nothing was found in
            click.echo(f"note: no database at {path} yet (`watcher run` or `watcher poll --once` "
                       f"creates it; database_url in {config.path})", err=True)
            yield None
            return
    storage = Storage(config.database_url)
    try:
        storage.migrate()
        if sync:
            storage.sync_feeds(config.feeds, utcnow())
        yield storage
    finally:
        storage.close()

