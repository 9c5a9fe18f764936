"""bench/future_bench.py (rules 11 to 14), bench/traits_bench.py (ten traits), bench/journeys_bench.py (rule 15),
bench/lookups_bench.py (rule 16) and bench/json_bench.py (rule 17) against an expert's SQL at a tiny size, on
DuckDB and on the tests' PostgreSQL: the compiled and the hand-written queries find the same members (and
values). No timing is asserted."""

from __future__ import annotations

from pathlib import Path

from bench import future_bench, journeys_bench, json_bench, traits_bench
from bench.data import DataSize


def test_future_benchmark_members_agree_at_a_tiny_size(postgres_engine, tmp_path: Path) -> None:
    connection = postgres_engine.connection
    try:
        results = future_bench.run(DataSize(2000, 20000), 1, future_bench.ENGINES, progress=lambda text: None,
                                   data_dir=tmp_path, postgres_connection=connection, isolate=False)
    finally:  # the engine's later loads know nothing of the benchmark's schema and setting
        connection.execute("DROP SCHEMA IF EXISTS shop CASCADE")
        connection.execute("RESET work_mem")
    assert {(r.segment, r.engine) for r in results} == {(s, e) for s in future_bench.HANDWRITTEN
                                                        for e in future_bench.ENGINES}
    assert all(r.members > 0 for r in results), [r.segment for r in results if not r.members]
    assert "geometric mean" in future_bench.report(results, DataSize(2000, 20000), 1)


def test_traits_benchmark_values_agree_at_a_tiny_size(postgres_engine, tmp_path: Path) -> None:
    """bench/traits_bench.py: the whole file of ten traits and the expert's GROUP BY give the same values."""
    connection = postgres_engine.connection
    try:
        results = traits_bench.run(DataSize(2000, 20000), 1, traits_bench.ENGINES, progress=lambda text: None,
                                   data_dir=tmp_path, postgres_connection=connection, isolate=False)
    finally:
        connection.execute("DROP SCHEMA IF EXISTS shop CASCADE")
        connection.execute("RESET work_mem")
    assert [(r.segment, r.engine) for r in results] == [("ten_traits", "duckdb"), ("ten_traits", "postgres")]
    assert all(r.members == 2000 for r in results)


def test_journeys_benchmark_members_agree_at_a_tiny_size(postgres_engine, tmp_path: Path) -> None:
    """bench/journeys_bench.py: the funnels, with and without matching, and one product ordered three times find
    the expert's members."""
    connection = postgres_engine.connection
    try:
        results = journeys_bench.run(DataSize(2000, 20000), 1, journeys_bench.ENGINES, progress=lambda text: None,
                                     data_dir=tmp_path, postgres_connection=connection, isolate=False)
    finally:
        for schema in ("shop", "web"):
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.execute("RESET work_mem")
    assert [(r.segment, r.engine) for r in results] == [(s, e) for e in journeys_bench.ENGINES
                                                        for s in journeys_bench.HANDWRITTEN]
    # one product ordered three times within 60-day spans is rare (246 customers in 1M at full size): at this
    # size it has none, and its agreement with the expert (compare) is all that is checked of it here
    assert all(0 < r.members < 2000 for r in results if r.segment != "same_product_thrice"), \
        {r.segment: r.members for r in results}


def test_lookups_benchmark_members_agree_at_a_tiny_size(postgres_engine, tmp_path: Path) -> None:
    """bench/lookups_bench.py: segments over the product catalogue find the expert's members."""
    from bench import lookups_bench

    connection = postgres_engine.connection
    try:
        results = lookups_bench.run(DataSize(2000, 20000), 1, ("duckdb", "postgres"), progress=lambda text: None,
                                    data_dir=tmp_path, postgres_connection=connection, isolate=False)
    finally:
        connection.execute("DROP SCHEMA IF EXISTS shop CASCADE")
        connection.execute("RESET work_mem")
    assert [(r.segment, r.engine) for r in results] == [(s, e) for e in ("duckdb", "postgres")
                                                        for s in lookups_bench.HANDWRITTEN]
    assert all(0 < r.members < 2000 for r in results), {r.segment: r.members for r in results}


def test_json_benchmark_members_agree_at_a_tiny_size(postgres_engine, tmp_path: Path) -> None:
    """bench/json_bench.py: the compiled JSON paths and the analyst's operators find the same members."""
    connection = postgres_engine.connection
    try:
        results = json_bench.run(DataSize(2000, 20000), 1, json_bench.ENGINES, progress=lambda text: None,
                                 data_dir=tmp_path, postgres_connection=connection, isolate=False)
    finally:
        connection.execute("DROP SCHEMA IF EXISTS shop CASCADE")
        connection.execute("DROP SCHEMA IF EXISTS web CASCADE")
        connection.execute("RESET work_mem")
    assert {(r.segment, r.engine) for r in results} == {(s, e) for s in json_bench.handwritten("duckdb")
                                                        for e in json_bench.ENGINES}
    assert all(r.members > 0 for r in results), [r.segment for r in results if not r.members]
