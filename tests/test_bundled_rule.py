"""The bundled rule rules/nk-troops.yaml: it loads, catches the story's coverage in the labelled
eval set, ignores the distractors, and is what `watcher seed` makes from the seed article."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from watcher.cli import main
from watcher.novelty import normalise_name
from watcher.rules import RuleSet, load_rule_file

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "rules" / "nk-troops.yaml"
EVAL = ROOT / "tests" / "data" / "eval"
SEED = ROOT.parent / "shared" / "seeds" / "000_8262e4c9608e5df9.txt"

# How the bundled file was made (README and the rule's own `source` say the same).
SEED_ARGS = ["--name", "nk-troops", "--publisher", "The Korea Herald", "--published", "2024-10-21",
             "--title", "Evidence points to North Korea's looming troop deployment in Ukraine war"]


def _items() -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in yaml.safe_load((EVAL / "items.yaml").read_text(encoding="utf-8"))}


def _story(story_id: str) -> dict[str, Any]:
    stories = yaml.safe_load((EVAL / "stories.yaml").read_text(encoding="utf-8"))
    return next(s for s in stories if s["id"] == story_id)


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RuleSet((load_rule_file(BUNDLED),))


def test_bundled_rule_loads_with_a_baseline(ruleset: RuleSet) -> None:
    rule = ruleset.get("nk-troops")
    assert rule is not None
    names = {normalise_name(n) for a in rule.known_actors for n in (a.name, *a.aliases)}
    assert {"north korea", "pyongyang", "dprk", "russia", "moscow", "ukraine", "kyiv"} <= names
    assert {(f.key, f.value) for f in rule.known_figures} >= {("troops", 1500.0), ("troops", 11000.0)}
    assert BUNDLED.read_text(encoding="utf-8").endswith("\n")


def test_bundled_rule_catches_the_story_and_ignores_distractors(ruleset: RuleSet) -> None:
    items = _items()
    story = _story("nk-troops")

    def hit(iid: str) -> bool:
        return bool(ruleset.match(items[iid]["title"], items[iid]["text"]))

    caught = [i for i in story["hits"] if hit(i)]
    assert len(caught) >= 0.85 * len(story["hits"]), f"missed {sorted(set(story['hits']) - set(caught))}"
    assert [i for i in story["not_hits"] if hit(i)] == []
    # nor anything else that is not the story (the other stories' items, all distractors)
    strays = [i for i in items if i not in story["hits"] and hit(i)]
    assert strays == []


def _baseline(rule_text: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    data = yaml.safe_load(rule_text)
    actors = sorted((a["name"], a["kind"], tuple(a.get("aliases", ())), a.get("role"))
                    for a in data["known_actors"])
    figures = sorted((f["key"], f["value"], f.get("qualifier"), f.get("said_by"))
                     for f in data["known_figures"])
    return actors, figures


def test_regenerating_the_bundled_rule_gives_the_same_baseline(tmp_path: Path) -> None:
    if not SEED.exists():
        pytest.skip(f"seed article not present at {SEED} (shared/ is not checked out beside the project)")
    out = tmp_path / "nk-troops.yaml"
    result = CliRunner().invoke(main, ["seed", str(SEED), "-o", str(out), *SEED_ARGS])
    assert result.exit_code == 0, result.output
    bundled = BUNDLED.read_text(encoding="utf-8")
    fresh = out.read_text(encoding="utf-8")
    assert _baseline(fresh) == _baseline(bundled), (
        "rules/nk-troops.yaml is out of date: regenerate it with `watcher seed` (see SEED_ARGS)")
    assert yaml.safe_load(fresh)["match"] == yaml.safe_load(bundled)["match"]
