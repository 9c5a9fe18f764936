WITH tracks_features AS (
  SELECT
    user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      CASE
        WHEN match(
          CASE JSONType(r.properties, 'signup')
            WHEN 'String'
            THEN JSONExtractString(r.properties, 'signup')
            WHEN 'Null'
            THEN NULL
            ELSE JSONExtractRaw(r.properties, 'signup')
          END,
          '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ].*)?$'
        )
        THEN CASE
          WHEN toString(
            toDate32OrNull(
              SUBSTRING(
                CASE JSONType(r.properties, 'signup')
                  WHEN 'String'
                  THEN JSONExtractString(r.properties, 'signup')
                  WHEN 'Null'
                  THEN NULL
                  ELSE JSONExtractRaw(r.properties, 'signup')
                END,
                1,
                10
              )
            )
          ) = SUBSTRING(
            CASE JSONType(r.properties, 'signup')
              WHEN 'String'
              THEN JSONExtractString(r.properties, 'signup')
              WHEN 'Null'
              THEN NULL
              ELSE JSONExtractRaw(r.properties, 'signup')
            END,
            1,
            10
          )
          THEN toDate32OrNull(
            SUBSTRING(
              CASE JSONType(r.properties, 'signup')
                WHEN 'String'
                THEN JSONExtractString(r.properties, 'signup')
                WHEN 'Null'
                THEN NULL
                ELSE JSONExtractRaw(r.properties, 'signup')
              END,
              1,
              10
            )
          )
        END
      END AS properties__signup__date
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < now('UTC')
    AND (
      CAST(properties__signup__date AS Nullable(Date32)) >= DATE_ADD(DAY, -29, CURRENT_DATE())
      AND CAST(properties__signup__date AS Nullable(Date32)) < DATE_ADD(DAY, 1, CURRENT_DATE())
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
    NOT (
      c.customer_id IS NULL
    )
)
/* segment json_date_window */
SELECT
  customer_id
FROM base
WHERE
  tracks_count_where > 0
SETTINGS join_use_nulls = 1
