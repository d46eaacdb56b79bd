"""Rule files: loading, validation and matching items against rules.

See ``docs/rules.md`` for the file format and matching semantics. The loading half (YAML,
pydantic) is imported on first use: the parse worker processes only match, and stay small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from watcher.rules._text import normalise
from watcher.rules.matching import RULE_SUFFIXES, Condition, Rule, RuleSet, Term

if TYPE_CHECKING:
    from watcher.rules.loading import (
        LoadResult,
        RuleProblem,
        load_rule_file,
        load_rules,
        parse_rule,
    )

_LOADING = frozenset({"LoadResult", "RuleProblem", "load_rule_file", "load_rules", "parse_rule"})


def __getattr__(name: str) -> Any:
    if name in _LOADING:
        from watcher.rules import loading

        return getattr(loading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "RULE_SUFFIXES",
    "Condition",
    "LoadResult",
    "Rule",
    "RuleProblem",
    "RuleSet",
    "Term",
    "load_rule_file",
    "load_rules",
    "normalise",
    "parse_rule",
]
