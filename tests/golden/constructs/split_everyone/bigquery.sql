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
    WHEN MOD(
      CAST(CONCAT('0x', SUBSTRING(TO_HEX(MD5(CONCAT('s1:', CAST(customer_id AS STRING)))), 1, 8)) AS INT64),
      10000
    ) < 1000
    THEN 'holdout'
    WHEN MOD(
      CAST(CONCAT('0x', SUBSTRING(TO_HEX(MD5(CONCAT('s1:', CAST(customer_id AS STRING)))), 1, 8)) AS INT64),
      10000
    ) < 5500
    THEN 'email'
    WHEN MOD(
      CAST(CONCAT('0x', SUBSTRING(TO_HEX(MD5(CONCAT('s1:', CAST(customer_id AS STRING)))), 1, 8)) AS INT64),
      10000
    ) < 10000
    THEN 'sms'
  END AS label
FROM base
WHERE
  MOD(
    CAST(CONCAT('0x', SUBSTRING(TO_HEX(MD5(CONCAT('s1:', CAST(customer_id AS STRING)))), 1, 8)) AS INT64),
    10000
  ) < 1000
  OR MOD(
    CAST(CONCAT('0x', SUBSTRING(TO_HEX(MD5(CONCAT('s1:', CAST(customer_id AS STRING)))), 1, 8)) AS INT64),
    10000
  ) < 5500
  OR MOD(
    CAST(CONCAT('0x', SUBSTRING(TO_HEX(MD5(CONCAT('s1:', CAST(customer_id AS STRING)))), 1, 8)) AS INT64),
    10000
  ) < 10000
