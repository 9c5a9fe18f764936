WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count
  FROM shop.orders
  WHERE
    ordered_at < '2026-07-01'
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    c.age AS age,
    COALESCE(orders_features.orders_count, 0) AS orders_count
  FROM shop.customers AS c
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segmentation segmentation */
SELECT
  customer_id,
  CASE
    WHEN age >= 18
    THEN 'adult'
    WHEN orders_count > 0
    THEN 'has orders'
    ELSE 'other'
  END AS label
FROM base
