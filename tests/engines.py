"""Real database engines for tests: one small class per engine behind one interface.

    engine = start("postgres")          # raises EngineUnavailable with a how-to-install reason
    engine.load([Table("shop.orders", (("id", "integer"), ("at", "timestamp")), rows)])
    engine.query(sqlglot.transpile(sql, read="duckdb", write=engine.dialect)[0])
    engine.close()

`load` drops everything an earlier `load` created (tables and schemas), then
creates the schemas and tables and inserts the rows. `query` runs one
SELECT and returns its rows as tuples of values passed through `normalize`.

Column types are the names in TYPES. Each engine maps them to what a real
warehouse on it would use (see each class's TYPES): 'integer' is a 64-bit
integer, 'decimal' is DECIMAL(18,4) (values are rounded half-up to 4 places
when loaded, on every engine alike), 'timestamp' is a timestamp without time
zone holding naive UTC values, 'text' is the engine's ordinary string type.
Names are used as given and quoted in the DDL: keep them lower case, since
Postgres folds unquoted names in the compiled SQL to lower case.

Engines and how they run (servers listen on 127.0.0.1 only; each engine with
files keeps them in a fresh temporary folder that close() deletes):
- duckdb: in memory, one connection; rows loaded as one INSERT of unnested lists.
- sqlite: stdlib sqlite3 in memory; each load opens a fresh connection and
  ATTACHes one ':memory:' database per schema. Dates and timestamps are
  stored as 'YYYY-MM-DD' / 'YYYY-MM-DD HH:MM:SS' text, booleans as 0/1.
- postgres: Debian's server (apt-get install postgresql): initdb + pg_ctl
  as the 'postgres' user (initdb refuses root), fsync off, trust auth, the
  ICU en-US collation most real clusters have (it orders 'a' before 'B'),
  psycopg 3; rows are loaded with COPY. initdb and pg_ctl get PATH and the
  locale only, plus libfaketime's variables in a date-faked run (tests/README.md).
- mysql: the MySQL dialect on Debian's MariaDB server (apt-get install
  mariadb-server): mariadb-install-db + mariadbd as the 'mysql' user, server
  defaults kept (sql_mode, utf8mb4_general_ci collation), time_zone +00:00;
  pymysql with multi-row INSERTs. Schemas are databases; unqualified tables
  live in the database 'segdsl'.
- clickhouse: chdb (embedded ClickHouse) with a session in a temporary
  folder, session_timezone UTC; Memory tables with Nullable(...) columns;
  schemas are databases; unqualified tables live in 'default'.
- spark: pyspark in local mode, one session for the whole process (startup
  5-7 s), in-memory catalog, session time zone UTC. Each table is a Parquet
  file written with pyarrow plus an external table over it
  (CREATE TABLE db.t (...) USING parquet LOCATION ...): ~50 ms a table,
  against ~400 ms for DataFrame.saveAsTable. Schemas are databases;
  unqualified tables live in 'default'. JVM output goes to a log file.
"""

from __future__ import annotations

import atexit
import datetime as dt
import decimal
import glob
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

TYPES = ("integer", "decimal", "double", "text", "date", "timestamp", "boolean")
ENGINE_NAMES = ("duckdb", "sqlite", "postgres", "mysql", "clickhouse", "spark")

_DECIMAL_STEP = decimal.Decimal("0.0001")  # DECIMAL(18,4)


@dataclass(frozen=True)
class Table:
    """A table to load: name possibly qualified ('shop.orders'), typed columns, rows."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple, ...]

    def __post_init__(self) -> None:
        parts = self.name.split(".")
        if not 1 <= len(parts) <= 2 or not all(parts):
            raise ValueError(f"table name {self.name!r}: expected 'table' or 'schema.table'")
        for column, kind in self.columns:
            if kind not in TYPES:
                raise ValueError(f"column {column!r} of {self.name}: type {kind!r} is not one of {TYPES}")
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"row {row!r} of {self.name} has {len(row)} values for {len(self.columns)} columns")

    @property
    def schema(self) -> str | None:
        return self.name.split(".")[0] if "." in self.name else None

    @property
    def table(self) -> str:
        return self.name.split(".")[-1]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def canonical_rows(self) -> list[tuple]:
        """The rows with each value in the one Python type of its column (see _canonical)."""
        kinds = [kind for _, kind in self.columns]
        return [tuple(_canonical(value, kind) for value, kind in zip(row, kinds)) for row in self.rows]

    def records(self) -> list[dict]:
        """The canonical rows as {column: value}, as tests/oracle.py reads them."""
        return [dict(zip(self.column_names, row)) for row in self.canonical_rows()]


class Engine(Protocol):
    name: str      # one of ENGINE_NAMES
    dialect: str   # the sqlglot dialect name

    def load(self, tables: Sequence[Table]) -> None: ...

    def query(self, sql: str) -> list[tuple]: ...

    def close(self) -> None: ...


class EngineUnavailable(RuntimeError):
    """The engine cannot start on this machine; the message says why and what to install."""


# --------------------------------------------------------------------------- values

def _canonical(value: Any, kind: str) -> Any:
    """A loaded value in the one Python type used for its column type, before any engine sees it."""
    if value is None:
        return None
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"integer column: {value!r}")
        return value
    if kind == "decimal":
        if not isinstance(value, decimal.Decimal):
            value = decimal.Decimal(repr(value) if isinstance(value, float) else str(value))
        return value.quantize(_DECIMAL_STEP, rounding=decimal.ROUND_HALF_UP)
    if kind == "double":
        return float(value)
    if kind == "text":
        if not isinstance(value, str):
            raise TypeError(f"text column: {value!r}")
        return value
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(value)
    if kind == "timestamp":
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if kind == "boolean":
        return bool(value)
    raise ValueError(kind)


def _timestamp_text(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") + (f".{value.microsecond:06d}" if value.microsecond else "")


def normalize(value: Any, hint: str | None = None) -> Any:
    """One result value as plain Python, the same on every engine where the engine allows it.

    - None stays None.
    - booleans -> bool; every other integer (numpy, unsigned, ...) -> int.
    - Decimal and floats -> float (so SUM over DECIMAL(18,4) gives a float;
      int and float compare equal in Python, 3 == 3.0).
    - datetime -> naive datetime in UTC (aware values are converted to UTC).
    - date -> date; str -> str; bytes -> str (UTF-8).
    Engines without a boolean type return 0/1 ints for boolean expressions
    (sqlite, mysql, clickhouse comparisons); 1 == True in Python, so rows
    still compare equal.
    `hint` is set by an engine that knows the result column's type when the
    value alone does not tell:
    - 'boolean': a 0/1 value of a boolean column (mysql TINYINT(1), sqlite BOOLEAN);
    - 'decimal': sqlite's stored form of a DECIMAL column (an integral value
      is stored as an INTEGER there), made float like every decimal;
    - 'date' / 'timestamp': sqlite text of a DATE / TIMESTAMP column;
    - 'epoch_seconds': a ClickHouse DateTime, which reaches Arrow as uint32
      seconds since 1970-01-01 00:00:00 UTC;
    - 'local_timestamp': a naive datetime in the Python process's local time
      zone (pyspark's conversion of Spark TIMESTAMP values), made UTC.
    """
    if value is None:
        return None
    if hint == "boolean":
        return bool(int(value))
    if hint == "decimal":
        return float(value)
    if hint == "epoch_seconds":
        return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(value))
    if hint in ("date", "timestamp"):
        text = value.decode() if isinstance(value, (bytes, bytearray)) else str(value)
        try:
            if hint == "date":
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if hint == "local_timestamp" and isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.astimezone(dt.timezone.utc)
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()
        if isinstance(value, bool):
            return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (float, decimal.Decimal)):
        return float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8")
    return value


# --------------------------------------------------------------------------- helpers

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: str, lines: int = 15) -> str:
    try:
        with open(path, errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return ""


def _service_user(name: str) -> tuple[int, int] | None:
    """(uid, gid) of the system user a server must run as when we are root; None when not root."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise EngineUnavailable(f"running as root needs the system user '{name}' to run the server as") from None
    return entry.pw_uid, entry.pw_gid


def _chown_tree(path: str, ids: tuple[int, int] | None) -> None:
    if ids is None:
        return
    os.chown(path, *ids)
    for root, dirs, files in os.walk(path):
        for entry in dirs + files:
            os.chown(os.path.join(root, entry), *ids)


def _quote(name: str, char: str) -> str:
    return char + name.replace(char, char + char) + char


def _dq(name: str) -> str:
    return _quote(name, '"')


def _faked_clock() -> dict[str, str]:
    """The libfaketime settings of a date-faked test run (tests/README.md), for the servers it starts."""
    return {name: value for name, value in os.environ.items()
            if (name == "LD_PRELOAD" and "faketime" in value) or name.startswith("FAKETIME")}


def _run(cmd: list[str], ids: tuple[int, int] | None, cwd: str, what: str, timeout: float = 120) -> None:
    kwargs: dict[str, Any] = {}
    if ids is not None:
        kwargs.update(user=ids[0], group=ids[1], extra_groups=[])
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C", **_faked_clock()}
    result = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=timeout, **kwargs)
    if result.returncode != 0:
        output = result.stdout.decode(errors="replace")[-3000:]
        raise EngineUnavailable(f"{what} failed (exit {result.returncode}): {' '.join(cmd)}\n{output}")


_OPEN: list[_Closable] = []


class _Closable(Protocol):
    def close(self) -> None: ...


def _close_all_at_exit() -> None:
    for engine in list(_OPEN):
        try:
            engine.close()
        except Exception:
            pass


atexit.register(_close_all_at_exit)


# --------------------------------------------------------------------------- duckdb

class DuckDBEngine:
    """DuckDB in memory, one connection; load drops the schemas and tables of
    the previous load (a fresh connection would cost ~15 ms a load)."""

    name = "duckdb"
    dialect = "duckdb"
    TYPES = {"integer": "BIGINT", "decimal": "DECIMAL(18,4)", "double": "DOUBLE", "text": "VARCHAR",
             "date": "DATE", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}

    def __init__(self) -> None:
        import duckdb

        self.connection = duckdb.connect(":memory:")
        try:
            self.connection.execute("SET TimeZone = 'UTC'")
        except duckdb.Error:
            pass
        self._schemas: set[str] = set()
        self._loaded: list[str] = []

    def load(self, tables: Sequence[Table]) -> None:
        execute = self.connection.execute
        for name in self._loaded:
            execute(f"DROP TABLE IF EXISTS {name}")
        for schema in sorted(self._schemas):
            execute(f"DROP SCHEMA IF EXISTS {_dq(schema)} CASCADE")
        self._loaded, self._schemas = [], set()
        for schema in sorted({t.schema for t in tables if t.schema and t.schema != "main"}):
            execute(f"CREATE SCHEMA {_dq(schema)}")
            self._schemas.add(schema)
        for table in tables:
            name = _qualified(table, '"', "main")
            self._loaded.append(name)
            columns = ", ".join(f"{_dq(c)} {self.TYPES[k]}" for c, k in table.columns)
            execute(f"CREATE TABLE {name} ({columns})")
            rows = table.canonical_rows()
            if not rows:
                continue
            # One statement for all rows: each column is bound as one list and unnested.
            lists = [list(values) for values in zip(*rows)]
            selects = []
            for index, (_, kind) in enumerate(table.columns):
                if kind == "decimal":
                    lists[index] = [None if v is None else str(v) for v in lists[index]]
                    selects.append(f"CAST(UNNEST(CAST(? AS VARCHAR[])) AS {self.TYPES[kind]})")
                else:
                    selects.append(f"UNNEST(CAST(? AS {self.TYPES[kind]}[]))")
            execute(f"INSERT INTO {name} SELECT {', '.join(selects)}", lists)

    def query(self, sql: str) -> list[tuple]:
        rows = self.connection.execute(sql).fetchall()
        return [tuple(normalize(v) for v in row) for row in rows]

    def close(self) -> None:
        self.connection.close()


def _qualified(table: Table, char: str, default_schema: str | None = None) -> str:
    schema = table.schema or default_schema
    return (f"{_quote(schema, char)}." if schema else "") + _quote(table.table, char)


# --------------------------------------------------------------------------- sqlite

def _register_sqlite_converters() -> None:
    # Applied only to connections opened with detect_types=PARSE_DECLTYPES, to
    # result columns that are plain table columns declared with these types
    # (these replace the stdlib's own 'date'/'timestamp' converters, which do
    # the same and are deprecated since Python 3.12).
    sqlite3.register_converter("DATE", lambda raw: normalize(raw, "date"))
    sqlite3.register_converter("TIMESTAMP", lambda raw: normalize(raw, "timestamp"))
    sqlite3.register_converter("BOOLEAN", lambda raw: normalize(raw, "boolean"))
    sqlite3.register_converter("DECIMAL", lambda raw: normalize(raw, "decimal"))


class SQLiteEngine:
    """sqlite3 in memory. Declared types are the usual ones, so affinities are
    the real ones: DECIMAL(18,4), DATE, TIMESTAMP and BOOLEAN have NUMERIC
    affinity (a decimal 2.0000 is stored as the INTEGER 2), DOUBLE is REAL.
    Results: plain table columns declared DATE/TIMESTAMP/BOOLEAN/DECIMAL come
    back as date/datetime/bool/float; any expression over them comes back as
    sqlite stores it (text, 0/1, an int for an integral decimal)."""

    name = "sqlite"
    dialect = "sqlite"
    TYPES = {"integer": "INTEGER", "decimal": "DECIMAL(18,4)", "double": "DOUBLE", "text": "TEXT",
             "date": "DATE", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}

    def __init__(self) -> None:
        _register_sqlite_converters()
        self.connection = self._connect()

    @staticmethod
    def _connect() -> sqlite3.Connection:
        return sqlite3.connect(":memory:", detect_types=sqlite3.PARSE_DECLTYPES, isolation_level=None)

    @staticmethod
    def _value(value: Any, kind: str) -> Any:
        if value is None:
            return None
        if kind == "decimal":
            return float(value)
        if kind == "date":
            return value.isoformat()
        if kind == "timestamp":
            return _timestamp_text(value)
        if kind == "boolean":
            return 1 if value else 0
        return value

    def load(self, tables: Sequence[Table]) -> None:
        self.connection.close()
        self.connection = self._connect()
        for schema in sorted({t.schema for t in tables if t.schema}):
            self.connection.execute(f"ATTACH DATABASE ':memory:' AS {_dq(schema)}")
        for table in tables:
            name = _qualified(table, '"')
            columns = ", ".join(f"{_dq(c)} {self.TYPES[k]}" for c, k in table.columns)
            self.connection.execute(f"CREATE TABLE {name} ({columns})")
            kinds = [k for _, k in table.columns]
            rows = [tuple(self._value(v, k) for v, k in zip(row, kinds)) for row in table.canonical_rows()]
            marks = ", ".join("?" * len(kinds))
            self.connection.execute("BEGIN")
            self.connection.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
            self.connection.execute("COMMIT")

    def query(self, sql: str) -> list[tuple]:
        rows = self.connection.execute(sql).fetchall()
        return [tuple(normalize(v) for v in row) for row in rows]

    def close(self) -> None:
        self.connection.close()


# --------------------------------------------------------------------------- postgres

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
             "date": "DATE", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}

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


# --------------------------------------------------------------------------- mysql (MariaDB)

def _which(*names: str, extra: Sequence[str] = ("/usr/sbin", "/usr/bin", "/usr/local/sbin")) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
        for folder in extra:
            path = os.path.join(folder, name)
            if os.access(path, os.X_OK):
                return path
    return None


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
             "date": "DATE", "timestamp": "DATETIME(6)", "boolean": "BOOLEAN"}

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


# --------------------------------------------------------------------------- clickhouse (chdb)

class ClickHouseEngine:
    """Embedded ClickHouse (chdb) in a temp folder. Memory tables with Nullable
    columns; Decimal(18,4) round-trips exactly; dates are Date32 and timestamps
    DateTime64(6, 'UTC') so that values before 1970 (and microseconds) load
    as given; session_timezone is UTC. Results are read as Arrow."""

    name = "clickhouse"
    dialect = "clickhouse"
    TYPES = {"integer": "Int64", "decimal": "Decimal(18, 4)", "double": "Float64", "text": "String",
             "date": "Date32", "timestamp": "DateTime64(6, 'UTC')", "boolean": "Bool"}

    def __init__(self) -> None:
        try:
            from chdb import session
        except ImportError:
            raise EngineUnavailable("chdb not installed: pip install -e '.[test]'") from None
        self._dir = tempfile.mkdtemp(prefix="segdsl-chdb-")
        self._session = session.Session(self._dir)
        self._session.query("SET session_timezone = 'UTC'")
        self._schemas: set[str] = set()
        self._loaded: list[str] = []
        _OPEN.append(self)

    @staticmethod
    def _literal(value: Any, kind: str) -> str:
        if value is None:
            return "NULL"
        if kind == "boolean":
            return "true" if value else "false"
        if kind in ("integer", "decimal"):
            return str(value)
        if kind == "double":
            return repr(value)
        if kind == "date":
            return f"'{value.isoformat()}'"
        if kind == "timestamp":
            return f"'{value.strftime('%Y-%m-%d %H:%M:%S')}.{value.microsecond:06d}'"
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def load(self, tables: Sequence[Table]) -> None:
        q = lambda name: _quote(name, "`")  # noqa: E731
        for name in self._loaded:
            self._session.query(f"DROP TABLE IF EXISTS {name} SYNC")
        for schema in sorted(self._schemas):
            self._session.query(f"DROP DATABASE IF EXISTS {q(schema)} SYNC")
        self._loaded, self._schemas = [], set()
        for schema in sorted({t.schema for t in tables if t.schema and t.schema != "default"}):
            self._session.query(f"CREATE DATABASE {q(schema)}")
            self._schemas.add(schema)
        for table in tables:
            name = _qualified(table, "`", "default")
            self._loaded.append(name)
            columns = ", ".join(f"{q(c)} Nullable({self.TYPES[k]})" for c, k in table.columns)
            self._session.query(f"CREATE TABLE {name} ({columns}) ENGINE = Memory")
            kinds = [k for _, k in table.columns]
            rows = table.canonical_rows()
            for start in range(0, len(rows), 5000):
                values = ",".join("(" + ",".join(self._literal(v, k) for v, k in zip(row, kinds)) + ")"
                                  for row in rows[start:start + 5000])
                self._session.query(f"INSERT INTO {name} VALUES {values}")

    def query(self, sql: str) -> list[tuple]:
        result = self._session.query(sql, "ArrowTable")
        columns = [column.to_pylist() for column in result.columns]
        hints: list[str | None] = [None] * len(columns)
        if any(str(field.type) == "uint32" for field in result.schema):
            # ClickHouse writes DateTime (not DateTime64) to Arrow as uint32 epoch
            # seconds, without metadata: ask for the result's ClickHouse types.
            described = self._session.query(f"DESCRIBE TABLE ({sql.strip().rstrip(';')})", "ArrowTable")
            kinds = [re.sub(r"^(Nullable|LowCardinality)\(", "", kind) for kind in described.column("type").to_pylist()]
            hints = ["epoch_seconds" if kind.startswith("DateTime") and not kind.startswith("DateTime64") else None
                     for kind in kinds]
        return [tuple(normalize(v, h) for v, h in zip(row, hints)) for row in zip(*columns)]

    def close(self) -> None:
        if self in _OPEN:
            _OPEN.remove(self)
        session = getattr(self, "_session", None)
        if session is not None:
            self._session = None
            try:
                session.close()
            except Exception:
                pass
        shutil.rmtree(self._dir, ignore_errors=True)


# --------------------------------------------------------------------------- spark

_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


class SparkEngine:
    """pyspark in local mode: one SparkSession for the process, local[2],
    loopback only, no UI, session time zone UTC, in-memory catalog, a fresh
    warehouse and derby home in a temp folder, 2 shuffle partitions. The JVM's
    stdout/stderr go to <temp>/spark.log. Spark 4 runs with ANSI mode on (its
    default). Tables are external Parquet tables (see the module docstring);
    timestamps are Spark TIMESTAMP (with local time zone semantics, session
    zone UTC)."""

    name = "spark"
    dialect = "spark"
    TYPES = {"integer": "BIGINT", "decimal": "DECIMAL(18,4)", "double": "DOUBLE", "text": "STRING",
             "date": "DATE", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}

    def __init__(self) -> None:
        try:
            import pyarrow  # noqa: F401  (comes with chdb)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from pyspark import SparkConf, SparkContext
                from pyspark.java_gateway import launch_gateway
                from pyspark.sql import SparkSession
        except ImportError as exc:
            raise EngineUnavailable(f"{exc.name} not installed: pip install -e '.[test]'") from None
        if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
            raise EngineUnavailable("Java not found (pyspark needs Java 17+): apt-get install default-jre-headless")
        self._dir = tempfile.mkdtemp(prefix="segdsl-spark-")
        self._generation = 0
        self._loaded: list[tuple[str, str]] = []
        self._schemas: set[str] = set()
        self._spark = None
        _OPEN.append(self)
        log4j = os.path.join(self._dir, "log4j2.properties")
        with open(log4j, "w") as handle:
            handle.write(_LOG4J2)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        java_options = (f"-XX:-UsePerfData -Dderby.system.home={self._dir}/derby -Duser.timezone=UTC "
                        f"-Dlog4j2.configurationFile=file:{log4j}")
        conf = (SparkConf().setMaster("local[2]").setAppName("segdsl-tests")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                .set("spark.sql.session.timeZone", "UTC")
                .set("spark.sql.catalogImplementation", "in-memory")
                .set("spark.sql.warehouse.dir", os.path.join(self._dir, "warehouse"))
                .set("spark.driver.extraJavaOptions", java_options)
                .set("spark.sql.shuffle.partitions", "2").set("spark.default.parallelism", "2"))
        self.log = os.path.join(self._dir, "spark.log")
        try:  # pyspark 4 logs every failed query's context as JSON on stderr; the exception has it
            import logging

            from pyspark.logger import PySparkLogger

            for logger in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
                PySparkLogger.getLogger(logger).setLevel(logging.CRITICAL)
        except ImportError:
            pass
        try:
            with open(self.log, "wb") as out, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gateway = launch_gateway(conf, popen_kwargs={"stdout": out, "stderr": out,
                                                             "start_new_session": True})
                self._gateway = gateway
                context = SparkContext(gateway=gateway, conf=conf)
                context.setLogLevel("ERROR")
                self._spark = SparkSession(context)
        except Exception as exc:
            self.close()
            raise EngineUnavailable(f"Spark did not start: {exc}\n{_tail(self.log)}") from None

    def _parquet(self, table: Table, path: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"integer": pa.int64(), "decimal": pa.decimal128(18, 4), "double": pa.float64(),
                 "text": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC"),
                 "boolean": pa.bool_()}
        rows = table.canonical_rows()
        arrays = []
        for index, (_, kind) in enumerate(table.columns):
            values = [row[index] for row in rows]
            if kind == "timestamp":
                values = [None if v is None else v.replace(tzinfo=dt.timezone.utc) for v in values]
            arrays.append(pa.array(values, type=types[kind]))
        schema = pa.schema([(name, types[kind]) for name, kind in table.columns])
        os.makedirs(path)
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), os.path.join(path, "part-0.parquet"))

    def load(self, tables: Sequence[Table]) -> None:
        q = lambda name: _quote(name, "`")  # noqa: E731
        sql = self._spark.sql
        for schema, table in self._loaded:
            sql(f"DROP TABLE IF EXISTS {q(schema)}.{q(table)}")
        for schema in sorted(self._schemas):
            sql(f"DROP DATABASE IF EXISTS {q(schema)} CASCADE")
        self._loaded, self._schemas = [], set()
        data = os.path.join(self._dir, "data")
        shutil.rmtree(data, ignore_errors=True)
        self._generation += 1
        for schema in sorted({t.schema for t in tables if t.schema and t.schema != "default"}):
            sql(f"CREATE DATABASE {q(schema)}")
            self._schemas.add(schema)
        for index, table in enumerate(tables):
            schema = table.schema or "default"
            path = os.path.join(data, f"g{self._generation}", f"{index}-{schema}.{table.table}")
            self._parquet(table, path)
            columns = ", ".join(f"{q(c)} {self.TYPES[k]}" for c, k in table.columns)
            self._loaded.append((schema, table.table))
            sql(f"CREATE TABLE {q(schema)}.{q(table.table)} ({columns}) USING parquet LOCATION '{path}'")

    def query(self, sql: str) -> list[tuple]:
        from pyspark.sql.types import TimestampType

        frame = self._spark.sql(sql)
        hints = ["local_timestamp" if isinstance(f.dataType, TimestampType) else None for f in frame.schema.fields]
        return [tuple(normalize(v, h) for v, h in zip(row, hints)) for row in frame.collect()]

    def close(self) -> None:
        if self in _OPEN:
            _OPEN.remove(self)
        if self._spark is not None:
            spark, self._spark = self._spark, None
            try:
                spark.stop()
            except Exception:
                pass
        gateway = getattr(self, "_gateway", None)
        if gateway is not None:
            self._gateway = None
            from pyspark import SparkContext

            try:
                gateway.shutdown()
            except Exception:
                pass
            process = getattr(gateway, "proc", None)
            if process is not None:
                if process.stdin is not None:
                    process.stdin.close()  # pyspark's signal to the JVM to exit; the pipe is ours to close
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(20)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
            SparkContext._gateway = None
            SparkContext._jvm = None
        shutil.rmtree(self._dir, ignore_errors=True)


# --------------------------------------------------------------------------- registry

ENGINES: dict[str, Callable[[], Engine]] = {
    "duckdb": DuckDBEngine,
    "sqlite": SQLiteEngine,
    "postgres": PostgresEngine,
    "mysql": MySQLEngine,
    "clickhouse": ClickHouseEngine,
    "spark": SparkEngine,
}


def start(name: str) -> Engine:
    """Start one engine by name; raises EngineUnavailable when it cannot run here."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}: one of {', '.join(ENGINE_NAMES)}") from None
    return factory()
