WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.prefs__plan AS prefs__plan,
    c.prefs__score__number AS prefs__score__number
  FROM (
    SELECT
      r.*,
      CASE JSON_TYPE(r.prefs, '$."plan"')
        WHEN 'true'
        THEN 'true'
        WHEN 'false'
        THEN 'false'
        ELSE CAST(JSON_EXTRACT(r.prefs, '$."plan"') AS TEXT)
      END AS prefs__plan,
      CASE
        WHEN CASE
          WHEN NOT CASE JSON_TYPE(r.prefs, '$."score"')
            WHEN 'true'
            THEN 'true'
            WHEN 'false'
            THEN 'false'
            ELSE CAST(JSON_EXTRACT(r.prefs, '$."score"') AS TEXT)
          END GLOB '*[^0-9eE.+-]*'
          AND JSON_VALID(
            CASE JSON_TYPE(r.prefs, '$."score"')
              WHEN 'true'
              THEN 'true'
              WHEN 'false'
              THEN 'false'
              ELSE CAST(JSON_EXTRACT(r.prefs, '$."score"') AS TEXT)
            END
          ) = 1
          THEN JSON_TYPE(
            CASE JSON_TYPE(r.prefs, '$."score"')
              WHEN 'true'
              THEN 'true'
              WHEN 'false'
              THEN 'false'
              ELSE CAST(JSON_EXTRACT(r.prefs, '$."score"') AS TEXT)
            END
          )
        END IN ('integer', 'real')
        THEN CAST(CASE JSON_TYPE(r.prefs, '$."score"')
          WHEN 'true'
          THEN 'true'
          WHEN 'false'
          THEN 'false'
          ELSE CAST(JSON_EXTRACT(r.prefs, '$."score"') AS TEXT)
        END AS REAL)
      END AS prefs__score__number
    FROM shop.customers AS r
  ) AS c
  WHERE
    NOT c.customer_id IS NULL
)
/* segment json_entity */
SELECT
  customer_id
FROM base
WHERE
  prefs__plan = 'pro' AND prefs__score__number >= 5
