"""LANGUAGE.md's rules 9 and 10 (time zones, instants) as cases computed by hand, on every engine and the oracle.

Each scenario is a zone, an as-of (a day D, or an instant T) and orders whose
times sit on the edges of the zone's days: `o` holds UTC instants, `v` wall-clock
times (`local`), `d` days. Expected members, worked out by hand:

New York, D = 2026-03-08 (clocks go forward: a 23-hour day, 05:00 UTC .. 04:00 UTC next day);
T = 2026-03-09 00:00 EDT = 04:00 UTC:
    o 1: 03-09 03:59:59 UTC (23:59:59 on D)   o 2: 03-09 04:00:00 UTC (= T: does not exist)
    o 3: 03-08 05:00:00 UTC (00:00 on D)      o 4: 03-08 04:59:59 UTC (23:59:59 on D-1)
    o 5: 03-09 02:30:00 UTC (T - 1.5 h)       o 6: 03-09 01:59:00 UTC (T - 2 h 1 min)
    v 1: 03-08 23:59:59, v 2: 03-09 00:00:00 (= T), v 3: 03-08 00:00:00, v 4: 03-07 23:59:59 (wall clock)
New York at the instant 2026-03-08T14:30 (EDT: 18:30 UTC): only o 3 and o 4 exist.
"+05:30", D = 2026-06-30: T = 2026-06-30 18:30 UTC; the day D starts 2026-06-29 18:30 UTC.
Berlin, D = 2026-10-25 (clocks go back: a 25-hour day, 10-24 22:00 UTC .. 10-25 23:00 UTC).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from engines import Table, oracle
from sqlglot import exp

from segdsl import dialects
from segdsl.compile import compiler
from segdsl.errors import SegdslError

T = datetime.fromisoformat


def _tables(orders: list[tuple[int, str]], local: list[tuple[int, str]] = ()) -> list[Table]:
    ids = sorted({k for k, _ in [*orders, *local]} | {99})
    return [Table("c", (("id", "integer"),), tuple((k,) for k in ids)),
            Table("o", (("id", "integer"), ("at", "timestamp")), tuple((k, T(t)) for k, t in orders)),
            Table("v", (("id", "integer"), ("at", "timestamp")), tuple((k, T(t)) for k, t in local))]


NEW_YORK_SPRING = _tables(
    [(1, "2026-03-09 03:59:59"), (2, "2026-03-09 04:00:00"), (3, "2026-03-08 05:00:00"), (4, "2026-03-08 04:59:59"),
     (5, "2026-03-09 02:30:00"), (6, "2026-03-09 01:59:00")],
    [(1, "2026-03-08 23:59:59"), (2, "2026-03-09 00:00:00"), (3, "2026-03-08 00:00:00"), (4, "2026-03-07 23:59:59")])

SCENARIOS: list[tuple[str, str, date | datetime, list[Table], dict[str, set[int]]]] = [
    ("new_york_spring", "America/New_York", date(2026, 3, 8), NEW_YORK_SPRING, {
        "has o": {1, 3, 4, 5, 6},
        "has o in last 1 day": {1, 3, 5, 6},
        "has o in last 2 days": {1, 3, 4, 5, 6},
        "has o in last 2 hours": {1, 5},
        "has o before last 2 hours": {3, 4, 6},
        "has o in last 120 minutes": {1, 5},
        "days_since_last(o) = 1": {4},
        "has v in last 1 day": {1, 3},
        "has v before last 1 day": {4},
        "has v in last 2 hours": {1},
        # an event's own time in its filter, and values of event times, are days (instants) in the zone
        "has o where at in last 1 day": {1, 3, 5, 6},
        "has o where at in last 2 hours": {1, 5},
        "has v where at in last 2 hours": {1},
        "has o where at = 2026-03-07": {4},
        "last(o.at) = 2026-03-08": {1, 3, 5, 6},
        "first(o.at) in last 1 day": {1, 3, 5, 6},
        "max(o.at) before last 1 day": {4},
        "min(v.at) between 2026-03-07 and 2026-03-07": {4},
    }),
    ("new_york_instant", "America/New_York", datetime(2026, 3, 8, 14, 30), NEW_YORK_SPRING, {
        "has o": {3, 4},
        "has o in last 1 day": {3},
        "has o in last 10 hours": set(),
        "has o in last 14 hours": {3, 4},
        "has v": {3, 4},
        "has v in last 1 day": {3},
    }),
    ("offset_east", "+05:30", date(2026, 6, 30), _tables(
        [(1, "2026-06-30 18:29:59"), (2, "2026-06-30 18:30:00"), (3, "2026-06-29 18:30:00"),
         (4, "2026-06-29 18:29:59")]), {
        "has o": {1, 3, 4},
        "has o in last 1 day": {1, 3},
        "has o before last 1 day": {4},
    }),
    ("berlin_autumn", "Europe/Berlin", date(2026, 10, 25), _tables(
        [(1, "2026-10-25 22:59:59"), (2, "2026-10-25 23:00:00"), (3, "2026-10-24 22:00:00"),
         (4, "2026-10-24 21:59:59")]), {
        "has o in last 1 day": {1, 3},
        "has o in last 25 hours": {1, 3},
        "has o in last 24 hours": {1},
    }),
    ("new_york_leap_day", "America/New_York", date(2028, 2, 29), _tables(
        [(1, "2028-03-01 04:59:59"), (2, "2028-02-29 05:00:00"), (3, "2028-02-29 04:59:59"),
         (4, "2028-01-30 04:59:59")]), {
        "has o in last 1 day": {1, 2},
        "has o in last 1 month": {1, 2, 3},
        "has o before last 1 month": {4},
    }),
    ("within_hours", "America/New_York", date(2026, 6, 30), _tables(
        [(1, "2026-06-30 16:00:00"), (2, "2026-06-30 16:00:01"), (3, "2026-06-30 13:59:59")],
        [(1, "2026-06-30 10:00:00"), (2, "2026-06-30 10:00:00"), (3, "2026-06-30 10:00:00")]), {
        "v then o within 2 hours": {1},
        "v then no o within 2 hours": {2, 3},
        "o then o within 0 minutes": set(),
    }),
]


def _program(zone: str, conditions: list[str], schema: str = "") -> str:
    """The scenarios' program; `schema` qualifies its tables (a stand-in that finds no unqualified table)."""
    at = f"{schema}." if schema else ""
    return (f'timezone "{zone}"\ncustomers from {at}c key id\nevents o from {at}o by id at at\n'
            f"events v from {at}v by id at at local\n"
            + "".join(f"segment s{i}:\n    {condition}\n" for i, condition in enumerate(conditions)))


def _rows(tables: list[Table]) -> dict[str, list[dict]]:
    return {t.name: [dict(zip([c for c, _ in t.columns], row)) for row in t.rows] for t in tables}


@pytest.mark.parametrize("name, zone, as_of, tables, cases", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_the_oracle_agrees_with_the_hand(name, zone, as_of, tables, cases):
    program = compiler.load_text(_program(zone, list(cases)))
    found = oracle.evaluate(program, _rows(tables), as_of)
    assert {c: found[f"s{i}"] for i, c in enumerate(cases)} == cases


def _qualified(tables: list[Table], schema: str) -> list[Table]:
    return [Table(f"{schema}.{t.name}", t.columns, t.rows) for t in tables] if schema else tables


@pytest.mark.parametrize("name, zone, as_of, tables, cases", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_zones_on_the_engine(engine, name, zone, as_of, tables, cases, schema: str = ""):
    engine.load(_qualified(tables, schema))
    program = compiler.load_text(_program(zone, list(cases), schema))
    got = {}
    for i, condition in enumerate(cases):
        try:
            sql = compiler.to_sql(program, engine.dialect, f"s{i}", as_of)
        except SegdslError as exc:  # rule 9: a dialect without a zone database refuses what needs one
            assert engine.dialect in ("sqlite", "mysql"), exc
            assert engine.dialect in str(exc)
            continue
        got[condition] = {row[0] for row in engine.query(sql)}
    assert got == {c: m for c, m in cases.items() if c in got}


def test_sqlite_needs_no_zone_database_with_an_as_of_but_refuses_without():
    program = compiler.load_text(_program("America/New_York", ["has o in last 1 day", "days_since_last(o) = 1"]))
    assert "2026-03-08 05:00:00" in compiler.to_sql(program, "sqlite", "s0", date(2026, 3, 8))
    for segment, as_of in (("s0", None), ("s1", date(2026, 3, 8))):
        with pytest.raises(SegdslError, match=r"sqlite: .*SQLite has no time-zone database"):
            compiler.to_sql(program, "sqlite", segment, as_of)


def test_a_column_with_a_zone_holds_instants():
    """A TIMESTAMPTZ column: its instants fall on days of the program's zone, whatever the session's zone."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE c (id INTEGER); INSERT INTO c VALUES (1), (2), (3)")
    con.execute("CREATE TABLE o (id INTEGER, \"at\" TIMESTAMPTZ)")
    con.execute("INSERT INTO o VALUES (1, '2026-03-08 23:59:59-04'), (2, '2026-03-09 00:00:00-04'), "
                "(3, '2026-03-07 23:59:59-05')")
    program = compiler.load_text(_program("America/New_York", ["has o in last 1 day", "has o"]))
    for segment, members in (("s0", {1}), ("s1", {1, 3})):
        sql = compiler.to_sql(program, "duckdb", segment, date(2026, 3, 8))
        assert {row[0] for row in con.execute(sql).fetchall()} == members


def test_a_utc_program_compiles_as_before():
    text = "customers from c key id\nevents o from o by id at at\nsegment s:\n    has o in last 1 day\n"
    assert compiler.compile_text('timezone "UTC"\n' + text, as_of=date(2026, 3, 8)) == \
        compiler.compile_text(text, as_of=date(2026, 3, 8))


def _engine_now_utc(engine) -> datetime:
    """The engine's current instant (UTC), read with the expression the compiled SQL uses."""
    [(value,)] = engine.query(exp.select(dialects.get(engine.dialect).now_utc()).sql(engine.dialect))
    value = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def test_without_an_as_of_today_is_the_zones_day(engine, schema: str = ""):
    """No --as-of: the day is the engine's current day in the program's zone (+14 hours from UTC, so it is
    rarely the UTC day); rows are placed around the zone's midnight, read from the engine's clock."""
    zone = "Pacific/Kiritimati"
    program = compiler.load_text(_program(zone, ["has o in last 1 day", "days_since_last(o) = 1",
                                                 "has o in last 2 hours", "has v in last 1 day"], schema))
    if engine.dialect in ("sqlite", "mysql"):
        with pytest.raises(SegdslError, match=engine.dialect):
            compiler.to_sql(program, engine.dialect, "s0")
        return
    for _attempt in range(2):
        now = _engine_now_utc(engine)
        today = now.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).date()
        midnight = datetime.combine(today, datetime.min.time())
        start = midnight.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc).replace(tzinfo=None)
        engine.load(_qualified([
            Table("c", (("id", "integer"),), ((1,), (2,), (3,), (4,))),
            Table("o", (("id", "integer"), ("at", "timestamp")),
                  ((1, start), (2, start - timedelta(seconds=1)), (3, now - timedelta(hours=1)),
                   (4, now - timedelta(hours=3)))),
            Table("v", (("id", "integer"), ("at", "timestamp")),
                  ((1, midnight), (2, midnight - timedelta(seconds=1)))),
        ], schema))
        got = [{row[0] for row in engine.query(compiler.to_sql(program, engine.dialect, f"s{i}"))} for i in range(4)]
        after = _engine_now_utc(engine)
        orders = {1: start, 2: start - timedelta(seconds=1), 3: now - timedelta(hours=1),
                  4: now - timedelta(hours=3)}
        # in the first two hours of the zone's day, the orders around its midnight are in the last 2 hours too:
        # the instant the query ran at lies between `now` and `after`, so both must place every order alike
        last_2_hours = {k for k, t in orders.items() if t >= now - timedelta(hours=2)}
        if (after.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).date() == today
                and last_2_hours == {k for k, t in orders.items() if t >= after - timedelta(hours=2)}):
            break
    day_before = (midnight - timedelta(days=1)).replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
    assert got[0] == {k for k, t in orders.items() if t >= start}
    assert got[1] == {k for k, t in orders.items() if day_before.replace(tzinfo=None) <= t < start}
    assert got[2] == last_2_hours
    assert got[3] == {1}


def test_a_window_in_hours_then_events_on_days(engine):
    """`o in last 2 hours then t within 1 day`, t a date column: a t on the day of the o (before its hour)
    follows it, as days compare with days; the scan of t starts at that day, not at the instant."""
    tables = [Table("c", (("id", "integer"),), ((1,), (2,), (3,))),
              Table("o", (("id", "integer"), ("at", "timestamp")),
                    ((1, T("2026-06-30 23:00:00")), (2, T("2026-06-30 23:00:00")), (3, T("2026-06-30 10:00:00")))),
              Table("t", (("id", "integer"), ("on", "date")), ((1, date(2026, 6, 30)), (3, date(2026, 6, 30))))]
    text = ("customers from c key id\nevents o from o by id at at\nevents t from t by id at on date\n"
            "segment hit:\n    o in last 2 hours then t within 1 day\n"
            "segment miss:\n    o in last 2 hours then no t within 1 day\n")
    program = compiler.load_text(text)
    expected = {"hit": {1}, "miss": {2}}
    assert {name: members for name, members in oracle.evaluate(program, _rows(tables), date(2026, 6, 30)).items()
            } == expected
    engine.load(tables)
    got = {name: {row[0] for row in engine.query(compiler.to_sql(program, engine.dialect, name, date(2026, 6, 30)))}
           for name in expected}
    assert got == expected


# New York, clocks go forward at 2026-03-08 07:00 UTC (02:00 EST becomes 03:00 EDT). The engine's clock is
# read as 07:30 UTC = 03:30 EDT, so the last 2 hours (elapsed) start at 05:30 UTC = 00:30 EST: on the wall
# clock that is 3 hours back, not 2. v 1 (01:00 EST, 1.5 hours ago) is in them; v 4 (03:30 EDT = T) and o 2
# (07:30 UTC = T) do not exist yet; o 3 sits exactly 2 hours back (bounds included).
CLOCK_CHANGE_NOW = datetime(2026, 3, 8, 7, 30)
CLOCK_CHANGE = _tables(
    [(1, "2026-03-08 07:29:59"), (2, "2026-03-08 07:30:00"), (3, "2026-03-08 05:30:00"), (4, "2026-03-08 05:29:59")],
    [(1, "2026-03-08 01:00:00"), (2, "2026-03-08 01:29:00"), (3, "2026-03-08 00:29:00"), (4, "2026-03-08 03:30:00"),
     (5, "2026-03-08 03:29:00")])
CLOCK_CHANGE_CASES = {"has o": {1, 3, 4}, "has o in last 2 hours": {1, 3}, "has o before last 2 hours": {4},
                      "has v": {1, 2, 3, 5}, "has v in last 2 hours": {1, 2, 5}, "has v before last 2 hours": {3},
                      "has v in last 90 minutes": {1, 2, 5}, "has v in last 89 minutes": {2, 5}}


def _at_fixed_clock(tree: exp.Expr, dialect: str, now_utc: datetime) -> str:
    """A compiled statement without an as-of, its every read of the engine's clock (now_utc) replaced by a
    fixed UTC instant: the SQL the engine runs at that instant."""
    forms = dialects.get(dialect)
    clock = forms.now_utc()
    fixed = tree.transform(lambda node: forms.instant_literal(now_utc) if node == clock else node)
    assert fixed != tree, "the statement reads the engine's clock"
    return dialects.render(fixed, forms)


def test_hours_back_from_the_current_instant_across_a_change_of_clocks(engine):
    """Rule 10 without --as-of: T is the engine's current instant, hours back from it are elapsed time on a
    local column too, and events at T or later do not exist; the same members as --as-of T (the oracle)."""
    cases = CLOCK_CHANGE_CASES
    program = compiler.load_text(_program("America/New_York", list(cases)))
    as_of = CLOCK_CHANGE_NOW.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None)
    found = oracle.evaluate(program, _rows(CLOCK_CHANGE), as_of)
    assert {c: found[f"s{i}"] for i, c in enumerate(cases)} == cases
    engine.load(CLOCK_CHANGE)
    got = {}
    for i, condition in enumerate(cases):
        try:
            tree = compiler.to_tree(program, engine.dialect, f"s{i}")
        except SegdslError as exc:  # a local column's wall clock needs the engine's zone database (rule 9)
            assert engine.dialect in ("sqlite", "mysql") and condition.startswith("has v"), exc
            continue
        got[condition] = {row[0] for row in engine.query(_at_fixed_clock(tree, engine.dialect, CLOCK_CHANGE_NOW))}
    assert got == {c: m for c, m in cases.items() if c in got}
