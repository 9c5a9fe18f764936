WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.prefs__plan AS prefs__plan,
    c.prefs__score__number AS prefs__score__number
  FROM (
    SELECT
      r.*,
      JSON_EXTRACT_STRING(r.prefs, '$."plan"') AS prefs__plan,
      [
        CASE
          WHEN REGEXP_FULL_MATCH(segdsl_text, '^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$')
          THEN CAST(segdsl_text AS DOUBLE)
        END FOR segdsl_text IN [JSON_EXTRACT_STRING(r.prefs, '$."score"')]
      ][1] AS prefs__score__number
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
