"""Spark: pyspark in local mode."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Sequence
from typing import Any

from .base import _OPEN, EngineUnavailable, Table, _quote, _tail, normalize

_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


class SparkTables:
    """Tables loaded into a Spark session (`self._spark`, classic or Spark Connect) as external Parquet
    tables in `self._dir`, and queries on it: what SparkEngine and the Spark Connect server share."""

    TYPES = {"integer": "BIGINT", "decimal": "DECIMAL(18,4)", "double": "DOUBLE", "text": "STRING",
             "date": "DATE", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN", "json": "STRING"}

    _spark: Any
    _dir: str
    _generation: int
    _loaded: list[tuple[str, str]]
    _schemas: set[str]

    @staticmethod
    def _parquet(table: Table, path: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"integer": pa.int64(), "decimal": pa.decimal128(18, 4), "double": pa.float64(),
                 "text": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC"),
                 "boolean": pa.bool_(), "json": pa.string()}
        rows = table.canonical_rows()
        arrays = []
        for index, (_, kind) in enumerate(table.columns):
            values = [row[index] for row in rows]
            if kind == "timestamp":
                values = [None if v is None else v.replace(tzinfo=dt.timezone.utc) for v in values]
            arrays.append(pa.array(values, type=types[kind]))
        schema = pa.schema([(name, types[kind]) for name, kind in table.columns])
        os.makedirs(path)
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), os.path.join(path, "part-0.parquet"))

    def load(self, tables: Sequence[Table]) -> None:
        q = lambda name: _quote(name, "`")  # noqa: E731
        sql = self._spark.sql
        for schema, table in self._loaded:
            sql(f"DROP TABLE IF EXISTS {q(schema)}.{q(table)}")
        for schema in sorted(self._schemas):
            sql(f"DROP DATABASE IF EXISTS {q(schema)} CASCADE")
        self._loaded, self._schemas = [], set()
        data = os.path.join(self._dir, "data")
        shutil.rmtree(data, ignore_errors=True)
        self._generation += 1
        for schema in sorted({t.schema for t in tables if t.schema and t.schema != "default"}):
            sql(f"CREATE DATABASE {q(schema)}")
            self._schemas.add(schema)
        for index, table in enumerate(tables):
            schema = table.schema or "default"
            path = os.path.join(data, f"g{self._generation}", f"{index}-{schema}.{table.table}")
            self._parquet(table, path)
            columns = ", ".join(f"{q(c)} {self.TYPES[k]}" for c, k in table.columns)
            self._loaded.append((schema, table.table))
            sql(f"CREATE TABLE {q(schema)}.{q(table.table)} ({columns}) USING parquet LOCATION '{path}'")

    def query(self, sql: str) -> list[tuple]:
        from pyspark.sql.types import TimestampType

        frame = self._spark.sql(sql)
        hints = ["local_timestamp" if isinstance(f.dataType, TimestampType) else None for f in frame.schema.fields]
        return [tuple(normalize(v, h) for v, h in zip(row, hints)) for row in frame.collect()]


class SparkEngine(SparkTables):
    """pyspark in local mode: one SparkSession for the process, local[2],
    loopback only, no UI, session time zone UTC, in-memory catalog, a fresh
    warehouse and derby home in a temp folder, 2 shuffle partitions. The JVM's
    stdout/stderr go to <temp>/spark.log. Spark 4 runs with ANSI mode on (its
    default). Tables are external Parquet tables (see the module docstring);
    timestamps are Spark TIMESTAMP (with local time zone semantics, session
    zone UTC)."""

    name = "spark"
    dialect = "spark"

    def __init__(self) -> None:
        try:
            import pyarrow  # noqa: F401  (comes with chdb)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from pyspark import SparkConf, SparkContext
                from pyspark.java_gateway import launch_gateway
                from pyspark.sql import SparkSession
        except ImportError as exc:
            raise EngineUnavailable(f"{exc.name} not installed: pip install -e '.[test]'") from None
        if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
            raise EngineUnavailable("Java not found (pyspark needs Java 17+): apt-get install default-jre-headless")
        self._dir = tempfile.mkdtemp(prefix="segdsl-spark-")
        self._generation = 0
        self._loaded: list[tuple[str, str]] = []
        self._schemas: set[str] = set()
        self._spark = None
        _OPEN.append(self)
        log4j = os.path.join(self._dir, "log4j2.properties")
        with open(log4j, "w") as handle:
            handle.write(_LOG4J2)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        java_options = (f"-XX:-UsePerfData -Dderby.system.home={self._dir}/derby -Duser.timezone=UTC "
                        f"-Dlog4j2.configurationFile=file:{log4j}")
        conf = (SparkConf().setMaster("local[2]").setAppName("segdsl-tests")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                .set("spark.sql.session.timeZone", "UTC")
                .set("spark.sql.catalogImplementation", "in-memory")
                .set("spark.sql.warehouse.dir", os.path.join(self._dir, "warehouse"))
                .set("spark.driver.extraJavaOptions", java_options)
                .set("spark.sql.shuffle.partitions", "2").set("spark.default.parallelism", "2"))
        self.log = os.path.join(self._dir, "spark.log")
        try:  # pyspark 4 logs every failed query's context as JSON on stderr; the exception has it
            import logging

            from pyspark.logger import PySparkLogger

            for logger in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
                PySparkLogger.getLogger(logger).setLevel(logging.CRITICAL)
        except ImportError:
            pass
        try:
            with open(self.log, "wb") as out, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gateway = launch_gateway(conf, popen_kwargs={"stdout": out, "stderr": out,
                                                             "start_new_session": True})
                self._gateway = gateway
                context = SparkContext(gateway=gateway, conf=conf)
                context.setLogLevel("ERROR")
                self._spark = SparkSession(context)
        except Exception as exc:
            self.close()
            raise EngineUnavailable(f"Spark did not start: {exc}\n{_tail(self.log)}") from None

    def close(self) -> None:
        if self in _OPEN:
            _OPEN.remove(self)
        if self._spark is not None:
            spark, self._spark = self._spark, None
            try:
                spark.stop()
            except Exception:
                pass
        gateway = getattr(self, "_gateway", None)
        if gateway is not None:
            self._gateway = None
            from pyspark import SparkContext

            try:
                gateway.shutdown()
            except Exception:
                pass
            process = getattr(gateway, "proc", None)
            if process is not None:
                if process.stdin is not None:
                    process.stdin.close()  # pyspark's signal to the JVM to exit; the pipe is ours to close
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(20)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
            SparkContext._gateway = None
            SparkContext._jvm = None
        shutil.rmtree(self._dir, ignore_errors=True)
