WITH tracks_features AS (
  SELECT
    user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      [
        CASE
          WHEN REGEXP_FULL_MATCH(segdsl_text, '^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$')
          THEN CAST(segdsl_text AS DOUBLE)
        END FOR segdsl_text IN [JSON_EXTRACT_STRING(r.properties, '$."price"')]
      ][1] AS properties__price__number,
      JSON_EXTRACT_STRING(r.properties, '$."utm"."source"') AS properties__utm__source
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND (
      properties__utm__source = 'google' AND properties__price__number > 20
    )
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
/* segment json_two_paths */
SELECT
  customer_id
FROM base
WHERE
  tracks_count_where > 0
