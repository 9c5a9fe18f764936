"""A document as an editor sees it: checked, parsed as far as it parses, and
its names resolved at any offset.

Text in an editor is often broken mid-edit. The problems come from the real
pipeline (`load_text`) on the whole text; everything else works on the
statements that do parse: the text is cut before each unindented line that
starts a declaration (`segment`, `segmentation`, `events`, `param`, `import`
or `NAME from`) and each piece is parsed alone, at its own position. The
checked program is the whole text's, else that of the text with its broken
statements blanked out, else the last good one the caller kept.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date

from ...compile.compiler import load_text
from ...errors import Diagnostic, SegdslError
from ...lang import ast
from ...lang.ast import Span
from ...lang.model import Program
from ...lang.parse import parse

STATEMENT_START = re.compile(
    r"^(?:(?:segment|segmentation|events|param|import)\b|[A-Za-z_][A-Za-z0-9_]*[ \t]+from\b)", re.M)
DECLARATIONS = {ast.Entity: "entity", ast.EventDecl: "event", ast.ParamDecl: "param",
                ast.SegmentDecl: "segment", ast.SegmentationDecl: "segmentation"}


@dataclass(frozen=True)
class Symbol:
    """A declared name: the entity, an event set, a parameter, a segment or a segmentation."""

    kind: str
    name: str
    span: Span
    decl: ast.Statement

    @property
    def detail(self) -> str:
        """One line about it: a parameter's value, a description, or a table."""
        if isinstance(self.decl, ast.ParamDecl):
            return f"= {show_value(self.decl.value.value)}"
        description = getattr(self.decl, "description", None)
        if description:
            return description
        table = getattr(self.decl, "table", None)
        return ".".join(n.name for n in table) if table else ""


@dataclass(frozen=True)
class Reference:
    """A name written in the source and the role its place gives it.

    Roles: declaration (a declared name), event (an event set), column (of
    the event table `event`, or of the entity when `event` is None), filter
    (a name in an event set's filter: a parameter, else a column of
    `event`), value (a segment, segmentation, parameter or event set, else a
    column of the entity), label (a segmentation's label), table.
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
                kind = DECLARATIONS.get(type(stmt))
                if kind is not None:
                    self.symbols[stmt.name.name] = Symbol(kind, stmt.name.name, stmt.name.span, stmt)

    # ---- names
    def references(self) -> Iterator[Reference]:
        for module in self.modules:
            yield from references(module)

    def reference_at(self, offset: int) -> Reference | None:
        """The name under (or just before) the cursor in this file."""
        found = [ref for ref in references(self.module) if ref.span.start <= offset <= ref.span.end]
        return min(found, key=lambda ref: ref.span.end - ref.span.start, default=None)

    def resolve(self, ref: Reference) -> Symbol | None:
        """The declaration a reference names, if it names one."""
        symbol = self.symbols.get(ref.name)
        if symbol is None:
            return None
        allowed = {"declaration": ("entity", "event", "param", "segment", "segmentation"),
                   "event": ("event",), "filter": ("param",),
                   "value": ("segment", "segmentation", "param", "event")}.get(ref.role, ())
        return symbol if symbol.kind in allowed else None

    def outline(self) -> list[Symbol]:
        """This file's declarations, in order."""
        return [Symbol(DECLARATIONS[type(stmt)], stmt.name.name, stmt.name.span, stmt)
                for stmt in self.module.statements if type(stmt) in DECLARATIONS]

    def symbols_of(self, *kinds: str) -> list[Symbol]:
        return [s for s in self.symbols.values() if s.kind in kinds]

    # ---- the data model
    @property
    def entity(self) -> ast.Entity | None:
        found = self.symbols_of("entity")
        return found[0].decl if found else None

    def event(self, name: str) -> ast.EventDecl | None:
        symbol = self.symbols.get(name)
        return symbol.decl if symbol is not None and symbol.kind == "event" else None

    def columns_used(self, event: str | None) -> set[str]:
        """Columns the program already names: of an event table, or of the entity (None)."""
        used = set()
        for ref in self.references():
            if ref.event != event:
                continue
            if ref.role == "column" or (ref.role in ("filter", "value") and self.resolve(ref) is None):
                used.add(ref.name)
        return used

    def text_of(self, file: str) -> str:
        """The text of this file or of one it imports."""
        if file == self.file:
            return self.text
        return self.sources.get(file) or (self.program.sources.get(file, "") if self.program else "")

    def source_of(self, span: Span) -> str:
        return self.text_of(span.file)[span.start:span.end]


def analyze(text: str, file: str, last_good: Program | None = None) -> Document:
    """Check the text with the real pipeline, and keep whatever parses of it."""
    program, problems, sources = None, (), {file: text}
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


def statement_ranges(text: str) -> list[tuple[int, int]]:
    """Where each top-level declaration starts and ends (see the module docstring)."""
    starts = sorted({0, *(m.start() for m in STATEMENT_START.finditer(text))})
    return list(zip(starts, starts[1:] + [len(text)]))


def parse_statements(text: str, file: str) -> tuple[ast.Module, list[tuple[int, int]]]:
    """The whole text's module, or the statements that parse alone and the ranges that do not.

    Each piece is parsed on its own and its spans moved, so the work stays linear in the text.
    """
    try:
        return parse(text, file), []
    except SegdslError:
        pass
    statements: list[ast.Statement] = []
    broken = []
    line = 0
    for start, end in statement_ranges(text):
        chunk = text[start:end]
        if chunk.strip():
            try:
                statements.extend(_moved(parse(chunk, file).statements, line, start))
            except SegdslError:
                broken.append((start, end))
        line += chunk.count("\n")
    return ast.Module(file, tuple(statements)), broken


def _moved(value: object, lines: int, chars: int):
    """A node parsed alone, its spans moved to where its text starts (a line start) in the whole text."""
    if isinstance(value, Span):
        return replace(value, line=value.line + lines, end_line=value.end_line + lines,
                       start=value.start + chars, end=value.end + chars)
    if isinstance(value, tuple):
        return tuple(_moved(item, lines, chars) for item in value)
    if isinstance(value, ast.Node):
        return replace(value, **{f.name: _moved(getattr(value, f.name), lines, chars) for f in fields(value)})
    return value


def show_value(value: object) -> str:
    """A parameter's value as the language writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return str(value)


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


def references(module: ast.Module) -> Iterator[Reference]:
    """Every name a module writes, with its role."""
    for stmt in module.statements:
        if isinstance(stmt, ast.Import):
            continue
        yield Reference(stmt.name.name, "declaration", stmt.name.span)
        if isinstance(stmt, ast.Entity):
            yield from _tables(stmt.table)
            yield Reference(stmt.key.name, "column", stmt.key.span)
        elif isinstance(stmt, ast.EventDecl):
            event = stmt.name.name
            yield from _tables(stmt.table)
            yield Reference(stmt.by.name, "column", stmt.by.span, event)
            yield Reference(stmt.at.name, "column", stmt.at.span, event)
            if stmt.where is not None:
                yield from _names(stmt.where, event)
        elif isinstance(stmt, ast.SegmentDecl):
            yield from _names(stmt.condition, None)
        elif isinstance(stmt, ast.SegmentationDecl):
            for rule in stmt.rules:
                yield from _label(rule.label)
                yield from _names(rule.condition, None)
            yield from _label(stmt.otherwise)


def _tables(names: tuple[ast.Name, ...]) -> Iterable[Reference]:
    first, last = names[0].span, names[-1].span
    span = ast.Span(first.file, first.line, first.column, last.end_line, last.end_column, first.start, last.end)
    yield Reference(".".join(n.name for n in names), "table", span)


def _label(label: ast.Name | ast.Literal) -> Iterable[Reference]:
    if isinstance(label, ast.Name):
        yield Reference(label.name, "label", label.span)


def _names(expr: object, event: str | None) -> Iterator[Reference]:
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
            if node.column is not None:
                pending.append((Reference(node.column.name, "column", node.column.span, node.events.event.name),
                                None))
            pending.append((node.events, event))
        elif isinstance(node, ast.Node):
            pending += [(child, event) for child in reversed(list(ast.children(node)))]
