"""ClickHouse.

- a LEFT JOIN fills unmatched non-Nullable columns with 0 or '' unless join_use_nulls = 1: every
  query sets it (in INSERT ... SELECT, the SELECT).
- LIKE escapes with a backslash: a backslash in a pattern is doubled.
"""

from __future__ import annotations

from sqlglot import exp

from .base import Dialect, Statement


class ClickHouse(Dialect):
    name = "clickhouse"
    backslash_escapes_in_like = True
    zone_conversion_missing = "segdsl does not convert between named zones on ClickHouse yet"

    def now_utc(self) -> exp.Expr:
        return exp.Anonymous(this="now")

    def statement(self, query: Statement) -> Statement:
        query = super().statement(query)
        # INSERT/CREATE ... SELECT: the setting belongs to the SELECT (sqlglot prints no list on the statement)
        inner = query.expression if isinstance(query, (exp.Insert, exp.Create)) else query
        if isinstance(inner, exp.Query):
            inner.set("settings", [exp.EQ(this=exp.column("join_use_nulls"), expression=exp.Literal.number(1))])
        return query
