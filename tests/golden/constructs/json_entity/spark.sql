WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.prefs__plan AS prefs__plan,
    c.prefs__score__number AS prefs__score__number
  FROM (
    SELECT
      r.*,
      GET_JSON_OBJECT(r.prefs, '$[\'plan\']') AS prefs__plan,
      CASE
        WHEN GET_JSON_OBJECT(r.prefs, '$[\'score\']') RLIKE '^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$'
        THEN CAST(GET_JSON_OBJECT(r.prefs, '$[\'score\']') AS DOUBLE)
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
