"""Databases segdsl runs compiled SQL on, behind one small interface.

A Target knows its SQL dialect, renders and runs a sqlglot statement, and
lists its tables and columns (a Catalog) so a program can be checked
against it before it runs. The runner, the insight commands and the jobs
only ever talk to a Target; each kind of database is a small subclass.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import duckdb
from sqlglot import exp

from .catalog import Catalog, duckdb_catalog
from .dialects import statement as dialect_statement
from .errors import error


@dataclass(frozen=True)
class Result:
    columns: tuple[str, ...]
    rows: list[tuple]


class Target(ABC):
    """An open database: its dialect, its catalog, and rows for a statement."""

    dialect: str
    default_schema: str  # where an unqualified table name is looked up

    def render(self, statement: exp.Expression) -> str:
        """The statement as this target's SQL text."""
        return dialect_statement(statement, self.dialect).sql(dialect=self.dialect)

    @abstractmethod
    def fetch(self, statement: exp.Expression) -> Result:
        """Run one statement; a database error becomes a user error naming the database's message."""

    @abstractmethod
    def catalog(self) -> Catalog:
        """Every table this target can read, with its columns and their types."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> "Target":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class DuckDBTarget(Target):
    """A DuckDB connection: a database file, views over CSV/Parquet files, or the demo data."""

    dialect = "duckdb"
    default_schema = "main"

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection

    def fetch(self, statement: exp.Expression) -> Result:
        try:
            cursor = self.connection.execute(self.render(statement))
            return Result(tuple(d[0] for d in cursor.description), cursor.fetchall())
        except duckdb.Error as exc:
            raise error(f"the database rejected the query: {first_line(exc)}") from None

    def catalog(self) -> Catalog:
        return duckdb_catalog(self.connection)

    def close(self) -> None:
        self.connection.close()


class PostgresTarget(Target):
    """A PostgreSQL database reached with psycopg (the `postgres` extra)."""

    dialect = "postgres"
    default_schema = "public"

    def __init__(self, connection):
        self.connection = connection

    @classmethod
    def connect(cls, url: str) -> "PostgresTarget":
        try:
            import psycopg
        except ImportError:
            raise error("PostgreSQL targets need psycopg", None, "pip install 'segdsl[postgres]'") from None
        try:
            return cls(psycopg.connect(url, autocommit=True))
        except psycopg.Error as exc:
            raise error(f"cannot connect to PostgreSQL: {first_line(exc)}") from None

    def fetch(self, statement: exp.Expression) -> Result:
        import psycopg

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(self.render(statement))
                return Result(tuple(d.name for d in cursor.description), cursor.fetchall())
        except psycopg.Error as exc:
            raise error(f"the database rejected the query: {first_line(exc)}") from None

    def catalog(self) -> Catalog:
        catalog: Catalog = {}
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
                           "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
                           "ORDER BY table_schema, table_name, ordinal_position")
            for schema, table, column, kind in cursor.fetchall():
                catalog.setdefault((schema.lower(), table.lower()), {})[column.lower()] = kind
        return catalog

    def close(self) -> None:
        self.connection.close()


def first_line(exc: Exception) -> str:
    """The first line of a driver's error message, for a one-line user error."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
