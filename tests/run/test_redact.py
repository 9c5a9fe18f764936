"""A database password never reaches segdsl's output or errors.

The failing cases run the real command line in a subprocess against the
real PostgreSQL server, with a role that must give its password, and look
for the password in everything the process printed.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from engines import Table
from engines.pgdb import fresh_database, password_role

from segdsl.run.redact import hide, redact

ROOT = Path(__file__).parents[2]
ROLE, PASSWORD = "segdsl_job", "Tr0mbone-s3cret"
SOURCE = """\
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
segment older: age > 40
segment buyers: has orders
"""
CUSTOMERS = Table("shop.customers", (("customer_id", "integer"), ("age", "integer")), ((1, 30), (2, 50)))
ORDERS = Table("shop.orders", (("customer_id", "integer"), ("ordered_at", "timestamp")),
               ((2, datetime(2026, 5, 30, 12)), (2, datetime(2026, 6, 10, 12))))


@pytest.mark.parametrize("text, expected", [
    ("postgresql://bob:hunter22@db:5432/shop", "postgresql://bob:***@db:5432/shop"),
    ("failed: postgres://bob:p@ss@db/shop?sslmode=require", "failed: postgres://bob:***@db/shop?sslmode=require"),
    ("postgresql://bob@db/shop and postgresql://db:5432/shop", "postgresql://bob@db/shop and postgresql://db:5432/shop"),
    ("host=db password=hunter22 user=bob", "host=db password=*** user=bob"),
    ("host=db password='hun ter' user=bob", "host=db password=*** user=bob"),
    ("sc://spark:15002/;token=abc123;user_id=bob", "sc://spark:15002/;token=***;user_id=bob"),
    ("https://host/api?access_token=abc123&x=1", "https://host/api?access_token=***&x=1"),
])
def test_redact_masks_passwords_and_tokens_in_urls_and_settings(text, expected):
    assert redact(text) == expected


def test_a_token_handed_over_in_a_url_is_masked_wherever_it_appears():
    hide("sc://spark:15002/;use_ssl=true;token=Tr0mb0ne-t0ken")
    assert redact("metadata: authorization: Bearer Tr0mb0ne-t0ken") == "metadata: authorization: Bearer ***"


@pytest.fixture(scope="module")
def server(postgres_engine, tmp_path_factory):
    """The port of a server where ROLE needs PASSWORD, a database 'jobs' with a shop, and a .seg file."""
    seg = tmp_path_factory.mktemp("redact") / "shop.seg"
    seg.write_text(SOURCE)
    # the role goes after its database: materialize leaves tables it owns there
    with password_role(postgres_engine, ROLE, PASSWORD), \
            fresh_database(postgres_engine, "segdsl_jobs", [CUSTOMERS, ORDERS]):
        yield postgres_engine.port, str(seg)


def segdsl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=120)


def url(port: int, password: str = PASSWORD, host: str = "127.0.0.1", db: str = "segdsl_jobs") -> str:
    return f"postgresql://{ROLE}:{password}@{host}:{port}/{db}?connect_timeout=5"


def test_the_right_password_works_from_the_environment(server):
    port, seg = server
    done = segdsl("run", seg, "--segment", "older", "--format", "csv", env={"SEGDSL_DB": url(port)})
    assert (done.returncode, done.stdout) == (0, "customer_id\n2\n"), done.stderr
    done = segdsl("run", seg, "--db", "env:WAREHOUSE", "--segment", "older", env={"WAREHOUSE": url(port)})
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr


WRONG = "Wr0ng-Passw0rd"
BAD_ESCAPE = "Tr0m%zzbone"  # libpq quotes this text back in its error


@pytest.mark.parametrize("case, secret, expected", [
    ("wrong password", WRONG, 'password authentication failed for user "segdsl_job"'),
    ("wrong host", PASSWORD, "failed to resolve host 'no-such-host.invalid'"),
    ("wrong port", PASSWORD, 'port 1 failed: Connection refused'),
    ("wrong database", PASSWORD, 'database "no_such_db" does not exist'),
    ("bad escape", BAD_ESCAPE, 'invalid percent-encoded token: "***"'),
    ("query error", PASSWORD, "the database rejected the query: operator does not exist: bigint ~~ unknown"),
    ("materialize", WRONG, 'password authentication failed for user "segdsl_job"'),
    ("diff", PASSWORD, "table 'nope' not found in the database"),
])
def test_no_password_in_any_failure(server, case, secret, expected):
    port, seg = server
    args = {
        "wrong password": ["run", seg, "--db", url(port, WRONG)],
        "wrong host": ["run", seg, "--db", url(port, host="no-such-host.invalid")],
        "wrong port": ["run", seg, "--db", url(1)],
        "wrong database": ["run", seg, "--db", url(port, db="no_such_db")],
        "bad escape": ["run", seg, "--db", url(port, BAD_ESCAPE)],
        "materialize": ["materialize", seg, "--db", url(port, WRONG), "--table", "hist"],
        "diff": ["diff", "--db", url(port), "--table", "nope", "--from", "2026-01-01", "--to", "2026-01-02"],
    }.get(case)
    if case == "query error":  # passes the catalog check; PostgreSQL rejects LIKE on a number
        bad = Path(seg).with_name("bad.seg")
        bad.write_text(SOURCE + 'segment odd: age like "4%"\n')
        args = ["run", str(bad), "--db", url(port), "--segment", "odd"]
    done = segdsl(*args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr, done.stderr
    assert expected in done.stderr
    assert secret not in done.stdout + done.stderr


def test_a_mistyped_scheme_is_not_echoed_with_its_password(tmp_path):
    seg = tmp_path / "shop.seg"
    seg.write_text(SOURCE)
    done = segdsl("run", str(seg), "--db", f"postgresq://{ROLE}:{PASSWORD}@127.0.0.1/db")
    assert done.returncode == 1
    assert "error: unknown database URL scheme 'postgresq://'" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr


FORMS = {  # every way a URL can carry the password
    "postgresql": lambda port: url(port),
    "postgres": lambda port: url(port).replace("postgresql://", "postgres://"),
    "query": lambda port: f"postgresql://{ROLE}@127.0.0.1:{port}/segdsl_jobs?password={PASSWORD}&connect_timeout=5",
}
_tables = itertools.count()


def _commands(seg: str, out: Path) -> dict[str, list[list[str]]]:
    """Each command that takes a target, as the runs that exercise it (without the target)."""
    table = f"hist_{next(_tables)}"
    return {
        "check": [["check", seg]],
        "run": [["run", seg], ["run", seg, "--segment", "older", "--format", "json"]],
        "sizes": [["sizes", seg, "--as-of", "2026-06-30"]],
        "overlap": [["overlap", seg, "--as-of", "2026-06-30"]],
        "profile": [["profile", seg, "--by", "age", "--sample", "1", "--as-of", "2026-06-30"]],
        "trend": [["trend", seg, "--from", "2026-06-01", "--to", "2026-06-03"]],
        "backtest": [["backtest", seg, "--as-of", "2026-06-01", "--outcome", "count(orders)", "--days", "30"]],
        "report": [["report", seg, "--out", str(out / f"{table}.html"), "--as-of", "2026-06-30"]],
        "materialize and diff": [["materialize", seg, "--table", table, "--as-of", "2026-06-01"],
                                 ["materialize", seg, "--table", table, "--as-of", "2026-06-30"],
                                 ["diff", "--table", table, "--from", "2026-06-01", "--to", "2026-06-30"],
                                 ["diff", "--table", table, "--from", "2026-06-01", "--to", "2026-06-30",
                                  "--summary"]],
    }


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("way", ["--db", "SEGDSL_DB", "env:NAME"])
def test_no_command_prints_the_password_it_was_given(server, tmp_path, form, way):
    """Every command with --db; the other ways of naming a target (the variable SEGDSL_DB, env:NAME) share
    the code that reads it, so check and run stand for the rest there."""
    port, seg = server
    target = FORMS[form](port)
    commands = _commands(seg, tmp_path)
    for command, runs in commands.items() if way == "--db" else [("check", commands["check"]),
                                                                   ("run", commands["run"])]:
        for args in runs:
            if way == "--db":
                done = segdsl(*args, "--db", target)
            elif way == "SEGDSL_DB":
                done = segdsl(*args, env={"SEGDSL_DB": target})
            else:
                done = segdsl(*args, "--db", "env:WAREHOUSE", env={"WAREHOUSE": target})
            assert done.returncode == 0, (command, done.stderr)
            assert PASSWORD not in done.stdout + done.stderr, (command, done.stdout + done.stderr)
    if way == "SEGDSL_DB":  # a command without a target never prints the variable either
        done = segdsl("compile", seg, env={"SEGDSL_DB": target})
        assert done.returncode == 0 and PASSWORD not in done.stdout + done.stderr
