"""Every engine loads typed tables and gives the values back exactly (see tests/engines/)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlglot
from sqlglot import exp

from engines import Table, normalize

TRICKY = "it's a \"quote\" \\ back\\slash; -- not a comment /* nor this */ %s ?"
UNICODE = "héllo wörld — 日本語 ✓ Ωmega"

ORDERS = Table(
    "shop.orders",
    (("id", "integer"), ("customer_id", "integer"), ("amount", "decimal"), ("score", "double"),
     ("note", "text"), ("day", "date"), ("at", "timestamp"), ("paid", "boolean")),
    (
        (1, 10, Decimal("12.5"), 0.25, UNICODE, date(2024, 1, 2), datetime(2024, 1, 2, 0, 0, 0), True),
        (2, 10, Decimal("-3.1416"), -1.5, TRICKY, date(2024, 1, 3), datetime(2024, 1, 2, 23, 59, 59), False),
        (3, 20, None, None, None, None, None, None),
        (4, None, Decimal("0"), 0.0, "", date(1999, 12, 31), datetime(1999, 12, 31, 23, 59, 59), True),
    ),
)

CUSTOMERS = Table(
    "customers",
    (("id", "integer"), ("name", "text"), ("signup", "date"), ("last_seen", "timestamp"), ("vip", "boolean"),
     ("credit", "decimal"), ("rating", "double")),
    (
        (10, "Ann", date(2023, 5, 1), datetime(2024, 2, 29, 12, 30, 0), True, Decimal("100.0001"), 4.5),
        (20, None, None, None, None, None, None),
        (-9223372036854775807, TRICKY, date(2000, 2, 29), datetime(2000, 1, 1, 0, 0, 0), False, Decimal("-0.5"), 1e-3),
    ),
)

SMALL_ORDERS = Table("shop.orders", (("id", "integer"), ("label", "text")), ((7, "seven"),))


def run(engine, duckdb_sql: str) -> list[tuple]:
    """A DuckDB-dialect query run on the engine in its own dialect."""
    return engine.query(sqlglot.transpile(duckdb_sql, read="duckdb", write=engine.dialect)[0])


def typed(rows: list[tuple]) -> list[tuple]:
    """Rows with each value's type next to it, so True != 1 and 3.0 != 3 in comparisons."""
    return [tuple((type(v).__name__, v) for v in row) for row in rows]


def expected(table: Table) -> list[tuple]:
    return [tuple(normalize(v) for v in row) for row in table.canonical_rows()]


def missing_table_error(engine) -> type[Exception]:
    """What the engine's driver raises for a query on a table that does not exist."""
    if engine.name == "duckdb":
        import duckdb

        return duckdb.CatalogException
    if engine.name == "sqlite":
        return sqlite3.OperationalError
    if engine.name == "postgres":
        import psycopg

        return psycopg.errors.UndefinedTable
    if engine.name == "mysql":
        import pymysql

        return pymysql.err.ProgrammingError
    if engine.name == "clickhouse":
        return RuntimeError  # chdb raises its ChdbError, a RuntimeError (chdb.ChdbError is another class)
    if engine.name == "spark":
        from pyspark.errors import AnalysisException

        return AnalysisException
    if engine.name == "trino":
        from trino.exceptions import TrinoUserError

        return TrinoUserError
    raise ValueError(engine.name)


@pytest.fixture
def loaded(engine):
    engine.load([ORDERS, CUSTOMERS])
    return engine


def test_qualified_table_round_trips_every_type(loaded):
    got = run(loaded, "SELECT id, customer_id, amount, score, note, day, at, paid FROM shop.orders ORDER BY id")
    assert typed(got) == typed(expected(ORDERS))
    assert got[1][2] == -3.1416 and got[1][6] == datetime(2024, 1, 2, 23, 59, 59)


def test_unqualified_table_round_trips_every_type(loaded):
    got = run(loaded, "SELECT id, name, signup, last_seen, vip, credit, rating FROM customers ORDER BY id")
    assert typed(got) == typed(sorted(expected(CUSTOMERS)))


def test_join_and_aggregates_across_both_tables(loaded):
    got = run(loaded, "SELECT o.id, c.name FROM shop.orders AS o JOIN customers AS c ON o.customer_id = c.id "
                      "ORDER BY o.id")
    assert got == [(1, "Ann"), (2, "Ann"), (3, None)]
    [(rows, amounts, total, nulls)] = run(
        loaded, "SELECT COUNT(*), COUNT(amount), SUM(amount), COUNT(*) - COUNT(note) FROM shop.orders")
    assert (rows, amounts, nulls) == (4, 3, 1)
    assert total == pytest.approx(9.3584)


def test_text_literals_match_stored_text(loaded):
    literal = exp.Literal.string(TRICKY).sql(loaded.dialect)
    assert loaded.query(f"SELECT id FROM shop.orders WHERE note = {literal}") == [(2,)]
    literal = exp.Literal.string(UNICODE).sql(loaded.dialect)
    assert loaded.query(f"SELECT id FROM shop.orders WHERE note = {literal}") == [(1,)]


def _ids_where(engine, condition: exp.Expression) -> list[int]:
    sql = exp.select("id").from_("shop.orders").where(condition).order_by("id").sql(engine.dialect)
    return [row[0] for row in engine.query(sql)]


def _date(text: str) -> exp.Expression:
    return exp.cast(exp.Literal.string(text), exp.DataType.Type.DATE)


def _timestamp(text: str) -> exp.Expression:
    return exp.cast(exp.Literal.string(text), exp.DataType.Type.TIMESTAMP)


def test_date_column_compares_with_date_literal(loaded):
    day = exp.column("day")
    assert _ids_where(loaded, exp.GTE(this=day, expression=_date("2024-01-03"))) == [2]
    assert _ids_where(loaded, exp.EQ(this=day, expression=_date("2024-01-02"))) == [1]
    assert _ids_where(loaded, exp.LT(this=day, expression=_date("2000-01-01"))) == [4]


def test_timestamp_column_compares_with_timestamp_literal(loaded):
    at = exp.column("at")
    assert _ids_where(loaded, exp.GTE(this=at, expression=_timestamp("2024-01-02 23:59:59"))) == [2]
    assert _ids_where(loaded, exp.LT(this=at, expression=_timestamp("2024-01-02 23:59:59"))) == [1, 4]
    assert _ids_where(loaded, exp.EQ(this=at, expression=_timestamp("2024-01-02 00:00:00"))) == [1]
    on_day = exp.EQ(this=exp.cast(at, exp.DataType.Type.DATE), expression=_date("2024-01-02"))
    assert _ids_where(loaded, on_day) == [1, 2]


def test_load_replaces_everything_loaded_before(engine):
    engine.load([ORDERS, CUSTOMERS])
    assert run(engine, "SELECT COUNT(*) FROM shop.orders") == [(4,)]
    engine.load([SMALL_ORDERS])
    assert run(engine, "SELECT id, label FROM shop.orders") == [(7, "seven")]
    with pytest.raises(missing_table_error(engine)):
        run(engine, "SELECT COUNT(*) FROM customers")
    engine.load([ORDERS, CUSTOMERS])
    assert run(engine, "SELECT COUNT(*) FROM shop.orders") == [(4,)]
    assert run(engine, "SELECT COUNT(*) FROM customers") == [(3,)]


def test_empty_table_loads(engine):
    engine.load([Table("shop.empty", (("id", "integer"), ("at", "timestamp")), ())])
    assert run(engine, "SELECT id, at FROM shop.empty") == []
