"""Seed a rule file from one article: match terms, known actors and known figures derived from it.

``seed_rule(text, name=...)`` returns the YAML text of ``rules/<name>.yaml`` (format in
docs/rules.md). Nothing of the rule is hard-coded; everything comes from the article:

* ``match.all``: the most central actor (most mentions among countries and organisations; an
  organisation in place of the person who speaks for it, with them; no go-between and no body
  that only tells the story), then, when the story has them, ``any`` of the other core actors
  (countries/organisations mentioned at least half as often as the central one, at most four,
  not the dateline's country unless the headline opens with it) with the regions in the news
  and the officials the gazetteer places in those countries, then ``any`` of the topic terms:
  the article's most frequent salient words, widened with their synonyms (troops -> soldiers,
  forces, personnel, ...; deploy -> deploy*) and, for a story of troops (an election, a
  hostage-taking), with the words of what its news turns into (casualties, prisoners);
* ``known_actors``: every actor found, with kind, role and aliases (the spellings the article
  uses and the others the gazetteer knows: "N. Korea", "North Koreans");
* ``known_figures``: every figure found, described in our words (never the article's sentence).

``article_text(raw, content_type)`` turns an HTML page or plain text into article text.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from watcher.errors import WatcherError
from watcher.extract import Extractor, get_extractor
from watcher.extract.actors import TITLE_HEADS
from watcher.extract.figures import singular
from watcher.extract.text import clean, words
from watcher.models import Actor, Extraction, Figure
from watcher.novelty import normalise_name
from watcher.rules.matching import CONDITIONS, DURATIONS, MEASURES

log = logging.getLogger("watcher.seed")

__all__ = ["article_text", "seed_rule", "topic_terms"]

# Synonym clusters used to widen topic terms; the first member names the cluster. A cluster holds
# words that name the same kind of event or thing, not merely related ones: "voters" and
# "turnout" speak of an election, "votes" may be any vote (a party leadership race, a bill).
_CLUSTERS: tuple[tuple[str, ...], ...] = (
    ("troops", "soldiers", "forces", "personnel", "servicemen", "troop", "soldier", "infantry", "units",
     "recruits", "conscripts", "deploy*", "dispatch*", "reinforcements", "special forces", "paratroopers",
     "commandos", "deminers", "sappers", "battalion*", "brigade*", "regiment*", "mercenar*", "corps",
     "contingent*"),
    ("casualties", "killed", "wounded", "dead", "deaths", "injured", "death toll"),
    ("prisoners", "captured", "prisoners of war", "POWs", "captives"),
    ("ammunition", "shells", "munitions", "artillery", "weapons"),
    ("missile*", "rocket*", "launch*", "ballistic"),
    ("earthquake*", "quake*", "tremor*", "aftershock*", "magnitude", "seismic"),
    ("flood*", "flooding", "landslide*", "rainfall", "torrential"),
    ("election*", "electoral", "voter*", "turnout", "ballot*", "polls", "polling", "exit poll*"),
    ("strike*", "walkout*", "industrial action", "picket*", "union*"),
    ("layoff*", "lay off", "lays off", "laying off", "laid off", "job cut*", "job loss*", "cut jobs",
     "cuts jobs", "cutting jobs", "redundanc*", "furlough*"),
    ("wage*", "pay", "salary", "salaries"),
    ("market*", "stock*", "shares", "equities", "index", "indices", "trading"),
    ("sell-off*", "selloff*", "crash*", "plunge*", "plummet*", "tumble*", "slump*", "rout", "turmoil",
     "sank", "sink*", "slide*", "volatil*"),
    ("interest rate*", "rate cut*", "rate hike*", "central bank", "monetary policy", "inflation"),
    ("treaty", "pact", "agreement", "alliance"),
    ("sanction*", "embargo*"),
    ("court", "courts", "judge", "judges", "ruling", "rulings", "ruled", "verdict*", "lawsuit*",
     "appeal*", "trial", "jury", "sued", "injunction*"),
    ("antitrust", "monopol*", "anticompetitive", "anti-competitive", "competition law"),
    ("hostage*", "abduct*", "kidnap*", "captivity"),
    ("ceasefire", "truce", "peace talks"),
    ("drone*", "UAV*"),
    ("refugee*", "displaced", "evacuat*", "shelter*"),
    ("wildfire*", "fire", "fires", "blaze*", "bushfire*", "forest fire*", "flames", "firefighter*"),
    ("aid", "relief", "humanitarian", "donation*"),
    ("rescue*", "rescuer*", "rubble", "survivor*", "collapsed", "death toll", "search-and-rescue"),
)
# What the news of a story led by a cluster (its first member) turns into: a deployment's is
# soon of losses and prisoners. The rule takes those words too.
_FOLLOWS: dict[str, tuple[str, ...]] = {
    "troops": ("casualties", "killed", "wounded", "dead", "deaths", "injured", "death toll", "losses",
               "prisoners", "captured", "prisoners of war", "POWs", "captives"),
    # an election's news turns into its results, a winner taking office, a contested count
    "election*": ("president-elect", "prime minister-elect", "sworn in", "inaugurat*", "concede*",
                  "recount*", "runoff*", "run-off*", "constituenc*"),
    # a hostage-taking's into releases, swaps and a truce
    "hostage*": ("prisoners", "captives", "released", "freed", "swap*", "exchange*", "ceasefire", "truce"),
}
_CLUSTER_OF: dict[str, tuple[str, ...]] = {}
for _c in _CLUSTERS:
    for _w in _c:
        _CLUSTER_OF.setdefault(_w.rstrip("*").lower(), _c)
# prefix members ("plunge*"), longest first: "plunged" and "plunges" belong to their cluster
_CLUSTER_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(sorted(
    ((w[:-1].lower(), c) for c in _CLUSTERS for w in c if w.endswith("*") and " " not in w),
    key=lambda t: -len(t[0])))
# members of several words ("interest rate*", "job cuts"): counted as phrases, their words are
# theirs ("rate" and "cut" of "rate cuts" are no topics of their own)
_CLUSTER_PHRASES: tuple[tuple[str, bool, tuple[str, ...]], ...] = tuple(sorted(
    ((m.rstrip("*").lower(), m.endswith("*"), c) for c in _CLUSTERS for m in c if " " in m),
    key=lambda t: -len(t[0])))
_CLUSTER_PHRASE_RE = re.compile(r"\b(?:" + "|".join(
    r"\s+".join(re.escape(w) for w in m.rstrip("*").split()) + (r"\w*" if m.endswith("*") else r"(?:s|es)?\b")
    for m in sorted({m for c in _CLUSTERS for m in c if " " in m}, key=len, reverse=True)) + ")", re.I)

# Words too common in news to say what a story is about.
_GENERIC = words(
    """about above according across action added after again against ago agency ahead also although
    among another announced around asked away back based because been before began being believe
    believed between both called came cannot case city claimed come comes coming comment comments
    concern concerns condition confirm confirmed could country countries current day days department
    despite details did does done down during each earlier early either else ended even evening every
    evidence expected face fact fell first following former four from further gave general given going
    government great group groups half hand have having head held help here high himself however
    images including information instead into issue issues itself just know known large last late later
    least left less like likely little local long look made major make makes many matter maybe means
    media meeting member members might ministry minister month months more morning most move much must
    national near nearly need never news next night none north official officials often once only
    other others over part people percent place plan plans point points possible post power president
    press program public published put quoted rather reached really recent recently region report
    reported reporters reports response result right said same saying says second security seen sent
    several show showed shows side since situation small some south source sources spokesperson
    statement still such system take taken talks than that their them then there these they thing
    things third this those though three through thursday time times today told took total toward
    towards under until upon used very video want wants week weeks well were what when where whether
    which while whole will with within without work world would year years yesterday your
    monday tuesday wednesday friday saturday sunday january february march april june july august
    september october november december state states united foreign office information
    east west eastern western northern southern
    official officials spokesman spokeswoman leader leaders agency country sources source"""
)
_WORD_RE = re.compile(r"[A-Za-z][a-z]+(?:-[a-z]+)*")
_PLAIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .'’\-/()&_]*[A-Za-z0-9.)]|[A-Za-z0-9]")
_YAML_SPECIAL = words("y n yes no true false on off null ~")
# aliases that are ordinary words once case is ignored (rule matching is case-insensitive)
_AMBIGUOUS_ALIASES = words("us it who am can may will so no is as at an or in on be he me we "
                               "hi ok ai it un eu fed") - {"un", "eu"}
# as much of an article as is read (a feed item's text is cut at as much: watcher.parse)
MAX_ARTICLE_CHARS = 100_000
_RULE_NAME_RE = re.compile(r"[^a-z0-9_-]+")

_BLOCK_TAGS = "h1,h2,h3,h4,h5,h6,p,li,blockquote,pre,td,figcaption"
_DROP_TAGS = ("script", "style", "noscript", "nav", "footer", "header", "aside", "form", "svg",
              "iframe", "button", "template")
# what a page marks as its byline or its authors' box: class or id "byline", "author",
# "article__author", "AuthorName" (not "authority"); rel or itemprop "author"; <address>
_BYLINE_MARKED = "address, [rel], [itemprop], [class], [id]"
_BYLINE_MARK_RE = re.compile(r"[Bb]y-?[Ll]ine|(?<![A-Za-z])[Aa]uthors?(?![a-z])|(?<=[a-z])Authors?(?![a-z])")
_HEADINGS = "h1,h2,h3,h4,h5,h6"
_BYLINE_MAX_CHARS = 300  # a marked element holding more is a container, not a byline


# --- article text ----------------------------------------------------------------------------

def article_text(raw: str, content_type: str | None) -> str:
    """Plain article text from ``raw``: HTML (by content type or by look) is stripped with
    selectolax, keeping one paragraph per block; plain text is returned as it is. Raises
    WatcherError for what is not text (a PDF, an image, an archive)."""
    if _binary(raw):
        raise WatcherError("the article is not text (binary data: a PDF, an image or an archive?); "
                           "give its text or its HTML page")
    if not _html(raw, content_type):
        return raw.strip()
    try:
        tree = HTMLParser(raw)
    except Exception as exc:  # selectolax raises plain errors on hopeless input
        raise WatcherError(f"cannot read the article's HTML: {exc}") from exc
    tree.strip_tags(list(_DROP_TAGS))
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    if root is None:
        return ""
    _drop_bylines(root)
    blocks: list[str] = []
    title = tree.css_first("title")
    h1 = root.css_first("h1")
    if h1 is None and title is not None and title.text(strip=True):
        blocks.append(title.text(strip=True))
    for node in root.css(_BLOCK_TAGS):
        # only innermost blocks: a <li> holding a <p> is read through its <p>
        if len(node.css(_BLOCK_TAGS)) > 1:  # the node itself is the first match
            continue
        t = re.sub(r"\s+", " ", node.text(separator="")).strip()
        if t:
            blocks.append(t)
    if not blocks:
        blocks = [re.sub(r"[ \t]+", " ", root.text(separator="\n")).strip()]
    return "\n\n".join(blocks)


def _drop_bylines(root: Any) -> None:
    """Drop from ``root`` what the page marks as its byline or its authors' box ("By Jane Doe",
    "Jane Doe is a reporter ..."): the reporter tells of the story and takes no part in it. A
    mark on the name alone (a link with rel="author") drops the paragraph or list item that
    holds it, where that holds nothing more than a byline does."""
    targets: dict[int, Any] = {}
    for node in root.css(_BYLINE_MARKED):
        attrs = node.attributes
        marks = " ".join(str(attrs.get(k) or "") for k in ("class", "id", "rel", "itemprop"))
        if node.tag != "address" and not _BYLINE_MARK_RE.search(marks):
            continue
        target = node
        parent = node.parent
        if node.tag not in ("p", "li", "div", "address", "section") and parent is not None \
                and parent.tag in ("p", "li", "div", "span", "address") and parent.mem_id != root.mem_id \
                and len(parent.text(strip=True)) <= _BYLINE_MAX_CHARS and parent.css_first(_HEADINGS) is None:
            target = parent
        if target.mem_id != root.mem_id and len(target.text(strip=True)) <= _BYLINE_MAX_CHARS \
                and (target.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or target.css_first(_HEADINGS) is None):
            targets[target.mem_id] = target
    # the outermost ones (a node inside another goes with it), chosen before any is dropped
    outermost = []
    for node in targets.values():
        ancestor = node.parent
        while ancestor is not None and ancestor.mem_id not in targets and ancestor.mem_id != root.mem_id:
            ancestor = ancestor.parent
        if ancestor is None or ancestor.mem_id == root.mem_id:
            outermost.append(node)
    for node in outermost:
        node.decompose()


def article_source(raw: str, content_type: str | None) -> dict[str, str]:
    """What an article's HTML page says of itself, for a rule's ``source``: ``title``
    (og:title, else <title>, else the first <h1>), ``publisher`` (og:site_name),
    ``published`` (the date of article:published_time, a JSON-LD datePublished or the first
    <time datetime>, as YYYY-MM-DD) and ``url`` (og:url or the canonical link). Empty for plain
    text, and for what the page does not say."""
    if _binary(raw) or not _html(raw, content_type):
        return {}
    try:
        tree = HTMLParser(raw)
    except Exception:  # what cannot be read has nothing to say of itself
        return {}

    def meta(*names: str) -> str | None:
        for n in names:
            for attr in ("property", "name", "itemprop"):
                node = tree.css_first(f'meta[{attr}="{n}"]')
                value = node.attributes.get("content") if node is not None else None
                if value and value.strip():
                    return re.sub(r"\s+", " ", value).strip()
        return None

    def text_of(selector: str) -> str | None:
        node = tree.css_first(selector)
        value = re.sub(r"\s+", " ", node.text()).strip() if node is not None else ""
        return value or None

    def attribute(selector: str, name: str) -> str | None:
        node = tree.css_first(selector)
        return node.attributes.get(name) if node is not None else None

    found: dict[str, str | None] = {
        "title": meta("og:title", "twitter:title") or text_of("title") or text_of("h1"),
        "publisher": meta("og:site_name", "application-name"),
        "published": _date_of(meta("article:published_time", "datePublished", "pubdate",
                                   "date", "dc.date", "DC.date.issued")
                              or _json_ld_date(tree) or attribute("time[datetime]", "datetime")),
        "url": meta("og:url") or attribute('link[rel="canonical"]', "href"),
    }
    return {k: v[:500] for k, v in found.items() if v}


def _json_ld_date(tree: HTMLParser) -> str | None:
    """The first datePublished of the page's JSON-LD blocks."""
    for node in tree.css('script[type="application/ld+json"]'):
        match = re.search(r'"datePublished"\s*:\s*"([^"]+)"', node.text() or "")
        if match:
            return match.group(1)
    return None


def _date_of(value: str | None) -> str | None:
    """The YYYY-MM-DD a page's timestamp starts with ("2024-10-21T09:13:00+09:00")."""
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value or "")
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


def _html(raw: str, content_type: str | None) -> bool:
    """Whether an article is an HTML (or XHTML) page: by its content type, or by its look."""
    ct = (content_type or "").lower()
    return "html" in ct or "xml" in ct or bool(
        re.match(r"\s*<(?:!doctype|html|head|body|article|div|p|h1)\b", raw, re.I))


def _binary(raw: str) -> bool:
    """Whether decoded ``raw`` is binary data: NUL bytes, or many undecodable bytes or control
    characters in its first 8,000 characters."""
    head = raw[:8000]
    if "\x00" in head:
        return True
    odd = sum(1 for c in head if c == "\ufffd" or (c < " " and c not in "\n\r\t\f"))
    return odd > max(8, len(head) // 20)


# --- derivation ------------------------------------------------------------------------------

def _mention_counts(text: str, actors: Sequence[Actor]) -> dict[str, int]:
    """How often each actor is named in ``text`` (name or any alias, whole words, longest first)."""
    forms: list[tuple[str, str]] = []
    for a in actors:
        for f in {a.name, *a.aliases}:
            if len(f) >= 2:
                forms.append((f, a.name))
    forms.sort(key=lambda t: -len(t[0]))
    counts: Counter[str] = Counter()
    taken = [False] * len(text)
    paragraphs = [m.end() for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    lead_end = paragraphs[1] if len(paragraphs) > 1 else len(text)
    for form, name in forms:
        for m in re.finditer(rf"(?<![\w]){re.escape(form)}(?![\w])", text):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            # the headline and the lead carry the story's subject: they weigh more
            counts[name] += 3 if m.start() < lead_end else 1
    return dict(counts)


def _extractor_counts(ext: Extractor, text: str, actors: Sequence[Actor],
                      topic_words: Collection[str] = ()) -> tuple[dict[str, int], list[str]]:
    """Mention counts from the extractor itself when it can list mentions (the rule extractor),
    and the headline's subjects (none without such an extractor): the country whose adjective
    qualifies a topic word there ("two North Korean soldiers"), else the actor it names first
    with those it is coordinated with ("Israel and Hamas near deal": both sides are the
    subject). An adjective counts half, unless it qualifies one of ``topic_words``: in "North
    Korean soldiers", where soldiers are the story, it names whose they are."""
    mentions = getattr(ext, "mentions", None)
    if mentions is None:
        return {}, []
    cleaned = clean(text)
    lines = [m.end() for m in re.finditer(r"[^\n]*\S[^\n]*", cleaned)]
    headline_end = lines[0] if lines else 0
    lead_end = lines[1] if len(lines) > 1 else len(cleaned)
    alias_of: dict[str, str] = {}
    for a in actors:
        for n in (a.name, *a.aliases):
            alias_of.setdefault(normalise_name(n), a.name)
    counts: dict[str, float] = {}
    first: list[str] = []
    subject: str | None = None
    last_end = -1  # where the last of the headline's coordinated subjects ends
    for m in mentions(text):
        name = alias_of.get(normalise_name(m.name))
        if name is None:
            continue
        qualifies = getattr(m, "demonym", False) and _qualifies(cleaned, m.end, topic_words)
        if m.start < headline_end and (not first or (
                last_end >= 0 and _COORDINATED_RE.fullmatch(cleaned, last_end, m.start))):
            if name not in first:
                first.append(name)
            last_end = m.end
        elif m.start < headline_end and first:
            last_end = -1  # the coordination ends at the first actor not joined to it
        if subject is None and m.start < headline_end and qualifies:
            subject = name  # "Ukraine captures two North Korean soldiers": the soldiers' country
        # an adjective ("Russian training range") says less about the subject than a name
        weight = (0.5 if getattr(m, "demonym", False) and not qualifies else 1.0) \
            * (3 if m.start < lead_end else 1)
        counts[name] = counts.get(name, 0.0) + weight
    return {k: int(v * 2) for k, v in counts.items()}, [subject] if subject else first


# what joins two subjects of a headline: "Israel and Hamas", "Russia, Ukraine", "Israel-Hamas"
_COORDINATED_RE = re.compile(r"\s*(?:,|&|-|–|/)\s*|\s+and\s+")


@dataclass
class _Roles:
    """What the article says some actors are to the story: ``speakers`` maps a person to the
    organisation they speak for ("Federal Reserve Chair Jerome Powell", "Jerome Powell, chair of
    the Federal Reserve"): their words are its words; ``mediators`` are the countries and bodies
    it names as go-betweens ("Qatari and Egyptian mediators", "Qatar, which has mediated ..."):
    they carry the talks and are no party of them; ``tellers`` are the organisations the
    headline does not name and the text names mostly as the one that says what is known
    ("..., Cal Fire said", "according to AFAD"): they report the story of a place."""

    speakers: dict[str, str] = field(default_factory=dict)
    mediators: frozenset[str] = frozenset()
    tellers: frozenset[str] = frozenset()


# a role ("Chair", "chief executive", "vice president for policy") between a body and a person
_ROLE_RE = r"(?P<role>(?:[A-Za-z][\w\-]*\s+){0,4}?[A-Za-z][\w\-]*)"
_BODY_ROLE_PERSON_RE = re.compile(r"(?:['’]s)?,?\s+(?:(?:the|its)\s+)?" + _ROLE_RE + r",?\s+")
_PERSON_ROLE_BODY_RE = re.compile(r",\s+(?:(?:the|its|a|an)\s+)?" + _ROLE_RE
                                  + r"\s+(?:of|at|for)\s+(?:the\s+)?")
_PERSON_BODYS_ROLE_RE = re.compile(r",\s+(?:the\s+)?")
_BODYS_ROLE_RE = re.compile(r"['’]s\s+" + _ROLE_RE + r"\b")
# words that are no part of a role: a verb or a conjunction says the phrase is a sentence
# ("... declared opposition leader Kofi ...", "Google fires engineer ..."), "former" that the
# person speaks for it no more
_NOT_ROLE = words("said says say told tells and or but with to by from after before as when while "
                  "former ex formerly then than who which that met meets called calls names "
                  "appoints elects picks taps hires fires sues backs urges asks thanks replaces "
                  "ousts defeats beats declares")
_VERB_FORM_RE = re.compile(r"[a-z]+(?:ed|ing)")
_ROLE_PARTICIPLES = words("managing acting presiding ruling governing founding retired")
_MEDIATION = r"(?:mediat|broker)\w*"  # (not "facilitated": "Israel facilitated aid")
_MEDIATOR_AFTER_RE = re.compile(
    r"(?:\s+and\s+[A-Z][\w\-]*)?\s+(?:mediators?|mediation|intermediar(?:y|ies))\b"   # "Qatari mediators"
    r"|(?:\s*,\s*(?:which|who)\b)?(?:\s+(?:has|have|had|is|are|was|were|been|also|jointly|long|"
    r"helped|help|helps|helping|to|will|would))*\s+" + _MEDIATION)  # "Qatar, which has mediated"
_MEDIATOR_BEFORE_RE = re.compile(
    r"\b(?i:mediators?|mediated\s+by|brokered\s+by|mediation\s+(?:of|by|from)|"
    r"intermediar(?:y|ies))\s*[,:]?\s+(?:(?:from|including|such\s+as|like)\s+)?"
    r"(?:(?:the\s+)?[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*)*\s*(?:,\s*(?:and\s+)?|\s+and\s+))*"
    r"(?:the\s+)?$")  # "mediators Qatar, Egypt and the United States"


_SAYS_AFTER_RE = re.compile(r"\)?(?:\s*\([^()\n]{1,40}\))?,?\s+(?:said|says|say|reported|reports|estimated|"
                            r"estimates|added|announced|confirmed|told|warned)\b")
_SAYS_BEFORE_RE = re.compile(r"\b(?:according\s+to|said|says|reported\s+by|citing|cited\s+by|quoting)\s+"
                             r"(?:the\s+)?$")


def _roles(ext: Extractor, text: str, actors: Sequence[Actor]) -> _Roles:
    """Who speaks for which organisation, who mediates and who tells the story, by how the
    article names them (none for an extractor that cannot list mentions)."""
    mentions = getattr(ext, "mentions", None)
    if mentions is None:
        return _Roles()
    cleaned = clean(text)
    names = {normalise_name(n): a for a in actors for n in (a.name, *a.aliases)}
    found = [(m, a) for m in mentions(text) if (a := names.get(normalise_name(m.name))) is not None]

    def role(words_: str) -> bool:
        ws = words_.lower().split()
        return bool(ws) and ws[-1] in TITLE_HEADS and not any(
            w in _NOT_ROLE or (_VERB_FORM_RE.fullmatch(w) and w not in _ROLE_PARTICIPLES) for w in ws)

    links: Counter[tuple[str, str]] = Counter()
    mediators: set[str] = set()
    headline_end, _ = _sections(cleaned)
    named: Counter[str] = Counter()
    saying: Counter[str] = Counter()  # mentions that say who says: "..., Cal Fire said"
    headlined: set[str] = set()  # the headline's actors tell no story: they are in it
    for i, (m, a) in enumerate(found):
        if a.kind == "organisation":
            named[a.name] += 1
            if m.start < headline_end:
                headlined.add(a.name)
            elif _SAYS_AFTER_RE.match(cleaned, m.end) \
                    or _SAYS_BEFORE_RE.search(cleaned, max(0, m.start - 40), m.start):
                saying[a.name] += 1
        if a.kind in ("country", "organisation") and (
                _MEDIATOR_AFTER_RE.match(cleaned, m.end)
                or _MEDIATOR_BEFORE_RE.search(cleaned, max(0, m.start - 120), m.start)):
            mediators.add(a.name)
        if a.kind != "person":
            continue
        before = found[i - 1] if i > 0 else None
        after = found[i + 1] if i + 1 < len(found) else None
        # "Federal Reserve Chair Jerome Powell", "the Fed's chair, Jerome Powell"
        if before is not None and before[1].kind == "organisation" and m.start - before[0].end <= 60 \
                and (r := _BODY_ROLE_PERSON_RE.fullmatch(cleaned, before[0].end, m.start)) and role(r["role"]):
            links[(a.name, before[1].name)] += 1
        # "Jerome Powell, chair of the Federal Reserve", "Jerome Powell, the Fed's chair"
        if after is not None and after[1].kind == "organisation" and after[0].start - m.end <= 60:
            r = _PERSON_ROLE_BODY_RE.fullmatch(cleaned, m.end, after[0].start)
            if r is None and _PERSON_BODYS_ROLE_RE.fullmatch(cleaned, m.end, after[0].start):
                r = _BODYS_ROLE_RE.match(cleaned, after[0].end)
            if r is not None and role(r["role"]):
                links[(a.name, after[1].name)] += 1
    speakers: dict[str, str] = {}
    for (person, body), _n in links.most_common():
        speakers.setdefault(person, body)
    tellers = frozenset(n for n, k in saying.items() if n not in headlined and k >= 2 and k >= 2 * named[n] / 3)
    return _Roles(speakers, frozenset(mediators), tellers)


def _dateline_country(ext: Extractor, text: str, actors: Sequence[Actor]) -> str | None:
    """The actor the article's dateline names ("SEOUL, Oct. 21 (Yonhap) --"): where it was
    filed from (None without one, or for an extractor that cannot tell)."""
    dateline = getattr(ext, "dateline", None)
    country = dateline(text) if callable(dateline) else None
    if country is None:
        return None
    names = {normalise_name(n): a.name for a in actors for n in (a.name, *a.aliases)}
    return names.get(normalise_name(country))


def _with_headline_bonus(counts: Mapping[str, int], first: Sequence[str]) -> dict[str, int]:
    """``counts`` with the actors the headline names first (its subject, or its coordinated
    subjects: "Israel and Hamas near deal") raised by half the largest count: the story's
    subject usually opens the headline."""
    out = dict(counts)
    if out:
        bonus = max(out.values()) // 2
        for name in first:
            if name in out:
                out[name] += bonus
    return out


_NEXT_WORD_RE = re.compile(r"\s+([A-Za-z]+)")


def _qualifies(text: str, end: int, words: Collection[str]) -> bool:
    """Whether the word right after ``end`` is one of ``words`` (lower-case)."""
    m = _NEXT_WORD_RE.match(text, end)
    return m is not None and m.group(1).lower() in words


def _sections(text: str) -> tuple[int, int]:
    """(end of the headline, end of the lead) in ``text``: the headline is the first non-empty
    line, the lead the first paragraph after it that reads as prose (a dateline such as
    "TOKYO, Oct. 28, 2024" is skipped)."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    if not lines:
        return 0, 0
    headline_end = lines[0][1]
    for start, end in lines[1:]:
        if len(text[start:end].split()) >= 12:
            return headline_end, end
    return headline_end, len(text)


@dataclass
class _Topic:
    """One thing the article is about: a synonym cluster ("troops", "soldiers", ...) or one of the
    article's own words ("seats"), with the rule terms that stand for it."""

    key: str
    terms: list[str]
    score: float = 0.0
    count: int = 0
    clustered: bool = False


def _cluster_of(word: str) -> tuple[str, ...] | None:
    """The synonym cluster of a lower-case word: an exact member, else a prefix member
    ("plunged" -> "plunge*"), else its singular ("soldiers" -> "soldier")."""
    c = _CLUSTER_OF.get(word)
    if c is not None:
        return c
    for prefix, cluster in _CLUSTER_PREFIXES:
        if word.startswith(prefix):
            return cluster
    return _CLUSTER_OF.get(singular(word))


_NO_PLURAL_RE = re.compile(r"(?:ly|ing|ed|ous|ern|ful|less|ive)$")


def _phrase_cluster(phrase: str) -> tuple[str, ...] | None:
    """The cluster of a phrase found by ``_CLUSTER_PHRASE_RE`` ("Interest rates")."""
    text = " ".join(phrase.lower().split())
    for stem, prefix, cluster in _CLUSTER_PHRASES:
        if text.startswith(stem) if prefix else text in (stem, stem + "s", stem + "es"):
            return cluster
    return None


def _forms(word: str) -> list[str]:
    """Singular and plural of an article word, as rule terms ("seats" -> seat, seats); an
    adjective, an adverb or a verb form has no plural ("eastern", "illegally", "advertising")."""
    if _NO_PLURAL_RE.search(word):
        return [word]
    one = singular(word)
    if one.endswith("y") and len(one) > 2 and one[-2] not in "aeiou":
        many = one[:-1] + "ies"
    elif one.endswith(("s", "x", "ch", "sh", "z")):
        many = one + "es"
    else:
        many = one + "s"
    return [one, many] if one != many else [one]


def _topics(text: str, actors: Sequence[Actor], *, seen_once: bool = False) -> list[_Topic]:
    """The article's topics, most salient first. A word counts 3 in the headline, 2 in the lead,
    1 elsewhere; words of one cluster pool their counts and weigh a half more (several words for
    one thing are a stronger sign than one repeated word). ``seen_once``: the clusters whose
    words the article uses at least once, and no lone word (for a short article, where nothing
    comes back often enough to be a topic)."""
    cleaned = clean(text)
    headline_end, lead_end = _sections(cleaned)
    names = {w.lower() for a in actors for n in (a.name, *a.aliases) for w in re.findall(r"[A-Za-z]+", n)}
    # a word of a name is the name's, except where the headline uses it outside a name and the
    # article also writes it as a common word: "Wildfire near Kelowna forces ..." is about a
    # wildfire (counted, but not inside "BC Wildfire Service"); "the party" of an election's
    # story, not in its headline, stays the Liberal Democratic Party's
    common = {m.group(0) for m in _WORD_RE.finditer(cleaned) if m.group(0).islower()} & names
    spans = _name_spans(cleaned, actors) if common else []
    common &= {m.group(0).lower() for m in _WORD_RE.finditer(cleaned, 0, headline_end)
               if not _within(spans, m.start())}
    topics: dict[str, _Topic] = {}
    lower_seen: set[str] = set()  # words the article also writes in lower case
    # a cluster's phrases ("interest rates", "job cuts") outside names ("Central Bank of
    # Nigeria"); their words are theirs
    phrases = list(_CLUSTER_PHRASE_RE.finditer(cleaned))
    if phrases:
        in_names = spans if common else _name_spans(cleaned, actors)
        phrases = [m for m in phrases if not _within(in_names, m.start())]
    phrase_spans = [m.span() for m in phrases]
    tokens: list[tuple[str, int, tuple[str, ...] | None]] = [
        (m.group(0).lower(), m.start(), _phrase_cluster(m.group(0))) for m in phrases]
    for m in _WORD_RE.finditer(cleaned):
        if _within(phrase_spans, m.start()):
            continue
        lw = m.group(0).lower()
        if len(lw) < 4:
            continue
        if lw in names and (lw not in common or _within(spans, m.start())):
            continue
        if lw == "forces" and _VERB_OBJECT_RE.match(cleaned, m.end()):
            continue  # the verb: "wildfire forces 4,200 residents from their homes"
        if lw in ("ruling", "ruled") and _RULING_WHAT_RE.match(cleaned, m.end()):
            continue  # who rules: "the ruling party", "ruled out": no court's ruling
        if m.group(0)[0].islower():
            lower_seen.add(lw)
        tokens.append((lw, m.start(), _cluster_of(lw)))
    for lw, start, cluster in sorted(tokens, key=lambda t: t[1]):
        weight = 3 if start < headline_end else 2 if start < lead_end else 1
        if cluster is not None:
            t = topics.get(cluster[0])
            if t is None:
                t = topics[cluster[0]] = _Topic(cluster[0], list(cluster), clustered=True)
            t.score += 1.5 * weight
        else:
            if lw in _GENERIC or singular(lw) in _GENERIC or _adverb(lw):
                continue
            key = singular(lw)
            t = topics.get(key)
            if t is None:
                t = topics[key] = _Topic(key, _forms(lw))
            t.score += weight
        t.count += 1
    # a word always capitalised is a name the gazetteer lacks ("Darfur"): a term as written,
    # with no plural
    for t in topics.values():
        if not t.clustered and not any(f.lower() in lower_seen for f in t.terms):
            written = re.search(rf"\b{re.escape(t.key)}\b", cleaned, re.I)
            if written is not None:
                t.terms = [written.group(0)]
    # one mention is not a topic; a lone word must come back at least three times
    ranked = [t for t in topics.values() if t.clustered] if seen_once else \
        [t for t in topics.values() if t.count >= (2 if t.clustered else 3)]
    ranked.sort(key=lambda t: -t.score)
    return ranked


_RULING_WHAT_RE = re.compile(r"\s+(?:party|parties|coalition|bloc|camp|junta|family|elite|class|"
                             r"government|alliance|majority|out)\b")
# nouns that end like adverbs
_LY_NOUNS = words("family supply assembly monopoly duopoly oligopoly anomaly rally ally reply belly "
                  "bully jelly lily folly tally gully butterfly homily melee panoply")


def _adverb(word: str) -> bool:
    """Whether a lower-case word reads as an adverb ("illegally", "sharply"): it says how, not
    what the story is about."""
    return word.endswith("ly") and word not in _LY_NOUNS and singular(word) not in _LY_NOUNS


_VERB_OBJECT_RE = re.compile(r"\s+(?:\d|the\b|a\b|an\b|thousands\b|hundreds\b|dozens\b|"
                             r"residents\b|people\b|them\b|him\b|her\b|us\b|its\b|their\b)")


def _name_spans(text: str, actors: Sequence[Actor]) -> list[tuple[int, int]]:
    """Where the actors' names and aliases are written in ``text`` (sorted, as written)."""
    names = sorted({n for a in actors for n in (a.name, *a.aliases) if n}, key=len, reverse=True)
    if not names:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    return [m.span() for m in pattern.finditer(text)]


def _within(spans: Sequence[tuple[int, int]], pos: int) -> bool:
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _leading(topics: Sequence[_Topic], limit: int) -> list[_Topic]:
    """The first ``limit`` topics, stopping at one scoring under a third of the first."""
    out: list[_Topic] = []
    for t in topics[:limit]:
        if out and t.score < out[0].score / 3:
            break
        out.append(t)
    return out


def _terms(topics: Iterable[_Topic]) -> list[str]:
    out: list[str] = []
    for t in topics:
        for term in t.terms:
            if term not in out:
                out.append(term)
    return out


def topic_terms(text: str, actors: Sequence[Actor], *, limit: int = 3) -> list[str]:
    """Salient words of the article widened with synonyms ("troops" -> soldiers, forces, ...)."""
    return _terms(_leading(_topics(text, actors), limit))


_PERSONS_AND_GROUPS = ("country", "organisation", "person")


def _central(actors: Sequence[Actor], counts: Mapping[str, int],
             plain: Mapping[str, int] | None = None,
             dateline: str | None = None, roles: _Roles | None = None,
             opener: str | None = None, subjects: Sequence[str] = ()) -> tuple[list[Actor], list[Actor]]:
    """(central actors, other core actors). The central group is the most mentioned country,
    organisation or person plus any of another kind nearly as frequent (a country and its leader,
    a company and its union): either one names the story. Other core actors are the next ones of
    the same kind (a body reporting on a country's outbreak is no party of it) mentioned at
    least half as often as it is in ``plain`` (the counts without the
    headline's bonus, which says who is central, not how much the others are named): the other
    parties of a war. The country of the article's dateline (``dateline``) is not one of them
    unless named as much as the central actor: it says where the reporter is ("SEOUL, Oct. 21
    --"), and is named in all their news, unless the headline opens with it (``opener``: "China
    slaps tariffs on Canadian canola", filed from Beijing; not "... as Seoul and Kyiv warn").

    ``roles`` says who is what to the story. A go-between (Qatar mediating between Israel and
    Hamas) is no party of it, even where the headline names it ("talks resume in Doha"). A person who
    speaks for an organisation of the story (the Fed's chair) is its voice: the organisation
    leads in their stead, named by them too, and they are no other central actor beside it.
    Two sides of different kinds the headline opens with (``subjects``: "Israel and Hamas close
    in on deal") are the central group when each is named nearly as much as the most named
    actor: another actor named as much (the country whose ministry tells of the talks) is not
    (two countries stay the central actor and another core actor, both asked for)."""
    roles = roles or _Roles()
    core = [a for a in actors if a.kind in _PERSONS_AND_GROUPS] or list(actors)
    parties = [a for a in core if a.name not in roles.mediators and a.name not in roles.tellers]
    if not core:
        return [], []
    # a local story is told by its place ("Wildfire near Kelowna ..."): a place named far more
    # than any country, organisation or person leads (in a war's story its capitals and
    # fronts are named less than its countries; the body telling of its fire counts not)
    places = sorted((a for a in actors if a.kind == "place"), key=lambda a: -counts.get(a.name, 0))
    if places and places[0] not in core:
        most = max((counts.get(a.name, 0) for a in parties), default=0)
        if counts.get(places[0].name, 0) >= max(3, 1.5 * most):
            parties = [places[0], *parties]
    core = parties or core
    ranked = sorted(core, key=lambda a: -counts.get(a.name, 0))
    top = ranked[0]
    named = plain if plain is not None else counts
    top_n, top_plain = counts.get(top.name, 0), named.get(top.name, 0)
    body = next((a for a in core if a.name == roles.speakers.get(top.name)), None) \
        if top.kind == "person" else None
    if body is not None:
        top_n += counts.get(body.name, 0)
        top_plain += named.get(body.name, 0)
        top = body
    ranked = [top, *(a for a in ranked if a is not top and roles.speakers.get(a.name) != top.name)]
    sides = [a for a in ranked if a.name in subjects]
    if len({a.kind for a in sides}) > 1 and all(counts.get(a.name, 0) >= 0.6 * top_n for a in sides):
        return sides, []
    central = [top] + [a for a in ranked[1:3] if a.kind != top.kind and counts.get(a.name, 0) >= 0.6 * top_n]
    if len(central) > 1:
        return central, []
    # (the dateline's country stays when it is named as much as the central actor: the story
    # happens there, "TALLINN -- Estonia detains three Belarusian soldiers")
    others = [a for a in ranked[1:] if a.kind == top.kind and a.kind != "person"
              and (a.name != dateline or named.get(a.name, 0) >= top_plain or a.name == opener)
              and counts.get(a.name, 0) >= max(2, top_plain / 2)][:4]
    return central, others


def _headline_names(ext: Extractor, text: str, actors: Sequence[Actor]) -> list[str]:
    """Names of the actors the headline mentions, in its order."""
    mentions = getattr(ext, "mentions", None)
    if mentions is None:
        return []
    cleaned = clean(text)
    headline_end, _ = _sections(cleaned)
    alias_of = {normalise_name(n): a.name for a in actors for n in (a.name, *a.aliases)}
    return list(dict.fromkeys(alias_of[k] for m in mentions(text) if m.start < headline_end
                              and (k := normalise_name(m.name)) in alias_of))


@dataclass
class _Plan:
    """The derived match condition, as YAML lines with comments."""

    lines: list[str]
    summary: str
    # the story's central actor and what stands for it: its figures are said near them
    near: list[str] = field(default_factory=list)


def _plan_match(actors: Sequence[Actor], counts: Mapping[str, int], topics: Sequence[_Topic],
                in_headline: Sequence[str], well_known: Callable[[str], bool],
                weak: Sequence[_Topic] = (), plain: Mapping[str, int] | None = None,
                dateline: str | None = None,
                parts: Callable[[str], list[str]] = lambda _country: [],
                roles: _Roles | None = None, subjects: Sequence[str] = ()) -> _Plan:
    """Choose the shape of the match condition from what the article shows:

    * one central actor named in the headline (a country at war, a company on strike): the
      actor, the other core actors if any, and the topic (its leading clusters and words);
    * several central actors of different kinds that all appear in much news beyond this story
      (a country and its leader, both well known): they make a hit only with the story's own
      distinctive words ("seats", "majority"); the story's lesser actors (parties, ministries)
      make a hit with those words or with the words of the event's cluster ("election",
      "voters");
    * no central actor in the headline, and the central actors hold a small share of all actor
      mentions (a market sell-off across many countries): the story is its topic; its two
      leading topics must both be present;
    * a short article with no topic (nothing comes back often enough) and no other core actors:
      the story's own actors with the words of the event it names even once (``weak``).
    """
    roles = roles or _Roles()
    central, others = _central(actors, counts, plain, dateline, roles,
                               in_headline[0] if in_headline else None, subjects)
    lead = _leading(topics, 3)
    lines: list[str] = []
    # (of the mentions of all but the story's go-betweens and tellers)
    total = sum(counts.get(a.name, 0) for a in actors
                if a.name not in roles.mediators and a.name not in roles.tellers) or 1
    # (the central actors with who speaks for them: "Powell says ..." names the Fed's story)
    voiced = {a.name for a in central} | {p for p, b in roles.speakers.items() if b in {a.name for a in central}}
    share = sum(counts.get(name, 0) for name in voiced) / total
    if central and not voiced & set(in_headline) and share < 0.4 and len(lead) >= 2:
        first, second = lead[0], lead[1]
        lines += ["match:", "  all:",
                  f"    - any: {_flow(first.terms)}   # what the story is about",
                  f"    - any: {_flow(second.terms)}   # ... and what happened"]
        return _Plan(lines, f"{first.key.rstrip('*')} and {second.key.rstrip('*')}")
    own = [t for t in topics[:6] if not t.clustered][:3]
    events = [t for t in lead if t.clustered]
    # (one party named two ways, a country and its leader; two sides of a story, "Israel and
    # Hamas near hostage deal", are a story of what passes between them: its event's words)
    countries = [a for a in central if a.kind == "country"]
    belonging = {p for c in countries for p in parts(c.name)}
    one_side = len(countries) <= 1 and all(a.kind == "country" or a.name in belonging for a in central)
    if len(central) > 1 and one_side and all(a.kind == "country" or well_known(a.name) for a in central) \
            and own and events:
        lesser = [a for a in actors if a.kind in ("organisation", "person") and a not in central
                  and counts.get(a.name, 0) >= 2]
        if lesser:
            lines += ["match:", "  any:",
                      "    # any actor of the story with the story's own distinctive words",
                      "    - all:",
                      f"        - any: {_flow(a.name for a in [*central, *lesser])}",
                      f"        - any: {_flow(_terms(own))}",
                      "    # the story's other actors with the words of the event",
                      "    - all:",
                      f"        - any: {_flow(a.name for a in lesser)}",
                      f"        - any: {_flow(_terms(events))}"]
            return _Plan(lines, ", ".join(a.name for a in central) + ": "
                         + ", ".join(t.key.rstrip("*") for t in own + events))
    lines += ["match:", "  all:"]
    near: list[str] = []
    # A short article: no word comes back often enough to be a topic, and its most named actor
    # may be its source, as common as the UN ("..., UN says"). The story's own actors (its
    # places, and the others beyond the gazetteer's well-known ones), most named first, with the
    # words of the event it names even once.
    short = not lead and not others
    own_actors = [a.name for a in sorted(actors, key=lambda a: -counts.get(a.name, 0))
                  if a.kind == "place" or not well_known(a.name)][:6] if short else []
    if own_actors:
        lines.append(f"    - any: {_flow(own_actors)}   # the story's own actors")
    elif len(central) == 1:
        # a country also by its officials, state bodies and regions in the news ("KCNA: Kim Jong
        # Un decorates KPA servicemen who fought in Kursk" names no North Korea)
        # an organisation also by who speaks for it ("Powell says the Fed can wait")
        lead_actor = central[0]
        if lead_actor.kind == "country":
            belongs = [p for p in parts(lead_actor.name) if p != lead_actor.name]
            what = "its officials, bodies and regions"
        else:
            belongs = [p for p, b in sorted(roles.speakers.items(), key=lambda t: -counts.get(t[0], 0))
                       if b == lead_actor.name]
            what = "who speaks for it"
        near = [lead_actor.name, *dict.fromkeys(belongs)]
        if belongs:
            lines += _any_group([lead_actor.name], belongs, f"the most mentioned actor, {what}")
        else:
            lines.append(f"    - {_scalar(central[0].name)}   # the most mentioned actor")
    elif central:
        # the countries among them also by their officials, bodies and regions
        belongs = [p for a in countries for p in parts(a.name) if p not in {c.name for c in central}]
        lines += _any_group([a.name for a in central], belongs, "the most mentioned actors"
                            + (", their officials, bodies and regions" if belongs else ""))
    if others:
        # the regions in the news and the officials of the other parties' countries stand for
        # them ("North Korean troops in Kursk", "Zelensky: 3,000 North Korean troops killed")
        extra = [p for a in others if a.kind == "country" for p in parts(a.name)
                 if p not in {x.name for x in others}]
        lines += _any_group([a.name for a in others], extra, "other core actors"
                            + (", their officials, bodies and regions" if extra else ""))
    words = lead or (list(weak[:2]) if short else [])
    if words:
        what = "topic terms and synonyms" if lead else "words of the event"
        terms = _terms(words)
        # what such a story's news turns into ("North Korean losses in Kursk: Ukraine puts toll at
        # 4,000" is news of troops)
        follows = [w for w in _FOLLOWS.get(words[0].key, ()) if w not in terms] if lead else []
        lines += _any_group(terms, follows, what + (", and what such news turns into" if follows else ""))
    summary = ", ".join(own_actors or [a.name for a in central + others])
    return _Plan(lines, summary + (": " + ", ".join(t.key.rstrip("*") for t in words) if words else ""),
                 near)


# --- YAML emitting ---------------------------------------------------------------------------

def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    s = str(v)
    if (_PLAIN_RE.fullmatch(s) and s.lower() not in _YAML_SPECIAL and not re.fullmatch(r"[\d.+\-eE]+", s)
            and ": " not in s and " #" not in s and not s.startswith(("-", "?", "&", "*", "!", "|", ">", "%", "@"))):
        return s
    return json.dumps(s, ensure_ascii=False)


def _flow_item(v: Any) -> str:
    s = _scalar(v)
    if not s.startswith('"') and re.search(r"[,\[\]{}]", s):
        return json.dumps(str(v), ensure_ascii=False)
    return s


def _flow(items: Iterable[Any]) -> str:
    return "[" + ", ".join(_flow_item(i) for i in items) + "]"


def _flow_lines(prefix: str, items: Sequence[Any], *, width: int = 96) -> list[str]:
    """``prefix`` and a YAML flow list of ``items``, wrapped at ``width`` characters under its
    first item."""
    return _wrapped(items, prefix + "[", " " * (len(prefix) + 1), width)


def _any_group(head: Sequence[Any], rest: Sequence[Any], comment: str, *, width: int = 96) -> list[str]:
    """A match group ``- any: [...]`` with its comment: ``head`` on the first line and ``rest``
    (each once) wrapped below it at ``width`` characters; one line when there is no ``rest``."""
    if not rest:
        return [f"    - any: {_flow(head)}   # {comment}"]
    indent = " " * 12
    return [f"    - any: [{', '.join(_flow_item(h) for h in head)},   # {comment}",
            *_wrapped(list(dict.fromkeys(rest)), indent, indent, width)]


def _wrapped(items: Sequence[Any], start: str, indent: str, width: int) -> list[str]:
    """The items of a YAML flow list, closed with "]": on ``start`` (where the list or its
    line begins), then on lines of ``indent``, each at most ``width`` characters when it can."""
    lines: list[str] = []
    line, fresh = start, True
    for i, item in enumerate(items):
        part = _flow_item(item) + ("]" if i == len(items) - 1 else ",")
        if not fresh and len(line) + 1 + len(part) > width:
            lines.append(line)
            line, fresh = indent, True
        line += part if fresh else " " + part
        fresh = False
    lines.append(line)
    return lines


def _slug(name: str) -> str:
    s = _RULE_NAME_RE.sub("-", name.strip().lower()).strip("-_")
    if not s:
        raise WatcherError(f"rule name {name!r} has no usable characters ([a-z0-9_-])")
    return s


def _rule_aliases(actor: Actor) -> list[str]:
    return [a for a in actor.aliases if a.casefold() not in _AMBIGUOUS_ALIASES and a.strip()]


def seed_rule(text: str, *, name: str, source: dict[str, Any] | None = None,
              extractor: Extractor | None = None) -> str:
    """YAML text of a rule seeded from the article ``text`` (see the module docstring)."""
    rule_name = _slug(name)
    if len(text) > MAX_ARTICLE_CHARS:
        log.warning("the article is long (%d characters): its first %d are read",
                    len(text), MAX_ARTICLE_CHARS)
        text = text[:MAX_ARTICLE_CHARS]
    ext = extractor or get_extractor()
    extraction: Extraction = ext.extract(text)
    actors = _distinct(_with_variants(extraction.actors, ext))
    topics = _topics(text, actors)
    plain, first = _extractor_counts(ext, text, actors, set(_terms(_leading(topics, 3))))
    plain = plain or _mention_counts(text, actors)
    counts = _with_headline_bonus(plain, first)
    if not actors and not topics:
        raise WatcherError("cannot seed a rule: the article names no actor and no topic")
    well_known = getattr(ext, "well_known", None)
    plan = _plan_match(actors, counts, topics, _headline_names(ext, text, actors),
                       well_known if callable(well_known) else (lambda _name: False),
                       weak=() if topics else _topics(text, actors, seen_once=True), plain=plain,
                       dateline=_dateline_country(ext, text, actors), parts=_parts_of(ext, actors),
                       roles=_roles(ext, text, actors), subjects=first)

    lines: list[str] = []
    lines.append(f"# Rule {rule_name}: seeded from an article by watcher (edit freely)")
    lines.append(f"name: {_scalar(rule_name)}")
    lines.append(f"description: {_scalar(plan.summary)}")
    if source:
        lines.append("")
        lines.append("# Where the seed came from (informational)")
        lines.append("source:")
        for k, v in source.items():
            lines.append(f"  {k}: {_scalar(v)}")

    lines.append("")
    lines.append("# Which items are hits, derived from the article's actors and topic words.")
    lines.append("# An actor's name here also matches its aliases (see known_actors).")
    lines.append(plan.lines[0])
    lines.append("  within: lead   # in the headline and first three sentences; `item`: anywhere")
    lines.extend(plan.lines[1:])
    lines.append("")
    lines.append("# Which new figures alert, by key (an alert's figures carry theirs): not durations,")
    lines.append("# speeds or temperatures, nor measures the article does not count in.")
    lines.append("# `only: [troops, casualties]` keeps to those keys; `ignore: []` lets every key alert.")
    lines.append("alert_figures:")
    counted = {f.key for f in extraction.figures}
    measures = [m for m in MEASURES if m not in counted] + list(CONDITIONS)
    durations = _flow(DURATIONS)
    if measures:
        lines.append(f"  ignore: {durations[:-1]},")
        lines.append(f"           {_flow(measures)[1:]}")
    else:
        lines.append(f"  ignore: {durations}")
    if plan.near:
        lines.append("  # ... and only those said in a sentence, or an item whose headline, naming the")
        lines.append("  # story's central actor (\"drills with 18,000 troops\" in an item that mentions it")
        lines.append("  # further down are not its troops; new actors likewise); remove `near` to take")
        lines.append("  # figures and actors from anywhere. `near` repeats the first `any:` of `match`:")
        lines.append("  # when you change the story's central actor there, change it here too")
        lines.extend(_flow_lines("  near: ", plan.near))
    lines.append("")
    lines.append("# The story's baseline: alerts fire only for actors and figures not listed here.")
    if actors:
        lines.append("known_actors:")
        for a in actors:
            lines.append(f"  - name: {_scalar(a.name)}")
            lines.append(f"    kind: {a.kind}")
            if a.role:
                lines.append(f"    role: {_scalar(a.role)}")
            aliases = _rule_aliases(a)
            if aliases:
                lines.append(f"    aliases: {_flow(aliases)}")
    else:
        lines.append("known_actors: []")
    lines.append("")
    known_figures = _dedupe_figures(f for f in extraction.figures if f.key not in DURATIONS)
    if known_figures:
        lines.append("# Numbers already reported: (key, value) pairs are not news any more.")
        lines.append("known_figures:")
        for f in known_figures:
            lines.append(f"  - value: {_scalar(f.value)}")
            lines.append(f"    key: {_scalar(f.key)}")
            lines.append(f"    quantity: {_scalar(f.quantity or f.key)}")
            if f.qualifier:
                lines.append(f"    qualifier: {_scalar(f.qualifier)}")
            if f.said_by:
                lines.append(f"    said_by: {_scalar(f.said_by)}")
    else:
        lines.append("# Numbers already reported: none found in the seed.")
        lines.append("known_figures: []")
    return "\n".join(lines) + "\n"


def _parts_of(ext: Extractor, actors: Sequence[Actor]) -> Callable[[str], list[str]]:
    """A country's officials, state bodies and regions in the news, as rule terms: a known actor
    by its name (the rule's known_actors give its aliases), any other in its shortest spellings
    ("Kharkiv", "Kharkov", "Putin"; not "Kursk region": "Kursk" matches it already), a body by its
    name and acronyms. None for an extractor without a gazetteer."""
    belonging = getattr(ext, "belonging_to", None)
    variants = getattr(ext, "variants", None)
    known = {normalise_name(a.name) for a in actors}
    aliases = {normalise_name(x) for a in actors for x in a.aliases}

    def of(country: str) -> list[str]:
        out: list[str] = []
        for name, kind in belonging(country) if callable(belonging) else ():
            if normalise_name(name) in known:
                out.append(name)
                continue
            forms = [name, *(variants(name) if callable(variants) else ())]
            if kind == "organisation":
                # its name and acronyms: a shorter form ("Workers' Party") is another's too
                forms = [f for f in forms if f == name or f.isupper()]
            words = [f" {normalise_name(f)} " for f in forms]
            for f, w in zip(forms, words, strict=True):
                if normalise_name(f) in aliases or any(o != w and o in w for o in words):
                    continue  # another actor's alias, or a longer form of a kept one
                if f not in out:
                    out.append(f)
        return out

    return of


def _with_variants(actors: Sequence[Actor], ext: Extractor) -> list[Actor]:
    """The actors with the other spellings the extractor knows of their names as aliases
    ("N. Korea", "North Koreans", "the Kremlin"): the rule matches items written so, which the
    article may not be."""
    variants = getattr(ext, "variants", None)
    if not callable(variants):
        return list(actors)
    out: list[Actor] = []
    for a in actors:
        extra = [v for v in variants(a.name) if v not in a.aliases]
        out.append(Actor(a.name, a.kind, (*a.aliases, *extra), a.role) if extra else a)
    return out


def _distinct(actors: Iterable[Actor]) -> list[Actor]:
    """Actors whose names and aliases do not collide (a rule file needs each name once):
    "Seoul" the city is dropped when "Seoul" already stands for South Korea."""
    taken: set[str] = set()
    out: list[Actor] = []
    ordered = sorted(actors, key=lambda a: a.kind == "place")  # governments before cities
    for a in ordered:
        key = normalise_name(a.name)
        if key in taken:
            continue
        aliases = tuple(x for x in a.aliases if normalise_name(x) not in taken and normalise_name(x) != key)
        taken.add(key)
        taken.update(normalise_name(x) for x in aliases)
        out.append(Actor(a.name, a.kind, aliases, a.role))
    order = {id(a): i for i, a in enumerate(actors)} if isinstance(actors, list) else {}
    return sorted(out, key=lambda a: order.get(id(a), 0)) if order else out


def _dedupe_figures(figures: Iterable[Figure]) -> list[Figure]:
    seen: set[tuple[str, float]] = set()
    out: list[Figure] = []
    for f in figures:
        k = (f.key, float(f.value))
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out
