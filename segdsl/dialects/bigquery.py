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
- a literal with a decimal point is a FLOAT64: a median's two middle values are halved by NUMERIC '0.5'.
- zones (rule 9): a UTC instant's wall-clock time in a zone is DATETIME(instant, zone) (a DATETIME); a
  wall-clock time's instant is TIMESTAMP(datetime, zone) (a TIMESTAMP), which reads a time the spring
  change skips with the offset before the change and a repeated one as its first occurrence (GoogleSQL's
  TimeZone::At(...).pre), as Python's zoneinfo does (fold=0). DATETIME takes a TIMESTAMP and TIMESTAMP a
  DATETIME, so the value is cast first: a TIMESTAMP to DATETIME is its UTC wall-clock time, a DATETIME to
  TIMESTAMP the instant of its time in UTC, and either cast of a value of its own type changes nothing
  (BigQuery's default time zone is UTC; cloud.google.com/bigquery/docs/reference/standard-sql/
  datetime_functions#datetime, timestamp_functions#timestamp).
- hex digits become a number by a cast of '0x' and the digits to INT64 (MD5 gives bytes: sqlglot adds TO_HEX).
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp

from ..lang import zones
from .base import Dialect


class BigQuery(Dialect):
    name = "bigquery"
    timestamp_type = exp.DataType.Type.TIMESTAMPTZ
    date_add_keeps_time_of_day = False
    backslash_escapes_in_like = True

    def decimal_half(self) -> exp.Expr:
        """The literal 0.5 is a FLOAT64, which would make a NUMERIC a double: NUMERIC '0.5' keeps it exact."""
        return exp.cast(exp.Literal.string("0.5"), exp.DataType.build("NUMERIC"))

    def timestamp_literal(self, day: date) -> exp.Expr:
        return exp.Literal.string(day.isoformat())

    def time_against_day(self, time: exp.Expr, day_value: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
        return self.to_date(time), day_value

    def now_utc(self) -> exp.Expr:
        return exp.CurrentTimestamp()

    def time_against_now(self, time: exp.Expr, instant: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
        """A TIMESTAMP never compares with a DATETIME or a DATE: the column (any of the three, a civil one
        read as UTC) as a TIMESTAMP."""
        return exp.cast(time, exp.DataType.Type.TIMESTAMPTZ), instant

    def convert_zone(self, time_value: exp.Expr, source: str, target: str) -> exp.Expr | None:
        instant = time_value
        if not zones.is_utc(source):
            # a day's midnight (day_start's cast of a DATE): TIMESTAMP takes the DATE itself
            day = isinstance(time_value, exp.Cast) and time_value.to.is_type(exp.DataType.Type.TIMESTAMPTZ)
            civil = time_value.this.copy() if day else exp.cast(time_value, exp.DataType.Type.DATETIME)
            instant = exp.Anonymous(this="TIMESTAMP", expressions=[civil, exp.Literal.string(source)])
        elif time_value != self.now_utc():  # CURRENT_TIMESTAMP() is a TIMESTAMP already
            instant = exp.cast(time_value, exp.DataType.Type.TIMESTAMPTZ)
        if zones.is_utc(target):
            return instant
        return exp.Anonymous(this="DATETIME", expressions=[instant, exp.Literal.string(target)])

    def hex_number(self, digits: exp.Expr) -> exp.Expr:
        return exp.cast(exp.Concat(expressions=[exp.Literal.string("0x"), digits]), exp.DataType.Type.BIGINT)
