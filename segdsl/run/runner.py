"""Opening a target and running compiled SQL on it: members and sizes.

A target is a database URL (postgresql://..., mysql://..., see urls.py), a DuckDB database file, a
folder of CSV/Parquet files (each a table named after its stem; files in a
subfolder form a schema of that name), `env:NAME` for any of these held in
an environment variable (so a password stays off the command line), or,
with none given, the embedded demo data. Nothing here builds
SQL of its own beyond wrapping a compiled statement to count its rows.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import duckdb
from sqlglot import exp

from ..compile.compiler import plan, to_tree
from ..compile.emit import current_instant
from ..errors import SegdslError, error
from ..frozen import frozen
from ..lang.model import CheckedItem, Program
from . import folder
from .catalog import check_against
from .drivers import duckdb as duckdb_file
from .exports import WHERE, exported
from .targets import DuckDBTarget, Result, Target
from .urls import is_url, open_url

ENV_PREFIX = "env:"


def open_target(target: str | None, program: Program | None = None, writable: bool = False) -> Target:
    """The database a target names (see the module docstring).

    A folder of CSV/Parquet files is read as folder.py says. A writable target
    (for segment history) is a database URL or a DuckDB file: the demo data
    and CSV folders live in memory only.
    """
    if target is not None and target.startswith(ENV_PREFIX):
        target = _from_environment(target[len(ENV_PREFIX):])
    if target is None:
        if writable:
            raise error("segment history needs a database to write to: give --db",
                        None, "a database URL (postgresql://..., mysql://..., ...) or a DuckDB file "
                        "(`segdsl demo FILE` writes the demo data to one)")
        from .demo import load_demo

        con = duckdb.connect()
        load_demo(con)
        return DuckDBTarget(con)
    if is_url(target):
        return open_url(target, writable)
    path = Path(target)
    if path.is_dir():
        if writable:
            raise error(f"cannot write segment history into the folder {target}: CSV and Parquet files are read-only "
                        "here", None, "give a database URL or a DuckDB file")
        return DuckDBTarget(folder.open_folder(path, program))
    return duckdb_file.open_file(path, writable)


def _from_environment(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not name or not value:
        raise error(f"the environment variable '{name}' is not set", None,
                    "export it with the database URL or file, e.g. SEGDSL_DB=postgresql://user@host/db")
    return value


def execute(target: Target, program: Program, statement: exp.Expr,
            items: Mapping[str, CheckedItem] | None = None) -> Result:
    """A compiled statement's rows, once the tables and columns it reads (the program's and its extra
    items') are known to exist."""
    check_against(program, target.catalog(), target.search_path(), [expr for expr, _ in (items or {}).values()])
    return target.fetch(statement)


def current_as_of(target: Target, program: Program) -> datetime:
    """The database's current instant as a wall-clock time in the program's zone: T without an as-of
    (rule 10), read once by commands whose every query must use the same T and day D."""
    value = target.fetch(exp.select(current_instant(plan(program, target.dialect), utc=False))).rows[0][0]
    if isinstance(value, datetime):  # a zone some drivers attach is the session's: the wall-clock time counts
        return value.replace(tzinfo=None)
    return datetime.fromisoformat(str(value))  # SQLite: text


def members(target: Target, program: Program, segment: str, as_of: date | None, with_: Sequence[str] = ()) -> Result:
    """A segment's member keys, or a segmentation's keys and labels, sorted by key; then a column per name
    of `with_` (a trait, a segmentation's label, a segment's flag, an entity column or a path: exports.py)."""
    items = exported(program, with_, segment)
    try:
        result = execute(target, program, to_tree(program, target.dialect, segment, as_of, items=items), items)
    except SegdslError as exc:  # a column named after --with that the database lacks: shown in the list
        exc.sources.setdefault(WHERE, ",".join(with_))
        raise
    return Result(result.columns, sorted(result.rows, key=lambda row: (row[0] is None, row[0])))


@frozen
class Sizes(Result):
    """Each segment's and label's size and share (rows: name, label, size, share), and the customers counted."""

    customers: int = 0


def sizes(target: Target, program: Program, as_of: date | None) -> Sizes:
    """Each segment's size and share, and each segmentation's label counts, in one pass."""
    wide = to_tree(program, target.dialect, None, as_of).subquery("w")
    counted, columns = size_columns(program)
    customers, *counts = execute(target, program, exp.select(*columns).from_(wide)).rows[0]
    counts = [int(count or 0) for count in counts]  # drivers may return SUM as a Decimal
    rows = [(name, label, count, share(count, int(customers))) for (name, label), count in zip(counted, counts)]
    return Sizes(("name", "label", "size", "share"), rows, int(customers))


def size_columns(program: Program) -> tuple[list[tuple[str, str]], list[exp.Expr]]:
    """Over the whole-file query: the customers, then a count per segment and per segmentation (or split) label."""
    counted: list[tuple[str, str]] = [(name, "") for name in program.segments]
    columns: list[exp.Expr] = [exp.Count(this=exp.Star())]
    columns += [exp.Sum(this=exp.cast(exp.column(name), "INT")) for name in program.segments]
    for name, segmentation in program.segmentations.items():
        for label in segmentation.labels:
            counted.append((name, label))
            is_label = exp.EQ(this=exp.column(name), expression=exp.Literal.string(label))
            columns.append(exp.Count(this=exp.Case(ifs=[exp.If(this=is_label, true=exp.Literal.number(1))])))
    return counted, columns


def share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0
