WITH orders_features AS (
  SELECT
    customer_id,
    MAX(ordered_at) AS orders_max_ordered_at
  FROM shop.orders
  WHERE
    ordered_at < UTC_TIMESTAMP()
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_features.orders_max_ordered_at AS orders_max_ordered_at
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment agg_days_since_last */
SELECT
  customer_id
FROM base
WHERE
  DATEDIFF(CURRENT_DATE, CAST(orders_max_ordered_at AS DATE)) > 60
