WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    CAST(SUBSTRING(
      HASHBYTES(N'MD5', CAST(N's1:' + CAST(c.customer_id AS VARCHAR(MAX)) AS VARCHAR(MAX))),
      1,
      4
    ) AS BIGINT) % 10000 AS split_everyone_bucket
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* split split_everyone */
SELECT
  customer_id,
  CASE
    WHEN split_everyone_bucket < 1000
    THEN N'holdout'
    WHEN split_everyone_bucket < 5500
    THEN N'email'
    WHEN split_everyone_bucket < 10000
    THEN N'sms'
  END AS [label]
FROM base
WHERE
  split_everyone_bucket < 1000
  OR split_everyone_bucket < 5500
  OR split_everyone_bucket < 10000
