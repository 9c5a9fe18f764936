"""The checker: every user error is positioned, explained, and suggests a fix."""

import pytest

from segdsl.compile.compiler import load_text
from segdsl.errors import SegdslError, render
from segdsl.lang import model as m
from segdsl.lang.model import Attribute, EventColumn, LabelOf, SegmentRef

MODEL = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
events tickets from support.tickets by customer_id at opened_on date
param lapse = 90
param since_day = 2024-01-01
param country_code = "US"
segment buyers: has orders
"""


def problems(text: str, params=None) -> list:
    with pytest.raises(SegdslError) as caught:
        load_text(MODEL + text, "t.seg", params)
    return caught.value.diagnostics


def one(text: str, params=None):
    found = problems(text, params)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, message, hint", [
    ("segment x: buyer", "unknown segment 'buyer'", "did you mean 'buyers'?"),
    ("segment x: has order", "unknown event set 'order'", "did you mean 'orders'?"),
    ("segment x: orders", "'orders' is an event set, not a condition", "write 'has orders' or 'no orders'"),
    ("segment x: buyers > 1", "segment 'buyers' is a condition, not a value", None),
    ("segment x: count(orders) > \"a\"", "cannot compare a number with a string", None),
    ("segment x: has orders in last laps days", "expected a number of days", "did you mean 'lapse'?"),
    ("segment x: has orders in last country_code days", "expected a whole number", None),
    ("segment x: has orders since lapse", "expected a date", None),
    ("segment x: sum(orders.amount) in top 0%", "a percentage is a number above 0", None),
    ("segment x: has orders where count(orders) > 1", "an aggregate cannot be used inside an event set's filter", None),
    ("segment x: orders then tickets within 1 month", "'within' counts days, weeks, hours or minutes", None),
    ("segment buyers: has tickets", "'buyers' is declared twice", "first declared at line 7"),
    ("segment x: count(orders) in last 3 days", "a window needs a date or timestamp, not a number", None),
    ("segment x: y\nsegment y: x", "refers to itself", "a segment cannot depend on itself"),
    ("segment x: x", "'x' refers to itself", None),
    ("segment x: email like 3", "like needs a string pattern", None),
])
def test_user_errors(text, message, hint):
    diagnostic = one(text)
    assert message in diagnostic.message
    assert diagnostic.span is not None and diagnostic.span.file == "t.seg"
    if hint:
        assert diagnostic.hint == hint


def test_independent_errors_are_reported_together():
    found = problems("segment x: buyer and has order\nsegment y: count(tickets) > \"a\"")
    assert [d.message for d in found] == ["unknown segment 'buyer'", "unknown event set 'order'",
                                          "cannot compare a number with a string"]


def test_no_entity_is_an_error():
    with pytest.raises(SegdslError, match="no entity table declared"):
        load_text("segment x: true")


def test_parameters_are_overridden_with_their_declared_type():
    program = load_text(MODEL + "segment x: no orders in last lapse days", params={"lapse": "60"})
    assert program.params["lapse"].value == 60
    assert program.segments["x"].condition.events.window.amount.value == 60
    assert one("", {"lapse": "soon"}).message == "bad value for parameter 'lapse': expected a number, got 'soon'"
    assert one("", {"since_day": "2024-13-01"}).message.startswith("bad value for parameter 'since_day'")
    unknown = one("", {"laps": "3"})
    assert unknown.message == "unknown parameter 'laps'" and unknown.hint == "did you mean 'lapse'?"


def test_names_are_resolved_by_context():
    program = load_text(MODEL + """segmentation tier:
    gold when buyers
    else other
segment x: country = country_code and tier = "gold" and buyers and has orders where is_gift
""")
    country, tier, buyers, has = program.segments["x"].condition.operands
    assert country == m.Compare("=", Attribute("country", span=None), m.Constant("US", span=None), span=None)
    assert tier.left == LabelOf("tier", span=None)
    assert buyers == SegmentRef("buyers", span=None)
    assert has.events.where == m.Compare("=", EventColumn("is_gift", span=None), m.Constant(True, span=None),
                                         span=None)


def test_a_window_after_a_filter_belongs_to_the_event_set():
    program = load_text(MODEL + "segment x: has orders where is_gift in last 7 days\n"
                                "segment y: has orders where ordered_at in last 7 days")
    x = program.segments["x"].condition.events
    assert isinstance(x.window, m.Last) and isinstance(x.where, m.Compare)
    y = program.segments["y"].condition.events
    assert y.window is None and isinstance(y.where, m.InWindow)


def test_between_two_dates_is_a_window():
    program = load_text(MODEL + "segment x: signup_date between 2024-01-01 and 2024-01-31")
    cond = program.segments["x"].condition
    assert isinstance(cond, m.InWindow) and isinstance(cond.window, m.DateRange)


def test_rendered_errors_show_the_line_and_a_caret():
    with pytest.raises(SegdslError) as caught:
        load_text(MODEL + "segment x: buyer", "t.seg")
    assert render(caught.value) == (
        "t.seg:8:12: error: unknown segment 'buyer'\n"
        "    8 | segment x: buyer\n"
        "      |            ^^^^^\n"
        "hint: did you mean 'buyers'?")


def test_an_error_keeps_what_resolved_with_failed_parts_reading_false():
    with pytest.raises(SegdslError) as caught:
        load_text(MODEL + "segment a: has ordrs or not (age > 3 and buyer)\nsegment b: has orders wher x\n"
                  "segment c: a and age > 1\n", "p.seg")
    partial = caught.value.partial
    assert [d.message.split(";")[0] for d in caught.value.diagnostics] == [
        "unexpected 'wher'", "unknown event set 'ordrs'", "unknown segment 'buyer'"]
    a = partial.segments["a"].condition
    has, negated = a.operands
    assert has == m.Constant(False, span=a.span)
    older, buyer = negated.operand.operands
    assert older.left == Attribute("age", span=a.span)
    assert buyer == m.Constant(False, span=a.span)
    assert "b" not in partial.segments
    assert partial.segments["c"].condition.operands[0] == SegmentRef("a", span=a.span)


# ---- rules 11 and 12 ----------------------------------------------------------------------

@pytest.mark.parametrize("text, message, caret, hint", [
    ("segment x: has orders in next 3 days", "an event set cannot be 'in next ...': events after the as-of day "
     "do not exist", "in next 3 days", "test a date value instead, e.g. contract_end in next 30 days"),
    ("segment x: count(orders in next 1 week) > 0", "an event set cannot be 'in next ...'", "in next 1 week", None),
    ("segment x: count(orders) in next 3 days", "'in next' needs a date or timestamp, not a number", "count(orders)",
     "only dates lie in the future, e.g. contract_end in next 30 days"),
    ('segment x: "a" in next 3 days', "'in next' needs a date or timestamp, not a string", '"a"', None),
    ("segment x: contract_end in next country_code days", "expected a whole number", "country_code", None),
    ("segment x: anniversary(count(orders)) > 2024-01-01", "anniversary needs a date or timestamp, not a number",
     "count(orders)", "e.g. anniversary(birth_date)"),
    ("segment x: years_since(country_code) > 1", "years_since needs a date or timestamp, not a string",
     "country_code", "e.g. years_since(birth_date)"),
    ("segment x: anniversary(birth_date) > 1", "cannot compare a date with a number", None, None),
    ("segment x: sessions(orders, 1 month) > 1", "a session gap is a span of time: minutes, hours, days or weeks",
     "1 month", "e.g. sessions(..., 30 minutes), or 4 weeks"),
    ("segment x: sessions(orders, 0 minutes) > 1", "a session gap is a whole number more than 0", "0", None),
    ("segment x: sessions(orders, 2.5 hours) > 1", "a session gap is a whole number more than 0", "2.5", None),
    ("segment x: sessions(orders, 100001 days) > 1", "too long: a session gap is at most 100000 days", "100001",
     None),
    ("segment x: sessions(tickets, 3 hours) > 1", "'tickets' happens on days (its time column is a date)",
     "3 hours", "e.g. sessions(..., 1 day)"),
    ("segment x: sessions(order, 3 hours) > 1", "unknown event set 'order'", "order", "did you mean 'orders'?"),
    ("segment x: active_weeks(orders) > \"a\"", "cannot compare a number with a string", None, None),
    ("segment x: has orders where active_days(orders) > 1", "active_days(...) cannot be used inside an event set's "
     "filter", "active_days(orders)", None),
    ("segment x: has orders where sessions(orders, 1 day) > 1", "sessions(...) cannot be used inside", None, None),
])
def test_user_errors_of_the_future_and_regularity(text, message, caret, hint):
    diagnostic = one(text)
    assert message in diagnostic.message
    source = MODEL + text
    if caret is not None:
        assert source[diagnostic.span.start:diagnostic.span.end] == caret
    if hint:
        assert diagnostic.hint == hint


def test_the_new_values_are_numbers_and_dates_wherever_values_go():
    program = load_text(MODEL + "segment x: years_since(birth_date) * 2 + active_days(orders where amount > 1) "
                        "- sessions(orders in last 7 days, 30 minutes) in top 10% and anniversary(birth_date) "
                        "in next 1 month and quintile(active_months(orders)) = 5", "t.seg")
    ranked, window, tile = program.segments["x"].condition.operands
    assert isinstance(window.subject, m.Anniversary) and window.window == m.Next(m.Amount(1, span=None), "month",
                                                                                   span=None)
    assert isinstance(tile.left.operand, m.ActivePeriods) and tile.left.operand.period == "month"
    sessions = ranked.subject.operands[-1]
    assert isinstance(sessions, m.Sessions) and sessions.gap.value == 30
