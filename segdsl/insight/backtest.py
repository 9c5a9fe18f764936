"""Judge a segmentation by what its members did next.

For each segment and label as of day D, an outcome written in the
language's value syntax (`sum(orders.amount)`, `count(orders)`, `has
orders`) is measured over the N days after D: every event set in it gets
the window D+1 .. D+N, and it is evaluated as of D+N with the same
compiler. A value gives a total and a mean per member; a condition gives
how many members it holds for and their share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlglot import exp

from ..compile.compiler import to_tree
from ..errors import SegdslError, error
from ..lang import ast
from ..lang import model as m
from ..lang.model import Condition, LabelOf, Program, SegmentRef, Value, span_of
from ..lang.timeline import AS_OF_RANGE, LAST_AS_OF, as_of_day
from ..run.runner import share
from ..run.targets import Result, Target
from .groups import GROUP, LABEL, MIN_GROUP, checked, grouped_query, groups
from .items import Item

OUTCOME = "segdsl_outcome"


def after(item: Item, as_of: date, days: int) -> Item:
    """The outcome with every event set limited to the `days` days after `as_of`."""
    if days < 1:
        raise error("an outcome needs at least 1 day after the as-of day", None, "e.g. --days 30")
    if as_of.toordinal() + days > LAST_AS_OF.toordinal():
        raise error(f"the outcome's last day ({as_of} + {days} days) is past the calendar: {AS_OF_RANGE}", None,
                    "an earlier --as-of or fewer --days")
    span = span_of(item.expr)
    assert span is not None  # a checked item is written somewhere
    first, last = as_of + timedelta(days=1), as_of + timedelta(days=days)
    window = m.DateRange(m.Bound(first, span=span), m.Bound(last, span=span), span=span)
    try:
        return dataclasses.replace(item, expr=_limit(item.expr, window))
    except SegdslError as exc:
        exc.sources.setdefault(item.file, item.text)
        raise


def _limit(expr: Condition | Value, window: m.DateRange) -> Condition | Value:
    def limited(node: object) -> m.EventSet | None:
        if isinstance(node, (SegmentRef, LabelOf)):
            raise error("an outcome measures events, not segment membership", node.span,
                        "write what members do, e.g. has orders or sum(orders.amount)")
        if isinstance(node, m.EventSet):
            if node.window is not None:
                raise error("an outcome's event sets cover the days after the as-of day; drop this window",
                            node.window.span, "--days sets how many days are measured")
            return dataclasses.replace(node, window=window)
        return None

    return ast.rewrite(expr, limited)


def backtest(target: Target, program: Program, as_of: date, outcome: Item, days: int,
             names: Sequence[str] | None = None) -> Result:
    """Per segment and label as of `as_of` (and every customer): members and the outcome after it. As of
    an instant (rule 10), the segments are the instant's and the outcome the whole days after its day."""
    day = as_of_day(as_of)
    measured = after(outcome, day, days)
    checked(target, program, [measured])
    only_outcome = dataclasses.replace(program, segments={}, segmentations={})
    outcomes = to_tree(only_outcome, target.dialect, None, day + timedelta(days=days),
                       items={OUTCOME: (measured.expr, measured.kind)})
    key = program.entity.key
    value: exp.Expr = exp.column(OUTCOME, table="o")
    if measured.is_condition:
        value = exp.cast(value, "INT")
    figures = [exp.Count(this=exp.Star()), exp.Count(this=value.copy()), exp.Sum(this=value.copy()),
               exp.Avg(this=exp.cast(value.copy(), "DOUBLE"))]
    query = (exp.select(exp.column(GROUP, table="g"), exp.column(LABEL, table="g"), *figures)
             .from_(grouped_query(program, target.dialect, as_of, (), names).subquery("g"))
             .join(outcomes.subquery("o"),
                   on=exp.EQ(this=exp.column(key, table="o"), expression=exp.column(key, table="g")))
             .group_by(exp.column(GROUP, table="g"), exp.column(LABEL, table="g")))
    found = {(row[0], row[1]): row[2:] for row in target.fetch(query).rows}
    rows: list[tuple[Any, ...]] = []
    for group in groups(program, names):
        members, known, total, mean = found.get(group, (0, 0, None, None))
        small = members < MIN_GROUP
        if measured.is_condition:
            hits = int(total or 0)
            rows.append((*group, members, None if small else hits, None if small else share(hits, members)))
        else:
            rows.append((*group, members, known, None if small else _number(total),
                         None if small or mean is None else round(float(mean), 4)))
    columns = (("segment", "label", "members", "hits", "share") if measured.is_condition
               else ("segment", "label", "members", "known", "total", "per_member"))
    return Result(columns, rows)


def _number(value: Any) -> float | int | None:
    if value is None:
        return 0
    number = float(value)
    return int(number) if number == int(number) else round(number, 4)
