"""Text normalisation shared by rule terms and item text.

Terms and items go through the same function, so a term matches when its normalised form
appears in the normalised item as whole tokens. The normalised form is a sequence of tokens
separated by single spaces:

* Unicode compatibility normalisation (NFKC), then ``casefold`` (case-insensitive matching);
* "soft" punctuation becomes a space: hyphens, apostrophes and quotation marks (straight or
  curly), underscores. So ``Kim Jong-un`` == ``Kim Jong Un`` and ``North Korea's`` contains
  ``North Korea``;
* every run of other punctuation or symbols (``.,;:!?()/&`` ...) becomes a barrier token
  ``.``: a word next to it still matches, but a phrase cannot run across it
  (``Russia. Ukraine`` does not contain the phrase ``Russia Ukraine``);
* runs of white space collapse to one space.

Word characters are Unicode letters, digits and combining marks.
"""

from __future__ import annotations

import re
import unicodedata

# Punctuation treated like a space.
_SOFT = (
    "-\u2010\u2011"                                  # hyphen-minus, hyphen, non-breaking hyphen
    "'`\u00b4\u2018\u2019\u201a\u201b\u02bc\u2032"   # apostrophes, single quotes, prime
    "\"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a"  # double quotes, guillemets
    "_"
)
BARRIER = "."
_SOFT_ASCII = "".join(ch for ch in _SOFT if ch.isascii())

# Most feed text is ASCII once casefolded: for it, the barrier class below with its ASCII
# members spelled out (str.isspace() and re's \s also count \x1c-\x1f as white space).
_HARD_ASCII = re.compile(f"[^a-z0-9_ \\t\\n\\r\\f\\v\\x1c-\\x1f{re.escape(_SOFT_ASCII)}]+")

_hard_re: re.Pattern[str] | None = None


def _mark_class() -> str:
    """Regex class body listing the combining marks (categories Mn, Mc, Me)."""
    ranges: list[list[int]] = []
    for cp in (*range(0x20000), *range(0xE0100, 0xE01F0)):
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(
        f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges
    )


def _hard() -> re.Pattern[str]:
    global _hard_re
    if _hard_re is None:
        soft = re.escape(_SOFT)
        _hard_re = re.compile(f"[^\\w\\s{soft}{_mark_class()}]+")
    return _hard_re


def normalise(text: str) -> str:
    """Return ``text`` as space-separated casefolded tokens (see the module docstring)."""
    s = unicodedata.normalize("NFKC", text).casefold()
    ascii_only = s.isascii()
    for ch in _SOFT_ASCII if ascii_only else _SOFT:
        if ch in s:
            s = s.replace(ch, " ")
    s = (_HARD_ASCII if ascii_only else _hard()).sub(" . ", s)
    return " ".join(s.split())


def has_word(core: str) -> bool:
    """True when a normalised string holds at least one word token (not only barriers)."""
    return any(tok != BARRIER for tok in core.split())


def item_text(title: str, text: str) -> str:
    """The string the automaton scans: padded, with a barrier between title and text."""
    return f" {normalise(title)} {BARRIER} {normalise(text)} "
