"""The plan: what the SQL computes, decided before any SQL exists (segdsl/compile/plan.py).

Shapes that performance depends on are asserted here, on the plan: one scan
per event table, aggregates shared between conditions, the form of each
sequence, a threshold or a rank per top/bottom P%, one rank per ranked value.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import segdsl
from segdsl.compile import compiler, plan
from segdsl.compile.compiler import plan as plan_of
from segdsl.lang import model as m

HEAD = """customers from shop.customers key cid
events orders from shop.orders by cid at ordered_at
events gifts from shop.orders by cid at ordered_at where gift
events deliveries from shop.orders by cid at delivered date
events tickets from support.tickets by cid at opened date
param share = 10
"""


def planned(body: str, dialect: str = "postgres", segment: str | None = None, placeholders: bool = False) -> plan.Plan:
    program = segdsl.load_text(HEAD + body, mark_params=placeholders)
    return plan_of(program, dialect, segment, placeholders)


def test_one_scan_per_event_table_and_time_column_with_shared_aggregates():
    p = planned("segment a:\n    count(orders) > 2 and first(orders.ordered_at) in last 30 days\n"
                "segment b:\n    has gifts and min(orders.ordered_at) < 2024-01-01\n"
                "segment c:\n    count(deliveries in last 7 days) = 0 and no tickets\n")
    assert [(s.cte, [e.name for e in s.events]) for s in p.features] == [
        ("orders_features", ["orders", "gifts"]), ("orders_features_2", ["deliveries"]),
        ("tickets_features", ["tickets"])]
    orders = p.features[0]
    assert orders.shared  # orders and gifts filter the same rows differently
    assert [(a.name, a.func, a.column) for a in orders.aggregates] == [
        ("orders_count", "count", None), ("orders_min_ordered_at", "min", "ordered_at"),
        ("gifts_count", "count", None)]  # first(...) and min(...) of the time column are one aggregate
    assert [a.zero_when_missing for a in orders.aggregates] == [True, False, True]
    assert [o.name for o in p.outputs] == ["a", "b", "c"] and all(o.is_condition for o in p.outputs)


@pytest.mark.parametrize("condition, form", [
    ("orders where amount > 10 then no orders within 3 days", "next_event"),
    ("gifts then orders within 7 days", "next_event"),
    ("orders in last 30 days then tickets within 2 weeks", "next_event"),
    ("tickets then no orders within 1 day", "next_event"),
    ("orders then orders within 7 days", "repeat"),
    ("orders then deliveries within 3 days", "pair_join"),  # one table, two time columns: rows paired
])
def test_each_sequence_gets_the_form_that_reads_customers_in_time_order(condition, form):
    (scan,) = planned(f"segment s:\n    {condition}\n").extras
    assert isinstance(scan, plan.SequenceScan) and scan.form == form


def test_top_share_on_duckdb_compares_with_the_kth_best_and_ranks_nothing():
    p = planned("segment s:\n    sum(orders.amount) in top 10%\n"
                "segment t:\n    not (sum(orders.amount) in top 10%) and sum(orders.amount) in bottom 5%\n",
                dialect="duckdb")
    assert p.ranks == ()
    assert [(t.column, str(t.share), t.descending) for t in p.thresholds] == [
        ("threshold_1", "0.10", True), ("threshold_2", "0.05", False)]
    assert isinstance(p.outputs[0].expr, plan.AtLeastKthBest)


@pytest.mark.parametrize("dialect", [d for d in segdsl.DIALECTS if d != "duckdb"])
def test_other_dialects_rank_each_value_once(dialect):
    p = planned("segment s:\n    sum(orders.amount) in top 10%\n"
                "segment t:\n    sum(orders.amount) in top 33.3% and not (sum(orders.amount) in top 1%)\n",
                dialect=dialect)
    assert p.thresholds == () and len(p.ranks) == 1
    (rank,) = p.ranks
    assert (rank.rank, rank.count, rank.descending, rank.constant) == ("rank_1_rank", "rank_1_n", True, False)
    s = p.outputs[0].expr
    assert (isinstance(s, plan.WithinShare) and s.rank is rank and s.percent == 10
            and p.outputs[1].expr.operands[0].percent == Fraction(333, 10))


def test_a_tile_ranks_ascending_beside_a_descending_top_share():
    p = planned("segment s:\n    sum(orders.amount) in top 10% and quintile(sum(orders.amount)) = 5\n",
                dialect="duckdb")
    assert len(p.thresholds) == 1 and [r.descending for r in p.ranks] == [False]


def test_a_constant_ranks_without_a_sort():
    (rank,) = planned("segment s:\n    quintile(3) = 1\n").ranks
    assert rank.constant


def test_dbt_ranks_a_share_given_by_a_parameter_since_it_is_set_when_dbt_runs():
    p = planned("segment s:\n    sum(orders.amount) in top share%\n", dialect="duckdb", placeholders=True)
    assert p.thresholds == () and isinstance(p.outputs[0].expr, plan.WithinShare)
    assert p.outputs[0].expr.param == "share"
    assert isinstance(planned("segment s:\n    sum(orders.amount) in top share%\n", dialect="duckdb").outputs[0].expr,
                      plan.AtLeastKthBest)


def test_segment_references_are_inlined_and_first_last_values_get_a_cte():
    p = planned("segment a:\n    last(orders.category) = \"pet\"\nsegment b:\n    a or age > 3\n", segment="b")
    assert p.outputs == () and isinstance(p.where, m.Or)
    (edge,) = p.extras
    assert isinstance(edge, plan.EdgeValue) and (edge.cte, edge.last, edge.value) == (
        "orders_last_category", True, "orders_last_category_value")
    assert p.attributes == ("age",) and p.comment == "segment b"


def test_a_segmentation_plans_one_label_column():
    p = planned("segmentation tier \"by spend\":\n    high when sum(orders.amount) > 100\n    else low\n",
                segment="tier")
    (label,) = p.outputs
    assert label.name == "label" and not label.is_condition and isinstance(label.expr, plan.Labels)
    assert [name for name, _ in label.expr.rules] == ["high"] and label.expr.otherwise == "low"
    assert p.comment == "segmentation tier: by spend"


def test_a_scan_reads_only_the_rows_its_aggregates_read_each_set_of_rows_once():
    p = planned("segment a: count(orders in last 4 weeks) > 1 and sum(orders.amount in last 28 days) > 9\n"
                "segment b: max(orders.amount where amount > 5 in last 28 days) > 9\n")
    (scan,) = p.features
    assert [a.name for a in scan.pushed_down] == ["orders_count_last_4_week", "orders_max_amount_last_28_day_where"]
    assert scan.declared_filters == ()


def test_an_aggregate_over_every_row_leaves_the_scan_unbounded():
    (shared,) = planned("segment a: count(orders in last 7 days) > 1 and count(gifts) > 0\n").features
    assert shared.shared and [a.name for a in shared.pushed_down] == ["orders_count_last_7_day", "gifts_count"]
    assert shared.declared_filters == ()  # orders reads every row
    (every,) = planned("segment a: count(orders in last 7 days) > 1 and count(orders) > 0\n").features
    assert every.pushed_down == () and every.declared_filters == ()


def test_a_window_that_bounds_no_row_before_the_cut_leaves_the_scan_unbounded():
    # `before last 0 days` is every day up to the as-of day: every row the scan reads (differential seed 2731365342)
    (scan,) = planned("segment a: count(distinct orders.oid before last 0 day) + count(orders in last 0 day) > 0\n"
                      ).features
    assert scan.pushed_down == ()


def test_a_description_shows_the_values_of_the_parameters_it_names():
    """`lapse` in a description is the value used (the default or --param's) in the SQL comment; a name
    that is no parameter stays as written; dbt's models keep the name (the value is set when dbt runs)."""
    text = ('param lapse = 90\nparam region = "EU"\nparam floor = 2.50\nparam start = 2024-01-31\n'
            "customers from c key id\nevents o from o by id at t\n"
            'segment s "No order in `lapse` days, `region`, over `floor` since `start`, `other`":\n'
            "    no o in last lapse days\n")
    comment = "No order in {} days, EU, over 2.50 since 2024-01-31, `other`"
    assert f"/* segment s: {comment.format(90)} */" in compiler.compile_text(text, segment="s")
    changed = compiler.load_text(text, params={"lapse": "60"})
    assert f"/* segment s: {comment.format(60)} */" in compiler.to_sql(changed, "duckdb", "s")
    dbt_tree = compiler.to_tree(compiler.load_text(text, mark_params=True), "duckdb", "s", placeholders=True)
    assert "No order in `lapse` days" in dbt_tree.sql("duckdb", comments=True)
