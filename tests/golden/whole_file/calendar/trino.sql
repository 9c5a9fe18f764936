WITH page_views_features AS (
  SELECT
    visitor_id,
    COUNT(*) AS visits_count_last_6_hour
  FROM web.page_views
  WHERE
    viewed_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND viewed_at >= CAST('2026-06-30 18:00:00' AS TIMESTAMP)
  GROUP BY
    visitor_id
), orders_features AS (
  SELECT
    customer_id,
    COUNT(
      DISTINCT CASE
        WHEN ordered_at >= CAST('2026-06-03 04:00:00' AS TIMESTAMP)
        THEN CAST(TRUNCATE(
          CAST(DATE_DIFF(
            'DAY',
            CAST(CAST(AT_TIMEZONE(WITH_TIMEZONE(ordered_at, 'UTC'), 'America/New_York') AS TIMESTAMP) AS DATE),
            CAST('2026-06-30' AS DATE)
          ) AS DOUBLE) / 7
        ) AS BIGINT)
      END
    ) AS orders_active_weeks_last_4_week,
    COUNT(
      DISTINCT CASE
        WHEN ordered_at >= CAST('2025-07-01 04:00:00' AS TIMESTAMP)
        THEN YEAR(
          CAST(CAST(AT_TIMEZONE(WITH_TIMEZONE(ordered_at, 'UTC'), 'America/New_York') AS TIMESTAMP) AS DATE)
        ) * 12 + MONTH(
          CAST(CAST(AT_TIMEZONE(WITH_TIMEZONE(ordered_at, 'UTC'), 'America/New_York') AS TIMESTAMP) AS DATE)
        ) - CASE
          WHEN DAY(
            CAST(CAST(AT_TIMEZONE(WITH_TIMEZONE(ordered_at, 'UTC'), 'America/New_York') AS TIMESTAMP) AS DATE)
          ) <= 30
          THEN 1
          ELSE 0
        END
      END
    ) AS orders_active_months_last_12_month,
    MAX(ordered_at) AS orders_max_ordered_at
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 04:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), events_features AS (
  SELECT
    user_id,
    COUNT(
      DISTINCT CAST(CAST(AT_TIMEZONE(WITH_TIMEZONE(ts, 'UTC'), 'America/New_York') AS TIMESTAMP) AS DATE)
    ) AS logins_active_days_last_30_day
  FROM web.events
  WHERE
    (
      ts < CAST('2026-07-01 04:00:00' AS TIMESTAMP) AND event = 'login'
    )
    AND ts >= CAST('2026-06-01 04:00:00' AS TIMESTAMP)
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
        CAST(AT_TIMEZONE(WITH_TIMEZONE(viewed_at, 'America/New_York'), 'UTC') AS TIMESTAMP) AS seq_time,
        1 AS seq_a,
        0 AS seq_b
      FROM web.page_views
      WHERE
        viewed_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
        AND (
          page = '/cart' AND viewed_at >= CAST('2026-06-24 00:00:00' AS TIMESTAMP)
        )
      UNION ALL
      SELECT
        customer_id AS seq_key,
        ordered_at AS seq_time,
        0 AS seq_a,
        1 AS seq_b
      FROM shop.orders
      WHERE
        ordered_at < CAST('2026-07-01 04:00:00' AS TIMESTAMP)
        AND ordered_at >= CAST('2026-06-24 04:00:00' AS TIMESTAMP)
    ) AS r
  ) AS s
  WHERE
    seq_a = 1
    AND (
      seq_next IS NULL OR seq_next > DATE_ADD('MINUTE', 120, seq_time)
    )
  GROUP BY
    seq_key
), visits_sessions AS (
  SELECT
    ses_key,
    COUNT(
      CASE
        WHEN ses_previous IS NULL OR DATE_ADD('MINUTE', 30, ses_previous) < ses_time
        THEN 1
      END
    ) AS sessions
  FROM (
    SELECT
      visitor_id AS ses_key,
      viewed_at AS ses_time,
      LAG(viewed_at) OVER (PARTITION BY visitor_id ORDER BY viewed_at) AS ses_previous
    FROM web.page_views
    WHERE
      viewed_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
      AND viewed_at >= CAST('2026-06-24 00:00:00' AS TIMESTAMP)
  ) AS r
  GROUP BY
    ses_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    c.contract_end AS contract_end,
    c.birth_date AS birth_date,
    COALESCE(page_views_features.visits_count_last_6_hour, 0) AS visits_count_last_6_hour,
    COALESCE(orders_features.orders_active_weeks_last_4_week, 0) AS orders_active_weeks_last_4_week,
    COALESCE(orders_features.orders_active_months_last_12_month, 0) AS orders_active_months_last_12_month,
    orders_features.orders_max_ordered_at AS orders_max_ordered_at,
    COALESCE(events_features.logins_active_days_last_30_day, 0) AS logins_active_days_last_30_day,
    visits_then_no_orders.hit AS visits_then_no_orders_hit,
    COALESCE(visits_sessions.sessions, 0) AS visits_sessions_sessions
  FROM shop.customers AS c
  LEFT JOIN page_views_features
    ON page_views_features.visitor_id = c.customer_id
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  LEFT JOIN events_features
    ON events_features.user_id = c.customer_id
  LEFT JOIN visits_then_no_orders
    ON visits_then_no_orders.seq_key = c.customer_id
  LEFT JOIN visits_sessions
    ON visits_sessions.ses_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* all segments of customers */
SELECT
  customer_id,
  CASE WHEN visits_count_last_6_hour > 0 THEN TRUE ELSE FALSE END AS evening_visitors,
  CASE WHEN NOT visits_then_no_orders_hit IS NULL THEN TRUE ELSE FALSE END AS cart_abandoners,
  CASE
    WHEN CAST(contract_end AS DATE) >= CAST('2026-07-01' AS DATE)
    AND CAST(contract_end AS DATE) < CAST('2026-07-31' AS DATE)
    THEN TRUE
    ELSE FALSE
  END AS renewals_due,
  CASE
    WHEN MONTH(CAST(birth_date AS DATE)) = 7
    AND DAY(CAST(birth_date AS DATE)) BETWEEN 1 AND 7
    THEN TRUE
    ELSE FALSE
  END AS birthday_week,
  CASE
    WHEN CAST(birth_date AS DATE) <= CAST('2008-06-30' AS DATE)
    THEN TRUE
    ELSE FALSE
  END AS adults,
  CASE WHEN orders_active_weeks_last_4_week >= 3 THEN TRUE ELSE FALSE END AS weekly_regulars,
  CASE WHEN orders_active_months_last_12_month >= 4 THEN TRUE ELSE FALSE END AS monthly_regulars,
  CASE WHEN logins_active_days_last_30_day >= 5 THEN TRUE ELSE FALSE END AS engaged,
  CASE WHEN visits_sessions_sessions >= 3 THEN TRUE ELSE FALSE END AS bingers,
  CASE
    WHEN (
      CAST(contract_end AS DATE) >= CAST('2026-07-01' AS DATE)
      AND CAST(contract_end AS DATE) < CAST('2026-10-01' AS DATE)
    )
    AND DATE_DIFF(
      'DAY',
      CAST(CAST(AT_TIMEZONE(WITH_TIMEZONE(orders_max_ordered_at, 'UTC'), 'America/New_York') AS TIMESTAMP) AS DATE),
      CAST('2026-06-30' AS DATE)
    ) > 60
    THEN TRUE
    ELSE FALSE
  END AS lapsing_members,
  CASE
    WHEN CAST(contract_end AS DATE) >= CAST('2026-07-01' AS DATE)
    AND CAST(contract_end AS DATE) < CAST('2026-07-31' AS DATE)
    THEN 'renewing'
    WHEN (
      CAST(contract_end AS DATE) >= CAST('2026-07-01' AS DATE)
      AND CAST(contract_end AS DATE) < CAST('2026-10-01' AS DATE)
    )
    AND DATE_DIFF(
      'DAY',
      CAST(CAST(AT_TIMEZONE(WITH_TIMEZONE(orders_max_ordered_at, 'UTC'), 'America/New_York') AS TIMESTAMP) AS DATE),
      CAST('2026-06-30' AS DATE)
    ) > 60
    THEN 'lapsing'
    WHEN CAST(contract_end AS DATE) >= CAST('2026-07-01' AS DATE)
    AND CAST(contract_end AS DATE) < CAST('2036-07-01' AS DATE)
    THEN 'member'
    WHEN NOT contract_end IS NULL
    THEN 'expired'
    ELSE 'none'
  END AS membership
FROM base
