"""BigQuery.

- event times are TIMESTAMPs (instants), DATETIMEs (civil times) or DATEs, and BigQuery compares a
  TIMESTAMP with neither of the others (sqlglot #5536, #6746: sqlglot's TIMESTAMP is BigQuery's DATETIME,
  its TIMESTAMPTZ BigQuery's TIMESTAMP). So a window bound is the day as a string literal ('2026-07-01'),
  which BigQuery coerces to the type of the column it is compared with: midnight of that day, in UTC for a
  TIMESTAMP (cloud.google.com/bigquery/docs/reference/standard-sql/conversion_rules#literal_coercion). A
  day that is an expression (the current date) is no literal: the column's own day is compared with it
  instead (for a TIMESTAMP its UTC day, so the same instants), and a timestamp moves by adding INTERVAL n
  DAY, which takes all three (DATE_ADD takes a DATE, TIMESTAMP_ADD a TIMESTAMP).
- LIKE escapes with a backslash: a backslash in a pattern is doubled.
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp

from .base import Dialect


class BigQuery(Dialect):
    name = "bigquery"
    timestamp_type = exp.DataType.Type.TIMESTAMPTZ
    date_add_keeps_time_of_day = False
    backslash_escapes_in_like = True

    def timestamp_literal(self, day: date) -> exp.Expr:
        return exp.Literal.string(day.isoformat())

    def time_against_day(self, time: exp.Expr, day_value: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
        return self.to_date(time), day_value

    zone_conversion_missing = "segdsl does not convert between named zones on BigQuery yet"

    def now_utc(self) -> exp.Expr:
        return exp.CurrentTimestamp()
