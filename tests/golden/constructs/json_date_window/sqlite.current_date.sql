WITH tracks_features AS (
  SELECT
    user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      CASE
        WHEN CASE JSON_TYPE(r.properties, '$."signup"')
          WHEN 'true'
          THEN 'true'
          WHEN 'false'
          THEN 'false'
          ELSE CAST(JSON_EXTRACT(r.properties, '$."signup"') AS TEXT)
        END GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
        AND SUBSTRING(
          CASE JSON_TYPE(r.properties, '$."signup"')
            WHEN 'true'
            THEN 'true'
            WHEN 'false'
            THEN 'false'
            ELSE CAST(JSON_EXTRACT(r.properties, '$."signup"') AS TEXT)
          END,
          11,
          1
        ) IN ('', 'T', ' ')
        THEN CASE
          WHEN DATE(
            SUBSTRING(
              CASE JSON_TYPE(r.properties, '$."signup"')
                WHEN 'true'
                THEN 'true'
                WHEN 'false'
                THEN 'false'
                ELSE CAST(JSON_EXTRACT(r.properties, '$."signup"') AS TEXT)
              END,
              1,
              10
            ),
            '+0 days'
          ) = SUBSTRING(
            CASE JSON_TYPE(r.properties, '$."signup"')
              WHEN 'true'
              THEN 'true'
              WHEN 'false'
              THEN 'false'
              ELSE CAST(JSON_EXTRACT(r.properties, '$."signup"') AS TEXT)
            END,
            1,
            10
          )
          THEN SUBSTRING(
            CASE JSON_TYPE(r.properties, '$."signup"')
              WHEN 'true'
              THEN 'true'
              WHEN 'false'
              THEN 'false'
              ELSE CAST(JSON_EXTRACT(r.properties, '$."signup"') AS TEXT)
            END,
            1,
            10
          )
        END
      END AS properties__signup__date
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < DATETIME('now')
    AND (
      DATE(properties__signup__date) >= DATE(CURRENT_DATE, '-29 DAY')
      AND DATE(properties__signup__date) < DATE(CURRENT_DATE, '1 DAY')
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
