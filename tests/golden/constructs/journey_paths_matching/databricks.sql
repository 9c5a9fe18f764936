WITH orders_then_orders_then_orders_then_no_tickets_rows0 AS (
  SELECT
    customer_id AS jp_key,
    CAST(ordered_at AS DATE) AS jp_at,
    ordered_at AS jp_next,
    channel AS jp_out,
    jr_row AS jp_row
  FROM (
    SELECT
      channel,
      customer_id,
      ordered_at,
      jr_row
    FROM (
      SELECT
        channel,
        customer_id,
        ordered_at,
        ROW_NUMBER() OVER (PARTITION BY customer_id, CAST(ordered_at AS DATE) ORDER BY channel, ordered_at) AS jr_row,
        RANK() OVER (PARTITION BY customer_id, CAST(ordered_at AS DATE) ORDER BY channel, ordered_at) AS jp_first
      FROM shop.orders
      WHERE
        ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    ) AS i
    WHERE
      jr_row - jp_first < 3
  ) AS r
), orders_then_orders_then_orders_then_no_tickets_rows1 AS (
  SELECT
    customer_id AS jp_key,
    CAST(ordered_at AS DATE) AS jp_at,
    ordered_at AS jp_prev,
    ordered_at AS jp_next,
    channel AS jp_in,
    channel AS jp_out,
    jr_row AS jp_row
  FROM (
    SELECT
      channel,
      customer_id,
      ordered_at,
      jr_row
    FROM (
      SELECT
        channel,
        customer_id,
        ordered_at,
        ROW_NUMBER() OVER (PARTITION BY customer_id, CAST(ordered_at AS DATE) ORDER BY channel, ordered_at) AS jr_row,
        RANK() OVER (PARTITION BY customer_id, CAST(ordered_at AS DATE) ORDER BY channel, ordered_at) AS jp_first
      FROM shop.orders
      WHERE
        ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    ) AS i
    WHERE
      jr_row - jp_first < 3
  ) AS r
  WHERE
    NOT channel IS NULL
), orders_then_orders_then_orders_then_no_tickets_rows2 AS (
  SELECT
    customer_id AS jp_key,
    CAST(ordered_at AS DATE) AS jp_at,
    ordered_at AS jp_prev,
    CAST(ordered_at AS DATE) AS jp_next,
    channel AS jp_in,
    0 AS jp_self,
    jr_row AS jp_row
  FROM (
    SELECT
      channel,
      customer_id,
      ordered_at,
      jr_row
    FROM (
      SELECT
        channel,
        customer_id,
        ordered_at,
        ROW_NUMBER() OVER (PARTITION BY customer_id, CAST(ordered_at AS DATE) ORDER BY channel, ordered_at) AS jr_row,
        RANK() OVER (PARTITION BY customer_id, CAST(ordered_at AS DATE) ORDER BY channel, ordered_at) AS jp_first
      FROM shop.orders
      WHERE
        ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    ) AS i
    WHERE
      jr_row - jp_first < 3
  ) AS r
  WHERE
    NOT channel IS NULL
), orders_then_orders_then_orders_then_no_tickets_in1 AS (
  SELECT
    jp_key,
    jp_at,
    jpc_jp_prev AS jp_prev,
    jpc_jp_next AS jp_next,
    jpc_jp_in AS jp_in,
    jpc_jp_out AS jp_out,
    jpc_jp_row AS jp_row
  FROM (
    SELECT
      jp_key,
      jp_at,
      jp_cmp,
      jp_reached,
      jpc_jp_prev,
      jpc_jp_next,
      jpc_jp_in,
      jpc_jp_out,
      jpc_jp_row,
      MAX(CASE WHEN jp_reached = 1 THEN jp_cmp END) OVER (
        PARTITION BY jp_key, jp_value
        ORDER BY jp_at, jp_reached
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS jp_latest
    FROM (
      SELECT
        jp_key,
        jp_at,
        jp_prev AS jp_cmp,
        jp_in AS jp_value,
        jp_prev AS jpc_jp_prev,
        jp_next AS jpc_jp_next,
        jp_in AS jpc_jp_in,
        jp_out AS jpc_jp_out,
        jp_row AS jpc_jp_row,
        0 AS jp_reached
      FROM orders_then_orders_then_orders_then_no_tickets_rows1
      UNION ALL
      SELECT
        jp_key,
        jp_at,
        jp_next AS jp_cmp,
        jp_out AS jp_value,
        NULL AS jpc_jp_prev,
        NULL AS jpc_jp_next,
        NULL AS jpc_jp_in,
        NULL AS jpc_jp_out,
        NULL AS jpc_jp_row,
        1 AS jp_reached
      FROM (
        SELECT
          jp_key,
          jp_at,
          jp_next,
          jp_out
        FROM orders_then_orders_then_orders_then_no_tickets_rows0
      ) AS e
    ) AS b
  ) AS t
  WHERE
    jp_reached = 0 AND jp_latest + INTERVAL 7 DAY >= jp_cmp
), orders_then_orders_then_orders_then_no_tickets_path0_1 AS (
  SELECT
    a.jp_key AS jp_key,
    a.jp_at AS jp_at,
    a.jp_row AS jp_r0,
    b.jp_row AS jp_r1,
    b.jp_next AS jp_next,
    b.jp_out AS jp_out
  FROM orders_then_orders_then_orders_then_no_tickets_rows0 AS a
  INNER JOIN orders_then_orders_then_orders_then_no_tickets_rows1 AS b
    ON a.jp_key = b.jp_key AND a.jp_at = b.jp_at AND a.jp_out = b.jp_in
  WHERE
    b.jp_prev >= a.jp_next
    AND b.jp_prev <= a.jp_next + INTERVAL 7 DAY
    AND a.jp_row <> b.jp_row
), orders_then_orders_then_orders_then_no_tickets_in2 AS (
  SELECT
    jp_key,
    jp_at,
    jpc_jp_prev AS jp_prev,
    jpc_jp_next AS jp_next,
    jpc_jp_in AS jp_in,
    jpc_jp_self AS jp_self,
    jpc_jp_row AS jp_row
  FROM (
    SELECT
      jp_key,
      jp_at,
      jp_cmp,
      jp_reached,
      jpc_jp_prev,
      jpc_jp_next,
      jpc_jp_in,
      jpc_jp_self,
      jpc_jp_row,
      MAX(CASE WHEN jp_reached = 1 THEN jp_cmp END) OVER (
        PARTITION BY jp_key, jp_value
        ORDER BY jp_at, jp_reached
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS jp_latest
    FROM (
      SELECT
        jp_key,
        jp_at,
        jp_prev AS jp_cmp,
        jp_in AS jp_value,
        jp_prev AS jpc_jp_prev,
        jp_next AS jpc_jp_next,
        jp_in AS jpc_jp_in,
        jp_self AS jpc_jp_self,
        jp_row AS jpc_jp_row,
        0 AS jp_reached
      FROM orders_then_orders_then_orders_then_no_tickets_rows2
      UNION ALL
      SELECT
        jp_key,
        jp_at,
        jp_next AS jp_cmp,
        jp_out AS jp_value,
        NULL AS jpc_jp_prev,
        NULL AS jpc_jp_next,
        NULL AS jpc_jp_in,
        NULL AS jpc_jp_self,
        NULL AS jpc_jp_row,
        1 AS jp_reached
      FROM (
        SELECT
          jp_key,
          jp_at,
          jp_next,
          jp_out
        FROM orders_then_orders_then_orders_then_no_tickets_path0_1
        UNION ALL
        SELECT
          jp_key,
          jp_at,
          jp_next,
          jp_out
        FROM orders_then_orders_then_orders_then_no_tickets_in1
      ) AS e
    ) AS b
  ) AS t
  WHERE
    jp_reached = 0 AND jp_latest + INTERVAL 7 DAY >= jp_cmp
), orders_then_orders_then_orders_then_no_tickets_path0_2 AS (
  SELECT
    a.jp_key AS jp_key,
    a.jp_at AS jp_at,
    b.jp_next AS jp_next,
    b.jp_self AS jp_self
  FROM orders_then_orders_then_orders_then_no_tickets_path0_1 AS a
  INNER JOIN orders_then_orders_then_orders_then_no_tickets_rows2 AS b
    ON a.jp_key = b.jp_key AND a.jp_at = b.jp_at AND a.jp_out = b.jp_in
  WHERE
    b.jp_prev >= a.jp_next
    AND b.jp_prev <= a.jp_next + INTERVAL 7 DAY
    AND a.jp_r0 <> b.jp_row
    AND a.jp_r1 <> b.jp_row
), orders_then_orders_then_orders_then_no_tickets_path1_2 AS (
  SELECT
    a.jp_key AS jp_key,
    a.jp_at AS jp_at,
    b.jp_next AS jp_next,
    b.jp_self AS jp_self
  FROM orders_then_orders_then_orders_then_no_tickets_in1 AS a
  INNER JOIN orders_then_orders_then_orders_then_no_tickets_rows2 AS b
    ON a.jp_key = b.jp_key AND a.jp_at = b.jp_at AND a.jp_out = b.jp_in
  WHERE
    b.jp_prev >= a.jp_next
    AND b.jp_prev <= a.jp_next + INTERVAL 7 DAY
    AND a.jp_row <> b.jp_row
), orders_then_orders_then_orders_then_no_tickets AS (
  SELECT
    jr_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      jp_key AS jr_key
    FROM (
      SELECT
        jp_key,
        jp_cmp,
        jp_reached,
        jp_self,
        MIN(CASE WHEN jp_reached = 0 THEN jp_cmp END) OVER (
          PARTITION BY jp_key
          ORDER BY jp_cmp DESC, jp_reached DESC
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS jp_following,
        SUM(CASE WHEN jp_reached = 0 THEN 1 ELSE 0 END) OVER (PARTITION BY jp_key, jp_cmp) AS jp_here
      FROM (
        SELECT
          jr_key AS jp_key,
          CAST(jr_time AS DATE) AS jp_cmp,
          0 AS jp_self,
          0 AS jp_reached
        FROM (
          SELECT
            customer_id AS jr_key,
            opened_on AS jr_time
          FROM support.tickets
          WHERE
            opened_on < CAST('2026-07-01' AS DATE)
        ) AS x
        UNION ALL
        SELECT
          jp_key,
          jp_next AS jp_cmp,
          jp_self,
          1 AS jp_reached
        FROM (
          SELECT
            jp_key,
            jp_at,
            jp_next,
            jp_self
          FROM orders_then_orders_then_orders_then_no_tickets_path0_2
          UNION ALL
          SELECT
            jp_key,
            jp_at,
            jp_next,
            jp_self
          FROM orders_then_orders_then_orders_then_no_tickets_path1_2
          UNION ALL
          SELECT
            jp_key,
            jp_at,
            jp_next,
            jp_self
          FROM orders_then_orders_then_orders_then_no_tickets_in2
        ) AS e
      ) AS b
    ) AS t
    WHERE
      jp_reached = 1
      AND (
        jp_following IS NULL OR jp_following > DATEADD(DAY, 3, jp_cmp)
      )
      AND jp_here = jp_self
  ) AS j
  GROUP BY
    jr_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_then_orders_then_orders_then_no_tickets.hit AS orders_then_orders_then_orders_then_no_tickets_hit
  FROM shop.customers AS c
  JOIN orders_then_orders_then_orders_then_no_tickets
    ON orders_then_orders_then_orders_then_no_tickets.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment journey_paths_matching */
SELECT
  customer_id
FROM base
WHERE
  NOT orders_then_orders_then_orders_then_no_tickets_hit IS NULL
