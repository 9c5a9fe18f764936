"""Syntax tree -> checked Program: names, references, cycles, parameters, types.

Problems are collected and reported together, each at its own span. Rules
decided here (and documented in README.md):
- a bare name as a condition is a segment; as a value it is a parameter, a
  segmentation's label, or else a column of the entity table;
- inside an event set's `where`, names are that table's columns, and a bare
  column is a true/false column (`where is_gift`);
- a window written right after a filter belongs to the event set
  (`orders where is_gift in last 30 days`), unless it follows the event's own
  time column;
- `x between DATE and DATE` is a window (whole days, both included).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TypeVar, cast

from ..errors import Diagnostic, SegdslError, suggest
from ..frozen import frozen
from . import ast, depth, journeys, numbers, output_names, zones
from . import model as m
from .json_filters import json_filters_joined
from .model import (
    Attribute,
    CheckedItem,
    EntityTable,
    EventColumn,
    EventTable,
    Kind,
    LabelOf,
    Param,
    Program,
    Segment,
    Segmentation,
    SegmentRef,
)

T = TypeVar("T")
U = TypeVar("U")

DATE_LIKE = ("date", "timestamp")
MAX_DAYS = 100_000  # the longest window or `within`, in days: far beyond any data, far below date overflow
_UNIT_DAYS: dict[m.Unit, int] = {"day": 1, "week": 7, "month": 31, "year": 366}
_PER_DAY: dict[m.Unit, int] = {"hour": 24, "minute": 24 * 60}
_GAP_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 7 * 1440}
_COUNT_SIDES: dict[str, m.CompareOp] = {"at least": ">=", "at most": "<=", "exactly": "="}
_OF_THE_COLUMN_TYPE = ("min", "max", "first", "last", "most_frequent")  # aggregates whose value is one of the column's


@frozen
class _Context:
    """Where an expression stands: a segment's condition or an event set's filter."""

    event: ast.EventDecl | None = None  # set inside a filter

    @property
    def in_filter(self) -> bool:
        return self.event is not None


class _Failed(Exception):
    """One expression could not be resolved; its diagnostic is already recorded.

    `partial` is the part of a condition that did resolve, a failed part standing as `false`: the
    checks that do not depend on the failed part (cycles, the database) still run over it.
    """

    def __init__(self, partial: m.Condition | None = None):
        super().__init__()
        self.partial = partial


def _partial(failed: _Failed, expr: ast.Expr) -> m.Condition:
    return failed.partial if failed.partial is not None else m.Constant(False, span=expr.span)


def check(module: ast.Module, sources: Mapping[str, str], overrides: Mapping[str, str] | None = None,
          mark_params: bool = False, broken: frozenset[str] = frozenset()) -> Program:
    """Resolve a parsed module into a Program, or raise every problem found.

    With mark_params, a literal that came from a parameter remembers its name. `broken` names the
    declarations that did not parse: they count as declared, and nothing that uses them is checked.
    The error keeps what did resolve (SegdslError.partial).
    """
    return _Checker(module, dict(sources), dict(overrides or {}), mark_params, broken).run()


def check_items(module: ast.Module, sources: Mapping[str, str], overrides: Mapping[str, str] | None,
                items: Mapping[str, ast.Expr]) -> tuple[Program, dict[str, CheckedItem]]:
    """A program, and conditions or values written outside it (profile items, an outcome) resolved against it.

    Each item comes back with its kind: "condition", or the type of its value.
    """
    checker = _Checker(module, dict(sources), dict(overrides or {}))
    program = checker.run()
    resolved: dict[str, CheckedItem] = {}
    for name, expr in items.items():
        try:
            resolved[name] = checker.item(expr)
        except _Failed:
            pass
        else:
            checker._median_problems(resolved[name])
    if checker.problems:
        raise SegdslError(checker.problems)
    return program, resolved


class _Checker:
    def __init__(self, module: ast.Module, sources: dict[str, str], overrides: dict[str, str],
                 mark_params: bool = False, broken: frozenset[str] = frozenset()) -> None:
        self.module = module
        self.broken = broken
        self.mark_params = mark_params
        self.sources = sources
        self.overrides = overrides
        self.problems: list[Diagnostic] = []
        self.names: dict[str, ast.Entity | ast.EventDecl | ast.ParamDecl | ast.SegmentDecl
                                | ast.SegmentationDecl | ast.TraitDecl | ast.SplitDecl | ast.LookupDecl] = {}
        self.entity: ast.Entity | None = None
        self.events: dict[str, ast.EventDecl] = {}
        self.params: dict[str, Param] = {}
        self.segment_decls: dict[str, ast.SegmentDecl] = {}
        self.segmentation_decls: dict[str, ast.SegmentationDecl | ast.SplitDecl] = {}  # splits are segmentations
        self.trait_decls: dict[str, ast.TraitDecl] = {}
        self.traits: dict[str, m.Trait | None] = {}  # resolved, None where its value did not resolve
        self.text_columns: set[tuple[tuple[str, ...], str]] = set()
        self.boolean_columns: set[tuple[tuple[str, ...], str]] = set()
        self.timezone: ast.TimezoneDecl | None = None
        self.event_tables: dict[str, EventTable] = {}  # the checked declarations, once checked
        self.lookup_decls: dict[str, ast.LookupDecl] = {}
        self.lookups: dict[str, m.Lookup] = {}  # the checked lookups, before anything reads them
        self.trait_kinds: dict[str, tuple[Kind, ast.Span]] = {}  # traits of JSON values: what they are used as

    # ---- driver
    def run(self) -> Program:
        self._declare()
        self.problems += output_names.problems(self.names.values(), self.entity)
        self._apply_overrides()
        self.lookups = {name: self._lookup(decl) for name, decl in self.lookup_decls.items()}
        self._check_lookup_cycles()
        entity = self._entity()
        events = {name: self._event_table(decl) for name, decl in self.events.items()}
        self.event_tables = events
        self._joins_agree(entity, events)
        self._resolve_traits()
        traits = {name: trait for name in self.trait_decls if (trait := self.traits.get(name)) is not None}
        segments = {name: Segment(name, d.description, self._condition_or_none(d.condition, _Context()), d.span)
                    for name, d in self.segment_decls.items()}
        segmentations = {name: self._segmentation(d) if isinstance(d, ast.SegmentationDecl) else self._split(d)
                         for name, d in self.segmentation_decls.items()}
        self._typed_traits()
        traits = {name: trait for name in self.trait_decls if (trait := self.traits.get(name)) is not None}
        self._median_problems((tuple(segments.values()), tuple(segmentations.values()),
                               tuple(t.value for t in traits.values())))
        if self._check_cycles(segments, segmentations, traits):
            self.problems += depth.inlined_nesting(segments, segmentations, traits)
        program = None if entity is None else Program(entity, events, self.params, segments, segmentations,
                                                      self.sources, frozenset(self.text_columns),
                                                      self.timezone.zone if self.timezone else zones.UTC,
                                                      self.timezone.zone_span if self.timezone else None, traits,
                                                      self.lookups)
        if self.problems or program is None:
            err = SegdslError(self.problems)
            err.partial = program
            raise err
        return program

    def _report(self, message: str, span: ast.Span | None, hint: str | None = None) -> _Failed:
        self.problems.append(Diagnostic(message, span, hint))
        return _Failed()

    def _unknown(self, name: str, message: str, span: ast.Span | None, hint: str | None = None) -> _Failed:
        """An unknown name; silent when a declaration that did not parse declares it."""
        return _Failed() if name in self.broken else self._report(message, span, hint)

    # ---- declarations
    def _declare(self) -> None:
        for stmt in self.module.statements:
            if isinstance(stmt, ast.Import):
                self._report("imports are resolved when loading a file", stmt.span,
                             "load it with segdsl.load_file or segdsl.load_text")
                continue
            if isinstance(stmt, ast.TimezoneDecl):
                self._timezone(stmt)
                continue
            name = stmt.name
            if name.name in self.names:
                first = self.names[name.name]
                where = _place(first.span, name.span.file)
                self.problems.append(Diagnostic(f"'{name.name}' is declared twice", name.span,
                                                f"first declared at {where}",
                                                ((f"'{name.name}' is first declared here", first.name.span),)))
                continue
            self.names[name.name] = stmt
            if isinstance(stmt, ast.Entity):
                if self.entity is not None:
                    where = _place(self.entity.span, stmt.span.file)
                    self.problems.append(Diagnostic(
                        "a program declares one entity table", stmt.span,
                        f"'{self.entity.name.name}' is declared at {where}",
                        ((f"'{self.entity.name.name}' is declared here", self.entity.span),)))
                else:
                    self.entity = stmt
            elif isinstance(stmt, ast.EventDecl):
                self.events[name.name] = stmt
            elif isinstance(stmt, ast.ParamDecl):
                self.params[name.name] = Param(name.name, stmt.value.value, stmt.span)
            elif isinstance(stmt, ast.SegmentDecl):
                self.segment_decls[name.name] = stmt
            elif isinstance(stmt, ast.TraitDecl):
                self.trait_decls[name.name] = stmt
            elif isinstance(stmt, ast.LookupDecl):
                self.lookup_decls[name.name] = stmt
            else:
                self.segmentation_decls[name.name] = stmt

    def _timezone(self, decl: ast.TimezoneDecl) -> None:
        """The program's zone: a known one, and one only (files that import each other agree)."""
        try:
            zones.zone(decl.zone)
        except zones.BadZone as exc:
            self._report(exc.args[0], decl.zone_span, exc.args[1])
            return
        first = self.timezone
        if first is None:
            self.timezone = decl
        elif first.zone != decl.zone:
            where = _place(first.span, decl.span.file)
            self.problems.append(Diagnostic(
                f"the time zone '{decl.zone}' differs from '{first.zone}'", decl.zone_span,
                f"files that import each other share one calendar: '{first.zone}' is declared at {where}",
                ((f"'{first.zone}' is declared here", first.zone_span),)))

    def _apply_overrides(self) -> None:
        for name, text in self.overrides.items():
            param = self.params.get(name)
            if param is None:
                hint = suggest(name, self.params) or ("the file declares no parameters" if not self.params
                                                      else "declared: " + ", ".join(self.params))
                self._unknown(name, f"unknown parameter '{name}'", None, hint)
                continue
            try:
                value = parse_param_value(text, param.value)
            except ValueError as exc:
                self._report(f"bad value for parameter '{name}': {exc}", param.span)
                continue
            self.params[name] = replace(param, value=value)

    def _entity(self) -> EntityTable | None:
        if self.entity is None:
            if self.broken:  # it may be one of them
                return None
            file = self.module.file
            self._report("no entity table declared", ast.Span(file, 1, 1, 1, 2, 0, 1),
                         "start the file with e.g.: customers from shop.customers key customer_id"
                         " (or import the file that declares it)")
            return None
        e = self.entity
        return EntityTable(e.name.name, tuple(n.name for n in e.table), e.key.name, e.span, _joined(e.table),
                           e.key.span, self._joins(e.joins, e.name.name), _json_names(e.json),
                           tuple(name.span for name in e.json))

    # ---- lookups (rule 16)
    def _lookup(self, decl: ast.LookupDecl) -> m.Lookup:
        return m.Lookup(decl.name.name, tuple(n.name for n in decl.table), decl.key.name, decl.span,
                        self._joins(decl.joins, decl.name.name), _joined(decl.table), decl.key.span,
                        _json_names(decl.json), tuple(name.span for name in decl.json))

    def _joins(self, joins: tuple[ast.Join, ...], owner: str) -> tuple[m.Join, ...]:
        """A declaration's joins: each a declared lookup, each once."""
        checked: dict[str, m.Join] = {}
        for join in joins:
            name = join.lookup.name
            if name not in self.lookup_decls:
                what = "an event set" if name in self.events else "an entity" if self.entity and \
                    self.entity.name.name == name else None
                self._unknown(name, f"'{name}' is {what}, not a lookup" if what else f"unknown lookup '{name}'",
                              join.lookup.span, suggest(name, self.lookup_decls)
                              or "declare it: lookup NAME from TABLE key COLUMN")
            elif name in checked:
                self.problems.append(Diagnostic(
                    f"'{owner}' joins lookup '{name}' twice", join.lookup.span,
                    "a row sees one row of each lookup: declare a second lookup on the same table for another role",
                    ((f"'{name}' is first joined here", checked[name].span),)))
            else:
                checked[name] = m.Join(name, join.on.name, join.span)
        return tuple(checked.values())

    def _joins_agree(self, entity: EntityTable | None, events: Mapping[str, EventTable]) -> None:
        """Declarations over one table join a lookup on one column: a row sees one row of each lookup."""
        first: dict[tuple[tuple[str, ...], str], tuple[str, m.Join]] = {}
        declarations: list[EntityTable | EventTable] = [*([entity] if entity else []), *events.values()]
        for declaration in declarations:
            for join in declaration.joins:
                owner, seen = first.setdefault((declaration.table, join.lookup), (declaration.name, join))
                if seen.on != join.on:
                    self._report(f"'{declaration.name}' joins lookup '{join.lookup}' on {join.on}, but '{owner}' "
                                 f"reads the same table and joins it on {seen.on}", join.span,
                                 f"declare a second lookup over {'.'.join(self.lookups[join.lookup].table)} "
                                 "for the other role")

    def _check_lookup_cycles(self) -> None:
        """A lookup that reaches itself through its joins would join without end."""
        reported: set[frozenset[str]] = set()
        for name, lookup in self.lookups.items():
            for join in lookup.joins:
                reached = self.lookups.get(join.lookup)
                back = join.lookup == name or (reached is not None and any(j.lookup == name for j in reached.joins))
                if back and frozenset((name, join.lookup)) not in reported:
                    reported.add(frozenset((name, join.lookup)))
                    cycle = " -> ".join((name, join.lookup) + ((name,) if join.lookup != name else ()))
                    self._report(f"lookup cycle: {cycle}", join.span,
                                 "a lookup joins things it describes (products to brands), never back")

    def _through(self, parts: tuple[ast.Name, ...], joins: tuple[ast.Join, ...], owner: str) -> tuple[str, ...]:
        """The lookups a path passes through (all its names but the last), each joined by the one before
        (the first by `owner`, whose joins are `joins`): at most two, products then brands."""
        *via, column = parts
        if len(via) > 2:
            raise self._report("a path reaches at most two lookups deep (a lookup's own joins go one level "
                               "further)", _path_span(parts),
                               "join the lookup you need on the declaration itself")
        joined = {j.lookup.name: j for j in joins}
        for step in via:
            if step.name not in joined:
                raise self._report(*self._not_joined(step, owner, joined))
            if step.name not in self.lookup_decls:  # the join's own problem is reported
                raise _Failed()
            joined, owner = {j.lookup.name: j for j in self.lookup_decls[step.name].joins}, step.name
        self._not_a_lookup(column, tuple(joined.values()), ".".join(p.name for p in parts))
        return tuple(step.name for step in via)

    def _not_joined(self, name: ast.Name, owner: str, joined: Mapping[str, object]) -> tuple[str, ast.Span, str]:
        if name.name in self.lookup_decls:
            return (f"'{owner}' does not join lookup '{name.name}'", name.span,
                    f"add to the declaration of '{owner}': with {name.name} on COLUMN")
        if not joined:
            return (f"'{owner}' joins no lookups, so '{name.name}' names nothing here", name.span,
                    "declare one: lookup NAME from TABLE key COLUMN, and join it: with NAME on COLUMN")
        return (f"'{owner}' joins no lookup '{name.name}'", name.span,
                suggest(name.name, joined) or "joined: " + ", ".join(joined))

    # ---- JSON properties (rule 17)
    def _json_path(self, parts: tuple[ast.Name, ...], decl: ast.EventDecl | ast.Entity
                   ) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
        """A path read from a declaration's rows: the lookups it passes through, its column, and the keys inside
        that column where the column (of the declaration, or of the lookup reached) is declared `json`."""
        owner: ast.EventDecl | ast.Entity | ast.LookupDecl = decl
        for index, part in enumerate(parts[:-1]):
            if part.name in _json_names(owner.json):
                via = self._through(parts[:index + 1], decl.joins, decl.name.name)
                for key in parts[index + 1:]:
                    if any(char in key.name for char in "\"'\\") or not key.name.isprintable():
                        raise self._report("a JSON key cannot hold quotes or backslashes (nor control characters)",
                                           key.span, "segdsl reads keys of letters, digits, spaces, dots and "
                                           "other printable characters: write them in backticks")
                keys = tuple(key.name for key in parts[index + 1:])
                return via, part.name, keys
            joined = {join.lookup.name for join in owner.joins}
            if part.name in joined and part.name in self.lookup_decls:
                owner = self.lookup_decls[part.name]
                continue
            if part.name not in self.lookup_decls:
                message, span, hint = self._neither(part, owner)
                self.problems.append(Diagnostic(message, span, hint, undeclared_json=(owner.name.name, part.name)))
                raise _Failed()
            break
        via = self._through(parts, decl.joins, decl.name.name)
        return via, parts[-1].name, ()

    def _neither(self, name: ast.Name, owner: ast.EventDecl | ast.Entity | ast.LookupDecl
                 ) -> tuple[str, ast.Span, str]:
        """A path's name that is no lookup the owner joins and no JSON column it declares: the nearest lookup it
        joins, else how to declare the column JSON."""
        joined = [join.lookup.name for join in owner.joins]
        declare = f"declare it: ... json {name.name} (at the end of the declaration of '{owner.name.name}')"
        if not joined:
            return (f"'{name.name}' is not declared a JSON column of '{owner.name.name}': a path reads into a "
                    "column declared json, or through a lookup it joins", name.span, declare)
        return (f"'{owner.name.name}' joins no lookup '{name.name}', nor declares it a JSON column", name.span,
                suggest(name.name, joined) or f"joined: {', '.join(joined)}; or {declare}")

    def _typed(self, value: m.Value, kind: Kind) -> m.Value:
        """A value the program uses as a `kind` (compares with one, computes with one): a JSON value in it is
        read as that (text unless a number, date or true/false); a trait standing for one is read so everywhere."""
        as_kind: m.JsonKind | None = _JSON_KINDS.get(kind)
        if as_kind is None:
            return value
        if isinstance(value, (EventColumn, Attribute)) and value.keys:
            return replace(value, as_kind=as_kind)
        if isinstance(value, m.Aggregate) and value.func in _OF_THE_COLUMN_TYPE and value.column is not None \
                and value.column.keys:
            return replace(value, column=replace(value.column, as_kind=as_kind))
        if isinstance(value, m.TraitRef):
            seen: set[str] = set()
            name = value.name
            while (trait := self.traits.get(name)) is not None and isinstance(trait.value, m.TraitRef) \
                    and name not in seen:
                seen.add(name)
                name = trait.value.name
            trait = self.traits.get(name)
            if trait is not None and _json_read(trait.value):
                first = self.trait_kinds.setdefault(name, (kind, value.span))
                if _JSON_KINDS[first[0]] != as_kind:
                    raise self._report(f"trait '{name}' reads a JSON value, used here as {_a(kind)} and elsewhere "
                                       f"as {_a(first[0])}", value.span,
                                       "declare a trait for each use, or compare it with one type")
        return value

    def _typed_traits(self) -> None:
        """Each trait that reads a JSON value, read as what the program uses it as (rule 17)."""
        for name, (kind, _) in self.trait_kinds.items():
            trait = self.traits.get(name)
            if trait is not None:
                self.traits[name] = replace(trait, value=self._typed(trait.value, kind),
                                            kind=kind if trait.kind == "unknown" else trait.kind)

    def _event_table(self, decl: ast.EventDecl) -> EventTable:
        where = self._condition_or_none(decl.where, _Context(decl)) if decl.where is not None else None
        if decl.local and decl.time_type == "date":
            self._report("'local' is for timestamp columns: a date column holds days as they are", decl.at.span,
                         f"drop 'local', or declare: at {decl.at.name} timestamp local")
        return EventTable(decl.name.name, tuple(n.name for n in decl.table), decl.by.name, decl.at.name,
                          _time_kind(decl.time_type), where, decl.span, _joined(decl.table), decl.by.span,
                          decl.at.span, decl.local, self._joins(decl.joins, decl.name.name), _json_names(decl.json),
                          tuple(name.span for name in decl.json))

    def _resolve_traits(self) -> None:
        """Every trait, each after the traits its value names (so none waits on another); a trait in a cycle
        is resolved with the others' types unknown, and the cycle reported with those of segments."""
        def named(name: str) -> list[str]:
            decl = self.trait_decls[name]
            return [node.name for node in ast.walk(decl.value)
                    if isinstance(node, ast.Name) and node.name in self.trait_decls]
        for name in depth.dependencies_first(list(self.trait_decls), named):
            decl = self.trait_decls[name]
            try:
                value, kind = self.value(decl.value, _Context())
            except _Failed:
                self.traits[name] = None
                continue
            self.traits[name] = m.Trait(name, decl.description, value, kind, decl.span)

    def _segmentation(self, decl: ast.SegmentationDecl) -> Segmentation:
        rules = tuple((_label(rule.label), self._condition_or_none(rule.condition, _Context()))
                      for rule in decl.rules)
        return Segmentation(decl.name.name, decl.description, rules, _label(decl.otherwise), decl.span)

    def _split(self, decl: ast.SplitDecl) -> Segmentation:
        """A split as a segmentation (rule 18): a label where the customer is a member of its segment and its
        bucket lies below the end of the label's range; each share a whole number of the 10,000 buckets, all
        together at most 100%."""
        of = None
        if decl.of is not None and decl.of.name in self.segment_decls:
            of = SegmentRef(decl.of.name, span=decl.of.span)
        elif decl.of is not None:
            self._unknown(decl.of.name, f"unknown segment '{decl.of.name}'", decl.of.span,
                          suggest(decl.of.name, self.segment_decls) or "a split divides the members of a segment")
        salt = str(decl.salt.value)
        rules: list[tuple[str, m.Condition]] = []
        buckets: list[tuple[str, int]] = []
        first: dict[str, ast.Share] = {}
        end = 0
        for share in decl.shares:
            label, percent = _label(share.label), _percent(share)
            if label in first:
                self.problems.append(Diagnostic(f"split '{decl.name.name}' has the label \"{label}\" twice",
                                                share.label.span, "give each label one share",
                                                (("first given here", first[label].label.span),)))
            first.setdefault(label, share)
            count = percent * m.SPLIT_BUCKETS / 100
            if count != int(count):
                self._report(f"{share.percent.value}% is not a whole number of buckets", share.percent.span,
                             f"a split has {m.SPLIT_BUCKETS:,} buckets, so a share is a multiple of 0.01%")
            if end <= m.SPLIT_BUCKETS < end + int(count):
                total = sum(map(_percent, decl.shares))
                self._report(f"the shares of split '{decl.name.name}' add up to {total}%, more than 100%",
                             share.percent.span, "customers in no share have no label: the shares may leave some out")
            end += int(count)
            bucket = m.Bucket(decl.name.name, salt, span=decl.salt.span)
            test = m.Compare("<", bucket, m.Constant(end, span=share.percent.span), span=share.span)
            rules.append((label, m.And((of, test), span=share.span) if of is not None else test))
            buckets.append((label, int(count)))
        return Segmentation(decl.name.name, decl.description, tuple(rules), None, decl.span,
                            m.SplitShares(salt, of.name if of is not None else None, tuple(buckets)))

    def _condition_or_none(self, expr: ast.Expr, ctx: _Context) -> m.Condition:
        try:
            return self.condition(expr, ctx)
        except _Failed as failed:
            return _partial(failed, expr)

    # ---- conditions
    def condition(self, expr: ast.Expr, ctx: _Context) -> m.Condition:
        if isinstance(expr, ast.And) and not ctx.in_filter:
            expr = json_filters_joined(expr, self.events, self.entity)
            if len(expr.operands) == 1:
                return self.condition(expr.operands[0], ctx)
        if isinstance(expr, (ast.And, ast.Or)):
            operands, failed = self._operands(expr.operands, ctx)
            chain = (m.And if isinstance(expr, ast.And) else m.Or)(operands, span=expr.span)
            if failed:
                raise _Failed(chain)
            return chain
        if isinstance(expr, ast.CountOf):
            return self._count_of(expr, ctx)
        if isinstance(expr, ast.Not):
            try:
                return m.Not(self.condition(expr.operand, ctx), span=expr.span)
            except _Failed as exc:
                raise _Failed(m.Not(_partial(exc, expr.operand), span=expr.span)) from None
        if isinstance(expr, ast.Bare):
            return self._bare(expr.value, ctx)
        if isinstance(expr, ast.Compare):
            (left, lt), (right, rt) = self._both(lambda: self.value(expr.left, ctx),
                                                 lambda: self.value(expr.right, ctx))
            if not _comparable(lt, rt):
                raise self._report(f"cannot compare {_a(lt)} with {_a(rt)}", expr.span)
            left, right = self._typed(left, rt), self._typed(right, lt)
            if "string" in (lt, rt):
                self._text(left if rt == "string" else right, ctx)
            if "boolean" in (lt, rt):
                self._true_false(left if rt == "boolean" else right, ctx)
            if expr.op in ("=", "!="):
                self._known_label(left, expr.right)
                self._known_label(right, expr.left)
            if _is_date(right) and not _is_date(left):  # a date constant compares whole days
                left = m.DayOf(left, self._time_column(left, ctx), span=expr.left.span)
            elif _is_date(left) and not _is_date(right):
                right = m.DayOf(right, self._time_column(right, ctx), span=expr.right.span)
            return m.Compare(cast(m.CompareOp, expr.op), left, right, span=expr.span)
        if isinstance(expr, ast.InList):
            subject, _ = self.value(expr.subject, ctx)
            items = tuple(self._constant(item, ctx, "a list item") for item in expr.items)
            kinds = {item.kind for item in items}
            subject = self._typed(subject, "string" if "string" in kinds or len(kinds) != 1 else kinds.pop())
            if any(item.kind == "string" for item in items):
                self._text(subject, ctx)
            for written in expr.items:
                self._known_label(subject, written)
            if any(_is_date(item) for item in items):  # as with `=`, a date constant compares whole days
                subject = m.DayOf(subject, self._time_column(subject, ctx), span=expr.subject.span)
            return m.InList(subject, items, expr.negated, span=expr.span)
        if isinstance(expr, ast.Between):
            subject, stype = self.value(expr.subject, ctx)
            low, low_kind = self.value(expr.low, ctx)
            high, high_kind = self.value(expr.high, ctx)
            bound_kind = low_kind if low_kind != "unknown" else high_kind
            subject = self._typed(subject, bound_kind)
            low, high = self._typed(low, stype if stype != "unknown" else bound_kind), self._typed(high, bound_kind)
            if isinstance(low, m.Constant) and isinstance(high, m.Constant) and isinstance(low.value, date) \
                    and isinstance(high.value, date):
                self._require_date_like(stype, expr.subject)
                window = m.DateRange(m.Bound(low.value, low.param, span=low.span),
                                     m.Bound(high.value, high.param, span=high.span), span=expr.span)
                return m.InWindow(subject, window, self._time_column(subject, ctx), span=expr.span)
            return m.Between(subject, low, high, span=expr.span)
        if isinstance(expr, ast.InWindow):
            subject, stype = self.value(expr.subject, ctx)
            if isinstance(expr.window, ast.Next) and stype not in (*DATE_LIKE, "unknown"):
                raise self._report(f"'in next' needs a date or timestamp, not {_a(stype)}", expr.subject.span,
                                   "only dates lie in the future, e.g. contract_end in next 30 days")
            self._require_date_like(stype, expr.subject)
            subject = self._typed(subject, "date")
            checked_window = self.window(expr.window, ctx)
            if stype == "date" and _clock_window(checked_window):
                raise self._report("hours and minutes need a timestamp: this is a date", expr.span,
                                   "a date holds whole days: count days instead, e.g. in last 1 day")
            return m.InWindow(subject, checked_window, self._time_column(subject, ctx), span=expr.span)
        if isinstance(expr, ast.IsNull):
            subject, _ = self.value(expr.subject, ctx)
            return m.IsNull(subject, expr.negated, span=expr.span)
        if isinstance(expr, ast.Like):
            subject, _ = self.value(expr.subject, ctx)
            constant = self._constant(expr.pattern, ctx, "a like pattern")
            if not isinstance(constant.value, str):
                raise self._report("like needs a string pattern", expr.pattern.span,
                                   self._given(expr.pattern) or 'e.g. email like "%@example.com"')
            self._text(subject, ctx)
            pattern = m.Pattern(constant.value, constant.param, span=constant.span)
            return m.Like(subject, pattern, expr.negated, span=expr.span)
        if isinstance(expr, ast.Ranked):
            self._segment_only(expr, ctx, "a ranking")
            subject, stype = self.value(expr.subject, ctx)
            self._require_rankable(stype, expr.subject, subject)
            subject = self._typed(subject, "number" if stype == "unknown" else stype)
            constant = self._constant(expr.percent, ctx, "a percentage")
            if not numbers.is_percentage(constant.value):
                raise self._report(numbers.PERCENTAGE, expr.percent.span, self._given(expr.percent))
            percent = m.Percent(constant.value, constant.param, span=constant.span)
            return m.Ranked(subject, expr.top, percent, span=expr.span)
        if isinstance(expr, ast.Exists):
            self._segment_only(expr, ctx, "'has' and 'no'")
            return m.Exists(self.event_set(expr.events), expr.negated, span=expr.span)
        if isinstance(expr, ast.Sequence):
            self._segment_only(expr, ctx, "a sequence")
            return self._sequence(expr, ctx)
        raise self._report("expected a condition here", expr.span)

    def _sequence(self, expr: ast.Sequence, ctx: _Context) -> m.Sequence | m.Journey:
        """`A then B within N ...` (rules 6 and 15): two plain steps are a Sequence, more or `matching` a Journey."""
        for step in expr.steps[:-1]:
            if step.negated:
                raise self._report("only the last step of a sequence may be 'then no'", step.span,
                                   "nothing can follow a step that did not happen: move it last")
        first = self.event_set(expr.first)
        sets = [first]
        steps = []
        for step in expr.steps:
            sets.append(self.event_set(step.events))
            steps.append(self._step(step, sets[-2], sets[-1], ctx))
        if len(steps) == 1 and steps[0].matching is None:
            only = steps[0]
            return m.Sequence(first, only.events, only.within, expr.steps[0].negated, only.within_minutes,
                              span=expr.span)
        journey = m.Journey(first, tuple(steps), expr.steps[-1].negated, span=expr.span)
        self._distinct_rows(journey)
        return journey

    def _distinct_rows(self, journey: m.Journey) -> None:
        """Steps over one table are different rows (rule 15): refuse what the SQL cannot tell apart, namely one
        table read with two keys or time columns."""
        sets = journeys.step_sets(journey)
        for i, one in enumerate(sets):
            for j in range(i + 1, len(sets)):
                other = sets[j]
                first, second = self.event_tables[one.event.name], self.event_tables[other.event.name]
                if first.table != second.table:
                    continue
                if not journeys.read_alike(first, second):
                    raise self._report(f"steps {i + 1} and {j + 1} read '{'.'.join(first.table)}' with different "
                                       "key or time columns", other.span,
                                       "declare one event set over the table and filter it in each step")
        self._days_in_order(journey)

    def _days_in_order(self, journey: m.Journey) -> None:
        """Steps apart that may be one row, in a journey mixing dates and timestamps, are placed by the day of
        each row in the program's zone (compile/journey_paths.py): refused in a zone where a later instant can
        be on an earlier day (its clocks go back across a midnight), or, with both wall-clock and UTC times,
        where a midnight is skipped (an engine may place a wall time that never was on the day before)."""
        name = self.timezone.zone if self.timezone is not None else zones.UTC
        if zones.is_utc(name) or not journeys.apart_steps_may_share(self.event_tables, journey):
            return
        tables = [self.event_tables[events.event.name] for events in journeys.step_sets(journey)]
        kinds = {(table.time_type, table.local) for table in tables}
        utc, wall = (("timestamp", False) in kinds), (("timestamp", True) in kinds)
        if len(kinds) < 2 or not utc or not (zones.goes_back_a_day(name) or (wall and zones.skips_a_midnight(name))):
            return
        raise self._report(f"this journey places its steps by day, and in '{name}' a later time can be on an "
                           "earlier day", journey.span,
                           "tell its steps over one table apart in their filters, or read its times as UTC")

    def _step(self, step: ast.Step, previous: m.EventSet, events: m.EventSet, ctx: _Context) -> m.Step:
        """A step after a sequence's first: its span in days (weeks counted in days) or minutes, its matching."""
        unit = _unit(step.unit)
        within = self._amount(step.within, ctx, unit)
        matching = self._matching(step.matching, previous, events) if step.matching is not None else None
        if unit in m.CLOCK_UNITS:
            for side in (previous, events):
                self._clock_on_timestamps(side.event.name, step.span, f"within {within.value} {unit}s")
            minutes = within.value * (60 if unit == "hour" else 1)
            return m.Step(events, replace(within, value=minutes), True, matching, span=step.span)
        if unit not in ("day", "week"):
            raise self._report("'within' counts days, weeks, hours or minutes", step.span,
                               f"e.g. within {within.value * 30} days")
        if unit == "week":
            within = replace(within, value=within.value * 7)
        return m.Step(events, within, False, matching, span=step.span)

    def _matching(self, matching: ast.Matching, previous: m.EventSet, events: m.EventSet) -> m.Matching:
        """`matching COL` or `matching a.col = b.col`: a column of the previous step's events, and of this one's."""
        if matching.current is None:  # the same column (or lookup's column) on both steps
            path = matching.previous
            if len(path) > 1 and path[0].name in self.events:
                raise self._report(f"'{path[0].name}' is an event set: matching COLUMN names a column of both steps",
                                   _path_span(path), f"e.g. matching {path[-1].name}, or matching "
                                   f"{previous.event.name}.{path[-1].name} = {events.event.name}.{path[-1].name}")
            if previous.event.name == events.event.name:
                column = self._column(path, self.events[events.event.name])
                return m.Matching(column, column, span=matching.span)
            first, second = self._both(lambda: self._column(path, self.events[previous.event.name]),
                                       lambda: self._column(path, self.events[events.event.name]))
            return _matched(first, second, matching.span)
        sides = []
        for path, step in ((matching.previous, previous), (matching.current, events)):
            if len(path) < 2 or path[0].name != step.event.name:
                role = "the previous step's" if step is previous else "this step's"
                raise self._report(f"expected {role} event set and a column here, e.g. {step.event.name}.COLUMN",
                                   _path_span(path), "matching PREVIOUS.COLUMN = THIS.COLUMN, in step order")
            sides.append(self._column(path[1:], self.events[step.event.name]))
        return _matched(sides[0], sides[1], matching.span)

    def _text(self, value: m.Value, ctx: _Context) -> None:
        """Remember an event column that holds text (compared with a string somewhere in the program).

        MySQL orders and deduplicates text by the column's collation, which may ignore case;
        the SQL generator orders the columns known to hold text by their bytes there."""
        column = self._event_column(value, ctx)
        if column is not None:
            self.text_columns.add(column)

    def _true_false(self, value: m.Value, ctx: _Context) -> None:
        """Remember an event column that holds true/false (compared with true or false somewhere): no median."""
        column = self._event_column(value, ctx)
        if column is not None:
            self.boolean_columns.add(column)

    def _event_column(self, value: m.Value, ctx: _Context) -> tuple[tuple[str, ...], str] | None:
        """The (event table, column) a value reads as it is: an event column in a filter, or an aggregate's (a
        trait's value's)."""
        value = self._trait_value(value)
        if isinstance(value, EventColumn) and ctx.event is not None:
            return tuple(part.name for part in ctx.event.table), value.row_name
        if isinstance(value, m.Aggregate) and value.column is not None:
            decl = self.events[value.events.event.name]
            return tuple(part.name for part in decl.table), value.column.row_name
        return None

    def _median_problems(self, checked: object) -> None:
        """A median of a column the program shows holds text or true/false is an error at the column: the
        checker reads that only from the whole program (a comparison may come after the median)."""
        for node in ast.walk(checked):
            if not isinstance(node, m.Aggregate) or node.func != "median" or node.column is None:
                continue
            decl = self.events[node.events.event.name]
            column = (tuple(part.name for part in decl.table), node.column.row_name)
            shown = "text" if column in self.text_columns else "true/false" if column in self.boolean_columns else None
            if shown is not None:
                what = "a string or a pattern" if shown == "text" else "true or false"
                written = f"{decl.name.name}.{node.column.written}"
                self._report(f"median needs numbers, but {written} holds {shown} (the program compares it with "
                             f"{what})", node.column.span, f"most_frequent({written}) gives its most common value")

    def _bare(self, value: ast.Expr, ctx: _Context) -> m.Condition:
        if isinstance(value, ast.Paren):
            return self.condition(value.inner, ctx)
        if isinstance(value, ast.Literal) and value.kind == "boolean":
            return m.Constant(value.value, span=value.span)
        if isinstance(value, ast.Path):  # a true/false column of a lookup, or a JSON value read as true/false
            column, _ = self._path_value(value, ctx)
            column = self._typed(column, "boolean")
            self._true_false(column, ctx)
            return m.Compare("=", column, m.Constant(True, span=value.span), span=value.span)
        if not isinstance(value, ast.Name):
            raise self._report("expected a condition here, not a value", value.span,
                               "compare it, e.g. count(orders) > 0")
        name = value.name
        if ctx.in_filter:
            if name in self.params and isinstance(self.params[name].value, bool):
                return self._param_literal(name, value.span)
            column = EventColumn(name, span=value.span)
            self._true_false(column, ctx)
            return m.Compare("=", column, m.Constant(True, span=value.span), span=value.span)
        if name in self.segment_decls:
            return SegmentRef(name, span=value.span)
        if name in self.events:
            raise self._report(f"'{name}' is an event set, not a condition", value.span,
                               f"write 'has {name}' or 'no {name}'")
        if name in self.params and isinstance(self.params[name].value, bool):
            return self._param_literal(name, value.span)
        if name in self.trait_decls:
            trait = self.traits.get(name)
            example = f"{name} = true" if trait is not None and trait.kind == "boolean" else f"{name} > 0"
            raise self._report(f"'{name}' is a trait, a value: compare it", value.span, f"e.g. {example}")
        if name in self.segmentation_decls:
            decl = self.segmentation_decls[name]
            raise self._report(f"'{name}' is a {_kind(decl)}; compare its label", value.span,
                               f'e.g. {name} = "{_labels(decl)[0]}"')
        raise self._unknown(name, f"unknown segment '{name}'", value.span,
                            suggest(name, self.segment_decls) or f"to test a true/false column, write {name} = true")

    def item(self, expr: ast.Expr) -> CheckedItem:
        """A condition, or a value standing alone (`age`, `sum(orders.amount)`)."""
        if isinstance(expr, ast.Bare):
            inner = expr.value
            if isinstance(inner, ast.Paren):
                return self.item(inner.inner)
            is_condition = (isinstance(inner, ast.Literal) and inner.kind == "boolean") or (
                isinstance(inner, ast.Name) and (inner.name in self.segment_decls or (
                    inner.name in self.params and isinstance(self.params[inner.name].value, bool))))
            if not is_condition:
                return self.value(inner, _Context())
        return self.condition(expr, _Context()), "condition"

    # ---- values
    def value(self, expr: ast.Expr, ctx: _Context) -> tuple[m.Value, Kind]:
        """Resolve a value and infer its type (number, string, date, timestamp, boolean, unknown)."""
        if isinstance(expr, ast.Literal):
            return m.Constant(expr.value, span=expr.span), expr.kind
        if isinstance(expr, ast.Paren):
            return self.value(expr.inner, ctx)
        if isinstance(expr, ast.Bare):
            return self.value(expr.value, ctx)
        if isinstance(expr, ast.Name):
            return self._name_value(expr, ctx)
        if isinstance(expr, ast.Path):
            return self._path_value(expr, ctx)
        if isinstance(expr, ast.Arithmetic):
            resolved: list[tuple[m.Value, Kind]] = []
            failed = False
            for written in expr.operands:  # every operand's problems reported before giving up
                try:
                    resolved.append(self.value(written, ctx))
                except _Failed:
                    failed = True
            if failed:
                raise _Failed()
            for (_, t), side in zip(resolved, expr.operands):
                if t not in ("number", "unknown"):
                    raise self._report(f"arithmetic needs numbers, not {_a(t)}", side.span)
            ops = tuple(cast(m.ArithmeticOp, op) for op in expr.ops)
            return m.Arithmetic(tuple(self._typed(value, "number") for value, _ in resolved), ops,
                                span=expr.span), "number"
        if isinstance(expr, ast.Negate):
            operand, t = self.value(expr.operand, ctx)
            if t not in ("number", "unknown"):
                raise self._report(f"cannot negate {_a(t)}", expr.span)
            return m.Negate(self._typed(operand, "number"), span=expr.span), "number"
        if isinstance(expr, ast.Aggregate):
            self._segment_only(expr, ctx, "an aggregate")
            return self._aggregate(expr)
        if isinstance(expr, ast.Tile):
            self._segment_only(expr, ctx, f"{'quintile' if expr.buckets == 5 else 'decile'}(...)")
            operand, t = self.value(expr.operand, ctx)
            self._require_rankable(t, expr.operand, operand)
            operand = self._typed(operand, "number" if t == "unknown" else t)
            return m.Tile(5 if expr.buckets == 5 else 10, operand, span=expr.span), "number"
        if isinstance(expr, ast.DateFunction):
            return self._date_function(expr, ctx)
        if isinstance(expr, ast.Active):
            self._segment_only(expr, ctx, f"active_{expr.period}s(...)")
            period = cast(m.Period, expr.period)
            return m.ActivePeriods(period, self.event_set(expr.events), span=expr.span), "number"
        if isinstance(expr, ast.Sessions):
            self._segment_only(expr, ctx, "sessions(...)")
            events, gap = self._both(lambda: self.event_set(expr.events), lambda: self._gap(expr, ctx))
            return m.Sessions(events, gap, span=expr.span), "number"
        raise self._report("expected a value here, not a condition", expr.span)

    def _date_function(self, expr: ast.DateFunction, ctx: _Context) -> tuple[m.Value, Kind]:
        """anniversary(x), a date, or years_since(x), a number, of a date or timestamp x (rule 11)."""
        operand, kind = self.value(expr.operand, ctx)
        if kind not in (*DATE_LIKE, "unknown"):
            raise self._report(f"{expr.func} needs a date or timestamp, not {_a(kind)}", expr.operand.span,
                               f"e.g. {expr.func}(birth_date)")
        operand = self._typed(operand, "date")
        if expr.func == "anniversary":
            return m.Anniversary(operand, span=expr.span), "date"
        return m.YearsSince(operand, span=expr.span), "number"

    def _gap(self, expr: ast.Sessions, ctx: _Context) -> m.Amount:
        """A session gap, in minutes: more than 0, in minutes, hours, days or weeks (rule 12)."""
        unit = expr.unit
        if unit in ("month", "year"):
            raise self._report("a session gap is a span of time: minutes, hours, days or weeks", expr.gap_span,
                               f"e.g. sessions(..., 30 minutes), or {'4 weeks' if unit == 'month' else '52 weeks'}")
        decl = self.events.get(expr.events.event.name)
        if unit in ("minute", "hour") and decl is not None and decl.time_type == "date":
            raise self._report(f"'{decl.name.name}' happens on days (its time column is a date): its sessions are "
                               f"days apart", expr.gap_span, "e.g. sessions(..., 1 day)")
        value = self._constant(expr.gap, ctx, "a number of minutes, hours, days or weeks").value
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value) or value <= 0:
            raise self._report("a session gap is a whole number more than 0", expr.gap.span,
                               self._given(expr.gap) or "e.g. sessions(visits, 30 minutes)")
        minutes = int(value) * _GAP_MINUTES[unit]
        if minutes > MAX_DAYS * 1440:
            raise self._report(f"too long: a session gap is at most {MAX_DAYS} days", expr.gap.span,
                               self._given(expr.gap))
        return m.Amount(minutes, self._param_of(expr.gap), span=expr.gap.span)

    def _name_value(self, expr: ast.Name, ctx: _Context) -> tuple[m.Value, Kind]:
        name = expr.name
        if name in self.params:
            literal = self._param_literal(name, expr.span)
            return literal, literal.kind
        if ctx.event is not None:
            self._not_a_lookup(expr, ctx.event.joins, name)
            kind: Kind = _time_kind(ctx.event.time_type) if name == ctx.event.at.name else "unknown"
            return EventColumn(name, span=expr.span), kind
        if name in self.segmentation_decls:
            return LabelOf(name, span=expr.span), "string"
        if name in self.trait_decls:
            if name not in self.traits:  # in a cycle, reported as such
                return m.TraitRef(name, span=expr.span), "unknown"
            trait = self.traits[name]
            if trait is None:  # its own problems are reported
                raise _Failed()
            return m.TraitRef(name, span=expr.span), trait.kind
        if name in self.segment_decls:
            raise self._report(f"segment '{name}' is a condition, not a value", expr.span,
                               f"use it on its own: ... and {name}")
        if name in self.events:
            raise self._report(f"'{name}' is an event set, not a value", expr.span,
                               f"aggregate it, e.g. count({name}) or sum({name}.amount)")
        if name in self.broken:
            raise _Failed()
        return Attribute(name, span=expr.span), "unknown"

    def _path_value(self, expr: ast.Path, ctx: _Context) -> tuple[m.Value, Kind]:
        """`products.category`: a column of a lookup the event table (in its filter) or the entity joins."""
        first, parts = expr.parts[0], expr.parts
        if ctx.event is not None:
            if first.name == ctx.event.name.name:  # the event set's own name, as a qualifier
                parts = parts[1:]
                if len(parts) == 1:
                    return self._name_value(parts[0], ctx)
            via, column, keys = self._json_path(parts, ctx.event)
            return EventColumn(column, via, keys, "text" if keys else None, span=expr.span), "unknown"
        if first.name in self.events:
            written = ".".join(part.name for part in parts)
            raise self._report(f"'{first.name}' is an event set: its columns are read through an aggregate",
                               expr.span, f"e.g. max({written}), or has {first.name} where ...")
        if self.entity is None:
            raise _Failed()
        via, column, keys = self._json_path(parts, self.entity)
        return Attribute(column, via, keys, "text" if keys else None, span=expr.span), "unknown"

    def _column(self, path: tuple[ast.Name, ...], decl: ast.EventDecl) -> EventColumn:
        """A column of an event table written after its name: its own, or a path through its lookups."""
        if len(path) == 1:
            self._not_a_lookup(path[0], decl.joins, f"{decl.name.name}.{path[0].name}")
            return EventColumn(path[0].name, span=path[0].span)
        via, column, keys = self._json_path(path, decl)
        return EventColumn(column, via, keys, "text" if keys else None, span=_path_span(path))

    def _not_a_lookup(self, name: ast.Name, joins: tuple[ast.Join, ...], written: str) -> None:
        """A declaration's column is never named like a lookup the declaration joins: that name is the lookup's."""
        if any(join.lookup.name == name.name for join in joins):
            raise self._report(f"'{name.name}' is a lookup: name one of its columns", name.span,
                               f"e.g. {written}.name")

    def _aggregate(self, expr: ast.Aggregate) -> tuple[m.Value, Kind]:
        events = self.event_set(expr.events)
        decl = self.events[events.event.name]
        column = None
        kind: Kind = "number"
        if expr.column is not None:
            column = self._column(expr.column, decl)
            at = not column.via and column.name == decl.at.name
            if expr.func in _OF_THE_COLUMN_TYPE:
                kind = _time_kind(decl.time_type) if at else "unknown"
            elif expr.func == "median" and at:
                raise self._report(f"median needs numbers, not {_a(_time_kind(decl.time_type))}: "
                                   f"{column.name} is the time column of '{decl.name.name}'", column.span,
                                   f"min, max, first and last give its dates, e.g. first({decl.name.name}."
                                   f"{column.name})")
        func = cast(m.AggregateFunc, expr.func)
        if column is not None and column.keys and func in ("sum", "avg", "median"):
            column = replace(column, as_kind="number")
        return m.Aggregate(func, events, column, expr.distinct, span=expr.span), kind

    def event_set(self, es: ast.EventSet) -> m.EventSet:
        decl = self.events.get(es.event.name)
        if decl is None:
            raise self._unknown(es.event.name, f"unknown event set '{es.event.name}'", es.event.span,
                                suggest(es.event.name, self.events)
                                or "declare it: events NAME from TABLE by KEY at TIME")
        where, window = es.where, es.window
        if isinstance(window, ast.Next):  # rule 11: only values lie in the future
            raise self._report("an event set cannot be 'in next ...': events after the as-of day do not exist",
                               window.span, "test a date value instead, e.g. contract_end in next 30 days")
        if where is not None and window is None:
            where, window = _window_after_filter(where, decl)
        ctx = _Context(decl)
        resolved_where = self.condition(where, ctx) if where is not None else None
        resolved_window = self.window(window, ctx) if window is not None else None
        if resolved_window is not None and _clock_window(resolved_window):
            self._clock_on_timestamps(es.event.name, resolved_window.span, "this window")
        return m.EventSet(m.EventRef(es.event.name, span=es.event.span), resolved_where, resolved_window,
                          span=es.span)

    # ---- windows and constants
    def window(self, window: ast.Window, ctx: _Context) -> m.Window:
        if isinstance(window, (ast.Last, ast.BeforeLast)):
            unit = _unit(window.unit)
            amount = self._amount(window.amount, ctx, unit)
            return (m.Last if isinstance(window, ast.Last) else m.BeforeLast)(amount, unit, span=window.span)
        if isinstance(window, ast.Ago):
            unit = _unit(window.unit)
            if unit in m.CLOCK_UNITS:
                raise self._report("hours and minutes count back from the as-of instant: use 'in last' or "
                                   "'before last'", window.span, f"e.g. in last 2 {unit}s")
            first, second = self._amount(window.first, ctx, unit), self._amount(window.second, ctx, unit)
            return m.Ago(first, second, unit, span=window.span)
        if isinstance(window, ast.Next):
            unit = _unit(window.unit)
            return m.Next(self._amount(window.amount, ctx, unit), unit, span=window.span)
        start = self._day(window.start, ctx) if window.start is not None else None
        end = self._day(window.end, ctx) if window.end is not None else None
        if start is not None and end is not None and start.value > end.value:
            raise self._report("the range ends before it starts", window.span)
        return m.DateRange(start, end, span=window.span)

    def _operands(self, exprs: tuple[ast.Expr, ...], ctx: _Context) -> tuple[tuple[m.Condition, ...], bool]:
        """Each condition checked, a failed one standing as its partial condition; and whether one failed."""
        operands: list[m.Condition] = []
        failed = False
        for operand in exprs:
            try:
                operands.append(self.condition(operand, ctx))
            except _Failed as exc:
                operands.append(_partial(exc, operand))
                failed = True
        return tuple(operands), failed

    def _count_of(self, expr: ast.CountOf, ctx: _Context) -> m.CountOf:
        """Rule 13: N a whole number that some, but not every, count of the conditions passes."""
        operands, failed = self._operands(expr.operands, ctx)
        op = _COUNT_SIDES[expr.side]
        count, k = expr.count.value, len(operands)
        if not isinstance(count, int) or isinstance(count, bool):
            raise self._report("expected a whole number of conditions", expr.count.span)
        if (op == ">=" and count == 0) or (op == "<=" and count >= k):
            raise self._report(f"'{expr.side} {count} of' {k} conditions always holds", expr.count.span,
                               "drop it, or count fewer conditions")
        if op != "<=" and count > k:
            raise self._report(f"'{expr.side} {count} of' {k} conditions never holds", expr.count.span,
                               f"at most {k} of them can hold")
        node = m.CountOf(op, count, operands, span=expr.span)
        if failed:
            raise _Failed(node)
        return node

    def _amount(self, expr: ast.Expr, ctx: _Context, unit: m.Unit) -> m.Amount:
        value = self._constant(expr, ctx, "a number of days, weeks, months or years").value
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value) or value < 0:
            raise self._report("expected a whole number of 0 or more", expr.span, self._given(expr))
        most = MAX_DAYS * _PER_DAY[unit] if unit in _PER_DAY else MAX_DAYS // _UNIT_DAYS[unit]
        if value > most:
            longest = f"{most} {unit}s" + (f" ({MAX_DAYS} days)" if most != MAX_DAYS else "")
            raise self._report(f"too long: at most {longest}", expr.span, self._given(expr))
        return m.Amount(int(value), self._param_of(expr), span=expr.span)

    def _day(self, expr: ast.Expr, ctx: _Context) -> m.Bound:
        constant = self._constant(expr, ctx, "a date")
        if not isinstance(constant.value, date):
            raise self._report("expected a date (YYYY-MM-DD)", expr.span, self._given(expr))
        return m.Bound(constant.value, constant.param, span=constant.span)

    def _given(self, expr: ast.Expr) -> str | None:
        """Where a bad value came from, when it is a parameter set with --param."""
        if isinstance(expr, ast.Name) and expr.name in self.params and expr.name in self.overrides:
            return f"'{expr.name}' is set by --param {expr.name}={self.overrides[expr.name]}"
        return None

    def _known_label(self, value: m.Value, written: ast.Expr) -> None:
        """A segmentation's label compared with a string the segmentation never gives is an error."""
        if isinstance(written, ast.Name) and written.name in self.params:
            literal = self._param_literal(written.name, written.span)
        elif isinstance(written, ast.Literal):
            literal = m.Constant(written.value, span=written.span)
        else:
            return
        value = self._trait_value(value)
        if not isinstance(value, LabelOf) or not isinstance(literal.value, str):
            return
        decl = self.segmentation_decls[value.name]
        labels = _labels(decl)
        if literal.value not in labels:
            close, known = suggest(literal.value, labels), "its labels: " + ", ".join(labels)
            hints = [f"{close} ({known})" if close else known, self._given(written)]
            raise self._report(f"{_kind(decl)} '{value.name}' never gives the label \"{literal.value}\"", written.span,
                               "; ".join(h for h in hints if h))

    def _constant(self, expr: ast.Expr, ctx: _Context, what: str) -> m.Constant:
        if isinstance(expr, ast.Name) and expr.name in self.params:
            return self._param_literal(expr.name, expr.span)
        if isinstance(expr, ast.Literal):
            return m.Constant(expr.value, span=expr.span)
        if isinstance(expr, ast.Name):
            raise self._unknown(expr.name, f"expected {what}: a literal or a parameter", expr.span,
                                suggest(expr.name, self.params))
        raise self._report(f"expected {what}: a literal or a parameter", expr.span)

    def _param_literal(self, name: str, span: ast.Span) -> m.Constant:
        return m.Constant(self.params[name].value, name if self.mark_params else None, span=span)

    def _param_of(self, expr: ast.Expr) -> str | None:
        """The parameter an amount names, when literals remember theirs."""
        if self.mark_params and isinstance(expr, ast.Name) and expr.name in self.params:
            return expr.name
        return None

    # ---- small checks
    def _segment_only(self, expr: ast.Node, ctx: _Context, what: str) -> None:
        if ctx.event is not None:
            raise self._report(f"{what} cannot be used inside an event set's filter", expr.span,
                               "a filter tests the columns of one event row")

    def _time_column(self, value: m.Value, ctx: _Context) -> m.TimeColumn | None:
        """What a value holds where it is an event time (the time column, or its min, max, first or last):
        its day is then a day in the program's zone (rule 9)."""
        value = self._trait_value(value)
        decl = ctx.event if isinstance(value, EventColumn) else None
        if isinstance(value, m.Aggregate) and value.func in _OF_THE_COLUMN_TYPE:
            decl = self.events.get(value.events.event.name)
            value = value.column if value.column is not None else value
        if decl is None or not isinstance(value, EventColumn) or value.via or value.name != decl.at.name:
            return None
        if decl.time_type == "date":
            return "date"
        return "local" if decl.local else "timestamp"

    def _clock_on_timestamps(self, event: str, span: ast.Span, what: str) -> None:
        """Hours and minutes need an event set with timestamps (rule 10)."""
        decl = self.events[event]
        if decl.time_type == "date":
            raise self._report(f"hours and minutes need a timestamp: '{event}' is at the date column "
                               f"'{decl.at.name}'", span, f"{what} counts elapsed time; a date holds whole days")

    def _require_date_like(self, kind: Kind, expr: ast.Expr) -> None:
        if kind not in (*DATE_LIKE, "unknown"):
            raise self._report(f"a window needs a date or timestamp, not {_a(kind)}", expr.span)

    def _require_rankable(self, kind: Kind, expr: ast.Expr, checked: m.Value) -> None:
        if kind not in ("number", *DATE_LIKE, "unknown"):
            raise self._report(f"ranking needs numbers or dates, not {_a(kind)}", expr.span)
        tile = next((node for node in self._through_traits(checked) if isinstance(node, m.Tile)), None)
        if tile is not None:
            raise self._report("a ranking cannot rank another ranking", tile.span,
                               "rank the value itself, e.g. quintile(sum(orders.amount))")

    def _trait_value(self, value: m.Value) -> m.Value:
        """The value a trait stands for, through traits standing for traits; any other value as it is."""
        seen: set[str] = set()
        while isinstance(value, m.TraitRef) and value.name not in seen and self.traits.get(value.name) is not None:
            seen.add(value.name)
            value = cast(m.Trait, self.traits[value.name]).value
        return value

    def _through_traits(self, value: m.Value) -> Iterator[object]:
        """Every node of a value, and of the values of the traits it uses (each once)."""
        pending: list[object] = [value]
        seen: set[str] = set()
        while pending:
            for node in ast.walk(pending.pop()):
                yield node
                if isinstance(node, m.TraitRef) and node.name not in seen and self.traits.get(node.name) is not None:
                    seen.add(node.name)
                    pending.append(cast(m.Trait, self.traits[node.name]).value)

    def _both(self, first: Callable[[], T], second: Callable[[], U]) -> tuple[T, U]:
        """Evaluate two sub-checks, reporting both before giving up."""
        try:
            one = first()
        except _Failed:
            with suppress(_Failed):
                second()
            raise _Failed() from None
        return one, second()

    # ---- references
    def _check_cycles(self, segments: dict[str, Segment], segmentations: dict[str, Segmentation],
                      traits: dict[str, m.Trait]) -> bool:
        """Report every cycle of segments, segmentations and traits; True when there is none."""
        graph: dict[str, list[SegmentRef | LabelOf | m.TraitRef]] = {name: list(_references(s.condition))
                                                                      for name, s in segments.items()}
        for name, s in segmentations.items():
            graph[name] = [ref for _, cond in s.rules for ref in _references(cond)]
        for name, trait in traits.items():
            graph[name] = list(_references(trait.value))
        state: dict[str, str] = {}
        acyclic = True
        for root in graph:
            if state.get(root) is not None:
                continue
            # depth first, without recursing (a chain of segments may be long); every reference back
            # into the open path closes a cycle, each reported
            state[root] = "open"
            path: list[tuple[str, Iterator[SegmentRef | LabelOf | m.TraitRef]]] = [(root, iter(graph.get(root, ())))]
            while path:
                name, refs = path[-1]
                ref = next(refs, None)
                if ref is None:
                    state[name] = "done"
                    path.pop()
                elif state.get(ref.name) == "open":
                    acyclic = False
                    names = [each for each, _ in path]
                    cycle = names[names.index(ref.name):] + [ref.name]
                    self._report(f"'{ref.name}' refers to itself: " + " -> ".join(dict.fromkeys(cycle)) +
                                 f" -> {ref.name}", ref.span, f"{_what(ref)} cannot depend on itself")
                elif state.get(ref.name) is None:
                    state[ref.name] = "open"
                    path.append((ref.name, iter(graph.get(ref.name, ()))))
        return acyclic


def _references(expr: object) -> Iterable[SegmentRef | LabelOf | m.TraitRef]:
    return (node for node in ast.walk(expr) if isinstance(node, (SegmentRef, LabelOf, m.TraitRef)))


def _what(ref: SegmentRef | LabelOf | m.TraitRef) -> str:
    return "a segment" if isinstance(ref, SegmentRef) else "a segmentation" if isinstance(ref, LabelOf) else "a trait"


def _window_after_filter(where: ast.Expr, decl: ast.EventDecl) -> tuple[ast.Expr, ast.Window | None]:
    """Move a window that ends a filter onto the event set (see the module docstring)."""
    if isinstance(where, (ast.And, ast.Or)):
        last, window = _window_after_filter(where.operands[-1], decl)
        return (type(where)((*where.operands[:-1], last), span=where.span), window) if window else (where, None)
    if isinstance(where, ast.InWindow):
        subject = where.subject
        own_time = isinstance(subject, ast.Name) and subject.name == decl.at.name
        if isinstance(subject, ast.Paren) or (isinstance(subject, ast.Name) and not own_time):
            return ast.Bare(subject, span=subject.span), where.window
    return where, None


_JSON_KINDS: dict[Kind, m.JsonKind] = {"string": "text", "number": "number", "date": "date", "timestamp": "date",
                                      "boolean": "boolean"}


def _matched(previous: EventColumn, current: EventColumn, span: ast.Span) -> m.Matching:
    """A JSON value matched with a plain column compares text: the column is read as text (rule 17)."""
    if previous.keys and not current.keys:
        current = replace(current, as_kind="text")
    elif current.keys and not previous.keys:
        previous = replace(previous, as_kind="text")
    return m.Matching(previous, current, span=span)


def _json_names(names: tuple[ast.Name, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name.name for name in names))


def _json_read(value: m.Value) -> bool:
    """A value that is a JSON value as it is read (a path, or min, max, first, last or most_frequent of one)."""
    if isinstance(value, (EventColumn, Attribute)):
        return bool(value.keys)
    return isinstance(value, m.Aggregate) and value.func in _OF_THE_COLUMN_TYPE and value.column is not None \
        and bool(value.column.keys)


def _joined(names: tuple[ast.Name, ...]) -> ast.Span:
    """The span of a dotted name, `shop.orders`, from its parts."""
    first, last = names[0].span, names[-1].span
    return replace(first, end_line=last.end_line, end_column=last.end_column, end=last.end)


def _place(span: ast.Span, here: str) -> str:
    """'line 3' in the same file, 'model.seg:3' in another."""
    return f"line {span.line}" if span.file == here else f"{span.file}:{span.line}"


def _label(label: ast.Name | ast.Literal) -> str:
    return label.name if isinstance(label, ast.Name) else str(label.value)


def _labels(decl: ast.SegmentationDecl | ast.SplitDecl) -> list[str]:
    """A segmentation's or split's labels, each once, in the order written."""
    if isinstance(decl, ast.SplitDecl):
        return list(dict.fromkeys(_label(share.label) for share in decl.shares))
    return list(dict.fromkeys([_label(rule.label) for rule in decl.rules] + [_label(decl.otherwise)]))


def _percent(share: ast.Share) -> Decimal:
    """A share's P% (the grammar gives it a number)."""
    return Decimal(cast(int | Decimal, share.percent.value))


def _kind(decl: ast.SegmentationDecl | ast.SplitDecl) -> str:
    return "split" if isinstance(decl, ast.SplitDecl) else "segmentation"


def _is_date(value: m.Value) -> bool:
    return isinstance(value, m.Constant) and isinstance(value.value, date)


def _clock_window(window: m.Window) -> bool:
    """A window in hours or minutes (rule 10)."""
    return isinstance(window, (m.Last, m.BeforeLast)) and window.unit in m.CLOCK_UNITS


def _path_span(path: tuple[ast.Name, ...]) -> ast.Span:
    """The span from a dotted path's first name to its last."""
    return path[0].span.through(path[-1].span)


def _unit(unit: str) -> m.Unit:
    """A time unit as the grammar gives it (day, week, month, year, hour or minute)."""
    return cast(m.Unit, unit)


def _time_kind(time_type: str) -> m.TimeKind:
    """An event declaration's time type as the grammar gives it (date or timestamp)."""
    return "date" if time_type == "date" else "timestamp"


def _comparable(left: Kind, right: Kind) -> bool:
    if "unknown" in (left, right) or left == right:
        return True
    return left in DATE_LIKE and right in DATE_LIKE


def _a(kind: Kind) -> str:
    return {"unknown": "a value", "boolean": "a true/false value", "date": "a date", "timestamp": "a timestamp",
            "number": "a number", "string": "a string"}[kind]


def parse_param_value(text: str, default: m.ConstantValue) -> m.ConstantValue:
    """Read a --param value as the type of the parameter's declared value."""
    kind = ast.literal_kind(default)
    if kind == "number":
        return numbers.parameter(text)
    if kind == "date":
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"expected a date YYYY-MM-DD, got {text!r}") from None
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"expected true or false, got {text!r}")
        return lowered == "true"
    return text
