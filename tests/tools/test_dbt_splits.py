"""segdsl dbt with a split (rule 18): real dbt-core + dbt-duckdb build its models on the demo data, with the
labels `segdsl run` gives, and its tests (accepted_values on the label columns) pass."""

from __future__ import annotations

from datetime import date

import pytest

from .dbt_projects import built_models, demo_project, expected_models, run_dbt

SPLIT = '''
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at

segment buyers "Ordered in the last 90 days":
    has orders in last 90 days

split trial "Campaign test" of buyers salt "2026-q3":
    holdout 10%
    email   45%
    sms     25%
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return demo_project(tmp_path_factory, "splits", SPLIT)


def test_dbt_build_holds_the_labels_segdsl_run_gives(project):
    as_of = "2026-06-28"
    result = run_dbt(project, "build", "--vars", f"{{as_of: {as_of}}}")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    expected = expected_models(project / "splits.seg", "splits", date.fromisoformat(as_of), {})
    assert built_models(project, list(expected)) == expected
    labels = {row[2] for row in expected["splits"]}
    assert labels == {"holdout", "email", "sms", None}, "the demo data has members in every share and others"
