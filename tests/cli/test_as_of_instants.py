"""--as-of with a time of day (rule 10) on the command line, and a zone error at its line."""

from __future__ import annotations

from click.testing import CliRunner

from segdsl.cli.main import main

PROGRAM = ('timezone "America/New_York"\ncustomers from c key id\nevents o from o by id at ordered_at\n'
           "segment recent:\n    has o in last 2 hours\n")


def _compile(tmp_path, *args: str):
    (tmp_path / "p.seg").write_text(PROGRAM)
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


def test_a_dialect_without_zones_is_an_error_at_the_timezone_line(tmp_path):
    result = _compile(tmp_path, "--dialect", "sqlite")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'p.seg'}:1:10: error: sqlite: ") and "SQLite has no time-zone" in lines[0]
    assert "^" in lines[2] and "Traceback" not in result.output
