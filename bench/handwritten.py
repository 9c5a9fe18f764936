"""An expert's hand-written DuckDB SQL for each segment of bench/segments.seg.

The idiomatic forms a SQL analyst writes: a filtered GROUP BY with HAVING,
DISTINCT over a filtered scan, a window function for the top 10% and for
"another order within 7 days". Like the compiled SQL, every query is
point-in-time (nothing after the as-of day counts) and returns the members'
keys (a segmentation: key and label). Unlike the compiler, the expert knows
that every order's customer exists in shop.customers, so queries that only
need buyers do not join the customers table.
"""

from __future__ import annotations

from datetime import date, timedelta


def bounds(as_of: date) -> dict[str, str]:
    """Timestamp literals for the windows used below: the first instant of each day."""
    def day(offset: int) -> str:
        return f"TIMESTAMP '{(as_of + timedelta(days=offset)).isoformat()} 00:00:00'"
    # in last N days = [D-N+1, D+1); days_since_last > 180  <=>  last order's day < D-180
    return {"end": day(1), "d30": day(-29), "d90": day(-89), "d180": day(-179), "d365": day(-364),
            "dormant": day(-180)}


_QUERIES = {
    "young_women_na": """
        SELECT customer_id FROM shop.customers
        WHERE age BETWEEN 18 AND 34 AND gender = 'F' AND country IN ('US', 'CA')""",
    "active_30": """
        SELECT DISTINCT customer_id FROM shop.orders
        WHERE ordered_at >= {d30} AND ordered_at < {end}""",
    "lapsed": """
        SELECT customer_id FROM shop.orders WHERE ordered_at < {end}
        GROUP BY customer_id HAVING max(ordered_at) < {d90}""",
    "dormant": """
        SELECT customer_id FROM shop.orders WHERE ordered_at < {end}
        GROUP BY customer_id HAVING max(ordered_at) < {dormant}""",
    "frequent": """
        SELECT customer_id FROM shop.orders WHERE ordered_at >= {d365} AND ordered_at < {end}
        GROUP BY customer_id HAVING count(*) >= 12""",
    "high_value": """
        SELECT customer_id FROM shop.orders WHERE ordered_at < {end}
        GROUP BY customer_id HAVING sum(amount) >= 2000""",
    # customers without orders spend 0 and rank last; n counts every customer
    "top_spenders": """
        WITH spend AS (
            SELECT customer_id, sum(amount) AS total FROM shop.orders WHERE ordered_at < {end}
            GROUP BY customer_id
        ), ranked AS (
            SELECT customer_id, rank() OVER (ORDER BY total DESC) AS place FROM spend
        )
        SELECT customer_id FROM ranked
        WHERE place <= ceil(0.10 * (SELECT count(*) FROM shop.customers))""",
    "flower_fans": """
        SELECT customer_id FROM shop.orders
        WHERE category = 'flowers' AND ordered_at >= {d180} AND ordered_at < {end}
        GROUP BY customer_id HAVING count(*) >= 2""",
    # two orders within 7 days exist iff two consecutive ones (by time) are within 7 days
    "quick_repeat": """
        SELECT DISTINCT customer_id FROM (
            SELECT customer_id, ordered_at,
                   lead(ordered_at) OVER (PARTITION BY customer_id ORDER BY ordered_at) AS next_at
            FROM shop.orders WHERE ordered_at < {end}
        ) AS o
        WHERE next_at <= ordered_at + INTERVAL 7 DAY""",
    "one_and_done": """
        SELECT customer_id FROM shop.orders WHERE ordered_at < {end}
        GROUP BY customer_id HAVING count(*) = 1 AND max(ordered_at) < {d90}""",
    "lifecycle": """
        WITH o AS (
            SELECT customer_id, count(*) AS n, sum(amount) AS total,
                   min(ordered_at) AS first_at, max(ordered_at) AS last_at,
                   rank() OVER (ORDER BY sum(amount) DESC) AS spend_place
            FROM shop.orders WHERE ordered_at < {end}
            GROUP BY customer_id
        )
        SELECT c.customer_id,
               CASE WHEN o.spend_place <= ceil(0.10 * (SELECT count(*) FROM shop.customers))
                         AND o.last_at >= {d30} THEN 'champion'
                    WHEN o.first_at >= {d30} THEN 'new'
                    WHEN o.n >= 2 AND o.last_at < {d90} THEN 'at_risk'
                    ELSE 'other' END AS label
        FROM shop.customers AS c LEFT JOIN o ON o.customer_id = c.customer_id""",
}

FLOOR = """
    SELECT customer_id, count(*) AS orders, sum(amount) AS spend, max(ordered_at) AS last_at
    FROM shop.orders GROUP BY 1"""
"""The floor for the whole file: one aggregate scan of orders (issue 4)."""


def handwritten_sql(segment: str, as_of: date) -> str:
    """The expert's query for `segment` as of `as_of`."""
    return _QUERIES[segment].format(**bounds(as_of)).strip()


def segments() -> list[str]:
    return list(_QUERIES)
