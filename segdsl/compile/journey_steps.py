"""What every per-row form of a journey reads of its steps (journey_sql.py's passes, journey_paths.py's paths):
each step's rows, the times one step compares with the next, the spans and the matching between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from ..lang import journeys
from ..lang import model as m
from ..lang.model import EventTable
from ..lang.timeline import DayRange, Instant, before_the_cut
from .plan import JourneyScan, column_kind
from .tables import event_columns, table

if TYPE_CHECKING:
    from .emit import _Emitter

KEY, TIME, VALUE, NEXT, ROW = "jr_key", "jr_time", "jr_value", "jr_next", "jr_row"
"""Columns of a step's rows: the customer; the row's own time; the value the step matches on; the value the
next step matches on; the row's number among the customer's rows of its table."""


class JourneySteps:
    """A journey's steps: their event tables, their event sets and how each follows the one before."""

    def __init__(self, emitter: _Emitter, scan: JourneyScan) -> None:
        self.emitter = emitter
        self.dialect = emitter.dialect
        self.journey = scan.journey
        self.events = scan.events
        self.sets = journeys.step_sets(scan.journey)

    def _rows(self, index: int, numbered: bool = False) -> exp.Select:
        """Step `index`'s rows: key, time, the value it matches on, the value the next step matches on (and,
        `numbered`, the row's number among the customer's rows of its table)."""
        event = self.events[index]
        columns: list[exp.Expr] = [exp.alias_(exp.column(event.by), KEY, copy=False),
                                   exp.alias_(exp.column(event.at), TIME, copy=False)]
        conditions: list[exp.Expr] = []
        matching = self._matching(index)
        if matching is not None:
            columns.append(exp.alias_(exp.column(matching.current.row_name), VALUE, copy=False))
            conditions.append(exp.not_(exp.Is(this=exp.column(matching.current.row_name), expression=exp.Null()),
                                       copy=False))
        following = self._matching(index + 1)
        if following is not None:
            columns.append(exp.alias_(exp.column(following.previous.row_name), NEXT, copy=False))
        if numbered:
            columns.append(exp.column(ROW))
        return self._step_select(index, columns, conditions, self._numbered_table(event) if numbered else None)

    def _step_select(self, index: int, columns: list[exp.Expr], conditions: list[exp.Expr],
                     numbered: exp.Expr | None) -> exp.Select:
        """`columns` of step `index`'s rows where `conditions` and the step's filters hold: from `numbered` (its
        table's rows up to the as-of cut, numbered), else from its table, cut."""
        event = self.events[index]
        if numbered is None:
            conditions = [*conditions, self.emitter._cut(event)]
        conditions = [*conditions, *step_filters(self.emitter, self.journey, self.events, index)]
        source = numbered if numbered is not None else table(event.table)
        rows = exp.select(*columns, copy=False).from_(source, copy=False)
        return rows.where(exp.and_(*conditions, copy=False), copy=False) if conditions else rows

    def _read_columns(self, event: EventTable) -> set[str]:
        """Every column of the event's table that the journey reads."""
        read = {event.by, event.at}
        for index, (other, events) in enumerate(zip(self.events, self.sets, strict=True)):
            if other.table == event.table:
                read |= event_columns(other.where) | event_columns(events.where)
                arriving, leaving = self._matching(index), self._matching(index + 1)
                read |= {arriving.current.row_name} if arriving is not None else set()
                read |= {leaving.previous.row_name} if leaving is not None else set()
        return read

    def _numbered_table(self, event: EventTable) -> exp.Expr:
        """The table's rows up to the as-of cut, numbered per customer in the order of every column the
        journey reads (rows that tie are alike in all of them, so which gets which number does not matter)."""
        read = self._read_columns(event)
        order = [exp.Ordered(this=exp.column(name), nulls_first=True) for name in sorted(read - {event.by})]
        number = exp.Window(this=exp.RowNumber(), partition_by=[exp.column(event.by)],
                            order=exp.Order(expressions=order))
        numbered = (exp.select(*map(exp.column, sorted(read)), exp.alias_(number, ROW, copy=False), copy=False)
                    .from_(table(event.table), copy=False).where(self.emitter._cut(event), copy=False))
        return numbered.subquery("r", copy=False)

    def _matching(self, index: int) -> m.Matching | None:
        """The matching between step `index` and the step before it, if any."""
        if index < 1 or index > len(self.journey.steps):
            return None
        return self.journey.steps[index - 1].matching

    def _at(self, index: int, side: int, time: exp.Expr) -> exp.Expr:
        """A time of step `side`'s row (`index` or the step before it) as step `index` compares it: its day
        where either step is at dates, else its instant (rule 6)."""
        before, event = self.events[index - 1], self.events[index]
        if "date" in (before.time_type, event.time_type):
            return self.emitter._day_of(time, column_kind(self.events[side]))
        return self.emitter._instant(time, self.events[side], (before, event))

    def _plus(self, time: exp.Expr, index: int) -> exp.Expr:
        """Step `index`'s time moved by its span: whole days where it compares days, else elapsed time."""
        step = self.journey.steps[index - 1]
        if "date" in (self.events[index - 1].time_type, self.events[index].time_type):
            return self.dialect.add_days(time, step.within.value)
        return self.emitter._plus_within(time, step)

    def _customers(self, rows: exp.Select, holds: exp.Expr | None = None, key: str = KEY) -> exp.Select:
        """seq_key, hit: the customers (`key`) of the rows (those where `holds`)."""
        hits = (exp.select(exp.alias_(exp.column(key), "seq_key", copy=False),
                           exp.alias_(exp.Literal.number(1), "hit", copy=False), copy=False)
                .from_(rows.subquery("j", copy=False), copy=False))
        if holds is not None:
            hits = hits.where(holds, copy=False)
        return hits.group_by(exp.column(key), copy=False)


def step_filters(emitter: _Emitter, journey: m.Journey, events: tuple[EventTable, ...], index: int) -> list[exp.Expr]:
    """What makes a row of step `index`'s table a row of the step: its declaration's filter, the step's own
    filter and window, and the bounds no chain can reach before (chain_bounds)."""
    event, events_set = events[index], journeys.step_sets(journey)[index]
    conditions = [emitter._row_predicate(event.where, None)] if event.where is not None else []
    condition = emitter._event_filter(event, events_set, table=None)
    conditions += [condition] if condition is not None else []
    return conditions + chain_bounds(emitter, journey, events, index)


def chain_bounds(emitter: _Emitter, journey: m.Journey, events: tuple[EventTable, ...], index: int) -> list[exp.Expr]:
    """Step `index`'s rows no chain can reach: none before an earlier step's window starts, as a chain's times
    never go back (by day where a step compares days, so an instant bound only holds over instants). A journey
    that starts `in last 14 days` reads two weeks of the later steps' events, not all of them."""
    sets = journeys.step_sets(journey)
    bounds: list[exp.Expr] = []
    for earlier in range(index):
        window = sets[earlier].window
        days = before_the_cut(window) if window is not None else None
        start = days.start if days is not None else None
        by_days = any("date" in (events[k - 1].time_type, events[k].time_type) for k in range(earlier + 1, index + 1))
        if start is None or (isinstance(start, Instant) and by_days):
            continue
        event = events[index]
        bounds += emitter._range(exp.column(event.at), DayRange(start, None), column_kind(event))
    return bounds
