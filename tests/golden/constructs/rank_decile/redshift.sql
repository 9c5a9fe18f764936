WITH base AS (
  SELECT
    c.customer_id AS customer_id,
    c.age AS age
  FROM shop.customers AS c
  WHERE
    NOT c.customer_id IS NULL
), ranked AS (
  SELECT
    *,
    CASE WHEN age IS NULL THEN NULL ELSE RANK() OVER (ORDER BY age ASC) END AS rank_1_rank,
    COUNT(age) OVER () AS rank_1_n
  FROM base
)
/* segment rank_decile */
SELECT
  customer_id
FROM ranked
WHERE
  1 + CAST((
    CAST(10 AS BIGINT) * (
      rank_1_rank - 1
    ) - CAST(10 AS BIGINT) * (
      rank_1_rank - 1
    ) % NULLIF(rank_1_n, 0)
  ) AS DOUBLE PRECISION) / NULLIF(rank_1_n, 0) >= 9
