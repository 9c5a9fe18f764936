"""Hostile input that once crashed or hung the command line (issue 18, "Tracebacks and hangs"): huge
numbers, the calendar's ends, files that cannot be written or read, odd CSV folders. Each is a clear
error (exit 1, or 2 for a bad option) or a sensible result, and never a traceback.

Cases that hung run the real command in a subprocess whose generous timeout only catches a hang.
"""

from __future__ import annotations

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
