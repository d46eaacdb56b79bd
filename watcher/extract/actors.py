"""Rule-based actor finding: countries, organisations, people and places.

Order of work on one text (every pattern is compiled once, at import):

1. gazetteer hits (one Aho-Corasick automaton, case-sensitive, whole words, longest first):
   countries with their demonyms, capitals and metonyms ("Seoul", "the Kremlin"), well-known
   organisations and people, regions and cities;
2. organisation names by shape: capitalised words ending in Ministry/Service/Party/... or
   "Ministry of X";
3. people: capitalised names with evidence: a title before ("Rep.", "President", "military
   intelligence chief"), a speech verb after ("... said"), or an appositive (", the ... minister");
4. acronyms (NIS, KCNA), linked to an organisation whose initials they are;
5. surname-only mentions ("Budanov", "Choo") resolved to a full name found in the same text.

Spans already claimed by an earlier step are masked so later steps cannot reuse them.
"""

from __future__ import annotations

import json
import logging
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

import ahocorasick

from watcher.extract.text import LiteralGate, fold, trie_pattern, words
from watcher.models import Actor, ActorKind

log = logging.getLogger("watcher.extract.actors")

_MASK = "\x00"


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an actor in the text."""

    start: int
    end: int
    surface: str
    name: str            # canonical name of the actor
    kind: ActorKind
    role: str | None = None
    demonym: bool = False  # a country named by its adjective ("North Korean soldiers")


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    kind: ActorKind
    aliases: tuple[str, ...]
    demonyms: frozenset[str]
    capitals: frozenset[str] = frozenset()
    within: str | None = None  # the country of a region or an official ("Kursk", "Putin": Russia)
    # how the news names a body after its country ("spy agency": "South Korea's spy agency")
    described_as: tuple[str, ...] = ()
    source: bool = False  # a news outlet or a think tank: tells of the news
    demonym: str = ""  # the adjective of a country ("British"), the first of its demonyms


# --- word lists ------------------------------------------------------------------------------

_WEEKDAYS_MONTHS = words(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June "
    "July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
    "Today Tomorrow Yesterday"
)
# heads of a role phrase: the word a title ends with ("floor leader", "Secretary of Defense")
_TITLE_HEADS = words(
    "president minister premier secretary secretary-general general gen rep reps representative sen "
    "senator lawmaker leader chief spokesperson spokesman spokeswoman commander director chairman "
    "chairwoman chair governor mayor ambassador envoy king queen prince princess pope chancellor "
    "official adviser advisor analyst professor prof dr mr mrs ms admiral adm colonel col lieutenant "
    "lt captain capt sergeant sgt major maj marshal judge prosecutor head ceo executive founder "
    "economist researcher strategist candidate deputy emperor sheikh speaker commissioner "
    "administrator negotiator nominee manager president-elect cardinal bishop archbishop "
    "general-secretary ruler dictator officer leader-elect politician investor billionaire tycoon rival "
    "incumbent challenger opponent businessman businesswoman entrepreneur activist lawyer journalist "
    "author actor singer governor-elect mayor-elect commander-in-chief director-general vice-president "
    "attorney-general governor-general lieutenant-general major-general vice-chairman vice-premier "
    "sheriff coroner superintendent inspector constable detective warden councillor councilor "
    "councilman councilwoman alderman assemblyman assemblywoman congressman congresswoman treasurer "
    "comptroller ombudsman magistrate rabbi imam pastor"
)
# capitalised words that begin a role rather than a name ("Defense Minister Andrei Belousov")
_TITLE_CAPS = frozenset(
    w.capitalize() for w in _TITLE_HEADS
) | frozenset(w.title() for w in _TITLE_HEADS) | words(
    "Managing Executive Special High Permanent Assistant Associate Honorary Interim Caretaker "
    "Prime Foreign Defense Defence Deputy Vice Finance Interior State Treasury Home Trade "
    "Unification Security Supreme Acting Former First Army Navy Air Force Chief Staff Senior Junior "
    "Opposition Party Health Labor Labour Energy Justice Economy Economic Grand Crown Prince Lord Press"
)
_TITLE_HEADS_CAPS = frozenset(w.capitalize() for w in _TITLE_HEADS)
TITLE_HEADS = _TITLE_HEADS  # (also how seeding tells who speaks for a body: "Fed Chair Powell")
_ROLE_STOP = words(
    "the a an and or but to that with by for from in on at as when while after before he she his her "
    "their its it was is were are has had have who whom which also said says told say not no than then "
    "this these those there where what why how if into over under about against between"
)
_SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|noted|stated|claimed|claims|warned|warns|believed|believes|"
    "estimated|estimates|announced|announces|confirmed|confirms|commented|revealed|reported|reports|"
    "wrote|argued|insisted|explained|acknowledged|alleged|suggested|urged|called|asked|stressed|"
    "emphasised|emphasized|vowed|pledged|denied|predicted|assessed|disclosed|replied|declared|"
    "accused|praised|criticised|criticized|ordered|met|visited|spoke|presided|signed|thinks|thought"
)
# common capitalised words that cannot be (part of) a person's name
_NOT_NAME = words(
    "The A An This That These Those It Its He She They We I You Our Their His Her In On At For From "
    "By With Without As But And Or If When While After Before Since Until During Despite Although "
    "Though However Meanwhile Also Still Yet So Then There Here What Who Why How Where Which Media "
    "According Alongside Analysts Officials Experts Police Authorities News Reports Report Sources "
    "Some Many Most All Both Each Every Other Another More Less Several Few No Not Only Just Even "
    "Western Eastern Northern Southern Central North South East West Far Near New Old Great Greater "
    "Upper Lower Inner Outer Early Late Mid Over Under Across Through Among Against About Around "
    "Earlier Later Last Next Previous Recent Former Current Local Global International National "
    "Federal State Government Parliament Ministry Army Navy Military Defense Defence Security "
    "Intelligence Foreign Minister President Secretary General Mr Mrs Ms Dr Rep Sen Gen Chief Leader "
    "Premier Office Council Committee Commission Agency Service Party Union Bank Court Street Road "
    "Station Airport Square Hall House Tower Bridge River Lake Mountain Mount Island Sea Ocean Bay "
    "Province Region District County City Town Village Republic Kingdom Empire Federation Summit "
    "Forum Conference Meeting Talks Treaty Agreement Deal Pact Act Law Bill Resolution Article "
    "Covid Coronavirus Internet Twitter Facebook Telegram YouTube Instagram TikTok Google Apple "
    "Christmas Easter Ramadan Eid Thanksgiving Halloween Olympics Olympic Games Cup World Asia "
    "Europe Africa America Americas Oceania Antarctica Arctic Atlantic Pacific Indian Middle "
    "Korean Chinese English French Spanish Arabic Hebrew Latin God Allah Christ Jesus Catholic "
    "Muslim Islamic Christian Jewish Buddhist Hindu Sunni Shia Democrats Republicans Conservatives "
    "Liberals Labour Tories Socialists Communists Mayday Breaking Update Updated Exclusive Analysis "
    "Opinion Editorial Photo Video Watch Read Live Please Click Subscribe Share Follow Tens Hundreds "
    "Thousands Dozens Millions"
) | (_HEADLINE_VERBS := words(
    # a headline's verbs, capitalised in title case ("Starmer Denounces Trump's Remarks"); not
    # those that are also names (Will, Mark, Sue, Win, Ban, Said, Won: "Won Sei-hoon")
    "Says Saying Tells Told Warns Warned Urges Urged Slams Slammed Blasts Blasted Hails Hailed "
    "Praises Praised Criticizes Criticises Criticized Criticised Denounces Denounced Denounce "
    "Condemns Condemned Condemn Accuses Accused Accuse Backs Backed Defends Defended Defend Rejects "
    "Rejected Reject Denies Denied Deny Confirms Confirmed Confirm Claims Claimed Meets Meet Visits "
    "Visited Visit Calls Called Vows Vowed Vow Pledges Pledged Pledge Threatens Threatened Threaten "
    "Sends Sent Send Deploys Deployed Deploy Launches Launched Launch Fires Fired Kills Killed Kill "
    "Wins Loses Lost Lose Beats Beat Seeks Sought Seek Signs Signed Sign Orders Ordered Announces "
    "Announced Announce Unveils Unveiled Unveil Approves Approved Approve Blocks Blocked Block Bans "
    "Banned Sues Sued Arrests Arrested Arrest Charges Charged Faces Faced Face Refuses Refused Refuse "
    "Demands Demanded Demand Expects Expected Expect Joins Joined Join Leaves Left Returns Returned "
    "Arrives Arrived Arrive Captures Captured Capture Accepts Accepted Accept Insists Insisted Admits "
    "Admitted Slaps Slapped Eyes Eyed Mulls Mulled Weighs Weighed Vetoes Vetoed Resigns Resigned "
    "Quits Dies Died Grills Grilled Probes Probed Targets Targeted Ends Ended Halts Halted Pauses "
    "Paused Cuts Raises Raised Lifts Lifted Extends Extended Agrees Agreed Rules Ruled "
    "Gives Gave Give Takes Took Take Makes Made Make Puts Put Gets Got Get Keeps Kept Keep Holds "
    "Held Hold Shows Showed Finds Found Brings Brought Bring Offers Offered Offer Opens Opened "
    "Closes Closed Asks Asked Ask Plans Planned Moves Moved Pushes Pushed Pulls Pulled Tries Tried "
    "Wants Wanted Needs Needed Helps Helped Hits Strikes Struck Seizes Seized Seize Picks Picked "
    "Taps Tapped Reveals Revealed Reveal Hands Handed Urge Overturns Overturned Suspends Suspended "
    "Scraps Scrapped Delays Delayed Restores Restored Revokes Revoked Fines Fined Jails Jailed "
    # and auxiliaries opening a question ("Could Trump ...", "Given Trump's ...")
    "Could Would Should Might Must Given Does Did Has Have Had Is Was Were Are Let Lets"
))
_ACRONYM_STOP = words(
    "TV CEO CFO COO CTO GDP AM PM OK ID DNA UTC GMT KST EST EDT PST PDT BST CET CEST JST IST COVID AI "
    "IT HQ VIP ICBM ICBMs SLBM SLBMs IRBM IRBMs MP MPs PR FAQ USD EUR KRW JPY GBP CNY RMB RUB UAH CPI PPI "
    "IPO IPOs ETF ETFs LNG NO UAV UAVs ATACMS HIMARS MLRS RPG SAM SAMs POW POWs KIA WIA MIA PDF URL "
    "CCTV SNS SMS GPS VR AR LED LCD IQ NGO NGOs PTSD HIV AIDS SUV SUVs EV EVs AD BC CE BCE II III IV "
    "VI VII VIII IX XI XII XIII XIV XV XX ET PT CT DC NB PS RIP ASAP FYI TBA TBD USB PC PCs APEC2 "
    "OMG LOL MW GW KW MWh GWh KWH KM MM CM KG LB OZ PHOTO VIDEO UPDATE BREAKING EXCLUSIVE AFP AP "
    "SEOUL TOKYO KYIV MOSCOW BEIJING WASHINGTON LONDON PARIS BERLIN UNITED NATIONS YONHAP FILE"
)

_DATELINE_CAPITALS = words("SEOUL TOKYO KYIV MOSCOW BEIJING WASHINGTON LONDON PARIS BERLIN")

# firms' last words ("Halvard Capital", "Ostra Systems", "Meridian Foods"): plain nouns too, so a
# name only in a line written in sentence case ("Making Impact With Design Systems" is a heading)
_FIRM_SUFFIX_WORDS = (
    "Systems|Capital|Foods|Technologies|Partners|Pharmaceuticals|Securities|Investments|Insurance|"
    "Airways|Logistics|Chemicals|Semiconductor|Shipbuilding|Steel|Mining|Entertainment|Telecom|"
    "Bancorp|Brands|Plc|PLC|LLC|AG|GmbH"
)
_FIRM_SUFFIXES = frozenset(_FIRM_SUFFIX_WORDS.split("|"))
_ORG_SUFFIX_WORDS = (
    "Service|Services|Agency|Ministry|Party|Council|Assembly|Organization|Organisation|Union|Bank|"
    "Commission|Command|Department|Office|Forces|Force|Committee|Institute|Center|Centre|School|College|"
    "Corporation|"
    "Corp|Company|Group|Association|Federation|Foundation|Authority|Administration|Bureau|Board|"
    "Fund|Guard|Army|Navy|Police|Court|Parliament|Senate|Congress|Cabinet|Secretariat|Directorate|"
    "Inc|Ltd|University|Academy|Society|Alliance|Coalition|Front|Movement|Network|Exchange|Airlines|"
    "Electronics|Motors|Motor|Holdings|Industries|Unit|Brigade|Division|Corps|Fleet|Regiment|"
    "Battalion|Tribunal|Program|Programme|Mission|Headquarters|Observatory|Survey|Reserve|Times|Herald|Post|News|"
    "Journal|Daily|Press|Television|Broadcasting|Radio|Staff|Federation|Consortium|Cross|"
    + _FIRM_SUFFIX_WORDS
)
_ORG_SUFFIXES = trie_pattern(_ORG_SUFFIX_WORDS.split("|"))  # fast to scan (see trie_pattern)
_ORG_SUFFIX_SET = frozenset(_ORG_SUFFIX_WORDS.split("|"))
# a word of a person's name, plainly written ("Seiler", "Jean-Luc")
_PLAIN_NAMEWORD_RE = re.compile(r"[A-Z][a-zà-öø-ÿĀ-ɏḀ-ỿ]+(?:-[A-Z]?[a-zà-öø-ÿĀ-ɏḀ-ỿ]+)?")
# words that start institutions' names without being a suffix the organisation pattern knows
_INSTITUTION_WORDS = words(
    "College School Hospital Museum Church Embassy Library Club Clinic Laboratory Lab Observatory "
    "Seminary Cathedral Mosque Temple Gallery Theatre Theater Zoo Park Port Station Prison Camp Base "
    "Royal Imperial National Federal Central State City County Municipal Provincial Regional")
# a Korean given name as romanised with a hyphen: "Sun-won", "Jae-myung", "Tae-yong"
_KOREAN_GIVEN_RE = re.compile(r"[A-Z][a-z]{1,4}-[a-z]{2,5}")
# a Korean given name after a surname ("Yoon Young-kwan" is not Yoon Suk Yeol)
_KOREAN_GIVEN_AFTER_RE = re.compile(r" ([A-Z][a-z]{1,4}-[a-z]{2,5})\b(?![-’'])")
# no "and" right after a complete organisation name ("Toyota Motor and Sony Group" is two)
_ORG_SUFFIX_END = "".join(
    f"(?<!{w} )" for w in sorted(words("Motor Group Bank Party Service Agency Ministry Council Union Company Corp Inc Ltd "
                                       "Holdings Systems Capital Foods Technologies Securities Insurance"))
)
# a capitalised word of a name; possessives only in the set phrases of organisation names
# ("Korean People's Army", "Workers' Party of Korea") and an office holder's ("Los Angeles County
# Sheriff's Department", "Prosecutor General's Office", "Boston Children's Hospital")
_CAPW = (r"(?:[A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿ][\w’'\-&]*(?<!['’]s)|[A-Z]{2,6}|People['’]s|Workers['’]|Women['’]s|"
         r"Veterans['’]|Children['’]s|(?:Sheriff|Attorney|Prosecutor|General|Mayor|Governor|"
         r"Coroner|Examiner|Comptroller|Marshal|President)['’]s(?=[ ](?:Department|Office|Bureau)))")
_CAPRUN = rf"(?:{_CAPW})(?:[ ](?:and[ ])?(?:{_CAPW}))*"
# after the head: "of X" ("Ministry of Defence"), or "for (the) X" maybe with up to two "of Y"
# ("Institute for the Study of War", "Headquarters for the Treatment of Prisoners of War")
_ORG_RE = re.compile(
    rf"(?:(?:{_CAPW})[ ](?:(?:of|for|on|de|&)[ ](?:the[ ])?|{_ORG_SUFFIX_END}and[ ](?!the ))?)*(?:{_ORG_SUFFIXES})\b"
    rf"(?:[ ]for[ ](?:the[ ])?{_CAPRUN}(?:[ ]of[ ](?:the[ ])?{_CAPRUN}){{0,2}}|[ ]of[ ](?:the[ ])?{_CAPRUN})?"
)
# a numbered military unit: "95th Air Assault Brigade", "11th Corps", "the 3rd Separate Assault Brigade"
_UNIT_GATE_RE = re.compile(r"\d(?:st|nd|rd|th)[ ][A-Z]")
_UNIT_RE = re.compile(
    r"\d{1,3}(?:st|nd|rd|th)(?:[ ][A-Z][\w\-]*){0,4}[ ]"
    r"(?:Brigade|Division|Corps|Regiment|Battalion|Army|Fleet|Squadron|Wing|Flotilla|Detachment|Guards)\b"
)
_ORG_HEAD_OF_RE = re.compile(rf"^(?:{_ORG_SUFFIXES})[ ](?:of|for)[ ]")
_NAMEWORD = (
    r"(?:[A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿ][a-zà-öø-ÿĀ-ɏḀ-ỿ]+(?:[A-Z][a-zà-öø-ÿĀ-ɏḀ-ỿ]+)?(?:-[A-Za-zà-öø-ÿĀ-ɏḀ-ỿ]+)*"
    r"(?:['’](?!s\b)[A-Z][a-zà-öø-ÿĀ-ɏḀ-ỿ]+)?|(?:[A-Z]\.){1,3}(?=[ ][A-Z]))"
)
# names start with a capital: "(?=[A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿ])(?<!\w)" is a leading \b the regex engine can
# skip ahead with (a bare \b is tested at every position)
_NAME_START = r"(?=[A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿ])(?<!\w)"
# Korean family names of one or two letters that are also English words or letters ("No Kwang
# Chol", "O Su Yong", "Ri Il Hwan"): a name only before a two-syllable given name
_SHORT_FAMILY_NAMES = words("No O U Ri Ro Yu Ko Jo Ha Im Ok Ma Na So Pak Ju Kye Rim")
# lowercase particles inside a name ("Lula da Silva", "Vieira dos Santos", "von der Leyen"): not
# counted among its words
_PARTICLE_WORDS = "van|von|der|den|de|da|do|dos|das|del|della|bin|ibn|al|el|la|le|di|du|ter"
_PARTICLES = frozenset(_PARTICLE_WORDS.split("|"))
# title abbreviations that are also family names when they end a name ("Hun Sen", "Amartya Sen")
_NAME_FINAL_TITLES = words("Sen")
# a given name written as initials: "JD Vance", "AJ Smith"
_INITIALS_FIRST_RE = re.compile(r"[A-Z]{2}$")
_NAME_RUN_RE = re.compile(
    rf"{_NAME_START}(?:(?:O|U)[ ](?=[A-Z][a-z]{{1,4}}[ \-][A-Za-z][a-z]{{1,4}}\b)|[A-Z]{{2}}[ ](?=[A-Z][a-z]{{2,}}\b))?"
    rf"{_NAMEWORD}(?:[ ](?:(?:{_PARTICLE_WORDS})[ ](?:(?:der|den|la|los|las)[ ])?|(?:al|el|ad|ar|as|ash|at|az)-)?{_NAMEWORD})*"
    r"(?:[ ](?:II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\b)?"
)
# "(?<!\w[A-Z])" after the first letter is a leading \b; written so the regex engine can skip
# ahead to the next capital (a leading \b is tested at every position)
_ACRONYM_RE = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z&]{1,5}s?\b")
_CAPWORD_RE = re.compile(rf"{_NAME_START}{_NAMEWORD}")
_SAID_AFTER_RE = re.compile(
    rf"^(?:['’]s)?\s*(?:,\s[^,.;]{{1,60}},\s*|\s+of\s+(?:the\s+)?[^,.;]{{1,50}}?\s+|,\s*)?"
    rf"(?:has\s+|had\s+|also\s+|later\s+|then\s+|reportedly\s+)*(?:{_SPEECH_VERBS})\b"
)
# roles said of a person only in apposition ("Jane Doe, a senior fellow at ..."): before a name
# they are too often something else ("video editor Casey", "Research Expert Mode")
_APPOSITIVE_HEADS = words("fellow scholar expert specialist lecturer commentator columnist correspondent editor "
                          "reporter")
_APPOSITIVE_RE = re.compile(
    r"^,\s+(?:(?:the|a|an|who\s+is|who\s+was|[\w\-]+['’]s)\s+)?(?P<role>(?:[\w\-]+\s+){0,4}?"
    r"(?P<head>" + trie_pattern(_TITLE_HEADS | _APPOSITIVE_HEADS) + r"))\b"
)
# A capital named as the city itself rather than its government: after a preposition of place or
# a verb of attack ("talks in Rome", "drones over Pyongyang", "struck Kyiv"), after a noun of
# setting ("the capital Kyiv", "north of Seoul", "the mayor of Tokyo"), or "to" after a verb or
# noun of travel ("a visit to Pyongyang", "were brought to Kyiv"). "to" after anything else
# names a recipient, the government ("deliveries to Kyiv", "missiles to Moscow"), and so do
# officials placed in it ("officials in Seoul", "the Defence Ministry in Moscow").
# "confirmed Pete Hegseth as secretary of defense", "named her as its new envoy"
_AS_ROLE_AFTER_RE = re.compile(
    r"^\s+as\s+(?:(?:the|a|an|its|his|her|their|new|acting|interim|next)\s+)*(?:[\w\-]+\s+){0,3}?"
    r"(?:" + trie_pattern(_TITLE_HEADS) + r")\b"
)
# "Mitch McConnell and two other senators": the name shares the role named after it
_AND_OTHER_ROLE_AFTER_RE = re.compile(
    r"^\s+and\s+(?:[\w\-]+\s+){0,2}other\s+(?:[\w\-]+\s+)?(?:" + trie_pattern(_TITLE_HEADS) + r")s?\b"
)
_ORG_CONTEXT_BEFORE_RE = re.compile(r"\b(?:at|of|from|with|by|for)\s+$")
_LOCATIVE_BEFORE_RE = re.compile(
    r"\b(?:in|at|into|near|outside|around|across|over|inside|toward|towards|visited|visiting|"
    r"reached|capital|city|of\s+central|downtown|arrived\s+in|hits?|struck|strikes|attack(?:s|ed)?|"
    r"targeted|on|(?:(?:north|south|east|west)(?:-?(?:east|west))?|outskirts|centre|center|heart|"
    r"streets|mayor|governor|suburbs?|residents)\s+of|"
    r"(?:visits?|trips?|travel\w*|flew|fl(?:y|ies|ying|own)|flights?|return(?:s|ed|ing)?|brought|"
    r"bring(?:s|ing)?|taken|took|tak(?:e|es|ing)|came|com(?:e|es|ing)|went|go(?:es|ing)?|"
    r"head(?:s|ed|ing)?|moved|evacuated|arriv(?:al|e|es|ed|ing)|journey|way|back|deported|"
    r"transport(?:ed|ing))\s+(?:\w+\s+)?to|"
    r"(?:return(?:s|ed|ing)?|flew|fled|back|came|arrived|evacuated|travel\w*)\s+(?:\w+\s+)?from)\s+$"
)
_GOVERNMENT_IN_BEFORE_RE = re.compile(
    r"\b(?:[Oo]fficials?|[Aa]uthorities|[Gg]overnment|[Ll]eadership|[Rr]egime|[Dd]iplomats?|[Pp]olicymakers|"
    r"[Ll]eaders|[Mm]inistry|Office|Department)\s+in\s+$"
)
# a capital's city sense shown by what follows: its districts, mayor, residents ("Seoul's Yongsan
# district", "Kyiv Mayor Vitali Klitschko", "a Brussels think tank"); "X's" followed by anything
# else is the government ("Moscow's policy", "Kyiv's SBU security service")
_CITY_AFTER_RE = re.compile(
    r"^(?:['’]s)?[ ](?:[A-Z][\w\-]+[ ]){0,2}(?:districts?|suburbs?|outskirts|centre|center|downtown|"
    r"streets?|airports?|neighbou?rhoods?|residents|skies|skyline|metro|subway|city|region|oblast|"
    r"province|prefecture|[Mm]ayor|[Gg]overnor|city[ ]hall|think[ ]tank|hospitals?|university|"
    r"restaurants?|hotels?|stadium|apartment)\b"
)
_ADDRESS_BEFORE_RE = re.compile(r"\b(?:in|near|at|from|of|to)\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s$")
# a capital that speaks is its government, also after a comma: "... to Russia, Seoul says"
_SPEAKS_AFTER_RE = re.compile(
    r"\s+(?:said|says|say|told|tells|claimed|claims|estimated|estimates|confirmed|confirms|reported|"
    r"reports|announced|announces|warned|warns|believes|believed|added|adds|denied|denies|accused|"
    r"accuses|insisted|insists)\b")
# A dateline: an all-caps place at the start of a line, maybe with its region or country and a
# date, before a dash or the end of the line: "SEOUL —", "KAZAN, Russia —", "TOKYO, Oct. 28, 2024"
_DATELINE_RE = re.compile(
    r"(?P<city>[A-Z][A-Z'’.\-]{2,}(?:[ ][A-Z][A-Z'’.\-]+){0,2})(?:/[A-Z][A-Z'’.\-]+(?:[ ][A-Z][A-Z'’.\-]+){0,2})?"
    r"(?:,[ ](?P<region>[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2}))?"
    r"(?:,[ ][A-Z][a-z]{2,4}\.?[ ]\d{1,2}(?:,[ ]\d{4})?)?[ \t]*(?:[—–]|--?[ ]|$)",
    re.MULTILINE,
)  # matched at line starts only
_NOT_DATELINE = words("LIVE UPDATE UPDATES BREAKING EXCLUSIVE ANALYSIS OPINION EDITORIAL WATCH PHOTO VIDEO FILE "
                      "NEWS REPORT INTERVIEW COMMENT CORRECTION")
# Capitals that stand, used for a government, for the international bodies they host rather than
# for their own country ("Brussels" is the EU or NATO, not Belgium): always the city.
_INSTITUTION_SEATS = words("Brussels")
_OF_THE_RE = re.compile(r" of (?:the )?")


def _demonym(entry: _Entry) -> str:
    """A country's adjective for naming its own bodies ("Russian"), else its name. The gazetteer
    lists it first (then plurals, nouns and abbreviations: "Briton", "N.Korean")."""
    return entry.demonym if entry.demonym else entry.name


# the words of a body every country has ("Health Ministry", "Election Commission", "Armed Forces")
_GENERIC_BODY_WORDS = words(
    "Ministry Health Foreign Defence Defense Finance Interior Justice Home Labour Labor Education Trade "
    "Economy Agriculture Energy Environment Transport Culture Affairs Public Security State Army Navy Air "
    "Armed Forces Force Police National Federal Central Bank Supreme Constitutional Court Election Electoral "
    "Commission Parliament Assembly Council Cabinet Office Fire Service Civil Defence Coast Guard Border "
    "General Staff Intelligence Agency Department Emergency Emergencies Disaster Management Statistics "
    "Meteorological Administration Authority Military Standing Political Bureau Politburo Presidium "
    "Secretariat Committee of and for the")
_PRESS_TITLE_AFTER_RE = re.compile(r"[ ](?:[Ss]ecretary|[Mm]inister|[Oo]fficer|[Aa]ttach[eé]|[Ss]pokes(?:man|woman|person))\b")
# who comments on the news, by the last word of the role a text gives them
_COMMENTATOR_HEADS = words("analyst analysts researcher fellow professor prof scholar expert specialist lecturer "
                           "economist strategist commentator columnist correspondent editor reporter journalist")
# where a commentator speaks from: "a fellow at the Lowy Institute", "an economist with ..."
_AFFILIATION_AFTER_RE = re.compile(r"[ ](?:at|with|of|from)[ ](?:the[ ])?$")
# the names of news outlets and think tanks the gazetteer does not know
_OUTLET_NAME_RE = re.compile(r"\b(?:Times|Herald|Post|News|Journal|Daily|Press|Television|Broadcasting|Radio|"
                             r"Gazette|Tribune|Telegraph|Chronicle)$|\bNews[ ]Agency\b|\bBroadcasting\b")
_THINK_TANK_NAME_RE = re.compile(
    r"\b(?:Institute|Centre|Center|Council|Foundation|Forum)\b.*\b(?:Studies|Strategy|Policy|Research|Analyses|"
    r"Analysis|Affairs|Relations|Peace|Economies|Economics)$"
    r"|\b(?:Research|Policy|Strategic|Studies|Peace)[ ](?:Institute|Foundation|Centre|Center|Council|Forum)$")
_WHO_AFTER_RE = re.compile(r",\s+who\s")
# a place name going on with a particle: "Rio Grande| do Sul", "Santiago| de Compostela"
_PLACE_PARTICLE_AFTER_RE = re.compile(r"[ ](?:de|do|da|dos|das|del|di)(?:[ ](?:la|los|las))?[ ][A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿ][a-zà-öø-ÿĀ-ɏḀ-ỿ]+\b")
# the capitalised word right before a position (one space between) and right after one
_PREV_CAPWORD_RE = re.compile(rf"{_NAME_START}(?P<w>{_NAMEWORD})[ ]\Z")
_NEXT_CAPWORD_RE = re.compile(r"[ ][A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿ]")
_PREV_NAMEWORD_RE = re.compile(r"\b([A-Z][a-z]+(?:-[A-Za-z]+)?)[ \u00a0]\Z")
_PLACE_PATTERN_RE = re.compile(
    r"\b(?:villages?|towns?|city|cities|ports?|islands?|settlements?|district|province|"
    r"border\s+town|capital)\s+of\s+(?P<a>[A-Z][\w\-]+)(?:(?:,\s+|\s+and\s+)(?P<b>[A-Z][\w\-]+))?"
    r"(?:(?:,\s+|,?\s+and\s+)(?P<c>[A-Z][\w\-]+))?"
)
# "in Fiuggi, Italy": a capitalised name followed by a comma, after a preposition
# (_PLACE_PREP_BEFORE_RE, checked on the text before it: starting the pattern with the
# capital lets the regex engine skip ahead)
_PLACE_PATTERN_GATE = LiteralGate(
    _PLACE_PATTERN_RE, words("village town city cities port island settlement district province border capital"),
    word_start=True)
_PLACE_COUNTRY_RE = re.compile(r"(?P<p>[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)?)(?=,\s)")
_PLACE_PREP_BEFORE_RE = re.compile(r"\b(?:in|near|at|from|to|of)\s+$")
# "fighting near Sudzha", "outside Kurakhove", "around Sudzha", "west of Pokrovsk": a name where
# something happens is a place
# "around" meaning "about": after talk, trouble or feeling ("the scandal around X", "built around X")
_ABOUT_AROUND_RE = re.compile(
    r"\b(?:scandals?|controvers(?:y|ies)|rows?|questions?|debates?|speculation|uncertainty|concerns?|"
    r"fears?|rumou?rs?|hype|excitement|buzz|furou?re|outrage|drama|secrecy|mystery|narratives?|"
    r"discussions?|talks?|criticism|focus|centred|centered|revolves?|revolved|revolving|built|"
    r"based|coalesced?|rallied|rally|rallying|unite|united|uniting|fuss|anger|frenzy|tensions?|"
    r"issues?|story|stories|worries|worry|confusion|cult|myths?|legend|consensus|support)\s+$")
_NEAR_PLACE_RE = re.compile(r"\b(?:near|outside|around|(?:north|south|east|west)(?:-?(?:east|west))?\s+of)\s+(?P<p>[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)?)\b(?![ \-]?[A-Z\d&]|['’]s\b)")
# gates for ``_windowed``: no leading \b, so the engine can skip ahead by first letter (the left
# word boundary is checked in ``_windowed``)
_ORG_SUFFIX_RE = re.compile(rf"(?:{_ORG_SUFFIXES})\b")
_PLACE_SUFFIX_RE = re.compile(trie_pattern(words(
    "Mountains Mosque Island Islands Valley River Lake Sea Bay Gulf Strait Peninsula Desert Square "
    "Stadium Airport Bridge Dam Cathedral Palace Park Station Port Canal Coast Plain Plateau Basin Delta "
    "Highlands Hills province region prefecture oblast county district governorate")) + r"\b")
_PLACE_SHAPE_RE = re.compile(
    rf"(?:{_CAPW}[ ])+(?:Mountains|Mosque|Island|Islands|Valley|River|Lake|Sea|Bay|Gulf|Strait|"
    r"Peninsula|Desert|Square|Stadium|Airport|Bridge|Dam|Cathedral|Palace|Park|Station|Port|"
    r"Canal|Coast|Plain|Plateau|Basin|Delta|Highlands|Hills)\b"
    rf"|(?:{_CAPW}[ ])+(?P<kind>province|region|prefecture|oblast|county|district|governorate)\b"
)
_LIST_NEXT_RE = re.compile(r"(?:,\s+|,?\s+(?:and|or)\s+)(?P<w>[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)?)(?![\w\x00\-])(?![ ][A-Z])")
_LIST_PREV_RE = re.compile(r"(?<![A-Za-z\x00] )(?<=\s)(?P<w>[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)?),\s+$")
_BY_BEFORE_RE = re.compile(r"\b(?:led|founded|headed|chaired|run|owned|backed|nominated|appointed|"
                           r"replaced|defeated|succeeded|beat)\s+by\s+$|\b(?:for|against)\s+$")
_COMMA_ROLE_BEFORE_RE = re.compile(r"\b(" + trie_pattern(_TITLE_HEADS) + r"),\s$")
_SAID_BEFORE_RE = re.compile(r"\b(?:said|says|told|according\s+to)\s+$")
_PAREN_ACRONYM_RE = re.compile(r"\s*\((?P<acr>[A-Z][A-Za-z&]{1,7})\)")
# a short name in brackets right after an organisation's, written otherwise than an acronym:
# "(Cal Fire)", "(Ofcom)", "(CAL FIRE)"
_PAREN_SHORT_NAME_RE = re.compile(r"[ \t]*\((?P<short>[A-Z][\w&'’.\-]*(?:[ ][A-Z&][\w&'’.\-]*){0,3})\)")
# a person's title after a body's description: "Ukraine's military intelligence chief, Kyrylo
# Budanov" names the man, not the agency
_TITLE_AFTER_RE = re.compile(r"\s+(?:chief|head|director|boss|commander|spokes(?:man|woman|person))\b",
                             re.I)


def _named_by_acronym(text: str, orgs: list[Mention], gaz: list[Mention]) -> list[Mention]:
    """An organisation named as it is known by the acronym after it: "Ukraine's Security
    Service (SBU)" is the Security Service of Ukraine, not another body."""
    known = {g.start: g for g in gaz if g.kind == "organisation"}
    if not known:
        return orgs
    out = []
    for o in orgs:
        p = _PAREN_ACRONYM_RE.match(text, o.end)
        g = known.get(p.start("acr")) if p is not None else None
        if g is not None and p is not None and g.end == p.end("acr"):
            o = Mention(o.start, o.end, o.surface, g.name, "organisation")
        out.append(o)
    return out


def _abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` is written with the starts of ``name``'s words, in order, some words
    left out: "Cal Fire" of "California Department of Forestry and Fire Protection", "Ofcom"
    of "Office of Communications", "NatWest" of "National Westminster Bank"."""
    letters = "".join(ch for ch in short.lower() if ch.isalnum())
    name_words = [w for w in re.split(r"[^\w]+", name.lower()) if w]
    if not letters or len(letters) > 2 * len(name) or not name_words:
        return False
    failed: set[tuple[int, int]] = set()

    def fits(i: int, j: int) -> bool:  # letters[i:] from the starts of name_words[j:]
        if i == len(letters):
            return True
        if (i, j) in failed:
            return False
        for k in range(j, len(name_words)):
            w = name_words[k]
            n = 0
            while n < len(w) and i + n < len(letters) and w[n] == letters[i + n]:
                n += 1
                if fits(i + n, k + 1):
                    return True
        failed.add((i, j))
        return False

    return fits(0, 0)


_LEADING_FUNCTION = words(
    "The the A An In On At But And When While After Before This That If As For From With By Then So "
    "Yet Its Their His Her Our Meanwhile However Also"
)
_CONNECTORS = frozenset({"of", "for", "and", "on", "the", "de", "&"})
_PART_NOUNS = words("Shares Units Members Soldiers Troops Officials Leaders Elements Parts Divisions Employees "
                    "Workers Fighters Forces Veterans Staffers")
# words of a sentence, not of a name
_NOT_IN_ORG_NAMES = words("Not Will Would Could Should Your My He She We They It Is Was Were Are Has "
                          "Have Had Does Did Can")
# capitalised descriptions before an organisation's name: "Opposition Democratic Party"
_ORG_DESCRIPTORS = words("Opposition Ruling Governing Main Rival Former")
# a compound describing an organisation, not naming it: "Washington-based Institute for the
# Study of War", "Kremlin-backed Wagner Group"
_ORG_DESCRIBING_SUFFIXES = ("-based", "-backed", "-led", "-linked", "-affiliated", "-funded", "-owned",
                            "-run", "-aligned", "-allied", "-controlled", "-appointed", "-installed")
# a title's first word before a one-word head: "Chief Cabinet Secretary" is no "Chief Cabinet"
_TITLE_WORDS = words("Chief Deputy Vice Acting Senior Assistant Associate Executive")
# Family names each borne by several percent of a large population (Korea, China, Vietnam, Japan,
# the English-speaking world): alone they do not identify a person, so they are never aliases.
_COMMON_FAMILY_NAMES = words(
    "Kim Lee Park Choi Jung Jeong Kang Cho Jang Lim Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou "
    "Nguyen Tran Le Pham Sato Suzuki Takahashi Tanaka Smith Johnson Williams Brown Jones Singh Kumar "
    "Khan Ali Mohammed Muhammad Ahmed Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Silva Santos "
    "Souza Oliveira Pereira Costa Ferreira Sanchez Perez Gomez Diaz Hassan Hussein Ibrahim Sharif Shinawatra "
    "Sen Duterte Marcos"
)

_DESIGNATION_AFTER_RE = re.compile(r"[-‐]\d")
# short names of bodies that are also words, and what follows the word ("Fed up with ...",
# "Fed by snowmelt, ...": not the Federal Reserve) unless the name has its article ("the Fed")
_WORD_SENSE_AFTER: dict[str, re.Pattern[str]] = {"Fed": re.compile(r"[ \-](?:up|by)\b")}
_DASH_AFTER_RE = re.compile(r"\s*[–—-]")
_CODE_AFTER_RE = re.compile(r"[-‐]?\d")
_LETTERS_RE = re.compile(r"[\W\d_]+")
_ROLE_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]*\.?")

def _load_entries() -> list[tuple[_Entry, list[str]]]:
    raw = resources.files("watcher.extract").joinpath("data/gazetteer.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    out: list[tuple[_Entry, list[str]]] = []
    for e in data["entries"]:
        entry = _Entry(e["name"], cast(ActorKind, e["kind"]), tuple(e.get("aliases", ())),
                       frozenset(e.get("demonyms", ())), frozenset(e.get("capitals", ())),
                       e.get("within"), tuple(e.get("described_as", ())), bool(e.get("source")),
                       next(iter(e.get("demonyms", ())), ""))
        out.append((entry, list(e["surfaces"])))
    return out


def dateline_country(text: str, mentions: Sequence[Mention]) -> str | None:
    """The country of a dateline: a capital written in capitals at the start of one of the first
    lines ("SEOUL, Nov. 13 (Yonhap) --", after a headline too), where the article was filed
    from. ``mentions``: the text's, in order."""
    for m in mentions:
        if m.start > _DATELINE_REACH:
            break
        surface = text[m.start:m.end]
        if m.kind == "country" and (m.start == 0 or text[m.start - 1] == "\n") and surface.isupper() \
                and len(surface) > 2 and text[m.end:m.end + 1] in (",", " ", "\u2014", "-", "("):
            return m.name
    return None


_DATELINE_REACH = 1000  # characters from the start within which a dateline opens a line


class ActorFinder:
    """Finds actor mentions in cleaned text. Build once (loads the gazetteer), call many times."""

    def __init__(self, entries: Iterable[tuple[_Entry, list[str]]] | None = None) -> None:
        self._entries: list[_Entry] = []
        self._automaton = ahocorasick.Automaton()
        self._surfaces: set[str] = set()
        loaded = _load_entries() if entries is None else list(entries)
        seats = [(_Entry(seat, "place", (), frozenset()), [seat]) for seat in sorted(_INSTITUTION_SEATS)]
        self._surfaces_of: dict[str, list[str]] = {}
        for entry, surfaces in [*seats, *loaded]:
            idx = len(self._entries)
            self._entries.append(entry)
            self._surfaces_of.setdefault(fold(entry.name), surfaces)
            for s in surfaces:
                if s not in self._surfaces:
                    self._surfaces.add(s)
                    self._automaton.add_word(s, (len(s), idx))
        self._automaton.make_automaton()
        self._by_name = {fold(e.name): e for e in self._entries}
        # a country's bodies by how the news describes them, longest description first
        self._described: dict[str, list[tuple[str, _Entry]]] = {}
        for e in self._entries:
            if e.within is not None:
                for phrase in e.described_as:
                    self._described.setdefault(e.within, []).append((phrase, e))
        for options in self._described.values():
            options.sort(key=lambda o: -len(o[0]))
        self._parts: dict[str, str] | None = None
        self._lower_surfaces = {s.upper() for s in self._surfaces}

    # -- public ----------------------------------------------------------------------------

    def mentions(self, text: str) -> list[Mention]:
        """All actor mentions in ``text`` (already cleaned), in text order."""
        datelines = self._datelines(text)
        found: list[Mention] = list(datelines)
        gaz = self._described_bodies(text, self._gazetteer_hits(text))
        # organisation shapes see through country and place names ("Conservative Party of Japan",
        # "United States Geological Survey"); names seen by the person step keep places visible
        # ("Yoshihiko Noda" is not the city of Noda)
        strong = [(m.start, m.end) for m in gaz if m.kind in ("organisation", "person")]
        orgs = self._org_shapes(text, _mask(text, strong), gaz)
        orgs = _named_by_acronym(text, orgs, gaz)
        orgs.extend(self._short_names(text, orgs, gaz))
        org_spans = [(m.start, m.end) for m in orgs]
        gaz = [g for g in gaz if not any(s <= g.start and g.end <= e for s, e in org_spans)]
        found.extend(orgs)
        masked = _mask(text, [(m.start, m.end) for m in gaz if m.kind != "place"] + org_spans)
        named = self._country_named_people(text, masked, gaz)
        if named:
            masked = _mask(masked, [(m.start, m.end) for m in named])
        people = [*named, *self._people(text, masked)]
        people_spans = [(m.start, m.end) for m in people]
        gaz = [g for g in gaz if not any(s < g.end and g.start < e for s, e in people_spans)]
        masked = _mask(text, [(m.start, m.end) for m in [*gaz, *found]] + org_spans + people_spans)
        acronyms = self._acronyms(text, masked, orgs)
        masked = _mask(masked, [(m.start, m.end) for m in acronyms])
        found.extend(acronyms)
        for g in gaz:
            if g.kind == "person":
                role = _role_before(masked, g.start, [])
                if not role and (app := _APPOSITIVE_RE.match(text[g.end:g.end + 80])):
                    # (only a commentator's: a known person's other appositions are noisier)
                    role = _appositive_role(app) if app.group("head").lower() in _COMMENTATOR_HEADS else None
                g = Mention(g.start, g.end, g.surface, g.name, g.kind, role)
            found.append(g)
        found.extend(people)
        found.extend(self._place_patterns(text, masked))
        found.extend(_korean_shorthand(text, masked))
        found = self._resolve_people(text, masked, found)
        found = self._expand_place_lists(text, found)
        if datelines:
            # a dateline capital the body places events in ("ROME — ... told reporters in Rome")
            # is that city, not its government
            body_places = {m.surface for m in found if m.kind == "place"}
            found = [Mention(m.start, m.end, m.surface, m.surface, "place")
                     if m in datelines and m.kind == "country" and m.surface in body_places else m for m in found]
        found = _owned_bodies(found)
        found.sort(key=lambda m: m.start)
        return found

    def sources(self, text: str, mentions: Sequence[Mention], actors: Sequence[Actor]) -> tuple[str, ...]:
        """The names of ``actors`` that tell of the news (:meth:`is_source`), and the bodies a
        commentator speaks from ("said Jane Doe, a senior fellow at the Lowy Institute", "an
        economist at Seoul National University"): named only so, they take no part."""
        affiliated: set[str] = set()
        commentators = [m for m in mentions if m.kind == "person"
                        and (m.role or "").rsplit(" ", 1)[-1].lower() in _COMMENTATOR_HEADS]
        if commentators:
            orgs = [m for m in mentions if m.kind == "organisation"]
            where: set[int] = set()
            for c in commentators:
                stop = text.find(".", c.end)
                stop = len(text) if stop < 0 else stop
                for o in orgs:
                    if c.end < o.start <= min(stop, c.end + 160) \
                            and _AFFILIATION_AFTER_RE.search(text, max(c.end, o.start - 12), o.start):
                        affiliated.add(o.name)
                        where.add(o.start)
                        break
            # (a body also named elsewhere takes part: "troops trained at the university")
            affiliated -= {o.name for o in orgs if o.name in affiliated and o.start not in where}
        return tuple(a.name for a in actors if a.name in affiliated or self.is_source(a))

    def is_source(self, actor: Actor) -> bool:
        """Whether ``actor`` tells of the news rather than takes part in it: a news outlet or a
        think tank (the gazetteer's, or one named so: "... Times", "... News Agency", "Centre
        for Peninsula Studies"), or a person named as a commentator ("a senior researcher at",
        "an analyst with", "a professor of")."""
        if actor.kind == "person":
            head = (actor.role or "").rsplit(" ", 1)[-1].lower()
            return head in _COMMENTATOR_HEADS
        if actor.kind != "organisation":
            return False
        known = self._by_name.get(fold(actor.name))
        if known is not None:
            return known.source
        return bool(_OUTLET_NAME_RE.search(actor.name) or _THINK_TANK_NAME_RE.search(actor.name))

    def well_known(self, name: str) -> bool:
        """Whether ``name`` is the canonical name of a gazetteer entry."""
        return fold(name) in self._by_name

    def belonging_to(self, country: str) -> list[tuple[str, ActorKind]]:
        """What the gazetteer's curated tables place in ``country`` (its canonical name), with
        its kind: the officials who speak for it ("Vladimir Putin", "Sergei Lavrov" ... for
        Russia), its own state bodies ("State Duma") and the regions in the news ("Kursk"; not
        every city)."""
        key = fold(country)
        return [(e.name, e.kind) for e in self._entries if e.within is not None and fold(e.within) == key]

    def variants(self, name: str) -> list[str]:
        """The other ways of writing a gazetteer entry's name that this finder knows ("N. Korea",
        "North Koreans", "the Kremlin"), except those another entry's name holds: "Korea" is
        in "North Korea", so it says nothing of South Korea."""
        key = fold(name)
        surfaces = self._surfaces_of.get(key)
        if not surfaces:
            return []
        inside = self._name_parts()
        out: list[str] = []
        for s in surfaces:
            if fold(s) != key and s not in out and inside.get(fold(s), key) == key \
                    and not s.endswith(_ORG_DESCRIBING_SUFFIXES):  # not "U.S.-led"
                out.append(s)
        return out

    def _name_parts(self) -> dict[str, str]:
        """Every run of words of every country's and place's name and aliases -> that entry's
        folded name (one of them where several share it), built on first use."""
        if self._parts is None:
            parts: dict[str, str] = {}
            for e in self._entries:
                if e.kind not in ("country", "place"):
                    continue  # an outlet's name ("NK News") says nothing against "NK"
                owner = fold(e.name)
                for n in (e.name, *e.aliases):
                    toks = n.split()
                    for i in range(len(toks)):
                        for j in range(i + 1, len(toks) + 1):
                            part = fold(" ".join(toks[i:j]))
                            if parts.setdefault(part, owner) != owner:
                                parts[part] = ""  # shared by several entries: nobody's own
            self._parts = parts
        return self._parts

    def actors(self, mentions: Iterable[Mention]) -> tuple[Actor, ...]:
        """Merge mentions into actors (one per entity), most-mentioned first."""
        groups: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        for m in mentions:
            if m.kind not in ("country", "organisation", "person", "place"):
                continue  # claimed names that are not actors (indexes, weapons)
            key = fold(m.name)
            g = groups.get(key)
            if g is None:
                g = {"name": m.name, "kind": m.kind, "seen": [], "role": None, "count": 0}
                groups[key] = g
                order.append(key)
            g["count"] += 1
            surface = _strip_the(m.surface)
            # ("the Defence Ministry" names any country's: no alias of one)
            generic = m.kind == "organisation" and all(w in _GENERIC_BODY_WORDS for w in surface.split(" "))
            if surface != g["name"] and surface not in g["seen"] and not generic:
                g["seen"].append(surface)
            if g["role"] is None and m.role:
                g["role"] = m.role
        out: list[tuple[int, int, Actor]] = []
        for pos, key in enumerate(order):
            g = groups[key]
            aliases: list[str] = []
            known = self._by_name.get(key)
            for a in [*g["seen"], *(known.aliases if known else ())]:
                if a != g["name"] and a not in aliases:
                    aliases.append(a)
            if g["kind"] == "person":
                # the family name alone is an alias ("Budanov said"), except a very common one:
                # "Kim" alone does not say which Kim
                tokens = g["name"].split(" ")
                short = [tokens[0]] if _family_name_first(g["name"]) else [tokens[-1]] if len(tokens) > 1 else []
                aliases = [a for a in aliases if a not in _COMMON_FAMILY_NAMES]
                for v in [*_name_variants(g["name"]),
                          *(t for t in short if t not in _COMMON_FAMILY_NAMES and t not in _SHORT_FAMILY_NAMES)]:
                    if v not in aliases and v != g["name"]:
                        aliases.append(v)
            out.append((-g["count"], pos, Actor(g["name"], g["kind"], tuple(aliases), g["role"])))
        out.sort(key=lambda t: (t[0], t[1]))
        return tuple(a for _, _, a in out)

    # -- steps -----------------------------------------------------------------------------

    def _described_bodies(self, text: str, gaz: list[Mention]) -> list[Mention]:
        """A country's body named after it: "South Korea's spy agency", "Seoul's spy agency",
        "Ukrainian military intelligence" (the gazetteer's ``described_as``). The country's own
        mention stays."""
        if not self._described:
            return gaz
        found: list[Mention] = []
        for g in gaz:
            options = self._described.get(g.name) if g.kind == "country" else None
            if options is None:
                continue
            if text.startswith(("'s ", "’s "), g.end):
                pos = g.end + 3
            elif g.demonym and text.startswith(" ", g.end):
                pos = g.end + 1
            else:
                continue
            for phrase, body in options:
                end = pos + len(phrase)
                if text[pos:end].lower() == phrase and not (end < len(text) and text[end].isalnum()) \
                        and not _TITLE_AFTER_RE.match(text, end):
                    # (the description is no alias of the body: another country's spy
                    # agency is not South Korea's; its surface is the body's name)
                    found.append(Mention(pos, end, body.name, body.name, "organisation"))
                    break
        if not found:
            return gaz
        spans = [(m.start, m.end) for m in found]
        kept = [g for g in gaz if not any(s < g.end and g.start < e for s, e in spans)]
        return sorted([*kept, *found], key=lambda m: m.start)

    def _gazetteer_hits(self, text: str) -> list[Mention]:
        cands: list[tuple[int, int, int]] = []
        n = len(text)
        for end_idx, (length, idx) in self._automaton.iter(text):
            start = end_idx - length + 1
            end = end_idx + 1
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            if end < n and (text[end].isalnum() or text[end] in "_$"):
                continue  # (a currency's prefix names no country: "US$1.1 billion")
            cands.append((start, end, idx))
        cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        entry_at: dict[int, _Entry] = {}  # the entry of each mention found, by its start
        out: list[Mention] = []
        last_end = -1
        for start, end, idx in cands:
            if start < last_end:
                continue
            e = self._entries[idx]
            surface = text[start:end]
            if e.kind == "organisation" and surface != e.name and " " in surface:
                # a country's own body under a generic name ("Russia's Security Council", "the
                # Security Council of the Russian Federation"), as "the Russian Security
                # Council" is: not the UN's, whose short name it has
                begin, stop, owner = start, end, None
                if out and out[-1].kind == "country" and text[out[-1].end:start] in ("'s ", "’s "):
                    owner = entry_at.get(out[-1].start)
                    if owner is not None:
                        begin = out.pop().start
                of = _OF_THE_RE.match(text, end) if owner is None else None
                if of is not None:
                    k = bisect_left(cands, of.end(), key=lambda c: c[0])  # longest there
                    if k < len(cands) and cands[k][0] == of.end() \
                            and self._entries[cands[k][2]].kind == "country":
                        owner, stop = self._entries[cands[k][2]], cands[k][1]
                if owner is not None:
                    # (the country's own body is itself: "South Korea's Unification Ministry")
                    own = e.within is not None and fold(e.within) == fold(owner.name)
                    out.append(Mention(begin, stop, text[begin:stop],
                                       e.name if own else f"{_demonym(owner)} {surface}", "organisation"))
                    last_end = stop
                    continue
            if e.kind == "none":  # index or weapon name: claimed, not an actor
                out.append(Mention(start, end, surface, e.name, cast(ActorKind, "none")))
                last_end = end
                continue
            if _DESIGNATION_AFTER_RE.match(text, end):
                continue  # a designation ("Hwasong-19"), not the place
            sense = _WORD_SENSE_AFTER.get(surface)
            if sense is not None and sense.match(text, end) and text[max(0, start - 4):start].lower() != "the ":
                continue
            if e.kind == "organisation" and out and out[-1].demonym and out[-1].end == start - 1:
                # "Moroccan Red Crescent": the national body is an organisation of its own
                d = out.pop()
                out.append(Mention(d.start, end, text[d.start:end], text[d.start:end], "organisation"))
                last_end = end
                continue
            if e.kind == "country" and surface in e.capitals and (
                    text.startswith("-based", end) or self._city_sense(text, start, end)):
                # "talks in Rome", "a visit to Pyongyang", "the capital Kyiv", "a Seoul-based
                # think tank": the city itself
                out.append(Mention(start, end, surface, surface, "place"))
            elif e.kind == "person" and " " not in surface and (
                    start >= 2 or text.startswith(" ", end)):
                # "Oleksiy Kuleba" is not "Kuleba" the well-known one, nor "Yoon Young-kwan" Yoon
                prev = _PREV_NAMEWORD_RE.search(text, max(0, start - 30), start) if start >= 2 else None
                given = _KOREAN_GIVEN_AFTER_RE.match(text, end)
                if given:
                    name = text[start:given.end(1)]
                    out.append(Mention(start, given.end(1), name, name, "person"))
                    last_end = given.end(1)
                    continue
                if prev and prev.group(1) in _given_names(e):
                    # "Volodymyr Zelenskiy": the known one, in another spelling of the surname
                    out.append(Mention(prev.start(1), end, text[prev.start(1):end], e.name, e.kind))
                elif prev and prev.group(1) not in _TITLE_CAPS and prev.group(1) not in _NOT_NAME \
                        and not _gerund(prev.group(1)):
                    out.append(Mention(prev.start(1), end, text[prev.start(1):end], text[prev.start(1):end], "person"))
                else:
                    out.append(Mention(start, end, surface, e.name, e.kind))
            elif e.kind == "place" and (longer := _PLACE_PARTICLE_AFTER_RE.match(text, end)) \
                    and not _PREV_CAPWORD_RE.search(text, max(0, start - 30), start):
                # "Rio Grande do Sul", "Santiago de Compostela": a longer place of its own (not
                # within a person's name: "Reinaldo Avila da Silva")
                end = longer.end()
                out.append(Mention(start, end, text[start:end], text[start:end], "place"))
            else:
                out.append(Mention(start, end, surface, e.name, e.kind,
                                   demonym=surface in e.demonyms))
                entry_at[start] = e
            last_end = end
        return out

    def _datelines(self, text: str) -> list[Mention]:
        """The place of a dateline: a capital there stands for its country, as in the body
        ("SEOUL —" is South Korea), any other city is a place ("KAZAN, Russia —")."""
        out: list[Mention] = []
        starts = [0]
        i = text.find("\n")
        while 0 <= i < 4000:
            starts.append(i + 1)
            i = text.find("\n", i + 1)
        for line_start in starts:
            while text[line_start:line_start + 1] in (" ", "\t"):
                line_start += 1
            head = text[line_start:line_start + 3]
            if not (head.isupper() and head.isalpha()):
                continue
            m = _DATELINE_RE.match(text, line_start)
            if m is None:
                continue
            city = m.group("city")
            if city in _NOT_DATELINE or city.rstrip(".") in _ACRONYM_STOP - _DATELINE_CAPITALS:
                continue
            name = " ".join(w.capitalize() if "." not in w else w.title() for w in city.split(" "))
            hit = self._automaton.get(name, None)
            entry = self._entries[hit[1]] if hit else None
            if entry is not None and entry.kind == "country" and name in entry.capitals and name not in _INSTITUTION_SEATS:
                out.append(Mention(m.start("city"), m.end("city"), name, entry.name, "country"))
            elif entry is not None and entry.kind == "place":
                out.append(Mention(m.start("city"), m.end("city"), name, entry.name, "place"))
            elif entry is None and m.group("region"):
                out.append(Mention(m.start("city"), m.end("city"), name, name, "place"))
        return out

    @staticmethod
    def _city_sense(text: str, start: int, end: int) -> bool:
        """Whether the capital at ``start:end`` names the city, not its government."""
        if text[start:end] in _INSTITUTION_SEATS:
            return True
        after = text[end:end + 40]
        if after.startswith(("'s", "’s")):
            return bool(_CITY_AFTER_RE.match(after))  # "Seoul's Yongsan district" / "Moscow's policy"
        before_start = max(0, start - 40)
        if _GOVERNMENT_IN_BEFORE_RE.search(text, before_start, start):
            return False
        if _LOCATIVE_BEFORE_RE.search(text, before_start, start) or _CITY_AFTER_RE.match(after):
            return True
        # an address: "in Everett, Washington"
        return bool(_ADDRESS_BEFORE_RE.search(text, before_start, start)) and not _SPEAKS_AFTER_RE.match(after)

    def _org_shapes(self, text: str, masked: str, gaz: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        units: list[tuple[int, int]] = []
        if _UNIT_GATE_RE.search(masked):
            for u in _UNIT_RE.finditer(masked):
                if u.start() > 0 and (masked[u.start() - 1].isalnum() or masked[u.start() - 1] in ",."):
                    continue
                out.append(Mention(u.start(), u.end(), u.group(0), u.group(0), "organisation"))
                units.append((u.start(), u.end()))
            if units:
                masked = _mask(masked, units)
        gaz_by_end = {g.end: g for g in gaz}
        gaz_by_start = {g.start: g for g in gaz}
        gaz_spans = {(g.start, g.end) for g in gaz}
        for m in _windowed(_ORG_RE, _ORG_SUFFIX_RE, masked):
            start, end = m.start(), m.end()
            words = m.group(0).split(" ")
            # leading "The" and sentence words ("In", "But", a headline's "Put") are not part of
            # the name
            while words and (words[0] in _LEADING_FUNCTION or (words[0] in _WEEKDAYS_MONTHS and len(words) > 2) or (
                    (words[0] in _ORG_DESCRIPTORS or (words[0] in _HEADLINE_VERBS and words[0] != "Left"))
                    and len(words) > 2)):
                start += len(words[0]) + 1
                words = words[1:]
            if any(w in _NOT_IN_ORG_NAMES for w in words):
                continue  # a title-case headline: "Trump Says He Will Not Use Force"
            # a title "of" an organisation is a person's, and a part of it no name: "Chief of the
            # General Staff Valery Gerasimov" and "units of the Foo Army" name the organisation
            if len(words) > 3 and words[1] == "of" and words[2] not in ("Staff", "State") and (
                    words[0].lower() in _TITLE_HEADS or words[0] in _PART_NOUNS):
                k = 3 if words[2] == "the" else 2
                start += len(" ".join(words[:k])) + 1
                words = words[k:]
            # nor is a describing compound, though the mention still covers it (the place in
            # "Washington-based" is where the organisation sits, not an actor of the story)
            span_start = start
            while words and words[0].endswith(_ORG_DESCRIBING_SUFFIXES):
                start += len(words[0]) + 1
                words = words[1:]
            while words and words[-1] in _CONNECTORS:
                words = words[:-1]
                end = start + len(" ".join(words))
            # a title (and a person) after the name: "Department of Homeland Security Secretary
            # Kristi Noem", "Ministry of Defence Spokesman" (but not "Chief of the General Staff")
            for i in range(2, len(words)):
                if words[i] in _TITLE_HEADS_CAPS and words[i - 1] not in _CONNECTORS \
                        and all(w[:1].isupper() and w not in _CONNECTORS for w in words[i + 1:]):
                    words = words[:i]
                    end = start + len(" ".join(words))
                    break
            # a person "of" an organisation: "Rep. Park Sun-won of the Democratic Party",
            # "Lee Jae-myung of the Democratic Party" (a title before, or a Korean given name)
            if "of" in words[1:-1]:
                k = words.index("of", 1)
                person = words[:k]
                titled = False
                while person and person[0].rstrip(".") in _TITLE_CAPS:  # "Senator Chuck Schumer"
                    person, titled = person[1:], True
                if 2 <= len(person) <= 3 and all(w[:1].isupper() and w not in _ORG_SUFFIX_SET for w in person) \
                        and (_KOREAN_GIVEN_RE.fullmatch(person[-1]) or titled
                             or _role_before(masked, start, []) is not None
                             or self._plain_name(person)):
                    rest = words[k + 1:]
                    if rest[:1] == ["the"]:
                        rest = rest[1:]
                    start = span_start = end - len(" ".join(rest))
                    words = rest
            if len(words) < 2 or (len(words) == 2 and words[0] in _TITLE_WORDS):
                continue
            if words[-1] in ("Press", "Cabinet") and _PRESS_TITLE_AFTER_RE.match(text, end):
                continue  # "Kremlin Press Secretary Dmitry Peskov", "Health Cabinet Secretary": a title
            if words[-1] in _FIRM_SUFFIXES:
                if _title_case_line(text, start):
                    continue
                # a firm's name is its last run of capitalised name words: "Trail of Bits and
                # Atredis Partners" names two, "Many Design Systems" one, "Statement Of Changes
                # In Ownership Of Securities" none
                k = max((i for i, w in enumerate(words) if not w[:1].isupper() or w in _NOT_NAME
                         or w.lower() in _CONNECTORS), default=-1) + 1
                if k:
                    before = words[:k - 1] if words[k - 1] == "and" else []
                    if len(before) >= 2 and before[-1] in _ORG_SUFFIX_SET:  # "Outrider Foundation and ..."
                        name = " ".join(before)
                        known = self._by_name.get(fold(name))
                        out.append(Mention(start, start + len(name), name, known.name if known else name,
                                           "organisation"))
                    start = span_start = end - len(" ".join(words[k:]))
                    words = words[k:]
                if len(words) < 2:
                    continue
            # absorb a country name written right before ("Korea Meteorological Administration"),
            # but not a demonym or an acronym ("US State Department")
            prev = gaz_by_end.get(start - 1)
            if prev is not None and prev.kind in ("country", "place") and text[start - 1] == " ":
                entry = self._by_name.get(fold(prev.name))
                if entry and prev.surface not in entry.demonyms and not prev.surface.isupper() \
                        and "." not in prev.surface:
                    start = prev.start
            if (start, end) in gaz_spans:
                continue  # the whole name is the gazetteer's: "the Russian Federation" is Russia
            name = text[start:end]
            if all(w in _GENERIC_BODY_WORDS for w in words):  # a body every country has
                of = _OF_THE_RE.match(text, end)
                whole = gaz_by_start.get(of.end()) if of else None
                if whole is not None and whole.kind == "organisation":
                    # a body of a known one is named with it: "the General Staff of the Korean
                    # People's Army", "the Central Military Commission of the Workers' Party of
                    # Korea" (the known one is mentioned too)
                    out.append(Mention(min(start, span_start), end, name, text[start:whole.end], "organisation"))
                    continue
                # "Lebanon's Health Ministry" is the Lebanese one
                owner = gaz_by_end.get(start - 3) if text[start - 3:start] in ("'s ", "’s ") else None
                entry = self._by_name.get(fold(owner.name)) if owner is not None and owner.kind == "country" else None
                if owner is not None and entry is not None:
                    # (its alias is the whole phrase: the bare "Health Ministry" is anyone's)
                    out.append(Mention(min(start, span_start), end, text[owner.start:end],
                                       f"{_demonym(entry)} {name}", "organisation"))
                    continue
            known = self._by_name.get(fold(name))
            out.append(Mention(min(start, span_start), end, name, known.name if known else name,
                               "organisation"))
        return out

    def _short_names(self, text: str, orgs: list[Mention], gaz: list[Mention]) -> list[Mention]:
        """The short name given in brackets after an organisation's, where it is no plain
        acronym (those are the acronym step's): "the California Department of Forestry and Fire
        Protection (Cal Fire) ... Cal Fire said" names one body, each time. The short name is
        made of the starts of the name's words, and no country, place or person the gazetteer
        knows."""
        if "(" not in text:
            return []
        short_of: dict[str, str] = {}
        for o in [*orgs, *(g for g in gaz if g.kind == "organisation")]:
            p = _PAREN_SHORT_NAME_RE.match(text, o.end)
            if p is None:
                continue
            short = p.group("short")
            if _ACRONYM_RE.fullmatch(short) or short in self._surfaces or short in _NOT_NAME \
                    or short in _WEEKDAYS_MONTHS or len(short) > 30 or not _abbreviates(short, o.name):
                continue
            short_of.setdefault(short, o.name)
        if not short_of:
            return []
        taken = [(m.start, m.end) for m in orgs] + [(g.start, g.end) for g in gaz if g.kind in ("organisation", "person")]
        out: list[Mention] = []
        for short, name in short_of.items():
            for m in re.finditer(rf"(?<![\w&'’\-]){re.escape(short)}(?![\w&\-]|['’]\w\w)", text):
                if not any(s < m.end() and m.start() < e for s, e in taken):
                    out.append(Mention(m.start(), m.end(), short, name, "organisation"))
        return out

    def _plain_name(self, words: list[str]) -> bool:
        """Whether two words read as a given name and a family name ("Sydney Seiler" in "Sydney
        Seiler of the Center for ..."), not as the start of an institution's name."""
        return len(words) == 2 and all(
            _PLAIN_NAMEWORD_RE.fullmatch(w) and w not in _NOT_NAME and w not in _INSTITUTION_WORDS
            and w not in _TITLE_CAPS for w in words) and " ".join(words) not in self._surfaces

    def _people(self, text: str, masked: str) -> list[Mention]:
        out: list[Mention] = []
        for m in _NAME_RUN_RE.finditer(masked):
            words = m.group(0).split(" ")
            start = m.start()
            lead: list[str] = []
            while words and words[0] in _TITLE_CAPS:
                lead.append(words[0])
                start += len(words[0]) + 1
                words = words[1:]
            inner = [i for i, w in enumerate(words) if w in _TITLE_CAPS and i > 0]
            if inner and inner[-1] < len(words) - 1:
                # "NIS Director Cho Tae-yong", "Chicago Fed President Austan Goolsbee"
                k = inner[-1]
                lead = words[: k + 1]
                start += len(" ".join(words[: k + 1])) + 1
                words = words[k + 1:]
            cut = [i for i, w in enumerate(words) if w in _WEEKDAYS_MONTHS]
            if cut:
                words = words[: cut[0]]
            korean_short = words[:1] and words[0] in _SHORT_FAMILY_NAMES and (
                (len(words) == 3 and all(len(w) <= 5 and "-" not in w for w in words[1:]))
                or (len(words) == 2 and words[1].count("-") == 1 and len(words[1]) <= 11))
            while words and (words[0] in _NOT_NAME or _gerund(words[0])) and not korean_short:
                start += len(words[0]) + 1
                words = words[1:]
            if not words or sum(w not in _PARTICLES for w in words) > 4:
                continue
            last_ok = len(words) >= 2 and words[-1] in _NAME_FINAL_TITLES
            if any(w in _NOT_NAME for w in words[1 if korean_short else 0:len(words) - last_ok]):
                continue
            if len(words) == 1 and words[0] in _SHORT_FAMILY_NAMES:
                continue
            initials = len(words) >= 2 and bool(_INITIALS_FIRST_RE.match(words[0]))
            if initials and (words[0] in self._surfaces or words[0] in _ACRONYM_STOP
                             or _ORG_CONTEXT_BEFORE_RE.search(text, max(0, start - 8), start)):
                # "US Senate", "analysts at TD Cowen": an acronym or a firm, not initials
                start += 3
                words = words[1:]
                initials = False
            end = start + len(" ".join(words))
            role = _role_before(masked, m.start(), lead)
            after = text[end:end + 80]
            evidence = role is not None
            if not evidence and len(words) >= 2:
                evidence = bool(_SAID_AFTER_RE.match(after) or _SAID_BEFORE_RE.search(text, max(0, start - 20), start))
                if not evidence:
                    evidence = bool(_APPOSITIVE_RE.match(after) or _AS_ROLE_AFTER_RE.match(after)
                                    or _AND_OTHER_ROLE_AFTER_RE.match(after))
            if not evidence and len(words) >= 2:
                evidence = bool(_BY_BEFORE_RE.search(text, max(0, start - 30), start)) or bool(
                    _COMMA_ROLE_BEFORE_RE.search(text, max(0, start - 30), start) and after.startswith(","))
                if evidence and role is None:
                    r = _COMMA_ROLE_BEFORE_RE.search(text, max(0, start - 30), start)
                    role = r.group(1) if r else None
            if not evidence:
                continue
            if not role and (app := _APPOSITIVE_RE.match(after)):
                role = _appositive_role(app)  # "Jane Doe, a senior fellow at ...": senior fellow
            name = " ".join(words)
            known = self._by_name.get(fold(name))
            if known is not None and known.kind != "person":
                continue
            if len(words) == 1 and name in self._surfaces:
                continue  # a place the gazetteer knows: "governor of Tokyo"
            out.append(Mention(start, end, name, known.name if known else name, "person", role))
        return out

    def _country_named_people(self, text: str, masked: str, gaz: list[Mention]) -> list[Mention]:
        """People one of whose two names is a country's: "Defence Minister Israel Katz", "Prime
        Minister Luís Montenegro", "Jordan Bardella, the party's leader". The country is masked
        for the person step, so this takes them first, on stronger evidence than other names:
        a role right before the name or a role in apposition after it (not a verb of saying:
        "the Washington Post said"). Every other mention of the same two words is the person."""
        found: list[Mention] = []
        for g in gaz:
            if g.kind != "country" or not g.surface[:1].isupper() or " " in g.surface:
                continue
            for start, end in self._name_with(text, g):
                name = text[start:end]
                known = self._by_name.get(fold(name))
                if known is not None and known.kind != "person":
                    continue
                role = None if text[max(0, start - 3):start] == "of " else _role_before(masked, start, [])
                after = text[end:end + 80]
                if role is None and (app := _APPOSITIVE_RE.match(after)):
                    role = _appositive_role(app)
                if role is None and not (_AS_ROLE_AFTER_RE.match(after) or _WHO_AFTER_RE.match(after)):
                    continue  # ("Georgia Whitcombe, who manages a fund, said": a person)
                found.append(Mention(start, end, name, known.name if known else name, "person", role))
        if not found:
            return found
        taken = {(m.start, m.end) for m in found}
        for m in list(found):
            for other in re.finditer(rf"(?<!\w){re.escape(m.surface)}(?!\w)", text):
                if (other.start(), other.end()) not in taken:
                    taken.add((other.start(), other.end()))
                    found.append(Mention(other.start(), other.end(), m.surface, m.name, "person"))
        return found

    def _name_with(self, text: str, g: Mention) -> list[tuple[int, int]]:
        """The spans of two-word names made of country mention ``g`` and a name word right
        before or after it, alone in their run of capitalised words."""
        def opens_run(pos: int) -> bool:  # no capitalised word before ``pos`` but a title
            prev = _PREV_CAPWORD_RE.search(text, max(0, pos - 30), pos)
            return prev is None or prev.group("w") in _TITLE_CAPS

        out: list[tuple[int, int]] = []
        after = _CAPWORD_RE.match(text, g.end + 1) if text[g.end:g.end + 1] == " " else None
        if after and self._name_word(after.group(0)) and not _NEXT_CAPWORD_RE.match(text, after.end()) \
                and opens_run(g.start):
            out.append((g.start, after.end()))
        before = _PREV_CAPWORD_RE.search(text, max(0, g.start - 30), g.start)
        if before and self._name_word(before.group("w")) and not _NEXT_CAPWORD_RE.match(text, g.end) \
                and opens_run(before.start("w")):
            out.append((before.start("w"), g.end))
        return out

    def _name_word(self, word: str) -> bool:
        return bool(_PLAIN_NAMEWORD_RE.fullmatch(word)) and word not in _NOT_NAME \
            and word not in _TITLE_CAPS and word not in _INSTITUTION_WORDS and word not in _WEEKDAYS_MONTHS \
            and word not in self._surfaces and not _gerund(word)

    def _place_patterns(self, text: str, masked: str) -> list[Mention]:
        """Places by their setting: "the villages of Plekhovo and Vorozhba", "Fiuggi, Italy"."""
        out: list[Mention] = []
        for m in _PLACE_PATTERN_GATE.finditer(masked):
            for g in ("a", "b", "c"):
                if m.group(g) and m.group(g) not in _NOT_NAME and m.group(g) not in _WEEKDAYS_MONTHS:
                    out.append(Mention(m.start(g), m.end(g), m.group(g), m.group(g), "place"))
        for m in _windowed(_PLACE_SHAPE_RE, _PLACE_SUFFIX_RE, masked):
            words = m.group(0).split(" ")
            start = m.start()
            while words and words[0] in _LEADING_FUNCTION:
                start += len(words[0]) + 1
                words = words[1:]
            if len(words) >= 2:
                name = " ".join(words)
                if m.group("kind") and m.group("kind").islower():
                    name = " ".join(words[:-1])  # "Al Haouz province" -> Al Haouz
                out.append(Mention(start, start + len(name), name, name, "place"))
        if "near " in masked or "outside " in masked or "around " in masked or "t of " in masked \
                or "h of " in masked:
            for m in _NEAR_PLACE_RE.finditer(masked):
                name = m.group("p")
                if m.group(0).startswith("around") and _ABOUT_AROUND_RE.search(masked, max(0, m.start() - 30),
                                                                                m.start()):
                    continue  # "the scandal around Mandelson" is about him
                if name not in _NOT_NAME and name not in _WEEKDAYS_MONTHS and name not in _TITLE_CAPS:
                    out.append(Mention(m.start("p"), m.end("p"), name, name, "place"))
        for m in _PLACE_COUNTRY_RE.finditer(masked):
            if m.start() > 0 and masked[m.start() - 1].isalnum():
                continue
            if not _PLACE_PREP_BEFORE_RE.search(masked, max(0, m.start() - 12), m.start()):
                continue
            name = m.group("p")
            if name in _NOT_NAME or name in _WEEKDAYS_MONTHS:
                continue
            if text[m.end():m.end() + 60].lstrip()[:1] and self._country_after(text, m.end()):
                out.append(Mention(m.start("p"), m.end("p"), name, name, "place"))
        return out

    def _expand_place_lists(self, text: str, found: list[Mention]) -> list[Mention]:
        """In a list holding a known place, the other capitalised items are places too:
        "in Al Haouz, Chichaoua and Taroudant"."""
        places = [m for m in found if m.kind == "place"]
        if not places:
            return found
        claimed = [(m.start, m.end) for m in found]
        masked = _mask(text, claimed)
        out = list(found)
        for p in places:
            pos = p.end
            while True:
                m = _LIST_NEXT_RE.match(masked, pos)
                if not m or m.group("w") in _NOT_NAME or m.group("w") in _WEEKDAYS_MONTHS:
                    break
                out.append(Mention(m.start("w"), m.end("w"), m.group("w"), m.group("w"), "place"))
                pos = m.end()
            pos = p.start
            while True:
                m = _LIST_PREV_RE.search(masked, max(0, pos - 40), pos)
                if not m or m.group("w") in _NOT_NAME or m.group("w") in _WEEKDAYS_MONTHS:
                    break
                out.append(Mention(m.start("w"), m.end("w"), m.group("w"), m.group("w"), "place"))
                pos = m.start("w")
        return out

    def _country_after(self, text: str, pos: int) -> bool:
        rest = text[pos:pos + 40]
        for _, (length, idx) in self._automaton.iter(rest):
            return self._entries[idx].kind == "country" and rest.startswith(", ") and \
                rest[2:2 + length] in self._surfaces
        return False

    def _acronyms(self, text: str, masked: str, orgs: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        initials = {_initials(o.name): o.name for o in orgs}
        caps_lines: dict[int, bool] = {}
        for m in _ACRONYM_RE.finditer(masked):
            acr = m.group(0)
            base = acr[:-1] if acr.endswith("s") and len(acr) > 2 else acr
            if acr in _ACRONYM_STOP or base in _ACRONYM_STOP or acr in self._lower_surfaces:
                continue
            # dateline ("SEOUL –") or an all-caps line: not an acronym
            line_start = text.rfind("\n", 0, m.start()) + 1
            caps = caps_lines.get(line_start)
            if caps is None:
                line_end = text.find("\n", m.end())
                line = text[line_start: line_end if line_end >= 0 else len(text)]
                letters = _LETTERS_RE.sub("", line)
                caps = len(letters) > 8 and sum(map(str.isupper, letters)) > 0.6 * len(letters)
                caps_lines[line_start] = caps
            if caps or _in_caps_run(text, m.start(), m.end()):
                continue
            if _DASH_AFTER_RE.match(text[m.end():m.end() + 3]) and m.start() - line_start < 3:
                continue
            if _CODE_AFTER_RE.match(text, m.end()):
                continue  # designation: "KN-23", "MH17"
            name = initials.get(base, base)
            out.append(Mention(m.start(), m.end(), acr, name, "organisation"))
        # "(NIS)" right after an organisation: the acronym is its alias
        for o in orgs:
            p = _PAREN_ACRONYM_RE.match(text, o.end)
            if p:
                acr = p.group("acr")
                for i, a in enumerate(out):
                    if a.surface == acr:
                        out[i] = Mention(a.start, a.end, a.surface, o.name, "organisation")
        return out

    def _resolve_people(self, text: str, masked: str, found: list[Mention]) -> list[Mention]:
        """Give single-word person mentions and surname-only mentions their full name."""
        index: dict[str, str] = {}
        roles: dict[str, str | None] = {}
        for m in found:
            if m.kind != "person":
                continue
            tokens = m.name.split(" ")
            if len(tokens) < 2:
                continue
            index.setdefault(tokens[-1], m.name)
            particle = next((i for i, t in enumerate(tokens) if i and t in _PARTICLES), None)
            if particle is not None:  # "von der Leyen", "Von der Leyen said"
                family = " ".join(tokens[particle:])
                index.setdefault(family, m.name)
                index.setdefault(family[0].upper() + family[1:], m.name)
            if _family_name_first(m.name) and tokens[0] not in _SHORT_FAMILY_NAMES:
                index.setdefault(tokens[0], m.name)
            known = self._by_name.get(fold(m.name))
            for a in known.aliases if known else ():
                if " " not in a:
                    index.setdefault(a, m.name)
        out: list[Mention] = []
        for m in found:
            if m.kind == "person" and m.name in index and (
                    " " not in m.name or m.name.split(" ", 1)[0].lower() in _PARTICLES):
                m = Mention(m.start, m.end, m.surface, index[m.name], "person", m.role)
            elif m.kind == "place" and " " not in m.surface and m.surface in index:
                m = Mention(m.start, m.end, m.surface, index[m.surface], "person")
            out.append(m)
            if m.kind == "person":
                roles.setdefault(m.name, m.role)
        if index:
            for w in _CAPWORD_RE.finditer(masked):
                full = index.get(w.group(0))
                if full is not None:
                    out.append(Mention(w.start(), w.end(), w.group(0), full, "person"))
        return out


# --- helpers ---------------------------------------------------------------------------------

def _windowed(pattern: re.Pattern[str], gate: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``pattern.finditer`` run only around the places where ``gate`` (a cheap literal-word regex
    for the pattern's last word) matches: the full pattern tried at every position costs more
    than the rest of the extraction."""
    windows: list[list[int]] = []
    for g in gate.finditer(text):
        if g.start() > 0 and (text[g.start() - 1].isalnum() or text[g.start() - 1] == "_"):
            continue
        start = text.rfind("\n", 0, max(0, g.start() - 150)) + 1
        start = max(start, g.start() - 150)
        if start > 0:
            sp = text.find(" ", start)
            start = sp + 1 if 0 <= sp < g.start() else start
        end = min(len(text), g.end() + 100)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    out: list[re.Match[str]] = []
    for start, end in windows:
        out.extend(pattern.finditer(text, start, end))
    return out


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    spans = sorted(spans)
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for s, e in spans:
        if s < pos:
            s = pos
        if e <= s:
            continue
        parts.append(text[pos:s])
        parts.append(_MASK * (e - s))
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


_CAPS_WORD_BEFORE_RE = re.compile(r"\b[A-Z][A-Z'’]+[ /]$")
_CAPS_WORD_AFTER_RE = re.compile(r"[ ][A-Z][A-Z'’]+\b")


def _title_case_line(text: str, pos: int) -> bool:
    """Whether the line around ``pos`` is written in title case: most of its words of four
    letters or more are capitalised (a headline, a heading, a list of titles)."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    long = [w for w in text[line_start:line_end if line_end >= 0 else len(text)].split() if len(w) >= 4]
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.85 * len(long)


def _in_caps_run(text: str, start: int, end: int) -> bool:
    """Whether the all-caps word at ``start:end`` is one of three or more in a row: words
    shouted in capitals ("MAKE IRAN GREAT AGAIN"), not an acronym."""
    n = 1
    pos = start
    while n < 3 and (b := _CAPS_WORD_BEFORE_RE.search(text, max(0, pos - 20), pos)):
        n, pos = n + 1, b.start()
    pos = end
    while n < 3 and (a := _CAPS_WORD_AFTER_RE.match(text, pos)):
        n, pos = n + 1, a.end()
    return n >= 3


def _gerund(word: str) -> bool:
    """A capitalised -ing form ("Describing Trump's ..."), which given names hardly ever are (the
    short Chinese ones, "Ming", "Jing", are left alone)."""
    return len(word) >= 7 and word.endswith("ing")


# "the North", "the South": in writing about Korea, the two Koreas ("the North's troops"), not
# "the North Atlantic", "the South China Sea" or "the South of France"
_KOREAN_SHORTHAND_RE = re.compile(r"\b[Tt]he (North|South)\b(?![ \-][A-Z]|-| of\b)")
_KOREA_NAMED_RE = re.compile(r"\bKoreas?\b|\bKorean|\bPyongyang\b|\bSeoul\b")


def _korean_shorthand(text: str, masked: str) -> list[Mention]:
    if ("he North" not in masked and "he South" not in masked) or not _KOREA_NAMED_RE.search(text):
        return []
    return [Mention(m.start(1), m.end(1), m.group(1), f"{m.group(1)} Korea", "country")
            for m in _KOREAN_SHORTHAND_RE.finditer(masked)]


def _given_names(entry: _Entry) -> set[str]:
    """The first words of a known person's names ("Volodymyr" of "Volodymyr Zelensky")."""
    return {n.split(" ", 1)[0] for n in (entry.name, *entry.aliases) if " " in n}


def _strip_the(s: str) -> str:
    return s[4:] if s.startswith(("The ", "the ")) else s


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w.lower() not in _CONNECTORS and w[:1].isupper())


def _family_name_first(name: str) -> bool:
    """East Asian name order: "Choo Kyung-ho", "Yoon Suk Yeol", "Kim Jong Un"."""
    tokens = name.split(" ")
    if len(tokens) == 2 and "-" in tokens[1]:
        return True
    return len(tokens) == 3 and all(len(t) <= 5 for t in tokens)


def _name_variants(name: str) -> list[str]:
    """Spelling variants worth matching: "Kim Jong-un" <-> "Kim Jong Un"."""
    out: list[str] = []
    if "-" in name:
        out.append(" ".join(p.capitalize() if i else p for i, p in enumerate(name.replace("-", " ").split(" "))))
    return out


def _word_back(text: str, pos: int) -> tuple[str, int] | None:
    """The word (run of non-spaces) ending in the spaces right before ``pos``, and its start;
    None when no space comes right before ``pos`` or no word within 40 characters."""
    seg = text[max(0, pos - 40):pos]
    stripped = seg.rstrip()
    if len(stripped) == len(seg) or not stripped:
        return None
    w = stripped.split()[-1]
    return w, pos - len(seg) + len(stripped) - len(w)


_POSSESSIVE_RE = re.compile(r"['’]s ")


def _owned_bodies(found: list[Mention]) -> list[Mention]:
    """A body every country has, named bare where one country's was named ("Russia's Defence
    Ministry said ... The Defence Ministry added"), is that one: of two, neither."""
    owned: dict[str, set[str]] = {}
    for m in found:
        bare = _POSSESSIVE_RE.split(m.surface, 1)[-1]
        if m.kind == "organisation" and bare != m.surface and m.name.endswith(" " + bare):
            owned.setdefault(bare, set()).add(m.name)  # "Russia's Defence Ministry"
    if not owned:
        return found
    return [Mention(m.start, m.end, m.surface, next(iter(owned[m.name])), m.kind, m.role)
            if m.kind == "organisation" and len(owned.get(m.name, ())) == 1 else m for m in found]


def _appositive_role(m: re.Match[str]) -> str | None:
    """The role an apposition gives, from its last function word on: "who served as director"
    -> director, "a senior researcher at" -> senior researcher. None where the role is someone
    else's: another's title before their name ("Putin, Kremlin spokesman Dmitry Peskov said"),
    or a relation to them ("Kim Yo Jong, the sister of leader Kim Jong Un")."""
    if _NAME_AFTER_ROLE_RE.match(m.string, m.end()):
        return None
    words = m.group("role").split()
    cut = max((i + 1 for i, w in enumerate(words) if w.lower() in _ROLE_STOP), default=0)
    if cut and words[cut - 1].lower() == "of" and words[cut - 2:cut - 1] \
            and words[cut - 2].lower() not in _TITLE_HEADS:
        return None
    return " ".join(words[cut:])


_NAME_AFTER_ROLE_RE = re.compile(r"[ ][A-Z][a-z]")


def _role_before(masked: str, start: int, lead: list[str]) -> str | None:
    """The role phrase written right before a name: "military intelligence chief", "Rep."."""
    words: list[str] = []
    pos = start
    for _ in range(6):
        back = _word_back(masked, pos)
        if back is None:
            break
        w, w_start = back
        bare = w.rstrip(".").lower()
        if _MASK in w or not _ROLE_WORD_RE.fullmatch(w):
            break
        if w.endswith(".") and bare not in _TITLE_HEADS:
            break
        if bare in _ROLE_STOP and bare != "of":
            break
        if w.islower() and (w.endswith(("ing", "ed")) or w in _IRREGULAR_PAST) and w not in ("acting", "retired"):
            break  # a verb: "leaving Prime Minister Shigeru Ishiba scrambling", "met Minister ..."
        if w[0].isupper() and w.rstrip(".") not in _TITLE_CAPS:
            break
        words.append(w)
        pos = w_start
    words.reverse()
    words.extend(lead)
    while words and words[0].lower() == "of":
        words = words[1:]
    # the phrase must end with a title head: "spokesperson", "Rep.", "President"
    while words and words[-1].rstrip(".").lower() not in _TITLE_HEADS:
        if len(words) >= 3 and words[-2] == "of" and words[-3].lower() in _TITLE_HEADS:
            break  # "Secretary of Defense"
        words.pop()
    return _clean_role(words)


_IRREGULAR_PAST = words("met told said saw sent led won became held made took gave got brought thought "
                        "found")
# abbreviated titles: dropped from a longer role ("floor leader Rep." -> floor leader), spelled
# out when they are the whole role ("Rep." -> representative); courtesy titles say nothing
_TITLE_ABBREVIATIONS = {
    "rep": "representative", "reps": "representative", "sen": "senator", "gen": "general",
    "gov": "governor", "adm": "admiral", "col": "colonel", "lt": "lieutenant", "capt": "captain",
    "sgt": "sergeant", "maj": "major", "prof": "professor", "pres": "president",
    "mr": "", "mrs": "", "ms": "", "dr": "",
}


def _clean_role(words: list[str]) -> str | None:
    """A readable role from the words before a name: abbreviated titles dropped when the rest
    ends with a title ("floor leader Rep." -> floor leader), else spelled out ("Rep." ->
    representative, "Lt. Gen." -> lieutenant general). A courtesy title alone ("Dr.", "Ms.")
    gives "": no role, though it still shows that a person is named."""
    if not words:
        return None
    full = [w for w in words if w.rstrip(".").lower() not in _TITLE_ABBREVIATIONS]
    while full and full[-1].lower() in _CONNECTORS:
        full.pop()
    if full and (full[-1].rstrip(".").lower() in _TITLE_HEADS or (len(full) >= 3 and full[-2] == "of")):
        return " ".join(full)
    spelled = [_TITLE_ABBREVIATIONS.get(w.rstrip(".").lower(), w) for w in words]
    return " ".join(w for w in spelled if w)
