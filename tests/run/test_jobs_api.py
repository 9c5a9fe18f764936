"""The Python API for jobs on connections the caller owns: DuckDB, sqlite3, psycopg; and the README's example."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import duckdb
import pytest
from engines.pgdb import fresh_database

import segdsl
from segdsl.compile import compiler
from segdsl.errors import SegdslError
from segdsl.run import history, runner
from segdsl.run.targets import DuckDBTarget, connection_target

from .small_shop import CUSTOMERS, JULY_1, JUNE_30, ORDERS, SOURCE

ROOT = Path(__file__).parents[2]
SIZES_JUNE_30 = [("buyers", "", 2, 0.6667), ("older", "", 1, 0.3333), ("kind", "old_buyer", 1, 0.3333),
                 ("kind", "other", 2, 0.6667)]


def sqlite_shop(**connect) -> sqlite3.Connection:
    """The shop in sqlite3 as a job would have it: times as 'YYYY-MM-DD HH:MM:SS' text, a schema attached."""
    con = sqlite3.connect(":memory:", **connect)
    con.execute("ATTACH DATABASE ':memory:' AS shop")
    con.execute("CREATE TABLE shop.customers (customer_id INTEGER, age INTEGER)")
    con.execute("CREATE TABLE shop.orders (customer_id INTEGER, ordered_at TIMESTAMP, amount DECIMAL(18,4))")
    con.executemany("INSERT INTO shop.customers VALUES (?, ?)", CUSTOMERS.rows)
    con.executemany("INSERT INTO shop.orders VALUES (?, ?, ?)",
                    [(k, t.strftime("%Y-%m-%d %H:%M:%S"), float(a)) for k, t, a in ORDERS.rows])
    con.commit()
    return con


def duckdb_shop() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA shop")
    con.execute("CREATE TABLE shop.customers (customer_id BIGINT, age BIGINT)")
    con.execute("CREATE TABLE shop.orders (customer_id BIGINT, ordered_at TIMESTAMP, amount DECIMAL(18,4))")
    con.executemany("INSERT INTO shop.customers VALUES (?, ?)", CUSTOMERS.rows)
    con.executemany("INSERT INTO shop.orders VALUES (?, ?, ?)", ORDERS.rows)
    return con


def the_job(con, program, dialect: str | None = None) -> None:
    """The same job on any connection: read, write two days, diff them."""
    assert segdsl.members(con, program, "buyers", as_of=JUNE_30, dialect=dialect).rows == [(1,), (2,)]
    assert segdsl.members(con, program, "kind", as_of="2026-06-30", dialect=dialect).rows == [
        (1, "other"), (2, "old_buyer"), (3, "other")]
    assert segdsl.sizes(con, program, as_of=JUNE_30, dialect=dialect).rows == SIZES_JUNE_30
    _commit(con)
    assert segdsl.materialize(con, program, "hist", JUNE_30, dialect=dialect) == segdsl.Written("hist", JUNE_30, 6)
    assert segdsl.materialize(con, program, "hist", JULY_1, dialect=dialect).rows == 6
    assert segdsl.materialize(con, program, "hist", JULY_1, dialect=dialect).rows == 6  # replaced, not added
    changes = segdsl.diff(con, "hist", JUNE_30, JULY_1, dialect=dialect)
    assert changes.columns == ("segment", "label", "change", "customer_id")
    assert changes.rows == [("buyers", None, "entered", 3), ("buyers", None, "left", 1)]
    assert segdsl.diff(con, "hist", "2026-06-30", "2026-07-01", "buyers", summary=True, dialect=dialect).rows == [
        ("buyers", None, 2, 2, 1, 1)]
    _commit(con)


def _commit(con) -> None:
    """End the read transaction a non-autocommit DB-API connection opened (segdsl never commits reads)."""
    if not isinstance(con, duckdb.DuckDBPyConnection):
        con.commit()


def test_the_job_on_duckdb():
    con = duckdb_shop()
    the_job(con, compiler.load_text(SOURCE))
    assert con.execute("SELECT COUNT(*) FROM hist").fetchone() == (12,)  # still open: the caller's connection


@pytest.mark.parametrize("isolation", ["", None], ids=["implicit-transactions", "autocommit"])
def test_the_job_on_sqlite3(isolation):
    con = sqlite_shop(isolation_level=isolation)
    the_job(con, compiler.load_text(SOURCE))
    assert con.execute("SELECT as_of, COUNT(*) FROM hist GROUP BY as_of ORDER BY as_of").fetchall() == [
        ("2026-06-30", 6), ("2026-07-01", 6)]


@pytest.mark.parametrize("autocommit", [False, True], ids=["transactions", "autocommit"])
def test_the_job_on_psycopg(postgres_engine, autocommit):
    import psycopg

    with fresh_database(postgres_engine, "segdsl_api", [CUSTOMERS, ORDERS]) as url:
        with psycopg.connect(url, autocommit=autocommit) as con:
            the_job(con, compiler.load_text(SOURCE))
        with psycopg.connect(url) as other:  # committed: another session sees both days
            assert other.execute("SELECT as_of, COUNT(*) FROM hist GROUP BY as_of ORDER BY as_of").fetchall() == [
                (JUNE_30, 6), (JULY_1, 6)]


def test_materialize_refuses_a_transaction_the_caller_left_open(postgres_engine):
    import psycopg

    program = compiler.load_text(SOURCE)
    with fresh_database(postgres_engine, "segdsl_api_open", [CUSTOMERS, ORDERS]) as url:
        with psycopg.connect(url) as con:
            segdsl.members(con, program, "buyers", JUNE_30)
            with pytest.raises(SegdslError, match="the connection has a transaction open"):
                segdsl.materialize(con, program, "hist", JUNE_30)
    con = sqlite_shop()
    con.execute("INSERT INTO shop.customers VALUES (4, 20)")
    with pytest.raises(SegdslError, match="the connection has a transaction open"):
        segdsl.materialize(con, program, "hist", JUNE_30)
    duck = duckdb_shop()
    duck.begin()
    with pytest.raises(SegdslError, match="cannot start a transaction"):
        segdsl.materialize(duck, program, "hist", JUNE_30)


@pytest.mark.parametrize("kind", ["duckdb", "sqlite"])
def test_a_fault_between_delete_and_insert_on_a_callers_connection(kind):
    con = duckdb_shop() if kind == "duckdb" else sqlite_shop()
    program = compiler.load_text(SOURCE)
    segdsl.materialize(con, program, "hist", JUNE_30)
    before = sorted(con.execute("SELECT * FROM hist").fetchall())

    def fail() -> None:
        raise RuntimeError("injected")

    with pytest.raises(RuntimeError, match="injected"):
        history.materialize(connection_target(con), program, "hist", JUNE_30, after_delete=fail)
    assert sorted(con.execute("SELECT * FROM hist").fetchall()) == before


def test_a_program_path_with_params(tmp_path):
    seg = tmp_path / "shop.seg"
    seg.write_text(SOURCE.replace("age > 40", "age > min_age") + "param min_age = 40\n")
    con = duckdb_shop()
    assert segdsl.members(con, seg, "older", JUNE_30).rows == [(2,)]
    assert segdsl.members(con, str(seg), "older", JUNE_30, params={"min_age": "20"}).rows == [(1,), (2,)]
    with pytest.raises(SegdslError, match="params apply when a program is loaded"):
        segdsl.members(con, compiler.load_file(seg), "older", JUNE_30, params={"min_age": "20"})


def test_connections_the_api_cannot_use():
    program = compiler.load_text(SOURCE)
    with pytest.raises(SegdslError, match=r"cannot tell the SQL dialect of a builtins.object connection"):
        segdsl.members(object(), program, "buyers")
    with pytest.raises(SegdslError, match="a duckdb connection runs the duckdb dialect, not postgres"):
        segdsl.members(duckdb_shop(), program, "buyers", dialect="postgres")
    with pytest.raises(SegdslError, match="'30/06/2026' is not a day"):
        segdsl.members(duckdb_shop(), program, "buyers", as_of="30/06/2026")


def test_the_readme_example_runs():
    """The 'Jobs in Python' snippet of README.md, executed as written, agrees with the runner."""
    readme = (ROOT / "README.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "segdsl.materialize(" in b]
    assert len(blocks) == 1
    scope: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), scope)
    con, program, day = scope["con"], scope["program"], scope["day"]
    target = DuckDBTarget(con)
    assert scope["lapsed"] == runner.members(target, program, "lapsed", day)
    assert scope["sizes"] == runner.sizes(target, program, day)
    assert scope["audience"].columns == ("customer_id", "ltv", "email") and scope["audience"].rows
    assert scope["written"].rows == con.execute("SELECT COUNT(*) FROM segment_history WHERE as_of = ?",
                                                [day]).fetchone()[0]
    changes = scope["changes"].rows
    [(_segment, _label, before, after, entered, left)] = [r for r in scope["counts"].rows if r[0] == "lapsed"]
    assert (entered, left) == (sum(r[2] == "entered" for r in changes), sum(r[2] == "left" for r in changes))
    assert after - before == entered - left and len(scope["lapsed"].rows) == after


def test_the_job_on_pymysql_with_the_dialect_given(mysql_engine):
    """Any other PEP 249 connection runs with its dialect named: pymysql on the MariaDB server."""
    import pymysql

    mysql_engine.load([CUSTOMERS, ORDERS])
    con = pymysql.connect(host="127.0.0.1", port=mysql_engine.port, user="root", password="", database="segdsl",
                          init_command="SET time_zone = '+00:00'")
    try:
        program = compiler.load_text(SOURCE)
        with pytest.raises(SegdslError, match="cannot tell the SQL dialect of a pymysql"):
            segdsl.members(con, program, "buyers", JUNE_30)
        the_job(con, program, "mysql")
        with pytest.raises(RuntimeError, match="injected"):
            history.materialize(connection_target(con, "mysql"), program, "hist", JULY_1, after_delete=_fail)
        with con.cursor() as cursor:
            cursor.execute("SELECT as_of, COUNT(*) FROM hist GROUP BY as_of ORDER BY as_of")
            assert cursor.fetchall() == ((JUNE_30, 6), (JULY_1, 6))
    finally:
        with con.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS hist")
        con.close()


def _fail() -> None:
    raise RuntimeError("injected")


def test_without_as_of_the_day_is_the_database_current_date():
    """The database's CURRENT_DATE, read once: the day between a read before and one after (midnight may pass)."""
    con = sqlite_shop()

    def today() -> dt.date:
        return dt.date.fromisoformat(con.execute("SELECT CURRENT_DATE").fetchone()[0])

    before = today()
    written = segdsl.materialize(con, compiler.load_text(SOURCE), "hist")
    assert written.as_of in (before, today())
    assert con.execute("SELECT DISTINCT as_of FROM hist").fetchall() == [(written.as_of.isoformat(),)]
