"""trino:// URLs, opened with the `trino` package's DB-API (the `trino` extra).

    trino://USER@HOST:8080/CATALOG/SCHEMA
    trino://USER:PASSWORD@HOST:443/CATALOG/SCHEMA            (password: over HTTPS)
    trino://USER@HOST/CATALOG/SCHEMA?access_token=JWT        (a JWT: over HTTPS)

The catalog is required (information_schema is per catalog); unqualified
tables are read from, and history tables created in, the schema. Trino runs
each statement in autocommit (most connectors cannot write in a
multi-statement transaction), so `materialize` writes a day in one statement
each time: a first run's CREATE TABLE AS SELECT, then one MERGE that deletes
the day's rows and inserts the new ones. A connector that writes each
statement atomically (Iceberg, Delta Lake) leaves the table with all of a
day's rows or none; one without MERGE (memory, the JDBC connectors) cannot
hold a history table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlglot import exp

from ... import dialects
from ...errors import SegdslError, error
from ..targets import AutocommitTarget, rejected
from ..urls import TRINO, require
from .parts import URL, parse

FORM = "trino://USER@HOST:8080/CATALOG/SCHEMA (with a password: trino://USER:PASSWORD@HOST:443/...)"
OPTIONS = ("http_scheme", "verify", "access_token", "source", "request_timeout")


class TrinoTarget(AutocommitTarget):
    """A Trino connection; its schema is the URL's, since Trino's session schema changes only by USE."""

    def current_schema(self) -> str | None:
        schema = self.connection.schema
        return None if schema is None else str(schema)

    def replace_day(self, table: exp.Table, exists: bool, day: date, rows: exp.Select,
                    after_delete: Callable[[], None] | None = None) -> bool:
        """A missing table is created with the day's rows by one CREATE TABLE AS SELECT; in an existing one,
        one MERGE deletes the day's rows and inserts the new ones (`day_merge`). Each is one commit."""
        if after_delete is not None:
            after_delete()
        if not exists:
            self.execute(exp.Create(this=table.copy(), kind="TABLE", expression=rows))
            return True
        try:
            self.execute(day_merge(table, dialects.get(self.dialect).date_literal(day), rows))
        except SegdslError as exc:
            if "NOT_SUPPORTED" not in str(exc):
                raise
            raise error(str(exc), None, "materialize into a catalog whose connector takes MERGE (Iceberg, Delta "
                        "Lake, Hive's transactional tables): --table CATALOG.SCHEMA.TABLE") from None
        return True


CLEARS = "segdsl_clears_day"  # the source's column that marks its one row matching every row of the day


def day_merge(table: exp.Table, day: exp.Expr, rows: exp.Select) -> exp.Merge:
    """MERGE INTO the table USING the rows and one more row, which matches every row of the day: those are
    deleted, the rows that match nothing are inserted. One row of the source matching many of the target is
    allowed; no row of the target is matched twice."""
    columns = [exp.to_identifier(name) for name in rows.named_selects]
    source = exp.union(
        exp.select(*(exp.column(c.copy()) for c in columns), exp.alias_(exp.false(), CLEARS))
        .from_(rows.subquery("day_rows")),
        exp.select(*(exp.Null() for _ in columns), exp.true()), distinct=False)
    clears = exp.column(CLEARS, table="s")
    on_day = exp.EQ(this=exp.column(columns[0].copy(), table="t"), expression=day)
    insert = exp.Insert(this=exp.Tuple(expressions=[exp.column(c.copy()) for c in columns]),
                        expression=exp.Tuple(expressions=[exp.column(c.copy(), table="s") for c in columns]))
    return exp.Merge(this=exp.alias_(table.copy(), "t", table=True),
                     using=exp.alias_(exp.Subquery(this=source), "s", table=True),
                     on=exp.and_(clears, on_day),
                     whens=exp.Whens(expressions=[exp.When(matched=True, then=exp.Var(this="DELETE")),
                                                  exp.When(matched=False, condition=exp.Not(this=clears.copy()),
                                                           then=insert)]))


def url_of(text: str) -> URL:
    return parse(text, TRINO.engine, FORM, OPTIONS)


def arguments(url: URL) -> dict[str, Any]:
    """trino.dbapi.connect's keyword arguments for a URL (authentication left to `connect`: it needs the package)."""
    host = url.needs_host()
    if not url.user:
        raise url.fail("no user (Trino names every query's user)")
    parts = url.path_parts(1, 2, "CATALOG or CATALOG/SCHEMA")
    secure = url.password is not None or "access_token" in url.options
    scheme = url.options.get("http_scheme", "https" if secure else "http").lower()
    if scheme not in ("http", "https"):
        raise url.fail(f"http_scheme={scheme} is neither http nor https")
    if secure and scheme != "https":
        raise url.fail("a password or access token sent over plain http")
    args: dict[str, Any] = {"host": host, "port": url.port or (443 if scheme == "https" else 8080), "user": url.user,
                            "catalog": parts[0], "schema": parts[1] if len(parts) > 1 else None,
                            "http_scheme": scheme, "source": url.options.get("source", "segdsl")}
    verify = url.options.get("verify")
    if verify is not None:  # true/false, or the path of a CA bundle
        args["verify"] = url.flag("verify") if verify.lower() in ("true", "false", "1", "0", "yes", "no") else verify
    if "request_timeout" in url.options:
        args["request_timeout"] = float(url.number("request_timeout") or 0)
    return args


def connect(text: str, writable: bool) -> TrinoTarget:
    url = url_of(text)
    args = arguments(url)
    dbapi = require("trino.dbapi", TRINO)
    auth = require("trino.auth", TRINO)
    exceptions = require("trino.exceptions", TRINO)
    if url.password is not None:
        args["auth"] = auth.BasicAuthentication(url.user, url.password)
    elif "access_token" in url.options:
        args["auth"] = auth.JWTAuthentication(url.options["access_token"])
    errors = (exceptions.Error, exceptions.HttpError)
    connection = dbapi.connect(**args)
    try:  # the client connects at its first statement: say so if it cannot
        cursor = connection.cursor()
        cursor.execute("SELECT 1")
        cursor.fetchall()
    except errors as exc:
        raise rejected(exc, "cannot connect to Trino") from None
    return TrinoTarget(connection, "trino", errors)
