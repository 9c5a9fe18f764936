"""One check for hand-computed cases: the oracle, each segment's own query and the whole-file query
on an engine all give the expected members."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from segdsl.compile.compiler import to_sql
from segdsl.lang.model import Program

from . import oracle
from .base import Engine, Table


def assert_members(engine: Engine, program: Program, tables: Sequence[Table], expected: Mapping[str, set],
                   as_of: date) -> list[tuple]:
    """`expected` maps segments of a program without segmentations to their members; the whole-file
    rows come back for further checks."""
    found = oracle.evaluate(program, {t.name: t.records() for t in tables}, as_of)
    assert {name: found[name] for name in expected} == dict(expected)
    engine.load(tables)
    for name, members in expected.items():
        assert {row[0] for row in engine.query(to_sql(program, engine.dialect, name, as_of))} == members, name
    whole = engine.query(to_sql(program, engine.dialect, None, as_of))
    columns = list(program.segments)
    for name, members in expected.items():
        assert {row[0] for row in whole if row[1 + columns.index(name)]} == members, name
    return whole
