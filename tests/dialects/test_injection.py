"""Strings, identifiers and parameters that look like SQL stay data, on every engine."""

from __future__ import annotations

import pytest
from engines import Table

from segdsl.compile import compiler

NASTY = [
    "O'Brien",
    "it''s",
    'say "hi"',
    "back\\slash",
    "trailing\\",
    "x'; DROP TABLE people; --",
    "a -- comment",
    "/* not a comment */",
    "semi;colon",
    "naïve 東京 😀",
    "%_",
    "line\nbreak",
]

# column names that need quoting: a space, a non-ASCII letter, a keyword
COLUMNS = (("id", "integer"), ("name", "text"), ("first name", "text"), ("città", "text"), ("select", "text"))
PEOPLE = Table("people", COLUMNS, tuple((i, value, value, value, value) for i, value in enumerate(NASTY)) +
               ((len(NASTY), "plain", "plain", "plain", "plain"),))


def _seg_string(value: str) -> str:
    """`value` as a .seg string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _program(column: str) -> str:
    segments = "".join(f"segment s{i}:\n    {column} = {_seg_string(value)}\n" for i, value in enumerate(NASTY))
    return f"customers from people key id\nparam who = \"plain\"\n{segments}segment by_param:\n    {column} = who\n"


def _members(engine, program, name: str) -> set:
    return {row[0] for row in engine.query(compiler.to_sql(program, engine.dialect, name))}


@pytest.mark.parametrize("column", ["name", "`first name`", "`città`", "`select`"])
def test_string_values_and_quoted_identifiers_stay_data(engine, column):
    engine.load([PEOPLE])
    program = compiler.load_text(_program(column))
    found = {i: _members(engine, program, f"s{i}") for i in range(len(NASTY))}
    assert found == {i: {i} for i in range(len(NASTY))}
    assert _members(engine, program, "by_param") == {len(NASTY)}


def test_parameters_stay_data(engine):
    engine.load([PEOPLE])
    for i, value in enumerate(NASTY):
        program = compiler.load_text(_program("name"), params={"who": value})
        assert _members(engine, program, "by_param") == {i}, value


def test_like_patterns_stay_data(engine):
    engine.load([PEOPLE])
    program = compiler.load_text("customers from people key id\n" + "".join(
        f"segment s{i}:\n    name like {_seg_string(value.replace('%', '').replace('_', '') + '%')}\n"
        for i, value in enumerate(NASTY)))
    for i, value in enumerate(NASTY):
        expected = {j for j, other in enumerate([*NASTY, "plain"])
                    if other.startswith(value.replace("%", "").replace("_", ""))}
        assert _members(engine, program, f"s{i}") == expected, value


def test_the_whole_file_query_keeps_a_description_comment_inert(engine):
    engine.load([PEOPLE])
    program = compiler.load_text('customers from people key id\nsegment s "*/ DROP TABLE people; /* \\n --":\n'
                                 '    name = "plain"\n')
    assert _members(engine, program, "s") == {len(NASTY)}
    assert len(engine.query(compiler.to_sql(program, engine.dialect))) == len(NASTY) + 1
