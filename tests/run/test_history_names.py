"""A history table's name means one table: an unqualified name is resolved once, as the database resolves it
(the first schema of its search path that holds a table of that name, else where CREATE TABLE puts it), and the
shape check, the writes and `diff` all use that table. A table of that name elsewhere on the path is never
touched. A name longer than the engine keeps is refused, not cut.

On the real PostgreSQL server (the search_path set on the database, as an administrator would), and on DuckDB
and SQLite connections of the jobs API (a search_path setting, attached and temporary databases).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import duckdb
import pytest
from click.testing import CliRunner
from engines.pgdb import fresh_database

from segdsl.cli.main import main
from segdsl.compile import compiler
from segdsl.errors import SegdslError
from segdsl.run import history, runner
from segdsl.run.targets import connection_target

from .small_shop import CUSTOMERS, JULY_1, JUNE_30, ORDERS, SOURCE

UNRELATED = ("CREATE TABLE {table} (as_of DATE, customer_id BIGINT, segment TEXT, label TEXT, note TEXT)",
             "INSERT INTO {table} VALUES ('2026-06-30', 99, 'precious', NULL, 'keep me')")
KEPT = [(dt.date(2026, 6, 30), 99, "precious", None, "keep me")]


@pytest.fixture()
def pg(postgres_engine):
    """A fresh database holding the shop and a schema `s1`; yields (url, run SQL as an administrator)."""
    import psycopg

    with fresh_database(postgres_engine, "segdsl_search_path", [CUSTOMERS, ORDERS]) as url:
        def sql(statement: str) -> list[tuple]:
            with psycopg.connect(url, autocommit=True) as con:
                cursor = con.execute(statement)
                return cursor.fetchall() if cursor.description else []

        sql("CREATE SCHEMA s1")
        yield url, sql


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def materialize(url: str, table: str, day: dt.date = JUNE_30) -> history.Written:
    program = compiler.load_text(SOURCE)
    with runner.open_target(url, program, writable=True) as target:
        return history.materialize(target, program, table, day)


def test_postgres_never_touches_an_unrelated_table_of_that_name_on_the_search_path(pg, tmp_path):
    url, sql = pg
    sql("ALTER DATABASE segdsl_search_path SET search_path = s1, public")
    for statement in UNRELATED:
        sql(statement.format(table="s1.hist"))
    seg = tmp_path / "shop.seg"
    seg.write_text(SOURCE)
    done = cli("materialize", str(seg), "--db", url, "--table", "hist", "--as-of", "2026-06-30")
    assert done.exit_code == 1
    assert done.stderr.startswith("error: s1.hist is not a segment history table (its columns: as_of, customer_id, "
                                  "segment, label, note)\n")
    assert sql("SELECT * FROM s1.hist") == KEPT
    assert sql("SELECT to_regclass('public.hist')") == [(None,)]


def test_postgres_writes_where_the_database_would_create_it_and_diff_finds_it(pg, tmp_path):
    url, sql = pg
    sql("ALTER DATABASE segdsl_search_path SET search_path = nosuch, s1, public")
    seg = tmp_path / "shop.seg"
    seg.write_text(SOURCE)
    for day in ("2026-06-30", "2026-07-01"):
        done = cli("materialize", str(seg), "--db", url, "--table", "hist", "--as-of", day)
        assert (done.exit_code, done.stdout) == (0, f"hist: 6 rows as of {day}\n"), done.stderr
    # the first schema of the path that exists: where the database itself would create `hist`
    assert sql("SELECT count(*) FROM s1.hist") == [(12,)]
    assert sql("SELECT to_regclass('public.hist')") == [(None,)]
    done = cli("diff", "--db", url, "--table", "hist", "--from", "2026-06-30", "--to", "2026-07-01", "--format", "csv")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == "segment,label,change,customer_id\nbuyers,,entered,3\nbuyers,,left,1\n"


def test_postgres_finds_an_existing_history_table_further_down_the_path(pg):
    url, sql = pg
    assert materialize(url, "hist").rows == 6  # into public, the first schema of the default path
    sql("ALTER DATABASE segdsl_search_path SET search_path = s1, public")
    assert materialize(url, "hist", JULY_1).rows == 6
    assert sql("SELECT to_regclass('s1.hist')") == [(None,)]
    assert sql("SELECT count(*) FROM public.hist") == [(12,)]
    with runner.open_target(url) as target:
        assert history.days(target, "hist") == [JUNE_30, JULY_1]


def test_postgres_reads_the_programs_tables_where_the_search_path_finds_them(pg, tmp_path):
    """An unqualified table of the program is checked where the query reads it, not in `public`."""
    url, sql = pg
    sql("CREATE TABLE s1.customers AS SELECT * FROM shop.customers WHERE customer_id < 3")
    sql("CREATE TABLE public.customers (other_id BIGINT)")
    sql("ALTER DATABASE segdsl_search_path SET search_path = s1, public")
    seg = tmp_path / "local.seg"
    seg.write_text(SOURCE.replace("from shop.customers", "from customers"))
    assert cli("check", str(seg), "--db", url).exit_code == 0
    done = cli("run", str(seg), "--db", url, "--segment", "older", "--as-of", "2026-06-30", "--format", "csv")
    assert (done.exit_code, done.stdout) == (0, "customer_id\n2\n"), done.stderr


def test_postgres_without_a_schema_to_create_in_says_so(pg):
    url, sql = pg
    sql("ALTER DATABASE segdsl_search_path SET search_path = nosuch")
    program = compiler.load_text(SOURCE)
    with runner.open_target(url, program, writable=True) as target, pytest.raises(SegdslError) as caught:
        history.materialize(target, program, "hist", JUNE_30)
    assert str(caught.value) == "no schema on the database's search path exists to hold 'hist'"


@pytest.mark.parametrize("table, refused", [
    ("h" * 64, "'" + "h" * 64 + "' is too long for a name on postgres (64 bytes; at most 63)"),
    ("é" * 32, "'" + "é" * 32 + "' is too long for a name on postgres (64 bytes; at most 63)"),
    ("s" * 64 + ".hist", "'" + "s" * 64 + "' is too long for a name on postgres (64 bytes; at most 63)"),
], ids=["table", "multibyte", "schema"])
def test_postgres_refuses_a_name_longer_than_it_keeps(pg, tmp_path, table, refused):
    url, sql = pg
    seg = tmp_path / "shop.seg"
    seg.write_text(SOURCE)
    done = cli("materialize", str(seg), "--db", url, "--table", table, "--as-of", "2026-06-30")
    assert done.exit_code == 1 and done.stderr.startswith(f"error: {refused}\n"), done.stderr
    assert sql("SELECT count(*) FROM pg_class WHERE relname LIKE 'hhh%' OR relname LIKE 'éé%'") == [(0,)]
    done = cli("diff", "--db", url, "--table", table, "--from", "2026-06-30", "--to", "2026-06-30")
    assert done.exit_code == 1 and done.stderr.startswith(f"error: {refused}\n"), done.stderr
    materialize(url, "h" * 63)  # the longest name PostgreSQL keeps is fine
    assert sql(f"SELECT count(*) FROM public.{'h' * 63}") == [(6,)]
    # and its runs table's name is cut short to fit, with a hash of the whole name
    runs = "h" * 49 + "_" + hashlib.sha256(("h" * 63).encode()).hexdigest()[:8] + "_runs"
    assert sql(f"SELECT count(*) FROM public.{runs}") == [(1,)]


# ---- DuckDB and SQLite connections (the jobs API) ------------------------------------------------------


def duckdb_shop() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA shop; CREATE SCHEMA s1")
    con.execute("CREATE TABLE shop.customers (customer_id BIGINT, age BIGINT)")
    con.execute("CREATE TABLE shop.orders (customer_id BIGINT, ordered_at TIMESTAMP, amount DECIMAL(18,4))")
    con.executemany("INSERT INTO shop.customers VALUES (?, ?)", CUSTOMERS.rows)
    con.executemany("INSERT INTO shop.orders VALUES (?, ?, ?)", ORDERS.rows)
    con.execute("SET search_path = 's1,main'")
    return con


def test_duckdb_resolves_through_its_search_path():
    con = duckdb_shop()
    program = compiler.load_text(SOURCE)
    target = connection_target(con)
    for statement in UNRELATED:
        con.execute(statement.format(table="s1.hist"))
    with pytest.raises(SegdslError, match=r"^s1\.hist is not a segment history table"):
        history.materialize(target, program, "hist", JUNE_30)
    assert con.execute("SELECT * FROM s1.hist").fetchall() == KEPT
    history.materialize(target, program, "other", JUNE_30)  # where DuckDB creates it: its current schema, s1
    history.materialize(target, program, "other", JULY_1)
    assert con.execute("SELECT count(*) FROM s1.other").fetchall() == [(12,)]
    assert history.diff(target, "other", JUNE_30, JULY_1).rows == [("buyers", None, "entered", 3),
                                                                    ("buyers", None, "left", 1)]
    con.execute("SET search_path = 'main'")  # main holds none: s1.other is not on this path
    with pytest.raises(SegdslError, match="table 'other' not found"):
        history.days(target, "other")


def sqlite_shop() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute("ATTACH DATABASE ':memory:' AS shop")
    con.execute("CREATE TABLE shop.customers (customer_id INTEGER, age INTEGER)")
    con.execute("CREATE TABLE shop.orders (customer_id INTEGER, ordered_at TIMESTAMP, amount DECIMAL(18,4))")
    con.executemany("INSERT INTO shop.customers VALUES (?, ?)", CUSTOMERS.rows)
    con.executemany("INSERT INTO shop.orders VALUES (?, ?, ?)",
                    [(k, t.strftime("%Y-%m-%d %H:%M:%S"), float(a)) for k, t, a in ORDERS.rows])
    con.commit()
    return con


@pytest.mark.parametrize("schema", ["shop", "temp"])
def test_sqlite_resolves_as_sqlite_does(schema):
    """SQLite looks an unqualified name up in temp, then main, then the attached databases."""
    con = sqlite_shop()
    for statement in UNRELATED:
        con.execute(statement.format(table=f"{schema}.hist"))
    con.commit()
    program = compiler.load_text(SOURCE)
    target = connection_target(con)
    with pytest.raises(SegdslError, match=rf"^{schema}\.hist is not a segment history table"):
        history.materialize(target, program, "hist", JUNE_30)
    assert con.execute(f"SELECT * FROM {schema}.hist").fetchall() == [("2026-06-30", 99, "precious", None, "keep me")]
    history.materialize(target, program, "other", JUNE_30)
    assert con.execute("SELECT count(*) FROM main.other").fetchall() == [(6,)]
    assert history.days(target, "other") == [JUNE_30]


def test_a_key_named_like_a_column_of_diff_is_refused():
    """diff returns segment, label, change and the key: a key named change would be a second `change`."""
    con = duckdb_shop()
    con.execute("ALTER TABLE shop.customers RENAME customer_id TO change")
    program = compiler.load_text(SOURCE.replace("key customer_id", "key change"))
    with pytest.raises(SegdslError, match="the entity key 'change' has the name of a column of the history or of "
                                          r"diff \(as_of, segment, label, change\)"):
        history.materialize(connection_target(con), program, "hist", JUNE_30)
