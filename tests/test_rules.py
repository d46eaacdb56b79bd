"""Rule files: matching semantics, file:line validation errors, reloading, and the prefilter
checked against a naive reference evaluator."""

from __future__ import annotations

import functools
import random
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from watcher.errors import RuleError
from watcher.models import Actor, KnownFigure, MatchResult
from watcher.rules import (
    LoadResult,
    Rule,
    RuleProblem,
    RuleSet,
    load_rule_file,
    load_rules,
    normalise,
    parse_rule,
)
from watcher.rules import _text as rules_text
from watcher.rules.matching import lead_end


def rule(text: str, path: str = "rules/test.yaml") -> Rule:
    return parse_rule(textwrap.dedent(text), path)


NK = """\
name: nk-troops
description: troops sent abroad
source:
  publisher: Example Daily
  published: 2024-10-21
  url: null
match:
  all:
    - North Korea
    - any: [Russia, Ukraine]
    - any: [troops, soldiers, deploy*, Kim Jong-un, special forces]
  none: [missile test]
known_actors:
  - name: North Korea
    kind: country
    aliases: [North Korean, DPRK, Pyongyang]
  - name: Kim Jong Un
    kind: person
    role: leader
known_figures:
  - value: 1500
    key: Troops
    quantity: soldiers sent abroad
    qualifier: at least
    said_by: intelligence service
"""

NESTED = """\
name: nested
match:
  any:
    - all: [alpha, beta]
    - all:
        - gamma
        - none: [delta]
        - any: [epsilon, {all: [zeta, eta]}]
"""

SPACED = """\
name: spaced
match:
  all: [Kim Jong Un, "Straße", Россия]
"""

SCRIPTS = """\
name: scripts
match:
  any: ["북한", "भारत", "Sánchez", "1,500 troops"]
"""


LEAD = """\
name: lead
match:
  within: lead
  all: [North Korea, any: [Russia, Ukraine], any: [troops, {all: [sent, soldiers]}]]
  none: [martial law]
known_actors:
  - {name: North Korea, kind: country, aliases: [North Korean, Pyongyang]}
"""


@functools.cache
def semantics_set(within_lead: bool = False) -> RuleSet:
    return RuleSet([rule(NK), rule(NESTED), rule(SPACED), rule(SCRIPTS),
                    *([rule(LEAD)] if within_lead else [])])


def names(results: list[MatchResult]) -> set[str]:
    return {r.rule for r in results}


# sentences of the lead about nothing in particular
S1 = "The officials spoke to reporters on Friday."
S2 = "The talks went on until late at night."
S3 = "Oil prices rose again in early trading."

# (rule, title, text, should match)
MATCH_CASES = [
    # plain, case
    ("nk-troops", "North Korea sends troops to Russia", "", True),
    ("nk-troops", "NORTH KOREA SENDS TROOPS", "to RUSSIA", True),
    ("nk-troops", "north korea", "troops in russia", True),
    # apostrophes, straight and curly
    ("nk-troops", "North Korea's troops", "in Russia", True),
    ("nk-troops", "North Korea’s troops", "in Russia", True),
    ("nk-troops", "‘North Korea’ troops", "in “Russia”", True),
    # aliases of a known actor, any case
    ("nk-troops", "DPRK troops in Russia", "", True),
    ("nk-troops", "dprk troops in Russia", "", True),
    ("nk-troops", "Pyongyang's soldiers", "reach Ukraine", True),
    ("nk-troops", "North Korean soldiers", "reach Ukraine", True),
    # whole words only: demonym plural is not the term, nor a longer word
    ("nk-troops", "North Koreans seen with troops", "in Russia", False),
    ("nk-troops", "North Korea troops", "in Russians' homes", False),
    ("nk-troops", "North Korea trooping", "to Russia", False),
    # prefix terms
    ("nk-troops", "North Korea deployed", "to Russia", True),
    ("nk-troops", "North Korea deployment", "to Russia", True),
    ("nk-troops", "North Korea deploy", "to Russia", True),
    ("nk-troops", "North Korea redeploys", "to Russia", False),
    # hyphen and space are the same inside terms and text
    ("nk-troops", "Kim Jong Un and North Korea", "Russia", True),
    ("nk-troops", "Kim Jong-un and North Korea", "Russia", True),
    ("nk-troops", "Kim Jong\u2010un and North-Korea", "Russia", True),
    ("nk-troops", "KIM JONG UN, North Korea", "Russia", True),
    # phrases: several spaces / line breaks inside are fine, punctuation is not
    ("nk-troops", "North   Korea special\nforces", "Russia", True),
    ("nk-troops", "North Korea special, forces", "Russia", False),
    ("nk-troops", "North. Korea troops", "Russia", False),
    # a phrase does not run from the title into the text
    ("nk-troops", "Russia says troops from North", "Korea arrived", False),
    # title and text are both searched
    ("nk-troops", "North Korea", "troops arrive in Ukraine", True),
    # none group: any presence vetoes; whole words apply here too
    ("nk-troops", "North Korea troops in Russia", "after a missile test", False),
    ("nk-troops", "North Korea troops in Russia", "after a missile-test", False),
    ("nk-troops", "North Korea troops in Russia", "after MISSILE TEST", False),
    ("nk-troops", "North Korea troops in Russia", "after missile tests", True),
    # nested groups: any of (alpha & beta) or (gamma & not delta & (epsilon | (zeta & eta)))
    ("nested", "alpha beta", "", True),
    ("nested", "alpha", "", False),
    ("nested", "gamma epsilon", "", True),
    ("nested", "gamma epsilon delta", "", False),
    ("nested", "gamma zeta eta", "", True),
    ("nested", "gamma zeta", "", False),
    ("nested", "alpha beta gamma delta", "", True),
    # Unicode: casefold (ß/SS), Cyrillic case, term written with spaces vs hyphen in text
    ("spaced", "Kim Jong-un in STRASSE", "РОССИЯ", True),
    ("spaced", "Kim Jong-un in Strasse", "Россия", True),
    ("spaced", "Kim Jong-un in Straßenbahn", "Россия", False),
    # other scripts: word boundaries are letters, digits and combining marks
    ("scripts", "북한 군", "", True),
    ("scripts", "북한군", "", False),
    ("scripts", "भारत सरकार", "", True),
    ("scripts", "भारतीय सेना", "", False),
    ("scripts", "Pedro Sa\u0301nchez", "", True),   # decomposed accent vs composed term
    ("scripts", "SÁNCHEZ", "", True),
    ("scripts", "Sanchez", "", False),
    ("scripts", "at least 1,500 troops", "", True),
    ("scripts", "at least 1500 troops", "", False),
    # within: lead: the terms are in the title and the text's first three sentences
    ("lead", "North Korean troops reach Russia", "", True),
    ("lead", "Pyongyang's men", f"{S1} {S2} About 3,000 troops reached Russia, Seoul said.", True),
    ("lead", "Pyongyang's men", f"{S1} {S2} {S3} About 3,000 troops reached Russia, it said.",
     False),
    ("lead", "", f"{S1}\n{S2}\n{S3}\nNorth Korean troops reached Russia, Seoul said.", False),
    # ... the short lines before an article's first sentence do not count
    ("lead", "Pyongyang's men", "By Kim Soo-yeon\nPHOTO: Yonhap\nUpdated: 2024-10-21 16:40\n"
     f"{S1} {S2} About 3,000 troops reached Russia, Seoul said.", True),
    ("lead", "Pyongyang", "sent soldiers. To Russia, Seoul said.", True),   # a nested group
    ("lead", "Pyongyang sent aid", f"{S1} {S2} {S3} Russia lost many soldiers there.", False),
    # ... and a `none` term anywhere in the item still excludes it
    ("lead", "North Korean troops in Russia", f"{S1} {S2} {S3} Martial law was declared.", False),
]


@pytest.mark.parametrize(("name", "title", "text", "expected"), MATCH_CASES)
def test_matching_semantics(name: str, title: str, text: str, expected: bool) -> None:
    assert (name in names(semantics_set(True).match(title, text))) is expected


def test_matched_terms_report_what_was_found() -> None:
    # a `none` term present: no match at all
    assert semantics_set().match("DPRK deploys troops", "to Russia; no missile test yet") == []
    results = semantics_set().match("DPRK deploys troops", "to Russia")
    assert results == [MatchResult("nk-troops", ("North Korea", "Russia", "troops", "deploy*"))]
    # an alias reports the actor's name; a term reports itself as written
    results = semantics_set().match("Pyongyang", "Kim Jong Un visits Ukraine")
    assert results == [MatchResult("nk-troops", ("North Korea", "Ukraine", "Kim Jong Un"))]
    # `Kim Jong-un` names the actor `Kim Jong Un`, so it reports the actor's name
    results = semantics_set().match("North Korea", "troops in Ukraine")
    assert results == [MatchResult("nk-troops", ("North Korea", "Ukraine", "troops"))]


def test_matched_terms_skip_none_terms_and_keep_rule_order() -> None:
    rs = RuleSet([rule("name: b\nmatch: {any: [x, {none: [y]}], all: [z]}\n"),
                  rule("name: a\nmatch: {all: [z]}\n")])
    assert rs.match("z", "") == [MatchResult("b", ("z",)), MatchResult("a", ("z",))]
    assert rs.match("z y", "") == [MatchResult("a", ("z",))]
    assert rs.match("z x y", "") == [MatchResult("b", ("z", "x")), MatchResult("a", ("z",))]


def test_normalise_is_shared_by_terms_and_text() -> None:
    assert normalise("Kim Jong-un’s “Troops”") == "kim jong un s troops"
    assert normalise("U.S.-led (NATO) talks") == "u . s . led . nato . talks"
    assert normalise("  ") == ""


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
@settings(max_examples=500)
def test_normalise_ascii_fast_path_agrees_with_the_unicode_classes(text: str) -> None:
    # ASCII text skips the large Unicode class; the result must be the same as through it
    s = text.casefold()
    for ch in rules_text._SOFT:
        s = s.replace(ch, " ")
    assert normalise(text) == " ".join(rules_text._hard().sub(" . ", s).split())


def test_rule_fields_from_file() -> None:
    r = rule(NK)
    assert r.name == "nk-troops"
    assert r.path == "rules/test.yaml"
    assert r.description == "troops sent abroad"
    assert r.source == {"publisher": "Example Daily", "published": "2024-10-21", "url": None}
    assert r.known_actors == (
        Actor("North Korea", "country", ("North Korean", "DPRK", "Pyongyang")),
        Actor("Kim Jong Un", "person", (), role="leader"),
    )
    assert r.known_figures == (KnownFigure(key="troops", value=1500.0,
                                           quantity="soldiers sent abroad",
                                           said_by="intelligence service"),)
    assert r.name_line == 1
    rs = RuleSet([r])
    assert len(rs) == 1 and rs.get("nk-troops") is r and rs.get("other") is None


@pytest.mark.parametrize(
    ("section", "key", "counts"),
    [
        ("", "troops", True),
        ("", "Days", False),                 # durations are left out by default
        ("", "years", False),
        ("", "percent", True),
        ("alert_figures:\n  ignore: []\n", "days", True),
        ("alert_figures:\n  ignore: [Percent]\n", "percent", False),
        ("alert_figures:\n  ignore: [percent]\n", "days", True),   # a list replaces the default
        ("alert_figures:\n  only: [troops, casualties]\n", "troops", True),
        ("alert_figures:\n  only: [troops, casualties]\n", "usd", False),
        ("alert_figures:\n  only: [troops, days]\n  ignore: [days]\n", "days", False),
        # a key covers its increments ("3,000 more troops", "another two days")
        ("alert_figures:\n  only: [troops, casualties]\n", "troops_added", True),
        ("", "days_added", False),
    ],
)
def test_which_figures_count_for_a_rule(section: str, key: str, counts: bool) -> None:
    assert parse_rule(BASE + section, "r.yaml").counts_figure(key) is counts


NEAR = """\
name: near
match:
  all: [North Korea, any: [troops]]
alert_figures:
  near: [North Korea, Kim Jong Un, "Pyong*"]
known_actors:
  - {name: North Korea, kind: country, aliases: [North Korean, DPRK]}
"""


@pytest.mark.parametrize(("text", "lead"), [
    ("One two three four five six. Seven eight nine ten eleven twelve. A b c d e f. Rest here.",
     "One two three four five six. Seven eight nine ten eleven twelve. A b c d e f."),
    # short lines (a byline, a caption, a date) do not count
    ("By Kim Soo-yeon\nPHOTO: Yonhap\nOne two three four five six. Seven eight nine ten eleven"
     " twelve.\nA b c d e f g\nNot in it.",
     "By Kim Soo-yeon\nPHOTO: Yonhap\nOne two three four five six. Seven eight nine ten eleven"
     " twelve.\nA b c d e f g"),
    ("Short. Text.", "Short. Text."),
])
def test_the_lead_ends_after_three_sentences_of_six_words(text: str, lead: str) -> None:
    assert text[:lead_end(text)] == lead


@pytest.mark.parametrize(
    ("title", "sentence", "near"),
    [
        # the sentence or the title names the story's central actor (an alias, a prefix)
        ("Drills begin", "North Korean troops watched the 18,000 troops.", True),
        ("DPRK sends more troops", "About 3,000 arrived on Friday.", True),
        ("Drills begin", "Pyongyang called them a rehearsal for 40 days.", True),
        ("Drills begin", "Kim Jong-un watched 300 tanks.", True),
        # ... or not: another country's drills in an item that names it further down
        ("South Korea, U.S. begin drills", "The drills involve 18,000 troops.", False),
        ("", "", False),
    ],
)
def test_a_figure_is_the_storys_when_said_near_its_central_actor(
        title: str, sentence: str, near: bool) -> None:
    r = rule(NEAR)
    assert RuleSet([r]).near_story(r, title, sentence) is near
    # a rule without `near` takes figures from anywhere
    plain = rule(NEAR.replace('  near: [North Korea, Kim Jong Un, "Pyong*"]\n', "  ignore: []\n"))
    assert plain.figures_near is None and RuleSet([plain]).near_story(plain, title, sentence)


def test_the_sentences_about_the_story_in_an_item_about_something_else() -> None:
    r = rule(NEAR)
    rules = RuleSet([r])
    text = "The drills involve 18,000 troops. Pyongyang called them a rehearsal. Seoul disagreed."
    near = rules.story_sentences(r, "South Korea, U.S. begin drills", text)
    assert near is not None and "pyongyang" in near and "18,000" not in near and "seoul" not in near
    # the title names the story: everything counts
    assert rules.story_sentences(r, "Drills anger North Korea", text) is None
    plain = rule(NEAR.replace('  near: [North Korea, Kim Jong Un, "Pyong*"]\n', "  ignore: []\n"))
    assert RuleSet([plain]).story_sentences(plain, "South Korea, U.S. begin drills", text) is None


@pytest.mark.parametrize(
    ("text", "live"),
    [
        ("09.05 GMT - A strike killed 11.\n09.40 GMT - North Korean units pushed on.\n10.15 GMT - A quake.", True),
        ("09:12 — Drones.\n10:30 — More drones.\n11:02 — Kim spoke.", True),
        ("10:15 a.m.: One.\n11:20 a.m.: Two.\n1:05 p.m.: Three.", True),
        # two entries are no blog; clock times inside sentences are no entries
        ("09.05 GMT - A strike.\n09.40 GMT - A push.", False),
        ("The drill began at 09:00 and ended at 17:00. At 18:30 the ministry spoke. At 19:00 too.", False),
    ],
)
def test_a_live_blogs_title_speaks_for_none_of_its_entries(text: str, live: bool) -> None:
    rules = RuleSet([rule(NEAR)])
    assert rules.story_title("North Korea live", text) == ("" if live else "North Korea live")


def test_readme_example_is_a_valid_rule() -> None:
    readme = Path(__file__).resolve().parent.parent / "README.md"
    [example] = [b for b in re.findall(r"```yaml\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
                 if "match:" in b]
    r = parse_rule(example, "README.md")
    assert r.counts_figure("troops") and not r.counts_figure("usd")


def test_documentation_example_is_a_valid_rule() -> None:
    docs = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    example = re.search(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    assert example is not None
    r = parse_rule(example.group(1), "docs/rules.md")
    assert r.name == "nk-troops"
    assert [m.rule for m in RuleSet([r]).match("DPRK dispatches forces", "to Russia")] == \
        ["nk-troops"]


def test_aliases_kept_as_written() -> None:
    r = rule("name: k\nmatch: {all: [kim jong un]}\nknown_actors:\n"
             "  - {name: Kim Jong-un, kind: person, aliases: [Kim Jong Un, KIM JONG-UN, Kim Jong-un]}\n")
    assert r.known_actors[0].aliases == ("Kim Jong Un", "KIM JONG-UN")
    assert RuleSet([r]).match("Kim Jong Un", "") == [MatchResult("k", ("Kim Jong-un",))]


def test_empty_ruleset_matches_nothing() -> None:
    assert RuleSet().match("North Korea troops", "Russia") == []
    assert len(RuleSet()) == 0


def test_ruleset_refuses_duplicate_names() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        RuleSet([rule(NK), rule(NK)])


def test_numbers_and_yes_are_terms_as_written() -> None:
    r = rule("name: n\nmatch:\n  all: [1500, yes, 2.50]\n")
    assert RuleSet([r]).match("yes 1500 2.50", "") == [MatchResult("n", ("1500", "yes", "2.50"))]


# --- validation errors: file:line ----------------------------------------------------------

BASE = "name: ok\nmatch:\n  all: [a]\n"

# (label, file text, expected line, expected message fragment)
ERROR_CASES = [
    ("syntax error", "name: x\nmatch:\n  all: [a, b\n  none: [c]\n", 4, "YAML syntax error"),
    ("tab", "name: x\nmatch:\n\tall: [a]\n", 3, "YAML syntax error"),
    ("unclosed quote", 'name: x\ndescription: "abc\nmatch: {all: [a]}\n', 4, "YAML syntax error"),
    ("unknown key", BASE + "knwon_actors: []\n", 4,
     "unknown key 'knwon_actors' (did you mean 'known_actors'?)"),
    ("unknown key nested", BASE + "known_actors:\n  - name: A\n    kind: person\n    alias: [b]\n",
     7, "known_actors[0]: unknown key 'alias'"),
    ("wrong kind", BASE + "known_actors:\n  - name: A\n  - name: Korea\n    kind: contry\n", 7,
     "known_actors[1].kind: must be one of country, organisation, person, place (got 'contry')"),
    ("value not a number", BASE + "known_figures:\n  - key: troops\n    value: lots\n"
     "    quantity: q\n", 6, "known_figures[0].value: must be a number (got 'lots')"),
    ("quoted number", BASE + "known_figures:\n  - {key: t, quantity: q, value: '1,500'}\n", 5,
     "must be a number (got '1,500'); write it without quotes"),
    ("bool is not a number", BASE + "known_figures:\n  - {key: t, quantity: q, value: yes}\n", 5,
     "must be a number (got true)"),
    ("missing name", "description: d\nmatch:\n  all: [a]\n", 1, "missing required key 'name'"),
    ("missing actor kind", BASE + "known_actors:\n  - name: A\n    role: r\n", 5,
     "known_actors[0]: missing required key 'kind'"),
    ("missing match", "name: x\n", 1, "missing required key 'match'"),
    ("empty group list", "name: x\nmatch:\n  all:\n    - a\n    - any: []\n", 5,
     "match.all[1].any: must not be empty"),
    ("empty group mapping", "name: x\nmatch:\n  all: [a, {}]\n", 3,
     "match.all[1]: empty group"),
    ("unknown group key", "name: x\nmatch:\n  all: [a]\n  anyy: [b]\n", 4,
     "match: unknown key 'anyy' (did you mean 'any'?)"),
    ("only none", "name: x\nmatch:\n  none: [a]\n", 2, "match: needs `all` or `any`"),
    ("none-only alternative", "name: x\nmatch:\n  any: [{none: [a]}, b]\n", 2,
     "can hold for an item that contains none of its terms"),
    ("empty term", "name: x\nmatch:\n  all:\n    - a\n    - ''\n", 5, "match.all[1]: a term must not be empty"),
    ("punctuation term", "name: x\nmatch:\n  all:\n    - a\n    - '?!'\n", 5,
     "needs at least one letter or digit (got '?!')"),
    ("lone star", "name: x\nmatch:\n  all: [a, '*']\n", 3, "a term must not be empty"),
    ("inner star", "name: x\nmatch:\n  all: [a, 'de*ploy']\n", 3, "'*' is only allowed at the end"),
    ("null entry", "name: x\nmatch:\n  all:\n    - a\n    -\n", 5, "must be a term or a group"),
    ("list entry", "name: x\nmatch:\n  all:\n    - a\n    - [b, c]\n", 5, "must be a term or a group"),
    ("group not a list", "name: x\nmatch:\n  all: a\n", 3, "match.all: must be a list (got 'a')"),
    ("match not a mapping", "name: x\nmatch: [a, b]\n", 2, "match: must be a group"),
    ("invalid name", "name: NK Troops\nmatch: {all: [a]}\n", 1,
     "name: must be lowercase letters, digits, '-' or '_'"),
    ("invalid name start", "match: {all: [a]}\nname: -x\n", 2, "name: must be lowercase"),
    ("duplicate key", "name: x\nmatch: {all: [a]}\nname: y\n", 3,
     "name: duplicate key (first given on line 1)"),
    ("shared alias", BASE + "known_actors:\n  - {name: Kim Jong Un, kind: person}\n"
     "  - name: Kim Yo Jong\n    kind: person\n    aliases: [Kim Jong-un]\n", 8,
     "known_actors[1].aliases[0]: 'Kim Jong-un' is already a name of known_actors[0]"),
    ("star in alias", BASE + "known_actors:\n  - {name: A, kind: place, aliases: ['b*']}\n", 5,
     "'*' is not allowed in actor names"),
    ("empty file", "# only a comment\n", 1, "the file is empty"),
    ("top level list", "- a\n- b\n", 1, "must be a mapping"),
    ("bad date", BASE + "source:\n  published: 2024-13-45\n", 5, "source.published: invalid value"),
    ("unsafe tag", BASE + "description: !!python/object:os.system x\n", 4, "YAML error"),
    ("two documents", "name: x\n---\nname: y\n", 2, "expected a single document"),
    ("within typo", "name: x\nmatch:\n  within: sentence\n  all: [a]\n", 3,
     "match.within: must be one of item, lead (got 'sentence')"),
    ("within nested", "name: x\nmatch:\n  all: [a, {any: [b], within: lead}]\n", 3,
     "match.all[1]: unknown key 'within' (expected one of: all, any, none)"),
    ("alert_figures typo", BASE + "alert_figures:\n  ignor: [days]\n", 5,
     "alert_figures: unknown key 'ignor' (did you mean 'ignore'?)"),
    ("alert_figures not a list", BASE + "alert_figures:\n  only: troops\n", 5,
     "alert_figures.only: must be a list"),
    ("alert_figures near not a list", BASE + "alert_figures:\n  near: North Korea\n", 5,
     "alert_figures.near: must be a list"),
    ("alert_figures near empty term", BASE + "alert_figures:\n  near: [a, '']\n", 5,
     "alert_figures.near[1]: a term must not be empty"),
    ("alert_figures empty key", BASE + "alert_figures:\n  ignore: [days, '']\n", 5,
     "alert_figures.ignore[1]"),
]


@pytest.mark.parametrize(("label", "text", "line", "fragment"), ERROR_CASES,
                         ids=[c[0] for c in ERROR_CASES])
def test_errors_name_file_and_line(tmp_path: Path, label: str, text: str, line: int,
                                   fragment: str) -> None:
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rule_file(path)
    problems = info.value.problems
    expected_prefix = f"{path}:{line}: "
    assert any(p.startswith(expected_prefix) and fragment in p for p in problems), problems


def test_all_problems_of_a_file_are_reported_together() -> None:
    text = "name: Bad Name\nmatch:\n  all: [a, '!']\nknown_actors:\n  - {name: A, kind: x}\n"
    with pytest.raises(RuleError) as info:
        parse_rule(text, "r.yaml")
    lines = [p.split(":")[1] for p in info.value.problems]
    assert lines == ["1", "3", "5"]
    assert str(info.value) == "\n".join(info.value.problems)


def test_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: x\nmatch:\n  all: [caf\xe9]\n")
    with pytest.raises(RuleError, match=r"latin\.yaml:3: the file is not valid UTF-8"):
        load_rule_file(path)


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="cannot read the file"):
        load_rule_file(tmp_path / "missing.yaml")


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 7):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(RuleError, match="too many YAML aliases"):
        parse_rule("\n".join(lines) + "\nname: x\n", "bomb.yaml")


def test_deep_nesting_is_refused() -> None:
    deep = "[" * 5000 + "a" + "]" * 5000
    with pytest.raises(RuleError, match="nested too deeply"):
        parse_rule(f"name: x\nmatch:\n  all: {deep}\n", "deep.yaml")


def test_rule_problem_str() -> None:
    assert str(RuleProblem("rules/a.yaml", 7, "unknown key 'x'")) == "rules/a.yaml:7: unknown key 'x'"
    assert str(RuleProblem("rules", 0, "rules directory does not exist")) == \
        "rules: rules directory does not exist"


# --- load_rules ------------------------------------------------------------------------------

def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def good(name: str, term: str) -> str:
    return f"name: {name}\ndescription: about {term}\nmatch:\n  all: [{term}]\n"


def test_load_rules_reads_yaml_and_yml_sorted(tmp_path: Path) -> None:
    write(tmp_path, "b.yml", good("bravo", "beta"))
    write(tmp_path, "a.yaml", good("alpha", "alef"))
    write(tmp_path, "notes.txt", "not a rule")
    write(tmp_path, ".#a.yaml", "editor lock file")
    (tmp_path / "sub.yaml").mkdir()
    result = load_rules(tmp_path)
    assert isinstance(result, LoadResult)
    assert result.problems == ()
    assert [r.name for r in result.rules.rules] == ["alpha", "bravo"]
    assert result.rules.get("bravo") is not None
    assert result.rules.get("bravo").path == str(tmp_path / "b.yml")  # type: ignore[union-attr]


def test_broken_file_keeps_last_good_version_and_new_broken_file_is_reported(
        tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", good("alpha", "alef"))
    write(tmp_path, "b.yaml", good("bravo", "beta"))
    first = load_rules(tmp_path)
    assert first.problems == () and len(first.rules) == 2

    write(tmp_path, "b.yaml", "name: bravo\nmatch:\n  all: [beta, gamma]\n  nnone: [x]\n")
    write(tmp_path, "c.yaml", "name: charlie\nmatch: {all: [c}\n")       # new and broken
    write(tmp_path, "d.yaml", good("delta", "dalet"))                      # new and fine
    second = load_rules(tmp_path, previous=first.rules)

    assert [r.name for r in second.rules.rules] == ["alpha", "bravo", "delta"]
    assert second.rules.get("bravo") is first.rules.get("bravo")        # last good version
    assert second.rules.match("beta", "") == [MatchResult("bravo", ("beta",))]
    shown = [str(p) for p in second.problems]
    assert len(shown) == 2
    assert shown[0].startswith(f"{tmp_path / 'b.yaml'}:4: match: unknown key 'nnone'")
    assert shown[1].startswith(f"{tmp_path / 'c.yaml'}:2: YAML syntax error")

    # without a previous set, the broken file simply has no rule
    third = load_rules(tmp_path)
    assert [r.name for r in third.rules.rules] == ["alpha", "delta"]
    assert len(third.problems) == 2

    # fixed again: the new version replaces the kept one
    write(tmp_path, "b.yaml", good("bravo", "gimel"))
    fourth = load_rules(tmp_path, previous=second.rules)
    assert fourth.rules.get("bravo").description == "about gimel"  # type: ignore[union-attr]
    assert [str(p) for p in fourth.problems] == [shown[1]]


def test_deleted_file_drops_its_rule(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", good("alpha", "alef"))
    path = write(tmp_path, "b.yaml", good("bravo", "beta"))
    first = load_rules(tmp_path)
    path.unlink()
    second = load_rules(tmp_path, previous=first.rules)
    assert [r.name for r in second.rules.rules] == ["alpha"]


def test_duplicate_rule_names_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", good("same", "alef"))
    write(tmp_path, "b.yaml", "# comment\n\nname: same\nmatch: {all: [beta]}\n")
    result = load_rules(tmp_path)
    assert [r.path for r in result.rules.rules] == [str(tmp_path / "a.yaml")]
    (problem,) = result.problems
    assert problem.path == str(tmp_path / "b.yaml") and problem.line == 3
    assert f"duplicate rule name 'same' (already used by {tmp_path / 'a.yaml'})" in problem.message


def test_a_copy_of_a_running_rule_does_not_replace_it(tmp_path: Path) -> None:
    """``cp fire.yaml fire-v2.yaml`` while the service runs: the copy sorts first ('-' before
    '.'), but the name stays with the file that held it; the copy is the one reported."""
    write(tmp_path, "fire.yaml", good("fire", "wildfire"))
    running = load_rules(tmp_path)
    write(tmp_path, "fire-v2.yaml", good("fire", "rockets"))
    reloaded = load_rules(tmp_path, previous=running.rules)
    assert [r.path for r in reloaded.rules.rules] == [str(tmp_path / "fire.yaml")]
    (problem,) = reloaded.problems
    assert problem.path == str(tmp_path / "fire-v2.yaml")
    assert f"(already used by {tmp_path / 'fire.yaml'})" in problem.message
    # the copy broken, then fixed under a new name: both run
    write(tmp_path, "fire-v2.yaml", good("fire-v2", "rockets"))
    again = load_rules(tmp_path, previous=reloaded.rules)
    assert sorted(r.name for r in again.rules.rules) == ["fire", "fire-v2"] and not again.problems
    # with no running rules (a fresh start) the first file by name wins, as documented
    write(tmp_path, "fire-v2.yaml", good("fire", "rockets"))
    fresh = load_rules(tmp_path)
    assert [r.path for r in fresh.rules.rules] == [str(tmp_path / "fire-v2.yaml")]


def test_a_copy_refused_while_running_does_not_take_the_name_on_a_restart(tmp_path: Path) -> None:
    """The copy was refused while the service ran; after a restart (no running rules) the
    file whose good version was saved keeps the name, not the copy that sorts first."""
    write(tmp_path, "fire.yaml", good("fire", "wildfire"))
    running = load_rules(tmp_path)
    saved = dict(running.sources)
    write(tmp_path, "aaa-copy.yaml", good("fire", "rockets"))
    reloaded = load_rules(tmp_path, previous=running.rules)
    assert str((tmp_path / "aaa-copy.yaml").resolve()) not in reloaded.sources  # refused: unsaved
    saved.update(reloaded.sources)
    restarted = load_rules(tmp_path, last_good=saved.get)
    assert [r.path for r in restarted.rules.rules] == [str(tmp_path / "fire.yaml")]
    assert restarted.rules.match("Wildfire spreads", "")
    (problem,) = restarted.problems
    assert problem.path == str(tmp_path / "aaa-copy.yaml")


def test_a_file_broken_at_start_runs_in_its_saved_good_version(tmp_path: Path) -> None:
    """Without a previous version in this process (a restart), a broken file's last good text
    (saved from an earlier load's ``sources``) is what runs; it is still reported."""
    path = write(tmp_path, "quake.yaml", good("quake", "earthquake"))
    write(tmp_path, "storm.yaml", good("storm", "storm"))
    first = load_rules(tmp_path)
    assert set(first.sources) == {str(path.resolve()), str((tmp_path / "storm.yaml").resolve())}
    saved = dict(first.sources)
    path.write_text("name: quake\nmatch:\n  any: [earthquake\n", encoding="utf-8")
    restarted = load_rules(tmp_path, last_good=saved.get)
    assert sorted(r.name for r in restarted.rules.rules) == ["quake", "storm"]
    assert restarted.rules.match("Earthquake in Chile", "")
    (problem,) = restarted.problems
    assert problem.path == str(path)
    assert str(path.resolve()) not in restarted.sources    # the broken text is not saved
    # nothing saved, or a saved text that no longer loads either: only reported
    assert [r.name for r in load_rules(tmp_path, last_good=lambda _p: None).rules.rules] == ["storm"]
    assert [r.name for r in load_rules(tmp_path, last_good=lambda _p: "match: [").rules.rules] \
        == ["storm"]

    def unreadable(_path: str) -> str | None:
        raise OSError("database down")

    assert [r.name for r in load_rules(tmp_path, last_good=unreadable).rules.rules] == ["storm"]


def test_missing_directory_is_a_problem_and_keeps_previous(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = load_rules(missing)
    assert len(result.rules) == 0
    (problem,) = result.problems
    assert str(problem) == f"{missing}: rules directory does not exist"

    write(tmp_path, "a.yaml", good("alpha", "alef"))
    previous = load_rules(tmp_path).rules
    kept = load_rules(missing, previous=previous)
    assert kept.rules is previous and len(kept.problems) == 1


def test_directory_that_is_a_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", good("alpha", "alef"))
    result = load_rules(path)
    assert "is not a directory" in str(result.problems[0])


# --- prefilter vs a naive reference evaluator ------------------------------------------------

VOCAB = ["korea", "russia", "troop", "troops", "kim", "jong", "un", "army", "deploy",
         "deployed", "missile", "test", "seoul", "kyiv", "moscow", "forces", "special",
         "budanov", "dprk", "soldier", "soldiers", "war", "front", "kursk"]
NOISE = ["the", "of", "and", "in", "koreans", "deployment", "trooper", "armyx", "redeploy",
         "testing", "un1", "jongun"]
SEPS = [" ", " ", " ", "  ", "-", "\u2010", "'s ", "’s ", "’", ", ", ". ", "\n", " “", "” ",
        "/", "_", " (", ") "]


def random_term(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(VOCAB)[: rng.randint(2, 4)] + "*"
    words = rng.sample(VOCAB, rng.choice((1, 1, 1, 2)))
    term = rng.choice((" ", "-")).join(words)
    return term.upper() if rng.random() < 0.1 else term.title() if rng.random() < 0.2 else term


def random_group(rng: random.Random, depth: int, actors: list[dict[str, Any]],
                 top: bool = False) -> dict[str, Any]:
    def entries(n: int) -> list[Any]:
        out: list[Any] = []
        for _ in range(n):
            if depth < 2 and rng.random() < 0.25:
                out.append(random_group(rng, depth + 1, actors))
            elif actors and rng.random() < 0.2:
                actor = rng.choice(actors)
                name = rng.choice([actor["name"], *actor["aliases"]])
                out.append(name.upper() if rng.random() < 0.3 else name)
            else:
                out.append(random_term(rng))
        return out

    group: dict[str, Any] = {}
    keys = rng.sample(["all", "any", "none"], rng.randint(1, 3))
    if top and keys == ["none"]:
        keys.append(rng.choice(["all", "any"]))
    for key in keys:
        group[key] = entries(rng.randint(1, 3))
    return group


def random_rule_spec(rng: random.Random, index: int) -> dict[str, Any]:
    """A random valid rule: conditions the validator refuses (satisfiable with no term
    present) are drawn again."""
    while True:
        actors: list[dict[str, Any]] = []
        if rng.random() < 0.5:
            pool = rng.sample(VOCAB, 4)
            actors.append({"name": f"{pool[0]} {pool[1]}".title(), "kind": "country",
                           "aliases": [pool[2].upper(), pool[3]]})
        spec: dict[str, Any] = {"name": f"r{index:03d}",
                                "match": random_group(rng, 0, actors, True)}
        if rng.random() < 0.3:
            spec["match"]["within"] = "lead"
        if actors:
            spec["known_actors"] = actors
        try:
            parse_rule(yaml.safe_dump(spec), "check.yaml")
        except RuleError:
            continue
        return spec


def random_text(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        word = rng.choice(VOCAB) if rng.random() < 0.8 else rng.choice(NOISE)
        roll = rng.random()
        word = word.upper() if roll < 0.1 else word.capitalize() if roll < 0.3 else word
        out.append(word + rng.choice(SEPS))
    return "".join(out)


_REF_SOFT = "[\\s\\-\u2010'\u2019\u201c\u201d_]+"


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", text.casefold()) if w]


class Reference:
    """Deliberately simple: each rule's condition walked on the raw spec, one regex per term,
    applied to the raw title and text separately. For ``within: lead`` the same walk over the
    title and the text up to its lead's end (the matcher's own ``lead_end``, tested on its own),
    ``none`` terms looked for in the whole item."""

    def __init__(self, specs: list[dict[str, Any]]):
        self.specs = specs
        self._patterns: dict[str, re.Pattern[str]] = {}

    def pattern(self, term: str) -> re.Pattern[str]:
        if term not in self._patterns:
            prefix = term.endswith("*")
            body = _REF_SOFT.join(re.escape(w) for w in _words(term.rstrip("*")))
            end = "" if prefix else "(?![^\\W_])"
            self._patterns[term] = re.compile(f"(?<![^\\W_]){body}{end}", re.IGNORECASE)
        return self._patterns[term]

    def match(self, title: str, text: str) -> list[MatchResult]:
        cache: dict[str, bool] = {}

        def present(term: str) -> bool:
            if term not in cache:
                p = self.pattern(term)
                cache[term] = bool(p.search(title) or p.search(text))
            return cache[term]

        lead_parts = [title, text[:lead_end(text)]]

        def in_lead(term: str) -> bool:
            return any(self.pattern(term).search(part) for part in lead_parts)

        results = []
        for spec in self.specs:
            actors = {}
            for actor in spec.get("known_actors", []):
                all_names = [actor["name"], *actor["aliases"]]
                for name in all_names:
                    actors[" ".join(_words(name))] = (actor["name"], all_names)

            def resolve(entry: str, actors: Any = actors) -> tuple[str, list[str]]:
                if not entry.endswith("*") and " ".join(_words(entry)) in actors:
                    return actors[" ".join(_words(entry))]
                return entry, [entry]

            def holds(entry: Any, found: Any = present) -> bool:
                if isinstance(entry, str):
                    return any(found(t) for t in resolve(entry)[1])
                return (all(holds(e, found) for e in entry.get("all", []))
                        and (not entry.get("any") or any(holds(e, found) for e in entry["any"]))
                        and not any(holds(e) for e in entry.get("none", [])))

            def positives(group: dict[str, Any], negated: bool) -> list[tuple[str, list[str]]]:
                out = []
                for key in ("all", "any", "none"):
                    neg = negated != (key == "none")
                    for e in group.get(key, []):
                        if isinstance(e, dict):
                            out += positives(e, neg)
                        elif not neg:
                            out.append(resolve(e))
                return out

            if holds(spec["match"]) and (spec["match"].get("within") != "lead"
                                         or holds(spec["match"], in_lead)):
                labels: dict[str, bool] = {}
                for label, terms in positives(spec["match"], False):
                    if label not in labels:
                        labels[label] = any(present(t) for t in terms)
                results.append(MatchResult(spec["name"],
                                           tuple(k for k, v in labels.items() if v)))
        return results


def build(specs: list[dict[str, Any]]) -> RuleSet:
    return RuleSet(parse_rule(yaml.safe_dump(s, sort_keys=False, allow_unicode=True),
                              f"{s['name']}.yaml") for s in specs)


def test_prefilter_agrees_with_naive_reference_500_rules() -> None:
    rng = random.Random(20241021)
    specs = [random_rule_spec(rng, i) for i in range(500)]
    ruleset = build(specs)
    reference = Reference(specs)
    hits = 0
    for _ in range(300):
        title = random_text(rng, rng.randint(0, 6))
        text = random_text(rng, rng.randint(0, 40))
        expected = reference.match(title, text)
        assert ruleset.match(title, text) == expected, (title, text)
        hits += len(expected)
    # the comparison means something only if both hits and near misses happen
    assert 300 < hits < 300 * 500 * 0.5


@functools.cache
def small_set() -> tuple[RuleSet, Reference]:
    rng = random.Random(7)
    specs = [random_rule_spec(rng, i) for i in range(60)]
    return build(specs), Reference(specs)


_word = st.sampled_from(VOCAB + NOISE).flatmap(
    lambda w: st.sampled_from([w, w.upper(), w.capitalize()]))
_text = st.lists(st.tuples(_word, st.sampled_from(SEPS)), max_size=30).map(
    lambda parts: "".join(w + s for w, s in parts))


@settings(max_examples=150, deadline=None)
@given(title=_text, text=_text)
def test_prefilter_agrees_with_reference_hypothesis(title: str, text: str) -> None:
    ruleset, reference = small_set()
    assert ruleset.match(title, text) == reference.match(title, text)


def test_a_known_figure_said_to_be_more_is_an_increment() -> None:
    """Files seeded before increments had a key of their own say `key: troops` with
    `qualifier: more`: loaded, that is the increment's key, as extraction gives it."""
    rule = parse_rule(textwrap.dedent("""\
        name: nk
        match: {all: [North Korea]}
        known_figures:
          - {value: 3000, key: Troops, quantity: troops, qualifier: more}
          - {value: 1500, key: troops_added, quantity: troops, qualifier: more}
          - {value: 11000, key: troops, quantity: troops, qualifier: about}
        """), "rules/nk.yaml")
    assert [(f.key, f.value) for f in rule.known_figures] == [
        ("troops_added", 3000), ("troops_added", 1500), ("troops", 11000)]
