"""Database URLs: which driver opens each scheme, and the optional extra that installs it.

`--db` takes a URL in the form each engine's users already know
(postgresql://..., mysql://..., sc://... for Spark Connect). Each scheme
names a module of `segdsl.run.drivers`, whose `connect(url, writable)`
returns an open Target (`writable`: the caller will write segment history;
file databases open read-only otherwise), and the pip extra that installs the
vendor's driver. A driver module imports its vendor package with `require`,
so a missing extra is a user error naming the command that installs it.
"""

from __future__ import annotations

import importlib
import logging
import re
from types import ModuleType

from ..errors import error
from ..frozen import frozen
from .targets import Target


@frozen
class Driver:
    """How one kind of URL is opened."""

    module: str  # segdsl.run.drivers.<module>, whose connect(url, writable) opens the URL
    extra: str   # pip install 'segdsl[<extra>]' installs the vendor's driver
    engine: str  # the engine's name in messages


POSTGRES = Driver("postgres", "postgres", "PostgreSQL")
MYSQL = Driver("mysql", "mysql", "MySQL")
SQLITE = Driver("sqlite", "", "SQLite")  # the standard library's sqlite3: nothing to install
DUCKDB = Driver("duckdb", "", "DuckDB")  # a dependency of segdsl itself
CLICKHOUSE = Driver("clickhouse", "clickhouse", "ClickHouse")
SNOWFLAKE = Driver("snowflake", "snowflake", "Snowflake")
BIGQUERY = Driver("bigquery", "bigquery", "BigQuery")
DATABRICKS = Driver("databricks", "databricks", "Databricks")
REDSHIFT = Driver("redshift", "redshift", "Redshift")
SQLSERVER = Driver("sqlserver", "sqlserver", "SQL Server")
TRINO = Driver("trino", "trino", "Trino")
SPARK = Driver("spark", "spark", "Spark Connect")

DRIVERS: dict[str, Driver] = {
    "postgresql": POSTGRES,
    "postgres": POSTGRES,
    "mysql": MYSQL,
    "mysql+pymysql": MYSQL,
    "mariadb": MYSQL,
    "mariadb+pymysql": MYSQL,
    "sqlite": SQLITE,
    "duckdb": DUCKDB,
    "clickhouse": CLICKHOUSE,
    "clickhouses": CLICKHOUSE,
    "snowflake": SNOWFLAKE,
    "bigquery": BIGQUERY,
    "databricks": DATABRICKS,
    "redshift": REDSHIFT,
    "mssql": SQLSERVER,
    "mssql+pymssql": SQLSERVER,
    "sqlserver": SQLSERVER,
    "trino": TRINO,
    "sc": SPARK,
}

_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")


def scheme_of(target: str) -> str | None:
    """The URL scheme a target starts with (lower case), or None for a file or folder path."""
    match = _SCHEME.match(target)
    return match.group("scheme").lower() if match else None


def is_url(target: str) -> bool:
    return scheme_of(target) is not None


def open_url(url: str, writable: bool = False) -> Target:
    """The Target a database URL names, opened by its driver (for writing segment history when `writable`)."""
    scheme = scheme_of(url)
    driver = DRIVERS.get(scheme or "")
    if driver is None:
        known = ", ".join(f"{name}://" for name in sorted(DRIVERS))
        raise error(f"unknown database URL scheme '{scheme}://'", None, f"segdsl opens {known}")
    module = importlib.import_module(f"{__package__}.drivers.{driver.module}")
    target: Target = module.connect(url, writable)
    return target


def require(package: str, driver: Driver) -> ModuleType:
    """The vendor's Python package a driver needs, or a user error naming the extra that installs it."""
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise error(f"{driver.engine} URLs need the Python package '{package}'", None,
                    f"pip install 'segdsl[{driver.extra}]'") from None
    # a vendor's log records go where the application sends logs, and nowhere else: Python would print them
    # unredacted on stderr when no handler is configured, and some quote connection settings
    logging.getLogger(package.split(".")[0]).addHandler(logging.NullHandler())
    return module
