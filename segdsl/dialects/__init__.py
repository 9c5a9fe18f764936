"""The SQL dialects segdsl compiles to: one Dialect object each (base.py holds the standard forms, each
dialect's module what differs there and why), name quoting (quoting.py) and printing (render.py)."""

from __future__ import annotations

from .. import dialect_names
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
from .render import render
from .snowflake import Snowflake
from .spark import Spark
from .sqlite import SQLite
from .trino import Trino
from .tsql import TSQL

_BY_NAME: dict[str, Dialect] = {instance.name: instance for instance in (
    DuckDB(), Postgres(), Snowflake(), BigQuery(), Redshift(), Databricks(), Spark(), Trino(), MySQL(), SQLite(),
    ClickHouse(), TSQL())}
DIALECTS: tuple[str, ...] = dialect_names.DIALECTS
assert tuple(_BY_NAME) == DIALECTS, "dialect_names.py lists every dialect, in this order"


def get(name: str) -> Dialect:
    """The dialect called `name` (one object per dialect); an unknown name is a user error."""
    dialect = _BY_NAME.get(name) if isinstance(name, str) else None
    if dialect is None:
        raise error(f"unknown dialect '{name}'", None, "one of: " + ", ".join(DIALECTS))
    return dialect


__all__ = ["DIALECTS", "Dialect", "get", "needs_quotes", "quoted_form", "render"]
