"""`A then A within N1 then A within N2` (matching one column throughout, or not at all): three different rows
of one event set that close exist iff some row's neighbours in time order are (rule 15).

A chain a <= b <= c of different rows, b - a <= N1 and c - b <= N2: the row just before b in time order lies
between a and b, the row just after it between b and c, so b and its two neighbours are such a chain too
(per customer and, with matching, per value). One window over the customer's rows, as an analyst writes
"bought one product three times, each within 60 days of the one before".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from ..lang import model as m
from .journey_steps import step_filters
from .plan import JourneyScan

if TYPE_CHECKING:
    from .emit import _Emitter


def repeat_query(emitter: _Emitter, scan: JourneyScan) -> exp.Select:
    """seq_key, hit: the customers with a row whose neighbours in time order are within the two spans."""
    journey, event = scan.journey, scan.events[0]
    dialect = emitter.dialect
    values = scan.values
    partition: list[exp.Expr] = [exp.column(event.by)]
    conditions = step_filters(emitter, journey, scan.events, 0)
    if values is not None:  # a missing value is on no chain
        value = exp.column(values[event.table])
        partition += dialect.distinct_values(dialect.matched_value(value), False)
        conditions.append(exp.not_(exp.Is(this=value.copy(), expression=exp.Null()), copy=False))
    order = exp.Order(expressions=[dialect.never_null_order(exp.column(event.at))])
    around = [exp.alias_(exp.Window(this=func(this=exp.column(event.at)), partition_by=[p.copy() for p in partition],
                                    order=order.copy()), name, copy=False)
              for func, name in ((exp.Lag, "jq_before"), (exp.Lead, "jq_after"))]
    rows = emitter._scan(event, [exp.alias_(exp.column(event.by), "seq_key", copy=False),
                                 exp.alias_(exp.column(event.at), "jq_time", copy=False), *around])
    if conditions:
        rows = rows.where(exp.and_(*conditions, copy=False), copy=False)

    dates = event.time_type == "date"

    def day(name: str) -> exp.Expr:
        return dialect.to_date(exp.column(name)) if dates else exp.column(name)

    def moved(time: exp.Expr, step: m.Step) -> exp.Expr:
        return dialect.add_days(time, step.within.value) if dates else emitter._plus_within(time, step)

    first, second = journey.steps
    close = exp.and_(exp.LTE(this=day("jq_time"), expression=moved(day("jq_before"), first)),
                     exp.LTE(this=day("jq_after"), expression=moved(day("jq_time"), second)), copy=False)
    return (exp.select(exp.column("seq_key"), exp.alias_(exp.Literal.number(1), "hit", copy=False), copy=False)
            .from_(rows.subquery("r", copy=False), copy=False).where(close, copy=False)
            .group_by(exp.column("seq_key"), copy=False))
