"""Calendar-day windows as plain date math, with no database in sight.

Every window is a half-open range of whole days [start, stop): a day is in it
when start <= day < stop. Days are `Day`s: a fixed date, or the as-of day D
moved by whole months (clamped to the month's end) and then by days. With a
known as-of day they become dates here; without one, sql.py renders the same
`Day` as date arithmetic on the database's current date. A window whose
amount came from a parameter (see check.py's mark_params) keeps that part as
`Steps`, so that segdsl dbt can read the parameter at run time.

Rules 9 and 10 (a program's zone, instants): a window in hours or minutes is
bounded by an `Instant`, the as-of instant T moved back by whole minutes. An
as-of is an `AsOf`: T as a wall-clock time in the program's zone (a plain date
D means the start of D+1), and D, the day of the instant just before T.
`bound` turns a day's start or an instant into the literal a column of each
kind compares with: a day for a `date` column, a wall-clock time for a `local`
one, a UTC instant for any other timestamp.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Literal

from ..errors import error
from ..frozen import frozen
from . import model as m


@frozen
class Steps:
    """`factor` times a parameter's value, in days or months: part of a Day."""

    param: str
    value: int
    factor: int
    unit: Literal["days", "months"]


@frozen
class Day:
    """A fixed date, or D + months (clamped) + days; `steps`, when set, adds more of one of them."""

    fixed: date | None = None
    months: int = 0
    days: int = 0
    steps: Steps | None = None

    @property
    def total_months(self) -> int:
        extra = self.steps.factor * self.steps.value if self.steps and self.steps.unit == "months" else 0
        return self.months + extra

    @property
    def total_days(self) -> int:
        extra = self.steps.factor * self.steps.value if self.steps and self.steps.unit == "days" else 0
        return self.days + extra

    def on(self, as_of: date) -> date:
        """The date; a day before the calendar (in last 99999 years) is its first day."""
        if self.fixed is not None:
            return self.fixed
        if as_of > LAST_AS_OF:  # its next day, the end of the events, is beyond the calendar
            raise error(f"the as-of day {as_of} is past the calendar's end: {AS_OF_RANGE}")
        try:
            return shift_months(as_of, self.total_months) + timedelta(days=self.total_days)
        except (OverflowError, ValueError):  # D + 1 day is at most the calendar's last day
            return date.min if (self.total_months, self.total_days) < (0, 1) else date.max


TOMORROW = Day(days=1)
"""The first day after D: every event before it exists, every event from it on does not."""

FIRST_AS_OF, LAST_AS_OF = date.min, date.max - timedelta(days=1)
AS_OF_RANGE = f"as-of days run from {FIRST_AS_OF} to {LAST_AS_OF}"
"""The as-of days there are: TOMORROW must be a calendar day (Python's calendar, and the DATE of MySQL,
SQL Server and Spark, end on 9999-12-31)."""


@frozen
class Instant:
    """The as-of instant T moved by whole minutes (0 or fewer): a bound of a window in hours or minutes."""

    minutes: int


@frozen
class DayRange:
    """Whole days start <= day < stop (or instants, for hours and minutes); None: unbounded on that side."""

    start: Day | Instant | None
    stop: Day | Instant | None


ColumnKind = Literal["date", "timestamp", "local"]
"""What a time column holds: days, UTC instants (or instants with a zone), wall-clock times in the zone."""


@frozen
class AsOf:
    """The as-of instant T, a wall-clock time in the program's zone, and D, the day of the instant just
    before it (rule 10)."""

    instant: datetime
    zone: tzinfo

    @classmethod
    def of(cls, given: date | datetime, zone: tzinfo) -> AsOf:
        """A plain date D means T = the start of D+1: every event of day D exists."""
        if isinstance(given, datetime):
            return cls(given.replace(tzinfo=None), zone)
        if given > LAST_AS_OF:
            raise error(f"the as-of day {given} is past the calendar's end: {AS_OF_RANGE}")
        return cls(datetime.combine(given + timedelta(days=1), datetime.min.time()), zone)

    @property
    def day(self) -> date:
        return (self.instant - timedelta(microseconds=1)).date()

    @property
    def at_midnight(self) -> bool:
        """T is the start of a day: the as-of is a plain date (v1's cut, whole days)."""
        return self.instant.time() == datetime.min.time()

    def utc(self, wall: datetime) -> datetime:
        """The UTC instant (naive) of a wall-clock time in the zone (the earlier one of a repeated hour; a
        time skipped by a change of clocks is read with the offset before it)."""
        return wall.replace(tzinfo=self.zone).astimezone(timezone.utc).replace(tzinfo=None)

    def wall(self, utc: datetime) -> datetime:
        """The wall-clock time in the zone of a UTC instant (naive)."""
        return utc.replace(tzinfo=timezone.utc).astimezone(self.zone).replace(tzinfo=None)

    def bound(self, at: Day | Instant, kind: ColumnKind) -> date | datetime:
        """The literal a column of `kind` compares with: a day's first instant, or T moved back."""
        if isinstance(at, Instant):
            if kind == "date":
                raise error("internal: hours and minutes on a date column")
            start = self.utc(self.instant) + timedelta(minutes=at.minutes)
            return self.wall(start) if kind == "local" else start
        if at == TOMORROW and kind != "date":  # the as-of cut: events at T or later do not exist
            return self.instant if kind == "local" else self.utc(self.instant)
        day = at.on(self.day)
        if kind == "date":
            return day
        if day in (date.min, date.max):  # a calendar's edge: no zone moves it
            return datetime.combine(day, datetime.min.time())
        midnight = datetime.combine(day, datetime.min.time())
        return midnight if kind == "local" else self.utc(midnight)


def before_the_cut(window: m.Window) -> DayRange | None:
    """The days a window bounds among the events up to the as-of day (every one a scan reads): its
    range without the end at TOMORROW; None when it bounds none of them (`before last 0 days`)."""
    days = window_range(window)
    if days.stop == TOMORROW:
        days = DayRange(days.start, None)
    return None if days.start is None and days.stop is None else days


def shift_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _back(amount: int, unit: m.Unit) -> Day:
    """D minus `amount` units."""
    if unit == "day":
        return Day(days=-amount)
    if unit == "week":
        return Day(days=-7 * amount)
    return Day(months=-amount * (12 if unit == "year" else 1))


def _instant_back(amount: int, unit: m.Unit) -> Instant:
    return Instant(-amount * (60 if unit == "hour" else 1))


def _back_by(amount: m.Amount, unit: m.Unit) -> Day:
    """D minus `amount` units, kept symbolic when the amount is a marked parameter."""
    if amount.param is None:
        return _back(amount.value, unit)
    factor = _FACTORS[unit]
    return Day(steps=Steps(amount.param, amount.value, factor, "days" if unit in ("day", "week") else "months"))


_FACTORS: dict[m.Unit, int] = {"day": -1, "week": -7, "month": -1, "year": -12}


def _next_day(day: Day) -> Day:
    if day.fixed is not None:
        return Day(fixed=day.fixed + timedelta(days=1))
    return Day(months=day.months, days=day.days + 1, steps=day.steps)


def _forward_by(amount: m.Amount, unit: m.Unit) -> Day:
    """D plus `amount` units, kept symbolic when the amount is a marked parameter."""
    if amount.param is None:
        return _back(-amount.value, unit)
    factor = -_FACTORS[unit]
    return Day(steps=Steps(amount.param, amount.value, factor, "days" if unit in ("day", "week") else "months"))


def window_range(window: m.Window) -> DayRange:
    """The days a checked window covers (see LANGUAGE.md, semantics 2)."""
    if isinstance(window, (m.Last, m.BeforeLast)) and window.unit in m.CLOCK_UNITS:
        bound = _instant_back(window.amount.value, window.unit)  # T - N hours <= time < T (rule 10)
        return DayRange(bound, TOMORROW) if isinstance(window, m.Last) else DayRange(None, bound)
    if isinstance(window, m.Next):  # D+1 .. D+N (rule 11)
        return DayRange(TOMORROW, _next_day(_forward_by(window.amount, window.unit)))
    if isinstance(window, m.Last):
        return DayRange(_next_day(_back_by(window.amount, window.unit)), TOMORROW)
    if isinstance(window, m.BeforeLast):
        return DayRange(None, _next_day(_back_by(window.amount, window.unit)))
    if isinstance(window, m.Ago):
        far, near = sorted((window.first.value, window.second.value), reverse=True)
        return DayRange(_back(far, window.unit), _next_day(_back(near, window.unit)))
    start = Day(fixed=window.start.value) if window.start is not None else None
    if window.end is not None and window.end.value == date.max:
        return DayRange(start or Day(fixed=date.min), None)  # every day up to the calendar's last, none missing
    stop = Day(fixed=window.end.value + timedelta(days=1)) if window.end is not None else TOMORROW
    return DayRange(start, stop)


def parse_as_of(text: str) -> date | datetime:
    """An as-of given as text: a day YYYY-MM-DD, or an instant YYYY-MM-DDTHH:MM[:SS] (rule 10); ValueError
    otherwise."""
    if "T" in text or " " in text.strip():
        moment = datetime.fromisoformat(text.strip())
        if moment.tzinfo is not None:
            raise ValueError("an as-of instant is a wall-clock time in the program's zone, without an offset")
        return moment
    day = date.fromisoformat(text)
    if day > LAST_AS_OF:
        raise ValueError(f"{text} is past the calendar's end: {AS_OF_RANGE} (the day after must exist)")
    return day


def as_of_day(given: date | datetime) -> date:
    """The as-of day D of a day or an instant: the day of the instant just before T (rule 10)."""
    if isinstance(given, datetime):
        return (given - timedelta(microseconds=1)).date()
    return given
