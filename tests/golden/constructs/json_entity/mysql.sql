WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.prefs__plan AS prefs__plan,
    c.prefs__score__number AS prefs__score__number
  FROM (
    SELECT
      r.*,
      CASE CAST(JSON_EXTRACT(r.prefs, '$."plan"') AS CHAR)
        WHEN 'true'
        THEN 'true'
        WHEN 'false'
        THEN 'false'
        ELSE JSON_VALUE(r.prefs, '$."plan"')
      END AS prefs__plan,
      CASE
        WHEN REGEXP_INSTR(
          CASE CAST(JSON_EXTRACT(r.prefs, '$."score"') AS CHAR)
            WHEN 'true'
            THEN 'true'
            WHEN 'false'
            THEN 'false'
            ELSE JSON_VALUE(r.prefs, '$."score"')
          END,
          '^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$'
        ) > 0
        THEN CAST(CASE CAST(JSON_EXTRACT(r.prefs, '$."score"') AS CHAR)
          WHEN 'true'
          THEN 'true'
          WHEN 'false'
          THEN 'false'
          ELSE JSON_VALUE(r.prefs, '$."score"')
        END AS DOUBLE)
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
  prefs__plan = CAST('pro' AS BINARY) AND prefs__score__number >= 5
