WITH tracks_features AS (
  SELECT
    user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      JSON_EXTRACT_STRING(r.properties, '$."ü"') AS properties__key_c03410,
      JSON_EXTRACT_STRING(r.properties, '$."utm source"."a.b"') AS properties__utm_source_613414__a_b_e32b62
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND (
      properties__utm_source_613414__a_b_e32b62 = 'x' AND properties__key_c03410 = 'ja'
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
/* segment json_backticked_keys */
SELECT
  customer_id
FROM base
WHERE
  tracks_count_where > 0
