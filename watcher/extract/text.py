"""Text preparation shared by the extractors: drop non-story lines, split sentences.

Everything here is compiled once at import time; the functions are called per item.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import ahocorasick


def words(s: str) -> frozenset[str]:
    """A word list written as one space-separated string (easier to read and edit)."""
    return frozenset(s.split())


def trie_pattern(alternatives: Iterable[str]) -> str:
    """A regex alternation of literal words written as a trie: "(?:t(?:en|wo)|one)" for
    ten, two, one. Python's regex engine tries the branches of a plain alternation one by one at
    every position; a trie rejects a position after a character or two, several times faster on
    long lists. Longer words win over their prefixes only through the caller's trailing \\b."""
    trie: dict[str, Any] = {}
    for w in alternatives:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return (body if len(branches) > 1 or len(branches[0]) == 1 else f"(?:{body})") + "?"
        return body

    return "(?:" + build(trie) + ")"


class LiteralGate:
    """``pattern.finditer`` for a pattern whose every match starts with one of ``literals``
    ("said", "according", "'s"): the literals are found by one Aho-Corasick pass (C speed) and
    the pattern is tried only there. Python's regex engine otherwise tries a pattern that starts
    with \\b or a long alternation at every position, several times slower.

    Same matches as ``pattern.finditer(text, start, end)``, provided the premise holds. With
    ``word_start`` a literal preceded by a letter or digit is skipped before the regex is tried
    (only for patterns that start with \\b anyway)."""

    def __init__(self, pattern: re.Pattern[str], literals: Iterable[str], *, word_start: bool = False) -> None:
        self.pattern = pattern
        self.word_start = word_start
        self._automaton = ahocorasick.Automaton()
        for lit in set(literals):
            self._automaton.add_word(lit, len(lit))
        self._automaton.make_automaton()

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
        stop = len(text) if end is None else end
        if stop <= start:
            return []
        starts = sorted({e - n + 1 for e, n in self._automaton.iter(text, start, stop)})
        out: list[re.Match[str]] = []
        pos = start
        for s in starts:
            if s < pos:
                continue
            if self.word_start and s > 0 and (text[s - 1].isalnum() or text[s - 1] == "_"):
                continue
            m = self.pattern.match(text, s, stop)
            if m is not None:
                out.append(m)
                pos = max(m.end(), s + 1)
        return out


# Words after "By" that start a sentence, not a byline ("By Friday, crews had ...").
_NOT_A_NAME = (
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|New|Christmas|Easter|Thanksgiving|Ramadan|Today|Tonight|"
    r"Midnight|Noon|Dawn|Nightfall|Then|The[ ]End)\b)")
# No sentence in a byline line: no lower-case word ends one (a date may be in it).
_NO_SENTENCE = r"(?:(?!\b[a-z]{2,}[.!?](?:\s|$))[^\n])"
# A byline ("By Jane Doe", "By Jane Doe and John Roe, Staff Reporters"): the short line of a
# sentence that opens with "By" ("By Friday, crews had contained 40% of the fire.") is kept.
_BYLINE_RE = re.compile(r"^\s*(?:By|BY|Written by|Reporting by)\s+" + _NOT_A_NAME
                        + r"[A-Z]" + _NO_SENTENCE + r"{0,80}$", re.MULTILINE)
# ... and a longer one, the names with their roles and outlets ("By Jane Doe, senior wildfire
# correspondent, and John Roe, chief photographer for the Chronicle"): a name of two to four
# capitalised words right after "By" (not a time: "By New Year's Eve, ..."), then a comma, "and",
# a bracket or the line's end, and no sentence in the line (no lower-case word ends one)
_LONG_BYLINE_RE = re.compile(
    r"^[ \t]*(?:By|BY|Written[ ]by|Reporting[ ]by)[ \t]+" + _NOT_A_NAME +
    r"(?:[A-Z][\w'’\-]*\.?[ \t]+){1,3}[A-Z][\w\-]*(?=[ \t]*(?:[,;|/(&]|and\b|AND\b|$))"
    + _NO_SENTENCE + r"{0,300}$", re.MULTILINE)
# A contributors' line at the end of wire copy ("Associated Press writers Jane Doe in Washington
# and John Roe in Kyiv contributed.", "Reporting by ...; Editing by ..."), and a wire service's
# end mark "(END)": no actors of the story.
_CONTRIBUTORS_RE = re.compile(
    r"(?m)^[ \t]*(?:[A-Z][^\n]{0,120}\b(?:writers?|reporters?|correspondents?|journalists?|staff)\b[^\n]{0,200}"
    r"\bcontributed(?:[ ]to[ ]this[ ](?:report|story|article))?\.?"
    r"|(?:Reporting|Writing|Additional[ ]reporting)[ ]by[^\n]{0,200}(?:Editing|edited)[ ]by[^\n]{0,120})[ \t]*$"
    r"|\((?:END|End)\)[ \t]*$"
)
# A photo/image credit, from the marker to the end of its line, or of its sentence when a long
# text goes on after it on the same line ("Photo: Reuters/Kim Hong-Ji. North Korea sent ...")
# (in brackets, to the closing one: "(Photo: Yonhap) North Korea sent ...")
_CREDIT_MARKER = r"(?:PHOTO|Photo|IMAGE|Image|Photograph|PICTURE|Picture|Credit|CREDIT)s?\s*(?:by|credit)?\s*[:/]"
_CREDIT_RE = re.compile(
    rf"\({_CREDIT_MARKER}[^)\n]{{0,120}}\)"
    rf"|(?:\(|\b){_CREDIT_MARKER}(?:[^\n]{{0,120}}?(?=(?<![A-Z])\.[ \t]+[A-Z][^\n]{{60}})|[^\n]*)",
)
_CREDIT_GATE_RE = re.compile(r"(?:PHOTO|Photo(?:graph)?|IMAGE|Image|PICTURE|Picture|Credit|CREDIT)s?\s*(?:by|credit)?\s*[:/]")
_PAREN_CREDIT_RE = re.compile(r"\((?:AP|AFP|Reuters|Yonhap|EPA|Getty)[^)\n]{0,40}\)")
# The agency in a dateline, "SEOUL (Yonhap) —", "KYIV, Ukraine (AP) —": a credit, whatever the
# agency's name (the all-caps place before it and the dash after it mark a dateline).
_DATELINE_AGENCY_RE = re.compile(
    r"(?m)^([ \t]*[A-Z][A-Z'’.\-]+(?:[ /][A-Z][A-Z'’.\-]+){0,3}(?:,[ ][A-Z][A-Za-z.]+(?:[ ][A-Z][A-Za-z.]+){0,2})?"
    r"(?:,[ ][A-Z][a-z]{2,4}\.?[ ]\d{1,2}(?:,[ ]\d{4})?)?)"
    r"[ \t]*\([A-Z][\w&.'’ ]{0,30}\)(?=[ \t]*[—–-])"
)
# An agency's sign-off after the last sentence: "... in close contact. — Reuters"
_SIGNOFF_RE = re.compile(r"(?<=[.!?\"”’])[ \t]+[—–][ \t]*[A-Z][\w&.'’\-]*(?:[ ][A-Z][\w&.'’\-]*){0,3}[ \t]*$", re.MULTILINE)
# A publisher's name after a headline, as news aggregators write it ("..., Seoul says -
# Reuters", "... | AP News", "... — The Korea Herald"): not an actor of the story, and it hides
# the headline's own source.
_PUBLISHER_SUFFIX_RE = re.compile(
    r"(?m)(?<=\S)[ \t]+[-–—|][ \t]+(?:The[ ])?[A-Z][\w&.'’]*(?:[ ][A-Z][\w&.'’]*){0,3}[ \t]*$")
# Live-blog and web-page furniture: a label before the headline or section name ("LIVE UPDATES |",
# "Live updates:", "BREAKING:"), and whole lines that point elsewhere or stamp the page
# ("Read more: ...", "Related: ...", "Last updated 14:05 GMT").
_FURNITURE_LABEL_RE = re.compile(
    r"(?m)^([ \t]*)(?:LIVE(?:[ ]UPDATES?|[ ]BLOG)?|Live(?:[ ][Uu]pdates?|[ ][Bb]log)?|BREAKING(?:[ ]NEWS)?|"
    r"Breaking(?:[ ][Nn]ews)?|DEVELOPING|Developing|EXCLUSIVE|Exclusive|WATCH|Watch)[ \t]*[|:–—][ \t]*"
)
_FURNITURE_LINE_RE = re.compile(
    r"(?m)^[ \t]*(?:(?:READ|Read)[ ](?:MORE|[Mm]ore|ALSO|[Aa]lso)|RELATED|Related(?:[ ][Cc]overage|[ ][Ss]tories)?|"
    r"(?:SEE|See)[ ](?:ALSO|[Aa]lso)|(?:MORE|More)[ ](?:ON|[Oo]n)[ ][^\n:]{1,40}|(?:Sign|SIGN)[ ](?:up|UP)[^\n:]{0,40})[ \t]*:[^\n]*$"
    r"|^[ \t]*(?:Last[ ])?(?:[Uu]pdated|UPDATED|[Pp]ublished|PUBLISHED)[ ](?:at[ ]|on[ ])?[\d:.apmAPMGTUC ,]{3,40}[A-Za-z ]{0,12}$"
)
# A wire service's bracketed label before a headline: "(LEAD)", "(2nd LD)", "(URGENT)",
# "(News Focus)", "(Yonhap Interview)", "(EDITORIAL)", "(ATTN: ...)"
_BRACKET_LABEL_RE = re.compile(
    r"(?m)^([ \t]*)\((?:LEAD|URGENT|\d+(?:st|nd|rd|th)[ ]LD|LD|News[ ]Focus|NEWS[ ]FOCUS|[A-Z][a-z]+[ ]Interview|"
    r"EDITORIAL|Editorial|INTERVIEW|Interview|FEATURE|Feature|ANALYSIS|Analysis|UPDATE|Update|"
    r"CORRECTED|Corrected|ATTN[^)\n]{0,60}|URGENT[ ]LEAD|[A-Z][a-z]+[ ]Focus)\)[ \t]*")
# words a furniture label or line starts with (a cheap test on line starts before the regexes run)
_FURNITURE_STARTS = (
    "LIVE", "Live", "BREAKING", "Breaking", "DEVELOPING", "Developing", "EXCLUSIVE", "Exclusive", "WATCH",
    "Watch", "READ", "Read", "RELATED", "Related", "SEE", "See", "MORE", "More", "Sign", "SIGN", "Last",
    "Updated", "updated", "UPDATED", "Published", "published", "PUBLISHED",
)
# A picture agency's credit without a "Photo:" marker: "AFP via Getty Images", "/ Getty Images"
_GETTY_RE = re.compile(r"(?:(?:[A-Z][\w.'’\-]*[ ]){0,3}(?:via|/)[ ])?Getty[ ]Images\b")
# A file name or URL on its own.
_FILE_RE = re.compile(r"\S+\.(?:jpe?g|png|gif|webp|svg|pdf|html?|php|aspx?)\b|\bhttps?://\S+|\bwww\.\S+", re.I)
# cheap test for _FILE_RE (which tries \S+ at every position): most items hold no file or URL;
# case-sensitive, so the regex engine can skip ahead to the next '.', 'h' or 'w'
_FILE_GATE_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|html?|php|aspx?|JPE?G|PNG|GIF|PDF|HTML?)\b|https?://|www\.")
# A line holding only a short capitalised name ("Son Ji-Hyoung", "The Korea Herald"): a byline/credit.
_NAME_LINE_RE = re.compile(
    r"^[ \t]*(?:The\s+)?[A-Z][\w'’.\-]*(?:[ \t]+(?:of[ \t]+)?[A-Z][\w'’.\-]*){0,3}[ \t]*$", re.MULTILINE
)

_ABBREVIATIONS = words(
    "mr mrs ms dr prof rep reps sen gen lt col maj capt sgt adm gov pres st jr sr no nos vol vs "
    "jan feb mar apr jun jul aug sep sept oct nov dec approx est inc corp co ltd dept univ mt ft "
    "u.s u.k u.n e.u a.m p.m i.e e.g d.c"
)
# Candidate sentence ends: . ! ? (plus closing quotes) before a space and an upper-case start,
# or a line break. A period after a known abbreviation or a single initial is not an end.
_SENT_END_RE = re.compile(
    r"[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*[A-Z\"“])"
)
_LAST_WORD_RE = re.compile(r"([\w.]+)$")
_WS_RE = re.compile(r"[ \t]{2,}|\t")


def _publisher_suffix(m: re.Match[str]) -> str:
    """Drop the publisher after a headline of four words or more (not "Seoul - Tokyo")."""
    line_start = m.string.rfind("\n", 0, m.start()) + 1
    return "" if m.string.count(" ", line_start, m.start()) >= 3 else m.group(0)


def clean(text: str) -> str:
    """Drop bylines, photo credits, file names and lone name lines; keep the rest's layout."""
    text = unicodedata.normalize("NFC", text)
    if "\u2010" in text or "\u2011" in text:  # Unicode hyphens, as some sites write "43‑year‑old"
        text = text.replace("\u2010", "-").replace("\u2011", "-")
    if _CREDIT_GATE_RE.search(text):
        text = _CREDIT_RE.sub(" ", text)
    text = _PAREN_CREDIT_RE.sub(" ", text)
    if "(" in text:
        text = _DATELINE_AGENCY_RE.sub(r"\1 ", text)
    if "—" in text or "–" in text:
        text = _SIGNOFF_RE.sub("", text)
    if " - " in text or " | " in text or " — " in text or " – " in text:
        text = _PUBLISHER_SUFFIX_RE.sub(_publisher_suffix, text)
    heads = [line.lstrip() for line in text.split("\n")]  # the lines' starts, for the labels
    if "(" in text and any(h.startswith("(") for h in heads):
        text = _BRACKET_LABEL_RE.sub(r"\1", text)
        heads = [line.lstrip() for line in text.split("\n")]  # "(LEAD) LIVE: ..."
    if any(h.startswith(_FURNITURE_STARTS) for h in heads):
        text = _FURNITURE_LABEL_RE.sub(r"\1", text)
        text = _FURNITURE_LINE_RE.sub("", text)
    if "Getty" in text:
        text = _GETTY_RE.sub(" ", text)
    if _FILE_GATE_RE.search(text):
        text = _FILE_RE.sub(" ", text)
    text = _BYLINE_RE.sub("", text)
    if "By" in text or "BY" in text:
        text = _LONG_BYLINE_RE.sub("", text)
    if "contributed" in text or "(END)" in text or "(End)" in text or "diting by" in text:
        text = _CONTRIBUTORS_RE.sub("", text)
    text = _NAME_LINE_RE.sub("", text)
    return _WS_RE.sub(" ", text) if ("  " in text or "\t" in text) else text


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text`` (a paragraph break always ends one)."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        end = m.start() + 1
        if text[m.start()] == ".":
            w = _LAST_WORD_RE.search(text, max(0, m.start() - 12), m.start())
            if w and (w.group(1).lower() in _ABBREVIATIONS or (len(w.group(1)) == 1 and w.group(1).isupper())):
                continue
        if text[start:end].strip():
            out.append((start, end))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


@functools.lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Normalise a name for comparison: casefold, no diacritics, hyphens/apostrophes unified."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'").replace("‘", "'").replace("-", " ").replace("‐", " ")
    s = " ".join(s.split())
    if s.lower().startswith("the "):
        s = s[4:]
    return s.casefold()
