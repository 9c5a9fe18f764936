WITH orders_then_shipments AS (
  SELECT
    a.seq_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      seq_key,
      seq_time,
      seq_row
    FROM (
      SELECT
        customer_id AS seq_key,
        ordered_at AS seq_time,
        ordered_at,
        ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at, shipped_at) AS seq_row
      FROM shop.orders
    ) AS r
    WHERE
      ordered_at < '2026-07-01'
  ) AS a
  JOIN (
    SELECT
      seq_key,
      seq_time,
      seq_row
    FROM (
      SELECT
        customer_id AS seq_key,
        shipped_at AS seq_time,
        shipped_at,
        ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at, shipped_at) AS seq_row
      FROM shop.orders
    ) AS r
    WHERE
      shipped_at < '2026-07-01'
  ) AS b
    ON a.seq_key = b.seq_key
    AND a.seq_time <= b.seq_time
    AND b.seq_time <= DATETIME(SUBSTRING(a.seq_time, 1, 19), '+2 days') || SUBSTRING(a.seq_time, 20)
    AND a.seq_row <> b.seq_row
  GROUP BY
    a.seq_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_then_shipments.hit AS orders_then_shipments_hit
  FROM shop.customers AS c
  JOIN orders_then_shipments
    ON orders_then_shipments.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment seq_two_time_columns */
SELECT
  customer_id
FROM base
WHERE
  NOT orders_then_shipments_hit IS NULL
