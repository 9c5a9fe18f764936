"""A fresh PostgreSQL database (or role) on the test server, for tests that write.

`postgres_engine.load` drops whatever an earlier load made, so tests that keep
their own tables (history tables, roles with passwords) get a database of
their own on the same server, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence

from .base import Table
from .postgres import PostgresEngine


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def fresh_database(engine, name: str, tables: Sequence[Table] = ()) -> Iterator[str]:
    """A new database holding `tables`; yields its URL (user postgres, trust auth)."""
    import psycopg

    admin = engine.connection
    admin.execute(f"DROP DATABASE IF EXISTS {_ident(name)} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {_ident(name)}")
    url = f"postgresql://postgres@127.0.0.1:{engine.port}/{name}"
    try:
        with psycopg.connect(url, autocommit=True) as con:
            load(con, tables)
        yield url
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {_ident(name)} WITH (FORCE)")


def load(con, tables: Sequence[Table]) -> None:
    """Replace `tables` in the database of a psycopg connection."""
    for schema in sorted({t.schema for t in tables if t.schema}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)}")
    for table in tables:
        name = ".".join(_ident(p) for p in table.name.split("."))
        types = PostgresEngine.TYPES
        con.execute(f"DROP TABLE IF EXISTS {name}")
        con.execute(f"CREATE TABLE {name} ({', '.join(f'{_ident(c)} {types[k]}' for c, k in table.columns)})")
        with con.cursor() as cursor, cursor.copy(f"COPY {name} FROM STDIN") as copy:
            for row in table.canonical_rows():
                copy.write_row(row)


@contextlib.contextmanager
def password_role(engine, role: str, password: str) -> Iterator[None]:
    """A login role that must give its password (scram) over TCP, while the rest of the server stays trust."""
    admin = engine.connection
    hba = admin.execute("SHOW hba_file").fetchone()[0]
    with open(hba) as handle:
        original = handle.read()
    admin.execute(f"DROP ROLE IF EXISTS {_ident(role)}")
    admin.execute(f"CREATE ROLE {_ident(role)} LOGIN SUPERUSER PASSWORD '{password}'")
    try:
        with open(hba, "w") as handle:
            handle.write(f"host all {role} 127.0.0.1/32 scram-sha-256\n" + original)
        admin.execute("SELECT pg_reload_conf()")
        _wait_for_password_check(engine.port, role)
        yield
    finally:
        with open(hba, "w") as handle:
            handle.write(original)
        admin.execute("SELECT pg_reload_conf()")
        admin.execute(f"DROP ROLE IF EXISTS {_ident(role)}")


def _wait_for_password_check(port: int, role: str) -> None:
    """pg_reload_conf only signals the server: wait until a wrong password is refused."""
    import psycopg

    for _ in range(100):
        try:
            psycopg.connect(f"postgresql://{role}:not-it@127.0.0.1:{port}/postgres").close()
        except psycopg.OperationalError:
            return
        time.sleep(0.05)
    raise RuntimeError("the server kept trusting the password role after pg_reload_conf")
