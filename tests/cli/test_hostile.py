"""Hostile input that once crashed or hung the command line (issue 18, "Tracebacks and hangs"): huge
numbers, the calendar's ends, files that cannot be written or read, odd CSV folders. Each is a clear
error (exit 1, or 2 for a bad option) or a sensible result, and never a traceback.

Cases that hung run the real command in a subprocess whose generous timeout only catches a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from segdsl.cli.main import main

RETAIL = str(Path(__file__).resolve().parents[2] / "examples" / "retail.seg")
SHOP = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
param big = 5
segment many: count(orders) > big
"""
RANGE = "number out of range: at most 18 digits before the decimal point and 18 after it"
AS_OF_RANGE = "as-of days run from 0001-01-01 to 9999-12-30"


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def segdsl(*args: str) -> subprocess.CompletedProcess:
    """The real command; the timeout only catches a hang (a 1e999999999 once took forever)."""
    done = subprocess.run([sys.executable, "-m", "segdsl", *args], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr
    return done


def seg(tmp_path: Path, text: str) -> str:
    path = tmp_path / "p.seg"
    path.write_text(text)
    return str(path)


# ---- numbers


@pytest.mark.parametrize("command", [["check"], ["compile"], ["run", "--as-of", "2026-06-30"]])
def test_a_5000_digit_literal_is_a_positioned_error(tmp_path, command):
    path = seg(tmp_path, SHOP.replace("> big", "> " + "9" * 5000))
    result = invoke(command[0], path, *command[1:])
    assert result.exit_code == 1
    assert f"p.seg:4:31: error: {RANGE}\n" in result.stderr
    assert "hint: every engine holds such a number exactly" in result.stderr


@pytest.mark.parametrize("value", ["1e999999", "1e999999999", "-1e999999999", "1e18", "1e-19", "9" * 5000])
@pytest.mark.parametrize("command", [
    ["compile"],
    ["backtest", "--as-of", "2026-01-01", "--days", "30", "--outcome", "count(orders)"],
    ["profile", "--by", "age"],
])
def test_a_huge_param_is_refused_at_once(tmp_path, command, value):
    done = segdsl(command[0], seg(tmp_path, SHOP), *command[1:], "--param", f"big={value}")
    assert done.returncode == 1 and done.stdout == ""
    assert f"p.seg:3:1: error: bad value for parameter 'big': {RANGE}\n" in done.stderr


@pytest.mark.parametrize("option", [["backtest", "--as-of", "2026-01-01", "--days", "30", "--outcome"],
                                    ["profile", "--by"]])
def test_a_huge_literal_in_an_expression_option_is_a_positioned_error(tmp_path, option):
    done = segdsl(option[0], seg(tmp_path, SHOP), *option[1:], "count(orders) * " + "9" * 5000)
    assert done.returncode == 1 and done.stdout == ""
    assert f"{option[-1]}:1:17: error: {RANGE}\n" in done.stderr


def test_numbers_at_the_ends_of_the_range_compile_in_plain_digits(tmp_path):
    path = seg(tmp_path, SHOP + "segment tiny: sum(orders.amount) > 0.000000000000000001\n"
                                "segment huge: sum(orders.amount) < 999999999999999999.999999999999999999\n")
    result = invoke("compile", path, "--param", "big=-999999999999999999")
    assert result.exit_code == 0, result.stderr
    sql = " ".join(result.stdout.split())
    assert "> -999999999999999999 " in sql
    assert "> 0.000000000000000001 " in sql and "< 999999999999999999.999999999999999999 " in sql
    small = invoke("compile", path, "--param", "big=1e-7")
    assert small.exit_code == 0 and "> 0.0000001 " in small.stdout  # 1E-7 would be a float in SQL


def test_a_percentage_with_more_than_six_decimals_is_refused(tmp_path):
    result = invoke("check", seg(tmp_path, SHOP + "segment top: count(orders) in top 12.3456789%\n"))
    assert result.exit_code == 1
    assert ("p.seg:5:35: error: a percentage is a number above 0 and at most 100, with at most 6 decimals\n"
            in result.stderr)


# ---- dates at the calendar's ends


@pytest.mark.parametrize("args, option", [
    (["run", RETAIL, "--as-of", "9999-12-31"], "--as-of"),
    (["backtest", RETAIL, "--as-of", "9999-12-31", "--days", "30", "--outcome", "count(orders)"], "--as-of"),
    (["report", RETAIL, "--out", "{tmp}/r.html", "--as-of", "9999-12-31"], "--as-of"),
    (["trend", RETAIL, "--from", "9999-01-01", "--to", "9999-12-31"], "--to"),
    (["diff", "--db", "{tmp}/h.duckdb", "--table", "h", "--from", "9999-12-31", "--to", "9999-12-31"], "--from"),
])
def test_the_calendars_last_day_is_no_as_of_day(tmp_path, args, option):
    result = invoke(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert (f"Invalid value for '{option}': 9999-12-31 is past the calendar's end: {AS_OF_RANGE} "
            "(the day after must exist)") in " ".join(result.stderr.split())


def test_a_backtest_whose_outcome_runs_past_the_calendar_says_so():
    result = invoke("backtest", RETAIL, "--as-of", "9999-12-30", "--days", "1", "--outcome", "count(orders)")
    assert result.exit_code == 1 and result.stdout == ""
    assert (f"error: the outcome's last day (9999-12-30 + 1 days) is past the calendar: {AS_OF_RANGE}\n"
            "hint: an earlier --as-of or fewer --days") in result.stderr
    last = invoke("backtest", RETAIL, "--as-of", "9999-12-20", "--days", "10", "--outcome", "count(orders)",
                  "--format", "csv")
    assert last.exit_code == 0 and "\nlifecycle,lapsed,3621,3621,0,0\n" in last.stdout


def test_reports_and_backtests_at_the_calendars_first_day_work(tmp_path):
    report = invoke("report", RETAIL, "--out", str(tmp_path / "r.html"), "--as-of", "0001-01-01")
    assert report.exit_code == 0 and "as of 0001-01-01" in (tmp_path / "r.html").read_text()
    backtest = invoke("backtest", RETAIL, "--as-of", "0001-01-01", "--days", "30", "--outcome", "has orders",
                      "--format", "csv")
    assert backtest.exit_code == 0 and "\n(all),,5000,0,0\n" in backtest.stdout


@pytest.mark.parametrize("every, last", [("day", "9999-12-30"), ("week", "9999-12-28"), ("month", "9999-12-30")])
def test_trend_up_to_the_calendars_last_as_of_day(every, last):
    result = invoke("trend", RETAIL, "--from", "9999-11-30", "--to", "9999-12-30", "--every", every,
                    "--format", "csv")
    assert result.exit_code == 0, result.stderr
    days = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    assert days[0] == "9999-11-30" and days[-1] == last


def test_a_report_on_the_calendars_last_as_of_day(tmp_path):
    result = invoke("report", RETAIL, "--out", str(tmp_path / "r.html"), "--as-of", "9999-12-30")
    assert result.exit_code == 0, result.stderr
    assert "as of 9999-12-30" in (tmp_path / "r.html").read_text()


# ---- files


def limited(size: int):
    """A preexec_fn capping the size of any file the command writes (RLIMIT_FSIZE): a write that fails
    for root too (Python ignores SIGXFSZ, so the write raises EFBIG)."""
    import resource

    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def test_demo_into_a_folder_that_is_missing_or_a_file(tmp_path):
    missing = invoke("demo", str(tmp_path / "nowhere" / "demo.duckdb"))
    assert missing.exit_code == 1
    assert f"error: cannot write {tmp_path / 'nowhere' / 'demo.duckdb'}: {tmp_path / 'nowhere'} does not exist" \
        in missing.stderr
    (tmp_path / "a_file").write_text("")
    a_file = invoke("demo", str(tmp_path / "a_file" / "demo.duckdb"))
    assert a_file.exit_code == 1 and f"{tmp_path / 'a_file'} is not a folder" in a_file.stderr


def test_demo_that_cannot_be_written_leaves_nothing_behind(tmp_path):
    done = subprocess.run([sys.executable, "-m", "segdsl", "demo", str(tmp_path / "demo.duckdb")],
                          capture_output=True, text=True, timeout=300, preexec_fn=limited(100_000))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"error: cannot write {tmp_path / 'demo.duckdb'}: " in done.stderr and "File too large" in done.stderr
    assert list(tmp_path.iterdir()) == []


MESSY = SHOP.replace("count(orders) > big", " and ".join(f"count(orders) > {n}" for n in range(1, 8)))


def test_fmt_that_cannot_write_a_file_says_so_and_leaves_it_whole(tmp_path):
    path = seg(tmp_path, MESSY)
    (tmp_path / "other.seg").write_text(MESSY)
    before = Path(path).read_bytes()
    done = subprocess.run([sys.executable, "-m", "segdsl", "fmt", path, str(tmp_path / "other.seg")],
                          capture_output=True, text=True, timeout=300, preexec_fn=limited(len(before) + 10))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"error: cannot write {path}: File too large\nhint: the file is left as it was\n" in done.stderr
    assert Path(path).read_bytes() == before  # the formatted text is longer: it was cut, then put back
    assert invoke("fmt", "--check", path).exit_code == 1  # still unformatted


@pytest.mark.skipif(os.geteuid() == 0,
                    reason="root writes read-only files (the case is covered for root by the size limit above)")
def test_fmt_on_a_read_only_file(tmp_path):
    path = seg(tmp_path, MESSY)
    Path(path).chmod(0o444)
    result = invoke("fmt", path)
    assert result.exit_code == 1
    assert f"error: cannot write {path}: Permission denied\nhint: the file is left as it was" in result.stderr
    assert Path(path).read_text() == MESSY


def test_dbt_leaves_files_it_did_not_write_alone_and_unread(tmp_path):
    out = tmp_path / "models"
    out.mkdir()
    (out / "latin1.sql").write_bytes(b"-- caf\xe9\n")  # not UTF-8
    (out / "folder.sql").mkdir()
    os.mkfifo(out / "pipe.yml")  # reading it would block for ever
    (out / "p_gone.sql").write_text("{#- generated by segdsl dbt from p.seg #}\nselect 1\n")
    result = invoke("dbt", seg(tmp_path, SHOP), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["folder.sql", "latin1.sql", "p.sql", "p_many.sql", "pipe.yml",
                                                     "schema.yml", "sources.yml"]
    assert (out / "latin1.sql").read_bytes() == b"-- caf\xe9\n"


@pytest.mark.parametrize("args, where", [
    (["check", "p\0.seg"], "FILE"), (["fmt", "p\0.seg"], "PATHS..."), (["demo", "d\0.duckdb"], "FILE"),
    (["dbt", RETAIL, "--out", "o\0ut"], "--out"), (["report", RETAIL, "--out", "r\0.html"], "--out"),
])
def test_a_path_with_a_nul_is_a_usage_error(args, where):
    result = invoke(*args)
    assert result.exit_code == 2
    assert f"Invalid value for '{where}': " in result.stderr and "holds a NUL character" in result.stderr


def test_dbt_refuses_a_segment_name_with_a_nul(tmp_path):
    result = invoke("dbt", seg(tmp_path, SHOP + "segment `a\0b`: has orders\n"), "--out", str(tmp_path / "m"))
    assert result.exit_code == 1
    assert "p.seg:5:1: error: 'a\0b' cannot name a dbt model: a model is a file named after it" in result.stderr
    assert not (tmp_path / "m").exists()


# ---- CSV folders


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "data" / "shop").mkdir(parents=True)
    (tmp_path / "data" / "shop" / "customers.csv").write_text("customer_id,age\n1,30\n2,40\n")
    (tmp_path / "p.seg").write_text("customers from shop.customers key customer_id\n"
                                    "events orders from shop.orders by customer_id at ordered_at\n"
                                    "segment twice: count(orders) >= 2\n"
                                    "segment spenders: sum(orders.amount) > 3 or age > 35\n"
                                    "segment recent: has orders in last 30 days\n")
    return tmp_path


def orders(folder: Path, text: str) -> Path:
    path = folder / "data" / "shop" / "orders.csv"
    path.write_text(text)
    return path


def run(folder: Path, *more: str):
    return invoke("run", str(folder / "p.seg"), "--db", str(folder / "data"), "--as-of", "2011-01-01",
                  "--format", "csv", *more)


@pytest.mark.parametrize("text", ["customer_id,ordered_at,amount\n", "customer_id,ordered_at,amount\n1,,5\n2,,\n"],
                         ids=["header_only", "no_times"])
def test_a_csv_table_without_events_simply_works(folder, text):
    orders(folder, text)
    result = run(folder)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "name,label,size,share\ntwice,,0,0\nspenders,,1,0.5\nrecent,,0,0\n"
    checked = invoke("check", str(folder / "p.seg"), "--db", str(folder / "data"))
    assert checked.exit_code == 0, checked.stderr


def test_a_header_only_entity_table_has_no_customers(folder):
    orders(folder, "customer_id,ordered_at,amount\n1,12/1/2010 8:26,5\n")
    (folder / "data" / "shop" / "customers.csv").write_text("customer_id,age\n")
    result = run(folder)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "name,label,size,share\ntwice,,0,0\nspenders,,0,0\nrecent,,0,0\n"


def test_a_time_column_of_two_formats_names_a_value_in_the_other_format_with_its_line(folder):
    path = orders(folder, "customer_id,ordered_at,amount\n1,12/1/2010 8:26,5\n1,12/2/2010 9:00,1\n"
                          "2,2010-12-03 09:10:00,3\n2,12/3/2010 9:00,1\n")
    result = run(folder)
    assert result.exit_code == 1 and result.stdout == ""
    assert ("p.seg:2:1: error: column ordered_at of shop.orders mixes time formats: 3 of its 4 values read as "
            f"%m/%d/%Y %H:%M, '2010-12-03 09:10:00' (line 4 of {path}) does not (it reads as %Y-%m-%d %H:%M:%S)\n"
            ) in result.stderr
    assert "hint: write every time in one format, e.g. YYYY-MM-DD HH:MM:SS" in result.stderr


def test_a_time_that_no_format_reads_is_named_with_its_line_even_beside_other_formats(folder):
    path = orders(folder, 'customer_id,ordered_at,amount\n1,12/1/2010 8:26,5\n2,2010-12-03 09:10:00,3\n'
                          '2,"soon,\nvery soon",3\n1,12/2/2010 9:00,1\n')
    result = run(folder)
    assert result.exit_code == 1
    assert ("error: column ordered_at of shop.orders holds text that is not a date or time: "
            f"'soon,\\nvery soon' (line 4 of {path})\n") in result.stderr
    assert "2010-12-03" not in result.stderr and "12/1/2010" not in result.stderr
