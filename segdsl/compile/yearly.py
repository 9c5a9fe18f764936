"""Rules 11 and 12 as SQL over a day value: anniversaries, whole years since a day, and the periods counted back
from the as-of day D that regularity counts.

The emitter gives each function the day (a DATE expression: an entity column's day, an event's day) and D,
known as a date (`--as-of`) or only as a DATE expression (the database's current date, dbt's marker); a
known D puts its year, its month and day, and its leap year into the SQL as numbers.

A day's month and day as one number, md = month * 100 + day, is what decides its anniversary: the anniversary
is in D's year exactly when md(x) >= md(D) (29 February moved to 28 February in a year without it is still
after every earlier day, and such a year has no 29 February for D to be on).
"""

from __future__ import annotations

import calendar
import math
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlglot import exp

from ..dialects import Dialect
from ..frozen import frozen


@frozen
class AsOf:
    """The as-of day D: its date when known when compiling, and its DATE expression."""

    known: date | None
    value: exp.Expr

    def year(self, dialect: Dialect) -> exp.Expr:
        return _number(self.known.year) if self.known else dialect.year_of(self.value.copy())

    def month_day(self, dialect: Dialect) -> exp.Expr:
        return _number(_md(self.known)) if self.known else month_day(dialect, self.value.copy())

    def later_than(self, dialect: Dialect) -> exp.Expr:
        """The md above which a day's anniversary in D's year is after D: md(D), except on 28 February of a
        year without a 29th, where 29 February's anniversary is D itself."""
        if self.known is not None:
            return _number(229 if _md(self.known) == 228 and not calendar.isleap(self.known.year) else _md(self.known))
        next_month = dialect.month_of(dialect.add_days(self.value.copy(), 1))
        leapless_28th = exp.and_(exp.EQ(this=self.month_day(dialect), expression=_number(228)),
                                 exp.EQ(this=next_month, expression=_number(3)))
        return exp.Case(ifs=[exp.If(this=leapless_28th, true=_number(229))], default=self.month_day(dialect))


def month_day(dialect: Dialect, day: exp.Expr) -> exp.Expr:
    """month * 100 + day of a DATE expression."""
    return exp.Add(this=exp.Mul(this=dialect.month_of(day), expression=_number(100)),
                   expression=dialect.day_of_month(day.copy()))


def anniversary(dialect: Dialect, day: exp.Expr, as_of: AsOf) -> exp.Expr:
    """The first day on or after D with the day's month and day: the day moved by whole years (rule 2's calendar
    step, which clamps 29 February), to D's year when md(x) >= md(D), else to the year after."""
    years = exp.Paren(this=exp.Sub(this=as_of.year(dialect), expression=dialect.year_of(day.copy())))

    def moved(extra: int) -> exp.Expr:
        count = exp.Paren(this=exp.Add(this=years.copy(), expression=_number(extra))) if extra else years.copy()
        return dialect.add_months(day.copy(), exp.Mul(this=_number(12), expression=count))

    this_year = exp.GTE(this=month_day(dialect, day.copy()), expression=as_of.month_day(dialect))
    return exp.Case(ifs=[exp.If(this=this_year, true=moved(0))], default=moved(1))


def years_since(dialect: Dialect, day: exp.Expr, as_of: AsOf) -> exp.Expr:
    """Whole years from the day to D: year(D) - year(x), less one when x's anniversary in D's year is after D."""
    later = exp.GT(this=month_day(dialect, day.copy()), expression=as_of.later_than(dialect))
    return exp.Sub(this=exp.Paren(this=exp.Sub(this=as_of.year(dialect), expression=dialect.year_of(day.copy()))),
                   expression=exp.Case(ifs=[exp.If(this=later, true=_number(1))], default=_number(0)))


def anniversary_within(dialect: Dialect, day: exp.Expr, as_of: date, start: date | None,
                       stop: date | None) -> exp.Expr:
    """Whether the day's anniversary (D known) is in [start, stop): a test of its md against the md ranges
    whose anniversaries are there, found here over the 366 of them (a window of days becomes at most a
    few ranges, so the engine compares two numbers instead of moving a date). NULL where the day is."""
    inside = [md for md in _MONTH_DAYS if (start is None or _anniversary_of(md, as_of) >= start)
              and (stop is None or _anniversary_of(md, as_of) < stop)]
    if not inside:
        return exp.false()
    ranges: list[list[int]] = []
    for md in inside:
        if ranges and _MONTH_DAYS.index(md) == _MONTH_DAYS.index(ranges[-1][1]) + 1:
            ranges[-1][1] = md
        else:
            ranges.append([md, md])
    tests = [_month_days_between(dialect, day, low, high) for low, high in ranges]
    return exp.or_(*tests, copy=False) if len(tests) > 1 else tests[0]


def _month_days_between(dialect: Dialect, day: exp.Expr, low: int, high: int) -> exp.Expr:
    """low <= md(day) <= high; within one month, as an analyst writes it (the month, then the days)."""
    if low // 100 != high // 100:
        return exp.Between(this=month_day(dialect, day.copy()), low=_number(low), high=_number(high))
    month = exp.EQ(this=dialect.month_of(day.copy()), expression=_number(low // 100))
    days = (exp.EQ(this=dialect.day_of_month(day.copy()), expression=_number(low % 100)) if low == high
            else exp.Between(this=dialect.day_of_month(day.copy()), low=_number(low % 100), high=_number(high % 100)))
    return exp.and_(month, days)


def period(dialect: Dialect, day: exp.Expr, unit: str, as_of: AsOf) -> exp.Expr:
    """A number that tells a day's period apart from the others (rule 12), counted back from D: the day itself;
    for weeks, n // 7 with n its days before D; for months, its month's number (year * 12 + month) less one
    when its day of the month is at most D's, as month k runs from the day after D less k months to D less
    k - 1 months (a day after D's day of the month is in the period of D's day in that month)."""
    if unit == "day":
        return day
    if unit == "week":
        return dialect.whole_division(dialect.day_difference(day, as_of.value.copy()), 7)
    d_day = _number(as_of.known.day) if as_of.known else dialect.day_of_month(as_of.value.copy())
    month = exp.Add(this=exp.Mul(this=dialect.year_of(day), expression=_number(12)),
                    expression=dialect.month_of(day.copy()))
    early = exp.Case(ifs=[exp.If(this=exp.LTE(this=dialect.day_of_month(day.copy()), expression=d_day),
                                 true=_number(1))], default=_number(0))
    return exp.Sub(this=month, expression=early)


_MONTH_DAYS = [month * 100 + day for month in range(1, 13) for day in range(1, calendar.monthrange(2000, month)[1] + 1)]
"""Every md a day can have, in calendar order (2000 is a leap year)."""


def _md(day: date) -> int:
    return day.month * 100 + day.day


def _anniversary_of(md: int, as_of: date) -> date:
    month, day = divmod(md, 100)
    year = as_of.year if md >= _md(as_of) else as_of.year + 1
    if year > date.max.year:  # after the calendar's end: later than any window's day
        return date.max
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _number(value: int) -> exp.Expr:
    return exp.Literal.number(value)


def years_at_least(day: exp.Expr, as_of: date, years: int, dialect: Dialect) -> exp.Expr:
    """years_since(x) >= `years` with D known, as a range of x's day: the day is at most the last one whose
    step by `years` years lands on or before D (D less that many years; 29 February when D is 28 February
    of a year without a 29th and that year has one). NULL where the day is."""
    year = as_of.year - years
    if year < date.min.year:
        return exp.false()
    if year > date.max.year:
        return exp.not_(exp.Is(this=day, expression=exp.Null()))
    last = calendar.monthrange(year, as_of.month)[1]
    bound = date(year, as_of.month, min(as_of.day, last))
    if _md(as_of) == 228 and not calendar.isleap(as_of.year) and calendar.isleap(year):
        bound = date(year, 2, 29)
    return exp.LTE(this=day, expression=dialect.date_literal(bound))


def years_compared(dialect: Dialect, day: exp.Expr, as_of: date, op: str, number: int | Decimal) -> exp.Expr:
    """`years_since(x) OP number` with D known, as ranges of x's day (years_at_least): years_since is a whole
    number, so `>= 17.5` is `>= 18` and `= 17.5` never holds."""
    exact = Fraction(number)
    low, high = math.ceil(exact), math.floor(exact) + 1  # the least whole years that are >= and > the number

    def at_least(years: int) -> exp.Expr:
        return years_at_least(day.copy(), as_of, years, dialect)

    if op in (">=", ">"):
        return at_least(low if op == ">=" else high)
    if op in ("<", "<="):
        return exp.not_(at_least(low if op == "<" else high))
    equal = exp.and_(at_least(low), exp.not_(at_least(low + 1))) if exact == low else exp.false()
    return equal if op == "=" else exp.not_(equal)
