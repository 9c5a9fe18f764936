"""The grammar: its one known ambiguity, keywords as names, and syntax errors."""

import logging
import re

import pytest
from lark import Lark, logger

from segdsl.compile.compiler import load_text
from segdsl.errors import SegdslError, render
from segdsl.lang import ast
from segdsl.lang.parse import grammar_text, parse


def test_the_only_conflicts_are_windows_after_a_filter(caplog):
    """A window after an event set's filter is the grammar's one ambiguity (see segdsl.lark)."""
    logger.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG, logger="lark"):
            Lark(grammar_text(), parser="lalr", debug=True)
    finally:
        logger.setLevel(logging.WARNING)
    conflicts = {r.getMessage().split("terminal ")[1].split(":")[0] for r in caplog.records
                 if "Shift/Reduce conflict" in r.getMessage()}
    assert conflicts == {"IN", "BEFORE", "BETWEEN", "SINCE", "UNTIL"}
    assert not [r for r in caplog.records if "Reduce/Reduce" in r.getMessage()]


def segment(text: str) -> ast.Expr:
    return parse(f"segment s: {text}").statements[0].condition


def test_precedence_and_binds_tighter_than_or_and_not_tighter_than_and():
    cond = segment("a or not b and c")
    assert isinstance(cond, ast.Or)
    assert isinstance(cond.operands[1], ast.And)
    assert isinstance(cond.operands[1].operands[0], ast.Not)


def test_a_chain_is_one_node_with_every_operand():
    cond = segment("a and b and (c and d) and e or f or g")
    assert isinstance(cond, ast.Or) and [type(o).__name__ for o in cond.operands] == ["And", "Bare", "Bare"]
    assert [type(o).__name__ for o in cond.operands[0].operands] == ["Bare"] * 4
    assert isinstance(cond.operands[0].operands[2].value.inner, ast.And)  # (c and d) stays a node of its own
    total = segment("1 - 2 + 3 * 4 / 5 * -x - (6 - 7) > 0").left
    assert total.ops == ("-", "+", "-")
    assert [type(o).__name__ for o in total.operands] == ["Literal", "Literal", "Arithmetic", "Paren"]
    assert total.operands[2].ops == ("*", "/", "*")


def test_between_and_does_not_swallow_the_boolean_and():
    cond = segment('age between 18 and 34 and gender = "F"')
    assert isinstance(cond, ast.And)
    assert isinstance(cond.operands[0], ast.Between)


def test_windows_of_every_form():
    kinds = [segment(f"has orders {w}").events.window for w in (
        "in last 3 months", "before last 2 weeks", "between 59 and 7 days ago",
        "between 2024-01-01 and 2024-03-31", "since 2024-01-01", "until 2024-01-01")]
    assert [type(k).__name__ for k in kinds] == ["Last", "BeforeLast", "Ago", "DateRange", "DateRange", "DateRange"]
    assert kinds[0].unit == "month" and kinds[1].unit == "week"


def test_window_may_come_before_the_filter():
    events = segment('has orders in last 30 days where category = "x"').events
    assert isinstance(events.window, ast.Last) and isinstance(events.where, ast.Compare)


def test_filter_inside_an_aggregate_takes_a_whole_condition():
    agg = segment('count(orders where a = 1 or b = 2 in last 3 days) > 0').left
    assert isinstance(agg.events.where, ast.Or) and isinstance(agg.events.window, ast.Last)


@pytest.mark.parametrize("column", ["day", "days", "top", "date", "timestamp", "key", "by", "at", "events"])
def test_keywords_that_cannot_start_a_value_are_column_names(column):
    cond = segment(f"{column} = 1")
    assert cond.left == ast.Name(column, span=cond.left.span)


def test_backticks_quote_any_name():
    first, second = segment("`count` = 1 and `last` > 2").operands
    assert first.left.name == "count" and second.left.name == "last"


RESERVED = ["and", "or", "not", "in", "is", "like", "between", "then", "within", "where", "when", "else", "null",
            "true", "false"]


@pytest.mark.parametrize("word", RESERVED)
def test_words_that_join_or_test_values_are_never_names(word):
    values = [] if word in ("true", "false") else [f"count(orders) > {word}", f"count(orders) > {word} age > 3"]
    for text in [*values, f"sum(orders.{word}) > 1"]:
        with pytest.raises(SegdslError) as caught:
            parse(f"segment s: {text}", "r.seg")
        diagnostic = caught.value.diagnostics[0]
        assert diagnostic.message.startswith(f"unexpected '{word}'; expected "), (text, diagnostic.message)
        column = len("segment s: ") + re.search(rf"\b{word}\b", text).start() + 1
        assert (diagnostic.span.column, diagnostic.span.end_column) == (column, column + len(word)), text


def test_a_value_is_expected_at_a_reserved_word():
    with pytest.raises(SegdslError) as caught:
        parse("segment s: count(orders) > and age > 3", "r.seg")
    assert caught.value.diagnostics[0].message == ("unexpected 'and'; expected a value, such as a number, a string, "
                                                   "a column or `count(orders)`")


@pytest.mark.parametrize("word", RESERVED)
def test_reserved_words_are_names_in_backticks_and_as_parts_of_names(word):
    cond = segment(f"`{word}` = 1 and {word}_x = 2 and x_{word} = 3 and {word}1 = 4")
    names = [compare.left.name for compare in cond.operands]
    assert names == [word, f"{word}_x", f"x_{word}", f"{word}1"]


def test_spans_point_at_the_source():
    cond = segment("big_spenders")
    assert (cond.span.line, cond.span.column, cond.span.end_column) == (1, 12, 24)


@pytest.mark.parametrize("text, message, hint", [
    ("segment x: count(orders) >= ", "unexpected end of file", None),
    ("segment x: has orders in last 3 dayz", "unexpected 'dayz'", "did you mean 'day"),
    ('segment x: a = "b', "unexpected character", "a string must end on the line it starts"),
    ("segmentation s: a when b", "unexpected end of file; expected", None),
    ("segment x: 2024-02-30 < a", "2024-02-30 is not a calendar date", "dates are written YYYY-MM-DD"),
    ("segment x: count(orders) then tickets within 3 days", "a sequence starts with an event set", None),
    ("   \n  ", "the file is empty", None),
])
def test_syntax_errors_are_positioned_and_explained(text, message, hint):
    with pytest.raises(SegdslError) as caught:
        parse(text, "bad.seg")
    diagnostic = caught.value.diagnostics[0]
    assert message in diagnostic.message
    if hint:
        assert diagnostic.hint.startswith(hint)
    rendered = render(caught.value, {"bad.seg": text})
    if diagnostic.span:
        assert rendered.startswith(f"bad.seg:{diagnostic.span.line}:{diagnostic.span.column}: error:")
        assert "^" in rendered


LINES = ["customers from shop.customers key id", "# a comment", "segment a:", "    age > 1",
         "segment b:  # another", "    age > 2", ""]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_cr_lf_and_crlf_all_end_lines(end):
    program = load_text(end.join(LINES), "t.seg")
    assert list(program.segments) == ["a", "b"]
    assert program.segments["b"].span.line == 5
    with pytest.raises(SegdslError) as caught:
        load_text(end.join([*LINES[:-1], "segment c:", "    age >", ""]), "t.seg")
    assert render(caught.value).startswith("t.seg:8:10: error: unexpected end of file")
    assert "    8 |     age >\n" in render(caught.value)


def test_a_line_separator_is_no_line_end_and_is_shown_where_it_is():
    with pytest.raises(SegdslError) as caught:
        load_text("customers from shop.customers key id\nsegment a:\n    age > 1 \u2028 and age < 3\nsegment b:\n"
                  "    age > 2\n", "t.seg")
    (problem,) = caught.value.diagnostics
    assert (problem.span.line, problem.span.column) == (3, 13) and "U+2028" in (problem.hint or "")
    assert "    3 |     age > 1 \u2028 and age < 3\n" in render(caught.value)


# ---- journeys (rule 15) ----------------------------------------------------------------------

JOURNEY_FILE = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
events visits from web.page_views by customer_id at viewed_at
events tickets from support.tickets by customer_id at opened_on date

segment before:
    has orders

segment journey:
    visits in last 30 days
        then orders within 3 days matching visit_id
        {third}

segment after:
    has visits
"""
STEP = "a journey's step after its first is written: then [no] EVENTS within N days [matching COLUMN]"
MATCHING = ("a step matches on a column of both steps' events, matching COLUMN, or on one of each, "
            "matching PREVIOUS.COLUMN = THIS.COLUMN")


@pytest.mark.parametrize("third, column, message, hint", [
    ("then tickets within 7 dys", 31, "unexpected 'dys'; expected a time unit", "did you mean 'days'?"),
    ("then tickets witin 7 days", 22, "unexpected 'witin'; expected 'within'", "did you mean 'within'?"),
    ("then tickets", 21, "unexpected end of the declaration; expected 'within'", STEP),
    ("then", 13, "unexpected end of the declaration; expected an event set or 'no'", STEP),
    ("then tickets within 7 days matchng order_id", 36, "unexpected 'matchng'", "did you mean 'matching'?"),
    ("then tickets within 7 days matching", 44, "unexpected end of the declaration; expected a name", MATCHING),
    ("then tickets within 7 days matching orders.order_id == tickets.order_id", 62, "unexpected '='", MATCHING),
    ("then tickets within 7 days matching orders.order_id = tickets.", 71, "unexpected end of the declaration",
     MATCHING),
])
def test_a_syntax_error_in_a_journeys_third_step_is_placed_and_explained(third, column, message, hint):
    text = JOURNEY_FILE.format(third=third)
    with pytest.raises(SegdslError) as caught:
        load_text(text, "j.seg")
    [problem] = caught.value.diagnostics
    assert (problem.span.line, problem.span.column) == (12, column)
    assert problem.message.startswith(message) and problem.hint == hint
    assert render(caught.value).startswith(f"j.seg:12:{column}: error: ")


def test_a_journey_parses_whatever_its_lines_and_its_broken_steps_cost_only_their_declaration():
    text = JOURNEY_FILE.format(third="then tickets within 7 days matching orders.order_id = tickets.order_id")
    steps = parse(text.replace("\n        then", "\nthen")).statements[-2].condition.steps
    assert [s.events.event.name for s in steps] == ["orders", "tickets"]
    assert [name.name for name in steps[1].matching.current] == ["tickets", "order_id"]
    broken = text.replace("7 days", "7").replace("has visits", "has visits and")
    with pytest.raises(SegdslError) as caught:
        parse(broken, "j.seg")
    assert [(d.span.line, d.span.column) for d in caught.value.diagnostics] == [(12, 31), (15, 19)]
    assert [s.name.name for s in caught.value.module.statements] == ["customers", "orders", "visits", "tickets",
                                                                    "before"]


@pytest.mark.parametrize("condition", ["matching = 1", "count(orders where matching > 1) > 0",
                                       "sum(orders.matching) > 1 and has orders where matching",
                                       "visits then orders within 3 days matching matching"])
def test_matching_is_a_keyword_only_after_a_steps_span(condition):
    assert "matching" in str(segment(condition))
