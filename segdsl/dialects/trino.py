"""Trino.

- a wall-clock time in one named zone as the wall-clock time in another: WITH_TIMEZONE reads the plain
  timestamp in the source zone (sqlglot's AT_TIMEZONE of a cast would read it in the session's zone).
- AVG of a DECIMAL(18,4) is a DECIMAL(18,4): the mean rounded to 4 places (1, 2, 2 average 1.6667), so it
  is taken of the values as DECIMAL(38, 10).
- hex digits become a number by FROM_BASE(digits, 16), a BIGINT (MD5 takes VARBINARY: sqlglot adds TO_UTF8).
- JSON (rule 17): JSON_EXTRACT_SCALAR(doc, '$["key"]') of a json or varchar column.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .base import Dialect


class Trino(Dialect):
    name = "trino"
    average_keeps_argument_type = True

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        path = "$" + "".join(f'["{key}"]' for key in keys)
        return exp.Anonymous(this="JSON_EXTRACT_SCALAR", expressions=[document, exp.Literal.string(path)])

    def convert_zone(self, time_value: exp.Expr, source: str, target: str) -> exp.Expr | None:
        zoned = exp.Anonymous(this="WITH_TIMEZONE", expressions=[time_value, exp.Literal.string(source)])
        moved = exp.Anonymous(this="AT_TIMEZONE", expressions=[zoned, exp.Literal.string(target)])
        return exp.cast(moved, self.timestamp_type)

    def hex_number(self, digits: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this="FROM_BASE", expressions=[digits, exp.Literal.number(16)])
