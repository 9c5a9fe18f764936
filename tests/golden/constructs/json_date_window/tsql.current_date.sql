WITH tracks_features AS (
  SELECT
    user_id AS user_id,
    COUNT(*) AS tracks_count_where
  FROM (
    SELECT
      r.*,
      CASE
        WHEN JSON_VALUE(r.properties, N'$."signup"') COLLATE Latin1_General_BIN2 LIKE N'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]%'
        AND SUBSTRING(JSON_VALUE(r.properties, N'$."signup"') COLLATE Latin1_General_BIN2, 11, 1) IN (N'', N'T', N' ')
        THEN TRY_CAST(SUBSTRING(JSON_VALUE(r.properties, N'$."signup"') COLLATE Latin1_General_BIN2, 1, 10) AS DATE)
      END AS properties__signup__date
    FROM web.tracks AS r
  ) AS tracks
  WHERE
    ts < SYSUTCDATETIME()
    AND (
      CAST(properties__signup__date AS DATE) >= DATEADD(DAY, -29, CAST(GETDATE() AS DATE))
      AND CAST(properties__signup__date AS DATE) < DATEADD(DAY, 1, CAST(GETDATE() AS DATE))
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
