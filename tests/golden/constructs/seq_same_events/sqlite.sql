WITH orders_then_orders AS (
  SELECT
    seq_key,
    1 AS hit
  FROM (
    SELECT
      customer_id AS seq_key,
      ordered_at AS seq_time,
      LAG(ordered_at) OVER (PARTITION BY customer_id ORDER BY ordered_at) AS seq_previous
    FROM shop.orders
    WHERE
      ordered_at < '2026-07-01'
  ) AS r
  WHERE
    NOT seq_previous IS NULL
    AND seq_time <= DATETIME(SUBSTRING(seq_previous, 1, 19), '+14 days') || SUBSTRING(seq_previous, 20)
  GROUP BY
    seq_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_then_orders.hit AS orders_then_orders_hit
  FROM shop.customers AS c
  JOIN orders_then_orders
    ON orders_then_orders.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment seq_same_events */
SELECT
  customer_id
FROM base
WHERE
  NOT orders_then_orders_hit IS NULL
