"""One self-contained HTML page about a file's segments: readable offline, on a desktop or a phone.

Sizes (every bar on one 0-100% scale), an overlap heatmap with its numbers and legend, a trend card
per segment (an axis from zero, dates, the change), a profile card per segment and label, a backtest
when an outcome is given (each split label's lift drawn as its interval), and each segment's SQL.
The charts are HTML and inline SVG (charts.py, profile_view.py); there is no script and no external
resource, so the page renders the same anywhere, and every figure comes from the insight functions
(counts and aggregates only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta

from ..compile.compiler import to_sql
from ..compile.plan import with_values
from ..frozen import frozen
from ..lang.model import Program
from ..lang.timeline import as_of_day
from ..run.runner import Sizes, sizes
from ..run.targets import Result, Target
from . import charts, profile_view, shown
from . import groups as insight
from .backtest import backtest
from .charts import e
from .items import Item
from .report_style import head
from .trend import days_between, trend

TREND_POINTS = 12  # weekly as-of days a report's trends cover unless told


@frozen
class Backtest:
    """The report's backtest: segments as of `as_of`, the outcome over the `days` days after it."""

    outcome: str
    as_of: date
    days: int
    result: Result


@frozen
class Figures:
    """Everything the page shows, computed on the target."""

    title: str
    as_of: date
    sizes: Sizes
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
    """The figures of the report; trends over 12 weekly as-of days up to `as_of` unless days are given. With
    an outcome, a backtest of the segments as of `outcome_days` days before the as-of day, the outcome over
    those days (the last ones whose outcome is known). `on_stage` hears of each stage as it starts."""
    day = as_of_day(as_of)
    first = date.fromordinal(max(1, day.toordinal() - 7 * (TREND_POINTS - 1)))  # not before the calendar's first day
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
    total = figures.sizes.customers
    described = _descriptions(program)
    segments, segmentations = len(program.segments), len(program.segmentations)
    meta = (f"as of {_moment(figures.as_of)} · {total:,} customers · {segments} segment{'s' * (segments != 1)} · "
            f"{segmentations} segmentation{'s' * (segmentations != 1)}")
    parts = [head(figures.title), f"<h1>{e(figures.title)}</h1><p class=meta>{meta}</p>",
             "<nav><a href='#sizes'>Sizes</a> <a href='#overlap'>Overlap</a> <a href='#trends'>Trends</a> "
             "<a href='#profiles'>Profiles</a>" + (" <a href='#backtest'>Backtest</a>" if figures.backtest else "")
             + " <a href='#sql'>SQL</a></nav>",
             *_sizes(figures.sizes, program, described),
             "<h2 id=overlap>Overlap</h2><p class=note>Each row's segment: the share of its members also in each "
             "column's segment (columns numbered as the rows).</p>", _overlap(figures, program),
             "<h2 id=trends>Trends</h2>", _trends(figures.trend, described),
             "<h2 id=profiles>Profiles</h2>",
             profile_view.cards(figures.profile.rows, described),
             *(_backtest(figures.backtest) if figures.backtest is not None else []),
             "<h2 id=sql>SQL</h2>",
             *[f"<details><summary>{e(name)}</summary><pre>{e(text)};</pre></details>"
               for name, text in figures.sql.items()],
             "</body></html>"]
    return "\n".join(parts)


def _descriptions(program: Program) -> dict[str, str | None]:
    """Each segment's and segmentation's description as the page shows it (a parameter it names with the
    value used)."""
    declared = {**{name: s.description for name, s in program.segments.items()},
                **{name: s.description for name, s in program.segmentations.items()}}
    return {name: with_values(description, program.params) for name, description in declared.items()}


def _sizes(sized: Sizes, program: Program, described: Mapping[str, str | None]) -> list[str]:
    """The sizes: the segments, then each segmentation's labels, every bar a share of every customer."""
    parts = ["<h2 id=sizes>Sizes</h2>",
             f"<p class=note>Share of all {sized.customers:,} customers; every bar on the same scale.</p>",
             charts.bars([charts.Bar(name, described[name], size, part)
                          for name, label, size, part in sized.rows if not label and name in program.segments])]
    for name in program.segmentations:
        parts.append(f"<h3>{charts.named(name, described[name])}</h3>")
        parts.append(charts.bars([charts.Bar(label, None, size, part)
                                  for owner, label, size, part in sized.rows if owner == name]))
    return parts


def _overlap(figures: Figures, program: Program) -> str:
    if figures.overlap is None:
        return (f"<p class=note>not drawn: more than {insight.MAX_OVERLAP_GROUPS:,} segments (segdsl overlap "
                "--segment NAME compares some of them)</p>")
    sized = {name: size for name, label, size, _ in figures.sizes.rows if not label}
    return charts.heatmap(*insight.overlap_matrix(program, figures.overlap, sized))


def _trends(result: Result, described: Mapping[str, str | None]) -> str:
    """A card per segment: its size on each as-of day."""
    series: dict[str, list[tuple[date, int]]] = {}
    for day, name, label, size, _ in result.rows:
        if not label:
            series.setdefault(name, []).append((day, size))
    if not series:
        return "<p class=note>no trend</p>"
    days = sorted({day for points in series.values() for day, _ in points})
    step = _step(days)
    return (f"<p class=note>{len(days)} {step}as-of days, {days[0].isoformat()} to {days[-1].isoformat()}; "
            "each axis starts at zero.</p><div class=cards>"
            + "".join(charts.trend(name, described.get(name), points)
                      for name, points in series.items()) + "</div>")


def _step(days: list[date]) -> str:
    """'weekly ', 'daily ' ... when the days are evenly that far apart, else nothing."""
    gaps = {(b - a).days for a, b in zip(days, days[1:])}
    return {frozenset({1}): "daily ", frozenset({7}): "weekly "}.get(frozenset(gaps), "")


def _backtest(tested: Backtest) -> list[str]:
    """The backtest's table, then per split a chart of each label's difference from its baseline and its
    95% interval, around 0."""
    last = tested.as_of + timedelta(days=tested.days)
    columns = tested.result.columns
    shares = "share" in columns
    parts = ["<h2 id=backtest>Backtest</h2>",
             f"<p class=note>Segments as of {tested.as_of.isoformat()}; outcome <code>{e(tested.outcome)}</code> "
             f"over the {tested.days} days {(tested.as_of + timedelta(days=1)).isoformat()} to {last.isoformat()}. "
             "A split's labels are compared with its baseline: the difference (label minus baseline"
             + (", in percentage points" if shares else "") + ") and a 95% interval.</p>",
             table(tested.result, shares)]
    if "baseline" not in columns:
        return parts
    at = {column: n for n, column in enumerate(columns)}
    for name in dict.fromkeys(row[0] for row in tested.result.rows if row[at["baseline"]] is not None):
        rows = [row for row in tested.result.rows if row[0] == name and row[at["baseline"]] != row[1]]
        baseline = next(row[at["baseline"]] for row in tested.result.rows if row[0] == name)
        parts.append(f"<h3>{e(name)}: lift against {e(baseline)}</h3>")
        parts.append(charts.intervals([charts.Interval(row[1], row[at["difference"]], row[at["low"]],
                                                       row[at["high"]], row[at["note"]]) for row in rows], shares))
    return parts


DIFFERENCES = ("difference", "low", "high")


def table(result: Result, in_points: bool = False) -> str:
    """A result as a table: numbers right-aligned and thousands separated, shares as percentages, differences
    of shares (`in_points`) in percentage points."""
    numeric = [any(isinstance(row[n], (int, float)) and not isinstance(row[n], bool) for row in result.rows)
               for n in range(len(result.columns))]

    def cell(column: str, value: object) -> str:
        if column.endswith("share") and isinstance(value, float):
            return shown.share(value)
        if column in DIFFERENCES and isinstance(value, float):
            return shown.points(value) if in_points else shown.signed(value)
        return shown.number(value)

    head = "".join(f"<th{' class=num' if numeric[n] else ''}>{e(c)}</th>" for n, c in enumerate(result.columns))
    body = "".join("<tr>" + "".join(f"<td{' class=num' if numeric[n] else ''}>{e(cell(c, v))}</td>"
                                    for n, (c, v) in enumerate(zip(result.columns, row))) + "</tr>"
                   for row in result.rows)
    return f"<div class=scroll><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
