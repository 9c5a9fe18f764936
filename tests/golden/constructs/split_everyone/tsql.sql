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
    WHEN CAST(SUBSTRING(
      HASHBYTES(N'MD5', CAST(N's1:' + CAST(customer_id AS VARCHAR(MAX)) AS VARCHAR(MAX))),
      1,
      4
    ) AS BIGINT) % 10000 < 1000
    THEN N'holdout'
    WHEN CAST(SUBSTRING(
      HASHBYTES(N'MD5', CAST(N's1:' + CAST(customer_id AS VARCHAR(MAX)) AS VARCHAR(MAX))),
      1,
      4
    ) AS BIGINT) % 10000 < 5500
    THEN N'email'
    WHEN CAST(SUBSTRING(
      HASHBYTES(N'MD5', CAST(N's1:' + CAST(customer_id AS VARCHAR(MAX)) AS VARCHAR(MAX))),
      1,
      4
    ) AS BIGINT) % 10000 < 10000
    THEN N'sms'
  END AS [label]
FROM base
WHERE
  CAST(SUBSTRING(
    HASHBYTES(N'MD5', CAST(N's1:' + CAST(customer_id AS VARCHAR(MAX)) AS VARCHAR(MAX))),
    1,
    4
  ) AS BIGINT) % 10000 < 1000
  OR CAST(SUBSTRING(
    HASHBYTES(N'MD5', CAST(N's1:' + CAST(customer_id AS VARCHAR(MAX)) AS VARCHAR(MAX))),
    1,
    4
  ) AS BIGINT) % 10000 < 5500
  OR CAST(SUBSTRING(
    HASHBYTES(N'MD5', CAST(N's1:' + CAST(customer_id AS VARCHAR(MAX)) AS VARCHAR(MAX))),
    1,
    4
  ) AS BIGINT) % 10000 < 10000
