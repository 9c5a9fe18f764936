WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count_20260601_on
  FROM shop.orders
  WHERE
    ordered_at < CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP)
    AND ordered_at >= CAST('2026-06-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_20260601_on, 0) AS orders_count_20260601_on
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_since */
SELECT
  customer_id
FROM base
WHERE
  orders_count_20260601_on > 0
