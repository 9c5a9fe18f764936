"""What the checker accepts, the compiler compiles: for every dialect, with and without an as-of day.

Programs here are drawn freely from fragments of the language, valid or not (nested rankings, rankings in
arithmetic, labels, dates and aggregates combined at random); the checker may refuse any of them, but a
program it accepts must never fail later, in `compile`.
"""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import segdsl
from segdsl.errors import SegdslError

MODEL = """customers from shop.customers key cid
events orders from shop.orders by cid at ordered_at
events tickets from support.tickets by cid at opened date
param lapse = 30
segmentation tier:
    high when sum(orders.amount) > 100
    else low
"""

LEAVES = ("age", "score", "signup", "country", "7", "2.5", "2024-01-01", '"US"', "lapse", "tier",
          "sum(orders.amount)", "count(orders in last 30 days)", "max(orders.ordered_at)", "first(orders.category)",
          "days_since_last(tickets)", "avg(orders.amount where category = \"pet\")", "last(tickets.opened)")


def _values() -> st.SearchStrategy[str]:
    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda v: f"quintile({v})", inner),
            st.builds(lambda v: f"decile({v})", inner),
            st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from("+-*/"), inner),
            st.builds(lambda v: f"-({v})", inner),
        )
    return st.recursive(st.sampled_from(LEAVES), grow, max_leaves=4)


def _conditions() -> st.SearchStrategy[str]:
    values = _values()
    leaves = st.one_of(
        st.builds(lambda a, op, b: f"{a} {op} {b}", values, st.sampled_from(["=", "!=", "<", ">="]), values),
        st.builds(lambda v, side, p: f"{v} in {side} {p}%", values, st.sampled_from(["top", "bottom"]),
                  st.sampled_from(["10", "33.3", "lapse", "100"])),
        st.builds(lambda v: f"{v} in last 30 days", values),
        st.builds(lambda v: f"{v} is null", values),
        st.builds(lambda v, w: f"{v} between {w} and {w}", values, values),
        st.just("orders then no tickets within 3 days"),
    )
    return st.recursive(leaves, lambda inner: st.one_of(
        st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
        st.builds(lambda a: f"not ({a})", inner)), max_leaves=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_conditions(), min_size=1, max_size=3))
def test_every_program_that_checks_compiles_for_every_dialect(conditions):
    source = MODEL + "".join(f"segment s{i}:\n    {c}\n" for i, c in enumerate(conditions))
    try:
        program = segdsl.load_text(source, "drawn.seg")
    except SegdslError:
        return  # refused, with a positioned message: fine
    for dialect in segdsl.DIALECTS:
        for as_of in (None, date(2024, 2, 29)):
            segdsl.to_sql(program, dialect, None, as_of)
            segdsl.to_sql(program, dialect, "s0", as_of)


def test_an_unknown_dialect_is_a_user_error():
    program = segdsl.load_text(MODEL + "segment s:\n    age > 3\n")
    with pytest.raises(SegdslError, match="unknown dialect 'nope'") as caught:
        segdsl.to_sql(program, "nope")
    assert "duckdb" in (caught.value.diagnostics[0].hint or "")


@pytest.mark.parametrize("condition, column", [
    ("quintile(quintile(age)) = 1", 14),
    ("decile(age) + 1 in top 10%", 5),
    ("quintile(2 * decile(score)) >= 3", 18),
])
def test_ranking_a_ranking_is_refused_by_the_checker(condition, column):
    with pytest.raises(SegdslError) as caught:
        segdsl.load_text(MODEL + f"segment s:\n    {condition}\n", "t.seg")
    (problem,) = caught.value.diagnostics
    assert problem.message == "a ranking cannot rank another ranking"
    assert (problem.span.line, problem.span.column) == (9, column)
