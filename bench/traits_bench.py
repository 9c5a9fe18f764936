"""Ten traits in one whole-file query against an expert's hand-written SQL, on DuckDB and PostgreSQL.

    python -m bench.traits_bench                                   # 1M customers, 10M orders, 3 runs
    python -m bench.traits_bench --customers 100000 --orders 1000000 --runs 3 --no-postgres

bench/traits.seg declares ten traits over the orders (sums, counts, an average, a maximum, the first
and latest order, windowed sums and counts, days since the latest order, a ratio of two traits). Its
whole-file query (one row per customer, a column per trait) is timed against the query an analyst
would write: one GROUP BY over the orders with FILTERed aggregates, LEFT JOINed to the customers.
Both are reduced to the same one-row summary (per column: the values known and their sum), which
must agree, so each computes every value of every customer; runs alternate and medians are
compared. Data, DuckDB's fresh process per measurement and the throwaway PostgreSQL are as in
bench/future_bench.py.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import segdsl

from .data import AS_OF, DataSize, database
from .future_bench import Comparison, Timer, command_line, compare, engine_timer
from .measure import Fingerprint, Task, measure

HERE = Path(__file__).resolve().parent
TRAITS = HERE / "traits.seg"
ENGINES = ("duckdb", "postgres")
NAME = "ten_traits"
# (trait, its kind) in the order declared: times are summed as seconds since 1970
COLUMNS = (("ltv", "number"), ("order_count", "number"), ("average_order", "number"), ("largest_order", "number"),
           ("first_order", "time"), ("last_order", "time"), ("recent_spend", "number"), ("recent_orders", "number"),
           ("days_quiet", "number"), ("spend_per_order", "number"))

SUMMARY = ("members", *(column for column, _ in COLUMNS))  # the summary's pairs: the customers, then each trait
# as of 2026-06-30: orders before 07-01 exist; the last 90 days start on 04-02, the last 30 on 06-01
_EXPERT = """
    SELECT c.customer_id, coalesce(f.ltv, 0) AS ltv, coalesce(f.order_count, 0) AS order_count,
           f.average_order, f.largest_order, f.first_order, f.last_order,
           coalesce(f.recent_spend, 0) AS recent_spend, coalesce(f.recent_orders, 0) AS recent_orders,
           DATE '2026-06-30' - CAST(f.last_order AS DATE) AS days_quiet,
           coalesce(f.ltv, 0) / nullif(coalesce(f.order_count, 0), 0) AS spend_per_order
    FROM shop.customers AS c
    LEFT JOIN (
        SELECT customer_id, sum(amount) AS ltv, count(*) AS order_count, avg(amount) AS average_order,
               max(amount) AS largest_order, min(ordered_at) AS first_order, max(ordered_at) AS last_order,
               sum(amount) FILTER (WHERE ordered_at >= TIMESTAMP '2026-04-02 00:00:00') AS recent_spend,
               count(*) FILTER (WHERE ordered_at >= TIMESTAMP '2026-06-01 00:00:00') AS recent_orders
        FROM shop.orders WHERE ordered_at < TIMESTAMP '2026-07-01 00:00:00'
        GROUP BY customer_id
    ) AS f ON f.customer_id = c.customer_id"""
HANDWRITTEN = {"duckdb": _EXPERT, "postgres": _EXPERT}


def summary_sql(sql: str, engine: str) -> str:
    """One row: the customers, the sum of their keys, then per trait the values known and their sum (in
    whole units: cents are rounded away, which no two correct queries differ by)."""
    def number(column: str, kind: str) -> str:
        if kind == "time":
            return f"epoch({column})" if engine == "duckdb" else f"extract(epoch FROM {column})"
        return f"CAST({column} AS DOUBLE PRECISION)"
    parts = ["count(*)", "sum(customer_id)"]
    for column, kind in COLUMNS:
        parts += [f"count({column})", f"CAST(round(coalesce(sum({number(column, kind)}), 0)) AS BIGINT)"]
    return f"SELECT {', '.join(parts)} FROM ({sql}) AS q"


def duckdb_timer(db: Path, isolate: bool = True) -> Timer:
    def run(sql: str) -> tuple[float, Fingerprint]:
        result = measure(Task(str(db), summary_sql(sql, "duckdb"), wide_names=SUMMARY), isolate=isolate)
        return result.seconds, result.fingerprint
    return run


def postgres_timer(connection) -> Timer:
    def run(sql: str) -> tuple[float, Fingerprint]:
        with connection.cursor() as cur:
            start = time.perf_counter()
            cur.execute(summary_sql(sql, "postgres"))
            row = cur.fetchone()
            seconds = time.perf_counter() - start
        values = [int(value) for value in row]
        return seconds, {name: (values[2 * i], values[2 * i + 1]) for i, name in enumerate(SUMMARY)}
    return run


def run(size: DataSize, runs: int, engines: tuple[str, ...], postgres_url: str | None = None,
        progress: Callable[[str], None] = print, data_dir: Path | None = None, postgres_connection=None,
        isolate: bool = True) -> list[Comparison]:
    """The whole file on each engine against the expert's query; `postgres_connection` an open one to use."""
    compiled = {engine: segdsl.to_sql(segdsl.load_file(TRAITS), engine, None, AS_OF) for engine in engines}
    db = database(size, data_dir)
    found: list[Comparison] = []
    for engine in engines:
        with engine_timer(engine, db, size, progress, postgres_url, postgres_connection, isolate,
                          duckdb_timer, postgres_timer) as timer:
            result = compare(NAME, engine, compiled[engine], HANDWRITTEN[engine].strip(), timer, runs)
        progress(f"{engine} {NAME}: {result.ratio:.2f}x")
        found.append(result)
    return found


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, "traits_bench", __doc__.splitlines()[0], HERE / "results_traits.md", run,
                        "Ten traits (rule 14)")


if __name__ == "__main__":
    sys.exit(main())
