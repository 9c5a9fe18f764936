WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.country AS country,
    c.age AS age
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* segment logic_or */
SELECT
  customer_id
FROM base
WHERE
  country = N'US' COLLATE Latin1_General_BIN2 OR age >= 18
