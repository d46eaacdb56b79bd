"""Figure extraction: values, keys, qualifiers, attribution, and what is NOT a figure."""

from __future__ import annotations

import pytest

from watcher.extract import get_extractor
from watcher.extract.numbers import find_numbers
from watcher.models import Figure


def figures(text: str) -> list[Figure]:
    return list(get_extractor().extract(text).figures)


def one(text: str) -> Figure:
    found = figures(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1,500", 1500), ("8 million", 8e6), ("2.5 billion", 2.5e9), ("$2.5bn", 2.5e9), ("11,000", 11000),
     ("3.5%", 3.5), ("3.5 percent", 3.5), ("seven", 7), ("twenty-five", 25), ("a dozen", 12),
     ("three hundred thousand", 300000), ("€40m", 40e6),
     # fractions of a scale word are read whole ("half a million" is not "a million")
     ("half a million", 5e5), ("a quarter of a million", 2.5e5), ("a half-million", 5e5),
     ("Half a million", 5e5), ("two and a half million", 2.5e6), ("half a dozen", 6),
     # "m" and "k" glued to a count of something plural (British and headline style)
     ("1.5m", 1.5e6), ("12k", 12000), ("12K", 12000),
     # thousands set apart by a space (or a no-break one)
     ("11 000", 11000), ("11\u00a0000", 11000), ("1 500 000", 1.5e6), ("3\u202f000", 3000),
     # a scale word gives the number as written, so that it equals the digits of it elsewhere
     ("$16.4 billion", 16_400_000_000), ("16,400,000,000", 16_400_000_000), ("1.1 million", 1_100_000),
     ("0.3 million", 300_000), ("$2.45bn", 2_450_000_000)],
)
def test_number_values(raw: str, value: float) -> None:
    found = find_numbers(f"about {raw} things")
    assert [n.value for n in found] == [value]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # the first end of a range takes the second's scale word, the second the first's currency
        ("11-12 thousand troops", [(11000, None), (12000, None)]),
        ("between 10 and 12 million shells", [(1e7, None), (1.2e7, None)]),
        ("$1-2 billion", [(1e9, "USD"), (2e9, "USD")]),
        ("$100-200", [(100, "USD"), (200, "USD")]),
        ("paid $40 and 10 workers", [(40, "USD"), (10, None)]),
        ("from 3 to 4 bn euros", [(3e9, None), (4e9, None)]),
        # ... when it makes the first end the smaller one
        ("a score of 20-3 million", [(20, None), (3e6, None)]),
        # no digit groups run together across a phone number or a year
        ("call +44 207 123 4567 now", [(44, None), (207, None), (123, None), (4567, None)]),
        ("in 2024 100 people", [(2024, None), (100, None)]),
    ],
)
def test_ranges_and_digit_groups(text: str, values: list[tuple[float, str | None]]) -> None:
    assert [(n.value, n.currency) for n in find_numbers(text)] == values


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.5m displaced people", 1.5e6), ("3m artillery shells", 3e6), ("5m Ukrainians", 5e6),
     ("12k North Korean troops", 12000), ("between 10k and 12k troops", 10000),
     ("1.5m-2m shells", 1.5e6),
     # a length or a race: the "m" or "k" is no scale, whatever follows
     ("a 10m wall around the base", 10), ("the 400m hurdles", 400), ("stationed 200m from the "
      "villages", 200), ("the 10k run", 10), ("a 10m-high wall", 10), ("5 m tall", 5),
     # words ending in s that are no plural
     ("a 200m stretch across the border", 200), ("the 5m status quo", 5), ("a 3m analysis", 3)],
)
def test_glued_m_and_k_scale_only_a_count(text: str, value: float) -> None:
    found = find_numbers(text)
    assert found and found[0].value == value, found  # the first number (a range has two)


@pytest.mark.parametrize(
    ("raw", "currency"),
    [("$5m", "USD"), ("US$5m", "USD"), ("U.S.$2.76 billion", "USD"), ("A$3.9 billion", "AUD"),
     ("C$1.2bn", "CAD"), ("HK$500 million", "HKD"), ("NZ$40m", "NZD"), ("S$2 billion", "SGD"),
     ("NT$10 billion", "TWD"), ("R$10 billion", "BRL"), ("€40m", "EUR"), ("₩1 trillion", "KRW"),
     # an ISO code before the amount
     ("USD 500 million", "USD"), ("KRW 1 trillion", "KRW"), ("EUR 3bn", "EUR")],
)
def test_dollars_of_other_countries(raw: str, currency: str) -> None:
    [n] = find_numbers(f"It will spend {raw} on the yard.")
    assert (n.raw, n.currency) == (raw, currency)


def test_a_sum_whose_currency_starts_like_a_country_is_a_figure() -> None:
    # "US" of "US$2 billion" is also a name of the United States: the sum is no part of a name
    assert keyed("Russia paid US$2 billion and U.S.$ 300 million to the North.") == {(2e9, "usd"), (3e8, "usd")}


@pytest.mark.parametrize("text", ["half of the troops", "in the second half", "a quarter of the vote",
                                  "a quarter-century ago"])
def test_fractions_without_a_scale_word_are_not_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_vague_amounts_are_not_numbers() -> None:
    assert find_numbers("dozens of soldiers, hundreds of homes and tens of thousands of people") == []


@pytest.mark.parametrize(
    ("text", "value", "key"),
    [
        ("At least 1,500 soldiers were moved.", 1500, "troops"),
        ("Some 3,000 personnel arrived.", 3000, "troops"),
        ("About 200 servicemen were seen.", 200, "troops"),
        ("He said 400 North Korean forces joined.", 400, "troops"),
        ("Over 8 million units of ammunition were shipped.", 8e6, "ammunition"),
        ("They sailed on seven Russian naval vessels.", 7, "ships"),
        ("The quake left 120 people dead.", 120, "deaths"),
        ("At least 350,000 people have been killed or wounded.", 350000, "casualties"),
        ("Ukraine captured 2 soldiers in the raid.", 2, "prisoners"),
        ("Around 1,000 were injured in the blast.", 1000, "injured"),
        ("The fund pledged $2.5 billion in aid.", 2.5e9, "usd"),
        ("Turnout reached 67.4% on Sunday.", 67.4, "percent"),
        ("The party won 191 seats.", 191, "seats"),
        ("A 6.8-magnitude quake struck.", 6.8, "magnitude"),
        ("The 12 tanks were destroyed.", 12, "tanks"),
        # a unit is one key however it is written; an area is not a length
        ("The strike hit a depot 500 kilometres inside Russia.", 500, "km"),
        ("The strike hit a depot 500 km inside Russia.", 500, "km"),
        ("The fire has burned 6,800 ha of forest.", 6800, "hectares"),
        ("The fire has burned 6,800 hectares of forest.", 6800, "hectares"),
        ("Sappers cleared 1.5 million square metres of land.", 1.5e6, "square_metres"),
        ("The flood covered 20 square kilometres.", 20, "square_km"),
        ("Police seized 40 kilograms of cocaine.", 40, "kg"),
        # names between the size and the force it is
        ("A 14,000-strong North Korean force is now in Kursk.", 14000, "troops"),
        ("A 10,000-strong crowd marched on parliament.", 10000, "people"),
        # reinforcements add to the troops there; units are counted as units
        ("Pyongyang sent 3,000 reinforcements in January.", 3000, "troops_added"),
        ("Brigade-sized 3,000 reinforcement reaches Kursk", 3000, "troops_added"),
        ("North Korea sent three mountain infantry brigades.", 3, "brigades"),
        # what befell people, said by the verb: driven from home, not found
        ("Floods have displaced more than 300,000.", 300000, "displaced"),
        ("Some 4,200 residents were evacuated on Monday.", 4200, "displaced"),
        ("The storm left 300 homeless.", 300, "displaced"),
        ("Nine soldiers are missing.", 9, "missing"),
        ("Rescuers are still looking for 127 people who remain missing.", 127, "missing"),
        # a death toll said at length before its number
        ("The death toll from floods in southern Brazil rose to 56.", 56, "deaths"),
        ("Death toll from southern Brazil floods rises to 56", 56, "deaths"),
        ("The death toll rose to 80, the ministry said.", 80, "deaths"),
        # currencies by name
        ("Brasília announced 1.5 billion reais in aid.", 1.5e9, "brl"),
        ("The government pledged 500 million baht for farmers.", 5e8, "thb"),
        ("Poland will spend 20 billion zlotys on tanks.", 2e10, "pln"),
        # what befell them, said after the noun; a count given to the noun before it
        ("Officials said 9 Korean engineers had lost their lives.", 9, "deaths"),
        ("The two North Korean soldiers held by Ukraine were shown on video.", 2, "prisoners"),
        ("The crews, numbering about 2,000 in total, arrived in Donetsk.", 2000, "crew"),
        # one thing, however named
        ("Pyongyang will send 1,000 sappers to Kursk.", 1000, "deminers"),
        ("Pyongyang will send 1,000 deminers to Kursk.", 1000, "deminers"),
    ],
)
def test_keys(text: str, value: float, key: str) -> None:
    f = one(text)
    assert (f.value, f.key) == (value, key)


def test_a_range_left_for_the_reader_to_complete_is_both_ends() -> None:
    """"another 25,000 to 30,000." with the troops named before: only the range's last end
    was taken (as a total); both are the increment."""
    found = {f.value: f.key for f in figures(
        "North Korean troops fought in Kursk. Moscow is preparing to send another 25,000 to "
        "30,000.")}
    assert found == {25000: "troops_added", 30000: "troops_added"}, found


@pytest.mark.parametrize("text", [
    'The shelling killed 14 people. "My mother is 80," said a neighbour.',
    "One of the men, who said he was 26, told interrogators he was tricked.",
    "Men may be called up when they turn 25, the minimum age.",
    "Park Sun-won, 46, a lawmaker, spoke to reporters.",
    "Kim, who turns 41 next month, inspected the unit.",
    # nor the size of each of several groups
    "About 14 were killed. The units were advancing in groups of 20 to 30, officials said.",
])
def test_an_age_is_no_figure(text: str) -> None:
    assert [f.value for f in figures(text) if f.value < 100 and f.value != 14] == []


def test_a_bare_number_counts_what_a_figure_of_its_size_counted() -> None:
    """A count of groups ("two rotations") said between a total and its parts does not say what
    the parts count: a number a thousand times larger counts what the total counted."""
    found = {f.value: f.key for f in figures(
        "Officials count 14,000 troops sent in two rotations, roughly 11,000 in the first wave "
        "and some 3,000 replacements later.")}
    assert found == {14000: "troops", 2: "rotations", 11000: "troops", 3000: "replacements"}
    # ... while a number that merely grew counts what it counted before
    found = {f.value: f.key for f in figures(
        "Seoul said 3 soldiers were killed at first; by March it was 4,000.")}
    assert found == {3: "deaths", 4000: "deaths"}


def test_a_fact_boxs_label_says_what_its_value_counts() -> None:
    """"By the numbers" boxes: "Label: value" lines. Each value counted what the figure before
    it counted (reinforcements, then reinforcements again)."""
    found = {f.value: f.key for f in figures(
        "Flood in numbers\n\nEvacuated: about 9,000 residents.\n"
        "Deaths confirmed by the ministry: 41. Bridges destroyed: 12.\n"
        "Pumps sent from abroad: more than 300. Rainfall in 24 hours: 180 mm.")}
    assert found[41] == "deaths" and found[12] == "bridges" and found[300] == "pumps", found


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("at least 1,500 troops", "at least"), ("more than 11,000 soldiers", "more than"),
     ("over 8 million shells", "over"), ("about 500 troops", "about"), ("nearly 90 ships", "nearly"),
     ("up to 12,000 troops", "up to"), ("an estimated 10,000 soldiers", "an estimated"),
     ("1,500 more troops", "more"), ("5,000 troops", None),
     # negated comparisons say the opposite bound
     ("no fewer than 300 officers", "at least"), ("not more than 2,000 troops", "at most"),
     ("5,000-plus troops", "more than"), ("5,000+ troops", "more than"),
     ("casualties near 4,000", "nearly")],   # a headline's "near"
)
def test_qualifiers(text: str, qualifier: str | None) -> None:
    assert one(f"Officials reported {text} on the border.").qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "value", "key"),
    [
        # abbreviations with dots inside the noun phrase
        ("About 1,000 U.S. troops were deployed to Poland.", 1000, "troops"),
        ("Kyiv: 3,000 N. Korean soldiers killed, wounded in Kursk", 3000, "casualties"),
        # a headline's present tense after the counted subject
        ("North Korean casualties top 4,000, says Seoul's spy agency", 4000, "casualties"),
        ("NK troops in Russia now number about 12,000, Seoul says", 12000, "troops"),
        ("Troops from the North reach 15,000 in Russia", 15000, "troops"),
    ],
)
def test_headline_shapes(text: str, value: float, key: str) -> None:
    assert (value, key) in {(f.value, f.key) for f in figures(text)}, figures(text)


@pytest.mark.parametrize(
    ("text", "value", "key"),
    [
        # "N-strong": a force, a crowd, or (small, before a quake) a magnitude
        ("A 10,000-strong contingent of North Korean troops has arrived in Kursk.", 10000, "troops"),
        ("North Korea's 1.2 million-strong armed forces are among the largest.", 1.2e6, "troops"),
        ("A 5,000-strong crowd protested in the capital.", 5000, "people"),
        ("A 6.8-strong quake struck the coast.", 6.8, "magnitude"),
        # a head that names what happened keeps it, whatever follows
        ("The North has suffered about 4,700 casualties, including 300 deaths.", 4700, "casualties"),
    ],
)
def test_what_a_number_counts(text: str, value: float, key: str) -> None:
    assert (value, key) in {(f.value, f.key) for f in figures(text)}, figures(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a capitalised plural is people only when it names a people
        ("About 14 North Koreans defected and 200 Israelis left, with 12 Scots.",
         {(14, "people"), (200, "people"), (12, "people")}),
        ("The country has hosted four Summer Olympics.", {(4, "olympics")}),
        ("The 5 Biggest Winners of the Night", {(5, "winners")}),
        # a subsection and a US phone number count nothing (not even what came before); RMB is
        # the yuan
        ("Two judges met. Under section 1(1) of the act, they agreed.", {(2, "judges")}),
        ("The fee is $4,500; call Compass on (707) 934-5630.", {(4500, "usd")}),
        ("For less than 2 million RMB buyers get a car.", {(2e6, "cny")}),
        # an age at death, a temperature, and "won" after a noun (a verb, not the currency)
        ("Jesse Jackson, civil rights leader and 2 times a candidate, dies at 84", {(2, "times")}),
        ("The singer, who sold 40 million records, died at the age of 91.", {(40e6, "records")}),
        ("Anyway, 3 people waited because it was -5° outside.", {(3, "people")}),
        ("The opposition took 300 lower house seats won in the landslide.", {(300, "seats")}),
        ("Samsung will invest 1.5 trillion won in the plant.", {(1.5e12, "krw")}),
        # men, women and children are people, men troops where the text counts soldiers
        ("About 300 men and women gathered in the square.", {(300, "people")}),
        ("The corps sent about 10,000 men to reinforce the troops already there.", {(10000, "troops")}),
        # what happened to each count, across "and"
        ("The blast killed 14 people and wounded 30.", {(14, "deaths"), (30, "injured")}),
        ("Two children were killed and 14 women were injured in the strike.",
         {(2, "deaths"), (14, "injured")}),
        # ranges written with a glued scale
        ("Between 10k and 12k troops have been sent.", {(10000, "troops"), (12000, "troops")}),
        ("Some 1.5m-2m shells were shipped.", {(1.5e6, "ammunition"), (2e6, "ammunition")}),
        # a population counts people, not what the text counted before
        ("The town lies 200 miles from the coast. It has a population of 2,400.",
         {(200, "miles"), (2400, "people")}),
        ("The population of the city is about 3 million.", {(3e6, "people")}),
        # a list of designations between a count and what it counts
        ("North Korea has shipped more than 100 KN-23 and KN-24 ballistic missiles.", {(100, "missiles")}),
        ("Russia sent two KF-16, Su-35 and MiG-29 jets.", {(2, "aircraft")}),
        # the whole a fraction or a share is taken of keeps its own key
        ("Roughly one-third of the 11,000 troops have been killed or wounded.", {(11000, "troops")}),
        ("About 40% of the 11,000 troops have been killed or wounded.", {(40, "percent"), (11000, "troops")}),
        # the ones just named are no count; a capture's are prisoners, whatever the clause
        # after says; what follows a verb of saying is another statement's
        ("Like all prisoners of war, these two North Korean soldiers receive medical care.", set()),
        ("NIS confirms capture of 2 N. Korean soldiers, puts casualties at 3,000",
         {(2, "prisoners"), (3000, "casualties")}),
        ("He put the total at 12,000 and said Ukrainian forces had killed about 600 North Korean "
         "soldiers.", {(12000, "troops"), (600, "deaths")}),
        ("Seoul puts the deployment at about 11,000.", {(11000, "troops")}),
        # workers who lose their jobs are the jobs cut: one figure however it is worded
        ("The company will lay off 2,900 workers at its plants.", {(2900, "jobs")}),
        ("About 2,900 employees will lose their jobs, the union said.", {(2900, "jobs")}),
        ("The carmaker will cut 2,900 jobs.", {(2900, "jobs")}),
        ("Some 33,000 workers walked off the job; the firm employs 45,000 workers.",
         {(33000, "workers"), (45000, "workers")}),
    ],
)
def test_what_is_counted_and_what_is_not(text: str, expected: set[tuple[float, str]]) -> None:
    assert {(f.value, f.key) for f in figures(text)} == expected


def test_the_end_of_a_date_range_is_no_count_of_what_came_before() -> None:
    found = figures("Around 1,500 North Korean special forces were moved between Oct 8 and 13.")
    assert [(f.value, f.key) for f in found] == [(1500, "troops")]


def test_a_fraction_of_a_million_keeps_its_value_and_qualifier() -> None:
    f = one("Nearly half a million rounds of ammunition were delivered.")
    assert (f.value, f.key, f.qualifier) == (500000, "ammunition", "nearly")


@pytest.mark.parametrize(
    "text",
    ["Kyiv says 1 in 3 of them were wounded.", "One in five soldiers was wounded, the report said.",
     "Two in every ten North Korean soldiers have been injured."],
)
def test_ratios_are_not_counts(text: str) -> None:
    assert figures(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("North Korea sent 3,000 troops in two batches.", (3000, "troops")),
     ("Russia lost 1,500 soldiers in 10 days.", (1500, "deaths"))],
)
def test_a_count_followed_by_in_and_a_number_is_still_a_count(text: str, expected: tuple[float, str]) -> None:
    assert expected in {(f.value, f.key) for f in figures(text)}


def test_the_number_of_named_troops_says_what_a_change_counts() -> None:
    found = figures("The number of North Korean troops rose to 12,000 from 10,000, the NIS said.")
    assert sorted((f.value, f.key) for f in found) == [(10000, "troops"), (12000, "troops")]


def test_what_a_part_suffered_is_not_what_the_whole_counts() -> None:
    found = figures("Several hundred of the 12,000 North Korean troops have been killed or wounded.")
    assert [(f.value, f.key) for f in found] == [(12000, "troops")]
    # the part itself still takes the verb
    assert [(f.value, f.key) for f in figures("300 of the North Korean soldiers were killed.")] \
        == [(300, "deaths")]
    # ... also when the whole is counted too
    found = figures("Officials think 2,500 of the 9,000 conscripts sent east were killed or wounded.")
    assert {(f.value, f.key) for f in found} == {(2500, "casualties"), (9000, "troops")}
    assert next(f.quantity for f in found if f.value == 2500).startswith("casualties among conscripts")
    assert keyed("Some 600 out of 2,000 reservists have been captured.") \
        == {(600, "prisoners"), (2000, "troops")}


def test_ranges_give_two_figures_with_the_same_key() -> None:
    for text in ("Between 10,000 and 12,000 soldiers were sent.", "Some 10,000-12,000 troops were sent.",
                 "They sent 10,000 to 12,000 troops."):
        found = figures(text)
        assert sorted((f.value, f.key) for f in found) == [(10000, "troops"), (12000, "troops")], text


def test_a_count_after_a_date_is_no_day_of_it() -> None:
    assert keyed("Between Oct. 8 and 13, 3,000 troops moved.") == {(3000, "troops")}
    assert keyed("In the week to Jan. 12, 300 were killed.") == {(300, "deaths")}
    assert keyed("Strikes on Oct. 8, 9 and 12 hit the port.") == set()


@pytest.mark.parametrize(
    "text",
    [
        "The soldiers were moved from Oct. 8-13 by sea.",
        "It happened on October 21, 2024 in the east.",
        "The treaty was signed in 2022 after talks.",
        "Talks start at 10:30 a.m. on Monday.",
        "A 45-year-old man was detained.",
        "The suspect, aged 45, was detained.",
        "It was the third attempt this year.",
        "G7 ministers discussed Su-27 jets and COVID-19 under Article 5.",
        "Call 02-3456-7890 for details.",
        "UN Resolution 2231 was cited.",
        "The new 737 MAX jets were grounded.",
        "Zelensky, 46, said nothing.",
    ],
)
def test_not_figures(text: str) -> None:
    assert figures(text) == []


def test_attribution() -> None:
    text = ("Kyiv's military intelligence chief Kyrylo Budanov believed more than 11,000 soldiers were ready. "
            "According to the Pentagon, 3,000 troops had moved. "
            "Lloyd Austin spoke on Monday. He said at least 350,000 people had been killed or wounded. "
            "Seoul's estimate put the number of ships at 7 vessels.")
    by_value = {f.value: f for f in figures(text)}
    assert by_value[11000].said_by == "Kyrylo Budanov"
    assert by_value[3000].said_by == "Pentagon"
    assert by_value[350000].said_by == "Lloyd Austin"


@pytest.mark.parametrize(
    ("text", "said_by"),
    [
        # an estimate "put" at a number, a count "recorded": the one who puts or records it
        ("The World Bank puts the cost of rebuilding at $11 billion.", "World Bank"),
        ("Sudan's Health Ministry has recorded more than 100,000 suspected cholera cases.",
         "Sudanese Health Ministry"),
    ],
)
def test_who_puts_or_records_a_figure_gives_it(text: str, said_by: str) -> None:
    assert [f.said_by for f in figures(text)] == [said_by]


def test_figure_carries_its_sentence_and_readable_quantity() -> None:
    f = one("Seoul confirmed that at least 1,500 North Korean troops had already been shipped to Vladivostok.")
    assert "North Korean troops" in f.quantity
    assert f.text.startswith("Seoul confirmed")
    assert f.said_by is None or f.said_by == "South Korea"


def test_same_figure_twice_is_reported_once() -> None:
    found = figures("1,500 troops sent to Russia\n\nSeoul said 1,500 troops were sent.")
    assert len(found) == 1 and found[0].said_by == "South Korea"


def test_count_continued_without_a_noun_inherits_the_key() -> None:
    found = figures("The party won 191 seats, down from 247 in the last vote.")
    assert sorted((f.value, f.key) for f in found) == [(191, "seats"), (247, "seats")]


# --- counts with no noun, designations, tallies, references that are not counts ---------------


def keyed(text: str) -> set[tuple[float, str]]:
    return {(f.value, f.key) for f in figures(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the previous figure's key, however far back, when the number heads its own phrase
        ("The army moved 4,000 soldiers to the coast on Monday. " + "Convoys crawled along the road for hours. " * 10
         + "Later the figure rose to 9,000.", {(4000, "troops"), (9000, "troops")}),
        ("The union said 2,000 workers walked out. Of those, 700 returned on Monday.",
         {(2000, "workers"), (700, "workers")}),
        # no earlier figure: what the text counts most often by name
        ("Marines and soldiers were seen at the port, and officials believe about 6,000 have crossed so far.",
         {(6000, "troops")}),
        ("The ministry puts the total of recruits in the region at around 3,500.", {(3500, "troops")}),
        # the subject of a verb of reaching names the thing counted
        ("Casualties among the rebels have risen to about 1,200, the ministry said.", {(1200, "casualties")}),
        # spelled counts in a change "to ... from ..."
        ("The Green Party won four seats, while the Left slipped to three from five.",
         {(4, "seats"), (3, "seats"), (5, "seats")}),
        # the value of a figure, an estimate or a total: what the text counts (here the first
        # number has no earlier figure to follow)
        ("Pyongyang has sent soldiers to the front. Officials now put the figure at 2,500, twice "
         "their estimate of 1,250 in the spring.", {(2500, "troops"), (1250, "troops")}),
        ("Rebel fighters held the town. The total has reached 800, a monitor said.",
         {(800, "troops")}),
        # ... and a number of named things, however many words lie before the verb
        ("The number of Cuban workers on the island has climbed to 3,400 from 2,900, the union said.",
         {(3400, "workers"), (2900, "workers")}),
        ("Monitor raises estimate of Sudanese civilians killed in the city to 4,000",
         {(4000, "deaths")}),
        # what is put at a number
        ("London puts Russian casualties at about 600,000.", {(600000, "casualties")}),
        ("Analysts put the army's losses at more than 90,000.", {(90000, "losses")}),
        # what follows the next number is said of that number
        ("Rebel casualties have climbed to around 2,400, including 260 dead, the army said.",
         {(2400, "casualties"), (260, "deaths")}),
        # the subject of an estimate
        ("Militia losses were heavy and casualties estimated at 1,700 by the ministry.",
         {(1700, "casualties")}),
        # a verb of capture before the count, in a headline's present tense
        ("Army captures three Wagner fighters near Bakhmut", {(3, "prisoners")}),
        # a crew is counted like people
        ("The ferry carried 212 passengers and nine crew; four crew members were killed.",
         {(212, "passengers"), (9, "crew"), (4, "deaths")}),
        # "killed or wounded" before the count
        ("Drones killed or wounded about 90 soldiers overnight.", {(90, "casualties")}),
        ("The strike killed or injured 45 civilians.", {(45, "casualties")}),
        # a people's plural name is counted by what happened to them
        ("Some 90 Sudanese were killed in the raid.", {(90, "deaths")}),
        ("Kyiv says its forces captured 2 North Koreans.", {(2, "prisoners")}),
        # "others" are people, counted by what happened to them; a headline's present tense
        ("Gunman kills 7 people and injures 12 others at a mall", {(7, "deaths"), (12, "injured")}),
        ("Two climbers died and four others were hurt in the avalanche.",
         {(2, "deaths"), (4, "injured")}),
        ("At least 16 protesters were killed and 40 students injured.",
         {(16, "deaths"), (40, "injured")}),
        # (not capture: towns are taken too)
        ("Rebels captured three towns.", {(3, "towns")}),
        # what a change brings to the number
        ("The raid killed 40 more fighters, bringing the militia's total losses to 1,900.",
         {(40, "deaths_added"), (1900, "losses")}),
        # a force of a number, an N-man contingent, an N-person crowd
        ("Kyiv says a force of about 9,000 crossed the river.", {(9000, "troops")}),
        ("The militia sent a 2,500-man contingent north.", {(2500, "troops")}),
        ("A 400-person crowd gathered at the gate.", {(400, "people")}),
        # "N-plus" and "N+" count what follows, as more than N
        ("Some 6,000-plus reservists and 200+ tanks moved east.", {(6000, "troops"), (200, "tanks")}),
        # "N more": a count of more of the same (added to it, not a total)
        ("The ministry sent reservists east and could add up to 5,000 more, an aide said.",
         {(5000, "troops_added")}),
    ],
)
def test_counts_without_a_noun_take_the_key_from_context(text: str, expected: set[tuple[float, str]]) -> None:
    assert keyed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Officials think about 6,000 have crossed the river so far.",  # nothing counted by name
        "The firm builds the 320 in Toulouse and the 350 in Hamburg.",  # designations, no counted noun
        "Shares of the firm fell 3-1 against the index.",  # a score, not a vote
        # a number with a unit word after it is no bare value of "a total"
        "Soldiers guarded the plant, which made a total of 406.9 GW of power in 2025.",
    ],
)
def test_bare_numbers_without_context_are_not_figures(text: str) -> None:
    assert [f for f in figures(text) if f.unit is None] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Three Su-25 jets and four T-72 tanks were lost.", {(3, "aircraft"), (4, "tanks")}),
        ("Two KF-21 fighter jets dropped six GBU-12 bombs.", {(2, "aircraft"), (6, "bombs")}),
        ("The navy sent 12 Type-054 frigates.", {(12, "ships")}),
        ("He flew an F-16 and later a Su-27 on patrol.", set()),
        # a calibre names the type too, and is no count itself
        ("The army fired 400 152mm shells and 30 of its 122-mm rockets.",
         {(400, "ammunition"), (30, "missiles")}),
        ("Moscow received 24 240mm launchers.", {(24, "launchers")}),
        # ... written apart too, and no count of millimetres itself ("30 mm of rain" is one)
        ("The North sent 170 mm howitzers and fired 400 152 mm shells.", {(400, "ammunition")}),
        ("Some 30 mm of rain fell.", {(30, "mm")}),
        # a weapon's singular before a plural noun modifies it
        ("Seoul counted five missile tests and 12 rocket launchers; 1 rocket hit a dam.",
         {(5, "tests"), (12, "launchers"), (1, "missiles")}),
        ("Two aircraft carriers and 40 aircraft took part.", {(2, "carriers"), (40, "aircraft")}),
    ],
)
def test_counts_before_a_designation(text: str, expected: set[tuple[float, str]]) -> None:
    assert keyed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The vote was 62-38 after a long night.", {(62, "votes"), (38, "votes")}),
        ("The bill passed 215-194 in the lower house.", {(215, "votes"), (194, "votes")}),
        ("After a 7-2 vote, the board adjourned.", {(7, "votes"), (2, "votes")}),
        ("The home side won 3-1 on Sunday.", set()),
    ],
)
def test_vote_tallies(text: str, expected: set[tuple[float, str]]) -> None:
    assert keyed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The two sides agreed to meet again, and both countries sent envoys.", set()),
        ("One of the prisoners escaped and one soldier was hurt.", set()),
        ("Call 0800 123 456 for help.", set()),
        ("Medics treated 1,300, the agency said, after the blast.", set()),
        ("Park, 46, the party whip, said 30 members left.", {(30, "members")}),
        ("The guards have taken three fighters prisoner near the river.", {(3, "prisoners")}),
        ("Reports of the capture of two soldiers spread quickly.", {(2, "prisoners")}),
        ("Police detained 12 Britons and three Americans.", {(12, "people"), (3, "people")}),
        ("Courts charged 9 foreign nationals with fraud.", {(9, "people")}),
        ("Some 8,000 of her country's soldiers were moved.", {(8000, "troops")}),
        ("They sent roughly two divisions' worth of men.", {(2, "divisions")}),
        ("Some 2,500 displaced residents were housed in schools.", {(2500, "displaced")}),
    ],
)
def test_small_references_and_heads(text: str, expected: set[tuple[float, str]]) -> None:
    assert keyed(text) == expected


# --- attribution patterns (said_by) ---------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "value", "said_by"),
    [
        # "X put/raised/revised the <figure> at/to N"
        ("Ukraine put the overall number of Russian casualties at around 600,000.", 600000, "Ukraine"),
        ("The Pentagon raised its estimate of the force in Kursk to 9,000 troops on Monday.", 9000, "Pentagon"),
        ("Japan revised the death toll to 41 after rescuers reached the valley.", 41, "Japan"),
        # a role noun that belongs to a named actor, or to nobody
        ("NATO officials said 2,000 more soldiers had arrived.", 2000, "North Atlantic Treaty Organization"),
        ("Some 2,000 soldiers had arrived in Ukraine, Western diplomats said.", 2000, None),
        ("Some 2,000 soldiers had arrived in Ukraine, analysts said.", 2000, None),
        # a closing attribution credits what came before it; a verb with its own report does not
        ("About 300 soldiers were captured near Kharkiv, Volodymyr Zelensky said on Friday.", 300, "Volodymyr Zelensky"),
        ("Russia lost 1,200 soldiers in Kursk, and Volodymyr Zelensky said he would visit the front.", 1200, None),
        ("The turnout was 58%, the Pentagon said, beating the forecast of 51%.", 51, None),
        # "According to X, ..." opens the sentence; ", according to X" closes it
        ("According to the Pentagon, 5,000 soldiers have moved, while 700 remain in reserve.", 700, "Pentagon"),
        ("Some 5,000 soldiers have moved, according to the Pentagon, with 700 more in reserve.", 700, None),
        # several sources at once credit nobody
        ("About 4,000 soldiers were sent, according to Ukraine and Japan.", 4000, None),
        # a closing attribution covers the whole sentence
        ("Japan announced $5 million in aid, Prime Minister Shigeru Ishiba said.", 5e6, "Shigeru Ishiba"),
        # passives and nouns are no speech: "was estimated", "the median forecast of"
        ("Volodymyr Zelensky met troops; turnout was estimated at 64%.", 64, None),
        ("Japan's growth of 3% beat the median forecast of 2.1%.", 2.1, None),
        # a descriptive subject with no organisation named: the country stands in
        ("Some 20 million Japanese voters cast early ballots, the internal affairs ministry said.", 20e6, "Japan"),
        ("Morocco will spend $11 billion on rebuilding, the royal palace said.", 11e9, "Morocco"),
        # "X estimated/expects ...": forecasting verbs report
        ("The Pentagon expects the contingent to reach 10,000 troops by December.", 10000, "Pentagon"),
        # a capital after a comma, speaking: its government, not a place in a list with the one
        # before, and not a joint source with it
        ("North Korea sent 12,000 troops to Russia, Seoul says", 12000, "South Korea"),
        ("North Korea sent 12,000 troops to Russia, Seoul said.", 12000, "South Korea"),
        ("North Korea sent 12,000 troops to Russia, Seoul says - Nordwire", 12000, "South Korea"),
        ("Troop deaths near 1,000 in Kursk, Kyiv says", 1000, "Ukraine"),
        ("Seoul, Tokyo and Washington said 10,000 troops were in Russia.", 10000, None),
        # an inverted attribution closing the sentence credits the speaker after the verb
        ("12,000 troops were sent to Russia, says Seoul.", 12000, "South Korea"),
        # a body named after its country ("Seoul's spy agency"): the body
        ("Casualties top 4,000 in Kursk, says Seoul's spy agency", 4000,
         "National Intelligence Service"),
        ("South Korea's spy agency said 3,000 more troops had arrived.", 3000,
         "National Intelligence Service"),
        ("Ukrainian military intelligence said 12,000 troops were in Kursk.", 12000,
         "Main Intelligence Directorate"),
        # ... but not in a person's title
        ("Ukraine's military intelligence chief, Kyrylo Budanov, said 12,000 troops were there.",
         12000, "Kyrylo Budanov"),
        ("About 3,000 troops are in Kursk, said the NIS on Friday.", 3000, "National Intelligence Service"),
        ("North Korea sent 12,000 troops, said Ukraine's military intelligence chief Kyrylo Budanov.",
         12000, "Kyrylo Budanov"),
        ("North Korea deployed around 10,000 troops, per the Pentagon.", 10000, "Pentagon"),
        # a headline's estimate without an article; what is put at a number
        ("Pentagon raises estimate of North Korean troops in Kursk to 11,000", 11000, "Pentagon"),
        ("Kyiv puts North Korean casualties at 3,800", 3800, "Ukraine"),
        ("The fee rose by $20 per day, the ministry said.", 20, None),
        # a headline's source after a colon: at its end, or (a person, an organisation, a
        # capital) at its start; a country at the start is a topic
        ("N. Korea sends additional 3,000 troops to Russia: JCS", 3000, "Joint Chiefs of Staff"),
        ("N. Korean troops suffer 4,700 casualties: S. Korea's NIS", 4700, "National Intelligence Service"),
        ("Budanov: up to 12,000 North Korean troops now in Kursk region", 12000, "Kyrylo Budanov"),
        # ... which may end in what the source is
        ("About 2,000 more troops arrive in Kursk: Ukrainian military", 2000, "Ukraine"),
        ("Ceasefire talks stall: 40 dead in overnight raids", 40, None),
        # "it" after an organisation spoke in the sentence before, or in the same one
        ("The Joint Chiefs of Staff briefed lawmakers on Monday, a spokesman said. It estimated that "
         "1,300 troops had arrived.", 1300, None),
        ("The Joint Chiefs of Staff said the North was preparing more units. It estimated that "
         "1,300 troops had arrived.", 1300, "Joint Chiefs of Staff"),
        ("The Joint Chiefs of Staff said it had counted 1,300 troops.", 1300, "Joint Chiefs of Staff"),
        ("Amnesty International said the figure was low. Officials met. It estimated 1,300 troops.",
         1300, None),
        # an attribution closing the number's own clause wins over the sentence's closer
        ("At least 900 civilians were killed, according to a doctors' union, while 14,000 people "
         "fled, the Red Cross said.", 900, None),
        ("At least 900 civilians were killed, according to Amnesty International, while 14,000 "
         "people fled, the Red Cross said.", 900, "Amnesty International"),
        ("At least 900 civilians were killed, according to Amnesty International, while 14,000 "
         "people fled, the Red Cross said.", 14000, "Red Cross"),
        # a verb that is also a noun is the verb when a number follows it
        ("Ukrainian intelligence estimates 11,000 soldiers are fighting.", 11000, "Ukraine"),
        ("Ukrainian intelligence estimates suggest 11,000 soldiers.", 11000, None),
        # a participle names no speaker ("Russia's troops, estimated at ..."), the verb does
        ("Russia's reservists, estimated at 40,000, massed near the border.", 40000, None),
        ("Kyiv estimated at least 40,000 reservists massed near the border.", 40000, "Ukraine"),
        ("Kyiv: 3,000 N. Korean soldiers killed, wounded in Kursk", 3000, "Ukraine"),
        ("North Korea: 10,000 troops sent to Russia", 10000, None),
        ("Talks start at 10:30 with 300 delegates, the NIS said.", 300, "National Intelligence Service"),
        ("Rep. Park Sun-won of the Democratic Party said 1,500 troops arrived first.", 1500, "Park Sun-won"),
        ("Victor Cha of the Center for Strategic and International Studies said 12,000 troops were sent.",
         12000, "Victor Cha"),
        # a name right before the verb is its subject, not a person named earlier
        ("Kim Jong Un's regime received $20 billion for the deployment, Yonhap reported.", 20e9, "Yonhap"),
        # ... but a verb after a comma that goes on to report is no inversion
        ("Kim Byung-kee, a member of the intelligence committee, said after a briefing by Russian "
         "officials that 1,500 troops had left.", 1500, "Kim Byung-kee"),
        # "..., saying": the sentence's subject says it (not the source of a figure it rejects)
        ("Zelensky rejected Seoul's figure of 600 North Korean deaths, saying the real toll was "
         "closer to 4,000.", 4000, "Volodymyr Zelensky"),
        ("Zelensky rejected Seoul's figure of 600 North Korean deaths, saying the real toll was "
         "closer to 4,000.", 600, "South Korea"),
        ("Ukraine's President Volodymyr Zelensky spoke on Monday, saying 11,000 North Korean "
         "soldiers were in Kursk.", 11000, "Volodymyr Zelensky"),
        # the outlet told is the source; "per" before a people's adjective is a rate
        ("Moscow pays about $2,000 a month per North Korean soldier, Reuters was told.", 2000,
         "Reuters"),
        ("Casualties rose to 4,000, per the NIS.", 4000, "National Intelligence Service"),
    ],
)
def test_said_by_patterns(text: str, value: float, said_by: str | None) -> None:
    found = {f.value: f for f in figures(text)}
    assert value in found, found
    assert found[value].said_by == said_by


@pytest.mark.parametrize(
    "text",
    [
        "Japan's Nikkei rose 3.3% and Australia's main index added 0.4%.",   # "added" a number
        "Donald Trump carried all seven battleground states and 312 electoral votes.",  # "states" a noun
    ],
)
def test_market_and_noun_verbs_are_not_attribution(text: str) -> None:
    assert all(f.said_by is None for f in figures(text)), figures(text)


def test_the_text_names_a_more_specific_source_than_the_title() -> None:
    text = ("North Korea sent 13,000 containers of arms, Seoul estimates\n\n"
            "North Korea has sent more than 13,000 containers of weapons, South Korea's Joint Chiefs of Staff said.")
    (f,) = [f for f in figures(text) if f.value == 13000]
    assert f.said_by == "Joint Chiefs of Staff"


def test_repeated_title_figure_takes_the_texts_attribution() -> None:
    text = ("Deployed troops total 3,000 - lawmaker\n\n"
            "Another 1,500 soldiers arrived, lifting the number deployed to roughly 3,000, Park Sun-won, a lawmaker, said.")
    (f,) = [f for f in figures(text) if f.value == 3000]
    assert f.said_by == "Park Sun-won"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # names coordinated before the counted noun
        ("Kyiv says about 40,000 Russian and North Korean troops have massed in the region.",
         (40000, "troops")),
        ("Some 50,000 Russian or Chechen soldiers are fighting there.", (50000, "troops")),
        # a unit that lost soldiers counts its dead; losing contact with them is no loss
        ("The regiment lost nine soldiers, whose portraits were placed beside coffins.", (9, "deaths")),
        ("North Korea is estimated to have lost about 6,000 soldiers.", (6000, "deaths")),
        ("The unit lost contact with 30 soldiers.", (30, "troops")),
        # the guns of the artillery are counted as artillery, whatever the text calls them
        ("Pyongyang sent 50 heavy howitzers to Russia.", (50, "artillery")),
        ("North Korea transferred 200 long-range artillery pieces to Russia.", (200, "artillery")),
        ("It shipped some 200 artillery systems.", (200, "artillery")),
        # ... but artillery that modifies another noun does not count itself
        ("Russia formed 3 artillery brigades.", (3, "brigades")),
        ("North Korea sent 2 howitzer batteries.", (2, "batteries")),
        ("Pyongyang supplied 8 million artillery shells.", (8_000_000, "ammunition")),
        ("It sent at least 9 million rounds of artillery and rocket ammunition.", (9_000_000, "ammunition")),
    ],
)
def test_what_a_count_counts(text: str, expected: tuple[float, str]) -> None:
    assert expected in {(f.value, f.key) for f in figures(text)}, figures(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what befell the counted people, said before the noun
        ("Officials counted 300 dead soldiers.", (300, "deaths")),
        ("Kim Jong Un honours 101 fallen soldiers at a ceremony.", (101, "deaths")),
        ("There were 20 wounded soldiers in the hospital.", (20, "injured")),
        ("Zelensky met 12 captured soldiers.", (12, "prisoners")),
        # losses that include the dead are casualties
        ("The North is believed to have lost around 4,700 troops, including 600 killed.", (4700, "casualties")),
        # a batch (wave, rotation) of a number counts what the text counts (a fresh one adds to it)
        ("North Korea has sent more troops to Russia. Pyongyang sent a fresh batch of 1,500 to the "
         "front in January.", (1500, "troops_added")),
        ("North Korea has sent troops to Russia. The first batch of 1,500 arrived in October.",
         (1500, "troops")),
        # people as the unit of a number of something counted
        ("The number of DPRK servicemen in the Kursk region is estimated at 11,000 people.", (11000, "troops")),
        # a toll named several words before its number
        ("N. Korea's death toll in Russia war estimated at 600: NIS", (600, "deaths")),
    ],
)
def test_what_befell_the_counted(text: str, expected: tuple[float, str]) -> None:
    assert expected in {(f.value, f.key) for f in figures(text)}, figures(text)


@pytest.mark.parametrize(
    ("text", "said_by"),
    [
        # a descriptive source in a dateline story is the dateline country's
        ("SEOUL, Nov. 13 (Yonhap) -- North Korean troops sent to Russia have begun fighting, the spy "
         "agency said, adding that some 10,000 soldiers were seen at the front.", "South Korea"),
        # ... the dateline of an item under its headline too
        ("North Korean troops join the fighting\n\nSEOUL, Nov. 13 (Yonhap) -- North Korean troops sent "
         "to Russia have begun fighting, the spy agency said, adding that some 10,000 soldiers were "
         "seen at the front.", "South Korea"),
        # a speech verb in its base form after a plural subject ("officials estimate")
        ("Officials in Seoul estimate that about 10,000 North Korean troops are in Russia.", "South Korea"),
        # without one, an agency among several countries is nobody's in particular
        ("North Korean troops sent to Russia have begun fighting, the spy agency said, adding that "
         "some 10,000 soldiers were seen at the front.", None),
        ("Japan recorded 300 cases, the health ministry said.", "Japan"),
    ],
)
def test_a_descriptive_source_stands_for_its_country_only_when_clear(text: str, said_by: str | None) -> None:
    (f,) = [f for f in figures(text) if f.value in (10000, 300)]
    assert f.said_by == said_by


def test_a_figure_put_higher_after_a_comma_counts_what_its_number_of_names() -> None:
    """Not what the number before it counted: "... 2,700 wounded. HUR put the number of North
    Korean casualties higher, at about 4,000" is 4,000 casualties."""
    found = figures("About 300 North Korean soldiers have been killed and 2,700 wounded, the NIS said. "
                    "The HUR has put the number of North Korean casualties higher, at about 4,000.")
    assert (4000, "casualties") in {(f.value, f.key) for f in found}, found


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # a number with no noun of its own takes the thing an earlier figure counted only when it
        # stands alone as a count: not one that qualifies a noun, names a rank or a name
        ("The article had two bylines. The link pointed to a 404 page.", 404),
        ("The article had two bylines, an editor told 404 Media.", 404),
        ("Three universities made the list: Oxford (no. 1) and Cambridge (no. 7).", 7),
        # Unicode hyphens ("43‑year‑old", U+2011) join words as "-" does
        ("Five firms use it, says the 43\u2011year\u2011old lawyer.", 43),
        # a fraction is no count
        ("He said the $300 billion valuation will fall by more than two thirds.", 2),
        ("Two-thirds of the 40 ships left port.", 2),
    ],
)
def test_numbers_that_count_nothing_do_not_borrow_a_key(text: str, absent: float) -> None:
    assert absent not in {f.value for f in figures(text)}, figures(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some 8.8 million South Koreans travelled to Japan, and 3.2 million Japanese went the other way.",
         (3_200_000, "people")),
        ("U.S. forces have sunk three alleged drug\u2011running boats in the Caribbean.", (3, "ships")),
        ("The BNP won 212 seats, compared with 77 for the alliance.", (77, "seats")),
    ],
)
def test_numbers_that_stand_for_an_earlier_count_or_join_by_unicode_hyphens(
        text: str, expected: tuple[float, str]) -> None:
    assert expected in {(f.value, f.key) for f in figures(text)}, figures(text)


@pytest.mark.parametrize(
    ("text", "value", "said_by"),
    [
        # an outlet citing a named source relays that source's number
        ("North Korea may send 25,000 more troops to Russia, CNN reported, citing Ukrainian intelligence.",
         25000, "Ukraine"),
        ("North Korea has sent 3,000 troops, Yonhap reported on Tuesday, citing the NIS.",
         3000, "National Intelligence Service"),
        ("Citing the NIS, Yonhap said 3,000 troops had been sent.", 3000, "National Intelligence Service"),
        # ... an unnamed one leaves the outlet; a person citing a briefing said it
        ("North Korea has sent 3,000 troops, Yonhap reported, citing a government source.", 3000, "Yonhap"),
        ("At least 100 soldiers have been killed, Lee Seong-kweun said, citing an NIS briefing.",
         100, "Lee Seong-kweun"),
    ],
)
def test_a_number_an_outlet_relays_is_its_cited_sources(text: str, value: float, said_by: str) -> None:
    found = {f.value: f for f in figures(text)}
    assert found[value].said_by == said_by


@pytest.mark.parametrize(("text", "expected"), [
    # an age or an age bound is no count, and what follows it still counts
    ("The first phase frees 33 hostages: women, children and men over 50.", {(33, "hostages")}),
    ("The plant will shed 900 jobs, mostly among workers over 55.", {(900, "jobs")}),
    ("Children under 18 were among 40 people moved to shelters.", {(40, "people")}),
    ("Residents 65 and older were moved first; 300 people were evacuated.", {(300, "displaced")}),
    ("Hostages over the age of 60 and 19 soldiers were freed.", {(19, "troops")}),
    ("Most of the 24 victims were in their 70's and 80's, the coroner said.", {(24, "victims")}),
    # ... but not a count of people over a span of time, nor "over" a number alone
    ("Police held people over 3 days; 45 people were arrested.", {(3, "days"), (45, "people")}),
    ("The alert reached people over 20 countries.", {(20, "countries")}),
    ("Over 50 people were killed in the blast.", {(50, "deaths")}),
])
def test_an_age_bound_is_no_count(text: str, expected: set[tuple[float, str]]) -> None:
    assert {(f.value, f.key) for f in figures(text)} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # people taken or held to force a deal are hostages, not the dead counted before them
    ("Gunmen killed 1,200 people and 251 were taken hostage.", {(1200, "deaths"), (251, "hostages")}),
    ("The raiders killed some 1,200 people and took 251 hostage.", {(1200, "deaths"), (251, "hostages")}),
    ("Of the 251 taken hostage, 97 are still in the tunnels.", {(251, "hostages"), (97, "hostages")}),
    ("About 59 people are still held hostage, officials said.", {(59, "hostages")}),
    ("The hijackers held 40 passengers hostage for a day.", {(40, "hostages")}),
    ("The deal would free 33 hostages on Sunday.", {(33, "hostages")}),
])
def test_people_taken_hostage_count_hostages(text: str, expected: set[tuple[float, str]]) -> None:
    assert {(f.value, f.key) for f in figures(text)} == expected


@pytest.mark.parametrize(("text", "value", "key"), [
    # what stands at a number is what it counts
    ("Evacuations stand at 3,000, county officials said.", 3000, "evacuations"),
    ("Arrests in the two towns stood at 40 on Monday.", 40, "arrests"),
    ("Confirmed cases now stand at 1,200.", 1200, "cases"),
    ("The death toll stands at 24.", 24, "deaths"),
    ("The number of troops stands at 12,000.", 12000, "troops"),
])
def test_what_stands_at_a_number_is_what_it_counts(text: str, value: float, key: str) -> None:
    assert (value, key) in {(f.value, f.key) for f in figures(text)}, figures(text)


def test_a_figure_of_figures_standing_at_a_number_says_nothing_of_what_it_counts() -> None:
    assert figures("Their numbers stand at 3,000.") == []


@pytest.mark.parametrize(("text", "said_by"), [
    # a titled office with no name of its own says what it says
    ("The toll stands at 24, the county medical examiner said.", "county medical examiner"),
    ("The state health department said 24 people had died.", "state health department"),
    ("At least 24 people died, the coroner's office said on Friday.", "coroner's office"),
    ("At least 24 people died, said the county coroner.", "county coroner"),
    ("According to the county sheriff's office, 24 people are missing.", "county sheriff's office"),
    # ... and is the body named for it before, as "the ministry" is
    ("The Marlow County Medical Examiner's Office opened a hotline. The county medical examiner "
     "said 24 people had died.", "Marlow County Medical Examiner's Office"),
    ("The Harlow County Health Department issued a warning. The county health department said 24 "
     "people had died.", "Harlow County Health Department"),
    # a national body described so still stands for its country, or for nobody
    ("In Japan, the health ministry said 24 people had died.", "Japan"),
    ("The health ministry said 24 people had died.", None),
])
def test_a_titled_office_without_a_name_is_credited(text: str, said_by: str | None) -> None:
    (f,) = [f for f in figures(text) if f.value == 24]
    assert f.said_by == said_by
