"""Checked program -> sqlglot trees -> SQL text for one dialect.

The query has one shape for a segment, a segmentation and the whole file:

    WITH <event>_features AS (one GROUP BY per event set: every aggregate
                              any target needs, as conditional aggregates),
         <sequence CTEs>, <first/last value CTEs>,
         base AS (entity LEFT JOIN each of the above),
         thresholds AS (one row: the value each top/bottom P% must reach, where
                        the dialect finds it without a sort; Dialect.kth_best),
         ranked AS (base with the thresholds, ranks and counts for top P% and tiles,
                    computed once)
    SELECT key [, flags and labels] FROM ranked [WHERE segment]

Conditions are compiled in negation normal form so that logic is two-valued
(LANGUAGE.md, semantics 3): `not` is pushed down to the leaves, and a negated
leaf also holds where its operands are missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Mapping

from sqlglot import exp

from . import ast, dialects, placeholders
from .errors import error
from .model import Attribute, EventColumn, EventTable, LabelOf, Program, SegmentRef, Segmentation
from .timeline import TOMORROW, Day, DayRange, Steps, window_range

BASE = "base"
RANKED = "ranked"
THRESHOLDS = "thresholds"


@dataclass(frozen=True)
class Options:
    dialect: str = "duckdb"
    as_of: date | None = None
    # the as-of day and marked parameters become markers (placeholders.py), for segdsl dbt
    placeholders: bool = False


def segment_query(program: Program, name: str, options: Options) -> exp.Expression:
    """Members' keys of one segment, or key and label of one segmentation."""
    builder = _Builder(program, options)
    target = program.target(name)
    key = exp.column(program.entity.key)
    if isinstance(target, Segmentation):
        select = exp.select(key, exp.alias_(builder.labels(target), "label", quoted=False, copy=False), copy=False)
    else:
        select = exp.select(key, copy=False).where(builder.condition(target.condition), copy=False)
    description = f": {target.description}" if target.description else ""
    return builder.finish(select, [f"{'segmentation' if isinstance(target, Segmentation) else 'segment'} "
                                   f"{name}{description}"])


def program_query(program: Program, options: Options,
                  items: Mapping[str, tuple[ast.Expr, str]] | None = None) -> exp.Expression:
    """One row per customer: a flag per segment, a label per segmentation, and a column per extra item
    (a checked condition, as a flag, or a value: see check.check_items)."""
    builder = _Builder(program, options)
    columns: list[exp.Expression] = [exp.column(program.entity.key)]
    for name, segment in program.segments.items():
        columns.append(exp.alias_(builder.dialect.flag(builder.condition(segment.condition)), name, copy=False))
    for name, segmentation in program.segmentations.items():
        columns.append(exp.alias_(builder.labels(segmentation), name, copy=False))
    for name, (expr, kind) in (items or {}).items():
        value = builder.dialect.flag(builder.condition(expr)) if kind == "condition" else builder.value(expr)
        columns.append(exp.alias_(value, name, copy=False))
    return builder.finish(exp.select(*columns, copy=False), [f"all segments of {program.entity.name}"])


# ---- the builder --------------------------------------------------------------


@dataclass
class _Source:
    """The features CTE of one event table: the aggregates of every event set declared over it."""

    events: dict[str, EventTable]
    cte: str
    aggregates: dict[tuple, tuple[str, ast.Aggregate]] = field(default_factory=dict)

    @property
    def shared(self) -> bool:
        """Several declarations with different filters read this table in one scan."""
        return len({event.where for event in self.events.values()}) > 1


@dataclass
class _Rank:
    value: exp.Expression
    descending: bool
    rank: str
    count: str


@dataclass
class _Threshold:
    """The value a top/bottom P% must reach: the k-th best, k = ceil(P * n / 100)."""
    best: exp.Expression  # an aggregate over base
    column: str


class _Builder:
    def __init__(self, program: Program, options: Options):
        self.dialect = dialects.get(options.dialect)
        self.program = program
        self.as_of = options.as_of
        self.placeholders = options.placeholders
        self.sources: dict[str, _Source] = {}
        self.attributes: dict[str, None] = {}
        self.extra_ctes: dict[tuple, tuple[str, exp.Expression, str, str]] = {}  # -> (cte, query, key, value)
        self.ranks: dict[tuple, _Rank] = {}
        self.thresholds: dict[tuple, _Threshold] = {}
        self.used_names: set[str] = {BASE, RANKED, THRESHOLDS, program.entity.key}

    # ---- names
    def _fresh(self, stem: str) -> str:
        stem = stem[:50]
        name, n = stem, 1
        while name in self.used_names:
            n += 1
            name = f"{stem}_{n}"
        self.used_names.add(name)
        return name

    # ---- conditions
    def condition(self, expr: ast.Expr, negate: bool = False) -> exp.Expression:
        """A two-valued predicate over the `ranked` relation."""
        return self._predicate(expr, negate, self._value)

    def _predicate(self, expr: ast.Expr, negate: bool, value: Callable) -> exp.Expression:
        if isinstance(expr, (ast.And, ast.Or)):
            left = self._predicate(expr.left, negate, value)
            right = self._predicate(expr.right, negate, value)
            use_and = isinstance(expr, ast.And) != negate
            return exp.and_(left, right, copy=False) if use_and else exp.or_(left, right, copy=False)
        if isinstance(expr, ast.Not):
            return self._predicate(expr.operand, not negate, value)
        if isinstance(expr, ast.Literal):
            return exp.true() if bool(expr.value) != negate else exp.false()
        if isinstance(expr, SegmentRef):
            return self._predicate(self.program.segments[expr.name].condition, negate, value)
        if isinstance(expr, ast.Compare):
            return self._compare(expr, negate, value)
        if isinstance(expr, ast.InList):
            subject, nullable = value(expr.subject)
            if any(_is_date_literal(item) for item in expr.items):  # like `=`, a date literal compares days
                subject = self.dialect.to_date(subject)
            items = [self._literal_of(item) for item in expr.items]
            test = exp.In(this=subject, expressions=items)
            if expr.negated:  # `x not in (...)` compares too: false where x is missing
                test = exp.not_(test, copy=False)
            return _leaf(test, negate, [subject] if nullable else [])
        if isinstance(expr, ast.Between):
            subject, sn = value(expr.subject)
            low, ln = value(expr.low)
            high, hn = value(expr.high)
            low, high = (self.dialect.ordering_text(bound) if _is_string_literal(e) else bound
                         for bound, e in ((low, expr.low), (high, expr.high)))
            test = exp.Between(this=subject, low=low, high=high)
            return _leaf(test, negate, [e for e, n in ((subject, sn), (low, ln), (high, hn)) if n])
        if isinstance(expr, ast.InWindow):
            return self._in_window(expr, negate, value)
        if isinstance(expr, ast.IsNull):
            subject, _ = value(expr.subject)
            test = exp.Is(this=subject, expression=exp.Null())
            return exp.not_(test, copy=False) if expr.negated != negate else test
        if isinstance(expr, ast.Like):
            subject, nullable = value(expr.subject)
            test = self.dialect.like(subject, expr.pattern.value)
            if expr.negated:  # `x not like p` compares too: false where x is missing
                test = exp.not_(test, copy=False)
            return _leaf(test, negate, [subject] if nullable else [])
        if isinstance(expr, ast.Ranked):
            return self._ranked(expr, negate)
        if isinstance(expr, ast.Exists):
            count = self._aggregate_column(ast.Aggregate("count", expr.events, None, span=expr.span))
            none = expr.negated != negate
            return (exp.EQ if none else exp.GT)(this=count, expression=exp.Literal.number(0))
        if isinstance(expr, ast.Sequence):
            # the sequence CTE lists the customers for whom it holds (for `then no` too)
            missing = exp.Is(this=self._sequence(expr), expression=exp.Null())
            return missing if negate else exp.not_(missing, copy=False)
        raise error("internal: cannot compile this condition", getattr(expr, "span", None))

    def _compare(self, expr: ast.Compare, negate: bool, value: Callable) -> exp.Expression:
        (left, ln), (right, rn) = value(expr.left), value(expr.right)
        if _is_date_literal(expr.left) and not _is_date_literal(expr.right):
            right = self.dialect.to_date(right)
        elif _is_date_literal(expr.right) and not _is_date_literal(expr.left):
            left = self.dialect.to_date(left)
        if expr.op in ("<", "<=", ">", ">="):
            left, right = (self.dialect.ordering_text(side) if _is_string_literal(e) else side
                           for side, e in ((left, expr.left), (right, expr.right)))
        op = _NEGATED_OP[expr.op] if negate else expr.op
        test = _COMPARISON[op](this=left, expression=right)
        if not negate:
            return test
        nulls = [e for e, n in ((left, ln), (right, rn)) if n]
        return exp.or_(test, *[exp.Is(this=e, expression=exp.Null()) for e in nulls], copy=False) if nulls else test

    def _in_window(self, expr: ast.InWindow, negate: bool, value: Callable) -> exp.Expression:
        subject, nullable = value(expr.subject)
        kind = self._time_kind(expr.subject)
        if kind is None:  # an attribute of unknown type: compare whole days
            subject, kind = self.dialect.to_date(subject), "date"
        parts = self._range(subject, window_range(expr.window), kind)
        if not negate:
            return exp.and_(*parts, copy=False) if parts else exp.true()
        flipped = [exp.not_(p, copy=False) for p in parts] + ([exp.Is(this=subject, expression=exp.Null())] if nullable else [])
        return exp.or_(*flipped, copy=False) if flipped else exp.false()

    def _time_kind(self, expr: ast.Expr) -> str | None:
        """date or timestamp where the value's type is known, else None."""
        if isinstance(expr, ast.Aggregate) and expr.column is not None:
            event = self.program.events[expr.events.event.name]
            if expr.func in ("min", "max", "first", "last") and expr.column.name == event.at:
                return event.time_type
        return None

    def _range(self, subject: exp.Expression, days: DayRange, kind: str) -> list[exp.Expression]:
        parts = []
        if days.start is not None:
            parts.append(exp.GTE(this=subject, expression=self._bound(days.start, kind)))
        if days.stop is not None:
            parts.append(exp.LT(this=subject, expression=self._bound(days.stop, kind)))
        return parts

    def _bound(self, day: Day, kind: str) -> exp.Expression:
        """The first instant of `day`, typed like the column it is compared with."""
        if self.as_of is not None or day.fixed is not None:
            resolved = day.on(self.as_of) if day.fixed is None else day.fixed
            if kind == "date":
                return self.dialect.date_literal(resolved)
            return self.dialect.timestamp_literal(resolved)
        value = self._day_value(day)
        return value if kind == "date" else self.dialect.day_start(value)

    def _day_value(self, day: Day) -> exp.Expression:
        """A Day as a DATE expression (a literal when the as-of day is known)."""
        if self.as_of is not None or day.fixed is not None:
            return self.dialect.date_literal(day.on(self.as_of) if day.fixed is None else day.fixed)
        today = placeholders.as_of() if self.placeholders else self.dialect.current_date()
        steps = day.steps if self.placeholders else None
        if steps is not None and steps.unit == "months" and not self.dialect.adds_months_by_expression:
            steps = None  # month steps built from a number known now (SQLite's text modifiers): keep the value
        if steps is None:
            moved = self.dialect.add_months(today, day.total_months)
            return self.dialect.add_days(moved, day.total_days)
        moved = self.dialect.add_months(today, _amount(day.months, steps, "months"))
        return self.dialect.add_days(moved, _amount(day.days, steps, "days"))

    # ---- values
    def value(self, expr: ast.Expr) -> exp.Expression:
        """A value over the `ranked` relation."""
        return self._value(expr)[0]

    def _value(self, expr: ast.Expr) -> tuple[exp.Expression, bool]:
        """A value over the `ranked` relation, and whether it may be missing."""
        if isinstance(expr, Attribute):
            self.attributes[expr.name] = None
            return exp.column(expr.name), True
        if isinstance(expr, ast.Aggregate):
            return self._aggregate_value(expr)
        if isinstance(expr, ast.Tile):
            return self._tile(expr), True
        if isinstance(expr, LabelOf):
            return self.labels(self.program.segmentations[expr.name]), False
        return self._common_value(expr, self._value)

    def _common_value(self, expr: ast.Expr, value: Callable) -> tuple[exp.Expression, bool]:
        if isinstance(expr, ast.Literal):
            return self._literal_of(expr), False
        if isinstance(expr, ast.Arithmetic):
            (left, ln), (right, rn) = value(expr.left), value(expr.right)
            if expr.op == "/":
                numerator = exp.cast(left, exp.DataType.Type.DOUBLE)
                return exp.Div(this=numerator, expression=exp.Nullif(this=right, expression=exp.Literal.number(0))), True
            node = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}[expr.op]
            return node(this=_wrap(left), expression=_wrap(right)), ln or rn
        if isinstance(expr, ast.Negate):
            operand, nullable = value(expr.operand)
            return exp.Neg(this=_wrap(operand)), nullable
        raise error("this value cannot be used here", getattr(expr, "span", None))

    def _literal(self, value: object) -> exp.Expression:
        if isinstance(value, bool):
            return self.dialect.boolean_literal(value)
        if isinstance(value, date):
            return self.dialect.date_literal(value)
        if isinstance(value, str):
            return self.dialect.string_literal(value)
        return exp.Literal.number(str(value))

    def _literal_of(self, literal: ast.Literal) -> exp.Expression:
        """A literal's SQL; a marked parameter's value becomes its marker, inside the same casts."""
        tree = self._literal(literal.value)
        if not (self.placeholders and literal.param):
            return tree
        marker = placeholders.param(literal.param)
        if isinstance(tree, (exp.Literal, exp.Boolean)):
            return marker
        tree.find(exp.Literal, exp.Boolean).replace(marker)
        return tree

    def labels(self, segmentation: Segmentation) -> exp.Expression:
        ifs = [exp.If(this=self.condition(cond), true=exp.Literal.string(label)) for label, cond in segmentation.rules]
        return exp.Case(ifs=ifs, default=exp.Literal.string(segmentation.otherwise))

    # ---- aggregates
    def _aggregate_value(self, agg: ast.Aggregate) -> tuple[exp.Expression, bool]:
        event = self.program.events[agg.events.event.name]
        if agg.func == "days_since_last":
            latest = self._aggregate_column(ast.Aggregate("max", agg.events, EventColumn(event.at, span=agg.span),
                                                          span=agg.span))
            today = self._day_value(Day())
            return self.dialect.days_between(self.dialect.to_date(latest), today), True
        if agg.func in ("first", "last") and agg.column.name != event.at:
            return self._edge_value(agg), True
        nullable = agg.func not in ("count", "sum")
        return self._aggregate_column(agg), nullable

    def _aggregate_column(self, agg: ast.Aggregate) -> exp.Expression:
        """Register one aggregate in its event set's features CTE; its column in `base`."""
        event = self.program.events[agg.events.event.name]
        scan = (event.table, event.by, event.at, event.time_type)
        source = self.sources.get(scan)
        if source is None:
            source = self.sources[scan] = _Source({}, self._fresh(f"{event.table[-1]}_features"))
        source.events[event.name] = event
        func = {"first": "min", "last": "max"}.get(agg.func, agg.func)
        column = agg.column.name if agg.column is not None else None
        key = (event.name, func, column, agg.distinct, agg.events.where, agg.events.window)
        if key not in source.aggregates:
            stem = (f"{event.name}_{func}" + ("_distinct" if agg.distinct else "") + (f"_{column}" if column else "")
                    + (f"_{_window_words(agg.events.window)}" if agg.events.window is not None else "")
                    + ("_where" if agg.events.where is not None else ""))
            source.aggregates[key] = (self._fresh(stem), agg)
        name = source.aggregates[key][0]
        return exp.column(name)

    def _features(self, source: _Source) -> exp.Select:
        """One scan of an event table, GROUP BY its key, every aggregate as a conditional aggregate."""
        event = next(iter(source.events.values()))
        filters = [e.where for e in source.events.values()]
        scan = exp.select(exp.column(event.by), copy=False).from_(_table(event.table), copy=False).where(self._cut(event), copy=False)
        if not source.shared and event.where is not None:
            scan = scan.where(self._row_predicate(event.where, None), copy=False)
        elif source.shared and all(f is not None for f in filters):  # only rows some declaration reads
            scan = scan.where(exp.or_(*[self._row_predicate(f, None) for f in dict.fromkeys(filters)], copy=False),
                               copy=False)
        conditions = []
        for (_, func, column, *_), (name, agg) in source.aggregates.items():
            condition = self._row_condition(agg, source.shared)
            conditions.append(condition)
            scan = scan.select(exp.alias_(self._aggregate_sql(func, column, agg, condition), name, copy=False),
                               copy=False)
        if conditions and all(c is not None for c in conditions):  # push windows and filters into the scan
            unique = {c.sql(): c for c in conditions}
            scan = scan.where(exp.or_(*[c.copy() for c in unique.values()], copy=False), copy=False)
        return scan.group_by(exp.column(event.by), copy=False)

    def _row_condition(self, agg: ast.Aggregate, shared: bool) -> exp.Expression | None:
        """The rows an aggregate reads, beyond the as-of cut (and the declaration's filter, unless shared)."""
        event = self.program.events[agg.events.event.name]
        condition = self._event_filter(event, agg.events, table=None)
        if shared and event.where is not None:
            declared = self._row_predicate(event.where, None)
            condition = declared if condition is None else exp.and_(declared, condition, copy=False)
        return condition

    def _aggregate_sql(self, func: str, column: str | None, agg: ast.Aggregate,
                       condition: exp.Expression | None) -> exp.Expression:
        if column is None:
            return exp.Count(this=exp.Star()) if condition is None else exp.Count(
                this=exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))]))
        argument: exp.Expression = exp.column(column)
        if condition is not None:
            argument = exp.Case(ifs=[exp.If(this=condition, true=argument)])
        is_text = (self.program.events[agg.events.event.name].table, column) in self.program.text_columns
        if agg.distinct:
            argument = exp.Distinct(expressions=self.dialect.distinct_values(argument, is_text))
        node = {"count": exp.Count, "sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}[func]
        if is_text and node in (exp.Min, exp.Max):
            return self.dialect.text_extreme(node, argument)
        return node(this=argument)

    def _event_filter(self, event: EventTable, events: ast.EventSet, table: str | None) -> exp.Expression | None:
        """A row's membership in an event set, beyond the as-of cut and the declaration's filter."""
        parts = []
        if events.where is not None:
            parts.append(self._row_predicate(events.where, table))
        if events.window is not None:
            time = exp.column(event.at, table=table)
            days = window_range(events.window)
            if days.stop == TOMORROW:  # the scan's as-of cut already bounds it
                days = DayRange(days.start, None)
            parts.extend(self._range(time, days, event.time_type))
        return exp.and_(*parts, copy=False) if parts else None

    def _row_predicate(self, where: ast.Expr, table: str | None) -> exp.Expression:
        def value(expr: ast.Expr) -> tuple[exp.Expression, bool]:
            if isinstance(expr, EventColumn):
                return exp.column(expr.name, table=table), True
            return self._common_value(expr, value)

        return self._predicate(where, False, value)

    def _scan(self, event: EventTable, columns: list[exp.Expression]) -> exp.Select:
        """SELECT columns FROM the event table WHERE as-of cut AND declaration filter."""
        conditions = [self._cut(event)]
        if event.where is not None:
            conditions.append(self._row_predicate(event.where, None))
        return exp.select(*columns, copy=False).from_(_table(event.table), copy=False).where(exp.and_(*conditions, copy=False), copy=False)

    def _cut(self, event: EventTable) -> exp.Expression:
        """The as-of cut: only events up to the end of day D exist."""
        return exp.and_(*self._range(exp.column(event.at), DayRange(None, TOMORROW), event.time_type), copy=False)

    def _ordered_value(self, event: EventTable, column: str) -> exp.Expression:
        """A column as an ORDER BY key: text by code point, whatever the column's collation."""
        value = exp.column(column)
        is_text = (event.table, column) in self.program.text_columns
        return self.dialect.code_point_order(value) if is_text else value

    # ---- first/last values of other columns
    def _edge_value(self, agg: ast.Aggregate) -> exp.Expression:
        """The value at the first (last) event; among events at that time, the largest."""
        event = self.program.events[agg.events.event.name]
        key = ("edge", agg.func, agg.column.name, agg.events.where, agg.events.window)
        if key not in self.extra_ctes:
            cte = self._fresh(f"{event.name}_{agg.func}_{agg.column.name}")
            # the first (last) time, then the largest value: row 1 holds the answer (no MAX, which some
            # engines lack for some types, e.g. PostgreSQL for booleans)
            order = [exp.Ordered(this=exp.column(event.at), desc=agg.func == "last", nulls_first=False),
                     exp.Ordered(this=self._ordered_value(event, agg.column.name), desc=True, nulls_first=False)]
            place = exp.Window(this=exp.RowNumber(),
                               partition_by=[exp.column(event.by)], order=exp.Order(expressions=order))
            inner = self._scan(event, [exp.column(event.by), exp.alias_(exp.column(agg.column.name), "value", copy=False),
                                       exp.alias_(place, "place", copy=False)])
            condition = self._event_filter(event, agg.events, table=None)
            if condition is not None:
                inner = inner.where(condition, copy=False)
            query = (exp.select(exp.column(event.by), exp.column("value"), copy=False)
                     .from_(inner.subquery("e", copy=False), copy=False)
                     .where(exp.EQ(this=exp.column("place"), expression=exp.Literal.number(1)), copy=False))
            self.extra_ctes[key] = (cte, query, event.by, "value")
        return exp.column(f"{self.extra_ctes[key][0]}_value")

    # ---- sequences
    def _sequence(self, seq: ast.Sequence) -> exp.Expression:
        """A column that is non-null for customers with the sequence (for `then no`: with an unanswered A)."""
        key = ("sequence", seq)
        if key not in self.extra_ctes:
            cte = self._fresh(f"{seq.first.event.name}_then_{'no_' if seq.negated else ''}{seq.second.event.name}")
            self.extra_ctes[key] = (cte, self._sequence_query(seq), "seq_key", "hit")
        return exp.column(f"{self.extra_ctes[key][0]}_hit")

    def _sequence_query(self, seq: ast.Sequence) -> exp.Expression:
        first = self.program.events[seq.first.event.name]
        second = self.program.events[seq.second.event.name]
        if seq.first == seq.second and not seq.negated:
            return self._repeat_query(first, seq)
        if first.table != second.table or (first.by, first.at) == (second.by, second.at):
            return self._next_event_query(seq, first, second)
        return self._pair_join_query(seq, first, second)

    def _next_event_query(self, seq: ast.Sequence, first: EventTable, second: EventTable) -> exp.Expression:
        """`A then [no] B within N days` in one pass per customer, in time order (no self-join, so no
        k^2 pairs for a customer with k events).

        Rows carry flags seq_a / seq_b (one scan of a table both sides read, each row once; else
        A UNION ALL B). Per customer they sort by time, and at equal times A-only rows first, then
        A-and-B rows, then B-only rows. For an A row, seq_next is the earliest B time among the rows
        sorted after it: every other B row at or after its time, except A-and-B rows at the same time
        sorted before it. `then no` catches those with seq_previous (the latest B time before it);
        `then` needs no such check: such a row is an A row itself, with this row in its seq_next.
        """
        as_days = "date" in (first.time_type, second.time_type)

        def flag(test: exp.Expression | None) -> exp.Expression:
            if test is None:
                return exp.Literal.number(1)
            return exp.Case(ifs=[exp.If(this=test, true=exp.Literal.number(1))], default=exp.Literal.number(0))

        def rows(event: EventTable, a: exp.Expression, b: exp.Expression) -> exp.Select:
            time = exp.column(event.at)
            columns = [exp.alias_(exp.column(event.by), "seq_key", copy=False),
                       exp.alias_(self.dialect.to_date(time) if as_days else time, "seq_time", copy=False),
                       exp.alias_(a, "seq_a", copy=False), exp.alias_(b, "seq_b", copy=False)]
            return self._scan(event, columns)

        def test(event: EventTable, events: ast.EventSet, shared: bool) -> exp.Expression | None:
            """Membership of a row of the scan; `shared`: the scan's WHERE has not applied the declaration."""
            parts = [self._row_predicate(event.where, None)] if shared and event.where is not None else []
            condition = self._event_filter(event, events, table=None)
            parts += [condition] if condition is not None else []
            return exp.and_(*parts, copy=False) if parts else None

        if first.table == second.table:
            shared = first.where != second.where
            in_a, in_b = test(first, seq.first, shared), test(second, seq.second, shared)
            scan = rows(replace(first, where=None) if shared else first, flag(in_a), flag(in_b))
            if in_a is not None and in_b is not None:
                scan = scan.where(exp.or_(in_a.copy(), in_b.copy(), copy=False), copy=False)
        else:
            sides = []
            for event, events, a in ((first, seq.first, 1), (second, seq.second, 0)):
                side = rows(event, exp.Literal.number(a), exp.Literal.number(1 - a))
                condition = self._event_filter(event, events, table=None)
                sides.append(side.where(condition, copy=False) if condition is not None else side)
            scan = exp.union(*sides, distinct=False, copy=False)
        is_b = exp.EQ(this=exp.column("seq_b"), expression=exp.Literal.number(1))
        order = exp.Order(expressions=[self.dialect.never_null_order(exp.column("seq_time")),
                                       self.dialect.never_null_order(exp.column("seq_b")),
                                       self.dialect.never_null_order(exp.column("seq_a"), desc=True)])

        def b_time(func: type, spec: exp.WindowSpec) -> exp.Expression:
            return exp.Window(this=func(this=exp.Case(ifs=[exp.If(this=is_b.copy(), true=exp.column("seq_time"))])),
                              partition_by=[exp.column("seq_key")], order=order.copy(), spec=spec)

        after = exp.WindowSpec(kind="ROWS", start=exp.Literal.number(1), start_side="FOLLOWING",
                               end="UNBOUNDED", end_side="FOLLOWING")
        columns = [exp.column("seq_key"), exp.column("seq_time"), exp.column("seq_a"),
                   exp.alias_(b_time(exp.Min, after), "seq_next", copy=False)]
        if seq.negated:
            before = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                                    end=exp.Literal.number(1), end_side="PRECEDING")
            columns.append(exp.alias_(b_time(exp.Max, before), "seq_previous", copy=False))
        timed = exp.select(*columns, copy=False).from_(scan.subquery("r", copy=False), copy=False)

        time, following = exp.column("seq_time"), exp.column("seq_next")
        latest = (self.dialect.add_days(time, seq.within.value) if as_days
                  else self.dialect.timestamp_plus_days(time, seq.within.value))
        if seq.negated:  # no B in [t, t + N]: none later in the span, and none earlier at the same time
            previous = exp.column("seq_previous")
            none_later = exp.or_(exp.Is(this=following, expression=exp.Null()),
                                 exp.GT(this=following.copy(), expression=latest), copy=False)
            none_tied = exp.or_(exp.Is(this=previous, expression=exp.Null()),
                                exp.LT(this=previous.copy(), expression=time.copy()), copy=False)
            hit = exp.and_(none_later, none_tied, copy=False)
        else:
            hit = exp.LTE(this=following, expression=latest)
        is_a = exp.EQ(this=exp.column("seq_a"), expression=exp.Literal.number(1))
        return (exp.select(exp.column("seq_key"), exp.alias_(exp.Literal.number(1), "hit", copy=False), copy=False)
                .from_(timed.subquery("s", copy=False), copy=False)
                .where(exp.and_(is_a, hit, copy=False), copy=False)
                .group_by(exp.column("seq_key"), copy=False))

    def _pair_join_query(self, seq: ast.Sequence, first: EventTable, second: EventTable) -> exp.Expression:
        """Two declarations over one table with different key or time columns: pairs of rows, joined."""
        # on one table, rows are told apart by a number given over the rows both sides could see, in an
        # order that only ties rows that no condition of either side can tell apart
        order_columns = sorted({first.at, second.at} | _columns(seq.first.where)
                               | _columns(seq.second.where) | _columns(first.where) | _columns(second.where))
        partition = sorted({first.by, second.by})

        def side(event: EventTable, events: ast.EventSet, alias: str) -> exp.Expression:
            columns: list[exp.Expression] = [exp.alias_(exp.column(event.by), "seq_key", copy=False),
                                             exp.alias_(exp.column(event.at), "seq_time", copy=False)]
            condition = self._event_filter(event, events, table=None)
            needed = sorted(_columns(events.where) | _columns(event.where) | {event.at})
            order = [exp.Ordered(this=exp.column(c), nulls_first=True) for c in order_columns]
            numbered = exp.Window(this=exp.RowNumber(), partition_by=[exp.column(c) for c in partition],
                                  order=exp.Order(expressions=order))
            inner = exp.select(*columns, *map(exp.column, needed), exp.alias_(numbered, "seq_row", copy=False), copy=False) \
                .from_(_table(event.table), copy=False)
            after = [condition] if condition is not None else []
            if event.where is not None:
                after.append(self._row_predicate(event.where, None))
            if first.at == second.at:
                inner = inner.where(self._cut(event), copy=False)
            else:
                after.append(self._cut(event))
            outer = exp.select(*map(exp.column, ("seq_key", "seq_time", "seq_row")), copy=False) \
                .from_(inner.subquery("r", copy=False), copy=False)
            return (outer.where(exp.and_(*after, copy=False), copy=False) if after else outer).subquery(alias, copy=False)

        a_time, b_time = exp.column("seq_time", table="a"), exp.column("seq_time", table="b")
        days = seq.within.value
        if "date" in (first.time_type, second.time_type):
            a_time, b_time = self.dialect.to_date(a_time), self.dialect.to_date(b_time)
            latest = self.dialect.add_days(a_time, days)
        else:
            latest = self.dialect.timestamp_plus_days(a_time, days)
        on = [exp.EQ(this=exp.column("seq_key", table="a"), expression=exp.column("seq_key", table="b")),
              exp.LTE(this=a_time, expression=b_time), exp.LTE(this=b_time, expression=latest),
              exp.NEQ(this=exp.column("seq_row", table="a"), expression=exp.column("seq_row", table="b"))]
        query = (exp.select(exp.alias_(exp.column("seq_key", table="a"), "seq_key", copy=False),
                            exp.alias_(exp.Literal.number(1), "hit", copy=False), copy=False)
                 .from_(side(first, seq.first, "a"), copy=False)
                 .join(_join(side(second, seq.second, "b"), exp.and_(*on, copy=False), left=seq.negated), copy=False))
        if seq.negated:
            query = query.where(exp.Is(this=exp.column("seq_key", table="b"), expression=exp.Null()), copy=False)
        return query.group_by(exp.column("seq_key", table="a"), copy=False)

    def _repeat_query(self, event: EventTable, seq: ast.Sequence) -> exp.Expression:
        """`A then A within N days`: two rows of A that close exist iff two neighbours in time order are."""
        time = exp.column(event.at)
        in_time_order = exp.Order(expressions=[self.dialect.never_null_order(exp.column(event.at))])
        previous = exp.Window(this=exp.Lag(this=exp.column(event.at)), partition_by=[exp.column(event.by)],
                              order=in_time_order)
        scan = self._scan(event, [exp.alias_(exp.column(event.by), "seq_key", copy=False),
                                  exp.alias_(time, "seq_time", copy=False),
                                  exp.alias_(previous, "seq_previous", copy=False)])
        condition = self._event_filter(event, seq.first, table=None)
        if condition is not None:
            scan = scan.where(condition, copy=False)
        now, before = exp.column("seq_time"), exp.column("seq_previous")
        if event.time_type == "date":
            now, before = self.dialect.to_date(now), self.dialect.to_date(before)
            latest = self.dialect.add_days(before, seq.within.value)
        else:
            latest = self.dialect.timestamp_plus_days(before, seq.within.value)
        close = exp.and_(exp.not_(exp.Is(this=exp.column("seq_previous"), expression=exp.Null()), copy=False),
                         exp.LTE(this=now, expression=latest), copy=False)
        return (exp.select(exp.column("seq_key"), exp.alias_(exp.Literal.number(1), "hit", copy=False), copy=False)
                .from_(scan.subquery("r", copy=False), copy=False).where(close, copy=False)
                .group_by(exp.column("seq_key"), copy=False))

    # ---- ranking
    def _rank(self, value: exp.Expression, descending: bool) -> _Rank:
        key = (value.sql(), descending)
        if key not in self.ranks:
            stem = self._fresh(f"rank_{len(self.ranks) + 1}")
            self.ranks[key] = _Rank(value, descending, f"{stem}_rank", f"{stem}_n")
            self.used_names.update({f"{stem}_rank", f"{stem}_n"})
        return self.ranks[key]

    def _threshold(self, value: exp.Expression, descending: bool, share: Decimal) -> str | None:
        """The column holding the k-th best value, where the dialect computes it without a sort."""
        best = self.dialect.kth_best(value, share, descending)
        if best is None:
            return None
        key = (value.sql(), descending, share)
        if key not in self.thresholds:
            column = self._fresh(f"threshold_{len(self.thresholds) + 1}")
            self.thresholds[key] = _Threshold(best, column)
        return self.thresholds[key].column

    def _ranked(self, expr: ast.Ranked, negate: bool) -> exp.Expression:
        value, nullable = self._value(expr.subject)
        marked = self.placeholders and expr.percent.param  # P is set later, by dbt
        percent = None if marked else Decimal(str(expr.percent.value))
        # (a constant ranks without a sort already: every customer ties at rank 1)
        if percent is not None and value.find(exp.Column) is not None:
            # member <=> rank <= k = ceil(P * n / 100) <=> value at least as good as the k-th best
            threshold = self._threshold(value, expr.top, percent.scaleb(-2))
            if threshold is not None:
                test = (exp.GTE if expr.top else exp.LTE)(this=value, expression=exp.column(threshold))
                return _leaf(test, negate, [*([value] if nullable else []), exp.column(threshold)])
        rank = self._rank(value, expr.top)
        r, n = exp.column(rank.rank), exp.column(rank.count)
        if percent is None:
            # rank <= ceil(P * n / 100)  <=>  (rank - 1) * 100 < P * n (P a decimal literal: exact)
            share = Fraction(1)
            scaled_percent = placeholders.param(expr.percent.param)
        else:
            share = Fraction(percent)
            scaled_percent = exp.Literal.number(share.numerator)
        # rank <= ceil(P * n / 100)  <=>  (rank - 1) * 100 * den < num * n, in whole numbers
        lhs = exp.Mul(this=exp.Paren(this=exp.Sub(this=r, expression=exp.Literal.number(1))),
                      expression=self.dialect.wide_integer(100 * share.denominator))
        rhs = exp.Mul(this=scaled_percent, expression=n)
        within = exp.LT(this=lhs, expression=rhs)
        if not negate:
            return exp.and_(exp.not_(exp.Is(this=r, expression=exp.Null())), within, copy=False)
        return exp.or_(exp.Is(this=r, expression=exp.Null()), exp.not_(within), copy=False)

    def _tile(self, expr: ast.Tile) -> exp.Expression:
        value, _ = self._value(expr.operand)
        rank = self._rank(value, False)
        # 1 + floor(k * (r - 1) / n), with exact division only
        scaled = exp.Mul(this=exp.Literal.number(expr.buckets),
                         expression=exp.Paren(this=exp.Sub(this=exp.column(rank.rank), expression=exp.Literal.number(1))))
        # n is 0 where every value is missing: no rank is then known, but ClickHouse evaluates x % n anyway
        count = exp.Nullif(this=exp.column(rank.count), expression=exp.Literal.number(0))
        whole = exp.Sub(this=scaled, expression=exp.Mod(this=scaled.copy(), expression=count))
        return exp.Add(this=exp.Literal.number(1),
                       expression=exp.Div(this=exp.Paren(this=whole), expression=count.copy()))

    # ---- assembly
    def finish(self, select: exp.Select, comments: list[str]) -> exp.Expression:
        entity = self.program.entity
        key = entity.key
        ctes: list[tuple[str, exp.Expression]] = []
        # aliased explicitly: ClickHouse names an unaliased c.x "c.x" when a joined table also has an x
        base_columns: list[exp.Expression] = [exp.alias_(exp.column(a, table="c"), a, copy=False)
                                              for a in [key, *(a for a in self.attributes if a != key)]]
        base = exp.select(copy=False).from_(exp.alias_(_table(entity.table), "c", table=True, copy=False), copy=False)
        for source in self.sources.values():
            by = next(iter(source.events.values())).by
            ctes.append((source.cte, self._features(source)))
            base = base.join(_customer_join(source.cte, by, key), copy=False)
            for (_, func, *_), (name, _) in source.aggregates.items():
                column = exp.column(name, table=source.cte)
                if func in ("count", "sum"):
                    column = exp.Coalesce(this=column, expressions=[exp.Literal.number(0)])
                base_columns.append(exp.alias_(column, name, copy=False))
        for cte, query, by, value in self.extra_ctes.values():
            ctes.append((cte, query))
            base = base.join(_customer_join(cte, by, key), copy=False)
            base_columns.append(exp.alias_(exp.column(value, table=cte), f"{cte}_{value}", copy=False))
        # an entity row with a NULL key is no customer (LANGUAGE.md, semantics 8): not a member, not ranked
        base = base.where(exp.not_(exp.Is(this=exp.column(key, table="c"), expression=exp.Null()), copy=False),
                          copy=False)
        ctes.append((BASE, base.select(*base_columns, copy=False)))
        source_name = BASE
        if self.thresholds:
            thresholds = exp.select(*(exp.alias_(t.best, t.column, copy=False) for t in self.thresholds.values()),
                                    copy=False)
            ctes.append((THRESHOLDS, thresholds.from_(exp.table_(BASE), copy=False)))
        if self.ranks or self.thresholds:
            ranked = exp.select(exp.Star(), copy=False).from_(exp.table_(BASE), copy=False)
            if self.thresholds:
                ranked = ranked.join(exp.Join(this=exp.table_(THRESHOLDS), kind="CROSS"), copy=False)
            for rank in self.ranks.values():
                missing = exp.Is(this=rank.value, expression=exp.Null())
                # missing values sort after every known one, so they never change a known value's rank
                # (one sort; no partition by missingness)
                order = exp.Ordered(this=rank.value.copy(), desc=rank.descending, nulls_first=False)
                window = exp.Window(this=exp.Rank(), order=exp.Order(expressions=[order]))
                if rank.value.find(exp.Column) is None:
                    # a constant: every customer ties at rank 1 (and MariaDB 10.11 mis-ranks the other
                    # windows of a query that has a window over constants and a TEXT column)
                    window = exp.Literal.number(1)
                ranked = ranked.select(
                    exp.alias_(exp.Case(ifs=[exp.If(this=missing.copy(), true=exp.Null())], default=window), rank.rank, copy=False),
                    exp.alias_(exp.Window(this=exp.Count(this=rank.value.copy())), rank.count, copy=False), copy=False)
            ctes.append((RANKED, ranked))
            source_name = RANKED
        query = select.from_(exp.table_(source_name), copy=False)
        for name, cte in ctes:
            query = query.with_(exp.TableAlias(this=exp.to_identifier(name)), as_=cte, copy=False)
        query.add_comments([_comment(c) for c in comments])
        return self.dialect.statement(query)


# ---- helpers ---------------------------------------------------------------------

_COMPARISON = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}
_NEGATED_OP = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _leaf(test: exp.Expression, negate: bool, nullable: list[exp.Expression]) -> exp.Expression:
    """A leaf test, negated two-valued: NOT t also holds where an operand is missing."""
    if not negate:
        return test
    return exp.or_(exp.not_(test), *[exp.Is(this=e.copy(), expression=exp.Null()) for e in nullable], copy=False)


def _amount(constant: int, steps: Steps, unit: str) -> int | exp.Expression:
    """constant + the parameter's steps of this unit, as SQL."""
    if steps.unit != unit:
        return constant
    scaled = exp.Mul(this=placeholders.param(steps.param), expression=exp.Literal.number(steps.factor))
    return exp.Add(this=scaled, expression=exp.Literal.number(constant)) if constant else scaled


def _join(table: exp.Expression, on: exp.Expression, left: bool) -> exp.Join:
    """A join node built directly (a `join_type` string would be parsed as SQL on every call)."""
    return exp.Join(this=table, on=on, side="LEFT" if left else None)


def _customer_join(cte: str, by: str, key: str) -> exp.Join:
    """A per-customer CTE LEFT JOINed to the entity table `c` on its key."""
    return _join(exp.alias_(exp.to_identifier(cte), cte, table=True, copy=False),
                 exp.EQ(this=exp.column(by, table=cte), expression=exp.column(key, table="c")), left=True)


def _wrap(value: exp.Expression) -> exp.Expression:
    return exp.Paren(this=value) if isinstance(value, (exp.Binary, exp.Case)) else value


def _is_date_literal(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.Literal) and expr.kind == "date"


def _is_string_literal(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.Literal) and expr.kind == "string"


def _table(parts: tuple[str, ...]) -> exp.Table:
    *prefix, name = parts
    db = prefix[-1] if prefix else None
    catalog = prefix[-2] if len(prefix) > 1 else None
    return exp.table_(name, db=db, catalog=catalog)


def _columns(expr: object) -> set[str]:
    return {node.name for node in ast.walk(expr) if isinstance(node, EventColumn)}


def _window_words(window: ast.Window) -> str:
    """A short name for a window, for readable column names: last_30_day, 59_7_day_ago."""
    if isinstance(window, (ast.Last, ast.BeforeLast)):
        word = "last" if isinstance(window, ast.Last) else "before"
        return f"{word}_{_amount_word(window.amount)}_{window.unit}"
    if isinstance(window, ast.Ago):
        return f"{_amount_word(window.first)}_{_amount_word(window.second)}_{window.unit}_ago"
    start = window.start.value.strftime("%Y%m%d") if window.start is not None else ""
    end = window.end.value.strftime("%Y%m%d") if window.end is not None else ""
    return f"{start or 'until'}_{end or 'on'}"


def _amount_word(amount: ast.Literal) -> str:
    return amount.param or str(amount.value)


def _comment(text: str) -> str:
    """A description as a SQL comment that cannot close itself early."""
    return " " + text.replace("*/", "* /").replace("/*", "/ *").replace("\n", " ") + " "
