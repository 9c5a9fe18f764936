WITH orders_features AS (
  SELECT
    customer_id AS customer_id,
    SUM(amount) AS orders_sum_amount
  FROM shop.orders
  WHERE
    ordered_at < CAST(N'2026-07-01 00:00:00' AS DATETIME2)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    CAST(SUBSTRING(
      HASHBYTES(N'MD5', CAST(N'2026-q3:' + CAST(c.customer_id AS VARCHAR(MAX)) AS VARCHAR(MAX))),
      1,
      4
    ) AS BIGINT) % 10000 AS winback_bucket,
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
    THEN N'holdout'
    WHEN orders_sum_amount >= 1000 AND winback_bucket < 10000
    THEN N'email'
  END = N'email' COLLATE Latin1_General_BIN2
