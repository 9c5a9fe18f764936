WITH orders_features AS (
  SELECT
    customer_id,
    MIN(ordered_at) AS orders_min_ordered_at
  FROM shop.orders
  WHERE
    ordered_at < TO_UTC_TIMESTAMP(CURRENT_TIMESTAMP(), CURRENT_TIMEZONE())
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_features.orders_min_ordered_at AS orders_min_ordered_at
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_first_time */
SELECT
  customer_id
FROM base
WHERE
  orders_min_ordered_at >= CAST(DATEADD(DAY, -29, CURRENT_DATE) AS TIMESTAMP)
  AND orders_min_ordered_at < TO_UTC_TIMESTAMP(CURRENT_TIMESTAMP(), CURRENT_TIMEZONE())
