"""DuckDB.

- date + interval is a TIMESTAMP: moved days are cast back to DATE, so they compare as days.
- the k-th best value of a top/bottom P% is one aggregate: DuckDB's discrete quantile selects the value
  rather than sorting, and takes a decimal fraction's position in exact arithmetic (a float fraction
  would make 10% of 30 values position 4).
- the median is DuckDB's own QUANTILE_CONT(x, 0.5) (sqlglot prints the standard form as
  QUANTILE_CONT(x, 0.5 ORDER BY x)).
- WITH name AS MATERIALIZED evaluates a CTE read several times once.
"""

from __future__ import annotations

from sqlglot import exp

from .base import Dialect


class DuckDB(Dialect):
    name = "duckdb"
    date_plus_interval_is_timestamp = True
    finds_kth_best_without_sort = True
    has_materialized_ctes = True

    def median(self, value: exp.Expr) -> exp.Expr:
        return exp.PercentileCont(this=value, expression=exp.Literal.number("0.5"))
