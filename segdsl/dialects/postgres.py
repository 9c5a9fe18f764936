"""PostgreSQL.

- date + interval is a TIMESTAMP: moved days are cast back to DATE, so they compare as days.
- DATE - DATE is the whole days between (sqlglot's DATEDIFF form goes through the epoch), and / of
  integers divides whole (DIV is numeric's): periods of regularity count days that way. A date's year,
  month and day are DATE_PART's as integers: EXTRACT gives numerics, several times slower to compute with.
- LIKE escapes with a backslash unless told otherwise: a backslash in a pattern is doubled.
- text orders by code point under COLLATE "C": deterministic collations compare exactly (so equality
  and COUNT(DISTINCT) need nothing), but en_US orders 'a' before 'B'. A string literal compared with
  <, <=, > or >= carries the collation too.
- the median is PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x), an ordered-set aggregate (a double). The exact
  median of rule 14 is PERCENTILE_DISC(0.5) in each order, halved: one aggregate of the features scan, in the
  values' own type, 1.7x faster than numbering each customer's values with window functions (10M orders).
- WITH name AS MATERIALIZED evaluates a CTE read several times once.
- history tables: a new one gets an index on its day, so deleting a day and reading two stay fast as
  history grows; a run locks the table, since a DELETE that finds no rows locks nothing and two runs
  for one new day would both delete, then both insert (readers are not blocked). Runs that find no
  table take turns to create one (a transaction-scoped advisory lock, then a second look): two
  CREATE TABLE IF NOT EXISTS at once both miss the other's uncommitted table, and the second fails
  on a duplicate key of pg_type when the first commits.
- unpivoting (a row per member): each row joined with a VALUES list of its own columns (LATERAL), one
  pass; a SELECT per column over a materialized CTE slows with the square of the columns (1,000 flags
  over 5,000 rows: 224 s against 2.6 s).
- a name is at most 63 bytes (NAMEDATALEN - 1): a longer one is cut to 63 bytes, with only a NOTICE.
- bare names fold to lower case and a quoted name keeps its case: a name quoted only because it is
  reserved is written in lower case (`User` -> "user", the column a bare name would mean; a bare USER is
  the current user, see quoting.py).
- hex digits become a number through a BIT(32) written 'x' and the digits (there is no CONV).
- JSON (rule 17): a value's text is `CAST(doc AS JSONB) #>> ARRAY[keys]` (a jsonb, json or text column); a
  number is a JSON number's text cast (jsonb_typeof), else a string's that matches JSON's number syntax: the
  regular expression only for strings (over 10M rows of numbers it cost 1.6x an analyst's cast,
  bench/results_json.md). A cast of text that is no calendar day (2024-02-30) is an error, not NULL: the day
  is checked against its month's length first (guarded_day).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .base import Dialect, guarded_day

HISTORY_CREATE_LOCK = int.from_bytes(b"segdsl_h", "big")  # the advisory lock's key: any number no one else uses


class Postgres(Dialect):
    name = "postgres"
    date_plus_interval_is_timestamp = True
    backslash_escapes_in_like = True
    has_percentile_cont_aggregate = True
    median_is_aggregate = True
    has_materialized_ctes = True
    max_name_length = 63
    name_limit_in_bytes = True
    cuts_long_names = True
    bare_names_fold_to_lower = True

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        keys_array = exp.Array(expressions=[exp.Literal.string(key) for key in keys])
        return exp.JSONBExtractScalar(this=exp.cast(document, exp.DataType.build("JSONB")), expression=keys_array)

    def number_from_text(self, text: exp.Expr) -> exp.Expr:
        # a JSON number's text needs no regular expression (jsonb_typeof): only a string's is matched
        if not isinstance(text, exp.JSONBExtractScalar):
            return super().number_from_text(text)
        value = exp.JSONBExtract(this=text.this.copy(), expression=text.expression.copy())
        number = exp.EQ(this=exp.Anonymous(this="JSONB_TYPEOF", expressions=[value]),
                        expression=exp.Literal.string("number"))
        return exp.Case(ifs=[exp.If(this=number, true=exp.cast(text.copy(), exp.DataType.Type.DOUBLE)),
                             *super().number_from_text(text).args["ifs"]])

    def day_from_text(self, text: exp.Expr) -> exp.Expr:
        return guarded_day(self, text)

    def day_difference(self, earlier: exp.Expr, later: exp.Expr) -> exp.Expr:
        """DATE - DATE is the whole days between: its DATEDIFF form goes through the epoch in seconds."""
        return exp.Sub(this=later, expression=earlier)

    def whole_division(self, value: exp.Expr, by: int) -> exp.Expr:
        """/ of integers is integer division (DIV is numeric's)."""
        dividend = exp.Paren(this=value) if isinstance(value, exp.Binary) else value
        return exp.Div(this=dividend, expression=exp.Literal.number(by), typed=True)

    def year_of(self, day_value: exp.Expr) -> exp.Expr:
        return _date_part("year", day_value)

    def month_of(self, day_value: exp.Expr) -> exp.Expr:
        return _date_part("month", day_value)

    def day_of_month(self, day_value: exp.Expr) -> exp.Expr:
        return _date_part("day", day_value)

    def code_point_order(self, value: exp.Expr) -> exp.Expr:
        return exp.Collate(this=value, expression=exp.to_identifier("C", quoted=True))

    def ordering_text(self, literal: exp.Expr) -> exp.Expr:
        return self.code_point_order(literal)

    def unpivot(self, wide: str, key: str, flags: Sequence[str], labels: Sequence[str],
                into: tuple[str, str]) -> exp.Select | exp.Union:
        text = exp.DataType.Type.TEXT
        rows: list[tuple[str, exp.Expr, exp.Expr]] = [
            (name, exp.column(name, table=wide), exp.cast(exp.Null(), text)) for name in flags]
        rows += [(name, exp.true(), exp.cast(exp.column(name, table=wide), text)) for name in labels]
        member = "segdsl_member"
        values = exp.Values(expressions=[exp.Tuple(expressions=[exp.Literal.string(name), flag, label])
                                         for name, flag, label in rows])
        columns = [exp.to_identifier(c) for c in (into[0], member, into[1])]
        lateral = exp.Lateral(this=exp.Subquery(this=values),
                              alias=exp.TableAlias(this=exp.to_identifier("u"), columns=columns))
        return (exp.select(exp.column(key, table=wide), exp.column(into[0], table="u"), exp.column(into[1], table="u"))
                .from_(wide).join(lateral, join_type="cross", copy=False)
                .where(exp.column(member, table="u"), copy=False))

    def history_index(self, table: exp.Table, column: str) -> exp.Create:
        name = exp.to_identifier(f"{table.name}_{column}"[:63])  # PostgreSQL's longest name
        index = exp.Index(this=name, table=table.copy(),
                          params=exp.IndexParameters(columns=[exp.Ordered(this=exp.column(column), nulls_first=False)]))
        return exp.Create(this=index, kind="INDEX", exists=True)

    def history_lock(self, table: exp.Table) -> exp.Expr:
        return exp.Command(this="LOCK", expression=f"TABLE {self.statement(table.copy()).sql(self.name)} "
                                                   "IN SHARE ROW EXCLUSIVE MODE")

    def history_create_lock(self) -> exp.Expr:
        return exp.select(exp.Anonymous(this="pg_advisory_xact_lock",
                                        expressions=[exp.Literal.number(HISTORY_CREATE_LOCK)]))


    def hex_number(self, digits: exp.Expr) -> exp.Expr:
        bits = exp.cast(exp.DPipe(this=exp.Literal.string("x"), expression=digits), exp.DataType.build("BIT(32)"))
        return exp.cast(bits, exp.DataType.Type.BIGINT)

def _date_part(part: str, day_value: exp.Expr) -> exp.Expr:
    return exp.cast(exp.Anonymous(this="DATE_PART", expressions=[exp.Literal.string(part), day_value]),
                    exp.DataType.Type.INT)
