"""The public entry points: source text or a file -> checked Program -> SQL.

Loading a program needs only the language (segdsl.lang); sqlglot, the dialects and the planner are imported
when a statement is first built, so that checking a file (`segdsl check`) starts without them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Diagnostic, SegdslError
from ..lang import ast
from ..lang.check import check, check_items
from ..lang.imports import load_module
from ..lang.model import CheckedItem, Program
from ..lang.parse import SyntaxErrors, parse
from ..lang.source import read_file
from .gcpause import without_gc

if TYPE_CHECKING:
    from sqlglot import exp

    from .plan import Plan


@without_gc
def load_text(text: str, file: str = "<string>", params: Mapping[str, str] | None = None,
              mark_params: bool = False) -> Program:
    """Parse and check a program given as text; parameters override the file's defaults.

    Imports resolve relative to the directory of `file` (the current
    directory for "<string>"). With mark_params, literals remember the
    parameter they came from (for to_tree's placeholders).
    """
    sources = {file: text}
    try:
        try:
            module, sources = load_module(text, file, Path(file).parent)
        except SyntaxErrors as exc:
            if exc.module is None:
                raise
            raise _also_checked(exc, exc.module, params, mark_params) from None
        return check(module, sources, params, mark_params)
    except SegdslError as exc:
        for name, source in sources.items():
            exc.sources.setdefault(name, source)
        raise


def _also_checked(err: SyntaxErrors, parsed: ast.Module, params: Mapping[str, str] | None,
                  mark_params: bool) -> SegdslError:
    """Syntax errors, and after them the problems of the declarations that did parse (`parsed`)."""
    partial: Program | None
    try:
        partial = check(parsed, err.sources, params, mark_params, err.broken)
        problems: tuple[Diagnostic, ...] = ()
    except SegdslError as checked:
        partial, problems = checked.partial, checked.diagnostics
    return err.followed_by(problems, partial)


@without_gc
def check_written(program: Program, params: Mapping[str, str] | None, items: Mapping[str, ast.Expr],
                  sources: Mapping[str, str]) -> dict[str, CheckedItem]:
    """Conditions or values written outside a program's files (a profile item, an outcome, an export's path)
    resolved as its segments' are: its files checked again with them. `sources`: the text each was written in."""
    every = {**program.sources, **sources}
    file, source = next(iter(program.sources.items()))
    try:
        return check_items(parse(source, file), every, params, items)[1]
    except SegdslError as exc:
        exc.sources.update(every)
        raise


def load_file(path: str | os.PathLike[str], params: Mapping[str, str] | None = None,
              mark_params: bool = False) -> Program:
    """Parse and check a .seg file and the files it imports."""
    return load_text(read_file(path), str(path), params, mark_params)


@without_gc
def to_tree(program: Program, dialect: str = "duckdb", segment: str | None = None,
            as_of: date | None = None, *, placeholders: bool = False,
            items: Mapping[str, CheckedItem] | None = None, whole_days: bool = False) -> exp.Select:
    """The sqlglot tree of `to_sql`, for callers that wrap the statement.

    With placeholders, the as-of day and marked parameters are markers (see placeholders.py); the
    statement also gets a column per extra checked item (see check.check_items): after the whole file's
    columns, or after a segment's key (its members' traits and attributes, `run --with`). With whole_days
    and no as-of, events are cut at the end of the engine's current day, not at the current instant.
    """
    from .emit import Options, emit

    try:
        options = Options(as_of, placeholders, whole_days)
        return emit(plan(program, dialect, segment, placeholders, items), options)
    except SegdslError as exc:  # an error at a declaration (the zone a dialect cannot convert to) shows its line
        for name, source in program.sources.items():
            exc.sources.setdefault(name, source)
        raise


def plan(program: Program, dialect: str = "duckdb", segment: str | None = None, placeholders: bool = False,
         items: Mapping[str, CheckedItem] | None = None) -> Plan:
    """What the statement of `to_tree` computes (plan.py). With placeholders, top/bottom P% with a
    marked parameter always ranks: P is set when dbt runs."""
    from .plan import plan_program, plan_segment

    if segment is None:
        return plan_program(program, dialect, dict(items or {}), ranks_only=placeholders)
    return plan_segment(program, segment, dialect, ranks_only=placeholders, values_described=not placeholders,
                        items=items)


@without_gc
def to_sql(program: Program, dialect: str = "duckdb", segment: str | None = None,
           as_of: date | None = None, *, items: Mapping[str, CheckedItem] | None = None) -> str:
    """One SQL statement: a segment's members, a segmentation's labels, or the whole file (with a column per
    extra checked item, as for to_tree)."""
    from .. import dialects

    return dialects.render(to_tree(program, dialect, segment, as_of, items=items), dialects.get(dialect))


def compile_text(text: str, dialect: str = "duckdb", segment: str | None = None, as_of: date | None = None,
                 params: Mapping[str, str] | None = None, file: str = "<string>") -> str:
    """Compile a program given as text to SQL."""
    return to_sql(load_text(text, file, params), dialect, segment, as_of)


def compile_file(path: str | Path, dialect: str = "duckdb", segment: str | None = None, as_of: date | None = None,
                 params: Mapping[str, str] | None = None) -> str:
    """Compile a .seg file to SQL."""
    return to_sql(load_file(path, params), dialect, segment, as_of)
