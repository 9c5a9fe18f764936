"""The MySQL dialect on a throwaway MariaDB server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence

from .base import (
    _OPEN,
    EngineUnavailable,
    Table,
    _chown_tree,
    _free_port,
    _qualified,
    _quote,
    _run,
    _service_user,
    _tail,
    _which,
    normalize,
)


class MySQLEngine:
    """The MySQL dialect on a throwaway MariaDB server: mariadb-install-db into a
    temp datadir, mariadbd on a free loopback port with the server's default
    sql_mode, utf8mb4 with the default (case-insensitive, PAD SPACE) collation
    utf8mb4_general_ci like Debian's config, time_zone +00:00. Schemas are
    databases; unqualified tables live in the database 'segdsl'."""

    name = "mysql"
    dialect = "mysql"
    DATABASE = "segdsl"
    TYPES = {"integer": "BIGINT", "decimal": "DECIMAL(18,4)", "double": "DOUBLE", "text": "TEXT",
             "date": "DATE", "timestamp": "DATETIME(6)", "boolean": "BOOLEAN", "json": "JSON"}

    def __init__(self) -> None:
        try:
            import pymysql
        except ImportError:
            raise EngineUnavailable("pymysql not installed: pip install -e '.[test]'") from None
        self._pymysql = pymysql
        server = _which("mariadbd", "mysqld")
        install = _which("mariadb-install-db", "mysql_install_db")
        if server is None or install is None:
            raise EngineUnavailable("MariaDB server binaries (mariadbd, mariadb-install-db) not found: "
                                    "apt-get install mariadb-server")
        self._ids = _service_user("mysql")
        self._dir = tempfile.mkdtemp(prefix="segdsl-mariadb-")
        self._process: subprocess.Popen | None = None
        self._schemas: set[str] = set()
        self._loaded: list[str] = []
        _OPEN.append(self)
        try:
            self._start(server, install)
        except BaseException:
            self.close()
            raise

    def _start(self, server: str, install: str) -> None:
        data = os.path.join(self._dir, "data")
        os.mkdir(os.path.join(self._dir, "tmp"))
        _chown_tree(self._dir, self._ids)
        user = ["--user=mysql"] if self._ids is not None else []
        _run([install, "--no-defaults", *user, f"--datadir={data}", "--auth-root-authentication-method=normal",
              "--skip-test-db", "--skip-name-resolve"], None, self._dir, "mariadb-install-db")
        self.port = _free_port()
        log = os.path.join(self._dir, "error.log")
        cmd = [server, "--no-defaults", *user, f"--datadir={data}", f"--port={self.port}",
               "--bind-address=127.0.0.1", f"--socket={self._dir}/sock", f"--pid-file={self._dir}/pid",
               f"--tmpdir={self._dir}/tmp", f"--log-error={log}", "--skip-name-resolve",
               "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
               "--default-time-zone=+00:00", "--performance-schema=OFF", "--innodb-buffer-pool-size=128M",
               "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--innodb-use-native-aio=0",
               "--max-allowed-packet=64M"]
        with open(os.path.join(self._dir, "mariadbd.out"), "wb") as out:
            self._process = subprocess.Popen(cmd, cwd=self._dir, stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.connection = self._connect(None)
                break
            except self._pymysql.err.OperationalError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise EngineUnavailable(f"mariadbd did not start (exit {self._process.poll()}): "
                                            f"{' '.join(cmd)}\n{_tail(log)}") from None
                time.sleep(0.05)
        with self.connection.cursor() as cur:
            cur.execute(f"CREATE DATABASE {_quote(self.DATABASE, '`')}")
            cur.execute(f"USE {_quote(self.DATABASE, '`')}")

    def _connect(self, database: str | None):
        return self._pymysql.connect(host="127.0.0.1", port=self.port, user="root", password="",
                                     database=database, charset="utf8mb4", autocommit=True,
                                     init_command="SET time_zone = '+00:00'", connect_timeout=5)

    def load(self, tables: Sequence[Table]) -> None:
        q = lambda name: _quote(name, "`")  # noqa: E731
        with self.connection.cursor() as cur:
            for table in self._loaded:
                cur.execute(f"DROP TABLE IF EXISTS {q(self.DATABASE)}.{q(table)}")
            for schema in sorted(self._schemas):
                cur.execute(f"DROP DATABASE IF EXISTS {q(schema)}")
            self._loaded, self._schemas = [], set()
            for schema in sorted({t.schema for t in tables if t.schema and t.schema != self.DATABASE}):
                cur.execute(f"CREATE DATABASE {q(schema)}")
                self._schemas.add(schema)
            for table in tables:
                if table.schema in (None, self.DATABASE):
                    self._loaded.append(table.table)
                name = _qualified(table, "`", self.DATABASE)
                columns = ", ".join(f"{q(c)} {self.TYPES[k]}" for c, k in table.columns)
                cur.execute(f"CREATE TABLE {name} ({columns})")
                rows = table.canonical_rows()
                if rows:
                    # pymysql's executemany turns an INSERT ... VALUES into multi-row statements.
                    marks = ", ".join(["%s"] * len(table.columns))
                    names = ", ".join(q(c) for c in table.column_names)
                    cur.executemany(f"INSERT INTO {name} ({names}) VALUES ({marks})", rows)

    def query(self, sql: str) -> list[tuple]:
        with self.connection.cursor() as cur:
            cur.execute(sql)
            rows = cur.fetchall()
            # BOOLEAN is TINYINT(1): a TINY column of display width 1 is a boolean column.
            tiny = self._pymysql.constants.FIELD_TYPE.TINY
            hints = ["boolean" if d[1] == tiny and d[3] == 1 else None for d in cur.description or ()]
        return [tuple(normalize(v, h) for v, h in zip(row, hints)) for row in rows]

    def close(self) -> None:
        if self in _OPEN:
            _OPEN.remove(self)
        connection = getattr(self, "connection", None)
        if connection is not None:
            try:
                connection.close()
            except Exception:
                pass
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        shutil.rmtree(self._dir, ignore_errors=True)
