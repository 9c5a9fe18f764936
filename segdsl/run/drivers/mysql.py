"""mysql://, mariadb:// (and mysql+pymysql://) URLs, opened with PyMySQL (the `mysql` extra).

    mysql://USER:PASSWORD@HOST:3306/DATABASE?charset=utf8mb4&ssl_ca=/path/ca.pem

The database is optional: a MySQL schema is a database, so `shop.orders` is
read from the database shop either way; unqualified names need one. Without
a password in the URL, `read_default_file=~/.my.cnf` reads the client's
option file, as the mysql client does. CREATE TABLE commits by itself on
MySQL and MariaDB: a first materialize that fails may leave an empty history
table (a later day's write is one transaction).
"""

from __future__ import annotations

import os
from typing import Any

from ..targets import DBAPITarget, rejected
from ..urls import MYSQL, require
from .parts import URL, parse

FORM = "mysql://USER:PASSWORD@HOST:3306/DATABASE"
OPTIONS = ("charset", "connect_timeout", "ssl_ca", "ssl_cert", "ssl_key", "ssl_verify_cert", "ssl_verify_identity",
           "ssl_disabled", "read_default_file", "read_default_group", "unix_socket")


def url_of(text: str) -> URL:
    return parse(text, MYSQL.engine, FORM, OPTIONS)


def arguments(url: URL) -> dict[str, Any]:
    """pymysql.connect's keyword arguments for a URL."""
    database = url.path_parts(0, 1, "one database name")
    args: dict[str, Any] = {"charset": url.options.get("charset", "utf8mb4")}
    if url.host is None and not {"unix_socket", "read_default_file"} & set(url.options):
        raise url.fail("no host")
    for key, value in (("host", url.host), ("port", url.port), ("user", url.user), ("password", url.password),
                       ("database", database[0] if database else None)):
        if value is not None:
            args[key] = value
    for name in ("ssl_ca", "ssl_cert", "ssl_key", "read_default_file", "read_default_group", "unix_socket"):
        if name in url.options:
            args[name] = os.path.expanduser(url.options[name]) if name != "read_default_group" else url.options[name]
    for name in ("ssl_verify_cert", "ssl_verify_identity", "ssl_disabled"):
        if name in url.options:
            args[name] = url.flag(name)
    if "connect_timeout" in url.options:
        args["connect_timeout"] = url.number("connect_timeout")
    return args


def connect(text: str, writable: bool) -> DBAPITarget:
    args = arguments(url_of(text))
    pymysql = require("pymysql", MYSQL)
    try:
        connection = pymysql.connect(**args, autocommit=False)
    except pymysql.Error as exc:
        raise rejected(exc, "cannot connect to MySQL") from None
    return DBAPITarget(connection, "mysql", pymysql.Error)
