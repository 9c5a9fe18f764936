"""What a command imports before it works (issue 20's start-up): `--help` and `check` no SQL dialect and no
database driver, `check` and `compile` not the insight commands, `compile` no database driver. A figure of
time is the bench's (bench/startup_bench.py); these are the causes, checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from segdsl.cli import insight
from segdsl.cli.main import Commands

RETAIL = str(Path(__file__).parents[2] / "examples" / "retail.seg")
PROBE = """
import json, sys
from segdsl.cli.main import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    sys.stdout.flush()
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    return set(json.loads(done.stderr.splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["check", RETAIL]])
def test_help_and_check_load_no_dialect_and_no_driver(args):
    modules = loaded(*args)
    assert not {"duckdb", "sqlglot", "psycopg", "segdsl.dialects"} & modules
    assert ("segdsl.cli.insight" in modules) == (args == ["--help"])  # the listing shows their help


def test_compile_loads_its_one_dialect_and_no_driver_or_insight():
    modules = loaded("compile", RETAIL, "--segment", "lapsed")
    assert "sqlglot.generators.duckdb" in modules
    assert not {"duckdb", "psycopg", "segdsl.cli.insight", "segdsl.insight.groups"} & modules
    assert not {name for name in modules if name.startswith("sqlglot.generators.") and name.endswith("postgres")}


def test_the_group_names_the_insight_commands_it_imports_when_asked():
    assert tuple(command.name for command in insight.COMMANDS) == Commands.INSIGHT
