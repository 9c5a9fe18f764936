"""What the emitter makes of the shapes the plan chose (tests/compile/test_plan.py), as SQL (no timings).

bench/ measures the speed; these tests keep the shapes it measured from
slipping back: sequences in time order without a self-join, a ranking with
one sort, no sqlglot emulation warnings for any dialect, and the compiler
leaving Python's garbage collector as it found it.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest
import sqlglot
from refusals import sql_or_refused
from sqlglot import exp

import segdsl
from segdsl import SegdslError

ROOT = Path(__file__).resolve().parents[2]
HEAD = """customers from shop.customers key cid
events orders from shop.orders by cid at ordered_at
events gifts from shop.orders by cid at ordered_at where gift
events deliveries from shop.orders by cid at delivered date
events tickets from support.tickets by cid at opened date
"""
SEQUENCES = {
    "one_table": "orders where amount > 10 then no orders within 3 days",
    "declared_filters": "gifts then orders within 7 days",
    "two_tables": "orders in last 30 days then tickets within 2 weeks",
    "two_tables_no": "tickets then no orders within 1 day",
}


def _sequence_cte(sql: str, dialect: str) -> exp.Expression:
    tree = sqlglot.parse_one(sql, dialect=dialect)
    return next(c.this for c in tree.find_all(exp.CTE) if "_then_" in c.alias_or_name)


@pytest.mark.parametrize("dialect", segdsl.DIALECTS)
@pytest.mark.parametrize("case", SEQUENCES, ids=list(SEQUENCES))
def test_sequences_read_each_customer_in_time_order_without_a_self_join(case, dialect):
    program = segdsl.load_text(HEAD + f"segment s:\n    {SEQUENCES[case]}\n")
    sql = segdsl.to_sql(program, dialect, "s")
    query = _sequence_cte(sql, dialect)
    assert not list(query.find_all(exp.Join)), "a self-join costs k^2 for a customer with k events"
    assert [w for w in query.find_all(exp.Window) if w.args.get("spec") is not None]


def test_same_table_sequence_over_different_time_columns_still_pairs_rows():
    # a row may be in A at one time and in B at another: rows are paired (and told apart) by a join
    program = segdsl.load_text(HEAD + "segment s:\n    orders then deliveries within 3 days\n")
    query = _sequence_cte(segdsl.to_sql(program, "duckdb", "s"), "duckdb")
    assert list(query.find_all(exp.Join))


@pytest.mark.parametrize("dialect", [d for d in segdsl.DIALECTS if d != "duckdb"])
def test_ranking_sorts_once(dialect):
    program = segdsl.load_text(HEAD + "segment s:\n    sum(orders.amount) in top 10%\n")
    tree = sqlglot.parse_one(segdsl.to_sql(program, dialect, "s"), dialect=dialect)
    ranks = [w for w in tree.find_all(exp.Window) if isinstance(w.this, exp.Rank)]
    assert len(ranks) == 1 and not ranks[0].args.get("partition_by")


def test_top_share_on_duckdb_is_one_selection_not_a_sort():
    # the k-th best value by DuckDB's discrete quantile (a selection), shared by every test of the same
    # value and share, and no window at all; a tile of the same value still ranks
    program = segdsl.load_text(HEAD + "segment s:\n    sum(orders.amount) in top 10%\n"
                               "segment t:\n"
                               "    not (sum(orders.amount) in top 10%) and sum(orders.amount) in bottom 5%\n")
    tree = sqlglot.parse_one(segdsl.to_sql(program, "duckdb"), dialect="duckdb")
    assert not list(tree.find_all(exp.Window))
    quantiles = [q.sql("duckdb") for q in tree.find_all(exp.PercentileDisc)]
    assert quantiles == ["QUANTILE_DISC(orders_sum_amount, 0.10 ORDER BY orders_sum_amount DESC)",
                         "QUANTILE_DISC(orders_sum_amount, 0.05 ORDER BY orders_sum_amount ASC)"]
    tiled = segdsl.load_text(HEAD + "segment s:\n"
                             "    sum(orders.amount) in top 10% and quintile(sum(orders.amount)) = 5\n")
    tree = sqlglot.parse_one(segdsl.to_sql(tiled, "duckdb", "s"), dialect="duckdb")
    assert len([w for w in tree.find_all(exp.Window) if isinstance(w.this, exp.Rank)]) == 1


def test_no_dialect_needs_an_unsupported_emulation(caplog):
    files = sorted((ROOT / "examples").glob("*.seg")) + [ROOT / "bench" / "segments.seg"]
    programs = [segdsl.load_file(f) for f in files]
    programs.append(segdsl.load_text(HEAD + "".join(f"segment {name}:\n    {text}\n"
                                                    for name, text in SEQUENCES.items())))
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        for program in programs:
            for dialect in segdsl.DIALECTS:
                sql_or_refused(program, dialect, None, None)
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("sqlglot")]


def test_compiling_leaves_the_garbage_collector_as_it_was():
    assert gc.isenabled()
    segdsl.compile_text(HEAD + "segment s:\n    has orders\n")
    assert gc.isenabled()
    with pytest.raises(SegdslError):
        segdsl.compile_text(HEAD + "segment s:\n    has nothing\n")
    assert gc.isenabled()
    gc.disable()
    try:
        segdsl.compile_text(HEAD + "segment s:\n    has orders\n")
        assert not gc.isenabled()
    finally:
        gc.enable()
