WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    CAST(CONV(SUBSTRING(MD5(CONCAT('s1:', CAST(c.customer_id AS STRING))), 1, 8), 16, 10) AS BIGINT) % 10000 AS split_everyone_bucket
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* split split_everyone */
SELECT
  customer_id,
  CASE
    WHEN split_everyone_bucket < 1000
    THEN 'holdout'
    WHEN split_everyone_bucket < 5500
    THEN 'email'
    WHEN split_everyone_bucket < 10000
    THEN 'sms'
  END AS label
FROM base
WHERE
  split_everyone_bucket < 1000
  OR split_everyone_bucket < 5500
  OR split_everyone_bucket < 10000
