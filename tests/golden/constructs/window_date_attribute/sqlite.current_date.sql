WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.signup_date AS signup_date
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_date_attribute */
SELECT
  customer_id
FROM base
WHERE
  DATE(signup_date) >= DATE(CURRENT_DATE, '-29 DAY')
  AND DATE(signup_date) < DATE(CURRENT_DATE, '1 DAY')
