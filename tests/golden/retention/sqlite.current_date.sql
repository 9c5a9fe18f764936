WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count,
    COUNT(CASE WHEN ordered_at >= DATE(CURRENT_DATE, '-89 DAY') THEN 1 END) AS orders_count_last_90_day,
    COUNT(CASE WHEN ordered_at < DATE(CURRENT_DATE, '-89 DAY') THEN 1 END) AS orders_count_before_90_day,
    COUNT(
      CASE
        WHEN ordered_at >= DATE(CURRENT_DATE, '-90 DAY')
        AND ordered_at < DATE(CURRENT_DATE, '-29 DAY')
        THEN 1
      END
    ) AS orders_count_90_30_day_ago,
    COUNT(CASE WHEN ordered_at >= DATE(CURRENT_DATE, '-29 DAY') THEN 1 END) AS orders_count_last_30_day
  FROM shop.orders
  WHERE
    ordered_at < DATE(CURRENT_DATE, '1 DAY')
  GROUP BY
    customer_id
), page_views_features AS (
  SELECT
    visitor_id,
    COUNT(CASE WHEN viewed_at >= DATE(CURRENT_DATE, '-29 DAY') THEN 1 END) AS visits_count_last_30_day
  FROM web.page_views
  WHERE
    viewed_at < DATE(CURRENT_DATE, '1 DAY')
    AND viewed_at >= DATE(CURRENT_DATE, '-29 DAY')
  GROUP BY
    visitor_id
), events_features AS (
  SELECT
    user_id,
    COUNT(CASE WHEN ts >= DATE(CURRENT_DATE, '-29 DAY') THEN 1 END) AS logins_count_last_30_day
  FROM web.events
  WHERE
    (
      ts < DATE(CURRENT_DATE, '1 DAY') AND event = 'login'
    )
    AND ts >= DATE(CURRENT_DATE, '-29 DAY')
  GROUP BY
    user_id
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
        ORDER BY seq_time, seq_b, seq_a DESC
        ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
      ) AS seq_next
    FROM (
      SELECT
        customer_id AS seq_key,
        DATE(ordered_at) AS seq_time,
        1 AS seq_a,
        0 AS seq_b
      FROM shop.orders
      WHERE
        ordered_at < DATE(CURRENT_DATE, '1 DAY')
      UNION ALL
      SELECT
        customer_id AS seq_key,
        DATE(opened_on) AS seq_time,
        0 AS seq_a,
        1 AS seq_b
      FROM support.tickets
      WHERE
        opened_on < DATE(CURRENT_DATE, '1 DAY')
    ) AS r
  ) AS s
  WHERE
    seq_a = 1 AND seq_next <= DATE(seq_time, '7 DAY')
  GROUP BY
    seq_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    COALESCE(orders_features.orders_count, 0) AS orders_count,
    COALESCE(orders_features.orders_count_last_90_day, 0) AS orders_count_last_90_day,
    COALESCE(orders_features.orders_count_before_90_day, 0) AS orders_count_before_90_day,
    COALESCE(orders_features.orders_count_90_30_day_ago, 0) AS orders_count_90_30_day_ago,
    COALESCE(orders_features.orders_count_last_30_day, 0) AS orders_count_last_30_day,
    COALESCE(page_views_features.visits_count_last_30_day, 0) AS visits_count_last_30_day,
    COALESCE(events_features.logins_count_last_30_day, 0) AS logins_count_last_30_day,
    orders_then_tickets.hit AS orders_then_tickets_hit
  FROM shop.customers AS c
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  LEFT JOIN page_views_features
    ON page_views_features.visitor_id = c.customer_id
  LEFT JOIN events_features
    ON events_features.user_id = c.customer_id
  LEFT JOIN orders_then_tickets
    ON orders_then_tickets.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
)
/* all segments of customers */
SELECT
  customer_id,
  CASE WHEN orders_count > 0 THEN TRUE ELSE FALSE END AS buyers,
  CASE WHEN orders_count_last_90_day > 0 THEN TRUE ELSE FALSE END AS active_buyers,
  CASE WHEN orders_count > 0 AND orders_count_last_90_day = 0 THEN TRUE ELSE FALSE END AS lapsed_buyers,
  CASE
    WHEN orders_count_last_90_day > 0 AND orders_count >= 2
    THEN TRUE
    ELSE FALSE
  END AS repeat_buyers,
  CASE
    WHEN (
      orders_count_before_90_day > 0 AND orders_count_90_30_day_ago = 0
    )
    AND orders_count_last_30_day > 0
    THEN TRUE
    ELSE FALSE
  END AS won_back,
  CASE
    WHEN (
      orders_count > 0 AND orders_count_last_90_day = 0
    )
    AND (
      visits_count_last_30_day > 0 OR logins_count_last_30_day > 0
    )
    THEN TRUE
    ELSE FALSE
  END AS quiet_visitors,
  CASE
    WHEN NOT orders_then_tickets_hit IS NULL
    AND (
      orders_count > 0 AND orders_count_last_90_day = 0
    )
    THEN TRUE
    ELSE FALSE
  END AS unhappy,
  CASE
    WHEN (
      orders_count_before_90_day > 0 AND orders_count_90_30_day_ago = 0
    )
    AND orders_count_last_30_day > 0
    THEN 'won_back'
    WHEN orders_count_last_90_day > 0 AND orders_count >= 2
    THEN 'repeat'
    WHEN orders_count_last_90_day > 0
    THEN 'active'
    WHEN orders_count > 0 AND orders_count_last_90_day = 0
    THEN 'lapsed'
    WHEN orders_count = 0
    THEN 'prospect'
    ELSE 'other'
  END AS retention
FROM base
