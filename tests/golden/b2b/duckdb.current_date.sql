WITH invoices_features AS (
  SELECT
    account_id,
    COUNT(
      CASE
        WHEN issued_on >= CAST(CAST(CURRENT_DATE + INTERVAL (-2) MONTH AS DATE) + INTERVAL 1 DAY AS DATE)
        THEN 1
      END
    ) AS invoices_count_last_2_month,
    COUNT(*) AS invoices_count,
    COUNT(
      CASE
        WHEN issued_on >= CAST(CAST(CURRENT_DATE + INTERVAL (-3) MONTH AS DATE) + INTERVAL 1 DAY AS DATE)
        THEN 1
      END
    ) AS invoices_count_last_3_month,
    SUM(
      CASE
        WHEN issued_on >= CAST(CAST(CURRENT_DATE + INTERVAL (-12) MONTH AS DATE) + INTERVAL 1 DAY AS DATE)
        THEN amount
      END
    ) AS invoices_sum_amount_last_1_year
  FROM crm.invoices
  WHERE
    issued_on < CAST(CURRENT_DATE + INTERVAL 1 DAY AS DATE)
  GROUP BY
    account_id
), usage_features AS (
  SELECT
    account_id,
    COUNT(
      CASE
        WHEN used_at >= CAST(CAST(CURRENT_DATE + INTERVAL (-59) DAY AS DATE) AS TIMESTAMP)
        THEN 1
      END
    ) AS usage_count_last_60_day,
    COUNT(
      CASE
        WHEN used_at >= CAST(CAST(CURRENT_DATE + INTERVAL (-29) DAY AS DATE) AS TIMESTAMP)
        THEN 1
      END
    ) AS usage_count_last_30_day,
    COUNT(
      DISTINCT CASE
        WHEN used_at >= CAST(CAST(CURRENT_DATE + INTERVAL (-29) DAY AS DATE) AS TIMESTAMP)
        THEN feature
      END
    ) AS usage_count_distinct_feature_last_30_day
  FROM crm.usage
  WHERE
    used_at < CAST(CAST(CURRENT_DATE + INTERVAL 1 DAY AS DATE) AS TIMESTAMP)
    AND (
      used_at >= CAST(CAST(CURRENT_DATE + INTERVAL (-59) DAY AS DATE) AS TIMESTAMP)
      OR used_at >= CAST(CAST(CURRENT_DATE + INTERVAL (-29) DAY AS DATE) AS TIMESTAMP)
    )
  GROUP BY
    account_id
), base AS (
  SELECT
    c.account_id AS account_id,
    c.employees AS employees,
    c.industry AS industry,
    c.plan AS plan,
    COALESCE(invoices_features.invoices_count_last_2_month, 0) AS invoices_count_last_2_month,
    COALESCE(invoices_features.invoices_count, 0) AS invoices_count,
    COALESCE(invoices_features.invoices_count_last_3_month, 0) AS invoices_count_last_3_month,
    COALESCE(invoices_features.invoices_sum_amount_last_1_year, 0) AS invoices_sum_amount_last_1_year,
    COALESCE(usage_features.usage_count_last_60_day, 0) AS usage_count_last_60_day,
    COALESCE(usage_features.usage_count_last_30_day, 0) AS usage_count_last_30_day,
    COALESCE(usage_features.usage_count_distinct_feature_last_30_day, 0) AS usage_count_distinct_feature_last_30_day
  FROM crm.accounts AS c
  LEFT JOIN invoices_features
    ON invoices_features.account_id = c.account_id
  LEFT JOIN usage_features
    ON usage_features.account_id = c.account_id
  WHERE
    NOT c.account_id IS NULL
), thresholds AS (
  SELECT
    QUANTILE_DISC(invoices_sum_amount_last_1_year, 0.10
    ORDER BY
      invoices_sum_amount_last_1_year DESC) AS threshold_1
  FROM base
), ranked AS (
  SELECT
    *
  FROM base
  CROSS JOIN thresholds
)
/* all segments of accounts */
SELECT
  account_id,
  CASE WHEN employees >= 1000 THEN TRUE ELSE FALSE END AS enterprise,
  CASE WHEN employees BETWEEN 100 AND 999 THEN TRUE ELSE FALSE END AS mid_market,
  CASE WHEN employees < 100 THEN TRUE ELSE FALSE END AS smb,
  CASE WHEN industry IN ('software', 'finance') THEN TRUE ELSE FALSE END AS software_and_finance,
  CASE
    WHEN plan <> 'free' AND invoices_count_last_2_month > 0
    THEN TRUE
    ELSE FALSE
  END AS paying,
  CASE
    WHEN invoices_count > 0 AND invoices_count_last_3_month = 0
    THEN TRUE
    ELSE FALSE
  END AS churned,
  CASE WHEN usage_count_last_60_day = 0 THEN TRUE ELSE FALSE END AS inactive,
  CASE
    WHEN (
      (
        plan = 'team' AND (
          employees < 1000 OR employees IS NULL
        )
      )
      AND usage_count_last_30_day >= 20
    )
    AND usage_count_distinct_feature_last_30_day >= 3
    THEN TRUE
    ELSE FALSE
  END AS expansion_candidates,
  CASE WHEN invoices_sum_amount_last_1_year >= threshold_1 THEN TRUE ELSE FALSE END AS top_revenue,
  CASE
    WHEN employees >= 1000
    THEN 'enterprise'
    WHEN employees BETWEEN 100 AND 999
    THEN 'mid_market'
    WHEN employees < 100
    THEN 'smb'
    ELSE 'unknown'
  END AS size_band,
  CASE
    WHEN invoices_count > 0 AND invoices_count_last_3_month = 0
    THEN 'churned'
    WHEN (
      plan <> 'free' AND invoices_count_last_2_month > 0
    )
    AND usage_count_last_60_day = 0
    THEN 'at_risk'
    WHEN (
      (
        plan = 'team' AND (
          employees < 1000 OR employees IS NULL
        )
      )
      AND usage_count_last_30_day >= 20
    )
    AND usage_count_distinct_feature_last_30_day >= 3
    THEN 'growing'
    WHEN plan <> 'free' AND invoices_count_last_2_month > 0
    THEN 'healthy'
    ELSE 'free'
  END AS account_health
FROM ranked
