"""LANGUAGE.md's semantic rules as a table of (condition, members computed by hand), on every engine.

The data is small enough to check each expected set by eye. The as-of day D
is 2024-06-30 (2024 is a leap year: D minus one year is 2023-06-30, and
2023-06-30 .. 2024-06-30 is 366 days). Every case is compiled twice: as its
own segment query, and as a column of one whole-file query.

Customers (key, name, age, gender, country, signup_date, score):
    1 Ann     34  F  US  2024-06-01  1.5
    2 Bob     45  M  CA  2023-01-15  2.0
    3 Cy      -   -  -   -           -      (everything missing, no orders)
    4 Di      18  F  GB  2024-07-02  2.0    (signed up after D)
    5 Ed      60  M  US  2020-02-29  -
    6 Flo     25  f  US  2024-05-31  3.0    (lower-case f)
    7 O'Neil  70  X  DE  2024-06-30  4.0
    8 Gus     34  M  us  2024-04-01  5.0    (lower-case us, no orders)
    9 Hal     40  M  SE  2022-01-01  -
Orders that exist as of D, per customer (time, amount, category, channel):
    1: 2024-06-30 23:59:59 100 flowers web; 2024-05-01 10:00 50 pet app
    2: 2024-04-01 12:00 (D-90) 20 flowers store      (+ one on 2024-07-01, after D)
    4: 2024-04-02 00:00 (D-89) 30 fashion app; 2023-07-01 08:00 30 fashion app
    5: 2023-06-30 18:00 200 home store; 2023-06-30 18:00 80 toys store (a tie in time)
    6: 2024-06-24 09:00 (D-6) - beauty web         (amount missing)
    7: 2024-06-28 10:00 10 - app; 2024-06-29 10:00 10 toys app
    9: 2023-07-01 12:00, 2023-07-02 12:00, 2024-03-01 12:00: 15 flowers web each
    (and one order with no customer)
Visits: 1 on 06-25 10:00, 3 and 6 on 06-20 09:00, 7 on 06-27 10:00, 8 on 05-01, 99 (no customer) 06-29.
Tickets (date-typed): 1 on 05-08, 2 on 04-09, 5 on 2023-06-30, 7 on 07-01 (after D).
web.events: 1 signup 06-01 and login 06-29; 2 login 06-10; 5 signup 06-30 12:00 and login 07-01 (after D).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from engines import Table
from sqlglot import exp

from segdsl import dialects
from segdsl.compile import compiler
from segdsl.lang.timeline import shift_months

D = date(2024, 6, 30)
EXAMPLES = Path(__file__).parents[2] / "examples"

HEADER = """
customers from shop.customers key customer_id
events orders  from shop.orders     by customer_id at ordered_at
events visits  from web.page_views  by visitor_id  at viewed_at
events tickets from support.tickets by customer_id at opened_on date
events logins  from web.events      by user_id     at ts where event = "login"
events signups from web.events      by user_id     at ts where event = "signup"
param lapse = 90
"""


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _d(text: str) -> date:
    return date.fromisoformat(text)


TABLES = [
    Table("shop.customers",
          (("customer_id", "integer"), ("name", "text"), ("age", "integer"), ("gender", "text"),
           ("country", "text"), ("signup_date", "date"), ("score", "double")),
          ((1, "Ann", 34, "F", "US", _d("2024-06-01"), 1.5),
           (2, "Bob", 45, "M", "CA", _d("2023-01-15"), 2.0),
           (3, "Cy", None, None, None, None, None),
           (4, "Di", 18, "F", "GB", _d("2024-07-02"), 2.0),
           (5, "Ed", 60, "M", "US", _d("2020-02-29"), None),
           (6, "Flo", 25, "f", "US", _d("2024-05-31"), 3.0),
           (7, "O'Neil", 70, "X", "DE", _d("2024-06-30"), 4.0),
           (8, "Gus", 34, "M", "us", _d("2024-04-01"), 5.0),
           (9, "Hal", 40, "M", "SE", _d("2022-01-01"), None))),
    Table("shop.orders",
          (("order_id", "integer"), ("customer_id", "integer"), ("ordered_at", "timestamp"),
           ("amount", "decimal"), ("category", "text"), ("channel", "text")),
          ((1, 1, _t("2024-06-30 23:59:59"), Decimal("100"), "flowers", "web"),
           (2, 1, _t("2024-05-01 10:00:00"), Decimal("50"), "pet", "app"),
           (3, 2, _t("2024-07-01 00:00:00"), Decimal("500"), "flowers", "web"),
           (4, 2, _t("2024-04-01 12:00:00"), Decimal("20"), "flowers", "store"),
           (5, 4, _t("2024-04-02 00:00:00"), Decimal("30"), "fashion", "app"),
           (6, 4, _t("2023-07-01 08:00:00"), Decimal("30"), "fashion", "app"),
           (7, 5, _t("2023-06-30 18:00:00"), Decimal("200"), "home", "store"),
           (8, 5, _t("2023-06-30 18:00:00"), Decimal("80"), "toys", "store"),
           (9, 6, _t("2024-06-24 09:00:00"), None, "beauty", "web"),
           (10, 7, _t("2024-06-28 10:00:00"), Decimal("10"), None, "app"),
           (11, 7, _t("2024-06-29 10:00:00"), Decimal("10"), "toys", "app"),
           (12, None, _t("2024-06-01 10:00:00"), Decimal("999"), "flowers", "web"),
           (13, 9, _t("2023-07-01 12:00:00"), Decimal("15"), "flowers", "web"),
           (14, 9, _t("2023-07-02 12:00:00"), Decimal("15"), "flowers", "web"),
           (15, 9, _t("2024-03-01 12:00:00"), Decimal("15"), "flowers", "web"))),
    Table("web.page_views", (("visitor_id", "integer"), ("viewed_at", "timestamp")),
          ((1, _t("2024-06-25 10:00:00")), (3, _t("2024-06-20 09:00:00")), (6, _t("2024-06-20 09:00:00")),
           (7, _t("2024-06-27 10:00:00")), (8, _t("2024-05-01 10:00:00")), (99, _t("2024-06-29 10:00:00")))),
    Table("support.tickets", (("ticket_id", "integer"), ("customer_id", "integer"), ("opened_on", "date")),
          ((1, 1, _d("2024-05-08")), (2, 2, _d("2024-04-09")), (3, 5, _d("2023-06-30")), (4, 7, _d("2024-07-01")))),
    Table("web.events", (("user_id", "integer"), ("ts", "timestamp"), ("event", "text")),
          ((1, _t("2024-06-01 09:00:00"), "signup"), (1, _t("2024-06-29 09:00:00"), "login"),
           (2, _t("2024-06-10 09:00:00"), "login"), (5, _t("2024-06-30 12:00:00"), "signup"),
           (5, _t("2024-07-01 08:00:00"), "login"))),
]

CASES: list[tuple[str, set[int]]] = [
    # ---- attributes, and two-valued logic (semantics 3) ----
    ("age between 18 and 34", {1, 4, 6, 8}),
    ('gender = "F"', {1, 4}),
    ('country != "US"', {2, 4, 7, 8, 9}),
    ('not country = "US"', {2, 3, 4, 7, 8, 9}),
    ('country in ("US", "CA")', {1, 2, 5, 6}),
    ('country not in ("US", "CA")', {4, 7, 8, 9}),
    ('not country in ("US", "CA")', {3, 4, 7, 8, 9}),
    ("age is null", {3}),
    ("age is not null", {1, 2, 4, 5, 6, 7, 8, 9}),
    ('name like "O\'%"', {7}),
    ('name like "%o%"', {2, 6}),
    ('name like "_d"', {5}),
    ("signup_date in last 30 days", {1, 7}),
    ("signup_date before last 30 days", {2, 5, 6, 8, 9}),
    ("signup_date since 2024-06-01", {1, 7}),
    ("signup_date until 2024-05-31", {2, 5, 6, 8, 9}),
    ("signup_date between 2024-05-31 and 2024-06-01", {1, 6}),
    ("signup_date > 2024-06-01", {4, 7}),
    # ---- ranking: ties never split (semantics 5) ----
    ("score in top 25%", {7, 8}),
    ("score in top 50%", {6, 7, 8}),
    ("score in top 60%", {2, 4, 6, 7, 8}),
    ("score in bottom 20%", {1, 2, 4}),
    ("quintile(score) = 1", {1, 2, 4}),
    ("quintile(score) = 3", {6}),
    ("quintile(score) = 5", {8}),
    ("decile(score) = 7", {7}),
    ("decile(score) = 9", {8}),
    ("not (score in top 25%)", {1, 2, 3, 4, 5, 6, 9}),
    # ---- existence and windows (semantics 1, 2) ----
    ("has orders", {1, 2, 4, 5, 6, 7, 9}),
    ("no orders", {3, 8}),
    ("has orders in last 1 days", {1}),
    ("has orders in last 90 days", {1, 4, 6, 7}),
    ("has orders before last 90 days", {2, 4, 5, 9}),
    ("has orders in last 1 year", {1, 2, 4, 6, 7, 9}),
    ("has orders in last 1 weeks", {1, 6, 7}),
    ("has orders between 90 and 60 days ago", {1, 2, 4}),
    ("has orders between 2024-04-01 and 2024-04-01", {2}),
    ("has orders since 2024-06-28", {1, 7}),
    ("has orders until 2023-06-30", {5}),
    # ---- aggregates, customers without events (semantics 4) ----
    ("count(orders) = 2", {1, 4, 5, 7}),
    ("count(orders) = 0", {3, 8}),
    ("count(orders) = 3", {9}),
    ("count(orders in last 90 days) >= 2", {1, 7}),
    ("count(orders in last 365 days) = 2", {1, 7, 9}),
    ('count(orders where category = "flowers") >= 1', {1, 2, 9}),
    ('count(orders where category != "toys") = 2', {1, 4}),
    ("count(distinct orders.category) = 1", {2, 4, 6, 7, 9}),
    ('count(orders where channel = "app" in last 90 days) = 2', {7}),
    ("sum(orders.amount) >= 100", {1, 5}),
    ("sum(orders.amount) = 0", {3, 6, 8}),
    ("avg(orders.amount) < 50", {2, 4, 7, 9}),
    ("not (avg(orders.amount) < 50)", {1, 3, 5, 6, 8}),
    ("min(orders.amount) = 30", {4}),
    ("max(orders.amount) > 150", {5}),
    ('first(orders.category) = "fashion"', {4}),
    ("last(orders.amount) = 200", {5}),
    ("first(orders.amount) = 80", set()),
    ('last(orders.category) = "toys"', {5, 7}),
    ("first(orders.ordered_at) in last 90 days", {1, 6, 7}),
    ("last(orders.ordered_at) before last 90 days", {2, 5, 9}),
    ("days_since_last(orders) = 0", {1}),
    ("days_since_last(orders) = 90", {2}),
    ("days_since_last(orders) = 121", {9}),
    ("days_since_last(orders) >= 89", {2, 4, 5, 9}),
    ("days_since_last(orders) > 365", {5}),
    ("sum(orders.amount) / count(orders) > 50", {1, 5}),
    ("count(orders) * 2 + 1 = 5", {1, 4, 5, 7}),
    ("sum(orders.amount in last 1 year) in top 50%", {1, 2, 4, 7, 9}),
    ("avg(orders.amount) in top 50%", {1, 4, 5}),
    ("quintile(count(orders)) = 5", {9}),
    ("quintile(count(orders)) = 3", {1, 4, 5, 7}),
    ("quintile(count(orders)) = 2", {2, 6}),
    ("quintile(-days_since_last(orders)) = 5", {1}),
    ("quintile(-days_since_last(orders)) = 4", {7}),
    # ---- sequences (semantics 6) ----
    ("orders then tickets within 7 days", {1, 5}),
    ("visits then orders within 4 days", {6, 7}),
    ("visits then no orders within 3 days", {1, 3, 6, 8}),
    ("visits in last 7 days then no orders within 3 days", {1}),
    ("orders then orders within 1 days", {5, 7, 9}),
    ("orders then no orders within 30 days", {1, 2, 4, 6, 7, 9}),
    ('orders where category = "flowers" then tickets within 30 days', {2}),
    ("orders in last 30 days then tickets within 7 days", set()),
    # ---- event sets over a filtered shared table ----
    ("has logins", {1, 2}),
    ("has logins in last 14 days", {1}),
    ("signups then logins within 30 days", {1}),
    ("has signups in last 1 days", {5}),
    # ---- references and parameters ----
    ("big", {1, 5}),
    ("big and no orders in last 30 days", {5}),
    ("not big", {2, 3, 4, 6, 7, 8, 9}),
    ("has orders and no orders in last lapse days", {2, 5, 9}),
]

PROGRAM = HEADER + "segment big:\n    sum(orders.amount) >= 100\n" + "".join(
    f"segment case_{i}:\n    {condition}\n" for i, (condition, _) in enumerate(CASES)) + """
segmentation tier:
    big_one when big
    active  when has orders in last 30 days
    else other
"""
TIER = {1: "big_one", 5: "big_one", 6: "active", 7: "active", 2: "other", 3: "other", 4: "other", 8: "other",
        9: "other"}

# examples/language.seg, the program of LANGUAGE.md, on the same data
LANGUAGE_EXAMPLE = {
    "one_and_done": {2}, "window_shoppers": {3}, "young_women_us": {1}, "big_spenders": {5},
    "lapsed_vips": {5}, "flower_gifters": {9}, "new_customers": {6, 7}, "needs_help": {1, 5},
    "abandoned": {1, 3, 6}, "restarted": {1},
}
LIFECYCLE = {5: "at_risk", 9: "at_risk", 6: "new", 7: "new", 1: "other", 2: "other", 3: "other", 4: "other",
             8: "other"}


def _keys(rows: list[tuple]) -> set:
    return {row[0] for row in rows}


def _segment_mismatches(engine, program, expected: dict[str, set[int]]) -> list[str]:
    found = {}
    for name in expected:
        found[name] = _keys(engine.query(compiler.to_sql(program, engine.dialect, name, D)))
    return [f"{name}: expected {sorted(expected[name])}, got {sorted(found[name])}"
            for name in expected if found[name] != expected[name]]


def _wide(engine, program) -> dict[str, dict]:
    """Column name -> {key: value} from the whole-file query (columns in declaration order)."""
    names = [*program.segments, *program.segmentations]
    rows = engine.query(compiler.to_sql(program, engine.dialect, None, D))
    return {name: {row[0]: row[i + 1] for row in rows} for i, name in enumerate(names)}


def test_every_case_as_its_own_query(engine):
    engine.load(TABLES)
    program = compiler.load_text(PROGRAM)
    expected = {f"case_{i}": members for i, (_, members) in enumerate(CASES)}
    mismatches = _segment_mismatches(engine, program, expected)
    conditions = {f"case_{i}": condition for i, (condition, _) in enumerate(CASES)}
    assert not mismatches, "\n".join(f"{conditions[m.split(':')[0]]}  ->  {m}" for m in mismatches)
    labels = engine.query(compiler.to_sql(program, engine.dialect, "tier", D))
    assert dict(labels) == TIER


def test_every_case_in_one_whole_file_query(engine):
    engine.load(TABLES)
    program = compiler.load_text(PROGRAM)
    wide = _wide(engine, program)
    assert set(wide["big"]) == set(TIER), "one row per customer"
    wrong = [f"{condition}: expected {sorted(members)}, got {sorted(k for k, v in wide[f'case_{i}'].items() if v)}"
             for i, (condition, members) in enumerate(CASES)
             if {k for k, v in wide[f"case_{i}"].items() if v} != members]
    assert not wrong, "\n".join(wrong)
    assert wide["tier"] == TIER


def test_a_parameter_changes_the_members(engine):
    engine.load(TABLES)
    program = compiler.load_text(HEADER + "segment lapsed:\n    has orders and no orders in last lapse days\n",
                                 params={"lapse": "89"})
    assert _segment_mismatches(engine, program, {"lapsed": {2, 4, 5, 9}}) == []


def test_the_language_md_program(engine):
    engine.load(TABLES)
    program = compiler.load_file(EXAMPLES / "language.seg")
    assert _segment_mismatches(engine, program, LANGUAGE_EXAMPLE) == []
    assert dict(engine.query(compiler.to_sql(program, engine.dialect, "lifecycle", D))) == LIFECYCLE
    wide = _wide(engine, program)
    assert {name: {k for k, v in wide[name].items() if v} for name in LANGUAGE_EXAMPLE} == LANGUAGE_EXAMPLE
    assert wide["lifecycle"] == LIFECYCLE


@pytest.mark.parametrize("as_of, expected", [
    (date(2024, 3, 31), {"in last 1 month": {2}, "before last 1 month": {1}}),   # D-1 month = 2024-02-29
    (date(2024, 3, 30), {"in last 1 month": {2}, "before last 1 month": {1}}),
    (date(2024, 3, 28), {"in last 1 month": {1, 2}, "before last 1 month": set()}),
])
def test_month_windows_step_by_calendar_and_clamp(engine, as_of, expected):
    """Customer 1 ordered on 2024-02-29 (the clamped D-1 month), customer 2 on 2024-03-01."""
    engine.load([
        Table("c", (("id", "integer"),), ((1,), (2,))),
        Table("o", (("id", "integer"), ("at", "timestamp")),
              ((1, _t("2024-02-29 12:00:00")), (2, _t("2024-03-01 00:00:00")))),
    ])
    program = compiler.load_text("customers from c key id\nevents o from o by id at at\n" + "".join(
        f"segment s{i}:\n    has o {window}\n" for i, window in enumerate(expected)))
    for i, (window, members) in enumerate(expected.items()):
        assert _keys(engine.query(compiler.to_sql(program, engine.dialect, f"s{i}", as_of))) == members, window


def _current_date(engine) -> date:
    """The engine's own CURRENT_DATE, read with the expression the compiled SQL uses."""
    [(value,)] = engine.query(exp.select(dialects.get(engine.dialect).current_date()).sql(engine.dialect))
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def test_without_an_as_of_day_the_database_current_date_is_d(engine):
    """The dynamic SQL (no --as-of) on each engine, against bounds computed here from the engine's CURRENT_DATE.

    The day is the engine's, not this process's: a server's clock and time
    zone are its own (chdb ignores a faked clock, see tests/README.md). The
    rows are made relative to that day; if the engine's day turns while the
    queries run, the whole case is made again for the new day.
    """
    program = compiler.load_text(
        "customers from c key id\nevents o from o by id at at\n"
        "segment last_30:\n    has o in last 30 days\n"
        "segment month:\n    has o in last 1 month and not (has o in last 1 days)\n"
        "segment before_month:\n    has o before last 1 month\n"
        "segment days_29:\n    days_since_last(o) = 29\n"
        "segment new:\n    since in last 7 days\n"
        "segment future:\n    count(o) = 2\n")
    at = lambda day, clock="12:00:00": datetime.fromisoformat(f"{day.isoformat()} {clock}")  # noqa: E731
    for _attempt in range(2):
        today = _current_date(engine)
        month_back = shift_months(today, -1)
        engine.load([
            Table("c", (("id", "integer"), ("since", "date")),
                  ((1, today), (2, today - timedelta(days=7)), (3, today - timedelta(days=6)), (4, None), (5, None))),
            Table("o", (("id", "integer"), ("at", "timestamp")),
                  ((1, at(today, "00:00:00")), (2, at(today - timedelta(days=30))), (3, at(today - timedelta(days=29))),
                   (4, at(month_back)), (5, at(month_back + timedelta(days=1), "00:00:00")),
                   (1, at(today + timedelta(days=1), "00:00:00")))),
        ])
        span = (today - month_back).days
        ago = {1: 0, 2: 30, 3: 29, 4: span, 5: span - 1}   # days since each customer's order
        expected = {"last_30": {k for k, d in ago.items() if d <= 29},
                    "month": {k for k, d in ago.items() if 1 <= d < span},
                    "before_month": {k for k, d in ago.items() if d >= span},
                    "days_29": {k for k, d in ago.items() if d == 29}, "new": {1, 3}, "future": set()}
        got = {name: _keys(engine.query(compiler.to_sql(program, engine.dialect, name))) for name in expected}
        if _current_date(engine) == today:  # the engine's day did not turn while the queries ran
            break
    assert got == expected, f"the engine's CURRENT_DATE: {today}"
