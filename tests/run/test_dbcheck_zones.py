"""`check --db` on rules 9 and 10: a `local` column that holds instants, a zone the database does not know."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner
from sqlglot import exp

from segdsl.cli.main import main
from segdsl.run import dbcheck
from segdsl.run.targets import Result


def _database(path) -> str:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE c (id INTEGER); CREATE TABLE o (id INTEGER, zoned TIMESTAMPTZ, plain TIMESTAMP)")
    con.close()
    return str(path)


def _check(tmp_path, text: str):
    (tmp_path / "p.seg").write_text(text)
    return CliRunner().invoke(main, ["check", str(tmp_path / "p.seg"), "--db", _database(tmp_path / "d.duckdb")],
                              catch_exceptions=False)


def test_a_local_column_with_a_zone_is_an_error_at_the_column(tmp_path):
    result = _check(tmp_path, 'timezone "Europe/Berlin"\ncustomers from c key id\n'
                              "events o from o by id at zoned local\nsegment s: has o\n")
    assert result.exit_code == 1
    assert result.output.startswith(f"{tmp_path / 'p.seg'}:3:26: error: 'local' says zoned holds wall-clock times, "
                                    "but o.zoned is TIMESTAMP WITH TIME ZONE: instants"), result.output
    assert "hint: drop 'local'" in result.output


def test_a_plain_local_column_and_a_known_zone_check_clean(tmp_path):
    result = _check(tmp_path, 'timezone "Europe/Berlin"\ncustomers from c key id\n'
                              "events o from o by id at plain local\nsegment s: has o in last 2 hours\n")
    assert result.exit_code == 0, result.output


class _NoZones:
    """A database that knows no named zone (its zone table is empty)."""

    dialect = "postgres"

    def fetch(self, statement) -> Result:
        sql = statement.sql("postgres")
        assert "pg_timezone_names" in sql.lower() and "'Europe/Berlin'" in sql
        return Result(("count",), [(0,)])


def test_a_zone_the_database_does_not_know():
    assert not dbcheck.zone_known(_NoZones(), "Europe/Berlin")
    assert dbcheck.zone_known(_NoZones(), "+05:30") and dbcheck.zone_known(_NoZones(), "UTC")


def test_bigquery_civil_times_are_local_in_a_zoned_program():
    from segdsl.compile.compiler import load_text

    program = load_text('timezone "Europe/Berlin"\ncustomers from shop.c key id\n'
                        "events o from shop.o by id at civil\nevents v from shop.v by id at instant\n")
    catalog = {("shop", "c"): {"id": "INT64"}, ("shop", "o"): {"id": "INT64", "civil": "DATETIME"},
               ("shop", "v"): {"id": "INT64", "instant": "TIMESTAMP"}}
    found = {d.message: d.hint for d in dbcheck.notes(program, catalog, "bigquery", ("shop",))}
    assert found["shop.o.civil is DATETIME, a civil time: its days are the days it holds, in no time zone"] == \
        "with a timezone, a civil time is a wall-clock time: declare it `local` (rule 9)"
    assert "shop.v.instant is TIMESTAMP, an instant: its days are days in Europe/Berlin" in found


class _SqlServer:
    """A SQL Server whose sys.time_zone_info holds the one Windows zone it is asked about."""

    dialect = "tsql"

    def __init__(self, known: set[str]):
        self.known = known
        self.asked: list[str] = []

    def fetch(self, statement) -> Result:
        sql = statement.sql("tsql")
        assert "sys.time_zone_info" in sql
        name = statement.find(exp.EQ).expression.this
        self.asked.append(name)
        return Result(("count",), [(int(name in self.known),)])


def test_sql_server_is_asked_for_the_windows_name_of_the_zone():
    server = _SqlServer({"Eastern Standard Time"})
    assert dbcheck.zone_known(server, "America/New_York") and server.asked == ["Eastern Standard Time"]
    assert not dbcheck.zone_known(server, "Europe/Berlin")  # W. Europe Standard Time: not in this server's list
    assert not dbcheck.zone_known(_SqlServer(set()), "Antarctica/Troll")  # no Windows name at all
