WITH orders_features AS (
  SELECT
    customer_id,
    COUNT(*) AS orders_count,
    COUNT(CASE WHEN ordered_at >= CAST('2026-04-02 00:00:00' AS TIMESTAMP) THEN 1 END) AS orders_count_last_90_day,
    SUM(amount) AS orders_sum_amount,
    COUNT(CASE WHEN ordered_at >= CAST('2026-01-02 00:00:00' AS TIMESTAMP) THEN 1 END) AS orders_count_last_180_day,
    COUNT(
      CASE
        WHEN category = 'flowers' AND ordered_at >= CAST('2025-07-01 00:00:00' AS TIMESTAMP)
        THEN 1
      END
    ) AS orders_count_last_365_day_where,
    MIN(ordered_at) AS orders_min_ordered_at,
    COUNT(CASE WHEN ordered_at < CAST('2026-05-02 00:00:00' AS TIMESTAMP) THEN 1 END) AS orders_count_before_60_day,
    COUNT(
      CASE
        WHEN ordered_at >= CAST('2026-05-02 00:00:00' AS TIMESTAMP)
        AND ordered_at < CAST('2026-06-24 00:00:00' AS TIMESTAMP)
        THEN 1
      END
    ) AS orders_count_59_7_day_ago,
    COUNT(CASE WHEN ordered_at >= CAST('2026-06-24 00:00:00' AS TIMESTAMP) THEN 1 END) AS orders_count_last_7_day,
    COUNT(CASE WHEN ordered_at >= CAST('2026-06-01 00:00:00' AS TIMESTAMP) THEN 1 END) AS orders_count_last_30_day
  FROM shop.orders
  WHERE
    ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), page_views_features AS (
  SELECT
    visitor_id,
    COUNT(CASE WHEN viewed_at >= CAST('2026-06-01 00:00:00' AS TIMESTAMP) THEN 1 END) AS visits_count_last_30_day
  FROM web.page_views
  WHERE
    viewed_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND viewed_at >= CAST('2026-06-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    visitor_id
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
        CAST(ordered_at AS DATE) AS seq_time,
        1 AS seq_a,
        0 AS seq_b
      FROM shop.orders
      WHERE
        ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
      UNION ALL
      SELECT
        customer_id AS seq_key,
        CAST(opened_on AS DATE) AS seq_time,
        0 AS seq_a,
        1 AS seq_b
      FROM support.tickets
      WHERE
        opened_on < CAST('2026-07-01' AS DATE)
    ) AS r
  ) AS s
  WHERE
    seq_a = 1 AND seq_next <= CAST(seq_time + INTERVAL 7 DAY AS DATE)
  GROUP BY
    seq_key
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
        ORDER BY seq_time, seq_b, seq_a DESC
        ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
      ) AS seq_next,
      MAX(CASE WHEN seq_b = 1 THEN seq_time END) OVER (
        PARTITION BY seq_key
        ORDER BY seq_time, seq_b, seq_a DESC
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS seq_previous
    FROM (
      SELECT
        visitor_id AS seq_key,
        viewed_at AS seq_time,
        1 AS seq_a,
        0 AS seq_b
      FROM web.page_views
      WHERE
        viewed_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
        AND viewed_at >= CAST('2026-06-01 00:00:00' AS TIMESTAMP)
      UNION ALL
      SELECT
        customer_id AS seq_key,
        ordered_at AS seq_time,
        0 AS seq_a,
        1 AS seq_b
      FROM shop.orders
      WHERE
        ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    ) AS r
  ) AS s
  WHERE
    seq_a = 1
    AND (
      (
        seq_next IS NULL OR seq_next > (
          seq_time + INTERVAL 3 DAY
        )
      )
      AND (
        seq_previous IS NULL OR seq_previous < seq_time
      )
    )
  GROUP BY
    seq_key
), base AS (
  SELECT
    c.customer_id AS customer_id,
    c.age AS age,
    c.gender AS gender,
    c.country AS country,
    COALESCE(orders_features.orders_count, 0) AS orders_count,
    COALESCE(orders_features.orders_count_last_90_day, 0) AS orders_count_last_90_day,
    COALESCE(orders_features.orders_sum_amount, 0) AS orders_sum_amount,
    COALESCE(orders_features.orders_count_last_180_day, 0) AS orders_count_last_180_day,
    COALESCE(orders_features.orders_count_last_365_day_where, 0) AS orders_count_last_365_day_where,
    orders_features.orders_min_ordered_at AS orders_min_ordered_at,
    COALESCE(orders_features.orders_count_before_60_day, 0) AS orders_count_before_60_day,
    COALESCE(orders_features.orders_count_59_7_day_ago, 0) AS orders_count_59_7_day_ago,
    COALESCE(orders_features.orders_count_last_7_day, 0) AS orders_count_last_7_day,
    COALESCE(orders_features.orders_count_last_30_day, 0) AS orders_count_last_30_day,
    COALESCE(page_views_features.visits_count_last_30_day, 0) AS visits_count_last_30_day,
    orders_then_tickets.hit AS orders_then_tickets_hit,
    visits_then_no_orders.hit AS visits_then_no_orders_hit
  FROM shop.customers AS c
  LEFT JOIN orders_features
    ON orders_features.customer_id = c.customer_id
  LEFT JOIN page_views_features
    ON page_views_features.visitor_id = c.customer_id
  LEFT JOIN orders_then_tickets
    ON orders_then_tickets.seq_key = c.customer_id
  LEFT JOIN visits_then_no_orders
    ON visits_then_no_orders.seq_key = c.customer_id
  WHERE
    NOT c.customer_id IS NULL
), thresholds AS (
  SELECT
    QUANTILE_DISC(orders_sum_amount, 0.10
    ORDER BY
      orders_sum_amount DESC) AS threshold_1
  FROM base
), ranked AS (
  SELECT
    *
  FROM base
  CROSS JOIN thresholds
)
/* all segments of customers */
SELECT
  customer_id,
  CASE WHEN orders_count = 1 AND orders_count_last_90_day = 0 THEN TRUE ELSE FALSE END AS one_and_done,
  CASE WHEN visits_count_last_30_day > 0 AND orders_count = 0 THEN TRUE ELSE FALSE END AS window_shoppers,
  CASE
    WHEN (
      age BETWEEN 18 AND 34 AND gender = 'F'
    ) AND country IN ('US', 'CA')
    THEN TRUE
    ELSE FALSE
  END AS young_women_us,
  CASE WHEN orders_sum_amount >= threshold_1 THEN TRUE ELSE FALSE END AS big_spenders,
  CASE
    WHEN orders_sum_amount >= threshold_1 AND orders_count_last_180_day = 0
    THEN TRUE
    ELSE FALSE
  END AS lapsed_vips,
  CASE WHEN orders_count_last_365_day_where >= 2 THEN TRUE ELSE FALSE END AS flower_gifters,
  CASE
    WHEN orders_min_ordered_at >= CAST('2026-06-01 00:00:00' AS TIMESTAMP)
    AND orders_min_ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    THEN TRUE
    ELSE FALSE
  END AS new_customers,
  CASE WHEN NOT orders_then_tickets_hit IS NULL THEN TRUE ELSE FALSE END AS needs_help,
  CASE WHEN NOT visits_then_no_orders_hit IS NULL THEN TRUE ELSE FALSE END AS abandoned,
  CASE
    WHEN (
      orders_count_before_60_day > 0 AND orders_count_59_7_day_ago = 0
    )
    AND orders_count_last_7_day > 0
    THEN TRUE
    ELSE FALSE
  END AS restarted,
  CASE
    WHEN orders_sum_amount >= threshold_1 AND orders_count_last_30_day > 0
    THEN 'champion'
    WHEN orders_min_ordered_at >= CAST('2026-06-01 00:00:00' AS TIMESTAMP)
    AND orders_min_ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    THEN 'new'
    WHEN orders_count >= 2 AND orders_count_last_90_day = 0
    THEN 'at_risk'
    ELSE 'other'
  END AS lifecycle
FROM ranked
