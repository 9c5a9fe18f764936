"""SQLite.

- there is no DATE or TIMESTAMP type: dates are 'YYYY-MM-DD' text and timestamps 'YYYY-MM-DD HH:MM:SS'
  text, so day bounds stay text (which orders correctly against both).
- DATE(x, '+N day') drops the time of day: a timestamp moves with DATETIME, its fraction of a second
  put back as text (DATETIME drops or rounds it).
- DATE(x, '-N month') does not clamp to the month's end (2024-03-31 -> 2024-03-02; sqlglot #8359 and
  friends): a month step is the smaller of the same day and the last day of the target month, built
  from text modifiers, so the number of months is known when compiling.
- there is no boolean type: a true/false value compared with a column is 1 or 0.
- LIKE ignores ASCII case: a pattern becomes a GLOB (case-sensitive), its own wildcards bracketed.
- WITH name AS MATERIALIZED evaluates a CTE read several times once.
- a UNION joins at most 500 SELECTs (SQLITE_MAX_COMPOUND_SELECT): longer ones are grouped.
- a VALUES table takes no column names (`AS v(a, b)`): a table of literal rows is a UNION ALL of SELECTs.
- unpivoting (a row per member) reads each row once: its columns as JSON objects of name and value
  (a function takes at most 127 arguments: 63 pairs an object, 127 objects an array), walked by
  json_each; a SELECT per column reads the stored row's header up to that column each time, which
  grows with the square of the columns (1,000 flags over 5,000 rows: 21 s against 3 s).
- there is no MD5: a split (rule 18) cannot compile.
- JSON (rule 17): JSON_EXTRACT gives true and false as 1 and 0 and numbers as numbers, so a value's text is
  'true' or 'false' by JSON_TYPE, else JSON_EXTRACT's value as TEXT. There are no regular expressions: a
  number is text of number characters that JSON reads as a number; a day is text of the form GLOB checks
  whose DATE(day, '+0 days') is itself (DATE alone passes 2024-02-30 through).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlglot import exp

from .base import Dialect


class SQLite(Dialect):
    name = "sqlite"
    adds_months_by_expression = False
    has_materialized_ctes = True
    max_union_terms = 500

    def unpivot(self, wide: str, key: str, flags: Sequence[str], labels: Sequence[str],
                into: tuple[str, str]) -> exp.Select | exp.Union:
        parts = []
        for names, is_flag in ((flags, True), (labels, False)):
            pairs = [arg for name in names for arg in (exp.Literal.string(name), exp.column(name, table=wide))]
            objects = [exp.Anonymous(this="json_object", expressions=pairs[at:at + 126])
                       for at in range(0, len(pairs), 126)]
            for at in range(0, len(objects), 127):
                array = exp.Anonymous(this="json_array", expressions=objects[at:at + 127])
                each = exp.Anonymous(this="json_each", expressions=[array])
                value = exp.column("value", table="j")
                label = exp.cast(exp.Null(), exp.DataType.Type.TEXT) if is_flag else value
                part = (exp.select(exp.column(key, table=wide), exp.alias_(exp.column("key", table="j"), into[0]),
                                   exp.alias_(label, into[1])).from_(wide)
                        .join(exp.alias_(each, "o"), join_type="cross", copy=False)
                        .join(exp.alias_(exp.Anonymous(this="json_each", expressions=[exp.column("value", table="o")]),
                                         "j"), join_type="cross", copy=False))
                parts.append(part.where(exp.EQ(this=value.copy(), expression=exp.Literal.number(1)), copy=False)
                             if is_flag else part)
        return self.union_all(parts)

    def rows_table(self, rows: Sequence[Sequence[exp.Expr]], alias: str, columns: Sequence[str]) -> exp.Expr:
        """One-row SELECTs joined by UNION ALL: SQLite names no columns of a VALUES table (`AS v(a, b)`)."""
        selects = [exp.select(*(exp.alias_(value, name) for value, name in zip(row, columns))) for row in rows]
        return self.union_all(selects).subquery(alias)

    def date_literal(self, day: date) -> exp.Expr:
        return exp.Literal.string(day.isoformat())

    def timestamp_literal(self, day: date) -> exp.Expr:
        return exp.Literal.string(day.isoformat())

    def day_start(self, day_value: exp.Expr) -> exp.Expr:
        return day_value

    def timestamp_plus_days(self, value: exp.Expr, days: int) -> exp.Expr:
        return _moved(value, f"{days:+d} days")

    zone_conversion_missing = "SQLite has no time-zone database"
    md5_missing = "SQLite has no MD5 function"

    def now_utc(self) -> exp.Expr:
        return exp.Anonymous(this="DATETIME", expressions=[exp.Literal.string("now")])

    def add_months(self, value: exp.Expr, months: int | exp.Expr) -> exp.Expr:
        """`months` a number, or an expression of the rows (anniversary: adds_months_by_expression stays False,
        as a dbt marker in a modifier is not one)."""
        if isinstance(months, int) and months == 0:
            return value
        # min(first of the target month + (day - 1) days, last day of the target month)
        day_of_month = exp.cast(exp.Anonymous(this="STRFTIME", expressions=[exp.Literal.string("%d"), value]),
                                exp.DataType.Type.INT)
        plus_days = exp.DPipe(this=exp.Literal.string("+"), expression=exp.DPipe(
            this=exp.Paren(this=exp.Sub(this=day_of_month, expression=exp.Literal.number(1))),
            expression=exp.Literal.string(" days")))
        same_day = exp.Anonymous(this="DATE", expressions=[
            value, exp.Literal.string("start of month"), _months_modifier(months, 0), plus_days])
        month_end = exp.Anonymous(this="DATE", expressions=[
            value, exp.Literal.string("start of month"), _months_modifier(months, 1), exp.Literal.string("-1 days")])
        return exp.Anonymous(this="MIN", expressions=[same_day, month_end])

    def boolean_literal(self, value: bool) -> exp.Expr:
        return exp.Literal.number(int(value))

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        path = exp.Literal.string(self.json_path(keys))
        kind = exp.Anonymous(this="JSON_TYPE", expressions=[document, path])
        value = exp.cast(exp.Anonymous(this="JSON_EXTRACT", expressions=[document.copy(), path.copy()]),
                         exp.DataType.Type.TEXT)
        return exp.Case(this=kind, ifs=[exp.If(this=exp.Literal.string(word), true=exp.Literal.string(word))
                                        for word in ("true", "false")], default=value)

    def is_number_text(self, text: exp.Expr) -> exp.Expr:
        # JSON_TYPE of text that is no JSON is an error, so it is read only where JSON_VALID holds
        valid = exp.and_(exp.not_(exp.Glob(this=text, expression=exp.Literal.string("*[^0-9eE.+-]*"))),
                         exp.EQ(this=exp.Anonymous(this="JSON_VALID", expressions=[text.copy()]),
                                expression=exp.Literal.number(1)))
        kind = exp.Case(ifs=[exp.If(this=valid, true=exp.Anonymous(this="JSON_TYPE", expressions=[text.copy()]))])
        return exp.In(this=kind, expressions=[exp.Literal.string("integer"), exp.Literal.string("real")])

    def is_day_text(self, text: exp.Expr) -> exp.Expr:
        shape = exp.Glob(this=text, expression=exp.Literal.string("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"))
        after = exp.Substring(this=text.copy(), start=exp.Literal.number(11), length=exp.Literal.number(1))
        return exp.and_(shape, exp.In(this=after, expressions=[exp.Literal.string(""), exp.Literal.string("T"),
                                                               exp.Literal.string(" ")]))

    def day_from_text(self, text: exp.Expr) -> exp.Expr:
        same = exp.EQ(this=exp.Anonymous(this="DATE", expressions=[text, exp.Literal.string("+0 days")]),
                      expression=text.copy())
        return exp.Case(ifs=[exp.If(this=same, true=text.copy())])

    def timestamp_plus_minutes(self, value: exp.Expr, minutes: int) -> exp.Expr:
        return _moved(value, f"{minutes:+d} minutes")

    def year_of(self, day_value: exp.Expr) -> exp.Expr:
        return _date_part("%Y", day_value)

    def month_of(self, day_value: exp.Expr) -> exp.Expr:
        return _date_part("%m", day_value)

    def day_of_month(self, day_value: exp.Expr) -> exp.Expr:
        return _date_part("%d", day_value)

    def like(self, subject: exp.Expr, pattern: str) -> exp.Expr:
        special = {"*": "[*]", "?": "[?]", "[": "[[]", "%": "*", "_": "?"}
        glob = "".join(special.get(ch, ch) for ch in pattern)
        return exp.Glob(this=subject, expression=exp.Literal.string(glob))


def _moved(value: exp.Expr, amount: str) -> exp.Expr:
    """A timestamp moved by whole days or minutes. DATETIME drops or rounds a fraction of a second (23:59:59.999999
    becomes 23:59:59, or the next day's 00:00:00): the whole seconds move, and the text of the fraction is put
    back."""
    whole = exp.Substring(this=value, start=exp.Literal.number(1), length=exp.Literal.number(19))
    moved = exp.Anonymous(this="DATETIME", expressions=[whole, exp.Literal.string(amount)])
    return exp.DPipe(this=moved, expression=exp.Substring(this=value.copy(), start=exp.Literal.number(20)))


def _date_part(part: str, day_value: exp.Expr) -> exp.Expr:
    """A part of a day as a whole number (SQLite has no YEAR, MONTH or DAY)."""
    return exp.cast(exp.Anonymous(this="STRFTIME", expressions=[exp.Literal.string(part), day_value]),
                    exp.DataType.Type.INT)


def _months_modifier(months: int | exp.Expr, extra: int) -> exp.Expr:
    """The modifier '+N months' of DATE for `months` + `extra` (a number, or an expression of the rows)."""
    if isinstance(months, int):
        return exp.Literal.string(f"{months + extra:+d} months")
    amount = exp.Paren(this=exp.Add(this=months, expression=exp.Literal.number(extra))) if extra else months
    return exp.DPipe(this=exp.cast(amount, exp.DataType.Type.TEXT), expression=exp.Literal.string(" months"))
