"""The Python API for scheduled jobs: a program run on a connection the caller already has.

A job holds a DB-API connection (DuckDB, sqlite3 or psycopg 3); these
functions run a program on it with the same code the command line uses
(`runner`, `history`), the dialect taken from the connection. They never
close the connection; `materialize` commits its own transaction, so the
connection must not be inside one of the caller's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date

from ..compile.compiler import load_file
from ..errors import error
from ..lang.model import Program
from ..lang.timeline import parse_as_of
from . import history, runner
from .targets import Result, connection_target

ProgramLike = Program | str | os.PathLike


def members(connection: object, program: ProgramLike, segment: str, as_of: date | str | None = None, *,
            with_: Sequence[str] = (), params: dict[str, str] | None = None, dialect: str | None = None) -> Result:
    """A segment's member keys (or a segmentation's keys and labels), sorted by key, and a column per name of
    `with_`: a trait's value, a segmentation's label, a segment's flag, an entity column or a path from the
    entity (`regions.name`, `prefs.plan`): an audience export.

    `program` is a loaded Program or the path of a .seg file (with `params`
    overriding its parameters); without `as_of`, the database's current instant.
    """
    loaded = _program(program, params)
    return runner.members(connection_target(connection, dialect), loaded, segment, _day(as_of), with_)


def sizes(connection: object, program: ProgramLike, as_of: date | str | None = None, *,
          params: dict[str, str] | None = None, dialect: str | None = None) -> Result:
    """Each segment's size and share, and each segmentation's label counts: (name, label, size, share)."""
    return runner.sizes(connection_target(connection, dialect), _program(program, params), _day(as_of))


def materialize(connection: object, program: ProgramLike, table: str, as_of: date | str | None = None, *,
                params: dict[str, str] | None = None, dialect: str | None = None) -> history.Written:
    """Write one day's membership into a history table (see `segdsl.run.history`); that day is replaced."""
    loaded = _program(program, params)
    return history.materialize(connection_target(connection, dialect), loaded, table, _day(as_of))


def diff(connection: object, table: str, from_day: date | str, to_day: date | str, segment: str | None = None, *,
         summary: bool = False, dialect: str | None = None) -> Result:
    """Who entered and who left each segment between two materialized days: (segment, label, change, key).

    With `summary`, counts instead: (segment, label, size_from, size_to, entered, left).
    """
    target = connection_target(connection, dialect)
    compare = history.diff_summary if summary else history.diff
    return compare(target, table, _a_day(from_day), _a_day(to_day), segment)


def _program(program: ProgramLike, params: dict[str, str] | None) -> Program:
    if isinstance(program, Program):
        if params:
            raise error("params apply when a program is loaded", None,
                        "pass them to segdsl.load_file / load_text, or give the path of the .seg file")
        return program
    return load_file(program, params)


def _day(value: date | str | None) -> date | None:
    """An as-of: a day, or an instant (a datetime, or text YYYY-MM-DDTHH:MM) in the program's zone."""
    if isinstance(value, str):
        try:
            return parse_as_of(value)
        except ValueError:
            raise error(f"{value!r} is not a day (YYYY-MM-DD or a datetime.date) or an instant "
                        "(YYYY-MM-DDTHH:MM or a datetime.datetime)") from None
    return value


def _a_day(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise error(f"{value!r} is not a day (YYYY-MM-DD or a datetime.date)") from None
