"""dbt with JSON properties (rule 17): a file with paths into a JSON column becomes models whose JSON traits carry
the type the value is read as, and dbt builds what `segdsl run` gives on the demo's tracking log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from segdsl.tools import dbt

from .dbt_projects import built_models, demo_project, expected_models, run_dbt

TRACKS = (Path(__file__).resolve().parents[2] / "examples" / "tracks.seg").read_text()
TYPED = TRACKS + '''
trait spend_viewed = sum(tracks.properties.price)
trait trial_end = max(tracks.properties.trial_ends where event = "trial_started")
segment ends_soon: trial_end in next 30 days
trait views = count(tracks where properties.price > 10)
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return demo_project(tmp_path_factory, "tracks", TRACKS)


def _types(files: dict[str, str], model: str) -> dict[str, str | None]:
    [wide] = [m for m in yaml.safe_load(files["schema.yml"])["models"] if m["name"] == model]
    return {c["name"]: c.get("data_type") for c in wide["columns"]}


@pytest.mark.parametrize("dialect, number, text", [
    ("duckdb", "DOUBLE", "TEXT"), ("postgres", "DOUBLE PRECISION", "TEXT"),
    ("bigquery", "FLOAT64", "STRING"), ("snowflake", "DOUBLE", "VARCHAR")])
def test_json_traits_are_typed_as_what_they_are_read_as(tmp_path, dialect, number, text):
    (tmp_path / "tracks.seg").write_text(TYPED)
    types = _types(dbt.generate(tmp_path / "tracks.seg", dialect=dialect), "tracks")
    assert types["top_viewed_price"] == types["spend_viewed"] == number  # JSON numbers are doubles, not DECIMAL
    assert types["campaign"] == types["viewed_category"] == text
    assert types["trial_end"] == "DATE"
    assert types["views"] not in (None, number)  # a count stays a count


def test_json_paths_become_models_reading_the_source(project):
    models = project / "models" / "tracks"
    sql = (models / "tracks_from_google_ads.sql").read_text()
    assert "{{ source('web', 'tracks') }}" in sql.replace('"', "'") and "JSON_EXTRACT_STRING" in sql
    sources = yaml.safe_load((models / "sources.yml").read_text())["sources"]
    assert "tracks" in [t["name"] for s in sources for t in s["tables"]]


def test_dbt_build_holds_the_members_segdsl_run_gives(project):
    as_of = "2026-06-30"
    result = run_dbt(project, "build", "--vars", f"{{as_of: {as_of}}}")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    expected = expected_models(project / "tracks.seg", "tracks", date.fromisoformat(as_of), {})
    assert built_models(project, list(expected)) == expected
    assert all(expected[f"tracks_{name}"] for name in ("from_google_ads", "viewed_then_bought"))
