"""The per-customer CTEs a segment's every member has a row in, so `base` may INNER JOIN them.

A customer without a row in a features scan (or a first/last value, a sequence, sessions) has that CTE's
columns at their missing values: counts, sums and sessions 0, everything else missing. Where the
segment's condition is false for every such customer, joining the CTE with an INNER JOIN instead of a
LEFT JOIN gives the same members and lets the engine start from the customers who have events (the
expert's `GROUP BY ... HAVING`), not from every customer. The condition is read in negation normal form,
as emit.py writes it (a negated leaf also holds where its operands are missing): `and` needs any one
operand's CTEs, `or` the CTEs that every operand needs, and so does a count of conditions that one at
least must meet (`at least 2 of`, `not at most 1 of`).

Only a segment's statement, and only without ranks or thresholds (those rank every customer), qualifies.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal

from ..lang import model as m
from ..lang.model import Condition
from .plan import Column, DaysSince, HasEvents, InWindow, Plan, SequenceHolds, SessionScan, flat_chain

_COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<>": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge}
_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!=", "<>": "<>"}


def inner_joins(plan: Plan) -> frozenset[str]:
    """The CTEs a member of the plan's segment must have a row in (empty for any other statement)."""
    if plan.where is None or plan.ranks or plan.thresholds:
        return frozenset()
    return frozenset(_Reader(plan).needs(plan.where, False))


class _Reader:
    def __init__(self, plan: Plan) -> None:
        self.source: dict[str, tuple[str, bool]] = {}  # column -> (its CTE, 0 when missing, else missing)
        for scan in plan.features:
            for agg in scan.aggregates:
                self.source[agg.name] = (scan.cte, agg.zero_when_missing)
        for extra in plan.extras:
            self.source[extra.value] = (extra.cte, isinstance(extra, SessionScan))

    def needs(self, expr: Condition, negate: bool) -> set[str]:
        """The CTEs without a row in any of which `expr` (negated when `negate`) is false."""
        while isinstance(expr, m.Not):
            expr, negate = expr.operand, not negate
        if isinstance(expr, (m.And, m.Or)):
            parts = [self.needs(operand, negated) for operand, negated in flat_chain(expr, negate)]
            return set().union(*parts) if isinstance(expr, m.And) != negate else set.intersection(*parts)
        if isinstance(expr, m.CountOf):  # where one operand at least must hold: what every operand needs
            some = (expr.op != "<=" and expr.count >= 1 if not negate
                    else expr.op == "<=" or (expr.op == "=" and expr.count == 0))
            return set.intersection(*[self.needs(operand, False) for operand in expr.operands]) if some else set()
        if isinstance(expr, HasEvents):
            return {self.source[expr.count][0]} if expr.negated == negate else set()
        if isinstance(expr, SequenceHolds):
            return set() if negate else {expr.scan.cte}
        if isinstance(expr, m.Compare):
            return self._compare(expr, negate)
        subject = getattr(expr, "subject", None)
        if isinstance(expr, (InWindow, m.Between, m.InList, m.Like)) and not negate:
            return self._missing_only(subject)  # a missing value is in no window, range, list or pattern
        if isinstance(expr, m.IsNull) and expr.negated != negate:  # `is not null`
            return self._missing_only(subject)
        return set()

    def _compare(self, expr: m.Compare, negate: bool) -> set[str]:
        left, right, op = expr.left, expr.right, str(expr.op)
        if isinstance(left, m.Constant):
            left, right, op = right, left, _MIRRORED[op]
        found = self._column(left)
        if found is None:
            return set()
        cte, zero = found
        if not zero:  # missing: a comparison is false, its negation true
            return set() if negate else {cte}
        if not isinstance(right, m.Constant) or right.param is not None or isinstance(right.value, bool) \
                or not isinstance(right.value, (int, Decimal)):
            return set()
        holds = _COMPARE[op](Decimal(0), Decimal(right.value))
        return {cte} if holds == negate else set()

    def _missing_only(self, subject: object) -> set[str]:
        """The CTE of a value that is missing (not 0) for a customer without a row in it."""
        found = self._column(subject)
        return {found[0]} if found is not None and not found[1] else set()

    def _column(self, value: object) -> tuple[str, bool] | None:
        """A value's CTE and whether it is 0 (else missing) there without a row: a plain column of one."""
        if isinstance(value, Column):
            return self.source.get(value.name)
        if isinstance(value, DaysSince):
            found = self.source.get(value.latest)
            return (found[0], False) if found is not None else None
        return None

