"""The report's charts, as HTML and inline SVG that fit any width from a phone's to a desktop's.

Names and descriptions are HTML text, so a long one wraps instead of running into its figures; the
bars are CSS widths on one 0-100% scale; the trend lines are SVG drawn in a view box that scales with
its card. Nothing here runs a query: every figure comes in as an argument.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from ..frozen import frozen
from . import shown

HEAT = (0x1F, 0x4E, 0xA8)  # the overlap's deepest colour (a share of 100%)
LINE = "#3366cc"


@frozen
class Bar:
    """One row of a size chart: a group, its size and its share of every customer."""

    name: str
    description: str | None
    size: int
    share: float


def e(text: object) -> str:
    """Text made safe for HTML (attributes included)."""
    return html.escape(str(text), quote=True)


def named(name: str, description: str | None) -> str:
    """A name and, under it, its description."""
    return f"<b>{e(name)}</b>" + (f"<small>{e(description)}</small>" if description else "")


def bars(rows: Sequence[Bar]) -> str:
    """A bar per row, every bar on the same scale: 0 to 100% of the customers."""
    if not rows:
        return "<p class=note>none</p>"
    out = ["<div class=bars>", _scale(("0%", "25%", "50%", "75%", "100%"))]
    for row in rows:
        out.append(f'<div class="row bar" title="{e(row.name)}: {row.size:,} ({e(shown.share(row.share))})">'
                   f"<div class=name>{named(row.name, row.description)}</div>"
                   f'<div class=track><span class=fill style="width:{100 * row.share:.2f}%"></span></div>'
                   f"<div class=fig>{row.size:,}<small>{e(shown.share(row.share))}</small></div></div>")
    out.append("</div>")
    return "".join(out)


def _scale(ticks: Sequence[str]) -> str:
    """The row above a chart's bars: its scale's ticks, evenly spaced, the first and last at the ends."""
    last = len(ticks) - 1
    marks = "".join(f'<i style="left:{100 * n / last:.2f}%">{e(tick)}</i>' for n, tick in enumerate(ticks))
    return f"<div class='row scale'><div class=name></div><div class=ticks>{marks}</div><div class=fig></div></div>"


def heatmap(names: Sequence[str], matrix: Sequence[Sequence[int]]) -> str:
    """The overlap as a table: row i, column j holds the share of segment i's members also in segment j,
    as a number and a colour (with its legend); columns are numbered as the rows."""
    if not names:
        return "<p class=note>no segments</p>"
    out = [f'<div class=legend><span>0%</span><span class=ramp style="background:{ramp()}"></span>'
           "<span>100% of the row's segment</span></div>",
           "<div class=scroll><table class=heat><thead><tr><th></th>",
           *[f'<th title="{e(name)}">{n + 1}</th>' for n, name in enumerate(names)], "</tr></thead><tbody>"]
    for i, row in enumerate(matrix):
        out.append(f"<tr><th><i>{i + 1}</i> {e(names[i])}</th>")
        for j, both in enumerate(row):
            part = both / row[i] if row[i] else 0.0
            out.append(f'<td class=cell style="background:{shade(part)};color:{"#fff" if part > 0.55 else "#222"}" '
                       f'title="{e(names[i])} and {e(names[j])}: {both:,} ({e(shown.share(part))} of {e(names[i])})">'
                       f"{e(_whole(part))}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _whole(part: float) -> str:
    """A share in whole percents for a cell; a share above nothing that rounds to 0, as <1."""
    return "<1" if 0 < part < 0.005 else f"{100 * part:.0f}"


def shade(part: float) -> str:
    """White (0) to deep blue (1)."""
    r, g, b = (round(255 - (255 - c) * part) for c in HEAT)
    return f"#{r:02x}{g:02x}{b:02x}"


def ramp() -> str:
    """The legend's gradient, from a share of 0 to 1."""
    return f"linear-gradient(to right, {shade(0)}, {shade(1)})"


def trend(name: str, description: str | None, points: Sequence[tuple[date, int]]) -> str:
    """A card: the segment, its change over the period in customers and percent, and a line of its size on
    each day over a y-axis from zero and the dates under it."""
    first, last = points[0][1], points[-1][1]
    change = last - first
    said = (f"{change:+,}" + (f" ({change / first:+.1%})" if first else "")) if change else "unchanged"
    width, height, left, bottom, top_pad, right = 320, 120, 46, 22, 10, 8
    top = shown.nice_top(max(size for _, size in points))
    plot_w, plot_h = width - left - right, height - bottom - top_pad

    def x(k: int) -> float:
        return left + (plot_w * k / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(size: float) -> float:
        return top_pad + plot_h * (1 - size / top)

    grid = "".join(f'<line class=grid x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
                   f'<text class=tick x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor=end>{shown.axis(v)}</text>'
                   for v in (0, top / 2, top))
    line = " ".join(f"{x(k):.1f},{y(size):.1f}" for k, (_, size) in enumerate(points))
    dots = "".join(f'<circle cx="{x(k):.1f}" cy="{y(size):.1f}" r="2.5"><title>{day.isoformat()}: {size:,}'
                   f"</title></circle>" for k, (day, size) in enumerate(points))
    shown_days = [(0, "start")] + ([(len(points) // 2, "middle")] if len(points) > 2 else []) + \
        ([(len(points) - 1, "end")] if len(points) > 1 else [])
    dates = "".join(f'<text class=tick x="{x(k):.1f}" y="{height - 6}" text-anchor={anchor}>'
                    f"{points[k][0].isoformat()}</text>" for k, anchor in shown_days)
    return (f"<figure class=trend><figcaption>{named(name, description)}"
            f"<span class=change>{first:,} → {last:,}: {said}</span></figcaption>"
            f'<svg class=spark role=img viewBox="0 0 {width} {height}"><title>{e(name)}: '
            + ", ".join(f"{day.isoformat()} {size:,}" for day, size in points) + "</title>"
            f'{grid}<polyline fill=none stroke="{LINE}" stroke-width=2 points="{line}"/>'
            f'<g fill="{LINE}">{dots}</g>{dates}</svg></figure>')


@frozen
class Interval:
    """One split label's difference from its baseline and its 95% interval (or why there is none)."""

    label: str
    difference: float | None
    low: float | None
    high: float | None
    note: str | None


def intervals(rows: Sequence[Interval], in_points: bool) -> str:
    """A row per label: its interval as a line and its difference as a dot, on one scale around 0 (the
    middle); differences of shares in percentage points."""
    if not rows:
        return "<p class=note>no other label</p>"
    reach = max([abs(v) for row in rows for v in (row.difference, row.low, row.high) if v is not None] + [0.0])
    reach = shown.nice_top(reach * (100 if in_points else 1)) / (100 if in_points else 1)

    def figure(value: float | None) -> str:
        return shown.points(value) if in_points else shown.signed(value)

    def at(value: float) -> float:
        return 50 + 50 * value / reach

    out = ["<div class='bars lift'>", _scale((figure(-reach), "0", figure(reach)))]
    for row in rows:
        if row.difference is not None and row.low is not None and row.high is not None:
            drawn = (f'<span class=ci style="left:{at(row.low):.2f}%;width:{at(row.high) - at(row.low):.2f}%">'
                     f'</span><span class=dot style="left:{at(row.difference):.2f}%"></span>')
            figures = f"{e(figure(row.difference))}<small>{e(figure(row.low))} to {e(figure(row.high))}</small>"
            title = f"{row.label}: {figure(row.difference)} ({figure(row.low)} to {figure(row.high)})"
        else:
            drawn = ""
            figures = (e(figure(row.difference)) + " " if row.difference is not None else "") + \
                f"<small>{e(row.note or '')}</small>"
            title = f"{row.label}: " + (f"{figure(row.difference)} " if row.difference is not None else "") + \
                (row.note or "")
        out.append(f'<div class="row interval" title="{e(title.strip())}"><div class=name><b>{e(row.label)}</b></div>'
                   f"<div class='track zero'>{drawn}</div><div class=fig>{figures}</div></div>")
    out.append("</div>")
    return "".join(out)
