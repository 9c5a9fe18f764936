"""The jobs at N segments: `materialize` (a history table) and `overlap`, next to the whole-file query alone.

Both wrap the whole-file query (one row per customer, a column per segment), so each size also
times that query alone (`sizes`): the difference is what the job adds. The segments are simple (an
attribute comparison or `has orders in last N days`, a segmentation per 100 segments), so the
whole-file query stays cheap and the jobs' own growth shows. On the demo shop (5,000 customers) in a
DuckDB file, in this process; overlap only up to the groups it compares at once.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

import segdsl
from segdsl.insight import groups as insight
from segdsl.run import history, runner
from segdsl.run.demo import DEMO_AS_OF, load_demo


@dataclass(frozen=True)
class JobsTiming:
    segments: int
    whole_file_seconds: float       # `sizes`: the whole-file query, counted
    materialize_seconds: float      # one day into a new history table
    rows: int                       # history rows written
    overlap_seconds: float | None   # None: more groups than overlap compares at once


def jobs_program(segments: int) -> str:
    """A .seg file of `segments` simple segments over the demo shop, and a segmentation per 100 of them."""
    lines = ["customers from shop.customers key customer_id",
             "events orders from shop.orders by customer_id at ordered_at"]
    lines += [f"segment s{i}: " + (f"age >= {18 + i % 60}" if i % 2 else f"has orders in last {1 + i % 365} days")
              for i in range(segments)]
    lines += [f"segmentation tier{j}:\n    a when s{j}\n    b when s{j + 1}\n    else c"
              for j in range(max(1, segments // 100))]
    return "\n".join(lines) + "\n"


def jobs_timings(sizes: list[int], customers: int = 5000) -> list[JobsTiming]:
    """Each size in turn, on one demo file (a history table per size)."""
    timings = []
    with tempfile.TemporaryDirectory(prefix="segdsl-jobs-") as folder:
        path = str(Path(folder) / "demo.duckdb")
        with duckdb.connect(path) as con:
            load_demo(con, customers)
        for size in sizes:
            program = segdsl.load_text(jobs_program(size), "jobs.seg")
            with runner.open_target(path, program, writable=True) as target:
                start = time.perf_counter()
                runner.sizes(target, program, DEMO_AS_OF)
                whole = time.perf_counter() - start
                start = time.perf_counter()
                written = history.materialize(target, program, f"history_{size}", DEMO_AS_OF)
                materialize = time.perf_counter() - start
                overlap = None
                if size <= insight.MAX_OVERLAP_GROUPS:
                    start = time.perf_counter()
                    insight.overlap(target, program, DEMO_AS_OF)
                    overlap = time.perf_counter() - start
            timings.append(JobsTiming(size, whole, materialize, written.rows, overlap))
    return timings
