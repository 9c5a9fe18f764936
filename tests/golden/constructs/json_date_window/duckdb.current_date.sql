WITH tracks_features AS (
  SELECT
    user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      CASE
        WHEN REGEXP_FULL_MATCH(
          JSON_EXTRACT_STRING(r.properties, '$."signup"'),
          '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ].*)?$'
        )
        THEN TRY_CAST(SUBSTRING(JSON_EXTRACT_STRING(r.properties, '$."signup"'), 1, 10) AS DATE)
      END AS properties__signup__date
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP)
    AND (
      CAST(properties__signup__date AS DATE) >= CAST(CURRENT_DATE + INTERVAL (-29) DAY AS DATE)
      AND CAST(properties__signup__date AS DATE) < CAST(CURRENT_DATE + INTERVAL 1 DAY AS DATE)
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
/* segment json_date_window */
SELECT
  customer_id
FROM base
WHERE
  tracks_count_where > 0
