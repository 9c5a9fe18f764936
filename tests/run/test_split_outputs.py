"""A split is an output like a segmentation (rule 18): sizes per label, its own query, history rows, dbt.

On the small shop, split `test` (salt "v1"): buckets 1: 6505, 2: 7303, 3: 9171, so with a 70% and b 20%
(a: 0-6999, b: 7000-8999) customer 1 is a, 2 is b, and 3 has no label.
"""

from __future__ import annotations

import duckdb
import yaml

from segdsl.compile import compiler
from segdsl.run import history, runner
from segdsl.tools import dbt

from .small_shop import JUNE_30, SOURCE, TABLES
from .test_history import duckdb_load

SPLIT = SOURCE + 'split test "Campaign test" salt "v1":\n    a 70%\n    b 20%\n'


def _warehouse(tmp_path) -> str:
    path = str(tmp_path / "warehouse.duckdb")
    with duckdb.connect(path) as con:
        duckdb_load(con, TABLES)
    return path


def test_sizes_members_and_history_of_a_split(tmp_path):
    path = _warehouse(tmp_path)
    program = compiler.load_text(SPLIT, "shop.seg")
    with runner.open_target(path, program, writable=True) as target:
        sizes = runner.sizes(target, program, JUNE_30).rows
        assert [row[:3] for row in sizes if row[0] == "test"] == [("test", "a", 1), ("test", "b", 1)]
        assert runner.members(target, program, "test", JUNE_30).rows == [(1, "a"), (2, "b")]
        history.materialize(target, program, "hist", JUNE_30)
    with duckdb.connect(path) as con:
        rows = con.execute("SELECT customer_id, label FROM hist WHERE segment = 'test' ORDER BY 1").fetchall()
    assert rows == [(1, "a"), (2, "b")]


def test_dbt_accepts_a_splits_labels_and_lets_its_column_be_missing(tmp_path):
    source = tmp_path / "shop.seg"
    source.write_text(SPLIT)
    files = dbt.generate(source)
    schema = yaml.safe_load(next(text for name, text in files.items() if name.endswith("schema.yml")))
    models = {model["name"]: model for model in schema["models"]}
    wide = {column["name"]: column for column in models["shop"]["columns"]}
    assert wide["test"]["data_tests"] == [{"accepted_values": {"arguments": {"values": ["a", "b"]}}}]
    label = {column["name"]: column for column in models["shop_test"]["columns"]}["label"]
    assert label["data_tests"][0] == "not_null"
