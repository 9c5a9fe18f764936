"""A database password never reaches segdsl's output or errors.

The failing cases run the real command line in a subprocess against the
real PostgreSQL server, with a role that must give its password, and look
for the password in everything the process printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from engines import Table
from engines.pgdb import fresh_database, password_role

from segdsl.run.redact import redact

ROOT = Path(__file__).parents[2]
ROLE, PASSWORD = "segdsl_job", "Tr0mbone-s3cret"
SOURCE = """\
customers from shop.customers key customer_id
segment older: age > 40
"""
CUSTOMERS = Table("shop.customers", (("customer_id", "integer"), ("age", "integer")), ((1, 30), (2, 50)))


@pytest.mark.parametrize("text, expected", [
    ("postgresql://bob:hunter22@db:5432/shop", "postgresql://bob:***@db:5432/shop"),
    ("failed: postgres://bob:p@ss@db/shop?sslmode=require", "failed: postgres://bob:***@db/shop?sslmode=require"),
    ("postgresql://bob@db/shop and postgresql://db:5432/shop", "postgresql://bob@db/shop and postgresql://db:5432/shop"),
    ("host=db password=hunter22 user=bob", "host=db password=*** user=bob"),
    ("host=db password='hun ter' user=bob", "host=db password=*** user=bob"),
])
def test_redact_masks_passwords_in_urls_and_settings(text, expected):
    assert redact(text) == expected


@pytest.fixture(scope="module")
def server(postgres_engine, tmp_path_factory):
    """The port of a server where ROLE needs PASSWORD, a database 'jobs' with a shop, and a .seg file."""
    seg = tmp_path_factory.mktemp("redact") / "shop.seg"
    seg.write_text(SOURCE)
    with fresh_database(postgres_engine, "segdsl_jobs", [CUSTOMERS]), password_role(postgres_engine, ROLE, PASSWORD):
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
    assert f"database target 'postgresq://{ROLE}:***@127.0.0.1/db' does not exist" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr
