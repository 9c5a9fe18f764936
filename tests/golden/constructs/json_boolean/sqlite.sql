WITH tracks_features AS (
  SELECT
    user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      CASE CASE JSON_TYPE(r.properties, '$."gift"')
          WHEN 'true'
          THEN 'true'
          WHEN 'false'
          THEN 'false'
          ELSE CAST(JSON_EXTRACT(r.properties, '$."gift"') AS TEXT)
        END
        WHEN 'true'
        THEN 1
        WHEN 'false'
        THEN 0
      END AS properties__gift__boolean
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < '2026-07-01' AND properties__gift__boolean = 1
  GROUP BY
    user_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(tracks_features.tracks_count_where, 0) AS tracks_count_where
  FROM shop.customers AS c
  JOIN tracks_features
    ON tracks_features.user_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment json_boolean */
SELECT
  customer_id
FROM base
WHERE
  tracks_count_where > 0
