WITH tracks_features AS (
  SELECT
    user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      CAST(GET_PATH(r.properties, '"utm"."source"') AS VARCHAR) AS properties__utm__source
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND properties__utm__source = 'google'
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
/* segment json_text_filter */
SELECT
  customer_id
FROM base
WHERE
  tracks_count_where > 0
