"""SQL Server (T-SQL).

- CURRENT_DATE becomes GETDATE(), which carries the time of day: it is cast to DATE.
- there are no boolean values: flags are CASE ... THEN 1 ELSE 0, and true/false compared with a
  column is 1 or 0.
- the default collations ignore case and trailing spaces: string literals compared with a column,
  text ordered by code point (MIN/MAX, first/last tie-breaks) and text counted distinct carry the
  Latin1_General_BIN2 collation.
- LIKE reads `[...]` as a set of characters: a `[` in a pattern is bracketed.
- every output of a derived table needs a name: sqlglot's generator names them, and so does render.py.
- a name is at most 128 characters; a longer one is an error.
"""

from __future__ import annotations

from sqlglot import exp

from .base import Dialect


class TSQL(Dialect):
    name = "tsql"
    has_boolean_values = False
    brackets_are_sets_in_like = True
    names_derived_table_outputs = True
    max_name_length = 128

    def current_date(self) -> exp.Expr:
        return exp.cast(exp.CurrentTimestamp(), exp.DataType.Type.DATE)

    def string_literal(self, value: str) -> exp.Expr:
        return self.code_point_order(exp.Literal.string(value))

    def code_point_order(self, value: exp.Expr) -> exp.Expr:
        return exp.Collate(this=value, expression=exp.var("Latin1_General_BIN2"))

    def distinct_values(self, value: exp.Expr, is_text: bool) -> list[exp.Expr]:
        return [self.code_point_order(value) if is_text else value]
