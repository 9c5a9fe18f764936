"""What every engine shares: the Table to load, the Engine interface, normalize (one result value as
plain Python, alike on every engine), EngineUnavailable, and the helpers that start and stop servers
(free ports, commands run as the service user, quoting, closing what is still open at exit).

The engines themselves: one module each beside this one; the registry: engines/__init__.py.
"""
from __future__ import annotations

import atexit
import datetime as dt
import decimal
import os
import shutil
import socket
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

TYPES = ("integer", "decimal", "double", "text", "date", "timestamp", "boolean", "json")  # json: JSON text

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
        """The canonical rows as {column: value}, as tests/engines/oracle.py reads them."""
        return [dict(zip(self.column_names, row)) for row in self.canonical_rows()]


class Engine(Protocol):
    name: str      # one of engines.ENGINE_NAMES (or STANDIN_NAMES)
    dialect: str   # the sqlglot dialect name

    def load(self, tables: Sequence[Table]) -> None: ...

    def query(self, sql: str) -> list[tuple]: ...

    def close(self) -> None: ...


class EngineUnavailable(RuntimeError):
    """The engine cannot start on this machine; the message says why and what to install."""


class StandinError(RuntimeError):
    """A statement failed in a stand-in (fakesnow, bqemulator); the message is the stand-in's."""


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
    if kind in ("text", "json"):
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


def _qualified(table: Table, char: str, default_schema: str | None = None) -> str:
    schema = table.schema or default_schema
    return (f"{_quote(schema, char)}." if schema else "") + _quote(table.table, char)


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
