WITH tracks_then_orders_pass1 AS (
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
        PARTITION BY jr_key, CASE WHEN jr_value IS NULL THEN NULL ELSE toString(jr_value) END
        ORDER BY jr_at, jr_reached DESC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS jr_latest
    FROM (
      SELECT
        jr_key,
        jr_time AS jr_own_time,
        jr_time AS jr_at,
        jr_value,
        0 AS jr_reached
      FROM (
        SELECT
          customer_id AS jr_key,
          ordered_at AS jr_time,
          product_id__text AS jr_value
        FROM (
          SELECT
            r.*,
            CAST(r.product_id AS Nullable(String)) AS product_id__text
          FROM shop.orders AS r
        ) AS orders
        WHERE
          NOT (
            product_id__text IS NULL
          )
          AND ordered_at < CAST('2026-07-01 00:00:00' AS Nullable(DateTime))
      ) AS s
      UNION ALL
      SELECT
        jr_key,
        NULL AS jr_own_time,
        jr_time AS jr_at,
        jr_next AS jr_value,
        1 AS jr_reached
      FROM (
        SELECT
          user_id AS jr_key,
          ts AS jr_time,
          properties__product_id AS jr_next
        FROM (
          SELECT
            r.*,
            CASE JSONType(r.properties, 'product_id')
              WHEN 'String'
              THEN JSONExtractString(r.properties, 'product_id')
              WHEN 'Null'
              THEN NULL
              ELSE JSONExtractRaw(r.properties, 'product_id')
            END AS properties__product_id
          FROM web.tracks AS r
        ) AS tracks
        WHERE
          ts < CAST('2026-07-01 00:00:00' AS Nullable(DateTime))
      ) AS p
    ) AS b
  ) AS t
  WHERE
    jr_reached = 0 AND (
      DATE_ADD(DAY, 3, jr_latest) >= jr_at
    )
), tracks_then_orders AS (
  SELECT
    jr_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      *
    FROM tracks_then_orders_pass1
  ) AS j
  GROUP BY
    jr_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    tracks_then_orders.hit AS tracks_then_orders_hit
  FROM shop.customers AS c
  JOIN tracks_then_orders
    ON tracks_then_orders.seq_key = c.customer_id
  WHERE
    NOT (
      c.customer_id IS NULL
    )
)
/* segment json_matching */
SELECT
  customer_id
FROM base
WHERE
  NOT (
    tracks_then_orders_hit IS NULL
  )
SETTINGS join_use_nulls = 1
