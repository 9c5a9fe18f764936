"""Apache Spark SQL.

- DATE_ADD(ts, n) returns a DATE, and the 3-argument DATE_ADD(DAY, n, ts) exists only since Spark 3.3
  (Databricks Runtime 13.3): a timestamp moves by adding INTERVAL n DAY (Spark 3.0 and every Databricks
  runtime; calendar days in the session time zone, like DATE_ADD(DAY, ...), and a TIMESTAMP_NTZ stays one).
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
    ranks_are_32_bit = True

    def now_utc(self) -> exp.Expr:
        return exp.Anonymous(this="to_utc_timestamp", expressions=[exp.CurrentTimestamp(),
                                                                   exp.Anonymous(this="current_timezone")])
