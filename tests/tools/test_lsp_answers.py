"""What the language server says, without the protocol: positions, the
resilient parse, completion, hover and definition (segdsl/tools/lsp/positions.py,
document.py, completion.py, hover.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from work import calls, characters_parsed

from segdsl import load_text, to_sql
from segdsl.errors import Diagnostic
from segdsl.lang import ast
from segdsl.run.catalog import Database
from segdsl.tools.lsp.completion import complete
from segdsl.tools.lsp.document import Document, analyze, parse_statements
from segdsl.tools.lsp.hover import definition, hover
from segdsl.tools.lsp.positions import LineIndex, units
from segdsl.tools.lsp.server import lsp_range

from .cursor import at, completions

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.seg"))

MODEL = """\
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
events tickets from support.tickets by customer_id at opened_on date where topic != "spam"

param lapse = 90
param region = "EU"
"""

PROGRAM = MODEL + """
segment big_spenders "Top 10% by lifetime spend":
    sum(orders.amount) in top 10%

segment gifters:
    count(orders where category = "flowers" in last 365 days) >= 2 and country in ("US", "CA")

segmentation lifecycle "First match wins":
    champion when big_spenders and has orders in last 30 days
    lapsed   when no orders in last lapse days
    else other

segment champions:
    lifecycle = "champion" and age >= 18
"""


# ---- positions -------------------------------------------------------------


@pytest.mark.parametrize("encoding, expected", [("utf-16", 9), ("utf-8", 12), ("utf-32", 8)])
def test_columns_count_code_units_of_the_encoding(encoding, expected):
    text = 'x\na = "é😀" and'
    index = LineIndex(text, encoding)
    offset = text.index(" and")
    assert index.position(offset) == (1, expected)
    assert index.offset(1, expected) == offset
    assert units('"é😀"', encoding) == expected - len("a = ")


def test_every_offset_round_trips_and_crlf_lines_end_before_the_return():
    text = "a 😀 b\r\nsegment é:\r\n\r\n  x 𝔘 y\nlast"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        if text[offset - 1:offset + 1] == "\r\n" or (0 < offset < len(text) and 0xD800 <= ord(text[offset]) <= 0xDFFF):
            continue  # between \r and \n is no position
        assert index.offset(*index.position(offset)) == offset
    assert index.line_text(0) == "a 😀 b"
    assert index.offset(0, 99) == len("a 😀 b")  # past the end of a line clamps to its end


def test_a_lone_carriage_return_ends_a_line_as_the_parser_reads_it():
    index = LineIndex("a\rsegment b:\r\n  c\nd")
    assert [index.line_text(n) for n in range(4)] == ["a", "segment b:", "  c", "d"]
    assert index.position(len("a\rsegment b:\r\n  ")) == (2, 2)


def test_spans_become_ranges_from_their_line_and_column():
    text = 'segment s "😀":\n    has ordrs\n'
    span = ast.Span("t.seg", 1, 11, 2, 14, 10, 29)
    assert LineIndex(text).span_range(span) == ((0, 10), (1, 13))
    assert LineIndex(text).span_range(ast.Span("t.seg", 1, 13, 1, 14, 12, 13)) == ((0, 13), (0, 14))
    assert LineIndex(text, "utf-8").span_range(ast.Span("t.seg", 1, 13, 1, 14, 12, 13)) == ((0, 15), (0, 16))
    assert LineIndex(text).span_range(ast.Span("t.seg", 9, 1, 9, 2, 0, 0)) == ((2, 0), (2, 0))


# ---- the resilient parse -----------------------------------------------------


def test_statements_that_parse_keep_their_positions_when_another_does_not():
    text = PROGRAM.replace("sum(orders.amount) in top 10%", "sum(orders.amount) in top")
    module, broken = parse_statements(text, "t.seg")
    names = [s.name.name for s in module.statements]
    assert "big_spenders" not in names and {"gifters", "lifecycle", "champions", "lapse"} <= set(names)
    assert [text[start:end].split()[1] for start, end in broken] == ["big_spenders"]
    whole, _ = parse_statements(PROGRAM, "t.seg")
    shift = len(text) - len(PROGRAM)
    for stmt, same in zip(module.statements, [s for s in whole.statements if s.name.name != "big_spenders"]):
        assert stmt == same
        moved = stmt.span.start >= text.index("segment gifters")
        assert (stmt.span.start, stmt.span.line) == (same.span.start + (shift if moved else 0), same.span.line)
        assert (stmt.name.span.line, stmt.name.span.column) == (same.name.span.line, same.name.span.column)
        assert text[stmt.name.span.start:stmt.name.span.end] == stmt.name.name
    gifters = next(s for s in module.statements if s.name.name == "gifters")
    flowers = gifters.condition.operands[0].left.events.where.right  # count(orders where category = "flowers" ...)
    assert text[flowers.span.start:flowers.span.end] == '"flowers"'
    assert (flowers.span.line, flowers.span.column) == (text[:flowers.span.start].count("\n") + 1,
                                                         flowers.span.start - text.rfind("\n", 0, flowers.span.start))


def test_after_an_edit_only_the_declaration_edited_is_parsed_again():
    text = MODEL + "".join(f"segment s{i}:\n    has orders\n" for i in range(2000))
    parse_statements(text, "edit.seg")
    edited = text.replace("segment s999:\n    has orders", "segment s999:\n    has orders or has tickets")
    assert characters_parsed(lambda: parse_statements(edited, "edit.seg")) == len(
        "segment s999:\n    has orders or has tickets\n")
    module, broken = parse_statements(edited, "edit.seg")
    assert broken == [] and len(module.statements) == 5 + 2000
    later = module.statements[-1]  # moved by the edit, not parsed again
    assert (later.span.start, later.span.line) == (edited.index("segment s1999"), edited.count("\n") - 1)


def test_an_outline_reads_the_lines_of_its_document_once():
    text = MODEL + "".join(f"segment s{i}:\n    has orders\n" for i in range(5000))
    doc = Document("outline.seg", text, parse_statements(text, "outline.seg")[0], None, (), {})
    assert calls(LineIndex.__init__, lambda: [lsp_range(text, s.decl.span) for s in doc.outline()]) <= 1
    assert calls(LineIndex.__init__, lambda: [lsp_range(text, s.span) for s in doc.outline()]) == 0


def test_the_checked_program_skips_broken_statements_else_is_the_last_good_one():
    good = load_text(PROGRAM, "t.seg")
    broken = PROGRAM.replace('country in ("US", "CA")', 'country in ("US", "CA"')
    doc = analyze(broken, "t.seg")
    assert doc.problems and "big_spenders" in doc.program.segments and "gifters" not in doc.program.segments
    referenced = PROGRAM.replace("sum(orders.amount) in top 10%", "sum(orders.amount) in top")
    assert analyze(referenced, "t.seg").program is None  # lifecycle needs the broken big_spenders
    assert analyze(referenced, "t.seg", good).program is good
    unknown = PROGRAM.replace("no orders in last lapse", "no ordres in last lapse")  # parses, does not check
    doc = analyze(unknown, "t.seg", good)
    assert [p.message for p in doc.problems] == ["unknown event set 'ordres'"]
    assert doc.program is good


# ---- completion --------------------------------------------------------------

CASES = [
    # (text with a cursor, labels that must be offered, labels that must not)
    ("|", {"segment", "segmentation", "events", "param", "import"}, {"has", "orders"}),
    (PROGRAM + "\nsegment s:\n    |", {"has", "no", "not", "count", "sum", "days_since_last", "decile",
                                       "big_spenders", "lifecycle", "lapse", "age", "country", "orders"},
     {"segment", "where", "amount"}),
    (PROGRAM + "\nsegment s:\n    has |", {"orders", "tickets"}, {"big_spenders", "lapse", "has"}),
    (PROGRAM + "\nsegment s:\n    orders then no |", {"orders", "tickets"}, {"big_spenders"}),
    (PROGRAM + "\nsegment s:\n    count(|", {"orders", "tickets"}, {"age"}),
    (PROGRAM + "\nsegment s:\n    avg(|", {"orders", "tickets"}, {"age"}),
    (PROGRAM + "\nsegment s:\n    count(distinct |", {"orders", "tickets"}, {"age"}),
    (PROGRAM + "\nsegment s:\n    avg(orders.|", {"amount", "category", "customer_id", "ordered_at"}, {"topic"}),
    (PROGRAM + "\nsegment s:\n    max(tickets.|", {"topic", "opened_on", "customer_id"}, {"amount"}),
    (PROGRAM + "\nsegment s:\n    has orders where |", {"amount", "category", "lapse", "not"}, {"topic", "age"}),
    (PROGRAM + "\nsegment s:\n    has orders in last 9 days where cat|", {"category"}, {"age"}),
    (PROGRAM + "\nsegment s:\n    count(orders where amount > 3 and |)", {"category", "region"}, {"country"}),
    (PROGRAM + "\nsegment s:\n    count(distinct orders.category where |)", {"amount"}, {"country"}),
    (PROGRAM + "\nsegment s:\n    orders where |", {"amount"}, {"country"}),
    (PROGRAM + "\nsegment s:\n    no orders in last |", {"lapse", "region"}, {"age", "orders", "big_spenders"}),
    (PROGRAM + "\nsegment s:\n    orders then tickets within |", {"lapse"}, {"age"}),
    (PROGRAM + "\nsegment s:\n    age > 3 |", {"and", "or", "segment"}, {"between", "age", "big_spenders"}),
    (PROGRAM + "\nsegment s:\n    age |", {"between", "in", "is", "like", "not", "segment"}, {"age", "big_spenders"}),
    (PROGRAM + "\nsegment s:\n    has orders in |", {"last"}, {"age"}),
    (PROGRAM + "\nsegment s:\n    has orders in last 3 |", {"days", "weeks", "months", "years"}, {"lapse"}),
    (PROGRAM + "\nsegment |", set(), {"big_spenders", "has"}),
    (PROGRAM + "\nsegmentation z:\n    a when big_spenders\n    |", {"else", "and"}, {"big_spenders"}),
    (PROGRAM + "\nsegmentation z:\n    a when big_spenders\n    else |", set(), {"big_spenders"}),
    (MODEL + "events visits from web.views by |", set(), {"age", "has"}),
    (MODEL + "\nsegment s:\n    count(orders) >= 2 # has |", set(), {"orders", "has"}),
    (MODEL + '\nsegment s:\n    region = "has |', set(), {"orders", "has"}),
    (MODEL + '\nsegment s:\n    region = "a\\"b" and has |', {"orders"}, {"has"}),
]


@pytest.mark.parametrize("text, offered, not_offered", CASES)
def test_completion(text, offered, not_offered):
    found = completions(text)
    assert offered <= set(found)
    assert not (not_offered & set(found))


def test_keywords_are_the_grammars_and_names_carry_their_kind():
    found = completions(PROGRAM + "\nsegment s:\n    |")
    assert found["has"] == "keyword" and found["big_spenders"] == "segment" and found["orders"] == "event"
    assert found["lifecycle"] == "segmentation" and found["lapse"] == "param" and found["age"] == "column"
    text, offset = at(PROGRAM + "\nsegment s:\n    |")
    details = {c.label: c.detail for c in complete(analyze(text, "t.seg"), offset)}
    assert details["big_spenders"] == "Top 10% by lifetime spend"
    assert details["lapse"] == "= 90" and details["region"] == '= "EU"'
    assert details["orders"] == "shop.orders"


def test_completion_in_a_file_with_errors_uses_what_parses():
    broken = (PROGRAM + "\nsegment s:\n    has |\n\nsegment half:\n    count(orders) >\n\n"
              "segment after:\n    has tickets\n")
    found = completions(broken)
    assert set(found) == {"orders", "tickets"}
    found = completions(broken.replace("has |", "| and"))
    assert {"after", "big_spenders", "age"} <= set(found) and "half" not in found


def test_columns_come_from_a_catalog_too():
    text, offset = at(PROGRAM + "\nsegment s:\n    sum(orders.|")
    catalog = Database({("shop", "orders"): {"order_id": "BIGINT", "amount": "DOUBLE"},
                        ("shop", "customers"): {"customer_id": "BIGINT", "tier": "VARCHAR"}})
    found = {c.label: c.detail for c in complete(analyze(text, "t.seg"), offset, catalog)}
    assert found["order_id"] == "shop.orders BIGINT" and found["category"] == "shop.orders"
    text, offset = at(PROGRAM + "\nsegment s:\n    |")
    assert "tier" in {c.label for c in complete(analyze(text, "t.seg"), offset, catalog)}
    text, offset = at("customers from |")
    assert {c.label for c in complete(analyze(text, "t.seg"), offset, catalog)} == {"shop.orders", "shop.customers"}
    text, offset = at("customers from shop.customers key |")
    assert {c.label for c in complete(analyze(text, "t.seg"), offset, catalog)} == {"customer_id", "tier"}
    for typing in ("events o from shop.orders by |", "events o from shop.orders by x at y where |"):
        text, offset = at(MODEL + typing)
        assert {"order_id", "amount"} <= {c.label for c in complete(analyze(text, "t.seg"), offset, catalog)}
    text, offset = at("customers from shop.|")
    assert {c.label for c in complete(analyze(text, "t.seg"), offset, catalog)} == {"orders", "customers"}



def test_unqualified_tables_are_in_the_database_default_schema():
    database = Database({("public", "orders"): {"amount": "numeric"}, ("main", "orders"): {"other": "INTEGER"}},
                        ("public",))
    model = "customers from customers key id\nevents orders from orders by id at at_\nsegment s:\n    sum(orders."
    text, offset = at(model + "|")
    in_use = {"id", "at_"}
    assert {c.label for c in complete(analyze(text, "t.seg"), offset, database)} == {"amount"} | in_use
    text = model + "amount) > 1\n"
    found, _ = hover(analyze(text, "t.seg"), text.rindex("amount"), "duckdb", database)
    assert found.endswith("(orders): numeric")


# ---- hover and definition -----------------------------------------------------


def test_hover_on_segments_shows_description_and_sql_of_the_dialect():
    doc = analyze(PROGRAM, "t.seg")
    program = load_text(PROGRAM, "t.seg")
    text, span = hover(doc, PROGRAM.index("big_spenders and") + 2, "bigquery")
    assert text.startswith("**segment** `big_spenders`\n\nTop 10% by lifetime spend\n\nSQL (bigquery):")
    assert to_sql(program, "bigquery", "big_spenders") in text
    assert PROGRAM[span.start:span.end] == "big_spenders"
    text, _ = hover(doc, PROGRAM.index('lifecycle = "champion"'), "tsql")
    assert "First match wins" in text and to_sql(program, "tsql", "lifecycle") in text


@pytest.mark.parametrize("needle, expected", [
    ("lapse days", "**param** `lapse` = `90`"),
    ("region", '**param** `region` = `"EU"`'),
    ("tickets from", '**event** `tickets`\n\n```segdsl\nevents tickets from support.tickets by customer_id at '
                     'opened_on date where topic != "spam"\n```'),
    ("orders where", "**event** `orders`\n\n```segdsl\n"
                     "events orders from shop.orders by customer_id at ordered_at\n```"),
    ("category =", "**column** `category` of events `orders` (shop.orders)"),
    ("amount)", "**column** `amount` of events `orders` (shop.orders)"),
    ("topic", "**column** `topic` of events `tickets` (support.tickets)"),
    ("age >=", "**column** `age` of `customers` (shop.customers)"),
    ("champion when", "**label** `champion`"),
    ("shop.orders", "**table** `shop.orders`"),
])
def test_hover(needle, expected):
    doc = analyze(PROGRAM, "t.seg")
    text, _span = hover(doc, PROGRAM.index(needle) + 1)
    assert text == expected


def test_hover_on_a_parameter_shows_the_checked_value():
    doc = analyze(PROGRAM.replace("param lapse = 90", "param lapse = 0090"), "t.seg")
    assert hover(doc, doc.text.index("lapse days"))[0] == "**param** `lapse` = `90`"
    assert hover(doc, doc.text.index("segment gifters")) is None


@pytest.mark.parametrize("needle, declared", [
    ("big_spenders and", 'big_spenders "Top'), ("lapse days", "lapse = 90"), ("orders where", "orders from"),
    ('lifecycle = "', 'lifecycle "First'), ("tickets.", "tickets from"), ("gifters", "gifters"),
])
def test_definition(needle, declared):
    text = PROGRAM + "\nsegment t:\n    max(tickets.opened_on) in last 7 days\n"
    span = definition(analyze(text, "t.seg"), text.index(needle) + 1)
    assert (span.file, span.start) == ("t.seg", text.index(declared))
    assert text[span.start:span.end] == declared.split()[0]


def test_no_definition_for_columns_keywords_and_labels():
    doc = analyze(PROGRAM, "t.seg")
    for needle in ("category", "age", "segment gifters", "champion when", "customer_id"):
        assert definition(doc, PROGRAM.index(needle) + 1) is None


def test_in_a_filter_a_name_is_a_column_unless_a_parameter_has_it():
    text = MODEL + "\nsegment region_x:\n    has orders where region = \"x\" and customer_id = lapse\n"
    doc = analyze(text, "t.seg")
    assert definition(doc, text.index("lapse\n")).start == text.index("lapse = 90")
    assert definition(doc, text.index("region = ") + 1).start == text.index("region = \"EU\"")
    assert definition(doc, text.index("customer_id = lapse")) is None


def test_a_problem_in_an_imported_file_shows_at_the_import():
    pytest.importorskip("pygls")
    from segdsl.tools.lsp.document import Document
    from segdsl.tools.lsp.server import lsp_diagnostic

    model = 'customers from shop.customers key id\nparam p = "😀x"\nsegment s: bad\n'
    main = 'import "model.seg"\nsegment t: s\n'
    module, _ = parse_statements(main, "/w/main.seg")
    span = ast.Span("/w/model.seg", 3, 12, 3, 15, model.index("bad"), model.index("bad") + 3)
    doc = Document("/w/main.seg", main, module, None, (), {"/w/main.seg": main, "/w/model.seg": model})
    found = lsp_diagnostic(doc, "file:///w/main.seg", Diagnostic("unknown segment 'bad'", span, "did you mean 's'?"),
                           "utf-16")
    assert found.message == "/w/model.seg:3:12: unknown segment 'bad'\nhint: did you mean 's'?"
    assert (found.range.start.line, found.range.start.character, found.range.end.character) == (0, 0, 18)
    [related] = found.related_information
    assert related.location.uri == "file:///w/model.seg"
    assert (related.location.range.start.line, related.location.range.start.character) == (2, 11)


# ---- robustness: whatever the editor holds, no exception escapes ---------------


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(EXAMPLES), st.data())
def test_any_cut_or_mutation_of_an_example_is_answered(path, data):
    text = path.read_text(encoding="utf-8")
    cut = data.draw(st.integers(0, len(text)))
    start = data.draw(st.integers(0, cut))
    junk = data.draw(st.text(alphabet=st.sampled_from(list("()\"'`.#:= \n\tx1-%é😀")), max_size=4))
    edited = text[:start] + junk + text[cut:]
    doc = analyze(edited, path.name)
    offset = data.draw(st.integers(0, len(edited)))
    complete(doc, offset)
    hover(doc, offset)
    definition(doc, offset)


def test_declarations_of_another_file_of_the_program_are_found_there():
    """With imports, Program.sources holds several files: names declared in another resolve to it."""
    model_text = 'customers from shop.customers key id\nevents orders from shop.orders by id at ts\nparam n = 3\n' \
                 'segment buyers "Bought":\n    has orders\n'
    program = load_text(model_text, "/w/model.seg")
    main = 'import "model.seg"\nsegment repeat:\n    buyers and count(orders) >= n\n'
    module, _ = parse_statements(main, "/w/main.seg")
    from segdsl.tools.lsp.document import Document

    doc = Document("/w/main.seg", main, module, program, (), {"/w/main.seg": main})
    span = definition(doc, main.index("buyers and"))
    assert (span.file, model_text[span.start:span.end], span.line) == ("/w/model.seg", "buyers", 4)
    assert definition(doc, main.index("orders)")).file == "/w/model.seg"
    text, _ = hover(doc, main.index("buyers and"))
    assert "Bought" in text and to_sql(program, "duckdb", "buyers") in text
    assert hover(doc, main.index("n\n"))[0] == "**param** `n` = `3`"
    assert hover(doc, main.index("orders)"))[0] == ("**event** `orders`\n\n```segdsl\n"
                                                     "events orders from shop.orders by id at ts\n```")
    text, offset = at(main + "    and has |")
    doc = Document("/w/main.seg", text, parse_statements(text, "/w/main.seg")[0], program, (), {})
    assert {c.label for c in complete(doc, offset)} == {"orders"}
    text, offset = at(main + "    and |")
    doc = Document("/w/main.seg", text, parse_statements(text, "/w/main.seg")[0], program, (), {})
    assert {"buyers", "n", "orders", "id"} <= {c.label for c in complete(doc, offset)}


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("   \n# only a comment\n", "no entity table declared"),
    ("segment s:\n    has orders\n", "no entity table declared"),
])
def test_a_problem_of_the_whole_file_is_shown_at_its_start(text, message):
    pytest.importorskip("pygls")
    from segdsl.tools.lsp.server import lsp_diagnostic

    doc = analyze(text, "/w/t.seg")
    [found] = [lsp_diagnostic(doc, "file:///w/t.seg", p) for p in doc.problems if p.message.startswith(message)]
    assert (found.range.start.line, found.range.start.character, found.range.end.line) == (0, 0, 0)
    assert found.range.end.character <= 1


# ---- rules 11 and 12: the calendar and regularity ----------------------------------------

@pytest.mark.parametrize("text, offered, not_offered", [
    (PROGRAM + "\nsegment s:\n    |", {"anniversary", "years_since", "active_days", "active_weeks", "active_months",
                                       "sessions"}, set()),
    (PROGRAM + "\nsegment s:\n    age in |", {"next", "last", "top"}, {"orders"}),
    (PROGRAM + "\nsegment s:\n    age in next |", {"lapse"}, {"orders", "age"}),
    (PROGRAM + "\nsegment s:\n    age in next 3 |", {"days", "weeks", "months", "years"}, {"lapse"}),
    (PROGRAM + "\nsegment s:\n    active_weeks(|", {"orders", "tickets"}, {"age"}),
    (PROGRAM + "\nsegment s:\n    sessions(|", {"orders", "tickets"}, {"age"}),
    (PROGRAM + "\nsegment s:\n    sessions(orders, 30 |", {"minutes", "hours", "days"}, {"age"}),
    (PROGRAM + "\nsegment s:\n    anniversary(|", {"age"}, {"segment"}),
])
def test_completion_of_the_calendar_and_regularity(text, offered, not_offered):
    found = completions(text)
    assert offered <= set(found)
    assert not (not_offered & set(found))


def test_hover_explains_the_words_of_the_calendar_and_of_regularity():
    text = PROGRAM + ("\nsegment s:\n    age in next 3 days and years_since(age) > 1 # sessions\n"
                      "    and sessions(orders, 30 minutes) > `sessions`\n")
    doc = analyze(text, "t.seg")
    found, span = hover(doc, text.index("next 3") + 1)
    assert found.startswith("`in next N days|weeks|months|years`") and text[span.start:span.end] == "next"
    found, span = hover(doc, text.index("years_since(") + 3)
    assert found.startswith("`years_since(x)`")
    assert (span.line, span.column, span.end_column) == (text.count("\n", 0, span.start) + 1, 28, 39)
    assert hover(doc, text.index("sessions(orders") + 2)[0].startswith("`sessions(E, G)`")
    assert hover(doc, text.index("# sessions") + 4) is None                # in a comment
    assert hover(doc, text.index("`sessions`") + 2)[0].startswith("**column**")  # a column so named


def test_completion_and_hover_of_the_statistics():
    assert {"median", "most_frequent"} <= set(completions(PROGRAM + "\nsegment s:\n    |"))
    assert {"orders", "tickets"} <= set(completions(PROGRAM + "\nsegment s:\n    median(|"))
    text = PROGRAM + "\nsegment s:\n    median(orders.amount) > 1 and most_frequent(orders.category) = \"pet\"\n"
    doc = analyze(text, "t.seg")
    assert hover(doc, text.index("median(") + 2)[0].startswith("`median(E.col)`: the middle of the known values")
    found, span = hover(doc, text.index("most_frequent(") + 5)
    assert found.startswith("`most_frequent(E.col)`") and text[span.start:span.end] == "most_frequent"
