"""clickhouse:// and clickhouses:// (HTTPS) URLs, opened with clickhouse-connect over HTTP (the `clickhouse` extra).

    clickhouse://USER:PASSWORD@HOST:8123/DATABASE
    clickhouses://USER:PASSWORD@HOST:8443/DATABASE          (ClickHouse Cloud: HTTPS)

The catalog comes from system.columns; unqualified tables are read from, and
history tables created in, the URL's database (else the user's default).
ClickHouse has no transactions: each statement stands alone, so a
materialize stopped between deleting a day's rows and inserting them leaves
that day empty until it runs again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlglot import exp

from ..catalog import Catalog
from ..targets import Result, Target, rejected
from ..urls import CLICKHOUSE, require
from .parts import URL, parse

FORM = "clickhouse://USER:PASSWORD@HOST:8123/DATABASE (clickhouses:// for HTTPS)"
OPTIONS = ("secure", "verify", "ca_cert", "connect_timeout", "access_token")
SYSTEM_DATABASES = ("system", "information_schema")
# type wrappers that say nothing of a column's kind: Nullable(Int64) is an Int64 column
_WRAPPER = re.compile(r"^(?:Nullable|LowCardinality)\((?P<inner>.*)\)$")


class ClickHouseTarget(Target):
    """A clickhouse-connect client: statements go over HTTP, one at a time."""

    dialect = "clickhouse"

    def __init__(self, client: Any, errors: type[Exception]):
        self.connection = client
        self._errors = errors
        self.database = str(self._query("SELECT currentDatabase()").result_rows[0][0])

    def _query(self, sql: str) -> Any:
        try:
            return self.connection.query(sql)
        except self._errors as exc:
            raise rejected(exc) from None

    def fetch(self, statement: exp.Expr) -> Result:
        result = self._query(self.render(statement))
        return Result(tuple(result.column_names), [tuple(row) for row in result.result_rows])

    def execute(self, statement: exp.Expr) -> None:
        sql = self.render(statement)
        try:
            self.connection.command(sql)
        except self._errors as exc:
            raise rejected(exc) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Nothing to group: ClickHouse has no transactions (see the module docstring)."""
        yield

    def catalog(self) -> Catalog:
        query = (exp.select(*(exp.column(c) for c in ("database", "table", "name", "type")))
                 .from_(exp.table_("columns", db="system"))
                 .where(exp.not_(exp.In(this=exp.Lower(this=exp.column("database")),
                                        expressions=[exp.Literal.string(s) for s in SYSTEM_DATABASES])))
                 .order_by(exp.column("database"), exp.column("table"), exp.column("position")))
        catalog: Catalog = {}
        for database, table, column, kind in self.fetch(query).rows:
            catalog.setdefault((str(database).lower(), str(table).lower()), {})[str(column).lower()] = plain_type(kind)
        return catalog

    def search_path(self) -> tuple[str, ...]:
        return (self.database,)

    def creation_schema(self) -> str | None:
        return self.database


def plain_type(kind: str) -> str:
    """A column's type without Nullable(...) and LowCardinality(...) around it; Date32 as Date."""
    while (match := _WRAPPER.match(kind)) is not None:
        kind = match.group("inner")
    return "Date" if kind == "Date32" else kind


def url_of(text: str) -> URL:
    return parse(text, CLICKHOUSE.engine, FORM, OPTIONS)


def arguments(url: URL) -> dict[str, Any]:
    """clickhouse_connect.get_client's keyword arguments for a URL."""
    host = url.needs_host()
    database = url.path_parts(0, 1, "one database name")
    secure = url.scheme == "clickhouses" or bool(url.flag("secure"))
    args: dict[str, Any] = {"host": host, "port": url.port or (8443 if secure else 8123), "secure": secure,
                            "username": url.user or "default", "password": url.password or ""}
    if database:
        args["database"] = database[0]
    if "access_token" in url.options:
        args["access_token"] = url.options["access_token"]
    if "verify" in url.options:
        args["verify"] = url.flag("verify")
    if "ca_cert" in url.options:
        args["ca_cert"] = url.options["ca_cert"]
    if "connect_timeout" in url.options:
        args["connect_timeout"] = url.number("connect_timeout")
    return args


def connect(text: str, writable: bool) -> ClickHouseTarget:
    args = arguments(url_of(text))
    clickhouse_connect = require("clickhouse_connect", CLICKHOUSE)
    errors = require("clickhouse_connect.driver.exceptions", CLICKHOUSE).ClickHouseError
    try:
        client = clickhouse_connect.get_client(**args)
    except errors as exc:
        raise rejected(exc, "cannot connect to ClickHouse") from None
    return ClickHouseTarget(client, errors)
