"""Apache Spark SQL.

- DATE_ADD(ts, n) returns a DATE, and the 3-argument DATE_ADD(DAY, n, ts) exists only since Spark 3.3
  (Databricks Runtime 13.3): a timestamp moves by adding INTERVAL n DAY (Spark 3.0 and every Databricks
  runtime; calendar days in the session time zone, like DATE_ADD(DAY, ...), and a TIMESTAMP_NTZ stays one).
- LIKE escapes with a backslash: a backslash in a pattern is doubled.
- Spark types a whole-number literal below 2**31 as INT, and RANK() is an INT there, so their product
  overflows (an error in ANSI mode): literals multiplied with ranks are BIGINT.
- JSON (rule 17): JSON text in STRING columns, read by GET_JSON_OBJECT(doc, "$['key']"); a day by
  TRY_TO_DATE (a cast of 2024-02-30 is an error under ANSI mode).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .base import Dialect


class Spark(Dialect):
    name = "spark"
    date_add_keeps_time_of_day = False
    backslash_escapes_in_like = True
    ranks_are_32_bit = True

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        path = "$" + "".join(f"['{key}']" for key in keys)  # keys with dots or spaces need brackets
        return exp.Anonymous(this="GET_JSON_OBJECT", expressions=[document, exp.Literal.string(path)])

    def day_from_text(self, text: exp.Expr) -> exp.Expr:
        # TRY_CAST, not CAST: under ANSI mode a cast of 2024-02-30 is an error (sqlglot prints TryCast as CAST)
        return exp.Anonymous(this="TRY_TO_DATE", expressions=[text, exp.Literal.string("yyyy-MM-dd")])

    def now_utc(self) -> exp.Expr:
        return exp.Anonymous(this="to_utc_timestamp", expressions=[exp.CurrentTimestamp(),
                                                                   exp.Anonymous(this="current_timezone")])
