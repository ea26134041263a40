"""Charts people read at a glance, drawn on the server as SVG: no JavaScript, no images fetched,
printable. Each chart carries a title and a text summary for screen readers; the page shows the
same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

BAR_W = 28
GAP = 14
HEIGHT = 140
TOP = 16
BOTTOM = 34
LEFT = 30


@dataclass(frozen=True)
class Bar:
    """One column: a label and its parts (e.g. kept, missed), drawn stacked."""

    label: str
    parts: tuple[int, ...]


def stacked_bars(
    bars: Sequence[Bar], *, title: str, legend: Sequence[str], chart_id: str
) -> Markup:
    """A stacked bar chart; part ``i`` of each bar gets CSS class ``part-i`` (colours in CSS).

    Args:
        bars: the columns, left to right.
        title: what the chart shows, also read by screen readers.
        legend: a name per part, in order.
        chart_id: unique on the page (ties the SVG to its title and summary).
    """
    peak = max((sum(bar.parts) for bar in bars), default=0) or 1
    width = LEFT + len(bars) * (BAR_W + GAP) + GAP
    total_h = TOP + HEIGHT + BOTTOM
    shapes: list[str] = [
        f'<line x1="{LEFT}" y1="{TOP + HEIGHT}" x2="{width}" y2="{TOP + HEIGHT}" class="axis"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" class="tick" text-anchor="end">{peak}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + HEIGHT}" class="tick" text-anchor="end">0</text>',
    ]
    for index, bar in enumerate(bars):
        x = LEFT + GAP + index * (BAR_W + GAP)
        y = TOP + HEIGHT
        for part, value in enumerate(bar.parts):
            if value <= 0:
                continue
            h = round(HEIGHT * value / peak)
            y -= h
            shapes.append(
                f'<rect x="{x}" y="{y}" width="{BAR_W}" height="{h}" class="part-{part}">'
                f"<title>{escape(bar.label)}: {escape(legend[part])} {value}</title></rect>"
            )
        shapes.append(
            f'<text x="{x + BAR_W / 2}" y="{TOP + HEIGHT + 14}" class="label" '
            f'text-anchor="middle">{escape(bar.label)}</text>'
        )
    summary = "; ".join(
        f"{bar.label}: "
        + ", ".join(f"{name} {v}" for name, v in zip(legend, bar.parts, strict=True))
        for bar in bars
    )
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {total_h}" width="{width}" '
        f'height="{total_h}" aria-labelledby="{chart_id}-t {chart_id}-d">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(summary) or "–"}</desc>' + "".join(shapes) + "</svg>"
    )
