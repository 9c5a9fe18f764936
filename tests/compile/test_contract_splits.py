"""LANGUAGE.md's rule 18 (splits) as cases computed by hand, on every engine and the oracle.

bucket = int(md5(salt + ":" + key).hexdigest()[:8], 16) % 10000, found by brute force with hashlib for
keys at the edges of the ranges. Split `ab` (salt "s1", every customer): a 10% = buckets 0-999,
b 12.5% = 1000-2249, c 20% = 2250-4249; 4250-9999 (57.5%) have no label.

key     bucket "s1"  ab      bucket "promo"  buyer  promo (of buyers: x 0-4999, y 5000-7999)
12802   0            a       9463            yes    -  (past every range)
9176    999          a       1435            no     -  (not a member)
5002    1000         b       7865            yes    y
2329    2249         b       1238            yes    x
2586    2250         c       5510            no     -
8067    4249         c       6355            no     -
1989    4250         -       6772            no     -
8018    9999         -       2299            no     -
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest
from engines import Table, oracle

from segdsl.compile import compiler
from segdsl.errors import SegdslError

D = date(2026, 6, 30)
LABELS = {12802: ("a", None), 9176: ("a", None), 5002: ("b", "y"), 2329: ("b", "x"), 2586: ("c", None),
          8067: ("c", None), 1989: (None, None), 8018: (None, None)}
BUYERS = (12802, 5002, 2329)
TABLES = [
    Table("c", (("id", "integer"),), tuple((key,) for key in LABELS)),
    Table("o", (("id", "integer"), ("at", "timestamp")), tuple((key, datetime(2026, 6, 1, 9)) for key in BUYERS)),
]
PROGRAM = """customers from c key id
events o from o by id at at
segment buyers: has o
split ab "A/B test" salt "s1":
    a 10%
    b 12.5%
    c 20%
split promo of buyers salt "promo":
    x 50%
    y 30%
segment in_b: ab = "b"
segment not_c: not ab = "c"
"""
MEMBERS = {"buyers": set(BUYERS), "in_b": {5002, 2329}, "not_c": set(LABELS) - {2586, 8067}}

# text keys at the same edges of `ab`'s ranges (salt "s1")
TEXT_LABELS = {"u19742": "a", "u19116": "a", "u31119": "b", "u4575": "b", "u2548": "c", "u1294": "c",
               "u4730": None, "u309": None}
TEXT_TABLES = [Table("t", (("id", "text"),), tuple((key,) for key in TEXT_LABELS))]
TEXT_PROGRAM = """customers from t key id
split ab salt "s1":
    a 10%
    b 12.5%
    c 20%
"""


def bucket(salt: str, key: object) -> int:
    return int(hashlib.md5(f"{salt}:{key}".encode()).hexdigest()[:8], 16) % 10000


def test_the_hand_computed_buckets_are_md5s():
    edges = [0, 999, 1000, 2249, 2250, 4249, 4250, 9999]
    assert [bucket("s1", key) for key in LABELS] == edges
    assert [bucket("s1", key) for key in TEXT_LABELS] == edges
    assert [bucket("promo", key) for key in BUYERS] == [9463, 7865, 1238]


def test_the_oracle_agrees_with_the_hand():
    program = compiler.load_text(PROGRAM)
    tables = {t.name: t.records() for t in TABLES}
    labels = oracle.labels(program, tables, D)
    assert {key: (labels["ab"][key], labels["promo"][key]) for key in LABELS} == LABELS
    assert {name: members for name, members in oracle.evaluate(program, tables, D).items()} == MEMBERS
    text = oracle.labels(compiler.load_text(TEXT_PROGRAM), {t.name: t.records() for t in TEXT_TABLES}, D)
    assert text["ab"] == TEXT_LABELS


def _refused(engine, program) -> bool:
    """SQLite has no MD5: every statement with a split is a positioned error there."""
    if engine.dialect != "sqlite":
        return False
    with pytest.raises(SegdslError, match="sqlite: a split hashes each customer's key with MD5") as caught:
        compiler.to_sql(program, engine.dialect, None, D)
    assert caught.value.diagnostics[0].span is not None
    return True


def test_splits_on_the_engine(engine):
    program = compiler.load_text(PROGRAM)
    if _refused(engine, program):
        return
    engine.load(TABLES)
    whole = engine.query(compiler.to_sql(program, engine.dialect, None, D))
    columns = ["id", *program.segments, *program.segmentations]
    got = {row[0]: (row[columns.index("ab")], row[columns.index("promo")]) for row in whole}
    assert got == LABELS
    for name, members in MEMBERS.items():
        assert {row[0] for row in engine.query(compiler.to_sql(program, engine.dialect, name, D))} == members, name
    # a split's own query: the customers with a label, and their label
    for position, name in enumerate(("ab", "promo")):
        rows = engine.query(compiler.to_sql(program, engine.dialect, name, D))
        assert dict(rows) == {key: labels[position] for key, labels in LABELS.items() if labels[position]}, name


def test_text_keys_on_the_engine(engine):
    program = compiler.load_text(TEXT_PROGRAM)
    if _refused(engine, program):
        return
    engine.load(TEXT_TABLES)
    assert dict(engine.query(compiler.to_sql(program, engine.dialect, None, D))) == TEXT_LABELS


def _labels_on(engine, program_text: str, tables: list[Table]) -> dict:
    program = compiler.load_text(program_text)
    engine.load(tables)
    rows = engine.query(compiler.to_sql(program, engine.dialect, None, D))
    at = 1 + len(program.segments)
    return {row[0]: row[at] for row in rows}


def test_a_changed_segment_keeps_each_remaining_members_label_and_a_new_salt_reshuffles(engine):
    keys = range(1, 201)
    tables = [Table("c", (("id", "integer"), ("score", "integer")), tuple((key, key % 7) for key in keys))]
    template = "customers from c key id\nsegment s: score {}\nsplit t of s salt \"{}\":\n    a 50%\n    b 50%\n"
    if _refused(engine, compiler.load_text(template.format(">= 0", "v1"))):
        return
    everyone = _labels_on(engine, template.format(">= 0", "v1"), tables)
    fewer = _labels_on(engine, template.format(">= 3", "v1"), tables)
    assert {key: label for key, label in fewer.items() if label} == {key: everyone[key] for key in keys
                                                                     if key % 7 >= 3}
    assert all(fewer[key] is None for key in keys if key % 7 < 3)
    resalted = _labels_on(engine, template.format(">= 0", "v2"), tables)
    moved = sum(everyone[key] != resalted[key] for key in keys)
    assert 60 < moved < 140  # about half of them, as independent coin flips would


@pytest.mark.parametrize(("source", "message", "hint"), [
    ('split t salt "s":\n    a 10%\n    a 20%', "split 't' has the label \"a\" twice", "give each label one share"),
    ('split t salt "s":\n    a 60%\n    b 50%', "the shares of split 't' add up to 110%, more than 100%",
     "customers in no share have no label"),
    ('split t salt "s":\n    a 12.345%', "12.345% is not a whole number of buckets", "a multiple of 0.01%"),
    ('segment buyers: true\nsplit t of buyer salt "s":\n    a 10%', "unknown segment 'buyer'", "buyers"),
    ('segment t: true\nsplit t salt "s":\n    a 10%', "'t' is declared twice", None),
    ('segment T: true\nsplit t salt "s":\n    a 10%', "split 't' and segment 'T' differ only in case", None),
    ('split t salt "s":\n    a 10%\n    b 10%\nsegment s: t = "c"', "split 't' never gives the label \"c\"",
     "its labels: a, b"),
    ('split t salt "s":\n    a 10%\nsegment s: t', "'t' is a split; compare its label", 'e.g. t = "a"'),
    ('split t of s salt "s":\n    a 10%\nsegment s: t = "a"', "'s' refers to itself", None),
])
def test_split_errors(source, message, hint):
    with pytest.raises(SegdslError) as caught:
        compiler.load_text("customers from c key id\n" + source)
    found = [d for d in caught.value.diagnostics if message in d.message]
    assert found, [d.message for d in caught.value.diagnostics]
    assert found[0].span is not None
    if hint:
        assert hint in (found[0].hint or "")


def test_shares_that_make_whole_buckets_are_allowed():
    program = compiler.load_text('customers from c key id\nsplit t salt "s":\n    a 0.01%\n    b 99.99%\n')
    assert program.segmentations["t"].split.buckets == (("a", 1), ("b", 9999))
