WITH orders_last_amount AS (
  SELECT
    customer_id,
    value
  FROM (
    SELECT
      customer_id,
      amount AS value,
      ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at DESC, amount DESC) AS place
    FROM shop.orders
    WHERE
      ordered_at < CAST('2026-07-01 00:00:00' AS DATETIME)
  ) AS e
  WHERE
    place = 1
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_last_amount.value AS orders_last_amount_value
  FROM shop.customers AS c
  JOIN orders_last_amount
    ON orders_last_amount.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment agg_last_value */
SELECT
  customer_id
FROM base
WHERE
  orders_last_amount_value > 100
