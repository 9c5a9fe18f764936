"""The tracking log of the JSON benchmark, generated in DuckDB beside bench/data.py's shop.

    web.tracks(user_id BIGINT, ts TIMESTAMP, event VARCHAR, properties JSON)

As many rows as the shop has orders (m; 10M at the default size): one product view per order, by the order's
customer, up to 2 days before it. `properties` holds {"product_id": ..., "price": ..., "utm": {"source": ...,
"medium": ...}}: the price from 1 to 400 (most under 50), 1 in 10 written as a string ("12.5"), as some
trackers do; a campaign in 2 of 5 rows (google, newsletter, instagram or partner); the product as in the
orders. Every value from `hash()` of the order and the seed, as in bench/data.py. The shop's own tables are
unchanged.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from . import data
from .data import DataSize, uniform

JSON_VERSION = 1  # bump when the generated rows change, so cached files are rebuilt


def database(size: DataSize, data_dir: Path | None = None, fresh: bool = False) -> Path:
    """The path of a DuckDB file with the shop of `size` and its tracking log, generated when missing."""
    def build(con: duckdb.DuckDBPyConnection) -> None:
        data.generate(con, size)
        generate(con, size)

    name = f"json_v{JSON_VERSION}_shop_v{data.GENERATOR_VERSION}_{size.tag}.duckdb"
    return data.cached((data_dir or data.default_data_dir()) / name, build, fresh)


def generate(con: duckdb.DuckDBPyConnection, size: DataSize) -> None:
    """Create web.tracks in `con`, which holds shop.customers and shop.orders of the same size."""
    s = str(size.seed)
    price = f"round(1 + 399 * pow({uniform('order_id', s, repr('price'))}, 3), 2)"
    source = ("['google', 'newsletter', 'instagram', 'partner']"
              f"[1 + floor(4 * {uniform('order_id', s, repr('src'))})::INTEGER]")
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE SCHEMA IF NOT EXISTS web")
    con.execute(f"""
        CREATE OR REPLACE TABLE web.tracks AS
        SELECT customer_id AS user_id,
               ordered_at - to_seconds(floor(2 * 86400 * {uniform('order_id', s, "'lead'")})::BIGINT) AS ts,
               'product_view' AS event,
               json_object('product_id', product_id,
                           'price', CASE WHEN {uniform('order_id', s, "'text'")} < 0.1 THEN to_json({price}::VARCHAR)
                                         ELSE to_json({price}) END,
                           'utm', CASE WHEN {uniform('order_id', s, "'utm'")} < 0.4
                                       THEN json_object('source', {source}, 'medium', 'cpc') END) AS properties
        FROM shop.orders
        ORDER BY ts
    """)
