WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count_59_7_day_ago
  FROM shop.orders
  WHERE
    ordered_at < DATETIME('now')
    AND (
      ordered_at >= DATE(CURRENT_DATE, '-59 DAY')
      AND ordered_at < DATE(CURRENT_DATE, '-6 DAY')
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
