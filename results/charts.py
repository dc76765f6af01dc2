"""Charts drawn on the server as SVG: no script, no CDN, no canvas.

Each chart is an `<svg role="img" aria-labelledby=...>` named by its own `<title>`; the
page puts the same numbers in an HTML table beside it (for screen readers and copying).
Bar lengths follow the unrounded percentages; labels show the rounded ones. Every text
that comes from a survey definition is escaped here.

A chart given a `Caption` draws it inside itself: the title and the base on top, the
filters and the source underneath, so that the file a user downloads (static/js/
chart-download.js saves the SVG, or a PNG drawn from it) says what it shows on its own.
`table_chart` draws a results table in the same style, for the same downloads.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360  # viewBox units; the SVG scales to its container (see app.css: .chart)
LABEL_CHARS = 64
# A sequential blue scale, light to dark, for ordered answer scales (ColorBrewer "Blues").
_BLUES = ["#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
_BAR = "#2171b5"
_TEXT = "#212529"


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float | None  # unrounded, 0-100; None: nothing to draw (suppressed or empty)
    display: str  # the rounded label, e.g. "63%" or "n<5"


@dataclass(frozen=True)
class Stack:
    label: str
    parts: list[Bar]  # in scale order


@dataclass(frozen=True)
class Caption:
    """What a chart says about itself: drawn inside the SVG."""

    title: str  # the question, or what the chart counts
    base: str  # "Base: 80 (all respondents)"
    filters: str  # "Filters: all respondents, every version"
    source: str  # "Source: <survey>, data as of <time>"


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[str]
    strong: bool = False  # a NET or a base
    notes: list[str] = field(default_factory=list)  # per cell: letters or a flag, small beside it


_TITLE_CHARS, _NOTE_CHARS = 44, 66  # characters per line at 13px bold and at 9px


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines(text: str, width: int, most: int = 3) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    return lines[: most - 1] + [_short(" ".join(lines[most - 1:]), width)] if len(lines) > most else lines


def _framed(caption: Caption, height: float, body: str, width: float) -> tuple[float, str]:
    """The body under the caption's title and base, above its filters and source."""
    parts, y = [], 0.0
    for line in _lines(caption.title, round(_TITLE_CHARS * width / WIDTH)):
        y += 16
        parts.append(_text(0, y, line, size=13, weight="bold"))
    y += 14
    parts.append(_text(0, y, caption.base, size=10, fill="#495057"))
    top = y + 12
    parts.append(f'<g transform="translate(0 {top:.0f})">{body}</g>')
    y = top + height + 4
    for note in (caption.filters, caption.source):
        for line in _lines(note, round(_NOTE_CHARS * width / WIDTH), 2):
            y += 12
            parts.append(_text(0, y, line, size=9, fill="#495057"))
    return y + 4, "".join(parts)


def _svg(chart_id: str, title: str, height: float, body: str, caption: Caption | None = None,
         width: float = WIDTH) -> SafeString:
    if caption is not None:
        height, body = _framed(caption, height, body, width)
    # A white ground: a downloaded file (or its PNG) reads the same on a dark background.
    ground = f'<rect class="chart-ground" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>'
    return mark_safe(
        f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-labelledby="{escape(chart_id)}-title" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>{ground}{body}</svg>'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = _TEXT, size: int = 12,
          weight: str = "normal") -> str:
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" text-anchor="{anchor}" fill="{fill}" font-size="{size}" '
        f'font-weight="{weight}">{escape(text)}</text>'
    )


def bar_chart(chart_id: str, title: str, bars: list[Bar], caption: Caption | None = None) -> SafeString:
    """Horizontal bars, one per choice, each label above its bar."""
    row, bar_height, right = 34, 14, 44
    scale = (WIDTH - right) / 100
    parts = []
    for i, bar in enumerate(bars):
        y = i * row
        parts.append(_text(0, y + 12, _short(bar.label)))
        length = max(0.0, (bar.percent or 0) * scale)
        parts.append(f'<rect x="0" y="{y + 16}" width="{WIDTH - right:.2f}" height="{bar_height}" fill="#e9ecef"/>')
        if length:
            parts.append(f'<rect x="0" y="{y + 16}" width="{length:.2f}" height="{bar_height}" fill="{_BAR}"/>')
        parts.append(_text(WIDTH - right + 4, y + 27, bar.display, weight="bold"))
    return _svg(chart_id, title, len(bars) * row + 4, "".join(parts), caption)


def _palette(count: int) -> list[str]:
    if count <= 1:
        return [_BLUES[3]]
    step = (len(_BLUES) - 1) / (count - 1)
    return [_BLUES[round(i * step)] for i in range(count)]


def _ink(fill: str) -> str:
    """Dark text on light fills, white on dark ones."""
    return _TEXT if _BLUES.index(fill) < 3 else "#ffffff"


def stacked_chart(chart_id: str, title: str, stacks: list[Stack], legend: list[str],
                  caption: Caption | None = None) -> SafeString:
    """100% stacked bars, one per matrix row, the parts in scale order; a legend on top."""
    colours = _palette(len(legend))
    parts = []
    x, y = 0.0, 0.0
    for label, colour in zip(legend, colours, strict=True):
        width = 16 + 6.2 * len(_short(label, 30))
        if x and x + width > WIDTH:
            x, y = 0.0, y + 18
        parts.append(f'<rect x="{x:.2f}" y="{y + 3}" width="11" height="11" fill="{colour}"/>')
        parts.append(_text(x + 15, y + 13, _short(label, 30), size=11))
        x += width + 8
    top = y + 30
    row, bar_height = 38, 18
    for i, stack in enumerate(stacks):
        ry = top + i * row
        parts.append(_text(0, ry + 12, _short(stack.label)))
        offset = 0.0
        for part, colour in zip(stack.parts, colours, strict=True):
            length = (part.percent or 0) * WIDTH / 100
            if length <= 0:
                continue
            parts.append(
                f'<rect x="{offset:.2f}" y="{ry + 16}" width="{length:.2f}" height="{bar_height}" fill="{colour}">'
                f"<title>{escape(part.label)}: {escape(part.display)}</title></rect>"
            )
            if length >= 30:
                parts.append(_text(offset + length / 2, ry + 29, part.display, anchor="middle", fill=_ink(colour),
                                   size=11))
            offset += length
        if offset == 0:
            parts.append(_text(0, ry + 29, stack.parts[0].display if stack.parts else "—", size=11))
    return _svg(chart_id, title, top + len(stacks) * row + 2, "".join(parts), caption)


def histogram_chart(chart_id: str, title: str, bars: list[Bar], caption: Caption | None = None) -> SafeString:
    """Vertical bars of the share of answers per value (or bin), labels below."""
    height, bottom, top = 180, 30, 18
    if not bars:
        return _svg(chart_id, title, 20, _text(0, 14, "No answers"), caption)
    slot = WIDTH / len(bars)
    tallest = max((b.percent or 0) for b in bars) or 1
    parts = [f'<line x1="0" y1="{height - bottom}" x2="{WIDTH}" y2="{height - bottom}" stroke="#6c757d"/>']
    for i, bar in enumerate(bars):
        x = i * slot
        length = (bar.percent or 0) / tallest * (height - bottom - top)
        if length:
            parts.append(
                f'<rect x="{x + slot * 0.1:.2f}" y="{height - bottom - length:.2f}" width="{slot * 0.8:.2f}" '
                f'height="{length:.2f}" fill="{_BAR}"/>'
            )
        parts.append(_text(x + slot / 2, height - bottom - length - 4, bar.display, anchor="middle", size=10))
        parts.append(_text(x + slot / 2, height - bottom + 14, _short(bar.label, 12), anchor="middle", size=10))
    return _svg(chart_id, title, height, "".join(parts), caption)


def daily_chart(chart_id: str, title: str, days: list[tuple[date, int]],
                caption: Caption | None = None) -> SafeString:
    """Completed responses per day, one bar per calendar day from the first to the last."""
    if not days:
        return _svg(chart_id, title, 20, _text(0, 14, "No completed responses yet"), caption)
    first, last = days[0][0], days[-1][0]
    span = (last - first).days + 1
    by_day = dict(days)
    height, bottom, top, left = 150, 26, 14, 30
    tallest = max(n for _, n in days)
    slot = (WIDTH - left) / span
    parts = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH}" y2="{height - bottom}" stroke="#6c757d"/>',
        _text(left - 4, top + 4, str(tallest), anchor="end", size=10),
        _text(left - 4, height - bottom, "0", anchor="end", size=10),
    ]
    for i in range(span):
        n = by_day.get(date.fromordinal(first.toordinal() + i), 0)
        if n:
            length = n / tallest * (height - bottom - top)
            parts.append(
                f'<rect x="{left + i * slot + slot * 0.1:.2f}" y="{height - bottom - length:.2f}" '
                f'width="{max(slot * 0.8, 0.5):.2f}" height="{length:.2f}" fill="{_BAR}"/>'
            )
    parts.append(_text(left, height - 8, first.isoformat(), size=10))
    if span > 1:
        parts.append(_text(WIDTH, height - 8, last.isoformat(), anchor="end", size=10))
    return _svg(chart_id, title, height, "".join(parts), caption)


def table_chart(chart_id: str, title: str, header: list[str], rows: list[TableRow], caption: Caption) -> SafeString:
    """A results table as an SVG: the row labels, then one column per header (Total and
    the segments), rules under the header and above strong rows."""
    label_width, row_height = 180, 20
    # Each column as wide as its header (up to 22 characters), at least as a percentage.
    cell_width = max(56, 6.5 * min(22, max((len(name) for name in header), default=0)) + 12)
    width = round(max(WIDTH, label_width + cell_width * len(header)))
    parts = [f'<rect x="0" y="0" width="{width}" height="{row_height}" fill="#e9ecef"/>']
    for i, name in enumerate(header):
        parts.append(_text(label_width + cell_width * (i + 1) - 6, 14, _short(name, 22), anchor="end", size=11,
                           weight="bold"))
    for r, row in enumerate(rows, start=1):
        y = r * row_height
        if row.strong:
            parts.append(f'<line x1="0" y1="{y}" x2="{width}" y2="{y}" stroke="#adb5bd"/>')
        weight = "bold" if row.strong else "normal"
        parts.append(_text(0, y + 14, _short(row.label, 30), size=11, weight=weight))
        for i, value in enumerate(row.cells):
            x = label_width + cell_width * (i + 1) - 6
            note = row.notes[i] if i < len(row.notes) else ""
            if note:
                parts.append(_text(x, y + 14, note, anchor="end", size=8, fill=_BAR))
                x -= 5.5 * len(note) + 2
            parts.append(_text(x, y + 14, value, anchor="end", size=11, weight=weight))
    return _svg(chart_id, title, (len(rows) + 1) * row_height + 2, "".join(parts), caption, width)
