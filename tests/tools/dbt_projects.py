"""Real dbt projects for the dbt tests: a DuckDB warehouse, dbt_project.yml and profiles.yml in a folder, and
dbt-core run on them in a subprocess; what segdsl run gives, to compare the built models with."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from segdsl.compile.compiler import load_file, to_tree
from segdsl.run import runner
from segdsl.run.demo import load_demo
from segdsl.tools import dbt


def dbt_project(root: Path, name: str, load: Callable[[duckdb.DuckDBPyConnection], None]) -> Path:
    """`root` made a dbt project `name` on a DuckDB warehouse that `load` fills; skipped without dbt (a
    failure in CI, where it must be installed)."""
    if importlib.util.find_spec("dbt") is None or importlib.util.find_spec("dbt.adapters.duckdb") is None:
        reason = "dbt-core and dbt-duckdb are not installed: pip install -e '.[test]'"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(reason)
        pytest.skip(reason)
    warehouse = root / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        load(con)
    (root / "dbt_project.yml").write_text(
        f"name: {name}\nversion: '1.0'\nconfig-version: 2\nprofile: {name}\nmodel-paths: [models]\n"
        "flags:\n  send_anonymous_usage_stats: false\n  partial_parse: false\n")
    (root / "profiles.yml").write_text(
        f"{name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {warehouse.as_posix()!r}\n      schema: main\n      threads: 1\n")
    return root


def demo_project(factory: pytest.TempPathFactory, stem: str, text: str) -> Path:
    """A dbt project on the demo data whose models are one .seg file's (`stem`.seg holding `text`), under
    models/`stem`."""
    root = dbt_project(factory.mktemp(f"dbt_{stem}"), f"segdsl_{stem}", load_demo)
    (root / f"{stem}.seg").write_text(text)
    dbt.write(dbt.generate(root / f"{stem}.seg"), root / "models" / stem)
    return root


def run_dbt(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", "from dbt.cli.main import cli; cli()", *args,
                           "--project-dir", str(project), "--profiles-dir", str(project)],
                          capture_output=True, text=True, env=env, timeout=600)


def expected_models(path: Path, name: str, as_of: date | None, params: dict[str, str]) -> dict[str, list[tuple]]:
    """What segdsl run gives on the demo data, model by model."""
    program = load_file(path, params)
    with runner.open_target(None, program) as db:
        models = {name: sorted(db.fetch(to_tree(program, "duckdb", None, as_of)).rows)}
        for target in [*program.segments, *program.segmentations]:
            models[f"{name}_{target}"] = sorted(runner.members(db, program, target, as_of).rows)
    return models


def built_models(project: Path, names: list[str]) -> dict[str, list[tuple]]:
    with duckdb.connect(str(project / "warehouse.duckdb"), read_only=True) as con:
        return {name: sorted(con.execute(f"SELECT * FROM main.{name}").fetchall()) for name in names}


def warehouse_today(project: Path) -> date:
    """The warehouse's CURRENT_DATE, the as-of day of a model built without the var as_of."""
    with duckdb.connect(str(project / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("SELECT CURRENT_DATE").fetchone()[0]
