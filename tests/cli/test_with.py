"""The audience export: `run --segment S --with NAME,...` and `compile --segment S --with ...` (rule 14), and
segdsl.members(with_=...): members with their traits, labels, flags and entity columns."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlglot
from click.testing import CliRunner

import segdsl
from segdsl.cli.main import main
from segdsl.run.exports import exported

PROGRAM = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
trait spend "Lifetime spend" = sum(orders.amount)
trait orders_count = count(orders)
trait last_order = last(orders.ordered_at)
trait per_order = spend / orders_count
segment buyers "Ordered at all": orders_count >= 1
segment big: spend >= 10
segmentation tier:
    vip when big
    else regular
"""
AS_OF = "2024-06-30"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "data" / "shop").mkdir(parents=True)
    (tmp_path / "data" / "shop" / "customers.csv").write_text(
        "customer_id,name,city\n1,Ann,Oslo\n2,Bob,\n3,Cy,Rome\n4,Di,Nice\n")
    (tmp_path / "data" / "shop" / "orders.csv").write_text(
        "customer_id,ordered_at,amount\n1,2024-06-29 10:00:00,5.5\n1,2024-06-01 10:00:00,7\n"
        "2,2024-06-30 23:59:59,3\n2,2024-07-01 00:00:00,9\n3,2024-01-01 00:00:00,1\n")
    (tmp_path / "p.seg").write_text(PROGRAM)
    return tmp_path


def run(project: Path, *args: str):
    return CliRunner().invoke(main, ["run", str(project / "p.seg"), "--db", str(project / "data"),
                                     "--as-of", AS_OF, *args], catch_exceptions=False)


# customer 1: 5.5 + 7 over 2 orders; 2: one order by the as-of day (the other is after it); 3: one; 4: none
EXPECTED = [
    {"customer_id": 1, "spend": 12.5, "orders_count": 2, "last_order": "2024-06-29T10:00:00", "per_order": 6.25,
     "tier": "vip", "big": True, "city": "Oslo"},
    {"customer_id": 2, "spend": 3, "orders_count": 1, "last_order": "2024-06-30T23:59:59", "per_order": 3,
     "tier": "regular", "big": False, "city": None},
    {"customer_id": 3, "spend": 1, "orders_count": 1, "last_order": "2024-01-01T00:00:00", "per_order": 1,
     "tier": "regular", "big": False, "city": "Rome"},
]
NAMES = "spend,orders_count,last_order,per_order,tier,big,city"


def test_json_holds_each_member_with_the_named_columns_in_order(project):
    result = run(project, "--segment", "buyers", "--with", NAMES, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [list(row) for row in rows] == [["customer_id", *NAMES.split(",")]] * 3
    assert [{k: bool(v) if k == "big" else v for k, v in row.items()} for row in rows] == EXPECTED


def test_csv_has_a_header_and_one_row_per_member(project):
    result = run(project, "--segment", "buyers", "--with", "spend,city", "--with", "tier", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [["customer_id", "spend", "city", "tier"], ["1", "12.5", "Oslo", "vip"], ["2", "3", "", "regular"],
                    ["3", "1", "Rome", "regular"]]


def test_the_table_lists_the_members_with_their_values(project):
    result = run(project, "--segment", "big", "--with", "spend,orders_count")
    assert result.exit_code == 0, result.output
    header, _rule, row, count = result.stdout.splitlines()
    assert header.split() == ["customer_id", "spend", "orders_count"]
    assert row.split() == ["1", "12.5", "2"]
    assert count == "(1 customer)"


def test_a_segmentation_exports_its_label_then_the_columns(project):
    result = run(project, "--segment", "tier", "--with", "spend", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0] == {"customer_id": 1, "label": "vip", "spend": 12.5}
    assert [row["spend"] for row in json.loads(result.stdout)] == [12.5, 3, 1, 0]  # no orders: a sum of 0


def test_compile_prints_the_export_statement(project):
    result = CliRunner().invoke(main, ["compile", str(project / "p.seg"), "--segment", "buyers", "--with",
                                       "spend,city", "--dialect", "postgres"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    statement = sqlglot.parse_one(result.stdout, read="postgres")
    assert [column.alias_or_name for column in statement.expressions] == ["customer_id", "spend", "city"]


@pytest.mark.parametrize(("names", "message"), [
    ("spend,customer_id", "--with:1:7: error: 'customer_id' is already a column of the result: the entity key"),
    ("orders", "--with:1:1: error: 'orders' is an event set, not a value"),
    ("spend,sum(x)", "--with:1:7: error: 'sum(x)' is not a name"),
    ("spendd", "error: column 'spendd' not found in shop.customers"),
])
def test_a_name_that_cannot_be_a_column_is_a_positioned_user_error(project, names, message):
    result = run(project, "--segment", "buyers", "--with", names)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_column_suggests_the_trait_meant(project):
    result = run(project, "--segment", "buyers", "--with", "spendd")
    assert "did you mean 'spend'?" in result.stderr


def test_with_needs_a_segment(project):
    result = run(project, "--with", "spend")
    assert result.exit_code == 2
    assert "--with needs --segment" in result.stderr


def test_the_python_api_exports_the_same_columns(project):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA shop")
    for table in ("customers", "orders"):
        con.execute(f"CREATE TABLE shop.{table} AS SELECT * FROM read_csv_auto(?)",
                    [str(project / "data" / "shop" / f"{table}.csv")])
    result = segdsl.members(con, project / "p.seg", "buyers", AS_OF, with_=["spend", "tier"])
    assert result.columns == ("customer_id", "spend", "tier")
    assert result.rows == [(1, Decimal("12.50"), "vip"), (2, Decimal("3.00"), "regular"),
                           (3, Decimal("1.00"), "regular")]


@pytest.mark.parametrize("dialect", segdsl.DIALECTS)
def test_the_export_statement_parses_back_in_every_dialect(dialect):
    program = segdsl.load_text(PROGRAM)
    items = exported(program, ["spend", "per_order", "tier", "big", "city"], "buyers")
    for as_of in (date(2024, 6, 30), None):
        statement = sqlglot.parse_one(segdsl.to_sql(program, dialect, "buyers", as_of, items=items), read=dialect)
        assert [c.alias_or_name for c in statement.expressions] == ["customer_id", "spend", "per_order", "tier",
                                                                    "big", "city"], dialect


PATHS = """lookup regions from shop.regions key region_id
customers from shop.customers key customer_id
    with regions on region_id json prefs
events orders from shop.orders by customer_id at ordered_at
segment buyers: count(orders) >= 1
"""


@pytest.fixture()
def paths_project(tmp_path: Path) -> Path:
    (tmp_path / "data" / "shop").mkdir(parents=True)
    (tmp_path / "data" / "shop" / "customers.csv").write_text(
        'customer_id,region_id,prefs\n1,10,"{""plan"": ""pro"", ""seats"": 3}"\n2,20,"{""plan"": ""free""}"\n'
        "3,30,\n")
    (tmp_path / "data" / "shop" / "regions.csv").write_text("region_id,name\n10,North\n20,South\n")
    (tmp_path / "data" / "shop" / "orders.csv").write_text(
        "customer_id,ordered_at\n1,2024-06-01 10:00:00\n2,2024-06-02 10:00:00\n3,2024-06-03 10:00:00\n")
    (tmp_path / "p.seg").write_text(PATHS)
    return tmp_path


def test_a_path_exports_a_lookups_column_or_a_json_key_as_a_segment_reads_it(paths_project):
    result = run(paths_project, "--segment", "buyers", "--with", "regions.name,prefs.plan,prefs.seats",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [  # customer 3's region is not in the lookup; its prefs are missing
        {"customer_id": 1, "regions.name": "North", "prefs.plan": "pro", "prefs.seats": "3"},
        {"customer_id": 2, "regions.name": "South", "prefs.plan": "free", "prefs.seats": None},
        {"customer_id": 3, "regions.name": None, "prefs.plan": None, "prefs.seats": None}]


@pytest.mark.parametrize(("names", "message", "hint"), [
    ("prefs.plan,regionz.name", "--with:1:12: error: 'customers' joins no lookup 'regionz', nor declares it a JSON "
                                "column", "did you mean 'regions'?"),
    ("regions.nam", "--with:1:1: error: column 'nam' not found in shop.regions", "did you mean 'name'?"),
])
def test_a_path_that_reads_nothing_is_a_positioned_user_error(paths_project, names, message, hint):
    result = run(paths_project, "--segment", "buyers", "--with", names)
    assert result.exit_code == 1
    assert message in result.stderr and hint in result.stderr
    assert f"    1 | {names}\n" in result.stderr  # the list as written, under a caret
    assert "Traceback" not in result.output


@pytest.mark.parametrize("dialect", segdsl.DIALECTS)
def test_a_paths_column_is_named_as_written_in_every_dialect(dialect):
    program = segdsl.load_text(PATHS)
    items = exported(program, ["regions.name", "prefs.plan"], "buyers")
    statement = sqlglot.parse_one(segdsl.to_sql(program, dialect, "buyers", date(2024, 6, 30), items=items),
                                  read=dialect)
    assert [c.alias_or_name for c in statement.expressions] == ["customer_id", "regions.name", "prefs.plan"]
