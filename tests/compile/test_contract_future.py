"""LANGUAGE.md's rules 11 (the future: `in next`, anniversary, years_since) and 12 (regularity: active_days,
active_weeks, active_months, sessions) as tables of (condition, members computed by hand), on every engine.

The main table is as of D = 2024-06-30 (a leap year; D stepped back one month is 2024-05-30, so month 1 is
05-31 .. 06-30, month 2 05-01 .. 05-30, month 3 03-31 .. 04-30, month 4 03-01 .. 03-30, month 5 01-31 ..
02-29; week 1 is 06-24 .. 06-30, week 2 06-17 .. 06-23, week 4 06-03 .. 06-09, week 5 05-27 .. 06-02).
Each case is compiled as its own segment query and as a column of one whole-file query.

Customers (key, birth_date, contract_end, renews_at), with anniversary and years_since as of D:
    1  2000-02-29  2024-07-01  2024-07-01 00:00:00          anniversary 2025-02-28, 24 years
    2  1990-06-30  2024-07-30  2024-07-01 23:59:59.999999   anniversary 2024-06-30 (D), 34
    3  -           -           -                            missing, missing
    4  2006-07-01  2024-07-31  2024-07-02 00:00:00          2024-07-01, 17
    5  2006-06-30  2024-06-30  2024-06-30 23:59:59          2024-06-30 (D), 18
    6  1999-12-31  2024-12-31  -                            2024-12-31, 24
    7  1985-07-07  2024-12-30  -                            2024-07-07, 38
    8  1985-07-08  2025-06-30  -                            2024-07-08, 38
Visits (timestamp; page), per customer:
    1: 06-02 12:00 (week 5), 06-03 12:00 (week 4), 06-23 23:59:59 (week 2), 06-24 00:00 (week 1),
       06-30 10:00, 06-30 23:30 (/b), 06-30 23:59:59; all /a but one
    2: 06-29 10:00 /a, 06-29 10:00 /b (the same instant), 06-29 10:30 /a (exactly 30 minutes later),
       06-29 11:00:00.000001 /a (30 minutes and a microsecond later), 06-29 23:59:59.999999 /b
    4: 07-01 00:00 (after D: it does not exist)
Orders (timestamp), customer 5: 05-31 00:00 (month 1), 05-30 23:59:59 (month 2), 03-31 12:00 (month 3),
    03-30 12:00 (month 4), 02-29 12:00 and 01-31 12:00 (month 5).
Tickets (a date column), customer 6: 06-27, 06-29, 06-30.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from engines import Table, oracle

from segdsl.compile import compiler
from segdsl.lang.timeline import shift_months

from .test_contract import _current_date

D = date(2024, 6, 30)

HEADER = """
customers from shop.customers key customer_id
events visits  from web.page_views  by visitor_id  at viewed_at
events orders  from shop.orders     by customer_id at ordered_at
events tickets from support.tickets by customer_id at opened_on date
param soon = 30
"""


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _d(text: str) -> date:
    return date.fromisoformat(text)


TABLES = [
    Table("shop.customers",
          (("customer_id", "integer"), ("birth_date", "date"), ("contract_end", "date"), ("renews_at", "timestamp")),
          ((1, _d("2000-02-29"), _d("2024-07-01"), _t("2024-07-01 00:00:00")),
           (2, _d("1990-06-30"), _d("2024-07-30"), _t("2024-07-01 23:59:59.999999")),
           (3, None, None, None),
           (4, _d("2006-07-01"), _d("2024-07-31"), _t("2024-07-02 00:00:00")),
           (5, _d("2006-06-30"), _d("2024-06-30"), _t("2024-06-30 23:59:59")),
           (6, _d("1999-12-31"), _d("2024-12-31"), None),
           (7, _d("1985-07-07"), _d("2024-12-30"), None),
           (8, _d("1985-07-08"), _d("2025-06-30"), None))),
    Table("web.page_views", (("visitor_id", "integer"), ("viewed_at", "timestamp"), ("page", "text")),
          ((1, _t("2024-06-02 12:00:00"), "/a"), (1, _t("2024-06-03 12:00:00"), "/a"),
           (1, _t("2024-06-23 23:59:59"), "/a"), (1, _t("2024-06-24 00:00:00"), "/a"),
           (1, _t("2024-06-30 10:00:00"), "/a"), (1, _t("2024-06-30 23:30:00"), "/b"),
           (1, _t("2024-06-30 23:59:59"), "/a"),
           (2, _t("2024-06-29 10:00:00"), "/a"), (2, _t("2024-06-29 10:00:00"), "/b"),
           (2, _t("2024-06-29 10:30:00"), "/a"), (2, _t("2024-06-29 11:00:00.000001"), "/a"),
           (2, _t("2024-06-29 23:59:59.999999"), "/b"),
           (4, _t("2024-07-01 00:00:00"), "/a"))),
    Table("shop.orders", (("customer_id", "integer"), ("ordered_at", "timestamp")),
          ((5, _t("2024-05-31 00:00:00")), (5, _t("2024-05-30 23:59:59")), (5, _t("2024-03-31 12:00:00")),
           (5, _t("2024-03-30 12:00:00")), (5, _t("2024-02-29 12:00:00")), (5, _t("2024-01-31 12:00:00")))),
    Table("support.tickets", (("customer_id", "integer"), ("opened_on", "date")),
          ((6, _d("2024-06-27")), (6, _d("2024-06-29")), (6, _d("2024-06-30")))),
]

CASES: list[tuple[str, set[int]]] = [
    # ---- rule 11: in next, on a date and on a timestamp ----
    ("contract_end in next 30 days", {1, 2}),
    ("contract_end in next soon days", {1, 2}),
    ("contract_end in next 1 weeks", {1}),
    ("contract_end in next 0 days", set()),
    ("contract_end in next 1 month", {1, 2}),                  # D + 1 month = 2024-07-30
    ("contract_end in next 6 months", {1, 2, 4, 7}),           # .. 2024-12-30
    ("contract_end in next 1 year", {1, 2, 4, 6, 7, 8}),       # .. 2025-06-30
    ("not (contract_end in next 30 days)", {3, 4, 5, 6, 7, 8}),
    ("renews_at in next 1 days", {1, 2}),
    # ---- rule 11: anniversary and years_since ----
    ("anniversary(birth_date) in next 7 days", {4, 7}),
    ("anniversary(birth_date) = 2024-06-30", {2, 5}),
    ("anniversary(birth_date) in last 1 days", {2, 5}),
    ("anniversary(birth_date) = 2025-02-28", {1}),
    ("anniversary(birth_date) is null", {3}),
    ("years_since(birth_date) >= 18", {1, 2, 5, 6, 7, 8}),
    ("years_since(birth_date) = 17", {4}),
    ("not (years_since(birth_date) >= 18)", {3, 4}),
    ("years_since(birth_date) * 2 + 1 = 49", {1, 6}),
    ("years_since(birth_date) in top 25%", {7, 8}),
    ("quintile(anniversary(birth_date)) = 3", {7, 8}),
    ("years_since(renews_at) = 0", {5}),
    ("years_since(renews_at) = -1", {1, 2, 4}),               # a day after D: less than a year before it
    # ---- rule 12: active days, weeks, months ----
    ("active_days(visits) = 5", {1}),
    ("active_days(visits) = 1", {2}),
    ("active_days(visits) = 0", {3, 4, 5, 6, 7, 8}),
    ("active_days(visits in last 7 days) = 2", {1}),
    ("active_weeks(visits in last 4 weeks) >= 3", {1}),
    ("active_weeks(visits) = 4", {1}),
    ('active_weeks(visits where page = "/b") = 1', {1, 2}),
    ("active_months(orders) = 5", {5}),
    ("active_months(orders in last 2 months) = 2", {5}),
    ("active_months(orders in last 3 months) = 3", {5}),
    ("active_days(tickets) = 3 and active_weeks(tickets) = 1", {6}),
    ("active_days(visits) in top 20%", {1, 2}),
    # ---- rule 12: sessions ----
    ("sessions(visits, 30 minutes) = 5", {1}),
    ("sessions(visits, 30 minutes) = 3", {2}),
    ("sessions(visits, 1 hour) = 2", {2}),
    ("sessions(visits, 1 day) = 3", {1}),
    ('sessions(visits where page = "/a", 30 minutes) = 2', {2}),
    ("sessions(visits in last 7 days, 30 minutes) = 3", {1, 2}),
    ("sessions(visits, 30 minutes) = 0", {3, 4, 5, 6, 7, 8}),
    ("sessions(tickets, 1 day) = 2", {6}),
    ("sessions(visits, 30 minutes) + active_days(visits) >= 8", {1}),
]

PROGRAM = HEADER + "".join(f"segment case_{i}:\n    {condition}\n" for i, (condition, _) in enumerate(CASES))


def _keys(rows: list[tuple]) -> set:
    return {row[0] for row in rows}


def test_every_case_as_its_own_query(engine):
    engine.load(TABLES)
    program = compiler.load_text(PROGRAM)
    wrong = []
    for i, (condition, members) in enumerate(CASES):
        got = _keys(engine.query(compiler.to_sql(program, engine.dialect, f"case_{i}", D)))
        if got != members:
            wrong.append(f"{condition}: expected {sorted(members)}, got {sorted(got)}")
    assert not wrong, "\n".join(wrong)


def test_every_case_in_one_whole_file_query(engine):
    engine.load(TABLES)
    program = compiler.load_text(PROGRAM)
    rows = engine.query(compiler.to_sql(program, engine.dialect, None, D))
    assert len(rows) == 8, "one row per customer"
    wrong = [f"{condition}: expected {sorted(members)}, got {sorted(r[0] for r in rows if r[i + 1])}"
             for i, (condition, members) in enumerate(CASES) if {r[0] for r in rows if r[i + 1]} != members]
    assert not wrong, "\n".join(wrong)


# ---- leap days and year ends: anniversary and years_since of each birth day, as of D -------------------

BIRTHS = Table("people", (("id", "integer"), ("born", "date")),
               ((1, _d("2000-02-29")), (2, _d("1999-12-31")), (3, _d("2000-01-01")), (4, _d("2000-03-01")),
                (5, _d("2000-02-28"))))


@pytest.mark.parametrize("as_of, expected", [
    # key: (anniversary, years_since)
    (date(2027, 2, 28), {1: ("2027-02-28", 27), 2: ("2027-12-31", 27), 3: ("2028-01-01", 27),
                         4: ("2027-03-01", 26), 5: ("2027-02-28", 27)}),
    (date(2027, 3, 1), {1: ("2028-02-29", 27), 2: ("2027-12-31", 27), 3: ("2028-01-01", 27),
                        4: ("2027-03-01", 27), 5: ("2028-02-28", 27)}),
    (date(2028, 2, 28), {1: ("2028-02-29", 27), 4: ("2028-03-01", 27), 5: ("2028-02-28", 28)}),
    (date(2028, 2, 29), {1: ("2028-02-29", 28), 4: ("2028-03-01", 27), 5: ("2029-02-28", 28)}),
    (date(2024, 12, 31), {1: ("2025-02-28", 24), 2: ("2024-12-31", 25), 3: ("2025-01-01", 24)}),
    (date(2025, 1, 1), {2: ("2025-12-31", 25), 3: ("2025-01-01", 25)}),
])
def test_anniversaries_on_leap_days_and_year_ends(engine, as_of, expected):
    engine.load([BIRTHS])
    program = compiler.load_text("customers from people key id\n" + "".join(
        f"segment p{key}:\n    anniversary(born) = {day} and years_since(born) = {years}\n"
        for key, (day, years) in expected.items()))
    got = {key: _keys(engine.query(compiler.to_sql(program, engine.dialect, f"p{key}", as_of))) for key in expected}
    assert {key: key in members for key, members in got.items()} == {key: True for key in expected}, got


@pytest.mark.parametrize("as_of, window, members", [
    (date(2024, 1, 31), "in next 1 month", {2}),      # D + 1 month = 2024-02-29 (clamped)
    (date(2024, 1, 31), "in next 29 days", {2}),
    (date(2024, 1, 31), "in next 30 days", {2, 3}),
    (date(2023, 12, 31), "in next 2 months", {1, 2}),  # D + 2 months = 2024-02-29
    (date(2024, 2, 29), "in next 1 year", {3, 4}),     # D + 1 year = 2025-02-28
    (date(2024, 12, 31), "in next 1 days", {4}),       # 31 December: the next day is in the next year
])
def test_in_next_at_month_and_year_ends(engine, as_of, window, members):
    engine.load([Table("c", (("id", "integer"), ("ends", "date")),
                       ((1, _d("2024-01-31")), (2, _d("2024-02-29")), (3, _d("2024-03-01")), (4, _d("2025-01-01"))))])
    program = compiler.load_text(f"customers from c key id\nsegment s:\n    ends {window}\n")
    assert _keys(engine.query(compiler.to_sql(program, engine.dialect, "s", as_of))) == members


@pytest.mark.parametrize("as_of, condition, members", [
    # months 1, 2, 3: 03-01 .. 03-31, 02-01 .. 02-29, 01-01 .. 01-31
    (date(2024, 3, 31), "active_months(o) = 3", {1}),
    # months 1, 2: 01-30 .. 02-29, 12-30 .. 01-29
    (date(2024, 2, 29), "active_months(o) = 2 and active_months(o in last 1 month) = 1", {2}),
])
def test_active_months_at_month_ends(engine, as_of, condition, members):
    engine.load([Table("c", (("id", "integer"),), ((1,), (2,))),
                 Table("o", (("id", "integer"), ("at", "timestamp")),
                       ((1, _t("2024-03-01 00:00:00")), (1, _t("2024-02-29 23:59:59")), (1, _t("2024-02-01 00:00:00")),
                        (1, _t("2024-01-31 12:00:00")),
                        (2, _t("2024-01-30 00:00:00")), (2, _t("2024-01-29 23:59:59")),
                        (2, _t("2023-12-30 00:00:00"))))])
    program = compiler.load_text(f"customers from c key id\nevents o from o by id at at\nsegment s:\n    {condition}\n")
    assert _keys(engine.query(compiler.to_sql(program, engine.dialect, "s", as_of))) == members


def test_without_an_as_of_day_the_database_current_date_is_d(engine):
    """The dynamic SQL (no --as-of: D's year, day of the month and day come from CURRENT_DATE), against the
    reference evaluator as of the engine's own CURRENT_DATE (see test_contract.py's test of the same name)."""
    program = compiler.load_text(
        "customers from c key id\nevents o from o by id at at\nevents t from t by id at on date\n"
        "segment soon:\n    ends in next 30 days\n"
        "segment month:\n    ends in next 1 month\n"
        "segment birthday_week:\n    anniversary(born) in next 7 days\n"
        "segment today:\n    anniversary(born) = anniversary(ends)\n"
        "segment adults:\n    years_since(born) >= 18\n"
        "segment weekly:\n    active_weeks(o in last 4 weeks) >= 2\n"
        "segment monthly:\n    active_months(o) = 2\n"
        "segment days:\n    active_days(t) = 2\n"
        "segment binge:\n    sessions(o, 30 minutes) >= 2 and sessions(t, 1 day) = 1\n")
    day = timedelta(days=1)
    for _attempt in range(2):
        today = _current_date(engine)
        adult = shift_months(today, -216)
        at = lambda d, clock="12:00:00": datetime.fromisoformat(f"{d.isoformat()} {clock}")  # noqa: E731
        tables = [
            Table("c", (("id", "integer"), ("born", "date"), ("ends", "date")),
                  ((1, adult, today), (2, adult + day, today + day), (3, adult - day, today + 30 * day),
                   (4, _d("2000-02-29"), today + 31 * day), (5, None, shift_months(today, 1)))),
            Table("o", (("id", "integer"), ("at", "timestamp")),
                  # (events of today's afternoon would not exist yet in the morning: rule 10's instant cut)
                  ((1, at(today - day)), (1, at(today - day, "12:30:00")), (1, at(today - 7 * day)),
                   (2, at(shift_months(today, -1))), (2, at(shift_months(today, -1) + day)),
                   (3, at(today - day, "12:31:00")), (3, at(today - day, "13:01:01")), (4, at(today + day)))),
            Table("t", (("id", "integer"), ("on", "date")),
                  ((1, today), (1, today - day), (2, today), (2, today - 2 * day))),
        ]
        engine.load(tables)
        got = {name: _keys(engine.query(compiler.to_sql(program, engine.dialect, name))) for name in program.segments}
        if _current_date(engine) == today:  # the engine's day did not turn while the queries ran
            break
    expected = oracle.evaluate(program, {t.name: t.records() for t in tables}, today)
    # 5 ends a month after today: in the next 30 days only where that month is shorter (February, ...)
    assert expected["soon"] - {5} == {2, 3} and expected["adults"] >= {1, 3, 4}, "the cases are not trivial"
    assert expected["binge"] == {1} and expected["weekly"] == {1}, "the cases are not trivial"
    assert got == expected, f"the engine's CURRENT_DATE: {today}"


# years_since compared with a number (a range of days with D known), and in arithmetic (the general form)
YEARS = ["years_since(born) >= 27", "years_since(born) > 26", "years_since(born) < 27", "years_since(born) <= 26",
         "years_since(born) = 27", "years_since(born) != 27", "26.5 < years_since(born)", "years_since(born) = 26.5",
         "not (years_since(born) >= 28)", "years_since(born) + 0 >= 27", "years_since(born) * 2 = 54"]


@pytest.mark.parametrize("as_of", [date(2027, 2, 28), date(2028, 2, 28), date(2028, 2, 29), date(2027, 3, 1),
                                   date(2024, 12, 31), date(2025, 1, 1), date(2024, 1, 31)])
def test_anniversaries_of_every_day_of_the_year_against_the_oracle(engine, as_of):
    """Born on each of the 366 days of 2000 (and a missing day): anniversary in several windows (with D known, a
    test of the month and day) and years_since, against the oracle."""
    born = [date(2000, 1, 1) + timedelta(days=i) for i in range(366)]
    table = Table("people", (("id", "integer"), ("born", "date")),
                  tuple((i + 1, day) for i, day in enumerate(born)) + ((999, None),))
    windows = ["in next 1 days", "in next 7 days", "in next 30 days", "in next 1 month", "in next 1 year",
               "in last 1 days", "before last 0 days", f"between {as_of} and {as_of + timedelta(days=10)}",
               "in last 3 months"]
    program = compiler.load_text("customers from people key id\n" + "".join(
        f"segment w{i}:\n    anniversary(born) {window}\n" for i, window in enumerate(windows))
        + "segment not_next:\n    not (anniversary(born) in next 30 days)\n" + "".join(
            f"segment y{i}:\n    {years}\n" for i, years in enumerate(YEARS)))
    engine.load([table])
    rows = engine.query(compiler.to_sql(program, engine.dialect, None, as_of))
    names = list(program.segments)
    got = {name: {row[0] for row in rows if row[i + 1]} for i, name in enumerate(names)}
    assert got == oracle.evaluate(program, {"people": table.records()}, as_of)
