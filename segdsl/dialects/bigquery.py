"""BigQuery.

- times are TIMESTAMPs: sqlglot's TIMESTAMP is BigQuery's DATETIME, event times are usually BigQuery
  TIMESTAMPs, and the two do not compare (sqlglot #5536, #6746: by design there, TIMESTAMPTZ renders as
  BigQuery's TIMESTAMP).
- DATE_ADD takes a DATE: a timestamp moves with TIMESTAMP_ADD.
- LIKE escapes with a backslash: a backslash in a pattern is doubled.
"""

from __future__ import annotations

from sqlglot import exp

from .base import Dialect


class BigQuery(Dialect):
    name = "bigquery"
    timestamp_type = exp.DataType.Type.TIMESTAMPTZ
    date_add_keeps_time_of_day = False
    backslash_escapes_in_like = True
