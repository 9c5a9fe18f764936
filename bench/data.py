"""The benchmark's data set: a seeded shop generated inside DuckDB.

Every value is a function of the row number and the seed through DuckDB's
`hash()`, so the same sizes and seed give the same rows on any number of
threads, and 10M orders take seconds (no Python loops).

    shop.customers(customer_id BIGINT, age INTEGER, gender VARCHAR, country VARCHAR,
                   city VARCHAR, income_band VARCHAR, signup_date DATE)
    shop.orders(order_id BIGINT, customer_id BIGINT, ordered_at TIMESTAMP, amount DECIMAL(10,2),
                category VARCHAR, channel VARCHAR, discount DECIMAL(3,2), product_id BIGINT)

Orders are appended in time order (order_id and ordered_at rise together, as
in a real fact table) over the three years ending on AS_OF. Every fifth
customer never orders; the others get a lognormal number of orders (many
one-time buyers, a long tail of heavy ones) within an active span of their
own that may have ended long ago, so every segment of bench/segments.seg
has members.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

AS_OF = date(2026, 6, 30)
"""The as-of day every query of the benchmark is compiled for; no order is after it."""

HISTORY_DAYS = 3 * 365
GENERATOR_VERSION = 1  # bump when the generated rows change, so cached files are rebuilt


@dataclass(frozen=True)
class DataSize:
    customers: int
    orders: int
    seed: int = 42

    def scaled(self, factor: float) -> DataSize:
        return DataSize(max(1, int(self.customers * factor)), max(1, int(self.orders * factor)), self.seed)

    @property
    def tag(self) -> str:
        """The sizes and seed as they appear in file names."""
        return f"s{self.seed}_c{self.customers}_o{self.orders}"

    @property
    def label(self) -> str:
        return f"{_short(self.customers)} customers / {_short(self.orders)} orders"


def default_data_dir() -> Path:
    return Path(tempfile.gettempdir()) / "segdsl-bench"


def database(size: DataSize, data_dir: Path | None = None, fresh: bool = False) -> Path:
    """The path of a DuckDB file holding the data set of `size`, generated when missing."""
    path = (data_dir or default_data_dir()) / f"shop_v{GENERATOR_VERSION}_{size.tag}.duckdb"
    return cached(path, lambda con: generate(con, size), fresh)


def cached(path: Path, build: Callable[[duckdb.DuckDBPyConnection], None], fresh: bool = False) -> Path:
    """`path`, a DuckDB file that `build` fills, built when missing (or when `fresh`) under a temporary
    name, so an interrupted build never leaves a file that looks complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fresh and path.exists():
        path.unlink()
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with duckdb.connect(str(partial)) as con:
            build(con)
            con.execute("CHECKPOINT")
        partial.rename(path)
    return path


def uniform(*parts: str) -> str:
    """SQL for a uniform number in [0, 1) drawn from the hash of `parts`."""
    return f"(hash({', '.join(parts)}) % 1000000007) / 1000000007.0"


def generate(con: duckdb.DuckDBPyConnection, size: DataSize) -> None:
    """Create shop.customers and shop.orders in `con`."""
    s, n, m = size.seed, size.customers, size.orders
    buyers = max(1, n - n // 5)
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE SCHEMA IF NOT EXISTS shop")
    con.execute(f"""
        CREATE OR REPLACE TABLE shop.customers AS
        SELECT
            i AS customer_id,
            CASE WHEN {uniform('i', str(s), "'age_null'")} < 0.03 THEN NULL
                 ELSE 18 + floor(62 * {uniform('i', str(s), "'age'")})::INTEGER END AS age,
            CASE WHEN {uniform('i', str(s), "'g'")} < 0.48 THEN 'F'
                 WHEN {uniform('i', str(s), "'g'")} < 0.96 THEN 'M' ELSE NULL END AS gender,
            ['US','US','US','CA','GB','DE','FR','ES','IT','NL','SE','AU','BR','JP']
                [1 + floor(14 * {uniform('i', str(s), "'country'")})::INTEGER] AS country,
            ['New York','London','Paris','Berlin','Toronto','Sydney','Springfield','Lyon']
                [1 + floor(8 * {uniform('i', str(s), "'city'")})::INTEGER] AS city,
            ['low','mid','mid','high'][1 + floor(4 * {uniform('i', str(s), "'income'")})::INTEGER] AS income_band,
            (DATE '{AS_OF.isoformat()}' - floor(6 * 365 * {uniform('i', str(s), "'signup'")})::INTEGER) AS signup_date
        FROM range(1, {n + 1}) AS t(i)
    """)
    # Each buyer gets a lognormal number of orders (median about half the mean: many
    # one-time buyers, a long tail of heavy ones), scaled so the total is exactly m,
    # spread uniformly over the buyer's own active span (half of them ended before AS_OF).
    mu = f"ln({m} / {buyers}) - 0.72"
    n1, n2 = uniform("customer_id", str(s), "'n1'"), uniform("customer_id", str(s), "'n2'")
    normal = f"sqrt(-2 * ln(1 - {n1})) * cos(2 * pi() * {n2})"
    con.execute(f"""
        CREATE OR REPLACE TABLE shop.orders AS
        WITH buyers AS (
            SELECT customer_id, exp({mu} + 1.2 * {normal}) AS weight,
                   {HISTORY_DAYS} * {uniform('customer_id', str(s), "'start'")} AS active_from
            FROM shop.customers WHERE customer_id % 5 <> 0
        ),
        running AS (SELECT *, sum(weight) OVER (ORDER BY customer_id) AS upto FROM buyers),
        shares AS (
            SELECT *, lag(upto, 1, 0) OVER (ORDER BY customer_id) AS before, max(upto) OVER () AS total
            FROM running
        ),
        counted AS (
            SELECT customer_id, active_from,
                   ({HISTORY_DAYS} - active_from) * least(1, 1.4 * sqrt({uniform('customer_id', str(s), "'span'")}))
                       AS active_days,
                   floor({m} * upto / total)::BIGINT - floor({m} * before / total)::BIGINT AS k
            FROM shares
        ),
        placed AS (
            SELECT customer_id, j,
                   TIMESTAMP '{AS_OF.isoformat()} 23:59:59'
                   - to_seconds(floor(86400 * ({HISTORY_DAYS} - active_from
                                      - active_days * {uniform('customer_id', 'j', str(s), "'t'")}))::BIGINT)
                   AS ordered_at
            FROM counted, range(k) AS r(j)
        )
        SELECT
            row_number() OVER (ORDER BY ordered_at, customer_id, j) AS order_id,
            customer_id,
            ordered_at,
            (4.99 + 300 * pow({uniform('customer_id', 'j', str(s), "'amount'")}, 3))::DECIMAL(10,2) AS amount,
            ['groceries','groceries','fashion','electronics','home','beauty','toys','flowers','pet','books']
                [1 + floor(10 * {uniform('customer_id', 'j', str(s), "'cat'")})::INTEGER] AS category,
            ['web','web','app','store'][1 + floor(4 * {uniform('customer_id', 'j', str(s), "'chan'")})::INTEGER]
                AS channel,
            [0, 0, 0, 0, 0.1, 0.1, 0.25, 0.5][1 + floor(8 * {uniform('customer_id', 'j', str(s), "'disc'")})::INTEGER]
                ::DECIMAL(3,2) AS discount,
            1 + floor(50000 * pow({uniform('customer_id', 'j', str(s), "'prod'")}, 2))::BIGINT AS product_id
        FROM placed
        ORDER BY order_id
    """)


def _short(count: int) -> str:
    for unit, scale in (("M", 1_000_000), ("k", 1_000)):
        if count >= scale and count % (scale // 100 or 1) == 0:
            return f"{count / scale:g}{unit}"
    return str(count)
