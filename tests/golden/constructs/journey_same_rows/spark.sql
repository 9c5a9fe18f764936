WITH orders_then_orders_then_orders AS (
  SELECT
    jb_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      *,
      MAX(
        CASE
          WHEN (
            (
              jb_c_0 >= 1 AND jb_c_1 >= 1 AND jb_c_0_1 >= 2
            )
            OR (
              jb_e_1 + INTERVAL 7 DAY >= jb_at AND jb_c_1 >= 1
            )
          )
          THEN jb_at
        END
      ) OVER (
        PARTITION BY jb_key
        ORDER BY jb_at
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS jb_e_2
    FROM (
      SELECT
        *,
        MAX(CASE WHEN (
          jb_c_0 >= 1
        ) THEN jb_at END) OVER (
          PARTITION BY jb_key
          ORDER BY jb_at
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS jb_e_1
      FROM (
        SELECT
          jb_key,
          jb_at,
          SUM(CASE WHEN jb_f_0 = 1 THEN 1 ELSE 0 END) AS jb_c_0,
          SUM(CASE WHEN jb_f_1 = 1 THEN 1 ELSE 0 END) AS jb_c_1,
          SUM(CASE WHEN jb_f_2 = 1 THEN 1 ELSE 0 END) AS jb_c_2,
          SUM(CASE WHEN jb_f_0 = 1 OR jb_f_1 = 1 THEN 1 ELSE 0 END) AS jb_c_0_1,
          SUM(CASE WHEN jb_f_0 = 1 OR jb_f_2 = 1 THEN 1 ELSE 0 END) AS jb_c_0_2,
          SUM(CASE WHEN jb_f_1 = 1 OR jb_f_2 = 1 THEN 1 ELSE 0 END) AS jb_c_1_2,
          SUM(CASE WHEN jb_f_0 = 1 OR jb_f_1 = 1 OR jb_f_2 = 1 THEN 1 ELSE 0 END) AS jb_c_0_1_2
        FROM (
          SELECT
            customer_id AS jb_key,
            ordered_at AS jb_at,
            1 AS jb_f_0,
            1 AS jb_f_1,
            CASE WHEN channel = 'web' THEN 1 ELSE 0 END AS jb_f_2
          FROM shop.orders
          WHERE
            ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
        ) AS r
        GROUP BY
          jb_key,
          jb_at
      ) AS l1
    ) AS l2
  ) AS j
  WHERE
    (
      (
        jb_c_0 >= 1
        AND jb_c_1 >= 1
        AND jb_c_2 >= 1
        AND jb_c_0_1 >= 2
        AND jb_c_0_2 >= 2
        AND jb_c_1_2 >= 2
        AND jb_c_0_1_2 >= 3
      )
      OR (
        jb_e_1 + INTERVAL 7 DAY >= jb_at
        AND (
          jb_c_1 >= 1 AND jb_c_2 >= 1 AND jb_c_1_2 >= 2
        )
      )
      OR (
        jb_e_2 + INTERVAL 720 MINUTE >= jb_at AND jb_c_2 >= 1
      )
    )
  GROUP BY
    jb_key
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
/* segment journey_same_rows */
SELECT
  customer_id
FROM base
WHERE
  NOT orders_then_orders_then_orders_hit IS NULL
