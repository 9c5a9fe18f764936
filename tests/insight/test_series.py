"""series.lift refuses what its rules do not cover (the caller then runs one query per day)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlglot import exp, parse_one

from segdsl import dialects
from segdsl.insight.series import NotLiftable, lift

DAYS = [date(2026, 6, 29), date(2026, 6, 30)]
DUCKDB = dialects.get("duckdb")


@pytest.mark.parametrize("sql", [
    "SELECT a FROM t ORDER BY a",
    "SELECT a FROM t LIMIT 1",
    "SELECT a FROM t UNION ALL SELECT a FROM u",
    "SELECT COUNT(*) FROM t",
    "SELECT a FROM t WHERE a IN (SELECT b FROM u)",
    "SELECT a FROM t WHERE ts < CURRENT_TIMESTAMP",
    "WITH c AS (SELECT a FROM t) SELECT * FROM c JOIN c AS d ON c.a = d.a",
])
def test_what_the_rules_do_not_cover_is_refused(sql):
    with pytest.raises(NotLiftable):
        lift(parse_one(sql, read="duckdb"), DAYS, DUCKDB)


def test_a_lifted_statement_runs_per_day(duckdb_engine):
    duckdb_engine.connection.execute("CREATE OR REPLACE TABLE series_t AS SELECT * FROM (VALUES "
                                     "(DATE '2026-06-28'), (DATE '2026-06-29'), (DATE '2026-06-30')) v(d)")
    statement = parse_one("WITH x AS (SELECT COUNT(*) AS n FROM series_t WHERE d <= CURRENT_DATE GROUP BY 1 = 1) "
                          "SELECT n FROM x", read="duckdb")
    rows = duckdb_engine.connection.execute(lift(statement, DAYS, DUCKDB).sql("duckdb")).fetchall()
    assert sorted(rows) == [(2, date(2026, 6, 29)), (3, date(2026, 6, 30))]
    assert isinstance(lift(statement, DAYS, DUCKDB), exp.Select)
