"""Segment history: who was in each segment on each day, kept in the user's database.

A history table holds one row per member per day:

    as_of    DATE  the day the program was evaluated as of
    <key>          the customer's key, named and typed like the entity's key
    segment  TEXT  the segment's, segmentation's or split's name
    label    TEXT  the segmentation's or split's label; NULL for a segment

A segment gives a row per member; a segmentation a row per customer, since
every customer has exactly one label; a split a row per customer it labels. `materialize` writes one day in one
transaction (delete the day's rows, insert the new ones), so a rerun
replaces that day, other days stay, and a failure leaves the table as it
was. A database without transactions over several statements (Spark)
writes the day itself, in statements that each leave the table whole
(`Target.replace_day`). The rows come from the compiler's whole-file query, wrapped; `diff`
compares two written days with EXCEPT. Each written day's parameters and program hash go into a table
beside the history (runs.py), with the day's rows, so `diff` can say when two days differ in them.

A name without a schema is resolved once, the way the database resolves it (see `_locate`), and every
statement names the table it resolved to: the shape check, the writes and `diff` all meet one table,
never another of that name elsewhere on the search path. A name longer than the engine takes is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlglot import exp

from .. import dialects
from ..compile.compiler import to_tree
from ..dialects import Dialect
from ..errors import error, suggest
from ..frozen import frozen
from ..lang.model import Program
from ..lang.timeline import as_of_day
from . import runs
from .catalog import Catalog, check_against, find_table
from .runner import current_as_of
from .targets import Result, Target

AS_OF, SEGMENT, LABEL = "as_of", "segment", "label"
WIDE = "wide"
CHANGE, ENTERED, LEFT = "change", "entered", "left"
TAKEN = (AS_OF, SEGMENT, LABEL, CHANGE)  # the history's columns and diff's: a key cannot be named so


@frozen
class _Located:
    """A history table: its name qualified as the database resolved it, as shown, and its columns if it exists."""

    name: exp.Table
    shown: str
    columns: dict[str, str] | None


@frozen
class Written:
    """What one materialize wrote: the table, the day, and the rows that day now has."""

    table: str
    as_of: date
    rows: int


def materialize(target: Target, program: Program, table: str, as_of: date | None = None, *,
                after_delete: Callable[[], None] | None = None) -> Written:
    """Write the program's membership for one day into a history table (created when missing).

    Without `as_of` it is the database's current instant (its day is the day
    kept), read once, so every row carries the day the whole evaluation used. `after_delete`
    runs inside the transaction between the delete and the insert: the
    tests inject faults there.
    """
    if not program.segments and not program.segmentations:
        raise error("the file declares no segments or segmentations to materialize")
    key = program.entity.key
    _usable_key(key)
    dialect = dialects.get(target.dialect)
    with target.transaction():
        catalog = target.catalog()
        search_path = target.search_path()
        check_against(program, catalog, search_path)
        located = _locate(target, table, catalog, search_path)
        create_lock = dialect.history_create_lock() if located.columns is None else None
        if create_lock is not None:  # wait for a concurrent first run, then look again
            target.execute(create_lock)
            located = _locate(target, table, target.catalog(), search_path)
        name, existing = located.name, located.columns
        if existing is not None:
            found = _key_column(located.shown, existing)
            if found != key.lower():
                raise error(f"{located.shown} keeps the history of '{found}' keys; this file's customers are keyed "
                            f"by '{key}'", None, "materialize into another table")
        as_of = as_of if as_of is not None else current_as_of(target, program)
        day = as_of_day(as_of)  # an instant's day D is the day kept
        rows = _members(program, dialect, day, as_of)
        on_day = exp.EQ(this=exp.column(AS_OF), expression=dialect.date_literal(day))
        run = runs.of(program)

        def create(table: exp.Table, rows: exp.Select) -> None:
            target.execute(dialect.history_create(table, rows, (runs.PARAMS, runs.PROGRAM)))

        if target.replace_day(name, existing is not None, day, rows, after_delete):  # Spark: no transactions
            runs.record(target, name, catalog, day, run, create)
            return Written(table, day, _rows_on(target, name, on_day))
        if existing is None:
            target.execute(dialect.history_create(name, rows, (SEGMENT, LABEL)))
            index = dialect.history_index(name, AS_OF)
            if index is not None:
                target.execute(index)
        lock = dialect.history_lock(name)
        if lock is not None:
            target.execute(lock)
        target.execute(exp.Delete(this=name.copy(), where=exp.Where(this=on_day.copy())))
        if after_delete is not None:
            after_delete()
        columns = [exp.to_identifier(c) for c in (AS_OF, key, SEGMENT, LABEL)]
        target.execute(exp.Insert(this=exp.Schema(this=name.copy(), expressions=columns), expression=rows))
        runs.record(target, name, catalog, day, run, create)
        count = _rows_on(target, name, on_day)
    return Written(table, day, count)


def _rows_on(target: Target, name: exp.Table, on_day: exp.Expr) -> int:
    return int(target.fetch(exp.select(exp.Count(this=exp.Star())).from_(name.copy()).where(on_day.copy())).rows[0][0])


def diff(target: Target, table: str, from_day: date, to_day: date, segment: str | None = None) -> Result:
    """Who entered and who left each segment (and each segmentation's label) between two written days.

    Rows: segment, label, change ('entered' or 'left'), key; sorted.
    """
    located, key = _check_days(target, table, (from_day, to_day), segment)
    changes = target.fetch(_changes(target, located.name, key, from_day, to_day, segment))
    # sorted here, not by the database: text order depends on a database's collation
    return Result(changes.columns, sorted(changes.rows, key=lambda row: (*_label_order(row[0], row[1]), row[2],
                                                                         row[3] is None, row[3])))


def diff_summary(target: Target, table: str, from_day: date, to_day: date, segment: str | None = None) -> Result:
    """Per segment and label: its size on each day (size_from, size_to), and how many entered and left."""
    located, key = _check_days(target, table, (from_day, to_day), segment)
    sizes: dict[tuple, list[int]] = {}
    dialect = dialects.get(target.dialect)
    days = exp.In(this=exp.column(AS_OF), expressions=[dialect.date_literal(d) for d in (from_day, to_day)])
    counted = (exp.select(*_columns(AS_OF, SEGMENT, LABEL), exp.Count(this=exp.Star())).from_(located.name.copy())
               .where(_only(days, segment)).group_by(*_columns(AS_OF, SEGMENT, LABEL)))
    for day, name, label, count in target.fetch(counted).rows:
        counts = sizes.setdefault((name, label), [0, 0, 0, 0])
        for index, wanted in enumerate((from_day, to_day)):
            if _as_day(day) == wanted:
                counts[index] = int(count)
    changes = _changes(target, located.name, key, from_day, to_day, segment).subquery("changes")
    moved = (exp.select(*_columns(SEGMENT, LABEL, CHANGE), exp.Count(this=exp.Star())).from_(changes)
             .group_by(*_columns(SEGMENT, LABEL, CHANGE)))
    for name, label, change, count in target.fetch(moved).rows:
        sizes[(name, label)][2 if change == ENTERED else 3] = int(count)
    rows = [(name, label, *counts)
            for (name, label), counts in sorted(sizes.items(), key=lambda i: _label_order(*i[0]))]
    return Result((SEGMENT, LABEL, "size_from", "size_to", ENTERED, LEFT), rows)


def setting_notes(target: Target, table: str, from_day: date, to_day: date) -> list[str]:
    """Notes on how two written days' parameters or programs differ (runs.py)."""
    located, _ = _history(target, table)
    return runs.differences(target, located.name, target.catalog(), from_day, to_day)


def days(target: Target, table: str) -> list[date]:
    """The days a history table holds, oldest first."""
    located, _ = _history(target, table)
    return _days(target, located.name)


def _days(target: Target, name: exp.Table) -> list[date]:
    query = (exp.select(exp.column(AS_OF)).distinct().from_(name.copy())
             .order_by(exp.Ordered(this=exp.column(AS_OF), nulls_first=False)))
    return [_as_day(day) for (day,) in target.fetch(query).rows]


def history_name(table: str) -> exp.Table:
    """`schema.table` or `table` as a table node, each part an identifier (never parsed as SQL)."""
    parts = _parts(table)
    *prefix, name = (exp.to_identifier(part) for part in parts)
    return exp.table_(name, db=prefix[-1] if prefix else None, catalog=prefix[-2] if len(prefix) > 1 else None)


def _parts(table: str) -> tuple[str, ...]:
    parts = tuple(table.split("."))
    if not 1 <= len(parts) <= 3 or not all(p.strip() for p in parts):
        raise error(f"'{table}' is not a table name", None, "write TABLE or SCHEMA.TABLE")
    return parts


def _locate(target: Target, table: str, catalog: Catalog, search_path: tuple[str, ...]) -> _Located:
    """The table a name means, resolved once as the database resolves it.

    A qualified name is taken as written. An unqualified one is in the first schema of the search path
    that holds a table of that name, else in the schema where CREATE TABLE would put it (PostgreSQL's
    current_schema()); the name comes back qualified with that schema, spelled as the database spells it.
    """
    dialect = dialects.get(target.dialect)
    parts = _parts(table)
    for part in parts:
        _fits(dialect, part)
    if len(parts) > 1:
        return _Located(history_name(table), table, find_table(catalog, parts))
    schema = next((s for s in search_path if find_table(catalog, (s, table)) is not None), None)
    schema = schema or target.creation_schema()
    if schema is None:
        raise error(f"no schema on the database's search path exists to hold '{table}'", None,
                    "write SCHEMA.TABLE, or create a schema the search_path names")
    name = exp.table_(exp.to_identifier(table), db=exp.to_identifier(schema, quoted=True))
    return _Located(name, f"{schema}.{table}", find_table(catalog, (schema, table)))


def _fits(dialect: Dialect, part: str) -> None:
    """A name the engine keeps as written."""
    over = dialect.name_too_long(part)
    if over is not None:
        raise error(f"'{part}' is too long for a name on {dialect.name} ({over})", None,
                    f"{dialect.name} would not keep it as written: choose a shorter --table")


def _usable_key(key: str) -> None:
    """A history's key column beside its own columns and diff's: never one of their names."""
    if key.lower() in TAKEN:
        raise error(f"the entity key '{key}' has the name of a column of the history or of diff "
                    f"({', '.join(TAKEN)})", None, "read the entity table through a view that renames the key")


def _key_column(table: str, columns: dict[str, str]) -> str:
    """The key column of an existing history table; an error when the table is something else."""
    keys = [c for c in columns if c not in (AS_OF, SEGMENT, LABEL)]
    if len(columns) != 4 or len(keys) != 1:
        raise error(f"{table} is not a segment history table (its columns: {', '.join(columns)})", None,
                    f"a history table has the columns {AS_OF}, KEY, {SEGMENT}, {LABEL}; choose another --table")
    return keys[0]


def _history(target: Target, table: str) -> tuple[_Located, str]:
    """An existing history table and its key column."""
    located = _locate(target, table, target.catalog(), target.search_path())
    if located.columns is None:
        raise error(f"table '{table}' not found in the database", None,
                    "write it first: segdsl materialize FILE --db TARGET --table " + table)
    lowered = _key_column(located.shown, located.columns)
    _usable_key(lowered)
    # catalogs fold names to lower case; a quoted key ("Account Id") needs its own spelling
    spelled = target.fetch(exp.select(exp.Star()).from_(located.name.copy()).limit(0)).columns
    return located, next(name for name in spelled if name.lower() == lowered)


def _check_days(target: Target, table: str, wanted: tuple[date, ...], segment: str | None) -> tuple[_Located, str]:
    """The history table and its key column, once the table and both days (and the segment, if given) are known."""
    located, key = _history(target, table)
    written = _days(target, located.name)
    missing = [d for d in dict.fromkeys(wanted) if d not in written]
    if missing:
        listing = _listing(written)
        raise error(f"{table} holds no rows for {' or '.join(d.isoformat() for d in missing)}", None,
                    f"materialized days: {listing}" if written else "the table is empty: run segdsl materialize")
    if segment is not None:
        dialect = dialects.get(target.dialect)
        on_days = exp.In(this=exp.column(AS_OF), expressions=[dialect.date_literal(d) for d in wanted])
        query = exp.select(exp.column(SEGMENT)).distinct().from_(located.name.copy()).where(on_days)
        names = sorted(name for (name,) in target.fetch(query).rows)
        if segment not in names:
            raise error(f"no segment '{segment}' in {table} on those days", None,
                        suggest(segment, names) or "segments: " + ", ".join(names))
    return located, key


def _listing(written: list[date]) -> str:
    shown = [d.isoformat() for d in written]
    if len(shown) > 10:
        shown = shown[:5] + [f"... ({len(written) - 10} more) ..."] + shown[-5:]
    return ", ".join(shown)


def _members(program: Program, dialect: Dialect, day: date, instant: date | None = None) -> exp.Select:
    """The history rows for one day: the whole-file query, unpivoted to one row per member.

    Built, printed and run in time linear in the segments: the dialect's unpivot is one pass where
    the engine has one, else one flat UNION ALL (never a tree copied at each step)."""
    key = program.entity.key
    members = dialect.unpivot(WIDE, key, list(program.segments), list(program.segmentations), (SEGMENT, LABEL))
    rows = exp.select(exp.alias_(dialect.date_literal(day), AS_OF), *_columns(key, SEGMENT, LABEL)).from_(
        members.subquery("m", copy=False), copy=False)
    splits = [exp.Literal.string(name) for name, s in program.segmentations.items() if s.split is not None]
    if splits:  # a customer a split does not label is no member of it
        unlabelled = exp.and_(exp.column(SEGMENT).isin(*splits), exp.column(LABEL).is_(exp.null()))
        rows = rows.where(exp.not_(unlabelled), copy=False)
    # one evaluation of the whole file, however often the unpivot reads it, where the dialect can say so
    materialized = True if dialect.has_materialized_ctes else None  # False would say NOT MATERIALIZED
    wide = to_tree(program, dialect.name, None, instant or day)
    return rows.with_(WIDE, as_=wide, materialized=materialized, copy=False)


def _changes(target: Target, name: exp.Table, key: str, from_day: date, to_day: date,
             segment: str | None) -> exp.Select | exp.Union:
    dialect = dialects.get(target.dialect)

    def day_rows(day: date) -> exp.Select:
        on_day = exp.EQ(this=exp.column(AS_OF), expression=dialect.date_literal(day))
        return exp.select(*_columns(SEGMENT, LABEL, key)).from_(name.copy()).where(_only(on_day, segment))

    def change(name: str, now: date, before: date) -> exp.Select:
        moved = exp.except_(day_rows(now), day_rows(before)).subquery(name)
        return exp.select(*_columns(SEGMENT, LABEL), exp.alias_(exp.Literal.string(name), CHANGE),
                          exp.column(key)).from_(moved)

    return exp.union(change(ENTERED, to_day, from_day), change(LEFT, from_day, to_day), distinct=False)


def _label_order(segment: str, label: str | None) -> tuple:
    return segment, label is not None, label or ""


def _columns(*names: str) -> list[exp.Column]:
    return [exp.column(name) for name in names]


def _only(condition: exp.Expr, segment: str | None) -> exp.Expr:
    if segment is None:
        return condition
    return exp.and_(condition, exp.EQ(this=exp.column(SEGMENT), expression=exp.Literal.string(segment)))


def _as_day(value: object) -> date:
    """A DATE result as a date (sqlite returns text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
