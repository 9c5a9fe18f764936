"""DuckDB.

- date + interval is a TIMESTAMP: moved days are cast back to DATE, so they compare as days.
- the k-th best value of a top/bottom P% is one aggregate: DuckDB's discrete quantile selects the value
  rather than sorting, and takes a decimal fraction's position in exact arithmetic (a float fraction
  would make 10% of 30 values position 4).
- the median is DuckDB's own QUANTILE_CONT(x, 0.5) (sqlglot prints the standard form as
  QUANTILE_CONT(x, 0.5 ORDER BY x)).
- WITH name AS MATERIALIZED evaluates a CTE read several times once.
- unpivoting (a row per member) is UNPIVOT, one pass over the columns it names; a SELECT per column
  reads a materialized CTE whole each time (1,000 flags over 5,000 rows: 23 s against 1 s).
- hex digits become a number by a cast of '0x' and the digits (there is no CONV).
- a JSON value's text is JSON_EXTRACT_STRING (JSON_VALUE gives JSON: a string keeps its quotes); a regular
  expression matches in full with REGEXP_FULL_MATCH.
- a text read as a number is extracted once: the test of its syntax and the cast read it as the variable
  of a one-element list comprehension (`[CASE ... FOR t IN [text]][1]`); a CASE naming the text twice
  extracted the JSON value twice per row (premium_viewers in bench/json_bench.py: 0.27 s against 0.22 s).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .base import Dialect


class DuckDB(Dialect):
    name = "duckdb"
    date_plus_interval_is_timestamp = True
    finds_kth_best_without_sort = True
    has_materialized_ctes = True

    def unpivot(self, wide: str, key: str, flags: Sequence[str], labels: Sequence[str],
                into: tuple[str, str]) -> exp.Select | exp.Union:
        value = "segdsl_value"
        parts = []
        for names, is_flag in ((flags, True), (labels, False)):
            if not names:
                continue
            columns = [exp.column(name) if is_flag else exp.alias_(exp.cast(exp.column(name), exp.DataType.Type.TEXT),
                                                                    name)
                       for name in names]
            named = [exp.PivotAlias(this=exp.column(name), alias=exp.Literal.string(name)) for name in names]
            unpivot = exp.Pivot(unpivot=True, expressions=[exp.to_identifier(value)],
                                fields=[exp.In(this=exp.to_identifier(into[0]), expressions=named)],
                                alias=exp.TableAlias(this=exp.to_identifier("u")))
            source = exp.Subquery(this=exp.select(exp.column(key), *columns).from_(wide), pivots=[unpivot])
            label = exp.cast(exp.Null(), exp.DataType.Type.TEXT) if is_flag else exp.column(value, table="u")
            part = exp.select(exp.column(key, table="u"), exp.column(into[0], table="u"),
                              exp.alias_(label, into[1])).from_(source, copy=False)
            parts.append(part.where(exp.column(value, table="u"), copy=False) if is_flag else part)
        return self.union_all(parts)

    has_median_aggregate = True

    def median(self, value: exp.Expr) -> exp.Expr:
        return exp.PercentileCont(this=value, expression=exp.Literal.number("0.5"))

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        return exp.Anonymous(this="JSON_EXTRACT_STRING",
                             expressions=[document, exp.Literal.string(self.json_path(keys))])

    def number_from_text(self, text: exp.Expr) -> exp.Expr:
        variable = exp.to_identifier("segdsl_text")
        number = super().number_from_text(exp.column(variable.copy()))
        once = exp.Comprehension(this=number, expression=variable, iterator=exp.Array(expressions=[text]))
        return exp.Bracket(this=exp.Array(expressions=[once]), expressions=[exp.Literal.number(1)], offset=1)

    def matches(self, text: exp.Expr, pattern: str) -> exp.Expr:
        return exp.Anonymous(this="REGEXP_FULL_MATCH", expressions=[text, exp.Literal.string(pattern)])

    def hex_number(self, digits: exp.Expr) -> exp.Expr:
        return exp.cast(exp.DPipe(this=exp.Literal.string("0x"), expression=digits), exp.DataType.Type.BIGINT)
