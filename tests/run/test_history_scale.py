"""Segment history at scale and under concurrency: many segments, and first runs at once.

Linearity is shown by counting, never by timing: the SQL that wraps the
whole-file query, and the Python calls that build and print it, grow in
proportion to the segments; the engine reads the whole-file result a fixed
number of times (its plan), however many segments there are.
"""

from __future__ import annotations

import cProfile
import pstats
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from engines.pgdb import fresh_database

from segdsl import dialects
from segdsl.compile import compiler
from segdsl.run import history, runner
from segdsl.run.targets import connection_target

from .small_shop import CUSTOMERS, JUNE_30, ORDERS, SOURCE
from .test_history import Database, duckdb_load
from .test_jobs_api import sqlite_shop

ROOT = Path(__file__).parents[2]
AGES = {1: 30, 2: 50, 3: None}  # the small shop's customers


def many(segments: int) -> str:
    """A file of `segments` segments over the small shop (`age > k`), and a segmentation per 100 of them."""
    lines = ["customers from shop.customers key customer_id",
             "events orders from shop.orders by customer_id at ordered_at"]
    lines += [f"segment s{i}: age > {i % 70}" for i in range(segments)]
    lines += [f"segmentation tier{j}:\n    young when s{j * 100 + 40}\n    else other" for j in range(segments // 100)]
    return "\n".join(lines) + "\n"


def expected_rows(segments: int) -> set[tuple]:
    """The history rows of `many(segments)`, read off AGES."""
    rows = {(key, f"s{i}", None) for i in range(segments) for key, age in AGES.items()
            if age is not None and age > i % 70}
    for j in range(segments // 100):
        young = (j * 100 + 40) % 70  # s{j * 100 + 40}'s age
        rows |= {(key, f"tier{j}", "young" if age is not None and age > young else "other")
                 for key, age in AGES.items()}
    return rows


def extra_sql_and_calls(dialect: str, segments: int) -> tuple[int, int]:
    """What the history statement adds to the whole-file query, in characters of SQL; and the Python
    calls that build and print the whole statement."""
    forms = dialects.get(dialect)
    program = compiler.load_text(many(segments))
    wide = forms.statement(compiler.to_tree(program, dialect, None, JUNE_30)).sql(dialect=dialect)
    profile = cProfile.Profile()
    rows = profile.runcall(lambda: forms.statement(history._members(program, forms, JUNE_30)).sql(dialect=dialect))
    assert wide in rows
    return len(rows) - len(wide), pstats.Stats(profile).total_calls


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "sqlite", "mysql"])
def test_the_history_statement_grows_in_proportion_to_the_segments(dialect):
    """Building it once copied the growing UNION at each segment: 3.7 times the calls per doubling."""
    extra_sql_and_calls(dialect, 100)  # warm-up: caches of the first compile are not counted
    (sql, calls), (sql_doubled, calls_doubled) = (extra_sql_and_calls(dialect, n) for n in (200, 400))
    assert sql_doubled <= 2.1 * sql
    assert calls_doubled <= 2.2 * calls


def plan(kind: str, connection, statement: str) -> str:
    explain = "EXPLAIN QUERY PLAN " if kind == "sqlite" else "EXPLAIN "
    rows = connection.execute(explain + statement).fetchall()
    return "\n".join(" ".join(str(value) for value in row) for row in rows)


SCANS_OF_WIDE = {  # how each engine's plan names a read of the whole-file CTE, and how many reads there are
    "duckdb": ("CTE Scan", 2),  # an UNPIVOT of the flags, one of the labels
    "postgres": ("CTE Scan on wide", 1),  # one LATERAL VALUES list of both
    "sqlite": ("SCAN wide", 2),  # JSON objects of the flags, of the labels
}


@pytest.mark.parametrize("kind", ["duckdb", "postgres", "sqlite"])
def test_the_whole_file_result_is_read_a_fixed_number_of_times(kind, request):
    """A fixed number of passes over the whole-file result, however many segments: a SELECT per segment
    read it once per segment (and on a row store each read reaches further along the row)."""
    scans = {}
    for segments in (150, 300):
        program = compiler.load_text(many(segments))
        forms = dialects.get(kind)
        statement = forms.statement(history._members(program, forms, JUNE_30)).sql(dialect=kind)
        if kind == "postgres":
            engine = request.getfixturevalue("postgres_engine")
            with fresh_database(engine, "segdsl_history_plan", [CUSTOMERS, ORDERS]) as url:
                import psycopg

                with psycopg.connect(url, autocommit=True) as con:
                    scans[segments] = plan(kind, con, statement).count(SCANS_OF_WIDE[kind][0])
        else:
            con = sqlite_shop() if kind == "sqlite" else duckdb.connect()
            if kind == "duckdb":
                duckdb_load(con, [CUSTOMERS, ORDERS])
            scans[segments] = plan(kind, con, statement).count(SCANS_OF_WIDE[kind][0])
    passes = SCANS_OF_WIDE[kind][1]
    assert scans == {150: passes, 300: passes}


@pytest.mark.parametrize("kind", ["duckdb", "postgres", "sqlite", "mysql"])
def test_a_history_of_many_segments_on_every_engine(kind, request, tmp_path):
    """600 segments: more than SQLite joins in one UNION, more flags than one JSON object takes there."""
    program = compiler.load_text(many(600))
    if kind == "duckdb":
        path = str(tmp_path / "warehouse.duckdb")
        with duckdb.connect(path) as con:
            duckdb_load(con, [CUSTOMERS, ORDERS])
        with runner.open_target(path, program, writable=True) as target:
            assert history.materialize(target, program, "hist", JUNE_30).rows == len(expected_rows(600))
        assert Database("duckdb", path).history() == {JUNE_30: expected_rows(600)}
    elif kind == "postgres":
        engine = request.getfixturevalue("postgres_engine")
        with fresh_database(engine, "segdsl_history_many", [CUSTOMERS, ORDERS]) as url:
            with runner.open_target(url, program, writable=True) as target:
                assert history.materialize(target, program, "hist", JUNE_30).rows == len(expected_rows(600))
            assert Database("postgres", url).history() == {JUNE_30: expected_rows(600)}
    elif kind == "sqlite":
        con = sqlite_shop()
        assert history.materialize(connection_target(con), program, "hist", JUNE_30).rows == len(expected_rows(600))
        rows = con.execute("SELECT as_of, customer_id, segment, label FROM hist").fetchall()
        assert {day for day, *_ in rows} == {JUNE_30.isoformat()}
        assert {tuple(row[1:]) for row in rows} == expected_rows(600) and len(rows) == len(expected_rows(600))
    else:
        import pymysql

        engine = request.getfixturevalue("mysql_engine")
        engine.load([CUSTOMERS, ORDERS])
        con = pymysql.connect(host="127.0.0.1", port=engine.port, user="root", password="", database="segdsl")
        try:
            target = connection_target(con, "mysql")
            assert history.materialize(target, program, "hist", JUNE_30).rows == len(expected_rows(600))
            with con.cursor() as cursor:
                cursor.execute("SELECT customer_id, segment, label FROM hist")
                rows = cursor.fetchall()
            assert set(rows) == expected_rows(600) and len(rows) == len(expected_rows(600))
        finally:
            with con.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS hist")
            con.close()


# ---- concurrent runs ----------------------------------------------------------


def materialize_process(seg: Path, db: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "segdsl", "materialize", str(seg), "--db", db, "--table", "hist",
                             "--as-of", JUNE_30.isoformat()], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_first_runs_at_once_on_postgres_both_write_and_the_table_holds_one_run(postgres_engine, tmp_path):
    """Two `segdsl materialize` processes that find no history table and create it at the same moment.

    The test holds the shop's customers locked until both processes wait (the first in its query, the
    second for its turn to create, or both in their CREATE TABLE ... AS SELECT when they do not take
    turns), so their CREATE TABLE statements meet every time; without turns, the second failed on a
    duplicate key of pg_type."""
    import psycopg

    seg = tmp_path / "shop.seg"
    seg.write_text(SOURCE)
    with fresh_database(postgres_engine, "segdsl_history_first_runs", [CUSTOMERS, ORDERS]) as url:
        db = Database("postgres", url)
        for _ in range(3):
            with psycopg.connect(url) as holder:
                holder.execute("LOCK TABLE shop.customers IN ACCESS EXCLUSIVE MODE")
                runs = [materialize_process(seg, url) for _ in range(2)]
                waiting_for_locks(postgres_engine, "segdsl_history_first_runs", 2, runs)
                holder.rollback()
            outcomes = [(run.wait(120), *run.communicate()) for run in runs]
            assert outcomes == [(0, "hist: 6 rows as of 2026-06-30\n", "")] * 2
            assert len(db.query("SELECT * FROM hist")) == 6
            assert db.history() == {JUNE_30: {(1, "buyers", None), (2, "buyers", None), (2, "older", None),
                                              (1, "kind", "other"), (2, "kind", "old_buyer"), (3, "kind", "other")}}
            with psycopg.connect(url, autocommit=True) as con:
                con.execute("DROP TABLE hist")


def waiting_for_locks(engine, database: str, count: int, runs: list[subprocess.Popen]) -> None:
    """Until `count` sessions of the database wait for a lock (polled: a process takes a while to start)."""
    for _ in range(1200):
        waiting = engine.connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                                            "AND wait_event_type = 'Lock'", [database]).fetchone()[0]
        if waiting >= count:
            return
        ended = [run for run in runs if run.poll() is not None]
        assert not ended, [run.communicate() for run in ended]
        time.sleep(0.05)
    raise AssertionError(f"{count} runs never waited at once")


def test_a_duckdb_file_in_use_by_another_process_is_a_clear_error(tmp_path):
    """A DuckDB file has one writer, and no other process opens it meanwhile: a run says so and exits 1."""
    path = tmp_path / "warehouse.duckdb"
    seg = tmp_path / "shop.seg"
    seg.write_text(SOURCE)
    with duckdb.connect(str(path)) as holder:
        duckdb_load(holder, [CUSTOMERS, ORDERS])
        run = materialize_process(seg, str(path))
        code, out, err = run.wait(120), *run.communicate()
    assert (code, out) == (1, ""), err
    assert err.startswith(f"error: the DuckDB file {path} is in use by another process (PID ")
    assert "hint: a DuckDB file has one writer at a time" in err and "Traceback" not in err
    run = materialize_process(seg, str(path))
    assert (run.wait(120), *run.communicate()) == (0, "hist: 6 rows as of 2026-06-30\n", "")
