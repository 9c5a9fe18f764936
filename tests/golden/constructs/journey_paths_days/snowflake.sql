WITH orders_then_tickets_then_orders_rows0 AS (
  SELECT
    customer_id AS jp_key,
    CAST(ordered_at AS DATE) AS jp_at,
    CAST(ordered_at AS DATE) AS jp_next,
    jr_row AS jp_row
  FROM (
    SELECT
      customer_id,
      ordered_at,
      jr_row
    FROM (
      SELECT
        customer_id,
        ordered_at,
        ROW_NUMBER() OVER (
          PARTITION BY customer_id, CAST(ordered_at AS DATE)
          ORDER BY ordered_at NULLS FIRST
        ) AS jr_row,
        RANK() OVER (
          PARTITION BY customer_id, CAST(ordered_at AS DATE)
          ORDER BY ordered_at NULLS FIRST
        ) AS jp_first
      FROM shop.orders
      WHERE
        ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    ) AS i
    WHERE
      jr_row - jp_first < 2
  ) AS r
), orders_then_tickets_then_orders_rows1 AS (
  SELECT
    jp_key,
    jp_at,
    jp_prev,
    jp_next
  FROM (
    SELECT
      customer_id AS jp_key,
      CAST(opened_on AS DATE) AS jp_at,
      CAST(opened_on AS DATE) AS jp_prev,
      CAST(opened_on AS DATE) AS jp_next
    FROM support.tickets
    WHERE
      opened_on < CAST('2026-07-01' AS DATE)
  ) AS s
  GROUP BY
    jp_key,
    jp_at,
    jp_prev,
    jp_next
), orders_then_tickets_then_orders_rows2 AS (
  SELECT
    customer_id AS jp_key,
    CAST(ordered_at AS DATE) AS jp_at,
    CAST(ordered_at AS DATE) AS jp_prev,
    jr_row AS jp_row
  FROM (
    SELECT
      customer_id,
      ordered_at,
      jr_row
    FROM (
      SELECT
        customer_id,
        ordered_at,
        ROW_NUMBER() OVER (
          PARTITION BY customer_id, CAST(ordered_at AS DATE)
          ORDER BY ordered_at NULLS FIRST
        ) AS jr_row,
        RANK() OVER (
          PARTITION BY customer_id, CAST(ordered_at AS DATE)
          ORDER BY ordered_at NULLS FIRST
        ) AS jp_first
      FROM shop.orders
      WHERE
        ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    ) AS i
    WHERE
      jr_row - jp_first < 2
  ) AS r
), orders_then_tickets_then_orders_in1 AS (
  SELECT
    jp_key,
    jp_at,
    jpc_jp_prev AS jp_prev,
    jpc_jp_next AS jp_next
  FROM (
    SELECT
      jp_key,
      jp_at,
      jp_cmp,
      jp_reached,
      jpc_jp_prev,
      jpc_jp_next,
      MAX(CASE WHEN jp_reached = 1 THEN jp_cmp END) OVER (
        PARTITION BY jp_key
        ORDER BY jp_at, jp_reached
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS jp_latest
    FROM (
      SELECT
        jp_key,
        jp_at,
        jp_prev AS jp_cmp,
        jp_prev AS jpc_jp_prev,
        jp_next AS jpc_jp_next,
        0 AS jp_reached
      FROM orders_then_tickets_then_orders_rows1
      UNION ALL
      SELECT
        jp_key,
        jp_at,
        jp_next AS jp_cmp,
        NULL AS jpc_jp_prev,
        NULL AS jpc_jp_next,
        1 AS jp_reached
      FROM (
        SELECT
          jp_key,
          jp_at,
          jp_next
        FROM orders_then_tickets_then_orders_rows0
      ) AS e
    ) AS b
  ) AS t
  WHERE
    jp_reached = 0 AND DATEADD(DAY, 1, jp_latest) >= jp_cmp
), orders_then_tickets_then_orders_path0_1 AS (
  SELECT
    a.jp_key AS jp_key,
    a.jp_at AS jp_at,
    a.jp_row AS jp_r0,
    b.jp_next AS jp_next
  FROM orders_then_tickets_then_orders_rows0 AS a
  INNER JOIN orders_then_tickets_then_orders_rows1 AS b
    ON a.jp_key = b.jp_key AND a.jp_at = b.jp_at
), orders_then_tickets_then_orders_in2 AS (
  SELECT
    jp_key,
    jp_at,
    jpc_jp_prev AS jp_prev,
    jpc_jp_row AS jp_row
  FROM (
    SELECT
      jp_key,
      jp_at,
      jp_cmp,
      jp_reached,
      jpc_jp_prev,
      jpc_jp_row,
      MAX(CASE WHEN jp_reached = 1 THEN jp_cmp END) OVER (
        PARTITION BY jp_key
        ORDER BY jp_at, jp_reached
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS jp_latest
    FROM (
      SELECT
        jp_key,
        jp_at,
        jp_prev AS jp_cmp,
        jp_prev AS jpc_jp_prev,
        jp_row AS jpc_jp_row,
        0 AS jp_reached
      FROM orders_then_tickets_then_orders_rows2
      UNION ALL
      SELECT
        jp_key,
        jp_at,
        jp_next AS jp_cmp,
        NULL AS jpc_jp_prev,
        NULL AS jpc_jp_row,
        1 AS jp_reached
      FROM (
        SELECT
          jp_key,
          jp_at,
          jp_next
        FROM orders_then_tickets_then_orders_path0_1
        UNION ALL
        SELECT
          jp_key,
          jp_at,
          jp_next
        FROM orders_then_tickets_then_orders_in1
      ) AS e
    ) AS b
  ) AS t
  WHERE
    jp_reached = 0 AND DATEADD(DAY, 2, jp_latest) >= jp_cmp
), orders_then_tickets_then_orders_path0_2 AS (
  SELECT
    a.jp_key AS jp_key,
    a.jp_at AS jp_at
  FROM orders_then_tickets_then_orders_path0_1 AS a
  INNER JOIN orders_then_tickets_then_orders_rows2 AS b
    ON a.jp_key = b.jp_key AND a.jp_at = b.jp_at
  WHERE
    a.jp_r0 <> b.jp_row
), orders_then_tickets_then_orders_path1_2 AS (
  SELECT
    a.jp_key AS jp_key,
    a.jp_at AS jp_at
  FROM orders_then_tickets_then_orders_in1 AS a
  INNER JOIN orders_then_tickets_then_orders_rows2 AS b
    ON a.jp_key = b.jp_key AND a.jp_at = b.jp_at
), orders_then_tickets_then_orders AS (
  SELECT
    jr_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      jp_key AS jr_key
    FROM (
      SELECT
        jp_key,
        jp_at
      FROM orders_then_tickets_then_orders_path0_2
      UNION ALL
      SELECT
        jp_key,
        jp_at
      FROM orders_then_tickets_then_orders_path1_2
      UNION ALL
      SELECT
        jp_key,
        jp_at
      FROM orders_then_tickets_then_orders_in2
    ) AS e
  ) AS j
  GROUP BY
    jr_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_then_tickets_then_orders.hit AS orders_then_tickets_then_orders_hit
  FROM shop.customers AS c
  JOIN orders_then_tickets_then_orders
    ON orders_then_tickets_then_orders.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment journey_paths_days */
SELECT
  customer_id
FROM base
WHERE
  NOT orders_then_tickets_then_orders_hit IS NULL
