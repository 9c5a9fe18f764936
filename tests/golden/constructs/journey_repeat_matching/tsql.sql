WITH orders_then_orders_then_orders AS (
  SELECT
    seq_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      customer_id AS seq_key,
      ordered_at AS jq_time,
      LAG(ordered_at) OVER (PARTITION BY customer_id, channel ORDER BY ordered_at) AS jq_before,
      LEAD(ordered_at) OVER (PARTITION BY customer_id, channel ORDER BY ordered_at) AS jq_after
    FROM shop.orders
    WHERE
      ordered_at < CAST(N'2026-07-01 00:00:00' AS DATETIME2) AND NOT channel IS NULL
  ) AS r
  WHERE
    jq_time <= DATEADD(DAY, 7, jq_before) AND jq_after <= DATEADD(DAY, 14, jq_time)
  GROUP BY
    seq_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_then_orders_then_orders.hit AS orders_then_orders_then_orders_hit
  FROM shop.customers AS c
  JOIN orders_then_orders_then_orders
    ON orders_then_orders_then_orders.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment journey_repeat_matching */
SELECT
  customer_id
FROM base
WHERE
  NOT orders_then_orders_then_orders_hit IS NULL
