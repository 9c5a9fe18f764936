WITH orders_then_orders_then_orders_then_no_orders AS (
  SELECT
    jb_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      *,
      MIN(CASE WHEN jb_c_3 > 0 THEN jb_at END) OVER (
        PARTITION BY jb_key, jb_value
        ORDER BY jb_at DESC
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS jb_next
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
                DATEADD(DAY, 7, jb_e_1) >= jb_at AND jb_c_1 >= 1
              )
            )
            THEN jb_at
          END
        ) OVER (
          PARTITION BY jb_key, jb_value
          ORDER BY jb_at
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS jb_e_2
      FROM (
        SELECT
          *,
          MAX(CASE WHEN (
            jb_c_0 >= 1
          ) THEN jb_at END) OVER (
            PARTITION BY jb_key, jb_value
            ORDER BY jb_at
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
          ) AS jb_e_1
        FROM (
          SELECT
            jb_key AS jb_key,
            jb_value AS jb_value,
            jb_at AS jb_at,
            SUM(CASE WHEN jb_f_0 = 1 THEN 1 ELSE 0 END) AS jb_c_0,
            SUM(CASE WHEN jb_f_1 = 1 THEN 1 ELSE 0 END) AS jb_c_1,
            SUM(CASE WHEN jb_f_2 = 1 THEN 1 ELSE 0 END) AS jb_c_2,
            SUM(CASE WHEN jb_f_3 = 1 THEN 1 ELSE 0 END) AS jb_c_3,
            SUM(CASE WHEN jb_f_0 = 1 OR jb_f_1 = 1 THEN 1 ELSE 0 END) AS jb_c_0_1,
            SUM(CASE WHEN jb_f_0 = 1 OR jb_f_2 = 1 THEN 1 ELSE 0 END) AS jb_c_0_2,
            SUM(CASE WHEN jb_f_0 = 1 OR jb_f_3 = 1 THEN 1 ELSE 0 END) AS jb_c_0_3,
            SUM(CASE WHEN jb_f_1 = 1 OR jb_f_2 = 1 THEN 1 ELSE 0 END) AS jb_c_1_2,
            SUM(CASE WHEN jb_f_1 = 1 OR jb_f_3 = 1 THEN 1 ELSE 0 END) AS jb_c_1_3,
            SUM(CASE WHEN jb_f_2 = 1 OR jb_f_3 = 1 THEN 1 ELSE 0 END) AS jb_c_2_3,
            SUM(CASE WHEN jb_f_0 = 1 OR jb_f_1 = 1 OR jb_f_2 = 1 THEN 1 ELSE 0 END) AS jb_c_0_1_2,
            SUM(CASE WHEN jb_f_0 = 1 OR jb_f_1 = 1 OR jb_f_3 = 1 THEN 1 ELSE 0 END) AS jb_c_0_1_3,
            SUM(CASE WHEN jb_f_0 = 1 OR jb_f_2 = 1 OR jb_f_3 = 1 THEN 1 ELSE 0 END) AS jb_c_0_2_3,
            SUM(CASE WHEN jb_f_1 = 1 OR jb_f_2 = 1 OR jb_f_3 = 1 THEN 1 ELSE 0 END) AS jb_c_1_2_3,
            SUM(CASE WHEN jb_f_0 = 1 OR jb_f_1 = 1 OR jb_f_2 = 1 OR jb_f_3 = 1 THEN 1 ELSE 0 END) AS jb_c_0_1_2_3,
            SUM(CASE WHEN jb_f_3 = 1 AND (
              jb_f_0 = 1
            ) THEN 1 ELSE 0 END) AS jb_x_0,
            SUM(CASE WHEN jb_f_3 = 1 AND (
              jb_f_1 = 1
            ) THEN 1 ELSE 0 END) AS jb_x_1,
            SUM(CASE WHEN jb_f_3 = 1 AND (
              jb_f_2 = 1
            ) THEN 1 ELSE 0 END) AS jb_x_2,
            SUM(CASE WHEN jb_f_3 = 1 AND (
              jb_f_0 = 1 OR jb_f_1 = 1
            ) THEN 1 ELSE 0 END) AS jb_x_0_1,
            SUM(CASE WHEN jb_f_3 = 1 AND (
              jb_f_0 = 1 OR jb_f_2 = 1
            ) THEN 1 ELSE 0 END) AS jb_x_0_2,
            SUM(CASE WHEN jb_f_3 = 1 AND (
              jb_f_1 = 1 OR jb_f_2 = 1
            ) THEN 1 ELSE 0 END) AS jb_x_1_2,
            SUM(
              CASE
                WHEN jb_f_3 = 1 AND (
                  jb_f_0 = 1 OR jb_f_1 = 1 OR jb_f_2 = 1
                )
                THEN 1
                ELSE 0
              END
            ) AS jb_x_0_1_2
          FROM (
            SELECT
              customer_id AS jb_key,
              ordered_at AS jb_at,
              channel AS jb_value,
              1 AS jb_f_0,
              1 AS jb_f_1,
              1 AS jb_f_2,
              1 AS jb_f_3
            FROM shop.orders
            WHERE
              ordered_at < CAST(N'2026-07-01 00:00:00' AS DATETIME2) AND NOT channel IS NULL
          ) AS r
          GROUP BY
            jb_key,
            jb_value,
            jb_at
        ) AS l1
      ) AS l2
    ) AS lx
  ) AS j
  WHERE
    (
      jb_next IS NULL OR jb_next > DATEADD(DAY, 3, jb_at)
    )
    AND (
      (
        jb_c_3 = 0
        AND (
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
            DATEADD(DAY, 7, jb_e_1) >= jb_at
            AND (
              jb_c_1 >= 1 AND jb_c_2 >= 1 AND jb_c_1_2 >= 2
            )
          )
          OR (
            DATEADD(DAY, 7, jb_e_2) >= jb_at AND jb_c_2 >= 1
          )
        )
      )
      OR (
        jb_c_3 = 1
        AND jb_x_2 = 1
        AND (
          (
            jb_c_0 - jb_x_0 >= 1 AND jb_c_1 - jb_x_1 >= 1 AND jb_c_0_1 - jb_x_0_1 >= 2
          )
          OR (
            DATEADD(DAY, 7, jb_e_1) >= jb_at AND jb_c_1 - jb_x_1 >= 1
          )
          OR (
            DATEADD(DAY, 7, jb_e_2) >= jb_at AND (1 = 1)
          )
        )
      )
    )
  GROUP BY
    jb_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_then_orders_then_orders_then_no_orders.hit AS orders_then_orders_then_orders_then_no_orders_hit
  FROM shop.customers AS c
  JOIN orders_then_orders_then_orders_then_no_orders
    ON orders_then_orders_then_orders_then_no_orders.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment journey_counts_per_value */
SELECT
  customer_id
FROM base
WHERE
  NOT orders_then_orders_then_orders_then_no_orders_hit IS NULL
