"""The range of numbers a program may hold, checked before any number is built; and percentages.

A number has at most 18 digits before the decimal point and at most 18 after
it (trailing zeros not counted), so every engine holds it exactly: a whole
number fits a 64-bit integer and any number fits DECIMAL(36, 18), inside the
DECIMAL(38, s) of every engine with decimals. The check counts digits and
reads the exponent only: a literal of 5,000 digits or a `--param` of
`1e999999999` is refused without building the huge value (Python's int from
text is quadratic, and converting a Decimal that size takes minutes).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TypeGuard

MAX_DIGITS = 18
PERCENT_PLACES = 6
PERCENTAGE = f"a percentage is a number above 0 and at most 100, with at most {PERCENT_PLACES} decimals"
RANGE = f"at most {MAX_DIGITS} digits before the decimal point and {MAX_DIGITS} after it"
HINT = "every engine holds such a number exactly: a whole one as a 64-bit integer, any as DECIMAL(38, 18)"


class OutOfRange(ValueError):
    """A number outside the range (its message states the range)."""

    def __init__(self) -> None:
        super().__init__(f"number out of range: {RANGE}")


def literal(text: str) -> int | Decimal:
    """A number as the grammar writes it (`42`, `0.25`): an int, or a Decimal when it has a point."""
    whole, point, fraction = text.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction[:MAX_DIGITS] if len(fraction.rstrip("0")) <= MAX_DIGITS else fraction
    if len(whole) > MAX_DIGITS or len(fraction) > MAX_DIGITS:
        raise OutOfRange()
    return Decimal(f"{whole}.{fraction}") if point else int(whole)


def parameter(text: str) -> int | Decimal:
    """A number given as text (`--param big=1e5`): what Decimal reads, finite and in range; an int
    when it is whole and written without a point. Raises ValueError."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"expected a number, got {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"expected a number, got {text!r}")
    if value.is_zero():
        value = Decimal(0)
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # a finite number's
    places = len(digits) - len("".join(map(str, digits)).rstrip("0")) + exponent  # trailing zeros ignored
    if len(digits) + exponent > MAX_DIGITS or places < -MAX_DIGITS:
        raise OutOfRange()
    if exponent > 0 or exponent < -MAX_DIGITS:  # written with an exponent or past 18 places: write it out
        value = Decimal(format(value.normalize(), "f"))
    return int(value) if "." not in text and value == value.to_integral_value() else value


def is_percentage(value: object) -> TypeGuard[int | Decimal]:
    """Whether a value is a percentage: above 0, at most 100, at most 6 decimals, so that the exact
    ranking test (rank - 1) * 100 * 10^6 < P * 10^6 * n stays within 64-bit integers."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or not 0 < value <= 100:
        return False
    exponent = Decimal(value).normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -PERCENT_PLACES
