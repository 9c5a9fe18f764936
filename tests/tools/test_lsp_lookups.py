"""The language server on rule 16: lookups completed after `with`, in filters, after a dot and on the entity;
hovered, outlined, and followed to their declaration."""

from __future__ import annotations

from segdsl.tools.lsp.document import analyze
from segdsl.tools.lsp.hover import definition, hover

from .cursor import completions

PROGRAM = ("lookup brands from shop.brands key brand_id\n"
           "lookup products from shop.products key product_id\n"
           "    with brands on brand_id\n"
           "lookup regions from shop.regions key region_id\n"
           "customers from shop.customers key customer_id\n"
           "    with regions on region_id\n"
           "events orders from shop.orders by customer_id at ordered_at\n"
           "    with products on product_id\n"
           'segment books: has orders where products.category = "books"\n'
           "trait brand = most_frequent(orders.products.brands.name)\n")


def test_completion_offers_lookups_after_with():
    assert {"brands", "products", "regions"} <= completions(PROGRAM.replace("with regions", "with |regions")).keys()


def test_completion_offers_the_lookups_an_event_set_joins_in_its_filter():
    found = completions(PROGRAM + "segment s:\n    has orders where |")
    assert found["products"] == "lookup" and "regions" not in found


def test_completion_after_a_lookups_dot_offers_its_columns_and_lookups():
    found = completions(PROGRAM + "segment s:\n    has orders where products.|")
    assert found["category"] == "column" and found["brands"] == "lookup"
    assert completions(PROGRAM + "segment s:\n    count(distinct orders.products.brands.|) > 1")["name"] == "column"
    assert completions(PROGRAM + "segment s:\n    count(distinct orders.|) > 1")["products"] == "lookup"


def test_completion_offers_the_entitys_lookups_where_a_value_goes():
    assert completions(PROGRAM + "segment s:\n    |")["regions"] == "lookup"


def test_a_lookup_is_outlined_hovered_and_followed():
    doc = analyze(PROGRAM, "t.seg")
    assert [(s.kind, s.name) for s in doc.outline()][:3] == [("lookup", "brands"), ("lookup", "products"),
                                                             ("lookup", "regions")]
    at = PROGRAM.index("products.category") + 2
    span = definition(doc, at)
    assert span is not None and PROGRAM[span.start:span.end] == "products"
    found, _ = hover(doc, at)
    assert "lookup" in found and "shop.products" in found
