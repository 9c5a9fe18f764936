"""The insight commands of the command line: sizes, overlap, profile, trend, backtest, report.

Thin click commands over segdsl.insight (groups, trend, backtest and report); main.py
adds them (COMMANDS) to its group.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import error
from ..insight.choices import STEPS, TOP
from . import output, progress

if TYPE_CHECKING:
    from ..lang.model import Program
    from ..run.targets import Target
from .options import FilePath, as_of_day, as_of_option, db_option, format_option, param_option, user_errors

DB_HELP = (
    "Database URL (postgresql://, mysql://, snowflake://, ...: see the README), DuckDB file or folder of CSV/Parquet "
    "files (default: demo data).")
segments_option = click.option("--segment", "names", multiple=True, metavar="NAME",
                               help="Only these segments or segmentations (repeatable; default: all).")
file_argument = click.argument("file", type=FilePath())
baseline_option = click.option("--baseline", metavar="LABEL",
                               help="The label a split's other labels are compared with (default: its first).")


def _date_option(name: str, help: str, required: bool = False):
    return click.option(name, callback=_day_only, metavar="YYYY-MM-DD", required=required, help=help)


def _day_only(ctx, param, value: str | None) -> date | None:
    """A day: the trends step by whole days (an instant is --as-of's only)."""
    given = as_of_day(ctx, param, value)
    if isinstance(given, datetime):
        raise click.BadParameter(f"{value!r} is an instant: give a day YYYY-MM-DD")
    return given


@contextlib.contextmanager
def _opened(target: str | None, program: Program, as_of: date | None) -> Iterator[tuple[Target, date | None]]:
    """The target, and the as-of day: the demo's last day on the demo data unless one is given."""
    from ..run import runner

    if target is None and as_of is None:
        from ..run.demo import DEMO_AS_OF

        as_of = DEMO_AS_OF
        output.echo(f"demo data, as of {as_of.isoformat()}", err=True)
    with runner.open_target(target, program) as db:
        yield db, as_of


def _show(result, fmt: str) -> None:
    output.show(result.columns, result.rows, fmt)


@click.command("sizes")
@file_argument
@db_option(DB_HELP)
@as_of_option
@param_option
@format_option
@user_errors
def sizes_command(file: str, target: str | None, as_of: date | None, params: dict[str, str], fmt: str) -> None:
    """Each segment's size and share, and each segmentation's label counts."""
    from ..compile import compiler
    from . import sizes_table

    program = compiler.load_file(file, params)
    with _opened(target, program, as_of) as (db, as_of):
        sizes_table.show(db, program, as_of, fmt)


@click.command("overlap")
@file_argument
@db_option(DB_HELP)
@click.option("--segment", "names", multiple=True, metavar="NAME",
              help="Only these segments or segmentations, a segmentation as one group per label "
                   "(repeatable; default: every segment).")
@as_of_option
@param_option
@format_option
@user_errors
def overlap_command(file: str, target: str | None, names: tuple[str, ...], as_of: date | None,
                    params: dict[str, str], fmt: str) -> None:
    """How many customers each pair of segments (or segmentation labels) shares."""
    from ..compile import compiler
    from ..insight import groups as insight

    program = compiler.load_file(file, params)
    with _opened(target, program, as_of) as (db, as_of):
        _show(insight.overlap(db, program, as_of, names), fmt)


@click.command("profile")
@file_argument
@db_option(DB_HELP)
@segments_option
@click.option("--by", "items", multiple=True, metavar="EXPR",
              help='An attribute, aggregate or condition to profile, e.g. age, "sum(orders.amount)" (repeatable).')
@click.option("--top", type=click.IntRange(1, 50), default=TOP, show_default=True,
              help="Top values shown per text item.")
@click.option("--sample", type=click.IntRange(1, 1000), metavar="N",
              help="Also show up to N member keys per segment and label, as rows of item (sample) "
                   "(the only way keys are shown).")
@as_of_option
@param_option
@format_option
@user_errors
def profile_command(file: str, target: str | None, names: tuple[str, ...], items: tuple[str, ...], top: int,
                    sample: int | None, as_of: date | None, params: dict[str, str], fmt: str) -> None:
    """Per segment: size, share, and for each --by item the mean and median, a share, or the top values."""
    from ..insight import groups as insight
    from ..insight.items import load_with_items

    program, checked = load_with_items(file, params, [("--by", text) for text in items])
    with _opened(target, program, as_of) as (db, as_of):
        result = insight.profile(db, program, as_of, checked, names, top)
        if sample:
            result = insight.with_sample(result, insight.sample(db, program, as_of, sample, names))
        _show(result, fmt)


@click.command("trend")
@file_argument
@db_option(DB_HELP)
@_date_option("--from", "First as-of day.", required=True)
@_date_option("--to", "Last as-of day.", required=True)
@click.option("--every", type=click.Choice(STEPS), default="day", show_default=True)
@param_option
@format_option
@user_errors
def trend_command(file: str, target: str | None, params: dict[str, str], every: str, fmt: str, **days) -> None:
    """Segment sizes on every as-of day of a range (one query per batch of days)."""
    from ..compile import compiler
    from ..insight.trend import days_between, trend
    from ..run import runner

    program = compiler.load_file(file, params)
    wanted = days_between(days["from"], days["to"], every)
    with runner.open_target(target, program) as db, progress.bar(len(wanted), "as-of days") as step:
        _show(trend(db, program, wanted, on_progress=step), fmt)


@click.command("backtest")
@file_argument
@db_option(DB_HELP)
@segments_option
@click.option("--as-of", callback=as_of_day, metavar="YYYY-MM-DD[THH:MM]", required=True,
              help="The day (or instant, in the program's zone) the segments are evaluated; the outcome covers "
                   "the whole days after its day.")
@click.option("--outcome", required=True, metavar="EXPR",
              help='What members did next, e.g. "sum(orders.amount)", "count(orders)", "has orders".')
@click.option("--days", type=click.IntRange(1, 3660), required=True, help="Days after --as-of the outcome covers.")
@baseline_option
@param_option
@format_option
@user_errors
def backtest_command(file: str, target: str | None, names: tuple[str, ...], as_of: date, outcome: str, days: int,
                     baseline: str | None, params: dict[str, str], fmt: str) -> None:
    """For each segment as of a day, the outcome over the days after it; for each split's label, the difference
    from its baseline label with a 95% interval."""
    from ..insight.backtest import backtest, baselines
    from ..insight.items import load_with_items
    from ..run import runner

    program, (checked,) = load_with_items(file, params, [("--outcome", outcome)])
    baselines(program, names, baseline)  # an unknown label is an error before any query
    stages = progress.Stages("backtest", 1)
    with runner.open_target(target, program) as db:
        stages(f"the segments as of {as_of.isoformat()} and the outcome over the {days} days after")
        result = backtest(db, program, as_of, checked, days, names, baseline)
    stages.finish(f"backtest: {len(result.rows)} groups measured")
    _show(result, fmt)


@click.command("report")
@file_argument
@click.option("--out", required=True, type=FilePath(dir_okay=False, writable=True), help="The HTML file to write.")
@db_option(DB_HELP)
@click.option("--by", "items", multiple=True, metavar="EXPR",
              help="An item to profile (as for `profile`; repeatable; default: the customers' numeric columns "
                   "and the file's traits).")
@as_of_option
@_date_option("--from", "First as-of day of the trends (default: 11 weeks before the as-of day: 12 weekly points).")
@click.option("--every", type=click.Choice(STEPS), default="week", show_default=True, help="Step of the trends.")
@click.option("--outcome", metavar="EXPR",
              help="Also a backtest: the segments as of --days days before the as-of day, this outcome over "
                   "those days, and each split label's lift.")
@click.option("--days", type=click.IntRange(1, 3660), default=30, show_default=True,
              help="Days the backtest's outcome covers (with --outcome).")
@baseline_option
@param_option
@user_errors
def report_command(file: str, out: str, target: str | None, items: tuple[str, ...], as_of: date | None,
                   every: str, outcome: str | None, days: int, baseline: str | None, params: dict[str, str],
                   **first) -> None:
    """Write one self-contained HTML page: sizes, overlaps, trends, profiles, a backtest (with --outcome) and
    each segment's SQL."""
    from ..insight import report
    from ..insight.backtest import baselines
    from ..insight.groups import numeric_columns
    from ..insight.items import default_items, load_with_items
    from ..insight.trend import days_between
    from ..lang import timeline
    from ..run import runner

    if baseline is not None and outcome is None:
        raise error("--baseline is the backtest's: give --outcome too")
    texts = [("--by", text) for text in items] + ([("--outcome", outcome)] if outcome is not None else [])
    program, checked = load_with_items(file, params, texts)
    measured = checked.pop() if outcome is not None else None
    baselines(program, None, baseline)
    _writable_folder(Path(out))
    stages = progress.Stages("report", report.STAGES + (measured is not None))
    with _opened(target, program, as_of) as (db, as_of):
        as_of = as_of or runner.current_as_of(db, program)  # one T for every figure
        checked = checked or default_items(program, numeric_columns(db, program))
        trend_days = days_between(first["from"], timeline.as_of_day(as_of), every) if first["from"] else None
        figures = report.gather(db, program, Path(file).stem, as_of, checked, trend_days, measured, days, baseline,
                                on_stage=stages)
    try:
        Path(out).write_text(report.render(figures, program), encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot write {out}: {exc.strerror or exc}") from None
    output.echo(f"wrote {out}{stages.took()}", err=True)


def _writable_folder(out: Path) -> None:
    """The report's folder exists (created when missing), before any query runs."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise error(f"cannot create the folder {out.parent} for {out}: {exc.strerror or exc}") from None


COMMANDS = (sizes_command, overlap_command, profile_command, trend_command, backtest_command, report_command)
"""The insight commands, added to the `segdsl` group by main.py."""
