"""MySQL (and MariaDB).

MySQL's default collations ignore case and trailing spaces, so text is compared and ordered by its
bytes, which for UTF-8 order like code points and never pad with spaces:
- a string literal compared with a column is BINARY, so the comparison is exact;
- MIN/MAX of text take the bytes' extreme, read back as utf8mb4 text;
- COUNT(DISTINCT x, CAST(x AS BINARY)) counts exactly for any type (numbers stay numbers);
- a LIKE pattern gets a binary collation instead: a BINARY pattern matches bytes, so `_` would not
  match 'é'. LIKE escapes with a backslash: a backslash in a pattern is doubled.

A name of a schema, table or column is at most 64 characters; a longer one is an error.
- JSON (rule 17): JSON_VALUE(doc, '$."key"') (MySQL 8.0.21, MariaDB 10.2.3), true and false by the JSON
  text of JSON_EXTRACT (MariaDB's JSON_VALUE gives true as '1'); a regular expression is REGEXP_INSTR
  (MariaDB has no REGEXP_LIKE). CAST('2024-02-30' AS DATE) is NULL when selected, yet compares as a day
  (`< DATE '2024-03-31'` is true, MariaDB 10.11): a day from text is kept only where it prints back as
  the text, so no calendar day is NULL everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from .base import Dialect


class MySQL(Dialect):
    name = "mysql"
    backslash_escapes_in_like = True
    max_name_length = 64
    # a choice: whether the server's zone tables are loaded is not known when compiling
    zone_conversion_missing = ("MySQL and MariaDB know named zones only where their zone tables are loaded "
                               "(mysql_tzinfo_to_sql), which segdsl cannot tell when compiling")

    @property
    def hoists_ctes(self) -> bool:
        return False  # MariaDB: at most 64 CTEs in one WITH clause (error 4003); a journey may make 20

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        # JSON_UNQUOTE(JSON_EXTRACT(...)) gives a JSON null as the text 'null': JSON_VALUE gives NULL, but
        # MariaDB's gives true as '1': true and false are told apart by JSON_EXTRACT's JSON text
        path = exp.Literal.string(self.json_path(keys))
        value = exp.Anonymous(this="JSON_VALUE", expressions=[document, path])
        json = exp.cast(exp.Anonymous(this="JSON_EXTRACT", expressions=[document.copy(), path.copy()]),
                        exp.DataType.Type.TEXT)
        return exp.Case(this=json, ifs=[exp.If(this=exp.Literal.string(word), true=exp.Literal.string(word))
                                        for word in ("true", "false")], default=value)

    def matches(self, text: exp.Expr, pattern: str) -> exp.Expr:
        # MariaDB has no REGEXP_LIKE (sqlglot's form); both have REGEXP_INSTR
        found = exp.Anonymous(this="REGEXP_INSTR", expressions=[text, exp.Literal.string(pattern)])
        return exp.GT(this=found, expression=exp.Literal.number(0))

    def day_from_text(self, text: exp.Expr) -> exp.Expr:
        day = exp.cast(text.copy(), exp.DataType.Type.DATE)
        printed = exp.Anonymous(this="DATE_FORMAT", expressions=[day.copy(), exp.Literal.string("%Y-%m-%d")])
        return self.day_if_read_back(day, printed, text)

    def now_utc(self) -> exp.Expr:
        return exp.Anonymous(this="UTC_TIMESTAMP")

    def string_literal(self, value: str) -> exp.Expr:
        return self.code_point_order(exp.Literal.string(value))

    def code_point_order(self, value: exp.Expr) -> exp.Expr:
        return exp.cast(value, exp.DataType.build("BINARY", dialect="mysql"))

    def distinct_values(self, value: exp.Expr, is_text: bool) -> list[exp.Expr]:
        return [value, self.code_point_order(value.copy())]

    def key_parts(self, key: exp.Expr) -> list[exp.Expr]:
        return [key, self.code_point_order(key.copy())]

    def text_extreme(self, func: type[exp.Min | exp.Max], value: exp.Expr) -> exp.Expr:
        charset = exp.DataType(this=exp.DataType.Type.CHARACTER_SET, kind=exp.var("utf8mb4"))
        return exp.Cast(this=super().text_extreme(func, value), to=charset)

    def like(self, subject: exp.Expr, pattern: str) -> exp.Expr:
        text = exp.Introducer(this=exp.var("_utf8mb4"), expression=exp.Literal.string(self.like_pattern(pattern)))
        return exp.Like(this=subject, expression=exp.Collate(this=text, expression=exp.var("utf8mb4_bin")))
