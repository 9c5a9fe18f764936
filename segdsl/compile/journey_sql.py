"""A journey's SQL (rule 15): one pass in time order per step, no join of the steps' rows but a last step's semi-join.

`reached` holds the rows of step i that end some chain of the first i steps (all of step 1's rows to
start). Pass i+1 reads those rows and step i+1's rows as one relation, per customer and, with `matching`,
per value (a missing value matches nothing: such rows of step i+1 are left out); sorted by time, a row of
step i+1 is reached when the latest reached row at or before its time lies within the step's span. A
customer holds the journey when the last pass reaches a row; for `then no X`, when a reached row of the
step before has no row of X (matching, when it says so) in its span after it. Each pass sorts the two
steps' rows once: k log k for a customer with k events, whatever the number of chains.

A last step with `matching` is no pass: a reached row of the step before is kept where a row of the step
(none, for `then no`) with the customer and the value lies in its span, a correlated EXISTS (NOT EXISTS)
that the engines run as a hash semi- (anti-) join on customer and value with the span as its filter, as an
analyst writes it: it neither sorts a customer's rows of the step nor partitions them by value, and the
journeys benchmark's product funnels run as fast as the hand-written SQL (bench/README.md). Its cost is, per
reached row, the rows of the step with its customer and value: a customer with k reached rows and k rows
of one value, none in a span, costs k^2 comparisons where a pass sorts 2k rows (bench/README.md: 10,000 of
each take 5 s of CPU on PostgreSQL, a pass 0.02 s), as the hand-written SQL does. Where the engine runs no
correlated EXISTS (dialect.runs_correlated_exists), the last step is a pass too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from ..lang import journeys
from .journey_steps import KEY, NEXT, ROW, TIME, VALUE, JourneySteps
from .plan import JourneyScan

if TYPE_CHECKING:
    from .emit import _Emitter

AT, REACHED = "jr_at", "jr_reached"
"""Columns of the passes besides a step's rows' own (journey_steps.py): the time as one step compares it with
the next (days, or instants); 1 for a reached row of the step before, 0 for a row of this step."""
OWN_TIME, OWN_NEXT = "jr_own_time", "jr_own_next"
"""A pass's row's own time and next value, NULL for the reached rows of the step before: names of their own,
as ClickHouse reads a name aliased in a SELECT as that alias everywhere in it (`NULL AS jr_time, jr_time AS
jr_at` would read NULL)."""


class JourneySql(JourneySteps):
    """The journey as passes in time order, one per step."""

    def __init__(self, emitter: _Emitter, scan: JourneyScan) -> None:
        super().__init__(emitter, scan)
        decls = {event.name: event for event in scan.events}
        # links[i]: step i+1 may be the very row it follows
        self.same_row = [journeys.may_share_rows(decls, self.sets[i], self.sets[i + 1])
                         for i in range(len(self.sets) - 1)]
        self.passes = scan.passes
        # the last step is a correlated [NOT] EXISTS (with `matching`, where the engine runs one), not a pass
        self.probed = scan.journey.steps[-1].matching is not None and self.dialect.runs_correlated_exists

    def query(self) -> exp.Select:
        """seq_key, hit: the customers for whom the journey holds. Each pass's reached rows are a CTE of their
        own: nested, the subqueries would deepen with every step, past SQLite's parser stack at four steps."""
        reached = self._rows(0, self._numbered(0))
        passes: list[tuple[str, exp.Select]] = []
        last = len(self.journey.steps)
        for number in range(1, last + 1):
            if number == last and (self.probed or self.journey.negated):
                hits = self._customers(self._probe(reached) if self.probed else self._unanswered(reached))
                break
            passes.append((self.passes[number - 1], self._reach(reached, number)))
            reached = exp.select(exp.Star(), copy=False).from_(passes[-1][0], copy=False)
        else:
            hits = self._customers(reached)
        for name, rows in passes:
            hits = hits.with_(name, as_=rows, copy=False)
        return hits

    # ---- rows of a step
    def _numbered(self, index: int) -> bool:
        """Whether step `index`'s rows carry their number (it may be the row before or after it)."""
        return (index > 0 and self.same_row[index - 1]) or (index < len(self.same_row) and self.same_row[index])

    # ---- passes
    def _both(self, reached: exp.Select, index: int) -> tuple[exp.Union, list[exp.Expr]]:
        """The reached rows of step index-1 and step `index`'s rows as one relation, and its partition."""
        matching = self._matching(index) is not None
        own = exp.select(exp.column(KEY), exp.alias_(exp.column(TIME), OWN_TIME, copy=False),
                         exp.alias_(self._at(index, index, exp.column(TIME)), AT, copy=False), copy=False)
        previous = exp.select(exp.column(KEY), exp.alias_(exp.Null(), OWN_TIME, copy=False),
                              exp.alias_(self._at(index, index - 1, exp.column(TIME)), AT, copy=False), copy=False)
        # (the column, this step's row's source of it, the reached row's or None): what this pass or the next reads
        columns: list[tuple[str, str, str | None]] = [(VALUE, VALUE, NEXT)] if matching else []
        columns += [(OWN_NEXT, NEXT, None)] if self._matching(index + 1) is not None else []
        columns += [(ROW, ROW, ROW if self.same_row[index - 1] else None)] if self._numbered(index) else []
        for name, own_source, previous_source in columns:
            own = own.select(exp.alias_(exp.column(own_source), name, copy=False) if own_source != name
                             else exp.column(name), copy=False)
            previous = previous.select(exp.alias_(exp.column(previous_source) if previous_source else exp.Null(),
                                                  name, copy=False) if previous_source != name
                                       else exp.column(name), copy=False)
        own = own.select(exp.alias_(exp.Literal.number(0), REACHED, copy=False), copy=False) \
            .from_(self._rows(index, self._numbered(index)).subquery("s", copy=False), copy=False)
        previous = previous.select(exp.alias_(exp.Literal.number(1), REACHED, copy=False), copy=False) \
            .from_(reached.subquery("p", copy=False), copy=False)
        # matched values told apart exactly (MySQL's collation would match 'pet' with 'Pet '; its copy of the
        # value as bytes does that for any type, so whether it is text need not be known here)
        value = self.dialect.matched_value(exp.column(VALUE))
        partition = [exp.column(KEY)] + (self.dialect.distinct_values(value, False) if matching else [])
        return exp.union(own, previous, distinct=False, copy=False), partition

    def _reach(self, reached: exp.Select, index: int) -> exp.Select:
        """The rows of step `index` that some reached row of the step before precedes within the step's span."""
        both, partition = self._both(reached, index)
        numbered = self.same_row[index - 1]
        # rows of the step before at the same time: first (counted), or after this step's (then the row
        # itself, if it is one, is not: the same instant is looked at by number below)
        order = exp.Order(expressions=[self.dialect.never_null_order(exp.column(AT)),
                                       self.dialect.never_null_order(exp.column(REACHED), desc=not numbered)])
        reached_at = exp.Case(ifs=[exp.If(this=_is(REACHED, 1), true=exp.column(AT))])
        upto = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW")
        latest = exp.Window(this=exp.Max(this=reached_at), partition_by=[p.copy() for p in partition],
                            order=order, spec=upto)
        columns = [exp.column(KEY), exp.column(OWN_TIME), exp.column(AT), exp.column(REACHED),
                   exp.alias_(latest, "jr_latest", copy=False)]
        carried = [exp.column(OWN_NEXT)] if self._matching(index + 1) is not None else []
        carried += [exp.column(ROW)] if self._numbered(index) else []
        if numbered:
            columns += self._same_instant(partition)
        timed = exp.select(*columns, *[c.copy() for c in carried], copy=False) \
            .from_(both.subquery("b", copy=False), copy=False)
        hit: exp.Expr = exp.GTE(this=self._plus(exp.column("jr_latest"), index), expression=exp.column(AT))
        if numbered:
            other = exp.or_(exp.NEQ(this=exp.column("jr_low"), expression=exp.column(ROW)),
                            exp.NEQ(this=exp.column("jr_high"), expression=exp.column(ROW)), copy=False)
            hit = exp.or_(hit, other, copy=False)
        kept = [exp.alias_(c.copy(), NEXT, copy=False) if c.name == OWN_NEXT else c.copy() for c in carried]
        return (exp.select(exp.column(KEY), exp.alias_(exp.column(OWN_TIME), TIME, copy=False), *kept, copy=False)
                .from_(timed.subquery("t", copy=False), copy=False)
                .where(exp.and_(_is(REACHED, 0), exp.paren(hit, copy=False), copy=False), copy=False))

    def _unanswered(self, reached: exp.Select) -> exp.Select:
        """`then no X`: the reached rows of the step before with no row of X in their span after them (other
        than the row itself)."""
        index = len(self.journey.steps)
        both, partition = self._both(reached, index)
        numbered = self.same_row[index - 1]
        # latest first; at one time the reached rows first where X rows at that time are looked at by
        # number, else X rows first (any of them answers)
        order = exp.Order(expressions=[self.dialect.never_null_order(exp.column(AT), desc=True),
                                       self.dialect.never_null_order(exp.column(REACHED), desc=numbered)])
        x_at = exp.Case(ifs=[exp.If(this=_is(REACHED, 0), true=exp.column(AT))])
        before = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                                end=exp.Literal.number(1), end_side="PRECEDING")
        following = exp.Window(this=exp.Min(this=x_at), partition_by=[p.copy() for p in partition], order=order,
                               spec=before)
        columns = [exp.column(KEY), exp.column(AT), exp.column(REACHED), exp.alias_(following, "jr_following",
                                                                                    copy=False)]
        if numbered:
            columns += [exp.column(ROW), *self._same_instant(partition, x_rows=True)]
        timed = exp.select(*columns, copy=False).from_(both.subquery("b", copy=False), copy=False)
        nxt = exp.column("jr_following")
        hit: exp.Expr = exp.or_(exp.Is(this=nxt, expression=exp.Null()),
                                exp.GT(this=nxt.copy(), expression=self._plus(exp.column(AT), index)), copy=False)
        conditions = [_is(REACHED, 1), exp.paren(hit, copy=False)]
        if numbered:  # no X row at that instant but the row itself
            low, high = exp.column("jr_low"), exp.column("jr_high")
            conditions.append(exp.paren(exp.or_(
                exp.Is(this=low, expression=exp.Null()),
                exp.and_(exp.EQ(this=low.copy(), expression=exp.column(ROW)),
                         exp.EQ(this=high, expression=exp.column(ROW)), copy=False), copy=False), copy=False))
        return (exp.select(exp.column(KEY), copy=False).from_(timed.subquery("t", copy=False), copy=False)
                .where(exp.and_(*conditions, copy=False), copy=False))

    def _probe(self, reached: exp.Select) -> exp.Select:
        """The reached rows of the step before the last (p) with a row of the last step (x) of the customer and
        the value in their span after them, another row than p's own; for `then no`, with none."""
        index = len(self.journey.steps)

        def of(side: str, name: str) -> exp.Column:
            return exp.column(name, table=side)

        p_at, x_at = self._at(index, index - 1, of("p", TIME)), self._at(index, index, of("x", TIME))
        # (a missing value equals nothing; told apart exactly as the passes partition them)
        equal = [(of("x", KEY), of("p", KEY)),
                 *zip(self.dialect.distinct_values(of("x", VALUE), False),
                      self.dialect.distinct_values(of("p", NEXT), False), strict=True)]
        conditions: list[exp.Expr] = [exp.EQ(this=x, expression=p) for x, p in equal]
        conditions += [exp.GTE(this=x_at, expression=p_at),
                       exp.LTE(this=x_at.copy(), expression=self._plus(p_at.copy(), index))]
        if self.same_row[index - 1]:  # rows are numbered per customer
            conditions.append(exp.NEQ(this=of("x", ROW), expression=of("p", ROW)))
        answers = (exp.select(exp.Literal.number(1), copy=False)
                   .from_(self._rows(index, self._numbered(index)).subquery("x", copy=False), copy=False)
                   .where(exp.and_(*conditions, copy=False), copy=False))
        found: exp.Expr = exp.Exists(this=answers)
        if self.journey.negated:
            found = exp.not_(found, copy=False)
        return (exp.select(exp.alias_(of("p", KEY), KEY, copy=False), copy=False)
                .from_(reached.subquery("p", copy=False), copy=False).where(found, copy=False))

    def _same_instant(self, partition: list[exp.Expr], x_rows: bool = False) -> list[exp.Expr]:
        """jr_low, jr_high: the smallest and largest number of the rows at the row's instant that are reached
        rows of the step before (or, `x_rows`, rows of this step)."""
        role = _is(REACHED, 0 if x_rows else 1)
        numbers = exp.Case(ifs=[exp.If(this=role, true=exp.column(ROW))])
        over = [*[p.copy() for p in partition], exp.column(AT)]
        return [exp.alias_(exp.Window(this=func(this=numbers.copy()), partition_by=[p.copy() for p in over]), name,
                           copy=False) for func, name in ((exp.Min, "jr_low"), (exp.Max, "jr_high"))]


def _is(column: str, value: int) -> exp.Expr:
    return exp.EQ(this=exp.column(column), expression=exp.Literal.number(value))
