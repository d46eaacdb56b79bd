"""Story intelligence: who (actors) and how many (figures) a news item mentions.

``get_extractor()`` returns the default rule-based extractor: offline, no model, about 0.2 ms per
typical news item. Call ``extract(title + "\\n\\n" + text)`` to cover an item's title too.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from watcher.errors import WatcherError
from watcher.models import Extraction

if TYPE_CHECKING:
    from watcher.extract.actors import Mention

# The finders (actors.py, figures.py and their patterns) are imported by RuleExtractor, not
# here: a process that never analyses an item (a cycle of 304s, a parse worker, the CLI's
# other commands) does not pay for them at start-up.

log = logging.getLogger("watcher.extract")

__all__ = ["Extractor", "LazyExtractor", "RuleExtractor", "get_extractor"]


class Extractor(Protocol):
    def extract(self, text: str) -> Extraction: ...


class RuleExtractor:
    """Gazetteer + patterns. Build once (loads the gazetteer, ~50 ms); ``extract`` is thread-safe."""

    def __init__(self) -> None:
        from watcher.extract.actors import ActorFinder
        from watcher.extract.figures import FigureFinder
        from watcher.extract.text import clean, sentences

        self._actors = ActorFinder()
        self._figures = FigureFinder()
        self._clean, self._sentences = clean, sentences

    def mentions(self, text: str) -> list[Mention]:
        """Every actor mention (with spans) in the cleaned ``text``."""
        return self._actors.mentions(self._clean(text))

    def well_known(self, name: str) -> bool:
        """Whether ``name`` is in the gazetteer (a country, a leader, a big organisation: actors
        that appear in much news beyond any one story)."""
        return self._actors.well_known(name)

    def dateline(self, text: str) -> str | None:
        """The country the article was filed from, by its dateline ("SEOUL, Oct. 21 --"), if any."""
        from watcher.extract.actors import dateline_country

        cleaned = self._clean(text)
        return dateline_country(cleaned, self._actors.mentions(cleaned))

    def belonging_to(self, country: str) -> Sequence[tuple[str, str]]:
        """A country's officials, state bodies and regions in the news ("Vladimir Putin", "State
        Duma", "Kursk" for Russia): (canonical name, kind)."""
        return self._actors.belonging_to(country)

    def variants(self, name: str) -> list[str]:
        """Other spellings of a gazetteer name ("N. Korea", "North Koreans") that are not part
        of another known name (empty for names beyond the gazetteer)."""
        return self._actors.variants(name)

    def extract(self, text: str) -> Extraction:
        cleaned = self._clean(text)
        mentions = self._actors.mentions(cleaned)
        actors = self._actors.actors(mentions)
        figures = self._figures.figures(cleaned, self._sentences(cleaned), mentions)
        return Extraction(actors=actors, figures=tuple(figures),
                          sources=self._actors.sources(cleaned, mentions, actors))


_EXTRACTORS: dict[str, Extractor] = {}


class LazyExtractor:
    """``get_extractor(name)``, built on the first ``extract``: a process (or a cycle) that
    never analyses an item never loads the gazetteer."""

    def __init__(self, name: str = "rules") -> None:
        _check_name(name)
        self._name = name

    def extract(self, text: str) -> Extraction:
        return get_extractor(self._name).extract(text)


def _check_name(name: str) -> None:
    if name not in ("rules", "default"):
        raise WatcherError(f"unknown extractor {name!r}: available: 'rules'")


def get_extractor(name: str = "rules") -> Extractor:
    """The extractor called ``name`` (built once, then shared). Only "rules" exists."""
    _check_name(name)
    ext = _EXTRACTORS.get("rules")
    if ext is None:
        ext = RuleExtractor()
        _EXTRACTORS["rules"] = ext
    return ext
