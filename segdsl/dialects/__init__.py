"""The SQL dialects segdsl compiles to: one Dialect object each (base.py holds the standard forms, each
dialect's module what differs there and why), name quoting (quoting.py) and printing (render.py)."""

from __future__ import annotations

from ..errors import error
from .base import Dialect
from .bigquery import BigQuery
from .clickhouse import ClickHouse
from .databricks import Databricks
from .duckdb import DuckDB
from .mysql import MySQL
from .postgres import Postgres
from .quoting import needs_quotes, quoted_form
from .redshift import Redshift
from .render import NeedsRewrites, plain_select_generator
from .render import render as _render
from .snowflake import Snowflake
from .spark import Spark
from .sqlite import SQLite
from .trino import Trino
from .tsql import TSQL

_BY_NAME: dict[str, Dialect] = {dialect.name: dialect for dialect in (
    DuckDB(), Postgres(), Snowflake(), BigQuery(), Redshift(), Databricks(), Spark(), Trino(), MySQL(), SQLite(),
    ClickHouse(), TSQL())}
DIALECTS: tuple[str, ...] = tuple(_BY_NAME)


def get(name: str) -> Dialect:
    """The dialect called `name` (one object per dialect); an unknown name is a user error."""
    dialect = _BY_NAME.get(name) if isinstance(name, str) else None
    if dialect is None:
        raise error(f"unknown dialect '{name}'", None, "one of: " + ", ".join(DIALECTS))
    return dialect




# ---- transitional: the old module's free functions, until every caller holds a Dialect object
def date_literal(day, dialect): return get(dialect).date_literal(day)
def timestamp_literal(day, dialect): return get(dialect).timestamp_literal(day)
def current_date(dialect): return get(dialect).current_date()
def add_days(value, days, dialect): return get(dialect).add_days(value, days)
def add_months(value, months, dialect): return get(dialect).add_months(value, months)
def to_date(value, dialect): return get(dialect).to_date(value)
def day_start(value, dialect): return get(dialect).day_start(value)
def timestamp_plus_days(value, days, dialect): return get(dialect).timestamp_plus_days(value, days)
def days_between(earlier, later, dialect): return get(dialect).days_between(earlier, later)
def statement(query, dialect): return get(dialect).statement(query)
def flag(condition, dialect): return get(dialect).flag(condition)
def boolean_literal(value, dialect): return get(dialect).boolean_literal(value)
def string_literal(value, dialect): return get(dialect).string_literal(value)
def code_point_order(value, dialect): return get(dialect).code_point_order(value)
def ordering_text(literal, dialect): return get(dialect).ordering_text(literal)
def distinct_values(value, is_text, dialect): return get(dialect).distinct_values(value, is_text)
def text_extreme(func, value, dialect): return get(dialect).text_extreme(func, value)
def like(subject, pattern, dialect): return get(dialect).like(subject, pattern)
def never_null_order(value, dialect, desc=False): return get(dialect).never_null_order(value, desc)
def median(value, dialect): return get(dialect).median(value)
def wide_integer(value, dialect): return get(dialect).wide_integer(value)
def kth_best(value, share, descending, dialect): return get(dialect).kth_best(value, share, descending)
def render(tree, dialect): return _render(tree, get(dialect))
def _plain_select_generator(dialect): return plain_select_generator(get(dialect))
_NeedsRewrites = NeedsRewrites
_needs_quotes, _quoted_form = needs_quotes, quoted_form
def needs_quotes(name, dialect): return _needs_quotes(name, get(dialect))
def quoted_form(name, dialect): return _quoted_form(name, get(dialect))
