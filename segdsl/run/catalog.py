"""What a live database holds, and the program checked against it.

A catalog maps each table (schema and name, lower case) to its columns and
their types. A table named without a schema is looked up as the database
looks it up: in the first schema of its search path that holds it. Checking
a program against it turns a database's 'column not found' into a positioned
error with a suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import Diagnostic, SegdslError, suggest
from ..frozen import frozen
from ..lang import ast, reads
from ..lang import model as m
from ..lang.model import Attribute, EventColumn, Program

Catalog = dict[tuple[str, str], dict[str, str]]


def duckdb_catalog(con) -> Catalog:
    """Tables and views of a DuckDB connection, by (schema, table)."""
    rows = con.execute(
        "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position").fetchall()
    catalog: Catalog = {}
    for schema, table, column, kind in rows:
        catalog.setdefault((schema.lower(), table.lower()), {})[column.lower()] = kind
    return catalog


def find_table(catalog: Catalog, parts: tuple[str, ...], search_path: Sequence[str] = ("main",)
               ) -> dict[str, str] | None:
    """A table's columns: a qualified name's in its schema, an unqualified one's in the first schema of the
    search path that holds it; None when there is none."""
    name = parts[-1].lower()
    schemas = (parts[-2],) if len(parts) > 1 else search_path
    return next((catalog[(s.lower(), name)] for s in schemas if (s.lower(), name) in catalog), None)


@frozen
class Database:
    """A live database's catalog, and the schemas its unqualified table names are looked up in."""

    catalog: Catalog
    search_path: tuple[str, ...] = ("main",)

    def table(self, parts: tuple[str, ...]) -> dict[str, str] | None:
        return find_table(self.catalog, parts, self.search_path)


def check_against(program: Program, catalog: Catalog, search_path: Sequence[str] = ("main",),
                  extra: Sequence[m.Condition | m.Value] = ()) -> None:
    """Every table and column the program (and the `extra` conditions and values written outside it, such
    as profile items) names exists; else raise with positions."""
    problems = existence_problems(program, catalog, search_path, extra)
    if problems:
        err = SegdslError(problems)
        err.sources.update(program.sources)
        raise err


def existence_problems(program: Program, catalog: Catalog, search_path: Sequence[str] = ("main",),
                       extra: Sequence[m.Condition | m.Value] = ()) -> list[Diagnostic]:
    """Tables and columns the program (and `extra`) names that the catalog does not hold; a segment or trait
    named like a column of the entity table (the whole-file query would have two columns of that name)."""
    problems: list[Diagnostic] = []

    def table(parts: tuple[str, ...], span: ast.Span) -> dict[str, str] | None:
        columns = find_table(catalog, parts, search_path)
        if columns is None:
            name = ".".join(parts)
            problems.append(Diagnostic(f"table '{name}' not found in the database", span,
                                       suggest(name, [".".join(k) for k in catalog] + [k[1] for k in catalog])))
        return columns

    def column(columns: dict[str, str], name: str, where: str, span: ast.Span, also: Iterable[str] = ()) -> None:
        if name.lower() not in columns:
            problems.append(Diagnostic(f"column '{name}' not found in {where}", span,
                                       suggest(name, [*columns, *also])))

    lookups = {name: table(lookup.table, lookup.table_span or lookup.span) for name, lookup in program.lookups.items()}
    for name, lookup in program.lookups.items():
        columns = lookups[name]
        if columns is not None:
            column(columns, lookup.key, ".".join(lookup.table), lookup.key_span or lookup.span)

    def joins(declaration: m.EntityTable | m.EventTable | m.Lookup, columns: dict[str, str]) -> None:
        """The columns its joins join on, and those it declares json (not the keys inside: rule 17)."""
        for join in declaration.joins:
            column(columns, join.on, ".".join(declaration.table), join.span)
        for name, span in m.declared_json(declaration):
            column(columns, name, ".".join(declaration.table), span)

    def read(node: Attribute | EventColumn, columns: dict[str, str], where: str, also: Iterable[str] = ()) -> None:
        """A column of the declaration's table, or of the last lookup its path reaches; a path into a JSON column
        reads a column its declaration names (checked there)."""
        if node.keys:
            return
        if node.via:
            lookup = program.lookups[node.via[-1]]
            found = lookups.get(lookup.name)
            if found is not None:
                column(found, node.name, ".".join(lookup.table), node.span)
        else:
            column(columns, node.name, where, node.span, also)

    for name, lookup in program.lookups.items():
        if lookups[name] is not None:
            joins(lookup, lookups[name] or {})
    entity = program.entity
    entity_columns = table(entity.table, entity.table_span or entity.span)
    if entity_columns is not None:
        column(entity_columns, entity.key, ".".join(entity.table), entity.key_span or entity.span)
        joins(entity, entity_columns)
        for kind, named in (("segment", program.segments), ("trait", program.traits)):
            for declared in named.values():
                if declared.name.lower() in entity_columns:
                    problems.append(Diagnostic(f"'{declared.name}' is both a {kind} and a column of "
                                               f"{'.'.join(entity.table)}", declared.span, f"rename the {kind}"))
        for node in _nodes_of(program, extra):
            if isinstance(node, Attribute):
                read(node, entity_columns, ".".join(entity.table), [*program.params, *program.traits])
    for event in program.events.values():
        columns = table(event.table, event.table_span or event.span)
        if columns is None:
            continue
        where = ".".join(event.table)
        for name, span in ((event.by, event.by_span), (event.at, event.at_span)):
            column(columns, name, where, span or event.span)
        joins(event, columns)
        for node in _event_nodes(program, event.name, extra):
            read(node, columns, where)
    return problems


def _nodes_of(program: Program, extra: Sequence[m.Condition | m.Value] = ()) -> Iterable[object]:
    return ast.walk((reads.outputs(program), tuple(extra)))


def _event_nodes(program: Program, event: str, extra: Sequence[m.Condition | m.Value]) -> Iterable[EventColumn]:
    """The event columns read through one event set: its filters, aggregated columns and matching."""
    return (column for name, column in reads.event_columns(program, extra) if name == event)
