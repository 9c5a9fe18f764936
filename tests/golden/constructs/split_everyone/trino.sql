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
    WHEN FROM_BASE(
      SUBSTR(LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('s1:', CAST(customer_id AS VARCHAR)))))), 1, 8),
      16
    ) % 10000 < 1000
    THEN 'holdout'
    WHEN FROM_BASE(
      SUBSTR(LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('s1:', CAST(customer_id AS VARCHAR)))))), 1, 8),
      16
    ) % 10000 < 5500
    THEN 'email'
    WHEN FROM_BASE(
      SUBSTR(LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('s1:', CAST(customer_id AS VARCHAR)))))), 1, 8),
      16
    ) % 10000 < 10000
    THEN 'sms'
  END AS label
FROM base
WHERE
  FROM_BASE(
    SUBSTR(LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('s1:', CAST(customer_id AS VARCHAR)))))), 1, 8),
    16
  ) % 10000 < 1000
  OR FROM_BASE(
    SUBSTR(LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('s1:', CAST(customer_id AS VARCHAR)))))), 1, 8),
    16
  ) % 10000 < 5500
  OR FROM_BASE(
    SUBSTR(LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('s1:', CAST(customer_id AS VARCHAR)))))), 1, 8),
    16
  ) % 10000 < 10000
