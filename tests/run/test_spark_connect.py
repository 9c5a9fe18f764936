"""`--db sc://...`: Spark through Spark Connect, end to end through the command line.

A local Spark Connect server (the spark_connect fixture, engines/spark_connect.py) holds the small
shop; every test runs the command line in a subprocess against it: run (the same output as on a
DuckDB file of the same shop), check (an unknown column, positioned), materialize and diff (a rerun
replaces only its day, a day without members is emptied), report, and materialize in a process
killed with SIGKILL before its write and while the server runs it: the history then holds all of the
run's rows or none of them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from engines import Table

from segdsl.run.drivers.spark import schema_columns

from .small_shop import CUSTOMERS, JULY_1, JUNE_30, ORDERS, SOURCE, TABLES
from .test_history import ON_JULY_1, ON_JUNE_30, duckdb_load

ROOT = Path(__file__).parents[2]
WAIT = 600  # seconds a killed run's server may take to finish its write (never reached when all is well)


@pytest.fixture(scope="module")
def server(spark_connect):
    spark_connect.load(TABLES)
    return spark_connect


@pytest.fixture()
def seg(tmp_path: Path) -> Path:
    path = tmp_path / "shop.seg"
    path.write_text(SOURCE)
    return path


def segdsl(*args: str | Path, check: bool = False) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "segdsl", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def history(server, table: str) -> dict:
    server.query(f"REFRESH TABLE {table}")  # another session rewrote it: as any Spark reader must
    days: dict = {}
    for as_of, key, segment, label in server.query(f"SELECT as_of, customer_id, segment, label FROM {table}"):
        days.setdefault(as_of, set()).add((key, segment, label))
    return days


def fresh(server, table: str) -> str:
    server.query(f"DROP TABLE IF EXISTS {table}")
    return table


def test_the_catalog_reads_the_top_level_of_show_table_extended_s_schema_tree():
    information = textwrap.dedent("""\
        Catalog: spark_catalog
        Database: shop
        Table: t
        Schema: root
         |-- id: long (nullable = false)
         |-- we: ird: decimal(18,4) (nullable = true)
         |-- s: struct (nullable = true)
         |    |-- x: integer (nullable = true)
         |-- m: map (nullable = true)
         |    |-- key: string
         |    |-- value: integer (valueContainsNull = true)
         |-- at: timestamp_ntz (nullable = true)
         |-- n: integer (nullable = true)
        """)
    assert schema_columns(information) == {"id": "bigint", "we: ird": "decimal(18,4)", "s": "struct", "m": "map",
                                           "at": "timestamp_ntz", "n": "int"}
    assert schema_columns("View Text: select 1\n") == {}


def test_without_the_connect_client_the_error_names_the_extra_to_install(seg):
    no_client = "import sys; sys.modules['pyspark.sql.connect.session'] = None; " \
                "from segdsl.cli.main import main; main(sys.argv[1:], prog_name='segdsl')"
    done = subprocess.run([sys.executable, "-c", no_client, "run", str(seg), "--db", "sc://127.0.0.1:15002"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert (done.returncode, done.stderr) == (1, "error: Spark Connect URLs need the Python package "
                                                 "'pyspark.sql.connect.session'\nhint: pip install 'segdsl[spark]'\n")


def test_run_prints_what_it_prints_on_a_duckdb_file_of_the_same_shop(server, seg, tmp_path):
    duck = tmp_path / "warehouse.duckdb"  # a file named like its schema makes DuckDB names ambiguous
    with duckdb.connect(str(duck)) as con:
        duckdb_load(con, TABLES)
    for args in (["--as-of", "2026-06-30"], ["--as-of", "2026-07-01", "--segment", "kind", "--format", "csv"],
                 ["--as-of", "2026-06-30", "--segment", "buyers", "--format", "json"]):
        on_spark, on_duckdb = segdsl("run", seg, "--db", server.url, *args), segdsl("run", seg, "--db", duck, *args)
        assert on_duckdb.returncode == 0 and on_duckdb.stdout, on_duckdb.stderr
        assert (on_spark.returncode, on_spark.stdout) == (0, on_duckdb.stdout), on_spark.stderr


def test_check_positions_an_unknown_column_and_passes_a_clean_file(server, seg, tmp_path):
    done = segdsl("check", seg, "--db", server.url, check=True)
    assert done.stdout == f"{seg}: ok (2 segments, 1 segmentation, against {server.url})\n"
    bad = tmp_path / "bad.seg"
    bad.write_text(SOURCE.replace("age > 40", "agee > 40"))
    done = segdsl("check", bad, "--db", server.url)
    assert done.returncode == 1
    assert done.stderr.startswith(f"{bad}:4:16: error: column 'agee' not found in shop.customers\n")
    assert "hint: did you mean 'age'?" in done.stderr and "Traceback" not in done.stderr


def test_connection_errors_are_one_line_and_never_show_the_token(server, seg):
    token = "Sp4rk-t0ken-s3cret"
    for url, message in ((f"{server.url}/;token={token}", f"error: cannot connect to Spark Connect at {server.url}/;"
                                                           "token=***: failed to connect to all addresses"),
                         (f"sc://127.0.0.1:{server.port}/;token", "error: 'sc://127.0.0.1:"),
                         ("sc://127.0.0.1:1", "error: cannot connect to Spark Connect at sc://127.0.0.1:1: ")):
        done = segdsl("run", seg, "--db", url)
        assert done.returncode == 1 and done.stderr.startswith(message), done.stderr
        assert len(done.stderr.splitlines()) == 2 and "\nhint: " in done.stderr, done.stderr
        assert token not in done.stdout + done.stderr


def test_an_error_spark_meets_while_running_the_query_is_one_line(server, tmp_path):
    """Spark analyzes a query when it is sent and runs it when the rows are fetched: 'x' > 3 fails then."""
    people = Table("odd.people", (("id", "integer"), ("code", "text")), ((1, "7"), (2, "x")))
    seg = tmp_path / "odd.seg"
    seg.write_text("customers from odd.people key id\nsegment high: code > 3\n")
    server.load([*TABLES, people])
    try:
        done = segdsl("run", seg, "--db", server.url, "--as-of", "2026-06-30")
    finally:
        server.load(TABLES)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("error: the database rejected the query: [CAST_INVALID_INPUT] The value 'x'")
    assert len(done.stderr.splitlines()) == 1


def test_materialize_replaces_only_its_day_and_diff_reads_two(server, seg, tmp_path):
    table = fresh(server, "default.hist_days")
    for day in ("2026-06-30", "2026-07-01"):
        done = segdsl("materialize", seg, "--db", server.url, "--table", table, "--as-of", day, check=True)
        assert done.stdout == f"{table}: 6 rows as of {day}\n"
    assert history(server, table) == {JUNE_30: ON_JUNE_30, JULY_1: ON_JULY_1}
    # customer 1 orders on July 1st: a rerun for that day sees it, June 30th keeps its rows
    server.load([CUSTOMERS, Table(ORDERS.name, ORDERS.columns, (*ORDERS.rows, (1, JULY_1, 3)))])
    try:
        done = segdsl("materialize", seg, "--db", server.url, "--table", table, "--as-of", "2026-07-01", check=True)
        assert done.stdout == f"{table}: 7 rows as of 2026-07-01\n"
    finally:
        server.load(TABLES)
    assert history(server, table) == {JUNE_30: ON_JUNE_30, JULY_1: ON_JULY_1 | {(1, "buyers", None)}}
    done = segdsl("diff", "--db", server.url, "--table", table, "--from", "2026-06-30", "--to", "2026-07-01",
                  "--format", "json", check=True)
    assert json.loads(done.stdout) == [
        {"segment": "buyers", "label": None, "change": "entered", "customer_id": 3}]
    done = segdsl("diff", "--db", server.url, "--table", table, "--from", "2026-06-30", "--to", "2026-07-01",
                  "--summary", "--format", "csv", check=True)
    assert done.stdout == ("segment,label,size_from,size_to,entered,left\n"
                           "buyers,,2,3,1,0\nkind,old_buyer,1,1,0,0\nkind,other,2,2,0,0\nolder,,1,1,0,0\n")
    # a rerun in which nobody is in any segment empties the day (an empty overwrite would keep it)
    nobody = tmp_path / "nobody.seg"
    nobody.write_text("customers from shop.customers key customer_id\nsegment older: age > 400\n")
    done = segdsl("materialize", nobody, "--db", server.url, "--table", table, "--as-of", "2026-07-01", check=True)
    assert done.stdout == f"{table}: 0 rows as of 2026-07-01\n"
    assert history(server, table) == {JUNE_30: ON_JUNE_30}
    done = segdsl("diff", "--db", server.url, "--table", table, "--from", "2026-06-30", "--to", "2026-07-01")
    assert (done.returncode, done.stderr) == (1, f"error: {table} holds no rows for 2026-07-01\n"
                                                 "hint: materialized days: 2026-06-30\n")


def test_materialize_refuses_a_table_it_could_not_replace_a_day_of(server, seg):
    table = fresh(server, "default.hist_flat")
    server.query(f"CREATE TABLE {table} (as_of DATE, customer_id BIGINT, segment STRING, label STRING)")
    done = segdsl("materialize", seg, "--db", server.url, "--table", table, "--as-of", "2026-06-30")
    assert (done.returncode, done.stderr.splitlines()[0]) == (1, f"error: {table} is not partitioned by as_of")
    assert server.query(f"SELECT count(*) FROM {table}") == [(0,)]


def test_report_writes_the_page(server, seg, tmp_path):
    out = tmp_path / "report.html"
    done = segdsl("report", seg, "--db", server.url, "--as-of", "2026-06-30", "--out", out, check=True)
    assert done.stderr == f"wrote {out}\n"
    page = out.read_text()
    assert all(name in page for name in ("buyers", "older", "old_buyer"))


# A materialize that pauses where the test kills it: `before` the write (after the day's rows are
# evaluated), or once the request of the statement holding `WORDS` (its first words) has left for the
# server; the file MARKER then holds the operation's id, which the server logs when it takes it.
KILLABLE = textwrap.dedent("""
    import functools, pathlib, sys, time
    from pyspark.sql.connect.client import reattach
    import segdsl.cli.main as cli

    marker, where, *argv = sys.argv[1:]

    def pause(note):
        pathlib.Path(marker).write_text(note)
        time.sleep(3600)

    if where == "before":
        cli._paused_after_delete = lambda: functools.partial(pause, "before")
    else:
        sent = reattach.ExecutePlanResponseReattachableIterator.__init__

        def sending(self, request, *args, **kwargs):
            sent(self, request, *args, **kwargs)
            if where in str(request.plan):
                pause(self._operation_id)

        reattach.ExecutePlanResponseReattachableIterator.__init__ = sending
    cli.main(argv, prog_name="segdsl")
""")


def killed_while(server, seg: Path, table: str, where: str, tmp_path: Path) -> str:
    """Run materialize of July 1st until it pauses `where` (see KILLABLE), then SIGKILL it; its marker."""
    marker = tmp_path / "paused"
    marker.unlink(missing_ok=True)
    process = subprocess.Popen([sys.executable, "-c", KILLABLE, str(marker), where, "materialize", str(seg),
                                "--db", server.url, "--table", table, "--as-of", "2026-07-01"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + WAIT
        while not marker.exists() or not marker.read_text():
            assert process.poll() is None, f"materialize ended before it paused:\n{process.communicate()[1]}"
            assert time.monotonic() < deadline, "materialize did not reach the point to kill it at"
            time.sleep(0.1)
        note = marker.read_text()
        if where != "before":  # the server has the statement: it logs the operation it takes
            wait_for(lambda: note in Path(server.log).read_text(errors="replace"), "the server to take it")
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait() == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    return note


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT} s for {what}"
        time.sleep(0.2)


def test_a_run_killed_before_its_write_leaves_the_history_as_it_was(server, seg, tmp_path):
    table = fresh(server, "default.hist_killed_before")
    segdsl("materialize", seg, "--db", server.url, "--table", table, "--as-of", "2026-06-30", check=True)
    server.load([CUSTOMERS, Table(ORDERS.name, ORDERS.columns, (*ORDERS.rows, (1, JULY_1, 3)))])
    try:
        killed_while(server, seg, table, "before", tmp_path)
    finally:
        server.load(TABLES)
    assert history(server, table) == {JUNE_30: ON_JUNE_30}


@pytest.mark.parametrize("write, table_before", [("CREATE TABLE", None), ("INSERT OVERWRITE", "2026-07-01")])
def test_a_run_killed_while_the_server_writes_leaves_all_of_its_rows(server, seg, tmp_path, write, table_before):
    """Spark Connect goes on with a statement it has received when the client dies: the write ends whole
    (a first run's table with all its rows, or the day's partition replaced by all of the new rows)."""
    table = fresh(server, f"default.hist_killed_{write.split()[0].lower()}")
    if table_before:
        segdsl("materialize", seg, "--db", server.url, "--table", table, "--as-of", table_before, check=True)
        server.load([CUSTOMERS, Table(ORDERS.name, ORDERS.columns, (*ORDERS.rows, (1, JULY_1, 3)))])
    expected = {JULY_1: ON_JULY_1 | ({(1, "buyers", None)} if table_before else set())}
    try:
        killed_while(server, seg, table, write, tmp_path)

        def written() -> bool:
            if not server.query(f"SHOW TABLES IN default LIKE '{table.split('.')[1]}'"):
                return False
            try:
                return history(server, table) == expected
            except Exception as error:  # a reader during the overwrite may find a file it listed gone
                if "FILE_NOT_EXIST" not in str(error):
                    raise
                return False

        wait_for(written, "the server to finish the killed run's write")
    finally:
        server.load(TABLES)
