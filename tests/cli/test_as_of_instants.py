"""--as-of with a time of day (rule 10) on the command line, and a zone error at its line."""

from __future__ import annotations

from click.testing import CliRunner

from segdsl.cli.main import main

PROGRAM = ('timezone "America/New_York"\ncustomers from c key id\nevents o from o by id at ordered_at\n'
           "segment recent:\n    has o in last 2 hours\n")


def _compile(tmp_path, *args: str, program: str = PROGRAM):
    (tmp_path / "p.seg").write_text(program)
    return CliRunner().invoke(main, ["compile", str(tmp_path / "p.seg"), "--segment", "recent", *args],
                              catch_exceptions=False)


def test_an_instant_as_of_gives_utc_bounds(tmp_path):
    result = _compile(tmp_path, "--as-of", "2026-06-30T14:30")
    assert result.exit_code == 0, result.output
    assert "'2026-06-30 16:30:00'" in result.output and "'2026-06-30 18:30:00'" in result.output


def test_a_bad_instant_is_an_option_error(tmp_path):
    result = _compile(tmp_path, "--as-of", "2026-06-30T25:00")
    assert result.exit_code == 2
    assert "is not a date YYYY-MM-DD or an instant YYYY-MM-DDTHH:MM" in result.output
    result = _compile(tmp_path, "--as-of", "2026-06-30T14:30+02:00")
    assert "without an offset" in result.output


def test_hours_back_from_now_on_utc_instants_need_no_zone_database(tmp_path):
    """Without --as-of, T is the current instant: the last 2 hours of a column of UTC instants are compared
    with the engine's UTC clock, with no day of the program's zone to convert."""
    result = _compile(tmp_path, "--dialect", "sqlite")
    assert result.exit_code == 0, result.output
    assert "ordered_at < DATETIME('now')" in result.output and "'-120 minutes'" in result.output


def test_a_dialect_without_zones_is_an_error_at_the_timezone_line(tmp_path):
    result = _compile(tmp_path, "--dialect", "sqlite", program=PROGRAM.replace("2 hours", "2 days"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'p.seg'}:1:10: error: sqlite: ") and "SQLite has no time-zone" in lines[0]
    assert "^" in lines[2] and "Traceback" not in result.output


NOW = "CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP)"  # the engine's clock, as the compiler reads it


def test_without_as_of_events_after_the_current_instant_do_not_exist(tmp_path):
    """Rule 10: without --as-of, T is the current instant, so an event dated later today is in the future,
    on a column of UTC instants and on a local one; the expectations come from the engine's own clock."""
    import duckdb

    with duckdb.connect(str(tmp_path / "shop.duckdb")) as db:
        db.execute("CREATE TABLE c (id INTEGER)")
        db.execute("INSERT INTO c VALUES (1), (2), (3), (4)")
        db.execute("CREATE TABLE o (id INTEGER, ordered_at TIMESTAMP, local_at TIMESTAMP)")
        wall = f"timezone('America/New_York', {NOW} AT TIME ZONE 'UTC')"
        for key, moved in ((1, "- INTERVAL 30 MINUTE"), (2, "+ INTERVAL 30 MINUTE")):
            db.execute(f"INSERT INTO o VALUES ({key}, {NOW} {moved}, NULL), ({key + 2}, NULL, {wall} {moved})")
    program = ('timezone "America/New_York"\ncustomers from c key id\nevents o from o by id at ordered_at\n'
               "events l from o by id at local_at local\n"
               "segment recent:\n    has o in last 2 days or has l in last 2 days\n")
    (tmp_path / "p.seg").write_text(program)
    result = CliRunner().invoke(main, ["run", str(tmp_path / "p.seg"), "--db", str(tmp_path / "shop.duckdb"),
                                       "--segment", "recent", "--format", "csv"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["id", "1", "3"]
