"""SQLite.

- there is no DATE or TIMESTAMP type: dates are 'YYYY-MM-DD' text and timestamps 'YYYY-MM-DD HH:MM:SS'
  text, so day bounds stay text (which orders correctly against both).
- DATE(x, '+N day') drops the time of day: a timestamp moves with DATETIME.
- DATE(x, '-N month') does not clamp to the month's end (2024-03-31 -> 2024-03-02; sqlglot #8359 and
  friends): a month step is the smaller of the same day and the last day of the target month, built
  from text modifiers, so the number of months is known when compiling.
- there is no boolean type: a true/false value compared with a column is 1 or 0.
- LIKE ignores ASCII case: a pattern becomes a GLOB (case-sensitive), its own wildcards bracketed.
- WITH name AS MATERIALIZED evaluates a CTE read several times once.
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp

from .base import Dialect


class SQLite(Dialect):
    name = "sqlite"
    adds_months_by_expression = False
    has_materialized_ctes = True

    def date_literal(self, day: date) -> exp.Expr:
        return exp.Literal.string(day.isoformat())

    def timestamp_literal(self, day: date) -> exp.Expr:
        return exp.Literal.string(day.isoformat())

    def day_start(self, day_value: exp.Expr) -> exp.Expr:
        return day_value

    def timestamp_plus_days(self, value: exp.Expr, days: int) -> exp.Expr:
        return exp.Anonymous(this="DATETIME", expressions=[value, exp.Literal.string(f"{days:+d} days")])

    def add_months(self, value: exp.Expr, months: int | exp.Expr) -> exp.Expr:
        """`months` a number (adds_months_by_expression is False)."""
        if months == 0:
            return value
        # min(first of the target month + (day - 1) days, last day of the target month)
        day_of_month = exp.cast(exp.Anonymous(this="STRFTIME", expressions=[exp.Literal.string("%d"), value]),
                                exp.DataType.Type.INT)
        plus_days = exp.DPipe(this=exp.Literal.string("+"), expression=exp.DPipe(
            this=exp.Paren(this=exp.Sub(this=day_of_month, expression=exp.Literal.number(1))),
            expression=exp.Literal.string(" days")))
        same_day = exp.Anonymous(this="DATE", expressions=[
            value, exp.Literal.string("start of month"), exp.Literal.string(f"{months:+d} months"), plus_days])
        month_end = exp.Anonymous(this="DATE", expressions=[
            value, exp.Literal.string("start of month"), exp.Literal.string(f"{months + 1:+d} months"),
            exp.Literal.string("-1 days")])
        return exp.Anonymous(this="MIN", expressions=[same_day, month_end])

    def boolean_literal(self, value: bool) -> exp.Expr:
        return exp.Literal.number(int(value))

    def like(self, subject: exp.Expr, pattern: str) -> exp.Expr:
        special = {"*": "[*]", "?": "[?]", "[": "[[]", "%": "*", "_": "?"}
        glob = "".join(special.get(ch, ch) for ch in pattern)
        return exp.Glob(this=subject, expression=exp.Literal.string(glob))
