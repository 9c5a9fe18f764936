"""The benchmark (bench/, `python -m bench`) at a tiny size: every contender finds the same members.

No timing is asserted: this only keeps the benchmark runnable and its
hand-written SQL, pandas code and proposed SQL shapes in step with the
compiled SQL; and the Spark benchmark's (`python -m bench.spark_bench`, both
of its files), on the tests' Spark Connect server, one (untimed) run of each
query. The retail file's generated tables are checked in DuckDB alone too.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytest.importorskip("pandas")

import segdsl
from bench import data, report, retail_data, run, spark_bench
from bench.data import AS_OF, DataSize
from bench.spark_files import FILES


def test_benchmark_members_agree_at_a_tiny_size(tmp_path: Path) -> None:
    args = run.parse_args(["--customers", "2000", "--orders", "20000", "--runs", "1", "--in-process",
                           "--no-row-scaling", "--compile-segments", "24", "--compile-sizes", "", "--jobs-sizes", "20",
                           "--data-dir", str(tmp_path), "--out", str(tmp_path / "results.md")])
    results = run.run(args, progress=lambda text: None)

    disagreeing = [s.name for s in results.segments if not s.agrees]
    assert not disagreeing, f"generated, hand-written and pandas members differ: {disagreeing}"
    assert results.whole_agrees, "the whole-file query's members differ from the per-segment queries"
    assert all(p.agrees for p in results.proposals), [p.name for p in results.proposals if not p.agrees]
    assert {s.name for s in results.segments} >= {"active_30", "top_spenders", "quick_repeat", "lifecycle"}
    assert all(sum(count for count, _ in s.members.values()) > 0 for s in results.segments)
    assert len(results.dialects) == 12
    assert "## Targets" in report.markdown(results)
    assert [(t.segments, t.rows > 0, t.overlap_seconds is not None) for t in results.jobs] == [(20, True, True)]


def test_the_spark_benchmark_s_members_agree_at_a_tiny_size(spark_connect, tmp_path: Path) -> None:
    args = spark_bench.parse_args(["--customers", "2000", "--orders", "20000", "--runs", "0",
                                   "--data-dir", str(tmp_path)])
    results = spark_bench.run(args, url=spark_connect.url, progress=lambda text: None)

    assert results.agrees, "the compiled and the hand-written whole file differ"
    assert results.compiled.fingerprint and all(count > 0 for count, _ in results.compiled.fingerprint.values())
    assert "compiled and expert: yes" in spark_bench.markdown(results)


def test_the_zones_benchmark_s_members_agree_at_a_tiny_size(tmp_path: Path) -> None:
    from bench import zones_bench

    lines = zones_bench.run(zones_bench.parse_args(["--customers", "2000", "--orders", "20000", "--runs", "0",
                                                    "--data-dir", str(tmp_path)]))
    assert sum(line.startswith("| duckdb |") for line in lines) == 4  # it exits when members differ


def test_the_spark_benchmark_s_retail_members_agree_at_a_tiny_size(spark_connect, tmp_path: Path) -> None:
    args = spark_bench.parse_args(["--file", "retail", "--customers", "2000", "--orders", "20000", "--runs", "0",
                                   "--data-dir", str(tmp_path)])
    results = spark_bench.run(args, url=spark_connect.url, progress=lambda text: None)

    assert results.agrees, "the compiled and the hand-written retail whole file differ"
    found = results.compiled.fingerprint or {}
    assert {name for name, (count, _) in found.items() if count == 0} <= {"need_based", "persona=need_based",
                                                                           "region=unknown"}
    assert "compiled and expert: yes" in spark_bench.markdown(results)


def test_the_retail_tables_are_generated_the_same_every_time_and_fill_the_segments(tmp_path: Path) -> None:
    size = DataSize(2000, 20000)
    program = segdsl.load_file(FILES["retail"].path)
    flags = ", ".join(f"count_if({name})" for name in program.segments)
    late = f"""SELECT (SELECT count(*) FROM web.page_views WHERE viewed_at >= DATE '{AS_OF}' + 1)
                      + (SELECT count(*) FROM support.tickets WHERE opened_on > DATE '{AS_OF}')
                      + (SELECT count(*) FROM web.events WHERE ts >= DATE '{AS_OF}' + 1)"""
    tables = ("shop.orders", "web.page_views", "support.tickets", "web.events")
    with duckdb.connect(str(retail_data.database(size, tmp_path)), read_only=True) as con:
        counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in tables}
        digests = [con.execute(f"SELECT sum(hash(t)) FROM {table} AS t").fetchall() for table in tables]
        after_as_of = con.execute(late).fetchall()[0][0]
        members = con.execute(f"SELECT {flags} FROM ({segdsl.to_sql(program, 'duckdb', None, AS_OF)})").fetchall()[0]
    with duckdb.connect() as con:  # the same rows again, generated into another database
        data.generate(con, size)
        retail_data.generate(con, size)
        assert [con.execute(f"SELECT sum(hash(t)) FROM {table} AS t").fetchall() for table in tables] == digests

    assert counts["shop.orders"] == 20000
    assert 18000 < counts["web.page_views"] < 22000 and 800 < counts["support.tickets"] < 1200
    assert 9000 < counts["web.events"] < 11000
    assert after_as_of == 0
    assert [name for name, count in zip(program.segments, members) if count == 0] == ["need_based"]  # rare here
