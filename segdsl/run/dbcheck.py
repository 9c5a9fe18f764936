"""A program against a live database: tables and columns exist, and types fit.

`sum`, `avg` and `median` need numbers, a window needs a date or timestamp, `like`
needs text, a comparison needs two sides of one kind, an event's time
column is a date or timestamp and its key joins the entity's key. A type
problem found here is a database error the user would otherwise meet at
run time, without a position. Everything is a function of a Catalog
((schema, table) -> {column: type name}), so any target that can list its
columns plugs in.

Beside the problems, `check --db` notes what the program means on that target where it differs from the
other engines (`notes`): that SQL Server and Redshift ignore trailing spaces when they compare text, and which
of BigQuery's time columns are civil times and which are instants.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlglot import exp

from .. import dialects
from ..compile.tables import table
from ..errors import Diagnostic, SegdslError
from ..frozen import frozen
from ..lang import ast, zones
from ..lang import model as m
from ..lang.model import Attribute, EventColumn, EventTable, LabelOf, Program, span_of
from .catalog import Catalog, existence_problems, find_table
from .targets import Target

_KINDS = (
    ("timestamp", r"timestamp\w*|datetime\w*|smalldatetime"),
    ("date", r"date"),
    ("boolean", r"bool(ean)?"),
    ("number", r"u?(tiny|small|medium|big|huge)?int(eger)?\d*|decimal|numeric|real|float\d*|double|number|money"
               r"|(big|small)?serial\d*"),
    ("string", r"n?(var)?char|character|text|string|bpchar|citext|enum|name"),
)


def kind_of(type_name: str) -> str | None:
    """The language's kind of a database type name, or None when it is none of them (or a list)."""
    lowered = type_name.strip().lower()
    if lowered.endswith("]"):
        return None
    base = re.split(r"[\s(]", lowered, maxsplit=1)[0]
    return next((kind for kind, pattern in _KINDS if re.fullmatch(pattern, base)), None)


def check_database(program: Program, catalog: Catalog, search_path: Sequence[str] = ("main",),
                   found: Sequence[Diagnostic] = ()) -> None:
    """Raise every missing table or column and every type that does not fit, together (with the problems
    `found` in the data)."""
    problems = sorted([*existence_problems(program, catalog, search_path),
                       *type_problems(program, catalog, search_path), *found], key=_where)
    if problems:
        err = SegdslError(problems)
        err.sources.update(program.sources)
        raise err


@frozen
class Checked:
    """A program that checked clean against a database, and the notes on what it means there."""

    program: Program
    notes: tuple[Diagnostic, ...] = ()


def check_target(program: Program, target: str | None, errors: SegdslError | None = None) -> tuple[Diagnostic, ...]:
    """Check a program against a target `segdsl run` accepts (see runner.open_target); the notes. `errors` are
    the program's own errors (`program` being what resolved of it): they get what the database tells about
    them (json_hints)."""
    from .runner import open_target

    with open_target(target, program) as db:
        catalog, search_path, dialect = db.catalog(), db.search_path(), db.dialect
        known = zone_known(db, program.timezone)
        duplicates = duplicate_keys(db, program, catalog, search_path)
    if errors is not None:
        errors.diagnostics = json_hints(errors.diagnostics, program, catalog, search_path)
    if not known:
        err = SegdslError([Diagnostic(f"the database does not know the time zone '{program.timezone}'",
                                      program.timezone_span, "load its zone data, or name the zone as the "
                                      f"database does ({_zone_names(dialect)[2]})")])
        err.sources.update(program.sources)
        raise err
    check_database(program, catalog, search_path, duplicates)
    return notes(program, catalog, dialect, search_path)


def duplicate_keys(db: Target, program: Program, catalog: Catalog, search_path: Sequence[str]) -> list[Diagnostic]:
    """Lookups whose key is on more than one row (a probe per lookup: GROUP BY key HAVING COUNT(*) > 1), each
    with one duplicate named: a join would repeat the rows that reach it (rule 16)."""
    dialect = dialects.get(db.dialect)
    found = []
    for lookup in program.lookups.values():
        columns = find_table(catalog, lookup.table, search_path)
        if columns is None or lookup.key.lower() not in columns:
            continue  # reported as missing
        keys = dialect.key_parts(exp.column(lookup.key))  # told apart as the join tells them
        probe = (exp.select(keys[0].copy()).from_(table(lookup.table))
                 .where(exp.not_(exp.Is(this=exp.column(lookup.key), expression=exp.Null())))
                 .group_by(*keys).having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
                 .limit(1))
        rows = db.fetch(probe).rows
        if rows:
            name = ".".join(lookup.table)
            found.append(Diagnostic(
                f"the key {lookup.key} of lookup '{lookup.name}' is not unique: {rows[0][0]!r} is on more than one "
                f"row of {name}", lookup.key_span or lookup.span,
                "each row that joins it would be repeated: key the lookup by a unique column, or deduplicate "
                f"{name} first"))
    return found


def check_file(path: str, target: str | None, params: Mapping[str, str] | None = None) -> Checked:
    """Load a file and check it against a target; the problems of the program and those the
    database shows in what did resolve of it are reported together."""
    from ..compile.compiler import load_file

    try:
        program = load_file(path, params)
    except SegdslError as exc:
        if exc.partial is None:
            raise
        found: tuple[Diagnostic, ...] = ()
        try:
            check_target(exc.partial, target, exc)
        except SegdslError as database:
            found = database.diagnostics
        raise exc.followed_by(found) from None
    return Checked(program, check_target(program, target))


_JSON_TYPE = re.compile(r"jsonb?|variant|object|super", re.IGNORECASE)


def json_hints(diagnostics: Sequence[Diagnostic], program: Program, catalog: Catalog,
               search_path: Sequence[str] = ("main",)) -> tuple[Diagnostic, ...]:
    """The checker's errors, a path into a column not declared json saying so where the database holds JSON in
    that column (a JSON, JSONB, VARIANT, OBJECT or SUPER column)."""
    declarations: dict[str, m.EntityTable | EventTable | m.Lookup] = {
        program.entity.name: program.entity, **program.events, **program.lookups}
    amended = []
    for diagnostic in diagnostics:
        owner_name, column = diagnostic.undeclared_json or ("", "")
        owner = declarations.get(owner_name)
        if owner is not None:
            type_name = (find_table(catalog, owner.table, search_path) or {}).get(column.lower())
            if type_name is not None and _JSON_TYPE.fullmatch(type_name.split("(")[0].strip()):
                diagnostic = replace(diagnostic, hint=f"{'.'.join(owner.table)}.{column} holds JSON ({type_name}): "
                                                      f"declare it: ... json {column} (at the end of the "
                                                      f"declaration of '{owner.name}')")
        amended.append(diagnostic)
    return tuple(amended)


ZONE_NAMES = ("duckdb", "postgres", "clickhouse", "tsql")
"""Engines whose zone names segdsl can list (pg_timezone_names(), ClickHouse's system.time_zones, SQL Server's
sys.time_zone_info of Windows names); elsewhere a zone's name is not checked."""


def _zone_names(dialect: str) -> tuple[exp.Expr, str, str]:
    """The relation of a ZONE_NAMES engine's zone names, its column of names, and the query that lists them."""
    if dialect == "clickhouse":
        return exp.table_("time_zones", db="system"), "time_zone", "SELECT time_zone FROM system.time_zones"
    if dialect == "tsql":
        return exp.table_("time_zone_info", db="sys"), "name", "SELECT name FROM sys.time_zone_info"
    return exp.Table(this=exp.Anonymous(this="pg_timezone_names")), "name", "SELECT name FROM pg_timezone_names()"


def zone_known(db: Target, zone: str) -> bool:
    """Whether the database knows a named zone, where it can tell (a fixed offset needs no zone data)."""
    if db.dialect not in ZONE_NAMES or zones.is_utc(zone) or zones.fixed_offset_minutes(zone) is not None:
        return True
    name = dialects.get(db.dialect).zone_name(zone)
    if name is None:
        return False
    names, column, _ = _zone_names(db.dialect)
    query = (exp.select(exp.Count(this=exp.Star())).from_(names)
             .where(exp.EQ(this=exp.column(column), expression=exp.Literal.string(name))))
    return bool(db.fetch(query).rows[0][0])


# engines whose every collation ignores trailing spaces when it compares or counts text distinct
PADDED_COMPARISONS = {"tsql": "SQL Server", "redshift": "Redshift"}


def notes(program: Program, catalog: Catalog, dialect: str, search_path: Sequence[str] = ("main",)
          ) -> tuple[Diagnostic, ...]:
    """What a program that checked clean means on this target where the engines differ, in file order:
    - on SQL Server and Redshift, each place it compares text, counts text distinct or finds the most frequent
      text ("pet" = "pet " there);
    - on BigQuery, each event time column that is a civil time (DATETIME: its days are the days written)
      or an instant (TIMESTAMP: its days are UTC days);
    - on Snowflake, each column declared json that holds text: its paths are read from VARIANT or OBJECT
      values (snowflake.py)."""
    found: list[Diagnostic] = []
    engine = PADDED_COMPARISONS.get(dialect)
    if engine is not None:
        hint = (f"{engine} takes 'pet' and 'pet ' for the same value, where the other engines tell them apart "
                "(README, Dialects): store such values trimmed")
        padded = sorted((Diagnostic(f"{engine} ignores trailing spaces when it {what}", span)
                         for span, what in _TextCompared(program, catalog, search_path).run_text()), key=_where)
        found += [replace(d, hint=hint) if at == 0 else d for at, d in enumerate(padded)]  # the hint once
    if dialect == "bigquery":
        found += _time_columns(program, catalog, search_path)
    if dialect == "snowflake":
        found += _text_json_columns(program, catalog, search_path)
    return tuple(sorted(found, key=_where))


def _time_columns(program: Program, catalog: Catalog, search_path: Sequence[str]) -> list[Diagnostic]:
    found = []
    for event in program.events.values():
        type_name = (find_table(catalog, event.table, search_path) or {}).get(event.at.lower())
        base = re.split(r"[\s(]", type_name.strip().lower(), maxsplit=1)[0] if type_name else ""
        table = ".".join(event.table)
        zoned = not zones.is_utc(program.timezone)
        if base == "datetime":
            hint = ("with a timezone, a civil time is a wall-clock time: declare it `local` (rule 9)"
                    if zoned and not event.local else None)
            found.append(Diagnostic(f"{table}.{event.at} is {type_name}, a civil time: its days are the days it "
                                    "holds, in no time zone", event.at_span or event.span, hint))
        elif base == "timestamp":
            days = f"days in {program.timezone}" if zoned else "UTC days"
            found.append(Diagnostic(f"{table}.{event.at} is {type_name}, an instant: its days are {days}",
                                    event.at_span or event.span))
    return found


def _text_json_columns(program: Program, catalog: Catalog, search_path: Sequence[str]) -> list[Diagnostic]:
    found = []
    declarations: list[m.EntityTable | EventTable | m.Lookup] = [
        program.entity, *program.events.values(), *program.lookups.values()]
    for declaration in declarations:
        columns = find_table(catalog, declaration.table, search_path) or {}
        for name, span in m.declared_json(declaration):
            type_name = columns.get(name.lower())
            if type_name is not None and kind_of(type_name) == "string":
                found.append(Diagnostic(
                    f"{'.'.join(declaration.table)}.{name} is {type_name}: Snowflake reads a JSON path in a VARIANT "
                    "or OBJECT column, not in text", span,
                    f"make it VARIANT, or read the table through a view with PARSE_JSON({name}) AS {name}"))
    return found


def type_problems(program: Program, catalog: Catalog, search_path: Sequence[str] = ("main",)) -> list[Diagnostic]:
    return _Types(program, catalog, search_path).run()


_OF_THE_COLUMN_TYPE = ("min", "max", "first", "last", "most_frequent")  # their value is one of the column's
_NAMES = {"number": "a number", "string": "text", "date": "a date", "timestamp": "a timestamp",
          "boolean": "true/false"}
_JSON_KINDS = {"text": ("string", "JSON text"), "number": ("number", "a JSON number"), "date": ("date", "a JSON date"),
               "boolean": ("boolean", "JSON true/false")}


class _Types:
    def __init__(self, program: Program, catalog: Catalog, search_path: Sequence[str]):
        self.program = program
        self.problems: list[Diagnostic] = []
        self.entity = find_table(catalog, program.entity.table, search_path) or {}
        self.tables = {name: find_table(catalog, event.table, search_path) or {}
                       for name, event in program.events.items()}
        self.lookups = {name: find_table(catalog, lookup.table, search_path) or {}
                        for name, lookup in program.lookups.items()}
        self.traits: dict[str, tuple[str | None, str]] = {}  # each trait's kind, its value checked once

    def run(self) -> list[Diagnostic]:
        entity = self.program.entity
        key_type = self.entity.get(entity.key.lower())
        for event in self.program.events.values():
            self._event_declaration(event, key_type)
        declarations: list[tuple[m.EntityTable | EventTable | m.Lookup, dict[str, str]]] = [
            (entity, self.entity), *((e, self.tables[e.name]) for e in self.program.events.values()),
            *((lookup, self.lookups[lookup.name]) for lookup in self.program.lookups.values())]
        for declaration, columns in declarations:
            self._joins(declaration, columns)
            self._json_columns(declaration, columns)
        for name, trait in self.program.traits.items():
            self.value(m.TraitRef(name, span=trait.span), None)
        for segment in self.program.segments.values():
            self.condition(segment.condition, None)
        for segmentation in self.program.segmentations.values():
            for _, condition in segmentation.rules:
                self.condition(condition, None)
        return self.problems

    def _report(self, message: str, span: ast.Span | None, hint: str | None = None) -> None:
        self.problems.append(Diagnostic(message, span, hint))

    def _event_declaration(self, event: EventTable, key_type: str | None) -> None:
        columns = self.tables[event.name]
        table = ".".join(event.table)
        at_type = columns.get(event.at.lower())
        if at_type is not None and event.local and _holds_instants(at_type):
            self._report(f"'local' says {event.at} holds wall-clock times, but {table}.{event.at} is {at_type}: "
                         "instants", event.at_span or event.span,
                         "drop 'local': a timestamp with a zone is an instant, whatever the program's zone")
        if at_type is not None and kind_of(at_type) not in ("date", "timestamp") and not _untyped(at_type):
            self._report(f"the time column {event.at} of {table} is {at_type}, not a date or timestamp",
                         event.at_span or event.span,
                         "windows compare times: point 'at' at a DATE or TIMESTAMP column")
        by_type = columns.get(event.by.lower())
        if by_type is not None and key_type is not None and not _comparable(kind_of(by_type), kind_of(key_type)):
            entity = self.program.entity
            self._report(f"{table}.{event.by} is {by_type} but the key {entity.key} of {'.'.join(entity.table)} is "
                         f"{key_type}: they cannot be matched", event.by_span or event.span)
        if event.where is not None:
            self.condition(event.where, event)

    def _joins(self, declaration: m.EntityTable | EventTable | m.Lookup, columns: dict[str, str]) -> None:
        """A join's column and the lookup's key hold values that can be equal."""
        for join in declaration.joins:
            lookup = self.program.lookups[join.lookup]
            on_type, key_type = columns.get(join.on.lower()), self.lookups[lookup.name].get(lookup.key.lower())
            if on_type is not None and key_type is not None and not _comparable(kind_of(on_type), kind_of(key_type)):
                self._report(f"{'.'.join(declaration.table)}.{join.on} is {on_type} but the key {lookup.key} of "
                             f"lookup '{lookup.name}' is {key_type}: they cannot be matched", join.span)

    def _json_columns(self, declaration: m.EntityTable | EventTable | m.Lookup, columns: dict[str, str]) -> None:
        """A column declared json holds JSON objects: a JSON type, or text; never a number, a date or true/false."""
        for name, span in m.declared_json(declaration):
            type_name = columns.get(name.lower())
            if type_name is not None and kind_of(type_name) not in (None, "string"):
                self._report(f"{name} is declared json, but {'.'.join(declaration.table)}.{name} is {type_name}",
                             span, "a json column holds JSON objects: a JSON, JSONB, VARIANT or SUPER column, or "
                                   "text holding JSON")

    # ---- conditions
    def condition(self, expr: m.Condition, event: EventTable | None) -> None:
        if isinstance(expr, (m.And, m.Or, m.CountOf)):
            for operand in expr.operands:
                self.condition(operand, event)
        elif isinstance(expr, m.Not):
            self.condition(expr.operand, event)
        elif isinstance(expr, m.Compare):
            self._same_kind(expr.left, [expr.right], event, expr.span)
        elif isinstance(expr, m.InList):
            self._same_kind(expr.subject, list(expr.items), event, expr.span)
        elif isinstance(expr, m.Between):
            self._same_kind(expr.subject, [expr.low, expr.high], event, expr.span)
        elif isinstance(expr, m.InWindow):
            kind, type_name = self.value(expr.subject, event)
            if kind is not None and kind not in ("date", "timestamp"):
                self._report(f"a window needs a date or timestamp, but {_show(expr.subject)} is {type_name}",
                             span_of(expr.subject))
        elif isinstance(expr, m.IsNull):
            self.value(expr.subject, event)
        elif isinstance(expr, m.Like):
            kind, type_name = self.value(expr.subject, event)
            if kind is not None and kind != "string":
                self._report(f"like needs text, but {_show(expr.subject)} is {type_name}", span_of(expr.subject))
        elif isinstance(expr, m.Ranked):
            self._rankable(expr.subject, event)
        elif isinstance(expr, m.Exists):
            self.event_set(expr.events)
        elif isinstance(expr, m.Sequence):
            self.event_set(expr.first)
            self.event_set(expr.second)
        elif isinstance(expr, m.Journey):
            self._journey(expr)

    def _journey(self, journey: m.Journey) -> None:
        """Each step's filter, and the columns a step matches on: values that can be equal."""
        self.event_set(journey.first)
        before = journey.first
        for step in journey.steps:
            self.event_set(step.events)
            if step.matching is not None:
                sides = [(before, step.matching.previous), (step.events, step.matching.current)]
                (kind, type_name), (other_kind, other_type) = [
                    self.value(column, self.program.events[events.event.name]) for events, column in sides]
                if kind is not None and other_kind is not None and not _comparable(kind, other_kind):
                    self._report(f"cannot match {before.event.name}.{step.matching.previous.written} ({type_name}) "
                                 f"with {step.events.event.name}.{step.matching.current.written} ({other_type})",
                                 step.matching.span, _compare_hint(kind, other_kind))
            before = step.events

    def event_set(self, events: m.EventSet) -> None:
        if events.where is not None:
            self.condition(events.where, self.program.events[events.event.name])

    def _same_kind(self, subject: m.Value, others: list[m.Value], event: EventTable | None,
                   span: ast.Span) -> None:
        kind, type_name = self.value(subject, event)
        for other in others:
            other_kind, other_type = self.value(other, event)
            if kind is not None and other_kind is not None and not _comparable(kind, other_kind):
                self._report(f"cannot compare {_show(subject)} ({type_name}) with {_show(other)} ({other_type})",
                             span, _compare_hint(kind, other_kind))
                return

    def _rankable(self, expr: m.Value, event: EventTable | None) -> None:
        kind, type_name = self.value(expr, event)
        if kind is not None and kind not in ("number", "date", "timestamp"):
            self._report(f"ranking needs numbers or dates, but {_show(expr)} is {type_name}", span_of(expr))

    # ---- values: (kind, how to name its type) with kind None when unknown
    def value(self, expr: m.Value, event: EventTable | None) -> tuple[str | None, str]:
        if isinstance(expr, m.Constant):
            return expr.kind, _NAMES[expr.kind]
        if isinstance(expr, m.DayOf):
            return self.value(expr.operand, event)
        if isinstance(expr, (Attribute, EventColumn)) and expr.as_kind is not None:
            return _JSON_KINDS[expr.as_kind] if expr.keys else ("string", "text")  # a JSON value: what it is read as
        if isinstance(expr, Attribute):
            return self._column(self._owner(expr, self.entity), expr.name)
        if isinstance(expr, EventColumn):
            return self._column(self._owner(expr, self.tables[event.name]), expr.name) if event is not None \
                else (None, "")
        if isinstance(expr, LabelOf):
            return "string", "a label"
        if isinstance(expr, m.TraitRef):
            if expr.name not in self.traits:
                self.traits[expr.name] = self.value(self.program.traits[expr.name].value, None)
            return self.traits[expr.name]
        if isinstance(expr, m.Arithmetic):
            for operand in expr.operands:
                self._number(operand, event, "arithmetic")
            return "number", "a number"
        if isinstance(expr, m.Negate):
            self._number(expr.operand, event, "'-'")
            return "number", "a number"
        if isinstance(expr, m.Tile):
            self._rankable(expr.operand, event)
            return "number", "a number"
        if isinstance(expr, m.Aggregate):
            return self._aggregate(expr)
        if isinstance(expr, (m.Anniversary, m.YearsSince)):
            name = "anniversary" if isinstance(expr, m.Anniversary) else "years_since"
            kind, type_name = self.value(expr.operand, event)
            if kind is not None and kind not in ("date", "timestamp"):
                self._report(f"{name} needs a date or timestamp, but {_show(expr.operand)} is {type_name}",
                             span_of(expr.operand))
            return ("date", "a date") if isinstance(expr, m.Anniversary) else ("number", "a number")
        if isinstance(expr, (m.ActivePeriods, m.Sessions)):
            self.event_set(expr.events)
            return "number", "a number"
        return None, ""

    def _aggregate(self, expr: m.Aggregate) -> tuple[str | None, str]:
        self.event_set(expr.events)
        if expr.column is None or expr.func == "count":
            return "number", "a number"
        decl = self.program.events[expr.events.event.name]
        kind, type_name = self.value(expr.column, decl)
        if expr.func in ("sum", "avg", "median") and kind is not None and kind != "number":
            column = f"{decl.name}.{expr.column.written}"
            hint = (f"most_frequent({column}) gives its most common value" if expr.func == "median"
                    else "count(...) counts rows of any type")
            self._report(f"{expr.func} needs a number, but {column} is {type_name}", expr.column.span, hint)
            return "number", "a number"
        return (kind, type_name) if expr.func in _OF_THE_COLUMN_TYPE else ("number", "a number")

    def _number(self, expr: m.Value, event: EventTable | None, what: str) -> None:
        kind, type_name = self.value(expr, event)
        if kind is not None and kind != "number":
            self._report(f"{what} needs numbers, but {_show(expr)} is {type_name}", span_of(expr))

    def _owner(self, column: Attribute | EventColumn, columns: dict[str, str]) -> dict[str, str]:
        """The columns of the table that holds a column: the declaration's, or the last lookup's on its path."""
        return self.lookups[column.via[-1]] if column.via else columns

    @staticmethod
    def _column(columns: dict[str, str], name: str) -> tuple[str | None, str]:
        type_name = columns.get(name.lower())
        return (kind_of(type_name), type_name) if type_name is not None else (None, "")


class _TextCompared(_Types):
    """Where a program compares text (=, !=, <, in, between: a side that is text), counts it distinct, or counts
    the events of each text value (most_frequent)."""

    def __init__(self, program: Program, catalog: Catalog, search_path: Sequence[str]):
        super().__init__(program, catalog, search_path)
        self.found: dict[ast.Span | None, str] = {}

    def run_text(self) -> list[tuple[ast.Span | None, str]]:
        self.run()
        return list(self.found.items())

    def _same_kind(self, subject: m.Value, others: list[m.Value], event: EventTable | None,
                   span: ast.Span) -> None:
        if any(self.value(value, event)[0] == "string" for value in (subject, *others)):
            self.found.setdefault(span, "compares text")

    def _aggregate(self, expr: m.Aggregate) -> tuple[str | None, str]:
        counts_values = (expr.func == "count" and expr.distinct) or expr.func == "most_frequent"
        event = self.program.events[expr.events.event.name]
        if counts_values and expr.column is not None and self.value(expr.column, event)[0] == "string":
            self.found.setdefault(expr.span, "counts text distinct" if expr.func == "count"
                                  else "counts the events of each text value")
        return super()._aggregate(expr)


def _untyped(type_name: str) -> bool:
    """A column without a type (DuckDB's NULL: a CSV file without rows): it holds no values, so it fits."""
    return type_name.strip('"').upper() == "NULL"


def _where(diagnostic: Diagnostic) -> tuple:
    span = diagnostic.span
    return (0, span.file, span.start) if span is not None else (1, "", 0)


def _comparable(left: str | None, right: str | None) -> bool:
    if left is None or right is None or left == right:
        return True
    return {left, right} <= {"date", "timestamp"}


def _compare_hint(left: str, right: str) -> str | None:
    if "string" in (left, right) and {left, right} & {"number", "date", "timestamp"}:
        return "write numbers and dates without quotes, and text in quotes"
    if "boolean" in (left, right):
        return "compare a true/false column with true or false"
    return None


def _show(expr: m.Value) -> str:
    if isinstance(expr, m.DayOf):
        return _show(expr.operand)
    if isinstance(expr, (Attribute, EventColumn)):
        return ".".join((*expr.via, expr.name))
    if isinstance(expr, m.TraitRef):
        return expr.name
    if isinstance(expr, m.Constant):
        return repr(expr.value) if isinstance(expr.value, str) else str(expr.value).lower() \
            if isinstance(expr.value, bool) else str(expr.value)
    if isinstance(expr, m.Aggregate):
        events = expr.events.event.name
        column = f"{events}.{expr.column.written}" if expr.column is not None else events
        return f"{expr.func}({column})"
    return "the value"



def _holds_instants(type_name: str) -> bool:
    """A timestamp type with a zone (PostgreSQL's and DuckDB's TIMESTAMPTZ, Snowflake's TIMESTAMP_TZ/LTZ):
    its values are instants, never wall-clock times."""
    lowered = type_name.strip().lower()
    return "with time zone" in lowered or re.fullmatch(r"timestamp_?(tz|ltz)|timestamptz", lowered) is not None
