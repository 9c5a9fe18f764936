"""Plan -> sqlglot trees: the statement a plan describes, for its dialect.

The statement has one shape for a segment, a segmentation and the whole file:

    WITH <event>_features AS (one GROUP BY per event table: every aggregate
                              any output needs, as conditional aggregates),
         <sequence CTEs>, <first/last value CTEs>, <median / most frequent value CTEs>,
         base AS (entity LEFT JOIN each of the above; a segment's statement
                  INNER JOINs those every member has a row in: required.py),
         thresholds AS (one row: the value each top/bottom P% must reach, where
                        the plan compares with the k-th best),
         ranked AS (base with the thresholds, ranks and counts for top P% and tiles,
                    computed once)
    SELECT key [, flags, labels and values] FROM ranked [WHERE segment]

Conditions are emitted in negation normal form so that logic is two-valued
(LANGUAGE.md, semantics 3): `not` is pushed down to the leaves, and a negated
leaf also holds where its operands are missing. Every choice (names, forms,
ranks or thresholds) is the plan's (plan.py); this module only translates.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import cast

from sqlglot import exp

from ..errors import error
from ..frozen import frozen
from ..lang import model as m
from ..lang import zones
from ..lang.model import Condition, EventColumn, EventTable, Value
from ..lang.timeline import TOMORROW, AsOf, ColumnKind, Day, DayRange, Instant, Steps, before_the_cut, window_range
from . import placeholders, required, yearly
from .journey_blocks import JourneyBlocks
from .journey_paths import JourneyPaths
from .journey_repeat import repeat_query
from .journey_sql import JourneySql
from .lookups import join_lookups
from .plan import (
    BASE,
    RANKED,
    THRESHOLDS,
    AtLeastKthBest,
    Column,
    DaysSince,
    EdgeValue,
    FeatureAggregate,
    FeatureScan,
    HasEvents,
    InWindow,
    JourneyScan,
    Labels,
    Plan,
    SequenceHolds,
    SequenceScan,
    SessionScan,
    SplitBucket,
    StatisticValue,
    Threshold,
    TileOf,
    WithinShare,
    column_kind,
    flat_chain,
)
from .tables import event_columns as _columns
from .tables import table as _table

ValueOf = Callable[[Value], tuple[exp.Expr, bool]]
"""A value's SQL, and whether it may be missing (NULL)."""


@frozen
class Options:
    as_of: date | datetime | None = None  # a day D, or an instant T in the program's zone (rule 10)
    # the as-of day D, the as-of instant T and marked parameters become markers (placeholders.py), for
    # segdsl dbt
    placeholders: bool = False
    # without an as-of, D is the engine's current day and T the start of the next, not the current instant:
    # the statement reads the day only through CURRENT_DATE (insight/series.py lifts it over many days)
    whole_days: bool = False


def emit(plan: Plan, options: Options) -> exp.Select:
    """The statement of a plan: the key column and the plan's outputs, one row per customer or member."""
    return _Emitter(plan, options).statement()


def today(plan: Plan) -> exp.Expr:
    """The current day in the plan's time zone (rule 9): the engine's CURRENT_DATE in a UTC program."""
    return _Emitter(plan, Options()).today()


def current_instant(plan: Plan, utc: bool) -> exp.Expr:
    """The current instant, T without an as-of (rule 10): a UTC timestamp, or (not utc) the wall-clock time
    in the plan's time zone (in a UTC program, the same)."""
    emitter = _Emitter(plan, Options())
    now = plan.dialect.now_utc()
    return now if utc or not emitter.zoned else emitter._wall(now)


def as_utc(plan: Plan, wall: exp.Expr) -> exp.Expr:
    """A wall-clock time in the plan's time zone as the UTC instant it is: converted by the engine, a fixed
    offset as minutes, unchanged in a UTC program."""
    emitter = _Emitter(plan, Options())
    return emitter._utc(wall) if emitter.zoned else wall


class _Emitter:
    def __init__(self, plan: Plan, options: Options):
        self.plan = plan
        self.dialect = plan.dialect
        self.placeholders = options.placeholders
        self.whole_days = options.whole_days
        self.zone = zones.zone(plan.timezone)
        self.zoned = not zones.is_utc(plan.timezone)  # a UTC program compiles to the SQL of v1
        self.clock = AsOf.of(options.as_of, self.zone) if options.as_of is not None else None
        self.as_of = self.clock.day if self.clock is not None else None

    # ---- conditions
    def condition(self, expr: Condition, negate: bool = False) -> exp.Expr:
        """A two-valued predicate over the `ranked` relation."""
        return self._predicate(expr, negate, self._value)

    def _predicate(self, expr: Condition, negate: bool, value: ValueOf) -> exp.Expr:
        if isinstance(expr, (m.And, m.Or)):
            return self._chain(expr, negate, value)
        if isinstance(expr, m.Not):
            return self._predicate(expr.operand, not negate, value)
        if isinstance(expr, m.CountOf):
            return self._count_of(expr, negate, value)
        if isinstance(expr, m.Constant):
            return exp.true() if bool(expr.value) != negate else exp.false()
        if isinstance(expr, m.Compare):
            return self._compare(expr, negate, value)
        if isinstance(expr, m.InList):
            subject, nullable = value(expr.subject)
            items = [self._literal_of(item) for item in expr.items]
            test: exp.Expr = exp.In(this=subject, expressions=items)
            if expr.negated:  # `x not in (...)` compares too: false where x is missing
                test = exp.not_(test, copy=False)
            return _leaf(test, negate, [subject] if nullable else [])
        if isinstance(expr, m.Between):
            subject, sn = value(expr.subject)
            low, ln = value(expr.low)
            high, hn = value(expr.high)
            low, high = (self.dialect.ordering_text(bound) if _is_string_literal(e) else bound
                         for bound, e in ((low, expr.low), (high, expr.high)))
            between = exp.Between(this=subject, low=low, high=high)
            return _leaf(between, negate, [e for e, n in ((subject, sn), (low, ln), (high, hn)) if n])
        if isinstance(expr, InWindow):
            return self._in_window(expr.subject, expr.window, expr.kind, expr.as_date, negate, value)
        if isinstance(expr, m.InWindow):  # in an event set's filter: an event column, compared as days
            clock = getattr(expr.window, "unit", None) in m.CLOCK_UNITS
            if clock or (self.zoned and expr.column in ("timestamp", "local")):  # its instants (rules 9, 10)
                return self._in_window(expr.subject, expr.window, expr.column or "timestamp", False, negate, value)
            return self._in_window(expr.subject, expr.window, "date", True, negate, value)
        if isinstance(expr, m.IsNull):
            subject, _ = value(expr.subject)
            missing = exp.Is(this=subject, expression=exp.Null())
            return exp.not_(missing, copy=False) if expr.negated != negate else missing
        if isinstance(expr, m.Like):
            subject, nullable = value(expr.subject)
            test = self.dialect.like(subject, expr.pattern.value)
            if expr.negated:  # `x not like p` compares too: false where x is missing
                test = exp.not_(test, copy=False)
            return _leaf(test, negate, [subject] if nullable else [])
        if isinstance(expr, AtLeastKthBest):
            return self._at_least_kth_best(expr, negate)
        if isinstance(expr, WithinShare):
            return self._within_share(expr, negate)
        if isinstance(expr, HasEvents):
            none = expr.negated != negate
            return (exp.EQ if none else exp.GT)(this=exp.column(expr.count), expression=exp.Literal.number(0))
        if isinstance(expr, SequenceHolds):
            # the sequence CTE lists the customers for whom it holds (for `then no` too)
            missing = exp.Is(this=exp.column(expr.scan.value), expression=exp.Null())
            return missing if negate else exp.not_(missing, copy=False)
        raise error("internal: cannot compile this condition", getattr(expr, "span", None))

    def _chain(self, expr: m.And | m.Or, negate: bool, value: ValueOf) -> exp.Expr:
        """An and/or chain as one flat AND (OR): `not` pushed down first, so `a and not (b or c)` is
        a AND NOT b AND NOT c, and every operand of the same connective collected without recursing
        (sqlglot prints a flat chain without recursing too; nested parentheses it recurses through)."""
        use_and = isinstance(expr, m.And) != negate
        operands = [self._predicate(node, negated, value) for node, negated in flat_chain(expr, negate)]
        return exp.and_(*operands, copy=False) if use_and else exp.or_(*operands, copy=False)

    def _count_of(self, expr: m.CountOf, negate: bool, value: ValueOf) -> exp.Expr:
        """How many operands hold (a 1 for each, a missing comparison counting as false, rule 3) against N:
        never missing, so its negation is the opposite comparison."""
        ones: list[exp.Expr] = [
            exp.Case(ifs=[exp.If(this=self._predicate(operand, False, value), true=exp.Literal.number(1))],
                     default=exp.Literal.number(0)) for operand in expr.operands]
        total = functools.reduce(lambda left, right: exp.Add(this=left, expression=right), ones)
        op = _NEGATED_OP[expr.op] if negate else expr.op
        return _COMPARISON[op](this=exp.Paren(this=total), expression=exp.Literal.number(expr.count))

    def _compare(self, expr: m.Compare, negate: bool, value: ValueOf) -> exp.Expr:
        years = self._years_compared(expr, value)
        if years is not None:
            test, day = years
            return _leaf(test, negate, [day])
        (left, ln), (right, rn) = value(expr.left), value(expr.right)
        if expr.op in ("<", "<=", ">", ">="):
            left, right = (self.dialect.ordering_text(side) if _is_string_literal(e) else side
                           for side, e in ((left, expr.left), (right, expr.right)))
        op = _NEGATED_OP[expr.op] if negate else expr.op
        test = _COMPARISON[op](this=left, expression=right)
        if not negate:
            return test
        nulls = [e for e, n in ((left, ln), (right, rn)) if n]
        return exp.or_(test, *[exp.Is(this=e, expression=exp.Null()) for e in nulls], copy=False) if nulls else test

    def _in_window(self, subject_value: Value, window: m.Window, kind: str, as_date: bool, negate: bool,
                   value: ValueOf) -> exp.Expr:
        if isinstance(subject_value, m.Anniversary) and self._known(Day()) is not None:
            return self._anniversary_in_window(subject_value, window, negate, value)
        subject, nullable = value(subject_value)
        if as_date:  # a value of unknown type: compare whole days
            subject = self.dialect.to_date(subject)
        parts = self._range(subject, window_range(window), self._kind(kind))
        if not negate:
            return exp.and_(*parts, copy=False) if parts else exp.true()
        flipped = ([exp.not_(p, copy=False) for p in parts]
                   + ([exp.Is(this=subject, expression=exp.Null())] if nullable else []))
        return exp.or_(*flipped, copy=False) if flipped else exp.false()

    def _kind(self, kind: str) -> ColumnKind:
        """What a time column holds for the bounds it compares with: in a UTC program a wall-clock time
        is a UTC one."""
        if kind == "date":
            return "date"
        return "local" if kind == "local" and self.zoned else "timestamp"

    def _years_compared(self, expr: m.Compare, value: ValueOf) -> tuple[exp.Expr, exp.Expr] | None:
        """`years_since(x) OP number` with D known, as a range of x's day (yearly.years_at_least), and that
        day; None for any other comparison."""
        as_of = self._known(Day())
        left, right, op = expr.left, expr.right, str(expr.op)
        if isinstance(left, m.Constant):
            left, right, op = right, left, _MIRRORED[op]
        if as_of is None or not isinstance(left, m.YearsSince) or not isinstance(right, m.Constant) \
                or right.kind != "number" or (self.placeholders and right.param):
            return None
        day = self.dialect.to_date(value(left.operand)[0])
        return yearly.years_compared(self.dialect, day, as_of, op, cast(int | Decimal, right.value)), day

    def _anniversary_in_window(self, subject_value: m.Anniversary, window: m.Window, negate: bool,
                               value: ValueOf) -> exp.Expr:
        """`anniversary(x) in WINDOW` with D known: a test of x's month and day (yearly.anniversary_within)."""
        operand, _ = value(subject_value.operand)
        day = self.dialect.to_date(operand)
        days = window_range(window)
        start, stop = (self._known(bound) if isinstance(bound, Day) else None  # a date's window: whole days
                       for bound in (days.start, days.stop))
        test = yearly.anniversary_within(self.dialect, day, cast(date, self._known(Day())), start, stop)
        return _leaf(test, negate, [day])

    def _range(self, subject: exp.Expr, days: DayRange, kind: str) -> list[exp.Expr]:
        parts: list[exp.Expr] = []
        if days.start is not None:
            parts.append(exp.GTE(**self._against_day(subject, days.start, kind)))
        if days.stop is not None:
            parts.append(exp.LT(**self._against_day(subject, days.stop, kind)))
        return parts

    def _known(self, day: Day) -> date | None:
        """The date of a Day, when it is fixed or the as-of day is known."""
        if day.fixed is not None:
            return day.fixed
        return day.on(self.as_of) if self.as_of is not None else None

    def _against_day(self, subject: exp.Expr, day: Day | Instant, kind: str) -> dict[str, exp.Expr]:
        """A date or time value and the first instant of `day` (or an instant) typed like it, as the two
        sides of a comparison (`this`, `expression`). A bound segdsl can compute is a literal (rule 9):
        a day for a date column, a wall-clock time for a local one, a UTC instant for any other."""
        column = self._kind(kind)
        if self.clock is not None and (isinstance(day, Instant) or (day == TOMORROW and column != "date")):
            moment = self.clock.bound(day, column)
            assert isinstance(moment, datetime), "an instant, or a day's start in a timestamp column"
            return {"this": subject, "expression": self.dialect.instant_literal(moment)}
        if self.placeholders and (isinstance(day, Instant) or (day == TOMORROW and column != "date")):
            # dbt's var as_of gives T (a day D: the start of D+1; unset: the current instant): its marker,
            # as a wall-clock time for a local column, else as a UTC instant (in a UTC program, the same)
            marker = placeholders.as_of_instant(utc=self.zoned and column == "timestamp")
            if isinstance(day, Instant):
                if column == "local" and zones.fixed_offset_minutes(self.plan.timezone) is None:
                    # hours of elapsed time back from T: on the UTC clock, then the wall clock's time then
                    # (a change of clocks in between moves the wall clock, rule 10)
                    moved = self.dialect.timestamp_plus_minutes(placeholders.as_of_instant(utc=True), day.minutes)
                    return {"this": subject, "expression": self._wall(moved)}
                marker = self.dialect.timestamp_plus_minutes(marker, day.minutes)
            return {"this": subject, "expression": marker}
        if isinstance(day, Instant) or (day == TOMORROW and column != "date" and not self.whole_days):
            # T is the current instant: events at T or later do not exist, and hours back from it are
            # elapsed time (rule 10)
            now = self.dialect.now_utc()
            moved = self.dialect.timestamp_plus_minutes(now, day.minutes) if isinstance(day, Instant) else now
            if column == "local":
                return {"this": subject, "expression": self._wall(moved)}
            time, instant = self.dialect.time_against_now(subject, moved)
            return {"this": time, "expression": instant}
        resolved = self._known(day)
        if resolved is not None:
            if column == "date":
                return {"this": subject, "expression": self.dialect.date_literal(resolved)}
            return {"this": subject, "expression": self.dialect.instant_literal(self._day_start(resolved, column))}
        value = self._day_value(day)
        if column == "date":
            return {"this": subject, "expression": value}
        if column == "timestamp" and self.zoned:  # the UTC instant the zone's day starts at
            return {"this": subject, "expression": self._utc(self.dialect.day_start(value))}
        time, start = self.dialect.time_against_day(subject.copy(), value)
        return {"this": time, "expression": start}

    def _day_start(self, day: date, column: ColumnKind) -> datetime:
        """The first instant of a day in the program's zone: a wall-clock time, or a UTC one."""
        midnight = datetime.combine(day, datetime.min.time())
        if column == "local" or not self.zoned or day in (date.min, date.max):
            return midnight
        return midnight.replace(tzinfo=self.zone).astimezone(timezone.utc).replace(tzinfo=None)

    # ---- conversions between UTC and the program's zone, where the engine must make them (rule 9)
    def _wall(self, utc: exp.Expr) -> exp.Expr:
        """The wall-clock time in the program's zone of a UTC timestamp."""
        return self._convert(utc, zones.UTC, self.plan.timezone, 1)

    def _utc(self, wall: exp.Expr) -> exp.Expr:
        """The UTC instant of a wall-clock time in the program's zone."""
        return self._convert(wall, self.plan.timezone, zones.UTC, -1)

    def _convert(self, value: exp.Expr, source: str, target: str, sign: int) -> exp.Expr:
        offset = zones.fixed_offset_minutes(self.plan.timezone)
        if offset is not None:  # a fixed offset needs no zone database
            return self.dialect.timestamp_plus_minutes(value, sign * offset)
        converted = self.dialect.convert_zone(value, source, target)
        if converted is None:
            raise error(f"{self.dialect.name}: this needs the engine to convert times to '{self.plan.timezone}', "
                        f"and {self.dialect.zone_conversion_missing}", self.plan.timezone_span,
                        "give --as-of for windows (segdsl then computes their bounds); days of single events "
                        "(days_since_last, sequences across a date and a timestamp) need an engine with zones")
        return converted

    def _day_of(self, time: exp.Expr, kind: str) -> exp.Expr:
        """The day in the program's zone of a date or time value."""
        if self._kind(kind) == "timestamp" and self.zoned:
            return self.dialect.to_date(self._wall(time))
        return self.dialect.to_date(time)

    def _day_value(self, day: Day) -> exp.Expr:
        """A Day as a DATE expression (a literal when the as-of day is known)."""
        resolved = self._known(day)
        if resolved is not None:
            return self.dialect.date_literal(resolved)
        today = placeholders.as_of() if self.placeholders else self._today()
        steps = day.steps if self.placeholders else None
        if steps is not None and steps.unit == "months" and not self.dialect.adds_months_by_expression:
            steps = None  # month steps built from a number (SQLite's add_months): keep the value
        if steps is None:
            moved = self.dialect.add_months(today, day.total_months)
            return self.dialect.add_days(moved, day.total_days)
        moved = self.dialect.add_months(today, _amount(day.months, steps, "months"))
        return self.dialect.add_days(moved, _amount(day.days, steps, "days"))

    def _today(self) -> exp.Expr:
        """The current day in the program's zone (rule 9)."""
        if not self.zoned:
            return self.dialect.current_date()
        return self.dialect.to_date(self._wall(self.dialect.now_utc()))

    def today(self) -> exp.Expr:
        """The current day in the program's zone, as the statement reads it without an as-of day."""
        return self._today()

    # ---- values
    def value(self, expr: Value) -> exp.Expr:
        """A value over the `ranked` relation."""
        return self._value(expr)[0]

    def _value(self, expr: Value) -> tuple[exp.Expr, bool]:
        """A value over the `ranked` relation, and whether it may be missing."""
        if isinstance(expr, Column):
            return exp.column(expr.name), expr.nullable
        if isinstance(expr, DaysSince):
            latest = self._day_of(exp.column(expr.latest), expr.kind)
            return self.dialect.days_between(latest, self._day_value(Day())), True
        if isinstance(expr, TileOf):
            return self._tile(expr), True
        if isinstance(expr, Labels):
            return self.labels(expr), expr.otherwise is None
        return self._common_value(expr, self._value)

    def _bucket(self, bucket: SplitBucket) -> exp.Expr:
        """A customer's bucket in a split (rule 18), by the dialect's MD5 of the entity's key."""
        if self.dialect.md5_missing is not None:
            raise error(f"{self.dialect.name}: a split hashes each customer's key with MD5, and "
                        f"{self.dialect.md5_missing}", bucket.span,
                        "compile for an engine with MD5 (DuckDB, PostgreSQL, MySQL, ...)")
        return self.dialect.split_bucket(exp.column(self.plan.entity.key, table="c"), bucket.salt)

    def _common_value(self, expr: Value, value: ValueOf) -> tuple[exp.Expr, bool]:
        if isinstance(expr, m.Constant):
            return self._literal_of(expr), False
        if isinstance(expr, m.Arithmetic):
            # a chain prints as written, `a + b - c`: evaluated left to right, like SQL's operators
            first = expr.operands[0]
            tree, nullable = value(first)
            # the left side needs no parentheses when it is a chain of the same precedence
            bare = isinstance(first, m.Arithmetic) and _PRECEDENCE[first.ops[0]] == _PRECEDENCE[expr.ops[0]]
            for op, written in zip(expr.ops, expr.operands[1:]):
                right, right_nullable = value(written)
                if op == "/":  # real division; by zero: missing
                    tree = exp.Div(this=exp.cast(tree, exp.DataType.Type.DOUBLE),
                                   expression=exp.Nullif(this=right, expression=exp.Literal.number(0)))
                    nullable = True
                else:
                    tree = _ARITHMETIC[op](this=tree if bare else _wrap(tree), expression=_wrap(right))
                    nullable = nullable or right_nullable
                bare = True
            return tree, nullable
        if isinstance(expr, m.Negate):
            operand, nullable = value(expr.operand)
            return exp.Neg(this=_wrap(operand)), nullable
        if isinstance(expr, m.DayOf):
            operand, nullable = value(expr.operand)
            return self._day_of(operand, expr.column or "date"), nullable
        if isinstance(expr, (m.Anniversary, m.YearsSince)):
            operand, _ = value(expr.operand)
            day = self.dialect.to_date(operand)
            if isinstance(expr, m.Anniversary):
                return yearly.anniversary(self.dialect, day, self._as_of()), True
            return yearly.years_since(self.dialect, day, self._as_of()), True
        raise error("this value cannot be used here", getattr(expr, "span", None))

    # ---- the calendar of a year and of periods (rules 11, 12: yearly.py)
    def _as_of(self) -> yearly.AsOf:
        return yearly.AsOf(self._known(Day()), self._day_value(Day()))

    def _event_day(self, event: EventTable) -> exp.Expr:
        """The day an event happens on: its time's calendar day in the program's zone (rule 9)."""
        return self._day_of(exp.column(event.at), column_kind(event))

    def _literal(self, value: object) -> exp.Expr:
        if isinstance(value, bool):
            return self.dialect.boolean_literal(value)
        if isinstance(value, date):
            return self.dialect.date_literal(value)
        if isinstance(value, str):
            return self.dialect.string_literal(value)
        return exp.Literal.number(format(value, "f") if isinstance(value, Decimal) else value)  # never 1E-7 (a float)

    def _literal_of(self, literal: m.Constant) -> exp.Expr:
        """A literal's SQL; a marked parameter's value becomes its marker, inside the same casts."""
        tree = self._literal(literal.value)
        if not (self.placeholders and literal.param):
            return tree
        marker = placeholders.param(literal.param)
        if isinstance(tree, (exp.Literal, exp.Boolean, exp.National)):
            return marker
        next(tree.find_all(exp.Literal, exp.Boolean, exp.National)).replace(marker)
        return tree

    def labels(self, labels: Labels) -> exp.Expr:
        ifs = [exp.If(this=self.condition(cond), true=self.dialect.text_literal(label)) for label, cond in labels.rules]
        otherwise = labels.otherwise
        return exp.Case(ifs=ifs, default=self.dialect.text_literal(otherwise) if otherwise is not None else None)

    def _features(self, source: FeatureScan) -> exp.Select:
        """One scan of an event table, GROUP BY its key, every aggregate as a conditional aggregate."""
        event = source.events[0]
        scan = (exp.select(exp.column(event.by), copy=False).from_(_table(event.table), copy=False)
                .where(self._cut(event), copy=False))
        if source.declared_filters:
            scan = scan.where(exp.or_(*[self._row_predicate(f, None) for f in source.declared_filters], copy=False),
                              copy=False)
        for agg in source.aggregates:
            condition = None if source.reads_one_row_set else self._row_condition(agg, source.shared)
            scan = scan.select(exp.alias_(self._aggregate_sql(agg, condition), agg.name, copy=False), copy=False)
        if source.pushed_down:
            pushed = [self._row_condition(agg, source.shared) for agg in source.pushed_down]
            scan = scan.where(exp.or_(*pushed, copy=False), copy=False)
        return scan.group_by(exp.column(event.by), copy=False)

    def _row_condition(self, agg: FeatureAggregate, shared: bool) -> exp.Expr | None:
        """The rows an aggregate reads, beyond the as-of cut (and the declaration's filter, unless shared)."""
        event = agg.event
        condition = self._event_filter(event, agg.events, table=None)
        if shared and event.where is not None:
            declared = self._row_predicate(event.where, None)
            condition = declared if condition is None else exp.and_(declared, condition, copy=False)
        return condition

    def _aggregate_sql(self, agg: FeatureAggregate, condition: exp.Expr | None) -> exp.Expr:
        column = agg.column
        if column is None:
            return exp.Count(this=exp.Star()) if condition is None else exp.Count(
                this=exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))]))
        argument: exp.Expr = (exp.column(column) if agg.period is None
                              else yearly.period(self.dialect, self._event_day(agg.event), agg.period, self._as_of()))
        if condition is not None:
            argument = exp.Case(ifs=[exp.If(this=condition, true=argument)])
        if agg.distinct:
            argument = exp.Distinct(expressions=self.dialect.distinct_values(argument, agg.text))
        if agg.text and agg.func in ("min", "max"):
            return self.dialect.text_extreme(exp.Min if agg.func == "min" else exp.Max, argument)
        if agg.func == "avg":
            return self.dialect.average(argument)
        if agg.func == "median":
            return self.dialect.median_aggregate(argument)
        return _AGGREGATES[agg.func](this=argument)

    def _event_filter(self, event: EventTable, events: m.EventSet, table: str | None) -> exp.Expr | None:
        """A row's membership in an event set, beyond the as-of cut and the declaration's filter."""
        parts = []
        if events.where is not None:
            parts.append(self._row_predicate(events.where, table))
        days = before_the_cut(events.window) if events.window is not None else None
        if days is not None:  # (the scan's as-of cut bounds the rest)
            parts.extend(self._range(exp.column(event.at, table=table), days, column_kind(event)))
        return exp.and_(*parts, copy=False) if parts else None

    def _row_predicate(self, where: Condition, table: str | None) -> exp.Expr:
        def value(expr: Value) -> tuple[exp.Expr, bool]:
            if isinstance(expr, EventColumn):
                return exp.column(expr.row_name, table=table), True
            return self._common_value(expr, value)

        return self._predicate(where, False, value)

    def _scan(self, event: EventTable, columns: list[exp.Expr]) -> exp.Select:
        """SELECT columns FROM the event table WHERE as-of cut AND declaration filter."""
        conditions = [self._cut(event)]
        if event.where is not None:
            conditions.append(self._row_predicate(event.where, None))
        return (exp.select(*columns, copy=False).from_(_table(event.table), copy=False)
                .where(exp.and_(*conditions, copy=False), copy=False))

    def _cut(self, event: EventTable) -> exp.Expr:
        """The as-of cut: only events up to the end of day D exist."""
        return exp.and_(*self._range(exp.column(event.at), DayRange(None, TOMORROW), column_kind(event)), copy=False)

    # ---- first/last values of other columns
    def _edge_value(self, edge: EdgeValue) -> exp.Expr:
        """The value at the first (last) event; among events at that time, the largest."""
        event = edge.event
        # the first (last) time, then the largest value: row 1 holds the answer (no MAX, which some
        # engines lack for some types, e.g. PostgreSQL for booleans)
        value = exp.column(edge.column)  # as an ORDER BY key: text by code point, whatever its collation
        order = [exp.Ordered(this=exp.column(event.at), desc=edge.last, nulls_first=False),
                 exp.Ordered(this=self.dialect.code_point_order(value) if edge.text else value,
                             desc=True, nulls_first=False)]
        place = exp.Window(this=exp.RowNumber(), partition_by=[exp.column(event.by)],
                           order=exp.Order(expressions=order))
        inner = self._scan(event, [exp.column(event.by), exp.alias_(exp.column(edge.column), "value", copy=False),
                                   exp.alias_(place, "place", copy=False)])
        condition = self._event_filter(event, edge.events, table=None)
        if condition is not None:
            inner = inner.where(condition, copy=False)
        return (exp.select(exp.column(event.by), exp.column("value"), copy=False)
                .from_(inner.subquery("e", copy=False), copy=False)
                .where(exp.EQ(this=exp.column("place"), expression=exp.Literal.number(1)), copy=False))

    # ---- median and most_frequent (rule 14)
    def _statistic(self, stat: StatisticValue) -> exp.Expr:
        """Per customer with a known value in the set, its median or most frequent value."""
        event = stat.event
        column = exp.column(stat.column)
        rows = self._scan(event, [exp.column(event.by)])
        condition = self._event_filter(event, stat.events, table=None)
        if condition is not None:
            rows = rows.where(condition, copy=False)
        rows = rows.where(exp.not_(exp.Is(this=column, expression=exp.Null()), copy=False), copy=False)
        if stat.func == "median":
            return self._median(rows, event.by, column)
        return self._most_frequent(rows, event.by, column, stat.text)

    def _median(self, rows: exp.Select, by: str, column: exp.Column) -> exp.Expr:
        """The known values numbered in order beside their count n: the middle row (n odd), or the two middle
        ones (n even), are those whose number p has n <= 2p <= n + 2; the median is half their least plus half
        their greatest (no sum of two large whole numbers to overflow), an exact decimal where the values are
        whole numbers or decimals. Its columns are named stat_*: ClickHouse
        reads a name as the SELECT's alias before a column, and an event column may be named `value`."""
        def per_customer(func: exp.Expr, order: exp.Order | None) -> exp.Window:
            return exp.Window(this=func, partition_by=[exp.column(by)], order=order)

        numbered = rows.select(
            exp.alias_(column.copy(), "stat_value", copy=False),
            exp.alias_(per_customer(exp.RowNumber(), exp.Order(expressions=[self.dialect.never_null_order(column)])),
                       "stat_place", copy=False),
            exp.alias_(per_customer(exp.Count(this=exp.Star()), None), "stat_known", copy=False), copy=False)
        twice = exp.Mul(this=exp.column("stat_place"), expression=exp.Literal.number(2))
        middle = exp.Between(this=twice, low=exp.column("stat_known"),
                             high=exp.Add(this=exp.column("stat_known"), expression=exp.Literal.number(2)))
        value = exp.Add(this=self.dialect.half(exp.Min(this=exp.column("stat_value"))),
                        expression=self.dialect.half(exp.Max(this=exp.column("stat_value"))))
        return (exp.select(exp.column(by), exp.alias_(value, "stat_value", copy=False), copy=False)
                .from_(numbered.subquery("r", copy=False), copy=False).where(middle, copy=False)
                .group_by(exp.column(by), copy=False))

    def _most_frequent(self, rows: exp.Select, by: str, column: exp.Column, text: bool) -> exp.Expr:
        """The known values counted per customer (told apart exactly: distinct_values), then numbered by count,
        largest first, and by value (text by code point): number 1 is the answer."""
        keys = self.dialect.distinct_values(column, text)
        counted = (rows.select(exp.alias_(keys[0].copy(), "stat_value", copy=False),
                               exp.alias_(exp.Count(this=exp.Star()), "stat_hits", copy=False), copy=False)
                   .group_by(exp.column(by), *[key.copy() for key in keys], copy=False))
        value = exp.column("stat_value")
        order = exp.Order(expressions=[
            self.dialect.never_null_order(exp.column("stat_hits"), desc=True),
            self.dialect.never_null_order(self.dialect.code_point_order(value) if text else value)])
        place = exp.Window(this=exp.RowNumber(), partition_by=[exp.column(by)], order=order)
        ranked = (exp.select(exp.column(by), exp.column("stat_value"), exp.alias_(place, "stat_place", copy=False),
                             copy=False)
                  .from_(counted.subquery("g", copy=False), copy=False))
        return (exp.select(exp.column(by), exp.column("stat_value"), copy=False)
                .from_(ranked.subquery("r", copy=False), copy=False)
                .where(exp.EQ(this=exp.column("stat_place"), expression=exp.Literal.number(1)), copy=False))

    # ---- sessions
    def _sessions(self, scan: SessionScan) -> exp.Expr:
        """sessions(E, G) in one pass in time order: each row with the time of the row before it (LAG); a
        row starts a session when there is none, or it is earlier than the row's time less G (rule 12). Of
        rows at one instant only the first in that order can: the others follow a row at their own time."""
        event = scan.event
        previous = exp.Window(this=exp.Lag(this=exp.column(event.at)), partition_by=[exp.column(event.by)],
                              order=exp.Order(expressions=[self.dialect.never_null_order(exp.column(event.at))]))
        rows = self._scan(event, [exp.alias_(exp.column(event.by), "ses_key", copy=False),
                                  exp.alias_(exp.column(event.at), "ses_time", copy=False),
                                  exp.alias_(previous, "ses_previous", copy=False)])
        condition = self._event_filter(event, scan.sessions.events, table=None)
        if condition is not None:
            rows = rows.where(condition, copy=False)
        now: exp.Expr = exp.column("ses_time")
        before: exp.Expr = exp.column("ses_previous")
        minutes = scan.sessions.gap.value
        if event.time_type == "date":  # the checker allows whole days only
            reach = self.dialect.add_days(self.dialect.to_date(before), minutes // 1440)
            now = self.dialect.to_date(now)
        else:
            reach = self.dialect.timestamp_plus_minutes(before, minutes)
        starts = exp.or_(exp.Is(this=exp.column("ses_previous"), expression=exp.Null()),
                         exp.LT(this=reach, expression=now), copy=False)
        count = exp.Count(this=exp.Case(ifs=[exp.If(this=starts, true=exp.Literal.number(1))]))
        return (exp.select(exp.column("ses_key"), exp.alias_(count, "sessions", copy=False), copy=False)
                .from_(rows.subquery("r", copy=False), copy=False).group_by(exp.column("ses_key"), copy=False))

    # ---- sequences
    def _sequence(self, scan: SequenceScan | JourneyScan) -> exp.Expr:
        if isinstance(scan, JourneyScan):
            if scan.form == "repeat":
                return repeat_query(self, scan)
            forms: dict[str, type[JourneySql | JourneyBlocks | JourneyPaths]] = {
                "steps": JourneySql, "instants": JourneyBlocks, "paths": JourneyPaths}
            return forms[scan.form](self, scan).query()
        if scan.form == "repeat":
            return self._repeat_query(scan.first, scan.sequence)
        if scan.form == "next_event":
            return self._next_event_query(scan.sequence, scan.first, scan.second, scan.second_from)
        return self._pair_join_query(scan.sequence, scan.first, scan.second)

    def _next_event_query(self, seq: m.Sequence, first: EventTable, second: EventTable,
                          second_from: Day | Instant | None) -> exp.Expr:
        """`A then [no] B within N days` in one pass per customer, in time order (no self-join, so no
        k^2 pairs for a customer with k events).

        Rows carry flags seq_a / seq_b (one scan of a table both sides read, each row once; else
        A UNION ALL B); B rows before `second_from` (the first day of A's window) are left out, as none
        can follow an A row. Per customer they sort by time, latest first, and at equal times B-only
        rows first, then A-and-B rows, then A-only rows. For an A row, seq_next is the earliest B time
        among the rows sorted before it: every other B row at or after its time, except A-and-B rows at
        the same time sorted after it. `then no` catches those with seq_tied (the time of the next row
        when it is a B row: among rows at one time, the A-and-B rows sort next to each other); `then`
        needs no such check: such a row is an A row itself, with this row in its seq_next. The frame
        runs from the partition's first row (an aggregate that only grows as the rows go, where a frame
        to the partition's last row is computed again for each row on Spark and PostgreSQL: k^2 for a
        customer with k events).
        """
        as_days = "date" in (first.time_type, second.time_type)

        def flag(test: exp.Expr | None) -> exp.Expr:
            if test is None:
                return exp.Literal.number(1)
            return exp.Case(ifs=[exp.If(this=test, true=exp.Literal.number(1))], default=exp.Literal.number(0))

        def rows(event: EventTable, a: exp.Expr, b: exp.Expr) -> exp.Select:
            time = exp.column(event.at)
            columns = [exp.alias_(exp.column(event.by), "seq_key", copy=False),
                       exp.alias_(self._day_of(time, column_kind(event)) if as_days
                                  else self._instant(time, event, (first, second)), "seq_time", copy=False),
                       exp.alias_(a, "seq_a", copy=False), exp.alias_(b, "seq_b", copy=False)]
            return self._scan(event, columns)

        def test(event: EventTable, events: m.EventSet, shared: bool, since: Day | Instant | None) -> exp.Expr | None:
            """Membership of a row of the scan; `shared`: the scan's WHERE has not applied the declaration;
            `since`: the first day of the rows that count."""
            parts = [self._row_predicate(event.where, None)] if shared and event.where is not None else []
            condition = self._event_filter(event, events, table=None)
            parts += [condition] if condition is not None else []
            if since is not None:
                parts += self._range(exp.column(event.at), DayRange(since, None), column_kind(event))
            return exp.and_(*parts, copy=False) if parts else None

        tied_rows = first.table == second.table  # a row can be in A and in B
        if tied_rows:
            shared = first.where != second.where
            in_a, in_b = test(first, seq.first, shared, None), test(second, seq.second, shared, second_from)
            scan: exp.Query = rows(replace(first, where=None) if shared else first, flag(in_a), flag(in_b))
            if in_a is not None and in_b is not None:
                scan = scan.where(exp.or_(in_a.copy(), in_b.copy(), copy=False), copy=False)
        else:
            sides = []
            for event, events, a, since in ((first, seq.first, 1, None), (second, seq.second, 0, second_from)):
                side = rows(event, exp.Literal.number(a), exp.Literal.number(1 - a))
                condition = test(event, events, False, since)
                sides.append(side.where(condition, copy=False) if condition is not None else side)
            scan = exp.union(*sides, distinct=False, copy=False)
        is_b = exp.EQ(this=exp.column("seq_b"), expression=exp.Literal.number(1))
        order = exp.Order(expressions=[self.dialect.never_null_order(exp.column("seq_time"), desc=True),
                                       self.dialect.never_null_order(exp.column("seq_b"), desc=True),
                                       self.dialect.never_null_order(exp.column("seq_a"))])

        def b_time() -> exp.Expr:
            return exp.Case(ifs=[exp.If(this=is_b.copy(), true=exp.column("seq_time"))])

        before = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                                end=exp.Literal.number(1), end_side="PRECEDING")
        columns = [exp.column("seq_key"), exp.column("seq_time"), exp.column("seq_a"),
                   exp.alias_(exp.Window(this=exp.Min(this=b_time()), partition_by=[exp.column("seq_key")],
                                         order=order.copy(), spec=before), "seq_next", copy=False)]
        if seq.negated and tied_rows:
            columns.append(exp.alias_(exp.Window(this=exp.Lead(this=b_time()), partition_by=[exp.column("seq_key")],
                                                 order=order.copy()), "seq_tied", copy=False))
        timed = exp.select(*columns, copy=False).from_(scan.subquery("r", copy=False), copy=False)

        time, following = exp.column("seq_time"), exp.column("seq_next")
        latest = (self.dialect.add_days(time, seq.within.value) if as_days
                  else self._plus_within(time, seq))
        if seq.negated:  # no B in [t, t + N]: none later in the span, and none tied after it at the same time
            hit = exp.or_(exp.Is(this=following, expression=exp.Null()),
                          exp.GT(this=following.copy(), expression=latest), copy=False)
            if tied_rows:
                tied = exp.column("seq_tied")
                none_tied = exp.or_(exp.Is(this=tied, expression=exp.Null()),
                                    exp.LT(this=tied.copy(), expression=time.copy()), copy=False)
                hit = exp.and_(hit, none_tied, copy=False)
        else:
            hit = exp.LTE(this=following, expression=latest)
        is_a = exp.EQ(this=exp.column("seq_a"), expression=exp.Literal.number(1))
        return (exp.select(exp.column("seq_key"), exp.alias_(exp.Literal.number(1), "hit", copy=False), copy=False)
                .from_(timed.subquery("s", copy=False), copy=False)
                .where(exp.and_(is_a, hit, copy=False), copy=False)
                .group_by(exp.column("seq_key"), copy=False))

    def _pair_join_query(self, seq: m.Sequence, first: EventTable, second: EventTable) -> exp.Expr:
        """Two declarations over one table with different key or time columns: pairs of rows, joined."""
        # on one table, rows are told apart by a number given over the rows both sides could see, in an
        # order that only ties rows that no condition of either side can tell apart
        order_columns = sorted({first.at, second.at} | _columns(seq.first.where)
                               | _columns(seq.second.where) | _columns(first.where) | _columns(second.where))
        partition = sorted({first.by, second.by})

        def side(event: EventTable, events: m.EventSet, alias: str) -> exp.Expr:
            at = exp.column(event.at)
            time = at if "date" in (first.time_type, second.time_type) else self._instant(at, event, (first, second))
            columns: list[exp.Expr] = [exp.alias_(exp.column(event.by), "seq_key", copy=False),
                                             exp.alias_(time, "seq_time", copy=False)]
            condition = self._event_filter(event, events, table=None)
            needed = sorted(_columns(events.where) | _columns(event.where) | {event.at})
            order = [exp.Ordered(this=exp.column(c), nulls_first=True) for c in order_columns]
            numbered = exp.Window(this=exp.RowNumber(), partition_by=[exp.column(c) for c in partition],
                                  order=exp.Order(expressions=order))
            inner = exp.select(*columns, *map(exp.column, needed), exp.alias_(numbered, "seq_row", copy=False),
                               copy=False).from_(_table(event.table), copy=False)
            after = [condition] if condition is not None else []
            if event.where is not None:
                after.append(self._row_predicate(event.where, None))
            if first.at == second.at:
                inner = inner.where(self._cut(event), copy=False)
            else:
                after.append(self._cut(event))
            outer = exp.select(*map(exp.column, ("seq_key", "seq_time", "seq_row")), copy=False) \
                .from_(inner.subquery("r", copy=False), copy=False)
            return (outer.where(exp.and_(*after, copy=False), copy=False) if after
                    else outer).subquery(alias, copy=False)

        a_time: exp.Expr = exp.column("seq_time", table="a")
        b_time: exp.Expr = exp.column("seq_time", table="b")
        days = seq.within.value
        if "date" in (first.time_type, second.time_type):
            a_time, b_time = self._day_of(a_time, column_kind(first)), self._day_of(b_time, column_kind(second))
            latest = self.dialect.add_days(a_time, days)
        else:
            latest = self._plus_within(a_time, seq)
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

    def _repeat_query(self, event: EventTable, seq: m.Sequence) -> exp.Expr:
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
        now: exp.Expr = exp.column("seq_time")
        before: exp.Expr = exp.column("seq_previous")
        if event.time_type == "date":
            now, before = self.dialect.to_date(now), self.dialect.to_date(before)
            latest = self.dialect.add_days(before, seq.within.value)
        else:
            latest = self._plus_within(before, seq)
        close = exp.and_(exp.not_(exp.Is(this=exp.column("seq_previous"), expression=exp.Null()), copy=False),
                         exp.LTE(this=now, expression=latest), copy=False)
        return (exp.select(exp.column("seq_key"), exp.alias_(exp.Literal.number(1), "hit", copy=False), copy=False)
                .from_(scan.subquery("r", copy=False), copy=False).where(close, copy=False)
                .group_by(exp.column("seq_key"), copy=False))

    def _plus_within(self, time: exp.Expr, seq: m.Sequence | m.Step) -> exp.Expr:
        """A time moved by a sequence's `within`: whole days, or elapsed minutes (rule 10)."""
        if seq.within_minutes:
            return self.dialect.timestamp_plus_minutes(time, seq.within.value)
        return self.dialect.timestamp_plus_days(time, seq.within.value)

    def _instant(self, time: exp.Expr, event: EventTable, sides: tuple[EventTable, EventTable]) -> exp.Expr:
        """An event's time as a sequence compares it with the other side's: a wall-clock time as a UTC
        instant where the other side holds UTC instants (rule 9)."""
        kinds = {self._kind(column_kind(side)) for side in sides}
        if kinds == {"local", "timestamp"} and self._kind(column_kind(event)) == "local":
            return self._utc(time)
        return time

    # ---- ranking
    def _at_least_kth_best(self, test: AtLeastKthBest, negate: bool) -> exp.Expr:
        """member <=> rank <= k = ceil(P * n / 100) <=> value at least as good as the k-th best."""
        value, nullable = self._value(test.threshold.value)
        threshold = exp.column(test.threshold.column)
        compared = (exp.GTE if test.top else exp.LTE)(this=value, expression=threshold)
        return _leaf(compared, negate, [*([value] if nullable else []), threshold])

    def _within_share(self, test: WithinShare, negate: bool) -> exp.Expr:
        """rank <= ceil(P * n / 100)  <=>  (rank - 1) * 100 * den < num * n, in whole numbers (P exact)."""
        r, n = exp.column(test.rank.rank), exp.column(test.rank.count)
        # both products are 64-bit where ranks and counts are 32-bit: 33333333 * n overflows from n = 65
        numerator = self.dialect.wide_integer(placeholders.param(test.param) if test.param is not None
                                              else test.percent.numerator)
        lhs = exp.Mul(this=exp.Paren(this=exp.Sub(this=r, expression=exp.Literal.number(1))),
                      expression=self.dialect.wide_integer(100 * test.percent.denominator))
        within = exp.LT(this=lhs, expression=exp.Mul(this=numerator, expression=n))
        if not negate:
            return exp.and_(exp.not_(exp.Is(this=r, expression=exp.Null())), within, copy=False)
        return exp.or_(exp.Is(this=r, expression=exp.Null()), exp.not_(within), copy=False)

    def _tile(self, tile: TileOf) -> exp.Expr:
        rank = tile.rank
        # 1 + floor(k * (r - 1) / n), with exact division only; k * (r - 1) 64-bit
        scaled = exp.Mul(this=self.dialect.wide_integer(tile.buckets),
                         expression=exp.Paren(this=exp.Sub(this=exp.column(rank.rank),
                                                           expression=exp.Literal.number(1))))
        # n is 0 where every value is missing: no rank is then known, but ClickHouse evaluates x % n anyway
        count = exp.Nullif(this=exp.column(rank.count), expression=exp.Literal.number(0))
        whole = exp.Sub(this=scaled, expression=exp.Mod(this=scaled.copy(), expression=count))
        return exp.Add(this=exp.Literal.number(1),
                       expression=exp.Div(this=exp.Paren(this=whole), expression=count.copy()))

    def _kth_best(self, threshold: Threshold) -> exp.Expr:
        best = self.dialect.kth_best(self.value(threshold.value), threshold.share, threshold.descending)
        assert best is not None, "the planner compares with a k-th best only where the dialect finds it"
        return best

    # ---- assembly
    def statement(self) -> exp.Select:
        plan = self.plan
        columns: list[exp.Expr] = [exp.column(plan.entity.key)]
        for output in plan.outputs:
            value = self.dialect.flag(self.condition(cast(Condition, output.expr))) if output.is_condition \
                else self.value(cast(Value, output.expr))
            columns.append(exp.alias_(value, output.name, copy=False))
        select = exp.select(*columns, copy=False)
        if plan.where is not None:
            select = select.where(self.condition(plan.where), copy=False)
        statement = self._with_ctes(select)
        if plan.joins is not None:
            join_lookups(statement, plan.joins, self.dialect)
        # after the joins: their names are quoted, and their literals written, like every other
        return self.dialect.statement(statement)

    def _with_ctes(self, select: exp.Select) -> exp.Select:
        plan = self.plan
        key = plan.entity.key
        ctes: list[tuple[str, exp.Expr]] = []
        # aliased explicitly: ClickHouse names an unaliased c.x "c.x" when a joined table also has an x
        base_columns: list[exp.Expr] = [exp.alias_(exp.column(a, table="c"), a, copy=False)
                                              for a in (key, *plan.attributes)]
        base_columns += [exp.alias_(self._bucket(bucket), bucket.column, copy=False) for bucket in plan.buckets]
        base = exp.select(copy=False).from_(exp.alias_(_table(plan.entity.table), "c", table=True, copy=False),
                                            copy=False)
        inner = required.inner_joins(plan)
        for source in plan.features:
            ctes.append((source.cte, self._features(source)))
            base = base.join(_customer_join(source.cte, source.by, key, source.cte not in inner), copy=False)
            for agg in source.aggregates:
                column: exp.Expr = exp.column(agg.name, table=source.cte)
                if agg.zero_when_missing:
                    column = exp.Coalesce(this=column, expressions=[exp.Literal.number(0)])
                base_columns.append(exp.alias_(column, agg.name, copy=False))
        for extra in plan.extras:
            if isinstance(extra, EdgeValue):
                query, by, value = self._edge_value(extra), extra.event.by, "value"
            elif isinstance(extra, StatisticValue):
                query, by, value = self._statistic(extra), extra.event.by, "stat_value"
            elif isinstance(extra, SessionScan):
                query, by, value = self._sessions(extra), "ses_key", "sessions"
            else:
                query, by, value = self._sequence(extra), "seq_key", "hit"
            passes = query.args.get("with_")
            if passes is not None and self.dialect.hoists_ctes:  # a journey's: CTEs of the statement's own
                query.set("with_", None)
                ctes += [(cte.alias, cte.this) for cte in passes.expressions]
            ctes.append((extra.cte, query))
            base = base.join(_customer_join(extra.cte, by, key, extra.cte not in inner), copy=False)
            column = exp.column(value, table=extra.cte)
            if isinstance(extra, SessionScan):  # no events: 0 sessions
                column = exp.Coalesce(this=column, expressions=[exp.Literal.number(0)])
            base_columns.append(exp.alias_(column, extra.value, copy=False))
        # an entity row with a NULL key is no customer (LANGUAGE.md, semantics 8): not a member, not ranked
        base = base.where(exp.not_(exp.Is(this=exp.column(key, table="c"), expression=exp.Null()), copy=False),
                          copy=False)
        ctes.append((BASE, base.select(*base_columns, copy=False)))
        source_name = BASE
        if plan.thresholds:
            best = [exp.alias_(self._kth_best(t), t.column, copy=False) for t in plan.thresholds]
            ctes.append((THRESHOLDS, exp.select(*best, copy=False).from_(exp.table_(BASE), copy=False)))
        if plan.ranks or plan.thresholds:
            ranked = exp.select(exp.Star(), copy=False).from_(exp.table_(BASE), copy=False)
            if plan.thresholds:
                ranked = ranked.join(exp.Join(this=exp.table_(THRESHOLDS), kind="CROSS"), copy=False)
            for rank in plan.ranks:
                ranked_value = self.value(rank.value)
                missing = exp.Is(this=ranked_value, expression=exp.Null())
                # missing values sort after every known one, so they never change a known value's rank
                # (one sort; no partition by missingness)
                order = exp.Ordered(this=ranked_value.copy(), desc=rank.descending, nulls_first=False)
                window: exp.Expr = exp.Window(this=exp.Rank(), order=exp.Order(expressions=[order]))
                if rank.constant:
                    # every customer ties at rank 1 (and MariaDB 10.11 mis-ranks the other windows of a
                    # query that has a window over constants and a TEXT column)
                    window = exp.Literal.number(1)
                ranked = ranked.select(
                    exp.alias_(exp.Case(ifs=[exp.If(this=missing.copy(), true=exp.Null())], default=window),
                               rank.rank, copy=False),
                    exp.alias_(exp.Window(this=exp.Count(this=ranked_value.copy())), rank.count, copy=False),
                    copy=False)
            ctes.append((RANKED, ranked))
            source_name = RANKED
        query = select.from_(exp.table_(source_name), copy=False)
        for name, cte in ctes:
            query = query.with_(exp.TableAlias(this=exp.to_identifier(name)), as_=cte, copy=False)
        query.add_comments([_comment(plan.comment)])
        return query


# ---- helpers ---------------------------------------------------------------------

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_ARITHMETIC: dict[str, type[exp.Binary]] = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}
_COMPARISON = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}
_NEGATED_OP = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_MIRRORED = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


_AGGREGATES: dict[str, type[exp.AggFunc]] = {"count": exp.Count, "sum": exp.Sum, "min": exp.Min, "max": exp.Max}


def _leaf(test: exp.Expr, negate: bool, nullable: list[exp.Expr]) -> exp.Expr:
    """A leaf test, negated two-valued: NOT t also holds where an operand is missing."""
    if not negate:
        return test
    return exp.or_(exp.not_(test), *[exp.Is(this=e.copy(), expression=exp.Null()) for e in nullable], copy=False)


def _amount(constant: int, steps: Steps, unit: str) -> int | exp.Expr:
    """constant + the parameter's steps of this unit, as SQL."""
    if steps.unit != unit:
        return constant
    scaled = exp.Mul(this=placeholders.param(steps.param), expression=exp.Literal.number(steps.factor))
    return exp.Add(this=scaled, expression=exp.Literal.number(constant)) if constant else scaled


def _join(table: exp.Expr, on: exp.Expr, left: bool) -> exp.Join:
    """A join node built directly (a `join_type` string would be parsed as SQL on every call)."""
    return exp.Join(this=table, on=on, side="LEFT" if left else None)


def _customer_join(cte: str, by: str, key: str, left: bool) -> exp.Join:
    """A per-customer CTE joined to the entity table `c` on its key: LEFT, or INNER where every member
    has a row in it (required.py)."""
    return _join(exp.alias_(exp.to_identifier(cte), cte, table=True, copy=False),
                 exp.EQ(this=exp.column(by, table=cte), expression=exp.column(key, table="c")), left=left)


def _wrap(value: exp.Expr) -> exp.Expr:
    return exp.Paren(this=value) if isinstance(value, (exp.Binary, exp.Case)) else value


def _is_string_literal(expr: Value) -> bool:
    return isinstance(expr, m.Constant) and expr.kind == "string"


def _comment(text: str) -> str:
    """A description as a SQL comment that cannot close itself early."""
    return " " + text.replace("*/", "* /").replace("/*", "/ *").replace("\n", " ") + " "
