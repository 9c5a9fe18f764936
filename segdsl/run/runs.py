"""What each day of a segment history was computed with: its parameters and its program.

Beside a history table `T`, materialize keeps `T_runs` (a shorter name where that one is too long for
the engine, see `table_of`), one row per written day:

    as_of    DATE  the day written
    params   TEXT  the parameters' values used, as a JSON object with sorted keys ({"lapse": 90})
    program  TEXT  a hash of the program's text (its file and the files it imports)

The day's row is replaced with the day's members, in the same transaction. `diff` reads the two days'
rows and says when they were computed with different parameters or programs: a change of membership
that is a change of definition, not of customers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlglot import exp

from .. import dialects
from ..dialects import Dialect
from ..frozen import frozen
from ..lang.model import Program
from .catalog import Catalog, find_table
from .targets import Target

SUFFIX = "_runs"
AS_OF, PARAMS, PROGRAM = "as_of", "params", "program"


@frozen
class Run:
    """The settings one day was computed with."""

    params: dict[str, object]
    program: str


def of(program: Program) -> Run:
    """The parameters (overrides applied) and the program hash of a checked program."""
    params = {name: _plain(param.value) for name, param in sorted(program.params.items())}
    text = "\0".join(sorted(program.sources.values()))  # the texts, not where they are: alike on every machine
    return Run(params, hashlib.sha256(text.encode()).hexdigest()[:16])


def table_of(history: exp.Table, dialect: Dialect) -> exp.Table:
    """The runs table beside a history table, in its schema: `T_runs`, or where that name is longer than the
    engine keeps, T cut short and a hash of the whole name (`hhh...h_5d41402a_runs`)."""
    name = history.name + SUFFIX
    if dialect.name_too_long(name) is not None:
        tail = f"_{hashlib.sha256(history.name.encode()).hexdigest()[:8]}{SUFFIX}"
        head = history.name
        while head and dialect.name_too_long(head + tail) is not None:
            head = head[:-1]
        name = head + tail
    runs = history.copy()
    runs.set("this", exp.to_identifier(name, quoted=history.this.quoted))
    return runs


def record(target: Target, history: exp.Table, catalog: Catalog, day: date, run: Run,
           create: Callable[[exp.Table, exp.Select], None]) -> None:
    """Replace the day's row of the runs table beside `history` (created by `create` when missing)."""
    dialect = dialects.get(target.dialect)
    name = table_of(history, dialect)
    row = exp.select(exp.alias_(dialect.date_literal(day), AS_OF),
                     exp.alias_(exp.Literal.string(json.dumps(run.params, sort_keys=True)), PARAMS),
                     exp.alias_(exp.Literal.string(run.program), PROGRAM))
    exists = _exists(catalog, name)
    if target.replace_day(name, exists, day, row):  # Spark, Trino: the target writes it its own way
        return
    if not exists:
        create(name, row)
    on_day = exp.EQ(this=exp.column(AS_OF), expression=dialect.date_literal(day))
    target.execute(exp.Delete(this=name.copy(), where=exp.Where(this=on_day)))
    columns = [exp.to_identifier(c) for c in (AS_OF, PARAMS, PROGRAM)]
    target.execute(exp.Insert(this=exp.Schema(this=name.copy(), expressions=columns), expression=row))


def differences(target: Target, history: exp.Table, catalog: Catalog, first: date, second: date) -> list[str]:
    """Notes on how two written days' settings differ (none where they agree or no runs table exists)."""
    name = table_of(history, dialects.get(target.dialect))
    if not _exists(catalog, name):
        return []
    dialect = dialects.get(target.dialect)
    wanted = exp.In(this=exp.column(AS_OF), expressions=[dialect.date_literal(d) for d in (first, second)])
    found: dict[date, Run] = {}
    for day, params, program in target.fetch(exp.select(*map(exp.column, (AS_OF, PARAMS, PROGRAM)))
                                             .from_(name).where(wanted)).rows:
        found[_as_day(day)] = Run(json.loads(params), program)
    unknown = [d.isoformat() for d in (first, second) if d not in found]
    if unknown:
        return [f"no record of the parameters {' and '.join(unknown)} {'was' if len(unknown) == 1 else 'were'} "
                "computed with (written before segdsl kept them)"]
    before, after = found[first], found[second]
    notes = []
    changed = sorted(set(before.params) | set(after.params))
    changed = [n for n in changed if before.params.get(n) != after.params.get(n)]
    if changed:
        shown = "; ".join(f"{n}: {_shown(before.params, n)} on {first.isoformat()}, {_shown(after.params, n)} on "
                          f"{second.isoformat()}" for n in changed)
        notes.append(f"the two days were computed with different parameters ({shown}): some changes come from "
                     "the definitions, not the customers")
    if before.program != after.program:
        notes.append("the two days were computed with different programs (the file or its imports changed "
                     "between them): some changes may come from the definitions, not the customers")
    return notes


def _exists(catalog: Catalog, name: exp.Table) -> bool:
    parts = tuple(part for part in (name.catalog, name.db, name.name) if part)
    return find_table(catalog, parts) is not None


def _plain(value: object) -> object:
    """A parameter's value as JSON holds it: numbers as numbers, dates as ISO text."""
    if isinstance(value, Decimal):  # exact: a fraction as its decimal text
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _shown(params: dict[str, object], name: str) -> str:
    return json.dumps(params[name]) if name in params else "not declared"


def _as_day(value: object) -> date:
    """A DATE result as a date (SQLite returns text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
