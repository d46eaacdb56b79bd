"""Config file: ${VAR} substitution, durations, defaults, file:line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from watcher.config import config_path, load_config, parse_duration
from watcher.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watcher.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("15m", 900.0), ("30s", 30.0), ("2h", 7200.0), ("1d", 86400.0), (45, 45.0), ("1.5m", 90.0),
     ("500ms", 0.5)],
)
def test_durations(raw: object, seconds: float) -> None:
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize("raw", ["10x", "", "-5m", 0, True, "m"])
def test_bad_durations(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(raw)


def test_full_config_with_environment(tmp_path: Path) -> None:
    path = write(tmp_path, """\
database_url: sqlite:///data/watcher.db
rules_dir: myrules
allow_private_networks: true
poll_interval: 15m
feeds:
  - name: wire
    url: https://example.org/rss.xml
    interval: 10m
  - url: https://example.org/other.xml
  - {name: paid, url: "https://reader:${FEED_PASSWORD}@paid.example.org/rss"}
alerts:
  - type: webhook
    url: https://hooks.example.org/watcher
    secret: ${HOOK_SECRET}
  - type: email
    to: [analyst@example.org]
    from: watcher@example.org
    smtp_url: smtp://user:${SMTP_PASSWORD}@mail.example.org:587
""")
    config = load_config(path, env={"HOOK_SECRET": "s3cret", "SMTP_PASSWORD": "pw!x",
                                    "FEED_PASSWORD": "f33d"})
    assert config.database_url == f"sqlite:///{tmp_path / 'data/watcher.db'}"
    assert config.rules_dir == tmp_path / "myrules"
    assert config.allow_private_networks is True
    assert [(f.name, f.url, f.interval) for f in config.feeds] == [
        ("wire", "https://example.org/rss.xml", 600.0),
        ("https://example.org/other.xml", "https://example.org/other.xml", 900.0),
        ("paid", "https://reader:f33d@paid.example.org/rss", 900.0),
    ]
    assert config.alerts[0]["secret"] == "s3cret"
    assert config.alerts[1]["from"] == "watcher@example.org"
    # a ${VAR} in a URL's user:password part is percent-encoded, so any password survives
    assert config.alerts[1]["smtp_url"] == "smtp://user:pw%21x@mail.example.org:587"
    assert {"s3cret", "pw!x", "f33d"} <= set(config.secrets)   # a feed's password too


def test_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "feeds: []\n"), env={})
    assert config.poll_interval == 900.0
    assert config.allow_private_networks is False
    assert config.database_url.endswith("data/watcher.db")
    assert config.feeds == ()


def test_postgres_url_untouched(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert load_config(write(tmp_path, f"database_url: {url}\n"), env={}).database_url == url


def test_default_from_environment_reference(tmp_path: Path) -> None:
    path = write(tmp_path, "database_url: ${DB_URL:-sqlite:////tmp/x.db}\n")
    assert load_config(path, env={}).database_url == "sqlite:////tmp/x.db"
    assert load_config(path, env={"DB_URL": "sqlite:////tmp/y.db"}).database_url.endswith("y.db")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feeds:\n  - url: https://a/\n    secret: ${MISSING}\n",
         ":3: environment variable MISSING is not set"),
        ("feeds:\n  - url: ftp://a/\n", ":2: feeds.0.url: must be an http"),
        ("poll_interval: soon\n", ":1: poll_interval: expected a duration"),
        ("feeds:\n  - url: https://a/\n    intreval: 5m\n", ":3: feeds.0.intreval: Extra inputs"),
        ("alerts:\n  - type: pager\n", ":2: alerts.0"),
        ("alerts:\n  - type: email\n    to: []\n    from: a@b\n    smtp_url: smtp://h\n",
         ":3: alerts.0.to"),
        ("feeds: [\n", "invalid YAML"),
        ("poll_interval: 5m\nfeeds:\n  - url: https://a/\n   bad: indent\n",
         ":4: invalid YAML: expected <block end>"),
        ("a: 1\n\tb: 2\n", ":2: invalid YAML: found character '\\t' that cannot start any token"),
        ("- just\n- a list\n", ":1: the config must be a mapping"),
        ("feeds:\n  - url: https://a/\n  - url: https://a/\n", ":3: feeds.1: duplicate feed name"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml", env={})


def test_config_path_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATCHER_CONFIG", raising=False)
    assert config_path(None) == Path("watcher.yaml")
    monkeypatch.setenv("WATCHER_CONFIG", "/etc/w.yaml")
    assert config_path(None) == Path("/etc/w.yaml")
    assert config_path("x.yaml") == Path("x.yaml")


def test_bundled_example_config_is_valid() -> None:
    root = Path(__file__).resolve().parents[1]
    config = load_config(root / "watcher.example.yaml", env={})
    assert len(config.feeds) >= 3
    assert config.rules_dir == root / "rules"


def test_alert_timeouts_are_durations(tmp_path: Path) -> None:
    path = write(tmp_path, """\
alerts:
  - {type: webhook, url: "https://h.example/x", timeout: 20s}
  - {type: email, to: a@b.example, from: w@b.example, smtp_url: "smtp://h", timeout: 1m}
""")
    config = load_config(path, env={})
    assert [a["timeout"] for a in config.alerts] == [20.0, 60.0]
    assert config.alerts[1]["to"] == ["a@b.example"]
