"""An expert's hand-written Spark SQL for the whole of examples/retail.seg (parameters at their
defaults): one row per customer, a true/false column per segment and a label per segmentation, as
segdsl's whole-file query returns them.

What a Spark analyst writes for all of it at once: one aggregate pass per event table up to the as-of
day (conditional counts; recency from the first and last order), a LEFT SEMI JOIN for "an order, then
a ticket within 7 days" (the tickets with an order in the 7 days before, compared as days: a ticket's
day is a date), a LEFT ANTI JOIN for "a visit
in the last 30 days, then no order within 3 days" (only the orders of those 30 days can follow such a
visit), a LEFT JOIN of it all from the customers, and one pass of window functions over the customers
for the rankings: ranks by spend and by order count over every customer (no orders: 0), by the day of
the last order over the buyers (quintile = 1 + 5 (rank - 1) div n, ties sharing the lowest rank; top
5% = the best ceil(5% of n) ranks). Windows are half-open ranges of days' first instants; months and
years step back by the calendar.
"""

from __future__ import annotations

from datetime import date, timedelta

_WHOLE_FILE = """
WITH order_stats AS (
    SELECT customer_id,
           count(*) AS orders,
           sum(amount) AS spend,
           avg(amount) AS avg_basket,
           min(ordered_at) AS first_at,
           max(ordered_at) AS last_at,
           count(DISTINCT category) AS categories,
           count_if(ordered_at >= {last_1_year}) AS orders_1y,
           count_if(ordered_at >= {last_2_years}) AS orders_2y,
           count_if(ordered_at >= {last_180}) AS orders_180,
           count_if(ordered_at >= {ago_180} AND ordered_at < {ago_90}) AS orders_180_91_ago,
           count_if(ordered_at >= {ago_270} AND ordered_at < {ago_180}) AS orders_270_181_ago,
           count_if(ordered_at >= {last_90} AND ordered_at < {last_30}) AS orders_89_30_ago,
           count_if(channel = 'app' AND amount < 40) AS small_app_orders,
           count_if(discount >= 0.25) AS deep_discounts,
           count_if(category = 'pet' AND ordered_at >= {last_180}) AS pet_180,
           count_if(category = 'flowers' AND ordered_at >= {last_365}) AS flowers_365,
           sum(CASE WHEN category = 'electronics' THEN amount END) AS electronics_spend
    FROM {db}.orders
    WHERE ordered_at < {end}
    GROUP BY customer_id
), visit_stats AS (
    SELECT visitor_id AS customer_id,
           count(*) AS visits_1y,
           count_if(viewed_at >= {last_30}) AS visits_30
    FROM {db}.page_views
    WHERE viewed_at >= {last_1_year} AND viewed_at < {end}
    GROUP BY visitor_id
), recent_logins AS (
    SELECT DISTINCT user_id AS customer_id
    FROM {db}.events
    WHERE event = 'login' AND ts >= {last_30} AND ts < {end}
), ticket_after_order AS (
    SELECT DISTINCT t.customer_id
    FROM {db}.tickets AS t
    LEFT SEMI JOIN {db}.orders AS o
        ON o.customer_id = t.customer_id
        AND CAST(o.ordered_at AS DATE) BETWEEN date_sub(t.opened_on, 7) AND t.opened_on
        AND o.ordered_at < {end}
    WHERE t.opened_on <= DATE '{day}'
), abandoned AS (
    SELECT DISTINCT v.visitor_id AS customer_id
    FROM {db}.page_views AS v
    LEFT ANTI JOIN {db}.orders AS o
        ON o.customer_id = v.visitor_id
        AND o.ordered_at BETWEEN v.viewed_at AND v.viewed_at + INTERVAL 3 DAYS
        AND o.ordered_at >= {last_30} AND o.ordered_at < {end}
    WHERE v.viewed_at >= {last_30} AND v.viewed_at < {end}
), customer_facts AS (
    SELECT c.customer_id, c.age, c.gender, c.income_band, c.country, c.city, c.signup_date,
           o.orders, o.avg_basket, o.first_at, o.last_at, o.categories, o.orders_1y, o.orders_2y,
           o.orders_180, o.orders_180_91_ago, o.orders_270_181_ago, o.orders_89_30_ago,
           o.small_app_orders, o.deep_discounts, o.pet_180, o.flowers_365, o.electronics_spend,
           v.visits_1y, v.visits_30,
           l.customer_id IS NOT NULL AS logged_in_30,
           t.customer_id IS NOT NULL AS ticket_after_order,
           a.customer_id IS NOT NULL AS abandoned_visit,
           rank() OVER (ORDER BY coalesce(o.spend, 0) DESC) AS spend_place,
           count(*) OVER () AS customers,
           1 + (5 * (rank() OVER (ORDER BY coalesce(o.orders, 0)) - 1)) div count(*) OVER () AS frequency_q,
           1 + (5 * (rank() OVER (ORDER BY coalesce(o.spend, 0)) - 1)) div count(*) OVER () AS monetary_q,
           CASE WHEN o.last_at IS NOT NULL
                THEN 1 + (5 * (rank() OVER (ORDER BY CAST(o.last_at AS DATE) ASC NULLS LAST) - 1))
                         div count(o.last_at) OVER ()
           END AS recency_q
    FROM {db}.customers AS c
    LEFT JOIN order_stats AS o ON o.customer_id = c.customer_id
    LEFT JOIN visit_stats AS v ON v.customer_id = c.customer_id
    LEFT JOIN recent_logins AS l ON l.customer_id = c.customer_id
    LEFT JOIN ticket_after_order AS t ON t.customer_id = c.customer_id
    LEFT JOIN abandoned AS a ON a.customer_id = c.customer_id
), flags AS (
    SELECT customer_id, age, country,
           coalesce(age BETWEEN 18 AND 29, false) AS young_adults,
           coalesce(gender = 'F' AND age BETWEEN 35 AND 54, false) AS women_35_54,
           coalesce(income_band = 'high', false) AS high_income,
           age IS NULL OR gender IS NULL AS unknown_demographics,
           coalesce(country IN ('US', 'CA'), false) AS north_america,
           coalesce(country IN ('GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE'), false) AS europe,
           coalesce(city IN ('New York', 'London', 'Paris', 'Berlin', 'Toronto', 'Sydney'), false) AS big_cities,
           coalesce(orders_1y >= 6, false) AS frequent_buyers,
           coalesce(last_at >= {last_30}, false) AS recent_buyers,
           coalesce(last_at < {last_90}, false) AS lapsed,
           spend_place <= ceil(0.05 * customers) AS top_payers,
           coalesce(avg_basket >= 150, false) AS big_baskets,
           coalesce(last_at >= {last_90} AND orders_180_91_ago > 0 AND orders_270_181_ago > 0 AND orders_2y >= 12,
                    false) AS loyal,
           coalesce(small_app_orders >= 5 AND categories >= 4, false) AS impulse_buyers,
           coalesce(deep_discounts >= 3 AND deep_discounts * 10 >= orders * 7, false) AS bargain_hunters,
           coalesce(recency_q = 5 AND frequency_q = 5 AND monetary_q = 5, false) AS rfm_champions,
           coalesce(visits_30 > 0 AND orders IS NULL, false) AS window_shoppers,
           coalesce(visits_1y >= 10 AND coalesce(orders, 0) <= 1, false) AS wanderers,
           coalesce(orders = 1 AND last_at < {last_90}, false) AS one_and_done,
           abandoned_visit,
           ticket_after_order AS needs_help,
           logged_in_30 AND NOT coalesce(last_at >= {last_60}, false) AS silent_logins,
           coalesce(signup_date BETWEEN DATE '{signup_from}' AND DATE '{day}', false) AS new_customers,
           coalesce(first_at >= {last_30}, false) AS new_buyers,
           coalesce(first_at < {last_90} AND orders_89_30_ago = 0 AND last_at >= {last_30}, false) AS restarted,
           coalesce(pet_180 >= 3, false) AS pet_parents,
           coalesce(flowers_365 >= 2, false) AS flower_gifters,
           coalesce(categories = 1 AND orders_180 >= 4, false) AS need_based,
           coalesce(electronics_spend >= 1000, false) AS tech_fans,
           frequency_q, monetary_q, orders, first_at, last_at
    FROM customer_facts
)
SELECT customer_id, young_adults, women_35_54, high_income, unknown_demographics, north_america, europe,
       big_cities, frequent_buyers, recent_buyers, lapsed, top_payers, big_baskets, loyal, impulse_buyers,
       bargain_hunters, rfm_champions, window_shoppers, wanderers, one_and_done, abandoned_visit, needs_help,
       silent_logins, new_customers, new_buyers, restarted, pet_parents, flower_gifters, need_based, tech_fans,
       CASE WHEN age < 25 THEN 'under_25'
            WHEN age < 45 THEN 'age_25_44'
            WHEN age < 65 THEN 'age_45_64'
            WHEN age >= 65 THEN 'age_65_up'
            ELSE 'unknown' END AS age_band,
       CASE WHEN north_america THEN 'north_america'
            WHEN europe THEN 'europe'
            WHEN country IS NOT NULL THEN 'other'
            ELSE 'unknown' END AS region,
       CASE WHEN rfm_champions THEN 'champion'
            WHEN frequency_q >= 4 AND last_at >= {last_90} THEN 'loyal'
            WHEN monetary_q >= 4 AND NOT coalesce(last_at >= {last_90}, false) THEN 'at_risk'
            WHEN last_at >= {last_30} THEN 'promising'
            ELSE 'other' END AS rfm_value,
       CASE WHEN top_payers THEN 'top_payer'
            WHEN loyal THEN 'loyal'
            WHEN bargain_hunters THEN 'bargain_hunter'
            WHEN impulse_buyers THEN 'impulse_buyer'
            WHEN need_based THEN 'need_based'
            WHEN wanderers THEN 'wanderer'
            WHEN one_and_done THEN 'lapsed_single'
            WHEN new_customers THEN 'new'
            ELSE 'regular' END AS persona,
       CASE WHEN orders IS NULL THEN 'prospect'
            WHEN new_buyers THEN 'new'
            WHEN last_at >= {last_90} THEN 'active'
            WHEN orders >= 2 THEN 'lapsed'
            ELSE 'dormant' END AS lifecycle
FROM flags
"""

_FLOOR = """
    SELECT customer_id, count(*) AS events, sum(amount) AS spend, max(ordered_at) AS last_at
    FROM {db}.orders GROUP BY 1
    UNION ALL
    SELECT visitor_id, count(*), 0, max(viewed_at) FROM {db}.page_views GROUP BY 1
    UNION ALL
    SELECT customer_id, count(*), 0, max(CAST(opened_on AS TIMESTAMP)) FROM {db}.tickets GROUP BY 1
    UNION ALL
    SELECT user_id, count(*), 0, max(ts) FROM {db}.events GROUP BY 1"""


def bounds(as_of: date) -> dict[str, str]:
    """The literals of the windows above: the first instants of days (`last_30` is the first instant of
    the 30-day window ending with the as-of day), and two plain days."""
    def day(offset: int) -> str:
        return instant(as_of + timedelta(days=offset))

    def instant(start: date) -> str:
        return f"TIMESTAMP '{start.isoformat()} 00:00:00'"

    # in last N days = [D-N+1, D+1); between N and M days ago = [D-N, D-M+1); in last N years starts the
    # day after D stepped back N years
    return {"end": day(1), "last_30": day(-29), "last_60": day(-59), "last_90": day(-89),
            "last_180": day(-179), "last_365": day(-364),
            "last_1_year": instant(_years_back(as_of, 1) + timedelta(days=1)),
            "last_2_years": instant(_years_back(as_of, 2) + timedelta(days=1)),
            "ago_90": day(-90), "ago_180": day(-180), "ago_270": day(-270),
            "day": as_of.isoformat(), "signup_from": (as_of - timedelta(days=29)).isoformat()}


def _years_back(day: date, years: int) -> date:
    """`day` stepped back by whole calendar years, February 29 clamped to February 28."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def whole_file_sql(as_of: date, database: str) -> str:
    """The expert's whole-file query as of `as_of`, over the tables customers, orders, page_views, tickets
    and events of `database`."""
    return _WHOLE_FILE.format(db=database, **bounds(as_of)).strip()


def floor_sql(database: str) -> str:
    """The floor for the whole file: one aggregate scan of each event table."""
    return _FLOOR.format(db=database).strip()
