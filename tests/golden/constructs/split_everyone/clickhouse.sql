WITH base AS (
  SELECT
    c.customer_id AS customer_id
  FROM shop.customers AS c
  WHERE
    NOT (
      c.customer_id IS NULL
    )
)
/* split split_everyone */
SELECT
  customer_id,
  CASE
    WHEN CAST(reinterpretAsUInt32(
      reverse(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS Nullable(String)))), 1, 4))
    ) AS Nullable(Int64)) % 10000 < 1000
    THEN 'holdout'
    WHEN CAST(reinterpretAsUInt32(
      reverse(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS Nullable(String)))), 1, 4))
    ) AS Nullable(Int64)) % 10000 < 5500
    THEN 'email'
    WHEN CAST(reinterpretAsUInt32(
      reverse(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS Nullable(String)))), 1, 4))
    ) AS Nullable(Int64)) % 10000 < 10000
    THEN 'sms'
  END AS label
FROM base
WHERE
  CAST(reinterpretAsUInt32(
    reverse(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS Nullable(String)))), 1, 4))
  ) AS Nullable(Int64)) % 10000 < 1000
  OR CAST(reinterpretAsUInt32(
    reverse(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS Nullable(String)))), 1, 4))
  ) AS Nullable(Int64)) % 10000 < 5500
  OR CAST(reinterpretAsUInt32(
    reverse(SUBSTRING(MD5(CONCAT('s1:', CAST(customer_id AS Nullable(String)))), 1, 4))
  ) AS Nullable(Int64)) % 10000 < 10000
SETTINGS join_use_nulls = 1
