WITH orders_features AS (
  SELECT
    customer_id AS customer_id,
    COUNT(*) AS orders_count
  FROM shop.orders
  WHERE
    ordered_at < CAST(N'2026-07-01 00:00:00' AS DATETIME2)
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
    THEN N'adult'
    WHEN orders_count > 0
    THEN N'has orders'
    ELSE N'other'
  END AS [label]
FROM base
