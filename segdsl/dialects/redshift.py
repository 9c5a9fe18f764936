"""Amazon Redshift.

- DATEADD gives a TIMESTAMP: moved days are cast back to DATE, so they compare as days.
- LIKE escapes with a backslash: a backslash in a pattern is doubled.
- the median is PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x), an aggregate.
- a name is at most 127 bytes: a longer one is cut to 127 bytes (PostgreSQL cuts at 63).

These four it shares with PostgreSQL, which it began as; PostgreSQL's others (COLLATE "C",
MATERIALIZED CTEs, the history table's index and lock) are not Redshift's, so it is no subclass of it.
"""

from __future__ import annotations

from .base import Dialect


class Redshift(Dialect):
    name = "redshift"
    date_plus_interval_is_timestamp = True
    backslash_escapes_in_like = True
    has_percentile_cont_aggregate = True
    max_name_length = 127
    name_limit_in_bytes = True
    cuts_long_names = True
