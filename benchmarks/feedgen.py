"""Synthetic news feeds and rules for the benchmark harness (benchmarks/run.py).

Deterministic for a given seed. Items read like wire copy: a headline, a two-to-five sentence
summary with names, places and numbers, a guid, a link and a date. About one feed in fifty
carries an item about the seed story (North Korean troops sent to Russia), worded from our own
templates with varying figures and sources, so the seed rule finds hits and raises alerts.

Rules: the seed rule (rules/nk-troops.yaml of the project) plus ``R`` synthetic rules shaped
like it (a person, any of a few places, any of a few topic words, a ``none`` phrase).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

COUNTRIES = [
    "Germany", "France", "Italy", "Spain", "Poland", "Brazil", "Argentina", "Mexico", "Canada",
    "Japan", "India", "Indonesia", "Nigeria", "Kenya", "Egypt", "Turkey", "Iran", "Israel",
    "Saudi Arabia", "Australia", "New Zealand", "Chile", "Peru", "Colombia", "Vietnam",
    "Thailand", "Philippines", "Pakistan", "Bangladesh", "South Africa", "Ethiopia", "Ghana",
    "Sweden", "Norway", "Finland", "Denmark", "Netherlands", "Belgium", "Austria", "Greece",
]
CITIES = [
    "Lagos", "Nairobi", "Cairo", "Istanbul", "Mumbai", "Jakarta", "Manila", "Hanoi", "Bangkok",
    "Lima", "Bogota", "Santiago", "Sao Paulo", "Toronto", "Osaka", "Marseille", "Milan",
    "Krakow", "Rotterdam", "Antwerp", "Gothenburg", "Bergen", "Tampere", "Aarhus", "Graz",
    "Thessaloniki", "Accra", "Addis Ababa", "Durban", "Karachi", "Dhaka", "Perth", "Auckland",
    "Monterrey", "Cordoba", "Valencia", "Lyon", "Hamburg", "Munich", "Porto",
]
ORGS = [
    "the central bank", "the finance ministry", "the election commission", "the health ministry",
    "the transport union", "the opposition party", "the supreme court", "the port authority",
    "the energy regulator", "the statistics office", "the teachers' union", "the city council",
    "the World Bank", "the IMF", "the United Nations", "the European Commission", "the WHO",
    "the African Union", "the Red Cross", "Amnesty International",
]
FIRST = ["Anna", "Marek", "Lucia", "Kwame", "Aiko", "Rahul", "Sofia", "Tomasz", "Ines",
         "Daniel", "Amara", "Kenji", "Leila", "Oscar", "Priya", "Mateo", "Hana", "Yusuf",
         "Elena", "Sipho", "Nora", "Farid", "Greta", "Diego", "Mira", "Olu", "Sven", "Carla",
         "Ivan", "Zainab", "Pablo", "Lena", "Rafael", "Ayesha", "Jonas", "Chloe", "Emeka",
         "Yara", "Felix", "Noor"]
LAST = ["Kowalski", "Moreau", "Okafor", "Tanaka", "Sharma", "Rossi", "Novak", "Silva",
        "Haddad", "Lindqvist", "Mensah", "Petrov", "Garcia", "Nakamura", "Dubois", "Adeyemi",
        "Jensen", "Costa", "Yilmaz", "Fischer", "Mwangi", "Santos", "Horvat", "Bauer",
        "Rahman", "Ortiz", "Kruger", "Varga", "Laine", "Castro", "Aziz", "Weber", "Nilsen",
        "Pereira", "Abebe", "Molina", "Ito", "Kaya", "Reyes", "Berg"]
ROLES = ["finance minister", "prime minister", "health minister", "central bank governor",
         "opposition leader", "union leader", "mayor", "foreign minister", "chief executive",
         "election commissioner", "police chief", "spokesperson"]
VERBS = ["announces", "rejects", "weighs", "signs", "warns of", "delays", "approves", "cuts",
         "raises", "unveils", "criticises", "backs", "scraps", "extends", "defends", "probes"]
VERBS_INF = ["announce", "reject", "consider", "sign", "delay", "approve", "cut", "raise",
             "unveil", "back", "scrap", "extend", "review", "investigate"]
OBJECTS = [
    "new tariffs on steel imports", "the budget for next year", "peace talks", "a rail strike",
    "climate targets", "interest rates", "election reform", "a flood relief package",
    "fuel subsidies", "a minimum wage rise", "a trade deal", "pension reform", "port upgrades",
    "a vaccine campaign", "water rationing", "a tax on windfall profits", "housing grants",
    "a ban on short-term rentals", "a bailout for the national airline", "an anti-graft law",
    "school closures", "a new power plant", "fishing quotas", "a border agreement",
    "a wildfire response plan", "drought aid for farmers", "a mining licence", "bond sales",
]
TAILS = ["", "", "", " after talks stall", " amid protests", " ahead of summit",
         " as inflation eases", " despite criticism", " after court ruling", " as deadline nears",
         " in surprise move", " after heavy rains", " as unions threaten walkout"]
COUNTED = [("people", "displaced"), ("workers", "on strike"), ("homes", "damaged"),
           ("flights", "cancelled"), ("jobs", "cut"), ("protesters", "detained"),
           ("schools", "closed"), ("patients", "treated"), ("households", "without power"),
           ("tonnes of grain", "exported"), ("migrants", "rescued"), ("trucks", "stranded")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SOURCES = ["officials said", "according to local media", "a government statement said",
           "news agencies reported", "the ministry said in a statement", "witnesses said"]

# --- the seed story, in our own words ----------------------------------------------------------

STORY_SOURCES = ["South Korea's spy agency", "the National Intelligence Service",
                 "Ukraine's military intelligence", "the Pentagon", "NATO officials",
                 "Seoul's defence ministry", "a Ukrainian presidential adviser",
                 "U.S. Secretary of State Antony Blinken", "Japan's foreign ministry"]
STORY_PLACES = ["the Kursk region", "Russia's Far East", "Vladivostok", "eastern Ukraine",
                "training grounds near the border", "the Belgorod region"]
STORY_FIGURES = [1500, 3000, 7000, 8000, 10000, 11000, 12000, 15000]
STORY_TITLES = [
    "North Korea sends {n} more troops to Russia, {src} says",
    "{src_cap}: some {n} North Korean soldiers now in {place}",
    "Ukraine reports North Korean troops near {place}",
    "Pyongyang's soldiers deployed to Russia number about {n}, {src} says",
]
STORY_BODIES = [
    "North Korea has deployed about {n} soldiers to Russia, {src} said on {day}, adding that "
    "the troops were moved to {place} after weeks of training. Moscow did not comment.",
    "Around {n} troops from North Korea are now stationed in {place}, according to {src}. "
    "Kyiv said the deployment showed how deeply Pyongyang was now involved in the war.",
    "{src_cap} told reporters on {day} that at least {n} North Korean personnel had arrived in "
    "Russia. {extra_src_cap} said the figure could rise further before the end of the year.",
]


def _num(rng: random.Random) -> str:
    n = rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1, 90) * 1000])
    return f"{n:,}"


class NewsWriter:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = [(f, last, self.rng.choice(ROLES)) for f in FIRST for last in LAST]

    def person(self) -> tuple[str, str]:
        first, last, role = self.rng.choice(self.people)
        return f"{first} {last}", role

    def headline(self) -> str:
        r = self.rng
        who = r.choice([r.choice(COUNTRIES), r.choice(COUNTRIES),
                        r.choice(ORGS).removeprefix("the ").capitalize(), self.person()[0]])
        return f"{who} {r.choice(VERBS)} {r.choice(OBJECTS)}{r.choice(TAILS)}"

    def sentence(self) -> str:
        r = self.rng
        kind = r.randrange(5)
        if kind == 0:
            name, role = self.person()
            return (f"{name}, the {role}, told reporters in {r.choice(CITIES)} on "
                    f"{r.choice(DAYS)} that the government would {r.choice(VERBS_INF)} "
                    f"{r.choice(OBJECTS)}.")
        if kind == 1:
            what, state = r.choice(COUNTED)
            return (f"At least {_num(r)} {what} were {state} in {r.choice(CITIES)}, "
                    f"{r.choice(SOURCES)}.")
        if kind == 2:
            return (f"{r.choice(ORGS).capitalize()} said it expected {r.choice(COUNTRIES)} to "
                    f"{r.choice(VERBS_INF)} {r.choice(OBJECTS)} within {r.randint(2, 11)} "
                    "months.")
        if kind == 3:
            return (f"The measure would cost about {r.randint(2, 900)} million dollars, up from "
                    f"{r.randint(1, 400)} million last year, {r.choice(SOURCES)}.")
        name, role = self.person()
        return (f"Critics, including {name}, said the plan for {r.choice(OBJECTS)} ignored "
                f"{r.choice(['rural voters', 'small businesses', 'young people', 'pensioners'])}.")

    def summary(self) -> str:
        r = self.rng
        sentences = [self.sentence() for _ in range(r.randint(2, 5))]
        if r.random() < 0.3:  # some feeds send HTML in descriptions
            return "<p>" + "</p><p>".join(sentences) + "</p>"
        return " ".join(sentences)

    def story_item(self) -> tuple[str, str]:
        r = self.rng
        src = r.choice(STORY_SOURCES)
        fill = {"n": f"{r.choice(STORY_FIGURES):,}", "src": src, "src_cap": src[0].upper() + src[1:],
                "place": r.choice(STORY_PLACES), "day": r.choice(DAYS)}
        extra = r.choice([s for s in STORY_SOURCES if s != src])
        fill["extra_src_cap"] = extra[0].upper() + extra[1:]
        return r.choice(STORY_TITLES).format(**fill), r.choice(STORY_BODIES).format(**fill)


def feed_xml(writer: NewsWriter, index: int, base_url: str, items: int,
             now: datetime) -> bytes:
    """One RSS 2.0 feed (every fifth feed is Atom) of ``items`` items."""
    r = writer.rng
    atom = index % 5 == 4
    entries: list[tuple[str, str, str, datetime]] = []
    with_story = index % 50 == 7
    for k in range(items):
        if with_story and k == 3:
            title, body = writer.story_item()
        else:
            title, body = writer.headline(), writer.summary()
        published = now - timedelta(minutes=17 * k + r.randint(0, 16))
        entries.append((f"{base_url}/news/{index}/{k}", title, body, published))
    if atom:
        parts = ['<?xml version="1.0" encoding="utf-8"?>\n',
                 '<feed xmlns="http://www.w3.org/2005/Atom">',
                 f"<title>Outlet {index}</title><id>urn:outlet:{index}</id>",
                 f"<updated>{now.isoformat()}</updated>"]
        for link, title, body, published in entries:
            parts.append(
                f"<entry><id>{escape(link)}</id><title>{escape(title)}</title>"
                f'<link href="{escape(link)}"/><updated>{published.isoformat()}</updated>'
                f'<summary type="html">{escape(body)}</summary></entry>')
        parts.append("</feed>\n")
    else:
        parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
                 f"<title>Outlet {index}</title><link>{base_url}/</link>",
                 f"<description>News from outlet {index}</description>"]
        for link, title, body, published in entries:
            parts.append(
                f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
                f'<guid isPermaLink="true">{escape(link)}</guid>'
                f"<pubDate>{format_datetime(published)}</pubDate>"
                f"<description>{escape(body)}</description></item>")
        parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def write_feeds(root: Path, count: int, *, items: int = 40, seed: int = 5,
                base_url: str = "http://127.0.0.1") -> list[str]:
    """Write ``count`` feeds as ``root/f/<i>.xml``; return their paths relative to ``root``."""
    writer = NewsWriter(seed)
    now = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)
    out = root / "f"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = out / f"{i}.xml"
        if not path.exists():
            path.write_bytes(feed_xml(writer, i, base_url, items, now))
        paths.append(f"/f/{i}.xml")
    return paths


def synthetic_rule(rng: random.Random, index: int) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    topics = rng.sample(OBJECTS, 3)
    words = [t.split()[-1] for t in topics] + [rng.choice(["tariff*", "strik*", "subsid*"])]
    return {
        "name": f"rule-{index:04d}",
        "description": f"synthetic benchmark rule {index}",
        "match": {
            "all": [f"{first} {last}", {"any": rng.sample(CITIES, rng.randint(2, 4))},
                    {"any": words}],
            "none": [f"{rng.choice(['budget', 'court', 'water'])} leak"],
        },
        "known_actors": [{"name": f"{first} {last}", "kind": "person",
                          "aliases": [f"Mr {last}", f"Ms {last}"]}],
    }


def write_rules(rules_dir: Path, seed_rule: Path, count: int, *, seed: int = 11) -> None:
    """The seed rule plus ``count`` synthetic rules, one YAML file each."""
    rules_dir.mkdir(parents=True, exist_ok=True)
    (rules_dir / seed_rule.name).write_bytes(seed_rule.read_bytes())
    rng = random.Random(seed)
    for i in range(count):
        spec = synthetic_rule(rng, i)
        (rules_dir / f"{spec['name']}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False),
                                                         encoding="utf-8")
