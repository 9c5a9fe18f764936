WITH orders_features AS (
  SELECT
    customer_id,
    AVG(amount) AS orders_avg_amount
  FROM shop.orders
  WHERE
    ordered_at < '2026-07-01'
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_features.orders_avg_amount AS orders_avg_amount
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment agg_avg */
SELECT
  customer_id
FROM base
WHERE
  orders_avg_amount >= 100
