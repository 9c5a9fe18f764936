WITH tracks_features AS (
  SELECT
    user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      CASE
        WHEN REGEXP_LIKE(
          GET_JSON_OBJECT(r.properties, '$[\'signup\']'),
          '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ].*)?$'
        )
        THEN TRY_TO_DATE(SUBSTRING(GET_JSON_OBJECT(r.properties, '$[\'signup\']'), 1, 10), 'yyyy-MM-dd')
      END AS properties__signup__date
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND (
      CAST(properties__signup__date AS DATE) >= CAST('2026-06-01' AS DATE)
      AND CAST(properties__signup__date AS DATE) < CAST('2026-07-01' AS DATE)
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
