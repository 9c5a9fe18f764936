"""Checked program -> Plan: everything the SQL will do, decided before any SQL is built.

The planner walks the outputs (segments, segmentations, extra items) in order
and decides, once for the whole statement:
- per event table, one features scan and every aggregate it computes, each
  with its final column name;
- the value CTEs (first/last of a column that is not the time, median and most_frequent where no aggregate
  of the scan computes them), and per
  sequence the form that computes it (see `SequenceForm`);
- the ranks and the k-th best values (thresholds) that top/bottom P% and
  tiles need, and for each top/bottom P% whether it compares with a threshold
  or a rank;
- the outputs, as conditions and values over the `ranked` relation whose
  leaves are the columns above (`Planned`).

The plan is frozen dataclasses; emit.py turns it into sqlglot trees and decides
nothing. Names are given in the order the outputs use them, so the SQL reads
top-down like the file.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import field, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Literal, cast

from .. import dialects
from ..dialects import Dialect
from ..errors import error, suggest
from ..frozen import frozen
from ..lang import ast, journeys, zones
from ..lang import model as m
from ..lang.model import (
    Attribute,
    CheckedItem,
    Condition,
    EntityTable,
    EventColumn,
    EventTable,
    LabelOf,
    Program,
    Segmentation,
    SegmentRef,
    Value,
)
from ..lang.timeline import ColumnKind, Day, Instant, before_the_cut
from .lookups import Joins, joins_of

BASE = "base"
RANKED = "ranked"
THRESHOLDS = "thresholds"

AggregateFunc = Literal["count", "sum", "avg", "min", "max", "median"]
Statistic = Literal["median", "most_frequent"]
# repeat: `A then A` over one declaration, neighbours in time order (LAG);
# next_event: the next B time after each A, from one window over one scan (or A UNION ALL B);
# pair_join: two declarations over one table with other key or time columns (or one `local`), rows joined in pairs
SequenceForm = Literal["repeat", "next_event", "pair_join"]


# ---- what the statement computes ---------------------------------------------------------------


@frozen
class FeatureAggregate:
    """One aggregate column of a features scan (and of `base`)."""

    name: str
    func: AggregateFunc
    column: str | None  # None: count(*)
    distinct: bool
    text: bool  # the column is known to hold text (code-point extremes, exact distinct counts)
    event: EventTable  # the declaration whose rows it reads
    events: m.EventSet  # its filter and window (checked)
    period: m.Period | None = None  # active_days/weeks/months: count the distinct periods of the rows (rule 12)

    @property
    def zero_when_missing(self) -> bool:
        """count and sum are 0 for a customer without events (LANGUAGE.md, semantics 4)."""
        return self.func in ("count", "sum")


@frozen
class FeatureScan:
    """One GROUP BY over an event table: the aggregates of every declaration that reads it."""

    cte: str
    events: tuple[EventTable, ...]  # the declarations read, in first use
    aggregates: tuple[FeatureAggregate, ...]

    @cached_property
    def shared(self) -> bool:
        """Several declarations with different filters read this table in one scan."""
        return len({event.where for event in self.events}) > 1

    @property
    def by(self) -> str:
        return self.events[0].by

    @cached_property
    def declared_filters(self) -> tuple[Condition, ...]:
        """The declarations' filters that bound the rows the scan reads (ORed), each once, when every
        declaration reading the scan has one; empty otherwise."""
        filters = [event.where for event in self.events if event.where is not None]
        return tuple(dict.fromkeys(filters)) if len(filters) == len(self.events) else ()

    @cached_property
    def pushed_down(self) -> tuple[FeatureAggregate, ...]:
        """When every aggregate reads only some rows (a filter or a window), one aggregate per distinct
        set of rows: the scan also reads only the rows of their conditions (ORed). Empty otherwise."""
        distinct: dict[Hashable, FeatureAggregate] = {}
        for aggregate in self.aggregates:
            declared = aggregate.event.where if self.shared else None
            window = before_the_cut(aggregate.events.window) if aggregate.events.window is not None else None
            if declared is None and aggregate.events.where is None and window is None:
                return ()
            distinct.setdefault((declared, aggregate.events.where, window), aggregate)
        return tuple(distinct.values())

    @property
    def reads_one_row_set(self) -> bool:
        """Every aggregate reads the same rows, which the scan's WHERE keeps: each aggregates them plainly
        (COUNT(*), SUM(x)), with no condition of its own to test again per row."""
        return len(self.pushed_down) == 1


@frozen
class EdgeValue:
    """The value of a column at a customer's first (last) event, in a CTE of its own."""

    cte: str
    last: bool
    column: str
    text: bool
    event: EventTable
    events: m.EventSet

    @property
    def value(self) -> str:
        """Its column in `base`."""
        return f"{self.cte}_value"


@frozen
class StatisticValue:
    """median or most_frequent of a column over an event set, in a CTE of its own (rule 14): one pass over the
    customer's known values in order (median: the one or two middle rows by number; most_frequent: the values
    counted, then the first by count, largest first, and value)."""

    cte: str
    func: Statistic
    column: str
    text: bool  # the column is known to hold text: ties go to the smallest by code point, values told apart exactly
    event: EventTable
    events: m.EventSet

    @property
    def value(self) -> str:
        """Its column in `base`."""
        return f"{self.cte}_value"


@frozen
class SequenceScan:
    """The customers for whom a sequence holds (for `then no`: with an unanswered A), in a CTE."""

    cte: str
    form: SequenceForm
    sequence: m.Sequence
    first: EventTable
    second: EventTable

    @property
    def value(self) -> str:
        return f"{self.cte}_hit"

    @property
    def second_from(self) -> Day | Instant | None:
        """next_event: the first day (or instant) of the A rows' window, when it has one. No B row before it can
        follow an A row, or tie with one, so the scan reads B rows only from that day on (`visits in
        last 30 days then no orders`: a month of orders, not all of them). None where A's window starts at
        an instant and B's times are days: a B day compares with A's day, not its instant."""
        if self.form != "next_event" or self.sequence.first.window is None:
            return None
        days = before_the_cut(self.sequence.first.window)
        start = days.start if days is not None else None
        return None if isinstance(start, Instant) and self.second.time_type == "date" else start


@frozen
class JourneyScan:
    """The customers for whom a journey holds (rule 15), in a CTE: one pass in time order per step."""

    cte: str
    journey: m.Journey
    events: tuple[EventTable, ...]  # each step's declaration, in step order
    form: JourneyForm  # how its rows are told apart (journey_form)
    passes: tuple[str, ...]  # the names of its CTEs: a pass per step after the first (journey_sql.py), or
    # path_cte_suffixes's (journey_paths.py)

    @property
    def value(self) -> str:
        return f"{self.cte}_hit"

    @cached_property
    def values(self) -> Mapping[tuple[str, ...], str] | None:
        """Per table, the column holding a chain's one value, where `matching` carries one along the whole
        chain (journeys.chain_values)."""
        return journeys.chain_values({event.name: event for event in self.events}, self.journey)


@frozen
class SessionScan:
    """Per customer, the number of sessions of an event set (rule 12), in a CTE: one pass in time order."""

    cte: str
    sessions: m.Sessions
    event: EventTable

    @property
    def value(self) -> str:
        return f"{self.cte}_sessions"


@frozen
class Rank:
    """RANK() of a value over every customer whose value is known, and the count of those."""

    value: Value
    descending: bool
    rank: str
    count: str
    constant: bool  # no column in the value: every customer ties at rank 1


@frozen
class Threshold:
    """The k-th best value, k = ceil(P * n / 100), as one aggregate over `base`."""

    value: Value
    descending: bool
    share: Decimal  # P / 100
    column: str


# ---- planned values and conditions over `ranked` ---------------------------------------------


@frozen
class Column(Value):
    """A column of `ranked`: an attribute, an aggregate, a first/last value, a sequence's hit."""

    name: str
    nullable: bool


@frozen
class DaysSince(Value):
    """Whole days from the day of a customer's latest event (a `max` aggregate) to the as-of day."""

    latest: str
    kind: ColumnKind = "timestamp"  # what the time column holds: its day in the program's zone


@frozen
class TileOf(Value):
    """quintile/decile: 1 + floor(buckets * (rank - 1) / n)."""

    rank: Rank
    buckets: int


@frozen
class SplitBucket:
    """A split's bucket of each customer (rule 18), a column of `base` computed once however many shares
    test it; splits with one salt share it."""

    column: str
    salt: str
    span: ast.Span | None = field(default=None, compare=False)  # where the salt is written


@frozen
class Labels(Value):
    """A segmentation's label: the first rule that holds, else `otherwise` (None: missing, a split's)."""

    rules: tuple[tuple[str, Condition], ...]
    otherwise: str | None


@frozen
class InWindow(Condition):
    """A date-like value in a window; `as_date`: its type is unknown, so whole days compare."""

    subject: Value
    window: m.Window
    kind: ColumnKind
    as_date: bool


@frozen
class HasEvents(Condition):
    """`has E` (count > 0) or `no E` (count = 0) on a count column."""

    count: str
    negated: bool


@frozen
class AtLeastKthBest(Condition):
    """top/bottom P% as a comparison with the k-th best value (no rank)."""

    threshold: Threshold
    top: bool


@frozen
class WithinShare(Condition):
    """top/bottom P% as rank <= ceil(P * n / 100); `param`: P is a dbt parameter, set when dbt runs
    (then `percent` is 1, a factor of the parameter)."""

    rank: Rank
    percent: Fraction
    param: str | None


@frozen
class SequenceHolds(Condition):
    scan: SequenceScan | JourneyScan


# A planned value or condition is a checked one (model.py) whose leaves are the planned ones above: the
# checked constants, arithmetic, logic and comparisons stay around them.


@frozen
class Output:
    """A column of the statement: a condition (a flag) or a value."""

    name: str
    expr: Condition | Value
    is_condition: bool


@frozen
class Plan:
    dialect: Dialect
    entity: EntityTable
    attributes: tuple[str, ...]  # entity columns `base` carries, beyond the key
    features: tuple[FeatureScan, ...]
    extras: tuple[EdgeValue | StatisticValue | SequenceScan | JourneyScan | SessionScan, ...]  # in first use
    thresholds: tuple[Threshold, ...]
    ranks: tuple[Rank, ...]
    outputs: tuple[Output, ...]  # after the key column
    where: Condition | None  # a segment's membership
    comment: str
    timezone: str = "UTC"  # the program's calendar (LANGUAGE.md, rule 9)
    timezone_span: ast.Span | None = None
    buckets: tuple[SplitBucket, ...] = ()  # columns of `base`, after the entity's
    joins: Joins | None = None  # the lookups the statement reads (lookups.py)


JourneyForm = Literal["repeat", "steps", "instants", "paths"]


def journey_form(events: Mapping[str, EventTable], journey: m.Journey) -> JourneyForm:
    """How a journey's SQL tells its rows apart (rule 15): by neighbours in time order for three steps of one
    event set (journey_repeat.py), by the row each step follows (journey_sql.py)
    unless steps apart may be one row; then per instant by counts (journey_blocks.py), or, with `matching` or
    dates among timestamps, per instant along paths of rows (journey_paths.py)."""
    if journeys.repeats(events, journey):
        return "repeat"
    if not journeys.apart_steps_may_share(events, journey):
        return "steps"
    return "instants" if journeys.why_not_by_instant(events, journey) is None else "paths"


def path_cte_suffixes(journey: m.Journey) -> list[str]:
    """The CTEs of a journey computed along paths, as suffixes of its name: each chained step's rows, the
    rows entering each step after the first, and the paths of steps p..i at one instant."""
    chained = len(journey.steps) - (1 if journey.negated else 0)
    return ([f"_rows{index}" for index in range(chained + 1)] + [f"_in{index}" for index in range(1, chained + 1)]
            + [f"_path{first}_{last}" for last in range(1, chained + 1) for first in range(last)])


def column_kind(event: EventTable) -> ColumnKind:
    """What an event table's time column holds (rule 9): days, UTC instants, or wall-clock times."""
    if event.time_type == "date":
        return "date"
    return "local" if event.local else "timestamp"


def fixed_params(plan: Plan) -> frozenset[str]:
    """Parameters whose value the statement holds as it is, not as a marker (placeholders.py): a
    model for dbt must fix them at their value. Markers stand for literals that are values, window
    amounts in `in last` / `before last` (months too, where the dialect adds an expression of months)
    and the P of top/bottom P% (the plan then ranks); bounds of `between ... ago` and date windows,
    `within`, like patterns and a parameter used as a condition shape the SQL itself.
    """
    fixed: set[str] = set()
    conditions: list[object] = [plan.where, *(o.expr for o in plan.outputs if o.is_condition)]
    months_by_marker = plan.dialect.adds_months_by_expression
    for node in ast.walk(plan):
        if isinstance(node, m.Ago):
            fixed.update(amount.param for amount in (node.first, node.second) if amount.param)
        elif isinstance(node, m.DateRange):
            fixed.update(bound.param for bound in (node.start, node.end) if bound is not None and bound.param)
        elif isinstance(node, m.Like) and node.pattern.param:
            fixed.add(node.pattern.param)
        elif isinstance(node, (m.Last, m.BeforeLast)) and node.unit in m.CLOCK_UNITS and node.amount.param:
            fixed.add(node.amount.param)  # an instant's bound is built from the number
        elif isinstance(node, (m.Sequence, m.Step)) and node.within.param:
            fixed.add(node.within.param)
        elif isinstance(node, m.Sessions) and node.gap.param:
            fixed.add(node.gap.param)
        elif isinstance(node, (m.Last, m.BeforeLast, m.Next)) and node.unit in ("month", "year") and node.amount.param \
                and not months_by_marker:
            fixed.add(node.amount.param)
        elif isinstance(node, (EventTable, m.EventSet)):
            conditions.append(node.where)
        elif isinstance(node, Labels):
            conditions.extend(condition for _, condition in node.rules)
    while conditions:  # a constant standing as a condition is emitted as TRUE or FALSE
        condition = conditions.pop()
        if isinstance(condition, (m.And, m.Or, m.CountOf)):
            conditions += condition.operands
        elif isinstance(condition, m.Not):
            conditions.append(condition.operand)
        elif isinstance(condition, m.Constant) and condition.param:
            fixed.add(condition.param)
    return frozenset(fixed)


# ---- the planner ---------------------------------------------------------------------------------


def plan_segment(program: Program, name: str, dialect: str, ranks_only: bool = False,
                 values_described: bool = True, items: Mapping[str, CheckedItem] | None = None) -> Plan:
    """Members' keys of one segment, or key and label of one segmentation; then a column per item (a
    trait, an attribute: the values `run --with` exports).

    `ranks_only`: top/bottom P% always ranks (for dbt, where P may be set when the model runs).
    `values_described`: a parameter named in the description (`lapse`) is shown with the value used.
    """
    planner = _Planner(program, dialect, ranks_only, [expr for expr, _ in (items or {}).values()])
    target = program.target(name)
    if target is None:
        names = [*program.segments, *program.segmentations]
        raise error(f"unknown segment '{name}'", None, suggest(name, names) or
                    ("segments: " + ", ".join(names) if names else "the file declares no segments"))
    described = with_values(target.description, program.params) if values_described else target.description
    description = f": {described}" if described else ""
    if isinstance(target, Segmentation):
        outputs = (Output("label", planner.labels(target), is_condition=False), *planner.items(items or {}))
        return planner.finish(outputs, _labelled(target, planner), f"{target.kind} {name}{description}")
    where = planner.condition(target.condition)
    return planner.finish(planner.items(items or {}), where, f"segment {name}{description}")


def _labelled(segmentation: Segmentation, planner: _Planner) -> Condition | None:
    """Where a split's query keeps a customer: it has a label (a segmentation labels everyone)."""
    if segmentation.split is None:
        return None
    tests = tuple(condition for _, condition in segmentation.rules)
    return planner.condition(tests[0] if len(tests) == 1 else m.Or(tests, span=segmentation.span))


_NAMED = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


def with_values(description: str | None, params: Mapping[str, m.Param]) -> str | None:
    """A description with each parameter it names in backticks replaced by the parameter's value (the
    default, or what --param set): "not in the last `lapse` days" says "not in the last 60 days"."""
    if not description:
        return description

    def value(match: re.Match[str]) -> str:
        param = params.get(match.group(1))
        if param is None:
            return match.group(0)
        return param.value if isinstance(param.value, str) else m.show_value(param.value)  # text as it reads
    return _NAMED.sub(value, description)


def plan_program(program: Program, dialect: str, items: dict[str, CheckedItem] | None = None,
                 ranks_only: bool = False) -> Plan:
    """One row per customer: a flag per segment, a label per segmentation, a value per trait, a column per
    extra item (a checked condition, as a flag, or a value: see check.check_items)."""
    planner = _Planner(program, dialect, ranks_only, [expr for expr, _ in (items or {}).values()])
    outputs = [Output(name, planner.condition(s.condition), True) for name, s in program.segments.items()]
    outputs += [Output(name, planner.labels(s), False) for name, s in program.segmentations.items()]
    outputs += [Output(name, planner.value(m.TraitRef(name, span=t.span)), False)
                for name, t in program.traits.items()]
    return planner.finish((*outputs, *planner.items(items or {})), None, f"all segments of {program.entity.name}")


class _Planner:
    def __init__(self, program: Program, dialect: str, ranks_only: bool, items: Sequence[object] = ()) -> None:
        self.program = program
        self.dialect = dialects.get(dialect)
        self.ranks_only = ranks_only
        self.joins = joins_of(program, items)
        self.attributes: dict[str, None] = {}
        self.scans: dict[Hashable, tuple[str, dict[str, EventTable], dict[Hashable, FeatureAggregate]]] = {}
        self.edges: dict[Hashable, EdgeValue] = {}
        self.statistics: dict[Hashable, StatisticValue] = {}
        self.sequences: dict[m.Sequence, SequenceScan] = {}
        self.journeys: dict[m.Journey, JourneyScan] = {}
        self.sessions: dict[m.Sessions, SessionScan] = {}
        # all, in first use
        self.extras: list[EdgeValue | StatisticValue | SequenceScan | JourneyScan | SessionScan] = []
        self.ranks: dict[Hashable, Rank] = {}
        self.thresholds: dict[Hashable, Threshold] = {}
        self.buckets: dict[str, SplitBucket] = {}  # salt -> its column
        # casefolded; the outputs' names too: ClickHouse reads a name as a SELECT's alias before a column;
        # and every entity column read anywhere, which `base` carries beside the computed columns
        attributes = {node.row_name for node in ast.walk(tuple(items)) if isinstance(node, Attribute)}
        self.used_names: set[str] = {n.casefold() for n in (BASE, RANKED, THRESHOLDS, program.entity.key,
                                                            *program.segments, *program.segmentations,
                                                            *program.traits, *program.attributes_read,
                                                            *attributes)}
        self.inlined: dict[str, Condition] = {}  # segment -> its planned condition
        self.trait_values: dict[str, Value] = {}  # trait -> its planned value

    def items(self, items: Mapping[str, CheckedItem]) -> tuple[Output, ...]:
        """A column per checked item: a condition as a flag, a value as it is."""
        return tuple(Output(name, self.condition(cast(Condition, expr)), True) if kind == "condition"
                     else Output(name, self.value(cast(Value, expr)), False) for name, (expr, kind) in items.items())

    def finish(self, outputs: tuple[Output, ...], where: Condition | None, comment: str) -> Plan:
        key = self.program.entity.key
        features = tuple(FeatureScan(cte, tuple(events.values()), tuple(aggregates.values()))
                         for cte, events, aggregates in self.scans.values())
        return Plan(self.dialect, self.program.entity, tuple(a for a in self.attributes if a != key), features,
                    tuple(self.extras), tuple(self.thresholds.values()), tuple(self.ranks.values()),
                    outputs, where, comment, self.program.timezone, self.program.timezone_span,
                    tuple(self.buckets.values()), self.joins)

    def _fresh(self, stem: str) -> str:
        stem = stem[:50]
        name, n = stem, 1
        while name.casefold() in self.used_names:
            n += 1
            name = f"{stem}_{n}"
        self.used_names.add(name.casefold())
        return name

    def _fresh_with(self, stem: str, suffixes: Sequence[str]) -> tuple[str, tuple[str, ...]]:
        """A fresh name and the names it makes with each suffix, all free (another generated name or a user's
        segment can never be one of them), all taken."""
        while True:
            name = self._fresh(stem)
            made = tuple(name + suffix for suffix in suffixes)
            if not any(other.casefold() in self.used_names for other in made):
                self.used_names.update(other.casefold() for other in made)
                return name, made

    # ---- conditions
    def condition(self, expr: Condition) -> Condition:
        """A checked condition over `ranked`, the segments it uses inlined.

        The logic (and, or, not) and segment references are walked without recursing, so that a
        segment built on a long chain of segments nests no calls; leaves are planned in the order
        they are written, and each segment once (the planned condition is kept for its other uses).
        """
        built: list[Condition] = []
        pending: list[tuple[str, Condition]] = [("plan", expr)]
        while pending:
            step, node = pending.pop()
            if step == "keep":  # a segment's condition is planned: keep it
                self.inlined[cast(SegmentRef, node).name] = built[-1]
            elif step == "build":  # its operands are planned
                operands = _operands(node)
                done = built[len(built) - len(operands):]
                del built[len(built) - len(operands):]
                built.append(replace(node, operand=done[0]) if isinstance(node, m.Not)
                             else replace(cast(m.And | m.Or | m.CountOf, node), operands=tuple(done)))
            elif isinstance(node, SegmentRef):
                if node.name in self.inlined:
                    built.append(self.inlined[node.name])
                else:
                    pending += [("keep", node), ("plan", self.program.segments[node.name].condition)]
            elif isinstance(node, (m.And, m.Or, m.Not, m.CountOf)):
                pending.append(("build", node))
                pending += [("plan", operand) for operand in reversed(_operands(node))]
            else:
                built.append(self._leaf(node))
        return built[0]

    def _leaf(self, expr: Condition) -> Condition:
        if isinstance(expr, m.Compare):
            return replace(expr, left=self.value(expr.left), right=self.value(expr.right))
        if isinstance(expr, (m.InList, m.IsNull, m.Like)):
            return replace(expr, subject=self.value(expr.subject))
        if isinstance(expr, m.Between):
            return replace(expr, subject=self.value(expr.subject), low=self.value(expr.low),
                           high=self.value(expr.high))
        if isinstance(expr, m.InWindow):
            subject = self.value(expr.subject)
            kind = self._time_kind(expr.subject)
            if kind is None and getattr(expr.window, "unit", None) in m.CLOCK_UNITS:
                kind = "timestamp"  # hours of a value of unknown type: a timestamp (the checker refuses dates)
            return InWindow(subject, expr.window, kind or "date", as_date=kind is None)
        if isinstance(expr, m.Ranked):
            return self._ranked(expr)
        if isinstance(expr, m.Exists):
            count = self._aggregate(m.Aggregate("count", expr.events, None, span=expr.span))
            return HasEvents(count.name, expr.negated)
        if isinstance(expr, m.Sequence):
            return SequenceHolds(self._sequence(expr))
        if isinstance(expr, m.Journey):
            return SequenceHolds(self._journey(expr))
        return expr  # a boolean constant

    def _time_kind(self, expr: Value) -> ColumnKind | None:
        """date, timestamp or local where the value's type is known, else None."""
        if isinstance(expr, m.TraitRef):
            return self._time_kind(self.program.traits[expr.name].value)
        if isinstance(expr, m.Aggregate) and expr.column is not None:
            event = self.program.events[expr.events.event.name]
            if expr.func in ("min", "max", "first", "last", "most_frequent") and expr.column.row_name == event.at:
                return column_kind(event)
        if isinstance(expr, m.Anniversary):
            return "date"
        return None

    def labels(self, segmentation: Segmentation) -> Labels:
        return Labels(tuple((label, self.condition(cond)) for label, cond in segmentation.rules),
                      segmentation.otherwise)

    # ---- values
    def value(self, expr: Value) -> Value:
        if isinstance(expr, Attribute):
            self.attributes[expr.row_name] = None
            return Column(expr.row_name, nullable=True)
        if isinstance(expr, m.Aggregate):
            return self._aggregate_value(expr)
        if isinstance(expr, m.Tile):
            return TileOf(self._rank(self.value(expr.operand), False), expr.buckets)
        if isinstance(expr, LabelOf):
            return self.labels(self.program.segmentations[expr.name])
        if isinstance(expr, m.TraitRef):
            if expr.name not in self.trait_values:
                self.trait_values[expr.name] = self.value(self.program.traits[expr.name].value)
            return self.trait_values[expr.name]
        if isinstance(expr, m.Arithmetic):
            return replace(expr, operands=tuple(self.value(operand) for operand in expr.operands))
        if isinstance(expr, (m.Negate, m.DayOf, m.Anniversary, m.YearsSince)):
            return replace(expr, operand=self.value(expr.operand))
        if isinstance(expr, m.ActivePeriods):
            return Column(self._active(expr).name, nullable=False)
        if isinstance(expr, m.Bucket):
            if expr.salt not in self.buckets:
                self.buckets[expr.salt] = SplitBucket(self._fresh(f"{expr.split}_bucket"), expr.salt, expr.span)
            return Column(self.buckets[expr.salt].column, nullable=False)
        if isinstance(expr, m.Sessions):
            return Column(self._sessions(expr).value, nullable=False)
        return expr  # a constant

    def _aggregate_value(self, agg: m.Aggregate) -> Value:
        event = self.program.events[agg.events.event.name]
        if agg.func == "days_since_last":
            latest = self._aggregate(m.Aggregate("max", agg.events, EventColumn(event.at, span=agg.span),
                                                 span=agg.span))
            return DaysSince(latest.name, column_kind(event))
        if agg.func in ("first", "last") and agg.column is not None and agg.column.row_name != event.at:
            return Column(self._edge_value(agg, agg.column.row_name).value, nullable=True)
        if agg.func == "most_frequent" or (agg.func == "median" and not self.dialect.median_is_aggregate):
            assert agg.column is not None, "the grammar gives median and most_frequent a column"
            return Column(self._statistic(agg, agg.column.row_name).value, nullable=True)
        aggregate = self._aggregate(agg)
        return Column(aggregate.name, nullable=not aggregate.zero_when_missing)

    def _aggregate(self, agg: m.Aggregate, period: m.Period | None = None) -> FeatureAggregate:
        """One aggregate in its event table's features scan (with `period`, a count of distinct periods)."""
        event = self.program.events[agg.events.event.name]
        # one scan per way of reading the time column: wall-clock times and UTC instants have cuts of their own
        wall_clock = event.local and not zones.is_utc(self.program.timezone)
        scan = (event.table, event.by, event.at, event.time_type, wall_clock)
        if scan not in self.scans:
            self.scans[scan] = (self._fresh(f"{event.table[-1]}_features"), {}, {})
        _, events, aggregates = self.scans[scan]
        events[event.name] = event
        func = _FEATURE_FUNCS[agg.func]
        column = agg.column.row_name if agg.column is not None else None
        key = (event.name, func, column, agg.distinct, agg.events.where, agg.events.window, period)
        if key not in aggregates:
            head = f"{event.name}_active_{period}s" if period is not None else (
                f"{event.name}_{func}" + ("_distinct" if agg.distinct else "") + (f"_{column}" if column else ""))
            stem = (head
                    + (f"_{_window_words(agg.events.window)}" if agg.events.window is not None else "")
                    + ("_where" if agg.events.where is not None else ""))
            text = (event.table, column) in self.program.text_columns
            aggregates[key] = FeatureAggregate(self._fresh(stem), func, column, agg.distinct, text, event, agg.events,
                                               period)
        return aggregates[key]

    def _active(self, active: m.ActivePeriods) -> FeatureAggregate:
        """active_days/weeks/months(E): a distinct count of the rows' periods, in E's features scan."""
        event = self.program.events[active.events.event.name]
        return self._aggregate(m.Aggregate("count", active.events, EventColumn(event.at, span=active.span),
                                           distinct=True, span=active.span), active.period)

    def _sessions(self, sessions: m.Sessions) -> SessionScan:
        if sessions not in self.sessions:
            event = self.program.events[sessions.events.event.name]
            self.sessions[sessions] = SessionScan(self._fresh(f"{event.name}_sessions"), sessions, event)
            self.extras.append(self.sessions[sessions])
        return self.sessions[sessions]

    def _edge_value(self, agg: m.Aggregate, column: str) -> EdgeValue:
        event = self.program.events[agg.events.event.name]
        key = (agg.func, event.name, column, agg.events.where, agg.events.window)
        if key not in self.edges:
            cte = self._fresh(f"{event.name}_{agg.func}_{column}")
            text = (event.table, column) in self.program.text_columns
            self.edges[key] = EdgeValue(cte, agg.func == "last", column, text, event, agg.events)
            self.extras.append(self.edges[key])
        return self.edges[key]

    def _statistic(self, agg: m.Aggregate, column: str) -> StatisticValue:
        event = self.program.events[agg.events.event.name]
        key = (agg.func, event.name, column, agg.events.where, agg.events.window)
        if key not in self.statistics:
            stem = (f"{event.name}_{agg.func}_{column}"
                    + (f"_{_window_words(agg.events.window)}" if agg.events.window is not None else "")
                    + ("_where" if agg.events.where is not None else ""))
            text = (event.table, column) in self.program.text_columns
            self.statistics[key] = StatisticValue(self._fresh(stem), cast(Statistic, agg.func), column, text, event,
                                                  agg.events)
            self.extras.append(self.statistics[key])
        return self.statistics[key]

    def _sequence(self, seq: m.Sequence) -> SequenceScan:
        if seq not in self.sequences:
            cte = self._fresh(f"{seq.first.event.name}_then_{'no_' if seq.negated else ''}{seq.second.event.name}")
            first = self.program.events[seq.first.event.name]
            second = self.program.events[seq.second.event.name]
            self.sequences[seq] = SequenceScan(cte, _sequence_form(seq, first, second), seq, first, second)
            self.extras.append(self.sequences[seq])
        return self.sequences[seq]

    def _journey(self, journey: m.Journey) -> JourneyScan:
        if journey not in self.journeys:
            names = [journey.first.event.name, *(step.events.event.name for step in journey.steps)]
            stem = "_then_".join(names[:-1]) + f"_then_{'no_' if journey.negated else ''}{names[-1]}"
            form = journey_form(self.program.events, journey)
            suffixes = path_cte_suffixes(journey) if form == "paths" else \
                [f"_pass{number}" for number in range(1, len(journey.steps) + 1)]
            cte, passes = self._fresh_with(stem, suffixes)
            events = tuple(self.program.events[name] for name in names)
            self.journeys[journey] = JourneyScan(cte, journey, events, form, passes)
            self.extras.append(self.journeys[journey])
        return self.journeys[journey]

    # ---- ranking
    def _ranked(self, expr: m.Ranked) -> Condition:
        value = self.value(expr.subject)
        percent_constant = expr.percent
        marked = self.ranks_only and percent_constant.param is not None  # P is set later, by dbt
        percent = None if marked else Decimal(str(percent_constant.value))
        # (a constant ranks without a sort already: every customer ties at rank 1)
        if percent is not None and not _constant(value) and self.dialect.finds_kth_best_without_sort:
            # member <=> rank <= k = ceil(P * n / 100) <=> value at least as good as the k-th best
            return AtLeastKthBest(self._threshold(value, expr.top, percent.scaleb(-2)), expr.top)
        rank = self._rank(value, expr.top)
        if percent is None:
            return WithinShare(rank, Fraction(1), percent_constant.param)
        return WithinShare(rank, Fraction(percent), None)

    def _rank(self, value: Value, descending: bool) -> Rank:
        key = (value, descending)
        if key not in self.ranks:
            stem = self._fresh(f"rank_{len(self.ranks) + 1}")
            self.ranks[key] = Rank(value, descending, f"{stem}_rank", f"{stem}_n", _constant(value))
            self.used_names.update({f"{stem}_rank".casefold(), f"{stem}_n".casefold()})
        return self.ranks[key]

    def _threshold(self, value: Value, descending: bool, share: Decimal) -> Threshold:
        key = (value, descending, share)
        if key not in self.thresholds:
            self.thresholds[key] = Threshold(value, descending, share,
                                             self._fresh(f"threshold_{len(self.thresholds) + 1}"))
        return self.thresholds[key]


_FEATURE_FUNCS: dict[m.AggregateFunc, AggregateFunc] = {
    "count": "count", "sum": "sum", "avg": "avg", "min": "min", "max": "max", "first": "min", "last": "max",
    "days_since_last": "max", "median": "median"}
"""The function a features scan computes for an aggregate (first/last of the time column are its min/max; the
median where the dialect computes it as one aggregate)."""


def flat_chain(expr: m.And | m.Or, negate: bool) -> list[tuple[Condition, bool]]:
    """The operands of an and/or chain (negated when `negate`) as one flat chain of its connective, `not`
    pushed down first (`a and not (b or c)`: a, not b, not c), each with whether it is negated; nested
    chains of the same connective are collected without recursing (a segment built on a long chain of
    segments nests thousands deep)."""
    use_and = isinstance(expr, m.And) != negate
    operands: list[tuple[Condition, bool]] = []
    pending: list[tuple[Condition, bool]] = [(expr, negate)]
    while pending:
        node, negated = pending.pop()
        while isinstance(node, m.Not):
            node, negated = node.operand, not negated
        if isinstance(node, (m.And, m.Or)) and (isinstance(node, m.And) != negated) == use_and:
            pending += [(operand, negated) for operand in reversed(node.operands)]
        else:
            operands.append((node, negated))
    return operands


def _operands(logic: Condition) -> tuple[Condition, ...]:
    """The operands of and, or, not and a count of conditions."""
    if isinstance(logic, m.Not):
        return (logic.operand,)
    return cast(m.And | m.Or | m.CountOf, logic).operands


def _sequence_form(seq: m.Sequence, first: EventTable, second: EventTable) -> SequenceForm:
    """One scan in time order where every row has one time; pairs of rows where a row of one table is read
    with other key or time columns, or its time column as wall-clock times on one side and UTC on the other."""
    if seq.first == seq.second and not seq.negated:
        return "repeat"
    if first.table != second.table or ((first.by, first.at) == (second.by, second.at)
                                       and column_kind(first) == column_kind(second)):
        return "next_event"
    return "pair_join"


def _constant(value: Value) -> bool:
    """No column anywhere in the value: every customer has the same."""
    return not any(isinstance(node, (Column, DaysSince, TileOf)) for node in ast.walk(value))


def _window_words(window: m.Window) -> str:
    """A short name for a window, for readable column names: last_30_day, 59_7_day_ago."""
    if isinstance(window, (m.Last, m.BeforeLast)):
        word = "last" if isinstance(window, m.Last) else "before"
        return f"{word}_{_amount_word(window.amount)}_{window.unit}"
    if isinstance(window, m.Ago):
        return f"{_amount_word(window.first)}_{_amount_word(window.second)}_{window.unit}_ago"
    if isinstance(window, m.Next):
        return f"next_{_amount_word(window.amount)}_{window.unit}"
    start = window.start.value.strftime("%Y%m%d") if window.start is not None else ""
    end = window.end.value.strftime("%Y%m%d") if window.end is not None else ""
    return f"{start or 'until'}_{end or 'on'}"


def _amount_word(amount: m.Amount) -> str:
    return amount.param or str(amount.value)
