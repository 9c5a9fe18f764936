"""`A then [no] B within N days` in time order (segdsl/compile/emit.py `_next_event_query`), on every engine.

The cases that the window form has to get right: rows in both A and B at the
same time as other rows (a row never answers itself, a different row at the
same time does), B rows before A at the same time, event sets declared over one
table with different filters, and a customer with many events. Members are
computed by hand and by tests/engines/oracle.py; each case runs as its own segment
query and as a column of the whole-file query.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from engines import Table
from engines.members import assert_members

from segdsl.compile.compiler import load_text

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
    assert_members(engine, program, tables, {"s": expected}, D)


# ---- `A then A within N days` (segdsl/compile/emit.py `_repeat_query`): the edges any form of it must keep

DATE_HEAD = HEAD + "events tickets from shop.tickets by cid at opened_on date\n"
TICKET_COLUMNS = (("cid", "integer"), ("opened_on", "date"))
SECOND = timedelta(seconds=1)
LATE = datetime(2024, 6, 30, 23)  # the last hour of the as-of day D
EVERY_8_DAYS = [NOON - 8 * i * DAY for i in range(20)]
REPEAT_ORDERS = [(cid, at, n, gift) for cid, times, gift in [
    (11, [NOON, NOON + 7 * DAY], False),                      # exactly 7 days apart
    (12, [NOON, NOON + 7 * DAY + SECOND], False),             # a second more than 7 days apart
    (13, [NOON, NOON], False),                                # two rows at the same instant
    (14, [NOON, NOON + SECOND], False),                       # a second apart
    (15, [NOON], False),                                      # one row: never a pair with itself
    (16, [NOON - 15 * DAY, NOON], False),                     # 15 days apart: two weeks and more
    (17, [LATE, LATE + 2 * 3600 * SECOND], False),            # the second row is after D: it does not exist
    (19, [datetime(2024, 5, 21, 12), datetime(2024, 5, 26, 12), datetime(2024, 6, 10, 12)], False),
    (20, EVERY_8_DAYS, False),                                # many rows, every gap 8 days
    (21, [*EVERY_8_DAYS, NOON - 73 * DAY], False),            # the same and one row a day from a neighbour
    (22, [datetime(2024, 6, 20, 23, 30), datetime(2024, 6, 21, 0, 15)], False),  # across midnight
    (23, [NOON, NOON + 12 * 3600 * SECOND], True),            # two gifts half a day apart
] for n, at in enumerate(times)] + [
    (18, NOON, 1, True), (18, NOON + 3600 * SECOND, 2, False), (18, NOON + 3 * DAY, 3, True),  # gift, plain, gift
]
REPEAT_TICKETS = [(31, D - timedelta(10)), (31, D - timedelta(3)),   # 7 days apart
                  (32, D - timedelta(10)), (32, D - timedelta(10)),  # the same day
                  (33, D - timedelta(10)), (33, D - timedelta(9)),   # consecutive days
                  (34, D - timedelta(20)), (34, D - timedelta(5)),   # 15 days apart
                  (35, D), (35, D + timedelta(1))]                   # the second after D
REPEAT_CASES = {
    "within_7": ("orders then orders within 7 days", {11, 13, 14, 18, 19, 21, 22, 23}),
    "within_6": ("orders then orders within 6 days", {13, 14, 18, 19, 21, 22, 23}),
    "within_8": ("orders then orders within 8 days", {11, 12, 13, 14, 18, 19, 20, 21, 22, 23}),
    "within_15": ("orders then orders within 15 days", {11, 12, 13, 14, 16, 18, 19, 20, 21, 22, 23}),
    "within_0": ("orders then orders within 0 days", {13}),
    "within_1": ("orders then orders within 1 day", {13, 14, 18, 21, 22, 23}),
    "filtered_1": ("orders where gift then orders where gift within 1 day", {23}),
    "filtered_3": ("orders where gift then orders where gift within 3 days", {18, 23}),
    "declared_3": ("gifts then gifts within 3 days", {18, 23}),
    "windowed": ("orders in last 30 days then orders in last 30 days within 7 days", {11, 13, 14, 18, 22, 23}),
    "dates_7": ("tickets then tickets within 7 days", {31, 32, 33}),
    "dates_6": ("tickets then tickets within 6 days", {32, 33}),
    "dates_0": ("tickets then tickets within 0 days", {32}),
    "dates_15": ("tickets then tickets within 15 days", {31, 32, 33, 34}),
}


def test_repeat_edges(engine):
    """Boundaries exactly N days (and a second over), N = 0, ties, rows far apart, a close pair among
    many rows, the as-of cut, filtered and windowed A sets, timestamps and dates: one load, every
    case as its own segment query and as a column of the whole-file query."""
    segments = "".join(f"segment {name}:\n    {condition}\n" for name, (condition, _) in REPEAT_CASES.items())
    program = load_text(DATE_HEAD + segments)
    customers = sorted({row[0] for row in REPEAT_ORDERS} | {row[0] for row in REPEAT_TICKETS})
    tables = [Table("shop.customers", CUSTOMER_COLUMNS, tuple((c, None) for c in customers)),
              Table("shop.orders", ORDER_COLUMNS, tuple(REPEAT_ORDERS)),
              Table("shop.tickets", TICKET_COLUMNS, tuple(REPEAT_TICKETS))]
    assert_members(engine, program, tables, {name: members for name, (_, members) in REPEAT_CASES.items()}, D)


# ---- B rows from the first day of A's window on (the scan leaves out earlier B rows): the edges at that day

START = datetime(2024, 6, 1)  # the first instant of `in last 30 days` on D
FLOOR_ORDERS = [
    (41, START, 1, True), (41, START, 2, False),                 # a gift and a plain order at the first instant
    (42, START - SECOND, 1, False), (42, START, 2, True),         # a plain order a second before, then a gift
    (43, START, 1, True), (43, START + DAY, 2, False),           # a gift, then a plain order a day later
    (44, START - SECOND, 1, True), (44, START, 2, False),         # a gift a second before the window, a plain order
    (45, START + DAY / 2, 1, False), (46, START + DAY / 2, 1, False),
    (47, START - SECOND, 1, False), (48, START + 23 * 3600 * SECOND, 1, False)]
FLOOR_TICKETS = [(45, date(2024, 5, 31)), (46, date(2024, 6, 1)), (47, date(2024, 6, 1)), (48, date(2024, 6, 1))]
FLOOR_CASES = {
    "gift_then": ("gifts in last 30 days then plain within 1 day", {41, 43}),
    "gift_then_no": ("gifts in last 30 days then no plain within 1 day", {42}),
    "same_table_then": ("orders where gift in last 30 days then orders within 1 day", {41, 43}),
    "same_table_then_no": ("orders where gift in last 30 days then no orders within 1 day", {42}),
    "dates_then": ("orders in last 30 days then tickets within 2 days", {46, 48}),
    "dates_then_no": ("orders in last 30 days then no tickets within 2 days", {41, 42, 43, 44, 45}),
    "from_dates_then": ("tickets in last 30 days then orders within 1 day", {46, 48}),
    "from_dates_then_no": ("tickets in last 30 days then no orders within 1 day", {47}),
}


def test_b_rows_from_the_first_day_of_a_s_window(engine):
    """B rows a second before A's window, and at its first instant (tied with an A row there, in A and
    in B, or the same day as a date): one load, every case as its own segment query and as a column
    of the whole-file query."""
    segments = "".join(f"segment {name}:\n    {condition}\n" for name, (condition, _) in FLOOR_CASES.items())
    program = load_text(DATE_HEAD + segments)
    tables = [Table("shop.customers", CUSTOMER_COLUMNS, tuple((c, None) for c in range(41, 49))),
              Table("shop.orders", ORDER_COLUMNS, tuple(FLOOR_ORDERS)),
              Table("shop.tickets", TICKET_COLUMNS, tuple(FLOOR_TICKETS))]
    assert_members(engine, program, tables, {name: members for name, (_, members) in FLOOR_CASES.items()}, D)
