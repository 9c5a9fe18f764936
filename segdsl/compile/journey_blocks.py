"""A journey whose steps apart may be one row (`orders then orders within 30 days then orders within 30 days`),
computed per instant (rule 15: all different rows).

Only rows at one instant can be one row twice in a chain (its times never go back), so the steps are
placed per instant. Per customer and instant (a day where the times are dates), count the rows that are in
any of a set J of steps, c(J). Steps p..i can all be taken at that instant by different rows iff c(J) >=
|J| for every J among them (Hall's marriage theorem; only sets of steps over one table need checking, rows
of different tables always differ). A chain of steps 1..i ends at instant t iff, for some p, steps p..i
fit at t that way and step p-1 ends a chain at an earlier instant t' with t' + span(p) >= t (p = 1: no
step before). The instants of a customer sort once per step: k log k for k events.

`then no X within N` last: a chain of the steps before it ends at t, no X row lies in (t, t + N], and at
t there is no X row, or exactly one that is the chain's last row: a row of the step before X, with the
steps p..before it at t fitting on the other rows (the counts less that row's).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import TYPE_CHECKING

from sqlglot import exp

from .journey_steps import JourneySteps, step_filters
from .plan import JourneyScan, column_kind
from .tables import table

if TYPE_CHECKING:
    from .emit import _Emitter

KEY, AT, VALUE = "jb_key", "jb_at", "jb_value"


class JourneyBlocks(JourneySteps):
    """The journey's steps (journey_steps.py) counted per customer and instant."""

    def __init__(self, emitter: _Emitter, scan: JourneyScan) -> None:
        super().__init__(emitter, scan)
        self.last = len(self.sets) - 1  # the last step's index (X, for `then no`)
        groups: dict[tuple[str, ...], list[int]] = {}
        for index, event in enumerate(self.events):
            groups.setdefault(event.table, []).append(index)
        self.groups = groups
        self.as_days = self.events[0].time_type == "date"
        # with `matching` along the whole chain, each row's one value: the rows are counted per customer and value
        self.values = scan.values
        self.partition = [exp.column(KEY)] + (self.dialect.distinct_values(exp.column(VALUE), False)
                                              if self.values is not None else [])

    def query(self) -> exp.Select:
        """seq_key, hit: the customers for whom the journey holds."""
        level = self._instants()
        chained = self.last - 1 if self.journey.negated else self.last
        for index in range(1, chained + 1):  # jb_e_i: the latest earlier instant that ends a chain of i steps
            latest = exp.Window(this=exp.Max(this=exp.Case(ifs=[exp.If(this=self._ends(index - 1),
                                                                        true=exp.column(AT))])),
                                partition_by=[p.copy() for p in self.partition], order=self._order(desc=False),
                                spec=_BEFORE)
            level = exp.select(exp.Star(), exp.alias_(latest, f"jb_e_{index}", copy=False), copy=False) \
                .from_(level.subquery(f"l{index}", copy=False), copy=False)
        if not self.journey.negated:
            return self._customers(level, self._ends(self.last), KEY)
        nearest = exp.Window(this=exp.Min(this=exp.Case(ifs=[exp.If(this=exp.GT(this=self._count([self.last]),
                                                                                 expression=exp.Literal.number(0)),
                                                                     true=exp.column(AT))])),
                             partition_by=[p.copy() for p in self.partition], order=self._order(desc=True),
                             spec=_BEFORE)
        level = exp.select(exp.Star(), exp.alias_(nearest, "jb_next", copy=False), copy=False) \
            .from_(level.subquery("lx", copy=False), copy=False)
        following = exp.column("jb_next")
        none_after = exp.or_(exp.Is(this=following, expression=exp.Null()),
                             exp.GT(this=following.copy(), expression=self._plus(exp.column(AT), self.last)),
                             copy=False)
        return self._customers(level, exp.and_(none_after, exp.paren(self._unanswered_here(), copy=False),
                                               copy=False), KEY)

    # ---- the instants
    def _instants(self) -> exp.Select:
        """Per customer and instant, the counts of rows in each set of steps over one table (and, for `then
        no`, of X rows in each set of the steps before it)."""
        rows = []
        for parts, indices in self.groups.items():
            event = self.events[indices[0]]
            flags = {index: self._flag(index) for index in indices}
            time = exp.column(event.at)
            columns = [exp.alias_(exp.column(event.by), KEY, copy=False),
                       exp.alias_(self.emitter._day_of(time, column_kind(event)) if self.as_days else time, AT,
                                  copy=False)]
            conditions = [self.emitter._cut(event)]
            if self.values is not None:  # a missing value is on no chain and answers no `then no`
                value = exp.column(self.values[parts])
                columns.append(exp.alias_(self.dialect.matched_value(value), VALUE, copy=False))
                conditions.append(exp.not_(exp.Is(this=value.copy(), expression=exp.Null()), copy=False))
            columns += [exp.alias_(flags.get(index, exp.Literal.number(0)), f"jb_f_{index}", copy=False)
                        for index in range(len(self.sets))]
            scan = exp.select(*columns, copy=False).from_(table(parts), copy=False) \
                .where(exp.and_(*conditions, copy=False), copy=False)
            rows.append(scan)
        union: exp.Query = rows[0]
        for more in rows[1:]:
            union = exp.union(union, more, distinct=False, copy=False)
        counts = [exp.alias_(exp.Sum(this=_any_of(steps)), _name("jb_c", steps), copy=False)
                  for steps in self._step_sets()]
        if self.journey.negated:
            x = _flag_is(self.last)
            counts += [exp.alias_(exp.Sum(this=_any_of(steps, also=x)), _name("jb_x", steps), copy=False)
                       for steps in self._step_sets(self.last) if self.last not in steps]
        values = [exp.column(VALUE)] if self.values is not None else []
        return (exp.select(exp.column(KEY), *values, exp.column(AT), *counts, copy=False)
                .from_(union.subquery("r", copy=False), copy=False)
                .group_by(*[p.copy() for p in self.partition], exp.column(AT), copy=False))

    def _flag(self, index: int) -> exp.Expr:
        """1 where a row of the step's table is in the step's event set, else 0."""
        parts = step_filters(self.emitter, self.journey, self.events, index)
        if not parts:
            return exp.Literal.number(1)
        return exp.Case(ifs=[exp.If(this=exp.and_(*parts, copy=False), true=exp.Literal.number(1))],
                        default=exp.Literal.number(0))

    def _step_sets(self, group_of: int | None = None) -> Iterator[tuple[int, ...]]:
        """Every non-empty set of steps over one table (over `group_of`'s table only, when given)."""
        for indices in self.groups.values():
            if group_of is not None and group_of not in indices:
                continue
            for size in range(1, len(indices) + 1):
                yield from combinations(indices, size)

    # ---- chains
    def _fits(self, first: int, last: int, less_x: bool = False) -> exp.Expr:
        """Steps first..last can be taken at the instant by different rows (`less_x`: rows other than its one
        X row)."""
        tests: list[exp.Expr] = []
        for steps in self._step_sets():
            if steps[0] < first or steps[-1] > last:
                continue
            count: exp.Expr = self._count(steps)
            if less_x and self.last in self.groups[self.events[steps[0]].table]:
                count = exp.Sub(this=count, expression=exp.column(_name("jb_x", steps)))
            tests.append(exp.GTE(this=count, expression=exp.Literal.number(len(steps))))
        return exp.and_(*tests, copy=False) if tests else exp.true()

    def _entered(self, index: int) -> exp.Expr | None:
        """Step `index`'s row may follow a chain of the steps before it that ends at an earlier instant (None:
        the first step follows nothing)."""
        if index == 0:
            return None
        return exp.GTE(this=self._plus(exp.column(f"jb_e_{index}"), index), expression=exp.column(AT))

    def _ends(self, last: int) -> exp.Expr:
        """A chain of steps 0..last ends at the instant."""
        options = []
        for first in range(last + 1):
            entered = self._entered(first)
            fits = self._fits(first, last)
            options.append(exp.and_(entered, fits, copy=False) if entered is not None else fits)
        return exp.paren(exp.or_(*options, copy=False), copy=False)

    def _unanswered_here(self) -> exp.Expr:
        """At the instant a chain of the steps before X ends, and no X row is there but its last row."""
        before = self.last - 1
        no_x = exp.and_(exp.EQ(this=self._count([self.last]), expression=exp.Literal.number(0)), self._ends(before),
                        copy=False)
        if self.events[before].table != self.events[self.last].table:
            return no_x
        options = []
        for first in range(before + 1):
            entered = self._entered(first)
            fits = self._fits(first, before - 1, less_x=True)
            options.append(exp.and_(entered, fits, copy=False) if entered is not None else fits)
        only_row = exp.and_(exp.EQ(this=self._count([self.last]), expression=exp.Literal.number(1)),
                            exp.EQ(this=exp.column(_name("jb_x", (before,))), expression=exp.Literal.number(1)),
                            exp.paren(exp.or_(*options, copy=False), copy=False), copy=False)
        return exp.or_(exp.paren(no_x, copy=False), exp.paren(only_row, copy=False), copy=False)

    # ---- helpers
    def _count(self, steps: list[int] | tuple[int, ...]) -> exp.Column:
        return exp.column(_name("jb_c", tuple(steps)))

    def _order(self, desc: bool) -> exp.Order:
        return exp.Order(expressions=[self.dialect.never_null_order(exp.column(AT), desc=desc)])



_BEFORE = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end=exp.Literal.number(1),
                         end_side="PRECEDING")
"""Every instant before this one (one row per instant)."""


def _name(stem: str, steps: tuple[int, ...]) -> str:
    return f"{stem}_" + "_".join(map(str, steps))


def _flag_is(index: int) -> exp.Expr:
    return exp.EQ(this=exp.column(f"jb_f_{index}"), expression=exp.Literal.number(1))


def _any_of(steps: tuple[int, ...], also: exp.Expr | None = None) -> exp.Expr:
    """1 for a row in any of the steps (and meeting `also`), else 0."""
    test = exp.or_(*[_flag_is(index) for index in steps], copy=False)
    if also is not None:
        test = exp.and_(also, exp.paren(test, copy=False), copy=False)
    return exp.Case(ifs=[exp.If(this=test, true=exp.Literal.number(1))], default=exp.Literal.number(0))
