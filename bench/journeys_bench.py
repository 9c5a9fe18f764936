"""Three-step journeys (rule 15) against an expert's hand-written SQL, on DuckDB and PostgreSQL.

    python -m bench.journeys_bench                                   # 1M customers, 10M orders, 10M events, 3 runs
    python -m bench.journeys_bench --customers 100000 --orders 1000000 --runs 3 --no-postgres

bench/journeys.seg: the product funnel "viewed, added the same product to the cart within a day, did not buy
it within 3 days" (`matching product_id`, `then no` last), the same with the order (bought it), the plain
journey view, cart within a day, order within 3 days (no matching), and the drop-outs whose view was in the
last 30 days. Each is compiled for DuckDB and PostgreSQL as of 2026-06-30 and timed against what an
analytics engineer writes (HANDWRITTEN below): the carts whose latest view of the product (of anything,
without matching) at or before them is at most a day older, one window over the views and carts per customer
and product; then the orders of the product in the 3 days after such a cart, NOT EXISTS (EXISTS for the
buyers), which the engines run as a hash anti- (semi-) join on customer and product with the time range as
its filter. For the last 30 days the expert also bounds the carts and orders by the window's first day.
Every pair must find the same members (count and key sum).

The data is bench/data.py's shop with bench/journey_data.py's product events (about as many as the orders).
DuckDB runs each measurement in a fresh process, PostgreSQL is a throwaway cluster loaded with the columns
the queries read, `work_mem` 256MB, a warm-up run each, as in bench/future_bench.py.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

import segdsl

from . import journey_data
from .data import AS_OF, DataSize
from .future_bench import Comparison, command_line, compare, engine_timer

HERE = Path(__file__).resolve().parent
SEGMENTS = HERE / "journeys.seg"
ENGINES = ("duckdb", "postgres")

# as of 2026-06-30: events before 07-01 exist; the last 30 days start on 06-01
_BOUNDS = {"end": "TIMESTAMP '2026-07-01 00:00:00'", "d30": "TIMESTAMP '2026-06-01 00:00:00'"}
_DAY = {"duckdb": "INTERVAL 1 DAY", "postgres": "INTERVAL '1 day'"}
_DAYS = {"duckdb": "INTERVAL 3 DAY", "postgres": "INTERVAL '3 days'"}

# carts whose latest view (of the same product, with matching) at or before them is at most a day older (at one
# instant the views come first: a view and a cart at the same time are a journey); then whether an order (of that
# product) comes in the 3 days after such a cart
_FUNNEL = """
    WITH carts AS (
        SELECT user_id, product_id, ts FROM (
            SELECT user_id, product_id, ts, event,
                   max(CASE WHEN event = 'view' THEN ts END) OVER (
                       PARTITION BY {by} ORDER BY ts, event = 'add_to_cart'
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_view
            FROM web.events
            WHERE event IN ('view', 'add_to_cart') AND ts < {end}{events}
        ) AS e
        WHERE event = 'add_to_cart' AND last_view >= ts - {day}
    )
    SELECT DISTINCT user_id AS customer_id FROM carts AS c
    WHERE {exists} (
        SELECT 1 FROM shop.orders AS o
        WHERE o.customer_id = c.user_id{orders} AND o.ordered_at >= c.ts AND o.ordered_at <= c.ts + {days}
          AND o.ordered_at < {end})"""
FUNNELS = {  # segment: (the window's partition, NOT EXISTS or EXISTS, matching, the first day of the window)
    "funnel_dropouts": ("user_id, product_id", "NOT EXISTS", True, None),
    "funnel_buyers": ("user_id, product_id", "EXISTS", True, None),
    "cart_to_order": ("user_id", "EXISTS", False, None),
    "recent_dropouts": ("user_id, product_id", "NOT EXISTS", True, "d30"),
}
# three different orders of one product, each within 60 days of the one before: some order whose neighbours in
# time among the customer's orders of that product are both within 60 days (a chain o1, o2, o3 has them: the
# orders just before and after o2 lie between o1 and o3)
_THRICE = """
    SELECT DISTINCT customer_id FROM (
        SELECT customer_id, ordered_at,
               lag(ordered_at) OVER (PARTITION BY customer_id, product_id ORDER BY ordered_at) AS before,
               lead(ordered_at) OVER (PARTITION BY customer_id, product_id ORDER BY ordered_at) AS after
        FROM shop.orders
        WHERE product_id IS NOT NULL AND ordered_at < {end}
    ) AS o
    WHERE before >= ordered_at - {days} AND after <= ordered_at + {days}"""
_60_DAYS = {"duckdb": "INTERVAL 60 DAY", "postgres": "INTERVAL '60 days'"}
HANDWRITTEN = [*FUNNELS, "same_product_thrice"]


def handwritten_sql(segment: str, engine: str) -> str:
    if segment == "same_product_thrice":
        return _THRICE.format(end=_BOUNDS["end"], days=_60_DAYS[engine]).strip()
    by, exists, matching, since = FUNNELS[segment]
    events = " AND product_id IS NOT NULL" if matching else ""
    orders = " AND o.product_id = c.product_id" if matching else ""
    if since is not None:  # a cart follows its view, an order its cart: neither is older than the window
        events += f" AND ts >= {_BOUNDS[since]}"
        orders += f" AND o.ordered_at >= {_BOUNDS[since]}"
    return _FUNNEL.format(by=by, exists=exists, events=events, orders=orders, day=_DAY[engine], days=_DAYS[engine],
                          end=_BOUNDS["end"]).strip()


def load_postgres(connection, db: Path) -> None:
    """The columns the queries read, copied from the DuckDB file into the schemas `shop` and `web`, analyzed."""
    tables = {"shop.customers": "customer_id BIGINT",
              "shop.orders": "customer_id BIGINT, ordered_at TIMESTAMP, product_id BIGINT",
              "web.events": "user_id BIGINT, ts TIMESTAMP, event TEXT, product_id BIGINT"}
    with tempfile.TemporaryDirectory() as folder, duckdb.connect(str(db), read_only=True) as source:
        with connection.cursor() as cur:
            for schema in ("shop", "web"):
                cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                cur.execute(f"CREATE SCHEMA {schema}")
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
    """Each journey on each engine, compiled against hand-written; `postgres_connection` an open one to use."""
    program = segdsl.load_file(SEGMENTS)
    db = journey_data.database(size, data_dir)
    found: list[Comparison] = []
    for engine in engines:
        with engine_timer(engine, db, size, progress, postgres_url, postgres_connection, isolate,
                          load=load_postgres) as timer:
            for segment in HANDWRITTEN:
                compiled = segdsl.to_sql(program, engine, segment, AS_OF)
                result = compare(segment, engine, compiled, handwritten_sql(segment, engine), timer, runs)
                progress(f"{engine} {segment}: {result.ratio:.2f}x ({result.members} members)")
                found.append(result)
    return found


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, "journeys_bench", __doc__.splitlines()[0], HERE / "results_journeys.md", run,
                        "Journeys (rule 15; about as many product events as orders)")


if __name__ == "__main__":
    sys.exit(main())
