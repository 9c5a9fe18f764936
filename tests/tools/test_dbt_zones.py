"""segdsl dbt on rules 9 and 10: the as-of day in the program's zone, hours counted back from its end."""

from __future__ import annotations

import datetime as datetime_module
import re
from datetime import date, datetime
from types import SimpleNamespace

import duckdb
import jinja2.sandbox

from segdsl.compile import compiler
from segdsl.tools import dbt

PROGRAM = '''timezone "America/New_York"
customers from shop.customers key id
events orders from shop.orders by id at ordered_at
segment recent:
    has orders in last 1 day
segment late:
    has orders in last 2 hours
'''


def _render(model: str, as_of: str | None) -> str:
    """The model as dbt would run it: vars, sources, Jinja's modules and exceptions."""
    variables = {} if as_of is None else {"as_of": as_of}

    def fail(message: str) -> None:
        raise AssertionError(message)

    return jinja2.sandbox.SandboxedEnvironment().from_string(model).render(  # dbt's Jinja is sandboxed too
        var=lambda name, default=None: variables.get(name, default), source=lambda s, t: f"{s}.{t}",
        modules=SimpleNamespace(re=re, datetime=datetime_module), exceptions=SimpleNamespace(raise_compiler_error=fail))


def test_a_zoned_model_means_what_segdsl_run_means(tmp_path):
    path = tmp_path / "z.seg"
    path.write_text(PROGRAM)
    files = dbt.generate(path)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA shop; CREATE TABLE shop.customers (id INTEGER); INSERT INTO shop.customers "
                "VALUES (1), (2), (3), (4)")
    con.execute("CREATE TABLE shop.orders (id INTEGER, ordered_at TIMESTAMP)")
    con.executemany("INSERT INTO shop.orders VALUES (?, ?)", [
        (1, datetime(2026, 3, 9, 3, 59, 59)), (2, datetime(2026, 3, 9, 4)), (3, datetime(2026, 3, 8, 4, 59, 59)),
        (4, datetime(2026, 3, 9, 2, 30))])
    program = compiler.load_file(path)
    for segment, members in (("recent", {1, 4}), ("late", {1, 4})):
        sql = _render(files[f"z_{segment}.sql"], "2026-03-08")
        assert {row[0] for row in con.execute(sql).fetchall()} == members
        assert {row[0] for row in con.execute(compiler.to_sql(program, "duckdb", segment, date(2026, 3, 8)))
                .fetchall()} == members
    without = _render(files["z_recent.sql"], None)  # no var as_of: today in New York, from the engine's clock
    today_sql = "SELECT CAST(CAST(CURRENT_TIMESTAMP AT TIME ZONE 'America/New_York' AS TIMESTAMP) AS DATE)"
    before = con.execute(today_sql).fetchone()[0]
    got = {row[0] for row in con.execute(without).fetchall()}
    after = con.execute(today_sql).fetchone()[0]
    assert got in [{row[0] for row in con.execute(compiler.to_sql(program, "duckdb", "recent", day)).fetchall()}
                   for day in {before, after}]  # New York's midnight may pass in between
