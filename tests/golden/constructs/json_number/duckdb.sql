WITH tracks_features AS (
  SELECT
    user_id,
    SUM(properties__price__number) AS tracks_sum_properties__price__number,
    COUNT(CASE WHEN properties__price__number >= 20 THEN 1 END) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      [
        CASE
          WHEN REGEXP_FULL_MATCH(segdsl_text, '^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$')
          THEN CAST(segdsl_text AS DOUBLE)
        END FOR segdsl_text IN [JSON_EXTRACT_STRING(r.properties, '$."price"')]
      ][1] AS properties__price__number
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    user_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(tracks_features.tracks_sum_properties__price__number, 0) AS tracks_sum_properties__price__number,
    COALESCE(tracks_features.tracks_count_where, 0) AS tracks_count_where
  FROM shop.customers AS c
  JOIN tracks_features
    ON tracks_features.user_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment json_number */
SELECT
  customer_id
FROM base
WHERE
  tracks_sum_properties__price__number > 100 AND tracks_count_where >= 2
