WITH tracks_features AS (
  SELECT
    user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      CASE
        WHEN REGEXP_INSTR(
          CASE CAST(JSON_EXTRACT(r.properties, '$."signup"') AS CHAR)
            WHEN 'true'
            THEN 'true'
            WHEN 'false'
            THEN 'false'
            ELSE JSON_VALUE(r.properties, '$."signup"')
          END,
          '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ].*)?$'
        ) > 0
        THEN CASE
          WHEN DATE_FORMAT(
            CAST(SUBSTRING(
              CASE CAST(JSON_EXTRACT(r.properties, '$."signup"') AS CHAR)
                WHEN 'true'
                THEN 'true'
                WHEN 'false'
                THEN 'false'
                ELSE JSON_VALUE(r.properties, '$."signup"')
              END,
              1,
              10
            ) AS DATE),
            '%Y-%m-%d'
          ) = SUBSTRING(
            CASE CAST(JSON_EXTRACT(r.properties, '$."signup"') AS CHAR)
              WHEN 'true'
              THEN 'true'
              WHEN 'false'
              THEN 'false'
              ELSE JSON_VALUE(r.properties, '$."signup"')
            END,
            1,
            10
          )
          THEN CAST(SUBSTRING(
            CASE CAST(JSON_EXTRACT(r.properties, '$."signup"') AS CHAR)
              WHEN 'true'
              THEN 'true'
              WHEN 'false'
              THEN 'false'
              ELSE JSON_VALUE(r.properties, '$."signup"')
            END,
            1,
            10
          ) AS DATE)
        END
      END AS properties__signup__date
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < CAST('2026-07-01 00:00:00' AS DATETIME)
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
