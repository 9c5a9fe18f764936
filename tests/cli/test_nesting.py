"""Long chains and deep nesting through the real command line (see lang/depth.py and README, Limits).

Chains (`a and b and ...`, `or`, + - *, segments each using the one before) work in check, compile,
dbt, fmt and run, with the members the same condition written short has on the demo data; nesting past
the limit exits 1 with file:line:column, the line, a caret and a hint, in every command, never a
traceback. An arithmetic chain past DuckDB's own limit is the database's error, with a hint.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from segdsl.cli.main import main
from segdsl.lang.depth import MAX_NESTING

HEAD = ("customers from shop.customers key customer_id\n"
        "events orders from shop.orders by customer_id at ordered_at\n")
AS_OF = "2026-06-30"
TERMS = 2000


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def write(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(HEAD + body)
    return str(path)


def members(file: str, segment: str) -> list[str]:
    result = invoke("run", file, "--segment", segment, "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


CHAINS = {  # a long chain, and the same members written short
    "and": (" and ".join(f"age != {1000 + i}" for i in range(TERMS)) + " and age >= 30 and age < 50",
            "age >= 30 and age < 50"),
    "or": (" or ".join(f"age = {i}" for i in range(30, 30 + TERMS)), "age >= 30"),
    "and in a filter": ("count(orders where " + " and ".join(f"amount != {-i}" for i in range(1, TERMS))
                        + " and amount > 100) >= 2", "count(orders where amount > 100) >= 2"),
    "+ and -": ("age" + " + 1 - 1" * 200 + " > 60", "age > 60"),  # 401 terms: DuckDB refuses about 1,000
    "* and +": ("age" + " * 1" * 100 + " + age * 2" * 100 + " > 10000", "age * 201 > 10000"),
}


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_a_long_chain_checks_compiles_formats_and_runs(tmp_path, name):
    chain, short = CHAINS[name]
    file = write(tmp_path, "chain.seg", f"segment long: {chain}\nsegment short: {short}\n")
    result = invoke("check", file)
    assert (result.exit_code, result.stdout) == (0, f"{file}: ok (2 segments, 0 segmentations)\n")
    for dialect in ("duckdb", "sqlite", "tsql"):
        result = invoke("compile", file, "--dialect", dialect)
        assert result.exit_code == 0 and result.stdout.startswith("WITH"), result.output
    assert invoke("dbt", file, "--out", str(tmp_path / "models")).exit_code == 0
    assert invoke("fmt", file).exit_code == 0
    assert invoke("check", file).exit_code == 0
    assert len(members(file, "long")) > 1 and members(file, "long") == members(file, "short")


def test_a_chain_of_segments_each_using_the_one_before(tmp_path):
    chain = "".join(f"segment s{i}: s{i - 1} and age != {1000 + i}\n" for i in range(1, TERMS))
    file = write(tmp_path, "segments.seg", "segment s0: age >= 30\n" + chain + "segment short: age >= 30\n")
    assert invoke("check", file).stdout.endswith(f"ok ({TERMS + 1} segments, 0 segmentations)\n")
    assert invoke("compile", file, "--segment", f"s{TERMS - 1}").stdout.count("AND age <> ") == TERMS - 1
    assert invoke("fmt", "--check", file).exit_code == 1 and invoke("fmt", file).exit_code == 0
    assert members(file, f"s{TERMS - 1}") == members(file, "short")


def test_the_whole_file_of_a_chain_of_segments_runs(tmp_path):
    count = 100  # each segment's SQL holds every condition before it: this grows as count squared
    chain = "".join(f"segment s{i}: s{i - 1} and age != {1000 + i}\n" for i in range(1, count))
    file = write(tmp_path, "segments.seg", "segment s0: age >= 30\n" + chain)
    result = invoke("run", file, "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.output
    sizes = {line.split(",")[2] for line in result.stdout.splitlines()[1:]}
    assert len(result.stdout.splitlines()) == count + 1 and len(sizes) == 1


def test_an_arithmetic_chain_past_duckdbs_own_limit_is_its_error_with_a_hint(tmp_path):
    file = write(tmp_path, "sum.seg", "segment s: age" + " + 1 - 1" * 1000 + " > 60\n")
    assert invoke("check", file).exit_code == 0 and invoke("compile", file).exit_code == 0
    result = invoke("run", file, "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "error: the database rejected the query: " in result.stderr and "expression depth" in result.stderr
    assert "hint: the SQL nests deeper than this database allows" in result.stderr


DEEP = {  # a declaration nested past the limit, and where its first level too deep starts
    "parentheses": ("segment s:\n    " + "(" * 1000 + "age > 1" + ")" * 1000 + "\n", 4, 5 + MAX_NESTING),
    "not": ("segment s:\n    " + "not " * 1000 + "age > 1\n", 4, 5 + 4 * MAX_NESTING),
    "unary minus": ("segment s:\n    " + "-" * 1000 + "age > 1\n", 4, 5 + MAX_NESTING - 1),
    "division": ("segment s:\n    age" + " / 2" * 1000 + " > 1\n", 4, 5),
    "segments": ("segment s0: age > 0\n" + "".join(f"segment s{i}: not s{i - 1}\n" for i in range(1, 1000)),
                 3 + MAX_NESTING, len(f"segment s{MAX_NESTING}: not ") + 1),
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_nesting_past_the_limit_is_a_positioned_error_in_every_command(tmp_path, name):
    body, line, column = DEEP[name]
    file = write(tmp_path, "deep.seg", body)
    commands = [["check", file], ["compile", file], ["run", file, "--as-of", AS_OF],
                ["dbt", file, "--out", str(tmp_path / "models")]]
    if name != "segments":  # fmt needs syntax only: nesting through segments is the checker's
        commands.append(["fmt", file])
    for command in commands:
        result = invoke(*command)
        assert result.exit_code == 1, (command, result.output)
        first, source, caret, *rest = result.stderr.splitlines()
        assert first.startswith(f"{file}:{line}:{column}: error: "), (command, first)
        assert "nest" in first and f"more than {MAX_NESTING}" in first
        assert source.startswith(f"{line:>5} | ") and caret.index("^") == len(f"{line:>5} | ") + column - 1
        assert rest[-1].startswith("hint: ")
    assert Path(file).read_text() == HEAD + body, "fmt leaves the file alone"


def test_the_real_process_prints_no_traceback(tmp_path):
    file = write(tmp_path, "deep.seg", "segment s: " + "(" * 100_000 + "age > 1" + ")" * 100_000 + "\n"
                 + "segment t: " + " or ".join(f"age = {i}" for i in range(20_000)) + "\n")
    done = subprocess.run([sys.executable, "-m", "segdsl", "check", file], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{file}:3:{len('segment s: ') + MAX_NESTING + 1}: error: nested too deeply")


def test_sqlite_refuses_a_chain_of_a_thousand_terms_and_says_why():
    import sqlite3

    import segdsl
    from segdsl.errors import SegdslError

    connection = sqlite3.connect(":memory:")
    connection.execute("ATTACH ':memory:' AS shop")
    connection.execute("CREATE TABLE shop.customers (customer_id INTEGER, age INTEGER)")
    connection.executemany("INSERT INTO shop.customers VALUES (?, ?)", [(1, 30), (2, 40), (3, None)])
    connection.execute("CREATE TABLE shop.orders (customer_id INTEGER, ordered_at TEXT)")
    program = segdsl.load_text(HEAD + "segment fine: " + " or ".join(f"age = {i}" for i in range(30, 900))
                               + "\nsegment long: " + " or ".join(f"age = {i}" for i in range(30, 2030)) + "\n")
    assert segdsl.members(connection, program, "fine", AS_OF).rows == [(1,), (2,)]
    with pytest.raises(SegdslError) as caught:
        segdsl.members(connection, program, "long", AS_OF)
    (problem,) = caught.value.diagnostics
    assert "Expression tree is too large (maximum depth 1000)" in problem.message
    assert problem.hint.startswith("the SQL nests deeper than this database allows")
