"""A folder of CSV and Parquet files as a database: a DuckDB view per file.

Each file is a table named after its stem; files in a subfolder form a
schema of that name. A file that cannot be read is an error only when the
program reads its table. A CSV file of a header alone is an empty table
whose columns have no type (DuckDB would guess text for each, and text is
no number, date or key). Time columns read as text: csv_times.py.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from sqlglot import exp

from ..errors import error
from ..lang.model import Program
from .csv_times import parse_text_times
from .targets import first_line

DATA_SUFFIXES = {".csv": "read_csv_auto", ".parquet": "read_parquet", ".tsv": "read_csv_auto"}


def open_folder(folder: Path, program: Program | None) -> duckdb.DuckDBPyConnection:
    """A connection with a view per data file; with a program, the files it reads checked and their
    text time columns parsed."""
    con, unreadable = _views(folder)
    _refuse_unreadable(unreadable, program)
    if program is not None:
        parse_text_times(con, program)
    return con


def _views(folder: Path) -> tuple[duckdb.DuckDBPyConnection, dict[tuple[str, str], str]]:
    """A view per data file, and why each file that could not be read was not: {(schema, table): reason}."""
    con = duckdb.connect()
    read: set[tuple[str, str]] = set()
    unreadable: dict[tuple[str, str], str] = {}
    for file in sorted(folder.rglob("*")):
        reader = DATA_SUFFIXES.get(file.suffix.lower())
        if reader is None or not file.is_file():
            continue
        relative = file.relative_to(folder)
        if len(relative.parts) > 2:
            continue
        schema = relative.parts[0] if len(relative.parts) == 2 else "main"
        view, key = exp.table_(file.stem, db=schema), (schema.lower(), file.stem.lower())
        source = exp.Anonymous(this=reader, expressions=[exp.Literal.string(str(file))])
        try:
            con.execute(exp.Create(this=exp.Schema(this=exp.to_identifier(schema)), kind="SCHEMA", exists=True)
                        .sql("duckdb"))
            con.execute(exp.Create(this=view, kind="VIEW", replace=True,
                                   expression=exp.select("*").from_(source)).sql("duckdb"))
            if reader == "read_csv_auto":
                _untyped_when_empty(con, view, source)
        except duckdb.Error as exc:
            if key not in read:  # else another file of the same name is the table
                unreadable[key] = f"cannot read {file}: {first_line(exc)}"
            continue
        read.add(key)
        unreadable.pop(key, None)
    if not read and unreadable:
        raise error(next(iter(unreadable.values())))
    if not read:
        raise error(f"no CSV or Parquet files in {folder}")
    return con, unreadable


def _untyped_when_empty(con: duckdb.DuckDBPyConnection, view: exp.Table, source: exp.Expr) -> None:
    """A CSV file without rows: its view keeps the columns, each without a type, and no rows."""
    cursor = con.execute(exp.select("*").from_(view.copy()).limit(1).sql("duckdb"))
    if cursor.fetchone() is not None:
        return
    untyped = [exp.alias_(exp.Null(), name) for name, *_ in cursor.description]
    con.execute(exp.Create(this=view, kind="VIEW", replace=True, expression=exp.select(*untyped).from_(source))
                .sql("duckdb"))


def _refuse_unreadable(unreadable: dict[tuple[str, str], str], program: Program | None) -> None:
    """A file the program reads must be readable; other unreadable files are left out (not tables)."""
    if program is None:
        return
    tables = [(program.entity.table, program.entity.span)] + [(e.table, e.span) for e in program.events.values()]
    for table, span in tables:
        key = (table[0].lower(), table[1].lower()) if len(table) == 2 else ("main", table[0].lower())
        if key in unreadable:
            err = error(unreadable[key], span, "fix the file, or move it out of the folder")
            err.sources.update(program.sources)
            raise err
