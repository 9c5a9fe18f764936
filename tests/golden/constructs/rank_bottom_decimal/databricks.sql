WITH orders_features AS (
  SELECT
    customer_id,
    SUM(amount) AS orders_sum_amount
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
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
      ELSE RANK() OVER (ORDER BY orders_sum_amount ASC NULLS LAST)
    END AS rank_1_rank,
    COUNT(orders_sum_amount) OVER () AS rank_1_n
  FROM base
)
/* segment rank_bottom_decimal */
SELECT
  customer_id
FROM ranked
WHERE
  NOT rank_1_rank IS NULL
  AND (
    rank_1_rank - 1
  ) * CAST(1000 AS BIGINT) < CAST(333 AS BIGINT) * rank_1_n
