WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count_last_3_month
  FROM shop.orders
  WHERE
    CAST(ordered_at AS TIMESTAMP) < CURRENT_TIMESTAMP()
    AND CAST(ordered_at AS DATE) >= DATE_ADD(DATE_ADD(CURRENT_DATE, INTERVAL -3 MONTH), INTERVAL 1 DAY)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_last_3_month, 0) AS orders_count_last_3_month
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_last_months */
SELECT
  customer_id
FROM base
WHERE
  orders_count_last_3_month > 0
