"""A local Spark Connect server: pyspark's own, started with its spark-submit, for `--db sc://...` tests.

    server = SparkConnectServer()          # raises EngineUnavailable with what to install
    server.url                             # sc://127.0.0.1:PORT
    server.load([Table(...)]); server.query("SELECT ...")   # as the spark engine does, through Spark Connect
    server.close()

The server is `org.apache.spark.sql.connect.service.SparkConnectServer` from the jars pyspark 4 ships,
run in the foreground as a process group of its own: local[2], loopback only (gRPC and the driver),
a free port, no UI, session time zone UTC, in-memory catalog, a warehouse, Derby home and Spark
configuration folder in a fresh temporary folder (so no spark-defaults.conf of the machine applies),
the JVM's output in <temp>/spark.log (`log`: errors, and each operation the server takes). close()
kills the process group and deletes the folder; so does the test session's exit. Starting takes
15-30 s on 2 cores. The benchmark (bench/spark_bench.py) starts one with a larger heap.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import warnings

from .base import _OPEN, EngineUnavailable, _free_port, _tail
from .spark import _LOG4J2, SparkTables

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
# errors only, and each operation the server takes ("ExecuteHolder ExecuteKey(..., <operation id>) is created"):
# a test that kills a client once the server has its statement waits for that line
LOG4J2 = _LOG4J2 + """\
logger.operations.name = org.apache.spark.sql.connect.service.SparkConnectExecutionManager
logger.operations.level = info
"""
START_SECONDS = 240  # the server has this long to listen before it counts as unable to start


class SparkConnectServer(SparkTables):
    """A Spark Connect server in a process of its own, and a client session on it for loading tables."""

    name = "spark_connect"
    dialect = "spark"

    def __init__(self, driver_memory: str = "1g", cores: int = 2) -> None:
        spark_home = _spark_home()
        if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
            raise EngineUnavailable("Java not found (Spark needs Java 17+): apt-get install default-jre-headless")
        self._dir = tempfile.mkdtemp(prefix="segdsl-spark-connect-")
        self._generation, self._loaded, self._schemas = 0, [], set()
        self._spark = None
        self.log = os.path.join(self._dir, "spark.log")
        self.warehouse = os.path.join(self._dir, "warehouse")
        conf = os.path.join(self._dir, "conf")
        os.makedirs(conf)
        with open(os.path.join(conf, "log4j2.properties"), "w") as handle:
            handle.write(LOG4J2)
        port = _free_port()
        settings = {
            "spark.connect.grpc.binding.address": "127.0.0.1", "spark.connect.grpc.binding.port": str(port),
            "spark.driver.bindAddress": "127.0.0.1", "spark.driver.host": "127.0.0.1",
            "spark.ui.enabled": "false", "spark.sql.session.timeZone": "UTC",
            "spark.sql.catalogImplementation": "in-memory", "spark.sql.warehouse.dir": self.warehouse,
            "spark.sql.shuffle.partitions": str(cores), "spark.default.parallelism": str(cores),
        }
        command = [os.path.join(spark_home, "bin", "spark-submit"), "--class", SERVER_CLASS,
                   "--master", f"local[{cores}]", "--driver-memory", driver_memory,
                   "--driver-java-options", f"-XX:-UsePerfData -Duser.timezone=UTC "
                                            f"-Dderby.system.home={self._dir}/derby"]
        for key, value in settings.items():
            command += ["--conf", f"{key}={value}"]
        env = {**os.environ, "SPARK_HOME": spark_home, "SPARK_CONF_DIR": conf, "SPARK_LOCAL_IP": "127.0.0.1"}
        _OPEN.append(self)
        with open(self.log, "wb") as out:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                command, cwd=self._dir, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.port = port
        self.url = f"sc://127.0.0.1:{port}"
        try:
            self._wait_listening()
        except EngineUnavailable:
            self.close()
            raise

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise EngineUnavailable(f"the Spark Connect server exited ({self._process.returncode}):\n"
                                        f"{_tail(self.log)}")
            with socket.socket() as probe:
                probe.settimeout(1)
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.25)
        raise EngineUnavailable(f"the Spark Connect server did not listen within {START_SECONDS} s:\n"
                                f"{_tail(self.log)}")

    @property
    def pid(self) -> int | None:
        """The server's process (the JVM: spark-submit execs it)."""
        return self._process.pid if self._process is not None else None

    def session(self):
        """This process's client session on the server (created on first use)."""
        if self._spark is None:
            import logging

            from pyspark.logger import PySparkLogger
            from pyspark.sql.connect.session import SparkSession

            for logger in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
                PySparkLogger.getLogger(logger).setLevel(logging.CRITICAL)
            self._spark = SparkSession.builder.remote(self.url).create()
        return self._spark

    def load(self, tables) -> None:
        self.session()
        super().load(tables)

    def query(self, sql: str) -> list[tuple]:
        self.session()
        return super().query(sql)

    def close(self) -> None:
        if self in _OPEN:
            _OPEN.remove(self)
        if self._spark is not None:
            spark, self._spark = self._spark, None
            try:
                spark.stop()
            except Exception:
                pass
        process, self._process = getattr(self, "_process", None), None
        if process is not None and process.poll() is None:
            for signal_, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, None)):
                try:
                    os.killpg(process.pid, signal_)
                    process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
                except ProcessLookupError:
                    break
        shutil.rmtree(self._dir, ignore_errors=True)


def _spark_home() -> str:
    """The folder of the pyspark package: its bin/spark-submit and jars/ (with spark-connect) run a server."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pyarrow  # noqa: F401
            import pyspark
            import pyspark.sql.connect.session  # checks grpcio and the client's other needs
    except ImportError as exc:
        raise EngineUnavailable(f"{exc.name or exc} not installed (the Spark Connect client): "
                                "pip install -e '.[test]'") from None
    home = os.path.dirname(pyspark.__file__)
    jars = os.path.join(home, "jars")
    if not os.path.isdir(jars) or not any(name.startswith("spark-connect_") for name in os.listdir(jars)):
        raise EngineUnavailable(f"pyspark at {home} has no Spark Connect server jar (jars/spark-connect_*.jar): "
                                "pip install 'pyspark>=4'")
    return home
