"""The range of numbers (segdsl/lang/numbers.py): 18 digits before the point and 18 after, checked
from digit counts and the exponent, so a huge literal or --param is refused at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from segdsl.errors import SegdslError, render
from segdsl.lang import numbers
from segdsl.lang.parse import parse

HEAD = "customers from shop.customers key customer_id\nsegment s: age > "


@pytest.mark.parametrize("text, value", [
    ("42", 42), ("0.25", Decimal("0.25")), ("1.50", Decimal("1.50")), ("999999999999999999", 10**18 - 1),
    ("0.000000000000000001", Decimal("1e-18")), ("0" * 5000 + "7", 7),
    ("1." + "0" * 5000, Decimal("1.000000000000000000")),
    ("999999999999999999.999999999999999999", Decimal("999999999999999999.999999999999999999")),
])
def test_literals_in_range(text, value):
    assert numbers.literal(text) == value and type(numbers.literal(text)) is type(value)


@pytest.mark.parametrize("text", ["1000000000000000000", "9" * 5000, "0.0000000000000000001",
                                  "1." + "1" * 5000])
def test_literals_out_of_range(text):
    with pytest.raises(numbers.OutOfRange, match="at most 18 digits before the decimal point and 18 after it"):
        numbers.literal(text)


@pytest.mark.parametrize("text, value", [
    ("5", 5), (" 7 ", 7), ("1e5", 100000), ("-1e17", -10**17), ("1.5e3", Decimal("1500")),
    ("1e-7", Decimal("0.0000001")), ("1e-18", Decimal("0.000000000000000001")), ("0.5" + "0" * 30, Decimal("0.5")),
    ("0e999999999", 0), ("-999999999999999999", -(10**18 - 1)), ("1.50", Decimal("1.50")),
])
def test_parameters_in_range(text, value):
    got = numbers.parameter(text)
    assert got == value and type(got) is type(value)
    assert not isinstance(got, Decimal) or -18 <= got.as_tuple().exponent <= 0  # no exponent left to print


@pytest.mark.parametrize("text", ["1e18", "-1e18", "1e-19", "1e999999", "1e999999999", "-1e999999999",
                                  "1e-999999999", "9" * 5000])
def test_parameters_out_of_range_are_refused_without_building_them(text):
    with pytest.raises(numbers.OutOfRange):
        numbers.parameter(text)


@pytest.mark.parametrize("text", ["soon", "nan", "-inf", ""])
def test_parameters_that_are_no_number(text):
    with pytest.raises(ValueError, match="expected a number"):
        numbers.parameter(text)


def test_a_huge_literal_is_a_positioned_error():
    with pytest.raises(SegdslError) as caught:
        parse(HEAD + "9" * 5000 + "\n", "p.seg")
    text = render(caught.value, {"p.seg": HEAD + "9" * 5000 + "\n"})
    assert text.startswith("p.seg:2:18: error: number out of range: at most 18 digits before the decimal point "
                           "and 18 after it\n")
    assert "hint: every engine holds such a number exactly" in text


@pytest.mark.parametrize("value, ok", [
    (1, True), (100, True), (Decimal("12.345678"), True), (Decimal("99.9999990"), True), (Decimal("0.000001"), True),
    (Decimal("12.3456789"), False), (0, False), (Decimal("100.000001"), False), (True, False), ("5", False),
])
def test_percentages(value, ok):
    assert numbers.is_percentage(value) is ok
