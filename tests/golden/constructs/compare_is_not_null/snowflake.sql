WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.email AS email
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* segment compare_is_not_null */
SELECT
  customer_id
FROM base
WHERE
  NOT email IS NULL
