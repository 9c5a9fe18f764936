"""The review of the dialects no test runs (issue 19): each rule it found broken, checked on the SQL segdsl
prints, parsed back with sqlglot and walked as a tree. Each test fails on the SQL segdsl printed before.

Reserved words: tests/dialects/test_reserved_words.py. Each rule's reason: the dialect's module in
segdsl/dialects/ and the README's Dialects section.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlglot
from engines import Table
from engines.members import assert_members
from sqlglot import exp

from segdsl import dialects
from segdsl.compile.compiler import load_text, to_sql
from segdsl.errors import SegdslError, render_notes
from segdsl.run import history
from segdsl.run.catalog import Catalog
from segdsl.run.dbcheck import notes
from segdsl.run.targets import Result, Target

ROOT = Path(__file__).resolve().parents[2]
D = date(2024, 6, 30)
MODEL = """customers from shop.customers key customer_id
events orders  from shop.orders  by customer_id at ordered_at
events visits  from web.visits   by customer_id at seen_at
events tickets from support.tickets by customer_id at opened_on date
"""


def parsed(text: str, dialect: str, as_of: date | None = D) -> exp.Expr:
    """The whole-file SQL of MODEL and `text` in a dialect, parsed back."""
    return sqlglot.parse_one(to_sql(load_text(MODEL + text), dialect, None, as_of), read=dialect)


def both_days(test):
    """Run a test with the as-of day known (literal bounds) and without it (the database's current date)."""
    return pytest.mark.parametrize("as_of", [D, None], ids=["as_of", "current_date"])(test)


# ---- SQL Server: string literals are Unicode ------------------------------------------------------------

UNICODE = '''param home = "東京"
segment tokyo:
    city = "東京" or city in ("大阪", "Zürich") or city = home
segment named:
    name like "%東%" and not name like "[x]%"
segmentation region:
    "東日本" when city = "東京"
    else "その他"
'''


def test_sql_server_string_literals_are_unicode_literals():
    """'東京' without N is in the database's code page, which turns it into '??' and matches nothing."""
    tree = parsed(UNICODE, "tsql")
    assert [node.this for node in tree.find_all(exp.Literal) if node.is_string] == []
    assert {"東京", "大阪", "%東%", "東日本", "その他"} <= {node.this for node in tree.find_all(exp.National)}


def test_sql_server_statements_segdsl_builds_around_the_query_are_unicode_too():
    """history.py's and the runner's statements (labels compared, segment names written) go through the
    dialect's statement() like the compiled query."""
    statement = dialects.get("tsql").statement(
        exp.select(exp.alias_(exp.Literal.string("東京の顧客"), "segment")).where(
            exp.EQ(this=exp.column("label"), expression=exp.Literal.string("その他"))))
    tree = sqlglot.parse_one(statement.sql("tsql"), read="tsql")
    assert [node.this for node in tree.find_all(exp.Literal) if node.is_string] == []


# ---- ranking arithmetic: 64-bit on every dialect ------------------------------------------------------

RANKING = """segment top_third:
    sum(orders.amount) in top 33.333333%
segment bottom_share:
    count(orders) in bottom 12.5%
segmentation value_tier:
    best when quintile(sum(orders.amount)) = 5
    good when decile(count(visits)) >= 8
    else rest
"""
NARROW = ("tsql", "redshift", "spark", "databricks")


def test_the_dialects_with_32_bit_ranks_or_counts_are_the_ones_that_widen():
    """SQL Server's COUNT is an int, Redshift's RANK an INTEGER, Spark's (and Databricks') RANK an INT; the
    others' ranks and counts are 64-bit (BIGINT, INT64, NUMBER(38), UInt64, SQLite's integers)."""
    assert {name for name in dialects.DIALECTS if dialects.get(name).ranks_are_32_bit} == set(NARROW)


@pytest.mark.parametrize("dialect", NARROW)
def test_ranking_arithmetic_has_a_bigint_factor_in_every_product(dialect):
    """`33333333 * n` overflows an int from n = 65, `(r - 1) * 100000000` from r = 23."""
    products = list(parsed(RANKING, dialect).find_all(exp.Mul))
    assert len(products) >= 6  # two per share, one (used twice) per tile
    for product in products:
        factors = (product.this, product.expression)
        assert any(isinstance(f, exp.Cast) and f.to.this == exp.DataType.Type.BIGINT for f in factors), \
            product.sql(dialect)


def test_top_shares_of_more_than_64_customers_are_exact(engine):
    """At n = 70, 33333333 * n is past 2**31: exact on every executed engine."""
    head = "customers from shop.customers key cid\n"
    program = load_text(head + "segment top:\n    age in top 33.333333%\nsegment bottom:\n    age in bottom 0.5%\n")
    customers = tuple((cid, cid) for cid in range(1, 71))
    table = Table("shop.customers", (("cid", "integer"), ("age", "integer")), customers)
    # ceil(0.33333333 * 70) = 24 best ages (47..70); ceil(0.005 * 70) = 1 lowest
    assert_members(engine, program, [table], {"top": set(range(47, 71)), "bottom": {1}}, D)


# ---- avg: the mean, not cut to the argument's type -------------------------------------------------------

AVERAGES = """segment typical:
    avg(orders.amount) >= 1.5 and avg(visits.pages where pages > 0 in last 30 days) < 2.25
"""


@pytest.mark.parametrize("dialect", ["tsql", "redshift"])
def test_avg_averages_decimals_where_avg_of_integers_is_an_integer(dialect):
    """AVG(1, 2) is 1 on SQL Server and Redshift: the argument is a DECIMAL(38, 10) there."""
    averages = list(parsed(AVERAGES, dialect).find_all(exp.Avg))
    assert len(averages) == 2
    for average in averages:
        argument = average.this
        assert isinstance(argument, exp.Cast) and argument.to.is_type(*exp.DataType.REAL_TYPES), average.sql(dialect)
        precision, scale = (int(e.this.this) for e in argument.to.expressions)
        assert (precision, scale) == (38, 10), average.sql(dialect)


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "snowflake", "bigquery", "spark", "sqlite", "clickhouse"])
def test_avg_stays_plain_where_it_is_already_the_mean(dialect):
    assert all(not isinstance(a.this, exp.Cast) for a in parsed(AVERAGES, dialect).find_all(exp.Avg))


# ---- SQL Server and Redshift: trailing spaces, noted by check --db -----------------------------------------

TEXT = '''segment pets:
    category = "pet" and count(distinct orders.category) >= 2 and age > 30
segment named:
    tier in ("gold", "silver")
'''
CATALOG: Catalog = {
    ("shop", "customers"): {"customer_id": "INT", "category": "VARCHAR(20)", "age": "INT", "tier": "VARCHAR(10)"},
    ("shop", "orders"): {"customer_id": "INT", "ordered_at": "DATETIME2", "category": "NVARCHAR(40)",
                         "amount": "DECIMAL(10,2)"},
    ("web", "visits"): {"customer_id": "INT", "seen_at": "DATETIME2", "pages": "INT"},
    ("support", "tickets"): {"customer_id": "INT", "opened_on": "DATE"},
}


@pytest.mark.parametrize("dialect, engine_name", [("tsql", "SQL Server"), ("redshift", "Redshift")])
def test_check_db_notes_every_text_comparison_where_trailing_spaces_are_ignored(dialect, engine_name):
    program = load_text(MODEL + TEXT, "pets.seg")
    found = notes(program, CATALOG, dialect, ("shop",))
    where = [(d.span.line, d.span.column, d.message) for d in found]
    assert where == [(6, 5, f"{engine_name} ignores trailing spaces when it compares text"),
                     (6, 26, f"{engine_name} ignores trailing spaces when it counts text distinct"),
                     (8, 5, f"{engine_name} ignores trailing spaces when it compares text")]
    shown = render_notes(found, program.sources)
    assert shown.count("hint:") == 1 and "note:" in shown and "error:" not in shown


@pytest.mark.parametrize("dialect, engine_name", [("tsql", "SQL Server"), ("redshift", "Redshift")])
def test_check_db_notes_the_most_frequent_text_where_trailing_spaces_are_ignored(dialect, engine_name):
    program = load_text(MODEL + "segment fav:\n    most_frequent(orders.category) is not null\n"
                        "segment typical:\n    most_frequent(orders.amount) > 10\n", "fav.seg")
    found = notes(program, CATALOG, dialect, ("shop",))
    assert [(d.span.line, d.span.column, d.message) for d in found] == [
        (6, 5, f"{engine_name} ignores trailing spaces when it counts the events of each text value")]


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "mysql", "snowflake", "bigquery", "sqlite"])
def test_check_db_notes_no_trailing_spaces_where_they_count(dialect):
    assert not [d for d in notes(load_text(MODEL + TEXT), CATALOG, dialect, ("shop",)) if "trailing" in d.message]


def test_the_trailing_space_exception_is_documented():
    for path in (ROOT / "README.md", ROOT / "docs" / "language.md"):
        assert "SQL Server and Redshift ignore trailing spaces" in " ".join(path.read_text().split()), path


def test_check_db_prints_the_notes_after_a_clean_check(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from segdsl.cli.main import main
    from segdsl.run import runner

    monkeypatch.setattr(runner, "open_target", lambda target, program=None, writable=False: Recording("tsql", CATALOG))
    seg = tmp_path / "pets.seg"
    seg.write_text(MODEL + TEXT)
    result = CliRunner().invoke(main, ["check", str(seg), "--db", "mssql://example"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.count("note: SQL Server ignores trailing spaces") == 3
    assert result.output.rstrip().endswith("against mssql://example)")


# ---- BigQuery: window bounds against TIMESTAMP, DATETIME and DATE columns ---------------------------------

WINDOWS = """segment recent:
    has orders in last 30 days and no visits between 59 and 7 days ago
segment dated:
    has orders since 2024-06-01 and count(visits until 2024-01-31) > 2 and has tickets in last 7 days
segment returning:
    orders then visits within 7 days and orders then no orders within 3 days
segment lapsed:
    first(orders.ordered_at) in last 90 days
"""
TIME_TYPES = (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.DATETIME)


@both_days
def test_bigquery_compares_event_times_in_forms_timestamp_datetime_and_date_columns_all_accept(as_of):
    """BigQuery compares a TIMESTAMP with neither a DATETIME nor a DATE: a bound is the day as a string
    literal (coerced to the column's type) or, when it is an expression, compared with the column's day;
    the current instant (the cut without an as-of, rule 10) with the column as a TIMESTAMP."""
    tree = parsed(WINDOWS, "bigquery", as_of)
    comparisons = [node for node in tree.find_all(exp.GTE, exp.LT, exp.LTE, exp.GT) if not node.find(exp.Window)]
    assert len(comparisons) >= 8
    for comparison in comparisons:
        if isinstance(comparison.expression, exp.CurrentTimestamp):
            assert as_of is None and comparison.this.to.this == exp.DataType.Type.TIMESTAMPTZ
            continue
        for side in (comparison.this, comparison.expression):
            assert not (isinstance(side, exp.Cast) and side.to.this in TIME_TYPES), comparison.sql("bigquery")
            if isinstance(side, exp.Literal) and side.is_string:
                date.fromisoformat(side.this)  # a day: coerced to DATE, DATETIME or TIMESTAMP alike
    # a timestamp moves by + INTERVAL (DATE_ADD takes only a DATE, TIMESTAMP_ADD only a TIMESTAMP)
    assert not list(tree.find_all(exp.TimestampAdd, exp.DatetimeAdd))
    assert any(isinstance(node.expression, exp.Interval) for node in tree.find_all(exp.Add))


def test_bigquery_bounds_are_day_strings_when_the_day_is_known():
    days = {node.this for node in parsed(WINDOWS, "bigquery").find_all(exp.Literal) if node.is_string}
    assert {"2024-07-01", "2024-06-01", "2024-05-02", "2024-06-24", "2024-02-01"} <= days


def test_check_db_tells_bigquerys_civil_time_columns_from_its_instants():
    catalog: Catalog = {**CATALOG, ("shop", "orders"): {**CATALOG[("shop", "orders")], "ordered_at": "DATETIME"},
                        ("web", "visits"): {**CATALOG[("web", "visits")], "seen_at": "TIMESTAMP"}}
    found = {d.message for d in notes(load_text(MODEL), catalog, "bigquery", ("shop",))}
    assert found == {"shop.orders.ordered_at is DATETIME, a civil time: its days are the days it holds, in no "
                     "time zone", "web.visits.seen_at is TIMESTAMP, an instant: its days are UTC days"}


# ---- Redshift: the history table --------------------------------------------------------------------------


class Recording(Target):
    """A database that records the statements segdsl sends it, as the dialect's SQL text."""

    def __init__(self, dialect: str, catalog: Catalog):
        self.dialect = dialect
        self._catalog = catalog
        self.statements: list[str] = []

    def fetch(self, statement: exp.Expr) -> Result:
        self.statements.append(self.render(statement))
        return Result(("n",), [(0,)])

    def execute(self, statement: exp.Expr) -> None:
        self.statements.append(self.render(statement))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        yield

    def catalog(self) -> Catalog:
        return self._catalog

    def search_path(self) -> tuple[str, ...]:
        return ("public",)

    def creation_schema(self) -> str | None:
        return "public"

    def close(self) -> None:
        pass


def test_redshift_creates_a_history_table_with_create_table_as_and_no_if_not_exists():
    """Redshift's CREATE TABLE AS takes no IF NOT EXISTS. The table is created as the day's query with no
    rows (its WITH at the top), segment and label wide enough for any later name."""
    program = load_text(MODEL + "segment big:\n    sum(orders.amount) > 100\n"
                        "segmentation tier:\n    gold when count(orders) > 3\n    else other\n")
    target = Recording("redshift", CATALOG)
    history.materialize(target, program, "shop.segment_history", D)
    statements = [sqlglot.parse_one(sql, read="redshift") for sql in target.statements]
    creates = [s for s in statements if isinstance(s, exp.Create)]
    assert [c.this.name for c in creates] == ["segment_history", "segment_history_runs"]
    runs = {select.alias_or_name: select.this for select in creates[1].expression.selects}
    assert runs["params"].to.sql("redshift") == runs["program"].to.sql("redshift") == "VARCHAR(MAX)"
    create = creates[0]
    assert not create.args.get("exists") and isinstance(create.expression, exp.Select)
    query = create.expression
    assert isinstance(query.args.get("with_"), exp.With)  # at the top: no WITH inside a derived table
    assert [subquery for subquery in query.find_all(exp.Subquery) if subquery.find(exp.With)] == []
    assert query.args["limit"].expression.this == "0"
    shapes = {select.alias_or_name: select.this for select in query.selects if isinstance(select, exp.Alias)}
    for column in ("segment", "label"):
        assert shapes[column].to.sql("redshift") == "VARCHAR(MAX)"
    kinds = [type(s).__name__ for s in statements]
    assert kinds.index("Create") < kinds.index("Delete") < kinds.index("Insert")


# ---- Databricks: timestamps move in a form every runtime reads ------------------------------------------

SEQUENCES = """segment returning:
    orders then visits within 7 days
segment once:
    orders then no orders within 3 days
segment repeat:
    visits then visits within 2 weeks
"""


@pytest.mark.parametrize("dialect", ["databricks", "spark"])
def test_a_timestamp_moves_by_an_interval_not_by_a_three_argument_date_add(dialect):
    """DATE_ADD(DAY, n, ts) needs Databricks Runtime 13.3 (Spark 3.3); ts + INTERVAL n DAY keeps the time of
    day on every runtime."""
    tree = parsed(SEQUENCES, dialect)
    assert not list(tree.find_all(exp.TimestampAdd, exp.DateAdd, exp.TsOrDsAdd))
    moved = [node for node in tree.find_all(exp.Add) if isinstance(node.expression, exp.Interval)]
    assert len(moved) >= 3
    assert {node.expression.unit.name for node in moved} == {"DAY"}


def test_the_minimum_databricks_runtime_is_stated():
    assert "Databricks Runtime 10.4 LTS or later" in " ".join((ROOT / "README.md").read_text().split())


# ---- SQL Server: time zones by their Windows names ----------------------------------------------------------

ZONED = ('timezone "{zone}"\ncustomers from c key id\nevents o from o by id at at\n'
         "segment s:\n    has o in last 2 days\n")


def test_sql_server_converts_with_the_windows_name_of_an_iana_zone():
    """AT TIME ZONE takes Windows names (sys.time_zone_info): New York's is CLDR's 'Eastern Standard Time';
    the day starts converted back to UTC parse as T-SQL."""
    sql = to_sql(load_text(ZONED.format(zone="America/New_York")), "tsql", "s")
    assert "AT TIME ZONE N'Eastern Standard Time'" in sql and "America/New_York" not in sql
    assert sqlglot.parse_one(sql, read="tsql").find(exp.AtTimeZone) is not None


@pytest.mark.parametrize("zone", ["America/Havana", "America/Santiago"])
def test_sql_server_refuses_a_zone_that_skips_a_midnight(zone):
    """SQL Server reads a skipped wall-clock time with the offset after the change (rule 9 reads it with the
    one before): for a zone whose day can start at 01:00 it would start that day an hour early, so the
    statement that needs the engine to find a day's start is refused; with --as-of segdsl computes it."""
    program = load_text(ZONED.format(zone=zone))
    with pytest.raises(SegdslError, match=r"^tsql: .*moves its clocks at midnight"):
        to_sql(program, "tsql", "s")
    assert "AT TIME ZONE" not in to_sql(program, "tsql", "s", date(2026, 6, 30))


# ---- JSON properties (rule 17) and lookups (rule 16): the derived tables around a scan -------------------

JSON = """lookup products from shop.products key product_id
customers from shop.customers key customer_id
events tracks from web.tracks by customer_id at ts with products on product_id json user
segment s:
    has tracks where (products.order = "x" and user.`ü`.gift)
"""


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
def test_the_columns_a_scan_computes_are_quoted_and_written_like_the_rest(dialect):
    """The lookups' joins and JSON values are added after the query is built: they go through the dialect's
    statement() too (a reserved word quoted, SQL Server's literals Unicode)."""
    sql = to_sql(load_text(JSON), dialect, "s", D)
    reserved = dialects.get(dialect).reserved_words
    for word in ("order", "user"):
        if word in reserved:
            assert f"l1.{word} " not in sql and f"r.{word}," not in sql and f"r.{word})" not in sql, word
    tree = sqlglot.parse_one(sql, read=dialect)
    if dialect == "tsql":
        assert [node.this for node in tree.find_all(exp.Literal) if node.is_string] == []


def test_sql_server_reads_json_text_in_a_binary_collation():
    """JSON_VALUE's text carries the column's collation, which ignores case: 'TRUE' would be true and
    '2024-06-20t10:00' a day. In Latin1_General_BIN2 they are neither, as on every other engine."""
    tree = parsed('events tracks from web.tracks by customer_id at ts json p\nsegment s:\n'
                  '    has tracks where (p.gift and p.signup in last 3 days)\n', "tsql")
    values = list(tree.find_all(exp.JSONExtractScalar))  # sqlglot's tree of T-SQL's JSON_VALUE
    assert values and all(isinstance(value.parent, exp.Collate) for value in values)


def test_redshift_refuses_a_json_path_deeper_than_five_keys():
    """JSON_EXTRACT_PATH_TEXT takes at most five keys: a longer path is a positioned error when compiling."""
    program = load_text("customers from c key id\nevents t from t by id at at json p\n"
                        'segment s: has t where p.a.b.c.d.e.f = "x"\nsegment ok: has t where p.a.b.c.d.e = "x"\n')
    with pytest.raises(SegdslError, match=r"^redshift: a JSON path reads at most 5 keys deep") as err:
        to_sql(program, "redshift", "s", D)
    assert err.value.diagnostics[0].span.line == 3
    assert "'a', 'b', 'c', 'd', 'e', TRUE" in to_sql(program, "redshift", "ok", D)
    assert "JSON_EXTRACT_PATH_TEXT" not in to_sql(program, "postgres", "s", D)


def test_check_db_notes_a_snowflake_json_column_that_holds_text():
    program = load_text("lookup products from shop.products key id json specs\n"
                        "customers from shop.c key id json prefs\n"
                        "events t from shop.t by id at ts json properties\n"
                        'segment s: has t where properties.plan = "pro" and prefs.tier = "a"\n')
    catalog = {("shop", "c"): {"id": "NUMBER(38,0)", "prefs": "VARIANT"},
               ("shop", "t"): {"id": "NUMBER(38,0)", "ts": "TIMESTAMP_NTZ(9)", "properties": "VARCHAR(16777216)"},
               ("shop", "products"): {"id": "NUMBER(38,0)", "specs": "OBJECT"}}
    found = notes(program, catalog, "snowflake", ("shop",))
    assert [(d.message, d.hint) for d in found] == [
        ("shop.t.properties is VARCHAR(16777216): Snowflake reads a JSON path in a VARIANT or OBJECT column, not in "
         "text", "make it VARIANT, or read the table through a view with PARSE_JSON(properties) AS properties")]
    assert found[0].span is not None and found[0].span.line == 3
    assert not notes(program, catalog, "duckdb", ("shop",))  # JSON text in a text column is JSON to the others
