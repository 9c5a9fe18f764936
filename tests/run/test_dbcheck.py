"""`segdsl check FILE --db TARGET`: tables, columns and types against a real database."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from engines import Table, programs
from hypothesis import HealthCheck, given, settings

from segdsl.cli.main import main
from segdsl.compile import compiler
from segdsl.errors import SegdslError
from segdsl.run import demo
from segdsl.run.catalog import Catalog, duckdb_catalog
from segdsl.run.dbcheck import check_database, kind_of, type_problems

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.seg"))

MODEL = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
events tickets from support.tickets by customer_id at opened_on date
"""

TRACKS = "events tracks from web.tracks by user_id at ts json properties\n"
LOOKUP = ("lookup products from shop.products key product_id\n"
          "events o2 from shop.orders by customer_id at ordered_at with products on product_id\n")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo data as a DuckDB file."""
    path = tmp_path_factory.mktemp("db") / "demo.duckdb"
    con = duckdb.connect(str(path))
    demo.load_demo(con, 200)
    con.close()
    return path


@pytest.mark.parametrize("type_name, kind", [
    ("BIGINT", "number"), ("DECIMAL(18,2)", "number"), ("double precision", "number"), ("int4", "number"),
    ("HUGEINT", "number"), ("numeric(10,2)", "number"), ("FLOAT", "number"),
    ("VARCHAR", "string"), ("character varying", "string"), ("text", "string"), ("ENUM('a', 'b')", "string"),
    ("DATE", "date"), ("TIMESTAMP", "timestamp"), ("TIMESTAMP WITH TIME ZONE", "timestamp"),
    ("timestamp without time zone", "timestamp"), ("TIMESTAMP_NS", "timestamp"), ("BOOLEAN", "boolean"),
    ("INTEGER[]", None), ("TIME", None), ("UUID", None), ("INTERVAL", None), ("BLOB", None),
])
def test_database_type_names_map_to_the_language_kinds(type_name, kind):
    assert kind_of(type_name) == kind


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_checks_clean_against_the_demo_data(demo_db, example):
    result = CliRunner().invoke(main, ["check", str(example), "--db", str(demo_db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith(f"against {demo_db})")


BAD = [
    # (the program's last lines, the message, line:column of the caret, hint)
    ("segment x: sum(orders.category) > 10", "sum needs a number, but orders.category is VARCHAR", "4:23",
     "count(...) counts rows of any type"),
    ("segment x: avg(orders.channel) > 10", "avg needs a number, but orders.channel is VARCHAR", "4:23", None),
    ("segment x: age like \"3%\"", "like needs text, but age is BIGINT", "4:12", None),
    ("segment x: has orders where amount like \"1%\"", "like needs text, but amount is DECIMAL", "4:29", None),
    ("segment x: email in last 3 days", "a window needs a date or timestamp, but email is VARCHAR", "4:12", None),
    ("segment x: first(orders.category) in last 3 days",
     "a window needs a date or timestamp, but first(orders.category) is VARCHAR", "4:12", None),
    ("segment x: country = 3", "cannot compare country (VARCHAR) with 3 (a number)", "4:12",
     "write numbers and dates without quotes, and text in quotes"),
    ("segment x: age in (\"30\", \"40\")", "cannot compare age (BIGINT) with '30' (text)", "4:12", None),
    ("segment x: signup_date between 1 and 2", "cannot compare signup_date (DATE) with 1 (a number)", "4:12", None),
    ("segment x: count(orders where discount = \"x\") > 1", "cannot compare discount (DECIMAL", "4:31", None),
    ("segment x: max(orders.amount) > \"x\"", "cannot compare max(orders.amount) (DECIMAL(18,2)) with 'x'", "4:12",
     None),
    ("segment x: quintile(name) = 1", "ranking needs numbers or dates, but name is VARCHAR", "4:21", None),
    ("segment x: city in top 10%", "ranking needs numbers or dates, but city is VARCHAR", "4:12", None),
    ("segment x: age + name > 3", "arithmetic needs numbers, but name is VARCHAR", "4:18", None),
    ("segment x: ag > 3", "column 'ag' not found in shop.customers", "4:12", "did you mean 'age'?"),
    ("param min_orders = 2\nsegment x: count(orders) >= min_ordrs", "column 'min_ordrs' not found in shop.customers",
     "5:29", "did you mean 'min_orders'?"),
    ("segment x: sum(orders.amont) > 1", "column 'amont' not found in shop.orders", "4:23", "did you mean 'amount'?"),
    ("events views from web.pageviews by visitor_id at viewed_at\nsegment x: has views",
     "table 'web.pageviews' not found in the database", "4:19", "did you mean 'web.page_views'?"),
    ("events views from web.page_views by visitor_id at page\nsegment x: has views",
     "the time column page of web.page_views is VARCHAR, not a date or timestamp", "4:51", None),
    ("events views from web.page_views by page at viewed_at\nsegment x: has views",
     "web.page_views.page is VARCHAR but the key customer_id of shop.customers is BIGINT", "4:37", None),
    ("events logins from web.events by user_id at ts where event = 1\nsegment x: has logins",
     "cannot compare event (VARCHAR) with 1 (a number)", "4:54", None),
    # rules 11 and 12
    ("segment x: country in next 3 days", "a window needs a date or timestamp, but country is VARCHAR", "4:12", None),
    ("segment x: anniversary(age) in next 7 days", "anniversary needs a date or timestamp, but age is BIGINT",
     "4:24", None),
    ("segment x: years_since(name) >= 18", "years_since needs a date or timestamp, but name is VARCHAR", "4:24",
     None),
    ("segment x: sessions(orders where amount like \"1%\", 30 minutes) > 1", "like needs text, but amount is",
     "4:34", None),
    ("segment x: active_weeks(orders) + city > 1", "arithmetic needs numbers, but city is VARCHAR", "4:35", None),
    # rule 14: a trait's value is checked where it is declared, and its type travels to where it is used
    ("trait spend = sum(orders.category)\nsegment x: spend > 1", "sum needs a number, but orders.category is",
     "4:26", None),
    ("trait home = city\nsegment x: home > 3", "cannot compare home (VARCHAR) with 3 (a number)", "5:12", None),
    ("trait home = city\nsegment x: home in top 5%", "ranking needs numbers or dates, but home is VARCHAR", "5:12",
     None),
    ("trait city = count(orders)\nsegment x: city > 1", "'city' is both a trait and a column of shop.customers",
     "4:1", "rename the trait"),
    ("trait spend = sum(orders.amont)", "column 'amont' not found in shop.orders", "4:26", "did you mean 'amount'?"),
    # rule 14
    ("segment x: median(orders.category) > 10", "median needs a number, but orders.category is VARCHAR", "4:26",
     "most_frequent(orders.category) gives its most common value"),
    ("segment x: most_frequent(orders.channel) in last 3 days",
     "a window needs a date or timestamp, but most_frequent(orders.channel) is VARCHAR", "4:12", None),
    ("segment x: most_frequent(orders.amount) = \"x\"",
     "cannot compare most_frequent(orders.amount) (DECIMAL(18,2)) with 'x'", "4:12", None),
    # rule 15: the columns a step matches on exist on their sides and can be equal
    ("segment x: orders then tickets within 7 days matching orders.category = tickets.ticket_id",
     "cannot match orders.category (VARCHAR) with tickets.ticket_id (BIGINT)", "4:46", None),
    ("segment x: orders then tickets within 7 days matching topic", "column 'topic' not found in shop.orders",
     "4:55", None),
    ("segment x: tickets then orders within 7 days matching tickets.topic = orders.categry",
     "column 'categry' not found in shop.orders", "4:78", "did you mean 'category'?"),
    # lookups (rule 16): the lookup's table, key and columns, the join's column, their types, the key's uniqueness
    (LOOKUP + "segment x: has o2 where products.colour = \"red\"", "column 'colour' not found in shop.products",
     "6:25", None),
    (LOOKUP + "segment x: sum(o2.products.name) > 1", "sum needs a number, but o2.products.name is VARCHAR", "6:19",
     None),
    ("lookup products from shop.product key product_id\nsegment x: true", "table 'shop.product' not found", "4:22",
     None),
    ("lookup products from shop.products key sku\nsegment x: true",
     "column 'sku' not found in shop.products", "4:40", None),
    ("lookup products from shop.products key product_id\n"
     "events o2 from shop.orders by customer_id at ordered_at with products on prod\nsegment x: true",
     "column 'prod' not found in shop.orders", "5:57", None),
    ("lookup products from shop.products key product_id\n"
     "events o2 from shop.orders by customer_id at ordered_at with products on category\nsegment x: true",
     "shop.orders.category is VARCHAR but the key product_id of lookup 'products' is BIGINT: they cannot be "
     "matched", "5:57", None),
    ("lookup buyers from shop.orders key customer_id\nsegment x: true",
     "the key customer_id of lookup 'buyers' is not unique:", "4:36", "each row that joins it would be repeated"),
    # JSON properties (rule 17): the JSON column exists and can hold JSON (not its keys); a path is typed by use
    ("events t2 from web.tracks by user_id at ts json props\nsegment x: has t2 where props.price > 3",
     "column 'props' not found in web.tracks", "4:49", "did you mean 'properties'?"),
    ("events t2 from web.tracks by user_id at ts json ts\nsegment x: has t2 where ts.a = \"1\"",
     "ts is declared json, but web.tracks.ts is TIMESTAMP", "4:49", "a json column holds JSON objects"),
    ("events o3 from shop.orders by customer_id at ordered_at json amount\nsegment x: true",
     "amount is declared json, but shop.orders.amount is DECIMAL(18,2)", "4:62", None),
    (TRACKS + "segment x: has tracks where properties.page like \"/p%\" and email in last 3 days",
     "a window needs a date or timestamp, but email is VARCHAR", "5:60", None),
    ("events t2 from web.tracks by user_id at ts\nsegment x: has t2 where properties.price > 3",
     "'properties' is not declared a JSON column of 't2'", "5:25",
     "web.tracks.properties holds JSON (JSON): declare it: ... json properties (at the end of the declaration "
     "of 't2')"),
]


@pytest.mark.parametrize("text, message, where, hint", BAD, ids=[b[1][:40] for b in BAD])
def test_mismatches_are_positioned_errors_with_hints(demo_db, tmp_path, text, message, where, hint):
    (tmp_path / "p.seg").write_text(MODEL + text + "\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p.seg"), "--db", str(demo_db)],
                                catch_exceptions=False)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{tmp_path / 'p.seg'}:{where}: error: {message}"), result.output
    assert "^" in result.output.splitlines()[2]
    if hint:
        assert f"hint: {hint}" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("line, name, message", [
    ("customers from shop.customer key customer_id", "shop.customer", "table 'shop.customer' not found"),
    ("customers from shop.customers key customerid", "customerid", "column 'customerid' not found in shop.customers"),
    ("events orders from shop.order by customer_id at ordered_at", "shop.order", "table 'shop.order' not found"),
    ("events orders from `shop`.`order` by customer_id at ordered_at", "`shop`.`order`",
     "table 'shop.order' not found"),
    ("events orders from shop.orders by customerid at ordered_at", "customerid",
     "column 'customerid' not found in shop.orders"),
    ("events visits from web.page_views by visitor_id at viewd_at", "viewd_at",
     "column 'viewd_at' not found in web.page_views"),
    ("events visits from web.page_views by visitor_id at page", "page", "the time column page of web.page_views is"),
    ("events visits from web.page_views by page at viewed_at", "page", "web.page_views.page is VARCHAR but the key"),
])
def test_a_table_or_column_of_a_declaration_is_underlined_where_it_is_named(demo_db, tmp_path, line, name, message):
    entity = line if line.startswith("customers") else MODEL.splitlines()[0]
    events = "" if line.startswith("customers") else line + "\n"
    (tmp_path / "p.seg").write_text(entity + "\n" + events + "segment x: age > 3\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p.seg"), "--db", str(demo_db)])
    assert result.exit_code == 1
    first, _source, caret = result.output.splitlines()[:3]
    column = line.rindex(" " + name) + 2
    assert first.startswith(f"{tmp_path / 'p.seg'}:{1 if events == '' else 2}:{column}: error: {message}"), first
    assert caret.split("|")[1].strip() == "^" * len(name), result.output
    assert caret.index("^") - caret.index("|") - 2 == column - 1


def test_every_problem_is_reported_together_in_file_order(demo_db):
    text = MODEL + "segment a: sum(orders.category) > 1 and ag > 3\nsegment b: email like 3\nsegment c: city like 'x'"
    program = compiler.load_text(text.replace("email like 3", "email in last 3 days"), "p.seg")
    with pytest.raises(SegdslError) as caught:
        con = duckdb.connect(str(demo_db), read_only=True)
        try:
            check_database(program, duckdb_catalog(con))
        finally:
            con.close()
    assert [(d.span.line, d.span.column) for d in caught.value.diagnostics] == [(4, 23), (4, 41), (5, 12)]


def test_a_clean_file_without_db_is_not_checked_against_anything(tmp_path):
    (tmp_path / "p.seg").write_text(MODEL + "segment x: sum(orders.category) > 1\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p.seg")], catch_exceptions=False)
    assert result.exit_code == 0 and "against" not in result.output


def test_csv_times_written_as_text_count_as_times(tmp_path):
    (tmp_path / "data" / "shop").mkdir(parents=True)
    (tmp_path / "data" / "shop" / "customers.csv").write_text("customer_id,age\n1,30\n")
    (tmp_path / "data" / "shop" / "orders.csv").write_text("customer_id,ordered_at,amount\n1,6/29/2024 10:00,5\n")
    (tmp_path / "p.seg").write_text(MODEL.replace("events tickets", "# events tickets") +
                                    "segment x: has orders in last 3 days and sum(orders.amount) > 1\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p.seg"), "--db", str(tmp_path / "data")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _postgres_catalog(engine) -> Catalog:
    rows = engine.query("SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
                        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")
    catalog: Catalog = {}
    for schema, table, column, kind in rows:
        catalog.setdefault((schema.lower(), table.lower()), {})[column.lower()] = kind
    return catalog


def test_the_type_check_reads_a_postgresql_catalog(postgres_engine):
    tables = [Table(t.name, t.columns, tuple(t.rows)) for t in demo.demo_tables(20)]
    postgres_engine.load(tables)
    catalog = _postgres_catalog(postgres_engine)
    assert catalog[("shop", "orders")]["ordered_at"] == "timestamp without time zone"
    for example in EXAMPLES:
        assert type_problems(compiler.load_file(example), catalog) == [], example
    program = compiler.load_text(MODEL + "segment x: sum(orders.category) > 1 and email in last 3 days\n"
                                         "segment y: age like '3%'", "p.seg")
    assert [d.message for d in type_problems(program, catalog)] == [
        "sum needs a number, but orders.category is text",
        "a window needs a date or timestamp, but email is text",
        "like needs text, but age is bigint"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=programs.cases())
def test_generated_programs_that_run_everywhere_pass_the_type_check(duckdb_engine, case):
    """No false alarms: the random valid programs of the differential tests run on
    every engine, so the type check must accept every one of them."""
    duckdb_engine.load([Table(t.name, t.columns, ()) for t in case.tables])
    check_database(case.program(), duckdb_catalog(duckdb_engine.connection))


def test_problems_of_the_program_and_of_the_database_are_reported_together(demo_db, tmp_path):
    (tmp_path / "p.seg").write_text(MODEL + "events visits from web.page_views by visitor_id at viewd_at\n"
                                    "segment a: has orders wher amount > 1\nsegment b: has ordrs or ag > 3\n"
                                    "segment c: sum(orders.category) > 3 and a\nsegment f: g and agee > 3\n"
                                    "segment g: f\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p.seg"), "--db", str(demo_db)])
    assert result.exit_code == 1
    errors = [line.split(":", 1)[1].split(": error: ") for line in result.output.splitlines() if ": error: " in line]
    assert [(where, message.split(";")[0]) for where, message in errors] == [
        ("5:23", "unexpected 'wher'"),
        ("6:16", "unknown event set 'ordrs'"),
        ("9:12", "'f' refers to itself: f -> g -> f"),
        ("4:52", "column 'viewd_at' not found in web.page_views"),
        ("6:25", "column 'ag' not found in shop.customers"),
        ("7:23", "sum needs a number, but orders.category is VARCHAR"),
        ("8:18", "column 'agee' not found in shop.customers"),
    ]


def test_a_program_without_its_entity_is_not_checked_against_the_database(demo_db, tmp_path):
    (tmp_path / "p.seg").write_text("events orders from shop.orders by customer_id at ordered_at\nsegment x: ag > 3\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p.seg"), "--db", str(demo_db)])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if ": error: " in line] == [
        f"{tmp_path / 'p.seg'}:1:1: error: no entity table declared"]


def test_json_paths_check_clean_whatever_the_keys(demo_db, tmp_path):
    """Keys are not columns: a path's keys are not looked up; its value is typed by use, not by the column."""
    (tmp_path / "p.seg").write_text(MODEL + TRACKS + "segment a: has tracks where properties.no_such.key > 3\n"
                                    "segment b: sum(tracks.properties.price) > 3 and has tracks where "
                                    "(properties.trial_ends in last 3 days)\n"
                                    "segment c: tracks then orders within 1 day matching "
                                    "tracks.properties.product_id = orders.product_id\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p.seg"), "--db", str(demo_db)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("type_name", ["JSON", "VARCHAR", "JSONB", "VARIANT", "SUPER"])
def test_a_json_column_may_be_of_a_json_type_or_text(type_name):
    program = compiler.load_text(MODEL + TRACKS + "segment a: has tracks where properties.page = \"/\"\n", "p.seg")
    catalog: Catalog = {("shop", "customers"): {"customer_id": "BIGINT"},
                        ("shop", "orders"): {"customer_id": "BIGINT", "ordered_at": "TIMESTAMP"},
                        ("support", "tickets"): {"customer_id": "BIGINT", "opened_on": "DATE"},
                        ("web", "tracks"): {"user_id": "BIGINT", "ts": "TIMESTAMP", "properties": type_name}}
    check_database(program, catalog)


def test_the_hint_names_the_column_that_holds_json_only_where_it_does(demo_db, tmp_path):
    (tmp_path / "p.seg").write_text(MODEL + "segment x: email.domain = \"a\"\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p.seg"), "--db", str(demo_db)])
    assert result.exit_code == 1 and "hint: declare it: ... json email" in result.output, result.output
    assert "holds JSON" not in result.output
