"""Names the SQL reads: a declared table, and the event columns a condition or value reads."""

from __future__ import annotations

from sqlglot import exp

from ..lang import ast
from ..lang.model import EventColumn


def table(parts: tuple[str, ...]) -> exp.Table:
    """A table named by its parts (catalog, schema, name), as sqlglot's table node."""
    *prefix, name = parts
    db = prefix[-1] if prefix else None
    catalog = prefix[-2] if len(prefix) > 1 else None
    return exp.table_(name, db=db, catalog=catalog)


def event_columns(expr: object) -> set[str]:
    """The names (in the rows a scan reads) of the event columns anywhere in a checked condition or value."""
    return {node.row_name for node in ast.walk(expr) if isinstance(node, EventColumn)}
