"""Which per-customer CTEs a segment's statement INNER JOINs (required.py): exactly those without a row in
which the condition is false. That the members stay the same is the oracle's check on every engine
(tests/engines: every generated segment); here, that the join is chosen where it may be and only there."""

from __future__ import annotations

from datetime import date

import pytest
import sqlglot
from sqlglot import exp

from segdsl.compile import compiler
from segdsl.compile.plan import plan_segment
from segdsl.compile.required import inner_joins

HEAD = """customers from shop.customers key cid
events orders from shop.orders by cid at ordered_at
events tickets from support.tickets by cid at opened date
param few = 3
"""

CASES = [
    ("has orders", {"orders"}),
    ("no orders", set()),
    ("not has orders", set()),
    ("not no orders", {"orders"}),
    ("count(orders) >= 3", {"orders"}),
    ("count(orders) < 3", set()),
    ("count(orders) = 0", set()),
    ("count(orders) != 0", {"orders"}),
    ("3 <= count(orders)", {"orders"}),
    ("count(orders) >= few", {"orders"}),  # a parameter's value is known (for dbt's markers: below)
    ("not (count(orders) < 3)", {"orders"}),
    ("sum(orders.amount) > 0", {"orders"}),
    ("sum(orders.amount) >= 0", set()),
    ("avg(orders.amount) > 5", {"orders"}),
    ("not (avg(orders.amount) > 5)", set()),
    ("max(orders.amount) is not null", {"orders"}),
    ("max(orders.amount) is null", set()),
    ("avg(orders.amount) between 1 and 5", {"orders"}),
    ("last(orders.ordered_at) in last 30 days", {"orders"}),
    ("days_since_last(orders) > 30", {"orders"}),
    ("not (days_since_last(orders) > 30)", set()),
    ("has orders and age > 3", {"orders"}),
    ("has orders or age > 3", set()),
    ("has orders or has tickets", set()),
    ("has orders and has tickets", {"orders", "tickets"}),
    ("has orders in last 30 days or count(orders) > 5", {"orders"}),
    ("not (no orders or no tickets)", {"orders", "tickets"}),
    ("count(orders) - count(tickets) > 1", set()),  # arithmetic: not read
    ("orders then tickets within 7 days", {"sequence"}),
    ("not (orders then tickets within 7 days)", set()),
    ("has orders and sum(orders.amount) in top 10%", set()),  # ranks every customer
    # counting conditions: where one operand at least must hold, what every operand needs (as `or`)
    ("at least 1 of (has orders, count(orders) > 5)", {"orders"}),
    ("at least 2 of (has orders, has tickets, count(orders) > 5)", set()),
    ("exactly 1 of (has orders in last 30 days, count(orders) > 5)", {"orders"}),
    ("exactly 0 of (has orders, has tickets)", set()),
    ("at most 1 of (has orders, count(orders) > 5)", set()),
    ("not at most 1 of (has orders, count(orders) > 5, avg(orders.amount) > 3)", {"orders"}),
    ("not at least 1 of (has orders, count(orders) > 5)", set()),
    ("not exactly 0 of (has orders, count(orders) > 5)", {"orders"}),
    ("not exactly 1 of (has orders, count(orders) > 5)", set()),
    # rule 14: missing without a known value, in CTEs of their own
    ("median(orders.amount) > 5", {"orders_median_amount"}),
    ("not (median(orders.amount) > 5)", set()),
    ('most_frequent(orders.category) = "pet"', {"orders_most_frequent_category"}),
    ("most_frequent(orders.category) is null", set()),
]


@pytest.mark.parametrize("condition, expected", CASES, ids=[c for c, _ in CASES])
def test_a_segment_inner_joins_exactly_the_ctes_its_members_need(condition, expected):
    program = compiler.load_text(HEAD + f"segment s:\n    {condition}\n")
    plan = plan_segment(program, "s", "duckdb")
    named = {"sequence" if cte.startswith("orders_then") else cte.removesuffix("_features")
             for cte in inner_joins(plan)}
    assert named == expected
    tree = sqlglot.parse_one(compiler.to_sql(program, "duckdb", "s", date(2026, 6, 30)), read="duckdb")
    base = next(cte.this for cte in tree.find_all(exp.CTE) if cte.alias == "base")
    inner = {join.this.name for join in base.args.get("joins", []) if not join.side}
    assert inner == set(inner_joins(plan))


def test_a_parameter_dbt_sets_at_run_time_is_never_assumed():
    program = compiler.load_text(HEAD + "segment s:\n    count(orders) >= few\n", mark_params=True)
    assert not inner_joins(plan_segment(program, "s", "duckdb"))


def test_the_whole_file_and_a_segmentation_left_join_every_customer():
    program = compiler.load_text(HEAD + "segment s:\n    has orders\nsegmentation g:\n    a when has orders\n"
                                        "    else b\n")
    for name in (None, "g"):
        sql = compiler.to_sql(program, "duckdb", name, date(2026, 6, 30))
        assert "LEFT JOIN orders_features" in sql and "\n  JOIN" not in sql
