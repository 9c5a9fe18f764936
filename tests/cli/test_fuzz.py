"""Fuzz: every command of the real `segdsl` process, fed hostile programs and option values.

Each call runs `python -m segdsl` in a process of its own under a memory
limit (RLIMIT_AS) and a timeout that only catches hangs, and must end with exit
0, 1 or 2 and no traceback. Programs: the examples cut at a random point with
random bytes after them, every line-ending style, huge and odd literals, deep
and wide programs. Options: dates at the calendar's ends, odd numbers and
names, unknown values.

The budget is fixed: SEGDSL_FUZZ_CASES calls (default 40) from SEGDSL_FUZZ_SEED
(default a fixed seed, so CI is repeatable; `random` draws one). Every failure
names the seed and the case, so `SEGDSL_FUZZ_SEED=<seed>` replays it.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.seg"))
CASES = int(os.environ.get("SEGDSL_FUZZ_CASES", "40"))
_SEED_TEXT = os.environ.get("SEGDSL_FUZZ_SEED", "20261203")
SEED = random.randrange(2**32) if _SEED_TEXT == "random" else int(_SEED_TEXT)
MEMORY = 3 * 2**30  # bytes of address space per call
HANG = 300  # seconds: far beyond any call here, only a hang reaches it

HEAD = "customers from shop.customers key customer_id\nevents orders from shop.orders by customer_id at placed_at\n"
ODD_DATES = ("0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29", "1970-01-01", "2026-13-01", "", "yesterday",
             "+10000-01-01", "2026-06-30T25:00")
ODD_NUMBERS = ("0", "-1", "1e999999", "1e999999999", "9" * 5000, "0.0000000000000000000000000000000000000001",
               "NaN", "inf", "-0", "1_000", "")
DIALECTS = ("duckdb", "postgres", "snowflake", "bigquery", "redshift", "databricks", "spark", "trino", "mysql",
            "sqlite", "clickhouse", "tsql", "nope")


@dataclass
class Case:
    """One call: the command line (with {file}, {dir} and {db} to fill in) and the program text (the
    file's, or stdin's for `fmt -`)."""

    args: list[str]
    program: bytes


# ---- programs --------------------------------------------------------------------------------------


def _example(rng: random.Random) -> bytes:
    return rng.choice(EXAMPLES).read_bytes()


def _cut_with_bytes(rng: random.Random) -> bytes:
    """A valid prefix, then random bytes."""
    text = _example(rng)
    return text[: rng.randrange(len(text) + 1)] + rng.randbytes(rng.randrange(1, 64))


def _line_endings(rng: random.Random) -> bytes:
    text = _example(rng).replace(b"\r\n", b"\n")
    ending = rng.choice([b"\r\n", b"\r", b"\n\r", b"\x0b", b"\x0c", "\u2028".encode()])
    if rng.random() < 0.5:
        return text.replace(b"\n", ending)
    return b"".join(line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in text.split(b"\n"))


def _huge_literals(rng: random.Random) -> bytes:
    number = rng.choice(["9" * 5000, "1" + "0" * 400, "0." + "0" * 400 + "1", "99999999999999999999999999999999999999"])
    segment = rng.choice([f"segment s: age > {number}", f"segment s: count(orders) > {number}",
                          f"segment s: has orders in last {number} days", f"segment s: age in top {number}%",
                          f'segment s: city = "{"x" * 100_000}"', "segment s: signup_date > 0001-01-01",
                          "segment s: signup_date < 9999-12-31", "segment s: has orders since 9999-12-31"])
    params = f"param big = {number}\n" if rng.random() < 0.5 else ""
    return (HEAD + params + segment + "\n").encode()


def _deep(rng: random.Random) -> bytes:
    n = rng.choice([50, 200, 1000, 3000])
    shape = rng.choice(["and", "or", "paren", "not", "neg", "plus", "chain", "wide"])
    if shape in ("and", "or"):
        body = f" {shape} ".join(f"age > {i}" for i in range(n))
    elif shape == "paren":
        body = "(" * n + "age > 1" + ")" * n
    elif shape == "not":
        body = "not " * n + "age > 1"
    elif shape == "neg":
        body = "-" * n + "age > 1"
    elif shape == "plus":
        body = "age" + "".join(f" + {i}" for i in range(n)) + " > 1"
    elif shape == "chain":
        return (HEAD + "segment s0: age > 1\n"
                + "".join(f"segment s{i}: s{i - 1} and age > {i}\n" for i in range(1, n))).encode()
    else:
        return (HEAD + "".join(f"segment s{i}: age > {i}\n" for i in range(n))).encode()
    return (HEAD + f"segment s: {body}\n").encode()


PROGRAMS: tuple[Callable[[random.Random], bytes], ...] = (_example, _cut_with_bytes, _line_endings, _huge_literals,
                                                          _deep)


# ---- command lines ---------------------------------------------------------------------------------


def _command(rng: random.Random) -> list[str]:
    """A command and options, some valid and some not; {file}, {dir} and {db} are filled in later."""
    as_of = ["--as-of", rng.choice(ODD_DATES)] if rng.random() < 0.6 else []
    param = ["--param", f"{rng.choice(['big', 'lapse', 'nope', ''])}={rng.choice(ODD_NUMBERS)}"] \
        if rng.random() < 0.4 else []
    fmt = ["--format", rng.choice(["table", "csv", "json"])]
    segment = ["--segment", rng.choice(["s", "lapsed", "nope", "", "s0"])] if rng.random() < 0.4 else []
    choices: list[list[str]] = [
        ["check", "{file}", *param],
        ["compile", "{file}", "--dialect", rng.choice(DIALECTS), *segment, *as_of, *param],
        ["fmt", "--check", "{file}"],
        ["fmt", "-"],
        ["run", "{file}", *segment, *as_of, *param, *fmt],
        ["sizes", "{file}", *as_of, *fmt],
        ["overlap", "{file}", *as_of],
        ["profile", "{file}", "--by", rng.choice(["age", "sum(orders.amount)", "nope(", "1e999999", "city"]),
         *as_of],
        ["trend", "{file}", "--from", rng.choice(ODD_DATES), "--to", rng.choice(ODD_DATES),
         "--every", rng.choice(["day", "week", "month"])],
        ["backtest", "{file}", "--as-of", rng.choice(ODD_DATES), "--outcome",
         rng.choice(["has orders", "sum(orders.amount)", "lapsed", "1e999999", ""]), "--days",
         rng.choice(ODD_NUMBERS)],
        ["report", "{file}", "--out", "{dir}/report.html", *as_of],
        ["dbt", "{file}", "--out", "{dir}/models", *param],
        ["materialize", "{file}", "--db", "{db}", "--table", rng.choice(["history", "x" * 300, "a.b.c", ""]),
         *as_of],
        ["demo", "{dir}/" + rng.choice(["shop.duckdb", "missing/x.duckdb", "a b.duckdb"])],
    ]
    return rng.choice(choices)


def _cases() -> list[Case]:
    rng = random.Random(SEED)
    return [Case(_command(rng), rng.choice(PROGRAMS)(rng)) for _ in range(CASES)]


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file with the demo data, for commands that write."""
    path = tmp_path_factory.mktemp("fuzz") / "shop.duckdb"
    subprocess.run([sys.executable, "-m", "segdsl", "demo", str(path)], check=True, capture_output=True,
                   cwd=ROOT, timeout=HANG)
    return path


@pytest.mark.parametrize("index", range(CASES))
def test_every_command_ends_in_0_1_or_2_without_a_traceback(index: int, tmp_path: Path, demo_db: Path) -> None:
    case = _cases()[index]
    file = tmp_path / "m.seg"
    file.write_bytes(case.program)
    args = [a.replace("{file}", str(file)).replace("{dir}", str(tmp_path)).replace("{db}", str(demo_db))
            for a in case.args]
    stdin = case.program if args[:2] == ["fmt", "-"] else b""
    replay = f"seed {SEED}, case {index}: segdsl {' '.join(a[:80] for a in args)} (SEGDSL_FUZZ_SEED={SEED})"
    try:
        done = subprocess.run([sys.executable, "-m", "segdsl", *args], input=stdin, capture_output=True,
                              cwd=tmp_path, timeout=HANG, preexec_fn=_limited)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung for {HANG} s: {replay}")
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert done.returncode in (0, 1, 2), f"exit {done.returncode}: {replay}\n{output[-3000:]}"
    assert "Traceback" not in output, f"{replay}\n{output[-3000:]}"
