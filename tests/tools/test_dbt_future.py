"""segdsl dbt with rules 11 and 12: `in next`, anniversary, years_since, active_* and sessions in models that
real dbt-core + dbt-duckdb build on the demo data, against `segdsl run` for the same day and parameters (the
as-of day a var or the warehouse's CURRENT_DATE, its year and day of the month read in the SQL)."""

from __future__ import annotations

from datetime import date

import pytest

from segdsl.compile import compiler
from segdsl.compile.plan import fixed_params

from .dbt_projects import built_models, demo_project, expected_models, run_dbt, warehouse_today

FUTURE = '''
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
events tickets from support.tickets by customer_id at opened_on date

param soon = 30
param back = 3
param gap = 2

segment signed_soon:
    signup_date in next soon days or signup_date in next back months

segment signup_week "Their signup's anniversary is this week":
    anniversary(signup_date) in next 7 days and years_since(signup_date) >= 1

segment regulars:
    active_weeks(orders in last 8 weeks) >= 3 and active_months(orders in last back months) >= 2

segment bingers:
    sessions(orders in last 90 days, gap hours) >= 2 or active_days(tickets) >= 2

segment loyal_years:
    years_since(signup_date) * 12 + active_months(orders) > 30
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return demo_project(tmp_path_factory, "future", FUTURE)


@pytest.mark.parametrize("vars_", [None, {"as_of": "2026-06-28", "soon": "400", "back": "2"}],
                         ids=["default_vars", "other_vars"])
def test_dbt_build_holds_the_members_segdsl_run_gives(project, vars_):
    args = ["build"] + (["--vars", "{" + ", ".join(f"{k}: {v}" for k, v in vars_.items()) + "}"] if vars_ else [])
    for _attempt in range(2):
        day = warehouse_today(project)
        result = run_dbt(project, *args)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        if vars_ or warehouse_today(project) == day:
            break
    as_of = date.fromisoformat(vars_["as_of"]) if vars_ else day
    params = {k: v for k, v in (vars_ or {}).items() if k != "as_of"}
    expected = expected_models(project / "future.seg", "future", as_of, params)
    assert built_models(project, list(expected)) == expected
    if vars_:
        assert expected["future_signup_week"] and expected["future_regulars"], "the demo data has members"


def test_only_the_session_gap_is_pinned(tmp_path):
    """`in next soon days` and months stay markers; a session gap shapes the SQL (its minutes)."""
    path = tmp_path / "future.seg"
    path.write_text(FUTURE)
    program = compiler.load_file(path, mark_params=True)
    for dialect in ("duckdb", "postgres", "sqlite"):
        fixed = fixed_params(compiler.plan(program, dialect, None, placeholders=True))
        assert fixed == ({"gap", "back"} if dialect == "sqlite" else {"gap"}), dialect
