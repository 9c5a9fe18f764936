"""LANGUAGE.md's rule 16 (lookups) as cases computed by hand, on every engine and the oracle.

Lookups: brands b (1 Acme, 2 Bolt, 3 with no name); products p by a text key, each with a brand
(B1 books/Acme, B2 books/Bolt, T1 toys/Acme, G1 games/no brand, b1 toys/Bolt: a key that differs
from B1 only in case); regions rg (10 north, 20 south).

As of D = 2026-06-30:
customer 1 (north): orders 06-01 T1 (20), 06-10 B2 (5), 06-25 B1 (80)
customer 2 (south): order 06-20 b1 (10)                    its product is toys by Bolt, not B1's books
customer 3 (no region): orders 06-21 with no product (30), 06-22 X9 (40, no such product)
customer 4 (region 99, no such region): nothing
customer 5 (north): orders 03-01 B1 (100), 06-29 G1 (300), and 07-01 B2 after D (rule 1: not there)
"""

from __future__ import annotations

import re
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
    Table("b", (("brand_id", "integer"), ("name", "text")), ((1, "Acme"), (2, "Bolt"), (3, None))),
    Table("p", (("product_id", "text"), ("category", "text"), ("brand_id", "integer"), ("is_book", "boolean")),
          (("B1", "books", 1, True), ("B2", "books", 2, True), ("T1", "toys", 1, False),
           ("G1", "games", None, False), ("b1", "toys", 2, False))),
    Table("rg", (("region_id", "integer"), ("name", "text")), ((10, "north"), (20, "south"))),
    Table("c", (("id", "integer"), ("region", "integer")), ((1, 10), (2, 20), (3, None), (4, 99), (5, 10))),
    Table("o", (("id", "integer"), ("at", "timestamp"), ("amount", "decimal"), ("pid", "text")),
          ((1, datetime(2026, 6, 1, 9), Decimal(20), "T1"), (1, datetime(2026, 6, 10, 9), Decimal(5), "B2"),
           (1, datetime(2026, 6, 25, 10), Decimal(80), "B1"), (2, datetime(2026, 6, 20, 9), Decimal(10), "b1"),
           (3, datetime(2026, 6, 21, 9), Decimal(30), None), (3, datetime(2026, 6, 22, 9), Decimal(40), "X9"),
           (5, datetime(2026, 3, 1, 12), Decimal(100), "B1"), (5, datetime(2026, 6, 29, 23), Decimal(300), "G1"),
           (5, datetime(2026, 7, 1, 0), Decimal(50), "B2"))),
]
DECLARATIONS = """lookup brands from b key brand_id
lookup products from p key product_id with brands on brand_id
lookup regions from rg key region_id
customers from c key id with regions on region
events o from o by id at at with products on pid
"""
PROGRAM = DECLARATIONS + """
trait favourite = most_frequent(o.products.category)
trait last_brand = last(o.products.brands.name)
trait region_name = regions.name
trait book_spend = sum(o.amount where products.category = "books")
segment book_buyers: count(o where products.category = "books") >= 2
segment any_book: has o where products.is_book
segment two_brands: count(distinct o.products.brands.name) >= 2
segment no_category: has o where products.category is null
segment north: regions.name = "north"
segment not_north: not (regions.name = "north")
segment no_region: regions.name is null
segment top_book: book_spend in top 20%
segment same_category_again: o then o within 30 days matching products.category
segment toy_then_book: o where products.category = "toys" then o where products.category = "books" within 30 days
"""
MEMBERS = {"book_buyers": {1}, "any_book": {1, 5}, "two_brands": {1}, "no_category": {3}, "north": {1, 5},
           "not_north": {2, 3, 4}, "no_region": {3, 4}, "top_book": {5}, "same_category_again": {1},
           "toy_then_book": {1}}
# favourite (a tie of books and games for 5: the smallest), last_brand, region_name, book_spend
TRAITS = {1: ("books", "Acme", "north", 85), 2: ("toys", "Bolt", "south", 0), 3: (None, None, None, 0),
          4: (None, None, None, 0), 5: ("books", None, "north", 100)}


def test_lookups_on_the_engine(engine):
    program = compiler.load_text(PROGRAM)
    whole = assert_members(engine, program, TABLES, MEMBERS, D)
    first_trait = 1 + len(program.segments)
    got = {row[0]: tuple(map(comparable, row[first_trait:])) for row in whole}
    expected = {key: tuple(map(comparable, values)) for key, values in TRAITS.items()}
    assert got == expected
    wide = oracle.wide(program, {t.name: t.records() for t in TABLES}, D)
    assert {key: tuple(map(comparable, row[len(program.segments):])) for key, row in wide.items()} == expected


def test_a_scan_joins_each_lookup_once_whatever_reads_it():
    """Three conditions and two aggregates over products in one scan: one join of p (and of b) there."""
    sql = compiler.to_sql(compiler.load_text(DECLARATIONS + """
segment s: count(o where products.category = "books") > 1 and sum(o.amount where products.is_book) > 5
    and count(distinct o.products.brands.name) > 1 and count(o where products.category = "toys") > 0
"""), "duckdb", None, D)
    assert len(re.findall(r"JOIN p AS", sql)) == 1
    assert len(re.findall(r"JOIN b AS", sql)) == 1


@pytest.mark.parametrize(("condition", "products", "brands"), [
    ('count(o where products.category = "books") > 1', "INNER", None),
    ('count(o where products.brands.name = "Acme" or products.category = "books") > 1', "INNER", "LEFT"),
    ('count(o where products.brands.name = "Acme") > 1', "INNER", "INNER"),
    ("count(o where products.category is null) > 1", "LEFT", None),
    ('count(o where not (products.category = "books")) > 1', "LEFT", None),
    ('count(o where products.category = "books") > 1 and count(o) > 2', "LEFT", None),  # one scan for both
])
def test_a_join_is_inner_where_the_scan_drops_rows_without_the_lookup(condition, products, brands):
    """The scan's WHERE keeps no row whose lookup columns are all missing: an inner join drops only those."""
    sql = compiler.to_sql(compiler.load_text(DECLARATIONS + f"segment s: {condition}"), "duckdb", "s", D)
    assert re.search(rf"\b{products} JOIN p AS", sql)
    assert (re.search(rf"\b{brands} JOIN b AS", sql) is not None) if brands else "JOIN b" not in sql


def test_a_scan_that_reads_no_lookup_column_joins_nothing():
    sql = compiler.to_sql(compiler.load_text(DECLARATIONS + "segment s: count(o) > 1 and sum(o.amount) > 2"),
                          "duckdb", None, D)
    assert "JOIN p" not in sql and "JOIN rg" not in sql


@pytest.mark.parametrize(("source", "message", "hint"), [
    ("segment s: count(o where things.x = 1) > 0", "'o' joins no lookup 'things', nor declares it a JSON column",
     "joined: products; or declare it: ... json things (at the end of the declaration of 'o')"),
    ("segment s: count(o where regions.name = 1) > 0", "'o' does not join lookup 'regions'",
     "add to the declaration of 'o': with regions on COLUMN"),
    ("segment s: count(o where products.brandz.name = 1) > 0",
     "'products' joins no lookup 'brandz', nor declares it a JSON column", "did you mean 'brands'?"),
    ("segment s: count(o where products = 1) > 0", "'products' is a lookup: name one of its columns",
     "e.g. products.name"),
    ("segment s: max(o.products) > 1", "'products' is a lookup: name one of its columns",
     "e.g. o.products.name"),
    ("segment s: o.products.category = 1", "'o' is an event set: its columns are read through an aggregate",
     "e.g. max(o.products.category), or has o where ..."),
    ("segment s: count(o where products.brands.x.y = 1) > 0", "'x' is not declared a JSON column of 'brands'", None),
    ("lookup kinds from k key id\nlookup brands2 from b key brand_id with kinds on kind\n"
     "events o3 from o3 by id at at with brands2 on brand\nsegment s: count(o3 where brands2.kinds.x = 1) > 0",
     None, None),
    ("segment s: place.name = 1", "'customers' joins no lookup 'place', nor declares it a JSON column",
     "joined: regions; or declare it: ... json place (at the end of the declaration of 'customers')"),
    ("lookup loop from t key id with loop on id\nsegment s: true", "lookup cycle: loop -> loop", None),
    ("lookup x1 from t key id with x2 on a\nlookup x2 from t key id with x1 on b\nsegment s: true",
     "lookup cycle: x1 -> x2 -> x1", None),
    ("events o2 from o by id at at with products on pid with products on pid\nsegment s: true",
     "'o2' joins lookup 'products' twice", None),
    ("events o2 from o by id at at with products on sku\nsegment s: true",
     "'o2' joins lookup 'products' on sku, but 'o' reads the same table and joins it on pid",
     "declare a second lookup over p for the other role"),
    ("events o2 from o2 by id at at with prodcts on pid\nsegment s: true", "unknown lookup 'prodcts'",
     "did you mean 'products'?"),
    ("events o2 from o2 by id at at with o on pid\nsegment s: true", "'o' is an event set, not a lookup", None),
])
def test_lookup_errors_are_positioned(source, message, hint):
    text = DECLARATIONS + source
    if message is None:
        compiler.load_text(text)
        return
    with pytest.raises(SegdslError) as raised:
        compiler.load_text(text)
    found = [d for d in raised.value.diagnostics if message in d.message]
    assert found, [d.message for d in raised.value.diagnostics]
    assert found[0].span is not None
    if hint is not None:
        assert found[0].hint == hint
