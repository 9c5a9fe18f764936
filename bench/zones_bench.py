"""Rules 9 and 10 at scale: a program in New York's calendar, windows of days and of hours, against an
expert's hand-written SQL, on DuckDB and (with --pg URL) PostgreSQL.

    python -m bench.zones_bench                                   # 1M customers, 10M orders, DuckDB
    python -m bench.zones_bench --pg postgresql://localhost/bench # also PostgreSQL (the orders copied there once)

The expert knows the zone: they compute the UTC instants where New York's days begin (and T minus the
hours) in Python and write them as literals, which is what segdsl does with --as-of; `late_repeat`
pairs consecutive orders (LAG). The expert's query is timed bare and with its members checked against
the customers (the program's question: members are rows of the entity table). Same members or exit 1;
ratios are compiled over the checked expert's time (medians of alternating runs; over the bare one
beside it), the geometric mean and the worst printed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segdsl

from .data import AS_OF, DataSize, database
from .measure import members_task, run_task
from .suite import alternate, geometric_mean

ZONE = "America/New_York"
PROGRAM = f'''timezone "{ZONE}"
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at

segment zoned_active_30 "Ordered in the last 30 New York days":
    has orders in last 30 days
segment zoned_frequent "12 or more orders in the last 365 New York days":
    count(orders in last 365 days) >= 12
segment last_6_hours "Ordered in the 6 hours before the end of the as-of day":
    has orders in last 6 hours
segment late_repeat "An order, then another within 2 hours":
    orders then orders within 2 hours
'''


def _instant(day: date, hours_back: int = 0) -> str:
    """The UTC instant New York's `day` starts at, moved back by hours, as a TIMESTAMP literal."""
    start = datetime.combine(day, datetime.min.time()).replace(tzinfo=ZoneInfo(ZONE)).astimezone(timezone.utc)
    moment = (start - timedelta(hours=hours_back)).replace(tzinfo=None)
    return f"TIMESTAMP '{moment.isoformat(sep=' ')}'"


def handwritten(as_of: date) -> dict[str, str]:
    """The expert's SQL (standard: the same text on DuckDB and PostgreSQL)."""
    end = _instant(as_of + timedelta(days=1))
    return {
        "zoned_active_30": f"SELECT DISTINCT customer_id FROM shop.orders "
                           f"WHERE ordered_at >= {_instant(as_of - timedelta(days=29))} AND ordered_at < {end}",
        "zoned_frequent": f"SELECT customer_id FROM shop.orders "
                          f"WHERE ordered_at >= {_instant(as_of - timedelta(days=364))} AND ordered_at < {end} "
                          "GROUP BY customer_id HAVING count(*) >= 12",
        "last_6_hours": f"SELECT DISTINCT customer_id FROM shop.orders "
                        f"WHERE ordered_at >= {_instant(as_of + timedelta(days=1), 6)} AND ordered_at < {end}",
        "late_repeat": "SELECT DISTINCT customer_id FROM (SELECT customer_id, ordered_at, lag(ordered_at) OVER "
                       "(PARTITION BY customer_id ORDER BY ordered_at) AS previous FROM shop.orders "
                       f"WHERE ordered_at < {end}) AS o WHERE ordered_at <= previous + INTERVAL '2 hours'",
    }


def same_question(expert: dict[str, str]) -> dict[str, str]:
    """The expert's queries answering the program's question exactly: members are rows of shop.customers
    (LANGUAGE.md), so their customer ids are joined with the customers, as a careful expert writes it."""
    return {name: f"SELECT c.customer_id FROM shop.customers AS c JOIN ({sql}) AS e ON e.customer_id = c.customer_id"
            for name, sql in expert.items()}


def _postgres(url: str, duck: Path) -> Any:
    """A PostgreSQL connection holding the DuckDB file's customers and orders (copied when missing)."""
    import duckdb
    import psycopg

    con = psycopg.connect(url, autocommit=True)
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'shop' "
                        "AND table_name = 'orders'").fetchone()
    if found and found[0]:
        return con
    source = duckdb.connect(str(duck), read_only=True)
    con.execute("CREATE SCHEMA IF NOT EXISTS shop")
    con.execute("CREATE TABLE shop.customers (customer_id BIGINT PRIMARY KEY)")
    con.execute("CREATE TABLE shop.orders (customer_id BIGINT, ordered_at TIMESTAMP)")
    for table, columns in (("customers", "customer_id"), ("orders", "customer_id, ordered_at")):
        rows = source.execute(f"SELECT {columns} FROM shop.{table}")
        with con.cursor().copy(f"COPY shop.{table} ({columns}) FROM STDIN") as copy:
            while batch := rows.fetchmany(100_000):
                for row in batch:
                    copy.write_row(row)
    con.execute("CREATE INDEX ON shop.orders (customer_id, ordered_at)")
    con.execute("VACUUM ANALYZE")  # hint bits and the visibility map set: no query pays for the load
    return con


def _time_postgres(con: Any, queries: tuple[str, ...], runs: int) -> tuple[list[float], list[tuple[int, int]]]:
    """The median seconds of queries over PostgreSQL, run alternately after a warm-up run each, and their
    members (count, sum of keys)."""
    seconds: list[list[float]] = [[] for _ in queries]
    members: list[tuple[int, int]] = [(0, 0) for _ in queries]
    for run in range(runs + 1):
        for index, sql in enumerate(queries):
            began = time.perf_counter()
            members[index] = con.execute(f"SELECT count(*), coalesce(sum(customer_id), 0) FROM ({sql}) AS q").fetchone()
            if run:  # the first is the warm-up
                seconds[index].append(time.perf_counter() - began)
    return [statistics.median(s) for s in seconds], members


def run(args: argparse.Namespace) -> list[str]:
    """The report's lines; raises when the compiled and the hand-written members differ. Each ratio is
    compiled over the expert's query that checks its members are customers (the same question), with the
    ratio over the expert's bare query beside it."""
    program = segdsl.load_text(PROGRAM)
    db = database(DataSize(args.customers, args.orders, args.seed), args.data_dir)
    expert = handwritten(AS_OF)
    checked = same_question(expert)
    lines = ["| engine | segment | compiled s | expert, members checked s | expert, bare s | ratio | ratio to bare |",
             "|---|---|---|---|---|---|---|"]
    ratios: dict[str, list[float]] = {}
    for engine in ("duckdb", "postgres") if args.pg else ("duckdb",):
        con = _postgres(args.pg, db) if engine == "postgres" else None
        ratios[engine] = []
        for name in expert:
            queries = (segdsl.to_sql(program, engine, name, AS_OF), checked[name], expert[name])
            (compiled, same, bare), found = (_time_duckdb(str(db), queries, args) if con is None
                                             else _time_postgres(con, queries, max(args.runs, 1)))
            if any(members != found[0] for members in found):
                raise SystemExit(f"{engine}: {name}: compiled and hand-written members differ")
            ratios[engine].append(compiled / same)
            lines.append(f"| {engine} | {name} | {compiled:.3f} | {same:.3f} | {bare:.3f} | {compiled / same:.2f} "
                         f"| {compiled / bare:.2f} |")
    for engine, values in ratios.items():
        lines.append(f"\n{engine}: geometric mean {geometric_mean(values):.2f}, worst {max(values):.2f}")
    return lines


def _time_duckdb(db: str, queries: tuple[str, ...], args: argparse.Namespace) -> tuple[list[float], list[object]]:
    """The median seconds of queries over the DuckDB file (alternating runs, each in a fresh process unless
    --in-process) and their members' fingerprints."""
    tasks = {str(index): members_task(db, sql) for index, sql in enumerate(queries)}
    done = alternate(tasks, args.runs, not args.in_process) if args.runs else \
        {k: _once(task) for k, task in tasks.items()}
    return [done[k].median for k in tasks], [done[k].fingerprint for k in tasks]


def _once(task):
    from .suite import Runs

    runs = Runs()
    runs.measurements.append(run_task(task))
    return runs


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.zones_bench", description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL to run the same queries on")
    parser.add_argument("--in-process", action="store_true", help="measure in this process (no memory figures)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    print("\n".join(run(parse_args(argv))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
