"""The language server on rules 9 and 10: `timezone`, `local`, hours and minutes."""

from __future__ import annotations

from segdsl.tools.lsp.document import analyze
from segdsl.tools.lsp.hover import hover

from .cursor import completions

PROGRAM = ('timezone "America/New_York"\ncustomers from shop.customers key customer_id\n'
           "events visits from web.page_views by customer_id at viewed_at local\n"
           "events orders from shop.orders by customer_id at ordered_at\n")


def test_completion_offers_timezone_local_hours_and_minutes():
    assert "timezone" in completions("|")
    assert "local" in completions("customers from c key id\nevents o from o by id at at |")
    assert {"hours", "minutes", "days"} <= completions(PROGRAM + "segment s:\n    has orders in last 2 |").keys()
    assert {"hours", "minutes"} <= completions(PROGRAM + "segment s:\n    visits then orders within 2 |").keys()


def test_hover_on_the_zone_and_a_local_time_column():
    doc = analyze(PROGRAM, "t.seg")
    text, _ = hover(doc, PROGRAM.index("America") + 2)
    assert "**time zone** `America/New_York` (UTC-05:00 and UTC-04:00)" in text
    text, _ = hover(doc, PROGRAM.index("viewed_at") + 1)
    assert "wall-clock times in the program's zone (`local`)" in text
    text, _ = hover(doc, PROGRAM.index("ordered_at") + 1)
    assert "UTC instants" in text


def test_a_bad_zone_is_a_diagnostic_with_a_hint():
    doc = analyze('timezone "Europe/Berln"\ncustomers from c key id\n', "t.seg")
    [problem] = doc.problems
    assert problem.message == "unknown time zone 'Europe/Berln'" and problem.hint == "did you mean 'Europe/Berlin'?"
