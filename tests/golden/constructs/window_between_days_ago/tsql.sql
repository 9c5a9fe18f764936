WITH orders_features AS (
  SELECT
    customer_id AS customer_id,
    COUNT(*) AS orders_count_59_7_day_ago
  FROM shop.orders
  WHERE
    ordered_at < CAST(N'2026-07-01 00:00:00' AS DATETIME2)
    AND (
      ordered_at >= CAST(N'2026-05-02 00:00:00' AS DATETIME2)
      AND ordered_at < CAST(N'2026-06-24 00:00:00' AS DATETIME2)
    )
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_59_7_day_ago, 0) AS orders_count_59_7_day_ago
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_between_days_ago */
SELECT
  customer_id
FROM base
WHERE
  orders_count_59_7_day_ago > 0
