"""SQLite (the standard library's sqlite3) in memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from .base import Table, _dq, _qualified, _timestamp_text, normalize


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
             "date": "DATE", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN", "json": "TEXT"}

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
