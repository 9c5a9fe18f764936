"""Proposed SQL shapes for the compiler, measured as edits of the compiled SQL.

Each proposal rewrites the compiled statement's sqlglot tree the way the
compiler (segdsl/compile/emit.py) could build it, and the benchmark times the result
against the unmodified statement and checks that the members are the same.
A proposal whose pattern is missing from the compiled SQL (because the
compiler changed) is reported as not applicable rather than measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlglot
from sqlglot import exp

from .data import AS_OF


class NotApplicable(Exception):
    """The compiled SQL no longer has the shape a proposal rewrites."""


@dataclass(frozen=True)
class Proposal:
    name: str
    description: str
    segment: str | None   # None: the whole-file query
    rewrite: Callable[[exp.Expression], exp.Expression]

    def sql(self, compiled: str) -> str:
        return self.rewrite(sqlglot.parse_one(compiled, dialect="duckdb")).sql(dialect="duckdb", pretty=True)


def _ctes(tree: exp.Expression, suffix: str) -> list[exp.CTE]:
    found = [cte for cte in tree.find_all(exp.CTE) if cte.alias_or_name.endswith(suffix)]
    if not found:
        raise NotApplicable(f"no CTE named *{suffix}")
    return found


def window_in_scan(tree: exp.Expression) -> exp.Expression:
    """Features CTEs whose aggregates all carry the same condition: filter the scan instead.

    COUNT(CASE WHEN c THEN 1 END) ... WHERE cut   becomes   COUNT(*) ... WHERE c AND cut,
    so the engine skips the row groups outside the window (zone maps) and
    aggregates only the rows in it. Customers with no such row get 0 from
    the LEFT JOIN's COALESCE, as before.
    """
    changed = False
    for cte in _ctes(tree, "_features"):
        select = cte.this
        aggregates = [e for e in select.expressions if isinstance(e.unalias(), exp.AggFunc)]
        conditions = []
        for aggregate in aggregates:
            case = aggregate.unalias().this
            if not (isinstance(case, exp.Case) and len(case.args["ifs"]) == 1 and not case.args.get("default")):
                break
            conditions.append(case.args["ifs"][0].this)
        if not aggregates or len(conditions) != len(aggregates) or len({c.sql() for c in conditions}) != 1:
            continue
        for aggregate in aggregates:
            function = aggregate.unalias()
            value = function.this.args["ifs"][0].args["true"]
            function.set("this", exp.Star() if isinstance(function, exp.Count) else value)
        select.where(conditions[0].copy(), copy=False)
        changed = True
    if not changed:
        raise NotApplicable("no features CTE with one shared condition")
    return tree


_LEAD_SEQUENCE = """
SELECT seq_key, 1 AS hit FROM (
    SELECT customer_id AS seq_key, ordered_at AS seq_time,
           LEAD(ordered_at) OVER (PARTITION BY customer_id ORDER BY ordered_at) AS next_time
    FROM shop.orders WHERE ordered_at < {end}
) AS s
WHERE next_time <= seq_time + INTERVAL 7 DAY
GROUP BY seq_key
"""

# The general form for `A then B within N days`: one pass over the rows of A and B
# (for two tables: UNION ALL of both, tagged), each B row compared with the latest
# A row before it. At equal times A rows sort first, so an A row at the same time
# as B counts; a row that is both A and B never meets itself (ROWS ... 1 PRECEDING).
_WINDOW_SEQUENCE = """
SELECT seq_key, 1 AS hit FROM (
    SELECT seq_key, seq_time, is_b,
           MAX(CASE WHEN is_a THEN seq_time END) OVER (
               PARTITION BY seq_key ORDER BY seq_time, is_a DESC, is_b
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_a
    FROM (
        SELECT customer_id AS seq_key, ordered_at AS seq_time, TRUE AS is_a, TRUE AS is_b
        FROM shop.orders WHERE ordered_at < {end}
    ) AS e
) AS s
WHERE is_b AND seq_time <= last_a + INTERVAL 7 DAY
GROUP BY seq_key
"""


# A sort-free exact form of `A then A within N days` (timestamps): each row's day, counted back
# from the as-of day D (never negative, so integer division floors on every engine), falls in a
# bucket of N days. Two rows of one bucket are less than N days apart; rows two or more buckets
# apart are more than N days apart; so a close pair exists iff some bucket holds two rows, or the
# earliest row of a bucket is within N days of the latest row of the bucket before it. One hash
# aggregate per (customer, bucket) and a join of neighbouring buckets instead of a sort.
_BUCKET_SEQUENCE = """
WITH buckets AS (
    SELECT customer_id AS seq_key,
           DATE_DIFF('DAY', CAST(ordered_at AS DATE), DATE '{as_of}') // 7 AS seq_bucket,
           COUNT(*) AS seq_rows, MIN(ordered_at) AS seq_first, MAX(ordered_at) AS seq_last
    FROM shop.orders WHERE ordered_at < {end}
    GROUP BY customer_id, seq_bucket
)
SELECT later.seq_key, 1 AS hit
FROM buckets AS later LEFT JOIN buckets AS earlier
    ON earlier.seq_key = later.seq_key AND earlier.seq_bucket = later.seq_bucket + 1
WHERE later.seq_rows >= 2 OR later.seq_first <= earlier.seq_last + INTERVAL 7 DAY
GROUP BY later.seq_key
"""

def _replace_sequence(body: str) -> Callable[[exp.Expression], exp.Expression]:
    def rewrite(tree: exp.Expression) -> exp.Expression:
        for cte in _ctes(tree, "orders_then_orders"):
            end = f"TIMESTAMP '{AS_OF + timedelta(days=1)} 00:00:00'"
            cte.set("this", sqlglot.parse_one(body.format(end=end, as_of=AS_OF), dialect="duckdb"))
        return tree
    return rewrite


PROPOSALS: list[Proposal] = [
    Proposal("window_in_scan/active_30", "window in the scan's WHERE, not in a CASE", "active_30", window_in_scan),
    Proposal("window_in_scan/frequent", "window in the scan's WHERE, not in a CASE", "frequent", window_in_scan),
    Proposal("window_in_scan/flower_fans", "window and filter in the scan's WHERE", "flower_fans", window_in_scan),
    Proposal("sequence_lead/quick_repeat", "LEAD() instead of the self-join (one table, no filter)",
             "quick_repeat", _replace_sequence(_LEAD_SEQUENCE)),
    Proposal("sequence_window/quick_repeat", "general window form (latest A before each B) instead of the self-join",
             "quick_repeat", _replace_sequence(_WINDOW_SEQUENCE)),
    Proposal("sequence_lead/whole_file", "whole file with the LEAD() sequence", None,
             _replace_sequence(_LEAD_SEQUENCE)),
    Proposal("sequence_window/whole_file", "whole file with the window-form sequence", None,
             _replace_sequence(_WINDOW_SEQUENCE)),
    Proposal("sequence_buckets/quick_repeat",
             "sort-free: buckets of 7 days, neighbouring buckets joined, instead of LAG",
             "quick_repeat", _replace_sequence(_BUCKET_SEQUENCE)),
    Proposal("sequence_buckets/whole_file", "whole file with the sort-free bucket sequence", None,
             _replace_sequence(_BUCKET_SEQUENCE)),
]
