"""`watcher seed` through the real CLI: from a file, from HTML at a URL on loopback, to stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from loopback import LoopbackServer, text

ARTICLE = """\
Floods force 20,000 from homes in northern Italy

By Ana Costa

MILAN - Floods in the Emilia-Romagna region forced about 20,000 people from their homes on
Tuesday, Italy's Civil Protection Department said. At least nine people died, regional
president Stefano Bonaccini told reporters, and the army sent 400 soldiers to help.
Prime Minister Giorgia Meloni promised 2 billion euros in aid for flooded towns.
"""


def cli(*args: str, cwd: Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if config is not None:
        env["WATCHER_CONFIG"] = str(config)
    return subprocess.run([sys.executable, "-m", "watcher", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd, env=env)


def check_rule(data: dict[str, object]) -> None:
    assert data["name"] == "floods"
    actors = {a["name"]: a["kind"] for a in data["known_actors"]}  # type: ignore[attr-defined]
    assert actors.get("Italy") == "country"
    assert actors.get("Giorgia Meloni") == "person"
    assert "Ana Costa" not in actors                      # the byline is not an actor
    values = {f["value"] for f in data["known_figures"]}  # type: ignore[attr-defined]
    assert {20000, 9, 400} <= values


def test_seed_from_file_writes_a_rule_that_check_accepts(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "rules").mkdir()
    out = cli("seed", str(article), "--name", "floods", "-o", "rules/floods.yaml",
              "--publisher", "Test Wire", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = yaml.safe_load((tmp_path / "rules/floods.yaml").read_text(encoding="utf-8"))
    check_rule(data)
    assert data["source"]["publisher"] == "Test Wire"
    config = tmp_path / "watcher.yaml"
    config.write_text("rules_dir: rules\nfeeds: []\n", encoding="utf-8")
    checked = cli("check", cwd=tmp_path, config=config)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_seed_does_not_replace_a_rule_file_unless_forced(tmp_path: Path) -> None:
    """A rule file is edited by hand: a second seed to the same file keeps the edits."""
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    rule = tmp_path / "rules" / "floods.yaml"
    rule.parent.mkdir()
    rule.write_text("name: floods\nmatch: {all: [flood*]}  # edited by hand\n", encoding="utf-8")
    refused = cli("seed", str(article), "--name", "floods", "-o", str(rule), cwd=tmp_path)
    assert refused.returncode == 2
    assert f"{rule} exists" in refused.stderr and "--force" in refused.stderr
    assert "edited by hand" in rule.read_text(encoding="utf-8")
    forced = cli("seed", str(article), "--name", "floods", "-o", str(rule), "--force",
                 cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    check_rule(yaml.safe_load(rule.read_text(encoding="utf-8")))
    assert sorted(p.name for p in rule.parent.iterdir()) == ["floods.yaml"]  # no partial left


def test_seed_from_html_url_to_stdout(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines() if line)
    html = (f"<html><head><script>var ad = 'Ana Costa 99,999';</script></head><body>"
            f"<article>{paragraphs}</article></body></html>")
    config = tmp_path / "watcher.yaml"
    config.write_text("allow_private_networks: true\nfeeds: []\n", encoding="utf-8")
    with LoopbackServer({"/story": lambda _r: text(html, content_type="text/html")}) as server:
        out = cli("seed", "--url", server.url("/story"), "--name", "floods", "-o", "-",
                  cwd=tmp_path, config=config)
    assert out.returncode == 0, out.stderr
    data = yaml.safe_load(out.stdout)
    check_rule(data)
    assert 99999 not in {f["value"] for f in data["known_figures"]}   # script text dropped
    assert data["source"]["url"].endswith("/story")


def test_seed_takes_the_source_from_what_an_html_page_says_of_itself(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines() if line)
    head = ('<title>Floods in Italy | Test Wire</title>'
            '<meta property="og:title" content="Floods force 20,000 from homes">'
            '<meta property="og:site_name" content="Test Wire">'
            '<meta property="article:published_time" content="2024-05-17T09:13:00+02:00">'
            '<link rel="canonical" href="https://wire.example.org/floods">')
    page = tmp_path / "saved.html"
    page.write_text(f"<html><head>{head}</head><body><article>{paragraphs}</article></body></html>",
                    encoding="utf-8")
    out = cli("seed", str(page), "--name", "floods", "-o", "-", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert yaml.safe_load(out.stdout)["source"] == {
        "publisher": "Test Wire", "title": "Floods force 20,000 from homes",
        "published": "2024-05-17", "url": "https://wire.example.org/floods"}
    # what the command line says wins; a page with no such tags leaves the rest out
    given = cli("seed", str(page), "--name", "floods", "-o", "-", "--published", "2024-05-18",
                "--publisher", "Other Wire", cwd=tmp_path)
    assert yaml.safe_load(given.stdout)["source"]["published"] == "2024-05-18"
    assert yaml.safe_load(given.stdout)["source"]["publisher"] == "Other Wire"
    bare = tmp_path / "bare.html"
    bare.write_text(f"<html><body><article>{paragraphs}</article></body></html>", encoding="utf-8")
    assert "source" not in yaml.safe_load(cli("seed", str(bare), "--name", "floods", "-o", "-",
                                              cwd=tmp_path).stdout)


@pytest.mark.parametrize("published", ["Sept 18", "2024-13-45", "18/09/2024"])
def test_seed_refuses_a_publication_date_that_is_not_one(tmp_path: Path, published: str) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = cli("seed", str(article), "--name", "floods", "-o", "-", "--published", published,
              cwd=tmp_path)
    assert out.returncode == 2 and "--published" in out.stderr


def test_seed_refuses_private_urls_by_default(tmp_path: Path) -> None:
    config = tmp_path / "watcher.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    with LoopbackServer({"/story": lambda _r: text(ARTICLE)}) as server:
        out = cli("seed", "--url", server.url("/story"), "--name", "x", "-o", "-",
                  cwd=tmp_path, config=config)
        assert server.requests == []
    assert out.returncode == 1
    assert "loopback" in out.stderr


def test_seed_needs_exactly_one_source(tmp_path: Path) -> None:
    out = cli("seed", "--name", "x", "-o", "-", cwd=tmp_path)
    assert out.returncode == 2 and "ARTICLE file or --url" in out.stderr


def test_seed_refuses_what_is_not_an_article(tmp_path: Path) -> None:
    """A PDF or an image given by mistake gets a clear error and no rule file."""
    pdf = tmp_path / "article.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 64)
    out = tmp_path / "rules" / "floods.yaml"
    result = cli("seed", str(pdf), "--name", "floods", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert "not text" in result.stderr
    assert not out.exists()


def test_seed_reads_the_start_of_a_very_long_text(tmp_path: Path) -> None:
    """Far longer than any article (a whole archive pasted in): the start is read, and said."""
    path = tmp_path / "long.txt"
    path.write_text(ARTICLE + "\n" + "The water receded slowly along the river banks. " * 5000,
                    encoding="utf-8")
    result = cli("seed", str(path), "--name", "floods", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the article is long" in result.stderr
    check_rule(yaml.safe_load(result.stdout))


def test_seed_refuses_a_file_larger_than_any_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import watcher.cli

    monkeypatch.setattr(watcher.cli, "MAX_ARTICLE_BYTES", 1000)
    path = tmp_path / "page.html"
    path.write_text("<html><body>" + "<p>North Korea sent troops.</p>" * 100 + "</body></html>")
    result = CliRunner().invoke(watcher.cli.main, ["seed", str(path), "--name", "x", "-o", "-"])
    assert result.exit_code != 0
    assert "larger than" in result.output
