"""The CPU-bound part of polling one feed: parse the body and match its items against the
rules. Runs in the parse worker processes (see :class:`watcher.core.Engine`) and, when they
are busy or absent, in the polling process itself.

A worker imports this module, the parser and the rules, not storage or extraction: it stays
small. Its rules arrive once, when the worker starts (:func:`init_worker`); every result
carries the generation of the rules it was matched with, so that the engine can match again
what a worker matched with rules that have since been reloaded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from watcher.models import MatchResult, ParsedFeed
from watcher.parse import ParseFailure, parse_job
from watcher.rules.matching import RuleSet

log = logging.getLogger("watcher.work")

# Item key -> the rules it matched; None: matching failed there (the engine matches again
# during analysis, and logs why). Items no rule matched are absent.
Matches = dict[str, list[MatchResult] | None]

_worker_rules: RuleSet | None = None
_worker_generation = -1


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    parsed: ParsedFeed | ParseFailure
    matches: Matches
    generation: int  # of the rules the items were matched with


def init_worker(rules: RuleSet, generation: int) -> None:
    """Process pool initializer: the rules this worker matches with."""
    global _worker_rules, _worker_generation
    _worker_rules, _worker_generation = rules, generation


def match_items(rules: RuleSet, parsed: ParsedFeed | ParseFailure) -> Matches:
    """The rules each item matches, by item key (pure)."""
    matches: Matches = {}
    if isinstance(parsed, ParseFailure) or not len(rules):
        return matches
    for item in parsed.items:
        try:
            found = rules.match(item.title, item.text)
        except Exception:  # analysis matches this item again and logs the error
            log.debug("matching %r failed", item.key, exc_info=True)
            matches[item.key] = None
            continue
        if found:
            matches[item.key] = found
    return matches


def parse_and_match(content: bytes, url: str, content_type: str | None, *,
                    rules: RuleSet | None = None, generation: int = -1) -> ParseOutcome:
    """Parse a feed body and match its items with ``rules`` (of ``generation``); never raises
    (failures are a ParseFailure). Without ``rules``: the rules given to this worker process
    by :func:`init_worker`, and their generation."""
    if rules is None:
        rules = _worker_rules if _worker_rules is not None else RuleSet()
        generation = _worker_generation
    parsed = parse_job(content, url, content_type)
    return ParseOutcome(parsed, match_items(rules, parsed), generation)
