WITH orders_most_frequent_category_where AS (
  SELECT
    customer_id,
    stat_value
  FROM (
    SELECT
      customer_id,
      stat_value,
      ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY stat_hits DESC, stat_value) AS stat_place
    FROM (
      SELECT
        customer_id,
        category AS stat_value,
        COUNT(*) AS stat_hits
      FROM shop.orders
      WHERE
        (
          ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP) AND channel = 'web'
        )
        AND NOT category IS NULL
      GROUP BY
        customer_id,
        category
    ) AS g
  ) AS r
  WHERE
    stat_place = 1
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_most_frequent_category_where.stat_value AS orders_most_frequent_category_where_value
  FROM shop.customers AS c
  JOIN orders_most_frequent_category_where
    ON orders_most_frequent_category_where.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment agg_most_frequent */
SELECT
  customer_id
FROM base
WHERE
  orders_most_frequent_category_where_value = 'books'
