"""A folder of CSV and Parquet files as a database: a DuckDB view per file.

Each file is a table named after its stem; files in a subfolder form a
schema of that name. A file that cannot be read is an error only when the
program reads its table. An event table's time column that DuckDB reads as
text ('12/1/2010 8:26') is parsed with the first common format that fits
every value, so the program's windows compare times, not text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from ..errors import error
from ..lang.model import Program
from .targets import first_line

DATA_SUFFIXES = {".csv": "read_csv_auto", ".parquet": "read_parquet", ".tsv": "read_csv_auto"}


def open_folder(folder: Path, program: Program | None) -> duckdb.DuckDBPyConnection:
    """A connection with a view per data file; with a program, the files it reads checked and their
    text time columns parsed."""
    con, unreadable = _views(folder)
    _refuse_unreadable(unreadable, program)
    if program is not None:
        _parse_text_times(con, program)
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


TIME_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
                "%d/%m/%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d",
                "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%SZ", "%Y%m%d")


def _parse_text_times(con: duckdb.DuckDBPyConnection, program: Program) -> None:
    """Redefine CSV views whose event time column is text, parsing it with a format that fits."""
    for event in program.events.values():
        if len(event.table) > 2:
            continue
        schema, name = event.table if len(event.table) == 2 else ("main", event.table[0])
        view = exp.table_(name, db=schema)
        try:
            kinds = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                     "WHERE schema_name = ? AND table_name = ?", [schema, name]).fetchall())
        except duckdb.Error:
            continue
        column = next((c for c in kinds if c.lower() == event.at.lower()), None)
        if column is None or kinds[column] != "VARCHAR":
            continue
        text = exp.column(column)
        values, *counts = _fitted(con, view, text)
        fitted = dict(zip(TIME_FORMATS, counts))
        parsed = next((f for f, n in fitted.items() if values > 0 and n == values), None)
        if parsed is None:
            best = max(TIME_FORMATS, key=lambda f: fitted[f])  # the format most values fit: the others are bad
            unparsed = exp.Anonymous(this="try_strptime", expressions=[text.copy(), exp.Literal.string(best)])
            bad = con.execute(exp.select(text).from_(view).where(exp.and_(
                exp.not_(exp.Is(this=text, expression=exp.Null())), exp.Is(this=unparsed, expression=exp.Null())))
                .limit(1).sql("duckdb")).fetchone()
            err = error(f"column {column} of {'.'.join(event.table)} holds text that is not a date or time"
                        + (f": {bad[0]!r}" if bad else ""), event.span,
                        "write times as YYYY-MM-DD HH:MM:SS, or use Parquet or a DuckDB file")
            err.sources.update(program.sources)
            raise err
        (definition,) = _one_row(con.execute("SELECT sql FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
                                             [schema, name]))
        source = exp.maybe_parse(definition, dialect="duckdb").expression.args["from_"].this
        value: exp.Expression = exp.Anonymous(this="strptime", expressions=[text.copy(), exp.Literal.string(parsed)])
        if event.time_type == "date":
            value = exp.cast(value, "DATE")
        replaced = exp.select(exp.Star(replace=[exp.alias_(value, column)])).from_(source)
        con.execute(exp.Create(this=view, kind="VIEW", replace=True, expression=replaced).sql("duckdb"))


def _fitted(con: duckdb.DuckDBPyConnection, view: exp.Table, text: exp.Column) -> tuple[int, ...]:
    """In one scan: how many values the column holds, then how many each of TIME_FORMATS reads."""
    counts = [exp.Count(this=text.copy())]
    counts += [exp.Count(this=exp.Anonymous(this="try_strptime", expressions=[text.copy(), exp.Literal.string(f)]))
               for f in TIME_FORMATS]
    return _one_row(con.execute(exp.select(*counts).from_(view.copy()).sql("duckdb")))


def _one_row(cursor: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of a query that returns exactly one (an aggregate, a lookup by a known name)."""
    row = cursor.fetchone()
    if row is None:
        raise LookupError("a query for one row returned none")
    return row
