"""The other tables of examples/retail.seg, generated in DuckDB beside bench/data.py's shop.

    web.page_views(visitor_id BIGINT, viewed_at TIMESTAMP, page VARCHAR)
    support.tickets(ticket_id BIGINT, customer_id BIGINT, opened_on DATE, topic VARCHAR)
    web.events(user_id BIGINT, ts TIMESTAMP, event VARCHAR)

Sized by the orders (m): about m page views, m / 20 tickets and m / 2 web events (a third of them
logins); at the default size 10M, 0.5M and 5M. Like the shop, every value comes from `hash()` of row
numbers and the seed (the same rows on any number of threads), nothing lies after AS_OF, and rows are
in time order. The shop's own tables are bench/data.py's, unchanged, so the figures measured on them
stay comparable; a retail file holds all five tables.

- Page views: half of them browsing (each customer, buyer or not, a lognormal number of views over an
  active span of its own, as the orders are spread), 4 in 10 a view in the two days before an order
  (so some visits lead to an order within 3 days and many do not), 1 in 10 anonymous (no visitor_id).
- Tickets: 3 in 5 are opened 0 to 14 days after an order (the shorter delays likelier, about three in
  four within 7 days), the others on any day of the history by any customer.
- Web events: per customer a lognormal number over an active span of its own; logins, searches,
  item views, additions to the cart and logouts, each a third as frequent as logins.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from . import data
from .data import AS_OF, HISTORY_DAYS, DataSize, uniform

RETAIL_VERSION = 1  # bump when the generated rows of these tables change, so cached files are rebuilt

_LAST_SECOND = f"TIMESTAMP '{AS_OF.isoformat()} 23:59:59'"


def database(size: DataSize, data_dir: Path | None = None, fresh: bool = False) -> Path:
    """The path of a DuckDB file with the shop of `size` and the retail tables, generated when missing."""
    def build(con: duckdb.DuckDBPyConnection) -> None:
        data.generate(con, size)
        generate(con, size)

    name = f"retail_v{RETAIL_VERSION}_shop_v{data.GENERATOR_VERSION}_{size.tag}.duckdb"
    return data.cached((data_dir or data.default_data_dir()) / name, build, fresh)


def generate(con: duckdb.DuckDBPyConnection, size: DataSize) -> None:
    """Create web.page_views, support.tickets and web.events in `con`, which holds shop.customers and
    shop.orders of the same size."""
    s, n, m = str(size.seed), size.customers, size.orders
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE SCHEMA IF NOT EXISTS web")
    con.execute("CREATE SCHEMA IF NOT EXISTS support")
    pages = "['/', '/search', '/product', '/product', '/cart', '/checkout', '/offers', '/help']"
    con.execute(f"""
        CREATE OR REPLACE TABLE web.page_views AS
        WITH browsing AS (
            SELECT customer_id AS visitor_id, happened_at AS viewed_at, {uniform('customer_id', 'j', s, "'page'")} AS p
            FROM ({spread(0.5 * m / n, size.seed, 'visit')})
        ), shopping AS (
            SELECT customer_id AS visitor_id,
                   ordered_at - to_seconds(floor(2 * 86400 * {uniform('order_id', s, "'lead'")})::BIGINT)
                       AS viewed_at,
                   {uniform('order_id', s, "'page'")} AS p
            FROM shop.orders WHERE {uniform('order_id', s, "'viewed'")} < 0.4
        ), anonymous AS (
            SELECT NULL::BIGINT AS visitor_id,
                   {_LAST_SECOND} - to_seconds(floor(86400 * {HISTORY_DAYS} * {uniform('i', s, "'anon'")})::BIGINT)
                       AS viewed_at,
                   {uniform('i', s, "'page'")} AS p
            FROM range({m // 10}) AS t(i)
        )
        SELECT visitor_id, viewed_at, {pages}[1 + floor(8 * p)::INTEGER] AS page
        FROM (SELECT * FROM browsing UNION ALL SELECT * FROM shopping UNION ALL SELECT * FROM anonymous)
        ORDER BY viewed_at, visitor_id NULLS FIRST, page
    """)
    topics = "['delivery', 'delivery', 'refund', 'billing', 'product', 'account']"
    con.execute(f"""
        CREATE OR REPLACE TABLE support.tickets AS
        WITH after_orders AS (
            SELECT customer_id,
                   CAST(ordered_at AS DATE) + floor(15 * pow({uniform('order_id', s, "'delay'")}, 2))::INTEGER
                       AS opened_on,
                   {uniform('order_id', s, "'topic'")} AS p
            FROM shop.orders WHERE {uniform('order_id', s, "'ticket'")} < 0.03
        ), out_of_the_blue AS (
            SELECT 1 + floor({n} * {uniform('i', s, "'asker'")})::BIGINT AS customer_id,
                   DATE '{AS_OF.isoformat()}' - floor({HISTORY_DAYS} * {uniform('i', s, "'day'")})::INTEGER
                       AS opened_on,
                   {uniform('i', s, "'topic'")} AS p
            FROM range({m // 50}) AS t(i)
        ), opened AS (
            SELECT * FROM after_orders WHERE opened_on <= DATE '{AS_OF.isoformat()}'
            UNION ALL SELECT * FROM out_of_the_blue
        )
        SELECT row_number() OVER (ORDER BY opened_on, customer_id, p) AS ticket_id, customer_id, opened_on,
               {topics}[1 + floor(6 * p)::INTEGER] AS topic
        FROM opened
        ORDER BY ticket_id
    """)
    kinds = "['login', 'login', 'login', 'search', 'view_item', 'add_to_cart', 'logout']"
    con.execute(f"""
        CREATE OR REPLACE TABLE web.events AS
        SELECT customer_id AS user_id, happened_at AS ts,
               {kinds}[1 + floor(7 * {uniform('customer_id', 'j', s, "'event'")})::INTEGER] AS event
        FROM ({spread(0.5 * m / n, size.seed, 'app')})
        ORDER BY ts, user_id, event
    """)


def spread(mean: float, seed: int, salt: str) -> str:
    """SQL for rows (customer_id, j, happened_at): every customer gets a lognormal number of events (mean
    `mean`; many with none or one, a long tail), at uniform times over an active span of their own
    within the history that about half the time reaches AS_OF, as bench/data.py spreads the orders."""
    s, q = str(seed), f"'{salt}'"
    n1, n2 = uniform("customer_id", s, q, "'n1'"), uniform("customer_id", s, q, "'n2'")
    normal = f"sqrt(-2 * ln(1 - {n1})) * cos(2 * pi() * {n2})"
    return f"""
        WITH people AS (
            SELECT customer_id,
                   floor(exp(ln({mean}) - 0.72 + 1.2 * {normal}) + {uniform('customer_id', s, q, "'round'")})::BIGINT
                       AS k,
                   {HISTORY_DAYS} * {uniform('customer_id', s, q, "'start'")} AS active_from
            FROM shop.customers
        ), spans AS (
            SELECT *, ({HISTORY_DAYS} - active_from) * least(1, 1.4 * sqrt({uniform('customer_id', s, q, "'span'")}))
                          AS active_days
            FROM people
        )
        SELECT customer_id, j,
               {_LAST_SECOND} - to_seconds(floor(86400 * ({HISTORY_DAYS} - active_from
                   - active_days * {uniform('customer_id', 'j', s, q, "'t'")}))::BIGINT) AS happened_at
        FROM spans, range(k) AS r(j)"""
