"""Every example, on a slice of the demo data, gives the oracle's members on every engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from engines import Table, oracle
from engines.values import comparable_row
from refusals import sql_or_refused

from segdsl import dialects
from segdsl.compile import compiler
from segdsl.run import demo

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.seg"))
CUSTOMERS = 800


@pytest.fixture(scope="module")
def demo_data() -> tuple[list[Table], dict[str, list[dict]]]:
    tables = demo.demo_tables(CUSTOMERS)
    loaded = [Table(t.name, t.columns, tuple(t.rows)) for t in tables]
    rows = {t.name: [dict(zip([c for c, _ in t.columns], row)) for row in t.rows] for t in tables}
    return loaded, rows


def _load(engine, demo_data, example: Path):
    """The example's program, after loading the demo slice into the engine; and the rows for the oracle."""
    tables, rows = demo_data
    engine.load(tables)
    return compiler.load_file(example), rows


def _differences(expected: dict, got: dict) -> list[str]:
    return [f"{name}: missing {sorted(expected[name] - got[name])[:8]}, extra {sorted(got[name] - expected[name])[:8]}"
            for name in expected if expected[name] != got[name]]


def _sql(program, dialect: str, name: str | None) -> str | None:
    return sql_or_refused(program, dialect, name, demo.DEMO_AS_OF)


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_every_segment_and_segmentation_matches_the_oracle(engine, demo_data, example):
    program, rows = _load(engine, demo_data, example)
    expected = oracle.evaluate(program, rows, demo.DEMO_AS_OF)
    statements = {name: _sql(program, engine.dialect, name) for name in [*program.segments, *program.segmentations]}
    got = {name: {row[0] for row in engine.query(sql)} for name in program.segments
           if (sql := statements[name]) is not None}
    expected = {name: members for name, members in expected.items() if name in got}
    assert not _differences(expected, got), "\n".join(_differences(expected, got))
    expected_labels = oracle.labels(program, rows, demo.DEMO_AS_OF)
    for name, segmentation in program.segmentations.items():
        if (sql := statements[name]) is not None:
            labelled = {key: label for key, label in expected_labels[name].items()
                        if label is not None or segmentation.split is None}  # a split's query: whom it labels
            assert dict(engine.query(sql)) == labelled, name
    assert any(expected.values()), "the example finds someone in the demo data"
    splits = any(segmentation.split is not None for segmentation in program.segmentations.values())
    dialect = dialects.get(engine.dialect)
    if (program.timezone == "UTC" or dialect.zone_conversion_missing is None) \
            and not (splits and dialect.md5_missing is not None):
        assert None not in statements.values()


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_the_whole_file_query_matches_the_oracle(engine, demo_data, example):
    program, rows = _load(engine, demo_data, example)
    sql = _sql(program, engine.dialect, None)
    if sql is None:  # the segment test above runs the segments the dialect can
        return
    traits_from = len(program.segments) + len(program.segmentations)
    expected = {key: comparable_row(values, traits_from)
                for key, values in oracle.wide(program, rows, demo.DEMO_AS_OF).items()}
    got = {row[0]: comparable_row(tuple(bool(v) if i < len(program.segments) else v for i, v in enumerate(row[1:])),
                                  traits_from) for row in engine.query(sql)}
    assert got.keys() == expected.keys()
    wrong = [key for key in expected if got[key] != expected[key]]
    assert not wrong, (f"{len(wrong)} customers differ, e.g. {wrong[0]}: "
                       f"got {got[wrong[0]]}, expected {expected[wrong[0]]}")
