WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.signup_date AS signup_date
  FROM shop.customers AS c
  WHERE
    NOT (
      c.customer_id IS NULL
    )
)
/* segment window_date_attribute */
SELECT
  customer_id
FROM base
WHERE
  CAST(signup_date AS Nullable(Date32)) >= CAST('2026-06-01' AS Nullable(Date32))
  AND CAST(signup_date AS Nullable(Date32)) < CAST('2026-07-01' AS Nullable(Date32))
SETTINGS join_use_nulls = 1
