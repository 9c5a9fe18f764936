"""The benchmark (bench/, `python -m bench`) at a tiny size: every contender finds the same members.

No timing is asserted: this only keeps the benchmark runnable and its
hand-written SQL, pandas code and proposed SQL shapes in step with the
compiled SQL; and the Spark benchmark's (`python -m bench.spark_bench`),
on the tests' Spark Connect server, one (untimed) run of each query.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pandas")

from bench import report, run, spark_bench


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
