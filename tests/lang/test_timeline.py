"""Calendar-day windows as plain date math (LANGUAGE.md, semantics 2)."""

from datetime import date

import pytest

from segdsl.compile.compiler import load_text, to_sql
from segdsl.errors import SegdslError
from segdsl.lang import model as m
from segdsl.lang.timeline import TOMORROW, Day, DayRange, shift_months, window_range

D = date(2024, 3, 31)


def lit(value):
    return m.Bound(value, span=None) if isinstance(value, date) else m.Amount(value, span=None)


@pytest.mark.parametrize("day, months, expected", [
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
    (date(2023, 3, 31), -1, date(2023, 2, 28)),
    (date(2024, 5, 31), -3, date(2024, 2, 29)),
    (date(2024, 2, 29), -12, date(2023, 2, 28)),
    (date(2024, 1, 15), -1, date(2023, 12, 15)),
    (date(2024, 12, 31), 2, date(2025, 2, 28)),
])
def test_month_steps_clamp_to_the_month_end(day, months, expected):
    assert shift_months(day, months) == expected


def days(window) -> tuple:
    r = window_range(window)
    return (r.start.on(D) if r.start else None, r.stop.on(D) if r.stop else None)


def test_in_last_n_days_is_d_minus_n_plus_1_through_d():
    assert days(m.Last(lit(30), "day", span=None)) == (date(2024, 3, 2), date(2024, 4, 1))


def test_in_last_and_before_last_are_exact_complements():
    last = window_range(m.Last(lit(30), "day", span=None))
    before = window_range(m.BeforeLast(lit(30), "day", span=None))
    assert before.start is None and last.stop == TOMORROW
    assert before.stop.on(D) == last.start.on(D)


def test_weeks_are_seven_days_and_months_step_by_calendar():
    assert days(m.Last(lit(2), "week", span=None)) == (date(2024, 3, 18), date(2024, 4, 1))
    assert days(m.Last(lit(1), "month", span=None)) == (date(2024, 3, 1), date(2024, 4, 1))
    assert days(m.Last(lit(1), "year", span=None)) == (date(2023, 4, 1), date(2024, 4, 1))


def test_between_n_and_m_days_ago_includes_both_ends_in_either_order():
    expected = (date(2024, 2, 1), date(2024, 3, 25))
    assert days(m.Ago(lit(59), lit(7), "day", span=None)) == expected
    assert days(m.Ago(lit(7), lit(59), "day", span=None)) == expected


def test_date_ranges_include_both_days():
    assert days(m.DateRange(lit(date(2024, 1, 1)), lit(date(2024, 1, 31)), span=None)) == (
        date(2024, 1, 1), date(2024, 2, 1))
    assert days(m.DateRange(lit(date(2024, 1, 1)), None, span=None)) == (date(2024, 1, 1), date(2024, 4, 1))
    assert days(m.DateRange(None, lit(date(2024, 1, 1)), span=None)) == (None, date(2024, 1, 2))


def test_days_resolve_against_any_as_of_day():
    assert Day(months=-1, days=1).on(date(2024, 3, 31)) == date(2024, 3, 1)
    assert DayRange(None, TOMORROW).stop.on(date(2024, 12, 31)) == date(2025, 1, 1)


def test_the_as_of_day_ends_a_day_before_the_calendar():
    """Events exist up to the end of D: the day after D must be a date (segdsl.compile_file(as_of=...) too)."""
    assert TOMORROW.on(date(9999, 12, 30)) == date(9999, 12, 31)
    assert Day(days=-30).on(date(1, 1, 1)) == date(1, 1, 1)  # a window before the calendar starts at its start
    program = load_text("customers from c key id\nevents e from t by id at ts\nsegment s: has e\n")
    with pytest.raises(SegdslError, match="as-of days run from 0001-01-01 to 9999-12-30"):
        to_sql(program, "duckdb", None, date(9999, 12, 31))
