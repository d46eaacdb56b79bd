"""Rule matching speed: items/s for 1, 50 and 500 rules, against a naive per-rule regex baseline.

Run from the project root:  python benchmarks/bench_match.py  [--items N] [--seed S]

Everything is synthetic and generated in-process (no network, no files): a Zipf-distributed
vocabulary of made-up words, news-like items (title + body; body lengths skewed like real
feed items, mean around 900 characters) and rules shaped like the seed rule (an actor with
aliases, two `any` groups with prefixes and phrases, a `none` phrase). About 3% of items are
written to satisfy some rule, so the benchmark also pays for evaluating real hits.

The baseline compiles one regex per term and evaluates each rule's condition in turn on the
raw text: its cost grows with the number of rules. ``RuleSet.match`` scans each item once
with one automaton holding every term, so its cost follows the item length and what matches.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from watcher.rules import RuleSet, parse_rule
from watcher.rules._text import item_text
from watcher.rules.matching import Rule, lead

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "de", "pa", "gu", "ri", "zo",
             "be", "an", "el", "or", "us", "ki", "ma", "no", "te", "ul", "ya"]
SEPARATORS = [" "] * 40 + [", "] * 4 + [". "] * 3 + [" - ", "-", "'s ", "’s ", ": ", " (", ") ",
                                                     "; ", "\n\n", " “", "” "]


def make_vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


class Corpus:
    def __init__(self, rng: random.Random, vocabulary: list[str]):
        self.rng = rng
        self.vocabulary = vocabulary
        weights = [1.0 / (rank + 10) for rank in range(len(vocabulary))]   # Zipf-like
        cum = 0.0
        self.cum_weights = []
        for w in weights:
            cum += w
            self.cum_weights.append(cum)

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=n)

    def sentence_text(self, words: list[str]) -> str:
        rng = self.rng
        out: list[str] = []
        for i, word in enumerate(words):
            if rng.random() < 0.08:
                word = word.capitalize()
            out.append(word)
            if i < len(words) - 1:
                out.append(rng.choice(SEPARATORS))
        return "".join(out) + "."


def make_rule(rng: random.Random, corpus: Corpus, index: int) -> dict[str, Any]:
    content = corpus.vocabulary[300:8000]          # mid-frequency "content" words
    actor = rng.choice(content).capitalize() + " " + rng.choice(content).capitalize()
    aliases = [rng.choice(content).upper(), rng.choice(content).capitalize() + "ese"]
    places = [rng.choice(content).capitalize() for _ in range(rng.randint(2, 4))]
    things = [rng.choice(content) for _ in range(rng.randint(3, 5))]
    things += [rng.choice(content)[:5] + "*", f"{rng.choice(content)} {rng.choice(content)}"]
    return {
        "name": f"rule-{index:04d}",
        "description": f"synthetic rule {index}",
        "match": {
            "all": [actor, {"any": places}, {"any": things}],
            "none": [f"{rng.choice(content)} {rng.choice(content)}"],
        },
        "known_actors": [{"name": actor, "kind": "country", "aliases": aliases}],
    }


def planted_words(rng: random.Random, spec: dict[str, Any]) -> list[str]:
    """Words that satisfy ``spec`` (an actor alias, one place, one thing)."""
    actor = spec["known_actors"][0]
    all_ = spec["match"]["all"]
    thing = rng.choice(all_[2]["any"]).rstrip("*")
    return [rng.choice([actor["name"], *actor["aliases"]]), rng.choice(all_[1]["any"]), thing]


def make_items(rng: random.Random, corpus: Corpus, specs: list[dict[str, Any]],
               count: int) -> list[tuple[str, str]]:
    items = []
    for _ in range(count):
        title = corpus.sentence_text(corpus.words(rng.randint(6, 14)))
        n_body = min(int(rng.lognormvariate(4.2, 1.0)), 3000)   # median ~67 words, long tail
        body_words = corpus.words(n_body)
        if rng.random() < 0.03:
            for phrase in planted_words(rng, rng.choice(specs)):
                body_words.insert(rng.randint(0, len(body_words)), phrase)
        items.append((title, corpus.sentence_text(body_words)))
    return items


# --- naive baseline: one regex per term, each rule evaluated in turn ----------------------

_SOFT = r"[\s\-\u2010\u2011'\u2018\u2019\"\u201c\u201d_]+"


def term_regex(term: str) -> re.Pattern[str]:
    prefix = term.endswith("*")
    words = [w for w in re.split(r"[\s\-]+", term.rstrip("*")) if w]
    body = _SOFT.join(re.escape(w) for w in words)
    end = "" if prefix else r"(?![^\W_])"
    return re.compile(rf"(?<![^\W_]){body}{end}", re.IGNORECASE)


def compile_naive(spec: dict[str, Any]) -> Callable[[str, str], bool]:
    actors = {}
    for actor in spec.get("known_actors", []):
        names = [actor["name"], *actor.get("aliases", [])]
        for name in names:
            actors[name.casefold()] = names

    def entry(e: Any) -> Callable[[str, str], bool]:
        if isinstance(e, dict):
            return group(e)
        names = actors.get(e.casefold(), [e])
        patterns = [term_regex(n) for n in names]
        return lambda title, text: any(p.search(title) or p.search(text) for p in patterns)

    def group(g: dict[str, Any]) -> Callable[[str, str], bool]:
        alls = [entry(e) for e in g.get("all", [])]
        anys = [entry(e) for e in g.get("any", [])]
        nones = [entry(e) for e in g.get("none", [])]

        def check(title: str, text: str) -> bool:
            return (all(f(title, text) for f in alls)
                    and (not anys or any(f(title, text) for f in anys))
                    and not any(f(title, text) for f in nones))
        return check

    return group(spec["match"])


# --- measuring ---------------------------------------------------------------------------

def rate(fn: Callable[[str, str], Any], items: list[tuple[str, str]], budget: float) -> float:
    """Items per second over as many passes/items as fit in ``budget`` seconds (min. 100 items)."""
    done = 0
    start = time.perf_counter()
    while True:
        for title, text in items:
            fn(title, text)
            done += 1
            if done >= 100 and time.perf_counter() - start > budget:
                return done / (time.perf_counter() - start)
        if time.perf_counter() - start > budget:
            return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--seconds", type=float, default=3.0, help="time budget per measurement")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    corpus = Corpus(rng, make_vocabulary(rng, 20_000))
    specs = [make_rule(rng, corpus, i) for i in range(500)]
    items = make_items(rng, corpus, specs, args.items)

    t0 = time.perf_counter()
    rules: list[Rule] = [parse_rule(yaml.safe_dump(s, sort_keys=False), f"{s['name']}.yaml")
                         for s in specs]
    parse_s = time.perf_counter() - t0

    chars = sum(len(a) + len(b) for a, b in items) / len(items)
    print(f"python {sys.version.split()[0]}; {len(items)} synthetic items, mean "
          f"{chars:.0f} chars; parsing+validating 500 rule files took {parse_s:.2f} s")
    norm = rate(lambda a, b: item_text(a, b), items, args.seconds)
    print(f"normalising the text alone (the floor of any item's cost): {norm:,.0f} items/s")
    print(f"{'rules':>6} {'build ms':>9} {'RuleSet items/s':>16} {'naive items/s':>14} "
          f"{'speed-up':>9} {'hits/item':>10} {'same hits':>10}")
    for n in (1, 50, 500):
        t0 = time.perf_counter()
        ruleset = RuleSet(rules[:n])
        build_ms = (time.perf_counter() - t0) * 1000
        naive = [(s["name"], compile_naive(s)) for s in specs[:n]]

        def naive_match(title: str, text: str, naive: Any = naive) -> list[str]:
            text = lead(text)  # the matcher reads the title and the lead of long texts
            return [name for name, check in naive if check(title, text)]

        hits = sum(len(ruleset.match(a, b)) for a, b in items)
        sample = items[: min(len(items), 300)]
        same = all([m.rule for m in ruleset.match(a, b)] == naive_match(a, b) for a, b in sample)
        fast = rate(ruleset.match, items, args.seconds)
        slow = rate(naive_match, items, args.seconds)
        print(f"{n:>6} {build_ms:>9.1f} {fast:>16,.0f} {slow:>14,.0f} {fast / slow:>8.1f}x "
              f"{hits / len(items):>10.3f} {'yes' if same else 'NO':>10}")


if __name__ == "__main__":
    main()
