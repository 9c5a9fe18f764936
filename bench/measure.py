"""One measurement: a query (or a pandas function) timed once, with its peak memory.

`measure(task)` runs the task in a fresh Python process (`python -m
bench.measure`, the task as JSON on stdin) so that each measurement has its
own memory high-water mark: the process's peak resident set size
(getrusage ru_maxrss) after the task, and its resident set size just before
it (interpreter, libraries, open database). The peak therefore includes
that baseline, DuckDB's buffer pool holding the table blocks the query read,
the query's own working memory and, for pandas, the DataFrames.

The timed part is the task alone: the query including its reading of the
database file (each process starts with DuckDB's buffer pool empty; the
file itself sits in the OS page cache after the first run), or the pandas
loading and computing. Starting Python and connecting are not timed.

Every query is wrapped in a small aggregate (member count and sum of keys,
per segment or label), which is also what the member checks compare.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

Fingerprint = dict[str, tuple[int, int]]
"""Per segment or label: (member count, sum of member keys)."""


@dataclass(frozen=True)
class Task:
    db: str
    sql: str = ""            # a DuckDB query returning (name, count, key sum) rows ...
    wide_names: tuple[str, ...] = ()  # ... or one row of count/sum pairs for these names
    pandas: str = ""         # or: the name of a function in bench.pandas_impl
    as_of: str = ""          # for pandas


@dataclass
class Measurement:
    seconds: float                # wall-clock time of the task
    fingerprint: Fingerprint
    cpu_seconds: float = 0.0      # CPU time of the process during the task (all threads)
    peak_rss: int | None = None   # bytes, high-water of the measuring process
    base_rss: int | None = None   # bytes, resident just before the task


# ---- wrapping compiled and hand-written queries --------------------------------


def members_task(db: str, sql: str, key: str = "customer_id") -> Task:
    return Task(db, f"SELECT 'members', count(*), coalesce(sum({key}), 0) FROM ({sql}) AS q")


def labels_task(db: str, sql: str, key: str = "customer_id") -> Task:
    return Task(db, f"SELECT label, count(*), sum({key}) FROM ({sql}) AS q GROUP BY label")


def wide_task(db: str, sql: str, flags: list[str], labels: dict[str, list[str]], key: str = "customer_id") -> Task:
    """The whole-file query, reduced to count and key sum per flag and per segmentation label."""
    tests = {name: f'"{name}"' for name in flags}
    for column, values in labels.items():
        tests |= {f"{column}={value}": f"\"{column}\" = '{value}'" for value in values}
    parts = [f"count_if({test}), coalesce(sum(CASE WHEN {test} THEN {key} END), 0)" for test in tests.values()]
    return Task(db, f"SELECT {', '.join(parts)} FROM ({sql}) AS q", wide_names=tuple(tests))


def rows_task(db: str, sql: str) -> Task:
    """A query reduced to its row count and a checksum that reads every column (the floor)."""
    return Task(db, f"SELECT 'rows', count(*), sum(hash(q) % 1000) FROM ({sql}) AS q")


def pandas_task(db: str, segment: str, as_of: date) -> Task:
    return Task(db, pandas=segment, as_of=as_of.isoformat())


# ---- running ------------------------------------------------------------------------


def measure(task: Task, isolate: bool = True) -> Measurement:
    """Run `task` once: in a fresh process (with memory figures) or in this one (without)."""
    if not isolate:
        return run_task(task)
    done = subprocess.run([sys.executable, "-m", "bench.measure"], input=json.dumps(asdict(task)),
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"measurement failed:\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    data["fingerprint"] = {k: tuple(v) for k, v in data["fingerprint"].items()}
    return Measurement(**data)


def run_task(task: Task) -> Measurement:
    import duckdb

    with duckdb.connect(task.db, read_only=True) as con:
        con.execute("SET enable_progress_bar = false")
        if task.pandas:
            from . import pandas_impl

            function = pandas_impl.SEGMENTS[task.pandas]
            base, cpu, start = _rss_now(), _cpu_now(), time.perf_counter()
            result = function(con, date.fromisoformat(task.as_of))
            fingerprint = _pandas_fingerprint(result)
            seconds, cpu = time.perf_counter() - start, _cpu_now() - cpu
        else:
            base, cpu, start = _rss_now(), _cpu_now(), time.perf_counter()
            rows = con.execute(task.sql).fetchall()
            seconds, cpu = time.perf_counter() - start, _cpu_now() - cpu
            fingerprint = _sql_fingerprint(rows, task.wide_names)
    return Measurement(seconds, fingerprint, cpu, base_rss=base)


def _sql_fingerprint(rows: list[tuple], wide_names: tuple[str, ...]) -> Fingerprint:
    if wide_names:
        values = rows[0]
        return {name: (int(values[2 * i]), int(values[2 * i + 1])) for i, name in enumerate(wide_names)}
    return {str(name): (int(count), int(total or 0)) for name, count, total in rows}


def _pandas_fingerprint(result) -> Fingerprint:
    import numpy as np
    import pandas as pd

    if isinstance(result, pd.Series):  # labels by key
        keys = result.index.to_numpy()
        return {str(label): (int(np.count_nonzero(result.to_numpy() == label)),
                             int(keys[result.to_numpy() == label].sum())) for label in pd.unique(result)}
    keys = np.asarray(result)
    return {"members": (len(keys), int(keys.sum()))}


def _cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_now() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _json_safe(value):
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value


def main() -> None:
    task = Task(**json.loads(sys.stdin.read()))
    task = Task(**{**asdict(task), "wide_names": tuple(task.wide_names)})
    result = run_task(task)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result.peak_rss = peak_kib * 1024
    print(json.dumps(asdict(result), default=_json_safe))


if __name__ == "__main__":
    main()
