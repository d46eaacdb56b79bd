"""Rule-based actor extraction: countries, organisations, people, places and what is NOT an actor."""

from __future__ import annotations

import pytest

from watcher.extract import get_extractor
from watcher.models import Actor
from watcher.novelty import normalise_name


def actors(text: str) -> dict[str, Actor]:
    return {a.name: a for a in get_extractor().extract(text).actors}


def names_of(a: Actor) -> set[str]:
    return {normalise_name(n) for n in (a.name, *a.aliases)}


def find(found: dict[str, Actor], name: str) -> Actor | None:
    want = normalise_name(name)
    return next((a for a in found.values() if want in names_of(a)), None)


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Seoul said on Friday that the troops had left.", "South Korea", "country"),
        ("Pyongyang denied the report.", "North Korea", "country"),
        ("The DPRK rejected the claim.", "North Korea", "country"),
        ("North Korean soldiers were seen in the east.", "North Korea", "country"),
        ("Moscow has not commented.", "Russia", "country"),
        ("The Kremlin declined to comment.", "Russia", "country"),
        ("Kiev responded within hours.", "Ukraine", "country"),
        ("Washington is watching closely.", "United States", "country"),
        ("The U.S. Treasury imposed new curbs.", "United States", "country"),
        ("NATO allies met in the morning.", "North Atlantic Treaty Organization", "organisation"),
        ("The Pentagon confirmed the figure.", "Pentagon", "organisation"),
        ("CNN obtained the document.", "CNN", "organisation"),
        ("The People Power Party called a vote.", "People Power Party", "organisation"),
        ("The Ministry of Defence said little.", "Ministry of Defence", "organisation"),
        ("The Korea Meteorological Administration issued a warning.",
         "Korea Meteorological Administration", "organisation"),
        ("Officials said the Kursk region was shelled.", "Kursk", "place"),
        ("Fighting continued near Kharkiv overnight.", "Kharkiv", "place"),
        ("Recruits came from Yakutia and Buryatia.", "Buryatia", "place"),
    ],
)
def test_known_actor_kinds(text: str, name: str, kind: str) -> None:
    a = find(actors(text), name)
    assert a is not None, f"{name} not found in {text!r}"
    assert a.kind == kind


def test_titled_people_keep_their_role() -> None:
    found = actors(
        "Defence Minister Andrzej Nowakowski told reporters the plan was ready. "
        "Earlier, Rep. Lim Soo-jin of the ruling party said she had doubts."
    )
    nowak = find(found, "Andrzej Nowakowski")
    assert nowak is not None and nowak.kind == "person" and nowak.role == "Defence Minister"
    lim = find(found, "Lim Soo-jin")
    assert lim is not None and lim.role == "representative"   # "Rep." spelled out


def test_name_said_and_appositive() -> None:
    found = actors("Tomasz Wierzbicki said the talks had stalled. Helena Marsh, a spokeswoman for the port, "
                   "confirmed the closure.")
    assert find(found, "Tomasz Wierzbicki") is not None
    assert find(found, "Helena Marsh") is not None


def test_surname_only_mentions_resolve_to_full_name() -> None:
    text = ("Ukraine's military intelligence chief Kyrylo Budanov spoke on Monday. "
            "Budanov said the units were arriving. Later Budanov added more detail.")
    found = actors(text)
    people = [a for a in found.values() if a.kind == "person"]
    assert [p.name for p in people] == ["Kyrylo Budanov"]
    assert people[0].role == "military intelligence chief"


@pytest.mark.parametrize(
    ("text", "name"),
    [("Umerov and Yermak flew to Washington.", "Andriy Yermak"),
     ("Peskov and Zakharova declined to comment.", "Maria Zakharova"),
     ("Yusov said losses were heaviest in open fields.", "Andriy Yusov")],
)
def test_officials_of_the_story_by_surname_alone(text: str, name: str) -> None:
    found = actors(text)
    assert name in found and found[name].kind == "person", found


@pytest.mark.parametrize(
    "text",
    ["Zelensky: North Korean soldiers make up 5% of Russian force in Kursk\n\n"
     "Zelensky said on Tuesday that the units had been pulled back.",
     "Troops in Sudzha\nBudanov said on Monday that 9,000 soldiers remain.",
     "A report from Kursk\u2009\nPutin said the region was calm."],
)
def test_a_surname_opening_a_paragraph_is_not_joined_to_the_word_before(text: str) -> None:
    """A title ending in a capitalised word, then a text opening with a known surname (the
    shape of feed items: extraction reads title, blank line, text): no "Kursk Zelensky"."""
    found = actors(text)
    people = [a for a in found.values() if a.kind == "person"]
    assert people and all("\n" not in name for p in people for name in names_of(p)), people
    assert len(people) == 1 and " " in people[0].name, people


def test_a_countrys_own_council_is_not_the_uns() -> None:
    """The UN's body answers to "Security Council"; "the Security Council of the Russian
    Federation" is Russia's own, the same as "the Russian Security Council"."""
    found = actors("Sergei Shoigu, secretary of the Security Council of the Russian Federation, "
                   "flew to Pyongyang. The Russian Security Council met on Friday.")
    assert "UN Security Council" not in found
    assert find(found, "Russian Security Council") is not None
    assert len([a for a in found.values() if "Security Council" in a.name]) == 1
    assert "UN Security Council" in actors("The Security Council of the United Nations met.")
    found = actors("Dmitry Medvedev, deputy chairman of Russia's Security Council, spoke.")
    assert "UN Security Council" not in found and find(found, "Russian Security Council")


def test_a_currencys_prefix_names_no_country() -> None:
    found = actors("Seoul froze 122 billion won (US$88 million) of North Korean assets.")
    assert "United States" not in found and "North Korea" in found
    assert "United States" in actors("The US sent 88 observers.")


def test_korean_family_name_first_resolves() -> None:
    found = actors("Floor leader Rep. Choo Kyung-ho spoke first. Choo called for a resolution.")
    persons = [a for a in found.values() if a.kind == "person"]
    assert len(persons) == 1 and "Choo" in persons[0].aliases


def test_spelling_variants_are_one_actor() -> None:
    found = actors("Volodymyr Zelenskyy met envoys. Zelensky later said the front held. "
                   "Kim Jong-un and Kim Jong Un are the same man. Kiev and Kyiv too.")
    assert len([a for a in found.values() if normalise_name("Zelensky") in names_of(a)]) == 1
    assert len([a for a in found.values() if normalise_name("Kim Jong Un") in names_of(a)]) == 1
    ukraine = find(found, "Ukraine")
    assert ukraine is not None and {"Kiev", "Kyiv"} <= set(ukraine.aliases)


def test_acronym_linked_to_spelled_out_organisation() -> None:
    found = actors("The Korean Air Safety Board (KASB) opened a probe. The KASB said more was needed.")
    board = find(found, "KASB")
    assert board is not None and board.name == "Korean Air Safety Board"


def test_an_acronym_in_brackets_names_the_organisation_before_it() -> None:
    # not the initials of the name (a name in another language): one actor all the same
    found = actors("Ukraine's Special Operations Forces (SSO) released a video. The SSO said "
                   "17 soldiers were killed.")
    forces = find(found, "SSO")
    assert forces is not None and forces.name == "Special Operations Forces"
    assert len([a for a in found.values() if a.kind == "organisation"]) == 1
    # another name before a known body's acronym is that body
    found = actors("Analysts at the Korean Institute of Defence Analysis (KIDA) said so.")
    kida = find(found, "Korean Institute of Defence Analysis")
    assert kida is not None and kida.name == "Korea Institute for Defense Analyses"
    assert [a.name for a in found.values() if a.kind == "organisation"] == [kida.name]


@pytest.mark.parametrize(("text", "body"), [
    ("South Korea's spy agency said so.", "National Intelligence Service"),
    ("Seoul's spy agency told lawmakers.", "National Intelligence Service"),
    ("The South Korean spy agency said so.", "National Intelligence Service"),
    ("Ukrainian military intelligence said so.", "Main Intelligence Directorate"),
    ("Kyiv's military intelligence agency said so.", "Main Intelligence Directorate"),
    ("A video released by Ukraine's Security Service (SBU) shows them.", "Security Service of Ukraine"),
    ("Russia's security service said it detained them.", "Federal Security Service"),
])
def test_a_body_named_after_its_country_is_that_body(text: str, body: str) -> None:
    found = actors(text)
    assert body in found, found
    # the country stays an actor, and the description is no alias of the body (another
    # country's spy agency is not this one)
    assert any(a.kind == "country" for a in found.values())
    assert all(n[:1].isupper() for n in found[body].aliases), found[body]


@pytest.mark.parametrize("text", [
    "Ukraine's military intelligence chief, Kyrylo Budanov, said so.",
    "Japan's spy agency said so.",           # no such body known for Japan
    "South Korea's spy agencies said so.",   # not the phrase
])
def test_a_description_names_a_body_only_where_one_is_known(text: str) -> None:
    found = actors(text)
    assert not {"National Intelligence Service", "Main Intelligence Directorate"} & set(found)


def test_unknown_acronym_is_an_organisation_but_common_ones_are_not() -> None:
    found = actors("The ZRK said the TV footage was from the CEO's office at 10 a.m. GMT.")
    assert find(found, "ZRK") is not None
    for word in ("TV", "CEO", "GMT"):
        assert find(found, word) is None


def test_capital_used_as_location_is_a_place() -> None:
    found = actors("The minister arrived in Rome on Tuesday for talks.")
    rome = find(found, "Rome")
    assert rome is not None and rome.kind == "place"


def test_not_actors() -> None:
    text = (
        "Troops gather at border\n\n"
        "By Jane Doe\n\n"
        "Jane Doe\n\n"
        "PHOTO: YONHAP/ACME PRESS\n\n"
        "img_1234-85.jpg\n\n"
        "Analysts said on Saturday and again on Sunday in October that Media reports were "
        "Alarming. These developments, However, came late."
    )
    found = actors(text)
    for word in ("Jane Doe", "YONHAP", "Saturday", "Sunday", "October", "Media", "Alarming",
                 "These", "However", "ACME PRESS", "img"):
        assert find(found, word) is None, word


def test_stock_indexes_and_weapons_are_not_actors() -> None:
    found = actors("The Nikkei 225 fell as HIMARS strikes hit a depot, and the Kospi recovered.")
    assert find(found, "Nikkei") is None and find(found, "HIMARS") is None and find(found, "Kospi") is None


def test_each_actor_once_most_mentioned_first() -> None:
    out = get_extractor().extract("Russia and Ukraine. Russia again. Russian forces. Ukraine once more.").actors
    assert [a.name for a in out][:2] == ["Russia", "Ukraine"]
    assert len({a.name for a in out}) == len(out)


def test_place_lists_extend_from_a_known_place() -> None:
    found = actors("Damage was worst in Kharkiv, Zlatopil and Berestyn.")
    for name in ("Zlatopil", "Berestyn"):
        a = find(found, name)
        assert a is not None and a.kind == "place"


# --- furniture, datelines, capitals, unit and organisation shapes, name shapes -----------------


@pytest.mark.parametrize(
    ("text", "not_actor"),
    [
        ("Talks stalled again on Tuesday. — Reuters", "Reuters"),
        ("Talks stalled again on Tuesday. — Agence France-Presse", "Agence France-Presse"),
        ("OSLO (Nordwire) — Talks stalled again on Tuesday.", "Nordwire"),
        ("LIVE UPDATES | Flood crisis\nRescuers reached the valley on Tuesday.", "LIVE"),
        ("Rescuers reached the valley.\n\nRead more: How the Danube Commission failed", "Danube Commission"),
        ("Rescuers reached the valley.\nLast updated 09:12 GMT", "GMT"),
        ("Smoke rises over the port. Lena Varga / Getty Images", "Getty Images"),
        ("Smoke rises over the port. Photo: Tomas Brandt via Nordwire", "Tomas Brandt"),
        # a publisher after a headline, as news aggregators write it
        ("Floods close the port of Sines for a week - Harbour Times", "Harbour Times"),
        ("Floods close the port of Sines for a week | Nordwire News", "Nordwire News"),
        ("Floods close the port of Sines for a week — The Lisbon Daily", "Lisbon Daily"),
    ],
)
def test_agency_tags_and_page_furniture_are_not_actors(text: str, not_actor: str) -> None:
    found = actors(text)
    assert find(found, not_actor) is None, found
    assert not any(not_actor.split()[0] in n for n in found), found


@pytest.mark.parametrize(
    "title",
    ["(LEAD) N. Korea sends additional troops to Russia", "(2nd LD) N. Korea sends additional troops to Russia",
     "(URGENT) N. Korea sends additional troops to Russia",
     "(Yonhap Interview) N. Korea sends additional troops to Russia",
     "(News Focus) N. Korea sends additional troops to Russia"],
)
def test_a_wire_service_label_is_no_actor(title: str) -> None:
    assert set(actors(title)) == {"North Korea", "Russia"}


@pytest.mark.parametrize(
    "text",
    [
        # a credit on the line of the text it stands before: the text is kept
        "Photo: Lena Varga/Nordwire. North Korea sent more troops to Russia, the agency said on "
        "Monday after a briefing in the capital.",
        "A convoy near the border. (Photo: Nordwire) North Korea sent more troops to Russia.",
    ],
)
def test_a_credit_ends_where_the_text_goes_on(text: str) -> None:
    found = actors(text)
    assert "North Korea" in found and "Russia" in found, found
    assert find(found, "Lena Varga") is None and find(found, "Nordwire") is None, found


def test_furniture_label_keeps_the_headline() -> None:
    found = actors("Live updates: Ukrainian drones hit a refinery, Kyiv says\n\nThe fire burned all night.")
    assert find(found, "Ukraine") is not None
    assert not any("Live" in n for n in found)


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Heavy fog\n\nKAZAN, Russia — Flights were grounded on Friday.", "Kazan", "place"),
        ("Heavy fog\n\nOSAKA, Japan (Nordwire) — Flights were grounded on Friday.", "Osaka", "place"),
        ("Budget vote\n\nWASHINGTON — The Senate adjourned without a deal.", "United States", "country"),
        ("Budget vote\n\nBERLIN, March 3, 2025\n\nThe coalition met late.", "Germany", "country"),
        # a capital the body places events in stays the city
        ("Summit opens\n\nROME — Leaders gathered in Rome for a second day.", "Rome", "place"),
        # Brussels stands for the EU or NATO, not Belgium: in a dateline it is the city
        ("Ministers meet\n\nBRUSSELS — The ministers agreed on a new fund.", "Brussels", "place"),
    ],
)
def test_datelines(text: str, name: str, kind: str) -> None:
    a = find(actors(text), name)
    assert a is not None and a.kind == kind, actors(text)


@pytest.mark.parametrize(
    ("text", "capital", "kind"),
    [
        # the government: a recipient after "to", officials placed in it, a possessive of anything
        ("The shipment of shells to Moscow worried the allies.", "Moscow", "country"),
        ("Warsaw urged more deliveries to Kyiv before winter.", "Kyiv", "country"),
        ("Officials in Beijing declined to comment on the talks.", "Beijing", "country"),
        ("The Foreign Ministry in Tokyo summoned the envoy.", "Tokyo", "country"),
        ("Sanctions followed over Pyongyang's latest launch.", "Pyongyang", "country"),
        ("Footage was released according to Kyiv's security service.", "Kyiv", "country"),
        # the city: travel to it, directions from it, its districts, mayor, institutions
        ("The envoy made a two-day trip to Pyongyang in May.", "Pyongyang", "place"),
        ("The wounded men were flown to Kyiv for treatment.", "Kyiv", "place"),
        ("A drone fell on a farm 40 km south of Moscow.", "Moscow", "place"),
        ("Crowds filled Seoul's Gangnam district on Saturday.", "Seoul", "place"),
        ("Tokyo Governor Yuriko Koike opened the park.", "Tokyo", "place"),
        ("She works for a Brussels think tank that studies trade.", "Brussels", "place"),
    ],
)
def test_capital_government_or_city(text: str, capital: str, kind: str) -> None:
    found = actors(text)
    if kind == "place":
        a = found.get(capital)
        assert a is not None and a.kind == "place", found
    else:
        assert capital not in found, found
        a = find(found, capital)
        assert a is not None and a.kind == "country", found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Soldiers of the 47th Mechanized Brigade held the bridge.", "47th Mechanized Brigade"),
        ("The 3rd Separate Assault Brigade said it repelled the attack.", "3rd Separate Assault Brigade"),
        ("Officers of the 8th Army met in the south.", "8th Army"),
        ("Analysts at the Institute for the Study of War said the lines held.", "Institute for the Study of War"),
        ("The Center for the Prevention of Floods of the Delta issued a warning.",
         "Center for the Prevention of Floods of the Delta"),
        ("A unit of the Korean People's Army crossed the line.", "Korean People's Army"),
        # a part of an organisation, or a title of it, at the start of a sentence is no part of
        # its name
        ("Units of the Transnistrian Republican Guard took part.", "Transnistrian Republican Guard"),
        ("Chairman of the Higher Education Commission Ali Khan resigned.", "Higher Education Commission"),
        # ... but "Chief of Staff" and "Minister of State" are titles whole
        ("The Office of the Chief of Staff of the Army issued orders.",
         "Office of the Chief of Staff of the Army"),
        # think tanks and the North's army and ministry by their short names
        ("According to the ISW, the line held.", "Institute for the Study of War"),
        ("KPA units were seen near the border, the Unification Ministry said.", "Korean People's Army"),
        ("KPA units were seen near the border, the Unification Ministry said.", "Ministry of Unification"),
    ],
)
def test_organisation_shapes(text: str, name: str) -> None:
    a = actors(text).get(name)
    assert a is not None and a.kind == "organisation", actors(text)
    assert not any(n != name and name in n for n in actors(text)), actors(text)


def test_a_hyphenated_particle_is_part_of_a_name() -> None:
    found = actors("The army's chief, Gen. Abdel Fattah al-Burhan, said troops had withdrawn.")
    assert "Abdel Fattah al-Burhan" in found and found["Abdel Fattah al-Burhan"].kind == "person", found


def test_a_verb_before_a_title_is_no_part_of_the_role() -> None:
    found = actors("Antony Blinken met Minister of Defence Rustem Umerov in Kyiv.")
    assert found["Rustem Umerov"].role == "Minister of Defence", found


@pytest.mark.parametrize(
    ("text", "name", "not_actors"),
    [
        # a describing compound is no part of the name, and its place is no actor of the story
        ("The Washington-based Institute for the Study of War said the troops could be used.",
         "Institute for the Study of War", {"Washington-based Institute for the Study of War",
                                            "United States"}),
        ("The Seoul-based Asan Institute for Policy Studies published a survey.",
         "Asan Institute for Policy Studies", {"Seoul-based Asan Institute for Policy Studies"}),
        ("The Kremlin-backed Wagner Group recruited prisoners.", "Wagner Group",
         {"Kremlin-backed Wagner Group"}),
    ],
)
def test_describing_compounds_are_not_part_of_an_organisation(text: str, name: str,
                                                               not_actors: set[str]) -> None:
    found = actors(text)
    assert name in found and found[name].kind == "organisation", found
    assert not_actors.isdisjoint(found), found


@pytest.mark.parametrize(
    ("text", "name"),
    [("N. Korea sends 1,500 special forces to Russia", "North Korea"),
     ("N.Korea's Kim visits the front", "North Korea"),
     ("S. Korea to consider arming Ukraine", "South Korea"),
     ("3,000 N. Korean soldiers killed in Kursk", "North Korea"),
     ("NK troops in Russia now number 12,000", "North Korea"),
     ("S. Africa abstains at the UN", "South Africa")],
)
def test_headline_abbreviations_of_countries(text: str, name: str) -> None:
    found = actors(text)
    assert name in found and found[name].kind == "country", found
    if name == "North Korea":
        assert "South Korea" not in found, found  # "N. Korea" is no mention of "Korea"


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        # in writing about Korea, "the North" and "the South" are the two Koreas
        ("Pyongyang denied sending troops, but the South's spy agency stood by its report.",
         {"North Korea", "South Korea"}, set()),
        ("The North has not confirmed the deployment, officials in Seoul said.",
         {"North Korea", "South Korea"}, set()),
        # ... but not a sea, an ocean or a region
        ("Korean ships sailed the South China Sea; the North of the peninsula was quiet.",
         {"South China Sea"}, {"North Korea"}),
        # ... nor anywhere else
        ("The South won the civil war, historians in the North argue.", set(),
         {"North Korea", "South Korea"}),
    ],
)
def test_the_north_and_the_south_in_korean_news(text: str, expected: set[str], absent: set[str]) -> None:
    found = actors(text)
    assert expected <= set(found), found
    assert not absent & set(found), found


@pytest.mark.parametrize(
    ("text", "places", "absent"),
    [
        ("Fighting flared near Zelenyi Hai and outside Bilopillia overnight.",
         {"Zelenyi Hai", "Bilopillia"}, set()),
        # not a title, a month, a possessive or the start of an organisation's name
        ("He stood near Smith's car in June, outside President Park's office, near Acme Corp.",
         set(), {"Smith", "President", "Acme"}),
        ("RSF fighters seized El Fasher in North Darfur as fighting spread to Kordofan.",
         {"El Fasher", "Darfur", "Kordofan"}, set()),
        ("Fighting raged around Sudzha; troops advanced west of Kurakhove and northwest of El-Obeid.",
         {"Sudzha", "Kurakhove", "El-Obeid"}, set()),
        # "around" meaning "about"
        ("The worsening scandal around Mandelson grew as supporters rallied around Hale.",
         set(), {"Mandelson", "Hale"}),
    ],
)
def test_a_name_near_or_outside_which_something_happens_is_a_place(
        text: str, places: set[str], absent: set[str]) -> None:
    found = actors(text)
    assert all(p in found and found[p].kind == "place" for p in places), found
    assert not absent & set(found), found


def test_a_known_persons_given_name_before_another_spelling_of_the_surname() -> None:
    found = actors("President Volodymyr Zelenskiy's office said Kyiv would share intelligence.")
    assert "Volodymyr Zelensky" in found and found["Volodymyr Zelensky"].kind == "person", found
    assert "Volodymyr Zelenskiy" not in found
    # another given name is another person
    assert "Oleksiy Kuleba" in actors("Oleksiy Kuleba, a deputy prime minister, spoke.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # title case: a headline's verbs and auxiliaries are no given names
        ("Starmer Denounces Trump's Remarks About NATO Troops", {"Keir Starmer", "Donald Trump",
                                                                 "North Atlantic Treaty Organization"}),
        ("Trump Says Colombia Will Accept Deportees", {"Donald Trump", "Colombia"}),
        ("Could Trump Scrap the Deal? Given Trump's Views, Maybe", {"Donald Trump"}),
        ("Describing Trump as a threat, the senator left.", {"Donald Trump"}),
        ("Zelensky Gives Trump a Map as Protesters Urge Trump to Act",
         {"Volodymyr Zelensky", "Donald Trump"}),
        # ... nor part of an organisation's name, nor are a sentence's words
        ("Agency Failed to Put ICE Detention Center Footage Online", {"ICE Detention Center"}),
        ("Trump Says He Will Not Use Force Against Allies", {"Donald Trump"}),
        ("Voters backed the Left Party of Germany.", {"Left Party of Germany"}),
        # ... but names that are also verbs stay names
        ("JCS Chairman Gen. Won In-choul said so.", {"Joint Chiefs of Staff", "Won In-choul"}),
        # words shouted in capitals are no acronyms; a real one beside them still is
        ("Trump posted MAKE IRAN GREAT AGAIN, and the NIS said nothing.",
         {"Donald Trump", "National Intelligence Service"}),
        # a title and a person after an organisation's name are not part of it
        ("Department of Homeland Security Secretary Kristi Noem said so.",
         {"Department of Homeland Security", "Kristi Noem"}),
        ("Ministry of Defence Spokesman John Kirby said so.", {"Ministry of Defence", "John Kirby"}),
        # (a title is a person's: what "the Chief of the General Staff" names is the General Staff)
        ("The Chief of the General Staff and the Office of the President met.",
         {"General Staff", "Office of the President"}),
        # a person "of" an organisation is no part of its name
        ("Rep. Park Sun-won of the Democratic Party spoke.", {"Park Sun-won", "Democratic Party"}),
        ("Kim Byung-kee of the ruling People Power Party spoke.", {"Kim Byung-kee", "People Power Party"}),
        ("Senator Chuck Schumer of the Democratic Party spoke.", {"Chuck Schumer", "Democratic Party"}),
        ("The Presidium of the Supreme People's Assembly met.", {"Presidium of the Supreme People's Assembly"}),
        ("Sydney Seiler of the Center for Strategic and International Studies spoke.",
         {"Sydney Seiler", "Center for Strategic and International Studies"}),
        ("The Royal Academy of Engineering spoke.", {"Royal Academy of Engineering"}),
    ],
)
def test_title_case_and_capitals(text: str, expected: set[str]) -> None:
    assert set(actors(text)) == expected


def test_a_title_is_not_an_organisation() -> None:
    found = actors("Japan's Chief Cabinet Secretary Yoshimasa Hayashi expressed grave concern.")
    assert set(found) == {"Japan", "Yoshimasa Hayashi"}, found
    # a longer name that starts with such a word is still one
    assert "Chief Intelligence Directorate" in actors("Ukraine's Chief Intelligence Directorate said so.")


def test_unit_ordinal_is_not_a_figure_and_plain_ordinals_are_not_units() -> None:
    x = get_extractor().extract("The 47th Mechanized Brigade said 30 fighters were wounded on the 15th day.")
    assert [f.value for f in x.figures] == [30]
    assert not any("15th" in a.name for a in x.actors)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Defence Minister No Kwang Chol inspected the units.", "No Kwang Chol"),
        ("Vice Foreign Minister O Su Yong said the talks were over.", "O Su Yong"),
        ("Ambassador Ri Il-hwan told reporters the offer stood.", "Ri Il-hwan"),
        ("Vice President JD Vance told reporters the offer stood.", "JD Vance"),
        ("Senator J.D. Vance said the offer stood.", "J.D. Vance"),
        ("The Senate confirmed Marta Quill as secretary of labor.", "Marta Quill"),
        ("Helen Okafor and three other senators opposed the bill.", "Helen Okafor"),
    ],
)
def test_person_name_shapes(text: str, name: str) -> None:
    a = find(actors(text), name)  # (by a name or an alias: the gazetteer's "JD Vance" is "J.D. Vance")
    assert a is not None and a.kind == "person", actors(text)


def test_short_family_names_are_not_aliases_and_words_are_not_names() -> None:
    found = actors("Defence Minister No Kwang Chol spoke. No decision was taken, and O Su Yong said so.")
    assert "No" not in names_of(found["No Kwang Chol"]) and "O" not in names_of(found["O Su Yong"])
    assert set(found) == {"No Kwang Chol", "O Su Yong"}
    # two capitals before a name at a firm, or a country code, are not initials
    assert all(a.kind != "person" for a in actors("Analysts at KB Rowan said the deal was priced in.").values())
    assert {"United States", "Joe Biden"} <= set(actors("US President Joe Biden said so."))


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        # a country's official name written in the shape of an organisation's
        ("The DPRK has deployed troops to the Russian Federation under the treaty.", "Russia", "country"),
        ("Violence rose in the West Bank on Sunday.", "West Bank", "place"),
        # a known surname alone is the known person; followed by a Korean given name, another
        ("In a call, Yoon and NATO's chief agreed to share information.", "Yoon Suk Yeol", "person"),
        ("Former foreign minister Yoon Young-kwan said the move was risky.", "Yoon Young-kwan", "person"),
        ("North Korea's Rodong Sinmun carried photos of the ceremony.", "Rodong Sinmun", "organisation"),
        ("A total of 14,000 troops were deployed, according to the Multilateral Sanctions Monitoring "
         "Team.", "Multilateral Sanctions Monitoring Team", "organisation"),
    ],
)
def test_names_the_gazetteer_knows_in_other_shapes(text: str, name: str, kind: str) -> None:
    found = actors(text)
    assert name in found, found
    assert found[name].kind == kind


def test_a_korean_given_name_after_a_known_surname_is_another_person() -> None:
    assert "Yoon Suk Yeol" not in actors("Yoon Sang-hyun, a lawmaker, said the vote would go ahead.")


@pytest.mark.parametrize(
    ("text", "person", "not_actors"),
    [
        # a name with lowercase particles is one name, however many of them it has
        ("President Luiz Inácio Lula da Silva visited the flooded region on Thursday.",
         "Luiz Inácio Lula da Silva", {"Luiz Inácio Lula", "Silva"}),
        ("Foreign Minister Marcos Vieira dos Santos said Brazil would host the talks.",
         "Marcos Vieira dos Santos", {"Santos", "Marcos Vieira"}),
        ("Sheikh Mohamed bin Zayed Al Nahyan received the envoy.", "Mohamed bin Zayed Al Nahyan",
         {"Mohamed"}),
        # "Sen" ends a name; before one, it is the senator's title
        ("Former leader Hun Sen said the border would stay closed.", "Hun Sen", set()),
        ("Amartya Sen said the famine had been avoidable.", "Amartya Sen", set()),
        ("Sen Lindsey Graham said Congress would act.", "Lindsey Graham", {"Sen Lindsey Graham"}),
        # one of the two names is a country's: the person, on a role before or after the name
        ("Defence Minister Israel Katz said the strikes would go on. Katz gave no date.",
         "Israel Katz", {"Israel"}),
        ("Portugal's Prime Minister Luís Montenegro said the government would act.",
         "Luís Montenegro", {"Montenegro", "Luís"}),
        ("Jordan Bardella, the leader of the National Rally, said he would run.", "Jordan Bardella",
         {"Jordan"}),
        ("\"We will respond,\" said Chad Smith, a spokesman for the company.", "Chad Smith", {"Chad"}),
    ],
)
def test_names_of_many_languages(text: str, person: str, not_actors: set[str]) -> None:
    found = actors(text)
    assert person in found and found[person].kind == "person", found
    assert not_actors.isdisjoint(found), found


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # a country's name beside a capitalised word is the country without a person's role
        ("The Washington Post said Israel Cohen had agreed.", "Israel"),
        ("Israel said on Monday it would respond; Jordan condemned the strike.", "Jordan"),
        ("The Foreign Minister of Ukraine Andrii Sybiha said Kyiv would respond.", "Ukraine"),
        ("US President Joe Biden said so.", "United States"),
    ],
)
def test_a_country_beside_a_name_stays_the_country(text: str, country: str) -> None:
    found = actors(text)
    assert country in found and found[country].kind == "country", found


def test_once_named_with_a_role_the_person_is_that_person_everywhere() -> None:
    found = actors("Israel Katz vows revenge\n\nDefence Minister Israel Katz said the army would act.")
    assert "Israel" not in found and found["Israel Katz"].kind == "person", found


def test_a_place_going_on_with_a_particle_is_the_longer_place() -> None:
    found = actors("Floods in Rio Grande do Sul killed 56 people. Pilgrims walked to Santiago de Compostela.")
    assert {"Rio Grande do Sul", "Santiago de Compostela"} <= set(found), found
    assert "Rio Grande" not in found
    # not inside a person's name
    assert "Avila da Silva" not in actors("Money went to his partner, Reinaldo Avila da Silva.")


def test_firms_by_their_last_word() -> None:
    found = actors("Nordic Power Systems agreed to buy Halvard Capital for $2.1 billion. Shares of Meridian "
                   "Foods rose. The deal between Brightwater Capital and Ostra Systems was approved.")
    assert {"Nordic Power Systems", "Halvard Capital", "Meridian Foods", "Brightwater Capital",
            "Ostra Systems"} <= set(found), found
    assert all(a.kind == "organisation" for a in found.values()), found
    # the same words in a heading are no firm; two bodies joined by "and" stay two
    assert "Design Systems" not in actors("Making Impact With Design Systems And Tokens\n\nA talk.")
    found = actors("Grants came from the Outrider Foundation and Journalism Funding Partners.")
    assert {"Outrider Foundation", "Journalism Funding Partners"} <= set(found), found


@pytest.mark.parametrize(
    ("text", "not_actors"),
    [
        # a wire story's contributors and end mark
        ("He died a day later.\n___\nAssociated Press writers Tomás Rivera in Washington and Illia "
         "Novak in Kyiv contributed.", {"Tomás Rivera", "Rivera", "Illia Novak", "Washington"}),
        ("The session ran for three hours. (END)", {"END"}),
        # titles, not bodies
        ("Kremlin Press Secretary Dmitry Peskov told reporters the talks went well.", {"Kremlin Press"}),
        ("Troops are in Belgorod, Commander-in-Chief of the Armed Forces of Ukraine Oleksandr Syrskyi "
         "said.", {"Commander-in-Chief of the Armed Forces of Ukraine", "Commander"}),
    ],
)
def test_furniture_and_titles_are_no_actors(text: str, not_actors: set[str]) -> None:
    found = actors(text)
    assert not_actors.isdisjoint(found), found


def test_a_role_in_apposition_is_the_persons_role() -> None:
    found = actors('"It is a shift," said Han Seo-yeon, a senior researcher at the Seoul Institute for '
                   "Unification Strategy. Kim Min-su, who served as director of the agency, agreed.")
    assert found["Han Seo-yeon"].role == "senior researcher"
    assert found["Kim Min-su"].role == "director"
    assert actors("Kremlin Press Secretary Dmitry Peskov spoke.")["Dmitry Peskov"].role == "Press Secretary"


@pytest.mark.parametrize(
    ("text", "sources", "parties"),
    [
        ("Yonhap and the Korea Herald reported the move, citing the National Intelligence Service.",
         {"Yonhap", "Korea Herald"}, {"National Intelligence Service"}),
        ("The Daily Courier Times said so; the Kyiv Post agreed.", {"Kyiv Post"}, set()),
        ('"A fig leaf," said Irina Sorokina, a researcher at the Vladivostok Centre for Asia-Pacific '
         "Studies.", {"Irina Sorokina", "Vladivostok Centre for Asia-Pacific Studies"}, set()),
        ("Defence Minister Andrei Belousov met Kim Jong Un.", set(), {"Andrei Belousov", "Kim Jong Un"}),
    ],
)
def test_who_tells_of_the_news(text: str, sources: set[str], parties: set[str]) -> None:
    extraction = get_extractor().extract(text)
    found = {a.name for a in extraction.actors}
    assert sources <= set(extraction.sources), (extraction.sources, found)
    assert parties <= found and parties.isdisjoint(extraction.sources), (extraction.sources, found)


def test_a_body_every_country_has_is_named_after_its_country() -> None:
    found = actors("Lebanon's Health Ministry said five people were killed. Israel's Health Ministry "
                   "said two were hurt.")
    assert {"Lebanese Health Ministry", "Israeli Health Ministry", "Lebanon", "Israel"} <= set(found), found
    # the bare name is anyone's: no alias, so the one is not known for the other
    assert all("Health Ministry" not in a.aliases for a in found.values()), found
    from watcher.novelty import new_actors
    assert new_actors([found["Israeli Health Ministry"]], [found["Lebanese Health Ministry"]])
    # named bare after one country's was named, it is that one
    found = actors("Russia's Defence Ministry said 34 drones fell. The Defence Ministry added more.")
    assert [a.name for a in found.values() if a.kind == "organisation"] == ["Russian Defence Ministry"], found
    assert actors("Britain's Ministry of Defence said so.").keys() >= {"British Ministry of Defence"}


@pytest.mark.parametrize(
    ("text", "person", "role"),
    [
        # hyphenated titles are titles
        ("Director-General Tedros Adhanom Ghebreyesus said the outbreak was an emergency.",
         "Tedros Adhanom Ghebreyesus", "Director-General"),
        ("Vice-President Luis de Guindos said rates would hold.", "Luis de Guindos", "Vice-President"),
        # a title after a body's generic name: the body names the office, not an organisation
        ("Health Cabinet Secretary Aden Duale said clinics would open.", "Aden Duale", "Cabinet Secretary"),
    ],
)
def test_titles_of_many_shapes(text: str, person: str, role: str) -> None:
    found = actors(text)
    assert found[person].kind == "person" and found[person].role == role, found
    assert len([a for a in found.values() if a.kind == "person"]) == 1, found


def test_a_family_name_with_its_particle_is_the_person() -> None:
    found = actors("Ursula von der Leyen spoke first. Von der Leyen said the EU would act.")
    assert [a.name for a in found.values() if a.kind == "person"] == ["Ursula von der Leyen"], found


def test_more_datelines_and_bodies() -> None:
    # a dateline of two cities: no acronyms
    found = actors("BANGKOK/PHNOM PENH, July 24 (Reuters) - Thai and Cambodian troops fought.")
    assert {"PHNOM", "PENH", "Reuters"}.isdisjoint(found) and {"Thailand", "Cambodia"} <= set(found), found
    # a relative clause after a name shows a person, one of whose names is a country's
    found = actors("Georgia Whitcombe, who manages a fund at Aberdeen, said the drug would sell.")
    assert "Georgia Whitcombe" in found and "Georgia" not in found, found
    # schools and colleges; not "Tens of thousands"
    found = actors("The London School of Hygiene and Tropical Medicine said so. Tens of thousands marched.")
    assert "London School of Hygiene and Tropical Medicine" in found and "Tens" not in found, found
    assert "Sunday Times" in actors("The Sunday Times reported the talks.")


@pytest.mark.parametrize(
    ("text", "person", "country"),
    [
        # the gazetteer knows leaders of other countries, by their short names too
        ("Lula flew over the flooded south on Sunday.", "Luiz Inácio Lula da Silva", "Brazil"),
        ("Milei vowed to cut spending again.", "Javier Milei", "Argentina"),
        ("Talks between Hun Manet and Anutin were postponed.", "Hun Manet", "Cambodia"),
        ("The fall of Bashar al-Assad cut the land route.", "Bashar al-Assad", "Syria"),
        ("Abdel Fattah al-Burhan stood in the ruins of the palace.", "Abdel Fattah al-Burhan", "Sudan"),
    ],
)
def test_leaders_of_other_countries(text: str, person: str, country: str) -> None:
    found = actors(text)
    assert person in found and found[person].kind == "person", found
    assert (person, "person") in get_extractor().belonging_to(country)  # type: ignore[attr-defined]
    # a common family name is no alias of one person
    assert "Silva" not in actors("President Luiz Inácio Lula da Silva spoke.")[
        "Luiz Inácio Lula da Silva"].aliases


def test_a_body_of_a_known_body_is_named_with_it() -> None:
    found = actors("In a statement, the Central Military Commission of the Workers' Party of Korea said "
                   "the subunits fought well.")
    assert "Central Military Commission of the Workers' Party of Korea" in found, found
    assert "Workers' Party of Korea" in found and "Central Military Commission" not in found, found
    # a country's own body under its short name is that body
    found = actors("South Korea's Unification Ministry said so. Russia's Security Council met.")
    assert {"Ministry of Unification", "Russian Security Council"} <= set(found), found


@pytest.mark.parametrize(
    ("text", "sources", "parties"),
    [
        # the body a commentator speaks from tells of the news too
        ("Dr Claire Whitford, a Korea specialist at the Lowy Institute, said Pyongyang was paid.",
         {"Claire Whitford", "Lowy Institute"}, set()),
        ('"The best thing," said Yoon Hye-jin, an economist at Seoul National University.',
         {"Yoon Hye-jin", "Seoul National University"}, set()),
        ('"A lifeline," said Omar Haddad, a Dubai-based energy analyst.', {"Omar Haddad"}, set()),
        # ... unless it is named taking part too
        ("Troops trained at Seoul National University, the NIS said. Kim Min-su, a professor at "
         "Seoul National University, agreed.", {"Kim Min-su"}, {"Seoul National University"}),
        # think tanks by their names
        ("said Jan Hellwig of the German Council on Foreign Relations.", {"German Council on Foreign Relations"},
         set()),
    ],
)
def test_commentators_and_where_they_speak_from(text: str, sources: set[str], parties: set[str]) -> None:
    extraction = get_extractor().extract(text)
    assert sources <= set(extraction.sources), (extraction.sources, extraction.actors)
    assert parties.isdisjoint(extraction.sources) and parties <= {a.name for a in extraction.actors}


def test_an_apposition_naming_anothers_role_is_no_role() -> None:
    found = actors("Kim Yo Jong, the sister of leader Kim Jong Un, said so. Jane Roe, Kremlin spokesman "
                   "Dmitry Peskov said, was absent.")
    assert found["Kim Yo Jong"].role is None and found["Jane Roe"].role is None, found


def test_a_sentence_ending_in_contributed_is_no_contributors_line() -> None:
    assert {"Japan", "South Korea"} <= set(actors("Troops arrived.\nJapan and South Korea also contributed."))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lithuanian President Gitanas Nausėda said 300 troops would go.", "Gitanas Nausėda"),
        ("Polish Foreign Minister Radosław Sikorski said so.", "Radosław Sikorski"),
        ("EU Commissioner Maroš Šefčovič met officials in Ankara.", "Maroš Šefčovič"),
        ("Defence Minister Ştefan Ţurcanu said 40 drones fell.", "Ştefan Ţurcanu"),
        ("Vietnamese President Lương Cường said the talks went well.", "Lương Cường"),
    ],
)
def test_names_with_letters_beyond_latin_1_are_whole(text: str, name: str) -> None:
    """Letters of Latin Extended-A/B and Additional (Polish, Czech, Lithuanian, Romanian,
    Vietnamese) cut names short: "Gitanas Naus", "Rados"."""
    assert name in actors(text)


@pytest.mark.parametrize(("text", "body", "short"), [
    # a short name in brackets, made of the starts of the name's words: the body's alias,
    # wherever it is used after (not a person "said" makes of it)
    ("Firefighters from the Northern Valley Department of Forestry and Fire Protection (NV Fire) held the "
     "ridge overnight. NV Fire said the line would hold.",
     "Northern Valley Department of Forestry and Fire Protection", "NV Fire"),
    ("The Office of Marine Inspection (Ofmarin) grounded the ferry. Ofmarin said checks would take "
     "a week.", "Office of Marine Inspection", "Ofmarin"),
    ("The Lakeland Water Utilities Board (LAKEWATER) cut supply. LAKEWATER told residents to boil "
     "water.", "Lakeland Water Utilities Board", "LAKEWATER"),
    # an acronym in capitals, as before
    ("The Coastal Ferry Safety Board (CFSB) opened an inquiry. The CFSB said it would report soon.",
     "Coastal Ferry Safety Board", "CFSB"),
])
def test_a_short_name_in_brackets_is_the_organisations_alias(text: str, body: str, short: str) -> None:
    found = actors(text)
    assert find(found, short) is found.get(body), found
    assert short in found[body].aliases
    assert [a.name for a in found.values() if a.kind in ("organisation", "person")] == [body], found


@pytest.mark.parametrize(("text", "bracketed"), [
    ("The Ministry of Health (Gaza) said the clinic had closed.", "Gaza"),       # a place
    ("The Harbour Board (Westfield) met on Friday.", "Westfield"),               # no short form of it
])
def test_what_else_is_in_brackets_after_an_organisation_is_no_alias(text: str, bracketed: str) -> None:
    assert all(bracketed not in a.aliases for a in actors(text).values())


@pytest.mark.parametrize(("text", "name", "alias"), [
    ("The Fed held its rate steady on Wednesday.", "Federal Reserve", "Fed"),
    ("Fed officials signalled two cuts this year.", "Federal Reserve", "Fed"),
    ("Markets rose after the Fed's decision.", "Federal Reserve", "Fed"),
    ("The central bank, the Fed, will meet again in June.", "Federal Reserve", "Fed"),
    # its twelve banks, as the news names them
    ("Chicago Fed President Austan Goolsbee spoke in Detroit.", "Federal Reserve Bank of Chicago", "Chicago Fed"),
    ("The St. Louis Fed published the survey.", "Federal Reserve Bank of St. Louis", "St. Louis Fed"),
])
def test_fed_alone_is_the_federal_reserve(text: str, name: str, alias: str) -> None:
    found = actors(text)
    assert name in found and alias in found[name].aliases, found


@pytest.mark.parametrize("text", [
    "Fed up with the delays, residents marched to the town hall.",
    "Fed by melting snow, the river rose overnight.",
    "Residents were fed up with the delays.",
])
def test_fed_as_a_word_is_no_federal_reserve(text: str) -> None:
    assert find(actors(text), "Federal Reserve") is None


@pytest.mark.parametrize("byline", [
    "By Jane Doe, senior wildfire correspondent, and John Roe, chief photographer for the Valley Courier",
    "By Jane Doe and John Roe, Valley Courier staff | Updated 5:31 p.m. PT, Jan. 8, 2025 | First published Jan. 7",
    "BY JANE DOE AND JOHN ROE, VALLEY COURIER CORRESPONDENTS, WITH REPORTING FROM THE FIRE LINES BY OTHERS",
])
def test_a_long_byline_names_no_actor(byline: str) -> None:
    found = actors(f"Wildfire grows\n\n{byline}\n\nFire crews held the ridge near Paradise, officials said.")
    assert find(found, "Jane Doe") is None and find(found, "John Roe") is None, found
    assert find(found, "Paradise") is not None


def test_a_sentence_that_opens_with_by_is_no_byline() -> None:
    text = ("Fire season\n\nBy New Year's Eve, crews of the Valley Fire Authority had cleared "
            "firebreaks around Paradise and 3,000 residents had returned to their homes.")
    assert find(actors(text), "Valley Fire Authority") is not None
    assert 3000 in {f.value for f in get_extractor().extract(text).figures}


@pytest.mark.parametrize("line", [
    "By Friday, crews had contained 40 percent of the Ridge Fire.",
    "By Kremlin estimates, 600,000 soldiers were killed or wounded.",
])
def test_a_short_sentence_that_opens_with_by_keeps_its_figures(line: str) -> None:
    """A line under 80 characters opening "By <Capital>" was taken for a byline and dropped."""
    text = f"Fire season\n\n{line}\n\nOfficials said more crews would arrive."
    assert {f.text for f in get_extractor().extract(text).figures}, line
