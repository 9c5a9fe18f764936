"""`segdsl fmt`: every .seg file in one canonical layout, comments kept in place.

The formatter reprints the file's own tokens, in their order, from a parse
tree that keeps every token (so the program cannot change: only spacing,
line breaks, quotes, `<>` -> `!=`, unit plurals and a dropped trailing comma
differ), and it re-parses its output to make sure of that. Comments are
found in the gaps between tokens: one after code on its line stays at the
end of that token's line; one on a line of its own stays on its own line
before the next token. The layout:

- one blank line between segments, segmentations and declarations of
  different kinds; blank lines the author put between declarations of one
  kind, or around comments, are kept (at most one);
- runs of `events` declarations aligned in columns, trailing comments of a
  run of one-line declarations aligned;
- segment bodies, segmentation rules and split shares indented 4 spaces, labels aligned;
- a condition longer than the line broken before its top-level `and`/`or`
  (then inside parentheses and lists, which open onto their own lines);
- a journey longer than the line broken before each `then`, its steps one
  level deeper than the condition (a step's `matching` stays with it);
- strings in double quotes, one space around operators and keywords.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from lark import Lark, Token, Tree

from ..errors import SegdslError, error
from ..frozen import frozen
from ..lang import ast
from ..lang import parse as parse_module
from ..lang.depth import CHAINS
from ..lang.source import read_file
from .layout import HARD, LINE, SOFT, Doc, Group, Nest, render

WIDTH = 88
INDENT = 4

_FUNCTIONS = {"count", "days_since_last", "sum", "avg", "min", "max", "first", "last", "quintile", "decile",
              "anniversary", "years_since", "active_days", "active_weeks", "active_months", "sessions", "median",
              "most_frequent"}
_TIGHT_BEFORE = {")", ",", "%", ":"}
_SINGULAR = {"days": "day", "weeks": "week", "months": "month", "years": "year", "hours": "hour", "minutes": "minute"}
_PLURAL = {singular: plural for plural, singular in _SINGULAR.items()}
_UNIT_RULES = {"unit", "gap_unit"}  # a window's or within's unit; a session gap's (minutes and hours too)
_BREAKS_RUNS = {"segment_decl", "segmentation_decl", "split_decl"}
_ALIGNED_KINDS = {"event_decl", "param_decl", "import_decl"}

_Node = Tree[Token] | Token  # a child in the parse tree: a rule's subtree or a token

token_position = parse_module.token_position  # lark types a token's positions `int | None`; a parsed one has them


def _start(token: Token) -> int:
    """Where a token starts: its key in the formatter's tables (comments, spellings, drops)."""
    return token_position(token.start_pos)


@functools.lru_cache(maxsize=1)
def _token_parser() -> Lark:
    return Lark(parse_module.grammar_text(), parser="lalr", keep_all_tokens=True, maybe_placeholders=False)


def format_text(text: str, file: str = "<string>") -> str:
    """The canonical layout of a program, or a SegdslError if it does not parse."""
    try:
        before = parse_module.parse(text, file)
    except SegdslError as exc:
        exc.sources.setdefault(file, text)
        raise
    result = _Formatter(text, _token_parser().parse(text)).format()
    if _normalized(parse_module.parse(result, file)) != _normalized(before):
        raise error(f"{file}: formatting would change the program, so the file is left as it is",
                    None, "this is a bug in segdsl fmt: please report it with the file")
    return result


def _normalized(module: ast.Module) -> tuple[ast.Statement, ...]:
    """The statements, with import paths unquoted (the formatter may change their quotes)."""
    return tuple(ast.Import(_unquoted_path(s.path), span=s.span) if isinstance(s, ast.Import) else s
                 for s in module.statements)


def _unquoted_path(path: str) -> str:
    return parse_module.unquote(path) if path[:1] in ("'", '"') and path[-1:] == path[:1] else path


def format_file(path: str | Path, write: bool = True) -> bool:
    """Format one file in place (unless `write` is false); True when its text changes."""
    text = read_file(path)
    formatted = format_text(text, str(path))
    if formatted == text:
        return False
    if write:
        _overwrite(Path(path), formatted)
    return True


def _overwrite(path: Path, text: str) -> None:
    """Write the file in place (keeping its inode, owner and links); a write that fails part way (a full
    disk) puts the old bytes back if it can."""
    before = path.read_bytes()
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        hint = ("the file is left as it was" if _put_back(path, before)
                else "the file may be cut short: its old text could not be put back")
        raise error(f"cannot write {path}: {exc.strerror or exc}", None, hint) from None


def _put_back(path: Path, before: bytes) -> bool:
    """Whether the file holds `before` again."""
    try:
        if path.read_bytes() != before:
            path.write_bytes(before)
        return path.read_bytes() == before
    except OSError:
        return False


def seg_files(paths: list[str]) -> list[str]:
    """The files named, with each folder replaced by the .seg files under it."""
    found: list[str] = []
    for path in paths:
        if Path(path).is_dir():
            found += sorted(str(p) for p in Path(path).rglob("*.seg") if p.is_file())
        else:
            found.append(path)
    return found


# ---- comments ---------------------------------------------------------------


@frozen
class Comment:
    text: str
    line: int


@dataclass
class _Comments:
    """Comments by the token they belong to: on its line after it, or on lines before it."""

    trailing: dict[int, Comment]  # token start -> the comment ending its line
    leading: dict[int, list[Comment]]  # token start -> full-line comments before it
    final: list[Comment]  # full-line comments after the last token


def _comments(text: str, tokens: list[Token]) -> _Comments:
    found = _Comments({}, {}, [])
    previous: Token | None = None
    for token in [*tokens, None]:
        start = token_position(previous.end_pos) if previous is not None else 0
        end = _start(token) if token is not None else len(text)
        for match in re.finditer(r"#[^\n]*", text[start:end]):
            line = text.count("\n", 0, start + match.start()) + 1
            comment = Comment(match.group().rstrip(), line)
            if previous is not None and previous.end_line == line:
                found.trailing[_start(previous)] = comment
            elif token is not None:
                found.leading.setdefault(_start(token), []).append(comment)
            else:
                found.final.append(comment)
        previous = token
    return found


def _tokens(tree: Tree[Token]) -> list[Token]:
    """Every token of a tree, in order (without recursing: a long chain is a deep parse tree)."""
    found: list[Token] = []
    pending: list[_Node] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, Token):
            found.append(node)
        else:
            pending.extend(reversed(node.children))
    return found


# ---- documents from the parse tree -------------------------------------------


@frozen
class _Piece:
    """A document and the tokens at its two ends (which decide the spacing around it)."""

    doc: Doc
    first: Token
    last: Token


class _Formatter:
    def __init__(self, text: str, tree: Tree[Token]) -> None:
        self.text = text
        self.tree = tree
        self.comments = _comments(text, _tokens(tree))
        self.spelling: dict[int, str] = {}  # token start -> canonical text
        self.dropped: set[int] = set()
        self.tight_after: set[int] = set()  # unary minus
        self._canonicalize(tree)

    # -- token level
    def _canonicalize(self, tree: Tree[Token]) -> None:
        for node in tree.iter_subtrees():
            if node.data == "neg":
                self.tight_after.add(_start(_as_token(node.children[0])))
            elif node.data == "cmp_op" and node.children[0] == "<>":
                self.spelling[_start(_as_token(node.children[0]))] = "!="
            elif node.data == "value_list" and node.children[-1] == ",":
                comma = _as_token(node.children[-1])
                if comma.start_pos not in self.comments.trailing and comma.start_pos not in self.comments.leading:
                    self.dropped.add(_start(comma))
            units = [c for c in node.children if isinstance(c, Tree) and c.data in _UNIT_RULES]
            if units:
                self._unit(_as_token(units[0].children[0]), _amounts(node))
        for token in _tokens(tree):
            if token.type == "STRING" and token.startswith("'"):
                self.spelling[_start(token)] = _double_quoted(parse_module.unquote(token))
            elif token.type == "COUNT_SIDE":  # `at   least` (a line break between the words): one space
                self.spelling[_start(token)] = " ".join(token.split())

    def _unit(self, unit: Token, amounts: list[_Node]) -> None:
        one = bool(amounts) and all(isinstance(a, Tree) and a.data == "number" and a.children[0] == "1"
                                    for a in amounts)
        word = _SINGULAR.get(str(unit), str(unit)) if one else _PLURAL.get(str(unit), str(unit))
        self.spelling[_start(unit)] = word

    def token(self, token: Token) -> _Piece:
        doc: list[Doc] = []
        for comment in self.comments.leading.pop(_start(token), []):
            doc += [HARD, comment.text, HARD]
        doc.append(self.spelling.get(_start(token), str(token)))
        trailing = self.comments.trailing.pop(_start(token), None)
        if trailing is not None:
            doc += ["  " + trailing.text, HARD]
        return _Piece(doc, token, token)

    def _space(self, left: Token, right: Token) -> str:
        if right in _TIGHT_BEFORE or left == "(" or left == "." or right == ".":
            return ""
        if left.start_pos in self.tight_after:
            return ""
        if right == "(" and left in _FUNCTIONS and left.type != "NAME":
            return ""
        return " "

    def join(self, pieces: list[_Piece]) -> _Piece:
        doc: list[Doc] = []
        for i, piece in enumerate(pieces):
            if i:
                doc.append(self._space(pieces[i - 1].last, piece.first))
            doc.append(piece.doc)
        return _Piece(doc, pieces[0].first, pieces[-1].last)

    def build(self, node: _Node) -> _Piece:
        if isinstance(node, Token):
            return self.token(node)
        handler: Callable[[Tree[Token]], _Piece] | None = getattr(self, "visit_" + node.data, None)
        if handler is not None:
            return handler(node)
        return self.join([self.build(c) for c in node.children if not self._is_dropped(c)])

    # -- declarations
    def visit_event_decl(self, node: Tree[Token]) -> _Piece:
        return self._declaration(node)

    def visit_entity_decl(self, node: Tree[Token]) -> _Piece:
        return self._declaration(node)

    def visit_lookup_decl(self, node: Tree[Token]) -> _Piece:
        return self._declaration(node)

    def _declaration(self, node: Tree[Token]) -> _Piece:
        """A declaration with its joins each on a line of its own, indented (a filter after the last)."""
        children = [c for c in node.children if not self._is_dropped(c)]
        joins = [i for i, c in enumerate(children) if isinstance(c, Tree) and c.data == "join"]
        if not joins:
            return self.join([self.build(c) for c in children])
        header = self.join([self.build(c) for c in children[:joins[0]]])
        lines = [self.join([self.build(children[i])]) for i in joins]
        rest = children[joins[-1] + 1:]
        if rest:
            lines[-1] = self.join([lines[-1], *(self.build(c) for c in rest)])
        body: list[Doc] = [d for line in lines for d in (HARD, line.doc)]
        return _Piece([header.doc, Nest(INDENT, body)], header.first, lines[-1].last)

    def _is_dropped(self, node: _Node) -> bool:
        return isinstance(node, Token) and node.start_pos in self.dropped

    def hoisted(self, node: _Node, build: Callable[[], _Piece]) -> _Piece:
        """`build()`'s document as a group, with the comments before its first and after
        its last token outside the group (so that they do not force it to break)."""
        tokens = [node] if isinstance(node, Token) else _tokens(node)
        before = [d for c in self.comments.leading.pop(_start(tokens[0]), []) for d in (HARD, c.text, HARD)]
        trailing = self.comments.trailing.pop(_start(tokens[-1]), None)
        inner = build()
        after = ["  " + trailing.text, HARD] if trailing is not None else []
        return _Piece([*before, Group(inner.doc), *after], inner.first, inner.last)

    # -- conditions
    def chain(self, node: Tree[Token], nest: int) -> _Piece:
        """An and/or chain: operands joined by lines that break before each operator."""
        operands: list[_Node] = []
        operators: list[Token] = []
        pending: list[tuple[bool, _Node]] = [(False, node)]  # (is an operator, node), without recursing
        while pending:
            is_operator, n = pending.pop()
            if is_operator:
                operators.append(_as_token(n))
            elif _is_chain(n):
                left, operator, right = n.children
                pending += [(False, right), (True, operator), (False, left)]
            else:
                operands.append(n)
        first = self.build(operands[0])
        doc: list[Doc] = [first.doc]
        last = first.last
        for operator, operand in zip(operators, operands[1:]):
            built = self.build(operand)
            doc += [LINE, self.token(operator).doc, " ", built.doc]
            last = built.last
        return _Piece(Nest(nest, doc), first.first, last)

    def condition(self, node: _Node, nest: int = 0) -> _Piece:
        """A condition on lines of its own: a chain breaks before its operators, with
        continuation lines indented `nest` more; a journey before its steps."""
        if _is_chain(node):
            return self.hoisted(node, lambda: self.chain(node, nest))
        if _is_journey(node):
            return self.hoisted(node, lambda: self.steps(node))
        return self.build(node)

    def steps(self, node: Tree[Token]) -> _Piece:
        """A journey: when it does not fit, each `then` step on a line of its own, one level deeper."""
        first, *steps = (self.build(c) for c in node.children)
        doc: list[Doc] = [first.doc]
        for step in steps:
            doc += [LINE, step.doc]
        return _Piece(Nest(INDENT, doc), first.first, steps[-1].last)

    def visit_journey(self, node: Tree[Token]) -> _Piece:
        steps = self.steps(node)
        return _Piece(Group(steps.doc), steps.first, steps.last)

    def visit_or_(self, node: Tree[Token]) -> _Piece:
        chain = self.chain(node, INDENT)
        return _Piece(Group(chain.doc), chain.first, chain.last)

    visit_and_ = visit_or_

    def visit_add(self, node: Tree[Token]) -> _Piece:
        """An arithmetic chain, `a + b - c`, its operands and operators in a row (without recursing along it)."""
        chain = CHAINS[node.data]
        later: list[_Node] = []
        first: _Node = node
        while isinstance(first, Tree) and CHAINS.get(first.data) == chain:
            later += reversed(first.children[1:])
            first = first.children[0]
        return self.join([self.build(part) for part in [first, *reversed(later)]])

    visit_sub = visit_mul = visit_div = visit_add

    def visit_paren(self, node: Tree[Token]) -> _Piece:
        open_, inner, close = node.children
        return self.bracketed(self.token(_as_token(open_)), [self.condition(inner)], self.token(_as_token(close)))

    def bracketed(self, open_: _Piece, items: list[_Piece], close: _Piece,
                  separators: Sequence[_Piece] = ()) -> _Piece:
        """`( items )`, which breaks onto indented lines of their own when it does not fit."""
        inner: list[Doc] = [SOFT]
        for i, item in enumerate(items):
            inner.append(item.doc)
            if i < len(separators):
                inner += [separators[i].doc, LINE]
        return _Piece(Group([open_.doc, Nest(INDENT, inner), SOFT, close.doc]), open_.first, close.last)

    def listed(self, head: list[_Node], open_: _Node, listed: list[_Node], close: _Node,
               build: Callable[[_Node], _Piece]) -> _Piece:
        """`head (a, b, c)`: the items, each built by `build`, bracketed; a dropped trailing comma left out."""
        items = [c for c in listed if not (isinstance(c, Token) and c == ",")]
        commas = [self.token(c) for c in listed if isinstance(c, Token) and c == "," and not self._is_dropped(c)]
        bracket = self.bracketed(self.token(_as_token(open_)), [build(i) for i in items], self.token(_as_token(close)),
                                 commas)
        return self.join([*(self.build(c) for c in head), bracket])

    def visit_in_list(self, node: Tree[Token]) -> _Piece:
        *head, open_, values, close = node.children
        return self.listed(head, open_, _as_tree(values).children, close, self.build)

    visit_not_in_list = visit_in_list

    def visit_count_of(self, node: Tree[Token]) -> _Piece:
        """`at least N of (a, b, c)`: the conditions on indented lines of their own when they do not fit."""
        at = next(i for i, c in enumerate(node.children) if isinstance(c, Token) and c == "(")
        return self.listed(node.children[:at], node.children[at], node.children[at + 1:-1], node.children[-1],
                           lambda condition: self.condition(condition, INDENT))

    # -- statements
    def visit_segment_decl(self, node: Tree[Token]) -> _Piece:
        *head, body = node.children
        header = self.join([self.build(c) for c in head])
        condition = self.condition(body)
        return _Piece([header.doc, Nest(INDENT, [HARD, condition.doc])], header.first, condition.last)

    def visit_trait_decl(self, node: Tree[Token]) -> _Piece:
        """`trait NAME "description" = VALUE` on one line, or broken after `=` with the value indented."""
        *head, body = node.children
        header = self.join([self.build(c) for c in head])
        value = self.hoisted(body, lambda: self.build(body))
        return _Piece(Group([header.doc, Nest(INDENT, [LINE, value.doc])]), header.first, value.last)

    def visit_segmentation_decl(self, node: Tree[Token]) -> _Piece:
        children = list(node.children)
        otherwise = self.join([self.build(c) for c in children[-2:]])
        rules = [c for c in children if isinstance(c, Tree) and c.data == "rule"]
        header = self.join([self.build(c) for c in children[: children.index(rules[0])]])
        width = max(len(self._label_text(_as_tree(r.children[0]))) for r in rules)
        column = width + len(" when ")  # where the conditions start, after the rules' indent
        body: list[Doc] = []
        for rule in rules:
            label, when, condition = rule.children
            text = self._label_text(_as_tree(label))
            built = self.condition(condition, column).doc
            body += [HARD, self.build(label).doc, " " * (width - len(text) + 1), self.token(_as_token(when)).doc, " ",
                     Nest(column, built) if _is_journey(condition) else built]  # steps deeper than the condition
        body += [HARD, otherwise.doc]
        return _Piece([header.doc, Nest(INDENT, body)], header.first, otherwise.last)

    def visit_split_decl(self, node: Tree[Token]) -> _Piece:
        """A split's shares on lines of their own, indented, their percentages aligned."""
        children = list(node.children)
        shares = [c for c in children if isinstance(c, Tree) and c.data == "share"]
        header = self.join([self.build(c) for c in children[: children.index(shares[0])]])
        width = max(len(self._label_text(_as_tree(share.children[0]))) for share in shares)
        body: list[Doc] = []
        last = header.last
        for share in shares:
            label, *percent = share.children
            rest = self.join([self.build(c) for c in percent])
            body += [HARD, self.build(label).doc, " " * (width - len(self._label_text(_as_tree(label))) + 1), rest.doc]
            last = rest.last
        return _Piece([header.doc, Nest(INDENT, body)], header.first, last)

    def _label_text(self, label: Tree[Token]) -> str:
        token = _tokens(label)[0]
        return self.spelling.get(_start(token), str(token))

    # -- the file
    def format(self) -> str:
        statements = [s for s in self.tree.children if isinstance(s, Tree)]
        blocks = [self._block(s) for s in statements]
        _align(blocks)
        out: list[str] = []
        previous: _Block | None = None
        for block in blocks:
            out += self._gap(previous, block)
            out += block.lines
            previous = block
        out += self._gap(previous, None)
        return "\n".join(out) + "\n" if out else ""

    def _block(self, statement: Tree[Token]) -> _Block:
        tokens = _tokens(statement)
        leading = self.comments.leading.pop(_start(tokens[0]), [])
        trailing = self.comments.trailing.pop(_start(tokens[-1]), None)
        inner_comments = any(t.start_pos in self.comments.trailing or t.start_pos in self.comments.leading
                             for t in tokens)
        columns = None
        joins = any(isinstance(c, Tree) and c.data == "join" for c in statement.children)
        if statement.data == "event_decl" and not inner_comments and not joins:  # joins take lines of their own
            columns = self._event_columns(statement)
        lines = render(self.build(statement).doc, WIDTH)
        return _Block(statement.data, lines, leading, trailing, token_position(tokens[0].line),
                      token_position(tokens[-1].end_line),
                      one_line=len(lines) == 1 and not inner_comments, columns=columns)

    def _event_columns(self, statement: Tree[Token]) -> list[str]:
        """`events NAME`, `from TABLE`, `by KEY` and the rest, each as its own text."""
        children = statement.children
        parts = [children[:2], children[2:4], children[4:6], children[6:]]
        return [" ".join(render(self.join([self.build(c) for c in part]).doc, 10**9)) for part in parts]

    def _gap(self, previous: _Block | None, following: _Block | None) -> list[str]:
        """The comments and blank lines between two statements (or a file's ends)."""
        comments = following.leading if following is not None else self.comments.final
        lines_at = [previous.end_line if previous else None, *(c.line for c in comments),
                    following.start_line if following else None]
        texts = [c.text for c in comments]
        blank = [a is not None and b is not None and b - a > 1 for a, b in zip(lines_at, lines_at[1:])]
        if previous is not None and following is not None and not any(blank) and (
                previous.kind != following.kind or following.kind in _BREAKS_RUNS):
            blank[0] = True
        out: list[str] = []
        for i, text in enumerate(texts):
            out += [""] * blank[i] + [text]
        if following is not None:
            out += [""] * blank[-1]
        return out


@dataclass
class _Block:
    """One statement's lines, the comments around it and where it stood in the source."""

    kind: str
    lines: list[str]
    leading: list[Comment]
    trailing: Comment | None
    start_line: int
    end_line: int
    one_line: bool
    columns: list[str] | None = None


def _align(blocks: list[_Block]) -> None:
    """Columns of runs of one-line events, then trailing comments of one-line runs, aligned."""
    runs: list[list[_Block]] = []
    for i, block in enumerate(blocks):
        previous = blocks[i - 1] if i else None
        if (previous is not None and block.kind == previous.kind and block.kind in _ALIGNED_KINDS
                and block.one_line and previous.one_line and _adjacent(previous, block)):
            runs[-1].append(block)
        else:
            runs.append([block])
    for run in runs:
        columns = [b.columns for b in run if b.columns is not None]
        if len(columns) == len(run):
            widths = [max(len(cs[i]) for cs in columns) for i in range(3)]
            for b, cs in zip(run, columns):
                b.lines = [" ".join([*(c.ljust(w) for c, w in zip(cs, widths)), cs[3]])]
        commented = [(b, b.trailing) for b in run if b.trailing is not None]
        column = max(len(b.lines[-1]) for b in run) + 2 if len(run) > 1 and all(b.one_line for b in run) else None
        for b, trailing in commented:
            pad = column - len(b.lines[-1]) if column is not None else 2
            b.lines[-1] += " " * pad + trailing.text


def _adjacent(previous: _Block, block: _Block) -> bool:
    """No blank line between two statements (comment lines may be)."""
    lines = [previous.end_line, *(c.line for c in block.leading), block.start_line]
    return all(b - a == 1 for a, b in zip(lines, lines[1:]))


def _is_chain(node: _Node) -> TypeGuard[Tree[Token]]:
    return isinstance(node, Tree) and node.data in ("or_", "and_")


def _is_journey(node: _Node) -> TypeGuard[Tree[Token]]:
    return isinstance(node, Tree) and node.data == "journey"


def _as_token(node: _Node) -> Token:
    """A child where the grammar puts a token (a keyword, an operator, a bracket, a unit)."""
    if not isinstance(node, Token):
        raise TypeError(f"a token expected in the parse tree, not a {node.data} subtree")
    return node


def _as_tree(node: _Node) -> Tree[Token]:
    """A child where the grammar puts a rule's subtree (a label, a list of values)."""
    if not isinstance(node, Tree):
        raise TypeError(f"a subtree expected in the parse tree, not the token {node!r}")
    return node


def _amounts(node: Tree[Token]) -> list[_Node]:
    """The amounts a unit counts: `between A and B days ago`, else the one before the unit."""
    if node.data == "ago":
        return [node.children[1], node.children[3]]
    at = next(i for i, c in enumerate(node.children) if isinstance(c, Tree) and c.data in _UNIT_RULES)
    return [node.children[at - 1]]


def _double_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'
