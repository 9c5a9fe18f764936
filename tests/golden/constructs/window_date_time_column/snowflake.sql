WITH tickets_features AS (
  SELECT
    customer_id,
    COUNT(*) AS tickets_count_last_7_day
  FROM support.tickets
  WHERE
    opened_on < CAST('2026-07-01' AS DATE)
    AND opened_on >= CAST('2026-06-24' AS DATE)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(tickets_features.tickets_count_last_7_day, 0) AS tickets_count_last_7_day
  FROM shop.customers AS c
  JOIN tickets_features
    ON tickets_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_date_time_column */
SELECT
  customer_id
FROM base
WHERE
  tickets_count_last_7_day > 0
