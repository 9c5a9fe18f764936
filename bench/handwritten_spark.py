"""An expert's hand-written Spark SQL for the whole of bench/segments.seg: one row per customer, a
true/false column per segment and the lifecycle label, as segdsl's whole-file query returns them.

What a Spark analyst writes for all the segments at once: one pass over the orders up to the as-of
day, aggregated per customer with conditional aggregates (`count_if`), LEAD over each customer's
orders in time order for "another order within 7 days", one rank by spend for the top 10%, and a
LEFT JOIN from the customers (customers without orders are in no behavioural segment and are
`other`). The same windows and tie rules as bench/handwritten.py, whose per-segment DuckDB queries it
merges: the bounds are the first instants of days, so every window is a half-open range.
"""

from __future__ import annotations

from datetime import date

from .handwritten import bounds

_WHOLE_FILE = """
WITH ordered AS (
    SELECT customer_id, ordered_at, amount, category,
           lead(ordered_at) OVER (PARTITION BY customer_id ORDER BY ordered_at) AS next_at
    FROM {db}.orders
    WHERE ordered_at < {end}
), per_customer AS (
    SELECT customer_id,
           count(*) AS orders,
           sum(amount) AS spend,
           min(ordered_at) AS first_at,
           max(ordered_at) AS last_at,
           count_if(ordered_at >= {d365}) AS orders_365,
           count_if(category = 'flowers' AND ordered_at >= {d180}) AS flowers_180,
           count_if(next_at <= ordered_at + INTERVAL 7 DAYS) > 0 AS quick_repeat,
           rank() OVER (ORDER BY sum(amount) DESC) AS spend_place
    FROM ordered
    GROUP BY customer_id
), top AS (
    SELECT ceil(0.10 * count(*)) AS places FROM {db}.customers
)
SELECT c.customer_id,
       coalesce(c.age BETWEEN 18 AND 34 AND c.gender = 'F' AND c.country IN ('US', 'CA'), false)
           AS young_women_na,
       coalesce(o.last_at >= {d30}, false) AS active_30,
       coalesce(o.last_at < {d90}, false) AS lapsed,
       coalesce(o.last_at < {dormant}, false) AS dormant,
       coalesce(o.orders_365 >= 12, false) AS frequent,
       coalesce(o.spend >= 2000, false) AS high_value,
       coalesce(o.spend_place <= top.places, false) AS top_spenders,
       coalesce(o.flowers_180 >= 2, false) AS flower_fans,
       coalesce(o.quick_repeat, false) AS quick_repeat,
       coalesce(o.orders = 1 AND o.last_at < {d90}, false) AS one_and_done,
       CASE WHEN o.spend_place <= top.places AND o.last_at >= {d30} THEN 'champion'
            WHEN o.first_at >= {d30} THEN 'new'
            WHEN o.orders >= 2 AND o.last_at < {d90} THEN 'at_risk'
            ELSE 'other' END AS lifecycle
FROM {db}.customers AS c
CROSS JOIN top
LEFT JOIN per_customer AS o ON o.customer_id = c.customer_id
"""

_FLOOR = """
    SELECT customer_id, count(*) AS orders, sum(amount) AS spend, max(ordered_at) AS last_at
    FROM {db}.orders GROUP BY 1"""


def whole_file_sql(as_of: date, database: str) -> str:
    """The expert's whole-file query as of `as_of`, over the tables customers and orders of `database`."""
    return _WHOLE_FILE.format(db=database, **bounds(as_of)).strip()


def floor_sql(database: str) -> str:
    """The floor for the whole file: one aggregate scan of the orders (bench/handwritten.py's)."""
    return _FLOOR.format(db=database).strip()
