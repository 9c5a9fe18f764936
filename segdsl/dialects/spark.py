"""Apache Spark SQL.

- DATE_ADD(ts, n) returns a DATE: a timestamp moves with the 3-argument form, TIMESTAMPADD (sqlglot
  #4939, #5108; SPARK-38195).
- LIKE escapes with a backslash: a backslash in a pattern is doubled.
- Spark types a whole-number literal below 2**31 as INT, and RANK() is an INT there, so their product
  overflows (an error in ANSI mode): literals multiplied with ranks are BIGINT.
"""

from __future__ import annotations

from sqlglot import exp

from .base import Dialect


class Spark(Dialect):
    name = "spark"
    date_add_keeps_time_of_day = False
    backslash_escapes_in_like = True

    def wide_integer(self, value: int) -> exp.Expr:
        return exp.cast(exp.Literal.number(value), exp.DataType.Type.BIGINT)
