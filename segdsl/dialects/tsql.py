"""SQL Server (T-SQL).

- CURRENT_DATE becomes GETDATE(), which carries the time of day: it is cast to DATE.
- there are no boolean values: flags are CASE ... THEN 1 ELSE 0, and true/false compared with a
  column is 1 or 0.
- a string literal without N is in the database's code page, which loses what it cannot hold ('東京'
  becomes '??'): every string literal of a statement is Unicode, N'...'.
- the default collations ignore case: string literals compared with a column, text ordered by code point
  (MIN/MAX, first/last tie-breaks) and text counted distinct carry the Latin1_General_BIN2 collation. Every
  collation ignores trailing spaces in =, <>, <, IN and COUNT(DISTINCT) ("pet" = "pet "): a documented
  exception (README), which `check --db` warns about (run/dbcheck.py).
- LIKE reads `[...]` as a set of characters: a `[` in a pattern is bracketed.
- every output of a derived table needs a name: sqlglot's generator names them, and so does render.py.
- COUNT(...) OVER () is an int, and so is a whole-number literal: the ranking arithmetic's literals are
  BIGINT (33333333 * n overflows from n = 65).
- AVG of an int is an int (AVG(1, 2) = 1), of a decimal(p, s) a decimal(38, max(s, 6)): the mean is taken
  of a DECIMAL(38, 10).
- a name is at most 128 characters; a longer one is an error. Reserved words (the reserved, ODBC and future
  keywords) are bracketed: quoting.py.
- AT TIME ZONE takes Windows zone names: an IANA name becomes the Windows zone CLDR maps it to (tzlocal's
  table), and SQL Server converts with Windows' zone data. It reads a wall-clock time that a change of
  clocks skips with the offset after the change, where rule 9 reads it with the one before: a zone that
  ever skips a midnight (the start of a day segdsl would have the engine convert) is refused.
- a split's bucket reads HASHBYTES('MD5', ...)'s first 4 bytes as a BIGINT (binary to integer is big-endian), of
  the salted key as VARCHAR (a literal here is NVARCHAR, whose bytes are UTF-16).
- JSON (rule 17): JSON_VALUE(doc, N'$."key"') of NVARCHAR JSON (a key needing quotes is in double quotes,
  learn.microsoft.com/sql/relational-databases/json/json-path-expressions-sql-server), in the
  Latin1_General_BIN2 collation, so that 'TRUE' is not true and '2024-06-20t10' no day, as elsewhere; no
  regular expressions: a number's and a day's shapes are LIKE patterns, checked further by TRY_CAST.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from ..lang import zones
from ..lang.model import SPLIT_BUCKETS
from .base import Dialect, Statement


class TSQL(Dialect):
    name = "tsql"
    has_boolean_values = False
    brackets_are_sets_in_like = True
    names_derived_table_outputs = True
    ranks_are_32_bit = True
    average_keeps_argument_type = True
    max_name_length = 128
    zone_conversion_missing = ("SQL Server's AT TIME ZONE takes Windows zone names: this zone has none, or it "
                               "moves its clocks at midnight, which SQL Server reads with the offset after the change")

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        return self.code_point_order(super().json_text(document, keys))

    def is_number_text(self, text: exp.Expr) -> exp.Expr:
        # no regular expressions: LIKE checks JSON's number shape, TRY_CAST the rest
        def like(pattern: str) -> exp.Expr:
            return exp.Like(this=text.copy(), expression=exp.Literal.string(pattern))
        return exp.and_(exp.not_(like("%[^0-9eE.+-]%")), like("[0-9-]%"), like("%[0-9]"),
                        exp.not_(like("0[0-9]%")), exp.not_(like("-0[0-9]%")), exp.not_(like("%.[^0-9]%")),
                        exp.not_(like("%[^0-9].%")), exp.not_(like("%[0-9]+%")),
                        exp.not_(exp.Is(this=exp.TryCast(this=text.copy(), to=exp.DataType.build("FLOAT")),
                                        expression=exp.Null())))

    def is_day_text(self, text: exp.Expr) -> exp.Expr:
        shape = exp.Like(this=text, expression=exp.Literal.string("[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]%"))
        after = exp.Substring(this=text.copy(), start=exp.Literal.number(11), length=exp.Literal.number(1))
        return exp.and_(shape, exp.In(this=after, expressions=[exp.Literal.string(""), exp.Literal.string("T"),
                                                               exp.Literal.string(" ")]))

    def statement(self, query: Statement) -> Statement:
        query = super().statement(query)
        for literal in [node for node in query.find_all(exp.Literal) if node.is_string]:
            literal.replace(self.text_literal(literal.this))
        return query

    def zone_name(self, zone: str) -> str | None:
        """The Windows zone CLDR maps the IANA name to (sys.time_zone_info's names)."""
        from tzlocal.windows_tz import tz_win  # only a zoned program for SQL Server needs the table

        return tz_win.get(zone)

    def convert_zone(self, time_value: exp.Expr, source: str, target: str) -> exp.Expr | None:
        """The value read in the source zone (a DATETIMEOFFSET), shown in the target one, as a DATETIME2."""
        names = [self.zone_name(zone) for zone in (source, target)]
        if None in names or (not zones.is_utc(source) and zones.skips_a_midnight(source)):
            return None
        instant = exp.AtTimeZone(this=time_value, zone=exp.Literal.string(names[0]))
        return exp.cast(exp.AtTimeZone(this=instant, zone=exp.Literal.string(names[1])), self.timestamp_type)

    def current_date(self) -> exp.Expr:
        return exp.cast(exp.CurrentTimestamp(), exp.DataType.Type.DATE)

    def now_utc(self) -> exp.Expr:
        return exp.Anonymous(this="SYSUTCDATETIME")

    def text_literal(self, value: str) -> exp.Expr:
        return exp.National(this=value)

    def string_literal(self, value: str) -> exp.Expr:
        return self.code_point_order(self.text_literal(value))

    def code_point_order(self, value: exp.Expr) -> exp.Expr:
        return exp.Collate(this=value, expression=exp.var("Latin1_General_BIN2"))

    def key_parts(self, key: exp.Expr) -> list[exp.Expr]:
        as_text = exp.cast(key.copy(), exp.DataType.build("NVARCHAR(4000)", dialect="tsql"))  # COLLATE takes text
        return [key, self.code_point_order(as_text)]

    def distinct_values(self, value: exp.Expr, is_text: bool) -> list[exp.Expr]:
        return [self.code_point_order(value) if is_text else value]

    def salted_key(self, key: exp.Expr, salt: str) -> exp.Expr:
        """VARCHAR, whose bytes are the text's (ASCII, or UTF-8 under a UTF-8 collation): HASHBYTES of the
        NVARCHAR a string literal makes here would hash UTF-16."""
        return exp.cast(super().salted_key(key, salt), exp.DataType.build("VARCHAR(MAX)", dialect="tsql"))

    def split_bucket(self, key: exp.Expr, salt: str) -> exp.Expr:
        digest = exp.Anonymous(this="HASHBYTES", expressions=[exp.Literal.string("MD5"), self.salted_key(key, salt)])
        first = exp.Substring(this=digest, start=exp.Literal.number(1), length=exp.Literal.number(4))
        return exp.Mod(this=exp.cast(first, exp.DataType.Type.BIGINT), expression=exp.Literal.number(SPLIT_BUCKETS))
