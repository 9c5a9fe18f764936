WITH orders_features AS (
  SELECT
    customer_id,
    PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY
      amount ASC) * 0.5 + PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY
      amount DESC NULLS LAST) * 0.5 AS orders_median_amount_last_365_day
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND ordered_at >= CAST('2025-07-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_features.orders_median_amount_last_365_day AS orders_median_amount_last_365_day
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment agg_median */
SELECT
  customer_id
FROM base
WHERE
  orders_median_amount_last_365_day > 40
