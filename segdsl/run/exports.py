"""The columns an audience export carries beside each member (`run --segment S --with NAME,...`).

Each name is a trait (its value), a segmentation (its label), a segment (true or false) or, failing
those, a column of the entity table (an attribute such as `email`; the database check finds one that
does not exist); a dotted name is a path from the entity, as a segment reads it: a column of a lookup the
entity joins (`regions.name`) or a key of its JSON column (`prefs.plan`). Errors point into the list as
written after `--with`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..compile.compiler import check_written
from ..errors import Diagnostic, SegdslError, Span
from ..lang import ast
from ..lang import model as m
from ..lang.model import CheckedItem, Program

WHERE = "--with"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+\Z")


def exported(program: Program, names: Sequence[str], segment: str) -> dict[str, CheckedItem]:
    """The named columns, in the order given (each once), checked against the program; `segment` is the
    segment or segmentation whose members they go with."""
    written = ",".join(names)
    taken = {program.entity.key.casefold(): "the entity key"}
    if segment in program.segmentations:
        taken["label"] = f"the label of '{segment}'"
    problems: list[Diagnostic] = []
    columns: dict[str, CheckedItem] = {}
    paths: dict[str, ast.Expr] = {}
    start = 0
    for name in names:
        span = Span(WHERE, 1, start + 1, 1, start + len(name) + 1, start, start + len(name))
        start += len(name) + 1
        if name in columns:
            continue
        if _PATH.match(name):
            paths[name] = _path(name, span)
            columns[name] = (m.Attribute(name, span=span), "unknown")  # its place, until the path is checked
            continue
        problem = _problem(program, name, taken)
        if problem is not None:
            problems.append(Diagnostic(problem[0], span, problem[1]))
            continue
        columns[name] = _column(program, name, span)
    try:
        columns.update(check_written(program, None, paths, {WHERE: written}) if paths else {})
    except SegdslError as exc:
        problems += exc.diagnostics
    if problems:
        err = SegdslError(sorted(problems, key=lambda d: d.span.start if d.span else 0))
        err.sources.update({**program.sources, WHERE: written})
        raise err
    return columns


def _path(name: str, span: Span) -> ast.Bare:
    """A dotted name as the path a segment writes, standing alone, each part placed in the list."""
    parts, start = [], span.start
    for part in name.split("."):
        column = span.column + start - span.start
        parts.append(ast.Name(part, span=Span(WHERE, 1, column, 1, column + len(part), start, start + len(part))))
        start += len(part) + 1
    return ast.Bare(ast.Path(tuple(parts), span=span), span=span)


def _problem(program: Program, name: str, taken: dict[str, str]) -> tuple[str, str | None] | None:
    """Why a name cannot be a column of the export (a message and a hint), or None."""
    if not _NAME.match(name):
        return (f"'{name}' is not a name", "give names of traits, segmentations, segments or entity columns, "
                                           "separated by commas, e.g. --with ltv,email")
    if name.casefold() in taken:
        return f"'{name}' is already a column of the result: {taken[name.casefold()]}", None
    if name in program.events:
        return (f"'{name}' is an event set, not a value", f"declare a trait of it, e.g. trait {name}_count = "
                                                          f"count({name}), and export that")
    if name in program.params:
        return f"'{name}' is a parameter, the same for every customer", None
    return None


def _column(program: Program, name: str, span: Span) -> CheckedItem:
    if name in program.traits:
        return m.TraitRef(name, span=span), program.traits[name].kind
    if name in program.segmentations:
        return m.LabelOf(name, span=span), "string"
    if name in program.segments:
        return m.SegmentRef(name, span=span), "condition"
    return m.Attribute(name, span=span), "unknown"

