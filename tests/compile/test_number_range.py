"""The ends of the number range (segdsl/lang/numbers.py) mean the same on every engine: an 18-digit
whole number compares exactly with a BIGINT column, the longest decimal literals are accepted, and a
percentage with the most decimals allowed ranks exactly."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import pytest
from engines import Table
from engines.members import assert_members

from segdsl.compile.compiler import load_text

HEAD = "customers from shop.customers key cid\n"
TOP = 999999999999999999


def test_numbers_at_the_ends_of_the_range(engine):
    program = load_text(HEAD + f"""segment ends: big = {TOP} or big = -{TOP}
segment above: big > {TOP - 1}
segment below: big < -{TOP - 1}
segment tiny: big = 0 and 0.000000000000000001 > 0
segment widest: big < {TOP}.999999999999999999 and big > -{TOP}.999999999999999999
""")
    rows = ((1, TOP), (2, -TOP), (3, TOP - 1), (4, 0), (5, -(TOP - 1)))
    tables = [Table("shop.customers", (("cid", "integer"), ("big", "integer")), rows)]
    assert_members(engine, program, tables, {"ends": {1, 2}, "above": {1}, "below": {2}, "tiny": {4},
                                             "widest": {1, 2, 3, 4, 5}}, date(2024, 6, 30))


@pytest.mark.parametrize("percent", ["12.345678", "0.000001", "99.999999"])
def test_percentages_with_six_decimals_rank_exactly(engine, percent):
    """(rank - 1) * 100 * 10^6 < P * 10^6 * n: the most decimals a percentage has keeps this 64-bit."""
    program = load_text(HEAD + f"segment s: big in top {percent}%\n")
    rows = tuple((cid, cid) for cid in range(1, 41))
    k = math.ceil(Fraction(percent) * len(rows) / 100)
    tables = [Table("shop.customers", (("cid", "integer"), ("big", "integer")), rows)]
    assert_members(engine, program, tables, {"s": set(range(len(rows) - k + 1, len(rows) + 1))}, date(2024, 6, 30))
