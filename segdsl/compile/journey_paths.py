"""A journey whose steps apart may be one row and which `matching` links, or whose tables mix dates and
timestamps (`orders then orders within 30 days matching sku then orders within 30 days matching sku`),
computed per instant along paths of rows (rule 15: all different rows).

A chain's times never go back, so a row can only be taken twice by steps at one instant (a day where the
journey mixes dates and timestamps: the day is the one time every step can be placed by). Split any chain
at the first step p whose row is at the instant of its last row i: the steps before p end at an earlier
instant (different rows from steps p..i), and steps p..i are rows of that one instant. So:

- `rowsI`: step i's rows; per customer, instant and everything a path reads of them (the values matched
  before and after, the times, whether it answers a last `then no`), only as many rows as chained steps read
  the table: a path takes at most that many of them, so any further one could be swapped for an unused one.
- `inP`: the rows of step p that follow, within p's span and matching, a row ending a chain of the steps
  before p at an earlier instant (a window per customer and value, sorted by time: k log k).
- `pathP_I`: the paths of steps p..i at one instant from a row of `inP` (step 0: any of its rows), each
  step's row joined on customer, instant and matched value, rows of one table told apart by number.

A chain of steps 0..i ends at a row of step i iff some `pathP_I` (or `inI`) holds it. The joins never
leave an instant: their size is that of the paths among one customer's rows at one instant (a handful,
as the rows kept per instant are bounded), not a product of the steps' events.

`then no X within N` last: a row ending a chain of the steps before it with no X row (matching, when it
says so) after it within the span, nor at its own time other than itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from .journey_steps import ROW as NUMBERED_ROW
from .journey_steps import TIME as X_TIME
from .journey_steps import JourneySteps, step_filters
from .plan import JourneyScan, column_kind, path_cte_suffixes
from .tables import table

if TYPE_CHECKING:
    from .emit import _Emitter

KEY, AT, ROW, PREV, NEXT = "jp_key", "jp_at", "jp_row", "jp_prev", "jp_next"
IN, OUT, SELF = "jp_in", "jp_out", "jp_self"
"""Columns of a step's rows: the customer; the instant (or day) of the row; its number among the customer's
rows of its table; its time as the step before compares it and as the step after does; the value the step
before matches on and the one the step after matches on; 1 where the row would answer a last `then no`."""
CMP, VALUE, REACHED = "jp_cmp", "jp_value", "jp_reached"


class JourneyPaths(JourneySteps):
    """The journey's steps' rows and times (journey_steps.py), placed per instant along paths."""

    def __init__(self, emitter: _Emitter, scan: JourneyScan) -> None:
        super().__init__(emitter, scan)
        self.names = dict(zip(path_cte_suffixes(scan.journey), scan.passes, strict=True))
        self.chained = len(self.sets) - (2 if self.journey.negated else 1)  # the last chained step's index
        kinds = {(event.time_type, event.local) for event in self.events}
        self.by_day = len(kinds) > 1  # steps placed by day; their times still compare pair by pair
        self.as_days = self.events[0].time_type == "date"
        tables = [self.events[index].table for index in range(self.chained + 1)]
        self.shared = {index: tables.count(tables[index]) for index in range(self.chained + 1)}

    def query(self) -> exp.Select:
        """seq_key, hit: the customers for whom the journey holds."""
        steps = [self._step_rows(index) for index in range(self.chained + 1)]
        ctes: list[tuple[str, exp.Select]] = [(self._name("rows", index), rows) for index, rows in enumerate(steps)]
        ends: exp.Query = self._ending(0, ctes)
        for index in range(1, self.chained + 1):
            ctes.append((self._name("in", index), self._entered(ends, index, steps[index])))
            ends = self._ending(index, ctes)
        if self.journey.negated:
            hits = self._customers(self._unanswered_paths(ends))
        else:
            hits = self._customers(exp.select(exp.column(KEY).as_("jr_key"), copy=False)
                                   .from_(ends.subquery("e", copy=False), copy=False))
        for name, rows in ctes:
            hits = hits.with_(name, as_=rows, copy=False)
        return hits

    def _name(self, stem: str, *indices: int) -> str:
        return self.names[f"_{stem}" + "_".join(map(str, indices))]

    # ---- a step's rows
    def _step_rows(self, index: int) -> exp.Select:
        """Step `index`'s rows, as many per instant and alike rows as a path may take."""
        event = self.events[index]
        time = exp.column(event.at)
        columns: list[exp.Expr] = [exp.alias_(exp.column(event.by), KEY, copy=False),
                                   exp.alias_(self._instant_of(time, index), AT, copy=False)]
        if index > 0:
            columns.append(exp.alias_(self._at(index, index, time.copy()), PREV, copy=False))
        if index < len(self.sets) - 1:
            columns.append(exp.alias_(self._at(index + 1, index, time.copy()), NEXT, copy=False))
        conditions: list[exp.Expr] = []
        arriving, leaving = self._matching(index), self._matching(index + 1)
        if arriving is not None:
            current = exp.column(arriving.current.row_name)
            columns.append(exp.alias_(self.dialect.matched_value(current), IN, copy=False))
            conditions.append(exp.not_(exp.Is(this=current.copy(), expression=exp.Null()), copy=False))
        if leaving is not None:
            columns.append(exp.alias_(self.dialect.matched_value(exp.column(leaving.previous.row_name)), OUT,
                                      copy=False))
        if index == self.chained and self.journey.negated:
            columns.append(exp.alias_(self._answers_itself(), SELF, copy=False))
        numbered = self._numbered_instants(index) if self.shared[index] > 1 else None
        if numbered is not None:
            columns.append(exp.alias_(exp.column(NUMBERED_ROW), ROW, copy=False))
        rows = self._step_select(index, columns, conditions, numbered)
        if numbered is not None:
            return rows
        # rows alike in all a path reads of them are one row to it: once each (a step that reads this table alone
        # needs no row told apart)
        names = [column.alias_or_name for column in columns]
        alike = [part for name in names
                 for part in (self._values(exp.column(name)) if name in (IN, OUT) else [exp.column(name)])]
        return exp.select(*map(exp.column, names), copy=False).from_(rows.subquery("s", copy=False), copy=False) \
            .group_by(*alike, copy=False)

    def _numbered_instants(self, index: int) -> exp.Expr:
        """Step `index`'s table's rows up to the as-of cut, numbered per customer and instant in the order of
        every column the journey reads; of the rows alike in all of them, as many as steps read the table (a path
        takes no more): RANK is the number of the first."""
        event, keep = self.events[index], self.shared[index]
        read = sorted(self._read_columns(event))
        instant = self._instant_of(exp.column(event.at), index)
        order = [exp.Ordered(this=part, nulls_first=True) for name in read if name != event.by
                 for part in self._values(exp.column(name))]
        window = {"partition_by": [exp.column(event.by), instant], "order": exp.Order(expressions=order)}
        numbered = (exp.select(*map(exp.column, read),
                               exp.alias_(exp.Window(this=exp.RowNumber(), **window), NUMBERED_ROW, copy=False),
                               exp.alias_(exp.Window(this=exp.Rank(), **window), "jp_first",
                                          copy=False), copy=False)
                    .from_(table(event.table), copy=False).where(self.emitter._cut(event), copy=False))
        kept = exp.LT(this=exp.Sub(this=exp.column(NUMBERED_ROW), expression=exp.column("jp_first")),
                      expression=exp.Literal.number(keep))
        kept_rows = exp.select(*map(exp.column, read), exp.column(NUMBERED_ROW), copy=False) \
            .from_(numbered.subquery("i", copy=False), copy=False).where(kept, copy=False)
        return kept_rows.subquery("r", copy=False)

    def _answers_itself(self) -> exp.Expr:
        """1 where a row of the last chained step is itself a row of the last `then no` step (matching its own
        value, when it matches): at its own instant it is no answer to itself."""
        last = len(self.sets) - 1
        if self.events[last].table != self.events[self.chained].table:
            return exp.Literal.number(0)
        tests = step_filters(self.emitter, self.journey, self.events, last)
        matching = self._matching(last)
        if matching is not None:
            mine, its = (exp.column(matching.previous.row_name), exp.column(matching.current.row_name))
            tests += [exp.EQ(this=a, expression=b) for a, b in zip(
                self._values(self.dialect.matched_value(mine)), self._values(self.dialect.matched_value(its)),
                strict=True)]
        if not tests:
            return exp.Literal.number(1)
        return exp.Case(ifs=[exp.If(this=exp.and_(*tests, copy=False), true=exp.Literal.number(1))],
                        default=exp.Literal.number(0))

    def _instant_of(self, time: exp.Expr, index: int) -> exp.Expr:
        """The instant a row is placed at: its day where the journey mixes dates and timestamps or reads dates,
        else its time."""
        if self.by_day or self.as_days:
            return self.emitter._day_of(time, column_kind(self.events[index]))
        return time

    # ---- chains
    def _entered(self, ends: exp.Query, index: int, rows: exp.Select) -> exp.Select:
        """The rows of step `index` (`rows`, its CTE's query) that follow, within its span and matching, a row
        ending a chain of the steps before it at an earlier instant."""
        carried = [name for name in rows.named_selects if name not in (KEY, AT)]
        matching = self._matching(index) is not None
        ended = exp.select(exp.column(KEY), exp.column(AT), exp.alias_(exp.column(NEXT), CMP, copy=False),
                           *([exp.alias_(exp.column(OUT), VALUE, copy=False)] if matching else []),
                           *[exp.alias_(exp.Null(), f"jpc_{name}", copy=False) for name in carried],
                           exp.alias_(exp.Literal.number(1), REACHED, copy=False), copy=False) \
            .from_(ends.subquery("e", copy=False), copy=False)
        own = exp.select(exp.column(KEY), exp.column(AT), exp.alias_(exp.column(PREV), CMP, copy=False),
                         *([exp.alias_(exp.column(IN), VALUE, copy=False)] if matching else []),
                         *[exp.alias_(exp.column(name), f"jpc_{name}", copy=False) for name in carried],
                         exp.alias_(exp.Literal.number(0), REACHED, copy=False), copy=False) \
            .from_(self._name("rows", index), copy=False)
        partition = [exp.column(KEY), *(self._values(exp.column(VALUE)) if matching else [])]
        order = exp.Order(expressions=[self.dialect.never_null_order(exp.column(AT)),
                                       self.dialect.never_null_order(exp.column(REACHED))])
        latest = exp.Window(this=exp.Max(this=exp.Case(ifs=[exp.If(this=_is(REACHED, 1), true=exp.column(CMP))])),
                            partition_by=partition, order=order,
                            spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                                                end="CURRENT ROW"))
        timed = exp.select(exp.column(KEY), exp.column(AT), exp.column(CMP), exp.column(REACHED),
                           *[exp.column(f"jpc_{name}") for name in carried],
                           exp.alias_(latest, "jp_latest", copy=False), copy=False) \
            .from_(exp.union(own, ended, distinct=False, copy=False).subquery("b", copy=False), copy=False)
        within = exp.GTE(this=self._plus(exp.column("jp_latest"), index), expression=exp.column(CMP))
        return (exp.select(exp.column(KEY), exp.column(AT),
                           *[exp.alias_(exp.column(f"jpc_{name}"), name, copy=False) for name in carried], copy=False)
                .from_(timed.subquery("t", copy=False), copy=False)
                .where(exp.and_(_is(REACHED, 0), within, copy=False), copy=False))

    def _ending(self, last: int, ctes: list[tuple[str, exp.Select]]) -> exp.Query:
        """key, at, and what the next step reads of the rows that end a chain of steps 0..last: paths at one
        instant from a row that enters step p (p = last: the entered row itself). Each path is a CTE."""
        ends: list[exp.Select] = []
        for first in range(last + 1):
            start = self._name("rows", 0) if first == 0 else self._name("in", first)
            if first == last:
                ends.append(exp.select(*map(exp.column, self._leaving(last)), copy=False).from_(start, copy=False))
                continue
            ctes.append((self._name("path", first, last), self._path(first, last, start)))
            ends.append(exp.select(*map(exp.column, self._leaving(last)), copy=False)
                        .from_(self._name("path", first, last), copy=False))
        union: exp.Query = ends[0]
        for more in ends[1:]:
            union = exp.union(union, more, distinct=False, copy=False)
        return union

    def _path(self, first: int, last: int, start: str) -> exp.Select:
        """The paths of steps first..last at one instant, each row another than the others of its table."""
        source: exp.Expr = exp.to_table(start if last == first + 1 else self._name("path", first, last - 1))
        earlier = self._path_rows(first, last - 1, started=last == first + 1)
        row = exp.to_table(self._name("rows", last))
        on = [exp.EQ(this=exp.column(KEY, table="a"), expression=exp.column(KEY, table="b")),
              exp.EQ(this=exp.column(AT, table="a"), expression=exp.column(AT, table="b"))]
        matching = self._matching(last)
        if matching is not None:
            on += [exp.EQ(this=a, expression=b) for a, b in zip(self._values(exp.column(OUT, table="a")),
                                                                self._values(exp.column(IN, table="b")), strict=True)]
        where: list[exp.Expr] = []
        if self.by_day and "date" not in (self.events[last - 1].time_type, self.events[last].time_type):
            prev, nxt = exp.column(PREV, table="b"), exp.column(NEXT, table="a")
            where += [exp.GTE(this=prev, expression=nxt), exp.LTE(this=prev.copy(), expression=self._plus(nxt.copy(),
                                                                                                          last))]
        for position, name in earlier.items():
            if self.events[position].table == self.events[last].table:
                where.append(exp.NEQ(this=exp.column(name, table="a"), expression=exp.column(ROW, table="b")))
        columns: list[exp.Expr] = [exp.column(KEY, table="a").as_(KEY), exp.column(AT, table="a").as_(AT)]
        columns += [exp.column(name, table="a").as_(f"jp_r{position}") for position, name in earlier.items()
                    if self._read_later(position, last)]
        if self.shared[last] > 1 and self._read_later(last, last):
            columns.append(exp.column(ROW, table="b").as_(f"jp_r{last}"))
        columns += [exp.column(name, table="b").as_(name) for name in self._leaving(last) if name not in (KEY, AT)]
        joined = exp.select(*columns, copy=False).from_(source.as_("a"), copy=False) \
            .join(row.as_("b"), on=exp.and_(*on, copy=False), join_type="inner", copy=False)
        return joined.where(exp.and_(*where, copy=False), copy=False) if where else joined

    def _path_rows(self, first: int, last: int, started: bool) -> dict[int, str]:
        """The row numbers a path of steps first..last carries, by step: those a later step may be the row of."""
        if started:
            return {first: ROW} if self.shared[first] > 1 else {}
        return {position: f"jp_r{position}" for position in range(first, last + 1)
                if self.shared[position] > 1 and self._read_later(position, last)}

    def _read_later(self, position: int, last: int) -> bool:
        """A step after `last` (chained) reads step `position`'s table: the path must carry its row's number."""
        return any(self.events[later].table == self.events[position].table for later in range(last + 1,
                                                                                              self.chained + 1))

    # ---- what each relation holds
    def _leaving(self, last: int) -> list[str]:
        """What the next step (or a last `then no`) reads of a row that ends a chain of steps 0..last."""
        names = [KEY, AT]
        if last < self.chained or self.journey.negated:
            names += [NEXT] + ([OUT] if self._matching(last + 1) is not None else [])
        return names + ([SELF] if last == self.chained and self.journey.negated else [])

    def _unanswered_paths(self, ends: exp.Query) -> exp.Select:
        """`then no X`: the rows ending a chain of the steps before X with no row of X in their span after them
        (at their own instant, other than themselves)."""
        last = len(self.sets) - 1
        matching = self._matching(last) is not None
        x_side = exp.select(exp.column("jr_key").as_(KEY), self._at(last, last, exp.column(X_TIME)).as_(CMP),
                            *([self.dialect.matched_value(exp.column("jr_value")).as_(VALUE)] if matching else []),
                            exp.Literal.number(0).as_(SELF), exp.Literal.number(0).as_(REACHED), copy=False) \
            .from_(self._rows(last).subquery("x", copy=False), copy=False)
        chain_side = exp.select(exp.column(KEY), exp.alias_(exp.column(NEXT), CMP, copy=False),
                                *([exp.alias_(exp.column(OUT), VALUE, copy=False)] if matching else []),
                                exp.column(SELF), exp.alias_(exp.Literal.number(1), REACHED, copy=False), copy=False) \
            .from_(ends.subquery("e", copy=False), copy=False)
        both = exp.union(x_side, chain_side, distinct=False, copy=False)
        partition = [exp.column(KEY), *(self._values(exp.column(VALUE)) if matching else [])]
        order = exp.Order(expressions=[self.dialect.never_null_order(exp.column(CMP), desc=True),
                                       self.dialect.never_null_order(exp.column(REACHED), desc=True)])
        x_cmp = exp.Case(ifs=[exp.If(this=_is(REACHED, 0), true=exp.column(CMP))])
        following = exp.Window(this=exp.Min(this=x_cmp), partition_by=partition, order=order,
                               spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                                                   end=exp.Literal.number(1), end_side="PRECEDING"))
        here = exp.Window(this=exp.Sum(this=exp.Case(ifs=[exp.If(this=_is(REACHED, 0), true=exp.Literal.number(1))],
                                                     default=exp.Literal.number(0))),
                          partition_by=[*[p.copy() for p in partition], exp.column(CMP)])
        timed = exp.select(exp.column(KEY), exp.column(CMP), exp.column(REACHED), exp.column(SELF),
                           exp.alias_(following, "jp_following", copy=False), exp.alias_(here, "jp_here", copy=False),
                           copy=False).from_(both.subquery("b", copy=False), copy=False)
        nxt = exp.column("jp_following")
        later = exp.or_(exp.Is(this=nxt, expression=exp.Null()),
                        exp.GT(this=nxt.copy(), expression=self._plus(exp.column(CMP), last)), copy=False)
        alone = exp.EQ(this=exp.column("jp_here"), expression=exp.column(SELF))
        return (exp.select(exp.column(KEY).as_("jr_key"), copy=False).from_(timed.subquery("t", copy=False), copy=False)
                .where(exp.and_(_is(REACHED, 1), exp.paren(later, copy=False), alone, copy=False), copy=False))

    def _values(self, value: exp.Expr) -> list[exp.Expr]:
        """A matched value as the parts that tell values apart exactly."""
        return self.dialect.distinct_values(value, False)



def _is(column: str, value: int) -> exp.Expr:
    return exp.EQ(this=exp.column(column), expression=exp.Literal.number(value))
