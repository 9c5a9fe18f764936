"""Segment history: materialize and diff on a DuckDB file and on the real PostgreSQL server.

Each test gets a database of its own (a DuckDB file in tmp_path, a fresh
PostgreSQL database) holding a tiny shop, written by hand so the expected
history rows can be read off the data.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from engines import Table
from engines.pgdb import fresh_database, load

from segdsl import dialects
from segdsl.cli.main import main
from segdsl.compile import compiler
from segdsl.errors import SegdslError, render
from segdsl.run import history, runner

from .small_shop import CUSTOMERS, JULY_1, JUNE_30, ORDERS, SOURCE

# (key, segment, label) on each day, read off the data above
ON_JUNE_30 = {(1, "buyers", None), (2, "buyers", None), (2, "older", None),
              (1, "kind", "other"), (2, "kind", "old_buyer"), (3, "kind", "other")}
ON_JULY_1 = {(2, "buyers", None), (3, "buyers", None), (2, "older", None),
             (1, "kind", "other"), (2, "kind", "old_buyer"), (3, "kind", "other")}

DUCKDB_TYPES = {"integer": "BIGINT", "decimal": "DECIMAL(18,4)", "timestamp": "TIMESTAMP", "text": "TEXT",
                "date": "DATE"}


class Database:
    """One test database: its --db spec, and plain SQL on it outside segdsl."""

    def __init__(self, kind: str, spec: str):
        self.kind, self.spec = kind, spec

    def query(self, sql: str) -> list[tuple]:
        if self.kind == "duckdb":
            with duckdb.connect(self.spec) as con:
                return con.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.spec, autocommit=True) as con:
            return con.execute(sql).fetchall()

    def execute(self, sql: str) -> None:
        if self.kind == "duckdb":
            with duckdb.connect(self.spec) as con:
                con.execute(sql)
            return
        import psycopg

        with psycopg.connect(self.spec, autocommit=True) as con:
            con.execute(sql)

    def replace(self, tables: list[Table]) -> None:
        if self.kind == "duckdb":
            with duckdb.connect(self.spec) as con:
                duckdb_load(con, tables)
        else:
            import psycopg

            with psycopg.connect(self.spec, autocommit=True) as con:
                load(con, tables)

    def history(self, table: str = "hist") -> dict[dt.date, set[tuple]]:
        days: dict[dt.date, set[tuple]] = {}
        for as_of, key, segment, label in self.query(f"SELECT as_of, customer_id, segment, label FROM {table}"):
            days.setdefault(as_of, set()).add((key, segment, label))
        return days


def duckdb_load(con, tables: list[Table]) -> None:
    for table in tables:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.schema}")
        columns = ", ".join(f'"{c}" {DUCKDB_TYPES[k]}' for c, k in table.columns)
        con.execute(f"CREATE OR REPLACE TABLE {table.name} ({columns})")
        if table.rows:
            con.executemany(f"INSERT INTO {table.name} VALUES ({', '.join(['?'] * len(table.columns))})",
                            table.canonical_rows())


@pytest.fixture(params=["duckdb", "postgres"])
def db(request, tmp_path):
    if request.param == "duckdb":
        path = str(tmp_path / "warehouse.duckdb")
        with duckdb.connect(path) as con:
            duckdb_load(con, [CUSTOMERS, ORDERS])
        yield Database("duckdb", path)
    else:
        engine = request.getfixturevalue("postgres_engine")
        with fresh_database(engine, "segdsl_history", [CUSTOMERS, ORDERS]) as url:
            yield Database("postgres", url)


def materialize(db: Database, day: dt.date | None, table: str = "hist", **hooks) -> history.Written:
    program = compiler.load_text(SOURCE, "shop.seg")
    with runner.open_target(db.spec, program, writable=True) as target:
        return history.materialize(target, program, table, day, **hooks)


def test_materialize_writes_each_day_and_a_rerun_replaces_only_that_day(db):
    assert materialize(db, JUNE_30) == history.Written("hist", JUNE_30, 6)
    assert materialize(db, JULY_1).rows == 6
    assert db.history() == {JUNE_30: ON_JUNE_30, JULY_1: ON_JULY_1}
    # customer 1 orders on July 1st: a rerun for that day sees it, June 30th keeps its rows
    db.replace([Table(ORDERS.name, ORDERS.columns, ORDERS.rows + ((1, dt.datetime(2026, 7, 1, 8), 3),))])
    assert materialize(db, JULY_1).rows == 7
    assert materialize(db, JULY_1).rows == 7
    assert db.history() == {JUNE_30: ON_JUNE_30, JULY_1: ON_JULY_1 | {(1, "buyers", None)}}


def test_the_history_table_has_the_documented_columns(db):
    materialize(db, JUNE_30, "shop.segment_history")
    if db.kind == "duckdb":
        columns = db.query("SELECT column_name, data_type FROM information_schema.columns "
                           "WHERE table_name = 'segment_history' ORDER BY ordinal_position")
        assert columns == [("as_of", "DATE"), ("customer_id", "BIGINT"), ("segment", "VARCHAR"),
                           ("label", "VARCHAR")]
    else:
        columns = db.query("SELECT column_name, data_type FROM information_schema.columns "
                           "WHERE table_schema = 'shop' AND table_name = 'segment_history' ORDER BY ordinal_position")
        assert columns == [("as_of", "date"), ("customer_id", "bigint"), ("segment", "text"), ("label", "text")]
        assert db.query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'shop'") == [
            ("CREATE INDEX segment_history_as_of ON shop.segment_history USING btree (as_of)",)]
    assert db.history("shop.segment_history") == {JUNE_30: ON_JUNE_30}


UTC_TODAY = "SELECT CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE)"  # the file's calendar is UTC (rule 9)


def test_without_as_of_every_row_carries_the_database_current_date(db):
    """The day is the database's current day in the program's zone (UTC: whatever the session's zone), read
    once: the one day between a read before and one after."""
    before = db.query(UTC_TODAY)[0][0]
    written = materialize(db, None)
    after = db.query(UTC_TODAY)[0][0]
    assert written.as_of in (before, after)
    today = written.as_of
    program = compiler.load_text(SOURCE)
    with runner.open_target(db.spec, program) as target:
        expected = {(key, "buyers", None) for (key,) in runner.members(target, program, "buyers", today).rows}
        expected |= {(key, "older", None) for (key,) in runner.members(target, program, "older", today).rows}
        expected |= {(key, "kind", label) for key, label in runner.members(target, program, "kind", today).rows}
    assert db.history() == {today: expected}


class InjectedFault(Exception):
    pass


def fail() -> None:
    raise InjectedFault("between the delete and the insert")


def test_a_failure_between_delete_and_insert_leaves_the_previous_state(db):
    materialize(db, JUNE_30)
    materialize(db, JULY_1)
    before = db.history()
    db.replace([Table(ORDERS.name, ORDERS.columns, ())])
    with pytest.raises(InjectedFault):
        materialize(db, JULY_1, after_delete=fail)
    assert db.history() == before
    with pytest.raises(InjectedFault):
        materialize(db, dt.date(2026, 7, 2), after_delete=fail)
    assert db.history() == before


def test_a_failed_first_run_leaves_no_table(db):
    with pytest.raises(InjectedFault):
        materialize(db, JUNE_30, after_delete=fail)
    with runner.open_target(db.spec) as target:  # the CREATE TABLE was rolled back with the rest
        assert sorted(target.catalog()) == [("shop", "customers"), ("shop", "orders")]


CRASH = textwrap.dedent("""
    import datetime, os, sys
    from segdsl.compile import compiler
    from segdsl.run import history, runner
    program = compiler.load_text(sys.argv[2])
    with runner.open_target(sys.argv[1], program, writable=True) as target:
        history.materialize(target, program, "hist", datetime.date(2026, 7, 1), after_delete=lambda: os._exit(3))
""")


def test_a_process_killed_between_delete_and_insert_leaves_the_previous_state(db):
    materialize(db, JUNE_30)
    materialize(db, JULY_1)
    before = db.history()
    done = subprocess.run([sys.executable, "-c", CRASH, db.spec, SOURCE], capture_output=True, text=True,
                          cwd=Path(__file__).parents[2])
    assert done.returncode == 3, done.stderr
    assert db.history() == before


def test_a_connection_lost_between_delete_and_insert_leaves_the_previous_state(postgres_engine):
    with fresh_database(postgres_engine, "segdsl_history_lost", [CUSTOMERS, ORDERS]) as url:
        db = Database("postgres", url)
        materialize(db, JULY_1)
        before = db.history()
        program = compiler.load_text(SOURCE)
        with runner.open_target(url, program, writable=True) as target:
            pid = target.connection.info.backend_pid

            def terminate() -> None:
                postgres_engine.connection.execute(f"SELECT pg_terminate_backend({pid})")

            with pytest.raises(SegdslError) as caught:
                history.materialize(target, program, "hist", JULY_1, after_delete=terminate)
            assert "terminating connection due to administrator command" in render(caught.value)
        assert db.history() == before


def test_diff_lists_who_entered_and_who_left(db):
    materialize(db, JUNE_30)
    materialize(db, JULY_1)
    with runner.open_target(db.spec) as target:
        changes = history.diff(target, "hist", JUNE_30, JULY_1)
        assert changes.columns == ("segment", "label", "change", "customer_id")
        assert changes.rows == [("buyers", None, "entered", 3), ("buyers", None, "left", 1)]
        assert history.diff(target, "hist", JULY_1, JUNE_30).rows == [("buyers", None, "entered", 1),
                                                                      ("buyers", None, "left", 3)]
        assert history.diff(target, "hist", JUNE_30, JULY_1, "older").rows == []
        summary = history.diff_summary(target, "hist", JUNE_30, JULY_1)
        assert history.diff(target, "hist", JULY_1, JULY_1).rows == []
        assert history.diff_summary(target, "hist", JULY_1, JULY_1, "buyers").rows == [("buyers", None, 2, 2, 0, 0)]
        assert history.days(target, "hist") == [JUNE_30, JULY_1]
    assert summary.rows == [("buyers", None, 2, 2, 1, 1), ("kind", "old_buyer", 1, 1, 0, 0),
                            ("kind", "other", 2, 2, 0, 0), ("older", None, 1, 1, 0, 0)]


def test_diff_of_segmentation_labels(db):
    materialize(db, JUNE_30)  # old_buyer: 2
    db.replace([Table(CUSTOMERS.name, CUSTOMERS.columns, ((1, 45), (2, 50), (3, None)))])
    june_15 = dt.date(2026, 6, 15)
    materialize(db, june_15)  # only 1 has ordered in the 30 days to June 15th: old_buyer: 1
    with runner.open_target(db.spec) as target:
        assert history.diff(target, "hist", JUNE_30, june_15, "kind").rows == [
            ("kind", "old_buyer", "entered", 1), ("kind", "old_buyer", "left", 2),
            ("kind", "other", "entered", 2), ("kind", "other", "left", 1)]


def test_diff_errors_name_the_days_that_exist_and_the_missing_table(db):
    materialize(db, JUNE_30)
    materialize(db, JULY_1)
    with runner.open_target(db.spec) as target:
        with pytest.raises(SegdslError) as caught:
            history.diff(target, "hist", dt.date(2026, 6, 29), JULY_1)
        assert render(caught.value) == ("error: hist holds no rows for 2026-06-29\n"
                                        "hint: materialized days: 2026-06-30, 2026-07-01")
        with pytest.raises(SegdslError, match="table 'nope' not found in the database"):
            history.diff(target, "nope", JUNE_30, JULY_1)
        with pytest.raises(SegdslError) as caught:
            history.diff(target, "hist", JUNE_30, JULY_1, "buyer")
        assert render(caught.value) == ("error: no segment 'buyer' in hist on those days\n"
                                        "hint: did you mean 'buyers'?")


def test_materialize_refuses_a_table_that_is_not_a_history_table(db):
    with pytest.raises(SegdslError, match=r"shop.orders is not a segment history table"):
        materialize(db, JUNE_30, "shop.orders")
    assert len(db.query("SELECT * FROM shop.orders")) == 3


def test_materialize_refuses_a_history_of_other_keys(db):
    materialize(db, JUNE_30)
    other = SOURCE.replace("key customer_id", "key age")
    program = compiler.load_text(other)
    with runner.open_target(db.spec, program, writable=True) as target, pytest.raises(SegdslError) as caught:
        history.materialize(target, program, "hist", JULY_1)
    assert "hist keeps the history of 'customer_id' keys; this file's customers are keyed by 'age'" in str(caught.value)


def test_materialize_checks_the_program_against_the_database_first(db):
    program = compiler.load_text(SOURCE + "segment typo: agee > 3\n", "shop.seg")
    with runner.open_target(db.spec, program, writable=True) as target, pytest.raises(SegdslError) as caught:
        history.materialize(target, program, "hist", JUNE_30)
    assert "shop.seg:8:15: error: column 'agee' not found in shop.customers" in render(caught.value)


def test_history_needs_a_database_to_write_to(tmp_path):
    with pytest.raises(SegdslError, match="needs a database to write to"):
        runner.open_target(None, writable=True)
    (tmp_path / "t.csv").write_text("a\n1\n")
    with pytest.raises(SegdslError, match="CSV and Parquet files are read-only"):
        runner.open_target(str(tmp_path), writable=True)


# ---- the command line -------------------------------------------------------


def cli(args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(main, args, env=env)


def test_cli_materialize_and_diff(db, tmp_path):
    seg = tmp_path / "shop.seg"
    seg.write_text(SOURCE)
    done = cli(["materialize", str(seg), "--db", db.spec, "--table", "hist", "--as-of", "2026-06-30"])
    assert (done.exit_code, done.stdout) == (0, "hist: 6 rows as of 2026-06-30\n"), done.stderr
    done = cli(["materialize", str(seg), "--table", "hist", "--as-of", "2026-07-01"], {"SEGDSL_DB": db.spec})
    assert (done.exit_code, done.stdout) == (0, "hist: 6 rows as of 2026-07-01\n"), done.stderr
    done = cli(["diff", "--db", "env:SHOP_DB", "--table", "hist", "--from", "2026-06-30", "--to", "2026-07-01",
                "--format", "json"], {"SHOP_DB": db.spec})
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"segment": "buyers", "label": None, "change": "entered", "customer_id": 3},
        {"segment": "buyers", "label": None, "change": "left", "customer_id": 1}]
    assert done.stderr == "2026-06-30 -> 2026-07-01: 1 entered, 1 left (--summary: per segment)\n"
    done = cli(["diff", "--db", db.spec, "--table", "hist", "--from", "2026-06-30", "--to", "2026-07-01",
                "--summary", "--format", "csv"])
    assert done.stdout == ("segment,label,size_from,size_to,entered,left\n"
                           "buyers,,2,2,1,1\nkind,old_buyer,1,1,0,0\nkind,other,2,2,0,0\nolder,,1,1,0,0\n")
    done = cli(["diff", "--db", db.spec, "--table", "hist", "--from", "2026-06-01", "--to", "2026-07-01"])
    assert done.exit_code == 1
    assert "error: hist holds no rows for 2026-06-01" in done.stderr


def test_each_written_day_records_its_parameters_and_program_and_diff_says_when_they_differ(db, tmp_path):
    seg = tmp_path / "shop.seg"
    seg.write_text("param min_age = 40\n" + SOURCE.replace("age > 40", "age > min_age"))
    for day, extra in (("2026-06-29", []), ("2026-06-30", []), ("2026-07-01", ["--param", "min_age=25"])):
        done = cli(["materialize", str(seg), "--db", db.spec, "--table", "hist", "--as-of", day, *extra])
        assert done.exit_code == 0, done.stderr
    rows = sorted(db.query("SELECT as_of, params, program FROM hist_runs"))
    assert [(str(day)[:10], json.loads(params)) for day, params, _ in rows] == [
        ("2026-06-29", {"min_age": 40}), ("2026-06-30", {"min_age": 40}), ("2026-07-01", {"min_age": 25})]
    assert len({program for *_, program in rows}) == 1
    done = cli(["diff", "--db", db.spec, "--table", "hist", "--from", "2026-06-29", "--to", "2026-06-30"])
    assert (done.exit_code, "note:" in done.stderr) == (0, False), done.stderr
    done = cli(["diff", "--db", db.spec, "--table", "hist", "--from", "2026-06-30", "--to", "2026-07-01",
                "--summary"])
    assert done.exit_code == 0, done.stderr
    assert ("note: the two days were computed with different parameters (min_age: 40 on 2026-06-30, 25 on "
            "2026-07-01)") in done.stderr
    # a rerun of a day replaces its record; a changed program is told apart from changed parameters
    seg.write_text("param min_age = 40\n" + SOURCE.replace("age > 40", "age >= min_age"))
    assert cli(["materialize", str(seg), "--db", db.spec, "--table", "hist", "--as-of", "2026-07-01"]).exit_code == 0
    assert len(db.query("SELECT * FROM hist_runs")) == 3
    done = cli(["diff", "--db", db.spec, "--table", "hist", "--from", "2026-06-30", "--to", "2026-07-01"])
    assert "parameters" not in done.stderr
    assert "note: the two days were computed with different programs" in done.stderr


def test_a_history_written_before_runs_were_kept_says_so(db, tmp_path):
    materialize(db, JUNE_30)
    materialize(db, JULY_1)
    db.execute("DROP TABLE hist_runs")
    with runner.open_target(db.spec) as target:
        assert history.setting_notes(target, "hist", JUNE_30, JULY_1) == []
    materialize(db, JULY_1)
    with runner.open_target(db.spec) as target:
        assert history.setting_notes(target, "hist", JUNE_30, JULY_1) == [
            "no record of the parameters 2026-06-30 was computed with (written before segdsl kept them)"]


def test_cli_materialize_needs_a_database(tmp_path):
    seg = tmp_path / "shop.seg"
    seg.write_text(SOURCE)
    done = cli(["materialize", str(seg), "--table", "hist"], {"SEGDSL_DB": ""})
    assert done.exit_code == 2 and "Missing option '--db'" in done.stderr
    done = cli(["materialize", str(seg), "--table", "hist", "--db", "env:SEGDSL_TEST_UNSET"])
    assert done.exit_code == 1 and "the environment variable 'SEGDSL_TEST_UNSET' is not set" in done.stderr


def test_retail_history_matches_run_on_the_demo_data(tmp_path):
    """The materialized rows are exactly what `run --segment` gives, for every segment and segmentation."""
    path = str(tmp_path / "demo.duckdb")
    done = cli(["demo", path])
    assert done.exit_code == 0, done.stderr
    done = cli(["demo", path])
    assert done.exit_code == 1 and f"error: {path} already exists" in done.stderr
    program = compiler.load_file("examples/retail.seg")
    day = dt.date(2026, 6, 30)
    with runner.open_target(path, program, writable=True) as target:
        written = history.materialize(target, program, "hist", day)
    expected = set()
    with runner.open_target(path, program) as target:
        for name in program.segments:
            expected |= {(key, name, None) for (key,) in runner.members(target, program, name, day).rows}
        for name in program.segmentations:
            expected |= {(key, name, label) for key, label in runner.members(target, program, name, day).rows}
    assert written.rows == len(expected) > 5000
    assert Database("duckdb", path).history() == {day: expected}


def test_retail_history_and_diff_are_the_same_on_postgres_and_duckdb(postgres_engine):
    from segdsl.run import demo
    from segdsl.run.targets import DuckDBTarget

    program = compiler.load_file("examples/retail.seg")
    days = (dt.date(2026, 5, 31), dt.date(2026, 6, 30))
    tables = [Table(t.name, t.columns, tuple(t.rows)) for t in demo.demo_tables(1000)]
    con = duckdb.connect()
    demo.load_demo(con, 1000)
    found = {}
    with fresh_database(postgres_engine, "segdsl_history_retail", tables) as url:
        with runner.open_target(url, program, writable=True) as pg:
            for target in (DuckDBTarget(con), pg):
                for day in days:
                    history.materialize(target, program, "segment_history", day)
                rows = target.fetch(history_query()).rows
                found[target.dialect] = (sorted(rows), history.diff(target, "segment_history", *days),
                                         history.diff_summary(target, "segment_history", *days))
    assert found["duckdb"] == found["postgres"]
    rows, _changes, summary = found["duckdb"]
    assert {row[0] for row in rows} == set(days)
    [lapsed] = [row for row in summary.rows if row[0] == "lapsed"]
    assert lapsed[4] > 0 and lapsed[5] > 0  # customers both entered and left: the comparison is not vacuous


def history_query():
    from sqlglot import exp

    columns = [exp.column(c) for c in ("as_of", "customer_id", "segment", "label")]
    return exp.select(*columns).from_(exp.to_table("segment_history"))


def test_concurrent_runs_for_one_day_on_postgres_do_not_duplicate_rows(postgres_engine):
    """A second run waits for the first (table lock), then replaces its rows instead of adding to them."""
    import threading
    import time

    program = compiler.load_text(SOURCE)
    with fresh_database(postgres_engine, "segdsl_history_race", [CUSTOMERS, ORDERS]) as url:
        db = Database("postgres", url)
        materialize(db, JUNE_30)
        with runner.open_target(url, program, writable=True) as first, \
                runner.open_target(url, program, writable=True) as second:
            pid = second.connection.info.backend_pid
            outcome: dict[str, object] = {}

            def run_second() -> None:
                try:
                    outcome["written"] = history.materialize(second, program, "hist", JUNE_30)
                except Exception as exc:  # reported by the assertion below
                    outcome["error"] = exc

            thread = threading.Thread(target=run_second)

            def start_second_and_wait_until_it_blocks() -> None:
                thread.start()
                for _ in range(400):
                    waiting = postgres_engine.connection.execute(
                        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
                    if waiting and waiting[0] == "Lock":
                        return
                    time.sleep(0.05)
                raise AssertionError("the second run never waited for the first")

            history.materialize(first, program, "hist", JUNE_30, after_delete=start_second_and_wait_until_it_blocks)
            thread.join(60)
        assert outcome == {"written": history.Written("hist", JUNE_30, 6)}
        assert len(db.query("SELECT * FROM hist")) == 6
        assert db.history() == {JUNE_30: ON_JUNE_30}


ODD_SOURCE = """\
customers from crm.accounts key `Account Id`
events invoices from crm.invoices by account at issued_on date
segment `order`: has invoices in last 30 days
segment user: plan = "team"
segmentation `group`:
    `big one` when `order` and user
    else other
"""


def test_quoted_keys_and_reserved_names(db):
    """A text key needing quotes, segments named like SQL keywords, a label with a space."""
    db.replace([Table("crm.accounts", (("Account Id", "text"), ("plan", "text")),
                      (("a-1", "team"), ("b", "free"), (None, "team"))),
                Table("crm.invoices", (("account", "text"), ("issued_on", "date")),
                      (("a-1", dt.date(2026, 6, 20)), ("b", dt.date(2026, 6, 29))))])
    program = compiler.load_text(ODD_SOURCE)
    with runner.open_target(db.spec, program, writable=True) as target:
        assert history.materialize(target, program, "hist", JUNE_30).rows == 5
        assert history.materialize(target, program, "hist", dt.date(2026, 7, 30)).rows == 3  # no invoice in July
        changes = history.diff(target, "hist", JUNE_30, dt.date(2026, 7, 30))
    assert changes.columns == ("segment", "label", "change", "Account Id")
    assert changes.rows == [("group", "big one", "left", "a-1"), ("group", "other", "entered", "a-1"),
                            ("order", None, "left", "a-1"), ("order", None, "left", "b")]


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "sqlite", "mysql"])
def test_the_history_rows_wrap_the_compiled_whole_file_query(dialect):
    """No second SQL generator: the compiler's statement appears whole inside the history rows' query."""
    forms = dialects.get(dialect)
    program = compiler.load_text(SOURCE)
    wide = forms.statement(compiler.to_tree(program, dialect, None, JUNE_30)).sql(dialect=dialect)
    rows = forms.statement(history._members(program, forms, JUNE_30)).sql(dialect=dialect)
    assert f"WITH wide AS {'MATERIALIZED ' if dialect != 'mysql' else ''}({wide}) SELECT" in rows
