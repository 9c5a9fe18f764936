WITH orders_features AS (
  SELECT
    customer_id,
    MAX(ordered_at) AS orders_max_ordered_at
  FROM shop.orders
  WHERE
    ordered_at < CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_features.orders_max_ordered_at AS orders_max_ordered_at
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment agg_days_since_last */
SELECT
  customer_id
FROM base
WHERE
  CAST(EXTRACT(epoch FROM CAST(CURRENT_DATE AS TIMESTAMP) - CAST(CAST(orders_max_ordered_at AS DATE) AS TIMESTAMP)) / 86400 AS BIGINT) > 60
