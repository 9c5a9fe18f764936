"""Opening a target and running compiled SQL on it: members and sizes.

A target is a PostgreSQL URL (postgresql://...), a DuckDB database file, a
folder of CSV/Parquet files (each a table named after its stem; files in a
subfolder form a schema of that name), `env:NAME` for any of these held in
an environment variable (so a password stays off the command line), or,
with none given, the embedded demo data. Nothing here builds
SQL of its own beyond wrapping a compiled statement to count its rows.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from ..compile.compiler import to_tree
from ..errors import error
from ..lang.model import Program, Segmentation
from .catalog import check_against
from .redact import redact
from .targets import DuckDBTarget, PostgresTarget, Result, Target, first_line, open_duckdb_file

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
ENV_PREFIX = "env:"
DATA_SUFFIXES = {".csv": "read_csv_auto", ".parquet": "read_parquet", ".tsv": "read_csv_auto"}


def open_target(target: str | None, program: Program | None = None, writable: bool = False) -> Target:
    """The database a target names (see the module docstring).

    In a folder of CSV files, an event table's time column that DuckDB reads
    as text ('12/1/2010 8:26') is parsed with the first common date format
    that fits every value, so the program's windows compare times, not text.
    A writable target (for segment history) is a PostgreSQL database or a
    DuckDB file: the demo data and CSV folders live in memory only.
    """
    if target is not None and target.startswith(ENV_PREFIX):
        target = _from_environment(target[len(ENV_PREFIX):])
    if target is None:
        if writable:
            raise error("segment history needs a database to write to: give --db",
                        None, "a PostgreSQL URL or a DuckDB file (`segdsl demo FILE` writes the demo data to one)")
        from .demo import load_demo

        con = duckdb.connect()
        load_demo(con)
        return DuckDBTarget(con)
    if target.startswith(POSTGRES_SCHEMES):
        return PostgresTarget.connect(target)
    path = Path(target)
    if path.is_dir():
        if writable:
            raise error(f"cannot write segment history into the folder {target}: CSV and Parquet files are read-only "
                        "here", None, "give a PostgreSQL URL or a DuckDB file")
        con, unreadable = _folder(path)
        _refuse_unreadable(unreadable, program)
        if program is not None:
            _parse_text_times(con, program)
        return DuckDBTarget(con)
    if not path.is_file():
        raise error(f"database target '{redact(target)}' does not exist",
                    None, "give a PostgreSQL URL (postgresql://...), a DuckDB file or a folder of CSV/Parquet files")
    try:
        return DuckDBTarget(open_duckdb_file(path, writable))
    except duckdb.Error as exc:
        if _IN_USE.search(str(exc)):
            process = _PROCESS.search(str(exc))
            raise error(f"the DuckDB file {redact(target)} is in use by another process"
                        + (f" ({process.group(0)})" if process else ""), None,
                        "a DuckDB file has one writer at a time, and no readers while it is written: wait for the "
                        "other run to end (jobs that run at once need a PostgreSQL database)") from None
        raise error(f"cannot open '{redact(target)}' as a DuckDB database: {redact(first_line(exc))}") from None


_IN_USE = re.compile(r"Could not set lock on file|Conflicting lock")
_PROCESS = re.compile(r"PID \d+")


def _from_environment(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not name or not value:
        raise error(f"the environment variable '{name}' is not set", None,
                    "export it with the database URL or file, e.g. SEGDSL_DB=postgresql://user@host/db")
    return value


def _folder(folder: Path) -> tuple[duckdb.DuckDBPyConnection, dict[tuple[str, str], str]]:
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


def execute(target: Target, program: Program, statement: exp.Expression) -> Result:
    check_against(program, target.catalog(), target.default_schema)
    return target.fetch(statement)


def members(target: Target, program: Program, segment: str, as_of: date | None) -> Result:
    """A segment's member keys, or a segmentation's keys and labels, sorted by key."""
    result = execute(target, program, to_tree(program, target.dialect, segment, as_of))
    return Result(result.columns, sorted(result.rows, key=lambda row: (row[0] is None, row[0])))


def sizes(target: Target, program: Program, as_of: date | None) -> Result:
    """Each segment's size and share, and each segmentation's label counts, in one pass."""
    wide = to_tree(program, target.dialect, None, as_of).subquery("w")
    counted, columns = size_columns(program)
    customers, *counts = execute(target, program, exp.select(*columns).from_(wide)).rows[0]
    counts = [int(count or 0) for count in counts]  # drivers may return SUM as a Decimal
    rows = [(name, label, count, share(count, int(customers))) for (name, label), count in zip(counted, counts)]
    return Result(("name", "label", "size", "share"), rows)


def size_columns(program: Program) -> tuple[list[tuple[str, str]], list[exp.Expression]]:
    """Over the whole-file query: the customers, then a count per segment and per segmentation label."""
    counted: list[tuple[str, str]] = [(name, "") for name in program.segments]
    columns: list[exp.Expression] = [exp.Count(this=exp.Star())]
    columns += [exp.Sum(this=exp.cast(exp.column(name), "INT")) for name in program.segments]
    for name, segmentation in program.segmentations.items():
        for label in labels_of(segmentation):
            counted.append((name, label))
            is_label = exp.EQ(this=exp.column(name), expression=exp.Literal.string(label))
            columns.append(exp.Count(this=exp.Case(ifs=[exp.If(this=is_label, true=exp.Literal.number(1))])))
    return counted, columns


def labels_of(segmentation: Segmentation) -> list[str]:
    """A segmentation's labels, each once, in the order written."""
    return list(dict.fromkeys([label for label, _ in segmentation.rules] + [segmentation.otherwise]))


def share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0
