WITH orders_features AS (
  SELECT
    customer_id,
    SUM(amount) AS orders_sum_amount
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS Nullable(DateTime))
  GROUP BY
    customer_id
), tickets_features AS (
  SELECT
    customer_id,
    COUNT(*) AS tickets_count
  FROM support.tickets
  WHERE
    opened_on < CAST('2026-07-01' AS Nullable(Date32))
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_sum_amount, 0) AS orders_sum_amount,
    COALESCE(tickets_features.tickets_count, 0) AS tickets_count
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  LEFT JOIN tickets_features
    ON tickets_features.customer_id = c.customer_id
  WHERE
    NOT (
      c.customer_id IS NULL
    )
)
/* segment segment_reference */
SELECT
  customer_id
FROM base
WHERE
  orders_sum_amount >= 1000 AND tickets_count = 0
SETTINGS join_use_nulls = 1
