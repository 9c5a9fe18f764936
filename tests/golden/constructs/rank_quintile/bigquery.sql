WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count
  FROM shop.orders
  WHERE
    ordered_at < '2026-07-01'
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count, 0) AS orders_count
  FROM shop.customers AS c
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
), ranked AS (
  SELECT
    *,
    CASE
      WHEN orders_count IS NULL
      THEN NULL
      ELSE RANK() OVER (ORDER BY orders_count ASC NULLS LAST)
    END AS rank_1_rank,
    COUNT(orders_count) OVER () AS rank_1_n
  FROM base
)
/* segment rank_quintile */
SELECT
  customer_id
FROM ranked
WHERE
  1 + (
    5 * (
      rank_1_rank - 1
    ) - MOD(5 * (
      rank_1_rank - 1
    ), NULLIF(rank_1_n, 0))
  ) / NULLIF(rank_1_n, 0) = 5
