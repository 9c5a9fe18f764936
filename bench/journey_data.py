"""The product events of the journeys benchmark, generated in DuckDB beside bench/data.py's shop.

    web.events(user_id BIGINT, ts TIMESTAMP, event VARCHAR, product_id BIGINT)

About as many rows as the shop has orders (m; 10M at the default size), in time order, none after AS_OF,
every value from `hash()` of row numbers and the seed (the same rows on any number of threads), as in
bench/retail_data.py. The shop's own tables are bench/data.py's, unchanged.

- Shopping (1 in 4 orders): a view of the order's product up to 4 days before it, and its addition to the
  cart between the view and the order; so these carts follow their view within a day about half the time,
  and lead to the order within 3 days.
- Browsing (about 0.3 m views): per customer, buyer or not, a lognormal number of views over an active span
  of its own (bench/retail_data.py's spread), of products as popular as the orders' (1 .. 50,000, the low
  numbers likelier); 2 in 5 views are followed by a cart addition 0 to 40 hours later (the shorter delays
  likelier), 1 in 10 of those of another product. Few are followed by an order of the product.
- Other events (about 0.1 m): logins and searches, without a product.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from . import data
from .data import AS_OF, DataSize, uniform
from .retail_data import spread

JOURNEY_VERSION = 1  # bump when the generated rows change, so cached files are rebuilt

_END = f"TIMESTAMP '{AS_OF.isoformat()} 23:59:59'"


def database(size: DataSize, data_dir: Path | None = None, fresh: bool = False) -> Path:
    """The path of a DuckDB file with the shop of `size` and its product events, generated when missing."""
    def build(con: duckdb.DuckDBPyConnection) -> None:
        data.generate(con, size)
        generate(con, size)

    name = f"journeys_v{JOURNEY_VERSION}_shop_v{data.GENERATOR_VERSION}_{size.tag}.duckdb"
    return data.cached((data_dir or data.default_data_dir()) / name, build, fresh)


def generate(con: duckdb.DuckDBPyConnection, size: DataSize) -> None:
    """Create web.events in `con`, which holds shop.customers and shop.orders of the same size."""
    s, n, m = str(size.seed), size.customers, size.orders
    product = f"""1 + floor(50000 * pow({uniform('customer_id', 'j', s, "'product'")}, 2))::BIGINT"""
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE SCHEMA IF NOT EXISTS web")
    con.execute(f"""
        CREATE OR REPLACE TABLE web.events AS
        WITH shopping AS (
            SELECT customer_id, product_id, ordered_at,
                   to_seconds(floor(4 * 86400 * {uniform('order_id', s, "'lead'")})::BIGINT) AS lead,
                   {uniform('order_id', s, "'cart'")} AS later
            FROM shop.orders WHERE {uniform('order_id', s, "'shopped'")} < 0.25
        ), browsing AS (
            SELECT customer_id, happened_at, {product} AS product_id,
                   {uniform('customer_id', 'j', s, "'carted'")} AS carted,
                   to_seconds(floor(40 * 3600 * pow({uniform('customer_id', 'j', s, "'delay'")}, 2))::BIGINT)
                       AS delay,
                   {uniform('customer_id', 'j', s, "'other'")} < 0.1 AS other
            FROM ({spread(0.3 * m / n, size.seed, 'browse')})
        ), other AS (
            SELECT customer_id, happened_at,
                   CASE WHEN {uniform('customer_id', 'j', s, "'kind'")} < 0.6 THEN 'login' ELSE 'search' END AS event
            FROM ({spread(0.1 * m / n, size.seed, 'other')})
        ), rows AS (
            SELECT customer_id, ordered_at - lead AS ts, 'view' AS event, product_id FROM shopping
            UNION ALL
            SELECT customer_id, ordered_at - lead * later, 'add_to_cart', product_id FROM shopping
            UNION ALL
            SELECT customer_id, happened_at, 'view', product_id FROM browsing
            UNION ALL
            SELECT customer_id, happened_at + delay, 'add_to_cart',
                   CASE WHEN other THEN 1 + (product_id + 7919) % 50000 ELSE product_id END
            FROM browsing WHERE carted < 0.4 AND happened_at + delay <= {_END}
            UNION ALL
            SELECT customer_id, happened_at, event, NULL FROM other
        )
        SELECT customer_id AS user_id, ts, event, product_id FROM rows
        ORDER BY ts, user_id, event, product_id
    """)
