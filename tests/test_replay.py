"""The labelled replay (tests/data/replay/, see its README.md): 64 items of the first story and of
others that mention it, in the order they were published, through what the service decides for a
rule's hit (``benchmarks/bench_replay.py``). Floors a little under what was measured when the set
arrived and after this session's changes (actors: 71 parties of 91 alerted, no sources, 14 other
actors; figures: 30 of 49 the story's under the labelled key, 39 under any, 7 other things')."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import yaml

ROOT = Path(__file__).resolve().parents[1]
REPLAY = ROOT / "tests" / "data" / "replay" / "items.yaml"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_replay", ROOT / "benchmarks" / "bench_replay.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


def test_replay_set_is_well_formed() -> None:
    items = yaml.safe_load(REPLAY.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == [f"rp-{n:03d}" for n in range(1, 65)]
    assert sum(i["story"] == "nk-troops" for i in items) == 46
    for item in items:
        for group in ("parties", "sources", "other"):
            for actor in item.get(group) or ():
                assert actor["kind"] in ("country", "organisation", "person", "place"), (item["id"], actor)
        for fig in item.get("figures") or ():
            assert fig["key"] and isinstance(fig["value"], int | float), (item["id"], fig)


def test_alerts_of_the_replay() -> None:
    bench = _bench()
    report = bench.replay(bench.load_items(REPLAY), ROOT / "rules" / "nk-troops.yaml")
    assert report.matched_on_topic >= 44 and report.matched_other <= 8
    actors, figures = report.actors, report.figures
    # outlets, think tanks and commentators are no new actors of the story
    assert actors["source"] <= 1, report.lines
    assert actors["party"] >= 65 and actors["party"] >= 0.65 * sum(actors.values()), report.lines
    assert actors["other"] + actors["unlabelled"] <= 24, report.lines
    assert len(report.missed_parties) <= 14, report.missed_parties
    assert figures["story"] + figures["story, other key"] >= 38, report.lines
    assert figures["other"] + figures["unlabelled"] <= 12, report.lines
    assert len(report.missed_figures) <= 3, report.missed_figures
