"""Text preparation shared by the extractors: drop non-story lines, split sentences.

Everything here is compiled once at import time; the functions are called per item.
"""

from __future__ import annotations

import functools
import re
import unicodedata


def words(s: str) -> frozenset[str]:
    """A word list written as one space-separated string (easier to read and edit)."""
    return frozenset(s.split())


# A byline ("By Jane Doe", "By Jane Doe and John Roe, Staff Reporters").
_BYLINE_RE = re.compile(r"^\s*(?:By|BY|Written by|Reporting by)\s+[A-Z][^\n]{0,80}$", re.MULTILINE)
# A photo/image credit, from the marker to the end of its line.
_CREDIT_RE = re.compile(
    r"(?:\(|\b)(?:PHOTO|Photo|IMAGE|Image|Photograph|PICTURE|Picture|Credit|CREDIT)s?\s*(?:by|credit)?\s*[:/][^\n]*",
)
_CREDIT_GATE_RE = re.compile(r"(?:PHOTO|Photo(?:graph)?|IMAGE|Image|PICTURE|Picture|Credit|CREDIT)s?\s*(?:by|credit)?\s*[:/]")
_PAREN_CREDIT_RE = re.compile(r"\((?:AP|AFP|Reuters|Yonhap|EPA|Getty)[^)\n]{0,40}\)")
# A file name or URL on its own.
_FILE_RE = re.compile(r"\S+\.(?:jpe?g|png|gif|webp|svg|pdf|html?|php|aspx?)\b|\bhttps?://\S+|\bwww\.\S+", re.I)
# cheap test for _FILE_RE (which tries \S+ at every position): most items hold no file or URL
_FILE_GATE_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|html?|php|aspx?)\b|https?://|www\.", re.I)
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


def clean(text: str) -> str:
    """Drop bylines, photo credits, file names and lone name lines; keep the rest's layout."""
    text = unicodedata.normalize("NFC", text)
    if _CREDIT_GATE_RE.search(text):
        text = _CREDIT_RE.sub(" ", text)
    text = _PAREN_CREDIT_RE.sub(" ", text)
    if _FILE_GATE_RE.search(text):
        text = _FILE_RE.sub(" ", text)
    text = _BYLINE_RE.sub("", text)
    text = _NAME_LINE_RE.sub("", text)
    return _WS_RE.sub(" ", text)


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
    s = re.sub(r"\s+", " ", s).strip()
    if s.lower().startswith("the "):
        s = s[4:]
    return s.casefold()
