"""Feed bodies (RSS, Atom, RDF) to :class:`ParsedFeed`, hardened against hostile XML.

feedparser does the parsing. Before it sees the document we

* decode it to UTF-8 with feedparser's own encoding rules (BOM, HTTP charset, XML declaration,
  fallbacks), so every later step works on one known encoding; a UTF-8 document labelled
  UTF-16 or UTF-32 is read as UTF-8 (those labels "decode" it to mojibake without an error);
* remove every DOCTYPE declaration in the prolog, internal subset included. That is where
  entities are declared (billion laughs, quadratic blowup, external entities naming files or
  URLs, parameter entities), so after this nothing can be expanded or fetched: references to
  the now-undeclared entities make the strict parser fail and feedparser's loose parser keeps
  them as literal text;
* hand feedparser a byte stream (a bare ``bytes``/``str`` argument can make it open a local
  file or a URL named by the content).
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import io
import logging
import re
import time
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.encodings import convert_to_utf8
from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType

from watcher.errors import ParseError
from watcher.models import ParsedFeed, ParsedItem
from watcher.text import LONG_TAG_CHARS, collapse, html_to_text, strip_control

log = logging.getLogger("watcher.parse")

MAX_TEXT_CHARS = 100_000   # per item text
MAX_TITLE_CHARS = 2_000
MAX_KEY_CHARS = 1_000      # longer ids/links are replaced by their hash
MAX_LINK_CHARS = 4_000
# Items kept of one feed body, in the feed's order (newest first, as feeds list them). News
# feeds carry tens, archives a few thousand; beyond this a feed is a dump or an attack, and
# storing it all held up every other feed of the cycle.
MAX_ITEMS = 1_000

_BOM_UTF8 = b"\xef\xbb\xbf"
_WS = b" \t\r\n"
# Inside a DOCTYPE: the next byte that can change the scanner's state.
_DTD_TOKEN = re.compile(rb"""<!--|<\?|["'\[\]>]""")
# What feedparser treats as the document head (everything before the first element).
_FIRST_ELEMENT = re.compile(rb"<\w")
_HEAD_DECL = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html[\s>/])", re.IGNORECASE)
# numeric character references; those that may be no character (a surrogate, beyond U+10FFFF)
_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,12})|([0-9]{1,16}));")
_ODD_CHARREF = re.compile(rb"&#(?:[xX]0*(?:[dD][89a-fA-F][0-9a-fA-F]{2}|[0-9a-fA-F]{6,})"
                          rb"|0*(?:5[5-7][0-9]{3}|[0-9]{7,}));")
# an XML start tag of LONG_TAG_CHARS or more (see watcher.text): its attributes are dropped
_LONG_TAG = re.compile(rb"<([A-Za-z_][\w:.-]*)\s[^<>]{%d,}?(/?)>" % LONG_TAG_CHARS)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf|channel)[\s>]", re.IGNORECASE)
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SAX_LOCATION = re.compile(r"^<unknown>:(\d+):(\d+):\s*")


def _safe_charrefs(data: bytes) -> bytes:
    """References to what is no character (a lone surrogate, beyond U+10FFFF) as U+FFFD: the
    parser fails on them, and with it the whole feed. A surrogate pair written as two
    references ("&#55357;&#56832;", as some publishing systems do) is its one character."""
    if b"&#" not in data or _ODD_CHARREF.search(data) is None:
        return data
    out: list[bytes] = []
    done = 0                            # data[:done] is in out
    high: re.Match[bytes] | None = None  # a high surrogate waiting for its low one
    def code(ref: re.Match[bytes]) -> int:
        return int(ref[1], 16) if ref[1] is not None else int(ref[2])

    for m in _CHARREF.finditer(data):
        value = code(m)
        if high is not None:
            if m.start() == high.end() and 0xDC00 <= value <= 0xDFFF:
                joined = 0x10000 + ((code(high) - 0xD800) << 10) + (value - 0xDC00)
                out += [data[done:high.start()], b"&#x%X;" % joined]
                done, high = m.end(), None
                continue
            out += [data[done:high.start()], b"&#xFFFD;"]
            done, high = high.end(), None
        if 0xD800 <= value <= 0xDBFF:
            high = m
        elif value > 0x10FFFF or 0xDC00 <= value <= 0xDFFF:
            out += [data[done:m.start()], b"&#xFFFD;"]
            done = m.end()
    if high is not None:
        out += [data[done:high.start()], b"&#xFFFD;"]
        done = high.end()
    out.append(data[done:])
    return b"".join(out)


class ParseFailure(NamedTuple):
    """Why :func:`parse_job` could not parse a body (exceptions do not cross processes)."""

    message: str                 # the ParseError's message, or "Type: message" for a bug
    unexpected: bool = False     # True: not a ParseError but a bug or library surprise
    detail: str | None = None    # the traceback of an unexpected error


def parse_job(content: bytes, url: str, content_type: str | None) -> ParsedFeed | ParseFailure:
    """:func:`parse_feed` for a worker process: failures are returned, never raised."""
    try:
        return parse_feed(content, url=url, content_type=content_type)
    except ParseError as exc:
        return ParseFailure(str(exc))
    except Exception as exc:
        return ParseFailure(f"{type(exc).__name__}: {exc}", True, traceback.format_exc())


def parse_feed(content: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed body fetched from ``url``.

    ``content_type`` is the response's Content-Type header (its charset matters). Raises
    :class:`ParseError` when the body holds no feed: empty, an HTML page, or unparseable with
    no items. An ill-formed feed that still yields items, or a feed of more than
    :data:`MAX_ITEMS` entries (well-formed, only too long), is returned with ``warning`` set.
    """
    if not content or not content.strip(_WS + b"\x00\x0b\x0c" + _BOM_UTF8):
        raise ParseError("empty response")

    # Whitespace before the XML declaration is common and makes the declaration (and with it
    # strict parsing) invalid; only strip it when the document is ASCII-compatible.
    stripped = content.lstrip(_WS)
    if stripped.startswith(b"<"):
        content = stripped
    if content.startswith(b"{"):
        raise ParseError("not a feed: JSON Feed is not supported")
    content, content_type = _widen_encoding(content, content_type)
    headers = {"content-type": content_type} if content_type else {}
    encoding_info: dict[str, Any] = {}
    try:
        data = convert_to_utf8(headers, content, encoding_info)
        as_utf8 = _utf8_read_as_wide(content, encoding_info.get("encoding"))
    except Exception as exc:  # feedparser internals: never let a library error escape
        raise ParseError(f"could not decode feed: {exc}") from exc
    mislabelled = None
    if as_utf8 is not None:  # noted below, as feedparser notes a label it overrides
        data, mislabelled, encoding_info = as_utf8, str(encoding_info["encoding"]).lower(), {}
    data = _safe_charrefs(data)
    data = _LONG_TAG.sub(rb"<\1\2>", data)

    if _HTML_START.match(data, _skip_prolog(data, 0)) and not _FEED_ROOT.search(data):
        raise ParseError("not a feed: looks like an HTML page")

    data, removed_dtd = neutralise_doctype(data)
    if not data.strip(_WS):
        raise ParseError("not a feed: nothing left after removing the DOCTYPE")

    try:
        result = feedparser.parse(
            io.BytesIO(data),
            # No base URL on purpose: feedparser would also "resolve" RSS guids against it,
            # so item keys would change when the feed URL does. Links are joined below.
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=False,          # we reduce everything to plain text ourselves
            resolve_relative_uris=False,  # only matters for HTML we do not keep
        )
    except Exception as exc:
        raise ParseError(f"feed parser failed: {exc}") from exc

    problem = _bozo_message(result)
    if problem is None and not _benign(encoding_info.get("bozo_exception")):
        problem = _bozo_message(encoding_info)
    if problem is None and mislabelled:
        problem = f"document declared as {mislabelled}, but parsed as utf-8"
    entries = result.get("entries") or []
    if not entries and not result.get("version"):
        # An ill-formed document that is recognisably RSS/Atom/RDF but has no entries yet is
        # an empty feed (with a warning), not an error.
        raise ParseError(f"not a feed: {problem or 'no RSS, Atom or RDF content found'}")

    oldest_first = len(entries) > MAX_ITEMS and _oldest_first(entries)
    # of too many entries, the newest are kept: the first ones, or the last of a feed that
    # lists the oldest first (the items keep the document's order)
    items = _items(entries[::-1], url)[::-1] if oldest_first else _items(entries, url)

    notes = []
    if len(items) == MAX_ITEMS and len(entries) > MAX_ITEMS:
        notes.append(f"{len(entries):,} entries: the {'last' if oldest_first else 'first'} "
                     f"{MAX_ITEMS:,} items (the newest) kept")
    if removed_dtd:
        notes.append("DOCTYPE with declarations removed")
    if problem:
        notes.append(f"ill-formed feed: {problem}")
    title = _clean_title(result.get("feed", {}).get("title"),
                         result.get("feed", {}).get("title_detail"))
    return ParsedFeed(title=title or None, items=items, warning="; ".join(notes) or None)


# --- hostile XML ------------------------------------------------------------------------------

def neutralise_doctype(data: bytes) -> tuple[bytes, bool]:
    """Remove DOCTYPE declarations (with any internal subset) from the prolog of ``data``.

    Returns the new document and whether anything with an internal subset was removed.
    Works on UTF-8 (or any ASCII-compatible) bytes. Also removes stray ``<!DOCTYPE``/
    ``<!ENTITY`` markers left in the head when the prolog is not well-formed, because
    feedparser's fallback parser looks for entity declarations there.
    """
    pos = 0
    n = len(data)
    pieces: list[bytes] = []
    start = 0
    subset = False
    while pos < n:
        pos = _skip_prolog(data, pos)
        if data[pos:pos + 9].upper() == b"<!DOCTYPE":
            end, had_subset = _doctype_end(data, pos + 9)
            subset = subset or had_subset
            pieces.append(data[start:pos])
            start = pos = end
        else:
            break
    if not pieces:
        result = data
    else:
        pieces.append(data[start:])
        result = b"".join(pieces)
    first = _FIRST_ELEMENT.search(result)
    head_end = first.start() if first else len(result)
    if _HEAD_DECL.search(result, 0, head_end):
        subset = True
        result = _HEAD_DECL.sub(b"", result[:head_end]) + result[head_end:]
    return result, subset


def _skip_prolog(data: bytes, pos: int) -> int:
    """Skip a BOM, whitespace, processing instructions and comments from ``pos``."""
    if pos == 0 and data.startswith(_BOM_UTF8):
        pos = 3
    n = len(data)
    while True:
        while pos < n and data[pos] in _WS:
            pos += 1
        if data.startswith(b"<?", pos):
            end = data.find(b"?>", pos + 2)
            if end < 0:
                return pos
            pos = end + 2
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            if end < 0:
                return pos
            pos = end + 3
        else:
            return pos


def _doctype_end(data: bytes, pos: int) -> tuple[int, bool]:
    """Index just past the DOCTYPE starting before ``pos`` (or len(data) if unterminated)."""
    depth = 0
    had_subset = False
    n = len(data)
    while True:
        m = _DTD_TOKEN.search(data, pos)
        if m is None:
            return n, True
        token = m.group()
        pos = m.end()
        if token in (b'"', b"'"):
            end = data.find(token, pos)
            if end < 0:
                return n, True
            pos = end + 1
        elif token == b"<!--":
            end = data.find(b"-->", pos)
            if end < 0:
                return n, True
            pos = end + 3
        elif token == b"<?":
            end = data.find(b"?>", pos)
            if end < 0:
                return n, True
            pos = end + 2
        elif token == b"[":
            depth += 1
            had_subset = True
        elif token == b"]":
            depth = max(0, depth - 1)
        elif depth == 0:  # ">"
            return pos, had_subset


# --- encodings ----------------------------------------------------------------------------

# Legacy labels as browsers read them (WHATWG Encoding Standard): servers say "Shift_JIS" or
# "EUC-KR" and send the Windows supersets; decoding strictly fails and feedparser falls back
# to windows-1252, which turns every title into mojibake.
_SUPERSETS = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "csshiftjis": "cp932", "windows-31j": "cp932",
    "euc-kr": "cp949", "euc_kr": "cp949", "ks_c_5601-1987": "cp949", "ksc5601": "cp949",
    "cseuckr": "cp949", "windows-949": "cp949",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "csgb2312": "gb18030",
    "big5": "big5hkscs", "cn-big5": "big5hkscs", "x-x-big5": "big5hkscs",
    "tis-620": "cp874", "iso-8859-11": "cp874", "windows-874": "cp874",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "l1": "cp1252", "iso8859-1": "cp1252",
    "iso-8859-9": "cp1254", "latin5": "cp1254",
}
_DECLARED_ENCODING = re.compile(rb"""\A(<\?xml[^>]{0,200}?encoding\s*=\s*["'])([A-Za-z0-9._:-]+)""")
_CHARSET_PARAM = re.compile(r"""(charset\s*=\s*["']?)([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _widen_encoding(content: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """Replace legacy encoding labels (XML declaration, HTTP charset) by their supersets."""
    declared = _DECLARED_ENCODING.match(content)
    if declared:
        wider = _SUPERSETS.get(declared.group(2).decode("ascii").lower())
        if wider:
            content = declared.group(1) + wider.encode("ascii") + content[declared.end():]
    if content_type:
        charset = _CHARSET_PARAM.search(content_type)
        if charset:
            wider = _SUPERSETS.get(charset.group(2).lower())
            if wider:
                content_type = (content_type[:charset.start(2)] + wider
                                + content_type[charset.end(2):])
    return content, content_type


_WIDE_CODECS = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


def _utf8_read_as_wide(content: bytes, encoding: object) -> bytes | None:
    """``content`` converted as UTF-8 when feedparser read it as UTF-16 or UTF-32 (as its XML
    declaration or HTTP charset said) although it is valid UTF-8 starting with "<"; else None.

    Those codecs decode almost any byte string of even length without an error (to CJK
    mojibake), so feedparser's fallback to the next encoding never came and the whole feed
    failed as not well-formed (or not, by the parity of its length). In UTF-16 or UTF-32 a
    "<" comes with NULs: a document starting with "<" and a byte that is no NUL is in neither."""
    if not isinstance(encoding, str) or not _is_wide(encoding):
        return None
    head = content[3:5] if content.startswith(_BOM_UTF8) else content[:2]
    if len(head) < 2 or head[0] != ord("<") or head[1] == 0:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:  # some other encoding: left as feedparser read it
        return None
    data: bytes = convert_to_utf8({"content-type": "application/xml; charset=utf-8"}, content, {})
    return data


def _is_wide(label: str) -> bool:
    try:
        return codecs.lookup(label).name in _WIDE_CODECS
    except LookupError:
        return False


def _benign(exc: object) -> bool:
    """Encoding notes that hold for most healthy feeds (text/xml without charset, ...)."""
    if isinstance(exc, NonXMLContentType):
        return True
    return isinstance(exc, CharacterEncodingOverride) and "declared as us-ascii" in str(exc)


# --- entries to items ----------------------------------------------------------------------

def _oldest_first(entries: list[Any]) -> bool:
    """Whether a feed lists its entries oldest first: its first dated entry is older than its
    last one."""
    def when(entry: Any) -> Any:
        if not isinstance(entry, Mapping):
            return None
        return entry.get("published_parsed") or entry.get("updated_parsed")

    first = next((w for w in map(when, entries) if w), None)
    last = next((w for w in map(when, reversed(entries)) if w), None)
    try:
        return first is not None and last is not None and tuple(first) < tuple(last)
    except TypeError:
        return False


def _items(entries: list[Any], base: str) -> tuple[ParsedItem, ...]:
    items: list[ParsedItem] = []
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        try:
            item = _item(entry, base)
        except Exception:  # one odd entry must not lose the others
            log.debug("skipping entry that could not be read", exc_info=True)
            continue
        if item is None:
            continue
        if item.key in seen:
            log.debug("duplicate item key %r skipped", item.key)
            continue
        seen.add(item.key)
        items.append(item)
        if len(items) == MAX_ITEMS:
            break
    return tuple(items)


def _item(entry: Mapping[str, Any], base: str) -> ParsedItem | None:
    title = _clean_title(entry.get("title"), entry.get("title_detail"))
    link = _clean_line(entry.get("link"))
    # feedparser takes an RSS guid (isPermaLink absent or true) or an Atom id for the link of
    # an item without one, but most are no URL ("a1b2", "urn:uuid:..."): joined to the feed's
    # URL, "a1b2" became a link to a page that does not exist. Such a guid is the item's
    # identity only, never joined; it is its link when it is a web URL itself (below).
    if link is not None and not _ABSOLUTE.match(link) and not _link_is_guid(entry):
        try:
            link = urljoin(base, link)
        except ValueError:
            link = None
    if link is not None and len(link) > MAX_LINK_CHARS:
        link = None
    text = _text(entry)
    guid = _clean_line(entry.get("id"))
    if not (guid or title or text or link):
        return None
    content_hash = _sha256(title + "\n" + text)
    key = guid or link or f"sha256:{content_hash}"
    if len(key) > MAX_KEY_CHARS:
        key = f"sha256:{_sha256(key)}"
    return ParsedItem(
        key=key,
        title=title or _title_from(text),
        # what alerts and `watcher hits` offer to open: a web page or nothing (a link of
        # another scheme, javascript: or mailto:, still names the item when it has no guid)
        link=link if link is not None and _web_url(link) else None,
        published=_date(entry.get("published_parsed")) or _date(entry.get("updated_parsed")),
        text=text,
        content_hash=content_hash,
    )


def _link_is_guid(entry: Mapping[str, Any]) -> bool:
    """Whether feedparser's ``link`` of ``entry`` is its guid (no link element gave it)."""
    link = entry.get("link")
    if not entry.get("guidislink") or link != entry.get("id"):
        return False
    links = entry.get("links")
    return not (isinstance(links, list)
                and any(isinstance(one, Mapping) and one.get("href") == link for one in links))


def _web_url(link: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _title_from(text: str, limit: int = 120) -> str:
    """A title for an item that has none (feeds of short posts): its text's first line, cut at
    a word near ``limit`` characters. What alerts and `watcher hits` show; the item's identity
    (its hash) is still that of an untitled item."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut or first[:limit]}…"


def _text(entry: Mapping[str, Any]) -> str:
    candidates: list[str] = []
    for content in entry.get("content") or []:
        if isinstance(content, Mapping) and isinstance(content.get("value"), str):
            candidates.append(content["value"])
    summary = entry.get("summary")
    if isinstance(summary, str):
        candidates.append(summary)
    if not candidates:
        return ""
    longest = max(candidates, key=len)
    # Bound the work too, not only the result: HTML is rarely more than 20x its text.
    text = html_to_text(longest[: MAX_TEXT_CHARS * 20])
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS].rstrip()
    return text


def _clean_title(value: Any, detail: Any) -> str:
    if not isinstance(value, str):
        return ""
    value = value[: MAX_TITLE_CHARS * 20]
    kind = detail.get("type", "") if isinstance(detail, Mapping) else ""
    if "html" in str(kind) and ("<" in value or "&" in value):
        value = html_to_text(value)
    title = collapse(strip_control(value))
    return title[:MAX_TITLE_CHARS].rstrip()


def _clean_line(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return collapse(strip_control(value)) or None


# Dates outside these bounds are a feed's mistake or a lie (9999-01-01, year 0, an epoch of 0),
# not when the item appeared: kept, such a date sorted the story's timeline for good. The item
# is then dated as unknown, like one with no date at all.
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = 2 * 86400.0   # time zones and clocks a little ahead


def _date(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time | tuple) or len(value) < 6:
        return None
    try:
        # feedparser's *_parsed values are UTC struct_times
        seconds = calendar.timegm((*value[:6], 0, 0, 0))
        when = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None
    if when < EARLIEST_DATE or seconds > time.time() + FUTURE_SLACK:
        return None
    return when


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _bozo_message(result: Mapping[str, Any]) -> str | None:
    if not result.get("bozo"):
        return None
    exc = result.get("bozo_exception")
    if exc is None:
        return "ill-formed document"
    text = strip_control(str(exc)) or type(exc).__name__
    location = _SAX_LOCATION.match(text)
    if location:
        text = f"{text[location.end():]} (line {location.group(1)}, column {location.group(2)})"
    return collapse(text)[:300]
