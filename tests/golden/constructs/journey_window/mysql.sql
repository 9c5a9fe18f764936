WITH orders_then_orders_then_tickets AS (
  WITH orders_then_orders_then_tickets_pass1 AS (
    SELECT
      jr_key,
      jr_own_time AS jr_time,
      jr_row
    FROM (
      SELECT
        jr_key,
        jr_own_time,
        jr_at,
        jr_reached,
        MAX(CASE WHEN jr_reached = 1 THEN jr_at END) OVER (
          PARTITION BY jr_key
          ORDER BY jr_at, jr_reached
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS jr_latest,
        MIN(CASE WHEN jr_reached = 1 THEN jr_row END) OVER (PARTITION BY jr_key, jr_at) AS jr_low,
        MAX(CASE WHEN jr_reached = 1 THEN jr_row END) OVER (PARTITION BY jr_key, jr_at) AS jr_high,
        jr_row
      FROM (
        SELECT
          jr_key,
          jr_time AS jr_own_time,
          jr_time AS jr_at,
          jr_row,
          0 AS jr_reached
        FROM (
          SELECT
            customer_id AS jr_key,
            ordered_at AS jr_time,
            jr_row
          FROM (
            SELECT
              channel,
              customer_id,
              ordered_at,
              ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY channel, ordered_at) AS jr_row
            FROM shop.orders
            WHERE
              ordered_at < CAST('2026-07-01 00:00:00' AS DATETIME)
          ) AS r
          WHERE
            channel = CAST('app' AS BINARY)
            AND ordered_at >= CAST('2026-06-17 00:00:00' AS DATETIME)
        ) AS s
        UNION ALL
        SELECT
          jr_key,
          NULL AS jr_own_time,
          jr_time AS jr_at,
          jr_row,
          1 AS jr_reached
        FROM (
          SELECT
            customer_id AS jr_key,
            ordered_at AS jr_time,
            jr_row
          FROM (
            SELECT
              channel,
              customer_id,
              ordered_at,
              ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY channel, ordered_at) AS jr_row
            FROM shop.orders
            WHERE
              ordered_at < CAST('2026-07-01 00:00:00' AS DATETIME)
          ) AS r
          WHERE
            ordered_at >= CAST('2026-06-17 00:00:00' AS DATETIME)
        ) AS p
      ) AS b
    ) AS t
    WHERE
      jr_reached = 0
      AND (
        DATE_ADD(jr_latest, INTERVAL 1 DAY) >= jr_at
        OR (
          jr_low <> jr_row OR jr_high <> jr_row
        )
      )
  ), orders_then_orders_then_tickets_pass2 AS (
    SELECT
      jr_key,
      jr_own_time AS jr_time
    FROM (
      SELECT
        jr_key,
        jr_own_time,
        jr_at,
        jr_reached,
        MAX(CASE WHEN jr_reached = 1 THEN jr_at END) OVER (
          PARTITION BY jr_key
          ORDER BY jr_at, jr_reached DESC
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS jr_latest
      FROM (
        SELECT
          jr_key,
          jr_time AS jr_own_time,
          CAST(jr_time AS DATE) AS jr_at,
          0 AS jr_reached
        FROM (
          SELECT
            customer_id AS jr_key,
            opened_on AS jr_time
          FROM support.tickets
          WHERE
            opened_on < CAST('2026-07-01' AS DATE)
            AND opened_on >= CAST('2026-06-17' AS DATE)
        ) AS s
        UNION ALL
        SELECT
          jr_key,
          NULL AS jr_own_time,
          CAST(jr_time AS DATE) AS jr_at,
          1 AS jr_reached
        FROM (
          SELECT
            *
          FROM orders_then_orders_then_tickets_pass1
        ) AS p
      ) AS b
    ) AS t
    WHERE
      jr_reached = 0 AND (
        DATE_ADD(jr_latest, INTERVAL 2 DAY) >= jr_at
      )
  )
  SELECT
    jr_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      *
    FROM orders_then_orders_then_tickets_pass2
  ) AS j
  GROUP BY
    jr_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_then_orders_then_tickets.hit AS orders_then_orders_then_tickets_hit
  FROM shop.customers AS c
  JOIN orders_then_orders_then_tickets
    ON orders_then_orders_then_tickets.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment journey_window */
SELECT
  customer_id
FROM base
WHERE
  NOT orders_then_orders_then_tickets_hit IS NULL
