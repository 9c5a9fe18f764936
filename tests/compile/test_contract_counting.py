"""LANGUAGE.md's rule 13 (counting conditions) as cases computed by hand, on every engine and the oracle.

As of D = 2026-06-30, three conditions per customer:
    A = has o in last 30 days, B = has v in last 7 days, C = avg(o.amount) > 50 (missing without orders:
    false, rule 3).
customer 1: order 06-25 (80), visit 06-28          A B C  -> 3 hold
customer 2: order 06-20 (10)                       A      -> 1
customer 3: visit 06-29                              B    -> 1
customer 4: nothing                                       -> 0
customer 5: order 06-29 (100)                      A   C  -> 2
customer 6: order 01-10 (100), visit 05-01             C  -> 1
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from engines import Table
from engines.members import assert_members

from segdsl.compile import compiler
from segdsl.errors import SegdslError

D = date(2026, 6, 30)
TABLES = [
    Table("c", (("id", "integer"),), tuple((k,) for k in range(1, 7))),
    Table("o", (("id", "integer"), ("at", "timestamp"), ("amount", "decimal")),
          ((1, datetime(2026, 6, 25, 10), Decimal(80)), (2, datetime(2026, 6, 20, 9), Decimal(10)),
           (5, datetime(2026, 6, 29, 23, 59), Decimal(100)), (6, datetime(2026, 1, 10, 12), Decimal(100)))),
    Table("v", (("id", "integer"), ("at", "timestamp")),
          ((1, datetime(2026, 6, 28, 8)), (3, datetime(2026, 6, 29, 18)), (6, datetime(2026, 5, 1, 7)))),
]
A, B, C = "has o in last 30 days", "has v in last 7 days", "avg(o.amount) > 50"
CASES = {
    f"at least 2 of ({A}, {B}, {C})": {1, 5},
    f"at most 1 of ({A}, {B}, {C})": {2, 3, 4, 6},
    f"exactly 1 of ({A}, {B}, {C})": {2, 3, 6},
    f"exactly 0 of ({A}, {B}, {C})": {4},
    f"exactly 3 of ({A}, {B}, {C})": {1},
    f"not at least 2 of ({A}, {B}, {C})": {2, 3, 4, 6},
    f"not exactly 1 of ({A}, {B}, {C})": {1, 4, 5},
    # a missing average is false, so its negation holds (rule 3)
    f"at least 1 of ({A}, not {C})": {1, 2, 3, 4, 5},
    f"exactly 2 of (big, {A}, {B})": {5},  # a segment among the conditions
    f"at least 1 of (at least 2 of ({A}, {B}, {C}), {B} and not {A})": {1, 3, 5},
    f"at most 0 of ({B}, {C}) and {A}": {2},
}


def _program(cases: dict[str, set[int]]) -> str:
    return ("customers from c key id\nevents o from o by id at at\nevents v from v by id at at\n"
            "segment big:\n    avg(o.amount) > 50\n"
            + "".join(f"segment s{i}:\n    {condition}\n" for i, condition in enumerate(cases)))


def test_counting_conditions_on_the_engine(engine):
    program = compiler.load_text(_program(CASES))
    assert_members(engine, program, TABLES, {f"s{i}": members for i, members in enumerate(CASES.values())}, D)


def test_a_segmentation_labels_by_how_many_hold(engine):
    program = compiler.load_text(
        "customers from c key id\nevents o from o by id at at\nevents v from v by id at at\n"
        f"segmentation breadth:\n    broad when at least 2 of ({A}, {B}, {C})\n"
        f"    single when exactly 1 of ({A}, {B}, {C})\n    else none\n")
    engine.load(TABLES)
    rows = engine.query(compiler.to_sql(program, engine.dialect, "breadth", D))
    assert dict(rows) == {1: "broad", 5: "broad", 2: "single", 3: "single", 6: "single", 4: "none"}


@pytest.mark.parametrize("condition, message", [
    (f"at least 0 of ({A}, {B})", "'at least 0 of' 2 conditions always holds"),
    (f"at most 2 of ({A}, {B})", "'at most 2 of' 2 conditions always holds"),
    (f"at least 3 of ({A}, {B})", "'at least 3 of' 2 conditions never holds"),
    (f"exactly 3 of ({A}, {B})", "'exactly 3 of' 2 conditions never holds"),
    (f"at least 1.5 of ({A}, {B})", "expected a whole number of conditions"),
])
def test_a_count_that_decides_nothing_is_an_error_at_the_number(condition, message):
    with pytest.raises(SegdslError) as caught:
        compiler.load_text(_program({condition: set()}), "p.seg")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.message == message
    number = condition.split(" of")[0].split()[-1]
    assert (diagnostic.span.line, diagnostic.span.column) == (7, 5 + condition.index(f" {number} of") + 1)


def test_at_and_exactly_stay_column_names():
    program = compiler.load_text("customers from c key id\nsegment s:\n    at = 1 and exactly > 2\n")
    assert "exactly > 2" in compiler.to_sql(program, "duckdb", "s")
