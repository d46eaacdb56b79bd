"""Novelty decisions: table-driven tests of the pure functions in watcher.novelty."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watcher.models import Actor, Figure, KnownFigure
from watcher.novelty import Story, new_actors, new_figures, normalise_name, timeline


def fig(value: float, key: str = "troops") -> Figure:
    return Figure(value=value, key=key, quantity=f"{key} counted")


def known(value: float, key: str = "troops", day: int | None = None) -> KnownFigure:
    published = datetime(2024, 10, day, tzinfo=UTC) if day else None
    return KnownFigure(key=key, value=value, quantity=key, published=published)


@pytest.mark.parametrize(
    ("found", "known_", "expected"),
    [
        ([fig(3000)], [known(1500)], [(3000, "troops")]),                      # new value
        ([fig(1500)], [known(1500)], []),                                       # same pair
        ([fig(1500.0)], [known(1500)], []),                                     # int/float alike
        ([fig(1500, "casualties")], [known(1500)], [(1500, "casualties")]),     # same value, other key
        ([fig(3000), fig(3000)], [], [(3000, "troops")]),                       # dedupe within found
        ([fig(3000), fig(10000), fig(3000)], [fig(10000)], [(3000, "troops")]),  # Figure as known
        ([fig(12, "Ships")], [known(12, "ships")], []),                         # key case
        # a count of bare people repeats a known figure of the same value (said otherwise)
        ([fig(3000, "people")], [known(3000, "displaced")], []),
        ([fig(3000, "people")], [known(1500, "displaced")], [(3000, "people")]),
        ([fig(40, "people")], [known(40, "deaths")], [(40, "people")]),          # small: chance
        ([fig(3000, "displaced")], [known(3000, "people")], [(3000, "displaced")]),  # says more
        ([fig(3000, "troops_added")], [known(3000)], [(3000, "troops_added")]),
        ([], [known(1)], []),
    ],
)
def test_new_figures(found: list[Figure], known_: list[KnownFigure | Figure],
                     expected: list[tuple[float, str]]) -> None:
    assert [(f.value, f.key) for f in new_figures(found, known_)] == expected
    story = Story(k if isinstance(k, KnownFigure) else KnownFigure(k.key, k.value, k.quantity)
                  for k in known_)
    assert [(f.value, f.key) for f in story.new_figures(found)] == expected


def test_new_figures_keeps_order_and_objects() -> None:
    a, b = fig(1), fig(2)
    assert new_figures([b, a], []) == [b, a]


NK = Actor("North Korea", "country", ("DPRK", "Pyongyang", "North Korean"))
KIM = Actor("Kim Jong Un", "person", ("Kim Jong-un",))


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (Actor("North Korea", "country"), False),
        (Actor("north korea", "country"), False),                       # case
        (Actor("D.P.R.K.", "country", ("DPRK",)), False),                # via alias
        (Actor("Kim Jong-un", "person"), False),                         # hyphen == space
        (Actor("Kim Jong Un", "person"), False),
        (Actor("Zelenskyy", "person"), True),                            # unknown
        (Actor("Pyongyang", "place"), False),                            # a known alias, other kind
        (Actor("Erdoğan", "person", ()), True),
    ],
)
def test_new_actors(found: Actor, expected: bool) -> None:
    assert bool(new_actors([found], [NK, KIM])) is expected
    assert bool(Story(actors=[NK, KIM]).new_actors([found])) is expected


def test_a_story_learns_and_asking_changes_nothing() -> None:
    story = Story([known(1500)], [NK])
    found = [fig(3000), fig(3000)]
    assert story.new_figures(found) == [fig(3000)]
    assert story.new_figures(found) == [fig(3000)]         # asking twice: still new
    assert story.new_actors([KIM, KIM]) == [KIM]
    story.learn([known(3000, day=22), known(1500, day=23)], [Actor("kim jong-un", "person")])
    assert story.new_figures(found) == [] and story.new_actors([KIM]) == []
    # each (key, value) once, the first report kept: the timeline is unchanged by repeats
    assert [(k.value, k.published) for k in story.figures] == [
        (1500, None), (3000, datetime(2024, 10, 22, tzinfo=UTC))]


@pytest.mark.parametrize(
    ("known_name", "found_name", "new"),
    [
        ("María Corina Machado", "María Machado", False),    # a shorter form
        ("María Machado", "María Corina Machado", False),    # a fuller one
        ("Kim Jong Un", "Kim Jong-un", False),
        ("George H.W. Bush", "George W. Bush", True),         # neither holds the other
        ("Kim Jong Un", "Kim Yo Jong", True),                  # other last words
        ("Kim Jong Un", "Kim Jong Nam", True),
        ("Lee Jae-myung", "Lee", True),                        # one word says too little
    ],
)
def test_a_person_is_known_by_a_fuller_or_shorter_form_of_the_name(known_name: str, found_name: str,
                                                                   new: bool) -> None:
    known_ = [Actor(known_name, "person")]
    found = [Actor(found_name, "person")]
    assert bool(new_actors(found, known_)) is new
    assert bool(Story(actors=known_).new_actors(found)) is new
    # only people: a place named like a longer place is another place
    assert new_actors([Actor("New York", "place")], [Actor("New York Harbor", "place")])
    # ... and within what was found at once
    assert [a.name for a in new_actors([Actor(known_name, "person"), Actor(found_name, "person")], [])] \
        == ([known_name, found_name] if new else [known_name])


@pytest.mark.parametrize(
    ("known_name", "found_name", "new"),
    [
        ("Workers' Party of Korea", "Workers' Party", False),                      # joined tail
        ("International Association of Machinists and Aerospace Workers",
         "International Association of Machinists", False),
        ("the Workers' Party of Korea", "the Workers' Party", False),
        ("European Union Naval Force", "European Union", True),                    # unjoined tail
        ("National Security Council", "Security Council", True),                   # a head
        ("Ministry of Foreign Affairs", "Foreign Affairs", True),
        ("International Committee of the Red Cross", "Red Cross", True),
        ("Workers' Party of Korea", "Party", True),                                # one word
        ("Workers' Party", "Workers' Party of Korea", True),                       # longer: new
    ],
)
def test_an_organisation_is_known_by_a_shorter_form_of_its_name(known_name: str, found_name: str,
                                                                 new: bool) -> None:
    body, found = Actor(known_name, "organisation"), Actor(found_name, "organisation")
    assert bool(new_actors([found], [body])) is new
    assert bool(Story(actors=[body]).new_actors([found])) is new
    # within one item's actors too, the longer name first
    assert len(new_actors([body, found], [])) == (2 if new else 1)
    # people and places are not organisations' shorter forms
    assert new_actors([Actor(found_name, "place")], [body]) != []


def test_new_actors_diacritics_and_within_found() -> None:
    known_ = [Actor("Recep Tayyip Erdogan", "person", ("Erdogan",))]
    assert new_actors([Actor("Erdoğan", "person")], known_) == []
    twice = [Actor("Kursk", "place"), Actor("kursk", "place", ("Kursk region",))]
    assert [a.name for a in new_actors(twice, [])] == ["Kursk"]


@pytest.mark.parametrize(
    ("raw", "norm"),
    [("Kim Jong-un", "kim jong un"), ("The Pentagon", "pentagon"), ("Zelenskyy’s", "zelenskyy's"),
     ("  São  Paulo ", "sao paulo"), ("U.S.", "us")],
)
def test_normalise_name(raw: str, norm: str) -> None:
    assert normalise_name(raw) == norm


def test_timeline_oldest_first_undated_first_and_filtered() -> None:
    rows = [known(10000, day=28), known(1500), known(3000, day=23), known(350000, "casualties", day=1),
            known(3000, day=25)]
    assert [k.value for k in timeline("troops", rows)] == [1500, 3000, 10000]
    assert [k.value for k in timeline("casualties", rows)] == [350000]
    assert timeline("ships", rows) == []


@pytest.mark.parametrize(
    ("known", "text", "new"),
    [
        # 3,000 more troops are news where 3,000 troops (in all) were known, and the other way
        ((("troops", 3000),), "North Korea sends 3,000 more troops to Russia, Seoul says",
         {("troops_added", 3000)}),
        ((("troops_added", 3000),), "North Korea now has 3,000 troops in Russia, Seoul says",
         {("troops", 3000)}),
        # both ends of a range of increments
        ((), "North Korea plans to send an extra 25,000 to 30,000 troops to Russia",
         {("troops_added", 25000), ("troops_added", 30000)}),
        ((("troops_added", 1500),), "Pyongyang sent a fresh batch of 1,500 troops", set()),
        # the same increment again is not
        ((("troops_added", 3000),), "Pyongyang sent an additional 3,000 troops to Russia", set()),
        # what an increment brings the total to is a total
        ((("troops_added", 3000),),
         "North Korea sent a further 3,000 troops, bringing the total to 14,000, the JCS said.",
         {("troops", 14000)}),
    ],
)
def test_an_increment_is_another_fact_than_a_total_of_the_same_number(
        known: tuple[tuple[str, float], ...], text: str, new: set[tuple[str, float]]) -> None:
    from watcher.extract import get_extractor

    story = Story([KnownFigure(key=k, value=v, quantity=k) for k, v in known])
    found = story.new_figures(get_extractor().extract(text).figures)
    assert {(f.key, f.value) for f in found} == new


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # a rise by a number, and an added number, are increments; what the rise brings is a total
        ("The number of troops rose by 3,000 to 14,000.", {("troops_added", 3000), ("troops", 14000)}),
        ("North Korea boosts its troops in Russia by 3,000, Seoul says.", {("troops_added", 3000)}),
        ("The toll rose by 40 to 1,900.", {("deaths_added", 40), ("deaths", 1900)}),
        ("North Korea adds 3,000 troops to its force in Russia.", {("troops_added", 3000)}),
        # a change of a share is no count added
        ("The Kospi added 0.4% on Monday.", {("percent", 0.4)}),
    ],
)
def test_rises_and_additions_are_increments(text: str, found: set[tuple[str, float]]) -> None:
    from watcher.extract import get_extractor

    assert {(f.key, f.value) for f in get_extractor().extract(text).figures} == found
