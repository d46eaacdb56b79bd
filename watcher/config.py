"""The configuration file: YAML, ``${VAR}`` from the environment, validated with pydantic.

Relative paths (``rules_dir`` and a relative SQLite database path) are resolved against the
directory holding the config file, so ``--config /etc/watcher/watcher.yaml`` behaves the same
from any working directory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, unquote, urlsplit

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from watcher.errors import ConfigError
from watcher.models import FeedConfig

_FastLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_CONFIG = "watcher.yaml"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
# scheme://user:password@ — up to the last "@" before the path (a ${VAR} holds no "/")
_URL_USERINFO = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@")
_HTTP_URL = re.compile(r"^https?://[^/\s]+")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration(value: Any) -> float:
    """``15m`` -> 900.0; plain numbers are seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 15m, 2h")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ValueError(f"expected a duration such as 30s, 15m, 2h (got {value!r})")
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


Duration = Annotated[float, BeforeValidator(parse_duration)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedEntry(_Strict):
    url: str
    name: str | None = None
    interval: Duration | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not _HTTP_URL.match(v):
            raise ValueError(f"must be an http:// or https:// URL (got {v!r})")
        try:
            urlsplit(v).port  # noqa: B018 (raises for a port beyond 65535 or not a number)
        except ValueError as exc:
            raise ValueError(f"{exc} in {v!r}") from None
        return v


class WebhookAlert(_Strict):
    type: Literal["webhook"]
    url: str
    name: str | None = Field(default=None, max_length=200)
    secret: str | None = None
    timeout: Duration | None = None


class EmailAlert(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    type: Literal["email"]
    to: list[str] = Field(min_length=1)
    from_: str = Field(alias="from")
    smtp_url: str
    name: str | None = Field(default=None, max_length=200)
    timeout: Duration | None = None

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class FetchSettings(_Strict):
    timeout: Duration = 30.0
    connect_timeout: Duration = 10.0
    max_bytes: int = Field(default=10_000_000, gt=0)
    max_redirects: int = Field(default=5, ge=0)
    per_host: int = Field(default=2, ge=1)
    concurrency: int = Field(default=50, ge=1)


class HealthSettings(_Strict):
    # this machine only: `watcher healthcheck` (the Docker HEALTHCHECK) asks from the same
    # machine or container; 0.0.0.0 opens it to probes from elsewhere
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    enabled: bool = True


def _none_is_empty(value: Any) -> Any:
    """``feeds:`` with every entry commented out is YAML null: no feeds, not an error."""
    return [] if value is None else value


MAX_FEED_NAME = 1000    # a feed's name (its URL when no name is given) is a unique key


class ConfigModel(_Strict):
    database_url: str = "sqlite:///data/watcher.db"
    rules_dir: str = "rules"
    allow_private_networks: bool = False
    poll_interval: Duration = 900.0
    feeds: Annotated[list[FeedEntry], BeforeValidator(_none_is_empty)] = Field(
        default_factory=list)
    alerts: Annotated[list[Annotated[WebhookAlert | EmailAlert, Field(discriminator="type")]],
                      BeforeValidator(_none_is_empty)] = Field(default_factory=list)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    health: HealthSettings = Field(default_factory=HealthSettings)
    alert_max_attempts: int = Field(default=100, ge=1)  # ~4 days at the 1 h cap
    retention_days: float | None = Field(default=90, gt=0)
    tick: Duration = 5.0


@dataclass(frozen=True)
class Config:
    """The validated configuration, with paths resolved and secrets substituted."""

    path: Path
    database_url: str
    rules_dir: Path
    allow_private_networks: bool
    poll_interval: float
    feeds: tuple[FeedConfig, ...]
    alerts: tuple[Mapping[str, Any], ...]
    fetch: FetchSettings
    health: HealthSettings
    alert_max_attempts: int
    retention_days: float | None
    tick: float
    # the line of each setting checked after loading ("database_url", "alerts.0", ...)
    lines: Mapping[str, int] = field(default_factory=dict)

    def where(self, setting: str) -> str:
        """``file:line: setting`` for a problem found in a setting after loading."""
        return f"{self.path}:{self.lines.get(setting, 1)}: {setting}"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never be logged: alert channels' secrets and passwords, and the
        passwords of feed URLs (``https://user:${PASSWORD}@host/feed``)."""
        return _secrets_of((*self.alerts, *({"url": f.url} for f in self.feeds)))


def _secrets_of(alerts: tuple[Mapping[str, Any], ...]) -> tuple[str, ...]:
    found: list[str] = []
    for a in alerts:
        if a.get("secret"):
            found.append(str(a["secret"]))
        for key in ("smtp_url", "url"):
            try:
                raw = urlsplit(str(a.get(key) or "")).password
            except ValueError:
                continue
            if raw:
                found.extend((raw, unquote(raw)))
    return tuple(found)


def config_path(explicit: str | os.PathLike[str] | None) -> Path:
    """``--config`` wins, then ``WATCHER_CONFIG``, then ``./watcher.yaml``."""
    return Path(explicit or os.environ.get("WATCHER_CONFIG") or DEFAULT_CONFIG)


def _substitute(node: yaml.Node, path: Path, env: Mapping[str, str]) -> None:
    """Replace ``${VAR}`` (or ``${VAR:-default}``) in every scalar, in place, naming the line on error."""
    if isinstance(node, yaml.ScalarNode):
        if "${" in node.value:
            def repl(m: re.Match[str]) -> str:
                name, default = m.group(1), m.group(2)
                if name in env:
                    return env[name]
                if default is not None:
                    return default
                raise ConfigError(
                    f"{path}:{node.start_mark.line + 1}: environment variable {name} is not set"
                )

            value = node.value
            userinfo = _URL_USERINFO.match(value)
            if userinfo:  # a password in a URL must be percent-encoded to survive parsing
                head = userinfo.group(0)
                value = _ENV_REF.sub(lambda m: quote(repl(m), safe=""), head) + value[len(head):]
            node.value = _ENV_REF.sub(repl, value)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _substitute(child, path, env)
    elif isinstance(node, yaml.MappingNode):
        for _key, value in node.value:
            _substitute(value, path, env)


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """The 1-based line of the YAML node at pydantic error location ``loc`` (nearest ancestor)."""
    node = root
    line = (root.start_mark.line + 1) if root is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == part:
                    line = k.start_mark.line + 1
                    node = v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def load_config(path: str | os.PathLike[str] | None = None,
                env: Mapping[str, str] | None = None) -> Config:
    """Read, substitute and validate the config file. Raises ConfigError with ``file:line``."""
    cfg_path = config_path(path)
    env = os.environ if env is None else env
    try:
        source = cfg_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{cfg_path}: config file not found (use --config or WATCHER_CONFIG)") from None
    except OSError as exc:
        raise ConfigError(f"{cfg_path}: cannot read config file: {exc.strerror or exc}") from None
    try:
        # libyaml when PyYAML has it (a config of thousands of feeds reads in a tenth of the
        # time); the pure-Python loader again for a document it refuses, for its message
        root = yaml.compose(source, Loader=_FastLoader)
    except yaml.YAMLError:
        try:
            root = yaml.compose(source, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            raise ConfigError(f"{cfg_path}:{line}: invalid YAML: {exc.problem or exc}") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{cfg_path}:1: invalid YAML: {exc}") from None
    if root is not None:
        _substitute(root, cfg_path, env)
    data = _FastLoader(source).construct_document(root) if root is not None else {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{cfg_path}:1: the config must be a mapping of settings")
    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if p not in ("webhook", "email"))
            where = ".".join(str(p) for p in loc) or "config"
            problems.append(f"{cfg_path}:{_line_of(root, loc)}: {where}: {err['msg'].removeprefix('Value error, ')}")
        raise ConfigError("\n".join(problems)) from None

    base = cfg_path.resolve().parent
    names: set[str] = set()
    feeds: list[FeedConfig] = []
    for i, f in enumerate(model.feeds):
        name = f.name or f.url
        if len(name) > MAX_FEED_NAME:
            line = _line_of(root, ("feeds", i))
            raise ConfigError(f"{cfg_path}:{line}: feeds.{i}: the feed's name is longer than "
                              f"{MAX_FEED_NAME} characters; give it a short `name:`")
        if name in names:
            line = _line_of(root, ("feeds", i))
            raise ConfigError(f"{cfg_path}:{line}: feeds.{i}: duplicate feed name {name!r}")
        names.add(name)
        feeds.append(FeedConfig(name=name, url=f.url, interval=f.interval or model.poll_interval))
    alerts = tuple(a.model_dump(by_alias=True, exclude_none=True) for a in model.alerts)
    rules_dir = Path(model.rules_dir)
    return Config(
        path=cfg_path,
        database_url=_resolve_sqlite(model.database_url, base),
        rules_dir=rules_dir if rules_dir.is_absolute() else base / rules_dir,
        allow_private_networks=model.allow_private_networks,
        poll_interval=model.poll_interval,
        feeds=tuple(feeds),
        alerts=alerts,
        fetch=model.fetch,
        health=model.health,
        alert_max_attempts=model.alert_max_attempts,
        retention_days=model.retention_days,
        tick=model.tick,
        lines={"database_url": _line_of(root, ("database_url",)),
               **{f"alerts.{i}": _line_of(root, ("alerts", i)) for i in range(len(alerts))}},
    )


def _resolve_sqlite(url: str, base: Path) -> str:
    """Make a relative SQLite file path relative to the config file's directory."""
    m = re.match(r"^(sqlite(?:\+\w+)?:///)([^/].*)$", url)
    if not m or m.group(2).startswith(":memory:"):
        return url
    return f"{m.group(1)}{base / m.group(2)}"
