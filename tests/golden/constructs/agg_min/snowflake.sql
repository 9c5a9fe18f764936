WITH orders_features AS (
  SELECT
    customer_id,
    MIN(amount) AS orders_min_amount
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_features.orders_min_amount AS orders_min_amount
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment agg_min */
SELECT
  customer_id
FROM base
WHERE
  orders_min_amount < 10
