"""LANGUAGE.md's rule 14 (traits) as cases computed by hand, on every engine and the oracle.

As of D = 2026-06-30:
customer 1: orders 06-25 (80, books), 06-01 (20, toys)      spend 100, 2 orders, latest category books
customer 2: order 06-20 (10, toys)                          spend 10, 1 order
customer 3: an order after D (07-01, 500)                   spend 0, 0 orders (rule 1: it does not exist yet)
customer 4: nothing                                         spend 0, 0 orders, no category
customer 5: orders 06-29 (300, games), 03-01 (100, books)   spend 400, 2 orders
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from engines import Table, oracle
from engines.members import assert_members
from engines.values import comparable

from segdsl.compile import compiler
from segdsl.errors import SegdslError

D = date(2026, 6, 30)
TABLES = [
    Table("c", (("id", "integer"), ("city", "text")),
          ((1, "Oslo"), (2, None), (3, "Rome"), (4, "Oslo"), (5, "Nice"))),
    Table("o", (("id", "integer"), ("at", "timestamp"), ("amount", "decimal"), ("category", "text")),
          ((1, datetime(2026, 6, 25, 10), Decimal(80), "books"), (1, datetime(2026, 6, 1, 9), Decimal(20), "toys"),
           (2, datetime(2026, 6, 20, 9), Decimal(10), "toys"), (3, datetime(2026, 7, 1, 0), Decimal(500), "books"),
           (5, datetime(2026, 6, 29, 23), Decimal(300), "games"),
           (5, datetime(2026, 3, 1, 12), Decimal(100), "books"))),
]
PROGRAM = """customers from c key id
events o from o by id at at
trait spend "Lifetime spend" = sum(o.amount)
trait orders = count(o)
trait per_order = spend / orders
trait latest_category = last(o.category)
trait home = city
trait doubled = spend * 2 + orders
segment big: spend > 50
segment average_over_60: per_order > 60
segment books_last: latest_category = "books"
segment top_spender: spend in top 20%
segment top_band: quintile(doubled) = 5
segment oslo_buyers: home = "Oslo" and orders >= 1
segment not_big: not (spend > 50)
"""
MEMBERS = {"big": {1, 5}, "average_over_60": {5}, "books_last": {1}, "top_spender": {5}, "top_band": {5},
           "oslo_buyers": {1}, "not_big": {2, 3, 4}}
# spend, orders, per_order (missing where orders = 0: division by 0), latest_category, home, doubled
TRAITS = {1: (100, 2, 50, "books", "Oslo", 202), 2: (10, 1, 10, "toys", None, 21), 3: (0, 0, None, None, "Rome", 0),
          4: (0, 0, None, None, "Oslo", 0), 5: (400, 2, 200, "games", "Nice", 802)}


def test_traits_in_conditions_and_as_columns_on_the_engine(engine):
    program = compiler.load_text(PROGRAM)
    whole = assert_members(engine, program, TABLES, MEMBERS, D)
    first_trait = 1 + len(program.segments)
    got = {row[0]: tuple(map(comparable, row[first_trait:])) for row in whole}
    expected = {key: tuple(map(comparable, values)) for key, values in TRAITS.items()}
    assert got == expected
    wide = oracle.wide(program, {t.name: t.records() for t in TABLES}, D)
    assert {key: tuple(map(comparable, row[len(program.segments):])) for key, row in wide.items()} == expected


def test_a_segment_exports_its_members_traits_on_the_engine(engine):
    program = compiler.load_text(PROGRAM)
    items = {"spend": (program.traits["spend"].value, "number"),
             "latest_category": (program.traits["latest_category"].value, "string")}
    engine.load(TABLES)
    rows = engine.query(compiler.to_sql(program, engine.dialect, "big", D, items=items))
    assert sorted((row[0], comparable(row[1]), row[2]) for row in rows) == [(1, comparable(100), "books"),
                                                                             (5, comparable(400), "games")]


@pytest.mark.parametrize(("source", "message", "hint"), [
    ("trait a = b + 1\ntrait b = a * 2\nsegment s: a > 1", "'a' refers to itself: a -> b -> a",
     "a trait cannot depend on itself"),
    ("trait a = count(o)\nsegment a: a > 1", "'a' is declared twice", None),
    ("trait a = count(o)\nsegment s: a", "'a' is a trait, a value: compare it", "e.g. a > 0"),
    ("trait a = count(o) > 1", "unexpected '>'", None),  # a trait is a value, not a condition
    ("trait id = count(o)", "trait 'id' has the name of the entity key", None),
    ("trait segdsl_x = count(o)", "starts with 'segdsl_'", None),
    ("segmentation g:\n    x when t = \"y\"\n    else y\ntrait t = g", "'g' refers to itself: g -> t -> g",
     "a segmentation cannot depend on itself"),
])
def test_trait_errors_are_positioned(source, message, hint):
    with pytest.raises(SegdslError) as raised:
        compiler.load_text("customers from c key id\nevents o from o by id at at\n" + source)
    found = [d for d in raised.value.diagnostics if message in d.message]
    assert found, [d.message for d in raised.value.diagnostics]
    assert found[0].span is not None
    if hint is not None:
        assert found[0].hint == hint
