"""segdsl dbt with traits (rule 14): the wide model has a column per trait, described and typed in
schema.yml, and real dbt-core + dbt-duckdb build it on the demo data with the values `segdsl run` gives."""

from __future__ import annotations

from datetime import date

import pytest

from .dbt_projects import built_models, demo_project, expected_models, run_dbt

TRAITS = '''
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at

param recent = 90

trait ltv "Lifetime spend" = sum(orders.amount)
trait recent_orders "Orders in the last `recent` days" = count(orders in last recent days)
trait first_order = first(orders.ordered_at)
trait spend_band = quintile(ltv)

segment big_spenders "Top fifth by lifetime spend":
    spend_band = 5 and recent_orders >= 1
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return demo_project(tmp_path_factory, "traits", TRAITS)


def test_the_wide_model_describes_and_types_each_trait(project):
    schema = (project / "models" / "traits" / "schema.yml").read_text()
    wide = schema.split("- name: \"traits_big_spenders\"")[0]
    for expected in ('- name: "ltv"\n        description: "Lifetime spend"\n        data_type: "DECIMAL"',
                     '- name: "recent_orders"\n        description: "Orders in the last `recent` days"',
                     '- name: "first_order"\n        description: "Trait first_order: a value per customer."\n'
                     '        data_type: "TIMESTAMP"'):
        assert expected in wide
    assert "ltv" not in schema.split("- name: \"traits_big_spenders\"")[1], "a segment's model is its members"


def test_dbt_build_holds_the_traits_segdsl_run_gives(project):
    as_of, recent = "2026-06-28", "30"
    result = run_dbt(project, "build", "--vars", f"{{as_of: {as_of}, recent: {recent}}}")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    expected = expected_models(project / "traits.seg", "traits", date.fromisoformat(as_of), {"recent": recent})
    built = built_models(project, list(expected))
    assert built == expected
    wide = expected["traits"]
    assert len(wide[0]) == 1 + 1 + 4, "the key, the segment, four traits"
    assert any(row[3] for row in wide) and any(row[1] for row in wide), "the demo data has values and members"
