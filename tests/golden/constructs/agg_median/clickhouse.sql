WITH orders_median_amount_last_365_day AS (
  SELECT
    customer_id,
    MIN(stat_value) * CAST('0.5' AS Nullable(Decimal(38, 1))) + MAX(stat_value) * CAST('0.5' AS Nullable(Decimal(38, 1))) AS stat_value
  FROM (
    SELECT
      customer_id,
      amount AS stat_value,
      ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY amount) AS stat_place,
      COUNT(*) OVER (PARTITION BY customer_id) AS stat_known
    FROM shop.orders
    WHERE
      (
        ordered_at < CAST('2026-07-01 00:00:00' AS Nullable(DateTime))
        AND ordered_at >= CAST('2025-07-01 00:00:00' AS Nullable(DateTime))
      )
      AND NOT (
        amount IS NULL
      )
  ) AS r
  WHERE
    stat_place * 2 BETWEEN stat_known AND stat_known + 2
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_median_amount_last_365_day.stat_value AS orders_median_amount_last_365_day_value
  FROM shop.customers AS c
  JOIN orders_median_amount_last_365_day
    ON orders_median_amount_last_365_day.customer_id = c.customer_id
  WHERE
    NOT (
      c.customer_id IS NULL
    )
)
/* segment agg_median */
SELECT
  customer_id
FROM base
WHERE
  orders_median_amount_last_365_day_value > 40
SETTINGS join_use_nulls = 1
