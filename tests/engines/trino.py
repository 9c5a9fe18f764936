"""Trino: a single-node server with the memory connector (installed by tests/engines/trino_install.py)."""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from . import trino_install
from .base import _OPEN, EngineUnavailable, Table, _dq, _free_port, _tail, normalize

# Trino's recommended JVM settings (its jvm.config) for a small heap; C1 only (TieredStopAtLevel=1): the
# server starts in about half the time, and the tests' queries are small enough that C2 never pays off.
_JVM = ("-Xmx2G", "-XX:+ExitOnOutOfMemoryError", "-XX:-OmitStackTraceInFastThrow", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Djdk.attach.allowAttachSelf=true",
        "-XX:+EnableDynamicAgentLoading", "--enable-native-access=ALL-UNNAMED", "-Dfile.encoding=UTF-8",
        "-Duser.timezone=UTC")

_STATEMENT_CHARACTERS = 800_000  # a statement's arrays stop growing here (Trino's query.max-length is 1,000,000)


class TrinoEngine:
    """A throwaway single-node Trino (coordinator and worker in one JVM, 2 GB heap) on a free loopback
    port, with a fresh temp folder for its configuration and data; node.environment=test. Tables load
    into the catalog `memory` (the memory connector), the session's catalog; the session time zone is
    UTC. Schemas are memory's schemas; unqualified tables live in memory.default. Queries go through the
    `trino` package's DB-API.

    What a client needs to reach it (the CLI's `--db`): `host`, `port`, `user`, `catalog`, `schema`, or
    all in one, `url` (trino://segdsl@127.0.0.1:PORT/memory/default). The memory connector deletes no rows,
    so a client that writes history tables (materialize deletes a day's rows before it writes them) writes
    them in the catalog that `writable_catalog()` adds. No Trino connector writes inside a multi-statement
    transaction: every write is its own statement."""

    name = "trino"
    dialect = "trino"
    host = "127.0.0.1"
    user = "segdsl"
    catalog = "memory"
    schema = "default"
    TYPES = {"integer": "BIGINT", "decimal": "DECIMAL(18,4)", "double": "DOUBLE", "text": "VARCHAR",
             "date": "DATE", "timestamp": "TIMESTAMP(6)", "boolean": "BOOLEAN", "json": "VARCHAR"}

    def __init__(self) -> None:
        try:
            import trino.dbapi
            import trino.exceptions
        except ImportError:
            raise EngineUnavailable("the trino package is not installed: pip install -e '.[test]'") from None
        self._dbapi = trino.dbapi
        self._exceptions = trino.exceptions
        home = os.environ.get("SEGDSL_TRINO_HOME") or trino_install.installed()
        if home is None:
            raise EngineUnavailable(f"Trino {trino_install.VERSION} is not installed in "
                                    f"{trino_install.server_folder()}: python tests/engines/trino_install.py")
        java = trino_install.find_java()
        if java is None:
            raise EngineUnavailable(trino_install.java_how_to())
        self._dir = tempfile.mkdtemp(prefix="segdsl-trino-")
        self._process: subprocess.Popen | None = None
        self._connection: Any = None
        self._schemas: set[str] = set()
        self._loaded: list[str] = []
        self._writable: str | None = None
        _OPEN.append(self)
        try:
            self._start(home, java)
        except BaseException:
            self.close()
            raise

    @property
    def url(self) -> str:
        return f"trino://{self.user}@{self.host}:{self.port}/{self.catalog}/{self.schema}"

    def _start(self, home: str, java: str) -> None:
        self.port = _free_port()
        etc, plugins = os.path.join(self._dir, "etc"), os.path.join(self._dir, "plugin")
        for folder in (etc, os.path.join(etc, "catalog"), plugins, *(os.path.join(self._dir, name)
                                                                     for name in ("tmp", "iceberg"))):
            os.makedirs(folder)
        for plugin in trino_install.PLUGINS:  # the server's own plugins left out: it starts faster
            os.symlink(os.path.join(home, "plugin", plugin), os.path.join(plugins, plugin))
        _write_properties(os.path.join(etc, "config.properties"), {
            "coordinator": "true",
            "node-scheduler.include-coordinator": "true",
            "http-server.http.port": str(self.port),
            "discovery.uri": f"http://{self.host}:{self.port}",
            "node.environment": "test",
            "node.id": "segdsl-test",
            "node.bind-ip": self.host,
            "node.internal-address": self.host,
            "plugin.dir": plugins,
            "log.levels-file": os.path.join(etc, "log.properties"),
            "http-server.log.enabled": "false",
            "catalog.management": "dynamic",  # writable_catalog() adds one; the catalogs are files in etc/catalog
            "query.max-memory": "1GB",
            "query.max-memory-per-node": "1GB",
        })
        _write_properties(os.path.join(etc, "catalog", "memory.properties"),
                          {"connector.name": "memory", "memory.max-data-per-node": "512MB"})
        _write_properties(os.path.join(etc, "log.properties"), {"io.trino": "WARN", "io.airlift": "WARN"})
        cmd = [java, *_JVM, f"-Djava.io.tmpdir={self._dir}/tmp", f"-Dconfig={etc}/config.properties",
               "-cp", os.path.join(home, "lib", "*"), "io.trino.server.TrinoServer"]
        self.log = os.path.join(self._dir, "trino.log")
        with open(self.log, "wb") as out:
            # the working directory is the temp folder: Trino reads the catalogs from etc/catalog there
            self._process = subprocess.Popen(cmd, cwd=self._dir, stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300  # about 15 s on 2 idle cores; far longer when they are busy
        while not self._ready():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise EngineUnavailable(f"Trino did not start (exit {self._process.poll()}): {' '.join(cmd)}\n"
                                        f"{_tail(self.log)}")
            time.sleep(0.2)

    def _ready(self) -> bool:
        """Whether the server runs queries on memory tables: it answers HTTP before it is up, and is up a
        few seconds before it knows itself as the memory catalog's worker (until then: NO_NODES_AVAILABLE)."""
        if self._connection is None:
            try:
                with urllib.request.urlopen(f"http://{self.host}:{self.port}/v1/info", timeout=5) as response:
                    if json.load(response).get("starting") is not False:
                        return False
            except (OSError, ValueError, urllib.error.URLError):
                return False
            self._connection = self._dbapi.connect(host=self.host, port=self.port, user=self.user,
                                                   catalog=self.catalog, schema=self.schema, timezone="UTC",
                                                   http_scheme="http")
        try:
            self._execute("CREATE TABLE IF NOT EXISTS segdsl_ready AS SELECT 1 AS one")
            self._execute("SELECT one FROM segdsl_ready")
        except self._exceptions.TrinoQueryError as exc:
            if exc.error_name != "NO_NODES_AVAILABLE":
                raise
            return False
        self._execute("DROP TABLE segdsl_ready")
        return True

    def writable_catalog(self) -> str:
        """The name of a catalog that takes DELETE, added on the first call (4 s, so not at every start): the
        Iceberg connector over files in the temp folder, empty; a client creates its schema (CREATE SCHEMA
        iceberg.segdsl) and reads the tables loaded into memory by their catalog's name."""
        if self._writable is None:
            settings = {"iceberg.catalog.type": "TESTING_FILE_METASTORE",  # table metadata in files beside the data
                        "hive.metastore.catalog.dir": "local:///metastore", "fs.native-local.enabled": "true",
                        "local.location": os.path.join(self._dir, "iceberg")}
            properties = ", ".join(f"{_dq(key)} = '{value}'" for key, value in settings.items())
            self._execute(f"CREATE CATALOG iceberg USING iceberg WITH ({properties})")
            self._writable = "iceberg"
        return self._writable

    def _execute(self, sql: str) -> list[list]:
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql)
            return cursor.fetchall()
        finally:
            cursor.close()

    def load(self, tables: Sequence[Table]) -> None:
        for name in self._loaded:
            self._execute(f"DROP TABLE IF EXISTS {name}")
        wanted = {t.schema for t in tables if t.schema and t.schema != self.schema}
        for schema in sorted(self._schemas - wanted):  # a schema loaded again is kept (empty now): fewer statements
            self._execute(f"DROP SCHEMA IF EXISTS {_dq(schema)}")
        for schema in sorted(wanted - self._schemas):
            self._execute(f"CREATE SCHEMA {_dq(schema)}")
        self._loaded, self._schemas = [], wanted
        for table in tables:
            name = f"{_dq(table.schema or self.schema)}.{_dq(table.table)}"
            self._create(name, table)
            self._loaded.append(name)

    def _create(self, name: str, table: Table) -> None:
        """The table, filled by CREATE TABLE AS SELECT from UNNEST of one array per column (and INSERTs of
        the same form when the rows are long): Trino plans that 20 times faster than VALUES rows (5,000
        rows: 1 s, against 16 s as 1,000-row VALUES)."""
        rows = table.canonical_rows()
        kinds = [kind for _, kind in table.columns]
        if not rows:
            columns = ", ".join(f"{_dq(c)} {self.TYPES[k]}" for c, k in table.columns)
            self._execute(f"CREATE TABLE {name} ({columns})")
            return
        names = [f"c{index}" for index in range(len(kinds))]
        select = ", ".join(f"CAST({n} AS {self.TYPES[k]}) AS {_dq(c)}"
                           for n, (c, k) in zip(names, table.columns))
        start, head = 0, f"CREATE TABLE {name} AS SELECT"
        while start < len(rows):
            end, size = start, 0
            while end < len(rows) and (end == start or size < _STATEMENT_CHARACTERS):
                size += sum(len(_literal(value, kind)) + 2 for value, kind in zip(rows[end], kinds))
                end += 1
            arrays = ", ".join("ARRAY[" + ", ".join(_literal(row[index], kind) for row in rows[start:end]) + "]"
                               for index, kind in enumerate(kinds))
            self._execute(f"{head} {select} FROM UNNEST({arrays}) AS v({', '.join(names)})")
            start, head = end, f"INSERT INTO {name} SELECT"

    def query(self, sql: str) -> list[tuple]:
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql)
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [tuple(normalize(value) for value in row) for row in rows]

    def close(self) -> None:
        if self in _OPEN:
            _OPEN.remove(self)
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:
                pass
            self._connection = None
        if self._process is not None and self._process.poll() is None:
            try:
                os.killpg(self._process.pid, signal.SIGTERM)
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
            except ProcessLookupError:
                pass
        self._process = None
        shutil.rmtree(self._dir, ignore_errors=True)


def _write_properties(path: str, values: dict[str, str]) -> None:
    with open(path, "w") as handle:
        handle.writelines(f"{key}={value}\n" for key, value in values.items())


def _literal(value: Any, kind: str) -> str:
    """A canonical value (base.Table.canonical_rows) as a Trino literal that CAST makes its column's type:
    numbers as numbers (a decimal is a DECIMAL literal in Trino), days and times as text."""
    if value is None:
        return "NULL"
    if kind in ("integer", "decimal"):
        return str(value)
    if kind == "double":
        if math.isnan(value):
            return "nan()"
        if math.isinf(value):
            return "infinity()" if value > 0 else "-infinity()"
        text = repr(value)
        return text if "e" in text else text + "E0"
    if kind in ("text", "json"):
        return "'" + value.replace("'", "''") + "'"
    if kind == "date":
        return f"'{value.isoformat()}'"
    if kind == "timestamp":
        return f"'{value.isoformat(sep=' ', timespec='microseconds')}'"
    if kind == "boolean":
        return "TRUE" if value else "FALSE"
    raise ValueError(kind)
