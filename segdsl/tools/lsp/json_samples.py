"""JSON keys sampled from the database, for completion after a JSON column's dot (rule 17).

Given a database (the server's `db` option), the first completion in a JSON column of a table reads up
to SAMPLE of its non-null values once, and keeps the paths of keys found in their objects (never the
values) for the rest of the session: one query per column, not one per completion. A database that
cannot be read gives no keys (the files' own paths are still offered) and one warning.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import duckdb
from sqlglot import exp

from ...compile.tables import table
from ...errors import SegdslError
from ...run.runner import open_target

SAMPLE = 1000  # values read per column
DEPTH = 6  # levels of nested objects walked
MOST = 2000  # paths kept per column

Path = tuple[str, ...]


class KeySamples:
    """The key paths of each JSON column of the database a target names, read when first asked for."""

    def __init__(self, target: str, warn: Callable[[str], None]) -> None:
        self.target = target
        self.warn = warn
        self.found: dict[tuple[tuple[str, ...], str], set[Path]] = {}
        self.warned = False

    def paths(self, table_parts: tuple[str, ...], column: str) -> set[Path]:
        """The paths of keys in the objects of `column` of the table (sampled once)."""
        key = (table_parts, column)
        if key not in self.found:
            self.found[key] = self._sample(table_parts, column)
        return self.found[key]

    def _sample(self, table_parts: tuple[str, ...], column: str) -> set[Path]:
        value = exp.column(column)
        query = (exp.select(value).from_(table(table_parts))
                 .where(exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))).limit(SAMPLE))
        try:
            with open_target(self.target) as opened:
                rows = opened.fetch(query).rows
        except (SegdslError, duckdb.Error) as exc:  # completion goes on without the database's keys
            if not self.warned:
                self.warned = True
                self.warn(f"segdsl: no JSON keys from the database: {exc}")
            return set()
        return key_paths(row[0] for row in rows)


def key_paths(values: Iterable[Any]) -> set[Path]:
    """Every path of keys in the JSON objects among `values` (JSON text, or objects a driver decoded)."""
    found: set[Path] = set()
    for value in values:
        _walk(_decoded(value), (), found)
        if len(found) >= MOST:
            break
    return found


def _decoded(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _walk(value: Any, prefix: Path, found: set[Path]) -> None:
    if not isinstance(value, dict) or len(prefix) >= DEPTH:
        return
    for key, inner in value.items():
        if isinstance(key, str) and len(found) < MOST:
            found.add((*prefix, key))
            _walk(inner, (*prefix, key), found)
