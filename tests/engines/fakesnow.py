"""Snowflake's stand-in: fakesnow, which runs Snowflake SQL given to the Snowflake connector on DuckDB.

Not a real engine (not in ENGINE_NAMES): fakesnow translates each statement to DuckDB's SQL with
sqlglot, the library segdsl compiles with, so agreement with the reference evaluator is weak evidence
and a disagreement is strong evidence (of a defect in segdsl's Snowflake SQL or in that translation).

fakesnow pins sqlglot ~=30.22 and segdsl pins sqlglot==30.30.0, so fakesnow lives in an environment of
its own (fakesnow-requirements.txt; .ci/run makes it in .venv-fakesnow) and runs in a worker process
(fakesnow_worker.py) that this class talks to through pipes. SEGDSL_FAKESNOW_PYTHON names that
environment's Python when it is elsewhere.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import struct
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .base import _OPEN, EngineUnavailable, StandinError, Table, _dq, normalize

HERE = Path(__file__).resolve().parent
WORKER = HERE / "fakesnow_worker.py"
REQUIREMENTS = HERE / "fakesnow-requirements.txt"
DEFAULT_PYTHON = HERE.parents[1] / ".venv-fakesnow" / "bin" / "python"
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _name(name: str) -> str:
    """A table's or column's name as created by hand in Snowflake: a plain name unquoted folds to upper case."""
    return _dq(name.upper() if _PLAIN.fullmatch(name) else name)


class FakeSnowflakeEngine:
    """fakesnow in a worker process: one connection (database SEGDSL, schema PUBLIC) for the whole session.
    Tables are created with the types a Snowflake warehouse would use, their names as a bare name
    means them (upper case); load drops the schemas and tables of the previous load."""

    name = "fakesnow"
    dialect = "snowflake"
    TYPES = {"integer": "NUMBER(38,0)", "decimal": "NUMBER(18,4)", "double": "FLOAT", "text": "VARCHAR",
             "date": "DATE", "timestamp": "TIMESTAMP_NTZ", "boolean": "BOOLEAN", "json": "VARCHAR"}

    def __init__(self) -> None:
        python = Path(os.environ.get("SEGDSL_FAKESNOW_PYTHON") or DEFAULT_PYTHON)
        if not os.access(python, os.X_OK):
            raise EngineUnavailable(
                f"fakesnow's environment not found ({python}): python3 -m venv .venv-fakesnow && "
                f".venv-fakesnow/bin/pip install -r {REQUIREMENTS.relative_to(HERE.parents[1])} "
                "(or set SEGDSL_FAKESNOW_PYTHON to its python)")
        self._process = subprocess.Popen([str(python), "-I", str(WORKER)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _OPEN.append(self)
        try:
            self.versions: dict[str, str] = self._answer()
        except StandinError as exc:
            self.close()
            raise EngineUnavailable(f"fakesnow did not start: {exc}") from None
        self._schemas: set[str] = set()
        self._loaded: list[str] = []
        self._tables: list[Table] | None = None

    def _answer(self) -> Any:
        assert self._process.stdout is not None
        header = self._process.stdout.read(4)
        if len(header) < 4:
            assert self._process.stderr is not None
            self._process.wait(timeout=30)
            raise StandinError(f"the fakesnow worker exited ({self._process.returncode}):\n"
                               + self._process.stderr.read().decode(errors="replace")[-3000:])
        (size,) = struct.unpack(">I", header)
        status, value = pickle.loads(self._process.stdout.read(size))
        if status != "ok":
            raise StandinError(value)
        return value

    def _run(self, statements: list[str]) -> Any:
        assert self._process.stdin is not None
        data = pickle.dumps(("run", statements), protocol=pickle.HIGHEST_PROTOCOL)
        self._process.stdin.write(struct.pack(">I", len(data)) + data)
        self._process.stdin.flush()
        return self._answer()

    @staticmethod
    def _json_value(value: Any, kind: str) -> Any:
        """A value as JSON for the load: numbers as text (exact in NUMBER, whatever JSON's numbers are)."""
        if value is None or kind in ("boolean", "double", "text", "json"):
            return value
        if kind == "timestamp":
            return f"{value.strftime('%Y-%m-%d %H:%M:%S')}.{value.microsecond:06d}"
        return value.isoformat() if kind == "date" else str(value)

    def load(self, tables: Sequence[Table]) -> None:
        """Create the tables and insert the rows, unless these very tables are loaded already (queries only read).

        Rows arrive as one JSON text per table, taken apart by FLATTEN: one INSERT of 26,000 rows
        takes 3 s that way, against 30 s as INSERT ... VALUES, whose every literal fakesnow walks in
        each of its 76 rewrites.
        """
        tables = list(tables)
        if tables == self._tables:
            return
        self._tables = None
        statements = [f"DROP TABLE IF EXISTS {name}" for name in self._loaded]
        statements += [f"DROP SCHEMA IF EXISTS {_name(schema)} CASCADE" for schema in sorted(self._schemas)]
        self._loaded, self._schemas = [], set()
        for schema in sorted({t.schema for t in tables if t.schema and t.schema.upper() != "PUBLIC"}):
            statements.append(f"CREATE SCHEMA {_name(schema)}")
            self._schemas.add(schema)
        statements.append("USE SCHEMA PUBLIC")  # CREATE SCHEMA makes the new schema current, in Snowflake too
        for table in tables:
            name = f"{_name(table.schema or 'public')}.{_name(table.table)}"
            self._loaded.append(name)
            columns = ", ".join(f"{_name(c)} {self.TYPES[k]}" for c, k in table.columns)
            statements.append(f"CREATE TABLE {name} ({columns})")
            rows = table.canonical_rows()
            if not rows:
                continue
            kinds = [k for _, k in table.columns]
            text = json.dumps([[self._json_value(v, k) for v, k in zip(row, kinds)] for row in rows], allow_nan=False)
            values = ", ".join(f"value[{i}]::{self.TYPES[k]}" for i, k in enumerate(kinds))
            # a Snowflake string literal takes backslash escapes
            literal = "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
            statements.append(f"INSERT INTO {name} SELECT {values} FROM TABLE(FLATTEN(INPUT => PARSE_JSON({literal})))")
        self._run(statements)
        self._tables = tables

    def query(self, sql: str) -> list[tuple]:
        rows = self._run([sql])
        return [tuple(normalize(v) for v in row) for row in rows or []]

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        if self in _OPEN:
            _OPEN.remove(self)
