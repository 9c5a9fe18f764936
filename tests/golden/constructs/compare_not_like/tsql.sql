WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.email AS email
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* segment compare_not_like */
SELECT
  customer_id
FROM base
WHERE
  NOT email LIKE N'%@example.com' COLLATE Latin1_General_BIN2
