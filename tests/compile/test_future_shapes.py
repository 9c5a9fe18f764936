"""The shapes of rules 11 and 12 in SQL (no timings; bench/ measures the speed): active_days/weeks/months are
distinct counts in the event table's one features scan, sessions one pass in time order without a self-join,
and no dialect needs an emulation sqlglot warns about."""

from __future__ import annotations

import logging
from datetime import date

import pytest
import sqlglot
from sqlglot import exp

import segdsl

HEAD = """customers from shop.customers key cid
events orders from shop.orders by cid at ordered_at
events tickets from support.tickets by cid at opened date
"""
FORMS = """segment regular:
    active_days(orders) + active_weeks(orders in last 4 weeks) + active_months(orders where amount > 3) > 2
    and count(orders) > 1
segment binge:
    sessions(orders in last 7 days, 30 minutes) >= 3 and sessions(tickets, 1 day) > 1
segment future:
    renews in next 30 days and anniversary(born) in next 7 days and years_since(born) >= 18
"""


def _orders_scans(tree: exp.Expression) -> list[exp.Table]:
    return [t for t in tree.find_all(exp.Table) if t.name == "orders"]


@pytest.mark.parametrize("dialect", segdsl.DIALECTS)
def test_active_periods_are_distinct_counts_in_the_one_features_scan(dialect):
    program = segdsl.load_text(HEAD + FORMS)
    tree = sqlglot.parse_one(segdsl.to_sql(program, dialect, "regular"), dialect=dialect)
    assert len(_orders_scans(tree)) == 1, "count(orders) and the three active_* share one scan"
    distinct = [c for c in tree.find_all(exp.Count) if isinstance(c.this, exp.Distinct)]
    assert len(distinct) == 3
    assert not list(tree.find_all(exp.Window))


@pytest.mark.parametrize("dialect", segdsl.DIALECTS)
def test_sessions_read_the_events_once_in_time_order_without_a_self_join(dialect):
    program = segdsl.load_text(HEAD + FORMS)
    tree = sqlglot.parse_one(segdsl.to_sql(program, dialect, "binge"), dialect=dialect)
    ctes = {c.alias_or_name: c.this for c in tree.find_all(exp.CTE)}
    for name in ("orders_sessions", "tickets_sessions"):
        query = ctes[name]
        assert len(list(query.find_all(exp.Table))) == 1
        assert not list(query.find_all(exp.Join)), "a self-join costs k^2 for a customer with k events"
        assert [w for w in query.find_all(exp.Window) if isinstance(w.this, exp.Lag)]


def test_the_same_sessions_twice_are_computed_once():
    program = segdsl.load_text(HEAD + "segment a:\n    sessions(orders, 30 minutes) > 1\n"
                               "segment b:\n    sessions(orders, 30 minutes) > 2 or sessions(orders, 1 hour) > 1\n")
    tree = sqlglot.parse_one(segdsl.to_sql(program, "duckdb"), dialect="duckdb")
    assert sorted(c.alias_or_name for c in tree.find_all(exp.CTE) if "sessions" in c.alias_or_name) == [
        "orders_sessions", "orders_sessions_2"]


def test_no_dialect_needs_an_unsupported_emulation(caplog):
    program = segdsl.load_text(HEAD + FORMS)
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        for dialect in segdsl.DIALECTS:
            segdsl.to_sql(program, dialect)
            segdsl.to_sql(program, dialect, None, date(2024, 2, 29))
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("sqlglot")]
