WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(DISTINCT products__brands__name, CAST(products__brands__name AS BINARY)) AS orders_count_distinct_products__brands__name
  FROM (
    SELECT
      r.*,
      l2.name AS products__brands__name
    FROM shop.orders AS r
    LEFT JOIN shop.products AS l1
      ON l1.product_id = r.product_id
      AND CAST(l1.product_id AS BINARY) = CAST(r.product_id AS BINARY)
    LEFT JOIN shop.brands AS l2
      ON l2.brand_id = l1.brand_id
      AND CAST(l2.brand_id AS BINARY) = CAST(l1.brand_id AS BINARY)
  ) AS orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS DATETIME)
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count_distinct_products__brands__name, 0) AS orders_count_distinct_products__brands__name
  FROM shop.customers AS c
  JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* segment lookup_chain */
SELECT
  customer_id
FROM base
WHERE
  orders_count_distinct_products__brands__name >= 2
