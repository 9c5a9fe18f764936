"""Segment insight on a target: overlaps, profiles and member samples.

Every query wraps the compiler's whole-file query (one row per customer,
a flag per segment, a label per segmentation, a column per profile item)
and aggregates it on the target, so nothing but counts and aggregates
leaves the database. The privacy rules (README, "Insight"):
- counts, shares, means and medians only; of a group of fewer than
  MIN_GROUP customers only its size is shown (each item's figures empty);
- a top value is shown only when at least MIN_GROUP customers of the group
  hold it (the rest are counted as "(other)"), and an item whose values
  are mostly unique over all customers (an e-mail, a name, a phone number)
  shows only how many distinct values it has;
- member keys only in a sample that is asked for (`sample`), never any
  other column of a customer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlglot import exp

from .. import dialects
from ..compile.compiler import to_tree
from ..errors import error, suggest
from ..lang import model as m
from ..lang.model import Attribute, CheckedItem, Program
from ..run.catalog import Catalog, check_against, find_table
from ..run.runner import share
from ..run.targets import Result, Target
from .choices import TOP
from .items import Item

ALL = "(all)"
GROUP, LABEL = "segdsl_group", "segdsl_label"
WIDE, GROUPED = "segdsl_wide", "segdsl_grouped"
MIN_GROUP = 10
MOSTLY_UNIQUE = 0.5
WITHHELD = "distinct values (values withheld: mostly unique)"
PROFILE_COLUMNS = ("segment", "label", "item", "statistic", "value", "share")
_NUMERIC = re.compile(r"int|decimal|numeric|double|real|float|number", re.IGNORECASE)


def item_columns(items: Sequence[Item]) -> dict[str, CheckedItem]:
    """The items as extra columns of the whole-file query, named segdsl_item_1, ..."""
    return {f"segdsl_item_{n + 1}": (item.expr, item.kind) for n, item in enumerate(items)}


def checked(target: Target, program: Program, items: Sequence[Item] = ()) -> None:
    """The program's and the items' tables and columns exist on the target (positioned errors)."""
    check_against(program, target.catalog(), target.search_path(), [item.expr for item in items])


def groups(program: Program, names: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(segment, "") and (segmentation, label) pairs, every customer's group (ALL, "") first."""
    for name in names or ():
        if program.target(name) is None:
            known = [*program.segments, *program.segmentations]
            raise error(f"unknown segment '{name}'", None, suggest(name, known) or "segments: " + ", ".join(known))
    wanted = list(names) if names else [*program.segments, *program.segmentations]
    found = [(ALL, "")]
    for name in wanted:
        if name in program.segments:
            found.append((name, ""))
        else:
            found += [(name, label) for label in program.segmentations[name].labels]
    return found


def grouped_query(program: Program, dialect: str, as_of: date | None, items: Sequence[Item] = (),
                  names: Sequence[str] | None = None) -> exp.Select:
    """A customer's row once per group it belongs to: group, label, key, item columns."""
    wide = to_tree(program, dialect, None, as_of, items=item_columns(items))
    wanted = groups(program, names)
    table = dialects.get(dialect).rows_table([[exp.Literal.string(g), exp.Literal.string(label)]
                                              for g, label in wanted], "g", [GROUP, LABEL])
    group, label = exp.column(GROUP, table="g"), exp.column(LABEL, table="g")
    belongs: list[exp.Expr] = [exp.EQ(this=group.copy(), expression=exp.Literal.string(ALL))]
    for name in dict.fromkeys(g for g, _ in wanted[1:]):
        is_group = exp.EQ(this=group.copy(), expression=exp.Literal.string(name))
        column = exp.column(name, table="w")
        member = (_is_true(column) if name in program.segments
                  else exp.EQ(this=column, expression=label.copy()))
        belongs.append(exp.and_(is_group, member))
    columns = [group, label, exp.column(program.entity.key, table="w"),
               *[exp.column(name, table="w") for name in item_columns(items)]]
    return (exp.select(*columns).from_(exp.table_(WIDE, alias="w"))
            .join(table, join_type="cross").where(exp.or_(*belongs))
            .with_(WIDE, as_=wide))


OVERLAP_COLUMNS = ("a", "a_label", "b", "b_label", "both", "share_of_a", "share_of_b")
MAX_OVERLAP_GROUPS = 1000  # 499,500 pairs
MEMBERS = "segdsl_members"


def overlap(target: Target, program: Program, as_of: date | None, names: Sequence[str] | None = None) -> Result:
    """How many customers each pair of groups shares, with the share of each side, in one query.

    The groups are every segment, or the segments and segmentations named; a segmentation
    counts as one group per label (labels of one segmentation never share anyone: no pair).
    The database counts: the whole-file query unpivoted to a row per member, joined with itself
    on the key (its work grows with the pairs each customer is in, its SQL with the groups); every
    pair is a row, so at most MAX_OVERLAP_GROUPS groups are compared at once."""
    wanted = groups(program, names)[1:] if names else [(name, "") for name in program.segments]
    wanted = list(dict.fromkeys(wanted))
    _at_most(program, wanted, MAX_OVERLAP_GROUPS)
    checked(target, program)
    if not wanted:
        return Result(OVERLAP_COLUMNS, [])
    sizes: dict[tuple[str, str], int] = {}
    shared: dict[tuple[tuple[str, str], tuple[str, str]], int] = {}
    for a, a_label, b, b_label, count in target.fetch(_overlap_query(program, target.dialect, as_of, wanted)).rows:
        if b is None:
            sizes[(a, a_label or "")] = int(count)
        else:
            shared[((a, a_label or ""), (b, b_label or ""))] = int(count)
    rows = []
    for at, first in enumerate(wanted):
        for second in wanted[at + 1:]:
            if first[0] == second[0]:
                continue
            both = shared.get((first, second), shared.get((second, first), 0))
            rows.append((*first, *second, both, share(both, sizes.get(first, 0)), share(both, sizes.get(second, 0))))
    return Result(OVERLAP_COLUMNS, rows)


def _at_most(program: Program, wanted: list[tuple[str, str]], limit: int) -> None:
    """An error at the declaration of the first group past the limit, when there are more."""
    if len(wanted) <= limit:
        return
    name = wanted[limit][0]
    target = program.target(name)
    err = error(f"overlap compares at most {limit:,} groups at once ({limit * (limit - 1) // 2:,} pairs), "
                f"not {len(wanted):,}", target.span if target is not None else None,
                "name the segments to compare with --segment NAME (a segmentation is one group per label)")
    err.sources.update(program.sources)
    raise err


def _overlap_query(program: Program, dialect_name: str, as_of: date | None,
                   wanted: list[tuple[str, str]]) -> exp.Select | exp.Union:
    """Each group's size (b NULL), then each pair's shared customers where they share any: a, a_label, b,
    b_label, count. A pair is counted once, with a before b in the database's order of names."""
    dialect = dialects.get(dialect_name)
    key = program.entity.key
    named = list(dict.fromkeys(name for name, _ in wanted))
    members = dialect.unpivot(WIDE, key, [n for n in named if n in program.segments],
                              [n for n in named if n in program.segmentations], (GROUP, LABEL))
    sized = (exp.select(exp.column(GROUP), exp.column(LABEL), exp.Null(), exp.Null(), exp.Count(this=exp.Star()))
             .from_(MEMBERS).group_by(exp.column(GROUP), exp.column(LABEL)))
    on = exp.and_(exp.EQ(this=exp.column(key, table="a"), expression=exp.column(key, table="b")),
                  exp.LT(this=exp.column(GROUP, table="a"), expression=exp.column(GROUP, table="b")))
    grouped = [exp.column(column, table=side) for side in ("a", "b") for column in (GROUP, LABEL)]
    paired = (exp.select(*grouped, exp.Count(this=exp.Star())).from_(exp.table_(MEMBERS, alias="a"))
              .join(exp.table_(MEMBERS, alias="b"), on=on, copy=False).group_by(*[c.copy() for c in grouped]))
    materialized = True if dialect.has_materialized_ctes else None
    return (dialect.union_all([sized, paired])
            .with_(WIDE, as_=to_tree(program, dialect_name, None, as_of), materialized=materialized, copy=False)
            .with_(MEMBERS, as_=members, materialized=materialized, copy=False))


def overlap_matrix(program: Program, result: Result, sizes: dict[str, int]) -> tuple[list[str], list[list[int]]]:
    """The pairs of `overlap` as a symmetric matrix, segment sizes on the diagonal."""
    names = [name for name in program.segments if name in sizes]
    index = {name: n for n, name in enumerate(names)}
    matrix = [[sizes[a] if a == b else 0 for b in names] for a in names]
    for a, a_label, b, b_label, both, *_ in result.rows:
        if a in index and b in index and not a_label and not b_label:
            matrix[index[a]][index[b]] = matrix[index[b]][index[a]] = both
    return names, matrix


def profile(target: Target, program: Program, as_of: date | None, items: Sequence[Item] = (),
            names: Sequence[str] | None = None, top: int = TOP) -> Result:
    """Per group: its size and share; per item the mean and median, the share, or the top values."""
    checked(target, program, items)
    catalog = target.catalog()
    search_path = target.search_path()
    kinds = [_item_kind(item, program, catalog, search_path) for item in items]
    grouped = grouped_query(program, target.dialect, as_of, items, names)
    columns = list(item_columns(items))
    stats: list[exp.Expr] = [exp.column(GROUP), exp.column(LABEL), exp.Count(this=exp.Star())]
    dialect = dialects.get(target.dialect)
    one_pass = dialect.has_median_aggregate  # else each median from a window over the groups' rows
    for column, kind in zip(columns, kinds):
        value: exp.Expr = exp.column(column)
        if kind == "number":
            stats += [exp.Avg(this=exp.cast(value, "DOUBLE")), dialect.median(value.copy()) if one_pass else exp.Null()]
        elif kind == "condition":
            value = _as_int(value)
        stats += [exp.Count(this=value.copy()), exp.Count(this=exp.Distinct(expressions=[value.copy()])),
                  exp.Sum(this=value.copy()) if kind == "condition" else exp.Null()]
    query = (exp.select(*stats).from_(grouped.subquery("g"))
             .group_by(exp.column(GROUP), exp.column(LABEL)))
    found = {(row[0], row[1]): row[2:] for row in target.fetch(query).rows}
    medians = {} if one_pass else _window_medians(target, grouped, [(n, columns[n]) for n, kind in enumerate(kinds)
                                                                     if kind == "number"])
    wanted = groups(program, names)
    everyone = found.get((ALL, ""), (0,))[0]
    withheld = set()
    stats_of: dict[tuple[str, str], list[Any]] = {}
    for key in wanted:
        size, *rest = found.get(key, (0,) + (None,) * (len(stats) - 3))
        per_item, at = [], 0
        for n, kind in enumerate(kinds):
            width = 5 if kind == "number" else 3
            figures = rest[at:at + width]
            if kind == "number" and not one_pass:  # (mean, median, ...): the window's median
                figures[1] = medians.get((n, *key))
            per_item.append(tuple(figures))
            at += width
        stats_of[key] = [size, *per_item]
    for n, kind in enumerate(kinds):
        known, distinct = stats_of[(ALL, "")][1 + n][-3:-1]
        if kind == "category" and known and (distinct or 0) > MOSTLY_UNIQUE * known:
            withheld.add(n)
    tops = _top_values(target, grouped, [(n, columns[n]) for n, kind in enumerate(kinds)
                                          if kind == "category" and n not in withheld], top)
    rows: list[tuple] = []
    for key in wanted:
        size, *per_item = stats_of[key]
        rows.append((*key, "customers", "count", size or 0, share(size or 0, everyone)))
        for n, (item, kind, values) in enumerate(zip(items, kinds, per_item)):
            rows += _item_rows(key, item.text, kind, values, size or 0, n in withheld, tops.get((n, *key), []))
    return Result(PROFILE_COLUMNS, rows)


def sample(target: Target, program: Program, as_of: date | None, count: int,
           names: Sequence[str] | None = None) -> Result:
    """Up to `count` member keys per segment and label: a stable pseudo-random pick (by a hash of the key)."""
    if count < 1:
        raise error("a sample has at least 1 member per segment")
    checked(target, program)
    grouped = grouped_query(program, target.dialect, as_of, (), names)
    key = exp.column(program.entity.key)
    order = exp.Order(expressions=[exp.Ordered(this=exp.MD5(this=exp.cast(key.copy(), "TEXT")), nulls_first=False),
                                   exp.Ordered(this=key.copy(), nulls_first=False)])
    place = exp.Window(this=exp.RowNumber(), partition_by=[exp.column(GROUP), exp.column(LABEL)], order=order)
    inner = (exp.select(exp.column(GROUP), exp.column(LABEL), key.copy(), exp.alias_(place, "segdsl_place"))
             .from_(grouped.subquery("g")).where(exp.NEQ(this=exp.column(GROUP), expression=exp.Literal.string(ALL))))
    query = (exp.select(exp.column(GROUP), exp.column(LABEL), key.copy()).from_(inner.subquery("s"))
             .where(exp.LTE(this=exp.column("segdsl_place"), expression=exp.Literal.number(count))))
    rows = sorted(target.fetch(query).rows, key=lambda r: (r[0], r[1], r[2]))
    return Result(("segment", "label", program.entity.key), rows)


def with_sample(profile_result: Result, sample_result: Result) -> Result:
    """The profile and a sample as one table: each sampled key a row (item "(sample)", statistic the key column),
    after its group's profile rows."""
    key = sample_result.columns[2]
    rows = [*profile_result.rows,
            *[(segment, label, "(sample)", key, value, None) for segment, label, value in sample_result.rows]]
    order: dict[tuple, int] = {}
    for row in rows:
        order.setdefault(row[:2], len(order))
    return Result(profile_result.columns, sorted(rows, key=lambda row: order[row[:2]]))


# ---- helpers --------------------------------------------------------------------


def numeric_columns(target: Target, program: Program) -> list[str]:
    """The entity table's columns of a numeric type on the target, its key aside, in the table's order."""
    columns = find_table(target.catalog(), program.entity.table, target.search_path()) or {}
    return [name for name, kind in columns.items() if _NUMERIC.search(kind) and name != program.entity.key.lower()]


def _item_kind(item: Item, program: Program, catalog: Catalog, search_path: tuple[str, ...]) -> str:
    """condition, number, or category (top values) for an item, from its checked kind or its column's type."""
    if item.is_condition:
        return "condition"
    if item.kind == "number":
        return "number"
    if item.kind in ("date", "timestamp", "string", "boolean"):
        return "category"
    expr = item.expr
    column_type = None
    if isinstance(expr, Attribute):
        table = program.lookups[expr.via[-1]].table if expr.via else program.entity.table
        column_type = (find_table(catalog, table, search_path) or {}).get(expr.name.lower())
    elif isinstance(expr, m.Aggregate) and expr.column is not None:
        column = expr.column
        table = program.lookups[column.via[-1]].table if column.via else program.events[expr.events.event.name].table
        column_type = (find_table(catalog, table, search_path) or {}).get(column.name.lower())
    elif isinstance(expr, (m.Arithmetic, m.Negate, m.Tile)):
        return "number"
    return "number" if column_type and _NUMERIC.search(column_type) else "category"


def _item_rows(key: tuple[str, str], text: str, kind: str, values: tuple, size: int, withheld: bool,
               tops: list[tuple[str, int]]) -> list[tuple]:
    shown = key
    if size < MIN_GROUP:  # only the group's size is shown: every figure of an item is withheld
        statistics = {"number": ("mean", "median", "known"), "condition": ("share",)}.get(
            kind, (WITHHELD, "known") if withheld else ("known",))
        return [(*shown, text, statistic, None, None) for statistic in statistics]
    if kind == "number":
        mean, median, known, _, _ = values
        return [(*shown, text, "mean", _number(mean), None),
                (*shown, text, "median", _number(median), None),
                (*shown, text, "known", known or 0, share(known or 0, size))]
    if kind == "condition":
        hits = int(values[2] or 0)
        return [(*shown, text, "share", hits, share(hits, size))]
    known, distinct, _ = values
    known = known or 0
    if withheld:
        return [(*shown, text, WITHHELD, distinct or 0, None),
                (*shown, text, "known", known, share(known, size))]
    rows = [(*shown, text, f"= {value}", count, share(count, size)) for value, count in tops]
    other = known - sum(count for _, count in tops)
    if other:
        rows.append((*shown, text, "(other)", other, share(other, size)))
    if size - known:
        rows.append((*shown, text, "(missing)", size - known, share(size - known, size)))
    return rows


def _window_medians(target: Target, grouped: exp.Select, columns: list[tuple[int, str]]) -> dict[tuple, float]:
    """Per (item, group, label): the median of the known values, where the dialect has no median aggregate:
    the mean of the one or two middle values by place (2 * place within known .. known + 2), in one query."""
    if not columns:
        return {}
    parts = []
    by = [exp.column(GROUP), exp.column(LABEL)]
    for n, column in columns:
        value = exp.column(column)
        place = exp.Window(this=exp.RowNumber(), partition_by=[c.copy() for c in by],
                           order=exp.Order(expressions=[exp.Ordered(this=value.copy(), nulls_first=False)]))
        known = exp.Window(this=exp.Count(this=value.copy()), partition_by=[c.copy() for c in by])
        inner = (exp.select(*[c.copy() for c in by], exp.alias_(exp.cast(value.copy(), "DOUBLE"), "segdsl_value"),
                            exp.alias_(place, "segdsl_place"), exp.alias_(known, "segdsl_known"))
                 .from_(GROUPED).where(exp.not_(exp.Is(this=value.copy(), expression=exp.Null()))))
        twice = exp.Mul(this=exp.Literal.number(2), expression=exp.column("segdsl_place"))
        middle = exp.Between(this=twice, low=exp.column("segdsl_known"),
                             high=exp.Add(this=exp.column("segdsl_known"), expression=exp.Literal.number(2)))
        parts.append(exp.select(exp.alias_(exp.Literal.number(n), "segdsl_item"), *[c.copy() for c in by],
                                exp.alias_(exp.Avg(this=exp.column("segdsl_value")), "segdsl_median"))
                     .from_(inner.subquery(f"m{n}")).where(middle).group_by(*[c.copy() for c in by]))
    return {(n, group, label): median for n, group, label, median in _per_item(target, grouped, parts)}


def _top_values(target: Target, grouped: exp.Select, columns: list[tuple[int, str]],
                top: int) -> dict[tuple, list[tuple[str, int]]]:
    """Per (item, group, label): the most common values held by at least MIN_GROUP customers, in one query."""
    if not columns:
        return {}
    parts = []
    for n, column in columns:
        value = exp.cast(exp.column(column), "TEXT")
        counted = exp.Count(this=exp.Star())
        place = exp.Window(this=exp.RowNumber(), partition_by=[exp.column(GROUP), exp.column(LABEL)],
                           order=exp.Order(expressions=[exp.Ordered(this=counted.copy(), desc=True, nulls_first=False),
                                                        exp.Ordered(this=value.copy(), nulls_first=False)]))
        inner = (exp.select(exp.alias_(exp.Literal.number(n), "segdsl_item"), exp.column(GROUP), exp.column(LABEL),
                            exp.alias_(value, "segdsl_value"), exp.alias_(counted, "segdsl_count"),
                            exp.alias_(place, "segdsl_place"))
                 .from_(GROUPED).where(exp.not_(exp.Is(this=exp.column(column), expression=exp.Null())))
                 .group_by(exp.column(GROUP), exp.column(LABEL), value.copy()))
        parts.append(exp.select("*").from_(inner.subquery(f"t{n}")).where(exp.and_(
            exp.LTE(this=exp.column("segdsl_place"), expression=exp.Literal.number(top)),
            exp.GTE(this=exp.column("segdsl_count"), expression=exp.Literal.number(MIN_GROUP)))))
    found: dict[tuple, list[tuple[str, int]]] = {}
    for n, group, label, value, count, _place in sorted(_per_item(target, grouped, parts),
                                                        key=lambda r: (r[0], r[1], r[2], r[5])):
        found.setdefault((n, group, label), []).append((value, count))
    return found


def _is_true(flag: exp.Expr) -> exp.Expr:
    return exp.EQ(this=_as_int(flag), expression=exp.Literal.number(1))


def _as_int(flag: exp.Expr) -> exp.Expr:
    return exp.cast(flag, "INT")


def _number(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


def _per_item(target: Target, grouped: exp.Select, parts: list[exp.Select]) -> list[tuple]:
    """The rows of one query per item (each reading GROUPED), run as one: UNION ALL over the grouped rows."""
    union: exp.Select | exp.Union = parts[0]
    for part in parts[1:]:
        union = exp.union(union, part, distinct=False)
    return target.fetch(exp.select("*").from_(union.subquery("u")).with_(GROUPED, as_=grouped)).rows
