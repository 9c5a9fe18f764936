"""Segment sizes for every as-of day of a range: how segments move over time.

The whole-file query, compiled in its dynamic form, is lifted over a batch
of days (series.lift): one query per batch instead of one per day. Where a
statement cannot be lifted, each day runs on its own. A caller may watch
progress (`on_progress(days_done)`) to draw a progress bar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from sqlglot import exp

from .. import dialects
from ..compile.compiler import to_tree
from ..errors import error
from ..lang.model import Program
from ..lang.timeline import shift_months
from ..run.catalog import check_against
from ..run.runner import share, size_columns
from ..run.targets import Result, Target
from .choices import STEPS
from .series import DAY, NotLiftable, lift

BATCH = 31  # days per lifted query: bounds the rows a query joins (events x days)
COLUMNS = ("as_of", "name", "label", "size", "share")
_STEP_DAYS = {"day": 1, "week": 7}
MAX_DAYS = 3660  # as-of days in one range: ten years of days; each costs about a query's worth of work


def days_between(first: date, last: date, every: str) -> list[date]:
    """The as-of days first, first + step, ... up to last; months step by calendar from `first` (clamped).

    At most MAX_DAYS of them: a longer range is an error naming a coarser step."""
    if every not in STEPS:
        raise error(f"unknown step '{every}'", None, "one of: " + ", ".join(STEPS))
    if last < first:
        raise error(f"the range ends ({last}) before it starts ({first})")
    days: list[date] = []
    n = 0
    while True:
        try:
            day = shift_months(first, n) if every == "month" else first + timedelta(days=n * _STEP_DAYS[every])
        except (OverflowError, ValueError):  # past the calendar's last day, so past `last`
            return days
        if day > last:
            return days
        if len(days) == MAX_DAYS:
            coarser = STEPS[STEPS.index(every) + 1:]
            raise error(f"the range {first} .. {last} has more than {MAX_DAYS} as-of days (every {every})", None,
                        ("step by " + " or ".join(coarser) + " (--every), or " if coarser else "")
                        + "shorten the range")
        days.append(day)
        n += 1


def trend(target: Target, program: Program, days: Sequence[date], batch: int = BATCH,
          on_progress: Callable[[int], None] | None = None) -> Result:
    """Each segment's size and share, and each label's count, on every day: one row per (day, name, label)."""
    check_against(program, target.catalog(), target.search_path())
    counted, columns = size_columns(program)
    rows: list[tuple] = []
    for chunk in _chunks(list(days), batch):
        for day, customers, *counts in _sizes(target, program, chunk, columns):
            rows += [(day, name, label, count or 0, share(count or 0, customers))
                     for (name, label), count in zip(counted, counts)]
        if on_progress is not None:
            on_progress(len(chunk))
    return Result(COLUMNS, rows)


def lifted_query(program: Program, dialect: str, days: Sequence[date]) -> exp.Select:
    """One statement: per day, the customers and a count per segment and label (raises NotLiftable)."""
    _, columns = size_columns(program)
    wide = lift(to_tree(program, dialect, None, None, whole_days=True), days, dialects.get(dialect)).subquery("w")
    return (exp.select(exp.column(DAY), *columns).from_(wide).group_by(exp.column(DAY))
            .order_by(exp.Ordered(this=exp.column(DAY), nulls_first=False)))


def _sizes(target: Target, program: Program, days: list[date], columns: list[exp.Expr]) -> list[tuple]:
    try:
        query = lifted_query(program, target.dialect, days)
    except NotLiftable:
        query = None
    if query is not None:
        return [(_as_date(row[0]), *row[1:]) for row in target.fetch(query).rows]
    rows = []
    for day in days:
        wide = to_tree(program, target.dialect, None, day).subquery("w")
        rows.append((day, *target.fetch(exp.select(*[c.copy() for c in columns]).from_(wide)).rows[0]))
    return rows


def _as_date(value: Any) -> date:
    """A day as the driver returns it: a date, a datetime, or text (SQLite has no DATE type)."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _chunks(days: list[date], size: int) -> Iterator[list[date]]:
    for start in range(0, len(days), max(1, size)):
        yield days[start:start + size]
