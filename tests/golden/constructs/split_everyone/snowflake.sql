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
    WHEN TO_NUMBER(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS VARCHAR))), 1, 8), 'XXXXXXXX') % 10000 < 1000
    THEN 'holdout'
    WHEN TO_NUMBER(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS VARCHAR))), 1, 8), 'XXXXXXXX') % 10000 < 5500
    THEN 'email'
    WHEN TO_NUMBER(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS VARCHAR))), 1, 8), 'XXXXXXXX') % 10000 < 10000
    THEN 'sms'
  END AS label
FROM base
WHERE
  TO_NUMBER(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS VARCHAR))), 1, 8), 'XXXXXXXX') % 10000 < 1000
  OR TO_NUMBER(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS VARCHAR))), 1, 8), 'XXXXXXXX') % 10000 < 5500
  OR TO_NUMBER(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS VARCHAR))), 1, 8), 'XXXXXXXX') % 10000 < 10000
