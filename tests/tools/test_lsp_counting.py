"""The language server on rule 13: `at least N of`, `at most`, `exactly`."""

from __future__ import annotations

from segdsl.tools.lsp.document import analyze
from segdsl.tools.lsp.hover import hover

from .cursor import completions

PROGRAM = ("customers from shop.customers key customer_id\n"
           "events orders from shop.orders by customer_id at ordered_at\n"
           "events visits from web.page_views by customer_id at viewed_at\n")


def test_completion_offers_the_counting_words_where_a_condition_starts():
    assert {"at least", "at most", "exactly", "has", "no"} <= completions(PROGRAM + "segment s:\n    |").keys()
    assert {"at least", "has"} <= completions(PROGRAM + "segment s:\n    at least 2 of (has orders, |").keys()
    assert "at least" not in completions(PROGRAM + "segment s:\n    has orders where |")  # a filter: no count


def test_hover_on_a_counting_word():
    text = PROGRAM + "segment s:\n    exactly 1 of (has orders, has visits)\n"
    found, _ = hover(analyze(text, "t.seg"), text.index("exactly") + 2)
    assert "how many of the conditions hold" in found
