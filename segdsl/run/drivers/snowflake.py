"""snowflake:// URLs, opened with snowflake-connector-python (the `snowflake` extra), in snowflake-sqlalchemy's form.

    snowflake://USER:PASSWORD@ACCOUNT/DATABASE/SCHEMA?warehouse=WH&role=ROLE
    snowflake://USER@ACCOUNT/DATABASE/SCHEMA?private_key_file=~/.ssh/key.p8&private_key_file_pwd=...
    snowflake://USER@ACCOUNT/DATABASE?authenticator=externalbrowser
    snowflake://?connection_name=NAME       (a connection of ~/.snowflake/connections.toml;
                                             the URL's other parts override it)

ACCOUNT is the account identifier (orgname-account, or account.region),
without .snowflakecomputing.com. The catalog is the current database's
information_schema; unqualified tables are read from, and history tables
created in, the current schema. DDL commits by itself on Snowflake: a first
materialize that fails may leave an empty history table (a later day's write
is one transaction).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from ..targets import DBAPITarget, rejected
from ..urls import SNOWFLAKE, require
from .parts import URL, parse

FORM = "snowflake://USER:PASSWORD@ACCOUNT/DATABASE/SCHEMA?warehouse=WAREHOUSE&role=ROLE"
OPTIONS = ("warehouse", "role", "authenticator", "private_key_file", "private_key_file_pwd", "token",
           "connection_name", "login_timeout")


def url_of(text: str) -> URL:
    return parse(text, SNOWFLAKE.engine, FORM, OPTIONS)


def arguments(url: URL) -> dict[str, Any]:
    """snowflake.connector.connect's keyword arguments for a URL."""
    if not url.host and "connection_name" not in url.options:
        raise url.fail("no account")
    parts = url.path_parts(0, 2, "DATABASE or DATABASE/SCHEMA")
    args: dict[str, Any] = {}
    for key, value in (("account", url.host), ("user", url.user), ("password", url.password),
                       ("database", parts[0] if parts else None), ("schema", parts[1] if len(parts) > 1 else None)):
        if value:
            args[key] = value
    for name in ("warehouse", "role", "authenticator", "private_key_file_pwd", "token", "connection_name"):
        if name in url.options:
            args[name] = url.options[name]
    if "private_key_file" in url.options:
        args["private_key_file"] = os.path.expanduser(url.options["private_key_file"])
    if "login_timeout" in url.options:
        args["login_timeout"] = url.number("login_timeout")
    return args


def connect(text: str, writable: bool) -> DBAPITarget:
    args = arguments(url_of(text))
    connector = require("snowflake.connector", SNOWFLAKE)
    try:
        with warnings.catch_warnings():  # the connector warns of its own future defaults, on stderr
            warnings.simplefilter("ignore")
            # autocommit off: a day's delete and insert commit together
            connection = connector.connect(**args, autocommit=False, application="segdsl")
    except connector.Error as exc:
        raise rejected(exc, "cannot connect to Snowflake") from None
    return DBAPITarget(connection, "snowflake", connector.Error)
