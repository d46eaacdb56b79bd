"""Replay a labelled stream of items through the bundled rule and judge every alert.

    .venv/bin/python benchmarks/bench_replay.py [--set tests/data/replay] [--rule rules/nk-troops.yaml]
                                                [--list]

The set (``items.yaml``, see its README.md) holds items in the order they were published, each
labelled with the story's ``parties`` (actors taking part in the story), its ``sources`` (outlets,
think tanks and commentators credited), ``other`` actors, the story's ``figures`` and
``other_figures``. Each item goes through what the service decides for a rule's hit
(:func:`watcher.core.story_news`: match, the passage about the story, extraction, the figures
that are the story's, what the story does not know yet), and the story learns what was alerted,
as the service does. Printed:

* items matched: on-topic and other stories;
* alerted actors: parties (wanted), sources, other, unlabelled (an extraction error); and the
  parties that first appeared in a matched item and were never alerted (missed);
* alerted figures: the story's with the key of the label, the story's under another key, other
  things', unlabelled; and the story's figures that were never alerted while new (missed).

``--list`` prints every alert with its verdict. The set is development data: its README says how
it was written.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from watcher.core import story_news
from watcher.extract import get_extractor
from watcher.extract.evaluate import load_items
from watcher.models import KnownFigure
from watcher.novelty import Story, actor_names, normalise_name
from watcher.rules import RuleSet, load_rule_file

ROOT = Path(__file__).resolve().parents[1]
REPLAY = ROOT / "tests" / "data" / "replay"
BUNDLED = ROOT / "rules" / "nk-troops.yaml"
ON_TOPIC = "nk-troops"


def _names(entry: Mapping[str, Any]) -> set[str]:
    return {normalise_name(str(n)) for n in (entry.get("name"), *(entry.get("aliases") or ())) if n}


def _labelled(entries: Iterable[Mapping[str, Any]] | None) -> list[set[str]]:
    return [_names(e) for e in entries or ()]


def _which(names: set[str], labelled: Sequence[set[str]]) -> int | None:
    return next((i for i, ls in enumerate(labelled) if not names.isdisjoint(ls)), None)


@dataclass
class Report:
    matched_on_topic: int = 0
    on_topic: int = 0
    matched_other: int = 0
    other_stories: int = 0
    actors: Counter[str] = field(default_factory=Counter)     # verdict -> alerts
    figures: Counter[str] = field(default_factory=Counter)
    missed_parties: list[tuple[str, str]] = field(default_factory=list)   # (item id, name)
    missed_figures: list[tuple[str, str]] = field(default_factory=list)   # (item id, "key value")
    lines: list[str] = field(default_factory=list)


def replay(items: Sequence[Mapping[str, Any]], rule_path: Path) -> Report:
    rule = load_rule_file(rule_path)
    rules = RuleSet((rule,))
    extractor = get_extractor()
    story = Story(rule.known_figures, rule.known_actors)
    known_names: set[str] = set()
    for a in rule.known_actors:
        known_names |= actor_names(a)
    known_figures = {(str(f.key), float(f.value)) for f in rule.known_figures}
    report = Report()
    for item in sorted(items, key=lambda i: (p.timestamp() if (p := _published(i)) else 0.0)):
        ident = str(item.get("id"))
        title, text = str(item.get("title") or ""), str(item.get("text") or "")
        on_topic = item.get("story") == ON_TOPIC
        report.on_topic += on_topic
        report.other_stories += not on_topic
        parties = _labelled(item.get("parties"))
        sources = _labelled(item.get("sources"))
        others = _labelled(item.get("other"))
        labelled_figures = [(str(f.get("key")), float(f.get("value"))) for f in item.get("figures") or ()]
        other_values = {float(f.get("value")) for f in item.get("other_figures") or ()}
        if not rules.match(title, text):
            continue
        report.matched_on_topic += on_topic
        report.matched_other += not on_topic
        passage = rules.passage(rule.name, text)
        extraction = extractor.extract(f"{title}\n\n{passage}")
        _found, figures, actors = story_news(rules, rule, title, passage, extraction, story)
        alerted_names: set[str] = set()
        for a in actors:
            names = actor_names(a)
            alerted_names |= names
            verdict = ("party" if _which(names, parties) is not None else
                       "source" if _which(names, sources) is not None else
                       "other" if _which(names, others) is not None else "unlabelled")
            report.actors[verdict] += 1
            report.lines.append(f"{ident}  actor   {verdict:<10} {a.name} ({a.kind})")
        for f in figures:
            values = {v for _k, v in labelled_figures}
            verdict = ("story" if (f.key, float(f.value)) in labelled_figures else
                       "story, other key" if float(f.value) in values else
                       "other" if float(f.value) in other_values else "unlabelled")
            report.figures[verdict] += 1
            report.lines.append(f"{ident}  figure  {verdict:<10} {f.value:g} {f.key}  | {f.text[:90]}")
        # the story learns what was alerted, as the service does
        story.learn([KnownFigure(key=f.key, value=f.value, quantity=f.quantity, said_by=f.said_by,
                                 published=_published(item)) for f in figures], actors)
        # what an analyst wanted and did not get: parties new to the story, figures new to it
        if on_topic:
            for p in item.get("parties") or ():
                names = _names(p)
                if names.isdisjoint(known_names) and names.isdisjoint(alerted_names):
                    report.missed_parties.append((ident, str(p.get("name"))))
                known_names |= names
            alerted = {(f.key, float(f.value)) for f in figures}
            for k, v in labelled_figures:
                if (k, v) not in known_figures and not any(v == av for _ak, av in alerted):
                    report.missed_figures.append((ident, f"{k} {v:g}"))
                known_figures.add((k, v))
        known_names |= alerted_names
    return report


def _published(item: Mapping[str, Any]) -> datetime | None:
    value = item.get("published")
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value)) if value else None


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, default=REPLAY, help="the replay set's folder")
    ap.add_argument("--rule", type=Path, default=BUNDLED)
    ap.add_argument("--list", action="store_true", help="print every alert with its verdict")
    args = ap.parse_args(argv)
    path = args.set / "items.yaml" if args.set.is_dir() else args.set
    r = replay(load_items(path), args.rule)
    if args.list:
        print("\n".join(r.lines))
        print()
    print(f"items matched              on-topic {r.matched_on_topic}/{r.on_topic}, "
          f"other stories {r.matched_other}/{r.other_stories}")
    a = r.actors
    print(f"alerted actors             {sum(a.values())}: parties {a['party']}, sources {a['source']}, "
          f"other {a['other']}, unlabelled {a['unlabelled']}")
    print(f"  parties missed           {len(r.missed_parties)}: "
          + ", ".join(f"{i} {n}" for i, n in r.missed_parties[:20]))
    f = r.figures
    print(f"alerted figures            {sum(f.values())}: story {f['story']}, story under another key "
          f"{f['story, other key']}, other {f['other']}, unlabelled {f['unlabelled']}")
    print(f"  story figures missed     {len(r.missed_figures)}: "
          + ", ".join(f"{i} {n}" for i, n in r.missed_figures[:20]))


if __name__ == "__main__":
    main()
