WITH tracks_then_orders AS (
  SELECT
    jr_key AS seq_key,
    1 AS hit
  FROM (
    SELECT
      p.jr_key AS jr_key
    FROM (
      SELECT
        user_id AS jr_key,
        ts AS jr_time,
        properties__product_id AS jr_next
      FROM (
        SELECT
          r.*,
          CASE JSON_TYPE(r.properties, '$."product_id"')
            WHEN 'true'
            THEN 'true'
            WHEN 'false'
            THEN 'false'
            ELSE CAST(JSON_EXTRACT(r.properties, '$."product_id"') AS TEXT)
          END AS properties__product_id
        FROM web.tracks AS r
      ) AS tracks
      WHERE
        ts < '2026-07-01'
    ) AS p
    WHERE
      EXISTS(
        SELECT
          1
        FROM (
          SELECT
            customer_id AS jr_key,
            ordered_at AS jr_time,
            product_id__text AS jr_value
          FROM (
            SELECT
              r.*,
              CAST(r.product_id AS TEXT) AS product_id__text
            FROM shop.orders AS r
          ) AS orders
          WHERE
            NOT product_id__text IS NULL AND ordered_at < '2026-07-01'
        ) AS x
        WHERE
          x.jr_key = p.jr_key
          AND x.jr_value = p.jr_next
          AND x.jr_time >= p.jr_time
          AND x.jr_time <= DATETIME(SUBSTRING(p.jr_time, 1, 19), '+3 days') || SUBSTRING(p.jr_time, 20)
      )
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
    NOT c.customer_id IS NULL
)
/* segment json_matching */
SELECT
  customer_id
FROM base
WHERE
  NOT tracks_then_orders_hit IS NULL
