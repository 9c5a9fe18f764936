WITH tickets_then_tickets_then_no_tickets AS (
  SELECT
    jb_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      *,
      MIN(CASE WHEN jb_c_2 > 0 THEN jb_at END) OVER (
        PARTITION BY jb_key
        ORDER BY jb_at DESC
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS jb_next
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
          SUM(CASE WHEN jb_f_0 = 1 OR jb_f_1 = 1 OR jb_f_2 = 1 THEN 1 ELSE 0 END) AS jb_c_0_1_2,
          SUM(CASE WHEN jb_f_2 = 1 AND (
            jb_f_0 = 1
          ) THEN 1 ELSE 0 END) AS jb_x_0,
          SUM(CASE WHEN jb_f_2 = 1 AND (
            jb_f_1 = 1
          ) THEN 1 ELSE 0 END) AS jb_x_1,
          SUM(CASE WHEN jb_f_2 = 1 AND (
            jb_f_0 = 1 OR jb_f_1 = 1
          ) THEN 1 ELSE 0 END) AS jb_x_0_1
        FROM (
          SELECT
            customer_id AS jb_key,
            CAST(opened_on AS DATE) AS jb_at,
            1 AS jb_f_0,
            1 AS jb_f_1,
            1 AS jb_f_2
          FROM support.tickets
          WHERE
            opened_on < CAST('2026-07-01' AS DATE)
        ) AS r
        GROUP BY
          jb_key,
          jb_at
      ) AS l1
    ) AS lx
  ) AS j
  WHERE
    (
      jb_next IS NULL OR jb_next > DATE_ADD(jb_at, INTERVAL 2 DAY)
    )
    AND (
      (
        jb_c_2 = 0
        AND (
          (
            jb_c_0 >= 1 AND jb_c_1 >= 1 AND jb_c_0_1 >= 2
          )
          OR (
            DATE_ADD(jb_e_1, INTERVAL 1 DAY) >= jb_at AND jb_c_1 >= 1
          )
        )
      )
      OR (
        jb_c_2 = 1
        AND jb_x_1 = 1
        AND (
          jb_c_0 - jb_x_0 >= 1 OR (
            DATE_ADD(jb_e_1, INTERVAL 1 DAY) >= jb_at AND TRUE
          )
        )
      )
    )
  GROUP BY
    jb_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    tickets_then_tickets_then_no_tickets.hit AS tickets_then_tickets_then_no_tickets_hit
  FROM shop.customers AS c
  JOIN tickets_then_tickets_then_no_tickets
    ON tickets_then_tickets_then_no_tickets.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment journey_same_days */
SELECT
  customer_id
FROM base
WHERE
  NOT tickets_then_tickets_then_no_tickets_hit IS NULL
