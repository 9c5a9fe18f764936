"""The dialect forms whose reason shows on an engine, run there (every form's SQL, in every dialect:
tests/dialects/test_dialect_table.py)."""

import sqlite3
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import duckdb
import pytest
from sqlglot import exp

from segdsl import dialects
from segdsl.lang.timeline import shift_months

SQLITE, DUCKDB = dialects.get("sqlite"), dialects.get("duckdb")

DAYS = [date(2024, 3, 31), date(2023, 3, 31), date(2024, 5, 31), date(2024, 2, 29), date(2024, 1, 15),
        date(2024, 12, 31), date(2025, 1, 31)]


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("months", [-1, -3, -12, -13, 1, 2])
def test_sqlite_month_steps_clamp_like_the_contract(day, months):
    """SQLite's DATE(d, '-1 month') overflows (2024-03-31 -> 2024-03-02); the fix clamps."""
    value = SQLITE.add_months(exp.Literal.string(day.isoformat()), months)
    got = sqlite3.connect(":memory:").execute(f"SELECT {value.sql('sqlite')}").fetchone()[0]
    assert got == shift_months(day, months).isoformat()


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("months", [-1, -3, -12])
def test_duckdb_month_steps_clamp(day, months):
    value = DUCKDB.add_months(DUCKDB.date_literal(day), months)
    assert duckdb.connect().execute(f"SELECT {value.sql('duckdb')}").fetchone()[0] == shift_months(day, months)


def test_sqlite_timestamp_plus_days_keeps_the_time_of_day():
    value = SQLITE.timestamp_plus_days(exp.Literal.string("2024-06-30 23:59:59"), 7)
    got = sqlite3.connect(":memory:").execute(f"SELECT {value.sql('sqlite')}").fetchone()[0]
    assert got == "2024-07-07 23:59:59"


def test_sqlite_bounds_are_text_that_orders_correctly_against_timestamps():
    bound = SQLITE.timestamp_literal(date(2024, 7, 1)).sql("sqlite")
    con = sqlite3.connect(":memory:")
    assert con.execute(f"SELECT '2024-06-30 23:59:59' < {bound}, '2024-07-01 00:00:00' < {bound}").fetchone() == (1, 0)


@pytest.mark.parametrize("value, pattern, expected", [
    ("Apple", "a%", False), ("apple", "a%", True), ("a*c", "a*c", True), ("abc", "a*c", False),
    ("a?c", "a_c", True), ("[x]", "[x]", True), ("x", "[x]", False), ("100%", "100%", True),
])
def test_sqlite_like_is_case_sensitive_and_keeps_glob_characters_literal(value, pattern, expected):
    test = SQLITE.like(exp.Literal.string(value), pattern).sql("sqlite")
    assert sqlite3.connect(":memory:").execute(f"SELECT {test}").fetchone()[0] == int(expected)


def test_clickhouse_left_joins_give_nulls_on_tables_without_nullable_columns(clickhouse_engine):
    """ClickHouse fills unmatched non-Nullable columns with 0 unless join_use_nulls = 1."""
    from segdsl.compile import compiler

    program = compiler.load_text(
        "customers from nn_c key id\nevents o from nn_o by id at at\nevents v from nn_v by id at at\n"
        "segment cheap:\n    avg(o.amount) < 50\n"
        "segment no_buy:\n    v then no o within 3 days\n"
        "segment bought_after:\n    v then o within 3 days\n")
    run = clickhouse_engine._session.query  # the harness's one embedded server; these tables are not Nullable
    tables = {"nn_c": "id UInt64", "nn_o": "id UInt64, at DateTime, amount Float64", "nn_v": "id UInt64, at DateTime"}
    try:
        for name, columns in tables.items():
            run(f"CREATE TABLE {name} ({columns}) ENGINE = Memory")
        run("INSERT INTO nn_c VALUES (1), (2)")
        run("INSERT INTO nn_o VALUES (1, '2024-06-02 10:00:00', 80)")
        run("INSERT INTO nn_v VALUES (1, '2024-06-01 10:00:00'), (2, '2024-06-01 10:00:00')")

        def members(name: str) -> set[int]:
            sql = compiler.to_sql(program, "clickhouse", name, date(2024, 6, 30))
            return {row[0] for row in clickhouse_engine.query(sql)}

        assert members("cheap") == set()
        assert members("no_buy") == {2}
        assert members("bought_after") == {1}
    finally:
        for name in tables:
            run(f"DROP TABLE IF EXISTS {name} SYNC")


# changes of clocks: New York's 23- and 25-hour days, Berlin's, Lord Howe's half hour, Santiago's skipped and
# repeated midnight, Apia's skipped day (2011-12-30)
CHANGES = [("America/New_York", "2026-03-08 02:00:00"), ("America/New_York", "2026-11-01 01:00:00"),
           ("Europe/Berlin", "2026-03-29 02:00:00"), ("Europe/Berlin", "2026-10-25 02:00:00"),
           ("Australia/Lord_Howe", "2026-04-05 01:30:00"), ("Australia/Lord_Howe", "2026-10-04 02:00:00"),
           ("America/Santiago", "2026-09-06 00:00:00"), ("America/Santiago", "2026-04-04 23:00:00"),
           ("Pacific/Apia", "2011-12-30 00:00:00")]


@pytest.mark.parametrize("zone, change", CHANGES)
@pytest.mark.parametrize("session_zone", ["UTC", "Asia/Tokyo", "America/Los_Angeles"])
def test_clickhouse_converts_zones_at_changes_of_clocks_in_any_session_zone(clickhouse_engine, zone, change,
                                                                            session_zone):
    """Wall-clock times every 20 minutes (and some microseconds) 3 hours either side of a change of clocks, to
    UTC (a skipped time with the offset before the change, a repeated one as its first occurrence: zoneinfo's
    fold=0), and UTC instants to wall-clock times and their day, whatever the session's time zone. The values
    are DateTime64(6, 'UTC'), as the harness's columns are."""
    clickhouse = dialects.get("clickhouse")
    start = datetime.fromisoformat(change) - timedelta(hours=3)
    walls = [start + timedelta(minutes=20 * k, microseconds=250 * k) for k in range(19)]
    utcs = [wall.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc).replace(tzinfo=None) for wall in walls]

    def value(moment: datetime) -> exp.Expr:
        return exp.Anonymous(this="toDateTime64", expressions=[
            exp.Literal.string(moment.isoformat(sep=" ")), exp.Literal.number(6), exp.Literal.string("UTC")])

    def text(tree: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this="toString", expressions=[tree])

    columns = []
    for wall, utc in zip(walls, utcs):
        shown = clickhouse.convert_zone(value(utc), "UTC", zone)
        columns += [text(clickhouse.convert_zone(value(wall), zone, "UTC")), text(shown),
                    text(clickhouse.to_date(shown.copy()))]
    missing = exp.cast(exp.Null(), exp.DataType.build("Nullable(DateTime64(6, 'UTC'))", dialect="clickhouse"))
    columns += [clickhouse.convert_zone(missing, zone, "UTC"), clickhouse.convert_zone(missing.copy(), "UTC", zone)]
    sql = exp.select(*columns).sql("clickhouse") + f" SETTINGS session_timezone = '{session_zone}'"
    [row] = clickhouse_engine.query(sql)
    expected = []
    for utc in utcs:
        shown = utc.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        expected += [utc, shown, shown.date()]
    got = [datetime.fromisoformat(v) if len(v) > 10 else date.fromisoformat(v) for v in row[:-2]]
    assert got == expected
    assert row[-2:] == (None, None)


def test_sqlite_joins_at_most_500_selects_in_one_union_so_longer_ones_are_grouped():
    con = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError, match="too many terms in compound SELECT"):
        con.execute(" UNION ALL ".join(["SELECT 1"] * 501))
    union = SQLITE.union_all([exp.select(exp.alias_(exp.Literal.number(n), "n")) for n in range(1201)])
    assert con.execute(f"SELECT count(*), sum(n) FROM ({union.sql('sqlite')})").fetchone() == (1201, 720600)


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
def test_unpivot_gives_a_row_per_true_flag_and_per_label_with_names_as_written(dialect):
    """DuckDB's UNPIVOT and SQLite's JSON objects carry each name exactly (case, spaces, quotes, keywords)."""
    forms = dialects.get(dialect)
    flags, labels = ["Big", "big one", 'say "hi"', "order"], ["tier"]
    wide = ("SELECT 1 AS k, TRUE AS \"Big\", FALSE AS \"big one\", TRUE AS \"say \"\"hi\"\"\", NULL AS \"order\", "
            "'gold' AS tier UNION ALL SELECT 2, FALSE, TRUE, FALSE, TRUE, 'Ünï \"x\"'")
    query = forms.statement(forms.unpivot("w", "k", flags, labels, ("name", "label"))).sql(dialect)
    con = sqlite3.connect(":memory:") if dialect == "sqlite" else duckdb.connect()
    rows = con.execute(f"WITH w AS ({wide}) {query}").fetchall()
    assert sorted(rows, key=str) == sorted([(1, "Big", None), (1, 'say "hi"', None), (1, "tier", "gold"),
                                            (2, "big one", None), (2, "order", None), (2, "tier", 'Ünï "x"')],
                                           key=str)


def test_trino_averages_decimals_beyond_their_scale(trino_engine):
    """Trino's AVG of a DECIMAL(18,4) is a DECIMAL(18,4), the mean rounded to 4 places; the dialect's is not."""
    trino = dialects.get("trino")
    values = exp.values([exp.tuple_(exp.cast(exp.Literal.number(n), exp.DataType.build("DECIMAL(18, 4)")))
                         for n in (1, 2, 2)], alias="t", columns=["x"])
    plain, exact = (exp.select(mean).from_(values).sql("trino")
                    for mean in (exp.Avg(this=exp.column("x")), trino.average(exp.column("x"))))
    assert trino_engine.query(plain) == [(1.6667,)]
    [(mean,)] = trino_engine.query(exact)
    assert abs(mean - 5 / 3) < 1e-10


def test_whole_days_of_minutes_are_elapsed_time_across_a_change_of_clocks():
    """A session gap of 1 day (1440 minutes) on instants is 24 hours, also across New York's 23-hour day in a
    session whose zone is New York's (a day step would be a calendar day there)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/New_York'")
    start = datetime(2026, 3, 7, 17, 0, tzinfo=timezone.utc)  # noon in New York, the day before spring forward
    moved = dialects.get("duckdb").timestamp_plus_minutes(exp.column("t"), 1440)
    (value,) = con.execute(f"SELECT {moved.sql('duckdb')} FROM (SELECT ?::TIMESTAMPTZ AS t)", [start]).fetchone()
    assert value - start == timedelta(hours=24)
