WITH page_views_features AS (
  SELECT
    visitor_id,
    COUNT(*) AS visits_count_last_6_hour
  FROM web.page_views
  WHERE
    viewed_at < addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York')))
    AND viewed_at >= addSeconds(
      toTimeZone(DATE_ADD(MINUTE, -360, now('UTC')), 'UTC'),
      timeZoneOffset(toTimeZone(DATE_ADD(MINUTE, -360, now('UTC')), 'America/New_York'))
    )
  GROUP BY
    visitor_id
), orders_features AS (
  SELECT
    customer_id,
    COUNT(
      DISTINCT CASE
        WHEN ordered_at >= subtractSeconds(
          toDateTime64(
            toString(
              CAST(DATE_ADD(
                DAY,
                -27,
                CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
              ) AS Nullable(DateTime))
            ),
            6,
            'UTC'
          ),
          timeZoneOffset(
            toDateTime64(
              toString(
                CAST(DATE_ADD(
                  DAY,
                  -27,
                  CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
                ) AS Nullable(DateTime))
              ),
              6,
              'America/New_York'
            )
          )
        )
        THEN CAST(DATE_DIFF(
          DAY,
          CAST(addSeconds(
            toTimeZone(ordered_at, 'UTC'),
            timeZoneOffset(toTimeZone(ordered_at, 'America/New_York'))
          ) AS Nullable(Date32)),
          CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
        ) / 7 AS Nullable(Int64))
      END
    ) AS orders_active_weeks_last_4_week,
    COUNT(
      DISTINCT CASE
        WHEN ordered_at >= subtractSeconds(
          toDateTime64(
            toString(
              CAST(DATE_ADD(
                DAY,
                1,
                DATE_ADD(
                  MONTH,
                  -12,
                  CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
                )
              ) AS Nullable(DateTime))
            ),
            6,
            'UTC'
          ),
          timeZoneOffset(
            toDateTime64(
              toString(
                CAST(DATE_ADD(
                  DAY,
                  1,
                  DATE_ADD(
                    MONTH,
                    -12,
                    CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
                  )
                ) AS Nullable(DateTime))
              ),
              6,
              'America/New_York'
            )
          )
        )
        THEN YEAR(
          CAST(addSeconds(
            toTimeZone(ordered_at, 'UTC'),
            timeZoneOffset(toTimeZone(ordered_at, 'America/New_York'))
          ) AS Nullable(Date32))
        ) * 12 + MONTH(
          CAST(addSeconds(
            toTimeZone(ordered_at, 'UTC'),
            timeZoneOffset(toTimeZone(ordered_at, 'America/New_York'))
          ) AS Nullable(Date32))
        ) - CASE
          WHEN DAY(
            CAST(addSeconds(
              toTimeZone(ordered_at, 'UTC'),
              timeZoneOffset(toTimeZone(ordered_at, 'America/New_York'))
            ) AS Nullable(Date32))
          ) <= DAY(
            CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
          )
          THEN 1
          ELSE 0
        END
      END
    ) AS orders_active_months_last_12_month,
    MAX(ordered_at) AS orders_max_ordered_at
  FROM shop.orders
  WHERE
    ordered_at < now('UTC')
  GROUP BY
    customer_id
), events_features AS (
  SELECT
    user_id,
    COUNT(
      DISTINCT CAST(addSeconds(toTimeZone(ts, 'UTC'), timeZoneOffset(toTimeZone(ts, 'America/New_York'))) AS Nullable(Date32))
    ) AS logins_active_days_last_30_day
  FROM web.events
  WHERE
    (
      ts < now('UTC') AND event = 'login'
    )
    AND ts >= subtractSeconds(
      toDateTime64(
        toString(
          CAST(DATE_ADD(
            DAY,
            -29,
            CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
          ) AS Nullable(DateTime))
        ),
        6,
        'UTC'
      ),
      timeZoneOffset(
        toDateTime64(
          toString(
            CAST(DATE_ADD(
              DAY,
              -29,
              CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
            ) AS Nullable(DateTime))
          ),
          6,
          'America/New_York'
        )
      )
    )
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
        subtractSeconds(
          toDateTime64(toString(viewed_at), 6, 'UTC'),
          timeZoneOffset(toDateTime64(toString(viewed_at), 6, 'America/New_York'))
        ) AS seq_time,
        1 AS seq_a,
        0 AS seq_b
      FROM web.page_views
      WHERE
        viewed_at < addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York')))
        AND (
          page = '/cart'
          AND viewed_at >= CAST(DATE_ADD(
            DAY,
            -6,
            CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
          ) AS Nullable(DateTime))
        )
      UNION ALL
      SELECT
        customer_id AS seq_key,
        ordered_at AS seq_time,
        0 AS seq_a,
        1 AS seq_b
      FROM shop.orders
      WHERE
        ordered_at < now('UTC')
        AND ordered_at >= subtractSeconds(
          toDateTime64(
            toString(
              CAST(DATE_ADD(
                DAY,
                -6,
                CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
              ) AS Nullable(DateTime))
            ),
            6,
            'UTC'
          ),
          timeZoneOffset(
            toDateTime64(
              toString(
                CAST(DATE_ADD(
                  DAY,
                  -6,
                  CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
                ) AS Nullable(DateTime))
              ),
              6,
              'America/New_York'
            )
          )
        )
    ) AS r
  ) AS s
  WHERE
    seq_a = 1
    AND (
      seq_next IS NULL OR seq_next > DATE_ADD(MINUTE, 120, seq_time)
    )
  GROUP BY
    seq_key
), visits_sessions AS (
  SELECT
    ses_key,
    COUNT(
      CASE
        WHEN ses_previous IS NULL OR DATE_ADD(MINUTE, 30, ses_previous) < ses_time
        THEN 1
      END
    ) AS sessions
  FROM (
    SELECT
      visitor_id AS ses_key,
      viewed_at AS ses_time,
      lag(viewed_at) OVER (PARTITION BY visitor_id ORDER BY viewed_at) AS ses_previous
    FROM web.page_views
    WHERE
      viewed_at < addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York')))
      AND viewed_at >= CAST(DATE_ADD(
        DAY,
        -6,
        CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
      ) AS Nullable(DateTime))
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
    NOT (
      c.customer_id IS NULL
    )
)
/* all segments of customers */
SELECT
  customer_id,
  CASE WHEN visits_count_last_6_hour > 0 THEN TRUE ELSE FALSE END AS evening_visitors,
  CASE WHEN NOT (
    visits_then_no_orders_hit IS NULL
  ) THEN TRUE ELSE FALSE END AS cart_abandoners,
  CASE
    WHEN CAST(contract_end AS Nullable(Date32)) >= DATE_ADD(
      DAY,
      1,
      CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
    )
    AND CAST(contract_end AS Nullable(Date32)) < DATE_ADD(
      DAY,
      31,
      CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
    )
    THEN TRUE
    ELSE FALSE
  END AS renewals_due,
  CASE
    WHEN CASE
      WHEN MONTH(CAST(birth_date AS Nullable(Date32))) * 100 + DAY(CAST(birth_date AS Nullable(Date32))) >= MONTH(
        CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
      ) * 100 + DAY(
        CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
      )
      THEN DATE_ADD(
        MONTH,
        12 * (
          YEAR(
            CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
          ) - YEAR(CAST(birth_date AS Nullable(Date32)))
        ),
        CAST(birth_date AS Nullable(Date32))
      )
      ELSE DATE_ADD(
        MONTH,
        12 * (
          (
            YEAR(
              CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
            ) - YEAR(CAST(birth_date AS Nullable(Date32)))
          ) + 1
        ),
        CAST(birth_date AS Nullable(Date32))
      )
    END >= DATE_ADD(
      DAY,
      1,
      CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
    )
    AND CASE
      WHEN MONTH(CAST(birth_date AS Nullable(Date32))) * 100 + DAY(CAST(birth_date AS Nullable(Date32))) >= MONTH(
        CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
      ) * 100 + DAY(
        CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
      )
      THEN DATE_ADD(
        MONTH,
        12 * (
          YEAR(
            CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
          ) - YEAR(CAST(birth_date AS Nullable(Date32)))
        ),
        CAST(birth_date AS Nullable(Date32))
      )
      ELSE DATE_ADD(
        MONTH,
        12 * (
          (
            YEAR(
              CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
            ) - YEAR(CAST(birth_date AS Nullable(Date32)))
          ) + 1
        ),
        CAST(birth_date AS Nullable(Date32))
      )
    END < DATE_ADD(
      DAY,
      8,
      CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
    )
    THEN TRUE
    ELSE FALSE
  END AS birthday_week,
  CASE
    WHEN (
      YEAR(
        CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
      ) - YEAR(CAST(birth_date AS Nullable(Date32)))
    ) - CASE
      WHEN MONTH(CAST(birth_date AS Nullable(Date32))) * 100 + DAY(CAST(birth_date AS Nullable(Date32))) > CASE
        WHEN MONTH(
          CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
        ) * 100 + DAY(
          CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
        ) = 228
        AND MONTH(
          DATE_ADD(
            DAY,
            1,
            CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
          )
        ) = 3
        THEN 229
        ELSE MONTH(
          CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
        ) * 100 + DAY(
          CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
        )
      END
      THEN 1
      ELSE 0
    END >= 18
    THEN TRUE
    ELSE FALSE
  END AS adults,
  CASE WHEN orders_active_weeks_last_4_week >= 3 THEN TRUE ELSE FALSE END AS weekly_regulars,
  CASE WHEN orders_active_months_last_12_month >= 4 THEN TRUE ELSE FALSE END AS monthly_regulars,
  CASE WHEN logins_active_days_last_30_day >= 5 THEN TRUE ELSE FALSE END AS engaged,
  CASE WHEN visits_sessions_sessions >= 3 THEN TRUE ELSE FALSE END AS bingers,
  CASE
    WHEN (
      CAST(contract_end AS Nullable(Date32)) >= DATE_ADD(
        DAY,
        1,
        CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
      )
      AND CAST(contract_end AS Nullable(Date32)) < DATE_ADD(
        DAY,
        1,
        DATE_ADD(
          MONTH,
          3,
          CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
        )
      )
    )
    AND DATE_DIFF(
      DAY,
      CAST(addSeconds(
        toTimeZone(orders_max_ordered_at, 'UTC'),
        timeZoneOffset(toTimeZone(orders_max_ordered_at, 'America/New_York'))
      ) AS Nullable(Date32)),
      CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
    ) > 60
    THEN TRUE
    ELSE FALSE
  END AS lapsing_members,
  CASE
    WHEN CAST(contract_end AS Nullable(Date32)) >= DATE_ADD(
      DAY,
      1,
      CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
    )
    AND CAST(contract_end AS Nullable(Date32)) < DATE_ADD(
      DAY,
      31,
      CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
    )
    THEN 'renewing'
    WHEN (
      CAST(contract_end AS Nullable(Date32)) >= DATE_ADD(
        DAY,
        1,
        CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
      )
      AND CAST(contract_end AS Nullable(Date32)) < DATE_ADD(
        DAY,
        1,
        DATE_ADD(
          MONTH,
          3,
          CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
        )
      )
    )
    AND DATE_DIFF(
      DAY,
      CAST(addSeconds(
        toTimeZone(orders_max_ordered_at, 'UTC'),
        timeZoneOffset(toTimeZone(orders_max_ordered_at, 'America/New_York'))
      ) AS Nullable(Date32)),
      CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
    ) > 60
    THEN 'lapsing'
    WHEN CAST(contract_end AS Nullable(Date32)) >= DATE_ADD(
      DAY,
      1,
      CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
    )
    AND CAST(contract_end AS Nullable(Date32)) < DATE_ADD(
      DAY,
      1,
      DATE_ADD(
        MONTH,
        120,
        CAST(addSeconds(now('UTC'), timeZoneOffset(toTimeZone(now('UTC'), 'America/New_York'))) AS Nullable(Date32))
      )
    )
    THEN 'member'
    WHEN NOT (
      contract_end IS NULL
    )
    THEN 'expired'
    ELSE 'none'
  END AS membership
FROM base
SETTINGS join_use_nulls = 1
