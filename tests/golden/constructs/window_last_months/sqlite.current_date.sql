WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count_last_3_month
  FROM shop.orders
  WHERE
    ordered_at < DATETIME('now')
    AND ordered_at >= DATE(
      MIN(
        DATE(
          CURRENT_DATE,
          'start of month',
          '-3 months',
          '+' || (
            CAST(STRFTIME('%d', CURRENT_DATE) AS INTEGER) - 1
          ) || ' days'
        ),
        DATE(CURRENT_DATE, 'start of month', '-2 months', '-1 days')
      ),
      '1 DAY'
    )
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_last_3_month, 0) AS orders_count_last_3_month
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment window_last_months */
SELECT
  customer_id
FROM base
WHERE
  orders_count_last_3_month > 0
