WITH orders_features AS (
  SELECT
    customer_id,
    MAX(ordered_at) AS orders_max_ordered_at
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS Nullable(DateTime))
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_features.orders_max_ordered_at AS orders_max_ordered_at
  FROM shop.customers AS c
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT (
      c.customer_id IS NULL
    )
)
/* segment agg_last_time */
SELECT
  customer_id
FROM base
WHERE
  CAST(orders_max_ordered_at AS Nullable(Date32)) < CAST('2026-01-01' AS Nullable(Date32))
SETTINGS join_use_nulls = 1
