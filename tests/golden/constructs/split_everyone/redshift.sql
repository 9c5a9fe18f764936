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
    WHEN STRTOL(SUBSTRING(MD5('s1:' || CAST(customer_id AS VARCHAR(MAX))) FROM 1 FOR 8), 16) % 10000 < 1000
    THEN 'holdout'
    WHEN STRTOL(SUBSTRING(MD5('s1:' || CAST(customer_id AS VARCHAR(MAX))) FROM 1 FOR 8), 16) % 10000 < 5500
    THEN 'email'
    WHEN STRTOL(SUBSTRING(MD5('s1:' || CAST(customer_id AS VARCHAR(MAX))) FROM 1 FOR 8), 16) % 10000 < 10000
    THEN 'sms'
  END AS label
FROM base
WHERE
  STRTOL(SUBSTRING(MD5('s1:' || CAST(customer_id AS VARCHAR(MAX))) FROM 1 FOR 8), 16) % 10000 < 1000
  OR STRTOL(SUBSTRING(MD5('s1:' || CAST(customer_id AS VARCHAR(MAX))) FROM 1 FOR 8), 16) % 10000 < 5500
  OR STRTOL(SUBSTRING(MD5('s1:' || CAST(customer_id AS VARCHAR(MAX))) FROM 1 FOR 8), 16) % 10000 < 10000
