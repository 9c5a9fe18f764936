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
    WHEN CAST(CAST('x' || SUBSTRING(MD5('s1:' || CAST(customer_id AS TEXT)) FROM 1 FOR 8) AS BIT(32)) AS BIGINT) % 10000 < 1000
    THEN 'holdout'
    WHEN CAST(CAST('x' || SUBSTRING(MD5('s1:' || CAST(customer_id AS TEXT)) FROM 1 FOR 8) AS BIT(32)) AS BIGINT) % 10000 < 5500
    THEN 'email'
    WHEN CAST(CAST('x' || SUBSTRING(MD5('s1:' || CAST(customer_id AS TEXT)) FROM 1 FOR 8) AS BIT(32)) AS BIGINT) % 10000 < 10000
    THEN 'sms'
  END AS label
FROM base
WHERE
  CAST(CAST('x' || SUBSTRING(MD5('s1:' || CAST(customer_id AS TEXT)) FROM 1 FOR 8) AS BIT(32)) AS BIGINT) % 10000 < 1000
  OR CAST(CAST('x' || SUBSTRING(MD5('s1:' || CAST(customer_id AS TEXT)) FROM 1 FOR 8) AS BIT(32)) AS BIGINT) % 10000 < 5500
  OR CAST(CAST('x' || SUBSTRING(MD5('s1:' || CAST(customer_id AS TEXT)) FROM 1 FOR 8) AS BIT(32)) AS BIGINT) % 10000 < 10000
