"""Snowflake.

- bare names fold to upper case and a quoted name keeps its case: a name quoted only because it is
  reserved is written in upper case (`order` -> "ORDER", the column a bare ORDER would name); Snowflake's
  reserved words are in quoting.py.
- the median is PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x), an aggregate.
- a name is at most 255 characters; a longer one is an error.
- hex digits become a number by TO_NUMBER(digits, 'XXXXXXXX') (there is no CONV).
- JSON (rule 17): VARIANT (or OBJECT) columns, read by GET_PATH(doc, '"key"."key"')::VARCHAR.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .base import Dialect


class Snowflake(Dialect):
    name = "snowflake"
    bare_names_fold_to_upper = True
    has_percentile_cont_aggregate = True
    max_name_length = 255

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        path = ".".join(f'"{key}"' for key in keys)
        value = exp.Anonymous(this="GET_PATH", expressions=[document, exp.Literal.string(path)])
        return exp.cast(value, exp.DataType.Type.VARCHAR)  # a string unquoted; a JSON null is NULL

    def hex_number(self, digits: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this="TO_NUMBER", expressions=[digits, exp.Literal.string("XXXXXXXX")])
