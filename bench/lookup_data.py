"""The product catalogue of the lookups benchmark, generated in DuckDB beside bench/data.py's shop.

    shop.products(product_id BIGINT, category VARCHAR, brand_id BIGINT, price DECIMAL(10,2))
    shop.brands(brand_id BIGINT, name VARCHAR, country VARCHAR)

100,000 products (every product_id an order names, 1 .. 50,000, and as many more), one of ten categories,
of one of 500 brands (1 in 20 unbranded), priced 1 to 400 (most under 50); brands from six countries. Every
value from `hash()` of the key and the seed, as in bench/data.py. The shop's own tables are unchanged.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from . import data
from .data import DataSize, uniform

CATALOGUE_VERSION = 1  # bump when the generated rows change, so cached files are rebuilt
PRODUCTS = 100_000
BRANDS = 500


def database(size: DataSize, data_dir: Path | None = None, fresh: bool = False) -> Path:
    """The path of a DuckDB file with the shop of `size` and its catalogue, generated when missing."""
    def build(con: duckdb.DuckDBPyConnection) -> None:
        data.generate(con, size)
        generate(con, size)

    name = f"lookups_v{CATALOGUE_VERSION}_shop_v{data.GENERATOR_VERSION}_{size.tag}.duckdb"
    return data.cached((data_dir or data.default_data_dir()) / name, build, fresh)


def generate(con: duckdb.DuckDBPyConnection, size: DataSize) -> None:
    """Create shop.products and shop.brands in `con`."""
    s = str(size.seed)
    con.execute(f"""
        CREATE OR REPLACE TABLE shop.products AS
        SELECT i AS product_id,
               ['groceries','groceries','fashion','electronics','home','beauty','toys','flowers','pet','books']
                   [1 + floor(10 * {uniform('i', s, "'pcat'")})::INTEGER] AS category,
               CASE WHEN {uniform('i', s, "'unbranded'")} < 0.05 THEN NULL
                    ELSE 1 + floor({BRANDS} * {uniform('i', s, "'brand'")})::BIGINT END AS brand_id,
               (1 + 399 * pow({uniform('i', s, "'price'")}, 3))::DECIMAL(10,2) AS price
        FROM range(1, {PRODUCTS + 1}) AS t(i)
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE shop.brands AS
        SELECT i AS brand_id, 'Brand ' || i AS name,
               ['US','US','DE','FR','JP','GB'][1 + floor(6 * {uniform('i', s, "'bcountry'")})::INTEGER] AS country
        FROM range(1, {BRANDS + 1}) AS t(i)
    """)
