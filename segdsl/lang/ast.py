"""The syntax tree of a .seg file: small frozen nodes that only hold fields.

Every node keeps the `Span` of the source it came from, so any later stage
can point a user at the exact spot. Names are not classified here: a bare
`Name` may be a segment, an attribute, a parameter or an event set; the
checker decides (see check.py).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from dataclasses import field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from ..errors import Span as Span  # re-exported: every node carries one
from ..frozen import frozen

T = TypeVar("T")


@frozen
class Node:
    span: Span = field(compare=False, repr=False, kw_only=True)


def rewrite(node: T, change: Callable[[Any], Any]) -> T:
    """The tree with each node for which `change` gives a replacement (not None) replaced; a replaced
    node's own children are not visited."""
    replaced = change(node)
    if replaced is not None:
        return cast(T, replaced)
    if isinstance(node, tuple):
        return cast(T, tuple(rewrite(item, change) for item in node))
    if isinstance(node, Node):
        changes = {f.name: rewrite(getattr(node, f.name), change) for f in fields(node) if f.name != "span"}
        changed = {name: value for name, value in changes.items() if value is not getattr(node, name)}
        return replace(node, **changed) if changed else node
    return node


def walk(node: object) -> Iterator[Any]:
    """Every node of a tree of frozen dataclasses (syntax, checked or planned), parents before children
    (depth first, in field order; without recursing, so a deep tree costs no stack)."""
    pending = list(_nodes_in((node,)))[::-1]
    while pending:
        each = pending.pop()
        yield each
        pending.extend(list(children(each))[::-1])


def children(node: object) -> Iterator[Any]:
    """A node's own child nodes, in field order (tuples of them flattened)."""
    return _nodes_in(tuple(vars(node).values()))


def _nodes_in(values: tuple[Any, ...]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, tuple):
            yield from _nodes_in(value)
        elif hasattr(type(value), "__dataclass_fields__") and not isinstance(value, Span):  # is_dataclass, for
            yield value  # instances only, without its call (this runs for every field of every node walked)


# ---- values -------------------------------------------------------------


@frozen
class Literal(Node):
    """A number (int or Decimal), string, date or boolean written in the source."""

    value: int | Decimal | str | date | bool

    @property
    def kind(self) -> LiteralKind:
        return literal_kind(self.value)


LiteralKind = typing.Literal["number", "string", "date", "boolean"]


def literal_kind(value: object) -> LiteralKind:
    """The language's type name of a literal or parameter value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, Decimal)):
        return "number"
    if isinstance(value, date):
        return "date"
    return "string"


@frozen
class Name(Node):
    name: str


@frozen
class Arithmetic(Node):
    """`a + b - c` or `a * b / c`: operands of one precedence joined left to right by `ops` (one
    fewer). A chain is one node however long, so no stage recurses along it."""

    operands: tuple[Expr, ...]
    ops: tuple[str, ...]  # + - or * /


@frozen
class Negate(Node):
    operand: Expr


@frozen
class Path(Node):
    """`products.category`: names joined by dots, read through lookups (or an event set's name first)."""

    parts: tuple[Name, ...]


@frozen
class Paren(Node):
    """A parenthesised condition or value; the checker unwraps it."""

    inner: Expr


@frozen
class EventSet(Node):
    """`orders [where C] [WINDOW]`: the rows of an event table a condition sees."""

    event: Name
    where: Expr | None
    window: Window | None


@frozen
class Aggregate(Node):
    """count, count distinct, sum, avg, min, max, first, last, median, most_frequent, days_since_last."""

    func: str
    events: EventSet
    column: tuple[Name, ...] | None  # the path after the event set's name; None for count(...), days_since_last(...)
    distinct: bool = False


@frozen
class Tile(Node):
    """quintile(x) or decile(x): 1 = lowest."""

    buckets: int
    operand: Expr


@frozen
class DateFunction(Node):
    """anniversary(x) (a date) or years_since(x) (a number): rule 11."""

    func: str  # anniversary, years_since
    operand: Expr


@frozen
class Active(Node):
    """active_days(E), active_weeks(E), active_months(E): distinct periods with an event (rule 12)."""

    period: str  # day, week, month
    events: EventSet


@frozen
class Sessions(Node):
    """sessions(E, G): runs of events each at most G after the one before (rule 12)."""

    events: EventSet
    gap: Expr
    unit: str  # minute, hour, day, week (month and year are refused by the checker)
    gap_span: Span = field(compare=False, repr=False)  # the amount and its unit


# ---- windows --------------------------------------------------------------


@frozen
class Last(Node):
    """`in last N unit`: the days D-N+1 .. D (months and years by calendar)."""

    amount: Expr
    unit: str  # day, week, month, year


@frozen
class BeforeLast(Node):
    """`before last N unit`: every day up to D-N."""

    amount: Expr
    unit: str


@frozen
class Ago(Node):
    """`between N and M unit ago`: the days D-max(N,M) .. D-min(N,M)."""

    first: Expr
    second: Expr
    unit: str


@frozen
class DateRange(Node):
    """`between A and B`, `since A` (A .. D) or `until B` (up to B); days inclusive."""

    start: Expr | None
    end: Expr | None


@frozen
class Next(Node):
    """`in next N unit`: the days D+1 .. D+N (months and years by calendar); values only."""

    amount: Expr
    unit: str


Window = Last | BeforeLast | Ago | DateRange | Next


# ---- conditions -----------------------------------------------------------


@frozen
class And(Node):
    """`a and b and c`: two or more conditions. A chain is one node however long (see Arithmetic)."""

    operands: tuple[Expr, ...]


@frozen
class Or(Node):
    """`a or b or c`: two or more conditions, one node."""

    operands: tuple[Expr, ...]


@frozen
class Not(Node):
    operand: Expr


@frozen
class CountOf(Node):
    """`at least N of (a, b, ...)` (`at most`, `exactly`): how many of the conditions hold, against N."""

    side: str  # "at least", "at most" or "exactly"
    count: Literal
    operands: tuple[Expr, ...]


@frozen
class Bare(Node):
    """A value standing alone as a condition: a segment's name, usually."""

    value: Expr


@frozen
class Compare(Node):
    op: str  # = != < <= > >=
    left: Expr
    right: Expr


@frozen
class InList(Node):
    subject: Expr
    items: tuple[Expr, ...]
    negated: bool = False


@frozen
class Between(Node):
    """`x between a and b` over values (dates make it a window, see check.py)."""

    subject: Expr
    low: Expr
    high: Expr


@frozen
class InWindow(Node):
    """A date-valued expression tested with a window: `signup_date in last 30 days`."""

    subject: Expr
    window: Window


@frozen
class IsNull(Node):
    subject: Expr
    negated: bool = False


@frozen
class Like(Node):
    subject: Expr
    pattern: Expr
    negated: bool = False


@frozen
class Ranked(Node):
    """`x in top P%` / `x in bottom P%`."""

    subject: Expr
    top: bool
    percent: Expr


@frozen
class Exists(Node):
    """`has EVENTS` (negated=False) or `no EVENTS` (negated=True)."""

    events: EventSet
    negated: bool = False


@frozen
class Matching(Node):
    """`matching COL` (one path, both steps') or `matching a.col = b.col` (the previous step's, then this one's)."""

    previous: tuple[Name, ...]
    current: tuple[Name, ...] | None = None


@frozen
class Step(Node):
    """`then [no] B within N unit [matching ...]`: a step of a sequence after its first."""

    events: EventSet
    within: Expr
    unit: str
    negated: bool = False
    matching: Matching | None = None


@frozen
class Sequence(Node):
    """`A then B within N unit ...`: a first event set and the steps after it (rules 6 and 15)."""

    first: EventSet
    steps: tuple[Step, ...]


Expr = (
    Literal | Name | Path | Arithmetic | Negate | Paren | Aggregate | Tile | DateFunction | Active | Sessions
    | And | Or | Not | CountOf | Bare
    | Compare | InList | Between | InWindow | IsNull | Like | Ranked | Exists | Sequence
)


# ---- statements -----------------------------------------------------------


@frozen
class Join(Node):
    """`with LOOKUP on COLUMN`: each row sees the lookup's row whose key equals its column (rule 16)."""

    lookup: Name
    on: Name


@frozen
class Entity(Node):
    name: Name
    table: tuple[Name, ...]
    key: Name
    joins: tuple[Join, ...] = ()
    json: tuple[Name, ...] = ()  # `json COL, ...`: columns that hold JSON objects (rule 17)


@frozen
class LookupDecl(Node):
    """`lookup NAME from TABLE key COLUMN [with ...]`: a table of things, one row per key (rule 16)."""

    name: Name
    table: tuple[Name, ...]
    key: Name
    joins: tuple[Join, ...] = ()
    json: tuple[Name, ...] = ()


@frozen
class EventDecl(Node):
    name: Name
    table: tuple[Name, ...]
    by: Name
    at: Name
    time_type: str  # "date" or "timestamp"
    where: Expr | None
    local: bool = False  # `local`: its times are wall-clock times in the program's zone
    joins: tuple[Join, ...] = ()
    json: tuple[Name, ...] = ()


@frozen
class ParamDecl(Node):
    name: Name
    value: Literal


@frozen
class SegmentDecl(Node):
    name: Name
    description: str | None
    condition: Expr


@frozen
class Rule(Node):
    label: Name | Literal
    condition: Expr


@frozen
class SegmentationDecl(Node):
    name: Name
    description: str | None
    rules: tuple[Rule, ...]
    otherwise: Name | Literal


@frozen
class TraitDecl(Node):
    """`trait NAME ["description"] = VALUE`: a named value per customer (LANGUAGE.md, rule 14)."""

    name: Name
    description: str | None
    value: Expr


@frozen
class Share(Node):
    """`LABEL P%`: a split's label and its share of the buckets."""

    label: Name | Literal
    percent: Literal


@frozen
class SplitDecl(Node):
    """`split NAME ["description"] [of S] salt "TEXT":` and its shares (LANGUAGE.md, rule 18)."""

    name: Name
    description: str | None
    of: Name | None
    salt: Literal
    shares: tuple[Share, ...]


@frozen
class Import(Node):
    path: str


@frozen
class TimezoneDecl(Node):
    """`timezone "Europe/Berlin"`: the program's calendar (LANGUAGE.md, rule 9)."""

    zone: str
    zone_span: Span = field(compare=False, repr=False)  # where the quoted name is written


Statement = (Entity | EventDecl | ParamDecl | SegmentDecl | SegmentationDecl | TraitDecl | SplitDecl | Import
             | TimezoneDecl | LookupDecl)


@frozen
class Module:
    """One parsed file."""

    file: str
    statements: tuple[Statement, ...]
