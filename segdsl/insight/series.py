"""One compiled statement, evaluated for a series of as-of days in one query.

The compiler's dynamic form (no --as-of) reads the as-of day D only through
CURRENT_DATE. `lift` turns that statement into one whose every relation
carries a day column: R becomes the union over the days d of (R as of d)
with d attached. By induction over the statement, that holds when
- a physical table (the same on every day) is cross-joined with the days,
- CURRENT_DATE is replaced by the row's day,
- joins of relations that carry the day also match the day,
- GROUP BY and every window's PARTITION BY also group by the day,
- and the day is carried to the select list.
Anything the rules do not cover (set operations, subqueries inside
expressions, ORDER BY/LIMIT, aggregates without GROUP BY, a star over
several relations, other current-time functions) raises NotLiftable, and
the caller runs one query per day instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlglot import exp

from ..dialects import Dialect

DAY = "segdsl_as_of"
DAYS = "segdsl_days"


class NotLiftable(Exception):
    """The statement uses a construct the lifting rules do not cover."""


def lift(statement: exp.Expr, days: Sequence[date], dialect: Dialect) -> exp.Select:
    """The statement for every day in `days`, with a DATE column segdsl_as_of."""
    if not isinstance(statement, exp.Select) or not days:
        raise NotLiftable("not a single SELECT" if days else "no days")
    if any(isinstance(node, (exp.CurrentTimestamp, exp.CurrentTime)) for node in statement.find_all(exp.Func)):
        raise NotLiftable("the statement reads the current time, not only the current date")
    tree = statement.copy()
    with_ = tree.args.get("with_")
    ctes = list(with_.expressions) if with_ is not None else []
    names = {cte.alias for cte in ctes}
    if DAYS in names:
        raise NotLiftable(f"a CTE is named {DAYS}")
    for cte in ctes:
        if not isinstance(cte.this, exp.Select):
            raise NotLiftable(f"CTE {cte.alias} is not a SELECT")
        _lift_select(cte.this, names)
    if with_ is not None:
        tree.set("with_", None)
    _lift_select(tree, names)
    values = exp.select(exp.column(DAY)).from_(dialect.rows_table([[dialect.date_literal(day)] for day in days],
                                                                  "v", [DAY]))
    tree = tree.with_(DAYS, as_=values, copy=False)
    for cte in ctes:
        tree = tree.with_(cte.alias, as_=cte.this, copy=False)
    return tree


def _lift_select(select: exp.Select, ctes: set[str]) -> None:
    for key in ("order", "limit", "offset", "qualify", "having"):
        if select.args.get(key) is not None:
            raise NotLiftable(f"{key.upper()} in a SELECT")
    from_ = select.args.get("from_")
    if from_ is None:
        raise NotLiftable("a SELECT without FROM")
    joins = list(select.args.get("joins") or [])
    first_derived = _lift_source(from_.this, ctes)
    if first_derived:
        day = exp.column(DAY, table=from_.this.alias_or_name)
    else:
        day = exp.column(DAY, table=DAYS)
        joins.insert(0, exp.Join(this=exp.to_table(DAYS), kind="CROSS"))
        select.set("joins", joins)
    for join in joins:
        if join.this.name == DAYS and join.this.alias_or_name == DAYS:
            continue
        if _lift_source(join.this, ctes):
            on = join.args.get("on")
            if on is None:
                raise NotLiftable("a join without ON over a day-dependent relation")
            same_day = exp.EQ(this=exp.column(DAY, table=join.this.alias_or_name), expression=day.copy())
            join.set("on", exp.and_(on, same_day, copy=False))
    for part in [*select.expressions, select.args.get("where"), select.args.get("group")]:
        if part is not None and part.find(exp.Query, exp.Subquery) is not None:
            raise NotLiftable("a subquery inside an expression")
    for node in list(select.find_all(exp.CurrentDate)):
        node.replace(day.copy())
    for part in select.expressions:
        for window in part.find_all(exp.Window):
            window.set("partition_by", [day.copy(), *(window.args.get("partition_by") or [])])
    group = select.args.get("group")
    if group is not None:
        group.set("expressions", [*group.expressions, day.copy()])
    elif any(_is_plain_aggregate(node) for part in select.expressions for node in part.find_all(exp.AggFunc)):
        raise NotLiftable("an aggregate without GROUP BY")
    if any(isinstance(part, exp.Star) for part in select.expressions):
        if not first_derived or len(joins) > 0:
            raise NotLiftable("a star over several relations")
        return  # the day passes through the star
    select.select(exp.alias_(day.copy(), DAY), copy=False)


def _lift_source(source: exp.Expr, ctes: set[str]) -> bool:
    """Lift a FROM/JOIN source; whether it carries the day (a lifted CTE or subquery)."""
    if isinstance(source, exp.Subquery):
        if not isinstance(source.this, exp.Select):
            raise NotLiftable("a set operation as a source")
        _lift_select(source.this, ctes)
        return True
    if isinstance(source, exp.Table):
        return not source.args.get("db") and source.name in ctes
    if isinstance(source, exp.Identifier):  # a CTE joined by its bare name
        if source.name not in ctes:
            raise NotLiftable(f"an unknown relation {source.name}")
        return True
    raise NotLiftable(f"a {type(source).__name__} as a source")


def _is_plain_aggregate(node: exp.AggFunc) -> bool:
    parent = node.find_ancestor(exp.Window, exp.Select)
    return not isinstance(parent, exp.Window)
