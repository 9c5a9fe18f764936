"""Values as an engine returns them and as the reference evaluator computes them, made comparable.

A number (or true/false: some engines have no boolean type) becomes an `Approx`, equal to another within
a millionth of the larger of 1 and its size: engines return integers, decimals or floats, and an average
of decimals rounded to the engine's scale (MySQL and Spark keep 6 decimals, Trino 9), where the evaluator
computes exact fractions. An instant becomes the UTC time it is (the evaluator's are aware, the engines'
plain; SQLite's are text); any other value stays as it is.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

TOLERANCE = Fraction(1, 10**6)
_TEXT_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?")


class Approx:
    """A number compared within TOLERANCE (relative, and absolute below 1)."""

    __slots__ = ("value",)

    def __init__(self, value: Fraction):
        self.value = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Approx):
            return NotImplemented
        return abs(self.value - other.value) <= TOLERANCE * max(1, abs(self.value), abs(other.value))

    def __hash__(self) -> int:  # equal values may differ: one bucket
        return 0

    def __repr__(self) -> str:
        return f"~{float(self.value):.9g}"


def comparable(value: Any) -> Any:
    if isinstance(value, str) and _TEXT_TIME.fullmatch(value):
        return datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    if isinstance(value, (bool, int, Decimal, Fraction, float)):
        return Approx(Fraction(value))
    return value


def comparable_row(row: tuple, first_value: int) -> tuple:
    """A whole-file row with its values from position `first_value` on (the traits) made comparable."""
    return (*row[:first_value], *map(comparable, row[first_value:]))
