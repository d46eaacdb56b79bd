"""Score an extractor against a labelled set (tests/data/eval/items.yaml; format in its header).

Actors match when a normalised name or alias of the prediction equals one of the gold actor
(kind agreement is reported separately); figures match by value (key and said_by agreement
reported separately). Matching is one-to-one within an item.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from watcher.extract import Extractor
from watcher.models import Extraction, base_key
from watcher.novelty import normalise_name


@dataclass
class Score:
    """Counts for one category; precision/recall computed from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    agree: int = 0          # matched pairs whose kind (actors) / key (figures) agree
    said_by_agree: int = 0  # figures: matched pairs whose said_by agrees (both None counts)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def agreement(self) -> float:
        return self.agree / self.tp if self.tp else 1.0

    @property
    def said_by_agreement(self) -> float:
        return self.said_by_agree / self.tp if self.tp else 1.0


def load_items(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a YAML list of items")
    return [d for d in data if isinstance(d, dict)]


def item_text(item: Mapping[str, Any]) -> str:
    """What the extractor reads for an item: title, blank line, text."""
    return f"{item.get('title') or ''}\n\n{item.get('text') or ''}"


def _names(name: str, aliases: Iterable[str]) -> set[str]:
    return {normalise_name(n) for n in (name, *aliases) if n}


def _qualified(pred: str, gold: set[str]) -> bool:
    """Whether ``pred`` is one of ``gold``'s names with its country's adjective before it: the
    extractor names a body every country has after its country ("Russia's Defence Ministry" is
    the Russian Defence Ministry), where a label may keep the bare name ("Defence Ministry")."""
    name = normalise_name(pred)
    return any(" " in g and name.endswith(" " + g) and name[:-len(g) - 1].count(" ") <= 1 for g in gold)


def score_actors(pred: Extraction, gold: Sequence[Mapping[str, Any]], s: Score, item_id: str = "") -> None:
    pred_names = [(_names(a.name, a.aliases), a) for a in pred.actors]
    gold_names = [_names(str(g["name"]), [str(x) for x in g.get("aliases") or ()]) for g in gold]
    pairs: dict[int, int] = {}
    used: set[int] = set()
    # pass 1: same name, then same kind with a shared alias, then any shared alias
    tests = (
        lambda gi, pi: normalise_name(str(gold[gi]["name"])) == normalise_name(pred_names[pi][1].name),
        lambda gi, pi: bool(gold_names[gi] & pred_names[pi][0]) and pred_names[pi][1].kind == gold[gi].get("kind"),
        lambda gi, pi: bool(gold_names[gi] & pred_names[pi][0]),
        lambda gi, pi: pred_names[pi][1].kind == "organisation" and _qualified(pred_names[pi][1].name, gold_names[gi]),
    )
    for test in tests:
        for gi in range(len(gold)):
            if gi in pairs:
                continue
            for pi in range(len(pred_names)):
                if pi not in used and test(gi, pi):
                    pairs[gi] = pi
                    used.add(pi)
                    break
    for gi, g in enumerate(gold):
        if gi not in pairs:
            s.fn += 1
            s.errors.append(f"{item_id}: missed actor {g['name']} ({g.get('kind')})")
            continue
        s.tp += 1
        p = pred_names[pairs[gi]][1]
        if p.kind == g.get("kind"):
            s.agree += 1
        else:
            s.errors.append(f"{item_id}: kind of {g['name']}: {p.kind} != {g.get('kind')}")
    for i, (_, a) in enumerate(pred_names):
        if i not in used:
            s.fp += 1
            s.errors.append(f"{item_id}: spurious actor {a.name} ({a.kind})")


def score_figures(pred: Extraction, gold: Sequence[Mapping[str, Any]], s: Score, item_id: str = "",
                  gold_actors: Sequence[Mapping[str, Any]] = ()) -> None:
    # said_by agrees when the prediction names the gold speaker by any of its gold names
    speaker_names: dict[str, set[str]] = {}
    for a in gold_actors:
        names = _names(str(a["name"]), [str(x) for x in a.get("aliases") or ()])
        speaker_names[normalise_name(str(a["name"]))] = names
    used: set[int] = set()
    figs = list(pred.figures)
    for g in gold:
        gv = float(g["value"])
        # prefer a prediction with the same key when a value occurs twice
        cands = [i for i, f in enumerate(figs) if i not in used and math.isclose(f.value, gv, rel_tol=1e-9)]
        # (an increment's key is its thing's: "1,500 more" is labelled troops)
        same_key = [i for i in cands if base_key(figs[i].key) == g.get("key")]
        pick = same_key or cands
        hit: int | None = pick[0] if pick else None
        if hit is None:
            s.fn += 1
            s.errors.append(f"{item_id}: missed figure {g['value']} {g.get('key')}")
            continue
        used.add(hit)
        s.tp += 1
        f = figs[hit]
        if base_key(f.key) == g.get("key"):
            s.agree += 1
        else:
            s.errors.append(f"{item_id}: key of {g['value']}: {f.key} != {g.get('key')}")
        gs = g.get("said_by")
        gs_names = speaker_names.get(normalise_name(gs), {normalise_name(gs)}) if gs else set()
        if (f.said_by or None) == (gs or None) or (f.said_by and (
                normalise_name(f.said_by) in gs_names or _qualified(f.said_by, gs_names))):
            s.said_by_agree += 1
        else:
            s.errors.append(f"{item_id}: said_by of {g['value']}: {f.said_by} != {gs}")
    for i, f in enumerate(figs):
        if i not in used:
            s.fp += 1
            s.errors.append(f"{item_id}: spurious figure {f.value:g} {f.key}")


def evaluate(items: Sequence[Mapping[str, Any]], extract: Extractor | Callable[[str], Extraction]) -> tuple[Score, Score]:
    """(actor score, figure score) of ``extract`` over ``items``."""
    fn = extract.extract if hasattr(extract, "extract") else extract
    actors, figures = Score(), Score()
    for item in items:
        pred = fn(item_text(item))
        iid = str(item.get("id", "?"))
        score_actors(pred, item.get("actors") or [], actors, iid)
        score_figures(pred, item.get("figures") or [], figures, iid, item.get("actors") or [])
    return actors, figures
