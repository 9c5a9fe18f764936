"""Segments over a 100k-row product lookup (rule 16) against an expert's hand-written SQL, on DuckDB and
PostgreSQL.

    python -m bench.lookups_bench                                   # 1M customers, 10M orders, 3 runs
    python -m bench.lookups_bench --customers 100000 --orders 1000000 --runs 3 --no-postgres

bench/lookups.seg reads the orders through shop.products (100,000 products) and its brands: a category
in a window, a sum over a price band, a distinct count of brand names two lookups away, and two conditions
over one scan. Each is compiled for DuckDB and PostgreSQL as of 2026-06-30 and timed against what an analyst
writes (HANDWRITTEN below): the orders joined to the products (and brands) once, grouped by customer, with
FILTERed aggregates where a segment tests two things. Every pair must find the same members (count and key
sum). The data is bench/data.py's shop with bench/lookup_data.py's catalogue; DuckDB runs each measurement
in a fresh process, PostgreSQL is a throwaway cluster loaded with the columns the queries read, `work_mem`
256MB, a warm-up run each, as in bench/future_bench.py.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

import segdsl

from . import lookup_data
from .data import AS_OF, DataSize
from .future_bench import Comparison, command_line, compare, engine_timer

HERE = Path(__file__).resolve().parent
SEGMENTS = HERE / "lookups.seg"

# as of 2026-06-30: orders before 07-01 exist; the last 365 days start on 2025-07-01
_END = "TIMESTAMP '2026-07-01 00:00:00'"
_YEAR = "TIMESTAMP '2025-07-01 00:00:00'"
HANDWRITTEN = {
    "book_lovers": f"""
        SELECT o.customer_id FROM shop.orders AS o JOIN shop.products AS p ON p.product_id = o.product_id
        WHERE p.category = 'books' AND o.ordered_at >= {_YEAR} AND o.ordered_at < {_END}
        GROUP BY o.customer_id HAVING count(*) >= 3""",
    "premium_buyers": f"""
        SELECT o.customer_id FROM shop.orders AS o JOIN shop.products AS p ON p.product_id = o.product_id
        WHERE p.price >= 100 AND o.ordered_at < {_END}
        GROUP BY o.customer_id HAVING sum(o.amount) > 500""",
    "brand_explorers": f"""
        SELECT o.customer_id FROM shop.orders AS o JOIN shop.products AS p ON p.product_id = o.product_id
        JOIN shop.brands AS b ON b.brand_id = p.brand_id
        WHERE o.ordered_at < {_END}
        GROUP BY o.customer_id HAVING count(DISTINCT b.name) >= 5""",
    "home_brand_fans": f"""
        SELECT o.customer_id FROM shop.orders AS o JOIN shop.products AS p ON p.product_id = o.product_id
        LEFT JOIN shop.brands AS b ON b.brand_id = p.brand_id
        WHERE o.ordered_at < {_END} AND (b.country = 'US' OR p.category = 'books')
        GROUP BY o.customer_id
        HAVING count(*) FILTER (WHERE b.country = 'US') >= 3 AND count(*) FILTER (WHERE p.category = 'books') > 0""",
}


def load_postgres(connection, db: Path) -> None:
    """The columns the queries read, copied from the DuckDB file into the schema `shop`, analyzed."""
    tables = {"shop.customers": "customer_id BIGINT",
              "shop.orders": "customer_id BIGINT, ordered_at TIMESTAMP, amount NUMERIC(10,2), product_id BIGINT",
              "shop.products": "product_id BIGINT, category TEXT, brand_id BIGINT, price NUMERIC(10,2)",
              "shop.brands": "brand_id BIGINT, name TEXT, country TEXT"}
    with tempfile.TemporaryDirectory() as folder, duckdb.connect(str(db), read_only=True) as source:
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA IF EXISTS shop CASCADE")
            cur.execute("CREATE SCHEMA shop")
            for table, declared in tables.items():
                columns = ", ".join(part.split()[0] for part in declared.split(", "))
                cur.execute(f"CREATE TABLE {table} ({declared})")
                path = Path(folder) / f"{table}.csv"
                source.execute(f"COPY (SELECT {columns} FROM {table}) TO '{path}' (HEADER false)")
                with cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy, path.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
                cur.execute(f"ANALYZE {table}")


def run(size: DataSize, runs: int, engines: tuple[str, ...], postgres_url: str | None = None,
        progress: Callable[[str], None] = print, data_dir: Path | None = None, postgres_connection=None,
        isolate: bool = True) -> list[Comparison]:
    """Each segment on each engine, compiled against hand-written; `postgres_connection` an open one to use."""
    program = segdsl.load_file(SEGMENTS)
    db = lookup_data.database(size, data_dir)
    found: list[Comparison] = []
    for engine in engines:
        with engine_timer(engine, db, size, progress, postgres_url, postgres_connection, isolate,
                          load=load_postgres) as timer:
            for segment, handwritten in HANDWRITTEN.items():
                compiled = segdsl.to_sql(program, engine, segment, AS_OF)
                result = compare(segment, engine, compiled, handwritten.strip(), timer, runs)
                progress(f"{engine} {segment}: {result.ratio:.2f}x ({result.members} members)")
                found.append(result)
    return found


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, "lookups_bench", __doc__.splitlines()[0], HERE / "results_lookups.md", run,
                        "Lookups (rule 16; a 100k-row product catalogue and its brands)")


if __name__ == "__main__":
    sys.exit(main())
