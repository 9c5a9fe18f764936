"""The CLI contract that users' scripts and the acceptance suites call."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlglot
from click.testing import CliRunner

from segdsl.cli.main import main
from segdsl.insight import shown

PROGRAM = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
param min_orders = 2
segment repeat "Two or more orders": count(orders) >= min_orders
segment recent: has orders in last 7 days
segmentation tier:
    vip when repeat and recent
    else regular
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A .seg file and a folder of CSV files (a subfolder is a schema)."""
    (tmp_path / "data" / "shop").mkdir(parents=True)
    (tmp_path / "data" / "shop" / "customers.csv").write_text("customer_id,name\n1,Ann\n2,Bob\n3,Cy\n")
    (tmp_path / "data" / "shop" / "orders.csv").write_text(
        "customer_id,ordered_at,amount\n1,2024-06-29 10:00:00,5\n1,2024-06-01 10:00:00,7\n"
        "2,2024-06-30 23:59:59,3\n2,2024-07-01 00:00:00,9\n3,2024-01-01 00:00:00,1\n3,2024-02-01 00:00:00,1\n")
    (tmp_path / "p.seg").write_text(PROGRAM)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_compile_prints_one_statement_whose_first_column_is_the_key(project):
    result = invoke("compile", str(project / "p.seg"), "--segment", "repeat", "--as-of", "2024-06-30")
    assert result.exit_code == 0
    statements = sqlglot.parse(result.output, read="duckdb")
    assert len([s for s in statements if s is not None]) == 1
    assert statements[0].expressions[0].alias_or_name == "customer_id"


@pytest.mark.parametrize("dialect", ["postgres", "tsql", "sqlite", "bigquery"])
def test_compile_for_a_dialect_parses_in_that_dialect(project, dialect):
    result = invoke("compile", str(project / "p.seg"), "--dialect", dialect)
    assert result.exit_code == 0
    sqlglot.parse_one(result.output.rstrip().rstrip(";"), read=dialect)


def test_run_segment_members_as_csv_with_a_header(project):
    result = invoke("run", str(project / "p.seg"), "--db", str(project / "data"), "--segment", "repeat",
                    "--as-of", "2024-06-30", "--format", "csv")
    assert result.exit_code == 0, result.output
    # customer 2's second order is after the as-of day: it does not exist yet
    assert list(csv.reader(io.StringIO(result.output))) == [["customer_id"], ["1"], ["3"]]


def test_run_with_a_parameter(project):
    result = invoke("run", str(project / "p.seg"), "--db", str(project / "data"), "--segment", "repeat",
                    "--as-of", "2024-07-01", "--param", "min_orders=1", "--format", "json")
    assert json.loads(result.output) == [{"customer_id": 1}, {"customer_id": 2}, {"customer_id": 3}]


def test_run_segmentation_gives_key_and_label(project):
    result = invoke("run", str(project / "p.seg"), "--db", str(project / "data"), "--segment", "tier",
                    "--as-of", "2024-06-30", "--format", "csv")
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["customer_id", "label"], ["1", "vip"], ["2", "regular"], ["3", "regular"]]


def test_run_without_segment_gives_sizes_and_shares(project):
    result = invoke("run", str(project / "p.seg"), "--db", str(project / "data"), "--as-of", "2024-06-30",
                    "--format", "json")
    assert json.loads(result.output) == [
        {"name": "repeat", "label": None, "size": 2, "share": 0.6667},
        {"name": "recent", "label": None, "size": 2, "share": 0.6667},
        {"name": "tier", "label": "vip", "size": 1, "share": 0.3333},
        {"name": "tier", "label": "regular", "size": 2, "share": 0.6667},
    ]


def test_run_on_a_duckdb_file(project, tmp_path):
    db = tmp_path / "shop.duckdb"  # named like its schema: the runner must not mix them up
    con = duckdb.connect()
    con.execute(f"ATTACH '{db}' AS warehouse")
    con.execute("USE warehouse")
    con.execute("CREATE SCHEMA shop")
    con.execute(f"CREATE TABLE shop.customers AS SELECT * FROM '{project / 'data/shop/customers.csv'}'")
    con.execute(f"CREATE TABLE shop.orders AS SELECT * FROM '{project / 'data/shop/orders.csv'}'")
    con.close()
    result = invoke("run", str(project / "p.seg"), "--db", str(db), "--segment", "recent", "--as-of", "2024-06-30",
                    "--format", "csv")
    assert result.output.split() == ["customer_id", "1", "2"]


def test_table_format_is_the_default_and_reads_as_a_report(project):
    (project / "p.seg").write_text(PROGRAM.replace('"Two or more orders"', '"At least `min_orders` orders"')
                                   .replace("min_orders = 2", "min_orders = 5"))
    result = invoke("run", str(project / "p.seg"), "--db", str(project / "data"), "--as-of", "2024-06-30",
                    "--param", "min_orders=2")
    assert result.exit_code == 0
    assert result.output == (
        "3 customers, as of 2024-06-30\n"
        "\n"
        "segment  customers  share  description\n"
        "repeat           2  66.7%  At least 2 orders\n"
        "recent           2  66.7%\n"
        "\n"
        "segmentation tier\n"
        "label    customers  share\n"
        "vip              1  33.3%\n"
        "regular          2  66.7%\n")


def test_the_sizes_report_shares_are_percentages_and_counts_thousands_separated():
    assert [shown.percent(c, 12_345) for c in (0, 1, 6, 7, 12_345)] == ["0.0%", "<0.1%", "<0.1%", "0.1%",
                                                                              "100.0%"]
    assert shown.percent(0, 0) == "-"


def test_check_exits_0_on_a_clean_file(project):
    result = invoke("check", str(project / "p.seg"))
    assert result.exit_code == 0 and "ok" in result.output


@pytest.mark.parametrize("args, message", [
    (["check", "{dir}/bad.seg"], "bad.seg:2:12: error: unknown segment 'repeet'"),
    (["compile", "{dir}/p.seg", "--segment", "repeet"], "unknown segment 'repeet'"),
    (["compile", "{dir}/p.seg", "--param", "min_orders=many"], "bad value for parameter 'min_orders'"),
    (["compile", "{dir}/p.seg", "--param", "min_order=3"], "did you mean 'min_orders'?"),
    (["run", "{dir}/p.seg", "--db", "{dir}/nowhere"], "does not exist"),
    (["run", "{dir}/bad_column.seg", "--db", "{dir}/data", "--segment", "x"], "column 'amont' not found"),
    (["check", "{dir}/missing.seg"], "cannot read"),
    (["check", "{dir}/latin1.seg"], "not valid UTF-8"),
])
def test_user_errors_exit_1_with_a_message(project, args, message):
    (project / "bad.seg").write_text("customers from t key id\nsegment x: repeet")
    (project / "bad_column.seg").write_text(PROGRAM + "segment x: sum(orders.amont) > 1\n")
    (project / "latin1.seg").write_bytes("customers from t key id\n# caf\xe9\n".encode("latin-1"))
    result = CliRunner().invoke(main, [a.format(dir=project) for a in args])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [
    ["compile", "{dir}/p.seg", "--dialect", "oracle"],
    ["compile", "{dir}/p.seg", "--as-of", "2024-13-01"],
    ["compile", "{dir}/p.seg", "--param", "novalue"],
    ["run", "{dir}/p.seg", "--format", "xml"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(project, args):
    result = CliRunner().invoke(main, [a.format(dir=project) for a in args])
    assert result.exit_code == 2


def test_the_installed_command_never_prints_a_traceback(project):
    (project / "bad.seg").write_text("customers from t key id\nsegment x: (((")
    done = subprocess.run([sys.executable, "-m", "segdsl", "check", str(project / "bad.seg")],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "bad.seg:2:" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("times, expected", [
    (("6/29/2024 10:00", "6/1/2024 10:00", "6/30/2024 23:59", "7/1/2024 0:00", "1/1/2024 0:00", "2/1/2024 0:00"),
     ["1", "2"]),                                       # US month/day/year, as in public retail data sets
    (("29/06/2024 10:00:00", "01/06/2024 10:00:00", "30/06/2024 23:59:59", "01/07/2024 00:00:00",
      "01/01/2024 00:00:00", "01/02/2024 00:00:00"), ["1", "2"]),   # day/month/year
])
def test_csv_time_columns_written_as_text_are_parsed(project, times, expected):
    lines = ["customer_id,ordered_at,amount"] + [f"{key},{time},1" for key, time in zip("112233", times)]
    (project / "data" / "shop" / "orders.csv").write_text("\n".join(lines) + "\n")
    result = invoke("run", str(project / "p.seg"), "--db", str(project / "data"), "--segment", "recent",
                    "--as-of", "2024-06-30", "--format", "csv")
    assert result.output.split() == ["customer_id", *expected]


def test_a_time_column_that_is_not_a_time_is_a_user_error(project):
    (project / "data" / "shop" / "orders.csv").write_text("customer_id,ordered_at\n1,yesterday\n")
    result = CliRunner().invoke(main, ["run", str(project / "p.seg"), "--db", str(project / "data")])
    assert result.exit_code == 1
    assert "ordered_at of shop.orders holds text that is not a date or time: 'yesterday'" in result.output
    assert "p.seg:2:" in result.output


def test_data_is_printed_as_it_is_even_where_it_looks_like_a_password(tmp_path):
    """Only messages are masked: SQL and a formatted file keep a URL with a password in a string intact."""
    url = "postgresql://bob:hunter22@db/shop"
    text = f'customers from shop.customers key id\n\nsegment s "From {url}":\n    source = "{url}"\n'
    (tmp_path / "u.seg").write_text(text)
    done = invoke("compile", str(tmp_path / "u.seg"), "--segment", "s")
    assert done.exit_code == 0 and f"source = '{url}'" in done.stdout and f"From {url}" in done.stdout
    done = CliRunner().invoke(main, ["fmt", "-"], input=text)
    assert (done.exit_code, done.stdout) == (0, text)
