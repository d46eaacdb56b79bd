"""Turn an alert payload into readable text: a subject line, a plain-text body and an HTML body.

The payload is the external JSON contract (see :mod:`watcher.notify`). Rendering is tolerant:
missing or oddly typed keys are shown as absent rather than raising, because a payload that
reached the outbox must always be deliverable.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from watcher.models import ADDED, base_key

__all__ = [
    "format_figure_value",
    "format_number",
    "format_published",
    "render_html",
    "render_subject",
    "render_summary",
    "render_text",
]

SUBJECT_PREFIX = "[watcher]"
MAX_SUBJECT_CHARS = 200
_SUBJECT_LIST_LIMIT = 3

_SCALES = (
    (Decimal(10) ** 12, "trillion"),
    (Decimal(10) ** 9, "billion"),
    (Decimal(10) ** 6, "million"),
)
_CENT = Decimal("0.01")
_MILLI = Decimal("0.001")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
_PREFIX_SYMBOLS = frozenset({"$", "€", "£", "¥", "₩", "₽"})
_WS = re.compile(r"\s+")


# --- numbers and dates -------------------------------------------------------------------------

def _plain(d: Decimal) -> str:
    """A Decimal with thousands separators and no exponent or trailing zeros."""
    d = d.normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return format(d, ",f")


def format_number(value: Any) -> str:
    """Format a figure's value for people.

    ``8000 -> "8,000"``, ``8000000 -> "8 million"``, ``2500000 -> "2.5 million"``,
    ``1234567 -> "1,234,567"``, ``2.5 -> "2.5"``, ``1/3 -> "0.333"``. Non-numbers are returned
    as ``str(value)``.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    try:
        d = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    except InvalidOperation:  # pragma: no cover - repr of a finite float is always valid
        return str(value)
    for scale, word in _SCALES:
        if abs(d) >= scale:
            scaled = d / scale
            if scaled == scaled.quantize(_CENT):
                return f"{_plain(scaled)} {word}"
            break
    if d == d.to_integral_value():
        return _plain(d)
    if abs(d) < 1:
        # keep three significant digits for small fractions (0.0042 stays readable)
        return f"{float(d):.3g}"
    return _plain(d.quantize(_MILLI))


def _with_unit(number: str, unit: Any) -> str:
    if not isinstance(unit, str) or not unit.strip():
        return number
    unit = unit.strip()
    if unit == "%":
        return f"{number}%"
    if unit in _PREFIX_SYMBOLS:
        return f"{unit}{number}"
    if _CURRENCY_CODE.match(unit):
        return f"{unit} {number}"
    return f"{number} {unit}"


def format_figure_value(figure: Mapping[str, Any], *, qualifier: bool = True) -> str:
    """``"around 8,000"``, ``"USD 2 million"``, ``"12%"``, ``"3,000 more"``: value with unit and
    qualifier."""
    text = _with_unit(format_number(figure.get("value")), figure.get("unit"))
    q = figure.get("qualifier")
    added = str(figure.get("key") or "").endswith(ADDED)
    if qualifier and isinstance(q, str) and q.strip():
        # "more" is "another": "3,000 more" (not "more 3,000", which reads as "more than"); an
        # increment with another qualifier is "up to 30,000 more"
        text = f"{text} more" if q.strip() == "more" else f"{q.strip()} {text}" + (" more" if added else "")
    elif qualifier and added:
        text += " more"  # the other end of "an extra 25,000 to 30,000"
    return text


def _parse_published(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value.strip():
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def format_published(value: Any) -> str | None:
    """``"2024-10-31T20:00:00Z" -> "2024-10-31 20:00 UTC"``; unparseable strings pass through."""
    dt = _parse_published(value)
    if dt is not None:
        return dt.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


# --- payload access ------------------------------------------------------------------------------

def _str(value: Any) -> str:
    """Readable one-line string for a payload field ("" when absent)."""
    if value is None:
        return ""
    return _WS.sub(" ", str(value)).strip()


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def _item(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    item = payload.get("item")
    return item if isinstance(item, Mapping) else {}


def _timeline(figure: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Previous values of a figure, oldest first (undated ones first, in their given order)."""
    previous = _dicts(figure.get("previous"))
    floor = datetime.min.replace(tzinfo=UTC)

    def key(indexed: tuple[int, Mapping[str, Any]]) -> tuple[datetime, int]:
        i, prev = indexed
        return (_parse_published(prev.get("published")) or floor, i)

    return [prev for _, prev in sorted(enumerate(previous), key=key)]


def _figure_label(figure: Mapping[str, Any]) -> str:
    # (an increment's key names its thing: "3,000 more troops", not "troops_added")
    return base_key(_str(figure.get("key"))) or _str(figure.get("quantity"))


def _limited(parts: list[str]) -> str:
    if len(parts) <= _SUBJECT_LIST_LIMIT:
        return ", ".join(parts)
    shown = ", ".join(parts[:_SUBJECT_LIST_LIMIT])
    return f"{shown} and {len(parts) - _SUBJECT_LIST_LIMIT} more"


# --- subject ---------------------------------------------------------------------------------

def render_summary(payload: Mapping[str, Any]) -> str:
    """One line naming the rule and what is new, without the ``[watcher]`` prefix.

    ``nk-troops: new figure 8,000 troops (was 3,000); new actor Antony Blinken``
    """
    rule = _str(payload.get("rule")) or "alert"
    parts: list[str] = []

    figures = []
    for fig in _dicts(payload.get("new_figures")):
        text = " ".join(p for p in (format_figure_value(fig), _figure_label(fig)) if p)
        timeline = _timeline(fig)
        if timeline:
            text += f" (was {format_figure_value(timeline[-1], qualifier=False)})"
        figures.append(text)
    if figures:
        parts.append(("new figure " if len(figures) == 1 else "new figures ") + _limited(figures))

    actors = [_str(a.get("name")) for a in _dicts(payload.get("new_actors"))]
    actors = [a for a in actors if a]
    if actors:
        parts.append(("new actor " if len(actors) == 1 else "new actors ") + _limited(actors))

    if not parts:
        title = _str(_item(payload).get("title"))
        parts.append(f"new item {title}" if title else "new item")
    return f"{rule}: " + "; ".join(parts)


def render_subject(payload: Mapping[str, Any]) -> str:
    """The e-mail subject: a single line, at most :data:`MAX_SUBJECT_CHARS` characters."""
    subject = f"{SUBJECT_PREFIX} {render_summary(payload)}"
    if len(subject) > MAX_SUBJECT_CHARS:
        subject = subject[: MAX_SUBJECT_CHARS - 1].rstrip() + "…"
    return subject


# --- plain text --------------------------------------------------------------------------------

def _who_when(said_by: Any, published: Any) -> str:
    return ", ".join(p for p in (_str(said_by), format_published(published) or "") if p)


def render_text(payload: Mapping[str, Any]) -> str:
    """A plain-text body showing the item, each new figure with its timeline, each new actor."""
    item = _item(payload)
    lines = [render_summary(payload), ""]
    for label, value in (
        ("Item", _str(item.get("title")) or "(untitled)"),
        ("Link", _str(item.get("link"))),
        ("Feed", _str(item.get("feed"))),
        ("Published", format_published(item.get("published")) or "unknown"),
    ):
        if value:
            lines.append(f"{label + ':':<11}{value}")

    figures = _dicts(payload.get("new_figures"))
    if figures:
        lines += ["", "New figures", "-----------"]
        for fig in figures:
            head = _str(fig.get("quantity")) or _figure_label(fig) or "figure"
            lines.append(f"* {head}: {format_figure_value(fig)}")
            if _str(fig.get("said_by")):
                lines.append(f"  Said by: {_str(fig.get('said_by'))}")
            if _str(fig.get("text")):
                lines.append(f"  Text: \u201c{_str(fig.get('text'))}\u201d")
            timeline = _timeline(fig)
            if timeline:
                lines.append("  Timeline:")
                for prev in timeline:
                    who = _who_when(prev.get("said_by"), prev.get("published"))
                    value = format_figure_value(prev, qualifier=False)
                    lines.append(f"    - {value}" + (f" ({who})" if who else ""))
                now = _who_when(fig.get("said_by"), item.get("published"))
                lines.append(f"    - {format_figure_value(fig)} (now" + (f": {now})" if now else ")"))

    actors = _dicts(payload.get("new_actors"))
    if actors:
        lines += ["", "New actors", "----------"]
        for actor in actors:
            kind = _str(actor.get("kind"))
            lines.append(f"* {_str(actor.get('name'))}" + (f" ({kind})" if kind else ""))

    lines += ["", "-- ", f"Sent by watcher. Alert id: {_str(payload.get('id'))}"]
    return "\n".join(lines) + "\n"


# --- HTML --------------------------------------------------------------------------------------

def _e(value: Any) -> str:
    return html.escape(_str(value), quote=True)


def _safe_href(link: str) -> str | None:
    """Only http(s) links become clickable; anything else (javascript:, data:) stays text."""
    lowered = link.lower()
    if lowered.startswith(("http://", "https://")):
        return link
    return None


def render_html(payload: Mapping[str, Any]) -> str:
    """An HTML body with the same content as :func:`render_text`; every value is escaped."""
    item = _item(payload)
    title = _str(item.get("title")) or "(untitled)"
    link = _str(item.get("link"))
    href = _safe_href(link) if link else None
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{_e(render_subject(payload))}</title></head>",
        '<body style="font-family: sans-serif; line-height: 1.4">',
        f"<h2>{_e(render_summary(payload))}</h2>",
        '<table cellpadding="2">',
    ]
    title_html = f'<a href="{_e(href)}">{_e(title)}</a>' if href else _e(title)
    rows = [("Item", title_html)]
    if link:
        rows.append(("Link", f'<a href="{_e(href)}">{_e(link)}</a>' if href else _e(link)))
    if _str(item.get("feed")):
        rows.append(("Feed", _e(item.get("feed"))))
    rows.append(("Published", _e(format_published(item.get("published")) or "unknown")))
    out += [f"<tr><th align=\"left\">{label}</th><td>{value}</td></tr>" for label, value in rows]
    out.append("</table>")

    figures = _dicts(payload.get("new_figures"))
    if figures:
        out += ["<h3>New figures</h3>", "<ul>"]
        for fig in figures:
            head = _str(fig.get("quantity")) or _figure_label(fig) or "figure"
            out.append(f"<li><strong>{_e(head)}</strong>: {_e(format_figure_value(fig))}")
            details: list[str] = []
            if _str(fig.get("said_by")):
                details.append(f"<li>Said by: {_e(fig.get('said_by'))}</li>")
            if _str(fig.get("text")):
                details.append(f"<li>Text: <q>{_e(fig.get('text'))}</q></li>")
            timeline = _timeline(fig)
            if timeline:
                steps = []
                for prev in timeline:
                    who = _who_when(prev.get("said_by"), prev.get("published"))
                    value = _e(format_figure_value(prev, qualifier=False))
                    steps.append(f"<li>{value}" + (f" ({_e(who)})" if who else "") + "</li>")
                now = _who_when(fig.get("said_by"), item.get("published"))
                steps.append(f"<li><strong>{_e(format_figure_value(fig))}</strong> (now"
                             + (f": {_e(now)})" if now else ")") + "</li>")
                details.append("<li>Timeline:<ol>" + "".join(steps) + "</ol></li>")
            if details:
                out.append("<ul>" + "".join(details) + "</ul>")
            out.append("</li>")
        out.append("</ul>")

    actors = _dicts(payload.get("new_actors"))
    if actors:
        out += ["<h3>New actors</h3>", "<ul>"]
        for actor in actors:
            kind = _str(actor.get("kind"))
            out.append(f"<li>{_e(actor.get('name'))}" + (f" ({_e(kind)})" if kind else "") + "</li>")
        out.append("</ul>")

    out += [
        f'<p style="color: #666; font-size: small">Sent by watcher. Alert id: {_e(payload.get("id"))}</p>',
        "</body></html>",
    ]
    return "\n".join(out) + "\n"
