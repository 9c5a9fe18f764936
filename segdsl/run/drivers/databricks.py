"""databricks:// URLs, opened with databricks-sql-connector (the `databricks` extra), in databricks-sqlalchemy's form.

    databricks://token:TOKEN@HOST?http_path=/sql/1.0/warehouses/ID&catalog=CATALOG&schema=SCHEMA
    databricks://HOST?http_path=...      (the token from the DATABRICKS_TOKEN environment variable)

HOST is the workspace's server hostname (adb-....azuredatabricks.net, ...),
http_path the SQL warehouse's or cluster's. The catalog is the current
catalog's information_schema (Unity Catalog); unqualified tables are read
from, and history tables created in, the current schema. Each statement
commits by itself: a materialize stopped between deleting a day's rows and
inserting them leaves that day empty until it runs again.
"""

from __future__ import annotations

from typing import Any

from ..targets import AutocommitTarget, rejected
from ..urls import DATABRICKS, require
from .parts import URL, parse, secret_from_environment

FORM = "databricks://token:TOKEN@HOST?http_path=HTTP_PATH&catalog=CATALOG&schema=SCHEMA"
OPTIONS = ("http_path", "catalog", "schema")
TOKEN_VARIABLE = "DATABRICKS_TOKEN"


def url_of(text: str) -> URL:
    return parse(text, DATABRICKS.engine, FORM, OPTIONS)


def arguments(url: URL) -> dict[str, Any]:
    """databricks.sql.connect's keyword arguments for a URL."""
    host = url.needs_host()
    url.path_parts(0, 0, "nothing (catalog and schema are options)")
    if not url.options.get("http_path"):
        raise url.fail("no http_path option")
    if url.user not in (None, "token"):
        raise url.fail(f"user '{url.user}' (a personal access token is given as token:TOKEN@)")
    token = url.password or secret_from_environment(TOKEN_VARIABLE)
    if not token:
        raise url.fail(f"no token (nor a {TOKEN_VARIABLE} environment variable)")
    if url.port is not None:
        raise url.fail("a port (the connector reaches the workspace on 443)")
    args: dict[str, Any] = {"server_hostname": host,
                            "http_path": url.options["http_path"], "access_token": token}
    for name in ("catalog", "schema"):
        if name in url.options:
            args[name] = url.options[name]
    return args


def connect(text: str, writable: bool) -> AutocommitTarget:
    args = arguments(url_of(text))
    sql = require("databricks.sql", DATABRICKS)
    try:
        connection = sql.connect(**args)
    except sql.Error as exc:
        raise rejected(exc, "cannot connect to Databricks") from None
    return AutocommitTarget(connection, "databricks", sql.Error)
