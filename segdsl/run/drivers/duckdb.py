"""duckdb:///relative/path and duckdb:////absolute/path: a DuckDB database file, as if its path were given.

A file is opened read-only unless segment history is written to it: a DuckDB
file has one writer at a time and no readers while it is written, so a second
writer is told the file is in use, by which process.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from ...errors import error
from ..redact import redact
from ..targets import DuckDBTarget, first_line, open_duckdb_file
from ..urls import DUCKDB
from .parts import file_path

FORM = "duckdb:///relative/path.duckdb or duckdb:////absolute/path.duckdb"

_IN_USE = re.compile(r"Could not set lock on file|Conflicting lock")
_PROCESS = re.compile(r"PID \d+")


def open_file(path: Path, writable: bool) -> DuckDBTarget:
    """A DuckDB database file; an error naming the other process when one holds it."""
    if not path.is_file():
        raise error(f"database target '{redact(str(path))}' does not exist", None,
                    "give a database URL (postgresql://..., mysql://..., ...), a DuckDB file or a folder of "
                    "CSV/Parquet files")
    try:
        return DuckDBTarget(open_duckdb_file(path, writable))
    except duckdb.Error as exc:
        if _IN_USE.search(str(exc)):
            process = _PROCESS.search(str(exc))
            raise error(f"the DuckDB file {redact(str(path))} is in use by another process"
                        + (f" ({process.group(0)})" if process else ""), None,
                        "a DuckDB file has one writer at a time, and no readers while it is written: wait for the "
                        "other run to end (jobs that run at once need a database server)") from None
        raise error(f"cannot open '{redact(str(path))}' as a DuckDB database: {redact(first_line(exc))}") from None


def connect(url: str, writable: bool) -> DuckDBTarget:
    return open_file(file_path(url, DUCKDB.engine, FORM), writable)
