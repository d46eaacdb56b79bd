"""Rule-based figure finding: numbers that count something, what they count and who said so.

For each number found by :mod:`watcher.extract.numbers` the finder

* drops what is not a figure: dates, years, times, ages, ordinals, designations (G7, Su-27,
  Article 5), phone numbers, numbers inside words or paths;
* reads the noun phrase after it ("North Korean troops", "units of ammunition") and maps its
  head to a canonical key through a synonym table (soldiers/personnel/servicemen -> troops),
  falling back to the head's singular form; verbs nearby turn people into casualties, deaths,
  injured or prisoners ("350,000 people have been killed or wounded" -> casualties);
* reads the qualifier before it ("at least", "more than", "up to", ...) or "more" after it;
* finds who said it: "X said/told/estimated ...", "according to X", "X's estimate", or a
  pronoun ("he said") resolved to the last named speaker.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from watcher.extract.actors import Mention, dateline_country
from watcher.extract.numbers import NumberMatch, find_numbers, word_value
from watcher.extract.text import LiteralGate, trie_pattern, words
from watcher.models import ADDED, Figure, base_key

_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
)
_DESIGNATORS = (
    r"(?:Article|Articles|Resolution|Section|Chapter|Clause|Paragraph|Page|Pages|page|pages|p|pp|"
    r"Flight|Route|Highway|Interstate|Road|Room|Gate|Platform|Level|Category|Phase|Stage|Round|"
    r"Type|Model|Block|Building|Vol|Volume|Episode|Season|Line|Squad|No|Nos|Number|Amendment|Rule|"
    r"Item|Code|Grade|Class|Lot|Apartment|Suite|Ward|Precinct|Title|Exhibit|Table|Figure|Fig|"
    r"Appendix|Annex|Version|Mark|Mk|Boeing|Airbus|Windows|iPhone|Galaxy|Formula|Game|Week|Day|"
    r"Term|Unit|Division|Brigade|Regiment|Battalion|District|Pier|Terminal|Channel|Track|Hangar|"
    r"Reactor|Launch|Pad|Tier|Zone|Sector|Bus|Exit|Lane|Avenue|Street|St|Ave|Hall|Floor|Bed|"
    r"Case|Docket|Bill|Act|Law|Part|Stanza|Verse|Psalm|Corinthians|Genesis|Heading|Schedule|Step)"
)
_DATE_BEFORE_RE = re.compile(rf"\b{_MONTHS}\.?\s+(?:\d{{1,2}}\s*[-–]\s*)?$")
_DATE_AFTER_RE = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?{_MONTHS}\b")
_TIME_AFTER_RE = re.compile(r"^(?::\d\d|\s*(?:[ap]\.?m\b\.?|o['’]clock|GMT|UTC|KST|JST|EST|EDT|CET|hrs\b|h\b))", re.I)
_AGE_AFTER_RE = re.compile(r"^(?:[-‐ ]years?[-‐ ]old|[-‐ ]months?[-‐ ]old|[-‐ ]year[-‐]olds?|\s*,\s+(?:is|was|a|an|the|who)\b)")
_AGE_BEFORE_RE = re.compile(
    r"\b(?:aged?|ages|(?:dies|died|dead|passes\s+away|passed\s+away)\s+at(?:\s+the\s+age\s+of)?|at\s+the\s+age\s+of"
    r"|(?:they|he|she|I|you|we|who)\s+turn(?:s|ed)?)\s+$",
    re.I)
# "My mother is 80", "he was 19 when": someone's age, said with "is" and no noun after it
_IS_AGE_BEFORE_RE = re.compile(
    r"\b(?:I|[Hh]e|[Ss]he|mother|father|son|daughter|wife|husband|brother|sister|grandmother|"
    r"grandfather|grandson|granddaughter|boy|girl|child|baby)\s+(?:is|was|turned|turns|'s|’s)\s+$")
_WORD_START_RE = re.compile(r"\s*[A-Za-z]")
# the size of each of several groups, not a count: "advancing in groups of 20 to 30"
_GROUP_SIZE_BEFORE_RE = re.compile(
    r"\b(?:groups|teams|squads|batches|waves|bands|columns|units)\s+of\s+"
    r"(?:up\s+to\s+|about\s+|around\s+|roughly\s+|some\s+|between\s+)?(?:\d[\d,]*\s*(?:to|-|–|or|and)\s*)?$")
# a count given to a noun before it: "the crews, numbering about 2,000"
_NUMBERING_BEFORE_RE = re.compile(
    r"\b(?P<w>[A-Za-z]+),?\s+(?:numbering|totall?ing)\s+(?:\w+\s+){0,2}$")
_ORDINAL_AFTER_RE = re.compile(r"^(?:st|nd|rd|th)\b")
_DESIGNATOR_WORDS = frozenset(_DESIGNATORS[3:-1].split("|"))
# those also written in lower case mid-sentence ("under section 1 of the act")
_LOWER_DESIGNATORS = words("article articles section sections clause clauses paragraph chapter annex "
                           "appendix amendment resolution schedule")


def _designation_before(before: str) -> bool:
    """Whether ``before`` ends like a designation's prefix: a designator word ("Article 5",
    "No. 3"), a letter, maybe with a hyphen ("Su-27", "G7"), "#", "/" or "." ("p.12"). Plain
    string tests: a regex anchored at the end would be tried from every position."""
    ends = (before, before[:-1]) if before.endswith("\n") else (before,)  # "$" also before a final newline
    for b in ends:
        if b.endswith(("/", ".")):
            return True
        tail = b[-2:].rstrip("-‐") if b.endswith(("-", "‐")) else b[-1:]
        if tail[-1:].isascii() and tail[-1:].isalpha():
            return True
    stripped = before.rstrip()
    if stripped.endswith("#"):
        return True
    if stripped.endswith("."):
        stripped = stripped[:-1]
    i = len(stripped)
    while i > 0 and (stripped[i - 1].isalnum() or stripped[i - 1] == "_"):  # the trailing \w+
        i -= 1
    return i < len(stripped) and (stripped[i:] in _DESIGNATOR_WORDS or stripped[i:] in _LOWER_DESIGNATORS)


_GLUED_AFTER_RE = re.compile(r"^(?:[A-Za-z]|/\d|\.\d|[-‐]\d{3,}|[-‐][A-Za-z]|\d|\(|°)")  # "-5°"
_PHONE_RE = re.compile(
    r"(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?)?\b\d{2,4}[.\-]\d{3,4}[.\-]\d{3,4}\b"
    r"|\+\d{1,3}[\s.\-]\d{1,4}[\s.\-]\d{3,4}[\s.\-]?\d{0,4}"
    r"|\(\d{3}\)[ .\-]?\d{3}[.\-]\d{4}\b"  # "(707) 934-5630"
)
# every phone number holds "+" or this; most texts hold neither, so _PHONE_RE rarely runs
_PHONE_GATE_RE = re.compile(r"[.\-]\d{3}")
# a word (an abbreviation with its dots: "U.S. troops", "N. Korean soldiers"), a number, a sign
_WORD_RE = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]\.(?=[ ]?[A-Z])|[A-Za-z][A-Za-z’'\-]*|\d[\d,.]*|[^\sA-Za-z\d]")

_QUALIFIERS = frozenset((
    "at least", "more than", "fewer than", "less than", "up to", "as many as", "as much as", "at most",
    "close to", "upward of", "upwards of", "in excess of", "just over", "just under", "well over",
    "an estimated", "some", "over", "about", "around", "nearly", "near", "almost", "roughly",
    "approximately",
    "approx.", "under", "below", "above", "exceeding", "only", "just", "estimated", "between", "from",
    "a further", "another", "an additional", "an extra", "a fresh batch of", "a new batch of",
    # negated: "no fewer than 300" is at least 300
    "no fewer than", "no less than", "not less than", "not fewer than", "no more than", "not more than",
))
_LEADING_NONWORD_RE = re.compile(r"^\W+")


def _qualifier_before(before: str) -> str | None:
    """The qualifier phrase ("at least", "about", "another") ending ``before``, followed by spaces
    and maybe a currency sign; looked up by words (a regex anchored at the end would be tried from
    every position)."""
    b = before
    for sym in ("US$", "$", "€", "£"):
        if b.endswith(sym):
            b = b[: -len(sym)]
            break
    if not b[-1:].isspace():
        return None
    low = [w.lower() for w in b.split()[-4:]]
    for k in range(len(low), 0, -1):
        first = low[-k]
        if not first[0].isalnum():  # "'another": the phrase starts after the quote
            first = _LEADING_NONWORD_RE.sub("", first)
        phrase = " ".join((first, *low[len(low) - k + 1:]))
        if phrase in _QUALIFIERS:
            return phrase
    return None


_QUALIFIER_CANON = {"approx.": "approximately", "near": "nearly", "a further": "more", "another": "more", "an additional": "more",
                    "an extra": "more", "a fresh batch of": "more", "a new batch of": "more",
                    "no fewer than": "at least", "no less than": "at least", "not less than": "at least",
                    "not fewer than": "at least", "no more than": "at most", "not more than": "at most"}

# head noun (singular, lower case) -> canonical key
_SYNONYMS: dict[str, str] = {}
for _key, _words in {
    "troops": "troop soldier personnel force serviceman servicemen infantry servicemember service-member marine "
              "paratrooper commando conscript recruit reservist mercenary infantryman fighter combatant "
              "trooper sailor airman reinforcement",
    # units, each its own key (so that "three infantry brigades" counts brigades, not troops)
    "brigades": "brigade",
    "battalions": "battalion",
    "regiments": "regiment",
    "casualties": "casualty",
    "deaths": "death fatality dead body life",
    "injured": "injury injured wounded",
    "prisoners": "prisoner pow captive detainee",
    # mine clearers, however named ("1,000 sappers" and "1,000 deminers" are one fact)
    "deminers": "deminer sapper mine-clearer",
    "ammunition": "ammunition shell round munition artillery-shell",
    "artillery": "artillery howitzer",
    "ships": "ship vessel warship boat frigate destroyer submarine",
    "missiles": "missile rocket icbm",
    "people": "people person resident civilian individual inhabitant citizen national",
    "displaced": "evacuee displaced refugee",
    "workers": "worker employee striker laborer labourer staffer builder",
    "crew": "crew crewmember crewman crewmen",
    "aircraft": "aircraft jet warplane plane airplane aeroplane bomber fighter-jet",
    "votes": "vote ballot",
    "voters": "voter",
    "seats": "seat",
    "points": "point",
    "usd": "dollar usd",
    "eur": "euro eur",
    "krw": "won krw",
    "jpy": "yen jpy",
    "gbp": "pound sterling gbp",
    "rub": "ruble rouble rub",
    "cny": "yuan renminbi rmb cny",
    "uah": "hryvnia hryvnias uah",
    "inr": "rupee inr",
    "brl": "reais brl",
    "thb": "baht thb",
    "try": "lira liras",
    "zar": "rands zar",
    "pln": "zloty zlotys zlotych pln",
    "huf": "forint forints huf",
    "czk": "koruna korunas czk",
    "sek": "krona kronor sek",
    "ils": "shekel shekels ils",
    "sar": "riyal riyals",
    "irr": "rial rials",
    "ngn": "naira ngn",
    "idr": "rupiah idr",
    "pesos": "peso pesos",   # (several countries' currency)
    "magnitude": "magnitude",
    "chf": "franc chf",
    "mad": "dirham mad",
    "countries": "country nation member-state",
    # units: one key per unit, however it is written ("500 km", "500 kilometres")
    "km": "km kilometre kilometer",
    "miles": "mile",
    "metres": "metre meter",
    "hectares": "hectare ha",
    "acres": "acre",
    "kg": "kg kilogram kilogramme",
}.items():
    for _w in _words.split():
        _SYNONYMS[_w] = _key

_IRREGULAR = {
    "people": "people", "men": "man", "women": "woman", "children": "child", "personnel": "personnel",
    "servicemen": "servicemen", "ammunition": "ammunition", "series": "series", "species": "species",
    "news": "news", "aircraft": "aircraft", "wounded": "wounded", "injured": "injured", "dead": "dead",
    "lives": "life", "police": "police", "staff": "staff", "data": "data", "media": "media",
    "casualties": "casualty", "countries": "country", "missiles": "missile", "votes": "vote",
    "gas": "gas", "bus": "bus", "analysis": "analysis", "basis": "basis", "crisis": "crisis",
    "us": "us", "yes": "yes", "plus": "plus", "status": "status", "campus": "campus", "virus": "virus",
}
# words that end a noun phrase (function words, auxiliaries, common verbs)
_NP_STOP = words(
    "thanks the a an and or but to that which who whom whose with by for from in on at as of into onto over "
    "under about after before since during between against among through across than then so "
    "had has have having was were is are be been being will would could should may might must can "
    "did do does not no also already still just now yet reportedly allegedly currently "
    "said says told say claimed estimated believed noted reported stated added according "
    "while when where if because though although ago this these those it its their his her our"
)
_AUX = words("had has have was were is are be been being already also reportedly allegedly now still "
                 "since would will could may might")
# counts of people that what happened to them can key ("350,000 people killed or wounded" ->
# casualties); "casualties" itself stays casualties ("4,700 casualties, including 300 deaths")
_PEOPLE_WORDS = frozenset(("men", "women", "children", "man", "woman", "child", "others"))
_STATUS_ADJECTIVES = {"dead": "deaths", "fallen": "deaths", "slain": "deaths", "killed": "deaths",
                      "wounded": "injured", "injured": "injured", "captured": "prisoners"}
_PERSONLIKE = frozenset({"people", "troops", "civilians", "residents", "children", "men", "women", "crew", ""})
_SPEECH_VERBS = tuple(sorted(words(
    "said says say told tells claimed claims claim estimated estimates estimate believed believes believe "
    "noted notes confirm warn "
    "reported reports stated states added adds announced announces confirmed confirms commented "
    "revealed reveals assessed wrote writes disclosed insisted alleged acknowledged warned predicted "
    "citing cited forecast forecasts projected projects expects expected urged urges declared declares "
    "saying puts pegs pegged counted recorded"
)))


# Capitalised forms only where a headline or a sentence's start puts them ("Seoul Says ...",
# "Citing the NIS, Yonhap said ..."): a case-insensitive
# pattern costs several times more (the engine can no longer skip ahead by first letter).
_SPEECH_VERBS_CAPS = ("Said", "Says", "Say", "Claims", "Estimates", "Confirms", "Reports", "Warns", "Citing")

_CITING = ("citing", "cited", "Citing")
_SPEECH_RE = re.compile(
    r"\b(?:(?P<verb>" + trie_pattern((*_SPEECH_VERBS, *_SPEECH_VERBS_CAPS))
    + r"|(?:[Pp]uts?|[Pp]laced?|[Pp]egged|[Pp]egs|raised|raises|lifted|lifts|lowered|lowers|cut|cuts|revised|revises|"
    r"updated|updates)\s+(?:(?:the|its|their|his|her)\s+)?(?:[\w\-]+\s+){0,3}?(?:figure|number|toll|total|tally|count|"
    r"estimate|odds|probability|chances?|forecast|projection|strength|magnitude|size|casualties|losses|"
    r"deaths|dead|troops|forces)\b[^.;]{0,40}?\s(?:at|to)\b)\b"
    r"|(?P<acc>[Aa]ccording\s+to\b|per(?=\s+(?:the\s+)?[A-Z]))"
    r"|(?P<poss>['’]s\s+(?:latest\s+|earlier\s+|new\s+|own\s+|official\s+|initial\s+)?(?:confirmation|estimate|estimates|"
    r"assessment|claim|claims|figures?|data|count|tally|report|statement|announcement|analysis)\b))"
)
_SPEECH_GATE = LiteralGate(
    _SPEECH_RE, (*_SPEECH_VERBS, *_SPEECH_VERBS_CAPS, "put", "Put", "place", "Place", "pegged", "Pegged", "pegs", "Pegs", "raise", "lift", "lower",
                 "cut", "revise", "update", "according", "According", "per",
                 "'s", "’s"))
# "an/the <verb>" is a noun ("the report"), not a speech verb; so is "<verb> of" ("the median
# forecast of 2.1%"); "was estimated", "is expected": a passive names no speaker.
_NOUN_BEFORE_RE = re.compile(r"(?:^|\W)(?:an|the)\s$", re.I)
_NOUN_AFTER_RE = re.compile(r"\s+of\b")
# "-s" forms that are also plural nouns: "seven battleground states" is no speech
_NOUN_LIKE_VERBS = frozenset(("states", "reports", "claims", "estimates", "notes", "writes", "confirms", "reveals"))
_NOUN_SUBJECT_BEFORE_RE = re.compile(
    r"(?:^|\s)(?!(?:he|she|it|also|now|later|then|agency|ministry|company|office|government|military|study|survey|"
    r"group|bank|firm|union|report|commission|committee|court|department|council|army|police|media)\s)[a-z][a-z\-]+\s$")
_PASSIVE_BEFORE_RE = re.compile(r"\b(?:was|were|is|are|be|been|being)\s+(?:\w+ly\s+)?$", re.I)
# a participle: "soldiers, estimated at 11,000,", "believed to be 500" (but "Seoul estimated at
# least 3,000")
_PARTICIPLES = frozenset(("estimated", "believed", "expected", "projected", "reported", "forecast"))
_PARTICIPLE_AFTER_RE = re.compile(r"\s+(?:at\b(?!\s+(?:least|most)\b)|to\s+(?:be|have|number|total)\b)")
# a verb followed by a number is not speech: "the Kospi added 0.4%"
_NUMBER_AFTER_RE = re.compile(r"\s+(?:(?:only|about|some|nearly|almost|roughly|just|another|a\s+further|more\s+than)\s+)?"
                              r"(?:[$€£]|US\$)?\d")


def _speech_cues(text: str, start: int, end: int) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    for c in _SPEECH_GATE.finditer(text, start, end):
        i = c.start()
        if c.group("verb") is not None and (
                _NOUN_BEFORE_RE.search(text, max(0, i - 5), i) or _NOUN_AFTER_RE.match(text, c.end())
                or _PASSIVE_BEFORE_RE.search(text, max(0, i - 20), i)
                or (c.group("verb") in _PARTICIPLES and _PARTICIPLE_AFTER_RE.match(text, c.end()))
                or (c.group("verb") in ("added", "adds") and _NUMBER_AFTER_RE.match(text, c.end()))
                or (c.group("verb") in _NOUN_LIKE_VERBS and _NOUN_SUBJECT_BEFORE_RE.search(text, max(0, i - 20), i)
                    # (a number right after it makes it the verb: "Ukrainian intelligence
                    # estimates 11,000 soldiers are fighting")
                    and not _NUMBER_AFTER_RE.match(text, c.end()))):
            continue
        out.append(c)
    return out


_DESCRIPTIVE_SUBJECT_RE = re.compile(
    r"\b(?:the|its|their)\s+(?:[\w\-]+\s+){0,2}?(?:(?P<org>agency|ministry|service|office|bank|company|union|"
    r"commission|unit|council|committee|alliance|directorate|command|department|party|court|group|firm|"
    r"statement|report|conglomerate|carmaker|automaker|planemaker|lender|broadcaster|regulator|watchdog|insurer|"
    r"airline|exchange|operator|consultancy|institute)|(?P<gov>military|government|army|navy|air\s+force|authorities|"
    r"officials|country|palace|presidency|cabinet|administration|police|prosecutors))"
    r"\s+(?:also\s+|later\s+|has\s+|had\s+)?$|\bstate\s+media\s+$(?P<sm>)",
    re.I,
)
# a generic speaker right before the verb: "analysts said", "Western governments said"
_ROLE_SUBJECT_RE = re.compile(
    r"\b(?P<n>(?:lawmaker|legislator|official|government|analyst|economist|expert|source|diplomat|observer|"
    r"researcher|scientist|investigator|prosecutor|aide|commander|officer|authoritie|estimate|poll|survey|"
    r"report|studie|agencie|monitor|group|witnesse|resident)s?|study|media|spokes(?:man|woman|person)|"
    r"authority|agency|data|figures)\s+(?:also\s+|later\s+|now\s+|have\s+|has\s+|had\s+)?$")
# a titled office named without a name of its own: "the county medical examiner", "the state
# health department", "the coroner's office", "the city fire marshal". Like "the ministry said",
# it is the organisation named for it, if any; else, unlike a ministry (which the country stands
# in for), the office itself: a local office speaks for no country.
_OFFICE_HOLDER = r"(?:chief\s+)?(?:medical\s+examiner|coroner|sheriff|fire\s+marshal|health\s+officer)"
_OFFICE_FIELD = (r"(?:public\s+)?(?:health|fire|police|medical|forestry|emergency(?:\s+management|\s+services)?|"
                 r"transportation|transport|education|elections?|corrections|environmental(?:\s+protection)?|"
                 r"parks|water|wildlife|agriculture|highway|weather|social\s+services|child\s+welfare|sanitation)")
_OFFICE_HEAD = r"(?:department|office|agency|service|board|commission|bureau|division|authority)"
_JURISDICTION = r"(?:county|state|city|municipal|local|regional|provincial|district|parish|borough|town|tribal)"
# (a department named by its field alone, "the health department", may be a country's: as
# "the health ministry", it is left to the country)
_OFFICE = (rf"(?:{_JURISDICTION}\s+)?{_OFFICE_HOLDER}(?:['’]s\s+(?:office|department))?"
           rf"|{_JURISDICTION}\s+{_OFFICE_FIELD}\s+{_OFFICE_HEAD}")
_OFFICE_BEFORE_RE = re.compile(rf"\b[Tt]he\s+(?P<office>{_OFFICE})\s+(?:also\s+|later\s+|now\s+|has\s+|had\s+)?$")
_OFFICE_AFTER_RE = re.compile(rf"\s+the\s+(?P<office>{_OFFICE})\b")
_OFFICE_CLOSES_RE = re.compile(rf"\s+the\s+(?P<office>{_OFFICE})(?:\s+(?:on|late\s+on|early\s+on)\s+[A-Z][a-z]+"
                               r"|\s+in\s+a\s+statement)?\s*(?:[.,;]|$)")
_OFFICE_JURISDICTIONS = words("county state city municipal local regional provincial district parish borough town "
                              "tribal chief public the")


def _office_speaker(office: str, mentions: Sequence[Mention], before: int) -> str:
    """Who a titled office without a name is: an organisation named before ``before`` whose
    name holds the office's words ("the state health department" after "the Hawaii Department
    of Health"), else the office itself ("county medical examiner")."""
    office = " ".join(office.split())

    def words_of(name: str) -> set[str]:  # ("coroner's office": coroner, office)
        return set(re.findall(r"[a-z]+", name.lower().replace("’", "'").replace("'s", "")))

    wanted = words_of(office) - _OFFICE_JURISDICTIONS
    for m in reversed([m for m in mentions if m.kind == "organisation" and m.end <= before]):
        if wanted <= words_of(m.name):
            return m.name
    return office


_JOINT_SOURCES_RE = re.compile(r"\s*(?:,|and|&)\s*(?:the\s+)?")
_PRONOUN_BEFORE_RE = re.compile(r"\b(?P<p>he|she|they|it)\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+)?$", re.I)


@dataclass(frozen=True, slots=True)
class _Cue:
    pos: int          # where the cue starts
    end: int
    speaker: str | None
    forward: bool = True   # credits figures after it in the sentence
    backward: bool = True  # credits figures before it
    forward_only: bool = True  # not a closing attribution
    cites: bool = False  # "citing X": X is where the reporter had the number from


def _looks_plural(word: str, shortest: int = 4) -> bool:
    """Whether a lower-case word ends like a plural ("launchers"; not "loss", "bus", "thesis")."""
    return len(word) >= shortest and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def singular(word: str) -> str:
    """Cheap singular of an English noun ("troops" -> "troop", "casualties" -> "casualty")."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes", "zes")):
        return w[:-2]
    if _looks_plural(w):
        return w[:-1]
    return w


def _known_noun(lw: str) -> bool:
    """Whether a lower-case word is a noun of the synonym table (in either number)."""
    return singular(lw) in _SYNONYMS or lw in _SYNONYMS


def canonical_key(head: str) -> str:
    """The key for a head noun: synonym table first, else the noun itself in lower case."""
    s = singular(head)
    return _SYNONYMS.get(s) or _SYNONYMS.get(head.lower()) or head.lower()


_UNITS = words("km kg mm cm mph kmh mw gw kwh mwh gwh twh ha bpd tonnes tons barrels")
_TIME_UNITS = frozenset({"years", "decades", "quarters", "months", "centuries", "weeks"})
_TIME_REF_BEFORE_RE = re.compile(r"\b(?:in|first\s+in|past|last|than|within|for\s+the\s+first\s+time\s+in)\s+(?:the\s+)?(?:past\s+|last\s+|previous\s+)?$", re.I)
# "the number of troops rose to 12,000": what the number counts comes before it; with names
# before the noun ("the number of North Korean troops") only a noun known to count is taken
# (and the same of a total, count, tally, estimate or figure: "raises its estimate of North Korean
# troops in Russia to 12,000", "the number of troops in Russia has risen to 12,000 from 10,000")
_FIGURE_NOUN = r"\b(?:number|total|count|tally|estimate|figure)s?"
_NUMBER_OF_TAIL = (r"\s+(?:\w+,?\s+){0,5}?(?:to|at|of|reached|passed|hit|rose\s+to|stood\s+at)"
                   r"\s+(?:\w+\s+){0,2}$")
_NUMBER_OF_BEFORE_RE = re.compile(r"\bnumber\s+of\s+(?P<w>[a-z]+)" + _NUMBER_OF_TAIL)
_NUMBER_OF_ANY_RE = re.compile(r"\bnumber\s+of\s+(?:[A-Z][\w.’'\-]*\s+){0,3}(?P<w>[a-z]+)")
_FIGURE_OF_BEFORE_RE = re.compile(
    _FIGURE_NOUN + r"\s+of\s+(?:[A-Z][\w’'\-]*\s+){0,3}(?P<w>[a-z]+)" + _NUMBER_OF_TAIL)
# ... when nothing after the number names a unit ("a total of 406.9 TWh" is no such value)
_BARE_AFTER_RE = re.compile(r"\s*(?:[,.;:)!?]|$)|\s+(?:in|on|as|from|by|to|and|or|last|this|after|before|"
                            r"since|according|more|up|down)\b")
# "Kyiv puts North Korean casualties at 4,000": what is put at the number is what it counts;
# so is what a change brings to it ("bringing the North's total losses to 4,200")
_PUT_AT_BEFORE_RE = re.compile(
    r"\b(?:(?:[Pp]uts?|[Pp]laced?|[Pp]laces|[Pp]egged|[Pp]egs|estimated?|estimates)\s+(?:(?:the|its|their)\s+)?"
    r"(?:[\w’'\-]+\s+){0,3}?(?P<w>[a-z]+)\s+at"
    r"|(?:bringing|brings?|brought|raising|raises?|raised|lifting|lifts?|pushing|pushes|pushed|taking|takes)"
    r"\s+(?:(?:the|its|their)\s+)?(?:[\w’'\-]+\s+){0,3}?(?P<w2>[a-z]+)\s+to)\s+[\"“]?(?:\w+\s+){0,2}$")
# a number that is the value of such a figure and names nothing itself: "Seoul now puts the
# figure at 3,000", "its earlier estimate of 1,500", "the total has reached 12,000"
_FIGURE_VALUE_BEFORE_RE = re.compile(
    _FIGURE_NOUN + r"\s+(?:\w+\s+){0,3}?(?:at|to|of|is|was|as|from|reached|hit|topped|exceeded|"
    r"passed|near|nears)\s+(?:\w+\s+){0,2}$", re.I)
# a whole that a part is taken of: "several hundred of the 12,000 troops killed": what the part
# suffered does not say what the whole counts
_PARTITIVE_BEFORE_RE = re.compile(
    r"(?:\d%?|%|\b(?:hundred|thousand|dozens?|hundreds|thousands|several|some|many|most|half|part|"
    r"thirds?|quarters?|fifths?|tenths?|percent|cent))"
    r"['’\"”]?\s+(?:out\s+)?of\s+(?:(?:the|its|their|his|her|our|these|those|[\w\-]+['’]s)\s+)?$")
# a ratio, "one in three", "1 in 5 of them", "two in every ten": neither number is a count
_RATIO_TERM = r"\d{1,3}(?:,\d{3})*|one|two|three|four|five|six|seven|eight|nine|ten|a\s+hundred|a\s+thousand"
_RATIO_AFTER_RE = re.compile(
    rf"^\s+in\s+(?:every\s+)?(?P<d>{_RATIO_TERM})\b(?![,.]\d)"
    r"(?!\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b)", re.I)
_RATIO_BEFORE_RE = re.compile(rf"(?:^|[^\w,.])(?P<n>{_RATIO_TERM})\s+in\s+(?:every\s+)?$", re.I)


def _ratio_term(term: str) -> float:
    if term[:1].isdigit():
        return float(term.replace(",", ""))
    return word_value(term) or 0.0  # every spelled term of _RATIO_TERM has a value


# "Label: " right before a number, the label opening its line or sentence
_LABEL_BEFORE_RE = re.compile(
    r"(?:^|[\n.;]\s*)(?P<label>[A-Z][\w\-’' ]{0,60}?):\s+(?:(?:about|some|more\s+than|at\s+least|"
    r"at\s+most|up\s+to|nearly|almost|over|around|roughly|an\s+estimated)\s+)?$")


def _label_key(text: str, pos: int) -> tuple[str, str] | None:
    """(key, label) when the number at ``pos`` is a fact box's value and its label's noun
    phrase ends in a noun that counts ("Artillery shells supplied to Russia: 12 million")."""
    start = max(0, pos - 90)
    m = _LABEL_BEFORE_RE.search(text, start, pos)
    if m is None:
        return None

    def counts(word: str) -> bool:
        return _known_noun(word.lower()) or _looks_plural(word.lower())

    label = m.group("label").split()
    first = next((i for i, w in enumerate(label) if counts(w)), None)
    if first is None:
        return None
    last = first  # a compound ends with its head: "Artillery shells", "Ballistic missiles"
    while last + 1 < len(label) and counts(label[last + 1]):
        last += 1
    if last + 1 < len(label) and label[last][:1].isupper() and label[last + 1][:1].isupper():
        return None  # a name goes on: "Palisades Fire: 30,000 under evacuation orders"
    return canonical_key(label[last]), " ".join(label[:last + 1])


def _in_ratio(text: str, n: NumberMatch) -> bool:
    """Whether ``n`` is a term of a ratio: "1 in 3", "one in five soldiers" (the first term
    smaller than the second; "3,000 in two batches" is a count)."""
    if n.percent or n.currency or text.find(" in ", max(0, n.start - 16), n.end + 16) < 0:
        return False
    a = _RATIO_AFTER_RE.match(text[n.end:n.end + 40])
    if a is not None and n.value < _ratio_term(a.group("d")):
        return True
    b = _RATIO_BEFORE_RE.search(text, max(0, n.start - 24), n.start)
    return b is not None and _ratio_term(b.group("n")) < n.value


_TOLL_BEFORE_RE = re.compile(r"\b(?:death\s+)?toll\b(?:\s+\w+){0,8}\s+$|\bkilling\s+(?:\w+\s+){0,2}$", re.I)
_POPULATION_BEFORE_RE = re.compile(
    r"\bpopulation(?:\s+of\s+(?:the\s+)?\w+(?:\s+\w+)?)?\s+(?:of|is|was|stands\s+at|stood\s+at|reached|at)"
    r"\s+(?:\w+\s+){0,2}$", re.I)
# the approximations that may stand between "a force of", "rose by" and their number
_APPROX = r"about|some|around|roughly|nearly|almost|more\s+than|over|at\s+least"
_FORCE_OF_BEFORE_RE = re.compile(
    r"\b(?:force|forces|contingent|army|deployment|garrison|detachment|corps|troop\s+presence)\s+of\s+"
    rf"(?:(?:{_APPROX}|up\s+to|as\s+many\s+as)\s+)?$")
# a number that qualifies a noun or names a rank, not a count standing for an earlier one's thing
_NOT_BARE_RE = re.compile(r"(?:\b(?:an?|[Nn]o\.)|#)\s?$")
_NAMED_AFTER_RE = re.compile(r" [A-Z][a-z]")
# a rise by a number ("rose by 3,000", "boosts its troops in Russia by 3,000"): an increment
_GROWN_BY_RE = re.compile(
    r"\b(?:rose|risen|rises|rising|increased|increases|grew|grown|grows|jumped|climbed|boost(?:s|ed|ing)?|"
    r"raised|raises|swelled|expanded|expands|reinforced)\b(?:\s+[\w’'\-]+){0,5}?\s+by\s+"
    rf"(?:(?:{_APPROX}|another)\s+)?$", re.I)
_ADDS_BEFORE_RE = re.compile(r"\b(?:adds?|added|adding)\s+(?:(?:about|some|around|roughly|nearly|almost|another|a\s+further)\s+)?$")
_BY_BEFORE_RE = re.compile(rf"\bby\s+(?:(?:{_APPROX})\s+)?$")
# (a contingent of N is a force's: _FORCE_OF_BEFORE_RE)
_BATCH_OF_BEFORE_RE = re.compile(
    r"\b(?:batch|wave|rotation|group|unit)\s+of\s+"
    rf"(?:(?:{_APPROX}|up\s+to|as\s+many\s+as)\s+)?$")
_COUNT_BEFORE_RE = re.compile(r"\b(?P<w>seat|vote|job|case|death|casualty|troop)s?\s+(?:count|total|tally|share|number)\b(?:\s+\w+){0,4}\s+$", re.I)

# patterns used by the methods below (compiled once)
_RANGE_BETWEEN_RE = re.compile(r"\s*(?:to|-|–|—|and|or|of|of\s+the|out\s+of)\s*")
_RANGE_END_RE = re.compile(r"\s*(?:to|-|–|—)\s*")
_PART_OF_RE = re.compile(r"\s+(?:of|of\s+the|out\s+of)\s+")
# (nor a fraction: "two thirds", "two-thirds", "three quarters of")
_SPELLED_NOT_COUNT_AFTER_RE = re.compile(
    r"^(?:\s+(?:of|another|or|and|by|day|time|way|side)\b|[\s\-](?:thirds?|quarters|fifths|sixths|eighths|tenths)\b)",
    re.I)
_SPELLED_NOT_COUNT_BEFORE_RE = re.compile(r"\b(?:no|every|any|each)\s+$", re.I)
_DATE_RANGE_GAP_RE = re.compile(r"\s*[-–]\s*|\s*,\s*|\s+(?:and|to|through|or)\s+")  # "Oct 8-13", "Oct 8 and 13"
_NAME_COMMA_BEFORE_RE = re.compile(r"[A-Z][\w\-]+,\s$")
_AGES_LIST_BEFORE_RE = re.compile(r"\baged?\s+\d+\s+(?:and|or|to)\s+$", re.I)
# an age bound, not a count: "men over 50", "children under 18", "those older than 65", "over
# the age of 60", "people in their 70's", "residents 65 and older"
_AGE_BOUND_BEFORE_RE = re.compile(
    r"\b(?:men|women|children|kids|people|persons|adults|teens|teenagers|youths?|boys|girls|males|females|"
    r"residents|citizens|voters|workers|employees|patients|seniors|pensioners|retirees|those|anyone|everyone|"
    r"individuals|hostages|captives|prisoners|detainees|civilians|students|drivers|smokers|members|victims|"
    r"survivors)\s+(?:aged\s+)?(?:over|under|above|below|older\s+than|younger\s+than)\s+$"
    r"|\bage\s+of\s+$", re.I)
# ... unless what follows is counted ("people over 3 days", "residents under 20 metres away",
# "voters under 30 percent"); years are an age's ("men over 50 years old")
_NOT_AGE_AFTER_RE = re.compile(
    r"\s*(?:%|(?:percent|per\s+cent|day|week|month|hour|minute|decade|km|kilomet(?:re|er)|mile|met(?:re|er)|kg|kilo|"
    r"pound|time|point|vote|seat)s?\b)", re.I)
_NEXT_WORD_RE = re.compile(r"\s+([a-z][a-z\-]*)")
_AND_OLDER_AFTER_RE = re.compile(r"\s+(?:years?\s+)?(?:and|or)\s+(?:older|younger)\b")
_HYPHEN_UNIT_AFTER_RE = re.compile(
    r"^-(?:magnitude|day|week|month|hour|minute|strong|man|person|plus|seat|member|nation|country|"
    r"year(?= (?:contract|term|deal|agreement|sentence|plan|ban|mandate|lease|extension)))\b")
_MODEL_AFTER_RE = re.compile(r"^\s[A-Z]{2,}\b(?![-‐]?\d)")
# a model designation between a count and its noun: "two KF-16 fighter jets", "eight MK-82 bombs",
# "12 F-16s" (the designation names the type; the count counts what follows)
_DESIGNATION = r"[A-Z][A-Za-z]{0,3}[-‐]?\d{1,4}[A-Za-z]{0,2}\b(?![-‐.,]\d)"
# ... or several: "100 KN-23 and KN-24 ballistic missiles"
_DESIGNATION_NEXT_RE = re.compile(
    rf"^\s+{_DESIGNATION}(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+){_DESIGNATION}){{0,3}}")
_CALIBRE_AFTER_RE = re.compile(r"^[ ]?mm[ ]+(?!of\b|and\b|or\b|to\b|in\b)[a-z]")
# a calibre between a count and its noun names the type, as a designation does
_CALIBRE_RE = re.compile(r"(?<=\s)\d{2,3}(?:\.\d+)?[ \-‐]?mm\b(?=\s)")
# "the two sides", "both countries": the parties already named, not a count
_ANAPHORIC_BEFORE_RE = re.compile(r"\b(?:the|both|these|those|all)\s+$", re.I)
# "these two North Korean soldiers": the ones just named, whatever they are
_DEMONSTRATIVE_BEFORE_RE = re.compile(r"\b(?:[Tt]hese|[Tt]hose)\s+$")
_ANAPHORIC_AFTER_RE = re.compile(
    r"^\s+(?:sides|countries|nations|leaders|men|women|governments|parties|Koreas|allies|neighbou?rs|"
    r"presidents|ministers|companies|firms|teams|camps|states|capitals|families|brothers|sisters)\b")
# a vote tally "51-50", "a 215-194 vote": both numbers count votes
_TALLY_AROUND_RE = re.compile(r"\d[-–]$")
_VOTE_WORD_RE = re.compile(r"\bvot(?:e|es|ed|ing)\b|\bballots?\b|\b(?:passed|approved|rejected|confirmed|defeated)\s+(?:by\s+)?\d")
# the subject of a verb of reaching names what the number counts: "Casualties among the North's
# forces have reached about 4,700", "the death toll rose to 2,012"
_SUBJECT_REACHED_RE = re.compile(
    r"\b(?P<w>[A-Za-z]+)(?:\s+(?:among|of|in|from|on)\s+[^,.;]{1,40}?)?,?\s+(?:has\s+|have\s+|had\s+)?(?:now\s+)?"
    r"(?:(?P<stand>stood\s+at|stands\s+at|stand\s+at)|reached|rose\s+to|risen\s+to|climbed\s+to|jumped\s+to|totall?ed|topped|"
    r"exceeded|passed|surpassed|hit|numbered|"
    # a headline's present tense: "casualties top 4,000", "troops now number about 12,000"
    r"reach(?:es)?|tops?|exceeds?|pass(?:es)?|surpass(?:es)?|hits|nears?|numbers?|totals?|"
    r"(?:rises?|climbs?|jumps?)\s+to|"
    # ... or of an estimate: "North Korean casualties estimated at 4,000"
    r"(?:(?:is|are|was|were|now|being)\s+)?(?:estimated|put|pegged|placed|assessed)\s+at)\s+(?:[a-z]+\s+){0,2}$")
# nouns of a figure itself ("the numbers stand at ..."), which say nothing of what it counts
_FIGURE_WORDS = words("number total count tally estimate figure amount level rate share")
# what _SUBJECT_REACHED_RE needs in the text before a number (most texts hold none of them)
_REACHED_CUES = ("ed ", " to ", " at ", " top", " reach", " exceed", " pass", " surpass", " hits ", " near",
                 " number", " total")
# a number with no noun after it, heading its own phrase: followed by a verb or the end of a clause
# ("about 10,000 have been sent", "puts their total at around 11,000.", "10,000 more will follow")
_ELLIPTIC_AFTER_RE = re.compile(  # used with match(text, pos): no "^"
    r"(?:(?:\s+more)?\s+(?:have|has|had|were|was|are|is|will|would|could|may|might|remain|remained)\b"
    # "as many as 10,000 more, lawmakers were told"
    r"|\s+more\s*[,.;)]"
    r"|\s+(?:more\s+)?(?:been\s+)?[a-z]+ed\b(?!\s+(?:by|to)\b)|\s*[.;]|,\s+(?:the|a|an|he|she|they|it|according)\b)")
_SALIENT_KEYS = frozenset({"troops", "people", "workers", "prisoners", "casualties"})
_DIGIT_GROUPS_RE = re.compile(r"\d{2,4}(?:[ ]\d{2,4}){2,}")
_YEAR_BEFORE_RE = re.compile(r"\b(?:the|in|since|of|from|by|until|for|a|an|its|their|his|her|this|that)\s+$", re.I)
_HYPHEN_UNIT_RE = re.compile(
    r"^[-‐](magnitude|day|week|month|hour|minute|strong|man|person|plus|seat|member|nation|country|"
    r"year(?=[ ](?:contract|term|deal|agreement|sentence|plan|ban|mandate|lease|extension)))\b")
_QUAKE_WORDS = words("quake quakes earthquake earthquakes tremor tremors aftershock aftershocks")
# what "an N-strong ..." may be when it is a military force
_FORCE_WORDS = words(
    "contingent contingents force forces army armies unit units brigade brigades division divisions "
    "battalion battalions corps deployment garrison militia detachment regiment troops troop "
    "expeditionary mission fleet squad squads")
_MAGNITUDE_BEFORE_RE = re.compile(r"\bmagnitude[-\s]*$", re.I)
_LAWMAKERS_RE = re.compile(r"\b(?:lawmakers|deputies|legislators|mps|senators|members)$")
_VOTING_RE = re.compile(r"\b(?:vot\w*|in\s+favou?r|backed|approved|supported|against)\b")
_CLAUSE_BREAK_RE = re.compile(r"[.;:“”\"]")
# (matched against words joined by spaces: "killed , wounded" is the headline's "killed, wounded")
_CASUALTIES_AFTER_RE = re.compile(
    r"\b(?:killed|dead)\s*(?:,\s*(?:(?:or|and)\s+)?|\s(?:or|and)\s+)(?:wounded|injured)\b|\bcasualt")
_DEATHS_AFTER_RE = re.compile(r"\b(?:killed|died|dead|perished|lost\s+their\s+lives|deaths?)\b")
_DEATHS_BEFORE_RE = re.compile(
    r"\b(?:killing|killed|kills|death\s+toll\s+(?:\w+\s+){0,3}(?:to|at|of)|toll\s+(?:rose|climbed|stood|reached)\s+(?:to|at))"
    r"\s+(?:(?!and\b|or\b|but\b|while\b)\w+\s+){0,2}$")
_DIED_AFTER_RE = re.compile(
    r"(?:(?:have|had|were|was|are|been|being|reportedly)\s+)*(?:died|killed|dead|perished|lost\s+their\s+lives)\b")
_HURT_AFTER_RE = re.compile(r"(?:(?:have|had|were|was|are|been|being|reportedly)\s+)*(?:injured|wounded|hurt)\b")
_INJURED_AFTER_RE = re.compile(r"\b(?:injured|wounded|hurt|injuries)\b")
_CASUALTIES_BEFORE_RE = re.compile(
    r"\b(?:killed|killing|kills?)\s*(?:,\s*|\s+(?:or|and)\s+)(?:wounded|injured|wounding|injuring|wounds?|injures?)"
    r"\s+(?:(?!and\b|or\b|but\b|while\b)\w+\s+){0,2}$")
_LOST_BEFORE_RE = re.compile(
    r"\b(?:lost|lose|loses|losing)\s+(?:(?!and\b|or\b|but\b|while\b|contact\b|track\b|touch\b|sight\b)\w+\s+){0,2}$")
_INJURED_BEFORE_RE = re.compile(r"\b(?:injuring|wounding|injured|wounded|injures|wounds)\s+(?:(?!and\b|or\b|but\b|while\b)\w+\s+){0,2}$")
# people driven from their homes, or not found: "displaced more than 300,000", "127 remain
# missing", "4,200 were evacuated"
_DISPLACED_BEFORE_RE = re.compile(
    r"\b(?:displaced|displacing|displaces|evacuated|evacuating|evacuates|uprooted|uprooting)"
    r"\s+(?:(?!and\b|or\b|but\b|while\b)\w+\s+){0,2}$")
_DISPLACED_AFTER_RE = re.compile(
    r"^(?:(?:who|that|have|had|were|was|are|been|being|remain|remained|reportedly|now)\s+)*"
    r"(?:displaced|evacuated|uprooted|homeless|forced\s+from\s+their\s+homes)\b")
_MISSING_AFTER_RE = re.compile(
    r"^(?:(?:who|that|have|had|were|was|are|been|being|remain|remained|remains|still|reportedly|"
    r"listed\s+as|reported)\s+)*(?:missing|unaccounted\s+for)\b")
_PRISONERS_AFTER_RE = re.compile(
    r"\b(?:captured|taken\s+prisoner|surrendered|detained|held\s+(?:captive|prisoner|by))\b")
_PRISONERS_BEFORE_RE = re.compile(r"\b(?:captured|capturing|captures|capture\s+of)\s+(?:\w+\s+){0,2}$")
# (the capture right before the number, read before what the clause after says: stricter than
# _PRISONERS_BEFORE_RE, which is read last and lets two words come between)
_CAPTURED_BEFORE_RE = re.compile(r"\b(?:captured|capturing|captures|capture\s+of)\s+(?:(?:some|about|around|at\s+least)\s+)?$")
# people held to force a deal: "251 taken hostage", "took 251 hostage", "59 are still held
# hostage", "hostages" after a noun of people ("40 people hostage")
_HOSTAGES_AFTER_RE = re.compile(
    r"^(?:(?:who|that|have|had|has|were|was|are|is|been|being|remain|remained|remains|still|reportedly|now|"
    r"believed|thought|to|be)\s+)*(?:(?:taken|held|kept|seized|snatched|abducted|kidnapped)\s+(?:as\s+)?)?hostages?\b")
# "have taken two soldiers prisoner": the verb before, "prisoner" after the phrase
_TAKEN_BEFORE_RE = re.compile(r"\b(?:taken|took|take|takes|taking)\s+(?:\w+\s+){0,1}$")
_PRISONER_WORD_AFTER_RE = re.compile(r"^(?:[\w\-]+\s+){0,3}prisoners?\b")

# keys that say what happened to people ("displaced residents" are counted as displaced)
_FORCE_NOUNS = frozenset(("presence", "contingent", "force", "deployment", "garrison"))
# workers whose jobs go: counted as the jobs ("cut 9,000 jobs" and "lay off 9,000 workers" are one
# figure)
_LAYOFF_BEFORE_RE = re.compile(
    r"\b(?:lay(?:ing|s)?\s+off|laid\s+off|layoffs?\s+of|cut(?:s|ting)?|shed(?:s|ding)?|ax(?:e|es|ed|ing)|"
    r"eliminat(?:e|es|ed|ing)|dismiss(?:es|ed|ing)?|fir(?:e|es|ed|ing)|redundan\w+\s+(?:for|of))"
    r"\s+(?:(?:about|around|some|nearly|almost|up\s+to|more\s+than|at\s+least|roughly|another|a\s+further|"
    r"its|their|the)\s+)*$")
_LAYOFF_AFTER_RE = re.compile(
    r"^(?:\w+\s+){0,2}(?:will|would|could|are\s+to|were|are|have\s+been|had\s+been|to\s+be|set\s+to)?\s*"
    r"(?:lose|losing|lost)\s+(?:their|the(?:ir)?)\s+jobs?\b|^(?:\w+\s+){0,2}(?:were|will\s+be|are\s+to\s+be|"
    r"would\s+be|have\s+been)\s+(?:laid\s+off|made\s+redundant|dismissed|fired)\b")
_SAYING_WORDS = frozenset(("said", "says", "say", "told", "added", "adding", "saying", "stated"))
_STATUS_KEYS = frozenset(("displaced", "injured", "deaths", "casualties", "prisoners"))
_OF_DETERMINERS = frozenset(("the", "its", "their", "them", "his", "her", "our", "these", "those"))
_COUNTED_KEYS = frozenset(_SYNONYMS.values())
_CLAUSE_END_RE = re.compile(r"[.;!?](?:\s|$)")
_CLAUSE_TOKENS = frozenset(".;!?")
_CLAUSE_STOP_RE = re.compile(r"[,;:](?:\s|$)")
_CHANGE_TO_BEFORE_RE = re.compile(r"\b(?:to|from)\s+$")


# how the plural of a people's name ends ("Koreans", "Israelis", "Kuwaitis"), and the short ones
# that end otherwise; a capitalised plural that is neither is a headline's title case ("3 Ways",
# "four Summer Olympics"), not people
_DEMONYM_ENDINGS = ("ans", "lis", "nis", "qis", "dis", "his", "tis", "ris", "zis")
_SHORT_DEMONYMS = words(
    "britons scots brits swedes danes poles turks czechs finns kurds arabs thais serbs croats slovaks "
    "greeks uzbeks kazakhs tajiks filipinos jews sikhs hindus muslims uyghurs uighurs tamils houthis "
    "rohingyas bedouins dutchmen frenchmen englishmen")


_THING_KEYS = frozenset(("missiles", "ships", "aircraft", "ammunition"))
_ARTILLERY_HEADS = frozenset(("pieces", "systems", "guns", "weapons"))


def _plural_noun(word: str) -> bool:
    """A lower-case word that looks like a plural noun ("launchers", "tests")."""
    return _looks_plural(word) and word.isalpha() and word.islower() and word not in _NP_STOP


def _people_plural(lower: str) -> bool:
    return (len(lower) > 5 and lower.endswith(_DEMONYM_ENDINGS) and not lower.endswith("sis")) \
        or lower in _SHORT_DEMONYMS


def _is_tally(text: str, n: NumberMatch) -> bool:
    """Whether ``n`` is one side of a vote tally: "51-50", "a 215-194 vote"."""
    if not ((text[n.end:n.end + 1] in ("-", "–") and text[n.end + 1:n.end + 2].isdigit())
            or _TALLY_AROUND_RE.search(text, max(0, n.start - 2), n.start)):
        return False
    return bool(_VOTE_WORD_RE.search(text, max(0, n.start - 80), n.end + 80))


def _stands_alone(text: str, n: NumberMatch, demonyms: set[int]) -> bool:
    """Whether a number with no noun reads as a count by itself: not "a 404 page", "No. 4" or
    "told 404 Media" (but "3.2 million Japanese" does: a people named by its adjective)."""
    if _NOT_BARE_RE.search(text, max(0, n.start - 5), n.start):
        return False
    return not _NAMED_AFTER_RE.match(text, n.end) or n.end + 1 in demonyms


def _salient_key(text: str) -> str:
    """The person-like thing the text counts most often by name (soldiers, workers...): what a
    number with no noun of its own counts when nothing nearer says."""
    counts: dict[str, int] = {}
    for w in _WORD_RE.findall(text):
        if w[0].isalpha():
            k = _SYNONYMS.get(singular(w))
            if k in _SALIENT_KEYS:
                counts[k] = counts.get(k, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else ""


class FigureFinder:
    """Stateless apart from compiled tables; one instance serves every call."""

    def figures(self, text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention]) -> list[Figure]:
        numbers = find_numbers(text)
        if not numbers:
            return []
        # numbers inside a phone number or an actor's name ("Group of Seven") are not figures
        phones = [(m.start(), m.end()) for m in _PHONE_RE.finditer(text)] if ("+" in text or _PHONE_GATE_RE.search(text)) else []
        phones.extend((m.start, m.end) for m in mentions)
        inside = _Spans(phones)
        cues = self._cues(text, sentences, mentions)
        cues.sort(key=lambda c: c.pos)  # (stable: cues at one place keep their order)
        cue_pos = [c.pos for c in cues]
        starts = [s for s, _e in sentences]
        kinds = {m.name: m.kind for m in mentions}
        demonyms = {m.start for m in mentions if m.demonym}
        kept: list[tuple[NumberMatch, int]] = []
        dated: set[int] = set()
        for i, n in enumerate(numbers):
            if inside.holds(n.start, n.end):  # (not "US" of "US$5m")
                continue
            if self._not_a_figure(text, n, i, numbers, dated):
                dated.add(i)
                continue
            if n.value < 120 and not (n.currency or n.percent or n.scaled) and "," not in n.raw \
                    and self._age_bound(text, n):
                continue  # "men over 50", "children under 18", "65 and older" (what follows may count)
            kept.append((n, i))
        out: list[Figure] = []
        positions: list[int] = []
        seen: dict[tuple[str, float], int] = {}
        for pos, (n, _i) in enumerate(kept):
            head_info = self._describe(text, n)
            if head_info is None:
                continue
            key, quantity, more = head_info
            # a range "10,000 to 12,000": the first number counts what the second counts
            if not key and pos + 1 < len(kept):
                nxt = kept[pos + 1][0]
                between = text[n.end:nxt.start]
                if _RANGE_BETWEEN_RE.fullmatch(between):
                    nh = self._describe(text, nxt)
                    if nh is not None:
                        key, quantity = nh[0], nh[1]
                        more = more or nh[2]  # "a further 25,000 to 30,000", "1,000 to 1,500 more"
                        if _PART_OF_RE.fullmatch(between):
                            # a part of a whole: what the clause says happened is said of the
                            # part ("4,000 of the 11,000 soldiers deployed were killed or
                            # wounded": 4,000 casualties, 11,000 troops)
                            part = _context_key(key, _clause_words(text, nxt.end, 12), "")
                            if part:
                                key, quantity = part, f"{part} among {quantity}"
                        if n.currency is None and nxt.currency:
                            key = nxt.currency.lower()
                        if nxt.percent:
                            key = "percent"
            if not key and ":" in text[max(0, n.start - 40):n.start]:
                # a fact box: "Casualties: 4,000", "Prisoners held by Ukraine: 2"
                key, quantity = _label_key(text, n.start) or (key, quantity)
            if not key and _is_tally(text, n):
                key = quantity = "votes"
            if not key and (not n.spelled or (n.value >= 2 and _CHANGE_TO_BEFORE_RE.search(text, max(0, n.start - 6), n.start))):
                # "fell to 24 from 32", "221 votes to 160", "slipped to eight from ten", "about
                # 10,000 have been sent": counts what the figure before counted, or else, when
                # the number heads its own phrase, the thing the text counts most
                # (a range whose other end is so: "another 25,000 to 30,000.")
                end = kept[pos + 1][0].end if pos + 1 < len(kept) and _RANGE_END_RE.fullmatch(
                    text, n.end, kept[pos + 1][0].start) else n.end
                elliptic = not n.spelled and bool(
                    _ELLIPTIC_AFTER_RE.match(text, end, end + 40)
                    or (_FIGURE_VALUE_BEFORE_RE.search(text, max(0, n.start - 50), n.start)
                        and _BARE_AFTER_RE.match(text, end, end + 20)))
                prev = [(f, p) for f, p in zip(out, positions, strict=True) if f.unit != "%" and p < n.start]
                same = [f for f in out if f.value == n.value]
                if same:
                    # a repeat of a figure already found (the title's): same thing counted
                    key, quantity = same[0].key, same[0].quantity
                elif prev and (elliptic or _stands_alone(text, n, demonyms)):
                    # (not "a 404 page", "No. 4", "told 404 Media": no count of its own; but
                    # "8.8 million South Koreans ..., and 3.2 million Japanese")
                    # (of a like size: a count of groups says nothing of what a number a
                    # thousand times larger counts: "sent in two rotations, roughly 11,000 in
                    # the first", after "14,000 personnel")
                    alike = [fp for fp in prev if fp[0].value * 1000 > n.value] or prev
                    f_prev, p_prev = max(alike, key=lambda fp: fp[1])
                    if n.start - p_prev < 400 or elliptic:
                        # (what it counted, not that it was added: "3,000 more, bringing
                        # the total to 14,000")
                        key, quantity = base_key(f_prev.key), f_prev.quantity
                elif not prev and elliptic:
                    key = quantity = _salient_key(text)
            if not key:
                continue
            if n.spelled and n.value <= 1 and not n.percent:
                continue  # "one soldier", "one of them": a reference, not a count
            sent = _sentence_of(sentences, n.start, starts)
            qualifier = self._qualifier(text, n, sent)
            if more and qualifier is None:
                qualifier = "more"
            if (more or qualifier == "more") and not key.endswith(ADDED) and not n.percent:
                # "3,000 more troops", "up to 30,000 more" add to a total: another fact than
                # 3,000 in all (a share is no total: "a further 2%")
                key += ADDED
            elif pos and out and out[-1].key == key + ADDED \
                    and _RANGE_BETWEEN_RE.fullmatch(text, kept[pos - 1][0].end, n.start) \
                    and not _BY_BEFORE_RE.search(text, max(0, kept[pos - 1][0].start - 20), kept[pos - 1][0].start):
                # the range's other end: "an extra 25,000 to 30,000 troops" (but "rose by 3,000
                # to 14,000" brings a total)
                key += ADDED
            said_by = self._said_by(text, cues[bisect_left(cue_pos, sent[0]):bisect_left(cue_pos, sent[1])],
                                    n.start, sent)
            fig = Figure(
                value=n.value, key=key, quantity=quantity, text=text[sent[0]:sent[1]].strip(),
                qualifier=qualifier, said_by=said_by,
                unit=n.currency or ("%" if n.percent else None),
            )
            k = (base_key(key), n.value) if n.value < 1000 else ("", n.value)
            if k in seen:
                j = seen[k]
                earlier = out[j]
                if said_by is not None and (out[j].said_by is None or (
                        _SPECIFICITY.get(kinds.get(said_by, ""), 3) < _SPECIFICITY.get(kinds.get(out[j].said_by or "", ""), 3))):
                    # a later mention credits someone more specific ("Seoul estimates" in the
                    # title, "South Korea's Joint Chiefs of Staff said" in the text)
                    out[j] = fig
                if earlier.key + ADDED == fig.key or fig.key + ADDED == earlier.key:
                    # "3,000 more troops" in the title, "the 3,000 soldiers" in the text: one
                    # increment, said once as such
                    added = earlier if earlier.key.endswith(ADDED) else fig
                    out[j] = replace(out[j], key=added.key, qualifier=added.qualifier,
                                     quantity=added.quantity)
                positions[j] = n.start  # the figure's latest mention
                continue
            seen[k] = len(out)
            out.append(fig)
            positions.append(n.start)
        return out

    # -- filters ---------------------------------------------------------------------------

    def _not_a_figure(self, text: str, n: NumberMatch, i: int, numbers: list[NumberMatch], dated: set[int]) -> bool:
        before = text[max(0, n.start - 24):n.start]
        after = text[n.end:n.end + 24]
        if n.spelled:
            # "one of", "no one", "one another", "the two sides": not counts
            return bool(_SPELLED_NOT_COUNT_AFTER_RE.match(after)) or _in_ratio(text, n) \
                or bool(_SPELLED_NOT_COUNT_BEFORE_RE.search(before)) \
                or bool(_AGE_AFTER_RE.match(after)) \
                or bool(_ANAPHORIC_AFTER_RE.match(after) and _ANAPHORIC_BEFORE_RE.search(before)) \
                or bool(_DEMONSTRATIVE_BEFORE_RE.search(before))
        if n.currency or n.percent or n.scaled:
            # (the second half of a range, "1.5m-2m", is no designation like "Su-27")
            return _designation_before(before) and not n.currency and not before.endswith(" ") \
                and not (i > 0 and numbers[i - 1].end >= n.start - 1)
        raw = n.raw
        # a leading zero ("0801") or a run of short digit groups ("0801 00 11 22"): a phone
        # number or a code, not a count
        if raw[:1] == "0" and raw[1:2].isdigit():
            return True
        # between digit groups ("00 11 22") or after two of them
        if before.endswith(" ") and before[-2:-1].isdigit() and (
                (after[:1] == " " and after[1:2].isdigit()) or _DIGIT_GROUPS_RE.search(before[-11:])):
            return True
        if _DATE_BEFORE_RE.search(before) or _DATE_AFTER_RE.match(after):
            return True
        # second half of a date range "Oct. 8-13" (a day of the month: not "Jan. 12, 300 were
        # killed")
        if i > 0 and (i - 1) in dated and n.value <= 31 and "," not in raw \
                and _DATE_RANGE_GAP_RE.fullmatch(text, numbers[i - 1].end, n.start):
            return True
        if _TIME_AFTER_RE.match(after) or before.endswith(":"):
            return True
        age = _AGE_AFTER_RE.match(after)
        if age and age.group(0).lstrip().startswith(","):
            # "Park, 46, a lawmaker" (not "about 1,200, the ministry said", nor "the death toll
            # rose to 80, the ministry said": no name before)
            age = age if n.value < 130 and _NAME_COMMA_BEFORE_RE.search(before) else None
        if age or _AGE_BEFORE_RE.search(before):
            return True  # "a 26-year-old", "Park, 46, a lawmaker"
        # "Zelensky, 46, said"; "aged 20 and 26"
        if n.value < 120 and after.startswith(",") and _NAME_COMMA_BEFORE_RE.search(before):
            return True
        if _AGES_LIST_BEFORE_RE.search(before):
            return True
        if "of" in before and _GROUP_SIZE_BEFORE_RE.search(before):
            return True  # "in groups of 20 to 30"
        if n.value < 120 and not n.scaled and _IS_AGE_BEFORE_RE.search(before) \
                and not _WORD_START_RE.match(after):
            return True  # "My mother is 80," (but "he was 3 votes short")
        if _in_ratio(text, n):
            return True
        if _ORDINAL_AFTER_RE.match(after):
            return True
        if _designation_before(before):
            return True
        if before.endswith("(") and before[-2:-1].isalnum():
            return True  # a subsection: "section 1(1)"
        if _CALIBRE_AFTER_RE.match(after):
            return True  # a calibre before its weapon: "170 mm howitzers" (not "10 mm of rain")
        if _GLUED_AFTER_RE.match(after) and not _HYPHEN_UNIT_AFTER_RE.match(after) and not _is_tally(text, n):
            return True
        # model names: "737 MAX" (but "33,000 IAM members")
        if "," not in raw and _MODEL_AFTER_RE.match(after):
            return True
        if (len(raw) == 4 and raw.isdigit()) and 1800 <= n.value <= 2100:
            nxt = _WORD_RE.findall(after[:20])
            if not (nxt and singular(nxt[0]) in _SYNONYMS) or _YEAR_BEFORE_RE.search(before):
                return True
        return False

    @staticmethod
    def _age_bound(text: str, n: NumberMatch) -> bool:
        """Whether the number at ``n`` bounds or gives people's age rather than counts them."""
        if _AND_OLDER_AFTER_RE.match(text, n.end, n.end + 24):
            return True
        if n.value % 10 == 0 and text.startswith(("'s", "’s"), n.end):
            return True  # a decade of life ("in their 70's and 80's")
        if not _AGE_BOUND_BEFORE_RE.search(text, max(0, n.start - 40), n.start) \
                or _NOT_AGE_AFTER_RE.match(text, n.end, n.end + 24):
            return False
        nxt = _NEXT_WORD_RE.match(text, n.end, n.end + 40)
        return nxt is None or nxt.group(1) == "years" or not _plural_noun(nxt.group(1))

    # -- description -----------------------------------------------------------------------

    def _describe(self, text: str, n: NumberMatch) -> tuple[str, str, bool] | None:
        """(key, quantity, "more" follows) for a number; key "" when no head noun follows."""
        tail = text[n.end:n.end + 160]
        hyph = _HYPHEN_UNIT_RE.match(tail)
        if hyph and hyph.group(1) == "plus":
            tail = tail[hyph.end():]  # "12,000-plus troops": the troops are counted
            hyph = None
        elif tail[:1] == "+" and not tail[1:2].isdigit():
            tail = tail[1:]  # "12,000+ troops"
        if hyph:
            word = hyph.group(1)
            rest = _WORD_RE.findall(tail[hyph.end():hyph.end() + 60])[:4]
            if word in ("strong", "man", "person"):  # "an 11,000-man contingent"
                # "a 6.8-strong quake" is a magnitude; "a 10,000-strong contingent" a force
                # ("-strong armed forces", "-strong North Korean force": names before the noun)
                first_noun = next((i for i, w in enumerate(rest) if w[:1].islower()), 1)
                nouns = {w.lower() for w in rest[:max(2, first_noun + 1)] if w.isalpha()}
                if n.value < 10 and not n.spelled and nouns & _QUAKE_WORDS:
                    key = "magnitude"
                elif nouns & _FORCE_WORDS:
                    key = "troops"
                else:
                    key = "people"
                return key, " ".join([f"{word}", *[w for w in rest if w.isalpha()][:2]]).strip(), False
            key = "magnitude" if word == "magnitude" else ("countries" if word in ("nation", "country") else word + "s")
            return key, " ".join([f"{word}", *[w for w in rest if w.isalpha()][:2]]).strip(), False
        before = text[max(0, n.start - 40):n.start]
        if ("agnitude" in before or "AGNITUDE" in before) and _MAGNITUDE_BEFORE_RE.search(before):
            return "magnitude", "magnitude", False
        if tail[1:2].isupper():
            dm = _DESIGNATION_NEXT_RE.match(tail)
            if dm:
                tail = tail[dm.end():]  # "two KF-16 fighter jets": the jets are counted
        if "mm" in tail:
            tail = _CALIBRE_RE.sub("", tail)  # "20 240mm rocket launchers", "50 of its 170mm guns"
        words = _WORD_RE.findall(tail)
        # "adds 3,000 troops" (but "the Kospi added 0.4%" is a change, no count added)
        more = not n.percent and "dd" in before and bool(_ADDS_BEFORE_RE.search(before))
        if words and words[0].lower() in ("more", "additional", "extra"):
            more = True  # "3,000 more troops", "3,000 additional troops"
            words = words[1:]
        if n.percent:
            phrase = _phrase(words, 5)
            return "percent", ("percent " + phrase).strip() if phrase else "percent", more
        if n.currency:
            phrase = _phrase(words, 5)
            return n.currency.lower(), phrase or n.currency, more
        # "8 million units of ammunition", "dozens of": skip "units of", "of the"
        i = 0
        rounds_of = False
        if i < len(words) and words[i].lower() in ("units", "unit", "pieces", "rounds") \
                and i + 1 < len(words) and words[i + 1].lower() == "of":
            rounds_of = words[i].lower() == "rounds"  # "rounds of artillery" are ammunition
            i += 2
        np: list[str] = []
        head = ""
        if i + 2 < len(words) and words[i].lower() == "of" and words[i + 1].lower() in _OF_DETERMINERS:
            # "8,000 of the North Korean troops", "8,000 of her country's soldiers"; "1,404 of
            # them" counts what came before
            i += 2 if words[i + 1].lower() != "them" else 0
            if i < len(words) and words[i][0].islower() and words[i].endswith(("'s", "’s")):
                i += 1
        while i < len(words) and len(np) < 6:
            w = words[i]
            lw = w.lower()
            if lw in ("and", "or") and 0 < len(np) < 4 and all(x[:1].isupper() for x in np) \
                    and i + 1 < len(words) and words[i + 1][:1].isupper():
                np.append(w)  # names coordinated before the noun: "Russian and North Korean troops"
                i += 1
                continue
            if not w[0].isalpha() or lw in _NP_STOP:
                break
            bare = w.rstrip("’'").removesuffix("’s").removesuffix("'s")
            np.append(bare)
            i += 1
            if lw in _PEOPLE_WORDS:  # "10,000 men", "14 women", "two children"
                head = bare
                break
            if _known_noun(lw) or lw in _UNITS:
                head = bare
                # a noun-noun compound ends with its head: "fighter jets", "marine commandos"
                if bare == w and i < len(words) and words[i][0].isalpha() and words[i].lower() not in _NP_STOP \
                        and singular(words[i]) in _SYNONYMS and canonical_key(lw) not in _STATUS_KEYS \
                        and words[i] != "won":  # "300 seats won", not a sum in won
                    continue
                # ... and a weapon's singular after a count of several is a modifier: "20 rocket
                # launchers", "three missile tests", "two aircraft carriers" (but "1 rocket hits")
                if bare == w and n.value > 1 and singular(lw) == lw and canonical_key(lw) in _THING_KEYS \
                        and i < len(words) and _plural_noun(words[i]):
                    continue
                # adjectives that are also heads: "two wounded soldiers"
                if lw in ("wounded", "injured", "dead", "killed") and i < len(words) and words[i][0].isalpha() \
                        and words[i].lower() not in _NP_STOP and not words[i].lower().endswith("ed"):
                    continue
                # "artillery pieces" (systems, guns) are artillery; "artillery brigades" count
                # brigades
                if lw in ("artillery", "howitzer") and i < len(words) and _plural_noun(words[i]):
                    if words[i] in _ARTILLERY_HEADS:
                        np.append(words[i])
                        i += 1
                    else:
                        continue
                # "units of ammunition", "rounds of shells": the thing after "of" counts
                if i + 1 < len(words) and words[i].lower() == "of" and singular(lw) in ("round", "shell", "unit"):
                    continue
                break
            lb = bare.lower()
            if w[0].isupper() and _people_plural(lb) and not (i < len(words) and words[i][:1].isupper()):
                # a people's plural name: "14 North Koreans", "three Americans" (what happened
                # to them may say more: "200 North Koreans were killed")
                return (_context_key("people", [x.lower() for x in words[i:i + 10]], before) or "people",
                        " ".join(np), more)
            if lb[0].islower() and _looks_plural(lb):
                nxt = words[i].lower() if i < len(words) and bare == w else ""
                if nxt and _known_noun(nxt):
                    continue  # a modifier: "special operations troops" counts troops
                head = bare  # first plural noun: "machinists" in "machinists walk out"
                break
            if bare != w:
                break
        if head and head.lower() in ("points", "point") and len(np) >= 2 and np[-2].lower() in ("basis", "percentage"):
            key = np[-2].lower() + "_points"
            quantity = " ".join(np)
            return key, quantity, more
        if head and len(np) >= 2 and np[-2].lower() in ("square", "sq", "sq."):
            # an area is not a length: "1.5 million square metres", "20 square km"
            return "square_" + canonical_key(head), " ".join(np), more
        if not head:
            # (what follows the next number is said of it: "3,000, including 300 dead"; not
            # past a verb of saying, which opens another statement: "at up to 12,000 and said
            # Ukrainian forces had killed about 600")
            after = _clause_words(text, n.end, 8, span=60)
            said = next((i for i, w in enumerate(after) if w in _SAYING_WORDS), len(after))
            key = _context_key("", after[:said], before)
            if key:
                return key, key, more
            # the clause before the number, for what it names as counted
            wide, stop = _clause_before(text, n.start, 90)
            if "by" in before and _GROWN_BY_RE.search(before):
                # "the number of troops rose by 3,000", "boosts its troops in Russia by 3,000":
                # an increment of the thing the clause counts
                counted = next(("deaths" if w.lower() == "toll" else canonical_key(w)
                                for w in _WORD_RE.findall(wide[stop + 1:])
                                if w[0].isalpha() and (canonical_key(w) in _COUNTED_KEYS or w.lower() == "toll")), "")
                if counted:
                    return counted, counted, True
            # "Casualties among the North's forces have reached about 4,700"
            sr = _SUBJECT_REACHED_RE.search(wide, stop + 1) if any(
                cue in wide for cue in _REACHED_CUES) else None
            if sr and canonical_key(sr.group("w")) in _COUNTED_KEYS:
                key = canonical_key(sr.group("w"))
            elif sr and sr.group("stand") is not None and _plural_noun(sr.group("w").lower()) \
                    and singular(sr.group("w")) not in _FIGURE_WORDS:
                # what stands at a number is what it counts: "evacuations stand at 3,000"
                key = canonical_key(sr.group("w"))
            if not key and "ing " in before:
                nb = _NUMBERING_BEFORE_RE.search(wide, stop + 1)
                if nb and (canonical_key(nb.group("w")) in _COUNTED_KEYS or _looks_plural(nb.group("w"))):
                    key = canonical_key(nb.group("w"))
            if not key:
                m = _NUMBER_OF_BEFORE_RE.search(before)
                if m is None and " of " in wide:
                    m = _FIGURE_OF_BEFORE_RE.search(wide, stop + 1)
                    if m is not None and canonical_key(m.group("w")) not in _COUNTED_KEYS:
                        m = None
                if m is None and (" at " in before or " to " in before):
                    # (a plural noun put at a number is what it counts: "Russian losses")
                    pm = _PUT_AT_BEFORE_RE.search(wide, stop + 1)
                    w = (pm.group("w") or pm.group("w2")) if pm is not None else ""
                    if canonical_key(w) in _COUNTED_KEYS or _looks_plural(w, shortest=5):
                        key = canonical_key(w)
                    elif w in _FORCE_NOUNS:
                        key = "troops"  # "put the North Korean presence there at 12,000"
                cm = _COUNT_BEFORE_RE.search(before)
                if m:
                    key = canonical_key(m.group("w"))
                    # "the number of civilians killed there rose to 400": deaths
                    key = _context_key(key, [w.lower() for w in _WORD_RE.findall(
                        m.string[m.end("w"):])][:8], "") or key
                elif cm:
                    key = canonical_key(cm.group("w") + "s")
                elif _TOLL_BEFORE_RE.search(wide, stop + 1):
                    key = "deaths"  # ("the death toll from floods in southern Brazil rose to")
                elif "opulation" in before and _POPULATION_BEFORE_RE.search(before):
                    key = "people"  # "a population of 2,400"
                elif " of " in before and _FORCE_OF_BEFORE_RE.search(before):
                    key = "troops"  # "a force of 11,000"
                elif " of " in before and _BATCH_OF_BEFORE_RE.search(before):
                    key = _salient_key(text)  # "a fresh batch of 1,500" of what the text counts
            return (key, key, more) if key else ("", "", more)
        key = canonical_key(head)
        if singular(head.lower()) == "reinforcement":
            more = True  # "3,000 reinforcements" are troops added to those there
        if rounds_of and key == "artillery":
            key = "ammunition"
        if head.lower() in _PEOPLE_WORDS:
            # people, or troops where the text counts soldiers ("sent about 10,000 men")
            key = "troops" if head.lower() == "men" and _salient_key(text) == "troops" else "people"
        if key == "people" and "umber of" in text[max(0, n.start - 120):n.start]:
            # "the number of DPRK servicemen in Kursk is estimated at 11,000 people": people
            # is the unit, the servicemen are counted
            wide, stop = _clause_before(text, n.start, 120)
            m = _NUMBER_OF_ANY_RE.search(wide, stop + 1)
            if m is not None and canonical_key(m.group("w")) in _COUNTED_KEYS:
                key = canonical_key(m.group("w"))
        hi = np.index(head.rstrip("’'")) if head.rstrip("’'") in np else len(np) - 1
        np = np[: hi + 1]
        # (up to the clause's end or the next number, which what follows is said of)
        after_words = [w.lower() for w in itertools.takewhile(
            lambda w: w not in _CLAUSE_TOKENS and not w[0].isdigit(), words[i:i + 10])]
        ctx_key = _context_key(key, after_words, before)
        if ctx_key:
            key = ctx_key
        elif key in _PERSONLIKE and hi > 0:
            # what befell them, said before the noun: "300 dead soldiers", "101 fallen soldiers"
            key = next((_STATUS_ADJECTIVES[w.lower()] for w in np[:hi]
                        if w.lower() in _STATUS_ADJECTIVES), key)
        if _LAWMAKERS_RE.search(key) and _VOTING_RE.search(
                " ".join(after_words[:6]) + " " + before.lower()):
            key = "votes"
        if key in ("workers", "staff", "people") and (
                _LAYOFF_BEFORE_RE.search(before.lower()) or _LAYOFF_AFTER_RE.match(" ".join(after_words[:6]))):
            key = "jobs"  # "lay off 2,900 workers", "2,900 employees will lose their jobs": jobs cut
        if key in _TIME_UNITS and (_TIME_REF_BEFORE_RE.search(before) or (after_words[:1] == ["ago"])):
            return None  # "its worst result in 15 years", "two decades ago"
        quantity = " ".join(np)
        trailing = _trailing(words[i:])
        if trailing:
            quantity = f"{quantity} {trailing}"
        return key, quantity, more

    def _qualifier(self, text: str, n: NumberMatch, sent: tuple[int, int]) -> str | None:
        if text.startswith(("-plus", "+"), n.end) and not text[n.end + 1:n.end + 2].isdigit():
            return "more than"  # "12,000-plus troops", "12,000+ troops"
        before = text[max(sent[0], n.start - 30):n.start]
        q = _qualifier_before(before)
        if q is None or q == "from":
            return None
        return _QUALIFIER_CANON.get(q, q)

    # -- attribution -----------------------------------------------------------------------

    def _cues(self, text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention]) -> list[_Cue]:
        speakers = [m for m in mentions if m.kind in ("person", "organisation", "country")]
        out: list[_Cue] = []
        last_person: str | None = None
        # the organisation that spoke in the sentence before, for "It estimated ..."
        last_body: str | None = None
        mi = 0
        for ss, se in sentences:
            while mi < len(speakers) and speakers[mi].end <= ss:
                mi += 1
            in_sent = []
            for m in itertools.islice(speakers, mi, None):
                if m.start >= se:
                    break
                in_sent.append(m)
            sentence_speaker: str | None = None
            sentence_body: str | None = None
            for c in _speech_cues(text, ss, se):
                speaker: str | None = None
                office: re.Match[str] | None = None
                if c.group("acc") or c.group("verb") in _CITING:
                    # "according to X", "citing X": the source comes after the cue
                    # (up to the end of its clause: "according to a doctors' union, while ...")
                    stop = _CLAUSE_STOP_RE.search(text, c.end(), min(se, c.end() + 60))
                    limit = stop.start() if stop else c.end() + 60
                    after = [m for m in in_sent if c.end() <= m.start < limit]
                    if c.group("acc") == "per" and (not after or after[0].demonym):
                        continue  # a rate, not a source: "$2,000 a month per North Korean soldier"
                    speaker = _most_specific(text, after, forward=True) if after else None
                    if not after and (office := _OFFICE_AFTER_RE.match(text, c.end(), limit)) is not None:
                        speaker = _office_speaker(office.group("office"), mentions, c.start())
                    if len(after) > 1 and after[1].name != after[0].name \
                            and _JOINT_SOURCES_RE.fullmatch(text, after[0].end, after[1].start):
                        speaker = None  # "according to US and South Korean estimates": several sources
                elif c.group("poss"):
                    own = [m for m in in_sent if m.end == c.start()]
                    speaker = own[0].name if own else None
                elif c.group("verb") == "saying":
                    # "Zelensky rejected Seoul's figure of 600, saying the toll was nearer
                    # 4,000": the participle's subject is the sentence's, named at its start
                    first = in_sent[0] if in_sent else None
                    speaker = _most_specific(text, [m for m in in_sent if m.start < c.start()],
                                             forward=True) \
                        if first is not None and first.start < c.start() \
                        and len(text[ss:first.start].split()) <= 3 else None
                elif (c.group("verb") is not None and text[max(ss, c.start() - 3):c.start()].rstrip().endswith(",")
                      and (office := _OFFICE_CLOSES_RE.match(text, c.end(), se)) is not None):
                    # "..., said the county coroner."
                    speaker = _office_speaker(office.group("office"), mentions, c.start())
                else:
                    speaker = self._subject(text, ss, se, c.start(), c.end(), in_sent, mentions, last_person,
                                            sentence_body if sentence_body is not None else last_body)
                fwd, back = True, True
                if c.group("acc"):
                    # "According to X, ..." opens the sentence; "..., according to X" closes it
                    fwd = not text[ss:c.start()].strip(" \n\"“‘'")
                elif c.group("verb") is not None and c.group("verb") not in _CITING:
                    # "X said 3,000 ..." reports what follows; "..., X said." what came before
                    back = not _has_complement(text, c.end(), se) or _inverted(text, ss, se, c.start(), c.end()) \
                        or (office is not None and office.re is _OFFICE_CLOSES_RE)
                closing = back and c.group("verb") is not None and c.group("verb") not in _CITING \
                    and "," in text[max(ss, c.start() - 80):c.start()]
                out.append(_Cue(c.start(), c.end(), speaker, fwd, back, not closing,
                                cites=c.group("verb") in _CITING))
                if speaker is not None and any(m.name == speaker and m.kind == "person" for m in in_sent):
                    sentence_speaker = speaker
                if speaker is not None and any(m.name == speaker and m.kind == "organisation" for m in in_sent):
                    sentence_body = speaker
            if ":" in text[ss:se] and in_sent:
                out.extend(_colon_cues(text, ss, se, in_sent))
            if " told" in text[ss:se]:
                # "..., NK News was told": the outlet (or person) told is the number's source,
                # as the one that said it would be (a passive verb is otherwise no speech)
                for t in _WAS_TOLD_RE.finditer(text, ss, se):
                    before = [m for m in in_sent if m.end <= t.start()]
                    if not before or text[before[-1].end:t.start()].strip():
                        continue
                    back = not _has_complement(text, t.end(), se)
                    closing = back and "," in text[max(ss, t.start() - 80):t.start()]
                    out.append(_Cue(t.start(), t.end(), _most_specific(text, before, forward=False),
                                    True, back, not closing))
            # "he" in a later sentence: this sentence's speaker, else the first person it names
            persons = [m for m in in_sent if m.kind == "person"]
            last_body = sentence_body
            if sentence_speaker is not None:
                last_person = sentence_speaker
            elif persons:
                last_person = persons[0].name
        return out

    def _subject(self, text: str, ss: int, se: int, cs: int, ce: int, in_sent: list[Mention],
                 mentions: Sequence[Mention], last_person: str | None,
                 last_body: str | None = None) -> str | None:
        """Who is the subject of the speech verb at ``cs`` (in the sentence ``ss:se``)."""
        head = text[max(ss, cs - 40):cs]
        if _inverted(text, ss, se, cs, ce):
            # "..., says Seoul's spy agency", "..., said the NIS.", "..., said Ukraine's military
            # intelligence chief Kyrylo Budanov."
            rest = _INVERTED_REST_RE.match(text, ce, se)
            stop = rest.end() if rest is not None else ce + 25
            after = [m for m in in_sent if ce <= m.start < stop]
            if after:
                return _most_specific(text, after, forward=True)
        pron = _PRONOUN_BEFORE_RE.search(head)
        if pron and pron.group("p").lower() in ("he", "she"):
            return last_person
        if pron and last_body is not None and pron.group("p").lower() == "it":
            # "The JCS said ... It estimated that ...", "the agency said it had confirmed ..."
            return last_body
        office = _OFFICE_BEFORE_RE.search(text, max(ss, cs - 70), cs)
        if office is not None:
            # "the county medical examiner said", "the coroner's office told reporters"
            return _office_speaker(office.group("office"), mentions, cs)
        desc = _DESCRIPTIVE_SUBJECT_RE.search(head)
        if desc and head[:desc.start()].endswith("of "):
            desc = None  # "Park Sun-won of the Democratic Party said": the phrase is Park's
        if desc:
            # "the agency said" -> the organisation named last; "the Ukrainian air force said" -> Ukraine
            kinds: tuple[str, ...] = ("organisation",) if desc.group("org") else ("country",)
            near = [m for m in in_sent if m.end <= cs and cs - m.end < 40 and m.kind in kinds]
            if near:
                return near[-1].name
            sent_orgs = [m for m in in_sent if m.end <= cs and m.kind in kinds and not m.demonym] if desc.group("org") else []
            if sent_orgs:
                return sent_orgs[0].name  # "Berkshire ... sold its Apple shares, the conglomerate said"
            earlier = [m for m in mentions if m.end <= cs and m.kind in kinds and not (kinds == ("country",) and m.demonym)]
            if earlier:
                return earlier[-1].name
            # "the internal affairs ministry said" with no agency named: the country stands in,
            # by name if it is named, else by its adjective ("Japanese voters")
            countries = [m for m in mentions if m.end <= cs and m.kind == "country"]
            dateline = dateline_country(text, mentions)
            if dateline is not None and (desc.group("org") or not countries):
                return dateline  # "SEOUL (Yonhap) -- ..., the spy agency said": Seoul's
            if desc.group("org") and len({m.name for m in countries}) > 1:
                return None  # "troops sent to Russia, the spy agency said": whose agency?
            named = [m for m in countries if not m.demonym]
            if named:
                return named[-1].name
            return countries[0].name if countries else None
        role = _ROLE_SUBJECT_RE.search(head)
        if role:
            # "Goldman Sachs economists said", "Moroccan authorities raised": the named
            # actor of the role's noun phrase; "Western governments said", "..., lawmaker
            # says": an unnamed source
            rs = max(ss, cs - 40) + role.start("n")
            # (the role's noun may be part of a name: "South Korea's spy agency said")
            own = [m for m in in_sent if m.start <= rs < m.end] or [
                m for m in in_sent if m.end <= rs and _SAME_PHRASE_RE.fullmatch(text, m.end, rs)]
            return _most_specific(text, [m for m in in_sent if m.end <= own[-1].end], forward=False) if own else None
        prev = [m for m in in_sent if m.end <= cs and cs - m.end < 150
                and not _CLAUSE_BREAK_RE.search(text, m.end, cs)]
        # a demonym names a speaker only right before the verb ("Ukrainian officials said")
        prev = [m for m in prev if not m.demonym or len(text[m.end:cs].split()) <= 2]
        if len(prev) > 1 and prev[-2].name != prev[-1].name and prev[-1].kind == prev[-2].kind \
                and _JOINT_SOURCES_RE.fullmatch(text, prev[-2].end, prev[-1].start) and not text[prev[-1].end:cs].strip(" ,") \
                and text[prev[-2].end:prev[-1].start].strip() != ",":
            # "Seoul and Washington said", "Seoul, Tokyo and Washington said": several sources
            # (but "... sent troops to Russia, Seoul said": the comma ends a clause)
            return None
        if prev:
            people = [m for m in prev if m.kind == "person" and cs - m.end < 120]
            # (a name right before the verb is its subject: "..., Yonhap reported")
            if people and prev[-1].kind != "person" and "," in text[people[-1].end:cs] \
                    and text[prev[-1].end:cs].strip():
                return people[-1].name  # "Park, a Democratic Party lawmaker on ..., said"
            return _most_specific(text, prev, forward=False)
        nxt = [m for m in in_sent if m.start >= ce and m.start - ce < 25]
        return nxt[0].name if nxt else None

    def _said_by(self, text: str, cues: list[_Cue], pos: int, sent: tuple[int, int]) -> str | None:
        best: _Cue | None = None
        best_d = 1 << 30
        for c in cues:
            if c.pos < sent[0] or c.pos >= sent[1] or c.speaker is None:
                continue
            if c.end <= pos and not (c.forward and not _SCOPE_END_RE.search(text, c.end, pos)):
                continue
            if c.end > pos and not c.backward:
                continue
            # a closing attribution (", the minister said.") covers the whole sentence: it wins
            # over a verb earlier in the sentence ("The Commission announced $1 million, X said")
            d = pos - c.end if c.end <= pos else (c.pos - pos) + 1 - (1 << 20) * (not c.forward_only)
            if d < best_d:
                best, best_d = c, d
        if best is not None and not best.cites and best.speaker is not None and _MEDIA_RE.search(best.speaker):
            # "..., CNN reported, citing Ukrainian intelligence", "Citing the NIS, Yonhap said":
            # the number is the cited source's (a named one), not the outlet's that relays it
            # (a lawmaker "citing an NIS briefing" still said it)
            cited = next((c for c in cues if c.cites and c.speaker is not None
                          and _cited_by(text, best, c)), None)
            if cited is not None:
                return cited.speaker
        if best is not None and best.pos > pos and not best.forward_only:
            # ... but not over an attribution that closes the number's own clause before it:
            # "1,500 were killed, according to the doctors' group, while 26,000 fled, the
            # agency said" (1,500 is the group's, named or not)
            inner = [c for c in cues if pos < c.pos < best.pos and c.backward and not c.forward]
            if inner:
                best = min(inner, key=lambda c: c.pos)
        return best.speaker if best else None


# --- helpers ---------------------------------------------------------------------------------

# "on Friday", "in a statement" closing an inverted attribution ("..., said the NIS on Friday.")
_WHEN = r"(?:\s+(?:on|late\s+on|early\s+on)\s+[A-Z][a-z]+|\s+in\s+a\s+statement)?"
# what may follow a speech verb that ends its clause: "..., the ministry said on Friday in a
# statement.", "..., Kim said, adding ..."
_NO_COMPLEMENT_RE = re.compile(
    r"(?:\s*(?:[.,;:!?)\]”\"’']|$)"
    r"|\s+(?:on|in|at|after|before|during|late|early|earlier|later|last|this|yesterday|today|tonight|citing|adding|"
    r"noting|while|when|as|via|without|following|according|through|from|but|and|without)\b"
    r"|\s+(?:[A-Z][\w\-]*\s+){0,4}?[A-Z][\w\-]*" + _WHEN + r"\s*(?:[.,;]|$)"  # inverted: "..., said Kim Jong Un."
    r"|\s+(?:the|its|his|her|their)\s+(?:(?![\w\-]*ed\b)[\w\-]+\s+)?(?![\w\-]*ed\b)[\w\-]+" + _WHEN + r"\s*[.,;])"  # "..., said the agency."
)
# the rest of a clause that an inverted attribution closes: "..., says Seoul's spy agency",
# "..., said the NIS on Friday." (a few words naming the speaker, no verb of their own)
_INVERTED_REST_RE = re.compile(
    r"\s+(?:the\s+)?[A-Z][\w\-’'.]*(?:\s+(?!(?:would|will|had|has|have|is|was|were|are|that|to|"
    r"could|may|might|be|been|after|before|with|about)\b)(?:[A-Z][\w\-’'.]*|[a-z\-]+)){0,6}?"
    + _WHEN + r"\s*(?:[.,;]|$)")


# news outlets, which relay numbers (by name, or by the shape of their name)
_MEDIA_RE = re.compile(
    r"^(?:CNN|BBC|Reuters|Associated Press|Agence France-Presse|Yonhap|Bloomberg|Al Jazeera|TASS|"
    r"RIA Novosti|Xinhua|NHK|CNBC|Fox News|Kyodo|Interfax|Ukrinform|Axios|Politico)$"
    r"|\b(?:Times|Herald|Post|News|Journal|Daily|Press|Television|Broadcasting|Radio|Independent|"
    r"Guardian|Telegraph|News Agency|Sinmun|Ilbo|Pravda|Izvestia)$")
# between a reporting verb and the "citing" that follows it: ", " or ", on Tuesday, "
_CITING_GAP_RE = re.compile(r"[\s,]*(?:(?:on|late|early)\s+\w+[\s,]*)?")


def _cited_by(text: str, verb: _Cue, citing: _Cue) -> bool:
    """Whether ``citing`` names the source of the reporting ``verb``: right after it ("CNN
    reported, citing ...") or opening its clause ("Citing the NIS, Yonhap said")."""
    if citing.pos >= verb.end:
        return citing.pos - verb.end <= 40 and _CITING_GAP_RE.fullmatch(text, verb.end, citing.pos) is not None
    return citing.end <= verb.pos and not _CLAUSE_BREAK_RE.search(text, citing.end, verb.pos)


def _inverted(text: str, ss: int, se: int, cs: int, ce: int) -> bool:
    """Whether the speech verb at ``cs:ce`` opens an inverted attribution closing its sentence
    or clause: after a comma, its subject right after it and nothing else."""
    return text[max(ss, cs - 3):cs].rstrip().endswith(",") and bool(_INVERTED_REST_RE.match(text, ce, se))


_TOLD_OBJECT_RE = re.compile(r"\s+(?:[A-Za-z\-]+\s+){0,2}?(?:reporters|journalists|lawmakers|parliament|staff|employees|"
                             r"workers|members|officials|investors|students|audience|crowd|him|her|them|us|me|it)\b")
# a clause of the writer's own after a reported one: ", sending the Nikkei up 1.2%", ", even though ..."
_SCOPE_END_RE = re.compile(r",\s+(?:even\s+though|although|though|whereas|but|(?!adding|citing|noting|saying|including|announcing|warning|"
                           r"stressing|explaining|insisting|arguing|claiming|estimating|predicting|urging|confirming|pledging|"
                           r"promising|reiterating|repeating|referring|describing|calling|acknowledging|admitting|suggesting|accusing|"
                           r"telling|asking|vowing|expecting|forecasting|projecting|revealing|disclosing|reporting|stating|"
                           r"putting|raising|revising|according|during|morning|evening|nothing|something|king|spring|bring)[a-z]+ing\b)")
# time and manner adverbials between a verb and what it reports: "said on Friday that ..."
_ADVERBIAL_RE = re.compile(r"(?:\s+(?:(?:late\s+|early\s+)?on\s+[A-Z]\w+|earlier|later|last\s+week|this\s+week|"
                           r"in\s+a\s+statement|yesterday|today|publicly|separately),?)+")
_REPORTED_CLAUSE_RE = re.compile(r"\s+(?:that|he|she|they|it|we|I|there)\b")


_COLON_GAP_RE = re.compile(r"\s*(?:the\s+)?")
_SENTENCE_TAIL = " \t\n.\"'”’)"


_ROLE_TAIL_RE = re.compile(r"(?:\s+[a-z][a-z\-]*){0,3}")


def _colon_cues(text: str, ss: int, se: int, in_sent: list[Mention]) -> list[_Cue]:
    """A headline's source given with a colon: "... to Russia: JCS" at its end credits what
    came before, "Budanov: up to 12,000 ..." at its start what follows. At the start only a
    person, an organisation or a capital standing for its country ("Kyiv: ..."): "North
    Korea: ..." is more often a topic than a source."""
    out: list[_Cue] = []
    end = ss + len(text[ss:se].rstrip(_SENTENCE_TAIL))
    colon = text.rfind(":", ss, end)
    after = [m for m in in_sent if m.start > colon]
    # (the source may end in what it is: "...: South Korean lawmaker", "...: Ukrainian military")
    if colon >= 0 and after and _ROLE_TAIL_RE.fullmatch(text, after[-1].end, end) \
            and len(text[colon + 1:end].split()) <= 6 \
            and _COLON_GAP_RE.fullmatch(text, colon + 1, after[0].start):
        out.append(_Cue(colon, end, _most_specific(text, after, forward=True), forward=False,
                        backward=True, forward_only=False))
    first = in_sent[0]
    if text[first.end:first.end + 1] == ":" and not text[ss:first.start].strip(" \t\n\"'“‘(") and (
            first.kind in ("person", "organisation")
            or (" " not in first.surface and first.surface != first.name and not first.demonym)):
        out.append(_Cue(first.start, first.end + 1, first.name, forward=True, backward=False))
    return out


def _has_complement(text: str, end: int, se: int) -> bool:
    """Whether the speech verb ending at ``end`` is followed by what it reports ("said 3,000
    troops", "said he would") rather than by the end of its clause ("..., he said.")."""
    if text[end - 4:end] in ("told", "tells") or text[end - 5:end] == "tells":
        m = _TOLD_OBJECT_RE.match(text, end, se)
        if m:
            end = m.end()
    adv = _ADVERBIAL_RE.match(text, end, se)
    if adv and _REPORTED_CLAUSE_RE.match(text, adv.end(), se):
        return True
    return not _NO_COMPLEMENT_RE.match(text, end, se)


# what may join the mentions of one noun phrase: "South Korea's National Intelligence Service",
# "the National Intelligence Service of South Korea", "Kyiv's military intelligence chief Budanov"
_WAS_TOLD_RE = re.compile(r"\s(?:was|were|has\s+been|had\s+been)\s+told\b")
_SAME_PHRASE_RE = re.compile(r"(?:['’]s)?\s+(?:of\s+(?:the\s+)?)?(?:(?:[a-z\-]+|[A-Z][a-z]+)\s+){0,3}")
_SPECIFICITY = {"person": 0, "organisation": 1, "country": 2}


def _most_specific(text: str, mentions: Sequence[Mention], *, forward: bool) -> str:
    """The most specific actor of the noun phrase that holds the first (``forward``) or last of
    ``mentions``: a person before an organisation before a country, so that "South Korea's
    National Intelligence Service said" and "according to the NIS of South Korea" credit the
    agency, not the country."""
    seq = list(mentions) if forward else list(reversed(mentions))
    group = [seq[0]]
    for m in seq[1:]:
        a, b = (group[-1], m) if forward else (m, group[-1])
        if not _SAME_PHRASE_RE.fullmatch(text, a.end, b.start):
            break
        group.append(m)
    best = min(group, key=lambda m: (_SPECIFICITY.get(m.kind, 3), m.demonym))
    return best.name



def _sentence_of(sentences: Sequence[tuple[int, int]], pos: int,
                 starts: Sequence[int] | None = None) -> tuple[int, int]:
    """The sentence holding ``pos`` (``starts``: the sentences' starts, to look it up faster)."""
    if starts is None:
        starts = [s for s, _e in sentences]
    i = bisect_right(starts, pos) - 1
    if i >= 0 and pos < sentences[i][1]:
        return sentences[i]
    return pos, pos


class _Spans:
    """Spans of text (start, end), asked whether one holds a range: in time that grows with the
    spans near it, not with all of them (a long text has thousands of mentions)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _e in self._spans]
        self._reach: list[int] = []  # the furthest end of the spans up to each one
        furthest = -1
        for _s, e in self._spans:
            furthest = max(furthest, e)
            self._reach.append(furthest)

    def holds(self, start: int, end: int) -> bool:
        j = bisect_right(self._starts, start) - 1
        while j >= 0 and self._reach[j] >= end:
            if self._spans[j][1] >= end:
                return True
            j -= 1
        return False


def _clause_before(text: str, pos: int, span: int) -> tuple[str, int]:
    """The ``span`` characters before ``pos``, and where in them the last sentence or clause
    break ends (-1: none): what a number's own clause says before it is after that."""
    wide = text[max(0, pos - span):pos]
    return wide, max(wide.rfind(". "), wide.rfind("; "), wide.rfind("\n"))


def _clause_words(text: str, pos: int, limit: int, *, span: int = 160) -> list[str]:
    """The first ``limit`` words (lower case) of the ``span`` characters after ``pos``, up to
    the clause's end or the next number."""
    seg = text[pos:pos + span]
    cut = _CLAUSE_END_RE.search(seg)
    return [w.lower() for w in itertools.islice(itertools.takewhile(
        lambda w: not w[0].isdigit() and w not in _CLAUSE_TOKENS,
        _WORD_RE.findall(seg[:cut.start()] if cut else seg)), limit)]


def _phrase(words: list[str], limit: int) -> str:
    out: list[str] = []
    for w in words[:limit]:
        if not w[0].isalpha():
            break
        if out and w.lower() in _NP_STOP and w.lower() not in ("of", "in", "to", "for", "on"):
            break
        out.append(w)
    while out and out[-1].lower() in _NP_STOP:
        out.pop()
    return " ".join(out)


def _trailing(words: list[str]) -> str:
    """A short phrase after the head: "sent to Russia", "in Kursk", "of ammunition"."""
    i = 0
    while i < len(words) and words[i].lower() in _AUX:
        i += 1
    out: list[str] = []
    start = i
    if i < len(words) and (words[i].lower().endswith("ed") or words[i].lower() in (
            "in", "to", "from", "on", "of", "for", "near", "inside", "at", "into", "across", "sent", "shipped")):
        while i < len(words) and len(out) < 4:
            w = words[i]
            if not w[0].isalpha():
                break
            if i > start and w.lower() in ("and", "but", "that", "which", "who", "while", "when", "after", "by", "since", "as"):
                break
            bare = w.removesuffix("’s").removesuffix("'s")
            out.append(bare)
            i += 1
            if bare != w:
                break
    while out and out[-1].lower() in _NP_STOP:
        out.pop()
    return " ".join(out) if len(out) >= 2 else ""


def _context_key(key: str, after: list[str], before: str) -> str:
    """Casualty words near a person-like count decide the key ("killed or wounded" -> casualties)."""
    if key not in _PERSONLIKE and key not in ("people",):
        if key in _COUNTED_KEYS or key in _TIME_UNITS or not key.endswith("s") or not after:
            return ""
        # another plural noun ("climbers", "passengers") counts people when what happened to
        # them is death or injury, said right after it ("two climbers died"): not capture, which
        # befalls towns and ships too
        window = " ".join(after[:4])
        if _CASUALTIES_AFTER_RE.search(window):
            return "casualties"
        if "hostage" in window and _HOSTAGES_AFTER_RE.match(window):
            return "hostages"  # "held 40 passengers hostage"
        if _DIED_AFTER_RE.match(window):
            return "deaths"
        if _HURT_AFTER_RE.match(window):
            return "injured"
        return ""
    window = " ".join(after)
    bwin = before.lower()
    if _PARTITIVE_BEFORE_RE.search(bwin):
        return ""
    if _TAKEN_BEFORE_RE.search(bwin) and _PRISONER_WORD_AFTER_RE.match(window):
        return "prisoners"  # "have taken two soldiers prisoner"
    if "hostage" in window and _HOSTAGES_AFTER_RE.match(window):
        return "hostages"  # "251 taken hostage", "took 251 hostage", "59 still held hostage"
    if "capt" in bwin and _CAPTURED_BEFORE_RE.search(bwin):
        return "prisoners"  # "capture of 2 N. Korean soldiers, puts casualties at 3,000"
    if _CASUALTIES_AFTER_RE.search(window) or ("kill" in bwin and _CASUALTIES_BEFORE_RE.search(bwin)):
        return "casualties"
    if _DEATHS_AFTER_RE.search(window) or \
            _DEATHS_BEFORE_RE.search(bwin):
        return "deaths"
    if "los" in bwin and _LOST_BEFORE_RE.search(bwin):
        # "the regiment lost nine soldiers"; "lost 4,700 troops, including 600 killed"
        return "casualties" if "including" in window else "deaths"
    if _INJURED_AFTER_RE.search(window) or _INJURED_BEFORE_RE.search(bwin):
        return "injured"
    if _PRISONERS_AFTER_RE.search(window) or \
            _PRISONERS_BEFORE_RE.search(bwin):
        return "prisoners"
    if _MISSING_AFTER_RE.match(window):
        return "missing"
    if _DISPLACED_AFTER_RE.match(window) or _DISPLACED_BEFORE_RE.search(bwin):
        return "displaced"
    return ""
