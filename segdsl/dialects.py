"""Every per-dialect correction of the SQL, in one place.

sqlglot renders most of segdsl's trees correctly for every target; the
functions here build the few nodes that need a dialect's own form. Each
fix names why (see tests/test_dialects.py for the behaviour it pins):
- sqlite has no DATE or TIMESTAMP type: dates are 'YYYY-MM-DD' text and
  timestamps 'YYYY-MM-DD HH:MM:SS' text, so bounds stay text; `DATE(x, '+N
  day')` drops the time of day (use DATETIME) and '-N month' does not clamp
  to the month's end (sqlglot #8359 and friends).
- tsql: CURRENT_DATE becomes GETDATE(), which carries the time of day;
  there are no boolean values, so flags are CASE ... THEN 1 ELSE 0.
- bigquery: sqlglot's TIMESTAMP is BigQuery's DATETIME; event times are
  usually BigQuery TIMESTAMPs, and the two do not compare (sqlglot #5536,
  #6746: by design there, TIMESTAMPTZ renders as BigQuery's TIMESTAMP).
- spark/databricks: DATE_ADD(ts, n) returns a DATE; use the 3-argument form
  (sqlglot #4939, #5108; Spark's TIMESTAMPADD, SPARK-38195).
- string comparisons are case-sensitive and exact everywhere: MySQL's and
  SQL Server's default collations ignore case (and trailing spaces), so
  string literals carry a binary comparison there (MySQL's LIKE patterns a
  binary collation instead, so that `_` is one character, not one byte);
  SQLite's LIKE ignores ASCII case, so LIKE becomes GLOB. Text known to be
  text orders by code point (MIN/MAX, first/last tie-breaks, <): bytes on
  MySQL, a BIN2 collation on SQL Server, COLLATE "C" on PostgreSQL (en-US
  puts 'a' before 'B'); MySQL's COUNT(DISTINCT x, CAST(x AS BINARY)) counts
  exactly for any type.
- LIKE has no escape character in segdsl: where a backslash escapes in LIKE
  it is doubled, and SQL Server's `[` is bracketed.
- names that need quoting (non-ASCII, or reserved where sqlglot has no
  reserved-word list for the dialect) are quoted; the rest stay bare, so
  the database's case folding applies as in hand-written SQL. Snowflake
  folds bare names to upper case and a quoted name keeps its case, so a
  name quoted there only because it is reserved is written in upper case
  (`order` -> "ORDER", the column a bare ORDER would name); Snowflake's
  reserved words beyond the common ones are quoted too.
- clickhouse: LEFT JOINs fill unmatched non-Nullable columns with 0 or ''
  unless join_use_nulls = 1.
- duckdb, postgres, redshift: date + interval is a TIMESTAMP; day values are
  cast back to DATE so they compare as days.
- printing (`render`): most dialects' generators rewrite every SELECT before
  printing it (UNNEST/EXPLODE, QUALIFY, DISTINCT ON, semi/anti joins, ...;
  snowflake builds a scope per SELECT), which is most of the compile time of
  a large file. A tree with none of the nodes those rewrites act on is
  printed without them: the same text, about twice as fast there.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.generator import Generator

from .errors import error

DIALECTS = ("duckdb", "postgres", "snowflake", "bigquery", "redshift", "databricks", "spark", "trino",
            "mysql", "sqlite", "clickhouse", "tsql")

_NO_BOOLEAN_VALUES = {"tsql"}
_BACKSLASH_ESCAPES_LIKE = {"postgres", "redshift", "mysql", "spark", "databricks", "clickhouse", "bigquery"}
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CORE_RESERVED = frozenset("""
    all and any as asc between both by case cast check collate column constraint create cross current_date
    current_time current_timestamp default delete desc distinct drop else end except exists false fetch for
    foreign from full grant group having in inner insert intersect interval into is join leading left like
    limit natural not null offset on or order outer primary references right select table then to trailing
    true union unique update using when where window with
""".split())
# docs.snowflake.com/en/sql-reference/reserved-keywords, beyond the common ones
_SNOWFLAKE_RESERVED = _CORE_RESERVED | frozenset("""
    account alter connect connection current current_user database following gscluster ilike increment issue
    lateral localtime localtimestamp minus of organization qualify regexp revoke rlike row rows sample schema
    set some start tablesample trigger try_cast values view whenever
""".split())


def date_literal(day: date, dialect: str) -> exp.Expression:
    text = exp.Literal.string(day.isoformat())
    return text if dialect == "sqlite" else exp.cast(text, exp.DataType.Type.DATE)


def timestamp_literal(day: date, dialect: str) -> exp.Expression:
    """Midnight at the start of `day`."""
    if dialect == "sqlite":
        return exp.Literal.string(day.isoformat())
    return exp.cast(exp.Literal.string(f"{day.isoformat()} 00:00:00"), _timestamp_type(dialect))


def current_date(dialect: str) -> exp.Expression:
    if dialect == "tsql":
        return exp.cast(exp.CurrentTimestamp(), exp.DataType.Type.DATE)
    return exp.CurrentDate()


def add_days(value: exp.Expression, days: int | exp.Expression, dialect: str) -> exp.Expression:
    """A DATE expression moved by whole days (a number, or an expression giving one)."""
    if isinstance(days, int) and days == 0:
        return value
    amount = exp.Literal.number(days) if isinstance(days, int) else days
    return _as_date(exp.DateAdd(this=value, expression=amount, unit=exp.var("DAY")), dialect)


def add_months(value: exp.Expression, months: int | exp.Expression, dialect: str) -> exp.Expression:
    """A DATE expression moved by whole months, clamped to the month's end (sqlite: a number only)."""
    if isinstance(months, int) and months == 0:
        return value
    if adds_months_by_expression(dialect):
        amount = exp.Literal.number(months) if isinstance(months, int) else months
        return _as_date(exp.DateAdd(this=value, expression=amount, unit=exp.var("MONTH")), dialect)
    # min(first of the target month + (day - 1) days, last day of the target month)
    day_of_month = exp.cast(exp.Anonymous(this="STRFTIME", expressions=[exp.Literal.string("%d"), value]),
                            exp.DataType.Type.INT)
    plus_days = exp.DPipe(this=exp.Literal.string("+"), expression=exp.DPipe(
        this=exp.Paren(this=exp.Sub(this=day_of_month, expression=exp.Literal.number(1))),
        expression=exp.Literal.string(" days")))
    same_day = exp.Anonymous(this="DATE", expressions=[
        value, exp.Literal.string("start of month"), exp.Literal.string(f"{months:+d} months"), plus_days])
    month_end = exp.Anonymous(this="DATE", expressions=[
        value, exp.Literal.string("start of month"), exp.Literal.string(f"{months + 1:+d} months"),
        exp.Literal.string("-1 days")])
    return exp.Anonymous(this="MIN", expressions=[same_day, month_end])


def to_date(value: exp.Expression, dialect: str) -> exp.Expression:
    """The calendar day of a date or timestamp value."""
    return exp.cast(value, exp.DataType.Type.DATE)


def day_start(day_value: exp.Expression, dialect: str) -> exp.Expression:
    """A DATE expression as the timestamp of its midnight."""
    if dialect == "sqlite":
        return day_value
    return exp.cast(day_value, _timestamp_type(dialect))


def timestamp_plus_days(value: exp.Expression, days: int, dialect: str) -> exp.Expression:
    """A timestamp moved by whole days, keeping its time of day."""
    amount = exp.Literal.number(days)
    if dialect == "sqlite":
        return exp.Anonymous(this="DATETIME", expressions=[value, exp.Literal.string(f"{days:+d} days")])
    if dialect in ("bigquery", "spark", "databricks"):
        return exp.TimestampAdd(this=value, expression=amount, unit=exp.var("DAY"))
    return exp.DateAdd(this=value, expression=amount, unit=exp.var("DAY"))


def days_between(earlier: exp.Expression, later: exp.Expression, dialect: str) -> exp.Expression:
    """Whole days from one DATE to another."""
    return exp.DateDiff(this=later, expression=earlier, unit=exp.var("DAY"))


def statement(query: exp.Select, dialect: str) -> exp.Select:
    """The finished statement, with the session settings a dialect needs for standard semantics."""
    for identifier in query.find_all(exp.Identifier):
        if not identifier.quoted and needs_quotes(identifier.name, dialect):
            identifier.set("this", quoted_form(identifier.name, dialect))
            identifier.set("quoted", True)
    if dialect == "clickhouse":
        # without it, a LEFT JOIN fills unmatched non-Nullable columns with 0 or '' instead of NULL
        query.set("settings", [exp.EQ(this=exp.column("join_use_nulls"), expression=exp.Literal.number(1))])
    return query


def needs_quotes(name: str, dialect: str | None = None) -> bool:
    """A name segdsl quotes: not plain ASCII, or reserved (see the module docstring)."""
    reserved = _SNOWFLAKE_RESERVED if dialect == "snowflake" else _CORE_RESERVED
    return not _PLAIN_NAME.fullmatch(name) or name.lower() in reserved


def quoted_form(name: str, dialect: str) -> str:
    """A bare name as written inside quotes: Snowflake's bare names mean upper case."""
    return name.upper() if dialect == "snowflake" and _PLAIN_NAME.fullmatch(name) else name


def flag(condition: exp.Expression, dialect: str) -> exp.Expression:
    """A condition as an output column: true/false, or 1/0 where there are no booleans."""
    if dialect in _NO_BOOLEAN_VALUES:
        yes, no = exp.Literal.number(1), exp.Literal.number(0)
    else:
        yes, no = exp.true(), exp.false()
    return exp.Case(ifs=[exp.If(this=condition, true=yes)], default=no)


def boolean_literal(value: bool, dialect: str) -> exp.Expression:
    """A true/false value compared with a column (`is_gift = true`)."""
    if dialect in _NO_BOOLEAN_VALUES or dialect == "sqlite":
        return exp.Literal.number(int(value))
    return exp.true() if value else exp.false()


def string_literal(value: str, dialect: str) -> exp.Expression:
    """A string compared with a column, compared exactly (see the module docstring)."""
    text = exp.Literal.string(value)
    if dialect == "mysql":
        return exp.cast(text, exp.DataType.build("BINARY", dialect="mysql"))
    if dialect == "tsql":
        return exp.Collate(this=text, expression=exp.var("Latin1_General_BIN2"))
    return text


def code_point_order(value: exp.Expression, dialect: str) -> exp.Expression:
    """Text that orders and deduplicates by code point where default collations ignore case."""
    if dialect == "mysql":  # bytes of UTF-8 order like code points, and bytes never pad with spaces
        return exp.cast(value, exp.DataType.build("BINARY", dialect="mysql"))
    if dialect == "tsql":
        return exp.Collate(this=value, expression=exp.var("Latin1_General_BIN2"))
    if dialect == "postgres":  # deterministic collations compare exactly, but en_US orders 'a' before 'B'
        return exp.Collate(this=value, expression=exp.to_identifier("C", quoted=True))
    return value


def ordering_text(literal: exp.Expression, dialect: str) -> exp.Expression:
    """A string literal on one side of <, <=, > or >=: ordered by code point."""
    return code_point_order(literal, dialect) if dialect == "postgres" else literal


def distinct_values(value: exp.Expression, is_text: bool, dialect: str) -> list[exp.Expression]:
    """What COUNT(DISTINCT ...) counts: values told apart exactly, whatever their collation."""
    if dialect == "mysql":  # the pair (value, its bytes): exact for text, and numbers stay numbers
        return [value, code_point_order(value.copy(), dialect)]
    return [code_point_order(value, dialect) if is_text and dialect == "tsql" else value]


def text_extreme(func: type[exp.Min] | type[exp.Max], value: exp.Expression, dialect: str) -> exp.Expression:
    """MIN or MAX of text by code point, as text."""
    extreme = func(this=code_point_order(value, dialect))
    if dialect == "mysql":
        charset = exp.DataType(this=exp.DataType.Type.CHARACTER_SET, kind=exp.var("utf8mb4"))
        return exp.Cast(this=extreme, to=charset)
    return extreme


def like(subject: exp.Expression, pattern: str, dialect: str) -> exp.Expression:
    """SQL LIKE (% and _ wildcards, no escape character), case-sensitive."""
    if dialect in _BACKSLASH_ESCAPES_LIKE:
        pattern = pattern.replace("\\", "\\\\")
    elif dialect == "tsql":
        pattern = pattern.replace("[", "[[]")
    if dialect == "mysql":
        # a BINARY pattern matches bytes (`_` would not match 'é'); a binary collation matches characters
        text = exp.Introducer(this=exp.var("_utf8mb4"), expression=exp.Literal.string(pattern))
        return exp.Like(this=subject, expression=exp.Collate(this=text, expression=exp.var("utf8mb4_bin")))
    if dialect != "sqlite":
        return exp.Like(this=subject, expression=string_literal(pattern, dialect))
    special = {"*": "[*]", "?": "[?]", "[": "[[]", "%": "*", "_": "?"}
    glob = "".join(special.get(ch, ch) for ch in pattern)
    return exp.Glob(this=subject, expression=exp.Literal.string(glob))


def never_null_order(value: exp.Expression, dialect: str, desc: bool = False) -> exp.Ordered:
    """An ORDER BY key for a value that is never NULL: where NULLs would go is the dialect's own
    choice, so sqlglot adds no emulation (it cannot emulate NULLS LAST in a framed window anyway)."""
    ordering = Dialect.get_or_raise(dialect).NULL_ORDERING
    default_first = ordering == ("nulls_are_large" if desc else "nulls_are_small")
    return exp.Ordered(this=value, desc=desc or None, nulls_first=default_first)


def _as_date(value: exp.Expression, dialect: str) -> exp.Expression:
    """date + interval is a TIMESTAMP in duckdb, postgres and redshift: keep day values DATEs."""
    return exp.cast(value, exp.DataType.Type.DATE) if dialect in ("duckdb", "postgres", "redshift") else value


def _timestamp_type(dialect: str) -> exp.DataType.Type:
    return exp.DataType.Type.TIMESTAMPTZ if dialect == "bigquery" else exp.DataType.Type.TIMESTAMP


def median(value: exp.Expression, dialect: str) -> exp.Expression:
    """The median of a column (interpolated): PERCENTILE_CONT as each engine spells it."""
    if dialect == "duckdb":
        return exp.PercentileCont(this=value, expression=exp.Literal.number("0.5"))
    if dialect in ("postgres", "redshift", "snowflake"):
        return exp.WithinGroup(this=exp.PercentileCont(this=exp.Literal.number("0.5")),
                               expression=exp.Order(expressions=[exp.Ordered(this=value, nulls_first=False)]))
    # sqlglot renders PERCENTILE_CONT wrongly for mysql, clickhouse, spark and sqlite
    raise error(f"a median is not supported on {dialect} targets")


def wide_integer(value: int, dialect: str) -> exp.Expression:
    """A whole-number literal whose products stay 64-bit: Spark types a literal below 2**31 as INT, and
    RANK() is an INT there, so their product overflows (an error in ANSI mode)."""
    literal = exp.Literal.number(value)
    return exp.cast(literal, exp.DataType.Type.BIGINT) if dialect in ("spark", "databricks") else literal


def adds_months_by_expression(dialect: str) -> bool:
    """Whether `add_months` takes an expression of months (sqlite's month steps are built from a number)."""
    return dialect != "sqlite"


def finds_kth_best(dialect: str) -> bool:
    """Whether `kth_best` has an exact form without a sort on this dialect (else top/bottom P% ranks)."""
    return dialect == "duckdb"


def kth_best(value: exp.Expression, share: Decimal, descending: bool, dialect: str) -> exp.Expression | None:
    """The k-th highest (descending) or lowest value, k = max(1, ceil(share * n)) over the n known
    values, as one aggregate where the dialect finds it exactly without sorting every row; None where
    it does not (the caller ranks instead).

    DuckDB's discrete quantile selects the value rather than sorting, and takes a decimal fraction's
    position in exact arithmetic (a float fraction would make 10% of 30 values position 4)."""
    if not finds_kth_best(dialect):
        return None
    order = exp.Order(expressions=[exp.Ordered(this=value, desc=descending, nulls_first=False)])
    return exp.WithinGroup(this=exp.PercentileDisc(this=exp.Literal.number(format(share, "f"))), expression=order)


# nodes that some dialect's SELECT rewrites act on (sqlglot/transforms.py and the dialects' generators)
_REWRITTEN = (exp.Unnest, exp.Explode, exp.ExplodeOuter, exp.Inline, exp.GenerateSeries, exp.GenerateDateArray,
              exp.Any, exp.Qualify, exp.Lateral)


class _NeedsRewrites(Exception):
    """A tree that a dialect's SELECT rewrites could change: printed by the dialect's own generator."""


def render(tree: exp.Expression, dialect: str) -> str:
    """The pretty-printed SQL of `tree`, exactly as `tree.sql(dialect, pretty=True)` prints it."""
    plain = _plain_select_generator(dialect)
    if plain is not None:
        comments = tree.comments  # a SELECT with CTEs hands its comments on before printing them
        try:
            return plain(dialect=Dialect.get_or_raise(dialect), pretty=True).generate(tree, copy=False)
        except _NeedsRewrites:  # what it changed before refusing, the dialect's own generator changes alike
            tree.comments = comments
    return tree.sql(dialect=dialect, pretty=True, copy=False)


def _refuse(generator: Generator, node: exp.Expression) -> str:
    raise _NeedsRewrites(type(node).__name__)


def _plain_select(generator: Generator, select: exp.Select) -> str:
    """A SELECT none of the rewrites touch (they also refuse the nodes of _REWRITTEN below it)."""
    args = select.args
    distinct = args.get("distinct")
    if args.get("windows") or args.get("laterals") or args.get("qualify") \
            or (distinct is not None and distinct.args.get("on")) or (args.get("group") and args.get("order")) \
            or any(j.kind in ("SEMI", "ANTI") or j.side == "FULL" for j in args.get("joins") or ()):
        raise _NeedsRewrites("select")
    return generator.select_sql(select)


def _tsql_named_outputs(generator: Generator, node: exp.CTE | exp.Subquery) -> str:
    """SQL Server needs every output of a derived table named: sqlglot's transform (which builds a
    scope per CTE) done directly for a SELECT of aliases, stars and columns; others refused. (On a
    UNION the transform names nothing: it names outputs of a SELECT only.)"""
    alias, query = node.args.get("alias"), node.this
    if isinstance(alias, exp.TableAlias) and not alias.columns and isinstance(query, exp.Select):
        named = []
        for selection in query.selects:
            if not isinstance(selection, exp.Alias) and not selection.is_star:
                if not isinstance(selection, exp.Column) or not isinstance(selection.this, exp.Identifier):
                    raise _NeedsRewrites("derived table")
                quoted = selection.this.quoted
                selection = exp.alias_(selection, selection.output_name, copy=False)
                selection.args["alias"].set("quoted", quoted)
            named.append(selection)
        query.set("expressions", named)
    return getattr(generator, f"{node.key}_sql")(node)


@cache
def _plain_select_generator(dialect: str) -> type[Generator] | None:
    """The dialect's generator without its SELECT rewrites, for trees they leave as they are (it
    raises _NeedsRewrites on any other); None where the dialect has none."""
    base = Dialect.get_or_raise(dialect).generator_class
    if exp.Select not in base.TRANSFORMS:
        return None
    transforms = {**base.TRANSFORMS, exp.Select: _plain_select}
    transforms.update({node: _refuse for node in exp.EXPR_CLASSES.values() if issubclass(node, _REWRITTEN)})
    if dialect == "tsql":
        transforms.update({exp.CTE: _tsql_named_outputs, exp.Subquery: _tsql_named_outputs})

    def with_sql(generator: Generator, expression: exp.With) -> str:
        """A WITH below the top is refused: the dialect's own generator moves it up where it must
        (so the walk of the whole tree looking for one, `_move_ctes_to_top_level`, is skipped)."""
        if base.EXPRESSIONS_WITHOUT_NESTED_CTES and expression.parent is not None \
                and expression.parent.parent is not None:
            raise _NeedsRewrites("nested WITH")
        return base.with_sql(generator, expression)

    methods = {"TRANSFORMS": transforms, "with_sql": with_sql,
               "_move_ctes_to_top_level": lambda generator, expression: expression}
    return type(f"{base.__name__}WithoutSelectRewrites", (base,), methods)
