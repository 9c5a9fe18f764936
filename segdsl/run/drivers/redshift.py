"""redshift:// URLs, opened with Amazon's redshift_connector (the `redshift` extra).

    redshift://USER:PASSWORD@HOST:5439/DATABASE
    redshift://USER@HOST:5439/DATABASE?iam=true&profile=PROFILE&cluster_identifier=ID&region=REGION

Without a password, `iam=true` signs in with AWS credentials (an AWS CLI
profile, or the environment's). Like PostgreSQL, Redshift's DDL is
transactional: a materialize that fails or is stopped leaves the history
table as it was. Unqualified tables are read from, and history tables
created in, the current schema.
"""

from __future__ import annotations

from typing import Any

from ..targets import DBAPITarget, rejected
from ..urls import REDSHIFT, require
from .parts import URL, parse

FORM = "redshift://USER:PASSWORD@HOST:5439/DATABASE"
OPTIONS = ("sslmode", "ssl", "iam", "profile", "cluster_identifier", "region", "db_user", "timeout",
           "is_serverless", "serverless_work_group")


def url_of(text: str) -> URL:
    return parse(text, REDSHIFT.engine, FORM, OPTIONS)


def arguments(url: URL) -> dict[str, Any]:
    """redshift_connector.connect's keyword arguments for a URL."""
    host = url.needs_host()
    (database,) = url.path_parts(1, 1, "one database name")
    args: dict[str, Any] = {"host": host, "port": url.port or 5439, "database": database}
    if url.user:
        args["user"] = url.user
    if url.password is not None:
        args["password"] = url.password
    for name in ("ssl", "iam", "is_serverless"):
        if name in url.options:
            args[name] = url.flag(name)
    for name in ("sslmode", "profile", "cluster_identifier", "region", "db_user", "serverless_work_group"):
        if name in url.options:
            args[name] = url.options[name]
    if "timeout" in url.options:
        args["timeout"] = url.number("timeout")
    return args


def connect(text: str, writable: bool) -> DBAPITarget:
    args = arguments(url_of(text))
    redshift_connector = require("redshift_connector", REDSHIFT)
    try:
        connection = redshift_connector.connect(**args)  # autocommit off: one transaction per write
    except redshift_connector.Error as exc:
        raise rejected(exc, "cannot connect to Redshift") from None
    return DBAPITarget(connection, "redshift", redshift_connector.Error)
