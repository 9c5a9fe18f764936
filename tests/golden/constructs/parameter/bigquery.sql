WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.age AS age
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* segment parameter */
SELECT
  customer_id
FROM base
WHERE
  age >= 18
