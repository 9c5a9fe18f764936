"""PostgreSQL: a throwaway cluster of Debian's server."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence

from .base import (
    _OPEN,
    EngineUnavailable,
    Table,
    _chown_tree,
    _dq,
    _free_port,
    _qualified,
    _quote,
    _run,
    _service_user,
    _tail,
    normalize,
)


def _postgres_bin() -> str:
    """The folder holding initdb, pg_ctl and postgres: Debian's newest, else the ones on PATH."""
    def version(path: str) -> float:
        match = re.search(r"/postgresql/([\d.]+)/bin$", path)
        return float(match.group(1)) if match else 0.0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(os.path.dirname(os.path.realpath(found)))
    for folder in candidates:
        if all(os.access(os.path.join(folder, tool), os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise EngineUnavailable("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: "
                            "apt-get install postgresql")


class PostgresEngine:
    """A throwaway cluster: initdb into a temp folder, pg_ctl start on a free
    loopback port, trust auth, fsync off; stopped (immediate) and deleted by close()."""

    name = "postgres"
    dialect = "postgres"
    TYPES = {"integer": "BIGINT", "decimal": "NUMERIC(18,4)", "double": "DOUBLE PRECISION", "text": "TEXT",
             "date": "DATE", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN", "json": "JSONB"}

    def __init__(self) -> None:
        try:
            import psycopg
        except ImportError:
            raise EngineUnavailable("psycopg not installed: pip install -e '.[test]'") from None
        self._psycopg = psycopg
        self._bin = _postgres_bin()
        self._ids = _service_user("postgres")
        self._dir = tempfile.mkdtemp(prefix="segdsl-pg-")
        self._data = os.path.join(self._dir, "data")
        self._started = False
        self._loaded: list[tuple[str | None, str]] = []
        self._schemas: set[str] = set()
        _OPEN.append(self)
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> None:
        _chown_tree(self._dir, self._ids)
        _run([os.path.join(self._bin, "initdb"), "-D", self._data, "-U", "postgres", "-A", "trust",
              "-E", "UTF8", "--locale=C", "--locale-provider=icu", "--icu-locale=en-US", "--no-sync"],
             self._ids, self._dir, "initdb")
        self.port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self._dir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC "
                   "-c max_connections=20 -c shared_buffers=64MB")
        self._started = True
        log = os.path.join(self._dir, "server.log")
        try:
            _run([os.path.join(self._bin, "pg_ctl"), "start", "-w", "-t", "60", "-D", self._data,
                  "-l", log, "-o", options], self._ids, self._dir, "pg_ctl start")
        except EngineUnavailable as exc:
            raise EngineUnavailable(f"{exc}\nserver log:\n{_tail(log)}") from None
        self.connection = self._psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                                                dbname="postgres", autocommit=True,
                                                options="-c TimeZone=UTC")

    def load(self, tables: Sequence[Table]) -> None:
        with self.connection.cursor() as cur:
            for schema, table in self._loaded:
                if schema is None:
                    cur.execute(f"DROP TABLE IF EXISTS {_dq(table)} CASCADE")
            for schema in sorted(self._schemas):
                cur.execute(f"DROP SCHEMA IF EXISTS {_dq(schema)} CASCADE")
            self._loaded, self._schemas = [], set()
            for schema in sorted({t.schema for t in tables if t.schema}):
                if schema != "public":
                    cur.execute(f"CREATE SCHEMA IF NOT EXISTS {_dq(schema)}")
                    self._schemas.add(schema)
            for table in tables:
                name = _qualified(table, '"')
                self._loaded.append((table.schema if table.schema != "public" else None, table.table))
                columns = ", ".join(f"{_dq(c)} {self.TYPES[k]}" for c, k in table.columns)
                cur.execute(f"CREATE TABLE {name} ({columns})")
                names = ", ".join(_quote(c, '"') for c in table.column_names)
                with cur.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                    for row in table.canonical_rows():
                        copy.write_row(row)

    def query(self, sql: str) -> list[tuple]:
        with self.connection.cursor() as cur:
            cur.execute(sql)
            return [tuple(normalize(v) for v in row) for row in cur.fetchall()]

    def close(self) -> None:
        if self in _OPEN:
            _OPEN.remove(self)
        connection = getattr(self, "connection", None)
        if connection is not None:
            try:
                connection.close()
            except Exception:
                pass
        if self._started:
            self._started = False
            try:
                _run([os.path.join(self._bin, "pg_ctl"), "stop", "-w", "-m", "immediate", "-D", self._data],
                     self._ids, self._dir, "pg_ctl stop", timeout=60)
            except (EngineUnavailable, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self._dir, ignore_errors=True)
