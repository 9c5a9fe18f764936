WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(CASE WHEN ordered_at >= '2025-07-01' THEN 1 END) AS orders_count_last_1_year,
    COUNT(CASE WHEN ordered_at >= '2026-06-01' THEN 1 END) AS orders_count_last_30_day,
    COUNT(*) AS orders_count,
    COUNT(CASE WHEN ordered_at >= '2026-04-02' THEN 1 END) AS orders_count_last_90_day,
    SUM(amount) AS orders_sum_amount,
    AVG(amount) AS orders_avg_amount,
    COUNT(CASE WHEN ordered_at >= '2026-01-01' AND ordered_at < '2026-04-01' THEN 1 END) AS orders_count_180_91_day_ago,
    COUNT(CASE WHEN ordered_at >= '2025-10-03' AND ordered_at < '2026-01-01' THEN 1 END) AS orders_count_270_181_day_ago,
    COUNT(CASE WHEN ordered_at >= '2024-07-01' THEN 1 END) AS orders_count_last_2_year,
    COUNT(CASE WHEN channel = 'app' AND amount < 40 THEN 1 END) AS orders_count_where,
    COUNT(DISTINCT category) AS orders_count_distinct_category,
    COUNT(CASE WHEN discount >= 0.25 THEN 1 END) AS orders_count_where_2,
    MAX(ordered_at) AS orders_max_ordered_at,
    COUNT(CASE WHEN ordered_at >= '2026-05-02' THEN 1 END) AS orders_count_last_60_day,
    MIN(ordered_at) AS orders_min_ordered_at,
    COUNT(CASE WHEN ordered_at < '2026-04-02' THEN 1 END) AS orders_count_before_90_day,
    COUNT(CASE WHEN ordered_at >= '2026-04-02' AND ordered_at < '2026-06-01' THEN 1 END) AS orders_count_89_30_day_ago,
    COUNT(CASE WHEN category = 'pet' AND ordered_at >= '2026-01-02' THEN 1 END) AS orders_count_last_180_day_where,
    COUNT(CASE WHEN category = 'flowers' AND ordered_at >= '2025-07-01' THEN 1 END) AS orders_count_last_365_day_where,
    COUNT(CASE WHEN ordered_at >= '2026-01-02' THEN 1 END) AS orders_count_last_180_day,
    SUM(CASE WHEN category = 'electronics' THEN amount END) AS orders_sum_amount_where
  FROM shop.orders
  WHERE
    ordered_at < '2026-07-01'
  GROUP BY
    customer_id
), page_views_features AS (
  SELECT
    visitor_id,
    COUNT(CASE WHEN viewed_at >= '2026-06-01' THEN 1 END) AS visits_count_last_30_day,
    COUNT(CASE WHEN viewed_at >= '2025-07-01' THEN 1 END) AS visits_count_last_1_year
  FROM web.page_views
  WHERE
    viewed_at < '2026-07-01'
    AND (
      viewed_at >= '2026-06-01' OR viewed_at >= '2025-07-01'
    )
  GROUP BY
    visitor_id
), events_features AS (
  SELECT
    user_id,
    COUNT(*) AS logins_count_last_30_day
  FROM web.events
  WHERE
    (
      ts < '2026-07-01' AND event = 'login'
    ) AND ts >= '2026-06-01'
  GROUP BY
    user_id
), visits_then_no_orders AS (
  SELECT
    seq_key,
    1 AS hit
  FROM (
    SELECT
      seq_key,
      seq_time,
      seq_a,
      MIN(CASE WHEN seq_b = 1 THEN seq_time END) OVER (
        PARTITION BY seq_key
        ORDER BY seq_time DESC, seq_b DESC, seq_a
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS seq_next
    FROM (
      SELECT
        visitor_id AS seq_key,
        viewed_at AS seq_time,
        1 AS seq_a,
        0 AS seq_b
      FROM web.page_views
      WHERE
        viewed_at < '2026-07-01' AND viewed_at >= '2026-06-01'
      UNION ALL
      SELECT
        customer_id AS seq_key,
        ordered_at AS seq_time,
        0 AS seq_a,
        1 AS seq_b
      FROM shop.orders
      WHERE
        ordered_at < '2026-07-01' AND ordered_at >= '2026-06-01'
    ) AS r
  ) AS s
  WHERE
    seq_a = 1
    AND (
      seq_next IS NULL
      OR seq_next > DATETIME(SUBSTRING(seq_time, 1, 19), '+3 days') || SUBSTRING(seq_time, 20)
    )
  GROUP BY
    seq_key
), orders_then_tickets AS (
  SELECT
    seq_key,
    1 AS hit
  FROM (
    SELECT
      seq_key,
      seq_time,
      seq_a,
      MIN(CASE WHEN seq_b = 1 THEN seq_time END) OVER (
        PARTITION BY seq_key
        ORDER BY seq_time DESC, seq_b DESC, seq_a
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS seq_next
    FROM (
      SELECT
        customer_id AS seq_key,
        DATE(ordered_at) AS seq_time,
        1 AS seq_a,
        0 AS seq_b
      FROM shop.orders
      WHERE
        ordered_at < '2026-07-01'
      UNION ALL
      SELECT
        customer_id AS seq_key,
        DATE(opened_on) AS seq_time,
        0 AS seq_a,
        1 AS seq_b
      FROM support.tickets
      WHERE
        opened_on < '2026-07-01'
    ) AS r
  ) AS s
  WHERE
    seq_a = 1 AND seq_next <= DATE(seq_time, '7 DAY')
  GROUP BY
    seq_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    c.age AS age,
    c.gender AS gender,
    c.income_band AS income_band,
    c.country AS country,
    c.city AS city,
    c.signup_date AS signup_date,
    COALESCE(orders_features.orders_count_last_1_year, 0) AS orders_count_last_1_year,
    COALESCE(orders_features.orders_count_last_30_day, 0) AS orders_count_last_30_day,
    COALESCE(orders_features.orders_count, 0) AS orders_count,
    COALESCE(orders_features.orders_count_last_90_day, 0) AS orders_count_last_90_day,
    COALESCE(orders_features.orders_sum_amount, 0) AS orders_sum_amount,
    orders_features.orders_avg_amount AS orders_avg_amount,
    COALESCE(orders_features.orders_count_180_91_day_ago, 0) AS orders_count_180_91_day_ago,
    COALESCE(orders_features.orders_count_270_181_day_ago, 0) AS orders_count_270_181_day_ago,
    COALESCE(orders_features.orders_count_last_2_year, 0) AS orders_count_last_2_year,
    COALESCE(orders_features.orders_count_where, 0) AS orders_count_where,
    COALESCE(orders_features.orders_count_distinct_category, 0) AS orders_count_distinct_category,
    COALESCE(orders_features.orders_count_where_2, 0) AS orders_count_where_2,
    orders_features.orders_max_ordered_at AS orders_max_ordered_at,
    COALESCE(orders_features.orders_count_last_60_day, 0) AS orders_count_last_60_day,
    orders_features.orders_min_ordered_at AS orders_min_ordered_at,
    COALESCE(orders_features.orders_count_before_90_day, 0) AS orders_count_before_90_day,
    COALESCE(orders_features.orders_count_89_30_day_ago, 0) AS orders_count_89_30_day_ago,
    COALESCE(orders_features.orders_count_last_180_day_where, 0) AS orders_count_last_180_day_where,
    COALESCE(orders_features.orders_count_last_365_day_where, 0) AS orders_count_last_365_day_where,
    COALESCE(orders_features.orders_count_last_180_day, 0) AS orders_count_last_180_day,
    COALESCE(orders_features.orders_sum_amount_where, 0) AS orders_sum_amount_where,
    COALESCE(page_views_features.visits_count_last_30_day, 0) AS visits_count_last_30_day,
    COALESCE(page_views_features.visits_count_last_1_year, 0) AS visits_count_last_1_year,
    COALESCE(events_features.logins_count_last_30_day, 0) AS logins_count_last_30_day,
    visits_then_no_orders.hit AS visits_then_no_orders_hit,
    orders_then_tickets.hit AS orders_then_tickets_hit
  FROM shop.customers AS c
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  LEFT JOIN page_views_features
    ON page_views_features.visitor_id = c.customer_id
  LEFT JOIN events_features
    ON events_features.user_id = c.customer_id
  LEFT JOIN visits_then_no_orders
    ON visits_then_no_orders.seq_key = c.customer_id
  LEFT JOIN orders_then_tickets
    ON orders_then_tickets.seq_key = c.customer_id
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
    COUNT(orders_sum_amount) OVER () AS rank_1_n,
    CASE
      WHEN -CAST((JULIANDAY('2026-06-30') - JULIANDAY(DATE(orders_max_ordered_at))) AS INTEGER) IS NULL
      THEN NULL
      ELSE RANK() OVER (
        ORDER BY -CAST((JULIANDAY('2026-06-30') - JULIANDAY(DATE(orders_max_ordered_at))) AS INTEGER) ASC NULLS LAST
      )
    END AS rank_2_rank,
    COUNT(
      -CAST((JULIANDAY('2026-06-30') - JULIANDAY(DATE(orders_max_ordered_at))) AS INTEGER)
    ) OVER () AS rank_2_n,
    CASE
      WHEN orders_count IS NULL
      THEN NULL
      ELSE RANK() OVER (ORDER BY orders_count ASC NULLS LAST)
    END AS rank_3_rank,
    COUNT(orders_count) OVER () AS rank_3_n,
    CASE
      WHEN orders_sum_amount IS NULL
      THEN NULL
      ELSE RANK() OVER (ORDER BY orders_sum_amount ASC NULLS LAST)
    END AS rank_4_rank,
    COUNT(orders_sum_amount) OVER () AS rank_4_n
  FROM base
)
/* all segments of customers */
SELECT
  customer_id,
  CASE WHEN age BETWEEN 18 AND 29 THEN TRUE ELSE FALSE END AS young_adults,
  CASE WHEN gender = 'F' AND age BETWEEN 35 AND 54 THEN TRUE ELSE FALSE END AS women_35_54,
  CASE WHEN income_band = 'high' THEN TRUE ELSE FALSE END AS high_income,
  CASE WHEN age IS NULL OR gender IS NULL THEN TRUE ELSE FALSE END AS unknown_demographics,
  CASE WHEN country IN ('US', 'CA') THEN TRUE ELSE FALSE END AS north_america,
  CASE
    WHEN country IN ('GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE')
    THEN TRUE
    ELSE FALSE
  END AS europe,
  CASE
    WHEN city IN ('New York', 'London', 'Paris', 'Berlin', 'Toronto', 'Sydney')
    THEN TRUE
    ELSE FALSE
  END AS big_cities,
  CASE WHEN orders_count_last_1_year >= 6 THEN TRUE ELSE FALSE END AS frequent_buyers,
  CASE WHEN orders_count_last_30_day > 0 THEN TRUE ELSE FALSE END AS recent_buyers,
  CASE WHEN orders_count > 0 AND orders_count_last_90_day = 0 THEN TRUE ELSE FALSE END AS lapsed,
  CASE
    WHEN NOT rank_1_rank IS NULL AND (
      rank_1_rank - 1
    ) * 100 < 5 * rank_1_n
    THEN TRUE
    ELSE FALSE
  END AS top_payers,
  CASE WHEN orders_avg_amount >= 150 THEN TRUE ELSE FALSE END AS big_baskets,
  CASE
    WHEN orders_count_last_90_day > 0
    AND orders_count_180_91_day_ago > 0
    AND orders_count_270_181_day_ago > 0
    AND orders_count_last_2_year >= 12
    THEN TRUE
    ELSE FALSE
  END AS loyal,
  CASE
    WHEN orders_count_where >= 5 AND orders_count_distinct_category >= 4
    THEN TRUE
    ELSE FALSE
  END AS impulse_buyers,
  CASE
    WHEN orders_count_where_2 >= 3 AND orders_count_where_2 * 10 >= orders_count * 7
    THEN TRUE
    ELSE FALSE
  END AS bargain_hunters,
  CASE
    WHEN 1 + CAST((
      5 * (
        rank_2_rank - 1
      ) - 5 * (
        rank_2_rank - 1
      ) % NULLIF(rank_2_n, 0)
    ) AS REAL) / NULLIF(rank_2_n, 0) = 5
    AND 1 + CAST((
      5 * (
        rank_3_rank - 1
      ) - 5 * (
        rank_3_rank - 1
      ) % NULLIF(rank_3_n, 0)
    ) AS REAL) / NULLIF(rank_3_n, 0) = 5
    AND 1 + CAST((
      5 * (
        rank_4_rank - 1
      ) - 5 * (
        rank_4_rank - 1
      ) % NULLIF(rank_4_n, 0)
    ) AS REAL) / NULLIF(rank_4_n, 0) = 5
    THEN TRUE
    ELSE FALSE
  END AS rfm_champions,
  CASE WHEN visits_count_last_30_day > 0 AND orders_count = 0 THEN TRUE ELSE FALSE END AS window_shoppers,
  CASE
    WHEN visits_count_last_1_year >= 10 AND orders_count <= 1
    THEN TRUE
    ELSE FALSE
  END AS wanderers,
  CASE WHEN orders_count = 1 AND orders_count_last_90_day = 0 THEN TRUE ELSE FALSE END AS one_and_done,
  CASE WHEN NOT visits_then_no_orders_hit IS NULL THEN TRUE ELSE FALSE END AS abandoned_visit,
  CASE WHEN NOT orders_then_tickets_hit IS NULL THEN TRUE ELSE FALSE END AS needs_help,
  CASE
    WHEN logins_count_last_30_day > 0 AND orders_count_last_60_day = 0
    THEN TRUE
    ELSE FALSE
  END AS silent_logins,
  CASE
    WHEN DATE(signup_date) >= '2026-06-01' AND DATE(signup_date) < '2026-07-01'
    THEN TRUE
    ELSE FALSE
  END AS new_customers,
  CASE
    WHEN orders_min_ordered_at >= '2026-06-01' AND orders_min_ordered_at < '2026-07-01'
    THEN TRUE
    ELSE FALSE
  END AS new_buyers,
  CASE
    WHEN orders_count_before_90_day > 0
    AND orders_count_89_30_day_ago = 0
    AND orders_count_last_30_day > 0
    THEN TRUE
    ELSE FALSE
  END AS restarted,
  CASE WHEN orders_count_last_180_day_where >= 3 THEN TRUE ELSE FALSE END AS pet_parents,
  CASE WHEN orders_count_last_365_day_where >= 2 THEN TRUE ELSE FALSE END AS flower_gifters,
  CASE
    WHEN orders_count_distinct_category = 1 AND orders_count_last_180_day >= 4
    THEN TRUE
    ELSE FALSE
  END AS need_based,
  CASE WHEN orders_sum_amount_where >= 1000 THEN TRUE ELSE FALSE END AS tech_fans,
  CASE
    WHEN age < 25
    THEN 'under_25'
    WHEN age < 45
    THEN 'age_25_44'
    WHEN age < 65
    THEN 'age_45_64'
    WHEN age >= 65
    THEN 'age_65_up'
    ELSE 'unknown'
  END AS age_band,
  CASE
    WHEN country IN ('US', 'CA')
    THEN 'north_america'
    WHEN country IN ('GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE')
    THEN 'europe'
    WHEN NOT country IS NULL
    THEN 'other'
    ELSE 'unknown'
  END AS region,
  CASE
    WHEN 1 + CAST((
      5 * (
        rank_2_rank - 1
      ) - 5 * (
        rank_2_rank - 1
      ) % NULLIF(rank_2_n, 0)
    ) AS REAL) / NULLIF(rank_2_n, 0) = 5
    AND 1 + CAST((
      5 * (
        rank_3_rank - 1
      ) - 5 * (
        rank_3_rank - 1
      ) % NULLIF(rank_3_n, 0)
    ) AS REAL) / NULLIF(rank_3_n, 0) = 5
    AND 1 + CAST((
      5 * (
        rank_4_rank - 1
      ) - 5 * (
        rank_4_rank - 1
      ) % NULLIF(rank_4_n, 0)
    ) AS REAL) / NULLIF(rank_4_n, 0) = 5
    THEN 'champion'
    WHEN 1 + CAST((
      5 * (
        rank_3_rank - 1
      ) - 5 * (
        rank_3_rank - 1
      ) % NULLIF(rank_3_n, 0)
    ) AS REAL) / NULLIF(rank_3_n, 0) >= 4
    AND orders_count_last_90_day > 0
    THEN 'loyal'
    WHEN 1 + CAST((
      5 * (
        rank_4_rank - 1
      ) - 5 * (
        rank_4_rank - 1
      ) % NULLIF(rank_4_n, 0)
    ) AS REAL) / NULLIF(rank_4_n, 0) >= 4
    AND orders_count_last_90_day = 0
    THEN 'at_risk'
    WHEN orders_count_last_30_day > 0
    THEN 'promising'
    ELSE 'other'
  END AS rfm_value,
  CASE
    WHEN NOT rank_1_rank IS NULL AND (
      rank_1_rank - 1
    ) * 100 < 5 * rank_1_n
    THEN 'top_payer'
    WHEN orders_count_last_90_day > 0
    AND orders_count_180_91_day_ago > 0
    AND orders_count_270_181_day_ago > 0
    AND orders_count_last_2_year >= 12
    THEN 'loyal'
    WHEN orders_count_where_2 >= 3 AND orders_count_where_2 * 10 >= orders_count * 7
    THEN 'bargain_hunter'
    WHEN orders_count_where >= 5 AND orders_count_distinct_category >= 4
    THEN 'impulse_buyer'
    WHEN orders_count_distinct_category = 1 AND orders_count_last_180_day >= 4
    THEN 'need_based'
    WHEN visits_count_last_1_year >= 10 AND orders_count <= 1
    THEN 'wanderer'
    WHEN orders_count = 1 AND orders_count_last_90_day = 0
    THEN 'lapsed_single'
    WHEN DATE(signup_date) >= '2026-06-01' AND DATE(signup_date) < '2026-07-01'
    THEN 'new'
    ELSE 'regular'
  END AS persona,
  CASE
    WHEN orders_count = 0
    THEN 'prospect'
    WHEN orders_min_ordered_at >= '2026-06-01' AND orders_min_ordered_at < '2026-07-01'
    THEN 'new'
    WHEN orders_count_last_90_day > 0
    THEN 'active'
    WHEN orders_count >= 2
    THEN 'lapsed'
    ELSE 'dormant'
  END AS lifecycle
FROM ranked
