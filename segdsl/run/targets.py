"""Databases segdsl runs compiled SQL on, behind one small interface.

A Target knows its SQL dialect, renders and runs a sqlglot statement, and
lists its tables and columns (a Catalog) so a program can be checked
against it before it runs. The runner, the insight commands and the jobs
only ever talk to a Target; each kind of database is a small subclass.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from .. import dialects
from ..dialects.render import one_line
from ..errors import SegdslError, error
from ..frozen import frozen
from .catalog import Catalog, duckdb_catalog
from .redact import hide, redact


@frozen
class Result:
    columns: tuple[str, ...]
    rows: list[tuple]


class Target(ABC):
    """An open database: its dialect, its catalog, and rows for a statement."""

    dialect: str
    connection: Any  # the driver's connection

    def render(self, statement: exp.Expr) -> str:
        """The statement as this target's SQL text."""
        dialect = dialects.get(self.dialect)
        return one_line(dialect.statement(statement), dialect)

    @abstractmethod
    def fetch(self, statement: exp.Expr) -> Result:
        """Run one statement; a database error becomes a user error naming the database's message."""

    @abstractmethod
    def catalog(self) -> Catalog:
        """Every table this target can read, with its columns and their types."""

    @abstractmethod
    def search_path(self) -> tuple[str, ...]:
        """The schemas the database looks an unqualified table name up in, first to last, spelled as it spells
        them (some may hold nothing the catalog lists)."""

    @abstractmethod
    def creation_schema(self) -> str | None:
        """The schema CREATE TABLE puts an unqualified table in; None where no schema of the search path exists."""

    def close(self) -> None:
        """Release the connection."""
        self.connection.close()

    def execute(self, statement: exp.Expr) -> None:
        """Run one statement that returns no rows (DDL, DELETE, INSERT)."""
        raise error(f"{type(self).__name__} cannot write")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together, or not at all when anything raises."""
        raise error(f"{type(self).__name__} cannot write")
        yield

    def replace_day(self, table: exp.Table, exists: bool, day: date, rows: exp.Select,
                    after_delete: Callable[[], None] | None = None) -> bool:
        """Replace a history table's rows of `day` with `rows` (creating the table when it does not exist) in
        steps that each leave the table whole, on a database whose transactions cannot hold materialize's
        CREATE, DELETE and INSERT together; `after_delete` runs before the step that writes. False where
        they can: materialize then runs them in `transaction`."""
        return False

    def __enter__(self) -> Target:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _SelfExecuting(Target):
    """A connection that runs statements itself (`connection.execute` gives a cursor): DuckDB, sqlite3."""

    driver_error: type[Exception]

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def fetch(self, statement: exp.Expr) -> Result:
        try:
            cursor = self.connection.execute(self.render(statement))
            return Result(tuple(d[0] for d in cursor.description), cursor.fetchall())
        except self.driver_error as exc:
            raise rejected(exc) from None

    def execute(self, statement: exp.Expr) -> None:
        try:
            self.connection.execute(self.render(statement))
        except self.driver_error as exc:
            raise rejected(exc) from None


DUCKDB_CATALOG = "segdsl_target"


def open_duckdb_file(path: str | Path, writable: bool) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is the file, attached under a fixed name.

    DuckDB names a file's catalog after its stem, so a file named like one of its schemas
    (shop.duckdb holding shop.customers) would make every qualified name ambiguous.
    """
    con = duckdb.connect()
    try:
        options = [] if writable else [exp.AttachOption(this=exp.var("READ_ONLY"))]
        source = exp.alias_(exp.Literal.string(str(path)), DUCKDB_CATALOG)
        con.execute(exp.Attach(this=source, exists=False, expressions=options).sql("duckdb"))
        con.execute(exp.Use(this=exp.table_(DUCKDB_CATALOG)).sql("duckdb"))
    except BaseException:
        con.close()
        raise
    return con


class DuckDBTarget(_SelfExecuting):
    """A DuckDB connection: a database file, views over CSV/Parquet files, or the demo data."""

    dialect = "duckdb"
    driver_error = duckdb.Error

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            self.connection.begin()
        except duckdb.Error as exc:
            raise rejected(exc, "cannot start a transaction") from None
        try:
            yield
        except BaseException:
            self.connection.rollback()
            raise
        try:
            self.connection.commit()
        except duckdb.Error as exc:
            raise rejected(exc, "the database could not commit") from None

    def catalog(self) -> Catalog:
        return duckdb_catalog(self.connection)

    def search_path(self) -> tuple[str, ...]:
        """The schemas of the search_path setting, then main, which DuckDB searches after them. (Temporary
        tables, searched first, and other attached databases are not in the catalog: qualify them.)"""
        schemas = self.fetch(exp.select(exp.Anonymous(this="current_schemas", expressions=[exp.false()]))).rows[0][0]
        return tuple(dict.fromkeys([*schemas, "main"]))

    def creation_schema(self) -> str | None:
        return self.fetch(exp.select(exp.CurrentSchema())).rows[0][0]


class PostgresTarget(Target):
    """A PostgreSQL database reached with psycopg (the `postgres` extra)."""

    dialect = "postgres"

    def __init__(self, connection):
        self.connection = connection

    @classmethod
    def connect(cls, url: str) -> PostgresTarget:
        try:
            import psycopg
        except ImportError:
            raise error("PostgreSQL targets need psycopg", None, "pip install 'segdsl[postgres]'") from None
        hide(url)
        try:
            return cls(psycopg.connect(url, autocommit=True))
        except psycopg.Error as exc:
            raise rejected(exc, "cannot connect to PostgreSQL") from None

    def fetch(self, statement: exp.Expr) -> Result:
        import psycopg

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(self.render(statement))
                return Result(tuple(d.name for d in cursor.description), cursor.fetchall())
        except psycopg.Error as exc:
            raise rejected(exc) from None

    def execute(self, statement: exp.Expr) -> None:
        import psycopg

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(self.render(statement))
        except psycopg.Error as exc:
            raise rejected(exc) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; on a connection without autocommit, only when no transaction is open
        (psycopg would nest a savepoint in it, and nothing would be committed)."""
        import psycopg

        if (not self.connection.autocommit
                and self.connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE):
            raise error("the connection has a transaction open", None, "commit or roll back before writing")
        try:
            with self.connection.transaction():
                yield
        except psycopg.Error as exc:  # the rollback itself failed, e.g. on a lost connection
            raise rejected(exc, "the transaction failed and was not committed") from None

    def catalog(self) -> Catalog:
        catalog: Catalog = {}
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
                           "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
                           "ORDER BY table_schema, table_name, ordinal_position")
            for schema, table, column, kind in cursor.fetchall():
                catalog.setdefault((schema.lower(), table.lower()), {})[column.lower()] = kind
        return catalog

    def search_path(self) -> tuple[str, ...]:
        """The effective search_path, as PostgreSQL searches it: with the temporary schema and pg_catalog."""
        schemas = exp.Anonymous(this="current_schemas", expressions=[exp.true()])
        return tuple(self.fetch(exp.select(schemas)).rows[0][0])

    def creation_schema(self) -> str | None:
        """The first schema of the search_path that exists (current_schema()); None when none does."""
        return self.fetch(exp.select(exp.CurrentSchema())).rows[0][0]


class SQLiteTarget(_SelfExecuting):
    """A sqlite3 connection given to the Python API; attached databases are schemas."""

    dialect = "sqlite"
    driver_error = sqlite3.Error

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """An explicit BEGIN: sqlite3 would otherwise leave the CREATE TABLE outside the transaction."""
        if self.connection.in_transaction:
            raise error("the connection has a transaction open", None, "commit or roll back before writing")
        self.connection.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.connection.rollback()
            raise
        self.connection.commit()

    def catalog(self) -> Catalog:
        catalog: Catalog = {}
        for _, schema, _ in self.connection.execute("PRAGMA database_list").fetchall():
            quoted = exp.to_identifier(schema, quoted=True).sql("sqlite")
            names = self.connection.execute(f"SELECT name FROM {quoted}.sqlite_master "
                                            "WHERE type IN ('table', 'view')").fetchall()
            for (name,) in names:
                info = self.connection.execute(f"PRAGMA {quoted}.table_info("
                                               f"{exp.Literal.string(name).sql('sqlite')})").fetchall()
                catalog[(schema.lower(), name.lower())] = {column.lower(): kind for _, column, kind, *_ in info}
        return catalog

    def search_path(self) -> tuple[str, ...]:
        """SQLite's order: the temporary database, main, then the attached ones, earliest attached first."""
        attached = [name for _, name, _ in self.connection.execute("PRAGMA database_list").fetchall()]
        return tuple(dict.fromkeys(["temp", "main", *attached]))

    def creation_schema(self) -> str | None:
        return "main"


DriverErrors = type[Exception] | tuple[type[Exception], ...]


class DBAPITarget(Target):
    """Any other PEP 249 connection, with its dialect named by the caller (e.g. pymysql and "mysql").

    The catalog comes from information_schema; unqualified tables are looked
    up in, and created in, the connection's current schema. `transaction` begins (where the
    driver can) and commits or rolls back; on MySQL, CREATE TABLE commits by
    itself, so a failed first run may leave an empty history table. A driver
    module (run/drivers) subclasses it where its engine differs.
    """

    # schemas of the engine's own, never a user's tables
    system_schemas: tuple[str, ...] = ("information_schema", "pg_catalog", "mysql", "performance_schema", "sys")

    def __init__(self, connection: Any, dialect: str, errors: DriverErrors | None = None):
        """`errors`: the driver's exception classes (default: its module's PEP 249 `Error`)."""
        self.dialect = dialects.get(dialect).name
        self.connection = connection
        driver = sys.modules.get(type(connection).__module__.split(".")[0])
        default: DriverErrors = getattr(driver, "Error", Exception)
        self._errors = errors or default
        self.schema: str | None = self.current_schema()

    def current_schema(self) -> str | None:
        """The schema unqualified names are read from, as the database reports it."""
        value = self._run(exp.select(exp.CurrentSchema()))[1][0][0]
        return None if value is None else str(value)

    def _run(self, statement: exp.Expr) -> tuple[tuple[str, ...], list[tuple]]:
        try:
            cursor = self.connection.cursor()
            try:
                cursor.execute(self.render(statement))
                if cursor.description is None:
                    return (), []
                return tuple(d[0] for d in cursor.description), [tuple(row) for row in cursor.fetchall()]
            finally:
                cursor.close()
        except self._errors as exc:
            raise rejected(exc) from None

    def fetch(self, statement: exp.Expr) -> Result:
        return Result(*self._run(statement))

    def execute(self, statement: exp.Expr) -> None:
        self._run(statement)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        begin = getattr(self.connection, "begin", None)
        if callable(begin):
            begin()
        try:
            yield
        except BaseException:
            self.connection.rollback()
            raise
        try:
            self.connection.commit()
        except self._errors as exc:
            raise rejected(exc, "the database could not commit") from None

    def search_path(self) -> tuple[str, ...]:
        return (self.schema,) if self.schema else ()

    def creation_schema(self) -> str | None:
        return self.schema or None

    def catalog_query(self) -> exp.Select:
        """(schema, table, column, type) of every column the catalog lists, from information_schema.

        Upper-case names: they mean the same unquoted on every engine, and a SQL Server database with a
        case-sensitive collation knows only those."""
        columns = [exp.column(c) for c in ("TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE")]
        system = [exp.Literal.string(s) for s in self.system_schemas]
        return (exp.select(*columns).from_(exp.table_("COLUMNS", db="INFORMATION_SCHEMA"))
                .where(exp.not_(exp.In(this=exp.Lower(this=exp.column("TABLE_SCHEMA")), expressions=system))))

    def catalog(self) -> Catalog:
        catalog: Catalog = {}
        for schema, table, column, kind in self._run(self.catalog_query())[1]:
            catalog.setdefault((str(schema).lower(), str(table).lower()), {})[str(column).lower()] = str(kind)
        return catalog


class AutocommitTarget(DBAPITarget):
    """A PEP 249 connection to an engine where each statement commits by itself (BigQuery's DB-API, Databricks,
    Trino's connectors): `transaction` groups nothing, so a run stopped between deleting a day's history rows and
    inserting them leaves that day without rows until it runs again."""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        yield


def connection_target(connection: object, dialect: str | None = None) -> Target:
    """A Target over a DB-API connection the caller owns: DuckDB, sqlite3 and psycopg (3) are recognized;
    any other PEP 249 connection needs its dialect named."""
    import sqlite3

    target: Target
    if isinstance(connection, duckdb.DuckDBPyConnection):
        target = DuckDBTarget(connection)
    elif isinstance(connection, sqlite3.Connection):
        target = SQLiteTarget(connection)
    elif type(connection).__module__.split(".")[0] == "psycopg":
        target = PostgresTarget(connection)
    elif dialect is not None and callable(getattr(connection, "cursor", None)):
        return DBAPITarget(connection, dialect)
    else:
        raise error(f"cannot tell the SQL dialect of a {type(connection).__module__}.{type(connection).__name__} "
                    "connection", None, "pass dialect=..., e.g. dialect=\"mysql\" for a pymysql connection")
    if dialect is not None and dialects.get(dialect) is not dialects.get(target.dialect):
        raise error(f"a {target.dialect} connection runs the {target.dialect} dialect, not {dialect}")
    return target


def rejected(exc: Exception, what: str = "the database rejected the query") -> SegdslError:
    """A driver's error as a one-line user error, with any password masked."""
    message = redact(first_line(exc))
    return error(f"{what}: {message}", None, TOO_DEEP_HINT if TOO_DEEP.search(message) else None)


# how DuckDB, SQLite, PostgreSQL, ClickHouse, SQL Server and MySQL refuse a statement nested too deeply
TOO_DEEP = re.compile(r"expression depth|expression tree is too large|stack depth limit|maximum parse depth"
                      r"|nested too deeply|thread stack overrun", re.IGNORECASE)
TOO_DEEP_HINT = ("the SQL nests deeper than this database allows: there, each + - * / of an arithmetic chain is a "
                 "level (and on SQLite each and/or of a chain); see Limits in segdsl's README")


def first_line(exc: Exception) -> str:
    """The first line of a driver's error message, for a one-line user error."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
