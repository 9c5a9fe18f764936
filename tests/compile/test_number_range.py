"""The ends of the number range (segdsl/lang/numbers.py) mean the same on every engine: an 18-digit
whole number compares exactly with a BIGINT column, and the longest decimal literals are accepted."""

from __future__ import annotations

from datetime import date

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
