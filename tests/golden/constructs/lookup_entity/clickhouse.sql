WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.regions__name AS regions__name
  FROM (
    SELECT
      r.*,
      l1.name AS regions__name
    FROM shop.customers AS r
    LEFT JOIN shop.regions AS l1
      ON l1.region_id = r.region_id
  ) AS c
  WHERE
    NOT (
      c.customer_id IS NULL
    )
)
/* segment lookup_entity */
SELECT
  customer_id
FROM base
WHERE
  regions__name = 'north'
SETTINGS join_use_nulls = 1
