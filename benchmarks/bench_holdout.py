"""Measure the extractor and the bundled rule on a held-out set (default tests/data/holdout/).

    .venv/bin/python benchmarks/bench_holdout.py [--set tests/data/holdout2]
                                                 [--rule rules/nk-troops.yaml] [--worst 15]

``--set PATH`` names a held-out set: its folder (which holds ``items.yaml``) or the items file
itself; it defaults to the first set, tests/data/holdout/. ``--items FILE`` is the older spelling
for an items file and still works (the two options are exclusive).

Reports, with the scorer of watcher/extract/evaluate.py:

* actor and figure precision/recall (all items, then on-topic items only), with kind / key /
  said_by agreement of the matched pairs;
* for the bundled rule: recall on the on-topic items (story ``nk-troops``) and the number of
  distractors (every other story) it matches, listing each miss and false positive (id + title);
  then the same on the items cut as feeds often carry them (title + first sentence; title only);
* the worst extraction errors: the most frequent missed / spurious actors and figures across items
  (an error pattern is the scorer's message without its item id), with the items it occurs in.

The held-out sets were written without looking at the extractor; they are for measuring only. Do
not tune the extractor or the rule item by item against them (see the README.md of each set).
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watcher.extract import get_extractor
from watcher.extract.evaluate import Score, evaluate, load_items
from watcher.rules import RuleSet, load_rule_file

ROOT = Path(__file__).resolve().parents[1]
HOLDOUT_SET = ROOT / "tests" / "data" / "holdout"
HOLDOUT = HOLDOUT_SET / "items.yaml"
BUNDLED = ROOT / "rules" / "nk-troops.yaml"
ON_TOPIC = "nk-troops"

_ID_RE = re.compile(r"^(?P<id>[^:]+): (?P<msg>.*)$")


@dataclass(frozen=True)
class RuleReport:
    on_topic: int
    hits: int
    distractors: int
    misses: tuple[tuple[str, str], ...]           # (id, title) of on-topic items not matched
    false_positives: tuple[tuple[str, str], ...]  # (id, title) of distractors matched

    @property
    def recall(self) -> float:
        return self.hits / self.on_topic if self.on_topic else 1.0


def short_item(item: Mapping[str, Any], sentences: int) -> dict[str, Any]:
    """``item`` as a feed often carries it: its title and the first ``sentences`` sentences of
    its text (0: the title alone)."""
    text = " ".join(str(item.get("text") or "").split())
    return {**item, "text": " ".join(re.split(r"(?<=[.!?])\s+", text)[:sentences]) if sentences else ""}


def rule_report(items: Sequence[Mapping[str, Any]], rule_path: Path, story: str = ON_TOPIC) -> RuleReport:
    """Match every item against the one rule in ``rule_path`` as the engine does (title, text)."""
    ruleset = RuleSet((load_rule_file(rule_path),))
    on_topic = hits = distractors = 0
    misses: list[tuple[str, str]] = []
    fps: list[tuple[str, str]] = []
    for item in items:
        title, text = str(item.get("title") or ""), str(item.get("text") or "")
        matched = bool(ruleset.match(title, text))
        ident = (str(item.get("id")), title)
        if item.get("story") == story:
            on_topic += 1
            if matched:
                hits += 1
            else:
                misses.append(ident)
        else:
            distractors += 1
            if matched:
                fps.append(ident)
    return RuleReport(on_topic, hits, distractors, tuple(misses), tuple(fps))


def worst_errors(score: Score, limit: int, kinds: tuple[str, ...] = ("missed", "spurious")) -> list[tuple[str, list[str]]]:
    """The most frequent error patterns of ``score`` (messages starting with one of ``kinds``),
    most frequent first: (pattern, item ids)."""
    by_pattern: dict[str, list[str]] = defaultdict(list)
    for err in score.errors:
        m = _ID_RE.match(err)
        ident, msg = (m.group("id"), m.group("msg")) if m else ("?", err)
        if msg.startswith(kinds):
            by_pattern[msg].append(ident)
    ranked = sorted(by_pattern.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return ranked[:limit]


def resolve_set(path: Path) -> Path:
    """The items file of a held-out set given as its folder or as the file itself."""
    return path / "items.yaml" if path.is_dir() else path


def _pr(s: Score) -> str:
    return f"P={s.precision:.3f} R={s.recall:.3f}  (tp={s.tp} fp={s.fp} fn={s.fn})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--set", dest="set_path", metavar="PATH", type=Path, default=HOLDOUT_SET,
                       help="held-out set: its folder (holding items.yaml) or its items file "
                            "(default: %(default)s)")
    which.add_argument("--items", type=Path, default=None, help="items file (older spelling of --set)")
    ap.add_argument("--rule", type=Path, default=BUNDLED)
    ap.add_argument("--worst", type=int, default=15, help="how many error patterns to list")
    args = ap.parse_args()
    args.items = args.items if args.items is not None else resolve_set(args.set_path)
    if not args.items.is_file():
        ap.error(f"no held-out items file at {args.items}")

    items = load_items(args.items)
    on_topic = [i for i in items if i.get("story") == ON_TOPIC]
    extract = get_extractor().extract
    actors, figures = evaluate(items, extract)
    actors_on, figures_on = evaluate(on_topic, extract)

    print(f"held-out set: {args.items.relative_to(ROOT) if args.items.is_relative_to(ROOT) else args.items}")
    print(f"{len(items)} items: {len(on_topic)} on-topic ({ON_TOPIC}), {len(items) - len(on_topic)} distractors")
    print()
    print("Extraction (all items)")
    print(f"  actors   {_pr(actors)}  kind agreement {actors.agreement:.3f}")
    print(f"  figures  {_pr(figures)}  key agreement {figures.agreement:.3f}  "
          f"said_by agreement {figures.said_by_agreement:.3f}")
    print("Extraction (on-topic items only)")
    print(f"  actors   {_pr(actors_on)}")
    print(f"  figures  {_pr(figures_on)}")
    print()

    if args.rule.exists():
        rep = rule_report(items, args.rule)
        print(f"Rule {args.rule.name}")
        print(f"  on-topic recall {rep.recall:.3f} ({rep.hits}/{rep.on_topic})")
        print(f"  distractor false positives {len(rep.false_positives)}/{rep.distractors}")
        for ident, title in rep.misses:
            print(f"    miss  {ident}  {title}")
        for ident, title in rep.false_positives:
            print(f"    FP    {ident}  {title}")
        # feeds often carry a title and a sentence or two, not the whole text
        for cut, label in ((1, "title + 1st sentence"), (0, "title only")):
            short = rule_report([short_item(i, cut) for i in items], args.rule)
            print(f"  {label}: on-topic recall {short.recall:.3f} ({short.hits}/{short.on_topic}), "
                  f"distractor false positives {len(short.false_positives)}/{short.distractors}")
    else:
        print(f"Rule {args.rule}: not found, skipped")
    print()

    for name, score in (("actor", actors), ("figure", figures)):
        print(f"Worst {name} errors (most frequent missed/spurious, top {args.worst})")
        for pattern, ids in worst_errors(score, args.worst):
            shown = ", ".join(ids[:6]) + (", ..." if len(ids) > 6 else "")
            print(f"  {len(ids):>3}x  {pattern}  [{shown}]")
        print()


if __name__ == "__main__":
    main()
