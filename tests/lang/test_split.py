"""The one splitter of a text into declarations (segdsl/lang/split.py), shared by the syntax-error
reporter, the checker and the language server."""

from __future__ import annotations

import pytest
from work import characters_parsed

from segdsl.errors import SegdslError
from segdsl.lang import split
from segdsl.lang.parse import SyntaxErrors, parse

MODEL = "customers from shop.customers key customer_id\nevents orders from shop.orders by customer_id at ordered_at\n"


def firsts(text: str) -> list[str]:
    return [text[p.start:p.end].split("\n")[0] for p in split.declarations(text)]


def test_declarations_start_at_unindented_declarations():
    text = "# head\ncustomers from a key b\n\nsegment s:\n    has x\nsegmentation t:\n  a when s\n  else b\n"
    assert firsts(text) == ["# head", "customers from a key b", "segment s:", "segmentation t:"]
    text = 'import "m.seg"\nevents e from t by k at d\nparam p = 1\nsegment `odd name`: has e\n'
    assert firsts(text) == ['import "m.seg"', "events e from t by k at d", "param p = 1", "segment `odd name`: has e"]


@pytest.mark.parametrize("continuation", ["events > 3", "param = 2", "segment", "  segment s: has x"])
def test_a_keyword_that_does_not_start_a_declaration_continues_the_one_before(continuation):
    """Inside a condition a keyword may name a column: `events > 3` at a line's start is no declaration."""
    text = f"segment x:\n  a > 1 and\n{continuation}\n"
    assert firsts(text) == ["segment x:"]


def test_the_pieces_cover_the_text_and_count_the_lines_before_them():
    text = "# a\r\nsegment s: has x\rsegment t: has y\n\nsegment u: has z"
    pieces = split.declarations(text)
    assert [(p.start, p.end) for p in pieces] == [(0, 5), (5, 22), (22, 40), (40, len(text))]
    assert [p.lines for p in pieces] == [0, 1, 2, 4]  # CRLF, a lone CR and LF each end one line
    assert split.piece_at(pieces, 0) == pieces[0] and split.piece_at(pieces, 39) == pieces[2]
    assert split.piece_at(pieces, 40) == pieces[3] and split.piece_at(pieces, len(text) + 5) == pieces[3]
    assert split.declarations("") == [split.Piece(0, 0, 0)]


def test_each_declaration_parsed_alone_keeps_its_place():
    """A broken file: the declarations that parse carry the spans the whole file would give them."""
    good = MODEL + "\nsegment big:\n    count(orders) > 3\n\nsegment later:\n    has orders\n"
    broken = good.replace("count(orders) > 3", "count(orders) >")
    with pytest.raises(SyntaxErrors) as caught:
        parse(broken, "t.seg")
    [problem] = caught.value.diagnostics
    assert problem.message.startswith("unexpected end of the declaration")
    assert (problem.span.line, problem.span.column) == (5, 20)
    assert broken[problem.span.start - 1] == ">"
    whole = {s.name.name: s for s in parse(good, "t.seg").statements}
    kept = caught.value.module.statements
    assert [s.name.name for s in kept] == ["customers", "orders", "later"]
    for stmt in kept:
        shift = len(" 3") if stmt.name.name == "later" else 0
        assert stmt == whole[stmt.name.name]
        assert (stmt.span.line, stmt.span.column) == (whole[stmt.name.name].span.line, 1)
        assert stmt.span.start == whole[stmt.name.name].span.start - shift
        assert broken[stmt.name.span.start:stmt.name.span.end] == stmt.name.name


def test_an_error_inside_a_later_declaration_points_at_its_own_line():
    text = MODEL + "segment a: has orders\nsegment b: date_col > 2024-13-01\nsegment c: has ordrs in\n"
    with pytest.raises(SegdslError) as caught:
        parse(text, "t.seg")
    places = [(d.span.line, d.span.column, text[d.span.start:d.span.end]) for d in caught.value.diagnostics]
    assert places == [(4, 23, "2024-13-01"), (5, 24, "\n")]


def test_a_broken_file_costs_a_few_readings_of_its_text_however_many_declarations_it_holds():
    """Each declaration is parsed alone: no piece carries the text before it."""
    text = MODEL + "".join(f"segment s{i}:\n    has orders\n" for i in range(2000)) + "segment bad: has\n"
    pieces = split.declarations(text)
    assert len(pieces) == 2003 and sum(p.end - p.start for p in pieces) == len(text)

    def broken() -> None:
        with pytest.raises(SyntaxErrors) as caught:
            parse(text, "t.seg")
        assert len(caught.value.module.statements) == 2002
        assert caught.value.diagnostics[0].span.line == text.count("\n")

    # the whole text, the words of its error (a few interactive readings), then each piece once
    assert characters_parsed(broken) <= 6 * len(text)


def test_a_journey_over_many_lines_is_one_declaration_wherever_its_steps_start():
    text = (MODEL + "segment s:\n    orders in last 30 days\n        then orders where amount > 1 within 3 days\n"
            "then orders where amount > 2 within 1 week matching sku\n"
            "matching_steps from x key y\n")
    assert firsts(text) == [MODEL.split("\n")[0], MODEL.split("\n")[1], "segment s:", "matching_steps from x key y"]
