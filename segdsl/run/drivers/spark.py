"""sc:// URLs: Spark through Spark Connect, with pyspark's Connect client (the `spark` extra).

`sc://host:port[/;param=value;...]` is the URL pyspark's `SparkSession.builder.remote` takes (parameters
`token`, `use_ssl`, `user_id`, ...; the token is masked in every message). segdsl opens a Spark Connect
session of its own, reads the tables of the session's current catalog, creates history tables in its
current database, and releases the session on close. Queries and statements are the `spark` dialect's.

Spark has no transaction over several statements: each statement commits alone. A history day is
therefore written in statements that each leave the table whole (`SparkTarget.replace_day`), and a
client that dies at any point (Spark Connect goes on running a statement it has received) leaves the
table with the day's earlier rows or with all of the new ones.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlglot import exp

from ...errors import SegdslError, error
from ..catalog import Catalog
from ..redact import hide, redact
from ..targets import Result, Target, first_line, rejected
from ..urls import DRIVERS, require

RETRIES = 4  # pyspark retries an unreachable server for 10 minutes by default; this gives up after about 5 s
ROWS_VIEW = "segdsl_history_day"  # the session's cached temporary views of the day being written, one per table

_GRPC_DETAILS = re.compile(r'details = "(?P<details>[^"]*)"')  # in the text of a gRPC error
# a top-level column in SHOW TABLE EXTENDED's schema tree: ` |-- name: type (nullable = true)`
_TOP_COLUMN = re.compile(r"^ \|-- (?P<name>.*): (?P<type>[^:]+?) \(nullable = (?:true|false)\)$")
# the tree's type names that are not SQL's (Spark's catalog and DESCRIBE say bigint, int, ...)
_SQL_TYPE = {"long": "bigint", "integer": "int", "short": "smallint", "byte": "tinyint"}


def connect(url: str, writable: bool) -> SparkTarget:
    """A Spark Connect session on the server the URL names, checked with a first query (Spark Connect has no
    read-only session: writable changes nothing)."""
    hide(url)
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # gRPC's core logs TLS handshakes to stderr otherwise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark 4.x warns about pandas 3 when imported
        session = require("pyspark.sql.connect.session", DRIVERS["sc"])
    # the error that follows says it better, on one line
    warnings.filterwarnings("ignore", r"\[RETRIES_EXCEEDED\]", UserWarning, "pyspark")
    from pyspark.errors import PySparkException
    from pyspark.logger import PySparkLogger
    from pyspark.sql.connect.client.retries import DefaultPolicy

    for logger in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):  # each failed query, as JSON
        PySparkLogger.getLogger(logger).setLevel(logging.CRITICAL)
    try:
        spark = session.SparkSession.builder.remote(url).create()
    except PySparkException as exc:
        raise error(f"'{redact(url)}' is not a Spark Connect URL: {redact(first_line(exc))}", None,
                    "write sc://HOST:PORT (Spark Connect listens on 15002 by default); parameters follow a "
                    "slash, each NAME=VALUE after a semicolon: sc://HOST:PORT/;use_ssl=true") from None
    spark.client.set_retry_policies([DefaultPolicy(max_retries=RETRIES)])
    try:
        database = spark.sql("SELECT current_database()").toArrow().column(0)[0].as_py()
    except PySparkException as exc:
        _stop(spark)
        raise error(f"cannot connect to Spark Connect at {redact(url)}: {_message(exc)}", None,
                    "check the host, the port and the token, and that the Spark Connect server runs") from None
    return SparkTarget(spark, database)


class SparkTarget(Target):
    """A Spark Connect session (pyspark's `SparkSession.builder.remote(url)`)."""

    dialect = "spark"

    def __init__(self, spark: Any, database: str):
        self.connection = spark
        self.database = database  # the session's current database: segdsl never changes it

    def fetch(self, statement: exp.Expr) -> Result:
        """Rows as Arrow gives them: one round trip for the names and the values (timestamps carry the
        session's time zone)."""
        table = self._arrow(self.render(statement))
        return Result(tuple(table.column_names), list(zip(*(column.to_pylist() for column in table.columns))))

    def execute(self, statement: exp.Expr) -> None:
        self._sql(self.render(statement))  # Spark Connect runs a command when it is sent

    def _sql(self, text: str) -> Any:
        from pyspark.errors import PySparkException

        try:
            return self.connection.sql(text)
        except PySparkException as exc:
            raise _rejected(exc) from None

    def _arrow(self, text: str) -> Any:
        """A query's result as an Arrow table: Spark analyzes it when it is sent and runs it when the result
        is asked for, so an error may come from either."""
        from pyspark.errors import PySparkException

        try:
            return self.connection.sql(text).toArrow()
        except PySparkException as exc:
            raise _rejected(exc) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Nothing to begin or roll back: Spark commits each statement alone. The one writer, materialize,
        writes through `replace_day`, whose statements each leave the table whole."""
        yield

    def replace_day(self, table: exp.Table, exists: bool, day: date, rows: exp.Select,
                    after_delete: Callable[[], None] | None = None) -> bool:
        """A missing table is created by one CREATE TABLE ... PARTITIONED BY (as_of) AS SELECT, with the
        rows. In an existing table, the day is one partition: the rows are evaluated into a cached view of
        this session, then one INSERT OVERWRITE replaces that partition with them (dynamic partition
        overwrite: Spark writes the files aside and swaps the partition in when the job commits, so a
        failed job leaves it as it was). A day without members replaces the partition with nothing
        (a static partition overwrite, which an empty dynamic one would not do)."""
        as_of, *others = (exp.to_identifier(name) for name in rows.named_selects)
        if not exists:
            partitioned = exp.PartitionedByProperty(this=exp.Schema(expressions=[as_of]))
            self.execute(exp.Create(this=table.copy(), kind="TABLE", expression=rows,
                                    properties=exp.Properties(expressions=[partitioned])))
            return True
        self._check_partitioned(table, as_of.name)
        view = exp.table_(exp.to_identifier(f"{ROWS_VIEW}_{table.name}"))  # the history's, then its runs table's
        self.execute(exp.Cache(this=view.copy(), expression=rows))
        try:
            members = self.fetch(exp.select(exp.Count(this=exp.Star())).from_(view.copy())).rows[0][0]
            if after_delete is not None:
                after_delete()
            partition: exp.Expr
            if members:
                self._sql("SET spark.sql.sources.partitionOverwriteMode = dynamic")  # this session only
                written, partition = [*others, as_of], exp.column(as_of.copy())
            else:
                written, partition = others, exp.EQ(this=exp.column(as_of.copy()),
                                                    expression=exp.Literal.string(day.isoformat()))
            into = table.copy()
            into.set("partition", exp.Partition(expressions=[partition]))
            select = exp.select(*(exp.column(c.copy()) for c in written)).from_(view.copy())
            self.execute(exp.Insert(this=exp.Schema(this=into, expressions=[c.copy() for c in written]),
                                    expression=select, overwrite=True))
        finally:
            self._forget(view)
        return True

    def _check_partitioned(self, table: exp.Table, column: str) -> None:
        from pyspark.errors import PySparkException

        try:
            columns = self.connection.catalog.listColumns(table.sql("spark"))
        except PySparkException as exc:
            raise _rejected(exc) from None
        if [c.name.lower() for c in columns if c.isPartition] != [column]:
            raise error(f"{'.'.join(part.name for part in table.parts)} is not partitioned by {column}", None,
                        "on Spark a history day is a partition of the table, replaced whole: materialize into "
                        "a new table (segdsl creates it partitioned by as_of)")

    def _forget(self, view: exp.Table) -> None:
        """Drop the cached view; a failure here must not hide the error that may be on its way."""
        try:
            self.execute(exp.Uncache(this=view.copy(), exists=True))
            self.execute(exp.Drop(this=view.copy(), kind="VIEW", exists=True))
        except SegdslError:
            pass

    def catalog(self) -> Catalog:
        """Every table and view of the current catalog's databases, from one SHOW TABLE EXTENDED per database
        (the Catalog API would take a round trip per table)."""
        catalog: Catalog = {}
        for (database,) in self._rows("SHOW DATABASES"):
            listing = f"SHOW TABLE EXTENDED IN {exp.to_identifier(database, quoted=True).sql('spark')} LIKE '*'"
            for _, name, temporary, information in self._rows(listing):
                if not temporary:
                    catalog[(database.lower(), name.lower())] = schema_columns(information)
        return catalog

    def _rows(self, text: str) -> list[tuple[Any, ...]]:
        table = self._arrow(text)
        return list(zip(*(column.to_pylist() for column in table.columns)))

    def search_path(self) -> tuple[str, ...]:
        return (self.database,)

    def creation_schema(self) -> str | None:
        return self.database

    def close(self) -> None:
        _stop(self.connection)


def schema_columns(information: str) -> dict[str, str]:
    """The top-level columns (lower case) and their SQL type names in the schema tree that SHOW TABLE
    EXTENDED prints last in a table's `information`."""
    lines = information.splitlines()
    tree = lines[len(lines) - lines[::-1].index("Schema: root"):] if "Schema: root" in lines else []
    columns = {}
    for line in tree:
        top = _TOP_COLUMN.match(line)
        if top is not None:
            columns[top.group("name").lower()] = _SQL_TYPE.get(top.group("type"), top.group("type"))
    return columns


def _plain(exc: Exception) -> Exception:
    """A driver error; a gRPC one (its text a dump of the call) reduced to its details."""
    details = _GRPC_DETAILS.search(str(exc))
    return RuntimeError(details.group("details")) if details else exc


def _message(exc: Exception) -> str:
    return redact(first_line(_plain(exc)))


def _rejected(exc: Exception) -> SegdslError:
    return rejected(_plain(exc))


def _stop(spark: Any) -> None:
    """Release the session on the server (best effort: it times out there anyway)."""
    try:
        spark.stop()
    except Exception:
        pass
