"""`has tracks where properties.a = 1 and properties.b > 2` (LANGUAGE.md's example of rule 17): a condition
joined by `and` to an event set's filter belongs to that filter where it reads only that event table's JSON
columns and could mean nothing for the customer (the entity has no such JSON column or lookup). The checker
reads conditions so, and the language server places their names so."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from . import ast

_ROW_CONDITIONS = (ast.Compare, ast.InList, ast.Between, ast.Like, ast.IsNull)
_PER_CUSTOMER = (ast.Aggregate, ast.Exists, ast.Sequence, ast.Active, ast.Sessions)


def json_filters_joined(expr: ast.And, events: Mapping[str, ast.EventDecl], entity: ast.Entity | None) -> ast.And:
    """The `and` with each such condition moved into the filter of the event set just before it."""
    operands: list[ast.Expr] = []
    for operand in expr.operands:
        previous = operands[-1] if operands else None
        if isinstance(previous, ast.Exists) and previous.events.where is not None \
                and previous.events.window is None and _reads_json_of(operand, events.get(previous.events.event.name),
                                                                      entity):
            events_set, filtered = previous.events, previous.events.where
            where = ast.And((filtered, operand), span=filtered.span.through(operand.span))
            widened = replace(events_set, where=where, span=events_set.span.through(operand.span))
            operands[-1] = replace(previous, events=widened, span=previous.span.through(operand.span))
        else:
            operands.append(operand)
    return replace(expr, operands=tuple(operands))


def _reads_json_of(operand: ast.Expr, decl: ast.EventDecl | None, entity: ast.Entity | None) -> bool:
    """A row condition whose every path starts with a JSON column of the event declaration, none of the
    entity's names."""
    if decl is None or not isinstance(operand, _ROW_CONDITIONS):
        return False
    nodes = list(ast.walk(operand))
    if any(isinstance(node, _PER_CUSTOMER) for node in nodes):
        return False
    paths = [node for node in nodes if isinstance(node, ast.Path)]
    entity_names = {*(name.name for name in entity.json), *(join.lookup.name for join in entity.joins)} \
        if entity is not None else set()
    json = {name.name for name in decl.json}
    return bool(paths) and all(path.parts[0].name in json and path.parts[0].name not in entity_names
                               for path in paths)

