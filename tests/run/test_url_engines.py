"""MariaDB, SQLite, PostgreSQL, DuckDB and Trino through their URLs, end to end: the real command line in
subprocesses.

Each engine holds the small shop (small_shop.py) with unqualified table
names, in a database of its own: a SQLite or DuckDB file in tmp_path, a
fresh database on the PostgreSQL and MariaDB test servers, a schema of the
Trino test server's Iceberg catalog (its memory catalog cannot delete rows). Every command runs
as `python -m segdsl ... --db URL`: run, check, materialize, diff, report,
and a materialize killed (SIGKILL) in the middle of its transaction, after
it deleted the day's rows and before it inserted them (the
SEGDSL_TEST_PAUSE_AFTER_DELETE hook makes it wait there), which must leave
every history table with all rows of a run or none. On Trino, which writes
each statement by itself, materialize pauses before its one write (a MERGE,
or a first run's CREATE TABLE AS).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from engines import Table
from engines.duckdb import DuckDBEngine
from engines.mysql import MySQLEngine
from engines.pgdb import fresh_database
from engines.sqlite import SQLiteEngine
from engines.trino import TrinoEngine
from sqlglot import exp

from segdsl.cli.main import PAUSE_VARIABLE
from segdsl.run import runner
from segdsl.run.catalog import find_table

from .small_shop import CUSTOMERS, JULY_1, JUNE_30, ORDERS, SOURCE

ROOT = Path(__file__).parents[2]
PROGRAM = SOURCE.replace("shop.", "")  # unqualified names: each engine's default schema
TABLES = [Table(table.table, table.columns, table.rows) for table in (CUSTOMERS, ORDERS)]
ON_JUNE_30 = {(1, "buyers", None), (2, "buyers", None), (2, "older", None),
              (1, "kind", "other"), (2, "kind", "old_buyer"), (3, "kind", "other")}
ON_JULY_1 = {(2, "buyers", None), (3, "buyers", None), (2, "older", None),
             (1, "kind", "other"), (2, "kind", "old_buyer"), (3, "kind", "other")}


def _create(kinds: dict[str, str], table: Table) -> str:
    return f"CREATE TABLE {table.name} ({', '.join(f'{c} {kinds[k]}' for c, k in table.columns)})"


def _sqlite_file(path: Path) -> str:
    with sqlite3.connect(path) as con:
        for table in TABLES:
            con.execute(_create(SQLiteEngine.TYPES, table))
            kinds = [kind for _, kind in table.columns]
            rows = [tuple(SQLiteEngine._value(v, k) for v, k in zip(row, kinds)) for row in table.canonical_rows()]
            con.executemany(f"INSERT INTO {table.name} VALUES ({', '.join('?' * len(kinds))})", rows)
    con.close()
    return f"sqlite:///{os.path.relpath(path, ROOT)}"  # three slashes: relative to the working directory


def _duckdb_file(path: Path) -> str:
    with duckdb.connect(str(path)) as con:
        for table in TABLES:
            con.execute(_create(DuckDBEngine.TYPES, table))
            con.executemany(f"INSERT INTO {table.name} VALUES ({', '.join('?' * len(table.columns))})",
                            table.canonical_rows())
    return f"duckdb:///{path}"  # an absolute path: four slashes


def _mariadb_database(engine: MySQLEngine, name: str) -> str:
    with engine.connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
        for table in TABLES:
            cursor.execute(_create(MySQLEngine.TYPES, table).replace("TABLE ", f"TABLE {name}.", 1))
            cursor.executemany(f"INSERT INTO {name}.{table.name} VALUES ({', '.join(['%s'] * len(table.columns))})",
                               table.canonical_rows())
    return f"mariadb://root@127.0.0.1:{engine.port}/{name}"


def _trino_schema(engine: TrinoEngine, name: str) -> str:
    """The shop in a fresh schema of the server's Iceberg catalog, copied from the memory catalog."""
    catalog = engine.writable_catalog()
    engine.query(f"DROP SCHEMA IF EXISTS {catalog}.{name} CASCADE")
    engine.query(f"CREATE SCHEMA {catalog}.{name}")
    engine.load(TABLES)
    for table in TABLES:
        engine.query(f"CREATE TABLE {catalog}.{name}.{table.name} AS SELECT * FROM {engine.catalog}."
                     f"{engine.schema}.{table.name}")
    return f"trino://{engine.user}@{engine.host}:{engine.port}/{catalog}/{name}"


@pytest.fixture(params=["duckdb", "sqlite", "postgres", "mariadb", "trino"])
def url(request, tmp_path) -> Iterator[str]:
    """A URL to the shop on one engine."""
    if request.param == "duckdb":
        yield _duckdb_file(tmp_path / "shop.duckdb")
    elif request.param == "sqlite":
        yield _sqlite_file(tmp_path / "shop.db")
    elif request.param == "postgres":
        with fresh_database(request.getfixturevalue("postgres_engine"), "segdsl_urls", TABLES) as found:
            yield found
    elif request.param == "trino":
        engine = request.getfixturevalue("trino_engine")
        yield _trino_schema(engine, "segdsl_urls")
        engine.query(f"DROP SCHEMA IF EXISTS {engine.writable_catalog()}.segdsl_urls CASCADE")
    else:
        engine = request.getfixturevalue("mysql_engine")
        yield _mariadb_database(engine, "segdsl_urls")
        with engine.connection.cursor() as cursor:
            cursor.execute("DROP DATABASE IF EXISTS segdsl_urls")


@pytest.fixture()
def seg(tmp_path) -> str:
    path = tmp_path / "shop.seg"
    path.write_text(PROGRAM)
    return str(path)


def segdsl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=300)


def history(url: str, table: str) -> dict[dt.date, set[tuple]] | None:
    """A history table's rows by day, read through segdsl's own target; None when there is no such table."""
    with runner.open_target(url) as target:
        if find_table(target.catalog(), (table,), target.search_path()) is None:
            return None
        columns = [exp.column(c) for c in ("as_of", "customer_id", "segment", "label")]
        rows = target.fetch(exp.select(*columns).from_(exp.table_(table))).rows
    days: dict[dt.date, set[tuple]] = {}
    for as_of, key, segment, label in rows:
        days.setdefault(dt.date.fromisoformat(str(as_of)[:10]), set()).add((int(key), segment, label))
    return days


def killed_materialize(url: str, seg: str, table: str, day: dt.date, flag: Path) -> None:
    """Start materialize, wait until it has deleted the day's rows inside its transaction, and SIGKILL it."""
    process = subprocess.Popen([sys.executable, "-m", "segdsl", "materialize", seg, "--db", url, "--table", table,
                                "--as-of", day.isoformat()], cwd=ROOT, env={**os.environ, PAUSE_VARIABLE: str(flag)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300  # only so that a broken hook cannot hang the run
        while not flag.exists():
            if process.poll() is not None:
                pytest.fail(f"materialize ended (exit {process.returncode}) before it paused: {process.stderr.read()}")
            if time.monotonic() > deadline:
                pytest.fail("materialize never reached the pause after its delete")
            time.sleep(0.05)
        process.kill()
        assert process.wait() == -9
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_run_and_check(url, seg):
    done = segdsl("run", seg, "--db", url, "--as-of", "2026-06-30", "--format", "csv")
    assert (done.returncode, done.stdout) == (0, "name,label,size,share\nbuyers,,2,0.6667\nolder,,1,0.3333\n"
                                                 "kind,old_buyer,1,0.3333\nkind,other,2,0.6667\n"), done.stderr
    done = segdsl("run", seg, "--db", "env:SHOP_DB", "--segment", "buyers", "--as-of", "2026-06-30", "--format", "csv",
                  env={"SHOP_DB": url})
    assert (done.returncode, done.stdout) == (0, "customer_id\n1\n2\n"), done.stderr
    done = segdsl("check", seg, "--db", url)
    assert (done.returncode, done.stdout) == (0, f"{seg}: ok (2 segments, 1 segmentation, against {url})\n")
    typo = Path(seg).with_name("typo.seg")
    typo.write_text(PROGRAM + "segment typo: agee > 3\n")
    done = segdsl("check", str(typo), "--db", url)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{typo}:8:15: error: column 'agee' not found in customers" in done.stderr
    assert "did you mean 'age'?" in done.stderr


def test_materialize_killed_mid_write_diff_and_report(url, seg, tmp_path):
    for day, rows in ((JUNE_30, 6), (JULY_1, 6)):
        done = segdsl("materialize", seg, "--db", url, "--table", "hist", "--as-of", day.isoformat())
        assert (done.returncode, done.stdout) == (0, f"hist: {rows} rows as of {day.isoformat()}\n"), done.stderr
    written = {JUNE_30: ON_JUNE_30, JULY_1: ON_JULY_1}
    assert history(url, "hist") == written

    # killed while replacing a day: the day keeps every row it had
    killed_materialize(url, seg, "hist", JULY_1, tmp_path / "paused-rerun")
    assert history(url, "hist") == written
    # killed while writing a new table's first day: no table, or (where CREATE TABLE commits by itself) no rows
    killed_materialize(url, seg, "fresh", JUNE_30, tmp_path / "paused-first")
    assert history(url, "fresh") in (None, {})

    done = segdsl("diff", "--db", url, "--table", "hist", "--from", "2026-06-30", "--to", "2026-07-01",
                  "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"segment": "buyers", "label": None, "change": "entered", "customer_id": 3},
        {"segment": "buyers", "label": None, "change": "left", "customer_id": 1}]
    # the killed runs left nothing that stops the next one; a rerun replaces its day's rows
    done = segdsl("materialize", seg, "--db", url, "--table", "fresh", "--as-of", "2026-06-30")
    assert (done.returncode, done.stdout) == (0, "fresh: 6 rows as of 2026-06-30\n"), done.stderr
    done = segdsl("materialize", seg, "--db", url, "--table", "hist", "--as-of", "2026-07-01")
    assert (done.returncode, done.stdout) == (0, "hist: 6 rows as of 2026-07-01\n"), done.stderr
    assert history(url, "hist") == written

    out = tmp_path / "report.html"
    done = segdsl("report", seg, "--db", url, "--as-of", "2026-06-30", "--from", "2026-06-16", "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    assert "buyers" in page and "old_buyer" in page


def test_trino_refuses_a_history_table_where_its_connector_cannot_merge(trino_engine, seg):
    """The memory catalog holds tables but deletes no rows: a rerun's MERGE is refused, with where to write."""
    trino_engine.load(TABLES)
    url = trino_engine.url  # the memory catalog
    trino_engine.query(f"DROP TABLE IF EXISTS {trino_engine.catalog}.{trino_engine.schema}.kept")
    done = segdsl("materialize", seg, "--db", url, "--table", "kept", "--as-of", "2026-06-30")
    assert (done.returncode, done.stdout) == (0, "kept: 6 rows as of 2026-06-30\n"), done.stderr
    done = segdsl("materialize", seg, "--db", url, "--table", "kept", "--as-of", "2026-06-30")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "does not support modifying table rows" in done.stderr
    assert "hint: materialize into a catalog whose connector takes MERGE" in done.stderr
    assert history(url, "kept") == {JUNE_30: ON_JUNE_30}
