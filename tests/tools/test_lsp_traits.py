"""The language server on rule 14: traits completed, hovered, outlined and followed to their declaration."""

from __future__ import annotations

from segdsl.tools.lsp.document import analyze
from segdsl.tools.lsp.hover import definition, hover

from .cursor import completions

PROGRAM = ("customers from shop.customers key customer_id\n"
           "events orders from shop.orders by customer_id at ordered_at\n"
           'trait ltv "Lifetime spend" = sum(orders.amount)\n'
           "trait band = quintile(ltv)\n")


def test_completion_offers_traits_where_a_value_goes_not_in_a_filter():
    offered = completions(PROGRAM + "segment s:\n    |")
    assert offered["ltv"] == "trait" and offered["band"] == "trait"
    assert "ltv" in completions(PROGRAM + "trait x = |")
    assert "ltv" not in completions(PROGRAM + "segment s:\n    has orders where |")


def test_hover_on_a_trait_gives_its_type_description_and_definition():
    text = PROGRAM + "segment s:\n    ltv > 500 and band = 5\n"
    found, _ = hover(analyze(text, "t.seg"), text.index("ltv > 500") + 1)
    assert found.startswith("**trait** `ltv`: number")
    assert "Lifetime spend" in found and 'trait ltv "Lifetime spend" = sum(orders.amount)' in found


def test_a_trait_used_goes_to_its_declaration_and_is_in_the_outline():
    text = PROGRAM + "segment s:\n    band = 5\n"
    doc = analyze(text, "t.seg")
    span = definition(doc, text.index("band = 5") + 1)
    assert span is not None and text[span.start:span.end] == "band"
    assert [(s.kind, s.name) for s in doc.outline()] == [("entity", "customers"), ("event", "orders"),
                                                          ("trait", "ltv"), ("trait", "band"), ("segment", "s")]
