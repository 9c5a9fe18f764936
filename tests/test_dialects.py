"""Each correction in segdsl/dialects.py, with the behaviour that needs it."""

import sqlite3
from datetime import date

import duckdb
import pytest
from sqlglot import exp

from segdsl import dialects
from segdsl.timeline import shift_months

DAYS = [date(2024, 3, 31), date(2023, 3, 31), date(2024, 5, 31), date(2024, 2, 29), date(2024, 1, 15),
        date(2024, 12, 31), date(2025, 1, 31)]


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("months", [-1, -3, -12, -13, 1, 2])
def test_sqlite_month_steps_clamp_like_the_contract(day, months):
    """SQLite's DATE(d, '-1 month') overflows (2024-03-31 -> 2024-03-02); the fix clamps."""
    value = dialects.add_months(exp.Literal.string(day.isoformat()), months, "sqlite")
    got = sqlite3.connect(":memory:").execute(f"SELECT {value.sql('sqlite')}").fetchone()[0]
    assert got == shift_months(day, months).isoformat()


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("months", [-1, -3, -12])
def test_duckdb_month_steps_clamp(day, months):
    value = dialects.add_months(dialects.date_literal(day, "duckdb"), months, "duckdb")
    assert duckdb.connect().execute(f"SELECT {value.sql('duckdb')}").fetchone()[0] == shift_months(day, months)


def test_sqlite_timestamp_plus_days_keeps_the_time_of_day():
    value = dialects.timestamp_plus_days(exp.Literal.string("2024-06-30 23:59:59"), 7, "sqlite")
    got = sqlite3.connect(":memory:").execute(f"SELECT {value.sql('sqlite')}").fetchone()[0]
    assert got == "2024-07-07 23:59:59"


def test_sqlite_bounds_are_text_that_orders_correctly_against_timestamps():
    bound = dialects.timestamp_literal(date(2024, 7, 1), "sqlite").sql("sqlite")
    con = sqlite3.connect(":memory:")
    assert con.execute(f"SELECT '2024-06-30 23:59:59' < {bound}, '2024-07-01 00:00:00' < {bound}").fetchone() == (1, 0)


def test_sqlite_dates_are_never_cast_to_numbers():
    assert dialects.date_literal(date(2024, 6, 30), "sqlite").sql("sqlite") == "'2024-06-30'"


def test_tsql_current_date_has_no_time_of_day():
    assert dialects.current_date("tsql").sql("tsql") == "CAST(GETDATE() AS DATE)"


def test_bigquery_bounds_are_timestamps_not_datetimes():
    assert dialects.timestamp_literal(date(2024, 7, 1), "bigquery").sql("bigquery") == \
        "CAST('2024-07-01 00:00:00' AS TIMESTAMP)"


@pytest.mark.parametrize("dialect, expected", [
    ("spark", "DATE_ADD(DAY, 7, t)"),
    ("databricks", "DATE_ADD(DAY, 7, t)"),
    ("bigquery", "TIMESTAMP_ADD(t, INTERVAL 7 DAY)"),
    ("duckdb", "t + INTERVAL 7 DAY"),
    ("tsql", "DATEADD(DAY, 7, t)"),
])
def test_timestamp_plus_days_keeps_a_timestamp(dialect, expected):
    assert dialects.timestamp_plus_days(exp.column("t"), 7, dialect).sql(dialect) == expected


def test_flags_are_1_0_where_there_are_no_booleans():
    condition = exp.GT(this=exp.column("x"), expression=exp.Literal.number(1))
    assert dialects.flag(condition, "tsql").sql("tsql") == "CASE WHEN x > 1 THEN 1 ELSE 0 END"
    assert dialects.flag(condition, "duckdb").sql("duckdb") == "CASE WHEN x > 1 THEN TRUE ELSE FALSE END"


@pytest.mark.parametrize("value, pattern, expected", [
    ("Apple", "a%", False), ("apple", "a%", True), ("a*c", "a*c", True), ("abc", "a*c", False),
    ("a?c", "a_c", True), ("[x]", "[x]", True), ("x", "[x]", False), ("100%", "100%", True),
])
def test_sqlite_like_is_case_sensitive_and_keeps_glob_characters_literal(value, pattern, expected):
    test = dialects.like(exp.Literal.string(value), pattern, "sqlite").sql("sqlite")
    assert sqlite3.connect(":memory:").execute(f"SELECT {test}").fetchone()[0] == int(expected)


def test_string_literals_compare_exactly_where_collations_ignore_case():
    assert dialects.string_literal("F", "mysql").sql("mysql") == "CAST('F' AS BINARY)"
    assert dialects.string_literal("F", "tsql").sql("tsql") == "'F' COLLATE Latin1_General_BIN2"
    assert dialects.string_literal("F", "postgres").sql("postgres") == "'F'"


def test_clickhouse_left_joins_give_nulls_on_tables_without_nullable_columns(clickhouse_engine):
    """ClickHouse fills unmatched non-Nullable columns with 0 unless join_use_nulls = 1."""
    from segdsl import compiler

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

@pytest.mark.parametrize("dialect, expected", [
    ("bigquery", r"x LIKE 'a\\\\b%'"),
    ("redshift", r"x LIKE 'a\\\\b%'"),
    ("tsql", "x LIKE 'a[[]b%' COLLATE Latin1_General_BIN2"),
    ("trino", "x LIKE 'a[b%'"),
])
def test_like_patterns_have_no_escape_character(dialect, expected):
    """Backslash escapes in LIKE on some engines and `[` opens a set on SQL Server: both stay literal."""
    pattern = "a[b%" if dialect in ("tsql", "trino") else "a\\b%"
    assert dialects.like(exp.column("x"), pattern, dialect).sql(dialect) == expected


@pytest.mark.parametrize("dialect", ["postgres", "snowflake", "tsql", "clickhouse", "spark", "sqlite"])
def test_names_that_need_quotes_get_them_and_others_stay_bare(dialect):
    query = exp.select(exp.column("select"), exp.column("città"), exp.column("amount")).from_("t")
    sql = dialects.statement(query, dialect).sql(dialect)
    assert "amount" in sql and not any(q + "amount" in sql for q in "\"`[")
    keyword = "SELECT" if dialect == "snowflake" else "select"
    assert sum(sql.count(q + keyword) for q in "\"`[") == 1 and sum(sql.count(q + "città") for q in "\"`[") == 1


def test_snowflake_quotes_its_reserved_words_in_the_case_a_bare_name_means():
    """Snowflake folds bare names to upper case; a quoted name keeps its case."""
    def query():
        return exp.select(*(exp.column(n) for n in ("sample", "Order", "città", "amount"))).from_("t")

    assert dialects.statement(query(), "snowflake").sql("snowflake") == 'SELECT "SAMPLE", "ORDER", "città", amount FROM t'
    assert dialects.statement(query(), "postgres").sql("postgres") == 'SELECT sample, "Order", "città", amount FROM t'
