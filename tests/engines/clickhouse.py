"""ClickHouse, embedded (chdb)."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from typing import Any

from .base import _OPEN, EngineUnavailable, Table, _qualified, _quote, normalize


class ClickHouseEngine:
    """Embedded ClickHouse (chdb) in a temp folder. Memory tables with Nullable
    columns; Decimal(18,4) round-trips exactly; dates are Date32 and timestamps
    DateTime64(6, 'UTC') so that values before 1970 (and microseconds) load
    as given; session_timezone is UTC. Results are read as Arrow."""

    name = "clickhouse"
    dialect = "clickhouse"
    TYPES = {"integer": "Int64", "decimal": "Decimal(18, 4)", "double": "Float64", "text": "String",
             "date": "Date32", "timestamp": "DateTime64(6, 'UTC')", "boolean": "Bool", "json": "String"}

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
