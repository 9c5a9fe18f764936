"""Computed row columns in the SQL: lookups (rule 16) and JSON values (rule 17).

The compiler reads a lookup's column as a column of the event (or entity) table named `products__category`,
and a JSON value as one named `properties__utm__source` or `properties__price__number` (model.row_name).
Once the statement is built, each read of a declared table whose SELECT names such columns becomes a derived
table: the table's rows, each with the columns of the one lookup row (LEFT JOIN on the key) they need and the
JSON values they read (the dialect's json_value), and nothing else. So a lookup costs one hash join per scan
that reads it, and a JSON path one extraction per row, whatever the number of conditions; scans that read
none of them do not pay for them.

Where the SELECT's WHERE keeps no row whose lookup columns are all missing (`products.category = "books"`,
or an `or` of such tests), the join is an inner one: the rows it drops are dropped anyway, and an engine may
then join the lookups first and probe them with the table (as an analyst's INNER JOIN lets it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field

from sqlglot import exp

from ..dialects.base import Dialect
from ..errors import error
from ..frozen import frozen
from ..lang import ast, reads
from ..lang import model as m
from .tables import table

LookupColumn = m.EventColumn | m.Attribute
ROW = "r"  # the declared table's alias inside the derived table


@frozen
class Joins:
    """What the SQL joins: per declared table the lookups its declarations join (by name: the checker makes
    declarations over one table agree), the lookups, and every computed column read (a lookup's column, a JSON
    value, a column read as text), by its row name, with the declared tables whose rows it is read from."""

    by_table: dict[tuple[str, ...], dict[str, m.Join]]
    lookups: dict[str, m.Lookup]
    columns: dict[str, LookupColumn]
    owners: dict[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)


def _computed(node: object) -> bool:
    return isinstance(node, (m.EventColumn, m.Attribute)) and bool(node.via or node.keys or node.as_kind)


def joins_of(program: m.Program, items: Iterable[object] = ()) -> Joins:
    """The lookups and JSON values a program (and the extra items, values written outside it) reads."""
    by_table: dict[tuple[str, ...], dict[str, m.Join]] = {}
    declarations: list[m.EntityTable | m.EventTable] = [program.entity, *program.events.values()]
    for declaration in declarations:
        for join in declaration.joins:
            by_table.setdefault(declaration.table, {}).setdefault(join.lookup, join)
    items = tuple(items)
    read = (reads.outputs(program), tuple(event.where for event in program.events.values()), items)
    columns = {node.row_name: node for node in ast.walk(read) if _computed(node)}
    return Joins(by_table, program.lookups, columns, _owners(program, items) if columns else {})


def _owners(program: m.Program, items: tuple[object, ...]) -> dict[str, frozenset[tuple[str, ...]]]:
    """Per computed column, the declared tables it is read from: an event column's is its event set's table (in
    a filter, an aggregate or a step's matching), an attribute's the entity's."""
    owners: dict[str, set[tuple[str, ...]]] = {}
    for event, column in reads.event_columns(program, items):
        if _computed(column):
            owners.setdefault(column.row_name, set()).add(program.events[event].table)
    for node in ast.walk((reads.outputs(program), items)):
        if isinstance(node, m.Attribute) and _computed(node):
            owners.setdefault(node.row_name, set()).add(program.entity.table)
    return {name: frozenset(tables) for name, tables in owners.items()}


def join_lookups(statement: exp.Expr, joins: Joins, dialect: Dialect) -> None:
    """Join each read of a declared table in the statement to the lookups its SELECT reads columns of, and
    compute the JSON values it reads."""
    if not joins.columns:
        return
    for node in list(statement.find_all(exp.Table)):
        parts = _parts(node)
        select = node.find_ancestor(exp.Select)
        if select is None:
            continue
        read = _columns_read(select)
        needed = {name: column for name, column in joins.columns.items()
                  if name in read and parts in joins.owners.get(name, ())}
        if needed:
            where = select.args.get("where")
            node.replace(_joined_table(node, joins.by_table.get(parts, {}), joins.lookups, needed, dialect,
                                       where.this if where is not None else None))


def _parts(node: exp.Table) -> tuple[str, ...]:
    return tuple(part for part in (node.catalog, node.db, node.name) if part)


def _columns_read(select: exp.Select) -> set[str]:
    """The names of the columns a SELECT reads; where it projects a star, those its outer SELECT reads too."""
    names = {column.name for column in select.find_all(exp.Column) if not isinstance(column.this, exp.Star)}
    outer = select.parent.find_ancestor(exp.Select) if select.parent is not None else None
    if outer is not None and any(isinstance(e, exp.Star) or isinstance(e.this, exp.Star)
                                 for e in select.expressions):
        names |= _columns_read(outer)
    return names


def _joined_table(node: exp.Table, joined: Mapping[str, m.Join], lookups: Mapping[str, m.Lookup],
                  needed: Mapping[str, LookupColumn], dialect: Dialect, where: exp.Expr | None) -> exp.Subquery:
    """(SELECT r.*, l1.category AS products__category, <the JSON value> AS properties__price__number
    FROM t AS r LEFT JOIN products AS l1 ON ...) AS t."""
    rows = node.copy()
    rows.set("alias", exp.TableAlias(this=exp.to_identifier(ROW)))
    query = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier(ROW)), copy=False).from_(rows, copy=False)
    aliases: dict[tuple[str, ...], str] = {}
    for name, column in sorted(needed.items()):
        owner, joins = ROW, joined
        for depth in range(1, len(column.via) + 1):
            path = column.via[:depth]
            lookup = lookups[path[-1]]
            if path not in aliases:
                aliases[path] = f"l{len(aliases) + 1}"
                on = dialect.equal_keys(exp.column(lookup.key, table=aliases[path]),
                                        exp.column(joins[path[-1]].on, table=owner))
                below = {name for name, column in needed.items() if column.via[:depth] == path}
                kind = "inner" if where is not None and _rejects_missing(where, below) else "left"
                query = query.join(table(lookup.table).as_(aliases[path]), on=on, join_type=kind, copy=False)
            owner, joins = aliases[path], {join.lookup: join for join in lookup.joins}
        value: exp.Expr = exp.column(column.name, table=owner)
        if column.as_kind is not None:
            if dialect.max_json_keys is not None and len(column.keys) > dialect.max_json_keys:
                raise error(f"{dialect.name}: a JSON path reads at most {dialect.max_json_keys} keys deep, and "
                            f"'{column.written}' reads {len(column.keys)}", column.span,
                            "read a shorter path, or compile for another engine")
            value = dialect.json_value(value, column.keys, column.as_kind) if column.keys else dialect.as_text(value)
        query = query.select(exp.alias_(value, name, copy=False), copy=False)
    return query.subquery(node.alias_or_name, copy=False)


_STRICT = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like, exp.In, exp.Between)


def _rejects_missing(condition: exp.Expr, columns: set[str]) -> bool:
    """Whether a condition is never true for a row whose `columns` are all missing: a comparison of one of
    them as it is, an `and` with such a part, an `or` of such parts."""
    if isinstance(condition, exp.Paren):
        return _rejects_missing(condition.this, columns)
    if isinstance(condition, exp.And):
        return _rejects_missing(condition.left, columns) or _rejects_missing(condition.right, columns)
    if isinstance(condition, exp.Or):
        return _rejects_missing(condition.left, columns) and _rejects_missing(condition.right, columns)
    if isinstance(condition, _STRICT):
        return any(_bare_column(side) in columns for side in (condition.this, condition.args.get("expression")))
    return False


def _bare_column(value: exp.Expr | None) -> str | None:
    """The column a value is, through casts and collations (missing when the column is), or None."""
    while isinstance(value, (exp.Cast, exp.Collate, exp.Paren)):
        value = value.this
    return value.name if isinstance(value, exp.Column) else None
