WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.prefs__plan AS prefs__plan,
    c.prefs__score__number AS prefs__score__number
  FROM (
    SELECT
      r.*,
      JSON_VALUE(r.prefs, N'$."plan"') COLLATE Latin1_General_BIN2 AS prefs__plan,
      CASE
        WHEN NOT JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 LIKE N'%[^0-9eE.+-]%'
        AND JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 LIKE N'[0-9-]%'
        AND JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 LIKE N'%[0-9]'
        AND NOT JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 LIKE N'0[0-9]%'
        AND NOT JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 LIKE N'-0[0-9]%'
        AND NOT JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 LIKE N'%.[^0-9]%'
        AND NOT JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 LIKE N'%[^0-9].%'
        AND NOT JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 LIKE N'%[0-9]+%'
        AND NOT TRY_CAST(JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 AS FLOAT) IS NULL
        THEN CAST(JSON_VALUE(r.prefs, N'$."score"') COLLATE Latin1_General_BIN2 AS FLOAT)
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
  prefs__plan = N'pro' COLLATE Latin1_General_BIN2 AND prefs__score__number >= 5
