"""Judge a segmentation by what its members did next.

For each segment and label as of day D, an outcome written in the
language's value syntax (`sum(orders.amount)`, `count(orders)`, `has
orders`) is measured over the N days after D: every event set in it gets
the window D+1 .. D+N, and it is evaluated as of D+N with the same
compiler. A value gives a total and a mean per member; a condition gives
how many members it holds for and their share.

A split's labels are also compared with its baseline label (its first, or
the one named): the difference in share or mean, label minus baseline, with
a 95% interval (normal approximation, unpooled: difference +- 1.96 *
sqrt(var_a / n_a + var_b / n_b)). The database returns per group only
counts, sums and sums of squares; the interval is arithmetic on those.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlglot import exp

from ..compile.compiler import to_tree
from ..errors import SegdslError, error, suggest
from ..lang import ast
from ..lang import model as m
from ..lang.model import Condition, LabelOf, Program, SegmentRef, Value, span_of
from ..lang.timeline import AS_OF_RANGE, LAST_AS_OF, as_of_day
from ..run.runner import share
from ..run.targets import Result, Target
from .groups import GROUP, LABEL, MIN_GROUP, checked, grouped_query, groups
from .items import Item

OUTCOME = "segdsl_outcome"
Z95 = 1.96  # the standard normal's 97.5th percentile, as usually rounded: a two-sided 95% interval
LIFT_COLUMNS = ("baseline", "baseline_{figure}", "difference", "low", "high", "note")


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
             names: Sequence[str] | None = None, baseline: str | None = None) -> Result:
    """Per segment and label as of `as_of` (and every customer): members and the outcome after it. As of
    an instant (rule 10), the segments are the instant's and the outcome the whole days after its day.

    Where a split is among the groups, each row also holds the lift columns (LIFT_COLUMNS): a split's
    label against its baseline label (`baseline`, else the split's first label); other rows leave them
    empty."""
    day = as_of_day(as_of)
    bases = baselines(program, names, baseline)
    measured = after(outcome, day, days)
    checked(target, program, [measured])
    only_outcome = dataclasses.replace(program, segments={}, segmentations={})
    outcomes = _own_names(to_tree(only_outcome, target.dialect, None, day + timedelta(days=days),
                                  items={OUTCOME: (measured.expr, measured.kind)}), "o_")
    key = program.entity.key
    value: exp.Expr = exp.column(OUTCOME, table="o")
    if measured.is_condition:
        value = exp.cast(value, "INT")
    as_double = exp.cast(value.copy(), "DOUBLE")
    figures = [exp.Count(this=exp.Star()), exp.Count(this=value.copy()), exp.Sum(this=value.copy()),
               exp.Avg(this=as_double.copy()), exp.Sum(this=exp.Mul(this=as_double.copy(), expression=as_double))]
    query = (exp.select(exp.column(GROUP, table="g"), exp.column(LABEL, table="g"), *figures)
             .from_(grouped_query(program, target.dialect, as_of, (), names).subquery("g"))
             .join(outcomes.subquery("o"),
                   on=exp.EQ(this=exp.column(key, table="o"), expression=exp.column(key, table="g")))
             .group_by(exp.column(GROUP, table="g"), exp.column(LABEL, table="g")))
    found = {(row[0], row[1]): row[2:] for row in target.fetch(query).rows}
    rows: list[tuple[Any, ...]] = []
    for group in groups(program, names):
        members, known, total, mean, _ = found.get(group, (0, 0, None, None, None))
        small = members < MIN_GROUP
        if measured.is_condition:
            hits = int(total or 0)
            row: tuple[Any, ...] = (*group, members, None if small else hits,
                                    None if small else share(hits, members))
        else:
            row = (*group, members, known, None if small else _number(total),
                   None if small or mean is None else round(float(mean), 4))
        if bases:
            name, label = group
            row += (_lift(name, label, bases[name], found, measured.is_condition) if name in bases
                    else (None,) * len(LIFT_COLUMNS))
        rows.append(row)
    columns: tuple[str, ...] = (("segment", "label", "members", "hits", "share") if measured.is_condition
                                else ("segment", "label", "members", "known", "total", "per_member"))
    if bases:
        figure = "share" if measured.is_condition else "per_member"
        columns += tuple(column.format(figure=figure) for column in LIFT_COLUMNS)
    return Result(columns, rows)


def _own_names(tree: exp.Query, prefix: str) -> exp.Query:
    """The tree with its CTEs named `prefix` + name. Two compiled trees hold CTEs of the same names (`base`),
    which Spark's and SQL Server's SQL, moving every CTE to the top, would declare twice. A reference
    keeps the old name as its alias, so the columns qualified with it still resolve."""
    names = {cte.alias for cte in tree.find_all(exp.CTE)}
    for cte in tree.find_all(exp.CTE):
        cte.set("alias", exp.TableAlias(this=exp.to_identifier(prefix + cte.alias)))
    for table in list(tree.find_all(exp.Table, exp.Identifier)):
        if isinstance(table, exp.Identifier):  # the compiler joins a CTE as its bare name
            if isinstance(table.parent, (exp.From, exp.Join)) and table.arg_key == "this" and table.name in names:
                table.replace(exp.Table(this=exp.to_identifier(prefix + table.name),
                                        alias=exp.TableAlias(this=exp.to_identifier(table.name))))
        elif table.name in names and not table.args.get("db") and not table.args.get("catalog"):
            alias = table.alias or table.name
            table.set("this", exp.to_identifier(prefix + table.name))
            table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return tree


def baselines(program: Program, names: Sequence[str] | None, baseline: str | None) -> dict[str, str]:
    """Each split among the groups backtested, with the label its other labels are compared with: `baseline`,
    which every one of them must have, or its first label."""
    groups(program, names)  # an unknown name is reported first
    splits = [name for name in (names or program.segmentations)
              if name in program.segmentations and program.segmentations[name].split is not None]
    if baseline is None:
        return {name: program.segmentations[name].labels[0] for name in splits}
    if not splits:
        declared = any(s.split is not None for s in program.segmentations.values())
        hint = "name a split with --segment" if declared else "the file declares no split"
        raise error("--baseline names a split's label, but no split is backtested", None, hint)
    for name in splits:
        labels = program.segmentations[name].labels
        if baseline not in labels:
            raise error(f"--baseline: split '{name}' has no label '{baseline}'", None,
                        suggest(baseline, labels) or "its labels: " + ", ".join(labels))
    return {name: baseline for name in splits}


@dataclasses.dataclass(frozen=True)
class Arm:
    """One side of a comparison, from the database's aggregates: how many outcomes are known (a condition's
    every member), their sum and their sum of squares."""

    count: int
    total: float
    squares: float

    @property
    def mean(self) -> float:
        return self.total / self.count

    def variance(self, is_condition: bool) -> float:
        """A share's p(1 - p); a value's sample variance (n - 1), 0 where rounding makes it negative."""
        if is_condition:
            return self.mean * (1 - self.mean)
        spread = self.squares - self.total * self.total / self.count
        if spread <= 1e-12 * max(1.0, abs(self.squares)):  # equal values: no spread but rounding
            return 0.0
        return spread / (self.count - 1)


def difference(base: Arm, arm: Arm, is_condition: bool) -> tuple[float | None, float | None, float | None, str | None]:
    """Label minus baseline, with a 95% interval: (difference, low, high, note); a note says why a figure
    is missing."""
    if base.count < 1 or arm.count < 1:
        return None, None, None, "no known outcome in " + ("the baseline" if base.count < 1 else "this label")
    diff = arm.mean - base.mean
    if base.count < 2 or arm.count < 2:
        side = "the baseline" if base.count < 2 else "this label"
        return _round(diff), None, None, f"one known outcome in {side}: no interval"
    var_base, var_arm = base.variance(is_condition), arm.variance(is_condition)
    if var_base == 0 and var_arm == 0:
        return _round(diff), None, None, "the same outcome for every member of both: no interval"
    margin = Z95 * math.sqrt(var_base / base.count + var_arm / arm.count)
    return _round(diff), _round(diff - margin), _round(diff + margin), None


def _lift(name: str, label: str, base_label: str, found: dict, is_condition: bool) -> tuple[Any, ...]:
    """The lift columns of a split's row: a label against the baseline label."""
    def arm(label: str) -> tuple[int, Arm]:
        members, known, total, _, squares = found.get((name, label), (0, 0, None, None, None))
        total = float(total or 0)
        if is_condition:
            return members, Arm(members, total, total)
        return members, Arm(int(known), total, float(squares or 0))

    base_members, base = arm(base_label)
    if label == base_label:
        return (base_label, None, None, None, None, "baseline")
    members, this = arm(label)
    if base_members < MIN_GROUP or members < MIN_GROUP:
        side = "the baseline has" if base_members < MIN_GROUP else "this label has"
        return (base_label, None, None, None, None, f"{side} fewer than {MIN_GROUP} members: no lift")
    shown = (share(int(base.total), base_members) if is_condition
             else (_round(base.mean) if base.count else None))
    return (base_label, shown, *difference(base, this, is_condition))


def _round(value: float) -> float:
    return round(value, 4) + 0.0  # never -0.0


def _number(value: Any) -> float | int | None:
    if value is None:
        return 0
    number = float(value)
    return int(number) if number == int(number) else round(number, 4)
