"""`segdsl fmt`: idempotent, meaning-preserving, comments kept in place; the layout facts; the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from engines.programs import cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from refusals import sql_or_refused

from segdsl.cli.main import main
from segdsl.compile.compiler import load_text
from segdsl.dialects import DIALECTS
from segdsl.errors import SegdslError
from segdsl.lang.parse import parse
from segdsl.tools import fmt

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.seg"))
AS_OF = date(2024, 6, 30)


def sql_everywhere(text: str, params: dict[str, str] | None = None, as_of: date = AS_OF,
                   file: str = "x.seg") -> dict[str, str | None]:
    """The whole file's SQL (every segment and segmentation in one statement), for every dialect (None where
    it refuses a zoned program by rule 9); imports resolve next to `file`."""
    program = load_text(text, file, params or None)
    return {d: sql_or_refused(program, d, None, as_of) for d in DIALECTS}


def comment_places(text: str) -> list[tuple[str, str, int]]:
    """Each comment, whether it ends a line of code or stands on its own, and how many
    tokens come before it (commas aside: fmt drops a trailing one)."""
    tokens = [t for t in fmt._tokens(fmt._token_parser().parse(text)) if t != ","]
    places = []
    for match in re.finditer(r"#[^\n]*", text):
        before = [t for t in tokens if t.end_pos <= match.start()]
        if any(t.start_pos <= match.start() < t.end_pos for t in tokens):
            continue  # a '#' inside a string
        line = text.count("\n", 0, match.start()) + 1
        kind = "trailing" if before and before[-1].end_line == line else "own line"
        places.append((match.group().rstrip(), kind, len(before)))
    return places


def assert_formats_well(text: str, params: dict[str, str] | None = None, as_of: date = AS_OF,
                        compile_sql: bool = True, file: str = "x.seg") -> str:
    """Idempotent, the same syntax tree (so the same SQL: `compile_sql` checks that too), the comments in place."""
    formatted = fmt.format_text(text)
    assert fmt.format_text(formatted) == formatted, "formatting twice changes the text"
    assert parse(formatted).statements == parse(text).statements
    if compile_sql:
        assert sql_everywhere(formatted, params, as_of, file) == sql_everywhere(text, params, as_of, file)
    assert comment_places(formatted) == comment_places(text)
    return formatted


# ---- every example, every generated program ---------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_format_idempotently_and_keep_their_meaning(path: Path) -> None:
    text = path.read_text()
    formatted = assert_formats_well(text, file=str(path))
    assert formatted == text, "the examples are kept in the canonical layout (run `segdsl fmt examples`)"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_squashed_onto_few_lines_come_back(path: Path) -> None:
    """Whatever the spacing, the layout is the same: squash every statement onto one line."""
    text = re.sub(r"[ \t]*#[^\n]*", "", path.read_text())  # (no '#' inside the examples' strings)
    squashed = re.sub(r"\n[ \t]+", " ", re.sub(r"\n\s*\n", "\n", text))
    expected = fmt.format_text(text)
    assert assert_formats_well(squashed, file=str(path)) == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_generated_programs_format_idempotently_and_keep_their_meaning(case) -> None:
    assert_formats_well(case.source, case.params, case.as_of)


@st.composite
def commented(draw):
    """A generated program with comments at random line ends and on lines of their own."""
    case = draw(cases())
    lines = []
    texts = st.sampled_from(["# note", "#", "# 'quoted' and \"double\" # hash", "#and or (", "#  spaced  "])
    for i, line in enumerate(case.source.splitlines()):
        if draw(st.integers(0, 4)) == 0:
            indent = draw(st.sampled_from(["", "  ", "        "]))
            lines.append(indent + draw(texts) + f" own {i}")
        if draw(st.integers(0, 2)) == 0:
            line += draw(st.sampled_from([" ", "   ", "\t"])) + draw(texts) + f" end {i}"
        lines.append(line)
        if draw(st.integers(0, 6)) == 0:
            lines.append("")
    return case, "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(commented())
def test_comments_stay_in_place_in_generated_programs(drawn) -> None:
    case, text = drawn
    assert_formats_well(text, case.params, case.as_of, compile_sql=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases(), st.data())
def test_comments_between_any_two_tokens_stay_in_place(case, data) -> None:
    """A comment after any token (so the next token starts a line): the program and comments survive."""
    tokens = fmt._tokens(fmt._token_parser().parse(case.source))
    picked = sorted(set(data.draw(st.lists(st.integers(0, len(tokens) - 1), max_size=6))))
    text = case.source
    for i in reversed(picked):
        end = tokens[i].end_pos
        own_line = data.draw(st.booleans())
        text = text[:end] + (f"\n# own {i}\n" if own_line else f"  # after {i}\n") + text[end:]
    assert_formats_well(text, case.params, case.as_of, compile_sql=False)


# ---- the layout ---------------------------------------------------------------------------

HEAD = "customers from shop.customers key customer_id\n\nevents orders from shop.orders by customer_id at ordered_at\n"

LAYOUT = [
    # (source after HEAD, formatted after HEAD)
    ("segment a:count(orders)>=2 and has  orders in last 7 days\n",
     "\nsegment a:\n    count(orders) >= 2 and has orders in last 7 days\n"),
    ("segment a 'Single \\'quoted\\'':\n  country='US'\n",
     "\nsegment a \"Single 'quoted'\":\n    country = \"US\"\n"),
    ('segment a: age <> 3 and country in ("US", "CA",)\n',
     '\nsegment a:\n    age != 3 and country in ("US", "CA")\n'),
    ("segment a: has orders in last 1 days and no orders between 1 and 2 day ago and age = - 1\n",
     "\nsegment a:\n    has orders in last 1 day and no orders between 1 and 2 days ago and age = -1\n"),
    ("segment a: sum( orders.amount ) in top 10 % and quintile ( count(orders) ) = 5 and age - -1 > 2\n",
     "\nsegment a:\n    sum(orders.amount) in top 10% and quintile(count(orders)) = 5 and age - -1 > 2\n"),
    ("segment a: orders   then no orders within 1 weeks\n",
     "\nsegment a:\n    orders then no orders within 1 week\n"),
    # rules 11 and 12: function calls tight, units of a window and of a session gap singular or plural
    ("segment a: ends in next 1 days and anniversary ( born ) in next 2 week and years_since( born )>=18\n",
     "\nsegment a:\n    ends in next 1 day and anniversary(born) in next 2 weeks and years_since(born) >= 18\n"),
    ("segment a: active_weeks ( orders in last 4 week )>=3 and sessions( orders,30 minute ) > "
     "sessions(orders, 1 hours)\n",
     "\nsegment a:\n    active_weeks(orders in last 4 weeks) >= 3\n"
     "    and sessions(orders, 30 minutes) > sessions(orders, 1 hour)\n"),
    # rule 14: the statistics' calls tight
    ("segment a: median ( orders.amount in last 365 day )>40 and most_frequent( orders.category )= \"books\"\n",
     "\nsegment a:\n    median(orders.amount in last 365 days) > 40\n"
     "    and most_frequent(orders.category) = \"books\"\n"),
    # a long condition breaks before each top-level and/or, not inside parentheses that fit
    ("segment a: (age > 18 or age is null) and has orders in last 30 days and count(orders in last 365 days) >= 10 "
     "or country = \"US\"\n",
     "\nsegment a:\n    (age > 18 or age is null)\n    and has orders in last 30 days\n"
     "    and count(orders in last 365 days) >= 10\n    or country = \"US\"\n"),
    # parentheses that do not fit open onto lines of their own
    ("segment a: not (has orders where amount > 1000000 in last 30 days and count(orders in last 365 days) >= 10 "
     "and country = \"US\")\n",
     "\nsegment a:\n    not (\n        has orders where amount > 1000000 in last 30 days\n"
     "        and count(orders in last 365 days) >= 10\n        and country = \"US\"\n    )\n"),
    # segmentation labels aligned, long rule conditions continue under the condition
    ("segmentation g: 'a b' when age > 1 x when has orders in last 30 days and count(orders in last 365 days) >= 10 "
     "and country = \"US\" else 'other'\n",
     "\nsegmentation g:\n    \"a b\" when age > 1\n    x     when has orders in last 30 days\n"
     "               and count(orders in last 365 days) >= 10\n"
     "               and country = \"US\"\n    else \"other\"\n"),
    # one blank line between segments, none kept twice
    ("\n\n\nsegment a: age > 1\n\n\n\nsegment b: age > 2\nsegment c: age > 3\n",
     "\nsegment a:\n    age > 1\n\nsegment b:\n    age > 2\n\nsegment c:\n    age > 3\n"),
]


@pytest.mark.parametrize(("source", "expected"), LAYOUT)
def test_layout(source: str, expected: str) -> None:
    assert fmt.format_text(HEAD + source) == HEAD + expected
    assert_formats_well(HEAD + source)


def test_declarations_grouped_and_aligned() -> None:
    source = """# header
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at   # orders
events page_views from web.page_views by visitor_id at viewed_at where kind='view'

events tickets from support.tickets by customer_id at opened_on date
param lapse=90 # days
param vip_share = 5   # percent
segment a: age > 1
"""
    assert fmt.format_text(source) == """# header
customers from shop.customers key customer_id

events orders     from shop.orders    by customer_id at ordered_at                     # orders
events page_views from web.page_views by visitor_id  at viewed_at where kind = "view"

events tickets from support.tickets by customer_id at opened_on date

param lapse = 90     # days
param vip_share = 5  # percent

segment a:
    age > 1
"""


def test_comments_in_awkward_places() -> None:
    source = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
segment a:   # about a
    # the first test
    age > 1 and  # after and
    country in ("US",  # the US
        "CA") or (age < 5
        # inside
        and age > 2)
segmentation g:
    x when a  # x
    # y next
    y when not a
    else z  # last
# the end
"""
    formatted = assert_formats_well(source)
    assert formatted == """customers from shop.customers key customer_id

events orders from shop.orders by customer_id at ordered_at

segment a:  # about a
    # the first test
    age > 1
    and  # after and
    country in (
        "US",  # the US
        "CA"
    )
    or (
        age < 5
        # inside
        and age > 2
    )

segmentation g:
    x when a  # x
    # y next
    y when not a
    else z  # last
# the end
"""


def test_joins_take_lines_of_their_own_under_their_declaration() -> None:
    """Rule 16: each `with ... on ...` on a line of its own, indented, a filter after the last; paths tight."""
    source = ("lookup brands from shop.brands key brand_id\nlookup products from shop.products key product_id "
              "with brands on brand_id\ncustomers from shop.customers key customer_id  with regions on region_id\n"
              "lookup regions from shop.regions key region_id\nevents orders from shop.orders by customer_id at "
              "ordered_at with products on product_id where amount>1\n"
              "segment a: regions . name = 'x' and count(orders where products.brands.name='y')>1\n")
    assert fmt.format_text(source) == (
        "lookup brands from shop.brands key brand_id\nlookup products from shop.products key product_id\n"
        "    with brands on brand_id\n\ncustomers from shop.customers key customer_id\n    with regions on region_id\n"
        "\nlookup regions from shop.regions key region_id\n\nevents orders from shop.orders by customer_id at "
        "ordered_at\n    with products on product_id where amount > 1\n\nsegment a:\n"
        "    regions.name = \"x\" and count(orders where products.brands.name = \"y\") > 1\n")
    assert_formats_well(source)


def test_a_file_of_comments_only_stays() -> None:
    assert fmt.format_text("# one\n\n\n# two   \n") == "# one\n\n# two\n"


def test_a_window_after_a_bare_filter_keeps_its_place() -> None:
    """`orders in last 7 days where gift` and `orders where gift in last 7 days` parse differently."""
    for source in ("segment a: has orders in last 7 days where gift\n",
                   "segment a: has orders where gift in last 7 days\n"):
        formatted = fmt.format_text(HEAD + source)
        assert parse(formatted).statements == parse(HEAD + source).statements


def test_syntax_errors_are_positioned_and_nothing_is_formatted() -> None:
    with pytest.raises(SegdslError) as info:
        fmt.format_text(HEAD + "segment a:\n    age >\n", "bad.seg")
    assert info.value.diagnostics[0].span.line == 5


def test_long_chains_format_one_operand_a_line_and_keep_their_meaning() -> None:
    terms = 5000
    conditions = HEAD + "segment a: " + " and ".join(f"age > {i}" for i in range(terms)) + "\n" \
        + "segment b: count(orders where " + " or ".join(f"amount = {i}" for i in range(terms)) + ") > 1\n"
    formatted = fmt.format_text(conditions)
    assert fmt.format_text(formatted) == formatted
    assert parse(formatted).statements == parse(conditions).statements
    assert "\n    and age > 4999\n" in formatted and "\n        or amount = 4999) > 1\n" in formatted
    arithmetic = HEAD + "segment c: age" + "".join(f" {'+-*'[i % 3]}{i}" for i in range(terms)) + " > 1\n"
    formatted = fmt.format_text(arithmetic)
    assert formatted.endswith(" + 4998 - 4999 > 1\n") and parse(formatted).statements == parse(arithmetic).statements


def test_nesting_too_deep_is_positioned_and_nothing_is_formatted() -> None:
    with pytest.raises(SegdslError) as info:
        fmt.format_text(HEAD + "segment a:\n    " + "not " * 1000 + "age > 1\n", "deep.seg")
    (problem,) = info.value.diagnostics
    assert problem.message.startswith("nested too deeply") and (problem.span.line, problem.span.column) == (5, 261)


# ---- the command -------------------------------------------------------------------------


def test_cli_formats_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    messy, clean = tmp_path / "sub" / "messy.seg", tmp_path / "clean.seg"
    messy.write_text(HEAD + "segment a:age>1\n")
    clean.write_text(fmt.format_text(HEAD + "segment a:age>1\n"))
    result = CliRunner().invoke(main, ["fmt", "--check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [str(messy)]
    assert messy.read_text() == HEAD + "segment a:age>1\n", "--check writes nothing"

    result = CliRunner().invoke(main, ["fmt", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert messy.read_text() == clean.read_text()
    assert f"reformatted {messy}" in result.stderr

    result = CliRunner().invoke(main, ["fmt", "--check", str(messy), str(clean)])
    assert (result.exit_code, result.stdout) == (0, "")


def test_cli_leaves_a_broken_file_untouched_and_goes_on(tmp_path: Path) -> None:
    bad, good = tmp_path / "bad.seg", tmp_path / "good.seg"
    bad.write_text(HEAD + "segment a:\n    age > 'x\n")
    good.write_text(HEAD + "segment a:age>1\n")
    result = CliRunner().invoke(main, ["fmt", str(bad), str(good)])
    assert result.exit_code == 1
    assert f"{bad}:5:11: error: unexpected character" in result.stderr
    assert "    age > 'x" in result.stderr and "Traceback" not in result.output
    assert bad.read_text() == HEAD + "segment a:\n    age > 'x\n"
    assert good.read_text() == fmt.format_text(HEAD + "segment a:age>1\n")


def test_cli_reports_unreadable_files(tmp_path: Path) -> None:
    binary = tmp_path / "latin1.seg"
    binary.write_bytes(HEAD.encode() + b"segment a: country = '\xe9'\n")
    result = CliRunner().invoke(main, ["fmt", str(binary), str(tmp_path / "missing.seg")])
    assert result.exit_code == 1
    assert f"{binary}:{HEAD.count(chr(10)) + 1}:23: error: the file is not valid UTF-8 (byte 0xe9)" in result.stderr
    assert "cannot read" in result.stderr


def test_cli_formats_standard_input() -> None:
    result = CliRunner().invoke(main, ["fmt", "-"], input=HEAD + "segment a:age>1\n")
    assert result.exit_code == 0
    assert result.stdout == fmt.format_text(HEAD + "segment a:age>1\n")
    result = CliRunner().invoke(main, ["fmt", "--check", "-"], input=HEAD + "segment a:age>1\n")
    assert (result.exit_code, result.stdout) == (1, "-\n")


def test_standard_input_is_read_as_bytes_from_the_real_stream() -> None:
    """Not through CliRunner: the process's own stdin, decoded as a .seg file is (UTF-8, BOM allowed)."""
    source = HEAD + "segment cafe:country='\u00e9'\n"
    done = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-m", "segdsl", "fmt", "-"],
                          input=b"\xef\xbb\xbf" + source.encode(), capture_output=True, check=False)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.decode() == fmt.format_text(source)


def test_a_trait_fits_on_one_line_or_breaks_after_its_equals_sign() -> None:
    head = "customers from c key id\n\nevents o from o by id at at\n\n"
    short = 'trait ltv "Lifetime spend" = sum(o.amount)\n'
    assert fmt.format_text(head + 'trait   ltv "Lifetime spend"=sum( o.amount )\n') == head + short
    long = f"trait spend_on_books = sum(o.amount where category = \"books\" in last 365 days) / {'count(o) + ' * 3}1\n"
    assert fmt.format_text(head + long) == head + (
        'trait spend_on_books =\n    sum(o.amount where category = "books" in last 365 days) / count(o) + count(o)'
        " + count(o) + 1\n")


# ---- journeys (rule 15) ----------------------------------------------------------------------

JOURNEY_HEAD = """customers from shop.customers key customer_id

events orders  from shop.orders     by customer_id at ordered_at
events visits  from web.page_views  by customer_id at viewed_at
events tickets from support.tickets by customer_id at opened_on date
events tracks  from raw.tracks      by customer_id at ts
"""

FUNNEL = """
segment funnel_dropouts "Viewed, added to cart, then did not buy the same product":
    tracks where event = "view" in last 14 days
        then tracks where event = "add_to_cart" within 1 day matching product_id
        then no orders within 3 days matching tracks.product_id = orders.product_id
"""

JOURNEYS = [
    # (source after JOURNEY_HEAD, formatted after JOURNEY_HEAD)
    # a short journey stays on one line, whatever its spacing
    ("segment a: visits\n  then orders within 3 days\n\n  then tickets   within 7 days\n",
     "\nsegment a:\n    visits then orders within 3 days then tickets within 7 days\n"),
    # a long one breaks before each `then`, one level deeper, `matching` with its step (LANGUAGE.md's example)
    (" ".join(FUNNEL.split()).replace(": tracks", ":\ntracks") + "\n", FUNNEL),
    # in a chain: the steps one level deeper than the operand's line
    ("segment a: has orders and visits in last 30 days then orders where amount > 100 within 3 days "
     "matching visit_id then tickets within 7 days or age > 3\n",
     "\nsegment a:\n    has orders\n    and visits in last 30 days\n"
     "        then orders where amount > 100 within 3 days matching visit_id\n"
     "        then tickets within 7 days\n    or age > 3\n"),
    # in parentheses and in a counting condition's list
    ("segment a: not (visits in last 30 days then orders where amount > 100 within 3 days matching visit_id "
     "then no tickets within 7 days matching orders.order_id = tickets.order_id)\n",
     "\nsegment a:\n    not (\n        visits in last 30 days\n"
     "            then orders where amount > 100 within 3 days matching visit_id\n"
     "            then no tickets within 7 days matching orders.order_id = tickets.order_id\n    )\n"),
    ("segment a: at least 2 of (has orders, tracks where event = \"view\" in last 14 days then tracks where "
     "event = \"add_to_cart\" within 1 day matching product_id then no orders within 3 days, has visits)\n",
     "\nsegment a:\n    at least 2 of (\n        has orders,\n        tracks where event = \"view\" in last 14 days\n"
     "            then tracks where event = \"add_to_cart\" within 1 day matching product_id\n"
     "            then no orders within 3 days,\n        has visits\n    )\n"),
    # in a segmentation: the steps one level deeper than the rule's condition
    ("segmentation g: short when visits then orders within 3 days then tickets within 1 week long_label when "
     "tracks where event = \"view\" in last 14 days then tracks where event = \"add_to_cart\" within 1 day "
     "matching product_id then no orders within 3 days else z\n",
     "\nsegmentation g:\n    short      when visits then orders within 3 days then tickets within 1 week\n"
     "    long_label when tracks where event = \"view\" in last 14 days\n"
     "                        then tracks where event = \"add_to_cart\" within 1 day matching product_id\n"
     "                        then no orders within 3 days\n    else z\n"),
]


@pytest.mark.parametrize(("source", "expected"), JOURNEYS)
def test_journey_layout(source: str, expected: str) -> None:
    assert fmt.format_text(JOURNEY_HEAD + source) == JOURNEY_HEAD + expected
    assert_formats_well(JOURNEY_HEAD + source)


def test_comments_in_a_journey_stay_with_their_steps() -> None:
    source = JOURNEY_HEAD + """
segment a:
  # before
  visits  # after visits
  then orders within 3 days # after 3 days
  # own line
  then tickets within 7 days matching
     order_id   # the end
segment b: visits then orders within 3 days then tickets within 7 days  # short, with a comment
"""
    assert assert_formats_well(source) == JOURNEY_HEAD + """
segment a:
    # before
    visits  # after visits
        then orders within 3 days  # after 3 days
        # own line
        then tickets within 7 days matching order_id  # the end

segment b:
    visits then orders within 3 days then tickets within 7 days  # short, with a comment
"""


@st.composite
def journeys(draw):
    """A segment whose condition is a journey of 2 to 5 steps (filters, windows, `then no` last, both forms of
    `matching`), its tokens spread over lines at random, a comment here and there."""
    events = st.sampled_from(["orders", "visits", "tickets"])
    filters = st.sampled_from(["", " where amount > 10", ' where channel = "web" in last 30 days', " in last 7 days"])
    first = draw(events)
    parts = [first + draw(filters)]
    count = draw(st.integers(1, 4))
    previous = first
    for i in range(count):
        event = draw(events)
        negated = i == count - 1 and draw(st.booleans())
        step = f"then {'no ' if negated else ''}{event}{draw(filters)} within {draw(st.integers(1, 30))} " \
               f"{draw(st.sampled_from(['day', 'days', 'week', 'hours']))}"
        matching = draw(st.sampled_from(["", " matching sku", f" matching {previous}.sku = {event}.item"]))
        parts.append(step + matching)
        previous = event
    words = " ".join(parts).split(" ")
    text = ""
    for word in words:
        text += word + draw(st.sampled_from([" ", " ", "  ", "\n    ", "\n", "  # note\n  "]))
    return JOURNEY_HEAD + "segment s:\n    " + text.rstrip() + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_journeys_format_idempotently_and_keep_their_meaning(source: str) -> None:
    assert_formats_well(source, compile_sql=False)
