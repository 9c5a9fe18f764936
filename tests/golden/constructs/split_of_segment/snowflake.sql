WITH orders_features AS (
  SELECT
    customer_id,
    SUM(amount) AS orders_sum_amount
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    TO_NUMBER(
      SUBSTRING(MD5(CONCAT('2026-q3:', CAST(c.customer_id AS VARCHAR))), 1, 8),
      'XXXXXXXX'
    ) % 10000 AS split_of_segment_bucket,
    COALESCE(orders_features.orders_sum_amount, 0) AS orders_sum_amount
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* split split_of_segment */
SELECT
  customer_id,
  CASE
    WHEN orders_sum_amount >= 1000 AND split_of_segment_bucket < 1250
    THEN 'holdout'
    WHEN orders_sum_amount >= 1000 AND split_of_segment_bucket < 6250
    THEN 'treatment'
  END AS label
FROM base
WHERE
  (
    orders_sum_amount >= 1000 AND split_of_segment_bucket < 1250
  )
  OR (
    orders_sum_amount >= 1000 AND split_of_segment_bucket < 6250
  )
