"""BigQuery's stand-in: bqemulator, a local server of BigQuery's REST API that runs GoogleSQL on DuckDB.

Not a real engine (not in ENGINE_NAMES): bqemulator translates each query to DuckDB's SQL with
sqlglot, the library segdsl compiles with, so agreement with the reference evaluator is weak evidence
and a disagreement is strong evidence. It is also more lenient than BigQuery: it compares a DATETIME or
a DATE column with a TIMESTAMP, which BigQuery refuses.

bqemulator pins sqlglot <30.12 and segdsl pins sqlglot==30.30.0, so the server runs from an environment
of its own (bqemulator-requirements.txt; .ci/run makes it in .venv-bqemulator), and this class talks
to it over HTTP, as the BigQuery client library does (jobs.query, tabledata.insertAll). bqemulator loads
DuckDB's spatial extension at start, which DuckDB downloads from its own site unless it is installed:
the environment has it from PyPI (duckdb-extension-spatial) and the server's HOME gets it in DuckDB's
extension folder. SEGDSL_BQEMULATOR_PYTHON names that environment's Python when it is elsewhere.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .base import _OPEN, EngineUnavailable, StandinError, Table, _free_port, _quote, _tail, normalize

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "bqemulator-requirements.txt"
DEFAULT_PYTHON = HERE.parents[1] / ".venv-bqemulator" / "bin" / "python"
PROJECT = "segdsl"
DEFAULT_DATASET = "segdsl"   # unqualified tables: each query names it as its default (bqemulator 1.4.0 ignores that)
_EPOCH = dt.datetime(1970, 1, 1)


def _name(name: str) -> str:
    return _quote(name, "`")


class BigQueryEmulatorEngine:
    """bqemulator serving on two loopback ports, in memory, its files in a temporary folder.
    Tables are created by DDL with BigQuery's types and filled through tabledata.insertAll; load
    drops the datasets of the previous load."""

    name = "bqemulator"
    dialect = "bigquery"
    # NUMERIC(18, 4), not NUMERIC: bqemulator makes a bare NUMERIC DuckDB's DECIMAL, which is DECIMAL(18,3)
    # and rounds -3.1416 to -3.142 (BigQuery's NUMERIC keeps 9 places)
    TYPES = {"integer": "INT64", "decimal": "NUMERIC(18, 4)", "double": "FLOAT64", "text": "STRING", "date": "DATE",
             "timestamp": "TIMESTAMP", "boolean": "BOOL", "json": "STRING"}

    def __init__(self) -> None:
        python = Path(os.environ.get("SEGDSL_BQEMULATOR_PYTHON") or DEFAULT_PYTHON)
        server = python.parent / "bqemulator"
        if not os.access(server, os.X_OK):
            raise EngineUnavailable(
                f"bqemulator's environment not found ({server}): python3 -m venv .venv-bqemulator && "
                f".venv-bqemulator/bin/pip install -r {REQUIREMENTS.relative_to(HERE.parents[1])} "
                "(or set SEGDSL_BQEMULATOR_PYTHON to its python)")
        extensions = sorted(python.parent.parent.glob(
            "lib/python*/site-packages/duckdb_extension_spatial/extensions/v*/spatial.duckdb_extension"))
        if not extensions:
            raise EngineUnavailable(f"DuckDB's spatial extension is not in {python.parent.parent}: "
                                    f"pip install -r {REQUIREMENTS.name} there")
        self._dir = tempfile.mkdtemp(prefix="segdsl-bqemulator-")
        machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
        folder = Path(self._dir, ".duckdb", "extensions", extensions[-1].parent.name, f"linux_{machine}")
        folder.mkdir(parents=True)
        (folder / "spatial.duckdb_extension").symlink_to(extensions[-1])
        port = _free_port()
        self._url = f"http://127.0.0.1:{port}/bigquery/v2/projects/{PROJECT}"
        self._log = os.path.join(self._dir, "server.log")
        with open(self._log, "wb") as log:
            self._process = subprocess.Popen(
                [str(server), "start", "--rest-port", str(port), "--grpc-port", str(_free_port()),
                 "--project", PROJECT, "--ephemeral", "--log-level", "warning"],
                env={**os.environ, "HOME": self._dir}, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        _OPEN.append(self)
        deadline = time.monotonic() + 90
        while True:
            if self._process.poll() is not None:
                self.close()
                raise EngineUnavailable(f"bqemulator exited ({self._process.returncode}):\n{_tail(self._log)}")
            try:
                self._call("GET", "/datasets")
                break
            except (OSError, StandinError):
                if time.monotonic() > deadline:
                    self.close()
                    raise EngineUnavailable(f"bqemulator did not answer in 90 s:\n{_tail(self._log)}") from None
                time.sleep(0.3)
        self._datasets: set[str] = set()
        self._tables: list[Table] | None = None

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(self._url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise StandinError(f"HTTP {exc.code}: {exc.read().decode(errors='replace')[:3000]}") from None
        errors = answer.get("errors") or answer.get("insertErrors")
        if errors:
            raise StandinError(json.dumps(errors)[:3000])
        return answer

    def _execute(self, sql: str) -> dict:
        default = {"projectId": PROJECT, "datasetId": DEFAULT_DATASET}
        answer = self._call("POST", "/queries",
                            {"query": sql, "useLegacySql": False, "timeoutMs": 300000, "defaultDataset": default})
        job = f"/queries/{answer['jobReference']['jobId']}"
        while not answer.get("jobComplete", True):
            answer = self._call("GET", job)
        rows = list(answer.get("rows", []))
        while answer.get("pageToken"):
            answer = self._call("GET", f"{job}?pageToken={answer['pageToken']}")
            rows += answer.get("rows", [])
        answer["rows"] = rows
        return answer

    @staticmethod
    def _json_value(value: Any, kind: str) -> Any:
        if value is None or kind in ("boolean", "double", "text", "json"):
            return value
        if kind == "timestamp":
            return f"{value.strftime('%Y-%m-%d %H:%M:%S')}.{value.microsecond:06d}"
        return value.isoformat() if kind == "date" else str(value)

    def load(self, tables: Sequence[Table]) -> None:
        """Create the tables and insert the rows, unless these very tables are loaded already (queries only read)."""
        tables = list(tables)
        if tables == self._tables:
            return
        self._tables = None
        for dataset in sorted(self._datasets):
            self._execute(f"DROP SCHEMA IF EXISTS {_name(dataset)} CASCADE")
        self._datasets = {t.schema or DEFAULT_DATASET for t in tables}
        for dataset in sorted(self._datasets):
            self._execute(f"CREATE SCHEMA {_name(dataset)}")
        for table in tables:
            dataset = table.schema or DEFAULT_DATASET
            columns = ", ".join(f"{_name(c)} {self.TYPES[k]}" for c, k in table.columns)
            self._execute(f"CREATE TABLE {_name(dataset)}.{_name(table.table)} ({columns})")
            rows = [{"json": {c: self._json_value(v, k) for (c, k), v in zip(table.columns, row)}}
                    for row in table.canonical_rows()]
            for start in range(0, len(rows), 10000):
                self._call("POST", f"/datasets/{dataset}/tables/{table.table}/insertAll",
                           {"rows": rows[start:start + 10000]})
        self._tables = tables

    @staticmethod
    def _value(text: Any, kind: str) -> Any:
        """A value of the REST API's rows (all text) as Python, by its column's type."""
        if text is None:
            return None
        if kind in ("INTEGER", "INT64"):
            return int(text)
        if kind in ("FLOAT", "FLOAT64"):
            return float(text)
        if kind in ("NUMERIC", "BIGNUMERIC"):
            return decimal.Decimal(text)
        if kind in ("BOOLEAN", "BOOL"):
            return text == "true"
        if kind == "DATE":
            return dt.date.fromisoformat(text)
        if kind == "DATETIME":
            return dt.datetime.fromisoformat(text)
        if kind == "TIMESTAMP":   # microseconds since 1970 (or, from BigQuery itself, seconds as a float)
            return _EPOCH + (dt.timedelta(microseconds=int(text)) if text.lstrip("-").isdigit()
                             else dt.timedelta(seconds=float(text)))
        return text

    def query(self, sql: str) -> list[tuple]:
        answer = self._execute(sql)
        kinds = [field["type"] for field in answer.get("schema", {}).get("fields", [])]
        return [tuple(normalize(self._value(cell["v"], kind)) for cell, kind in zip(row["f"], kinds))
                for row in answer["rows"]]

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._dir, ignore_errors=True)
        if self in _OPEN:
            _OPEN.remove(self)
