WITH orders_features AS (
  SELECT
    customer_id AS customer_id,
    COUNT(DISTINCT category) AS orders_count_distinct_category
  FROM shop.orders
  WHERE
    ordered_at < CAST(N'2026-07-01 00:00:00' AS DATETIME2)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_distinct_category, 0) AS orders_count_distinct_category
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment agg_count_distinct */
SELECT
  customer_id
FROM base
WHERE
  orders_count_distinct_category >= 2
