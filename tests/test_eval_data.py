"""Checks on the labelled evaluation set itself (tests/data/eval/).

The extractor's precision and recall are computed against these labels, so the labels must be
internally consistent: every labelled actor and figure must really be in its item's text, every
story must point at items that exist, and the conventions of the format contract must hold.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

EVAL_DIR = Path(__file__).parent / "data" / "eval"

STORY_IDS = {"nk-troops", "election", "quake", "markets", "strike"}
ACTOR_KINDS = {"country", "organisation", "person", "place"}

# Canonical heads a figure may count. Kept closed so that a typo ("troop", "percents") fails.
FIGURE_KEYS = {
    # people and forces
    "troops", "casualties", "deaths", "injured", "missing", "prisoners", "people", "displaced",
    "rescuers", "workers", "members", "jobs", "delegates", "leaders", "candidates", "voters",
    "astronauts", "passengers", "crew", "teams",
    # materiel and things
    "ammunition", "containers", "ships", "missiles", "drones", "artillery", "launchers",
    "aircraft", "homes", "schools", "boarding_schools", "dogs", "dams", "bolts", "tonnes",
    "shares", "ports", "countries", "states", "provinces", "communes", "matches", "spectators",
    # money
    "usd", "eur", "chf", "jpy", "mad", "uah",
    # measures
    "percent", "percentage_points", "basis_points", "points", "exchange_rate", "magnitude", "km",
    # votes
    "seats", "votes",
    # durations of the story's own events
    "minutes", "hours", "days", "weeks", "months", "years",
}

# Surface forms that stand for a country besides its name: demonyms, capitals used for the
# government, acronyms. Used both to accept a labelled country whose name is not written out and
# to catch a country mention that was left unlabelled.
COUNTRY_FORMS: dict[str, tuple[str, ...]] = {
    "North Korea": ("North Korean", "Pyongyang", "DPRK"),
    "South Korea": ("South Korean", "Seoul", "ROK"),
    "Russia": ("Russian", "Moscow"),
    "Ukraine": ("Ukrainian", "Kyiv"),
    "United States": ("US", "U.S.", "American", "Washington"),
    "United Kingdom": ("UK", "Britain", "British", "London"),
    "China": ("Chinese", "Beijing"),
    "Japan": ("Japanese", "Tokyo"),
    "Italy": ("Italian", "Rome"),
    "France": ("French", "Paris"),
    "Germany": ("German", "Berlin"),
    "Spain": ("Spanish", "Madrid"),
    "Portugal": ("Portuguese", "Lisbon"),
    "Netherlands": ("Dutch", "Amsterdam"),
    "Mongolia": ("Mongolian", "Ulaanbaatar"),
    "India": ("Indian", "New Delhi"),
    "Israel": ("Israeli",),
    "Qatar": ("Qatari", "Doha"),
    "United Arab Emirates": ("UAE", "Emirati", "Abu Dhabi"),
    "Morocco": ("Moroccan", "Rabat"),
    "Libya": ("Libyan", "Tripoli"),
    "Afghanistan": ("Afghan", "Kabul"),
    "Taiwan": ("Taiwanese", "Taipei"),
    "Australia": ("Australian", "Canberra"),
    "Peru": ("Peruvian",),
}
CAPITALS = {
    "Pyongyang", "Seoul", "Moscow", "Kyiv", "Washington", "London", "Beijing", "Tokyo", "Rome",
    "Paris", "Berlin", "Madrid", "Lisbon", "Amsterdam", "Ulaanbaatar", "New Delhi", "Doha",
    "Abu Dhabi", "Rabat", "Tripoli", "Kabul", "Taipei", "Canberra",
}

_SMALL = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


# --- loading -------------------------------------------------------------------------------

@cache
def _items() -> tuple[dict[str, Any], ...]:
    data = yaml.safe_load((EVAL_DIR / "items.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list), "items.yaml must be a YAML list"
    return tuple(data)


@cache
def _stories() -> tuple[dict[str, Any], ...]:
    data = yaml.safe_load((EVAL_DIR / "stories.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list), "stories.yaml must be a YAML list"
    return tuple(data)


def _by_id() -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in _items()}


def _full_text(item: dict[str, Any]) -> str:
    return f"{item['title']}\n{item['text']}"


def _ids(seq: tuple[dict[str, Any], ...]) -> list[str]:
    return [str(x["id"]) for x in seq]


# --- written forms of numbers --------------------------------------------------------------

def number_words(n: int) -> str:
    """English words for 0 <= n < 1,000,000 ("twenty-one", "three hundred and five")."""
    if n < 0 or n >= 1_000_000:
        raise ValueError(n)
    if n < 20:
        return _SMALL[n]
    if n < 100:
        tens, rest = divmod(n, 10)
        return _TENS[tens] + (f"-{_SMALL[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{_SMALL[hundreds]} hundred"
        return head + (f" and {number_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{number_words(thousands)} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + number_words(rest)


def _plain(x: float) -> str:
    """Shortest decimal spelling of x: 2.0 -> "2", 20.95 -> "20.95"."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def written_forms(value: float) -> set[str]:
    """Ways a news text may write ``value``: 1500 / 1,500 / 1.5 thousand / 8 million / seven."""
    forms = {_plain(value)}
    if value == int(value):
        n = int(value)
        forms.add(f"{n:,}")
        if n < 1_000_000:
            forms.add(number_words(n))
    else:
        whole, frac = _plain(value).split(".")
        forms.add(f"{int(whole):,}.{frac}")
    for scale, long, short in (
        (1e12, "trillion", "tn"),
        (1e9, "billion", "bn"),
        (1e6, "million", "m"),
        (1e3, "thousand", "k"),
    ):
        if value >= scale:
            q = value / scale
            forms.update({f"{_plain(q)} {long}", f"{_plain(q)}{short}", f"{_plain(q)}-{long}"})
            if q == int(q) and q < 100:
                forms.add(f"{number_words(int(q))} {long}")
    return forms


def _form_in(form: str, text: str) -> bool:
    pattern = rf"(?<![\w.,]){re.escape(form)}(?!\w|[.,]\d)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def _surface_in(surface: str, text: str) -> bool:
    """Case-sensitive whole-word match; a plural or possessive ending is allowed."""
    return re.search(rf"(?<!\w){re.escape(surface)}s?(?!\w)", text) is not None


# --- the helpers themselves ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "written"),
    [
        (3000, "3,000 troops"),
        (8_000_000, "over 8 million units"),
        (7, "seven Russian naval vessels"),
        (2_500_000_000, "$2.5 billion"),
        (12.4, "fell 12.4%"),
        (4451.28, "down 4,451.28 points"),
        (21, "twenty-one ships"),
        (250, "two hundred and fifty"),
    ],
)
def test_written_forms_are_found(value: float, written: str) -> None:
    assert any(_form_in(f, written) for f in written_forms(value))


@pytest.mark.parametrize(
    ("value", "written"),
    [(1500, "11,500 troops"), (7, "seventeen"), (2.5, "12.5%"), (100, "1,000"), (6, "Su-27 ... 26")],
)
def test_written_forms_do_not_match_inside_other_numbers(value: float, written: str) -> None:
    assert not any(_form_in(f, written) for f in written_forms(value))


# --- items ---------------------------------------------------------------------------------

def test_items_parse_and_ids_are_unique() -> None:
    items = _items()
    assert len(items) >= 100
    counts = Counter(_ids(items))
    assert [i for i, c in counts.items() if c > 1] == []
    for item in items:
        assert re.fullmatch(r"(nk|el|qk|mk|st)-\d{3}", item["id"]), item["id"]


def test_items_have_required_fields() -> None:
    for item in _items():
        where = item.get("id")
        assert set(item) == {"id", "story", "title", "text", "actors", "figures"}, where
        for field in ("story", "title", "text"):
            assert isinstance(item[field], str) and item[field].strip(), (where, field)
        assert len(item["text"]) >= 120, where
        assert isinstance(item["actors"], list) and item["actors"], where
        assert isinstance(item["figures"], list), where


def test_actor_labels_are_well_formed() -> None:
    for item in _items():
        names = [a["name"] for a in item["actors"]]
        assert len(names) == len(set(names)), (item["id"], names)
        for actor in item["actors"]:
            assert set(actor) <= {"name", "kind", "aliases"}, (item["id"], actor)
            assert actor["kind"] in ACTOR_KINDS, (item["id"], actor)
            assert isinstance(actor["name"], str) and actor["name"].strip(), item["id"]
            aliases = actor.get("aliases", [])
            assert isinstance(aliases, list), (item["id"], actor)
            assert all(isinstance(a, str) and a.strip() for a in aliases), (item["id"], actor)
            assert actor["name"] not in aliases, (item["id"], actor)


def test_figure_labels_are_well_formed() -> None:
    for item in _items():
        actor_names = {a["name"] for a in item["actors"]}
        pairs = [(f["key"], f["value"]) for f in item["figures"]]
        assert len(pairs) == len(set(pairs)), (item["id"], "duplicate figure")
        for fig in item["figures"]:
            assert set(fig) <= {"value", "key", "said_by"}, (item["id"], fig)
            assert isinstance(fig["value"], int | float) and not isinstance(fig["value"], bool)
            assert fig["value"] > 0, (item["id"], fig)
            assert fig["key"] in FIGURE_KEYS, (item["id"], fig)
            if "said_by" in fig:
                assert fig["said_by"] in actor_names, (item["id"], fig)


def test_figure_values_are_written_in_the_item() -> None:
    missing = []
    for item in _items():
        text = _full_text(item)
        for fig in item["figures"]:
            if not any(_form_in(form, text) for form in written_forms(fig["value"])):
                missing.append((item["id"], fig["key"], fig["value"]))
    assert missing == []


def test_actor_names_or_aliases_are_written_in_the_item() -> None:
    missing = []
    for item in _items():
        text = _full_text(item)
        for actor in item["actors"]:
            surfaces = [actor["name"], *actor.get("aliases", [])]
            if actor["kind"] == "country":
                surfaces += COUNTRY_FORMS.get(actor["name"], ())
            if not any(_surface_in(s, text) for s in surfaces):
                missing.append((item["id"], actor["name"]))
    assert missing == []


def test_country_mentions_are_labelled() -> None:
    """A country's name, demonym or capital in the text must be labelled (as the country, or,
    for a capital used as a location, as a place). Proper names of labelled organisations and
    places are masked first, so "Constitutional Democratic Party of Japan" is not Japan."""
    unlabelled = []
    for item in _items():
        text = _full_text(item)
        for actor in item["actors"]:
            if actor["kind"] == "country":
                continue
            for surface in sorted([actor["name"], *actor.get("aliases", [])], key=len, reverse=True):
                text = text.replace(surface, "#")
        countries = {a["name"] for a in item["actors"] if a["kind"] == "country"}
        places = {a["name"] for a in item["actors"] if a["kind"] == "place"}
        for country, forms in COUNTRY_FORMS.items():
            if country in countries:
                continue
            for surface in (country, *forms):
                if not _surface_in(surface, text):
                    continue
                if surface in CAPITALS and any(p.startswith(surface) for p in places):
                    continue
                unlabelled.append((item["id"], country, surface))
    assert unlabelled == []


def test_every_kind_is_exercised() -> None:
    kinds = Counter(a["kind"] for item in _items() for a in item["actors"])
    assert set(kinds) == ACTOR_KINDS
    assert sum(len(item["figures"]) for item in _items()) >= 200
    assert sum(1 for item in _items() if not item["figures"]) >= 5  # precision: nothing to find


# --- stories and articles ------------------------------------------------------------------

def test_stories_parse_and_are_complete() -> None:
    stories = _stories()
    assert len(stories) >= 5
    assert {s["id"] for s in stories} == STORY_IDS
    for story in stories:
        assert set(story) == {"id", "description", "article", "hits", "not_hits"}, story["id"]
        assert isinstance(story["description"], str) and story["description"].strip()


@pytest.mark.parametrize("story_id", sorted(STORY_IDS))
def test_story_article_is_a_plausible_news_article(story_id: str) -> None:
    story = next(s for s in _stories() if s["id"] == story_id)
    path = EVAL_DIR / story["article"]
    assert path.is_file(), path
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    words = sum(len(ln.split()) for ln in lines)
    assert 350 <= words <= 700, (story_id, words)
    assert lines[0] and not lines[0].startswith("By "), "first line is the headline"
    assert any(re.fullmatch(r"By [A-Z][\w'.-]+(?: [A-Z][\w'.-]+)+", ln) for ln in lines[:4])
    assert any(ln.startswith("PHOTO: ") for ln in lines)
    assert any(re.match(r"[A-Z][A-Z .'-]+, [A-Z][a-z]{2}", ln) for ln in lines[:6]), "dateline"


def test_story_hits_and_not_hits_refer_to_items() -> None:
    by_id = _by_id()
    referenced: set[str] = set()
    for story in _stories():
        hits, not_hits = story["hits"], story["not_hits"]
        assert len(hits) == len(set(hits)) and len(not_hits) == len(set(not_hits)), story["id"]
        assert not set(hits) & set(not_hits), story["id"]
        assert [h for h in hits + not_hits if h not in by_id] == [], story["id"]
        assert all(by_id[h]["story"] == story["id"] for h in hits), story["id"]
        assert all(by_id[n]["story"] != story["id"] for n in not_hits), story["id"]
        own = {i for i, item in by_id.items() if item["story"] == story["id"]}
        assert own == set(hits), (story["id"], "every on-topic item is a hit")
        assert len(hits) >= 10 and len(not_hits) >= 4, story["id"]
        referenced |= set(hits) | set(not_hits)
    assert set(by_id) == referenced, "every item is a hit or a distractor of some story"


def test_distractors_share_an_actor_with_their_story() -> None:
    """A not_hit is a useful distractor only if it shares something with the story."""
    by_id = _by_id()
    for story in _stories():
        story_actors = {a["name"] for h in story["hits"] for a in by_id[h]["actors"]}
        for n in story["not_hits"]:
            shared = story_actors & {a["name"] for a in by_id[n]["actors"]}
            assert shared, (story["id"], n)
