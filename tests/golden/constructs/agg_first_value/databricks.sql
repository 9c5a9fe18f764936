WITH orders_first_channel AS (
  SELECT
    customer_id,
    value
  FROM (
    SELECT
      customer_id,
      channel AS value,
      ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at ASC NULLS LAST, channel DESC) AS place
    FROM shop.orders
    WHERE
      ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
  ) AS e
  WHERE
    place = 1
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_first_channel.value AS orders_first_channel_value
  FROM shop.customers AS c
  JOIN orders_first_channel
    ON orders_first_channel.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment agg_first_value */
SELECT
  customer_id
FROM base
WHERE
  orders_first_channel_value = 'app'
