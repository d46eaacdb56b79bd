"""HTML fragments (feed summaries and contents) to plain text.

Runs on every item, so it is built on selectolax's lexbor backend (a C HTML5 parser) and
does a fixed amount of Python work per block element, none per character.
"""

from __future__ import annotations

import logging
import re

from selectolax.lexbor import LexborHTMLParser

log = logging.getLogger("watcher.text")

# Elements whose content is never readable text.
_DROP = ["script", "style", "noscript", "template", "iframe", "object", "embed", "head"]

# Elements that start a new line of text (block boundaries, line breaks, list items, cells).
_BLOCKS = (
    "address, article, aside, blockquote, br, caption, dd, details, dialog, div, dl, dt, "
    "fieldset, figcaption, figure, footer, form, h1, h2, h3, h4, h5, h6, header, hgroup, hr, "
    "li, main, nav, ol, p, pre, section, summary, table, tbody, tfoot, thead, tr, ul"
)
# Table cells are separated by a space, not a line.
_CELLS = "td, th"

# Private-use marker for a block boundary, chosen because it never occurs in real text.
# Any occurrence in the input is removed first so it cannot fake a boundary.
_MARK = "\ue000"

_MARKED_LINE = re.compile(r" ?\ue000[\ue000 ]*")
# A start tag this long holds hundreds of attributes: the XML and HTML parsers take time
# growing with the square of their number (seconds for a 400 KB tag, hours for 10 MB), and
# no feed needs them: they are dropped, the element kept (here for HTML, in parse.py for XML).
LONG_TAG_CHARS = 8000
_LONG_TAG = re.compile(rf"<([A-Za-z][\w:-]*)\s[^<>]{{{LONG_TAG_CHARS},}}?(/?)>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_control(text: str) -> str:
    """Remove NUL, other C0/C1 control characters and lone surrogates (keeps tab/newlines)."""
    return _CONTROL.sub("", text)


def collapse(text: str) -> str:
    """One line: every run of whitespace becomes a single space, ends stripped."""
    return " ".join(text.split())  # str.split() knows the same white space as re's \s


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML fragment or page.

    Scripts and styles are dropped, entities are decoded, whitespace inside a block collapses
    to single spaces and block boundaries (paragraphs, ``<br>``, list items, headings, table
    rows) become single newlines. Plain text without markup passes through (whitespace
    normalised), so it is safe to call on fields that may or may not hold HTML.
    """
    if not html:
        return ""
    html = _CONTROL.sub("", html)
    if "<" not in html and "&" not in html:
        return _finish(" ".join(html.split()))
    html = _LONG_TAG.sub(r"<\1\2>", html.replace(_MARK, ""))
    tree = LexborHTMLParser(html)
    tree.strip_tags(_DROP)
    for node in tree.css(_BLOCKS):
        node.insert_before(_MARK)
        node.insert_after(_MARK)
    for node in tree.css(_CELLS):
        node.insert_after(" ")
    top = tree.body if tree.body is not None else tree.root
    if top is None:
        return ""
    raw = top.text(deep=True, separator="")
    # Source whitespace (including newlines) is insignificant in HTML: collapse it first,
    # then turn each run of boundary marks into one newline.
    flat = " ".join(raw.split())
    return _finish(_MARKED_LINE.sub("\n", flat))


def _finish(text: str) -> str:
    # Entity references such as &#1; can reintroduce control characters: strip again.
    lines = (line.strip() for line in _CONTROL.sub("", text).split("\n"))
    return "\n".join(line for line in lines if line)
