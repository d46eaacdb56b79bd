"""Compiled rules and the matcher.

All terms of all rules go into one Aho-Corasick automaton over normalised text
(see ``_text``). One scan of an item yields the set of keys present; only rules indexed
under one of those keys are evaluated, so the cost follows what matches, not the number of
rules.

Keys are normalised terms padded with spaces: ``" north korea "`` for a whole-word term,
``" deploy"`` for the prefix term ``deploy*``. Because normalised text is tokens separated
by single spaces and padded at both ends, every occurrence of a key is a whole-word (or
word-prefix) match and needs no further boundary check.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass, field
from typing import Any, Union

import ahocorasick

from watcher.models import Actor, KnownFigure, MatchResult, base_key
from watcher.rules._text import item_text, normalise

log = logging.getLogger("watcher.rules")

# The files of a rules directory that are rules (not starting with ".").
RULE_SUFFIXES = (".yaml", ".yml")
# Matching reads the title and the lead of the text: news says what it is about up front, and
# a long feature that names the story's actors in passing, paragraphs apart, is not a hit.
LEAD_CHARS = 3000
# Texts longer than this are reduced to the sentences that mention a rule's terms before
# figures and actors are extracted, so a long article's unrelated paragraphs bring no "news".
PASSAGE_MIN_CHARS = 1200
# A rule with ``within: lead`` reads the title and this many sentences of the text: an item
# about the story says so in its headline and first sentences (measured on the labelled sets:
# tests/data/holdout3/README.md), an item about something else mentions it later or in passing.
LEAD_SENTENCES = 3
# ... counting those of this many words or more: the lines before an article's first sentence
# (a byline, a photo caption, "Updated: 2024-10-21 16:40") are read too, but do not count.
LEAD_SENTENCE_WORDS = 6
_SENTENCE_BREAK = re.compile(r"([.!?…][\"'”’)\]]*)\s+(?=[\"“‘'(\[A-Z0-9])|\n+")


# a live blog's entries open lines with a clock time: "09.05 GMT - ", "14:32 — ", "10:15 a.m.: "
_LIVE_ENTRY_RE = re.compile(
    r"(?m)^[ \t]*\d{1,2}[.:]\d{2}(?:[ ]?(?:[AaPp]\.?[Mm]\.?|GMT|UTC|BST|CET|CEST|EET|EEST|KST|JST|MSK|ET|EST|EDT))?"
    r"[ \t]*[-—–:|]")
LIVE_ENTRIES = 3  # clock-stamped lines that make a text a live blog


def lead(text: str) -> str:
    """The first ``LEAD_CHARS`` of ``text``, cut at a word boundary."""
    if len(text) <= LEAD_CHARS:
        return text
    cut = text.rfind(" ", 0, LEAD_CHARS)
    return text[: cut if cut > 0 else LEAD_CHARS]


def lead_end(text: str) -> int:
    """Where the text's lead ends: after its ``LEAD_SENTENCES``-th sentence of
    ``LEAD_SENTENCE_WORDS`` words or more (shorter lines before it, a byline or a caption, do
    not count), within its first ``LEAD_CHARS``."""
    text = lead(text)
    counted = start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        if len(text[start:m.start()].split()) >= LEAD_SENTENCE_WORDS:
            counted += 1
            if counted == LEAD_SENTENCES:
                return m.end(1) if m.group(1) else m.start()
        start = m.end()
    return len(text)


def sentences(text: str) -> list[str]:
    """``text`` split into sentences (roughly: a break after . ! ? before a capital, or a
    line break). Cheap and good enough to keep related words together."""
    parts = _SENTENCE_BREAK.split(text)  # text, end punctuation (or None), text, ...
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        out[-1] += parts[i] or ""
        out.append(parts[i + 1])
    return [s for s in out if s and not s.isspace()]


@dataclass(frozen=True, slots=True)
class Term:
    """One string entry of a condition. Present when any of ``keys`` is in the text.

    ``label`` is what a match reports: the term as written, or the actor's name when the
    entry named a known actor (then ``keys`` holds the actor's name and every alias).
    """

    label: str
    keys: frozenset[str]


Entry = Union[Term, "Condition"]


@dataclass(frozen=True, slots=True)
class Condition:
    """A group: every ``all`` entry, at least one ``any`` entry (if any are listed) and no
    ``none`` entry must be present."""

    all: tuple[Entry, ...] = ()
    any: tuple[Entry, ...] = ()
    none: tuple[Entry, ...] = ()

    def is_true(self, found: Set[str], anywhere: Set[str] | None = None) -> bool:
        """Whether the condition holds for the keys ``found``. ``anywhere``: the keys of the
        whole item when ``found`` holds a part's (its lead); ``none`` entries are checked in it
        (a word the rule excludes excludes the item wherever it is)."""
        for entry in self.all:
            if not _holds(entry, found, anywhere):
                return False
        if self.any:
            for entry in self.any:
                if _holds(entry, found, anywhere):
                    break
            else:
                return False
        excluded = found if anywhere is None else anywhere
        return all(not _holds(entry, excluded) for entry in self.none)

    def required_keys(self) -> frozenset[str] | None:
        """Keys of which at least one must be present for the condition to hold.

        None when the condition could hold with no term present (only ``none`` entries):
        such a rule would have to be checked against every item.
        """
        options: list[frozenset[str]] = []
        for entry in self.all:
            keys = _required(entry)
            if keys is not None:
                options.append(keys)
        if self.any:
            union: set[str] = set()
            for entry in self.any:
                keys = _required(entry)
                if keys is None:
                    break
                union |= keys
            else:
                options.append(frozenset(union))
        if not options:
            return None
        return min(options, key=len)

    def all_keys(self) -> Iterator[str]:
        """Every key used anywhere in the condition."""
        for entry in (*self.all, *self.any, *self.none):
            if isinstance(entry, Term):
                yield from entry.keys
            else:
                yield from entry.all_keys()

    def positive_terms(self, negated: bool = False) -> Iterator[Term]:
        """Terms whose presence speaks for a match (not under an odd number of ``none``)."""
        for group, flips in ((self.all, False), (self.any, False), (self.none, True)):
            neg = negated != flips
            for entry in group:
                if isinstance(entry, Term):
                    if not neg:
                        yield entry
                else:
                    yield from entry.positive_terms(neg)


def _holds(entry: Entry, found: Set[str], anywhere: Set[str] | None = None) -> bool:
    if isinstance(entry, Term):
        return not entry.keys.isdisjoint(found)
    return entry.is_true(found, anywhere)


def _required(entry: Entry) -> frozenset[str] | None:
    if isinstance(entry, Term):
        return entry.keys
    return entry.required_keys()


# The figures a rule ignores unless its file says otherwise (``alert_figures: ignore:``):
# durations ("a two-day battle", "almost 4 years of war") change with the calendar, not with the
# story.
DURATIONS = ("seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades",
             "centuries")
DURATION_KEYS = frozenset(DURATIONS)
# Measures a seeded rule leaves out unless its article's figures use them: "500 km south of
# Moscow", "1.5 million square metres cleared" describe, they are not the story's counts.
MEASURES = ("km", "miles", "metres", "square_km", "square_miles", "square_metres", "hectares",
            "acres", "kg", "tonnes", "tons", "pages")
# Conditions, not counts ("gusts of 100 mph", "40 degrees"): a seeded rule leaves them out even
# when its article gives them.
CONDITIONS = ("mph", "knots", "degrees")


@dataclass(frozen=True)
class Rule:
    """A validated rule file."""

    name: str
    path: str
    description: str
    source: dict[str, Any] | None = field(hash=False)
    condition: Condition
    known_actors: tuple[Actor, ...] = ()
    known_figures: tuple[KnownFigure, ...] = ()
    name_line: int = field(default=1, compare=False, repr=False)  # where `name:` is written
    # which figures count for this rule's story (``alert_figures``): only these keys (None:
    # any key), except these
    figures_only: frozenset[str] | None = None
    figures_ignored: frozenset[str] = DURATION_KEYS
    # where the condition's terms are looked for (``match: within:``): the title and the text's
    # first LEAD_CHARS ("item"), or the title and the text's first LEAD_SENTENCES ("lead")
    within: str = "item"
    # the figures of the story are said near one of these keys (``alert_figures: near``): in
    # the same sentence, or in the item's title (None: anywhere)
    figures_near: frozenset[str] | None = None

    def counts_figure(self, key: str) -> bool:
        """Whether a figure with this key is part of the rule's story: learnt, and alerted
        when new (pure)."""
        k = base_key(key.strip().casefold())  # an increment belongs where its thing does
        return (self.figures_only is None or k in self.figures_only) and k not in self.figures_ignored


class RuleSet:
    """An immutable set of rules with a shared matcher."""

    __slots__ = ("_always", "_automaton", "_by_name", "_index", "_positive", "_positive_keys",
                 "rules")

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_name: dict[str, Rule] = {}
        self._index: dict[str, tuple[int, ...]] = {}
        self._always: tuple[int, ...] = ()
        self._positive: list[tuple[Term, ...]] = []
        automaton = ahocorasick.Automaton()
        index: dict[str, list[int]] = {}
        always: list[int] = []
        for i, rule in enumerate(self.rules):
            if rule.name in self._by_name:
                raise ValueError(f"duplicate rule name {rule.name!r}")
            self._by_name[rule.name] = rule
            for key in (*rule.condition.all_keys(), *(rule.figures_near or ())):
                if key not in automaton:
                    automaton.add_word(key, key)
            required = rule.condition.required_keys()
            if required is None:
                always.append(i)
            else:
                for key in required:
                    index.setdefault(key, []).append(i)
            seen: dict[str, Term] = {}
            for term in rule.condition.positive_terms():
                seen.setdefault(term.label, term)
            self._positive.append(tuple(seen.values()))
        self._positive_keys = {
            rule.name: frozenset(k for term in terms for k in term.keys)
            for rule, terms in zip(self.rules, self._positive, strict=True)
        }
        self._index = {key: tuple(ids) for key, ids in index.items()}
        self._always = tuple(always)
        self._automaton: Any = None
        if len(automaton):
            automaton.make_automaton()
            self._automaton = automaton

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __repr__(self) -> str:
        return f"RuleSet({len(self.rules)} rules)"

    def get(self, name: str) -> Rule | None:
        return self._by_name.get(name)

    def match(self, title: str, text: str) -> list[MatchResult]:
        """Every rule the item matches (in rule order), with the rule's terms found in it."""
        if not self.rules:
            return []
        found: set[str] = set()
        if self._automaton is not None:
            found = {key for _, key in self._automaton.iter(item_text(title, lead(text)))}
        candidates: set[int] = set(self._always)
        index = self._index
        for key in found:
            ids = index.get(key)
            if ids is not None:
                candidates.update(ids)
        results: list[MatchResult] = []
        in_lead: set[str] | None = None
        for i in sorted(candidates):
            rule = self.rules[i]
            if rule.condition.is_true(found):
                if rule.within == "lead":
                    if in_lead is None:
                        in_lead = self.lead_keys(title, text)
                    if not rule.condition.is_true(in_lead, found):
                        continue
                matched = tuple(
                    t.label for t in self._positive[i] if not t.keys.isdisjoint(found)
                )
                results.append(MatchResult(rule=rule.name, matched=matched))
        return results

    def lead_keys(self, title: str, text: str) -> set[str]:
        """The keys found in an item's title and the first ``LEAD_SENTENCES`` sentences of its
        text (and the short lines among them): where a rule with ``within: lead`` looks for
        its terms."""
        if self._automaton is None:
            return set()
        return {key for _, key in self._automaton.iter(item_text(title, text[:lead_end(text)]))}

    def story_title(self, title: str, text: str) -> str:
        """The title that may name the story for all of an item's sentences: none for a live
        blog (entries stamped with clock times, each its own news: "09.05 GMT - At least 11
        people were killed in Donetsk" is not the story because the blog's title names it)."""
        return "" if len(_LIVE_ENTRY_RE.findall(text, 0, 20_000)) >= LIVE_ENTRIES else title

    def story_sentences(self, rule: Rule, title: str, text: str) -> str | None:
        """Where an item's new actors are the story's (pure): None (anywhere) for a rule without
        ``alert_figures: near`` or an item whose title names the story; else, normalised, the
        sentences of ``text`` that name it. In an item about drills that says in passing that
        Pyongyang sent troops to Russia, the drills' camps and commanders are no actors of the
        story."""
        if rule.figures_near is None or self.near_story(rule, title, ""):
            return None
        return " ".join(f" {normalise(s)} " for s in sentences(text) if self.near_story(rule, "", s))

    def near_story(self, rule: Rule, title: str, sentence: str) -> bool:
        """Whether a figure said in ``sentence`` of an item titled ``title`` is the story's by
        the rule's ``alert_figures: near`` (pure): one of its terms is in the sentence or the
        title. "South Korea, U.S. begin drills with 18,000 troops" in an item that mentions
        North Korea's troops in Russia further down is not a figure of that story."""
        near = rule.figures_near
        if near is None:
            return True
        if self._automaton is None:
            return False
        return any(key in near for part in (sentence, title)
                   for _, key in self._automaton.iter(f" {normalise(part)} "))

    def passage(self, rule: str, text: str) -> str:
        """The part of ``text`` that is about ``rule``'s story: all of a short text; of a long
        one, the sentences that mention one of the rule's terms (or actors' aliases)."""
        keys = self._positive_keys.get(rule)
        if len(text) <= PASSAGE_MIN_CHARS or not keys or self._automaton is None:
            return text
        kept = [
            sentence for sentence in sentences(text)
            if not keys.isdisjoint(key for _, key in self._automaton.iter(
                f" {normalise(sentence)} "))
        ]
        return " ".join(kept)
