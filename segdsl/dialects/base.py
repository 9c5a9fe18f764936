"""The standard forms of the SQL nodes whose form depends on the engine, and the capabilities that choose them.

sqlglot renders most of segdsl's trees correctly for every target; a Dialect builds the few nodes that
need an engine's own form. Its methods hold the standard form (the SQL standard's, or the one most
targets share), its class attributes say what an engine has or does; each dialect's module overrides
only what differs there and says why (see tests/dialects/test_dialect_table.py for every form, and
tests/dialects/test_dialects.py for the behaviour that needs one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from typing import TypeVar

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect

from ..errors import error
from ..lang.model import SPLIT_BUCKETS
from .quoting import quote_names, reserved_words

Statement = TypeVar("Statement", bound=exp.Expr)


class Dialect:
    """A target engine: the sqlglot dialect that prints for it, and the nodes segdsl builds for it."""

    name: str  # sqlglot's name of the dialect

    # ---- capabilities: the standard answer, or the one most targets share
    has_boolean_values: bool = True  # TRUE and FALSE are values a query can return
    backslash_escapes_in_like: bool = False  # LIKE reads `\` as its escape character unless told otherwise
    brackets_are_sets_in_like: bool = False  # LIKE reads `[...]` as a set of characters
    date_plus_interval_is_timestamp: bool = False  # DATE + INTERVAL gives a TIMESTAMP, not a DATE
    # DATE_ADD of a timestamp gives a timestamp (not a DATE, an error, or a form only recent versions read): where
    # not, a timestamp moves by adding INTERVAL n DAY
    date_add_keeps_time_of_day: bool = True
    adds_months_by_expression: bool = True  # a month step may be an expression, not only a number known now
    timestamp_type: exp.DType = exp.DataType.Type.TIMESTAMP  # what event times usually are (sqlglot's name)
    date_type: exp.DType = exp.DataType.Type.DATE  # the days segdsl computes and casts to
    # PERCENTILE_CONT(f) WITHIN GROUP (ORDER BY x), as sqlglot prints it, is an exact aggregate (elsewhere it is
    # a window function only, missing, or printed as an approximate percentile)
    has_percentile_cont_aggregate: bool = False
    # PERCENTILE_DISC selects the k-th value without sorting every row, and places a decimal fraction exactly
    finds_kth_best_without_sort: bool = False
    # the exact median (rule 14) is one aggregate of a features scan (median_aggregate); elsewhere a CTE numbers each
    # customer's known values in order and takes the one or two middle ones
    median_is_aggregate: bool = False
    has_materialized_ctes: bool = False  # WITH name AS MATERIALIZED (...) evaluates a CTE once
    bare_names_fold_to_upper: bool = False  # a bare name means its upper-case spelling, a quoted one keeps its case
    bare_names_fold_to_lower: bool = False  # a bare name means its lower-case spelling, a quoted one keeps its case
    names_derived_table_outputs: bool = False  # sqlglot's generator names every output of a derived table
    # the longest name (of a schema, a table, a column) the engine takes: UTF-8 bytes where name_limit_in_bytes,
    # else characters; None where it has no limit (DuckDB and SQLite have none). Where cuts_long_names, a longer
    # name is cut to that length without an error, so two long names can become one.
    max_name_length: int | None = None
    name_limit_in_bytes: bool = False
    cuts_long_names: bool = False
    max_union_terms: int | None = None  # the most SELECTs one UNION may join
    # RANK() or COUNT(...) OVER () is a 32-bit integer, and so is a whole-number literal: the ranking arithmetic
    # (rank and count times a literal) would overflow, so its literals are BIGINT (wide_integer)
    ranks_are_32_bit: bool = False
    # AVG keeps its argument's type: of whole numbers it is a whole number, of decimals it keeps their scale; the
    # mean is then taken of the argument as a DECIMAL(38, 10) (average)
    average_keeps_argument_type: bool = False
    # a correlated [NOT] EXISTS (equalities and a range) runs, as a hash semi- or anti-join: a journey whose last step
    # has `matching` ends with one (journey_sql.py), else with one more pass in time order
    runs_correlated_exists: bool = True

    # why the engine cannot hash a split's keys (rule 18); None where it has MD5
    md5_missing: str | None = None
    # the most keys a JSON path may have (rule 17); None where there is no limit
    max_json_keys: int | None = None

    def __repr__(self) -> str:
        return f"<dialect {self.name}>"

    @cached_property
    def reserved_words(self) -> frozenset[str]:
        """The bare names that mean a keyword here (quoting.py)."""
        return reserved_words(self.name)

    @cached_property
    def sqlglot(self) -> SqlglotDialect:
        """sqlglot's dialect of the same name (its generator, its NULL ordering)."""
        return SqlglotDialect.get_or_raise(self.name)

    def name_too_long(self, name: str) -> str | None:
        """How far a name is over the engine's limit ("64 bytes; at most 63"), or None when it fits."""
        if self.max_name_length is None:
            return None
        size = len(name.encode()) if self.name_limit_in_bytes else len(name)
        unit = "bytes" if self.name_limit_in_bytes else "characters"
        return f"{size} {unit}; at most {self.max_name_length}" if size > self.max_name_length else None

    # ---- days and times
    def date_literal(self, day: date) -> exp.Expr:
        return exp.cast(exp.Literal.string(day.isoformat()), self.date_type)

    def timestamp_literal(self, day: date) -> exp.Expr:
        """Midnight at the start of `day`."""
        return exp.cast(exp.Literal.string(f"{day.isoformat()} 00:00:00"), self.timestamp_type)

    def current_date(self) -> exp.Expr:
        return exp.CurrentDate()

    def add_days(self, value: exp.Expr, days: int | exp.Expr) -> exp.Expr:
        """A DATE expression moved by whole days (a number, or an expression giving one)."""
        if isinstance(days, int) and days == 0:
            return value
        amount = exp.Literal.number(days) if isinstance(days, int) else days
        return self._as_date(exp.DateAdd(this=value, expression=amount, unit=exp.var("DAY")))

    def add_months(self, value: exp.Expr, months: int | exp.Expr) -> exp.Expr:
        """A DATE expression moved by whole months, clamped to the month's end (a number only where
        adds_months_by_expression is False)."""
        if isinstance(months, int) and months == 0:
            return value
        amount = exp.Literal.number(months) if isinstance(months, int) else months
        return self._as_date(exp.DateAdd(this=value, expression=amount, unit=exp.var("MONTH")))

    def _as_date(self, value: exp.Expr) -> exp.Expr:
        """A moved day, kept a DATE where date + interval is a TIMESTAMP (so day values compare as days)."""
        return exp.cast(value, self.date_type) if self.date_plus_interval_is_timestamp else value

    def to_date(self, value: exp.Expr) -> exp.Expr:
        """The calendar day of a date or timestamp value."""
        return exp.cast(value, self.date_type)

    def day_start(self, day_value: exp.Expr) -> exp.Expr:
        """A DATE expression as the timestamp of its midnight."""
        return exp.cast(day_value, self.timestamp_type)

    def time_against_day(self, time: exp.Expr, day_value: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
        """An event time and the first instant of a day given as a DATE expression, as the two sides of
        `time >= start` or `time < start` (a day known when compiling is a timestamp_literal instead)."""
        return time, self.day_start(day_value)

    def time_against_now(self, time: exp.Expr, instant: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
        """A column of UTC instants and an instant computed from now_utc, as the two sides of a comparison."""
        return time, instant

    def timestamp_plus_days(self, value: exp.Expr, days: int) -> exp.Expr:
        """A timestamp moved by whole days, keeping its time of day."""
        if self.date_add_keeps_time_of_day:
            return exp.DateAdd(this=value, expression=exp.Literal.number(days), unit=exp.var("DAY"))
        return exp.Add(this=value, expression=exp.Interval(this=exp.Literal.number(days), unit=exp.var("DAY")))

    def days_between(self, earlier: exp.Expr, later: exp.Expr) -> exp.Expr:
        """Whole days from one DATE to another."""
        return exp.DateDiff(this=later, expression=earlier, unit=exp.var("DAY"))

    def day_difference(self, earlier: exp.Expr, later: exp.Expr) -> exp.Expr:
        """Whole days from one DATE to another, as cheap as the engine has it (days_between's form here)."""
        return self.days_between(earlier, later)

    def whole_division(self, value: exp.Expr, by: int) -> exp.Expr:
        """A whole number of 0 or more divided by a positive one, rounded down."""
        dividend = exp.Paren(this=value) if isinstance(value, exp.Binary) else value  # sqlglot adds none
        return exp.IntDiv(this=dividend, expression=exp.Literal.number(by))

    # ---- instants and time zones (LANGUAGE.md, rules 9 and 10)
    # why the engine cannot convert times between named zones (None: it can, with ConvertTimezone)
    zone_conversion_missing: str | None = None

    def instant_literal(self, moment: datetime) -> exp.Expr:
        """A timestamp literal to the second (midnight is timestamp_literal's, the SQL of v1)."""
        tree = self.timestamp_literal(moment.date())
        if moment.time() == time():
            return tree
        text = moment.strftime("%Y-%m-%d %H:%M:%S") + (f".{moment.microsecond:06d}" if moment.microsecond else "")
        if isinstance(tree, exp.Literal):
            return exp.Literal.string(text)
        next(tree.find_all(exp.Literal)).replace(exp.Literal.string(text))  # a tree of its own, built above
        return tree

    def now_utc(self) -> exp.Expr:
        """The current instant as a UTC timestamp without a zone."""
        return exp.cast(exp.AtTimeZone(this=exp.CurrentTimestamp(), zone=exp.Literal.string("UTC")),
                        self.timestamp_type)

    def timestamp_plus_minutes(self, value: exp.Expr, minutes: int) -> exp.Expr:
        """A timestamp moved by whole minutes of elapsed time, its fraction of a second kept. Never as a day
        step: a day added to a timestamp with a zone is a calendar day in the session's zone (23 or 25 hours
        around a change of clocks on DuckDB, or in a ClickHouse column's own zone)."""
        if self.date_add_keeps_time_of_day:
            return exp.DateAdd(this=value, expression=exp.Literal.number(minutes), unit=exp.var("MINUTE"))
        return exp.Add(this=value, expression=exp.Interval(this=exp.Literal.number(minutes), unit=exp.var("MINUTE")))

    def zone_name(self, zone: str) -> str | None:
        """The name the engine knows an IANA zone by (None: it has none)."""
        return zone

    def convert_zone(self, time_value: exp.Expr, source: str, target: str) -> exp.Expr | None:
        """A wall-clock time in zone `source` as the wall-clock time in `target` (named zones); None where
        the engine has no zone database (see zone_conversion_missing)."""
        if self.zone_conversion_missing is not None:
            return None
        converted = exp.ConvertTimezone(source_tz=exp.Literal.string(source), target_tz=exp.Literal.string(target),
                                        timestamp=time_value)
        return exp.cast(converted, self.timestamp_type)

    def year_of(self, day_value: exp.Expr) -> exp.Expr:
        """The year of a DATE expression, a whole number."""
        return exp.Year(this=day_value)

    def month_of(self, day_value: exp.Expr) -> exp.Expr:
        """The month of a DATE expression, 1 to 12."""
        return exp.Month(this=day_value)

    def day_of_month(self, day_value: exp.Expr) -> exp.Expr:
        """The day of the month of a DATE expression, 1 to 31."""
        return exp.Day(this=day_value)

    # ---- statements and values
    def statement(self, query: Statement) -> Statement:
        """The finished statement: names quoted where they must be (quoting.py), and any session settings
        the dialect needs for standard semantics."""
        quote_names(query, self)
        return query

    def flag(self, condition: exp.Expr) -> exp.Expr:
        """A condition as an output column: true/false, or 1/0 where there are no boolean values."""
        yes: exp.Expr
        no: exp.Expr
        if self.has_boolean_values:
            yes, no = exp.true(), exp.false()
        else:
            yes, no = exp.Literal.number(1), exp.Literal.number(0)
        return exp.Case(ifs=[exp.If(this=condition, true=yes)], default=no)

    def boolean_literal(self, value: bool) -> exp.Expr:
        """A true/false value compared with a column (`is_gift = true`)."""
        if self.has_boolean_values:
            return exp.true() if value else exp.false()
        return exp.Literal.number(int(value))

    # ---- JSON values (rule 17)
    # A value at a path inside a JSON column is read as text (json_text), then converted by one rule on every
    # engine (docs/language.md, "JSON properties"): a number from text in JSON's number syntax, a date from
    # text that starts with a valid YYYY-MM-DD day (then nothing, or T or a space and a time), true/false from
    # "true" and "false"; anything else is missing.
    JSON_NUMBER = r"^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$"  # [.]: no backslash to escape anywhere
    JSON_DAY = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ].*)?$"

    def json_path(self, keys: Sequence[str]) -> str:
        """A JSON path that names each key, quoted: $."utm"."source" (the checker refuses quotes and
        backslashes in keys)."""
        return "$" + "".join(f'."{key}"' for key in keys)

    def json_text(self, document: exp.Expr, keys: Sequence[str]) -> exp.Expr:
        """The text at a path of a JSON document (a JSON column, or text that holds JSON): a string's contents, a
        number's or true/false's JSON text; NULL where the path is absent or holds null. The SQL standard's
        JSON_VALUE."""
        return exp.Anonymous(this="JSON_VALUE", expressions=[document, exp.Literal.string(self.json_path(keys))])

    def matches(self, text: exp.Expr, pattern: str) -> exp.Expr:
        """Whether text matches a regular expression (anchored by the pattern itself)."""
        return exp.RegexpLike(this=text, expression=exp.Literal.string(pattern))

    def is_number_text(self, text: exp.Expr) -> exp.Expr:
        """Whether text is a number in JSON's syntax (-12, 3.5, 1e3: no spaces, plus signs or leading zeros)."""
        return self.matches(text, self.JSON_NUMBER)

    def is_day_text(self, text: exp.Expr) -> exp.Expr:
        """Whether text starts with a YYYY-MM-DD day (month 01-12, day 01-31), then nothing, or T or a space."""
        return self.matches(text, self.JSON_DAY)

    def number_from_text(self, text: exp.Expr) -> exp.Expr:
        """The DOUBLE a text in JSON's number syntax gives, NULL for any other text."""
        number = exp.cast(text.copy(), exp.DataType.Type.DOUBLE)
        return exp.Case(ifs=[exp.If(this=self.is_number_text(text), true=number)])

    def day_from_text(self, text: exp.Expr) -> exp.Expr:
        """The DATE a YYYY-MM-DD text gives, NULL where it is no calendar day (2024-02-30)."""
        return exp.TryCast(this=text, to=exp.DataType.build(self.date_type))

    @staticmethod
    def day_if_read_back(day: exp.Expr, printed: exp.Expr, text: exp.Expr) -> exp.Expr:
        """`day` where it prints (`printed`) as the text it came from, else NULL: for engines whose cast keeps or
        rolls over a day that does not exist (2024-02-30)."""
        return exp.Case(ifs=[exp.If(this=exp.EQ(this=printed, expression=text), true=day)])

    def json_value(self, document: exp.Expr, keys: Sequence[str], kind: str) -> exp.Expr:
        """The value at a path of a JSON document read as text, a number, a date or true/false (rule 17)."""
        text = self.json_text(document, keys)
        if kind == "text":
            return text
        if kind == "boolean":
            return exp.Case(this=text, ifs=[exp.If(this=exp.Literal.string("true"), true=self.boolean_literal(True)),
                                            exp.If(this=exp.Literal.string("false"),
                                                   true=self.boolean_literal(False))])
        if kind == "number":
            return self.number_from_text(text)
        day = exp.Substring(this=text.copy(), start=exp.Literal.number(1), length=exp.Literal.number(10))
        return exp.Case(ifs=[exp.If(this=self.is_day_text(text), true=self.day_from_text(day))])

    def as_text(self, value: exp.Expr) -> exp.Expr:
        """A column's value as text (a plain column matched with a JSON value, rule 17)."""
        return exp.cast(value, exp.DataType.Type.TEXT)

    def wide_integer(self, value: int | exp.Expr) -> exp.Expr:
        """A whole number (a literal, or a parameter's marker) whose products with a rank or a count stay
        64-bit: BIGINT where ranks_are_32_bit."""
        number = exp.Literal.number(value) if isinstance(value, int) else value
        return exp.cast(number, exp.DataType.Type.BIGINT) if self.ranks_are_32_bit else number

    def average(self, value: exp.Expr) -> exp.Expr:
        """The mean of a column, not rounded to its type: AVG of it as a DECIMAL(38, 10) where AVG keeps the
        argument's type (average_keeps_argument_type)."""
        if self.average_keeps_argument_type:
            value = exp.cast(value, exp.DataType.build("DECIMAL(38, 10)"))
        return exp.Avg(this=value)

    # ---- text: compared exactly and case-sensitively, ordered by code point
    def text_literal(self, value: str) -> exp.Expr:
        """A string value (a label, a name): a literal that keeps every character."""
        return exp.Literal.string(value)

    def string_literal(self, value: str) -> exp.Expr:
        """A string compared with a column, compared exactly."""
        return self.text_literal(value)

    def code_point_order(self, value: exp.Expr) -> exp.Expr:
        """Text that orders and deduplicates by code point (where a default collation would not)."""
        return value

    def ordering_text(self, literal: exp.Expr) -> exp.Expr:
        """A string literal on one side of <, <=, > or >=: ordered by code point."""
        return literal

    def distinct_values(self, value: exp.Expr, is_text: bool) -> list[exp.Expr]:
        """What COUNT(DISTINCT ...) counts: values told apart exactly, whatever their collation."""
        return [value]

    def key_parts(self, key: exp.Expr) -> list[exp.Expr]:
        """What tells a lookup's keys apart exactly (rule 16), whatever the collation of text: where it may
        ignore case or trailing spaces, the key and its text by its bytes too (a key and its join column are of
        one type: as text a number reads as written, so 5 and 5.00 would differ)."""
        return [key]

    def equal_keys(self, key: exp.Expr, value: exp.Expr) -> exp.Expr:
        """A lookup's key equals a row's value: every part of both equal."""
        pairs = zip(self.key_parts(key), self.key_parts(value), strict=True)
        return exp.and_(*(exp.EQ(this=a, expression=b) for a, b in pairs), copy=False)

    def matched_value(self, value: exp.Expr) -> exp.Expr:
        """A journey's matched value, as one column of the two steps' rows (a UNION): as it is, where the engine
        finds the two columns a common type."""
        return value

    def text_extreme(self, func: type[exp.Min | exp.Max], value: exp.Expr) -> exp.Expr:
        """MIN or MAX of text by code point, as text."""
        return func(this=self.code_point_order(value))

    def like(self, subject: exp.Expr, pattern: str) -> exp.Expr:
        """SQL LIKE (% and _ wildcards, no escape character), case-sensitive."""
        return exp.Like(this=subject, expression=self.string_literal(self.like_pattern(pattern)))

    def like_pattern(self, pattern: str) -> str:
        """A LIKE pattern written so that only % and _ are special: a backslash doubled where it escapes,
        `[` bracketed where it opens a set."""
        if self.backslash_escapes_in_like:
            pattern = pattern.replace("\\", "\\\\")
        if self.brackets_are_sets_in_like:
            pattern = pattern.replace("[", "[[]")
        return pattern

    # ---- a split's buckets (rule 18)
    def split_bucket(self, key: exp.Expr, salt: str) -> exp.Expr:
        """A customer's bucket, 0 to 9999: the first 8 hex digits of MD5(salt + ":" + key as text), read as a
        64-bit integer (up to 4294967295, exact everywhere), mod 10000."""
        hex_digits = exp.Substring(this=exp.MD5(this=self.salted_key(key, salt)), start=exp.Literal.number(1),
                                   length=exp.Literal.number(8))
        return exp.Mod(this=self.hex_number(hex_digits), expression=exp.Literal.number(SPLIT_BUCKETS))

    def salted_key(self, key: exp.Expr, salt: str) -> exp.Expr:
        """The text a split hashes: its salt, a colon and the key as text (an integer's decimal digits)."""
        return exp.Concat(expressions=[exp.Literal.string(salt + ":"), exp.cast(key, exp.DataType.Type.TEXT)])

    def hex_number(self, digits: exp.Expr) -> exp.Expr:
        """Hex digits (8 at most) as a 64-bit integer: CONV to base 10, cast."""
        converted = exp.Anonymous(this="CONV", expressions=[digits, exp.Literal.number(16), exp.Literal.number(10)])
        return exp.cast(converted, exp.DataType.Type.BIGINT)

    # ---- ordering and aggregates
    def never_null_order(self, value: exp.Expr, desc: bool = False) -> exp.Ordered:
        """An ORDER BY key for a value that is never NULL: where NULLs would go is the dialect's own
        choice, so sqlglot adds no emulation (it cannot emulate NULLS LAST in a framed window anyway)."""
        default_first = ("nulls_are_large" if desc else "nulls_are_small") == self.sqlglot.NULL_ORDERING
        return exp.Ordered(this=value, desc=desc or None, nulls_first=default_first)

    @property
    def hoists_ctes(self) -> bool:
        """A journey's own CTEs go to the statement's one WITH clause (T-SQL nests none); False where one WITH
        clause holds few of them, so that each journey keeps its own inside its CTE."""
        return True

    @property
    def has_median_aggregate(self) -> bool:
        """An aggregate gives a column's interpolated median (median() below); else a window must."""
        return self.has_percentile_cont_aggregate

    def median(self, value: exp.Expr) -> exp.Expr:
        """The median of a column (interpolated): the standard PERCENTILE_CONT(0.5) WITHIN GROUP, a user
        error where the dialect has no exact form of it."""
        if not self.has_percentile_cont_aggregate:
            raise error(f"a median is not supported on {self.name} targets")
        return exp.WithinGroup(this=exp.PercentileCont(this=exp.Literal.number("0.5")),
                               expression=exp.Order(expressions=[exp.Ordered(this=value, nulls_first=False)]))

    def half(self, value: exp.Expr) -> exp.Expr:
        """A number halved exactly in its own kind: a decimal keeps every digit (x * 0.5, a decimal, where x / 2
        is a double or rounds to the decimal's scale on some engines, and divides whole numbers whole on
        others); a double stays a double."""
        operand = exp.Paren(this=value) if isinstance(value, exp.Binary) else value
        return exp.Mul(this=operand, expression=self.decimal_half())

    def decimal_half(self) -> exp.Expr:
        """0.5 as a decimal (DECIMAL(1, 1) where a literal with a point is one)."""
        return exp.Literal.number("0.5")

    def median_aggregate(self, value: exp.Expr) -> exp.Expr:
        """The exact median as one aggregate (median_is_aggregate): the lower and the upper middle value, each a
        PERCENTILE_DISC(0.5) (the first value at or past half the known values, from either end), each halved
        (no sum of two large whole numbers to overflow) and added."""
        lower, upper = (exp.WithinGroup(this=exp.PercentileDisc(this=exp.Literal.number("0.5")), expression=exp.Order(
            expressions=[exp.Ordered(this=value.copy(), desc=desc, nulls_first=False)])) for desc in (False, True))
        return exp.Add(this=self.half(lower), expression=self.half(upper))

    def kth_best(self, value: exp.Expr, share: Decimal, descending: bool) -> exp.Expr | None:
        """The k-th highest (descending) or lowest value, k = max(1, ceil(share * n)) over the n known
        values, as one aggregate where the dialect finds it exactly without sorting every row; None where
        it does not (the caller ranks instead)."""
        if not self.finds_kth_best_without_sort:
            return None
        order = exp.Order(expressions=[exp.Ordered(this=value, desc=descending, nulls_first=False)])
        return exp.WithinGroup(this=exp.PercentileDisc(this=exp.Literal.number(format(share, "f"))),
                               expression=order)

    # ---- one row per member (history.py, insight's overlap)
    def unpivot(self, wide: str, key: str, flags: Sequence[str], labels: Sequence[str],
                into: tuple[str, str]) -> exp.Select | exp.Union:
        """Over `wide` (a relation of one row per customer): a row (key, name, NULL) for each flag column
        that is true, and (key, name, value as text) for each label column; the name and the label are
        the output columns named `into`.

        The standard form is a SELECT per column, joined by one flat UNION ALL: it reads `wide` once
        per column, so on an engine that stores rows whole (and reaches a column by reading the ones
        before it) the cost grows with the square of the columns. Dialects that can unpivot in one pass
        over `wide` do so instead.
        """
        no_label = exp.cast(exp.Null(), exp.DataType.Type.TEXT)
        branches = [self._unpivot_branch(wide, key, name, no_label.copy(), into).where(
            exp.EQ(this=exp.column(name, table=wide), expression=self.boolean_literal(True)), copy=False)
            for name in flags]
        branches += [self._unpivot_branch(wide, key, name, exp.cast(exp.column(name, table=wide),
                                                                    exp.DataType.Type.TEXT), into)
                     for name in labels]
        return self.union_all(branches)

    def _unpivot_branch(self, wide: str, key: str, name: str, label: exp.Expr,
                        into: tuple[str, str]) -> exp.Select:
        return exp.select(exp.column(key, table=wide), exp.alias_(exp.Literal.string(name), into[0]),
                          exp.alias_(label, into[1])).from_(wide)

    def rows_table(self, rows: Sequence[Sequence[exp.Expr]], alias: str, columns: Sequence[str]) -> exp.Expr:
        """A table of literal rows, named `alias`, its columns named `columns`, to select from or join."""
        return exp.values([exp.Tuple(expressions=list(row)) for row in rows], alias=alias, columns=list(columns))

    def union_all(self, queries: Sequence[exp.Select | exp.Union]) -> exp.Select | exp.Union:
        """The queries' rows, one UNION ALL built in one pass (no copies of the growing tree: repeated
        `exp.union` copies it each time); in groups of `max_union_terms`, each a derived table, where a
        UNION may join only so many SELECTs."""
        limit = self.max_union_terms
        if limit is not None and len(queries) > limit:
            queries = [exp.select(exp.Star()).from_(self.union_all(queries[at:at + limit]).subquery(f"part_{at}"),
                                                    copy=False)
                       for at in range(0, len(queries), limit)]
            return self.union_all(queries)
        union = queries[0]
        for query in queries[1:]:
            union = exp.union(union, query, distinct=False, copy=False)
        return union

    # ---- history tables (history.py)
    def history_create(self, table: exp.Table, rows: exp.Select, text: Sequence[str]) -> exp.Create:
        """The statement that creates a history table missing from the catalog, empty, with the columns and
        types of `rows` (history.py's rows of one day); `text` names its columns of text, whose values a later
        day may make longer."""
        empty = exp.select(exp.Star()).from_(rows.subquery("m")).limit(0)
        return exp.Create(this=table.copy(), kind="TABLE", exists=True, expression=empty)

    def history_index(self, table: exp.Table, column: str) -> exp.Create | None:
        """An index on a new history table's day column, where segdsl makes one; None elsewhere."""
        return None

    def history_lock(self, table: exp.Table) -> exp.Expr | None:
        """A statement that makes a concurrent write of the history table wait for this transaction,
        where deleting a day's rows does not already; None elsewhere."""
        return None

    def history_create_lock(self) -> exp.Expr | None:
        """A statement that makes concurrent runs creating history tables take turns until this
        transaction ends, where two CREATE TABLE IF NOT EXISTS at once can fail; None elsewhere."""
        return None


def guarded_day(dialect: Dialect, text: exp.Expr) -> exp.Expr:
    """The DATE of a YYYY-MM-DD text whose month is 01-12 and day 01-31 (is_day_text), NULL where the day is
    past its month's end; for engines whose cast of 2024-02-30 is an error: the day is compared with the
    last day of its month first."""
    month_start = exp.cast(exp.DPipe(this=exp.Substring(this=text.copy(), start=exp.Literal.number(1),
                                                        length=exp.Literal.number(7)),
                                     expression=exp.Literal.string("-01")), dialect.date_type)
    month_end = dialect.add_days(dialect.add_months(month_start, 1), -1)
    day = exp.cast(exp.Substring(this=text.copy(), start=exp.Literal.number(9), length=exp.Literal.number(2)),
                   exp.DataType.Type.INT)
    last = exp.Extract(this=exp.var("DAY"), expression=month_end)
    return exp.Case(ifs=[exp.If(this=exp.LTE(this=day, expression=last), true=exp.cast(text, dialect.date_type))])
