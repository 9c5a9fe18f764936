WITH orders_then_tickets AS (
  SELECT
    seq_key,
    1 AS hit
  FROM (
    SELECT
      seq_key,
      seq_time,
      seq_a,
      MIN(CASE WHEN seq_b = 1 THEN seq_time END) OVER (
        PARTITION BY seq_key
        ORDER BY seq_time DESC, seq_b DESC, seq_a
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS seq_next
    FROM (
      SELECT
        customer_id AS seq_key,
        CAST(ordered_at AS Nullable(Date32)) AS seq_time,
        1 AS seq_a,
        0 AS seq_b
      FROM shop.orders
      WHERE
        ordered_at < CAST('2026-07-01 00:00:00' AS Nullable(DateTime))
      UNION ALL
      SELECT
        customer_id AS seq_key,
        CAST(opened_on AS Nullable(Date32)) AS seq_time,
        0 AS seq_a,
        1 AS seq_b
      FROM support.tickets
      WHERE
        opened_on < CAST('2026-07-01' AS Nullable(Date32))
    ) AS r
  ) AS s
  WHERE
    seq_a = 1 AND seq_next <= DATE_ADD(DAY, 7, seq_time)
  GROUP BY
    seq_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_then_tickets.hit AS orders_then_tickets_hit
  FROM shop.customers AS c
  JOIN orders_then_tickets
    ON orders_then_tickets.seq_key = c.customer_id
  WHERE
    NOT (
      c.customer_id IS NULL
    )
)
/* segment seq_then */
SELECT
  customer_id
FROM base
WHERE
  NOT (
    orders_then_tickets_hit IS NULL
  )
SETTINGS join_use_nulls = 1
