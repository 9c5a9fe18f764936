"""The checked program: what the planner and SQL generator consume.

The checker (check.py) turns the syntax tree into these nodes. Unlike the
syntax tree's, their types say what checking guarantees: names are resolved
(a segment, an entity attribute, an event column, a segmentation's label),
parameters are replaced by their values (remembering the parameter's name
where dbt asks), window amounts and `within` are whole numbers, date bounds
are dates, functions, units and operators are `Literal`s, and parentheses are
gone. Conditions and values are two families (`Condition`, `Value`); a
constant is both (`true` is a condition, `3` a value). The planner adds leaves
of its own to both families (compile/plan.py), which is why they are open
base classes and not closed unions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Literal

from ..frozen import frozen
from .ast import LiteralKind, Node, Span, literal_kind, walk

Kind = LiteralKind | Literal["timestamp", "unknown"]
TimeKind = Literal["date", "timestamp"]
JsonKind = Literal["text", "number", "date", "boolean"]  # what a JSON value is read as (rule 17)
TimeColumn = Literal["date", "timestamp", "local"]  # days, UTC instants, wall-clock times in the zone (rule 9)
Unit = Literal["day", "week", "month", "year", "hour", "minute"]
ClockUnit = Literal["hour", "minute"]  # units of elapsed time from the as-of instant (rule 10)
CLOCK_UNITS: tuple[ClockUnit, ...] = ("hour", "minute")
AggregateFunc = Literal["count", "sum", "avg", "min", "max", "first", "last", "median", "most_frequent",
                        "days_since_last"]
CompareOp = Literal["=", "!=", "<", "<=", ">", ">="]
ArithmeticOp = Literal["+", "-", "*", "/"]
ConstantValue = int | Decimal | str | date | bool
SPLIT_BUCKETS = 10_000  # a split's buckets (rule 18): 1% is 100 of them


def show_value(value: object) -> str:
    """A constant's value as the language writes it (a string quoted, a decimal without an exponent)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return str(value)


class Value:
    """A value: a constant, a column, an aggregate, arithmetic, a ranking's tile (and planned values)."""

    __slots__ = ()


class Condition:
    """A condition: logic, comparisons, windows, rankings, event tests (and planned tests)."""

    __slots__ = ()


def span_of(node: Value | Condition) -> Span | None:
    """Where a checked value or condition is written (a planned one is written nowhere)."""
    return node.span if isinstance(node, Node) else None


# a condition or a value written outside the program (a profile item, an outcome), checked, with its kind
CheckedItem = tuple[Condition | Value, Kind | Literal["condition"]]


# ---- constants and windows ------------------------------------------------------------------------


@frozen
class Constant(Node, Value, Condition):
    """A literal or a parameter's value; `param` names the parameter when the checker was asked to
    keep it (segdsl dbt reads parameters when the model runs)."""

    value: ConstantValue
    param: str | None = None

    @property
    def kind(self) -> LiteralKind:
        return literal_kind(self.value)


@frozen
class Amount(Node):
    """A whole number of days, weeks, months or years (0 or more), perhaps from a parameter."""

    value: int
    param: str | None = None


@frozen
class Bound(Node):
    """A date bounding a range, perhaps from a parameter."""

    value: date
    param: str | None = None


@frozen
class Pattern(Node):
    """A like pattern, perhaps from a parameter."""

    value: str
    param: str | None = None


@frozen
class Percent(Node):
    """P of top/bottom P%: above 0 and at most 100, perhaps from a parameter."""

    value: int | Decimal
    param: str | None = None


@frozen
class Last(Node):
    """`in last N unit`: the days D-N+1 .. D (months and years by calendar)."""

    amount: Amount
    unit: Unit


@frozen
class BeforeLast(Node):
    """`before last N unit`: every day up to D-N."""

    amount: Amount
    unit: Unit


@frozen
class Ago(Node):
    """`between N and M unit ago`: the days D-max(N,M) .. D-min(N,M)."""

    first: Amount
    second: Amount
    unit: Unit


@frozen
class DateRange(Node):
    """`between A and B`, `since A` (A .. D) or `until B` (up to B); whole days, both included."""

    start: Bound | None
    end: Bound | None


@frozen
class Next(Node):
    """`in next N unit` on a date value: the days D+1 .. D+N (months and years by calendar, rule 11)."""

    amount: Amount
    unit: Unit


Window = Last | BeforeLast | Ago | DateRange | Next


# ---- values ---------------------------------------------------------------------------------------


def row_name(name: str, via: tuple[str, ...], keys: tuple[str, ...] = (), as_kind: JsonKind | None = None) -> str:
    """The name a column has in the rows a scan reads: its own, or for a lookup's column the lookups' names
    and its own joined by two underscores (`products__category`), the name the join gives it (rule 16); for
    a value inside a JSON column its keys follow (`properties__utm__source`), and what it is read as unless
    text (`properties__price__number`; `product_id__text` for a plain column read as text) (rule 17)."""
    parts = [*via, name, *map(_key_name, keys)]
    if as_kind is not None and (as_kind != "text" or not keys):
        parts.append(as_kind)
    return "__".join(parts)


_PLAIN_KEY = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


def _key_name(key: str) -> str:
    """A JSON key as part of a row name: itself where it is a plain lower-case word of at most 30 characters;
    else its plain part and a short hash (keys differing by case, spaces or dots stay apart)."""
    if _PLAIN_KEY.fullmatch(key) and len(key) <= 30:
        return key
    import hashlib  # only here: loading it costs every command 2 ms

    plain = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")[:20]
    return f"{plain or 'key'}_{hashlib.md5(key.encode()).hexdigest()[:6]}"


@frozen
class Attribute(Node, Value):
    """A column of the entity table, or of a lookup it joins (`via` the lookups' names, in join order); or the
    value at `keys` inside a JSON column, read as `as_kind` (rule 17)."""

    name: str
    via: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    as_kind: JsonKind | None = None  # None: the column as it is

    @property
    def row_name(self) -> str:
        return row_name(self.name, self.via, self.keys, self.as_kind)

    @property
    def written(self) -> str:
        return ".".join((*self.via, self.name, *map(written_key, self.keys)))


@frozen
class EventColumn(Node, Value):
    """A column of an event table, inside that event set's filter or an aggregate over it; or of a lookup
    the table joins (`via` the lookups' names, in join order: `orders.products.brands.name`); or the value at
    `keys` inside a JSON column, read as `as_kind` (`tracks.properties.utm.source`, rule 17)."""

    name: str
    via: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    as_kind: JsonKind | None = None  # None: the column as it is

    @property
    def row_name(self) -> str:
        return row_name(self.name, self.via, self.keys, self.as_kind)

    @property
    def written(self) -> str:
        """The column as the program writes it after the event set's name."""
        return ".".join((*self.via, self.name, *map(written_key, self.keys)))


def written_key(key: str) -> str:
    """A JSON key as a program writes it: bare where it is a name, else in backticks."""
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) and key not in RESERVED_NAMES else f"`{key}`"


# words that are never names in the grammar (grammar/segdsl.lark, NAME)
RESERVED_NAMES = frozenset({"and", "or", "not", "in", "is", "like", "between", "then", "within", "where", "when",
                            "else", "null", "true", "false"})


@frozen
class LabelOf(Node, Value):
    """A segmentation's label used as a value: `lifecycle = "champion"`."""

    name: str


@frozen
class TraitRef(Node, Value):
    """A trait used as a value: `ltv > 500` (rule 14)."""

    name: str


@frozen
class Bucket(Node, Value):
    """A customer's bucket in a split, 0 to 9999: the first 8 hex digits of MD5(salt + ":" + key as text),
    read as an integer, mod 10000 (rule 18)."""

    split: str  # the split's name, which names the bucket's column
    salt: str


@frozen
class Arithmetic(Node, Value):
    """Operands of one precedence joined left to right by `ops` (one fewer): `a + b - c` is one node."""

    operands: tuple[Value, ...]
    ops: tuple[ArithmeticOp, ...]


@frozen
class Negate(Node, Value):
    operand: Value


@frozen
class DayOf(Node, Value):
    """The calendar day of a value: what it is compared as with a date constant (whole days)."""

    operand: Value
    column: TimeColumn | None = None  # what the value holds, where it is an event time: its day is in the zone


@frozen
class EventRef(Node):
    """A declared event set, by name."""

    name: str


@frozen
class EventSet(Node):
    """The rows of a declared event table a condition sees: its filter and window."""

    event: EventRef
    where: Condition | None
    window: Window | None


@frozen
class Aggregate(Node, Value):
    """count, sum, avg, min, max, first, last, median, most_frequent or days_since_last over an event set."""

    func: AggregateFunc
    events: EventSet
    column: EventColumn | None  # None for count(...) and days_since_last(...)
    distinct: bool = False


@frozen
class Tile(Node, Value):
    """quintile(x) or decile(x): 1 = lowest."""

    buckets: Literal[5, 10]
    operand: Value


@frozen
class Anniversary(Node, Value):
    """The first day on or after D with the operand's month and day (29 February counts as 28 February
    in a year without it): rule 11. Missing where the operand is."""

    operand: Value


@frozen
class YearsSince(Node, Value):
    """Whole years from the operand's day to D, by the anniversary rule (rule 11)."""

    operand: Value


Period = Literal["day", "week", "month"]


@frozen
class ActivePeriods(Node, Value):
    """active_days/weeks/months(E): the distinct periods counted back from D that hold an event of E
    (rule 12); 0 without events."""

    period: Period
    events: EventSet


@frozen
class Sessions(Node, Value):
    """sessions(E, G): the instants t of events of E with no event of E in [t - G, t) (rule 12)."""

    events: EventSet
    gap: Amount  # minutes


# ---- conditions -----------------------------------------------------------------------------------


@frozen
class SegmentRef(Node, Condition):
    name: str


@frozen
class And(Node, Condition):
    """Two or more conditions that all hold: a chain `a and b and c` is one node however long."""

    operands: tuple[Condition, ...]


@frozen
class Or(Node, Condition):
    """Two or more conditions of which one holds, one node."""

    operands: tuple[Condition, ...]


@frozen
class Not(Node, Condition):
    operand: Condition


@frozen
class CountOf(Node, Condition):
    """`at least N of (...)` (`>=`), `at most` (`<=`), `exactly` (`=`): how many of the operands hold, each
    true or false (rules 3, 13), compared with N."""

    op: CompareOp
    count: int
    operands: tuple[Condition, ...]


@frozen
class Compare(Node, Condition):
    op: CompareOp
    left: Value
    right: Value


@frozen
class InList(Node, Condition):
    subject: Value
    items: tuple[Constant, ...]
    negated: bool = False


@frozen
class Between(Node, Condition):
    """`x between a and b` over values (between two dates it is a window: InWindow)."""

    subject: Value
    low: Value
    high: Value


@frozen
class InWindow(Node, Condition):
    """A date-like value in a window: `signup_date in last 30 days`."""

    subject: Value
    window: Window
    column: TimeColumn | None = None  # what the subject holds, where it is an event time (rule 9)


@frozen
class IsNull(Node, Condition):
    subject: Value
    negated: bool = False


@frozen
class Like(Node, Condition):
    subject: Value
    pattern: Pattern
    negated: bool = False


@frozen
class Ranked(Node, Condition):
    """`x in top P%` / `x in bottom P%`, 0 < P <= 100."""

    subject: Value
    top: bool
    percent: Percent


@frozen
class Exists(Node, Condition):
    """`has EVENTS` (negated=False) or `no EVENTS` (negated=True)."""

    events: EventSet
    negated: bool = False


@frozen
class Sequence(Node, Condition):
    """`A then [no] B within N days` (weeks are counted in days here; hours in minutes)."""

    first: EventSet
    second: EventSet
    within: Amount  # days, or minutes when `within_minutes`
    negated: bool = False
    within_minutes: bool = False  # `within N hours|minutes`: elapsed time, never whole days


@frozen
class Matching(Node):
    """`matching`: a step's event holds in `current` the known value the previous step's holds in `previous`."""

    previous: EventColumn
    current: EventColumn


@frozen
class Step(Node):
    """A step of a journey after its first: its events, at most `within` after the previous step's."""

    events: EventSet
    within: Amount  # days, or minutes when `within_minutes`
    within_minutes: bool = False
    matching: Matching | None = None


@frozen
class Journey(Node, Condition):
    """`A then B within N1 then [no] C within N2 ...` (rule 15): a sequence of three steps or more, or with
    `matching`; `negated`: the last step is `then no`. (Two plain steps are a `Sequence`.)"""

    first: EventSet
    steps: tuple[Step, ...]
    negated: bool = False


# ---- declarations ---------------------------------------------------------------------------------


@frozen
class Join:
    """`with LOOKUP on COLUMN`: the declaration's rows each see the lookup's row whose key equals COLUMN."""

    lookup: str
    on: str
    span: Span = field(compare=False)


@frozen
class Lookup:
    """`lookup NAME from TABLE key COLUMN`: a table of things, one row per key, that declarations join
    many-to-one (rule 16); its own joins reach one level further (products to brands)."""

    name: str
    table: tuple[str, ...]
    key: str
    span: Span
    joins: tuple[Join, ...] = ()
    table_span: Span | None = field(default=None, compare=False)
    key_span: Span | None = field(default=None, compare=False)
    json: tuple[str, ...] = ()  # the columns that hold JSON objects (rule 17)
    json_spans: tuple[Span, ...] = field(default=(), compare=False)  # where each is written


@frozen
class EntityTable:
    name: str
    table: tuple[str, ...]
    key: str
    span: Span
    # where the table's and the key's names are written, for errors about them alone
    table_span: Span | None = field(default=None, compare=False)
    key_span: Span | None = field(default=None, compare=False)
    joins: tuple[Join, ...] = ()
    json: tuple[str, ...] = ()  # the columns that hold JSON objects (rule 17)
    json_spans: tuple[Span, ...] = field(default=(), compare=False)  # where each is written


@frozen
class EventTable:
    name: str
    table: tuple[str, ...]
    by: str
    at: str
    time_type: TimeKind
    where: Condition | None  # the declaration's filter, over EventColumns
    span: Span
    # where the table's, the key's and the time column's names are written
    table_span: Span | None = field(default=None, compare=False)
    by_span: Span | None = field(default=None, compare=False)
    at_span: Span | None = field(default=None, compare=False)
    local: bool = False  # `local`: a timestamp column of wall-clock times in the program's zone
    joins: tuple[Join, ...] = ()
    json: tuple[str, ...] = ()  # the columns that hold JSON objects (rule 17)
    json_spans: tuple[Span, ...] = field(default=(), compare=False)  # where each is written


def declared_json(declaration: Lookup | EntityTable | EventTable) -> Iterator[tuple[str, Span]]:
    """Each column a declaration declares json (rule 17), and where it is written (the declaration, where no
    place was kept)."""
    return zip(declaration.json, declaration.json_spans or (declaration.span,) * len(declaration.json), strict=True)


@frozen
class Param:
    name: str
    value: ConstantValue
    span: Span


@frozen
class Segment:
    name: str
    description: str | None
    condition: Condition
    span: Span


@frozen
class SplitShares:
    """What a split declares (rule 18): its salt, the segment whose members it labels (None: every customer),
    and each label's number of buckets, in the order written (the reference evaluator reads these)."""

    salt: str
    of: str | None
    buckets: tuple[tuple[str, int], ...]


@frozen
class Segmentation:
    """A label per customer: the first rule that holds, else `otherwise`. A split is one too (`split`): its
    rules test the customer's bucket (and membership of its segment), and a customer no rule labels has no
    label (`otherwise` is None)."""

    name: str
    description: str | None
    rules: tuple[tuple[str, Condition], ...]
    otherwise: str | None
    span: Span
    split: SplitShares | None = None

    @property
    def kind(self) -> str:
        return "split" if self.split is not None else "segmentation"

    @property
    def labels(self) -> list[str]:
        """Its labels, each once, in the order written."""
        return list(dict.fromkeys([label for label, _ in self.rules]
                                  + ([self.otherwise] if self.otherwise is not None else [])))


@frozen
class Trait:
    """`trait NAME = VALUE`: a value per customer, with its type where the checker knows it."""

    name: str
    description: str | None
    value: Value
    kind: Kind
    span: Span


@frozen
class Program:
    entity: EntityTable
    events: dict[str, EventTable]
    params: dict[str, Param]
    segments: dict[str, Segment]
    segmentations: dict[str, Segmentation]
    sources: dict[str, str]
    text_columns: frozenset[tuple[tuple[str, ...], str]] = frozenset()  # (event table, column) known to hold text
    timezone: str = "UTC"  # the program's calendar (rule 9): an IANA name or a fixed offset
    timezone_span: Span | None = field(default=None, compare=False)  # where it is declared
    traits: dict[str, Trait] = field(default_factory=dict)  # in the order declared
    lookups: dict[str, Lookup] = field(default_factory=dict)

    def target(self, name: str) -> Segment | Segmentation | None:
        return self.segments.get(name) or self.segmentations.get(name)

    @cached_property
    def attributes_read(self) -> frozenset[str]:
        """Every entity column a segment or segmentation reads (found once per program)."""
        conditions = (*(s.condition for s in self.segments.values()),
                      *(condition for s in self.segmentations.values() for _, condition in s.rules),
                      *(t.value for t in self.traits.values()))
        return frozenset(node.row_name for node in walk(conditions) if isinstance(node, Attribute))
