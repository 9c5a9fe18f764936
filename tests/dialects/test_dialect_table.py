"""Each dialect construct as a table: construct -> {dialect: the SQL it prints} (as sqlglot's validate_all).

A row lists every dialect, so a dialect's form can be read down a column. The values are what segdsl
prints today (the golden files and the engine tests check that it is correct); tests/dialects/test_dialects.py
runs the forms that need an engine to show why they exist.
"""

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlglot import exp

from segdsl import dialects
from segdsl.dialects import DIALECTS, Dialect
from segdsl.errors import SegdslError


class Refused(str):
    """A construct the dialect refuses: the user error's message."""


c = exp.column

TABLE: dict[str, tuple[Callable[[Dialect], exp.Expression | None], dict[str, str | None]]] = {
    "date_literal": (lambda d: d.date_literal(date(2024, 6, 30)), {
        "duckdb": "CAST('2024-06-30' AS DATE)",
        "postgres": "CAST('2024-06-30' AS DATE)",
        "snowflake": "CAST('2024-06-30' AS DATE)",
        "bigquery": "CAST('2024-06-30' AS DATE)",
        "redshift": "CAST('2024-06-30' AS DATE)",
        "databricks": "CAST('2024-06-30' AS DATE)",
        "spark": "CAST('2024-06-30' AS DATE)",
        "trino": "CAST('2024-06-30' AS DATE)",
        "mysql": "CAST('2024-06-30' AS DATE)",
        "sqlite": "'2024-06-30'",
        "clickhouse": "CAST('2024-06-30' AS Nullable(Date32))",
        "tsql": "CAST('2024-06-30' AS DATE)",
    }),
    "timestamp_literal": (lambda d: d.timestamp_literal(date(2024, 7, 1)), {
        "duckdb": "CAST('2024-07-01 00:00:00' AS TIMESTAMP)",
        "postgres": "CAST('2024-07-01 00:00:00' AS TIMESTAMP)",
        "snowflake": "CAST('2024-07-01 00:00:00' AS TIMESTAMP)",
        "bigquery": "'2024-07-01'",  # coerced to the column's type: TIMESTAMP, DATETIME or DATE
        "redshift": "CAST('2024-07-01 00:00:00' AS TIMESTAMP)",
        "databricks": "CAST('2024-07-01 00:00:00' AS TIMESTAMP)",
        "spark": "CAST('2024-07-01 00:00:00' AS TIMESTAMP)",
        "trino": "CAST('2024-07-01 00:00:00' AS TIMESTAMP)",
        "mysql": "CAST('2024-07-01 00:00:00' AS DATETIME)",
        "sqlite": "'2024-07-01'",
        "clickhouse": "CAST('2024-07-01 00:00:00' AS Nullable(DateTime))",
        "tsql": "CAST('2024-07-01 00:00:00' AS DATETIME2)",
    }),
    "current_date": (lambda d: d.current_date(), {
        "duckdb": "CURRENT_DATE",
        "postgres": "CURRENT_DATE",
        "snowflake": "CURRENT_DATE",
        "bigquery": "CURRENT_DATE",
        "redshift": "CURRENT_DATE",
        "databricks": "CURRENT_DATE",
        "spark": "CURRENT_DATE",
        "trino": "CURRENT_DATE",
        "mysql": "CURRENT_DATE",
        "sqlite": "CURRENT_DATE",
        "clickhouse": "CURRENT_DATE()",
        "tsql": "CAST(GETDATE() AS DATE)",
    }),
    "add_days": (lambda d: d.add_days(c("d"), -30), {
        "duckdb": "CAST(d + INTERVAL (-30) DAY AS DATE)",
        "postgres": "CAST(d + INTERVAL '-30 DAY' AS DATE)",
        "snowflake": "DATEADD(DAY, -30, d)",
        "bigquery": "DATE_ADD(d, INTERVAL -30 DAY)",
        "redshift": "CAST(DATEADD(DAY, -30, d) AS DATE)",
        "databricks": "DATEADD(DAY, -30, d)",
        "spark": "DATE_ADD(d, -30)",
        "trino": "DATE_ADD('DAY', -30, d)",
        "mysql": "DATE_ADD(d, INTERVAL -30 DAY)",
        "sqlite": "DATE(d, '-30 DAY')",
        "clickhouse": "DATE_ADD(DAY, -30, d)",
        "tsql": "DATEADD(DAY, -30, d)",
    }),
    "add_months": (lambda d: d.add_months(c("d"), -1), {
        "duckdb": "CAST(d + INTERVAL (-1) MONTH AS DATE)",
        "postgres": "CAST(d + INTERVAL '-1 MONTH' AS DATE)",
        "snowflake": "DATEADD(MONTH, -1, d)",
        "bigquery": "DATE_ADD(d, INTERVAL -1 MONTH)",
        "redshift": "CAST(DATEADD(MONTH, -1, d) AS DATE)",
        "databricks": "DATEADD(MONTH, -1, d)",
        "spark": "ADD_MONTHS(d, -1)",
        "trino": "DATE_ADD('MONTH', -1, d)",
        "mysql": "DATE_ADD(d, INTERVAL -1 MONTH)",
        "sqlite": "MIN(DATE(d, 'start of month', '-1 months', '+' || (CAST(STRFTIME('%d', d) AS INTEGER) - 1)"
                  " || ' days'), DATE(d, 'start of month', '+0 months', '-1 days'))",
        "clickhouse": "DATE_ADD(MONTH, -1, d)",
        "tsql": "DATEADD(MONTH, -1, d)",
    }),
    "to_date": (lambda d: d.to_date(c("t")), {
        "duckdb": "CAST(t AS DATE)",
        "postgres": "CAST(t AS DATE)",
        "snowflake": "CAST(t AS DATE)",
        "bigquery": "CAST(t AS DATE)",
        "redshift": "CAST(t AS DATE)",
        "databricks": "CAST(t AS DATE)",
        "spark": "CAST(t AS DATE)",
        "trino": "CAST(t AS DATE)",
        "mysql": "CAST(t AS DATE)",
        "sqlite": "DATE(t)",
        "clickhouse": "CAST(t AS Nullable(Date32))",
        "tsql": "CAST(t AS DATE)",
    }),
    "day_start": (lambda d: d.day_start(c("d")), {
        "duckdb": "CAST(d AS TIMESTAMP)",
        "postgres": "CAST(d AS TIMESTAMP)",
        "snowflake": "CAST(d AS TIMESTAMP)",
        "bigquery": "CAST(d AS TIMESTAMP)",
        "redshift": "CAST(d AS TIMESTAMP)",
        "databricks": "CAST(d AS TIMESTAMP)",
        "spark": "CAST(d AS TIMESTAMP)",
        "trino": "CAST(d AS TIMESTAMP)",
        "mysql": "CAST(d AS DATETIME)",
        "sqlite": "d",
        "clickhouse": "CAST(d AS Nullable(DateTime))",
        "tsql": "CAST(d AS DATETIME2)",
    }),
    "timestamp_plus_days": (lambda d: d.timestamp_plus_days(c("t"), 7), {
        "duckdb": "t + INTERVAL 7 DAY",
        "postgres": "t + INTERVAL '7 DAY'",
        "snowflake": "DATEADD(DAY, 7, t)",
        "bigquery": "t + INTERVAL 7 DAY",
        "redshift": "DATEADD(DAY, 7, t)",
        "databricks": "t + INTERVAL 7 DAY",
        "spark": "t + INTERVAL 7 DAY",
        "trino": "DATE_ADD('DAY', 7, t)",
        "mysql": "DATE_ADD(t, INTERVAL 7 DAY)",
        "sqlite": "DATETIME(SUBSTRING(t, 1, 19), '+7 days') || SUBSTRING(t, 20)",
        "clickhouse": "DATE_ADD(DAY, 7, t)",
        "tsql": "DATEADD(DAY, 7, t)",
    }),
    # an event time against the start of a day that is an expression (the current date, a dbt var)
    "time_against_day": (lambda d: exp.GTE(**dict(zip(("this", "expression"), d.time_against_day(c("t"), c("d"))))), {
        "duckdb": "t >= CAST(d AS TIMESTAMP)",
        "postgres": "t >= CAST(d AS TIMESTAMP)",
        "snowflake": "t >= CAST(d AS TIMESTAMP)",
        "bigquery": "CAST(t AS DATE) >= d",  # the column's own day: TIMESTAMP, DATETIME and DATE alike
        "redshift": "t >= CAST(d AS TIMESTAMP)",
        "databricks": "t >= CAST(d AS TIMESTAMP)",
        "spark": "t >= CAST(d AS TIMESTAMP)",
        "trino": "t >= CAST(d AS TIMESTAMP)",
        "mysql": "t >= CAST(d AS DATETIME)",
        "sqlite": "t >= d",
        "clickhouse": "t >= CAST(d AS Nullable(DateTime))",
        "tsql": "t >= CAST(d AS DATETIME2)",
    }),
    "days_between": (lambda d: d.days_between(c("a"), c("b")), {
        "duckdb": "DATE_DIFF('DAY', a, b)",
        "postgres": "CAST(EXTRACT(epoch FROM CAST(b AS TIMESTAMP) - CAST(a AS TIMESTAMP)) / 86400 AS BIGINT)",
        "snowflake": "DATEDIFF(DAY, a, b)",
        "bigquery": "DATE_DIFF(b, a, DAY)",
        "redshift": "DATEDIFF(DAY, a, b)",
        "databricks": "DATEDIFF(DAY, a, b)",
        "spark": "DATEDIFF(DAY, a, b)",
        "trino": "DATE_DIFF('DAY', a, b)",
        "mysql": "DATEDIFF(b, a)",
        "sqlite": "CAST((JULIANDAY(b) - JULIANDAY(a)) AS INTEGER)",
        "clickhouse": "DATE_DIFF(DAY, a, b)",
        "tsql": "DATEDIFF(DAY, a, b)",
    }),
    "flag": (lambda d: d.flag(exp.GT(this=c("x"), expression=exp.Literal.number(1))), {
        "duckdb": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "postgres": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "snowflake": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "bigquery": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "redshift": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "databricks": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "spark": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "trino": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "mysql": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "sqlite": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "clickhouse": "CASE WHEN x > 1 THEN TRUE ELSE FALSE END",
        "tsql": "CASE WHEN x > 1 THEN 1 ELSE 0 END",
    }),
    "boolean_literal": (lambda d: d.boolean_literal(True), {
        "duckdb": "TRUE",
        "postgres": "TRUE",
        "snowflake": "TRUE",
        "bigquery": "TRUE",
        "redshift": "TRUE",
        "databricks": "TRUE",
        "spark": "TRUE",
        "trino": "TRUE",
        "mysql": "TRUE",
        "sqlite": "1",
        "clickhouse": "TRUE",
        "tsql": "1",
    }),
    "string_literal": (lambda d: d.string_literal("F"), {
        "duckdb": "'F'",
        "postgres": "'F'",
        "snowflake": "'F'",
        "bigquery": "'F'",
        "redshift": "'F'",
        "databricks": "'F'",
        "spark": "'F'",
        "trino": "'F'",
        "mysql": "CAST('F' AS BINARY)",
        "sqlite": "'F'",
        "clickhouse": "'F'",
        "tsql": "N'F' COLLATE Latin1_General_BIN2",
    }),
    # the pattern a\b[c%_: backslash and [ stay literal characters, % and _ stay wildcards (backslashes
    # doubled where LIKE escapes with one, then again where string literals do)
    "like": (lambda d: d.like(c("x"), r"a\b[c%_"), {
        "duckdb": r"x LIKE 'a\b[c%_'",
        "postgres": r"x LIKE 'a\\b[c%_'",
        "snowflake": r"x LIKE 'a\\b[c%_'",
        "bigquery": r"x LIKE 'a\\\\b[c%_'",
        "redshift": r"x LIKE 'a\\\\b[c%_'",
        "databricks": r"x LIKE 'a\\\\b[c%_'",
        "spark": r"x LIKE 'a\\\\b[c%_'",
        "trino": r"x LIKE 'a\b[c%_'",
        "mysql": r"x LIKE _utf8mb4 'a\\\\b[c%_' COLLATE utf8mb4_bin",
        "sqlite": r"x GLOB 'a\b[[]c*?'",
        "clickhouse": r"x LIKE 'a\\\\b[c%_'",
        "tsql": r"x LIKE N'a\b[[]c%_' COLLATE Latin1_General_BIN2",
    }),
    "code_point_order": (lambda d: d.code_point_order(c("name")), {
        "duckdb": "name",
        "postgres": 'name COLLATE "C"',
        "snowflake": "name",
        "bigquery": "name",
        "redshift": "name",
        "databricks": "name",
        "spark": "name",
        "trino": "name",
        "mysql": "CAST(name AS BINARY)",
        "sqlite": "name",
        "clickhouse": "name",
        "tsql": "name COLLATE Latin1_General_BIN2",
    }),
    "ordering_text": (lambda d: d.ordering_text(exp.Literal.string("m")), {
        "duckdb": "'m'",
        "postgres": "'m' COLLATE \"C\"",
        "snowflake": "'m'",
        "bigquery": "'m'",
        "redshift": "'m'",
        "databricks": "'m'",
        "spark": "'m'",
        "trino": "'m'",
        "mysql": "'m'",
        "sqlite": "'m'",
        "clickhouse": "'m'",
        "tsql": "'m'",
    }),
    "distinct_values": (lambda d: exp.Count(this=exp.Distinct(expressions=d.distinct_values(c("name"), True))), {
        "duckdb": "COUNT(DISTINCT name)",
        "postgres": "COUNT(DISTINCT name)",
        "snowflake": "COUNT(DISTINCT name)",
        "bigquery": "COUNT(DISTINCT name)",
        "redshift": "COUNT(DISTINCT name)",
        "databricks": "COUNT(DISTINCT name)",
        "spark": "COUNT(DISTINCT name)",
        "trino": "COUNT(DISTINCT name)",
        "mysql": "COUNT(DISTINCT name, CAST(name AS BINARY))",
        "sqlite": "COUNT(DISTINCT name)",
        "clickhouse": "COUNT(DISTINCT name)",
        "tsql": "COUNT(DISTINCT name COLLATE Latin1_General_BIN2)",
    }),
    "matched_value": (lambda d: d.matched_value(c("jr_value")), {
        "duckdb": "jr_value",
        "postgres": "jr_value",
        "snowflake": "jr_value",
        "bigquery": "jr_value",
        "redshift": "jr_value",
        "databricks": "jr_value",
        "spark": "jr_value",
        "trino": "jr_value",
        "mysql": "jr_value",
        "sqlite": "jr_value",
        "clickhouse": "CASE WHEN jr_value IS NULL THEN NULL ELSE toString(jr_value) END",
        "tsql": "jr_value",
    }),
    "text_extreme": (lambda d: d.text_extreme(exp.Min, c("name")), {
        "duckdb": "MIN(name)",
        "postgres": 'MIN(name COLLATE "C")',
        "snowflake": "MIN(name)",
        "bigquery": "MIN(name)",
        "redshift": "MIN(name)",
        "databricks": "MIN(name)",
        "spark": "MIN(name)",
        "trino": "MIN(name)",
        "mysql": "CAST(MIN(CAST(name AS BINARY)) AS CHAR CHARACTER SET utf8mb4)",
        "sqlite": "MIN(name)",
        "clickhouse": "MIN(name)",
        "tsql": "MIN(name COLLATE Latin1_General_BIN2)",
    }),
    # where NULLs go is each dialect's own default, so sqlglot adds no NULLS FIRST/LAST or emulation
    "never_null_order": (lambda d: exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=[
            d.never_null_order(c("t")), d.never_null_order(c("k"), desc=True)])), {
        "duckdb": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "postgres": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "snowflake": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "bigquery": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "redshift": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "databricks": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "spark": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "trino": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "mysql": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "sqlite": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "clickhouse": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
        "tsql": "ROW_NUMBER() OVER (ORDER BY t, k DESC)",
    }),
    "median": (lambda d: d.median(c("x")), {
        "duckdb": "QUANTILE_CONT(x, 0.5)",
        "postgres": "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x)",
        "snowflake": "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x)",
        "bigquery": Refused("a median is not supported on bigquery targets"),
        "redshift": "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x)",
        "databricks": Refused("a median is not supported on databricks targets"),
        "spark": Refused("a median is not supported on spark targets"),
        "trino": Refused("a median is not supported on trino targets"),
        "mysql": Refused("a median is not supported on mysql targets"),
        "sqlite": Refused("a median is not supported on sqlite targets"),
        "clickhouse": Refused("a median is not supported on clickhouse targets"),
        "tsql": Refused("a median is not supported on tsql targets"),
    }),
    # rule 14: the two middle values halved exactly, in the values' own type (0.5 a decimal)
    "half": (lambda d: d.half(exp.Add(this=c("a"), expression=c("b"))), {
        "duckdb": "(a + b) * 0.5",
        "postgres": "(a + b) * 0.5",
        "snowflake": "(a + b) * 0.5",
        "bigquery": "(a + b) * CAST('0.5' AS NUMERIC)",
        "redshift": "(a + b) * 0.5",
        "databricks": "(a + b) * 0.5",
        "spark": "(a + b) * 0.5",
        "trino": "(a + b) * 0.5",
        "mysql": "(a + b) * 0.5",
        "sqlite": "(a + b) * 0.5",
        "clickhouse": "(a + b) * CAST('0.5' AS Nullable(Decimal(38, 1)))",
        "tsql": "(a + b) * 0.5",
    }),
    # the exact median as one aggregate, where the dialect computes it so (median_is_aggregate)
    "median_aggregate": (lambda d: d.median_aggregate(c("x")) if d.median_is_aggregate else None, {
        "duckdb": None,
        "postgres": "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY x ASC) * 0.5 + PERCENTILE_DISC(0.5) WITHIN GROUP "
                    "(ORDER BY x DESC NULLS LAST) * 0.5",
        "snowflake": None,
        "bigquery": None,
        "redshift": None,
        "databricks": None,
        "spark": None,
        "trino": None,
        "mysql": None,
        "sqlite": None,
        "clickhouse": None,
        "tsql": None,
    }),
    "wide_integer": (lambda d: d.wide_integer(100), {
        "duckdb": "100",
        "postgres": "100",
        "snowflake": "100",
        "bigquery": "100",
        "redshift": "CAST(100 AS BIGINT)",
        "databricks": "CAST(100 AS BIGINT)",
        "spark": "CAST(100 AS BIGINT)",
        "trino": "100",
        "mysql": "100",
        "sqlite": "100",
        "clickhouse": "100",
        "tsql": "CAST(100 AS BIGINT)",
    }),
    # AVG of whole numbers is a whole number on SQL Server and Redshift (and keeps a decimal's scale there)
    "average": (lambda d: d.average(c("x")), {
        "duckdb": "AVG(x)",
        "postgres": "AVG(x)",
        "snowflake": "AVG(x)",
        "bigquery": "AVG(x)",
        "redshift": "AVG(CAST(x AS DECIMAL(38, 10)))",
        "databricks": "AVG(x)",
        "spark": "AVG(x)",
        "trino": "AVG(CAST(x AS DECIMAL(38, 10)))",
        "mysql": "AVG(x)",
        "sqlite": "AVG(x)",
        "clickhouse": "AVG(x)",
        "tsql": "AVG(CAST(x AS NUMERIC(38, 10)))",
    }),
    # None: the dialect does not find the k-th best value without a sort (the compiler ranks instead)
    "kth_best": (lambda d: d.kth_best(c("x"), Decimal("0.1"), True), {
        "duckdb": "QUANTILE_DISC(x, 0.1 ORDER BY x DESC)",
        "postgres": None,
        "snowflake": None,
        "bigquery": None,
        "redshift": None,
        "databricks": None,
        "spark": None,
        "trino": None,
        "mysql": None,
        "sqlite": None,
        "clickhouse": None,
        "tsql": None,
    }),
    # reserved words (sample only on Snowflake) and non-ASCII names quoted, in the case a bare name means where
    # a quoted one keeps its case (Snowflake upper, PostgreSQL and Redshift lower); ClickHouse's session setting
    # for standard LEFT JOINs
    "statement": (lambda d: d.statement(exp.select(*map(c, ("sample", "Order", "città", "amount"))).from_("t")), {
        "duckdb": 'SELECT sample, "Order", "città", amount FROM t',
        "postgres": 'SELECT sample, "order", "città", amount FROM t',
        "snowflake": 'SELECT "SAMPLE", "ORDER", "città", amount FROM t',
        "bigquery": "SELECT sample, `Order`, `città`, amount FROM t",
        "redshift": 'SELECT sample, "order", "città", amount FROM t',
        "databricks": "SELECT sample, `Order`, `città`, amount FROM t",
        "spark": "SELECT sample, `Order`, `città`, amount FROM t",
        "trino": 'SELECT sample, "Order", "città", amount FROM t',
        "mysql": "SELECT sample, `Order`, `città`, amount FROM t",
        "sqlite": 'SELECT sample, "Order", "città", amount FROM t',
        "clickhouse": 'SELECT sample, "Order", "città", amount FROM t SETTINGS join_use_nulls = 1',
        "tsql": "SELECT sample, [Order], [città], amount FROM t",
    }),
    # a missing history table (history.py), created empty with the columns and types of its rows (Redshift: no
    # IF NOT EXISTS with AS, and text columns wide enough for later names)
    "history_create": (lambda d: d.history_create(exp.table_("h", db="s"), exp.select(
            exp.alias_(d.date_literal(date(2024, 6, 30)), "as_of"), c("k"), c("segment"), c("label")).from_("m"),
            ("segment", "label")), {
        "duckdb": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT CAST('2024-06-30' AS DATE) AS as_of, k, "
                   "segment, label FROM m) AS m LIMIT 0"),
        "postgres": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT CAST('2024-06-30' AS DATE) AS as_of, k, "
                     "segment, label FROM m) AS m LIMIT 0"),
        "snowflake": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT CAST('2024-06-30' AS DATE) AS as_of, "
                      "k, segment, label FROM m) AS m LIMIT 0"),
        "bigquery": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT CAST('2024-06-30' AS DATE) AS as_of, k, "
                     "segment, label FROM m) AS m LIMIT 0"),
        "redshift": ("CREATE TABLE s.h AS SELECT CAST('2024-06-30' AS DATE) AS as_of, k, CAST(segment AS "
                     "VARCHAR(MAX)) AS segment, CAST(label AS VARCHAR(MAX)) AS label FROM m LIMIT 0"),
        "databricks": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT CAST('2024-06-30' AS DATE) AS as_of, "
                       "k, segment, label FROM m) AS m LIMIT 0"),
        "spark": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT CAST('2024-06-30' AS DATE) AS as_of, k, "
                  "segment, label FROM m) AS m LIMIT 0"),
        "trino": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT CAST('2024-06-30' AS DATE) AS as_of, k, "
                  "segment, label FROM m) AS m LIMIT 0"),
        "mysql": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT CAST('2024-06-30' AS DATE) AS as_of, k, "
                  "segment, label FROM m) AS m LIMIT 0"),
        "sqlite": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT '2024-06-30' AS as_of, k, segment, label "
                   "FROM m) AS m LIMIT 0"),
        "clickhouse": ("CREATE TABLE IF NOT EXISTS s.h AS SELECT * FROM (SELECT CAST('2024-06-30' AS "
                       "Nullable(Date32)) AS as_of, k, segment, label FROM m) AS m LIMIT 0"),
        "tsql": ("IF NOT EXISTS (SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'h' AND TABLE_SCHEMA = "
                 "'s') EXEC('SELECT * INTO s.h FROM (SELECT TOP 0 * FROM (SELECT CAST(''2024-06-30'' AS DATE) AS "
                 "as_of, k AS k, segment AS segment, label AS label FROM m) AS m) AS temp')"),
    }),
    "text_literal": (lambda d: d.text_literal("東京"), {
        "duckdb": "'東京'",
        "postgres": "'東京'",
        "snowflake": "'東京'",
        "bigquery": "'東京'",
        "redshift": "'東京'",
        "databricks": "'東京'",
        "spark": "'東京'",
        "trino": "'東京'",
        "mysql": "'東京'",
        "sqlite": "'東京'",
        "clickhouse": "'東京'",
        "tsql": "N'東京'",
    }),
    # a history table (history.py): PostgreSQL's gets an index on its day and is locked while a day is rewritten
    "history_index": (lambda d: d.history_index(exp.table_("segment_history", db="shop"), "as_of"), {
        "duckdb": None,
        "postgres": "CREATE INDEX IF NOT EXISTS segment_history_as_of ON shop.segment_history(as_of)",
        "snowflake": None,
        "bigquery": None,
        "redshift": None,
        "databricks": None,
        "spark": None,
        "trino": None,
        "mysql": None,
        "sqlite": None,
        "clickhouse": None,
        "tsql": None,
    }),
    # a row per member of a wide relation (history.py, insight's overlap): one pass where the engine has one
    "unpivot": (lambda d: d.unpivot("w", "k", ["a"], ["t"], ("name", "label")), {
        "duckdb": ('SELECT u.k, u.name, CAST(NULL AS TEXT) AS label FROM (SELECT k, a FROM w) UNPIVOT(segdsl_value '
                   'FOR name IN (a AS a)) AS u WHERE u.segdsl_value UNION ALL SELECT u.k, u.name, u.segdsl_value AS '
                   'label FROM (SELECT k, CAST(t AS TEXT) AS t FROM w) UNPIVOT(segdsl_value FOR name IN (t AS t)) AS '
                   'u'),
        "postgres": ("SELECT w.k, u.name, u.label FROM w CROSS JOIN LATERAL (VALUES ('a', w.a, CAST(NULL AS TEXT)), "
                     "('t', TRUE, CAST(w.t AS TEXT))) AS u(name, segdsl_member, label) WHERE u.segdsl_member"),
        "snowflake": ("SELECT w.k, 'a' AS name, CAST(NULL AS VARCHAR) AS label FROM w WHERE w.a = TRUE UNION ALL "
                      "SELECT w.k, 't' AS name, CAST(w.t AS VARCHAR) AS label FROM w"),
        "bigquery": ("SELECT w.k, 'a' AS name, CAST(NULL AS STRING) AS label FROM w WHERE w.a = TRUE UNION ALL SELECT "
                     "w.k, 't' AS name, CAST(w.t AS STRING) AS label FROM w"),
        "redshift": ("SELECT w.k, 'a' AS name, CAST(NULL AS VARCHAR(MAX)) AS label FROM w WHERE w.a = TRUE UNION ALL "
                     "SELECT w.k, 't' AS name, CAST(w.t AS VARCHAR(MAX)) AS label FROM w"),
        "databricks": ("SELECT w.k, 'a' AS name, CAST(NULL AS STRING) AS label FROM w WHERE w.a = TRUE UNION ALL "
                       "SELECT w.k, 't' AS name, CAST(w.t AS STRING) AS label FROM w"),
        "spark": ("SELECT w.k, 'a' AS name, CAST(NULL AS STRING) AS label FROM w WHERE w.a = TRUE UNION ALL SELECT "
                  "w.k, 't' AS name, CAST(w.t AS STRING) AS label FROM w"),
        "trino": ("SELECT w.k, 'a' AS name, CAST(NULL AS VARCHAR) AS label FROM w WHERE w.a = TRUE UNION ALL SELECT "
                  "w.k, 't' AS name, CAST(w.t AS VARCHAR) AS label FROM w"),
        "mysql": ("SELECT w.k, 'a' AS name, CAST(NULL AS CHAR) AS label FROM w WHERE w.a = TRUE UNION ALL SELECT "
                  "w.k, 't' AS name, CAST(w.t AS CHAR) AS label FROM w"),
        "sqlite": ('SELECT w.k, j.key AS name, CAST(NULL AS TEXT) AS label FROM w CROSS JOIN '
                   "JSON_EACH(JSON_ARRAY(JSON_OBJECT('a', w.a))) AS o CROSS JOIN JSON_EACH(o.value) AS j WHERE "
                   'j.value = 1 UNION ALL SELECT w.k, j.key AS name, j.value AS label FROM w CROSS JOIN '
                   "JSON_EACH(JSON_ARRAY(JSON_OBJECT('t', w.t))) AS o CROSS JOIN JSON_EACH(o.value) AS j"),
        "clickhouse": ("SELECT w.k, 'a' AS name, CAST(NULL AS Nullable(String)) AS label FROM w WHERE w.a = TRUE UNION "
                       "ALL SELECT w.k, 't' AS name, CAST(w.t AS Nullable(String)) AS label FROM w"),
        "tsql": ("SELECT w.k, 'a' AS name, CAST(NULL AS VARCHAR(MAX)) AS label FROM w WHERE w.a = 1 UNION ALL "
                 "SELECT w.k, 't' AS name, CAST(w.t AS VARCHAR(MAX)) AS label FROM w"),
    }),
    "history_lock": (lambda d: d.history_lock(exp.table_("segment_history", db="shop")), {
        "duckdb": None,
        "postgres": "LOCK TABLE shop.segment_history IN SHARE ROW EXCLUSIVE MODE",
        "snowflake": None,
        "bigquery": None,
        "redshift": None,
        "databricks": None,
        "spark": None,
        "trino": None,
        "mysql": None,
        "sqlite": None,
        "clickhouse": None,
        "tsql": None,
    }),
    # runs that find no history table take turns to create it (PostgreSQL: CREATE TABLE IF NOT EXISTS races)
    "history_create_lock": (lambda d: d.history_create_lock(), {
        "duckdb": None,
        "postgres": 'SELECT PG_ADVISORY_XACT_LOCK(8315165968140361576)',
        "snowflake": None,
        "bigquery": None,
        "redshift": None,
        "databricks": None,
        "spark": None,
        "trino": None,
        "mysql": None,
        "sqlite": None,
        "clickhouse": None,
        "tsql": None,
    }),
    # a session gap
    "timestamp_plus_minutes": (lambda d: d.timestamp_plus_minutes(c("t"), 30), {
        "duckdb": 't + INTERVAL 30 MINUTE',
        "postgres": "t + INTERVAL '30 MINUTE'",
        "snowflake": 'DATEADD(MINUTE, 30, t)',
        "bigquery": 't + INTERVAL 30 MINUTE',
        "redshift": 'DATEADD(MINUTE, 30, t)',
        "databricks": 't + INTERVAL 30 MINUTE',
        "spark": 't + INTERVAL 30 MINUTE',
        "trino": "DATE_ADD('MINUTE', 30, t)",
        "mysql": 'DATE_ADD(t, INTERVAL 30 MINUTE)',
        "sqlite": "DATETIME(SUBSTRING(t, 1, 19), '+30 minutes') || SUBSTRING(t, 20)",
        "clickhouse": 'DATE_ADD(MINUTE, 30, t)',
        "tsql": 'DATEADD(MINUTE, 30, t)',
    }),
    "year_of": (lambda d: d.year_of(c("d")), {
        "duckdb": 'YEAR(d)',
        "postgres": "CAST(DATE_PART('year', d) AS INT)",
        "snowflake": 'YEAR(d)',
        "bigquery": 'EXTRACT(YEAR FROM d)',
        "redshift": 'EXTRACT(YEAR FROM d)',
        "databricks": 'YEAR(d)',
        "spark": 'YEAR(d)',
        "trino": 'YEAR(d)',
        "mysql": 'YEAR(d)',
        "sqlite": "CAST(STRFTIME('%Y', d) AS INTEGER)",
        "clickhouse": 'YEAR(d)',
        "tsql": 'YEAR(d)',
    }),
    "month_of": (lambda d: d.month_of(c("d")), {
        "duckdb": 'MONTH(d)',
        "postgres": "CAST(DATE_PART('month', d) AS INT)",
        "snowflake": 'MONTH(d)',
        "bigquery": 'EXTRACT(MONTH FROM d)',
        "redshift": 'EXTRACT(MONTH FROM d)',
        "databricks": 'MONTH(d)',
        "spark": 'MONTH(d)',
        "trino": 'MONTH(d)',
        "mysql": 'MONTH(d)',
        "sqlite": "CAST(STRFTIME('%m', d) AS INTEGER)",
        "clickhouse": 'MONTH(d)',
        "tsql": 'MONTH(d)',
    }),
    "day_of_month": (lambda d: d.day_of_month(c("d")), {
        "duckdb": 'DAY(d)',
        "postgres": "CAST(DATE_PART('day', d) AS INT)",
        "snowflake": 'DAY(d)',
        "bigquery": 'EXTRACT(DAY FROM d)',
        "redshift": 'EXTRACT(DAY FROM d)',
        "databricks": 'DAY(d)',
        "spark": 'DAY(d)',
        "trino": 'DAY(d)',
        "mysql": 'DAY(d)',
        "sqlite": "CAST(STRFTIME('%d', d) AS INTEGER)",
        "clickhouse": 'DAY(d)',
        "tsql": 'DAY(d)',
    }),
    # anniversaries: months from the rows
    "add_months_by_rows": (lambda d: d.add_months(c("d"), exp.Mul(this=exp.Literal.number(12), expression=c("k"))), {
        "duckdb": 'CAST(d + INTERVAL (12 * k) MONTH AS DATE)',
        "postgres": "CAST(d + (INTERVAL '1 MONTH' * 12 * k) AS DATE)",
        "snowflake": 'DATEADD(MONTH, 12 * k, d)',
        "bigquery": 'DATE_ADD(d, INTERVAL (12 * k) MONTH)',
        "redshift": 'CAST(DATEADD(MONTH, 12 * k, d) AS DATE)',
        "databricks": 'DATEADD(MONTH, 12 * k, d)',
        "spark": 'ADD_MONTHS(d, 12 * k)',
        "trino": "DATE_ADD('MONTH', CAST(12 * k AS BIGINT), d)",
        "mysql": 'DATE_ADD(d, INTERVAL (12 * k) MONTH)',
        "sqlite": ("MIN(DATE(d, 'start of month', CAST(12 * k AS TEXT) || ' months', "
                   "'+' || (CAST(STRFTIME('%d', d) AS INTEGER) - 1) || ' days'), "
                   "DATE(d, 'start of month', CAST((12 * k + 1) AS TEXT) || ' months', '-1 days'))"),
        "clickhouse": 'DATE_ADD(MONTH, 12 * k, d)',
        "tsql": 'DATEADD(MONTH, 12 * k, d)',
    }),
    # the days of a week period
    "day_difference": (lambda d: d.day_difference(c("a"), c("b")), {
        "duckdb": "DATE_DIFF('DAY', a, b)",
        "postgres": 'b - a',
        "snowflake": 'DATEDIFF(DAY, a, b)',
        "bigquery": 'DATE_DIFF(b, a, DAY)',
        "redshift": 'DATEDIFF(DAY, a, b)',
        "databricks": 'DATEDIFF(DAY, a, b)',
        "spark": 'DATEDIFF(DAY, a, b)',
        "trino": "DATE_DIFF('DAY', a, b)",
        "mysql": 'DATEDIFF(b, a)',
        "sqlite": 'CAST((JULIANDAY(b) - JULIANDAY(a)) AS INTEGER)',
        "clickhouse": 'DATE_DIFF(DAY, a, b)',
        "tsql": 'DATEDIFF(DAY, a, b)',
    }),
    # a week period: n // 7 of whole days n
    "whole_division": (lambda d: d.whole_division(exp.Sub(this=c("b"), expression=c("a")), 7), {
        "duckdb": '(b - a) // 7',
        "postgres": '(b - a) / 7',
        "snowflake": 'CAST(TRUNC((b - a) / 7) AS BIGINT)',
        "bigquery": 'DIV((b - a), 7)',
        "redshift": 'CAST(TRUNC(CAST((b - a) AS DOUBLE PRECISION) / 7) AS BIGINT)',
        "databricks": '(b - a) DIV 7',
        "spark": '(b - a) DIV 7',
        "trino": 'CAST(TRUNCATE(CAST((b - a) AS DOUBLE) / 7) AS BIGINT)',
        "mysql": '(b - a) DIV 7',
        "sqlite": 'CAST(CAST((b - a) AS REAL) / 7 AS INTEGER)',
        "clickhouse": 'CAST((b - a) / 7 AS Nullable(Int64))',
        "tsql": 'CAST(CAST((b - a) AS FLOAT) / 7 AS BIGINT)',
    }),
    # the current instant, a UTC timestamp (rule 10)
    "now_utc": (lambda d: d.now_utc(), {
        "duckdb": "CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP)",
        "postgres": "CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP)",
        "snowflake": "CAST(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()) AS TIMESTAMP)",
        "bigquery": 'CURRENT_TIMESTAMP()',
        "redshift": "CAST(GETDATE() AT TIME ZONE 'UTC' AS TIMESTAMP)",
        "databricks": 'TO_UTC_TIMESTAMP(CURRENT_TIMESTAMP(), CURRENT_TIMEZONE())',
        "spark": 'TO_UTC_TIMESTAMP(CURRENT_TIMESTAMP(), CURRENT_TIMEZONE())',
        "trino": "CAST(AT_TIMEZONE(CURRENT_TIMESTAMP, 'UTC') AS TIMESTAMP)",
        "mysql": 'UTC_TIMESTAMP()',
        "sqlite": "DATETIME('now')",
        "clickhouse": "now('UTC')",
        "tsql": 'SYSUTCDATETIME()',
    }),
    # a UTC instant's wall-clock time in a named zone (rule 9); None: the dialect refuses (zone_conversion_missing)
    "convert_zone_to_wall": (lambda d: d.convert_zone(c("t"), "UTC", "America/New_York"), {
        "duckdb": "CAST(CAST(t AS TIMESTAMP) AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York' AS TIMESTAMP)",
        "postgres": "CAST(CAST(t AS TIMESTAMP) AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York' AS TIMESTAMP)",
        "snowflake": "CAST(CONVERT_TIMEZONE('UTC', 'America/New_York', t) AS TIMESTAMP)",
        "bigquery": "DATETIME(CAST(t AS TIMESTAMP), 'America/New_York')",
        "redshift": "CAST(CONVERT_TIMEZONE('UTC', 'America/New_York', t) AS TIMESTAMP)",
        "databricks": "CAST(CONVERT_TIMEZONE('UTC', 'America/New_York', t) AS TIMESTAMP)",
        "spark": "CAST(CONVERT_TIMEZONE('UTC', 'America/New_York', t) AS TIMESTAMP)",
        "trino": "CAST(AT_TIMEZONE(WITH_TIMEZONE(t, 'UTC'), 'America/New_York') AS TIMESTAMP)",
        "mysql": None,
        "sqlite": None,
        "clickhouse": "addSeconds(toTimeZone(t, 'UTC'), timeZoneOffset(toTimeZone(t, 'America/New_York')))",
        "tsql": "CAST(t AT TIME ZONE 'UTC' AT TIME ZONE 'Eastern Standard Time' AS DATETIME2)",
    }),
    # a wall-clock time's UTC instant
    "convert_zone_to_utc": (lambda d: d.convert_zone(c("t"), "America/New_York", "UTC"), {
        "duckdb": "CAST(CAST(t AS TIMESTAMP) AT TIME ZONE 'America/New_York' AT TIME ZONE 'UTC' AS TIMESTAMP)",
        "postgres": "CAST(CAST(t AS TIMESTAMP) AT TIME ZONE 'America/New_York' AT TIME ZONE 'UTC' AS TIMESTAMP)",
        "snowflake": "CAST(CONVERT_TIMEZONE('America/New_York', 'UTC', t) AS TIMESTAMP)",
        "bigquery": "TIMESTAMP(CAST(t AS DATETIME), 'America/New_York')",
        "redshift": "CAST(CONVERT_TIMEZONE('America/New_York', 'UTC', t) AS TIMESTAMP)",
        "databricks": "CAST(CONVERT_TIMEZONE('America/New_York', 'UTC', t) AS TIMESTAMP)",
        "spark": "CAST(CONVERT_TIMEZONE('America/New_York', 'UTC', t) AS TIMESTAMP)",
        "trino": "CAST(AT_TIMEZONE(WITH_TIMEZONE(t, 'America/New_York'), 'UTC') AS TIMESTAMP)",
        "mysql": None,
        "sqlite": None,
        "clickhouse": ("subtractSeconds(toDateTime64(toString(t), 6, 'UTC'), "
                       "timeZoneOffset(toDateTime64(toString(t), 6, 'America/New_York')))"),
        "tsql": "CAST(t AT TIME ZONE 'Eastern Standard Time' AT TIME ZONE 'UTC' AS DATETIME2)",
    }),
}


def test_every_row_names_every_dialect():
    for construct, (_, expected) in TABLE.items():
        assert tuple(expected) == DIALECTS, construct


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("construct", TABLE)
def test_construct(construct, dialect):
    build, expected = TABLE[construct]
    wanted = expected[dialect]
    if isinstance(wanted, Refused):
        with pytest.raises(SegdslError, match=re.escape(wanted)):
            build(dialects.get(dialect))
        return
    tree = build(dialects.get(dialect))
    assert (None if tree is None else tree.sql(dialect)) == wanted
