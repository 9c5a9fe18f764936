"""Amazon Redshift.

- DATEADD gives a TIMESTAMP: moved days are cast back to DATE, so they compare as days.
- LIKE escapes with a backslash: a backslash in a pattern is doubled.
- the median is PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x), an aggregate.
- a name is at most 127 bytes: a longer one is cut to 127 bytes (PostgreSQL cuts at 63).
- bare names fold to lower case (and quoted ones too, unless enable_case_sensitive_identifier is on): a
  name quoted only because it is reserved is written in lower case.

These five it shares with PostgreSQL, which it began as; PostgreSQL's others (COLLATE "C",
MATERIALIZED CTEs, the history table's index and lock) are not Redshift's, so it is no subclass of it.
And Redshift's own:
- RANK() is an INTEGER, and so is a whole-number literal: the ranking arithmetic's literals are BIGINT.
- AVG of an integer is a BIGINT (AVG(1, 2) = 1), of a DECIMAL(p, s) a DECIMAL(38, s): the mean is taken of a
  DECIMAL(38, 10).
- trailing spaces are insignificant when VARCHARs are compared or counted distinct ("pet" = "pet "): a
  documented exception (README), which `check --db` warns about (run/dbcheck.py).
- CREATE TABLE AS takes no IF NOT EXISTS (docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_AS.html):
  a history table, created only where the catalog showed none (in the same transaction), is CREATE TABLE
  AS its first rows' query with no rows, its WITH at the top; the key keeps the entity's exact type, and
  segment and label are VARCHAR(MAX), which a later, longer name still fits (a query's string literal
  would type its column VARCHAR of that literal's length).
- hex digits become a number by STRTOL(digits, 16), a BIGINT (no BIT casts as on PostgreSQL).
- JSON (rule 17): JSON text in VARCHAR columns (a SUPER column: JSON_SERIALIZE it in a view), read by
  JSON_EXTRACT_PATH_TEXT(doc, key, ..., TRUE) (invalid JSON gives NULL); it gives '' for an absent path (older
  releases; NULL now), so an empty string is missing too. It takes at most 5 keys ("nested up to five levels
  deep", docs.aws.amazon.com/redshift/latest/dg/JSON_EXTRACT_PATH_TEXT.html): a longer path is an error when
  compiling (a nested call could not tell an object from a string holding JSON text).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .base import Dialect, guarded_day


class Redshift(Dialect):
    name = "redshift"
    date_plus_interval_is_timestamp = True
    backslash_escapes_in_like = True
    has_percentile_cont_aggregate = True
    max_name_length = 127
    name_limit_in_bytes = True
    cuts_long_names = True
    bare_names_fold_to_lower = True
    ranks_are_32_bit = True
    average_keeps_argument_type = True
    max_json_keys = 5

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        # JSON text in VARCHAR; an absent path gives '' (so does an empty string: both are missing here)
        value = exp.Anonymous(this="JSON_EXTRACT_PATH_TEXT",
                              expressions=[document, *(exp.Literal.string(key) for key in keys), exp.true()])
        return exp.Nullif(this=value, expression=exp.Literal.string(""))

    def day_from_text(self, text: exp.Expr) -> exp.Expr:
        return guarded_day(self, text)

    def history_create(self, table: exp.Table, rows: exp.Select, text: Sequence[str]) -> exp.Create:
        varchar = exp.DataType.build("VARCHAR(MAX)", dialect=self.name)
        shaped = rows.copy()
        shaped.set("expressions", [exp.alias_(exp.cast(e.unalias(), varchar), e.alias_or_name)
                                   if e.alias_or_name in text else e for e in shaped.selects])
        return exp.Create(this=table.copy(), kind="TABLE", expression=shaped.limit(0, copy=False))

    def hex_number(self, digits: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this="STRTOL", expressions=[digits, exp.Literal.number(16)])
