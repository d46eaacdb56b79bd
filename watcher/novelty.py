"""What is new in a story: figures and actors not known before. Pure functions, no I/O.

* a figure is new when its ``(key, value)`` pair is not known (the same number for another
  counted thing is new: 10,000 troops after 10,000 casualties), except that a count of bare
  "people" (key ``people``: a count the text does not say more of) repeats a known figure of
  the same value, 100 or more: "about 3,000 people remain out of their homes" after "3,000
  evacuated" (``RESTATED_KEYS``);
* an actor is new when none of its names (name or aliases), normalised, is a name of a known
  actor. Normalising casefolds, drops diacritics and a leading "the", and treats hyphens as
  spaces: "Kim Jong-un" == "kim jong un", "Zelenskyy" != "Zelensky" unless an alias says so.
  A person is also known by a fuller or shorter form of a known person's name, with the same
  first and last words: "María Machado" is "María Corina Machado" (but "George H.W. Bush" is not
  "George W. Bush": neither name holds the other). An organisation is also known by the first
  words (two or more) of a known organisation's name up to where it goes on with "of", "and",
  "for", ...: "Workers' Party" of "Workers' Party of Korea", "International Association of
  Machinists" of "... and Aerospace Workers"; not by other parts of it ("European Union" is
  not "European Union Naval Force", "Security Council" not "National Security Council",
  "Foreign Affairs" not "Ministry of Foreign Affairs").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from watcher.models import Actor, Figure, KnownFigure

__all__ = ["Story", "actor_names", "figure_identity", "new_actors", "new_figures", "normalise_name",
           "timeline"]

_SPACE_RE = re.compile(r"[\s\-‐‑–_]+")

# Keys of counts that say no more than "people": a known value repeated under one of them is
# the known figure said again, when the value is not one that many counts share by chance.
RESTATED_KEYS = frozenset({"people"})
_RESTATED_MIN = 100
# words that join a name's parts: what a shorter form of an organisation's name leaves out
# begins with one of them
_JOINERS = frozenset({"of", "the", "and", "for", "on", "in", "at", "&"})


def normalise_name(name: str) -> str:
    """Comparable form of a name: casefolded, no diacritics, hyphens as spaces, no leading "the"."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'").replace("‘", "'").replace(".", "")
    s = _SPACE_RE.sub(" ", s).strip().casefold()
    if s.startswith("the "):
        s = s[4:]
    return s


def actor_names(actor: Actor) -> set[str]:
    """Normalised name and aliases of an actor."""
    return {normalise_name(n) for n in (actor.name, *actor.aliases) if n.strip()}


def figure_identity(figure: Figure | KnownFigure) -> tuple[str, float]:
    """What novelty compares: the counted thing and the value (1500 == 1500.0)."""
    return figure.key.strip().casefold(), float(figure.value)


def new_figures(found: Sequence[Figure], known: Iterable[KnownFigure | Figure]) -> list[Figure]:
    """Figures of ``found`` whose (key, value) is not in ``known`` and that restate no known
    figure (a count of bare people); each pair reported once, in order."""
    idents = {figure_identity(k) for k in known}
    return _new_figures(found, idents, {value for _key, value in idents})


def new_actors(found: Sequence[Actor], known: Iterable[Actor]) -> list[Actor]:
    """Actors of ``found`` sharing no name/alias with a known actor (nor with an earlier new one)
    and no shorter form of a known person's or organisation's name."""
    seen: set[str] = set()
    people: _People = {}
    bodies: _Bodies = {}
    for k in known:
        seen |= actor_names(k)
        _add_person(people, k)
        _add_body(bodies, k)
    return _new_actors(found, seen, people, bodies)


# a person's names by their (first word, last word): the words of each
_People = dict[tuple[str, str], set[tuple[str, ...]]]


def _add_person(people: _People, actor: Actor) -> None:
    if actor.kind != "person":
        return
    for name in actor_names(actor):
        words = tuple(name.split(" "))
        if len(words) >= 2:
            people.setdefault((words[0], words[-1]), set()).add(words)


# an organisation's names (their words) by their first word
_Bodies = dict[str, set[tuple[str, ...]]]


def _add_body(bodies: _Bodies, actor: Actor) -> None:
    if actor.kind != "organisation":
        return
    for name in actor_names(actor):
        words = tuple(name.split(" "))
        if len(words) >= 3:  # a shorter form has two words or more
            bodies.setdefault(words[0], set()).add(words)


def _shorter_form(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Whether ``shorter`` is ``longer`` without a tail joined to it ("of", "and", ...)."""
    n = len(shorter)
    return len(longer) > n and longer[:n] == shorter and longer[n] in _JOINERS


def _known_body(actor: Actor, bodies: _Bodies) -> bool:
    """Whether an organisation is known by a longer form of its name."""
    if actor.kind != "organisation" or not bodies:
        return False
    # its name, not its aliases: a short alias ("General Staff") may be another body's too
    words = tuple(normalise_name(actor.name).split(" "))
    return len(words) >= 2 and any(_shorter_form(other, words) for other in bodies.get(words[0], ()))


def _holds(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Whether ``shorter``'s words appear in ``longer`` in order."""
    it = iter(longer)
    return all(w in it for w in shorter)


def _known_person(actor: Actor, people: _People) -> bool:
    """Whether a person is known by a fuller or a shorter form of one of its names."""
    if actor.kind != "person" or not people:
        return False
    for name in actor_names(actor):
        words = tuple(name.split(" "))
        if len(words) < 2:
            continue
        for other in people.get((words[0], words[-1]), ()):
            if _holds(other, words) or _holds(words, other):
                return True
    return False


def _new_figures(found: Sequence[Figure], known: set[tuple[str, float]],
                 values: set[float]) -> list[Figure]:
    seen: set[tuple[str, float]] = set()
    out: list[Figure] = []
    for f in found:
        ident = figure_identity(f)
        if ident in known or ident in seen or (
                ident[0] in RESTATED_KEYS and ident[1] >= _RESTATED_MIN and ident[1] in values):
            continue
        seen.add(ident)
        out.append(f)
    return out


def _new_actors(found: Sequence[Actor], known: set[str], people: _People,
                bodies: _Bodies) -> list[Actor]:
    seen: set[str] = set()
    fresh: _People = {}  # the people new so far in ``found``
    fresh_bodies: _Bodies = {}
    out: list[Actor] = []
    for a in found:
        names = actor_names(a)
        if not names.isdisjoint(known) or not names.isdisjoint(seen) \
                or _known_person(a, people) or _known_person(a, fresh) \
                or _known_body(a, bodies) or _known_body(a, fresh_bodies):
            continue
        seen |= names
        _add_person(fresh, a)
        _add_body(fresh_bodies, a)
        out.append(a)
    return out


class Story:
    """What one rule knows of its story, indexed: :meth:`new_figures` and :meth:`new_actors`
    answer as the functions of the same names do, at a cost that grows with what was found,
    not with what is known (a rule can know thousands of figures and names)."""

    def __init__(self, figures: Iterable[KnownFigure] = (), actors: Iterable[Actor] = ()) -> None:
        self.figures: list[KnownFigure] = []   # oldest first, each (key, value) once
        self._figures: set[tuple[str, float]] = set()
        self._values: set[float] = set()
        self._names: set[str] = set()
        self._people: _People = {}
        self._bodies: _Bodies = {}
        self.learn(figures, actors)

    def learn(self, figures: Iterable[KnownFigure], actors: Iterable[Actor]) -> None:
        """Add figures and actors to what is known (those already known change nothing)."""
        for f in figures:
            ident = figure_identity(f)
            if ident not in self._figures:
                self._figures.add(ident)
                self._values.add(ident[1])
                self.figures.append(f)
        for a in actors:
            self._names |= actor_names(a)
            _add_person(self._people, a)
            _add_body(self._bodies, a)

    def new_figures(self, found: Sequence[Figure]) -> list[Figure]:
        return _new_figures(found, self._figures, self._values)

    def new_actors(self, found: Sequence[Actor]) -> list[Actor]:
        return _new_actors(found, self._names, self._people, self._bodies)


def timeline(key: str, known: Iterable[KnownFigure]) -> list[KnownFigure]:
    """Earlier figures for ``key``, oldest first (undated ones, e.g. from the seed, come first).

    Figures with the same date keep their given order; the same value reported twice is kept
    once (its first report).
    """
    want = key.strip().casefold()
    rows = [k for k in known if k.key.strip().casefold() == want]
    indexed = list(enumerate(rows))
    indexed.sort(key=lambda t: (t[1].published is not None,
                                t[1].published.timestamp() if t[1].published else 0.0, t[0]))
    out: list[KnownFigure] = []
    values: set[float] = set()
    for _, k in indexed:
        if float(k.value) in values:
            continue
        values.add(float(k.value))
        out.append(k)
    return out
