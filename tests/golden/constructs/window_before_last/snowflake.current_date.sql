WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count_before_60_day
  FROM shop.orders
  WHERE
    ordered_at < CAST(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()) AS TIMESTAMP)
    AND ordered_at < CAST(DATEADD(DAY, -59, CURRENT_DATE) AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_before_60_day, 0) AS orders_count_before_60_day
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_before_last */
SELECT
  customer_id
FROM base
WHERE
  orders_count_before_60_day > 0
