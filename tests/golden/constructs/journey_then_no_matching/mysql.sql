WITH tickets_then_orders_then_no_app_orders AS (
  WITH tickets_then_orders_then_no_app_orders_pass1 AS (
    SELECT
      jr_key,
      jr_own_time AS jr_time,
      jr_own_next AS jr_next,
      jr_row
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
        ) AS jr_latest,
        jr_own_next,
        jr_row
      FROM (
        SELECT
          jr_key,
          jr_time AS jr_own_time,
          CAST(jr_time AS DATE) AS jr_at,
          jr_next AS jr_own_next,
          jr_row,
          0 AS jr_reached
        FROM (
          SELECT
            customer_id AS jr_key,
            ordered_at AS jr_time,
            amount AS jr_next,
            jr_row
          FROM (
            SELECT
              amount,
              channel,
              customer_id,
              ordered_at,
              ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY amount, channel, ordered_at) AS jr_row
            FROM shop.orders
            WHERE
              ordered_at < CAST('2026-07-01 00:00:00' AS DATETIME)
          ) AS r
        ) AS s
        UNION ALL
        SELECT
          jr_key,
          NULL AS jr_own_time,
          CAST(jr_time AS DATE) AS jr_at,
          NULL AS jr_own_next,
          NULL AS jr_row,
          1 AS jr_reached
        FROM (
          SELECT
            customer_id AS jr_key,
            opened_on AS jr_time
          FROM support.tickets
          WHERE
            opened_on < CAST('2026-07-01' AS DATE)
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
      p.jr_key AS jr_key
    FROM (
      SELECT
        *
      FROM tickets_then_orders_then_no_app_orders_pass1
    ) AS p
    WHERE
      NOT EXISTS(
        SELECT
          1
        FROM (
          SELECT
            customer_id AS jr_key,
            ordered_at AS jr_time,
            amount AS jr_value,
            jr_row
          FROM (
            SELECT
              amount,
              channel,
              customer_id,
              ordered_at,
              ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY amount, channel, ordered_at) AS jr_row
            FROM shop.orders
            WHERE
              ordered_at < CAST('2026-07-01 00:00:00' AS DATETIME)
          ) AS r
          WHERE
            NOT amount IS NULL AND channel = CAST('app' AS BINARY)
        ) AS x
        WHERE
          x.jr_key = p.jr_key
          AND x.jr_value = p.jr_next
          AND CAST(x.jr_value AS BINARY) = CAST(p.jr_next AS BINARY)
          AND x.jr_time >= p.jr_time
          AND x.jr_time <= DATE_ADD(p.jr_time, INTERVAL 3 DAY)
          AND x.jr_row <> p.jr_row
      )
  ) AS j
  GROUP BY
    jr_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    tickets_then_orders_then_no_app_orders.hit AS tickets_then_orders_then_no_app_orders_hit
  FROM shop.customers AS c
  JOIN tickets_then_orders_then_no_app_orders
    ON tickets_then_orders_then_no_app_orders.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment journey_then_no_matching */
SELECT
  customer_id
FROM base
WHERE
  NOT tickets_then_orders_then_no_app_orders_hit IS NULL
