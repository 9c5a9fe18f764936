"""One self-contained HTML page about a file's segments: readable offline.

Sizes, an overlap heatmap, trends, profiles, a backtest when an outcome is
given (with each split label's lift drawn as its interval), and each
segment's SQL. Charts
are inline SVG drawn here; there is no script and no external resource,
so the page renders the same anywhere, and every figure comes from the
insight functions (counts and aggregates only: see insight.py).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..compile.compiler import to_sql
from ..lang.model import Program
from ..lang.timeline import as_of_day
from ..run.runner import sizes
from ..run.targets import Result, Target
from . import groups as insight
from .backtest import backtest
from .items import Item
from .trend import days_between, trend

WIDTH = 760
COLORS = ("#3366cc", "#dc6b2f", "#2a9d8f", "#8e5ea2", "#c0392b", "#6c8ebf", "#b8860b", "#2e8b57")


@dataclass(frozen=True)
class Backtest:
    """The report's backtest: segments as of `as_of`, the outcome over the `days` days after it."""

    outcome: str
    as_of: date
    days: int
    result: Result


@dataclass(frozen=True)
class Figures:
    """Everything the page shows, computed on the target."""

    title: str
    as_of: date
    sizes: Result
    overlap: Result | None  # None: more segments than overlap compares at once
    trend: Result
    profile: Result
    sql: dict[str, str]
    backtest: Backtest | None = None  # None: no outcome asked for


STAGES = 4
"""The stages `gather` reports (sizes, overlaps, trends, profiles), a backtest one more."""


def gather(target: Target, program: Program, title: str, as_of: date, items: Sequence[Item] = (),
           trend_days: Sequence[date] | None = None, outcome: Item | None = None, outcome_days: int = 30,
           baseline: str | None = None, on_stage: Callable[[str], None] = lambda stage: None) -> Figures:
    """The figures of the report; trends over the 12 weeks up to `as_of`, weekly, unless days are given. With
    an outcome, a backtest of the segments as of `outcome_days` days before the as-of day, the outcome over
    those days (the last ones whose outcome is known). `on_stage` hears of each stage as it starts."""
    day = as_of_day(as_of)
    first = date.fromordinal(max(1, day.toordinal() - 7 * 12))  # not before the calendar's first day
    days = list(trend_days) if trend_days else days_between(first, day, "week")
    sql = {name: to_sql(program, target.dialect, name, as_of) for name in [*program.segments, *program.segmentations]}
    on_stage("sizes")
    sized = sizes(target, program, as_of)
    on_stage("overlaps")
    overlap = (insight.overlap(target, program, as_of) if len(program.segments) <= insight.MAX_OVERLAP_GROUPS
               else None)
    on_stage(f"trends over {len(days)} as-of days")
    trends = trend(target, program, days)
    on_stage("profiles")
    profiles = insight.profile(target, program, as_of, items)
    tested = None
    if outcome is not None:
        on_stage("backtest")
        start = day - timedelta(days=outcome_days)
        tested = Backtest(outcome.text, start, outcome_days,
                          backtest(target, program, start, outcome, outcome_days, baseline=baseline))
    return Figures(title, as_of, sized, overlap, trends, profiles, sql, tested)


def _moment(as_of: date) -> str:
    """An as-of day, or an instant to the second (T without --as-of: the database's clock when it ran)."""
    return as_of.isoformat(sep=" ", timespec="seconds") if isinstance(as_of, datetime) else as_of.isoformat()


def render(figures: Figures, program: Program) -> str:
    """The page as one HTML string."""
    sized = {name: size for name, label, size, _ in figures.sizes.rows if not label}
    parts = [_STYLE.format(title=_e(figures.title)),
             f"<h1>{_e(figures.title)}</h1><p class=meta>as of {_moment(figures.as_of)} · "
             f"{len(program.segments)} segments · {len(program.segmentations)} segmentations</p>",
             "<h2 id=sizes>Sizes</h2>", _bars([(name, size, share) for name, label, size, share in figures.sizes.rows
                                               if not label]),
             *[f"<h3>{_e(name)}</h3>" + _bars([(label, size, share) for n, label, size, share in figures.sizes.rows
                                               if n == name])
               for name in program.segmentations],
             "<h2 id=overlap>Overlap</h2><p class=note>Each cell: the share of the row's segment that is also in the "
             "column's segment.</p>", _heatmap(*insight.overlap_matrix(program, figures.overlap, sized))
             if figures.overlap is not None else
             f"<p class=note>not drawn: more than {insight.MAX_OVERLAP_GROUPS:,} segments (segdsl overlap "
             "--segment NAME compares some of them)</p>",
             "<h2 id=trends>Trends</h2>", _trends(figures.trend, program),
             "<h2 id=profiles>Profiles</h2>", _table(figures.profile),
             *(_backtest(figures.backtest, program) if figures.backtest is not None else []),
             "<h2 id=sql>SQL</h2>",
             *[f"<details><summary>{_e(name)}</summary><pre>{_e(text)};</pre></details>"
               for name, text in figures.sql.items()],
             "</body></html>"]
    return "\n".join(parts)


def _bars(rows: list[tuple[str, int, float]]) -> str:
    """A horizontal bar per row: name, bar, size and share."""
    if not rows:
        return "<p class=note>none</p>"
    height, left = 20, 200
    top = max(size for _, size, _ in rows) or 1
    out = [f'<svg class=chart role=img width="{WIDTH}" height="{height * len(rows) + 4}" '
           f'viewBox="0 0 {WIDTH} {height * len(rows) + 4}">']
    for n, (name, size, share) in enumerate(rows):
        y = n * height + 2
        width = (WIDTH - left - 120) * size / top
        out.append(f'<g class=bar><title>{_e(name)}: {size} ({share:.1%})</title>'
                   f'<text x="{left - 6}" y="{y + 14}" text-anchor=end>{_e(name)}</text>'
                   f'<rect x="{left}" y="{y + 2}" width="{width:.1f}" height="{height - 5}" fill="{COLORS[0]}"/>'
                   f'<text x="{left + width + 6:.1f}" y="{y + 14}">{size} · {share:.1%}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _heatmap(names: list[str], matrix: list[list[int]]) -> str:
    if not names:
        return "<p class=note>no segments</p>"
    cell, left, top = 18, 170, 170
    size = left + cell * len(names) + 120  # room for the last rotated name
    out = [f'<svg class=chart role=img width="{size}" height="{top + cell * len(names) + 10}" '
           f'viewBox="0 0 {size} {top + cell * len(names) + 10}">']
    for n, name in enumerate(names):
        out.append(f'<text x="{left - 6}" y="{top + n * cell + 13}" text-anchor=end>{_e(name)}</text>')
        x = left + n * cell + 12
        out.append(f'<text transform="translate({x},{top - 6}) rotate(-60)">{_e(name)}</text>')
    for i, row in enumerate(matrix):
        for j, both in enumerate(row):
            share = both / row[i] if row[i] else 0.0
            out.append(f'<rect class=cell x="{left + j * cell}" y="{top + i * cell}" width="{cell - 1}" '
                       f'height="{cell - 1}" fill="{_shade(share)}"><title>{_e(names[i])} ∩ {_e(names[j])}: '
                       f'{both} ({share:.0%} of {_e(names[i])})</title></rect>')
    out.append("</svg>")
    return "".join(out)


def _shade(share: float) -> str:
    """White (0) to deep blue (1)."""
    r, g, b = (int(255 - (255 - c) * share) for c in (0x1f, 0x4e, 0xa8))
    return f"#{r:02x}{g:02x}{b:02x}"


def _trends(result: Result, program: Program) -> str:
    """A small line chart per segment: its size on each as-of day."""
    series: dict[str, list[tuple[date, int]]] = {}
    for day, name, label, size, _ in result.rows:
        if not label:
            series.setdefault(name, []).append((day, size))
    if not series:
        return "<p class=note>no trend</p>"
    days = sorted({day for points in series.values() for day, _ in points})
    out = [f"<p class=note>{days[0].isoformat()} to {days[-1].isoformat()}, {len(days)} as-of days</p>"
           "<div class=grid>"]
    w, h, pad = 230, 70, 4
    for n, (name, points) in enumerate(series.items()):
        low, high = min(s for _, s in points), max(s for _, s in points)
        span = high - low
        step = (w - 2 * pad) / max(1, len(points) - 1)
        coords = " ".join(f"{pad + k * step:.1f},"
                          f"{h / 2 if not span else h - pad - (s - low) * (h - 2 * pad) / span:.1f}"
                          for k, (_, s) in enumerate(points))
        out.append(f'<figure><figcaption>{_e(name)} <span>{points[0][1]} → {points[-1][1]}</span></figcaption>'
                   f'<svg class="chart spark" role=img width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
                   f'<title>{_e(name)}: ' + ", ".join(f"{d.isoformat()} {s}" for d, s in points) + '</title>'
                   f'<polyline fill=none stroke="{COLORS[n % len(COLORS)]}" stroke-width=2 points="{coords}"/></svg>'
                   '</figure>')
    out.append("</div>")
    return "".join(out)


def _backtest(tested: Backtest, program: Program) -> list[str]:
    """The backtest's table, then per split a chart of each label's difference from its baseline and its
    95% interval, around a line at 0."""
    last = tested.as_of + timedelta(days=tested.days)
    parts = ["<h2 id=backtest>Backtest</h2>",
             f"<p class=note>Segments as of {tested.as_of.isoformat()}; outcome <code>{_e(tested.outcome)}</code> "
             f"over the {tested.days} days {(tested.as_of + timedelta(days=1)).isoformat()} to {last.isoformat()}. "
             "A split's labels are compared with its baseline: the difference (label minus baseline) and a "
             "95% interval; in the charts the grey line is no difference.</p>", _table(tested.result)]
    columns = tested.result.columns
    if "baseline" not in columns:
        return parts
    at = {column: n for n, column in enumerate(columns)}
    for name in dict.fromkeys(row[0] for row in tested.result.rows if row[at["baseline"]] is not None):
        rows = [row for row in tested.result.rows if row[0] == name and row[at["baseline"]] != row[1]]
        baseline = next(row[at["baseline"]] for row in tested.result.rows if row[0] == name)
        parts.append(f"<h3>{_e(name)}: lift against {_e(baseline)}</h3>")
        parts.append(_intervals([(row[1], row[at["difference"]], row[at["low"]], row[at["high"]], row[at["note"]])
                                 for row in rows]))
    return parts


def _intervals(rows: list[tuple[str, float | None, float | None, float | None, str | None]]) -> str:
    """A row per label: its interval as a line, its difference as a dot, on one scale around 0; a label
    without an interval shows why."""
    if not rows:
        return "<p class=note>no other label</p>"
    height, left, right = 22, 160, 230
    reach = max([abs(v) for _, d, lo, hi, _ in rows for v in (d, lo, hi) if v is not None] + [0.0]) or 1.0
    width = WIDTH - left - right

    def x(value: float) -> float:
        return left + width / 2 + value / reach * width / 2

    out = [f'<svg class="chart lift" role=img width="{WIDTH}" height="{height * len(rows) + 8}" '
           f'viewBox="0 0 {WIDTH} {height * len(rows) + 8}">',
           f'<line x1="{x(0):.1f}" y1="0" x2="{x(0):.1f}" y2="{height * len(rows) + 8}" stroke="#999"/>']
    for n, (label, diff, low, high, note) in enumerate(rows):
        y = n * height + 4
        name = f'<text x="{left - 6}" y="{y + 14}" text-anchor=end>{_e(label)}</text>'
        if diff is not None and low is not None and high is not None:
            out.append(f'<g class=interval><title>{_e(label)}: {_cell(diff)} ({_cell(low)} to {_cell(high)})</title>'
                       f'{name}<line x1="{x(low):.1f}" y1="{y + 10}" x2="{x(high):.1f}" y2="{y + 10}" '
                       f'stroke="{COLORS[0]}" stroke-width="2"/>'
                       f'<circle cx="{x(diff):.1f}" cy="{y + 10}" r="4" fill="{COLORS[0]}"/>'
                       f'<text x="{WIDTH - right + 10}" y="{y + 14}">{_cell(diff)} '
                       f'[{_cell(low)}, {_cell(high)}]</text>')
        else:
            text = (f"{_cell(diff)}: " if diff is not None else "") + (note or "")
            out.append(f'<g class=interval><title>{_e(label)}: {_e(text)}</title>{name}'
                       f'<text class=note x="{left}" y="{y + 14}">{_e(text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _table(result: Result) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in result.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(_cell(v))}</td>" for v in row) + "</tr>" for row in result.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


_STYLE = """<!DOCTYPE html>
<html lang=en><head><meta charset=utf-8><title>{title}</title>
<meta name=viewport content="width=device-width, initial-scale=1">
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; padding: 0 1em; }}
h1 {{ margin-bottom: 0; }} .meta, .note {{ color: #666; }}
svg.chart text {{ font-size: 12px; fill: #333; }}
.grid {{ display: flex; flex-wrap: wrap; gap: 8px; }}
figure {{ margin: 0; border: 1px solid #ddd; padding: 4px; }} figcaption span {{ color: #666; float: right; }}
table {{ border-collapse: collapse; font-size: 12px; }}
td, th {{ border-bottom: 1px solid #eee; padding: 2px 8px; text-align: left; }}
svg.chart text.note {{ fill: #666; }}
pre {{ background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }}
</style></head><body>"""
