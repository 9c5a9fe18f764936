WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.prefs__plan AS prefs__plan,
    c.prefs__score__number AS prefs__score__number
  FROM (
    SELECT
      r.*,
      NULLIF(JSON_EXTRACT_PATH_TEXT(r.prefs, 'plan', TRUE), '') AS prefs__plan,
      CASE
        WHEN NULLIF(JSON_EXTRACT_PATH_TEXT(r.prefs, 'score', TRUE), '') ~ '^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$'
        THEN CAST(NULLIF(JSON_EXTRACT_PATH_TEXT(r.prefs, 'score', TRUE), '') AS DOUBLE PRECISION)
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
