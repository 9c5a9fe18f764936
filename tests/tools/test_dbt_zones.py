"""segdsl dbt on rules 9 and 10: the as-of day in the program's zone; var as_of a day or an instant T, hours
counted back from T."""

from __future__ import annotations

import datetime as datetime_module
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import duckdb
import jinja2.sandbox
import pytest
from click.testing import CliRunner
from engines import Table

import segdsl
from segdsl.cli.main import main
from segdsl.compile import compiler
from segdsl.lang.timeline import parse_as_of
from segdsl.tools import dbt

from .dbt_projects import dbt_project, run_dbt

PROGRAM = '''timezone "America/New_York"
customers from shop.customers key id
events orders from shop.orders by id at ordered_at
segment recent:
    has orders in last 1 day
segment late:
    has orders in last 2 hours
'''


def _render(model: str, as_of: str | None) -> str:
    """The model as dbt would run it: vars, sources, Jinja's modules and exceptions."""
    variables = {} if as_of is None else {"as_of": as_of}

    def fail(message: str) -> None:
        raise AssertionError(message)

    return jinja2.sandbox.SandboxedEnvironment().from_string(model).render(  # dbt's Jinja is sandboxed too
        var=lambda name, default=None: variables.get(name, default), source=lambda s, t: f"{s}.{t}",
        modules=SimpleNamespace(re=re, datetime=datetime_module), exceptions=SimpleNamespace(raise_compiler_error=fail))


def test_a_zoned_model_means_what_segdsl_run_means(tmp_path):
    path = tmp_path / "z.seg"
    path.write_text(PROGRAM)
    files = dbt.generate(path)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA shop; CREATE TABLE shop.customers (id INTEGER); INSERT INTO shop.customers "
                "VALUES (1), (2), (3), (4)")
    con.execute("CREATE TABLE shop.orders (id INTEGER, ordered_at TIMESTAMP)")
    con.executemany("INSERT INTO shop.orders VALUES (?, ?)", [
        (1, datetime(2026, 3, 9, 3, 59, 59)), (2, datetime(2026, 3, 9, 4)), (3, datetime(2026, 3, 8, 4, 59, 59)),
        (4, datetime(2026, 3, 9, 2, 30))])
    program = compiler.load_file(path)
    for segment, members in (("recent", {1, 4}), ("late", {1, 4})):
        sql = _render(files[f"z_{segment}.sql"], "2026-03-08")
        assert {row[0] for row in con.execute(sql).fetchall()} == members
        assert {row[0] for row in con.execute(compiler.to_sql(program, "duckdb", segment, date(2026, 3, 8)))
                .fetchall()} == members
    without = _render(files["z_recent.sql"], None)  # no var as_of: today in New York, from the engine's clock
    today_sql = "SELECT CAST(CAST(CURRENT_TIMESTAMP AT TIME ZONE 'America/New_York' AS TIMESTAMP) AS DATE)"
    before = con.execute(today_sql).fetchone()[0]
    got = {row[0] for row in con.execute(without).fetchall()}
    after = con.execute(today_sql).fetchone()[0]
    assert got in [{row[0] for row in con.execute(compiler.to_sql(program, "duckdb", "recent", day)).fetchall()}
                   for day in {before, after}]  # New York's midnight may pass in between


# ---- var as_of an instant (rule 10), on real dbt-core + dbt-duckdb -------------------------------------

INSTANTS = '''timezone "{zone}"
customers from shop.customers key id
events orders from shop.orders by id at ordered_at
events visits from web.visits by id at viewed_at local
events tickets from support.tickets by id at opened_on date

segment orders_2h:
    has orders in last 2 hours
segment visits_90m:
    has visits in last 90 minutes
segment quiet_3h "Visited before the last 3 hours, not in them":
    has visits before last 3 hours and no visits in last 3 hours
segment today:
    has orders in last 1 day or has tickets in last 1 day
segment abandoned:
    visits in last 1 day then no orders within 2 hours
segment regular:
    count(orders) >= 3 and count(visits in last 12 hours) >= 1
'''

PROGRAMS = {"zoned": "America/New_York", "utc": "UTC", "offset": "+05:30"}

# America/New_York: 2026-03-08 is the spring change of clocks (a 23-hour day); 14:30 there is 18:30 UTC and
# the next midnight 04:00 UTC
BOUNDARY_ORDERS = [(101, datetime(2026, 3, 8, 18, 30)), (102, datetime(2026, 3, 8, 16, 30)),
                   (103, datetime(2026, 3, 8, 18, 29, 59, 999999)), (104, datetime(2026, 3, 8, 16, 29, 59)),
                   (105, datetime(2026, 3, 9, 4)), (106, datetime(2026, 3, 9, 2)), (107, datetime(2026, 3, 9, 1, 59))]
BOUNDARY_VISITS = [(111, datetime(2026, 3, 8, 14, 30)), (112, datetime(2026, 3, 8, 13)),
                   (113, datetime(2026, 3, 8, 12, 59, 59)), (114, datetime(2026, 3, 9)),
                   (115, datetime(2026, 3, 8, 22, 30)), (116, datetime(2026, 3, 8, 22, 29))]


def _instant_tables() -> list[Table]:
    """Events every 13 or 17 minutes over four days, and some right at the bounds of the as-ofs tested."""
    start = datetime(2026, 3, 6)
    orders = [(k * 7 % 90 + 1, start + timedelta(minutes=17 * k)) for k in range(4 * 24 * 60 // 17)]
    visits = [(k * 11 % 90 + 1, start + timedelta(minutes=13 * k)) for k in range(4 * 24 * 60 // 13)]
    return [Table("shop.customers", (("id", "integer"),), tuple((i,) for i in range(1, 121))),
            Table("shop.orders", (("id", "integer"), ("ordered_at", "timestamp")), (*orders, *BOUNDARY_ORDERS)),
            Table("web.visits", (("id", "integer"), ("viewed_at", "timestamp")), (*visits, *BOUNDARY_VISITS)),
            Table("support.tickets", (("id", "integer"), ("opened_on", "date")),
                  tuple((i, date(2026, 3, 5) + timedelta(days=i % 5)) for i in range(1, 121, 3)))]


def _load_instants(con: duckdb.DuckDBPyConnection) -> None:
    types = {"integer": "INTEGER", "timestamp": "TIMESTAMP", "date": "DATE"}
    for table in _instant_tables():
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.schema}")
        con.execute(f"CREATE TABLE {table.name} ({', '.join(f'{c} {types[k]}' for c, k in table.columns)})")
        con.executemany(f"INSERT INTO {table.name} VALUES ({', '.join('?' for _ in table.columns)})",
                        list(table.rows))


@pytest.fixture(scope="module")
def instants_project(tmp_path_factory):
    root = dbt_project(tmp_path_factory.mktemp("dbt_instants"), "segdsl_instants", _load_instants)
    for index, (name, zone) in enumerate(PROGRAMS.items()):
        (root / f"{name}.seg").write_text(INSTANTS.format(zone=zone))
        dbt.write(dbt.generate(root / f"{name}.seg", sources=index == 0), root / "models" / name)
    return root


def _cli_members(project: Path, name: str, segment: str, as_of: str) -> list[tuple]:
    result = CliRunner().invoke(main, ["run", str(project / f"{name}.seg"), "--db", str(project / "warehouse.duckdb"),
                                       "--segment", segment, "--as-of", as_of, "--format", "json"])
    assert result.exit_code == 0, result.output
    return sorted(tuple(row.values()) for row in json.loads(result.stdout))


@pytest.mark.parametrize("as_of, given", [
    ("2026-03-08T14:30", "2026-03-08T14:30:00"),  # unquoted: YAML reads a datetime, dbt writes it with a space
    ("2026-03-09T00:00", '"2026-03-09T00:00"'),  # midnight: D is 2026-03-08
    ("2026-03-08", "2026-03-08"),  # a day: T is the start of 2026-03-09, the same as the instant above
    ("2026-03-07", '"2026-03-07"'),
], ids=["mid_day", "midnight", "day", "day_quoted"])
def test_dbt_build_with_an_instant_holds_what_segdsl_run_gives(instants_project, as_of, given):
    result = run_dbt(instants_project, "build", "--vars", "{as_of: " + given + "}")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    con = duckdb.connect(str(instants_project / "warehouse.duckdb"))
    built: dict[tuple[str, str], list[tuple]] = {}
    try:
        for name in PROGRAMS:
            program = compiler.load_file(instants_project / f"{name}.seg")
            wide = sorted(con.execute(compiler.to_sql(program, "duckdb", None, parse_as_of(as_of))).fetchall())
            assert sorted(con.execute(f"SELECT * FROM main.{name}").fetchall()) == wide, name
            for segment in program.segments:
                built[name, segment] = sorted(con.execute(f"SELECT * FROM main.{name}_{segment}").fetchall())
                assert built[name, segment] == segdsl.members(con, program, segment, as_of=as_of).rows, (name, segment)
    finally:
        con.close()
    for name in PROGRAMS:  # the CLI opens the warehouse itself
        for segment in ("orders_2h", "visits_90m", "today", "abandoned"):
            assert _cli_members(instants_project, name, segment, as_of) == built[name, segment], (name, segment)
    # the bounds in New York: T - 2 h <= time < T for UTC orders, T - 90 min for local visits
    orders, visits = ({row[0] for row in built["zoned", segment]} for segment in ("orders_2h", "visits_90m"))
    if as_of == "2026-03-08T14:30":
        assert {101, 102, 103, 104} & orders == {102, 103} and {111, 112, 113} & visits == {112}
    if as_of in ("2026-03-09T00:00", "2026-03-08"):
        assert {105, 106, 107} & orders == {106} and {114, 115, 116} & visits == {115}
    assert all(rows for (name, _), rows in built.items() if name == "zoned"), "every zoned segment has members"


@pytest.mark.parametrize("given, message", [
    ("2026-03-08T14:30Z", "var as_of must be a day YYYY-MM-DD or a local date and time YYYY-MM-DDTHH:MM[:SS]"),
    ("2026-02-30", "var as_of is not a calendar day from 0001-01-01 to 9999-12-30, got 2026-02-30"),
])
def test_dbt_refuses_a_malformed_as_of(instants_project, given, message):
    result = run_dbt(instants_project, "compile", "--select", "zoned_orders_2h", "--vars", f'{{as_of: "{given}"}}')
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in output, output


def test_the_header_reads_an_instant_to_the_microsecond_and_refuses_other_forms(tmp_path):
    path = tmp_path / "zoned.seg"
    path.write_text(INSTANTS.format(zone="America/New_York"))
    files = dbt.generate(path)
    program = compiler.load_file(path)
    con = duckdb.connect()
    _load_instants(con)
    for as_of in ("2026-03-08T14:30:00.000001", "2026-03-08T16:29:59", "2026-03-09 00:00:00", "2026-03-08T00:00"):
        for segment in ("orders_2h", "visits_90m", "today", "regular"):
            sql = _render(files[f"zoned_{segment}.sql"], as_of)
            expected = compiler.to_sql(program, "duckdb", segment, parse_as_of(as_of))
            assert sorted(con.execute(sql).fetchall()) == sorted(con.execute(expected).fetchall()), (as_of, segment)
    path.write_text(INSTANTS.format(zone="UTC"))  # a UTC program: T as it is, no conversion
    utc = dbt.generate(path)["zoned_orders_2h.sql"]
    assert "ordered_at < {{ segdsl_as_of_time }}" in utc and "segdsl_as_of_utc" not in utc
    assert "TIME ZONE" not in utc.split("{%- else -%}")[1]
    for bad in ("31.05.2026", "2026-03-08T25:00", "2026-03-08T14:30+01:00", "2026-03-08T14", "2026-3-8"):
        with pytest.raises(AssertionError, match=r"must be a day YYYY-MM-DD or a local date and time "
                                                 r"YYYY-MM-DDTHH:MM\[:SS\].*, got " + re.escape(bad)):
            _render(files["zoned_orders_2h.sql"], bad)
    for bad in ("2026-02-30", "2026-02-29T10:00", "2024-04-31", "0000-01-01", "9999-12-31", "9999-12-31T10:00"):
        with pytest.raises(AssertionError, match=r"var as_of is not a calendar day from 0001-01-01 to 9999-12-30, "
                                                 r"got " + re.escape(bad)):
            _render(files["zoned_orders_2h.sql"], bad)
    for good in ("2024-02-29T23:00", "2024-02-29", "9999-12-30"):  # a leap day; the calendar's last as-of day
        assert "ordered_at" in _render(files["zoned_orders_2h.sql"], good)


@pytest.mark.parametrize("zone", ["America/New_York", "+05:30", "UTC"])
def test_a_model_with_an_instant_on_each_engine(engine, tmp_path, zone):
    """The header's SQL for T and its conversions, run by the engine (the Jinja rendered as dbt would)."""
    if engine.name not in ("duckdb", "postgres"):
        pytest.skip(f"{engine.name}: the engines with zones that the dbt tests use")
    path = tmp_path / "p.seg"
    path.write_text(INSTANTS.format(zone=zone))
    files = dbt.generate(path, name="p", dialect=engine.dialect)
    program = compiler.load_file(path)
    engine.load(_instant_tables())
    for as_of in ("2026-03-08T14:30", "2026-03-09T00:00", "2026-03-08T01:15:30", "2026-03-07"):
        for segment in program.segments:
            expected = sorted(engine.query(compiler.to_sql(program, engine.dialect, segment, parse_as_of(as_of))))
            assert sorted(engine.query(_render(files[f"p_{segment}.sql"], as_of))) == expected, (as_of, segment)
