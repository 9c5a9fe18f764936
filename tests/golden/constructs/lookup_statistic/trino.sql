WITH orders_most_frequent_products__category AS (
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
        products__category AS stat_value,
        COUNT(*) AS stat_hits
      FROM (
        SELECT
          r.*,
          l1.category AS products__category
        FROM shop.orders AS r
        LEFT JOIN shop.products AS l1
          ON l1.product_id = r.product_id
      ) AS orders
      WHERE
        ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
        AND NOT products__category IS NULL
      GROUP BY
        customer_id,
        products__category
    ) AS g
  ) AS r
  WHERE
    stat_place = 1
), base AS (
  SELECT
    c.customer_id AS customer_id,
    orders_most_frequent_products__category.stat_value AS orders_most_frequent_products__category_value
  FROM shop.customers AS c
  JOIN orders_most_frequent_products__category
    ON orders_most_frequent_products__category.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment lookup_statistic */
SELECT
  customer_id
FROM base
WHERE
  orders_most_frequent_products__category_value = 'books'
