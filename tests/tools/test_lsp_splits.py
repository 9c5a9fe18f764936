"""The language server on rule 18: splits completed, hovered, outlined, and their segment followed."""

from __future__ import annotations

from segdsl.tools import fmt
from segdsl.tools.lsp.document import analyze
from segdsl.tools.lsp.hover import definition, hover

from .cursor import completions

PROGRAM = ("customers from shop.customers key customer_id\n"
           "events orders from shop.orders by customer_id at ordered_at\n"
           "segment lapsed: no orders in last 90 days\n"
           'split winback "Win-back test" of lapsed salt "2026-q3":\n'
           "    holdout 10%\n"
           "    email   90%\n")


def test_completion_offers_splits_where_a_value_goes():
    assert completions(PROGRAM + "segment s:\n    |")["winback"] == "split"


def test_hover_on_a_split_gives_its_description_and_sql():
    text = PROGRAM + 'segment s:\n    winback = "email"\n'
    found, _ = hover(analyze(text, "t.seg"), text.index('winback = "email"') + 1)
    assert found.startswith("**split** `winback`") and "Win-back test" in found and "MD5" in found


def test_a_split_is_outlined_and_its_segment_goes_to_its_declaration():
    doc = analyze(PROGRAM, "t.seg")
    assert [(s.kind, s.name) for s in doc.outline()][-2:] == [("segment", "lapsed"), ("split", "winback")]
    span = definition(doc, PROGRAM.index("of lapsed") + 4)
    assert span is not None and PROGRAM[span.start:span.end] == "lapsed"


def test_the_formatter_aligns_a_splits_shares():
    text = 'customers from c key id\nsplit t   of s salt \'x\' :\n  a 10 %\n  "long label" 5%  # note\n'
    assert fmt.format_text(text).endswith(
        'split t of s salt "x":\n    a            10%\n    "long label" 5%  # note\n')
