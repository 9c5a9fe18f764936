WITH base AS (
  SELECT
    c.customer_id AS customer_id
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
), ranked AS (
  SELECT
    *,
    CASE WHEN 1 IS NULL THEN NULL ELSE 1 END AS rank_1_rank,
    COUNT(1) OVER () AS rank_1_n
  FROM base
)
/* segment rank_constant */
SELECT
  customer_id
FROM ranked
WHERE
  1 + CAST((
    CAST(5 AS BIGINT) * (
      rank_1_rank - 1
    ) - CAST(5 AS BIGINT) * (
      rank_1_rank - 1
    ) % NULLIF(rank_1_n, 0)
  ) AS FLOAT) / NULLIF(rank_1_n, 0) = 1
