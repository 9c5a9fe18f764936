WITH base AS (
  SELECT
    c.customer_id AS customer_id
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* split split_everyone */
SELECT
  customer_id,
  CASE
    WHEN CAST(CONV(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS STRING))), 1, 8), 16, 10) AS BIGINT) % 10000 < 1000
    THEN 'holdout'
    WHEN CAST(CONV(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS STRING))), 1, 8), 16, 10) AS BIGINT) % 10000 < 5500
    THEN 'email'
    WHEN CAST(CONV(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS STRING))), 1, 8), 16, 10) AS BIGINT) % 10000 < 10000
    THEN 'sms'
  END AS label
FROM base
WHERE
  CAST(CONV(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS STRING))), 1, 8), 16, 10) AS BIGINT) % 10000 < 1000
  OR CAST(CONV(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS STRING))), 1, 8), 16, 10) AS BIGINT) % 10000 < 5500
  OR CAST(CONV(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS STRING))), 1, 8), 16, 10) AS BIGINT) % 10000 < 10000
