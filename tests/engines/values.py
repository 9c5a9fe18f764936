"""Values as an engine returns them and as the reference evaluator computes them, made comparable: a
number as a fraction rounded to 9 decimals (engines return integers, decimals or floats; the evaluator
exact fractions), true/false as a bool (some engines have no boolean type), a time as it is."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any


def comparable(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (str, date, datetime)):
        return value
    if isinstance(value, (int, Decimal, Fraction, float)):
        return round(Fraction(value), 9)
    return value


def comparable_row(row: tuple, first_value: int) -> tuple:
    """A whole-file row with its values from position `first_value` on (the traits) made comparable."""
    return (*row[:first_value], *map(comparable, row[first_value:]))
