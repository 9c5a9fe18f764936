WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.prefs__plan AS prefs__plan,
    c.prefs__score__number AS prefs__score__number
  FROM (
    SELECT
      r.*,
      CASE JSONType(r.prefs, 'plan')
        WHEN 'String'
        THEN JSONExtractString(r.prefs, 'plan')
        WHEN 'Null'
        THEN NULL
        ELSE JSONExtractRaw(r.prefs, 'plan')
      END AS prefs__plan,
      CASE
        WHEN match(
          CASE JSONType(r.prefs, 'score')
            WHEN 'String'
            THEN JSONExtractString(r.prefs, 'score')
            WHEN 'Null'
            THEN NULL
            ELSE JSONExtractRaw(r.prefs, 'score')
          END,
          '^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$'
        )
        THEN CAST(CASE JSONType(r.prefs, 'score')
          WHEN 'String'
          THEN JSONExtractString(r.prefs, 'score')
          WHEN 'Null'
          THEN NULL
          ELSE JSONExtractRaw(r.prefs, 'score')
        END AS Nullable(Float64))
      END AS prefs__score__number
    FROM shop.customers AS r
  ) AS c
  WHERE
    NOT (
      c.customer_id IS NULL
    )
)
/* segment json_entity */
SELECT
  customer_id
FROM base
WHERE
  prefs__plan = 'pro' AND prefs__score__number >= 5
SETTINGS join_use_nulls = 1
