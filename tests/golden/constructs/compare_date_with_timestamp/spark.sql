WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count_where
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND CAST(ordered_at AS DATE) <= CAST('2026-01-31' AS DATE)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_where, 0) AS orders_count_where
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment compare_date_with_timestamp */
SELECT
  customer_id
FROM base
WHERE
  orders_count_where > 0
