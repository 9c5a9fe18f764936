WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count_last_2_week
  FROM shop.orders
  WHERE
    ordered_at < '2026-07-01' AND ordered_at >= '2026-06-17'
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_last_2_week, 0) AS orders_count_last_2_week
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_last_weeks */
SELECT
  customer_id
FROM base
WHERE
  orders_count_last_2_week > 0
