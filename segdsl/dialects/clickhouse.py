"""ClickHouse.

- a LEFT JOIN fills unmatched non-Nullable columns with 0 or '' unless join_use_nulls = 1: every
  query sets it (in INSERT ... SELECT, the SELECT).
- LIKE escapes with a backslash: a backslash in a pattern is doubled.
- a DateTime is an instant shown in a zone (its type's, else the session's), and DateTimes compare as
  instants. segdsl's plain timestamps (a literal, a `local` column, a wall-clock time it computes) are
  instants whose text in UTC is the wall-clock time: as the literals are, where the session's zone is
  UTC (as docs/language.md's time zones say). Zones are converted (rule 9) without the session's zone:
  a UTC instant is the DateTime's own instant, moved to a zone's wall-clock time by the zone's offset at
  that instant (timeZoneOffset of toTimeZone); a wall-clock time is the DateTime's text (toString, in its
  own zone), read in UTC and less the zone's offset at the instant toDateTime64 reads the text as in the
  zone. Where toDateTime64 reads a text the spring change skips, it takes the offset after the change
  (02:30 in New York is 06:30 UTC), an instant before the change: the offset there is the one before it,
  as Python's zoneinfo reads such a time (fold=0, rule 9); a repeated time is its first occurrence in
  both. Results are DateTime64s in UTC, so their day (toDate) is the UTC text's day in every session.
- Date holds only 1970-01-01 to 2149-06-06 (an earlier birth date would wrap): segdsl's days are Date32
  (1900-01-01 to 2299-12-31).
- now('UTC'): the current instant, shown in UTC (now() is shown in the session's zone, where an offset
  added to it would give the wrong day).
- a Decimal times the literal 0.5 is a Float64: a median's two middle values are halved by a Decimal 0.5.
- a split's bucket reads MD5's first 4 bytes as a number (big-endian: reversed, reinterpreted), not hex text.
- JSON (rule 17): JSON in String columns; a value's text by its JSONType: JSONExtractString of a string,
  JSONExtractRaw of a number or true/false, NULL for null or an absent path.
- Int64 and Float64 (or Float64 and a Decimal) have no common type: their UNION is a Variant, which no window
  partitions by, and in which 5 and 5.0 differ. A journey matches values by their text (toString: 5, 5.0 and
  5.0000 are all '5'), a missing one kept missing (a Variant's NULL is '' as text). -0.0 is '-0', not '0'.
- correlated subqueries came in 25.4 (experimental): a journey's last step with `matching` is one more pass.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from ..lang import zones
from ..lang.model import SPLIT_BUCKETS
from .base import Dialect, Statement


class ClickHouse(Dialect):
    name = "clickhouse"
    backslash_escapes_in_like = True
    date_type = exp.DataType.Type.DATE32
    runs_correlated_exists = False

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        # JSONExtractString gives '' for a number or an absent key: the value's JSONType decides
        args = [exp.Literal.string(key) for key in keys]
        kind = exp.Anonymous(this="JSONType", expressions=[document, *args])
        string = exp.Anonymous(this="JSONExtractString", expressions=[document.copy(), *(a.copy() for a in args)])
        raw = exp.Anonymous(this="JSONExtractRaw", expressions=[document.copy(), *(a.copy() for a in args)])
        return exp.Case(this=kind, ifs=[exp.If(this=exp.Literal.string("String"), true=string),
                                        exp.If(this=exp.Literal.string("Null"), true=exp.Null())], default=raw)

    def matches(self, text: exp.Expr, pattern: str) -> exp.Expr:
        return exp.Anonymous(this="match", expressions=[text, exp.Literal.string(pattern)])

    def day_from_text(self, text: exp.Expr) -> exp.Expr:
        # toDate32OrNull rolls 2024-02-30 over to 2024-03-01: the day must read back as the text
        day = exp.Anonymous(this="toDate32OrNull", expressions=[text])
        return self.day_if_read_back(day, exp.Anonymous(this="toString", expressions=[day.copy()]), text.copy())

    def decimal_half(self) -> exp.Expr:
        """The literal 0.5 is a Float64, and a Decimal times it a Float64: a Decimal(38, 1) keeps the product exact
        (a narrower one would hold a large whole number's product in 32 bits)."""
        return exp.cast(exp.Literal.string("0.5"), exp.DataType.build("DECIMAL(38, 1)"))

    def matched_value(self, value: exp.Expr) -> exp.Expr:
        return exp.Case(ifs=[exp.If(this=exp.Is(this=value, expression=exp.Null()), true=exp.Null())],
                        default=_call("toString", value.copy()))

    def now_utc(self) -> exp.Expr:
        return exp.Anonymous(this="now", expressions=[exp.Literal.string(zones.UTC)])

    def convert_zone(self, time_value: exp.Expr, source: str, target: str) -> exp.Expr | None:
        if zones.is_utc(source):
            instant = time_value if time_value == self.now_utc() else _call("toTimeZone", time_value,
                                                                              exp.Literal.string(zones.UTC))
        else:
            text = _call("toString", time_value)
            as_utc = _call("toDateTime64", text, exp.Literal.number(6), exp.Literal.string(zones.UTC))
            in_source = _call("toDateTime64", text.copy(), exp.Literal.number(6), exp.Literal.string(source))
            instant = _call("subtractSeconds", as_utc, _call("timeZoneOffset", in_source))
        if zones.is_utc(target):
            return instant
        shown = time_value.copy() if zones.is_utc(source) else instant.copy()  # the same instant
        offset = _call("timeZoneOffset", _call("toTimeZone", shown, exp.Literal.string(target)))
        return _call("addSeconds", instant, offset)

    def statement(self, query: Statement) -> Statement:
        query = super().statement(query)
        # INSERT/CREATE ... SELECT: the setting belongs to the SELECT (sqlglot prints no list on the statement)
        inner = query.expression if isinstance(query, (exp.Insert, exp.Create)) else query
        if isinstance(inner, exp.Query):
            inner.set("settings", [exp.EQ(this=exp.column("join_use_nulls"), expression=exp.Literal.number(1))])
        return query


    def split_bucket(self, key: exp.Expr, salt: str) -> exp.Expr:
        digest = exp.MD5Digest(this=self.salted_key(key, salt))
        first = exp.Substring(this=digest, start=exp.Literal.number(1), length=exp.Literal.number(4))
        number = _call("reinterpretAsUInt32", _call("reverse", first))  # the bytes are big-endian
        return exp.Mod(this=exp.cast(number, exp.DataType.Type.BIGINT), expression=exp.Literal.number(SPLIT_BUCKETS))

def _call(name: str, *arguments: exp.Expr) -> exp.Expr:
    """A ClickHouse function by its own (case-sensitive) name."""
    return exp.Anonymous(this=name, expressions=list(arguments))
