"""Markers for values that segdsl dbt fills in when dbt runs: the as-of day and instant, and parameters.

With `Options(placeholders=True)`, sql.py puts a marker where it would put
the database's current date, the current instant or a parameter's value; dbt.py
turns each marker into Jinja. A marker is a bare name starting with `__segdsl_`; names in a
program may start like that too, so dbt.py refuses a program that uses one.
"""

from __future__ import annotations

import re

from sqlglot import exp

PREFIX = "__segdsl_"
AS_OF = f"{PREFIX}as_of__"
MARKER = re.compile(r"__segdsl_(?:as_of(?:_(?P<instant>time|utc))?__|param_(?P<param>\w+?)__(?!\w)"
                    r"|table_(?P<table>\d+)__(?!\w))")


def as_of() -> exp.Expr:
    """The as-of day D, a DATE."""
    return exp.var(AS_OF)


def as_of_instant(utc: bool) -> exp.Expr:
    """The as-of instant T (rule 10), a TIMESTAMP: the wall-clock time in the program's zone, or (utc) the
    UTC instant it is."""
    return exp.var(f"{PREFIX}as_of_{'utc' if utc else 'time'}__")


def param(name: str) -> exp.Expr:
    """A parameter's value, in place of the literal the value would be."""
    return exp.var(f"{PREFIX}param_{name}__")


def table(index: int) -> exp.Identifier:
    """The name of the index-th table of a program (dbt's source() or ref())."""
    return exp.to_identifier(f"{PREFIX}table_{index}__")
