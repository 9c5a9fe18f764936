WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    STRTOL(SUBSTRING(MD5('s1:' || CAST(c.customer_id AS VARCHAR(MAX))) FROM 1 FOR 8), 16) % 10000 AS split_everyone_bucket
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
