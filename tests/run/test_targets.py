"""Targets: the same program gives the same members through every kind of target."""

from __future__ import annotations

import pytest

from segdsl.compile import compiler
from segdsl.errors import SegdslError, render
from segdsl.run import runner
from segdsl.run.targets import DuckDBTarget

from .small_shop import JUNE_30, SOURCE, TABLES

AS_OF = JUNE_30


@pytest.fixture()
def postgres_url(postgres_engine) -> str:
    postgres_engine.load(TABLES)
    return f"postgresql://postgres@127.0.0.1:{postgres_engine.port}/postgres"


def test_a_postgres_url_is_a_target(postgres_url):
    program = compiler.load_text(SOURCE)
    with runner.open_target(postgres_url, program) as target:
        assert runner.members(target, program, "buyers", AS_OF).rows == [(1,), (2,)]
        assert runner.members(target, program, "kind", AS_OF).rows == [(1, "other"), (2, "old_buyer"), (3, "other")]
        sizes = runner.sizes(target, program, AS_OF).rows
    assert sizes == [("buyers", "", 2, 0.6667), ("older", "", 1, 0.3333), ("kind", "old_buyer", 1, 0.3333),
                     ("kind", "other", 2, 0.6667)]


def test_postgres_and_duckdb_agree(postgres_url, duckdb_engine):
    program = compiler.load_text(SOURCE)
    duckdb_engine.load(TABLES)
    with runner.open_target(postgres_url, program) as pg:
        on_postgres = runner.sizes(pg, program, AS_OF).rows
    assert on_postgres == runner.sizes(DuckDBTarget(duckdb_engine.connection), program, AS_OF).rows


def test_a_column_missing_in_postgres_is_a_positioned_error(postgres_url):
    program = compiler.load_text(SOURCE + "segment typo: agee > 3\n", "shop.seg")
    with runner.open_target(postgres_url, program) as target, pytest.raises(SegdslError) as caught:
        runner.sizes(target, program, AS_OF)
    assert "shop.seg:8:15: error: column 'agee' not found in shop.customers" in render(caught.value)
    assert "did you mean 'age'?" in render(caught.value)


def test_an_unreachable_postgres_is_a_user_error():
    with pytest.raises(SegdslError, match="cannot connect to PostgreSQL"):
        runner.open_target("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
