"""Compile throughput: generated .seg files of N segments, compiled for every dialect.

The generated segments cycle through the forms of bench/segments.seg with
varying numbers (so every segment adds its own aggregates, windows,
rankings and sequences, as a real file of that size would), plus segments
that use earlier segments by name.
"""

from __future__ import annotations

import contextlib
import math
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import segdsl
from segdsl.dialects import DIALECTS

from .data import AS_OF

_CATEGORIES = ("groceries", "fashion", "electronics", "home", "beauty", "toys", "flowers", "pet", "books")
_FORMS = (
    lambda i, k: f"age between {18 + k % 20} and {40 + k % 30} and gender = \"F\" and country in (\"US\", \"CA\")",
    lambda i, k: f"has orders in last {7 + k % 200} days",
    lambda i, k: f"has orders and no orders in last {30 + k % 300} days",
    lambda i, k: f"days_since_last(orders) > {30 + k % 400}",
    lambda i, k: f"count(orders in last {30 + k % 700} days) >= {1 + k % 20}",
    lambda i, k: f"sum(orders.amount where channel = \"web\") >= {100 + 10 * k}",
    lambda i, k: f"sum(orders.amount in last {90 + k % 600} days) in top {1 + k % 30}%",
    lambda i, k: f"count(orders where category = \"{_CATEGORIES[k % 9]}\" in last {30 + k % 365} days) >= 2",
    lambda i, k: f"orders where category = \"{_CATEGORIES[k % 9]}\" then orders within {1 + k % 30} days",
    lambda i, k: f"count(orders) = 1 and no orders in last {30 + k % 300} days",
    lambda i, k: f"s{i - 3} and not s{i - 7}",
    lambda i, k: f"quintile(count(orders in last {60 + k % 500} days)) = {1 + k % 5}",
)


def generated_program(segments: int) -> str:
    """The text of a .seg file with `segments` segments and one segmentation per 100 segments."""
    lines = ["customers from shop.customers key customer_id",
             "events orders from shop.orders by customer_id at ordered_at", ""]
    for i in range(segments):
        form = _FORMS[i % len(_FORMS)]
        lines.append(f"segment s{i}:\n    {form(i, i // len(_FORMS))}")
    for j in range(segments // 100):
        lines.append(f"segmentation tier{j}:\n    a when s{100 * j + 1}\n    b when s{100 * j + 2}\n    else c")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CompileTiming:
    segments: int
    dialect: str
    load_seconds: float     # parse + check, the same for every dialect
    sql_seconds: float      # the whole-file statement as text for this dialect
    sql_chars: int
    cpu_seconds: float      # the process's CPU time for both: on a shared machine, the work without the waiting

    @property
    def total_seconds(self) -> float:
        return self.load_seconds + self.sql_seconds

    @property
    def segments_per_second(self) -> float:
        return self.segments / self.total_seconds

    @property
    def cpu_segments_per_second(self) -> float:
        return self.segments / self.cpu_seconds


def _median_time(action, repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of `action`, and its result."""
    times, cpu_times, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = action()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
    return statistics.median(times), statistics.median(cpu_times), result


def compile_timings(segments: int, dialects: tuple[str, ...] = DIALECTS, repeat: int = 3) -> list[CompileTiming]:
    """Whole-file compile of a generated file of `segments` segments, per dialect (medians of `repeat`)."""
    text = generated_program(segments)
    load_seconds, load_cpu, program = _median_time(lambda: segdsl.load_text(text, "generated.seg"), repeat)
    timings = []
    for dialect in dialects:
        sql_seconds, sql_cpu, sql = _median_time(lambda dialect=dialect: segdsl.to_sql(program, dialect, None, AS_OF),
                                                 repeat)
        timings.append(CompileTiming(segments, dialect, load_seconds, sql_seconds, len(sql), load_cpu + sql_cpu))
    return timings


@dataclass(frozen=True)
class Skipped:
    segments: int
    estimate_seconds: float


@contextlib.contextmanager
def without_builder_copies() -> Iterator[None]:
    """A proposal, measured: sqlglot's builders (select, join, with_, and_, ...) without their
    defensive deep copy of the tree they extend, i.e. what `copy=False` at segdsl/compile/emit.py's
    builder calls would give. Patched for the duration only."""
    modules = [m for name, m in list(sys.modules.items())
               if name.startswith("sqlglot.expressions") and hasattr(m, "maybe_copy")]
    saved = {m: m.maybe_copy for m in modules}
    for module in modules:
        module.maybe_copy = lambda instance, copy=True: instance
    try:
        yield
    finally:
        for module, original in saved.items():
            module.maybe_copy = original


def same_sql_without_copies(segments: int) -> bool:
    """Whether the whole-file SQL of every dialect is the same with and without the copies."""
    program = segdsl.load_text(generated_program(segments), "generated.seg")
    before = [segdsl.to_sql(program, d, None, AS_OF) for d in DIALECTS]
    with without_builder_copies():
        after = [segdsl.to_sql(program, d, None, AS_OF) for d in DIALECTS]
    return before == after


def scaling(sizes: list[int], budget_seconds: float, dialect: str = "duckdb", no_copies: bool = False
            ) -> list[CompileTiming | Skipped]:
    """Whole-file compile time at each size; a size whose time, extrapolated from the
    growth seen between the two previous sizes, would exceed the budget is skipped."""
    if no_copies:
        with without_builder_copies():
            return scaling(sizes, budget_seconds, dialect)
    compile_timings(10, (dialect,), repeat=1)  # warm-up: grammar, imports, caches
    results: list[CompileTiming | Skipped] = []
    done: list[CompileTiming] = []
    for size in sorted(sizes):
        if done:
            last = done[-1]
            exponent = 1.0
            if len(done) >= 2:
                first = done[-2]
                exponent = max(1.0, math.log(last.total_seconds / first.total_seconds)
                               / math.log(last.segments / first.segments))
            estimate = last.total_seconds * (size / last.segments) ** exponent
            if estimate > budget_seconds:
                results.append(Skipped(size, estimate))
                continue
        timing = compile_timings(size, (dialect,), repeat=1)[0]
        done.append(timing)
        results.append(timing)
    return results
