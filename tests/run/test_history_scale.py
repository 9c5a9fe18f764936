"""Segment history at scale: many segments.

Linearity is shown by counting, never by timing: the SQL that wraps the
whole-file query, and the Python calls that build and print it, grow in
proportion to the segments; the engine reads the whole-file result a fixed
number of times (its plan), however many segments there are.
"""

from __future__ import annotations

import cProfile
import pstats

import duckdb
import pytest
from engines.pgdb import fresh_database

from segdsl import dialects
from segdsl.compile import compiler
from segdsl.run import history, runner
from segdsl.run.targets import connection_target

from .small_shop import CUSTOMERS, JUNE_30, ORDERS
from .test_history import Database, duckdb_load
from .test_jobs_api import sqlite_shop

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
