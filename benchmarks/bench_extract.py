"""Benchmark the rule extractor against a naive baseline on the labelled eval set.

Prints per-category precision/recall (actors by kind, figures) and items per second on one
core (CPU time), side by side:

    .venv/bin/python benchmarks/bench_extract.py [--items tests/data/eval/items.yaml] [--repeat 20]

Baseline: every capitalised word (outside a sentence start) is an actor, every number a figure.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from watcher.extract import get_extractor
from watcher.extract.evaluate import Score, evaluate, item_text, load_items
from watcher.models import Actor, Extraction, Figure
from watcher.parse import MAX_TEXT_CHARS
from watcher.rules import RuleSet, load_rule_file

ROOT = Path(__file__).resolve().parents[1]
_CAP_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w\-]+")
_NUM_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def baseline(text: str) -> Extraction:
    actors = {m.group(0): Actor(m.group(0), "organisation") for m in _CAP_RE.finditer(text)}
    figures = [Figure(float(m.group(0).replace(",", "")), "thing", "") for m in _NUM_RE.finditer(text)
               if m.group(0).replace(",", "").replace(".", "", 1).isdigit()]
    return Extraction(tuple(actors.values()), tuple(figures))


def by_kind(items: Sequence[Mapping[str, Any]], fn: Callable[[str], Extraction]) -> dict[str, Score]:
    """Actor precision/recall per kind (a prediction counts for the kind it claims)."""
    out: dict[str, Score] = {}
    for kind in ("country", "organisation", "person", "place"):
        sub = []
        for it in items:
            sub.append({**it, "actors": [a for a in it.get("actors") or [] if a.get("kind") == kind]})
        def only(text: str, kind: str = kind) -> Extraction:
            e = fn(text)
            return Extraction(tuple(a for a in e.actors if a.kind == kind or fn is baseline), e.figures)
        out[kind] = evaluate(sub, only)[0]
    return out


def speed(items: Sequence[Mapping[str, Any]], fn: Callable[[str], Extraction], repeat: int) -> float:
    """Items per second of CPU time of this process (one core: the extractor is single-threaded),
    median of 5 runs; CPU time rather than wall time so that other work on the machine does not
    count against it."""
    texts = [item_text(i) for i in items]
    runs = []
    for _ in range(5):
        t0 = time.process_time()
        for _ in range(repeat):
            for t in texts:
                fn(t)
        runs.append(len(texts) * repeat / (time.process_time() - t0))
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--items", type=Path, default=ROOT / "tests" / "data" / "eval" / "items.yaml")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    items = load_items(args.items)
    rules = get_extractor().extract
    words = statistics.mean(len(item_text(i).split()) for i in items)
    print(f"{len(items)} items, {words:.0f} words on average\n")
    rows: list[tuple[str, str, str]] = []
    ra, rf = evaluate(items, rules)
    ba, bf = evaluate(items, baseline)
    def pr(s: Score) -> str:
        return f"P={s.precision:.3f} R={s.recall:.3f}"
    rows.append(("actors (all)", pr(ra), pr(ba)))
    rk, bk = by_kind(items, rules), by_kind(items, baseline)
    for kind in rk:
        rows.append((f"  {kind}", pr(rk[kind]), pr(bk[kind])))
    rows.append(("  kind agreement", f"{ra.agreement:.3f}", "-"))
    rows.append(("figures", pr(rf), pr(bf)))
    rows.append(("  key agreement", f"{rf.agreement:.3f}", f"{bf.agreement:.3f}"))
    rows.append(("  said_by agreement", f"{rf.said_by_agreement:.3f}", f"{bf.said_by_agreement:.3f}"))
    rows.append(("items/s (one core)", f"{speed(items, rules, args.repeat):,.0f}",
                 f"{speed(items, baseline, args.repeat):,.0f}"))
    bundled = ROOT / "rules" / "nk-troops.yaml"
    if bundled.exists():
        # what the engine does per new item: match every rule, extract when one matches
        ruleset = RuleSet((load_rule_file(bundled),))

        def analyse(text: str) -> Extraction:
            title, _, body = text.partition("\n\n")
            return rules(text) if ruleset.match(title, body) else Extraction()

        rows.append(("analysis (match + extract)", f"{speed(items, analyse, args.repeat):,.0f}", "-"))
    cut = [{"title": "", "text": " ".join(item_text(i).split()[:60])} for i in items]
    rows.append(("items/s, 60-word items", f"{speed(cut, rules, args.repeat):,.0f}",
                 f"{speed(cut, baseline, args.repeat):,.0f}"))
    # the longest text an item keeps (watcher.parse.MAX_TEXT_CHARS): every labelled item end
    # to end, so that a cost growing faster than the text shows
    whole = " ".join(item_text(i) for i in items)
    longest = [{"title": "", "text": (whole * (MAX_TEXT_CHARS // len(whole) + 1))[:MAX_TEXT_CHARS]}]
    rows.append((f"s per {MAX_TEXT_CHARS:,}-char item", f"{1 / speed(longest, rules, 1):.2f}",
                 f"{1 / speed(longest, baseline, 1):.2f}"))
    w = max(len(r[0]) for r in rows)
    print(f"{'':{w}}  {'rules':<20}  {'naive baseline':<20}")
    for name, a, b in rows:
        print(f"{name:{w}}  {a:<20}  {b:<20}")


if __name__ == "__main__":
    main()
