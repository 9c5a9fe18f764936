"""Output names stay apart on every engine: names equal but for case, or for what PostgreSQL cuts off, the
entity key's name, segdsl's own `segdsl_` columns and a segmentation's `label` column are positioned errors."""

from __future__ import annotations

import pytest

from segdsl.compile.compiler import load_text, to_sql
from segdsl.errors import SegdslError, render

MODEL = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
segment big: count(orders) >= 10
"""
LONG = "bought_flowers_for_mothers_day_and_again_for_a_birthday_within_a_year"  # 69 bytes


def problems(text: str, model: str = MODEL) -> list:
    with pytest.raises(SegdslError) as caught:
        load_text(model + text, "t.seg")
    return list(caught.value.diagnostics)


@pytest.mark.parametrize("text, message, where, first", [
    ("segment BIG: has orders", "segment 'BIG' and segment 'big' differ only in case", (4, 9), (3, 9)),
    ("segmentation Big:\n    a when big\n    else b", "segmentation 'Big' and segment 'big' differ only in case",
     (4, 14), (3, 9)),
    ("segment Customer_ID: has orders",
     "segment 'Customer_ID' and the entity key 'customer_id' differ only in case", (4, 9), (1, 35)),
    ("segmentation customer_id:\n    a when big\n    else b",
     "segmentation 'customer_id' has the name of the entity key", (4, 14), (1, 35)),
    (f"segment {LONG}: has orders\nsegment {LONG[:63]}x: no orders",
     f"segment '{LONG[:63]}x' and segment '{LONG}' agree in their first 63 bytes, where PostgreSQL cuts names",
     (5, 9), (4, 9)),
])
def test_names_one_column_on_some_engine_are_an_error_at_the_later_one(text, message, where, first):
    [found] = problems(text)
    assert found.message.startswith(message)
    assert (found.span.file, found.span.line, found.span.column) == ("t.seg", *where)
    [(note, span)] = found.notes
    assert note.endswith("is declared here") and (span.line, span.column) == first
    assert found.hint.startswith("rename the segment")


def test_the_error_shows_both_declarations():
    with pytest.raises(SegdslError) as caught:
        load_text(MODEL + "segmentation Lab:\n    x when big\n    else y\nsegmentation lab:\n    x when big\n"
                  "    else z\n", "t.seg")
    assert render(caught.value) == (
        "t.seg:7:14: error: segmentation 'lab' and segmentation 'Lab' differ only in case, which most engines "
        "ignore in column names\n"
        "    7 | segmentation lab:\n"
        "      |              ^^^\n"
        "t.seg:4:14: note: segmentation 'Lab' is declared here\n"
        "    4 | segmentation Lab:\n"
        "      |              ^^^\n"
        "hint: rename the segmentation")


def test_a_clash_across_imported_files_points_at_both(tmp_path):
    (tmp_path / "model.seg").write_text(MODEL)
    (tmp_path / "s.seg").write_text('import "model.seg"\nsegment Big: has orders\n')
    with pytest.raises(SegdslError) as caught:
        load_text((tmp_path / "s.seg").read_text(), str(tmp_path / "s.seg"))
    [found] = caught.value.diagnostics
    assert (found.span.file, found.span.line) == (str(tmp_path / "s.seg"), 2)
    assert found.notes[0][1].file == str(tmp_path / "model.seg")


@pytest.mark.parametrize("text, where", [
    ("segment segdsl_item_1: has orders", (4, 9)),
    ("segmentation SEGDSL_as_of:\n    a when big\n    else b", (4, 14)),
])
def test_names_starting_with_segdsl_are_segdsls_own_columns(text, where):
    [found] = problems(text)
    assert found.message.endswith("starts with 'segdsl_', which segdsl keeps for the columns it adds")
    assert (found.span.line, found.span.column) == where


def test_an_entity_key_starting_with_segdsl_is_an_error_at_the_key():
    [found] = problems("", MODEL.replace("customer_id", "segdsl_id"))
    assert found.message.startswith("'segdsl_id' starts with 'segdsl_'")
    assert (found.span.line, found.span.column) == (1, 35)
    assert found.hint == "read the table through a view that renames the column"


def test_a_key_named_label_clashes_with_a_segmentations_label_column():
    model = MODEL.replace("customer_id", "Label")
    [found] = problems("segmentation tier:\n    a when big\n    else b\nsegmentation other:\n    c when big\n"
                       "    else d", model)
    assert found.message == "segmentation 'tier' returns its labels in a column 'label', the name of the entity key"
    assert (found.span.line, found.span.column, found.notes[0][1].line) == (4, 14, 1)
    load_text(model, "t.seg")  # without a segmentation, a key named label is fine


def test_names_that_differ_in_more_than_case_compile():
    text = (f"segment big2: has orders\nsegment {LONG}: has orders\nsegment {LONG[:62]}2: has orders\n"
            "segmentation label:\n    a when big\n    else b\nsegment customer_id_2: big\n")
    program = load_text(MODEL + text, "t.seg")
    assert list(program.segments) == ["big", "big2", LONG, f"{LONG[:62]}2", "customer_id_2"]
    assert to_sql(program, "postgres")


def test_the_length_names_are_cut_at_is_the_dialects_least():
    """output_names.CUT_AT is written out (checking a program loads no dialect): it is the least length at which
    a dialect cuts names."""
    from segdsl import dialects
    from segdsl.lang import output_names

    assert min(d.max_name_length for d in map(dialects.get, dialects.DIALECTS)
                                      if d.cuts_long_names and d.max_name_length is not None) == output_names.CUT_AT
