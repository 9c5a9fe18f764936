"""LANGUAGE.md's rule 17 (JSON properties) as cases computed by hand, on every engine and the oracle.

As of D = 2024-06-30. `t` (tracks: id, ts, p JSON) and `o` (orders: id, ts, sku integer); the entity `c`
has a JSON column `prefs`. Tracks are at 06-10 12:00 unless noted. A customer is in the segments listed.

    paid        has t where p.utm.source = "google" and p.price > 20   (the `and` joins the filter: rule 17's example)
    recent      has t where p.signup in last 30 days                    (06-01 .. 06-30)
    odd_keys    has t where p.`a b`.`c.d` = "x" and p.`ü` = "ja"       (keys with a space, a dot, non-ASCII)
    gifted      has t where p.gift                                      (true/false)
    coupon      has t where p.coupon is not null
    nested      has t where p.a.b.c = 5
    pid_text    has t where p.pid = "42"                                (a JSON number read as text)
    spent       sum(t.p.price) >= 40
    pricey      maxp > 22, trait maxp = max(t.p.price)                  (a trait used as a number)
    low         not (max(t.p.price) > 20)                               (rule 3: missing is not > 20)
    matched     t then o within 1 day matching t.p.pid = o.sku          (JSON text against the integer as text)
    pro         prefs.plan = "pro" and prefs.score >= 5                 (the entity's JSON column)

     1 {"utm": {"source": "google"}, "price": 25}                 paid pricey
     2 {"utm": {"source": "google"}, "price": "25"}, {"price": 30} paid spent pricey          (a number stored as text)
     3 {"utm": {"source": "google"}, "price": 15}; a track after D, price 99               low
     4 {"utm": {"source": "bing"}, "price": 30}                   pricey
     5 {"utm": null, "price": 30}                                 pricey                   (null: the path is missing)
     6 {"price": "n/a", "utm": {"source": "google"}}              low                      (does not convert: missing)
     7 {"price": 20.5, "utm": {"source": "google"}}               paid
     8 {"signup": "2024-06-20"}                                   recent low
     9 {"signup": "2024-06-20T10:00:00Z"}                         recent low               (a date and a time)
    10 {"signup": "2024-02-30"}, {"signup": "2024-05-31"}         low                      (no such day; too early)
    11 {"signup": "20 June"}                                      low
    12 {"a b": {"c.d": "x"}, "ü": "ja"}                           odd_keys low
    13 {"a b": {"c": {"d": "x"}}, "ü": "ja"}                      low                      (a dot in a key is no path)
    14 {"gift": true}                                             gifted low
    15 {"gift": "true"}                                           gifted low
    16 {"gift": 1}, {"gift": "yes"}                               low
    17 {"coupon": null}                                           low                      (JSON null)
    18 {}                                                         low                      (absent)
    19 {"coupon": ""}                                             coupon low               (an empty string is known)
    20 {"a": {"b": {"c": 5}}}                                     nested low
    21 {"a": {"b": "5"}}, {"a": "b"}                              low                      (no c; a is no object)
    22 {"a": {"b": {"c": "5.0"}}}                                 nested low
    23 {"pid": 42}, order sku 42 at 06-10 13:00                   pid_text matched low
    24 {"pid": "42"}, order sku 42 at 06-12 13:00                 pid_text low             (the order too late)
    25 {"pid": "042"}, order sku 42 at 06-10 13:00                low                      ("042" is not "42")
    26 {"pid": 7}, order sku 7 at 06-10 12:30                     matched low
    27 no tracks; prefs {"plan": "pro", "score": "7"}             pro low
    28 prefs {"plan": "pro", "score": 3}                          low
    29 prefs {"plan": "Pro", "score": 9}                          low                      (text compares exactly)
    30 prefs missing                                              low
    31 prefs {"plan": "pro", "score": 5}                          pro low
    32 {"price": "1e3", "utm": {"source": "google"}}              paid spent pricey        (JSON's number syntax)
    33 {"price": " 25", "utm": {"source": "google"}}              low                      (spaces: no number)
    34 {"price": "+25", "utm": {"source": "google"}}              low                      (a plus sign: no number)
    35 {"signup": "2024-06-31"}                                   low                      (no such day, yet in range)

`recent` alone (the scan's one aggregate, so its rows are the scan's WHERE alone) keeps 8 and 9 too.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from engines import Table, oracle
from engines.members import assert_members
from engines.values import comparable

from segdsl.compile import compiler
from segdsl.errors import SegdslError

D = date(2024, 6, 30)
AT = datetime(2024, 6, 10, 12)
TRACKS: dict[int, list[object]] = {
    1: [{"utm": {"source": "google"}, "price": 25}],
    2: [{"utm": {"source": "google"}, "price": "25"}, {"price": 30}],
    3: [{"utm": {"source": "google"}, "price": 15}],
    4: [{"utm": {"source": "bing"}, "price": 30}],
    5: [{"utm": None, "price": 30}],
    6: [{"price": "n/a", "utm": {"source": "google"}}],
    7: [{"price": 20.5, "utm": {"source": "google"}}],
    8: [{"signup": "2024-06-20"}],
    9: [{"signup": "2024-06-20T10:00:00Z"}],
    10: [{"signup": "2024-02-30"}, {"signup": "2024-05-31"}],
    11: [{"signup": "20 June"}],
    12: [{"a b": {"c.d": "x"}, "ü": "ja"}],
    13: [{"a b": {"c": {"d": "x"}}, "ü": "ja"}],
    14: [{"gift": True}],
    15: [{"gift": "true"}],
    16: [{"gift": 1}, {"gift": "yes"}],
    17: [{"coupon": None}],
    18: [{}],
    19: [{"coupon": ""}],
    20: [{"a": {"b": {"c": 5}}}],
    21: [{"a": {"b": "5"}}, {"a": "b"}],
    22: [{"a": {"b": {"c": "5.0"}}}],
    23: [{"pid": 42}],
    24: [{"pid": "42"}],
    25: [{"pid": "042"}],
    26: [{"pid": 7}],
    32: [{"price": "1e3", "utm": {"source": "google"}}],
    33: [{"price": " 25", "utm": {"source": "google"}}],
    34: [{"price": "+25", "utm": {"source": "google"}}],
    35: [{"signup": "2024-06-31"}],
}
PREFS = {27: {"plan": "pro", "score": "7"}, 28: {"plan": "pro", "score": 3}, 29: {"plan": "Pro", "score": 9},
         31: {"plan": "pro", "score": 5}}
ORDERS = [(23, datetime(2024, 6, 10, 13), 42), (24, datetime(2024, 6, 12, 13), 42),
          (25, datetime(2024, 6, 10, 13), 42), (26, datetime(2024, 6, 10, 12, 30), 7)]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


TABLES = [
    Table("shop.c", (("id", "integer"), ("prefs", "json")),
          tuple((key, _json(PREFS[key]) if key in PREFS else None) for key in range(1, 36))),
    Table("shop.t", (("id", "integer"), ("ts", "timestamp"), ("p", "json")),
          tuple((key, AT, _json(doc)) for key, docs in TRACKS.items() for doc in docs)
          + ((3, datetime(2024, 7, 1, 9), _json({"utm": {"source": "google"}, "price": 99})),)),
    Table("shop.o", (("id", "integer"), ("ts", "timestamp"), ("sku", "integer")), tuple(ORDERS)),
]
PROGRAM = """customers from shop.c key id json prefs
events t from shop.t by id at ts json p
events o from shop.o by id at ts
trait maxp = max(t.p.price)
segment paid: has t where p.utm.source = "google" and p.price > 20
segment recent: has t where p.signup in last 30 days
segment odd_keys: has t where p.`a b`.`c.d` = "x" and p.`ü` = "ja"
segment gifted: has t where p.gift
segment coupon: has t where p.coupon is not null
segment nested: has t where p.a.b.c = 5
segment pid_text: has t where p.pid = "42"
segment spent: sum(t.p.price) >= 40
segment pricey: maxp > 22
segment low: not (max(t.p.price) > 20)
segment matched: t then o within 1 day matching t.p.pid = o.sku
segment pro: prefs.plan = "pro" and prefs.score >= 5
"""
LOW = set(range(8, 32)) - {27, 28, 29, 30, 31} | {3, 6, 27, 28, 29, 30, 31, 33, 34, 35}
MEMBERS = {"paid": {1, 2, 7, 32}, "recent": {8, 9}, "odd_keys": {12}, "gifted": {14, 15}, "coupon": {19},
           "nested": {20, 22}, "pid_text": {23, 24}, "spent": {2, 32}, "pricey": {1, 2, 4, 5, 32}, "low": LOW,
           "matched": {23, 26}, "pro": {27, 31}}


def test_json_properties_on_the_engine(engine):
    program = compiler.load_text(PROGRAM)
    assert_members(engine, program, TABLES, MEMBERS, D)


def test_a_day_that_does_not_exist_is_missing_where_the_scan_filters_alone(engine):
    program = compiler.load_text("customers from shop.c key id\nevents t from shop.t by id at ts json p\n"
                                 "segment recent: has t where p.signup in last 30 days\n")
    assert_members(engine, program, TABLES, {"recent": {8, 9}}, D)


TRAIT_PROGRAM = """customers from shop.c key id json prefs
events t from shop.t by id at ts json p
trait source = last(t.p.utm.source)
trait total = sum(t.p.price)
trait plan = prefs.plan
segment any: total > 0
"""
# the text of a JSON value (of the tracks at the last time, the largest), a sum over the numbers (0 without
# any), and the entity's JSON text
TRAITS = {1: ("google", 25, None), 2: ("google", 55, None), 3: ("google", 15, None), 5: (None, 30, None),
          6: ("google", 0, None), 27: (None, 0, "pro"), 29: (None, 0, "Pro"), 32: ("google", 1000, None)}


def test_json_values_as_trait_columns_on_the_engine(engine):
    program = compiler.load_text(TRAIT_PROGRAM)
    engine.load(TABLES)
    rows = engine.query(compiler.to_sql(program, engine.dialect, None, D))
    got = {row[0]: tuple(map(comparable, row[2:])) for row in rows if row[0] in TRAITS}
    expected = {key: tuple(map(comparable, values)) for key, values in TRAITS.items()}
    assert got == expected
    wide = oracle.wide(program, {t.name: t.records() for t in TABLES}, D)
    assert {key: tuple(map(comparable, wide[key][1:])) for key in TRAITS} == expected


@pytest.mark.parametrize(("source", "message"), [
    ("customers from c key id\nevents t from t by id at at\nsegment s: has t where p.price > 2",
     "'p' is not declared a JSON column of 't'"),
    ("customers from c key id\nevents t from t by id at at json p\nsegment s: max(t.q.price) > 2",
     "'q' is not declared a JSON column of 't'"),
    ("customers from c key id\nsegment s: prefs.plan = \"pro\"",
     "'prefs' is not declared a JSON column of 'customers'"),
    ("customers from c key id\nevents t from t by id at at json p\ntrait m = max(t.p.price)\n"
     "segment a: m > 2\nsegment b: m = \"x\"", "trait 'm' reads a JSON value, used here as a string"),
    ("customers from c key id\nevents t from t by id at at json p\nsegment s: has t where p.`say \"hi\"` = 1",
     "a JSON key cannot hold quotes or backslashes"),
])
def test_json_paths_refused(source, message):
    with pytest.raises(SegdslError) as err:
        compiler.load_text(source)
    assert message in str(err.value)
