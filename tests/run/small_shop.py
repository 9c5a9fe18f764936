"""Three customers and three orders, small enough to read the answers off by hand.

Shared by the tests of targets, history tables and the jobs API. As of
2026-06-30: customers 1 and 2 ordered in the last 30 days (3's order is on
July 1st, after the as-of day), only 2 is over 40, 3's age is missing.
"""

from __future__ import annotations

import datetime as dt

from engines import Table

SOURCE = """\
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
segment buyers "Ordered in the last 30 days": has orders in last 30 days
segment older: age > 40
segmentation kind:
    old_buyer when buyers and older
    else other
"""
CUSTOMERS = Table("shop.customers", (("customer_id", "integer"), ("age", "integer")), ((1, 30), (2, 50), (3, None)))
ORDERS = Table("shop.orders", (("customer_id", "integer"), ("ordered_at", "timestamp"), ("amount", "decimal")),
               ((1, dt.datetime(2026, 6, 1, 9), 10), (2, dt.datetime(2026, 6, 30, 23, 59), 5),
                (3, dt.datetime(2026, 7, 1), 1)))
TABLES = [CUSTOMERS, ORDERS]
JUNE_30, JULY_1 = dt.date(2026, 6, 30), dt.date(2026, 7, 1)
