"""Chains of any length are flat; nesting is limited (lang/depth.py) and checked before anything recurses.

A chain (`a and b and c`, `or`, `a + b - c`, `a * b`, segments each using the one before with the same
connective) is one node in every stage; nesting beyond MAX_NESTING levels is a positioned error, in
one declaration or through the segments it uses. Whatever nesting is accepted compiles and formats
within a fixed budget of stack frames above the caller (so well under Python's default limit).
"""

from __future__ import annotations

import inspect
import sys

import pytest

from segdsl.compile.compiler import load_text, to_sql
from segdsl.dialects import DIALECTS
from segdsl.errors import SegdslError, render
from segdsl.lang import model as m
from segdsl.lang.depth import MAX_NESTING
from segdsl.lang.parse import parse
from segdsl.tools.fmt import format_text
from segdsl.tools.lsp.document import analyze

HEAD = ("customers from shop.customers key customer_id\n"
        "events orders from shop.orders by customer_id at ordered_at\n")
LINE = 3  # the line of the first segment
CHAIN = 5000
FRAMES = 550  # what the deepest accepted nesting may use above the caller, in stack frames


def errors(text: str) -> list:
    with pytest.raises(SegdslError) as caught:
        load_text(HEAD + text, "n.seg")
    return list(caught.value.diagnostics)


def segments(count: int, body) -> str:
    return "segment s0: age > 0\n" + "".join(f"segment s{i}: {body(i)}\n" for i in range(1, count))


# ---- chains are flat ----------------------------------------------------------------------------------


@pytest.mark.parametrize("joiner, node", [(" and ", m.And), (" or ", m.Or)])
def test_a_long_and_or_chain_is_one_node(joiner, node):
    program = load_text(HEAD + "segment s: " + joiner.join(f"age > {i}" for i in range(CHAIN)))
    condition = program.segments["s"].condition
    assert isinstance(condition, node) and len(condition.operands) == CHAIN
    assert condition.operands[-1].right == m.Constant(CHAIN - 1, span=condition.span)


def test_a_long_arithmetic_chain_is_one_node_with_its_operators_in_order():
    ops = ["+", "-", "*"] * (CHAIN // 3)
    text = "age" + "".join(f" {op} {i}" for i, op in enumerate(ops)) + " > 1"
    total = load_text(HEAD + "segment s: " + text).segments["s"].condition.left
    assert isinstance(total, m.Arithmetic) and total.ops == tuple(op for op in ops if op != "*")
    products = [operand for operand in total.operands if isinstance(operand, m.Arithmetic)]
    assert len(products) == CHAIN // 3 and all(p.ops == ("*",) for p in products)


def test_a_chain_in_a_filter_is_one_node():
    where = " and ".join(f"amount > {i}" for i in range(CHAIN))
    program = load_text(HEAD + f"segment s: count(orders where {where}) > 1")
    assert len(program.segments["s"].condition.left.events.where.operands) == CHAIN


def test_segments_each_using_the_one_before_check_in_any_order():
    text = segments(2000, lambda i: f"s{i - 1} and age > {i}")
    backwards = "\n".join(reversed(text.splitlines()))
    for source in (text, backwards):
        assert len(load_text(HEAD + source).segments) == 2000


def test_a_cycle_through_a_long_chain_of_segments_is_found_without_recursing():
    (problem,) = errors(segments(2000, lambda i: f"s{i - 1} and age > {i}").replace("age > 0", "s1999"))
    assert problem.message.startswith("'s0' refers to itself: s0 -> s1999 -> s1998")


def test_the_sql_of_a_chain_is_flat_in_every_dialect():
    program = load_text(HEAD + "segment s: " + " and ".join(f"age > {i}" for i in range(CHAIN)))
    for dialect in DIALECTS:
        sql = to_sql(program, dialect, "s")
        assert sql.count("AND") >= CHAIN - 1 and "((" not in sql, dialect


# ---- nesting is limited ---------------------------------------------------------------------------------

NESTED = {  # a shape nested n levels deep, and where the level past the limit starts (in the condition)
    "parentheses": (lambda n: "(" * n + "age > 1" + ")" * n, MAX_NESTING + 1),
    "not": (lambda n: "not " * n + "age > 1", 4 * MAX_NESTING + 1),
    "unary minus": (lambda n: "- " * n + "age > 1", 2 * MAX_NESTING - 1),  # below the comparison
    "a value's parentheses": (lambda n: "(" * n + "age" + ")" * n + " > 1", MAX_NESTING),
    "division": (lambda n: "age" + " / 2" * n + " > 1", 1),
}


def deepest(shape) -> int:
    """The deepest n that checks."""
    low, high = 1, 2 * MAX_NESTING
    while low < high:
        middle = (low + high + 1) // 2
        try:
            parse(HEAD + "segment s: " + shape(middle))
            low = middle
        except SegdslError:
            high = middle - 1
    return low


@pytest.mark.parametrize("name", sorted(NESTED))
def test_nesting_deeper_than_the_limit_is_a_positioned_error(name):
    shape, column = NESTED[name]
    n = deepest(shape)
    assert MAX_NESTING - 3 <= n <= MAX_NESTING  # a declaration's own structure takes a level or two
    (problem,) = errors("segment s: " + shape(MAX_NESTING + 1))
    assert problem.message == f"nested too deeply: more than {MAX_NESTING} levels"
    assert (problem.span.line, problem.span.column) == (LINE, len("segment s: ") + column)
    assert "a chain (a and b and c, a + b - c) is one level however long" in problem.hint


def test_nesting_far_beyond_the_limit_fails_at_the_limit_without_recursing():
    (problem,) = errors("segment s: " + "(" * 100_000 + "age > 1" + ")" * 100_000)
    assert problem.span.column == len("segment s: ") + NESTED["parentheses"][1]
    rendered = render(SegdslError(problem), {"n.seg": HEAD + "segment s: ((("})
    assert rendered.startswith(f"n.seg:{LINE}:{problem.span.column}: error: nested too deeply")


def test_a_too_deep_declaration_is_one_error_among_the_others():
    found = errors("segment a: " + "not " * 200 + "age > 1\nsegment b: has ordrs\nsegment c: a or age > 2\n")
    assert [d.message for d in found] == [f"nested too deeply: more than {MAX_NESTING} levels",
                                          "unknown event set 'ordrs'"]


def test_an_expression_written_outside_a_file_is_limited_too():
    from segdsl.lang.parse import parse_expression
    with pytest.raises(SegdslError) as caught:
        parse_expression("(" * 200 + "age" + ")" * 200, "--by")
    assert caught.value.diagnostics[0].message.startswith("nested too deeply")
    assert len(parse_expression(" + ".join(["age"] * CHAIN), "--by").value.operands) == CHAIN


# ---- nesting through segments ------------------------------------------------------------------------


@pytest.mark.parametrize("body", [lambda i: f"not s{i - 1}", lambda i: f"s{i - 1} {'and' if i % 2 else 'or'} age > 1",
                                  lambda i: f"(s{i - 1} or age > 1) and age < 99"])
def test_nesting_through_the_segments_used_is_limited_at_the_first_segment_too_deep(body):
    found = errors(segments(3 * MAX_NESTING, body))
    assert len(found) == 1
    problem = found[0]
    name = problem.message.split("'")[1]
    assert problem.message.startswith(f"segment '{name}' nests ")
    assert problem.message.endswith(f" levels deep counting the segments and traits it uses, more than {MAX_NESTING}")
    index = int(name[1:])
    assert (problem.span.line, problem.span.column) == (LINE + index, (HEAD + segments(index + 1, body))
                                                        .splitlines()[-1].index(f"s{index - 1}") + 1)
    accepted = segments(index, body)  # the segments before it check
    assert load_text(HEAD + accepted).segments


def test_a_segmentation_label_counts_as_a_level_of_the_segments_that_compare_it():
    body = segments(MAX_NESTING - 1, lambda i: f"not s{i - 1}")
    text = body + f"segmentation t:\n    a when s{MAX_NESTING - 2}\n    else b\nsegment u: not (t = \"a\")\n"
    (problem,) = errors(text)
    assert problem.message.startswith("segment 'u' nests ") and problem.span.column == len("segment u: not (") + 1


# ---- what is accepted runs within a budget ----------------------------------------------------------------


SHAPES = {**{name: shape for name, (shape, _) in NESTED.items()},
          "alternating chains": lambda n: "(age > 1 and " * n + "age > 1" + " or age < 0)" * n,
          "alternating arithmetic": lambda n: "(age + 1 * " * n + "age" + " - 1)" * n + " > 1",
          "a filter": lambda n: "count(orders where " + "(amount > 1 and " * n + "amount > 1" + " or amount < 0)" * n
                                + ") > 1"}


def budget(call) -> None:
    """Run `call` with only FRAMES stack frames to spare."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + FRAMES)
    try:
        call()
    finally:
        sys.setrecursionlimit(limit)


def everything(text: str) -> None:
    program = load_text(text, "n.seg")
    for dialect in ("duckdb", "sqlite", "tsql", "snowflake"):
        for name in (None, *program.segments):
            to_sql(program, dialect, name)
    format_text(text)
    document = analyze(text, "n.seg")
    assert not document.problems and list(document.references())


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_deepest_nesting_accepted_compiles_and_formats_within_the_budget(name):
    text = HEAD + "segment s: " + SHAPES[name](deepest(SHAPES[name])) + "\n"
    budget(lambda: everything(text))


@pytest.mark.parametrize("body", [lambda i: f"not s{i - 1}", lambda i: f"s{i - 1} {'and' if i % 2 else 'or'} age > 1"])
def test_the_deepest_nesting_through_segments_compiles_within_the_budget(body):
    count = MAX_NESTING
    while True:
        try:
            load_text(HEAD + segments(count, body))
            break
        except SegdslError:
            count -= 1
    budget(lambda: everything(HEAD + segments(count, body)))
