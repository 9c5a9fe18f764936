WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.country AS country
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* segment compare_equal */
SELECT
  customer_id
FROM base
WHERE
  country = N'US' COLLATE Latin1_General_BIN2
