WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count_20260101_20260331
  FROM shop.orders
  WHERE
    ordered_at < DATETIME('now')
    AND (
      ordered_at >= '2026-01-01' AND ordered_at < '2026-04-01'
    )
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_20260101_20260331, 0) AS orders_count_20260101_20260331
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_between_dates */
SELECT
  customer_id
FROM base
WHERE
  orders_count_20260101_20260331 > 0
