"""`A then [no] B within N days` in time order (segdsl/sql.py `_next_event_query`), on every engine.

The cases that the window form has to get right: rows in both A and B at the
same time as other rows (a row never answers itself, a different row at the
same time does), B rows before A at the same time, event sets declared over one
table with different filters, and a customer with many events. Members are
computed by hand and by tests/oracle.py; each case runs as its own segment
query and as a column of the whole-file query.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

import oracle
from engines import Table
from segdsl.compiler import load_text, to_sql

D = date(2024, 6, 30)
HEAD = """customers from shop.customers key cid
events orders from shop.orders by cid at ordered_at
events gifts from shop.orders by cid at ordered_at where gift
events plain from shop.orders by cid at ordered_at where not gift
"""
CUSTOMER_COLUMNS = (("cid", "integer"), ("age", "integer"))
ORDER_COLUMNS = (("cid", "integer"), ("ordered_at", "timestamp"), ("amount", "decimal"), ("gift", "boolean"))
NOON = datetime(2024, 6, 1, 12)
DAY = timedelta(days=1)

TIES = [
    (1, NOON, 1, True), (1, NOON, 2, True),    # two gift orders at the same time
    (2, NOON, 1, True),                        # one gift order alone
    (3, NOON, 1, True), (3, NOON, 2, False),   # a gift and a plain order at the same time
    (4, NOON, 1, False), (4, NOON + 2 * DAY, 2, True),  # a plain order, then a gift two days later
    (5, NOON, 1, True), (5, NOON + DAY, 2, False),      # a gift, then a plain order exactly a day later
]
HEAVY = [(6, NOON - 3 * i * DAY, i, True) for i in range(60)]  # 60 gifts, 3 days apart
CUSTOMERS = [(c, None) for c in range(1, 8)]

CASES = {
    "then_same_rows": ("orders where gift then orders within 1 day", TIES + HEAVY, {1, 3, 5}),
    "then_no_same_rows": ("orders where gift then no orders within 1 day", TIES + HEAVY, {2, 4, 6}),
    "then_declared": ("gifts then plain within 1 day", TIES + HEAVY, {3, 5}),
    "then_no_declared": ("gifts then no plain within 1 day", TIES + HEAVY, {1, 2, 4, 6}),
    "then_no_same_set": ("gifts then no gifts within 2 days", TIES + HEAVY, {2, 3, 4, 5, 6}),
    "then_heavy": ("gifts then gifts within 3 days", TIES + HEAVY, {1, 6}),
    "then_no_heavy": ("gifts in last 30 days then no gifts within 3 days", HEAVY, {6}),
    "then_no_past_as_of": ("orders in last 1 day then no orders within 5 days",
                           [(7, datetime(2024, 6, 30, 23), 1, False), (7, datetime(2024, 7, 1, 1), 2, False)], {7}),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_sequence(engine, case):
    condition, orders, expected = CASES[case]
    program = load_text(HEAD + f"segment s:\n    {condition}\nsegment t:\n    age is null\n")
    tables = [Table("shop.customers", CUSTOMER_COLUMNS, tuple(CUSTOMERS)),
              Table("shop.orders", ORDER_COLUMNS, tuple(orders))]
    rows = {t.name: [dict(zip(t.column_names, r)) for r in t.canonical_rows()] for t in tables}
    assert oracle.evaluate(program, rows, D)["s"] == expected
    engine.load(tables)
    assert {row[0] for row in engine.query(to_sql(program, engine.dialect, "s", D))} == expected
    whole = engine.query(to_sql(program, engine.dialect, None, D))
    assert {row[0] for row in whole if row[1]} == expected
