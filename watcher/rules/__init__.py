"""Rule files: loading, validation and matching items against rules.

See ``docs/rules.md`` for the file format and matching semantics.
"""

from watcher.rules._text import normalise
from watcher.rules.loading import (
    LoadResult,
    RuleProblem,
    load_rule_file,
    load_rules,
    parse_rule,
)
from watcher.rules.matching import Condition, Rule, RuleSet, Term

__all__ = [
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
