"""A profile's median where the dialect has no median aggregate (SQLite, MySQL, Spark, Trino, ...): the mean of
the middle one or two known values of each group, from a window; the same figure DuckDB's aggregate gives."""

from __future__ import annotations

import sqlite3
import statistics
from datetime import date

import duckdb
import pytest
from sqlglot import exp

import segdsl
from segdsl import dialects
from segdsl.insight import groups
from segdsl.insight.groups import GROUP, LABEL, _window_medians
from segdsl.insight.items import check_texts
from segdsl.run.targets import DuckDBTarget, SQLiteTarget

VALUES = {("odd", ""): [5, 1, 3], ("even", ""): [4, 1, 3, 2], ("ties", "x"): [2, 2, 2, 9],
          ("with nulls", "y"): [None, 7, None, 1], ("one", ""): [42], ("negative", ""): [-3.5, 2.25, -1],
          ("none known", ""): [None, None]}


def _targets():
    lite = sqlite3.connect(":memory:")
    duck = duckdb.connect(":memory:")
    for con in (lite, duck):
        con.execute(f"CREATE TABLE t ({GROUP} TEXT, {LABEL} TEXT, v DOUBLE)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                        [(group, label, value) for (group, label), values in VALUES.items() for value in values])
    return {"sqlite": SQLiteTarget(lite), "duckdb": DuckDBTarget(duck)}


@pytest.mark.parametrize("name", ["sqlite", "duckdb"])
def test_the_window_median_is_the_middle_of_the_known_values(name):
    target = _targets()[name]
    medians = _window_medians(target, exp.select("*").from_("t"), [(3, "v")])
    expected = {(3, *key): statistics.median([v for v in values if v is not None])
                for key, values in VALUES.items() if any(v is not None for v in values)}
    assert medians == pytest.approx(expected)


def test_which_dialects_need_the_window():
    assert {name for name in dialects.DIALECTS if not dialects.get(name).has_median_aggregate} == {
        "bigquery", "clickhouse", "databricks", "mysql", "spark", "sqlite", "trino", "tsql"}


def test_a_profile_on_sqlite_shows_each_groups_median():
    ages = [31, 18, 64, 45, 27, None, 52, 39, 70, 23, 45, 36]
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE c (id INTEGER, age INTEGER)")
    con.executemany("INSERT INTO c VALUES (?, ?)", list(enumerate(ages, start=1)))
    program = segdsl.load_text("customers from c key id\nsegment everyone: id > 0\n", "p.seg")
    items = check_texts(program, None, [("--by", "age")])
    rows = groups.profile(SQLiteTarget(con), program, date(2026, 6, 30), items).rows
    medians = {segment: value for segment, _, item, statistic, value, _ in rows if statistic == "median"}
    known = [age for age in ages if age is not None]
    assert medians == {groups.ALL: statistics.median(known), "everyone": statistics.median(known)}
