"""The language server on rule 15: journeys completed step by step (event sets after `then`, columns after
`matching`), hovered, outlined and followed, and nothing in one throws."""

from __future__ import annotations

from segdsl.run.catalog import Database
from segdsl.tools.lsp.completion import complete
from segdsl.tools.lsp.document import analyze
from segdsl.tools.lsp.hover import definition, hover

from .cursor import at, completions

MODEL = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
events visits from web.page_views by customer_id at viewed_at
events tickets from support.tickets by customer_id at opened_on date
events tracks from raw.tracks by customer_id at ts

segment carts:
    has tracks where product_id > 0 and has orders where sku > 0 and has tickets where topic = "x"
"""

FUNNEL = MODEL + """
segment funnel_dropouts "Viewed, added to cart, then did not buy the same product":
    tracks where event = "view" in last 14 days
        then tracks where event = "add_to_cart" within 1 day matching product_id
        then no orders within 3 days matching tracks.product_id = orders.sku
"""

EVENTS = {"orders", "visits", "tickets", "tracks"}


def test_every_step_offers_the_event_sets_after_then_and_then_no():
    for typed in ("visits then |", "visits then orders within 3 days then |",
                  "visits then orders within 3 days matching customer_id\n        then tickets within 7 days then |"):
        found = completions(MODEL + "\nsegment s:\n    " + typed)
        assert {name for name, kind in found.items() if kind == "event"} == EVENTS and found["no"] == "keyword"
        assert "carts" not in found and "customer_id" not in found
    found = completions(MODEL + "\nsegment s:\n    visits then orders within 3 days then no |")
    assert set(found) == EVENTS


def test_a_later_steps_filter_offers_its_event_sets_columns():
    found = completions(MODEL + "\nsegment s:\n    visits then orders within 3 days\n"
                                "        then tracks in last 7 days where |")
    assert found["product_id"] == "column" and not {"sku", "topic", "carts"} & set(found)


def test_after_a_steps_span_its_matching_and_the_next_step_are_offered():
    found = completions(MODEL + "\nsegment s:\n    visits then orders within 3 days |")
    assert {"matching", "then", "and", "or"} <= set(found)
    assert "matching" not in completions(MODEL + "\nsegment s:\n    has orders |")


def test_after_matching_the_columns_of_the_two_steps_and_their_event_sets():
    found = completions(MODEL + "\nsegment s:\n    visits then tracks within 1 day\n"
                                "        then orders within 3 days matching |")
    assert {"product_id", "ts", "sku", "ordered_at", "customer_id"} <= set(found)
    assert {found[name] for name in ("product_id", "sku")} == {"column"}
    assert {name for name, kind in found.items() if kind == "event"} == {"tracks", "orders"}
    assert not {"topic", "viewed_at", "carts", "visits"} & set(found)
    found = completions(MODEL + "\nsegment s:\n    tracks where event = \"view\" then no orders within 3 days "
                                "matching tracks.product_id = |")
    assert found == {"orders": "event"}
    found = completions(MODEL + "\nsegment s:\n    tracks then orders within 3 days "
                                "matching tracks.product_id = orders.|")
    assert {"sku", "ordered_at"} <= set(found) and "product_id" not in found


def test_after_matching_a_catalogs_columns_too():
    text, offset = at(MODEL + "\nsegment s:\n    visits then orders within 3 days matching |")
    catalog = Database({("shop", "orders"): {"order_id": "BIGINT"}, ("web", "page_views"): {"page": "VARCHAR"},
                        ("raw", "tracks"): {"event": "VARCHAR"}})
    found = {c.label: c.detail for c in complete(analyze(text, "t.seg"), offset, catalog)}
    assert found["order_id"] == "shop.orders BIGINT" and found["page"] == "web.page_views VARCHAR"
    assert "event" not in found


def test_a_matched_column_is_a_column_of_the_steps_event_sets():
    doc = analyze(FUNNEL, "t.seg")
    assert doc.problems == ()
    found, _ = hover(doc, FUNNEL.index("product_id\n") + 1)
    assert found == "**column** `product_id` of events `tracks` (raw.tracks)"
    found, _ = hover(doc, FUNNEL.index("sku\n") + 1)
    assert found == "**column** `sku` of events `orders` (shop.orders)"
    span = definition(doc, FUNNEL.index("tracks.product_id") + 1)
    assert span is not None and FUNNEL[span.start:].startswith("tracks from")
    assert definition(doc, FUNNEL.index("orders.sku") + 1).start == FUNNEL.index("orders from")
    assert "product_id" not in completions(FUNNEL + "\nsegment s:\n    |"), "not a column of the entity"


def test_hover_on_a_journey_shows_its_sql_and_the_outline_has_it():
    doc = analyze(FUNNEL, "t.seg")
    found, _ = hover(doc, FUNNEL.index("funnel_dropouts") + 1)
    assert found.startswith("**segment** `funnel_dropouts`\n\nViewed, added to cart") and "```sql" in found
    assert [s.name for s in doc.outline()][-2:] == ["carts", "funnel_dropouts"]


def test_every_offset_of_a_journey_and_of_its_cuts_is_answered():
    for text in (FUNNEL, FUNNEL[:FUNNEL.index("within 3 days")], FUNNEL[:FUNNEL.index("= orders.sku")] + "\n"):
        doc = analyze(text, "t.seg")
        for offset in range(text.index("segment funnel"), len(text) + 1):
            complete(doc, offset)
            hover(doc, offset)
            definition(doc, offset)


def test_hover_on_matching_says_what_it_means():
    found, span = hover(analyze(FUNNEL, "t.seg"), FUNNEL.index("matching tracks") + 3)
    assert "the same known value as the previous step's event" in found and "missing value matches nothing" in found
    assert FUNNEL[span.start:span.end] == "matching"
