"""Text -> syntax tree: the Lark LALR parser and a Transformer into ast nodes.

Syntax errors become `SegdslError`s that name the spot and say, in words,
what could have come there (see syntax_errors.py). A file that does not
parse is parsed again declaration by declaration (split.py cuts it): every
broken declaration gives its own error, and the declarations that parse come
with the errors (`SyntaxErrors`), so that they can still be checked.
"""

from __future__ import annotations

import functools
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput
from lark.tree import Meta

from ..errors import Diagnostic, SegdslError, error
from ..frozen import frozen
from . import ast, depth, numbers, split, syntax_errors

GRAMMAR_NAME = "segdsl.lark"


def grammar_text() -> str:
    """The grammar, from package data (a file beside the package's modules, where the wheel puts it) or, in a
    source checkout, grammar/. Read as a plain file: importlib.resources costs every start-up ~10 ms of
    imports."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / GRAMMAR_NAME
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (package.parent / "grammar" / GRAMMAR_NAME).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    return _lark("start")


@functools.lru_cache(maxsize=1)
def expression_parser() -> Lark:
    """The same grammar, reading one condition or value."""
    return _lark("condition")


def _lark(start: str) -> Lark:
    """The LALR parser from `start`, its tables kept in the user's cache folder: building them takes longer than
    loading them, on every command. Lark checks the grammar's and the options' hash in the file and builds the
    tables again when they differ; without a writable cache folder, it builds them every time."""
    options = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": False, "start": start}
    cache = _cache_folder()
    if cache is None:
        return Lark(grammar_text(), **options)
    return Lark(grammar_text(), cache=str(cache / f"grammar-{start}.lark"), **options)


def _cache_folder() -> Path | None:
    """The user's own folder for segdsl's caches ($XDG_CACHE_HOME/segdsl, ~/.cache/segdsl), or None where it
    cannot be made. Never a shared temporary folder: the cache is loaded with pickle."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "segdsl"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    owner = os.getuid() if hasattr(os, "getuid") else folder.stat().st_uid
    if folder.stat().st_uid != owner or not os.access(folder, os.W_OK):
        return None
    return folder


class SyntaxErrors(SegdslError):
    """Syntax errors, with what can still be checked: `module` holds the declarations that parse
    (None when a broken piece may import a file), `broken` the names the others may declare."""

    def __init__(self, diagnostics: list[Diagnostic], module: ast.Module | None, broken: frozenset[str]):
        super().__init__(diagnostics)
        self.module = module
        self.broken = broken


@frozen
class Declaration:
    """One declaration of a text that does not parse whole, parsed alone (see split.py)."""

    piece: split.Piece
    statements: tuple[ast.Statement, ...] | None  # None when it does not parse
    problems: tuple[Diagnostic, ...] = ()


def parse(text: str, file: str = "<string>") -> ast.Module:
    """Parse one file's text into a Module, or raise SegdslError (SyntaxErrors when it does not parse).

    CR, LF and CRLF all end a line: a lone CR is read as LF (one character for one, so offsets stay put).
    """
    text = _LONE_CR.sub("\n", text)
    if not text.strip():
        raise error("the file is empty", ast.Span(file, 1, 1, 1, 1, 0, 0),
                    "a .seg file declares an entity table, events and segments")
    try:
        return ast.Module(file, tuple(_syntax_tree(parser().parse(text), file)))
    except UnexpectedInput as exc:
        first = [syntax_errors.diagnose(parser(), exc, text, file)]
    except SegdslError as exc:
        first = list(exc.diagnostics)
    raise _declaration_by_declaration(text, file, first) from None


def parse_declaration(text: str, piece: split.Piece, file: str) -> Declaration:
    """The declaration `piece` of the text parsed alone, its spans moved to where it stands."""
    chunk = _LONE_CR.sub("\n", text[piece.start:piece.end])
    try:
        return Declaration(piece, split.moved(tuple(_syntax_tree(parser().parse(chunk), file)), piece))
    except UnexpectedInput as exc:
        ending = "end of file" if piece.end == len(text) else "end of the declaration"
        problem = syntax_errors.diagnose(parser(), exc, chunk, file, ending)
        return Declaration(piece, None, (split.moved(problem, piece),))
    except SegdslError as exc:
        return Declaration(piece, None, split.moved(exc.diagnostics, piece))


def _declaration_by_declaration(text: str, file: str, first: list[Diagnostic]) -> SyntaxErrors:
    """Each declaration parsed on its own (split.py): the errors of those that fail, and the others.

    Should no declaration fail on its own (a split in the wrong place), the whole file's first
    error stands and nothing is checked.
    """
    problems: list[Diagnostic] = []
    statements: list[ast.Statement] = []
    broken: set[str] = set()
    known = True
    for piece in split.declarations(text):
        declaration = parse_declaration(text, piece, file)
        if declaration.statements is not None:
            statements.extend(declaration.statements)
            continue
        problems.extend(declaration.problems)
        names = syntax_errors.declared_names(text[declaration.piece.start:declaration.piece.end])
        known = known and names is not None
        broken |= names or set()
    if not problems:
        return SyntaxErrors(first, None, frozenset())
    module = ast.Module(file, tuple(statements)) if known else None
    return SyntaxErrors(problems[:syntax_errors.MAX_ERRORS], module, frozenset(broken))


_LONE_CR = re.compile(r"\r(?!\n)")


def token_position(value: int | None) -> int:
    """A position of a token the lexer read: always set (None only in tokens made by hand)."""
    if value is None:
        raise ValueError("a lexed token without a position")
    return value


def parse_expression(text: str, file: str) -> ast.Expr:
    """One condition or value written outside a file (a profile item, an outcome), e.g. `sum(orders.amount)`."""
    if not text.strip():
        raise error(f"{file}: the expression is empty", None, "e.g. sum(orders.amount) or has orders")
    try:
        tree = expression_parser().parse(text)
    except UnexpectedInput as exc:
        raise SegdslError([syntax_errors.diagnose(expression_parser(), exc, text, file,
                                                  "end of the expression")]) from None
    expr: ast.Expr = _syntax_tree(tree, file)
    return expr


def _syntax_tree(tree: Tree[Token], file: str) -> Any:
    """The syntax tree of a parse tree whose nesting is within the limit (depth.py)."""
    depth.check_parse_tree(tree, file)
    return _ToAst(file).transform(tree)


# ---- tree -> ast -------------------------------------------------------------


class _Filter:
    """A parsed `where` clause, until its event set takes it."""

    def __init__(self, condition: ast.Expr):
        self.condition = condition


class _JsonColumns:
    """A parsed `json COL, ...`, until its declaration takes it."""

    def __init__(self, names: tuple[ast.Name, ...]):
        self.names = names


def _joins_and_json(items: list[Any]) -> tuple[tuple[ast.Join, ...], tuple[ast.Name, ...]]:
    joins = tuple(item for item in items if isinstance(item, ast.Join))
    json = next((item.names for item in items if isinstance(item, _JsonColumns)), ())
    return joins, json


_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week",
          "month": "month", "months": "month", "year": "year", "years": "year",
          "hour": "hour", "hours": "hour", "minute": "minute", "minutes": "minute"}
_ESCAPES = {"n": "\n", "t": "\t"}


_CHAINS = depth.CHAINS
_OPS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


def _chain_operands(tree: Tree[Token]) -> list[Tree[Token] | Token]:
    """The operands of a chain, first to last (its rules are left-recursive: the chain runs down the
    first children), or a node's children."""
    chain = _CHAINS.get(tree.data)
    if chain is None:
        return list(tree.children)
    later: list[Tree[Token] | Token] = []
    node: Tree[Token] | Token = tree
    while isinstance(node, Tree) and _CHAINS.get(node.data) == chain:
        later.append(node.children[1])
        node = node.children[0]
    return [node, *reversed(later)]


def _chain_ops(tree: Tree[Token]) -> tuple[str, ...]:
    """The operators of an arithmetic chain, first to last."""
    ops: list[str] = []
    node: Tree[Token] | Token = tree
    while isinstance(node, Tree) and _CHAINS.get(node.data) == _CHAINS[tree.data]:
        ops.append(_OPS[node.data])
        node = node.children[0]
    return tuple(reversed(ops))


class _ToAst:
    """One method per rule, taking the rule's meta (positions) and its transformed children."""

    def __init__(self, file: str):
        self.file = file

    def transform(self, tree: Tree[Token]) -> Any:
        """The syntax tree of a parse tree, built bottom-up without recursing (Lark's Transformer
        recurses per level, and a chain is as deep as it is long in the parse tree). A chain of
        and, or, + - or * / is one node with all its operands."""
        built: list[Any] = []
        pending: list[tuple[Tree[Token] | Token, int | None]] = [(tree, None)]
        while pending:
            node, count = pending.pop()
            if isinstance(node, Token):
                built.append(node)
            elif count is None:  # first visit: its children go first
                children = _chain_operands(node)
                pending.append((node, len(children)))
                pending.extend((child, None) for child in reversed(children))
            else:
                children = built[len(built) - count:]
                del built[len(built) - count:]
                built.append(self._build(node, children))
        return built[0]

    def _build(self, tree: Tree[Token], children: list[Any]) -> Any:
        if tree.data in _OPS:
            return ast.Arithmetic(tuple(children), _chain_ops(tree), span=self._span(tree.meta))
        return getattr(self, tree.data)(tree.meta, children)

    def _span(self, meta: Meta) -> ast.Span:
        return ast.Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)

    def _token_span(self, tok: Token) -> ast.Span:
        return ast.Span(self.file, *map(token_position, (tok.line, tok.column, tok.end_line, tok.end_column,
                                                    tok.start_pos, tok.end_pos)))

    # -- statements
    def start(self, meta: Meta, children: list[Any]) -> list[ast.Statement]:
        return children

    def import_decl(self, meta: Meta, c: list[Any]) -> ast.Import:
        return ast.Import(unquote(c[0]), span=self._span(meta))

    def timezone_decl(self, meta: Meta, c: list[Any]) -> ast.TimezoneDecl:
        return ast.TimezoneDecl(unquote(c[0]), self._token_span(c[0]), span=self._span(meta))

    def entity_decl(self, meta: Meta, c: list[Any]) -> ast.Entity:
        joins, json = _joins_and_json(c[3:])
        return ast.Entity(c[0], c[1], c[2], joins, json, span=self._span(meta))

    def lookup_decl(self, meta: Meta, c: list[Any]) -> ast.LookupDecl:
        joins, json = _joins_and_json(c[3:])
        return ast.LookupDecl(c[0], c[1], c[2], joins, json, span=self._span(meta))

    def json_columns(self, meta: Meta, c: list[Any]) -> _JsonColumns:
        return _JsonColumns(tuple(c))

    def join(self, meta: Meta, c: list[Any]) -> ast.Join:
        return ast.Join(c[0], c[1], span=self._span(meta))

    def event_decl(self, meta: Meta, c: list[Any]) -> ast.EventDecl:
        name, table, by, at, *rest = c
        time_type = "timestamp"
        where = None
        local = False
        joins: list[ast.Join] = []
        json: tuple[ast.Name, ...] = ()
        for item in rest:
            if isinstance(item, _Filter):
                where = item.condition
            elif isinstance(item, _JsonColumns):
                json = item.names
            elif isinstance(item, ast.Join):
                joins.append(item)
            elif item == "local":
                local = True
            else:
                time_type = item
        return ast.EventDecl(name, table, by, at, time_type, where, local, tuple(joins), json,
                             span=self._span(meta))

    def local(self, meta: Meta, c: list[Any]) -> str:
        return "local"

    def time_type(self, meta: Meta, c: list[Any]) -> str:
        return str(c[0])

    def event_filter(self, meta: Meta, c: list[Any]) -> _Filter:
        return _Filter(c[0])

    def table_name(self, meta: Meta, c: list[Any]) -> tuple[Any, ...]:
        return tuple(c)

    def param_decl(self, meta: Meta, c: list[Any]) -> ast.ParamDecl:
        return ast.ParamDecl(c[0], c[1], span=self._span(meta))

    def segment_decl(self, meta: Meta, c: list[Any]) -> ast.SegmentDecl:
        description = c[1] if len(c) == 3 else None
        return ast.SegmentDecl(c[0], description, c[-1], span=self._span(meta))

    def trait_decl(self, meta: Meta, c: list[Any]) -> ast.TraitDecl:
        description = c[1] if len(c) == 3 else None
        return ast.TraitDecl(c[0], description, c[-1], span=self._span(meta))

    def segmentation_decl(self, meta: Meta, c: list[Any]) -> ast.SegmentationDecl:
        name, *rest = c
        description = rest.pop(0) if isinstance(rest[0], str) else None
        *rules, otherwise = rest
        return ast.SegmentationDecl(name, description, tuple(rules), otherwise, span=self._span(meta))

    def split_decl(self, meta: Meta, c: list[Any]) -> ast.SplitDecl:
        name, *rest = c
        description = rest.pop(0) if isinstance(rest[0], str) else None
        of = rest.pop(0) if isinstance(rest[0], ast.Name) else None
        salt, *shares = rest
        return ast.SplitDecl(name, description, of, salt, tuple(shares), span=self._span(meta))

    def split_of(self, meta: Meta, c: list[Any]) -> ast.Name:
        return ast.Name(c[0].name, span=c[0].span)

    def share(self, meta: Meta, c: list[Any]) -> ast.Share:
        return ast.Share(c[0], c[1], span=self._span(meta))

    def share_label(self, meta: Meta, c: list[Any]) -> ast.Name | ast.Literal:
        if isinstance(c[0], ast.Literal):
            return c[0]
        text = str(c[0])
        return ast.Name(text[1:-1] if text.startswith("`") else text, span=self._span(meta))

    def rule(self, meta: Meta, c: list[Any]) -> ast.Rule:
        return ast.Rule(c[0], c[1], span=self._span(meta))

    def description(self, meta: Meta, c: list[Any]) -> str:
        return unquote(c[0])

    # -- conditions
    def or_(self, meta: Meta, c: list[Any]) -> ast.Or:
        return ast.Or(tuple(c), span=self._span(meta))

    def and_(self, meta: Meta, c: list[Any]) -> ast.And:
        return ast.And(tuple(c), span=self._span(meta))

    def not_(self, meta: Meta, c: list[Any]) -> ast.Not:
        return ast.Not(c[0], span=self._span(meta))

    def count_of(self, meta: Meta, c: list[Any]) -> ast.CountOf:
        side, count, *operands = c
        return ast.CountOf(" ".join(str(side).split()), count, tuple(operands), span=self._span(meta))

    def bare(self, meta: Meta, c: list[Any]) -> ast.Bare:
        return ast.Bare(c[0], span=self._span(meta))

    def compare(self, meta: Meta, c: list[Any]) -> ast.Compare:
        op = "!=" if c[1] == "<>" else c[1]
        return ast.Compare(op, c[0], c[2], span=self._span(meta))

    def cmp_op(self, meta: Meta, c: list[Any]) -> str:
        return str(c[0])

    def in_list(self, meta: Meta, c: list[Any]) -> ast.InList:
        return ast.InList(c[0], c[1], span=self._span(meta))

    def not_in_list(self, meta: Meta, c: list[Any]) -> ast.InList:
        return ast.InList(c[0], c[1], negated=True, span=self._span(meta))

    def value_list(self, meta: Meta, c: list[Any]) -> tuple[Any, ...]:
        return tuple(c)

    def between(self, meta: Meta, c: list[Any]) -> ast.Between:
        return ast.Between(c[0], c[1], c[2], span=self._span(meta))

    def in_window(self, meta: Meta, c: list[Any]) -> ast.InWindow:
        return ast.InWindow(c[0], c[1], span=self._span(meta))

    def is_null(self, meta: Meta, c: list[Any]) -> ast.IsNull:
        return ast.IsNull(c[0], span=self._span(meta))

    def is_not_null(self, meta: Meta, c: list[Any]) -> ast.IsNull:
        return ast.IsNull(c[0], negated=True, span=self._span(meta))

    def like(self, meta: Meta, c: list[Any]) -> ast.Like:
        return ast.Like(c[0], c[1], span=self._span(meta))

    def not_like(self, meta: Meta, c: list[Any]) -> ast.Like:
        return ast.Like(c[0], c[1], negated=True, span=self._span(meta))

    def ranked(self, meta: Meta, c: list[Any]) -> ast.Ranked:
        return ast.Ranked(c[0], c[1] == "top", c[2], span=self._span(meta))

    def rank_side(self, meta: Meta, c: list[Any]) -> str:
        return str(c[0])

    def has(self, meta: Meta, c: list[Any]) -> ast.Exists:
        return ast.Exists(c[0], span=self._span(meta))

    def no(self, meta: Meta, c: list[Any]) -> ast.Exists:
        return ast.Exists(c[0], negated=True, span=self._span(meta))

    def journey(self, meta: Meta, c: list[Any]) -> ast.Sequence:
        return ast.Sequence(c[0], tuple(c[1:]), span=self._span(meta))

    def step(self, meta: Meta, c: list[Any]) -> ast.Step:
        return ast.Step(c[0], c[1], c[2], matching=c[3] if len(c) > 3 else None, span=self._span(meta))

    def step_no(self, meta: Meta, c: list[Any]) -> ast.Step:
        return ast.Step(c[0], c[1], c[2], negated=True, matching=c[3] if len(c) > 3 else None,
                        span=self._span(meta))

    def matching(self, meta: Meta, c: list[Any]) -> ast.Matching:
        return ast.Matching(c[0], c[1] if len(c) > 1 else None, span=self._span(meta))

    def column_path(self, meta: Meta, c: list[Any]) -> tuple[ast.Name, ...]:
        return tuple(c)

    def seq_start(self, meta: Meta, c: list[Any]) -> ast.EventSet:
        value, *rest = c
        if not isinstance(value, ast.Name):
            raise error("a sequence starts with an event set", value.span,
                        "write it as: orders then tickets within 7 days")
        return self._event_set(meta, value, rest)

    def event_set(self, meta: Meta, c: list[Any]) -> ast.EventSet:
        return self._event_set(meta, c[0], c[1:])

    agg_set = event_set

    def _event_set(self, meta: Meta, name: ast.Name, rest: list[Any]) -> ast.EventSet:
        where = next((r.condition for r in rest if isinstance(r, _Filter)), None)
        window = next((r for r in rest if not isinstance(r, _Filter)), None)
        return ast.EventSet(name, where, window, span=self._span(meta))

    def set_filter(self, meta: Meta, c: list[Any]) -> _Filter:
        return _Filter(c[0])

    seq_filter = agg_filter = set_filter

    # -- windows
    def last(self, meta: Meta, c: list[Any]) -> ast.Last:
        return ast.Last(c[0], c[1], span=self._span(meta))

    def before_last(self, meta: Meta, c: list[Any]) -> ast.BeforeLast:
        return ast.BeforeLast(c[0], c[1], span=self._span(meta))

    def ago(self, meta: Meta, c: list[Any]) -> ast.Ago:
        return ast.Ago(c[0], c[1], c[2], span=self._span(meta))

    def date_range(self, meta: Meta, c: list[Any]) -> ast.DateRange:
        return ast.DateRange(c[0], c[1], span=self._span(meta))

    def since(self, meta: Meta, c: list[Any]) -> ast.DateRange:
        return ast.DateRange(c[0], None, span=self._span(meta))

    def until(self, meta: Meta, c: list[Any]) -> ast.DateRange:
        return ast.DateRange(None, c[0], span=self._span(meta))

    def next_(self, meta: Meta, c: list[Any]) -> ast.Next:
        return ast.Next(c[0], c[1], span=self._span(meta))

    def unit(self, meta: Meta, c: list[Any]) -> str:
        return _UNITS[str(c[0])]

    # -- values (arithmetic chains: _build)
    def neg(self, meta: Meta, c: list[Any]) -> ast.Expr:
        if isinstance(c[0], ast.Literal) and isinstance(c[0].value, (int, Decimal)) and c[0].kind == "number":
            return ast.Literal(-c[0].value, span=self._span(meta))
        return ast.Negate(c[0], span=self._span(meta))

    def paren(self, meta: Meta, c: list[Any]) -> ast.Paren:
        return ast.Paren(c[0], span=self._span(meta))

    def count(self, meta: Meta, c: list[Any]) -> ast.Aggregate:
        return ast.Aggregate("count", c[0], None, span=self._span(meta))

    def count_distinct(self, meta: Meta, c: list[Any]) -> ast.Aggregate:
        event, column = c[0]
        return ast.Aggregate("count", self._event_set(meta, event, c[1:]), column, distinct=True,
                             span=self._span(meta))

    def aggregate(self, meta: Meta, c: list[Any]) -> ast.Aggregate:
        func, (event, column), *rest = c
        return ast.Aggregate(func, self._event_set(meta, event, rest), column, span=self._span(meta))

    def agg_fn(self, meta: Meta, c: list[Any]) -> str:
        return str(c[0])

    def days_since_last(self, meta: Meta, c: list[Any]) -> ast.Aggregate:
        return ast.Aggregate("days_since_last", c[0], None, span=self._span(meta))

    def tile(self, meta: Meta, c: list[Any]) -> ast.Tile:
        return ast.Tile(5 if c[0] == "quintile" else 10, c[1], span=self._span(meta))

    def tile_fn(self, meta: Meta, c: list[Any]) -> str:
        return str(c[0])

    def date_function(self, meta: Meta, c: list[Any]) -> ast.DateFunction:
        return ast.DateFunction(c[0], c[1], span=self._span(meta))

    def active(self, meta: Meta, c: list[Any]) -> ast.Active:
        return ast.Active(c[0].removeprefix("active_").removesuffix("s"), c[1], span=self._span(meta))

    def sessions(self, meta: Meta, c: list[Any]) -> ast.Sessions:
        amount, unit, gap_span = c[1]
        return ast.Sessions(c[0], amount, unit, gap_span, span=self._span(meta))

    def gap(self, meta: Meta, c: list[Any]) -> tuple[Any, str, ast.Span]:
        return (c[0], c[1], self._span(meta))

    date_fn = active_fn = tile_fn

    def column(self, meta: Meta, c: list[Any]) -> tuple[ast.Name, tuple[ast.Name, ...]]:
        return (c[0], tuple(c[1:]))

    def path(self, meta: Meta, c: list[Any]) -> ast.Path:
        return ast.Path(tuple(c), span=self._span(meta))

    def number(self, meta: Meta, c: list[Any]) -> ast.Literal:
        try:
            value = numbers.literal(str(c[0]))
        except numbers.OutOfRange as exc:
            raise error(str(exc), self._token_span(c[0]), numbers.HINT) from None
        return ast.Literal(value, span=self._span(meta))

    def string(self, meta: Meta, c: list[Any]) -> ast.Literal:
        return ast.Literal(unquote(c[0]), span=self._span(meta))

    def date(self, meta: Meta, c: list[Any]) -> ast.Literal:
        try:
            value = date.fromisoformat(str(c[0]))
        except ValueError:
            raise error(f"{c[0]} is not a calendar date", self._token_span(c[0]),
                        "dates are written YYYY-MM-DD") from None
        return ast.Literal(value, span=self._span(meta))

    def boolean(self, meta: Meta, c: list[Any]) -> ast.Literal:
        return ast.Literal(str(c[0]) == "true", span=self._span(meta))

    def name(self, meta: Meta, c: list[Any]) -> ast.Name:
        text = str(c[0])
        if text.startswith("`"):
            text = text[1:-1]
        return ast.Name(text, span=self._span(meta))


def unquote(token: Token | str) -> str:
    body = str(token)[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)
