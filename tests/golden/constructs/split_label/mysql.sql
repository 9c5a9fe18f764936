WITH orders_features AS (
  SELECT
    customer_id,
    SUM(amount) AS orders_sum_amount
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS DATETIME)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    CAST(CONV(SUBSTRING(MD5(CONCAT('2026-q3:', CAST(c.customer_id AS CHAR))), 1, 8), 16, 10) AS SIGNED) % 10000 AS winback_bucket,
    COALESCE(orders_features.orders_sum_amount, 0) AS orders_sum_amount
  FROM shop.customers AS c
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment split_label */
SELECT
  customer_id
FROM base
WHERE
  CASE
    WHEN orders_sum_amount >= 1000 AND winback_bucket < 1000
    THEN 'holdout'
    WHEN orders_sum_amount >= 1000 AND winback_bucket < 10000
    THEN 'email'
  END = CAST('email' AS BINARY)
