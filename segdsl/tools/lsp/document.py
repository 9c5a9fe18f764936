"""A document as an editor sees it: checked, parsed as far as it parses, and
its names resolved at any offset.

Text in an editor is often broken mid-edit. The problems come from the real
pipeline (`load_text`) on the whole text; everything else works on the
statements that do parse: the text is cut into its declarations and each is
parsed alone, at its own position (lang/split.py). The checked program is
the whole text's, else that of the text with its broken statements blanked
out, else the last good one the caller kept.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from ...compile.compiler import load_text
from ...compile.gcpause import without_gc
from ...errors import Diagnostic, SegdslError
from ...frozen import frozen
from ...lang import ast, split
from ...lang.ast import Span
from ...lang.json_filters import json_filters_joined
from ...lang.model import Program, show_value
from ...lang.parse import parse, parse_declaration

CACHED_DECLARATIONS = 1 << 16  # parsed declarations kept, of all open documents
DECLARATIONS = {ast.Entity: "entity", ast.EventDecl: "event", ast.ParamDecl: "param",
                ast.SegmentDecl: "segment", ast.SegmentationDecl: "segmentation", ast.TraitDecl: "trait",
                ast.SplitDecl: "split", ast.LookupDecl: "lookup"}
Declared = (ast.Entity | ast.EventDecl | ast.ParamDecl | ast.SegmentDecl | ast.SegmentationDecl | ast.TraitDecl
            | ast.SplitDecl | ast.LookupDecl)


@frozen
class Symbol:
    """A declared name: the entity, an event set, a lookup, a parameter, a segment, a segmentation, a split or a
    trait."""

    kind: str
    name: str
    span: Span
    decl: Declared

    @classmethod
    def of(cls, stmt: ast.Statement) -> Symbol | None:
        """The name a statement declares (an import declares none)."""
        if isinstance(stmt, (ast.Import, ast.TimezoneDecl)):
            return None
        return cls(DECLARATIONS[type(stmt)], stmt.name.name, stmt.name.span, stmt)

    @property
    def detail(self) -> str:
        """One line about it: a parameter's value, a description, or a table."""
        decl = self.decl
        if isinstance(decl, ast.ParamDecl):
            return f"= {show_value(decl.value.value)}"
        if isinstance(decl, (ast.SegmentDecl, ast.SegmentationDecl, ast.TraitDecl, ast.SplitDecl)):
            return decl.description or ""
        return ".".join(n.name for n in decl.table)


@frozen
class Reference:
    """A name written in the source and the role its place gives it.

    Roles: declaration (a declared name), event (an event set), column (of
    the event table `event`, or of the entity when `event` is None), filter
    (a name in an event set's filter: a parameter, else a column of
    `event`), value (a segment, segmentation, split, trait, parameter or event set, else a
    column of the entity), label (a segmentation's or split's label), table, timezone
    (the zone of a `timezone` declaration), lookup (a lookup's name), lookup_column (a column of
    the lookup `event`), json_key (a path of keys inside the JSON column `event`).
    """

    name: str
    role: str
    span: Span
    event: str | None = None


@dataclass
class Document:
    """One analysis of one text: its problems, what of it parses, the checked program, its names."""

    file: str
    text: str
    module: ast.Module
    program: Program | None
    problems: tuple[Diagnostic, ...]
    sources: dict[str, str]
    modules: tuple[ast.Module, ...] = field(init=False)
    symbols: dict[str, Symbol] = field(init=False)

    def __post_init__(self) -> None:
        others = [] if self.program is None else [
            _parsed(text, name) for name, text in self.program.sources.items() if name != self.file]
        self.modules = (self.module, *(m for m in others if m is not None))
        self.symbols = {}
        for module in reversed(self.modules):  # this file's declarations win
            for stmt in module.statements:
                symbol = Symbol.of(stmt)
                if symbol is not None:
                    self.symbols[symbol.name] = symbol

    # ---- names
    def references(self) -> Iterator[Reference]:
        for module in self.checked_modules:
            yield from references(module, self.json_columns)

    @functools.cached_property
    def checked_modules(self) -> tuple[ast.Module, ...]:
        """The modules as the checker reads their conditions (_as_checked), made once per analysis."""
        return tuple(map(self._as_checked, self.modules))

    def reference_at(self, offset: int) -> Reference | None:
        """The name under (or just before) the cursor in this file."""
        around = tuple(s for s in self.module.statements if s.span.start <= offset <= s.span.end)
        found = [ref for ref in references(self._as_checked(ast.Module(self.file, around)), self.json_columns)
                 if ref.span.start <= offset <= ref.span.end]
        return min(found, key=lambda ref: ref.span.end - ref.span.start, default=None)

    def resolve(self, ref: Reference) -> Symbol | None:
        """The declaration a reference names, if it names one."""
        symbol = self.symbols.get(ref.name)
        if symbol is None:
            return None
        allowed = {"declaration": ("entity", "event", "param", "segment", "segmentation", "split", "trait", "lookup"),
                   "event": ("event",), "filter": ("param",), "lookup": ("lookup",),
                   "value": ("segment", "segmentation", "split", "trait", "param", "event")}.get(ref.role, ())
        return symbol if symbol.kind in allowed else None

    def _as_checked(self, module: ast.Module) -> ast.Module:
        """The module with each condition joined by `and` to an event set's filter moved into it where the checker
        reads it so (json_filters.py), so that its names are that event table's."""
        if not self.json_columns:
            return module
        events = {s.name: s.decl for s in self.symbols_of("event") if isinstance(s.decl, ast.EventDecl)}
        entity = self.entity

        def joined(node: object) -> object | None:
            if not isinstance(node, ast.And):
                return None
            found = json_filters_joined(node, events, entity)
            return replace(found, operands=tuple(ast.rewrite(operand, joined) for operand in found.operands))

        return replace(module, statements=tuple(ast.rewrite(stmt, joined) for stmt in module.statements))

    def outline(self) -> list[Symbol]:
        """This file's declarations, in order."""
        return [symbol for symbol in map(Symbol.of, self.module.statements) if symbol is not None]

    def symbols_of(self, *kinds: str) -> list[Symbol]:
        return [s for s in self.symbols.values() if s.kind in kinds]

    # ---- the data model
    @property
    def entity(self) -> ast.Entity | None:
        found = [s.decl for s in self.symbols_of("entity") if isinstance(s.decl, ast.Entity)]
        return found[0] if found else None

    def event(self, name: str) -> ast.EventDecl | None:
        decl = symbol.decl if (symbol := self.symbols.get(name)) is not None else None
        return decl if isinstance(decl, ast.EventDecl) else None

    def lookup(self, name: str) -> ast.LookupDecl | None:
        decl = symbol.decl if (symbol := self.symbols.get(name)) is not None else None
        return decl if isinstance(decl, ast.LookupDecl) else None

    def joined(self, name: str | None) -> list[str]:
        """The lookups a declaration joins: an event set's, a lookup's, or the entity's (None)."""
        decl = self.entity if name is None else (self.event(name) or self.lookup(name))
        return [join.lookup.name for join in decl.joins] if decl is not None else []

    def columns_used(self, event: str | None) -> set[str]:
        """Columns the program already names: of an event table or a lookup, or of the entity (None)."""
        used = set()
        for ref in self.references():
            if ref.event != event:
                continue
            if ref.role in ("column", "lookup_column") or (ref.role in ("filter", "value")
                                                           and self.resolve(ref) is None):
                used.add(ref.name)
        return used

    @functools.cached_property
    def json_columns(self) -> frozenset[str]:
        """The columns declarations declare json (rule 17)."""
        return frozenset(name.name for module in self.modules for stmt in module.statements
                         if isinstance(stmt, (ast.Entity, ast.EventDecl, ast.LookupDecl)) for name in stmt.json)

    def json_tables(self, column: str) -> list[tuple[str, ...]]:
        """The tables of the declarations that declare `column` json."""
        return [tuple(part.name for part in stmt.table) for module in self.modules for stmt in module.statements
                if isinstance(stmt, (ast.Entity, ast.EventDecl, ast.LookupDecl))
                and column in {name.name for name in stmt.json}]

    def json_keys(self, column: str) -> set[tuple[str, ...]]:
        """The paths of keys the files read into JSON columns named `column` (rule 17), of whichever declaration:
        `properties.utm.source` gives ("utm", "source")."""
        found = set()
        for names in _paths(self.modules):
            parts = [name.name for name in names]
            if column in parts[:-1]:
                found.add(tuple(parts[parts.index(column) + 1:]))
        return found

    def text_of(self, file: str) -> str:
        """The text of this file or of one it imports."""
        if file == self.file:
            return self.text
        return self.sources.get(file) or (self.program.sources.get(file, "") if self.program else "")

    def source_of(self, span: Span) -> str:
        return self.text_of(span.file)[span.start:span.end]


def analyze(text: str, file: str, last_good: Program | None = None) -> Document:
    """Check the text with the real pipeline, and keep whatever parses of it."""
    program: Program | None = None
    problems: tuple[Diagnostic, ...] = ()
    sources = {file: text}
    try:
        program = load_text(text, file)
    except SegdslError as exc:
        problems = exc.diagnostics
        sources = {**exc.sources, file: text}
    module, broken = parse_statements(text, file)
    if program is None and broken:
        pieces, done = [], 0
        for start, end in broken:
            pieces += [text[done:start], _blank(text[start:end])]
            done = end
        blanked = "".join(pieces) + text[done:]
        if blanked.strip():
            try:
                program = load_text(blanked, file)
            except SegdslError:
                pass
    return Document(file, text, module, program or last_good, problems, sources)


@without_gc
def parse_statements(text: str, file: str) -> tuple[ast.Module, list[tuple[int, int]]]:
    """The statements that parse, each declaration parsed alone (lang/split.py), and the ranges of those
    that do not.

    Each declaration's parse is kept, by its text and by its place, so that after an edit only what
    changed is parsed again and only what moved is moved (without the garbage collector's pauses,
    as in a compile: see compile/gcpause.py).
    """
    statements: list[ast.Statement] = []
    broken = []
    for piece in split.declarations(text):
        found = _placed(text[piece.start:piece.end], piece, file)
        if found is None:
            broken.append((piece.start, piece.end))
        else:
            statements.extend(found)
    return ast.Module(file, tuple(statements)), broken


@functools.lru_cache(maxsize=CACHED_DECLARATIONS)
def _placed(chunk: str, piece: split.Piece, file: str) -> tuple[ast.Statement, ...] | None:
    alone = _alone(chunk, file)
    return None if alone is None else split.moved(alone, piece)


@functools.lru_cache(maxsize=CACHED_DECLARATIONS)
def _alone(chunk: str, file: str) -> tuple[ast.Statement, ...] | None:
    return parse_declaration(chunk, split.Piece(0, len(chunk), 0), file).statements


def _blank(text: str) -> str:
    """Spaces for every character but line breaks, so positions stay put."""
    return re.sub(r"[^\n]", " ", text)


@functools.lru_cache(maxsize=64)
def _parsed(text: str, file: str) -> ast.Module | None:
    try:
        return parse(text, file)
    except SegdslError:
        return None


# ---- references ----------------------------------------------------------


def references(module: ast.Module, json: frozenset[str] = frozenset()) -> Iterator[Reference]:
    """Every name a module writes, with its role; `json`: the names of the columns declared json (rule 17), whose
    paths' further names are keys."""
    for stmt in module.statements:
        if isinstance(stmt, ast.TimezoneDecl):
            yield Reference(stmt.zone, "timezone", stmt.zone_span)
            continue
        if isinstance(stmt, ast.Import):
            continue
        yield Reference(stmt.name.name, "declaration", stmt.name.span)
        if isinstance(stmt, ast.Entity):
            yield from _tables(stmt.table)
            yield Reference(stmt.key.name, "column", stmt.key.span)
            yield from _joins(stmt.joins, None)
            yield from (Reference(name.name, "column", name.span) for name in stmt.json)
        elif isinstance(stmt, ast.LookupDecl):
            yield from _tables(stmt.table)
            yield Reference(stmt.key.name, "lookup_column", stmt.key.span, stmt.name.name)
            for join in stmt.joins:
                yield Reference(join.lookup.name, "lookup", join.lookup.span)
                yield Reference(join.on.name, "lookup_column", join.on.span, stmt.name.name)
            yield from (Reference(name.name, "lookup_column", name.span, stmt.name.name) for name in stmt.json)
        elif isinstance(stmt, ast.EventDecl):
            event = stmt.name.name
            yield from _tables(stmt.table)
            yield Reference(stmt.by.name, "column", stmt.by.span, event)
            yield Reference(stmt.at.name, "column", stmt.at.span, event)
            yield from _joins(stmt.joins, event)
            yield from (Reference(name.name, "column", name.span, event) for name in stmt.json)
            if stmt.where is not None:
                yield from _names(stmt.where, event, json)
        elif isinstance(stmt, ast.SegmentDecl):
            yield from _names(stmt.condition, None, json)
        elif isinstance(stmt, ast.TraitDecl):
            yield from _names(stmt.value, None, json)
        elif isinstance(stmt, ast.SegmentationDecl):
            for rule in stmt.rules:
                yield from _label(rule.label)
                yield from _names(rule.condition, None, json)
            yield from _label(stmt.otherwise)
        elif isinstance(stmt, ast.SplitDecl):
            if stmt.of is not None:
                yield Reference(stmt.of.name, "value", stmt.of.span)
            for share in stmt.shares:
                yield from _label(share.label)


def _paths(modules: Iterable[ast.Module]) -> Iterator[tuple[ast.Name, ...]]:
    """Every path of names the modules write: in conditions and values, aggregates' columns, matchings."""
    for module in modules:
        for node in ast.walk(module.statements):
            if isinstance(node, ast.Path):
                yield node.parts
            elif isinstance(node, ast.Aggregate) and node.column:
                yield node.column
            elif isinstance(node, ast.Matching):
                yield from (names for names in (node.previous, node.current) if names)


def _tables(names: tuple[ast.Name, ...]) -> Iterable[Reference]:
    yield Reference(".".join(n.name for n in names), "table", names[0].span.through(names[-1].span))


def _joins(joins: tuple[ast.Join, ...], event: str | None) -> Iterable[Reference]:
    for join in joins:
        yield Reference(join.lookup.name, "lookup", join.lookup.span)
        yield Reference(join.on.name, "column", join.on.span, event)


def _path(names: tuple[ast.Name, ...], event: str | None, json: frozenset[str]) -> Iterator[Reference]:
    """A column written after an event set's name (`event`), or a path of lookups then a lookup's column; a column
    declared json (`json`) followed by keys: each key a json_key named by its path of keys (`utm.source`) and the
    column's name as its `event`."""
    if not names:
        return
    keys_from = next((index + 1 for index, name in enumerate(names[:-1]) if name.name in json), len(names))
    *via, column = names[:keys_from]
    yield from (Reference(name.name, "lookup", name.span) for name in via)
    yield Reference(column.name, "lookup_column" if via else "column", column.span, via[-1].name if via else event)
    for end in range(keys_from, len(names)):
        key = ".".join(name.name for name in names[keys_from:end + 1])
        yield Reference(key, "json_key", names[end].span, column.name)


def _label(label: ast.Name | ast.Literal) -> Iterable[Reference]:
    if isinstance(label, ast.Name):
        yield Reference(label.name, "label", label.span)


def _names(expr: object, event: str | None, json: frozenset[str]) -> Iterator[Reference]:
    """Names in an expression, in order; `event` is set inside that event set's filter."""
    pending: list[tuple[object, str | None]] = [(expr, event)]  # without recursing: chains may be long
    while pending:
        node, event = pending.pop()
        if isinstance(node, Reference):
            yield node
        elif isinstance(node, ast.Name):
            yield Reference(node.name, "filter" if event else "value", node.span, event)
        elif isinstance(node, ast.EventSet):
            yield Reference(node.event.name, "event", node.event.span)
            pending += [(node.window, node.event.name), (node.where, node.event.name)]
        elif isinstance(node, ast.Aggregate):
            pending += [(ref, None) for ref in reversed(list(_path(node.column or (), node.events.event.name, json)))]
            pending.append((node.events, event))
        elif isinstance(node, ast.Path):
            parts = node.parts[1:] if event is not None and node.parts[0].name == event else node.parts
            pending += [(ref, None) for ref in reversed(list(_path(parts, event, json)))]
        elif isinstance(node, ast.Sequence):
            pending += [(part, event) for part in reversed(list(_journey_parts(node, json)))]
        elif isinstance(node, ast.Node):
            pending += [(child, event) for child in reversed(list(ast.children(node)))]


def _journey_parts(sequence: ast.Sequence, json: frozenset[str]) -> Iterator[object]:
    """A sequence's event sets and spans in order, each step's `matching` as references to the columns it joins."""
    previous = sequence.first.event.name
    yield sequence.first
    for step in sequence.steps:
        current = step.events.event.name
        yield from (step.events, step.within)
        if step.matching is not None:
            yield from _matched(step.matching, previous, current, json)
        previous = current


def _matched(matching: ast.Matching, previous: str, current: str, json: frozenset[str]) -> Iterator[Reference]:
    """`matching COL`: a column of both steps' events; `matching a.col = b.col`: an event set and its column, twice."""
    if matching.current is None:
        for event in dict.fromkeys((previous, current)):
            yield from _path(matching.previous, event, json)
        return
    for events, *columns in (matching.previous, matching.current):
        yield Reference(events.name, "event", events.span)
        yield from _path(tuple(columns), events.name, json)
