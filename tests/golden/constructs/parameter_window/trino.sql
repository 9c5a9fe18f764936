WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count_last_90_day
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND ordered_at >= CAST('2026-04-02 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_last_90_day, 0) AS orders_count_last_90_day
  FROM shop.customers AS c
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment parameter_window */
SELECT
  customer_id
FROM base
WHERE
  orders_count_last_90_day = 0
