"""Fixtures for running SQL on real database engines (see tests/engines/).

Session-scoped fixtures, each started lazily by the first test that asks for
it and stopped at the end of the session:

    duckdb_engine  sqlite_engine  postgres_engine  mysql_engine  clickhouse_engine  spark_engine
    trino_engine
    engine         parametrized over all of the above (test ids: [duckdb], [postgres], ...)
    spark_connect  a local Spark Connect server (engines/spark_connect.py), for `--db sc://...`;
                   selected, and skipped or failed, with the spark engine
    fakesnow_engine  bqemulator_engine   the Snowflake and BigQuery stand-ins: never in `engine`
                   (tests/dialects/test_standins.py)

Each is an `engines.Engine`: `load([Table(...)])`, `query(sql)`, `dialect`.

An engine that cannot start on this machine (server not installed, no Java):
- with the environment variable CI set (CI=true, as in .ci/run) the tests
  that use it FAIL with the reason: a missing engine must fail loudly in CI;
- otherwise they are skipped with the reason, e.g. "PostgreSQL server
  binaries ... not found: apt-get install postgresql".
A start is tried once per session; later tests get the same failure at once.

Fast local runs: SEGDSL_ENGINES=duckdb,sqlite (a comma list of engine names)
limits the engines that the `engine` fixture yields; the named fixtures of
the other engines (postgres_engine, ...) skip their tests, in CI too. The
list may name stand-ins too (fakesnow, bqemulator); a list without them skips them.

    SEGDSL_ENGINES=duckdb,sqlite python -m pytest

The time each engine took to start is printed at the end of the run.

Runs with the clock faked to awkward days (not in CI): tests/README.md.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import engines as engine_lib
import pytest
from engines.spark_connect import SparkConnectServer


def _in_ci() -> bool:
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "0", "false", "no")


KNOWN = engine_lib.ENGINE_NAMES + engine_lib.STANDIN_NAMES


def _selected() -> tuple[tuple[str, ...], list[str]]:
    raw = os.environ.get("SEGDSL_ENGINES", "").strip()
    if not raw:
        return KNOWN, []
    names = [name.strip().lower() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in KNOWN]
    return tuple(name for name in KNOWN if name in names), unknown


CHOSEN, _UNKNOWN = _selected()
SELECTED = tuple(name for name in CHOSEN if name in engine_lib.ENGINE_NAMES)   # the real engines `engine` yields


def pytest_configure(config: pytest.Config) -> None:
    if _UNKNOWN:
        raise pytest.UsageError(f"SEGDSL_ENGINES names unknown engines {', '.join(_UNKNOWN)}: "
                                f"choose from {', '.join(KNOWN)}")


class _Pool:
    """Engines started so far in this session, and the ones that could not start."""

    def __init__(self) -> None:
        self.started: dict[str, Any] = {}
        self.failed: dict[str, str] = {}
        self.seconds: dict[str, float] = {}

    def get(self, name: str, start: Callable[[], Any] | None = None, selected_as: str | None = None) -> Any:
        """The engine (or server) `name`, started by `start` (default: the engine registry) on first use;
        it runs when `selected_as` (default: `name`) is a selected engine."""
        if (selected_as or name) not in CHOSEN:
            pytest.skip(f"{name}: not in SEGDSL_ENGINES={os.environ.get('SEGDSL_ENGINES', '')}")
        if name not in self.started and name not in self.failed:
            began = time.perf_counter()
            try:
                self.started[name] = (start or (lambda: engine_lib.start(name)))()
            except engine_lib.EngineUnavailable as exc:
                self.failed[name] = str(exc)
            self.seconds[name] = time.perf_counter() - began
        if name in self.failed:
            message = f"engine {name} cannot start: {self.failed[name]}"
            if _in_ci():
                pytest.fail(message + "\n(CI is set: a missing engine fails the run)", pytrace=False)
            pytest.skip(message)
        return self.started[name]

    def close(self) -> None:
        for engine in self.started.values():
            try:
                engine.close()
            except Exception:  # pragma: no cover - best effort at session end
                pass
        self.started.clear()


_POOL = _Pool()


@pytest.fixture(scope="session")
def _engine_pool():
    yield _POOL
    _POOL.close()


@pytest.fixture(scope="session")
def duckdb_engine(_engine_pool: _Pool) -> engine_lib.Engine:
    return _engine_pool.get("duckdb")


@pytest.fixture(scope="session")
def sqlite_engine(_engine_pool: _Pool) -> engine_lib.Engine:
    return _engine_pool.get("sqlite")


@pytest.fixture(scope="session")
def postgres_engine(_engine_pool: _Pool) -> engine_lib.Engine:
    return _engine_pool.get("postgres")


@pytest.fixture(scope="session")
def mysql_engine(_engine_pool: _Pool) -> engine_lib.Engine:
    return _engine_pool.get("mysql")


@pytest.fixture(scope="session")
def clickhouse_engine(_engine_pool: _Pool) -> engine_lib.Engine:
    return _engine_pool.get("clickhouse")


@pytest.fixture(scope="session")
def spark_engine(_engine_pool: _Pool) -> engine_lib.Engine:
    return _engine_pool.get("spark")


@pytest.fixture(scope="session")
def trino_engine(_engine_pool: _Pool) -> engine_lib.Engine:
    return _engine_pool.get("trino")


@pytest.fixture(scope="session")
def spark_connect(_engine_pool: _Pool) -> SparkConnectServer:
    return _engine_pool.get("spark_connect", SparkConnectServer, selected_as="spark")


@pytest.fixture(scope="session")
def fakesnow_engine(_engine_pool: _Pool) -> engine_lib.Engine:
    return _engine_pool.get("fakesnow")


@pytest.fixture(scope="session")
def bqemulator_engine(_engine_pool: _Pool) -> engine_lib.Engine:
    return _engine_pool.get("bqemulator")


@pytest.fixture(scope="session", params=SELECTED, ids=SELECTED)
def engine(request: pytest.FixtureRequest) -> engine_lib.Engine:
    """Every selected engine in turn (see SEGDSL_ENGINES in the module docstring)."""
    return request.getfixturevalue(f"{request.param}_engine")


def pytest_terminal_summary(terminalreporter) -> None:
    if not _POOL.seconds:
        return
    parts = [f"{name} {seconds:.1f}s" + (" (unavailable)" if name in _POOL.failed else "")
             for name, seconds in _POOL.seconds.items()]
    terminalreporter.write_line("engine start times: " + ", ".join(parts))
