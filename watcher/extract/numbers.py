"""Find numbers in text and read their values: 1,500 · 11 000 · 8 million · $2.5bn · 1.5m people ·
12k troops · 3.5% · seven · a dozen · half a million · two and a half million.

Number words are converted by ``text2num`` (``text_to_num.text2num``); this module only finds the
spans. Vague amounts ("dozens", "hundreds", "tens of thousands") are not read as numbers: they
carry no value that could tell one report from the next.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from text_to_num import text2num

from watcher.extract.text import LiteralGate, trie_pattern

_SCALES = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "trillion": 1e12, "tn": 1e12, "trn": 1e12,
}
_CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "U.S.$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW",
                     "₽": "RUB", "₴": "UAH", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD",
                     "HK$": "HKD", "NZ$": "NZD", "S$": "SGD", "NT$": "TWD", "R$": "BRL", "MX$": "MXN",
                     **{code: code for code in ("USD", "EUR", "GBP", "JPY", "KRW", "CNY", "RUB", "UAH", "INR",
                                                "CHF", "AUD", "CAD")}}

_UNITS = "zero|one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NUMWORD = rf"(?:(?:{_TENS})(?:-(?:{_UNITS}))?|{_TEENS}|{_UNITS}|hundred|thousand|million|billion|trillion)"
# A fraction of a scale word: "half a million", "a quarter of a million", "a half-million",
# "two and a half million", "half a dozen". (Read whole: "half a million" is not "a million".)
_FRACTION = (rf"(?:(?:{_UNITS}|{_TEENS})\s+and\s+)?(?:a\s+|one\s+)?(?:half|quarter)(?:\s+of)?"
             r"(?:\s+an?\s+|[ \t]*[-‐][ \t]*|\s+)(?:dozen|hundred|thousand|million|billion)")
_FRACTION_RE = re.compile(
    rf"(?:(?P<whole>{_UNITS}|{_TEENS})\s+and\s+)?(?:a\s+|one\s+)?(?P<part>half|quarter)\D*?"
    r"(?P<scale>dozen|hundred|thousand|million|billion)", re.IGNORECASE)
_FRACTIONS = {"half": 0.5, "quarter": 0.25}
_SCALE_WORDS = {"dozen": 12.0, "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}

# Digits, with scale/percent after. The pattern starts with a digit (the "not after a word,
# '.' or ','" test is a lookbehind placed after it) so the regex engine can skip ahead to the
# next digit; a leading optional currency group made it try every position. The currency
# before is read by ``_CURRENCY_BEFORE_RE``.
_DIGITS_RE = re.compile(
    r"""
    (?P<digits>\d(?<![\w.,]\d)(?:\d{0,2}(?:(?:,\d{3})+|(?:[ \u00a0\u202f]\d{3})+(?!\w|[ \t\u00a0\u202f]\d|[ ]mm\b))
               (?:\.\d+)?(?![\d,]\d)|\d*(?:\.\d+)?(?!,\d{3})))
    (?:[ \t]?(?P<scale>trillion|billion|million|thousand|bn|mn|mln|tn|k|m|b)\b)?
    (?:[ \t]?(?P<pct>%|percent\b|per[ \t]cent\b))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
# What follows a bare "m" or "k" glued to its digits when it means million or thousand: a plural
# noun ("1.5m people", "12k troops", "3m tonnes"). Anything else ("a 10m wall", "200m from the
# border", "the 10k run") is a length or a race, and the number is left unscaled (and, glued to a
# letter, not taken as a figure by its callers).
_GLUED_SCALE_NEXT_RE = re.compile(
    r"[ \t]+(?:[A-Z][\w’'\-]*[ \t]+){0,3}(?:(?!(?:from|to|of|in|on|at|by|for|the|a|an|and|or|"
    r"away|high|long|deep|wide|tall|above|below|under|over|off)\b)[a-z]+[ \t]+)?"
    r"(?P<noun>people|[A-Z]?[a-z]{2,}s(?<![su]s)(?<!is))\b")  # not "across", "status", "analysis"
# the other end of a range, its "m" or "k" glued the same way: "-12k", " to 2m", " and 12k"
_GLUED_RANGE_RE = re.compile(r"[ \t]*(?:[-–]|to|and|or)[ \t]*\d[\d,.]*[mMkK]\b")
# words ending in "s" that are no plural noun, and the races run over metres ("400m hurdles")
_NOT_PLURALS = frozenset(("towards", "afterwards", "upwards", "downwards", "backwards", "forwards",
                          "onwards", "sideways", "always", "perhaps", "whereas", "besides", "was",
                          "has", "does", "hurdles", "metres", "meters"))
# (a dollar sign with its country's letters: "A$3.9 billion" is Australian, "U.S.$2.76 billion"
# American; letters glued to a word before them are no prefix: "NGN$" is not "N$")
_CURRENCY_BEFORE_RE = re.compile(
    r"(?P<cur>(?<![A-Za-z.])(?:U\.S\.|US|AU|CA|HK|NZ|NT|MX|A|C|S|R)\$|\$|€|£|¥|₩|₽|₴"
    # an ISO code before the amount: "USD 500 million", "KRW 1 trillion"
    r"|(?<![A-Za-z])(?:USD|EUR|GBP|JPY|KRW|CNY|RUB|UAH|INR|CHF|AUD|CAD)(?=[ \t]))[ \t\n\r\f\v]?$")
# Number words, tried only where a word that can start one stands (a per-position regex scan
# over every word of the text would cost more than the rest of the extraction).
_WORDS_RE = re.compile(
    rf"(?P<words>{_FRACTION}|(?:(?:a|one)\s+dozen|dozen|a\s+(?:hundred|thousand|million|billion)|{_NUMWORD}(?:(?:\s+and)?[\s-]+{_NUMWORD})*)\b)"
    r"(?:[ \t]?(?P<wpct>percent\b|per[ \t]cent\b))?",
    re.IGNORECASE,
)
_STARTERS = frozenset(
    f"{_UNITS}|{_TEENS}|{_TENS}|dozen|half|quarter|a".split("|")
)
# Words that can start a spelled-out number, lower case or capitalised, as a trie (a
# case-sensitive trie is scanned several times faster than a case-insensitive word list); "a"
# only before a scale word ("a dozen", "a million").
_STARTER_RE = re.compile(
    r"\b(?:"
    + trie_pattern(w for s in _STARTERS - {"a"} for w in (s, s.capitalize()))
    + r"|[Aa](?=\s+(?:dozen|hundred|thousand|million|billion|half|quarter)\b))\b"
)
_STARTER_GATE = LiteralGate(
    _STARTER_RE,
    [*(w for s in _STARTERS - {"a"} for w in (s, s.capitalize())),
     *(f"{a} {scale}" for a in "aA"
       for scale in ("dozen", "hundred", "thousand", "million", "billion", "half", "quarter"))],
    word_start=True,
)
NUMBER_RE = _DIGITS_RE  # kept for callers that only want digit forms


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number found in text: its span, value and how it was written."""

    start: int
    end: int
    value: float
    raw: str
    spelled: bool = False
    percent: bool = False
    currency: str | None = None
    scaled: bool = False


def word_value(words: str) -> float | None:
    """The value of a spelled-out number ("seven", "a hundred", "half a million"), or None."""
    fraction = _FRACTION_RE.fullmatch(words)
    if fraction is not None:
        whole = word_value(fraction["whole"]) if fraction["whole"] else 0.0
        if whole is None:
            return None
        return (whole + _FRACTIONS[fraction["part"].lower()]) * _SCALE_WORDS[fraction["scale"].lower()]
    w = " ".join(words.lower().split())
    if w.endswith("dozen"):
        return 12.0
    if w.startswith("a "):
        w = "one " + w[2:]
    try:
        return float(text2num(w, "en"))
    except ValueError:
        return None


def _scaled(value: float, scale: float) -> float:
    """``value`` times a scale word's, as written: 16.4 billion is 16,400,000,000, not the
    binary product 16,399,999,999.999998 (which "16,400,000,000" elsewhere would not equal)."""
    return float(f"{value * scale:.12g}")


def _glued_scale(text: str, end: int) -> bool:
    """Whether a plural noun (a count's, not a length's) follows a glued "m" or "k" at ``end``,
    maybe after the other end of a range written the same way ("10k-12k troops")."""
    other = _GLUED_RANGE_RE.match(text, end, end + 30)
    if other is not None:
        end = other.end()
    nxt = _GLUED_SCALE_NEXT_RE.match(text, end, end + 40)
    return nxt is not None and nxt.group("noun") not in _NOT_PLURALS


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number-like span of ``text`` with its value (filtering is the caller's business)."""
    out: list[NumberMatch] = []
    for m in _DIGITS_RE.finditer(text):
        digits = m.group("digits")
        value = float(digits.replace(",", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", ""))
        scale = m.group("scale")
        c = _CURRENCY_BEFORE_RE.search(text, max(0, m.start() - 7), m.start())
        cur = c.group("cur") if c else None
        scaled = False
        if scale:
            s = scale.lower()
            # bare "m"/"b"/"k" scale money ("$5m"), and "m"/"k" glued to a count of a plural
            # noun ("1.5m people", "12k troops"); not "5 m" or "a 10m wall"
            if len(s) > 1 or cur or (s in ("m", "k") and m.start("scale") == m.end("digits")
                                     and _glued_scale(text, m.end())):
                value = _scaled(value, _SCALES[s])
                scaled = True
        end = m.end() if (scaled or m.group("pct")) else m.end("digits")
        if m.group("pct") and not scaled:
            end = m.end("pct")
        start = c.start() if c else m.start("digits")
        out.append(NumberMatch(
            start, end, value, text[start:end], percent=bool(m.group("pct")),
            currency=_CURRENCY_SYMBOLS.get(cur) if cur else None, scaled=scaled,
        ))
    pos = 0
    digit_spans = [(n.start, n.end) for n in out]
    for t in _STARTER_GATE.finditer(text):
        if t.start() < pos:
            continue
        if digit_spans and any(s <= t.start() < e for s, e in digit_spans):
            continue
        if t.start() > 0 and text[t.start() - 1].isalnum():
            continue
        w = _WORDS_RE.match(text, t.start())
        if not w:
            continue
        value_w = word_value(w.group("words"))
        pos = w.end()
        if value_w is None:
            continue
        out.append(NumberMatch(
            w.start("words"), w.end(), value_w, w.group(0), spelled=True, percent=bool(w.group("wpct")),
        ))
    out.sort(key=lambda n: n.start)
    return _range_scaled(text, out)


# the first end of a range written with one scale word: "11-12 thousand", "between 10 and 12
# million", "$1-2 billion" (11,000, 10 million, $1 billion)
_RANGE_GAP_RE = re.compile(r"[ \t]*[-–—][ \t]*|[ \t]+(?:to|and|or)[ \t]+")
_WORD_SCALE_RE = re.compile(r"[ \t]?(thousand|million|billion|trillion|bn|mn|mln|tn)$", re.IGNORECASE)


def _range_scaled(text: str, numbers: list[NumberMatch]) -> list[NumberMatch]:
    """Ranges read whole: the first end takes the second's scale word, and the second the
    first's currency ("$1-2 billion")."""
    for i in range(len(numbers) - 1):
        a, b = numbers[i], numbers[i + 1]
        if a.spelled or a.percent or b.spelled or not _RANGE_GAP_RE.fullmatch(text, a.end, b.start):
            continue
        if a.currency and not b.currency and (b.scaled or "-" in text[a.end:b.start]
                                               or "–" in text[a.end:b.start]):
            # ("$100-200", "$1-2 billion"; not "$40 and 10 workers")
            numbers[i + 1] = b = dataclasses.replace(b, currency=a.currency)
        scale = _WORD_SCALE_RE.search(b.raw) if b.scaled and not a.scaled else None
        value = _scaled(a.value, _SCALES[scale.group(1).lower()]) if scale is not None else 0.0
        if 0 < value <= b.value:
            numbers[i] = dataclasses.replace(a, value=value, scaled=True,
                                             currency=a.currency or b.currency)
    return numbers
