WITH orders_features AS (
  SELECT
    customer_id,
    SUM(amount) AS orders_sum_amount
  FROM shop.orders
  WHERE
    ordered_at < '2026-07-01'
  GROUP BY
    customer_id
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_sum_amount, 0) AS orders_sum_amount
  FROM shop.customers AS c
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
), ranked AS (
  SELECT
    *,
    CASE
      WHEN orders_sum_amount IS NULL
      THEN NULL
      ELSE RANK() OVER (ORDER BY orders_sum_amount DESC)
    END AS rank_1_rank,
    COUNT(orders_sum_amount) OVER () AS rank_1_n
  FROM base
)
/* segment rank_top */
SELECT
  customer_id
FROM ranked
WHERE
  NOT rank_1_rank IS NULL AND (
    rank_1_rank - 1
  ) * 100 < 10 * rank_1_n
