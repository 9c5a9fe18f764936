"""mssql://, sqlserver:// (and mssql+pymssql://) URLs, opened with pymssql (the `sqlserver` extra).

    mssql://USER:PASSWORD@HOST:1433/DATABASE

Unqualified tables are looked up as SQL Server does: in the user's default
schema, then dbo; history tables are created in the default schema. SQL
Server's DDL is transactional: a materialize that fails or is stopped leaves
the history table as it was.
"""

from __future__ import annotations

from typing import Any

from ..targets import DBAPITarget, rejected
from ..urls import SQLSERVER, require
from .parts import URL, parse

FORM = "mssql://USER:PASSWORD@HOST:1433/DATABASE"
OPTIONS = ("login_timeout", "tds_version", "charset", "appname")


class SQLServerTarget(DBAPITarget):
    """SQL Server: its catalog lists every schema of the database; names resolve in the default schema, then dbo."""

    system_schemas = ("information_schema", "sys")

    def search_path(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*super().search_path(), "dbo"]))


def url_of(text: str) -> URL:
    return parse(text, SQLSERVER.engine, FORM, OPTIONS)


def arguments(url: URL) -> dict[str, Any]:
    """pymssql.connect's keyword arguments for a URL."""
    host = url.needs_host()
    (database,) = url.path_parts(1, 1, "one database name")
    args: dict[str, Any] = {"server": host, "port": str(url.port or 1433), "database": database,
                            "appname": url.options.get("appname", "segdsl")}
    if url.user:
        args["user"] = url.user
    if url.password is not None:
        args["password"] = url.password
    for name in ("tds_version", "charset"):
        if name in url.options:
            args[name] = url.options[name]
    if "login_timeout" in url.options:
        args["login_timeout"] = url.number("login_timeout")
    return args


def connect(text: str, writable: bool) -> SQLServerTarget:
    args = arguments(url_of(text))
    pymssql = require("pymssql", SQLSERVER)
    try:
        connection = pymssql.connect(**args, autocommit=False)
    except pymssql.Error as exc:
        raise rejected(exc, "cannot connect to SQL Server") from None
    return SQLServerTarget(connection, "tsql", pymssql.Error)
