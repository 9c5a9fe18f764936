WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(CASE WHEN products__category = 'books' THEN 1 END) AS orders_count_where,
    COUNT(CASE WHEN products__price > 20 THEN 1 END) AS orders_count_where_2
  FROM (
    SELECT
      r.*,
      l1.category AS products__category,
      l1.price AS products__price
    FROM shop.orders AS r
    INNER JOIN shop.products AS l1
      ON l1.product_id = r.product_id
  ) AS orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND (
      products__category = 'books' OR products__price > 20
    )
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_where, 0) AS orders_count_where,
    COALESCE(orders_features.orders_count_where_2, 0) AS orders_count_where_2
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment lookup_filter */
SELECT
  customer_id
FROM base
WHERE
  orders_count_where > 0 AND orders_count_where_2 > 2
