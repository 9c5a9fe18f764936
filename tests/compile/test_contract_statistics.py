"""LANGUAGE.md's rule 14, second half (median and most_frequent) as cases computed by hand, on every engine
and the oracle.

As of D = 2026-06-30; orders shop.o(id, ordered_at, amount DECIMAL(18,4), cat text, n integer, g boolean), all in June
unless said:
customer 1: amounts 10, 20, 30 (odd count: 20); cats B, a, a (a); g true, true, false (true); an order
            after D (amount 1000, cat zz) does not exist
customer 2: amounts 10.0001, 10.0002 (even: 10.00015, one digit more than the column); cats B, a (a tie:
            B by code point, where a case-insensitive collation puts a first)
customer 3: amounts 1, 2, 3, 100 (2.5); cats é, z (a tie: z by code point, where a locale puts é first)
customer 4: one order, every value missing (median and most_frequent missing)
customer 5: no orders
customer 6: amounts 5 (06-25), 7 (06-20), 50 (01-01), missing (01-02) (7; in the last 30 days 6);
            cats y, y, x, x, x (x; in the last 30 days y); n 10, 9, 10, 9, missing (a tie: 9; median 9.5)
customer 7: amounts 2, 2, 2, 5 (2); n -1, -1, 3 (-1); g true, false (a tie: false)
customer 8: amount 40, cat B (an order after D, amount 1, does not exist)
customer 9: amount 1; cats a, A, b, b (b: a and A are two values, which a case-insensitive grouping merges)
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from engines import Table
from engines.members import assert_members

from segdsl.compile import compiler
from segdsl.errors import SegdslError

D = date(2026, 6, 30)


def _order(key: int, day: date | datetime, amount: object = None, cat: str | None = None, n: int | None = None,
           g: bool | None = None) -> tuple:
    at = day if isinstance(day, datetime) else datetime(day.year, day.month, day.day, 12)
    return key, at, None if amount is None else Decimal(str(amount)), cat, n, g


JUNE = [date(2026, 6, day) for day in (10, 11, 12, 13)]
TABLES = [
    Table("shop.c", (("id", "integer"),), tuple((k,) for k in range(1, 10))),
    Table("shop.o", (("id", "integer"), ("ordered_at", "timestamp"), ("amount", "decimal"), ("cat", "text"),
                     ("n", "integer"), ("g", "boolean")), (
        _order(1, JUNE[0], 10, "B", g=True), _order(1, JUNE[1], 20, "a", g=True), _order(1, JUNE[2], 30, "a", g=False),
        _order(1, datetime(2026, 7, 1), 1000, "zz"),
        _order(2, JUNE[0], "10.0001", "B"), _order(2, JUNE[1], "10.0002", "a"),
        _order(3, JUNE[0], 1, "é"), _order(3, JUNE[1], 2, "z"), _order(3, JUNE[2], 3), _order(3, JUNE[3], 100),
        _order(4, JUNE[0]),
        _order(6, date(2026, 6, 25), 5, "y", 10), _order(6, date(2026, 6, 20), 7, "y", 9),
        _order(6, date(2026, 1, 1), 50, "x", 10), _order(6, date(2026, 1, 2), None, "x", 9),
        _order(6, date(2026, 1, 3), None, "x"),
        _order(7, JUNE[0], 2, n=-1, g=True), _order(7, JUNE[1], 2, n=-1, g=False), _order(7, JUNE[2], 2, n=3),
        _order(7, JUNE[3], 5),
        _order(8, JUNE[0], 40, "B"), _order(8, datetime(2026, 7, 2, 9), 1, "x"),
        _order(9, JUNE[0], 1, "a"), _order(9, JUNE[1], None, "A"), _order(9, JUNE[2], None, "b"),
        _order(9, JUNE[3], None, "b"),
    )),
]
CASES = {
    "median(o.amount) = 20": {1},
    "median(o.amount) = 10.00015": {2},
    "median(o.amount) > 10.0001 and median(o.amount) < 10.0002": {2},
    "median(o.amount) = 2.5": {3},
    "median(o.amount) = 2": {7},
    "median(o.amount) = 40": {8},
    "median(o.amount) = 7": {6},
    "median(o.amount in last 30 days) = 6": {6},
    'median(o.amount where cat = "a") = 25': {1},
    "median(o.amount) is null": {4, 5},
    "not (median(o.amount) > 5)": {3, 4, 5, 7, 9},  # a missing median compares false (rule 3)
    "median(o.n) = 9.5": {6},
    "median(o.amount) > count(o)": {1, 2, 6, 8},
    "median(o.amount) in top 25%": {1, 8},  # 7 known medians: the best ceil(1.75) = 2
    "quintile(median(o.amount)) = 5": {8},
    'most_frequent(o.cat) = "a"': {1},
    'most_frequent(o.cat) = "B"': {2, 8},
    'most_frequent(o.cat) = "z"': {3},
    'most_frequent(o.cat) = "b"': {9},
    'most_frequent(o.cat) = "x"': {6},
    'most_frequent(o.cat in last 30 days) = "y"': {6},
    'most_frequent(o.cat where amount > 15) = "a"': {1},
    "most_frequent(o.cat) is null": {4, 5, 7},
    'not most_frequent(o.cat) = "a"': {2, 3, 4, 5, 6, 7, 8, 9},
    "most_frequent(o.n) = 9": {6},
    "most_frequent(o.n) = -1": {7},
    "most_frequent(o.g) = false": {7},
    "most_frequent(o.g) = true": {1},
}
MODEL = "customers from shop.c key id\nevents o from shop.o by id at ordered_at\n"


def _program(cases: dict[str, set[int]]) -> str:
    return MODEL + "".join(f"segment s{i}:\n    {condition}\n" for i, condition in enumerate(cases))


def test_median_and_most_frequent_on_the_engine(engine):
    program = compiler.load_text(_program(CASES))
    assert_members(engine, program, TABLES, {f"s{i}": members for i, members in enumerate(CASES.values())}, D)


def test_a_segmentation_labels_by_the_most_frequent_category(engine):
    program = compiler.load_text(
        MODEL + 'segmentation taste:\n    lower when most_frequent(o.cat) in ("a", "b")\n'
        '    upper when most_frequent(o.cat) in ("B", "x")\n    typical when median(o.amount) < 3\n    else other\n')
    engine.load(TABLES)
    rows = engine.query(compiler.to_sql(program, engine.dialect, "taste", D))
    assert dict(rows) == {1: "lower", 9: "lower", 2: "upper", 8: "upper", 6: "upper", 3: "typical", 7: "typical",
                          4: "other", 5: "other"}


@pytest.mark.parametrize("condition, message", [
    ("median(o.ordered_at) > 3", "median needs numbers, not a timestamp: ordered_at is the time column of 'o'"),
    ('median(o.cat) > 3 and has o where cat = "x"',
     "median needs numbers, but o.cat holds text (the program compares it with a string or a pattern)"),
    ('has o where cat like "x%" and median(o.cat) > 3',
     "median needs numbers, but o.cat holds text (the program compares it with a string or a pattern)"),
    ("median(o.g) > 1 and has o where g",
     "median needs numbers, but o.g holds true/false (the program compares it with true or false)"),
])
def test_a_median_of_what_is_not_a_number_is_an_error_at_the_column(condition, message):
    with pytest.raises(SegdslError) as caught:
        compiler.load_text(MODEL + f"segment s:\n    {condition}\n", "p.seg")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.message == message
    column = 5 + condition.index("median(o.") + len("median(o.")
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == ("p.seg", 4, column)
    assert diagnostic.hint


def test_a_median_compared_with_text_is_an_error():
    with pytest.raises(SegdslError, match="cannot compare a number with a string"):
        compiler.load_text(MODEL + 'segment s:\n    median(o.amount) = "x"\n')


def test_most_frequent_of_the_time_column_is_a_timestamp():
    program = compiler.load_text(MODEL + "segment s:\n    most_frequent(o.ordered_at) in last 30 days\n")
    assert "o_most_frequent_ordered_at" in compiler.to_sql(program, "duckdb", "s", D)
    with pytest.raises(SegdslError, match="cannot compare a timestamp with a number"):
        compiler.load_text(MODEL + "segment s:\n    most_frequent(o.ordered_at) > 3\n")


def test_median_and_most_frequent_are_column_names_in_backticks():
    program = compiler.load_text("customers from c key id\nsegment s:\n    `median` > 1 and `most_frequent` = 2\n")
    assert "median > 1" in compiler.to_sql(program, "duckdb", "s").replace('"', "")


def test_columns_named_like_the_statistics_own_and_large_whole_numbers(engine):
    """An event column may be named like a column of the statistics' CTEs (value, place, known, hits): ClickHouse
    reads a name as a SELECT's alias before a column. And two middle values whose sum leaves 64 bits (4.6e18 and
    4.7e18) have a median all the same: each is halved before they are added."""
    big = (4_600_000_000_000_000_000, 4_700_000_000_000_000_000)
    tables = [Table("shop.c", (("id", "integer"),), ((1,), (2,))),
              Table("shop.v", (("id", "integer"), ("ordered_at", "timestamp"), ("value", "decimal"),
                               ("place", "integer"), ("known", "integer"), ("hits", "integer"), ("big", "integer")),
                    tuple((1, datetime(2026, 6, day, 8), Decimal(day), day % 2, 7, day, big[day % 2])
                          for day in (1, 2, 3, 4)))]
    program = compiler.load_text(
        "customers from shop.c key id\nevents v from shop.v by id at ordered_at\n"
        "segment a:\n    median(v.value) = 2.5 and most_frequent(v.place) = 0\n"
        "segment b:\n    median(v.known) = 7 and median(v.place) = 0.5 and most_frequent(v.hits) = 1\n"
        "segment c:\n    median(v.big) > 999999999999999999 and median(v.big) - 999999999999999999 * 4 > 0\n")
    assert_members(engine, program, tables, {"a": {1}, "b": {1}, "c": {1}}, D)
