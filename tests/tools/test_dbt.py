"""segdsl dbt: the generated files, and real dbt-core + dbt-duckdb building them on the demo data.

The dbt test builds one project from examples/retail.seg and a small file of
edge cases, runs `dbt build` with default vars and with other vars, and
checks every model against `segdsl run` (segdsl.run.runner) for the same day and
parameters. dbt runs in a subprocess, one invocation at a time.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from refusals import is_md5_refusal, is_zone_refusal

from segdsl import dialects
from segdsl.cli.main import main
from segdsl.compile import compiler
from segdsl.compile.compiler import load_file
from segdsl.compile.plan import fixed_params
from segdsl.errors import SegdslError
from segdsl.run.demo import load_demo
from segdsl.tools import dbt

from .dbt_projects import built_models, dbt_project, expected_models, run_dbt, warehouse_today

ROOT = Path(__file__).resolve().parents[2]
RETAIL = ROOT / "examples" / "retail.seg"

EDGE = '''
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
events tickets from support.tickets by customer_id at opened_on date

param mail = "%.1@example.com"
param gap = 7
param months_back = 3
param odd = "{{ not jinja }}"
param since_day = 2026-01-01

segment mailers "Emails like {{ mail }} {% raw %} #}":
    email like mail

segment quick_help:
    orders then tickets within gap days

segment odd_names:
    name = odd or city != "{# x #}" and city != "{{ y }}"

segment recent_months:
    has orders in last months_back months

segment since_day_buyers:
    has orders since since_day and age >= 30

segmentation bands:
    young when age < 30
    "{{ odd }}" when age < 50
    else older
'''

OTHER_VARS = {"as_of": "2026-05-31", "lapse": "60", "vip_share": "10", "big_basket": "120", "months_back": "2"}


# ---- the generated files ---------------------------------------------------------


def test_files_per_segment_segmentation_and_file():
    files = dbt.generate(RETAIL)
    program = load_file(RETAIL)
    expected = {"retail.sql", "schema.yml", "sources.yml"}
    expected |= {f"retail_{name}.sql" for name in [*program.segments, *program.segmentations]}
    assert set(files) == expected
    assert not any("__segdsl_" in text for text in files.values())
    lapsed = files["retail_lapsed.sql"]
    assert '{{ source("shop", "orders") }}' in lapsed and '{{ source("shop", "customers") }}' in lapsed
    assert '{{ var("lapse", 90) }}' in lapsed and "{{ segdsl_as_of }}" in lapsed
    assert "fixed at" not in lapsed  # lapse is read at run time, not pinned


def test_schema_yml_descriptions_and_tests():
    files = dbt.generate(RETAIL)
    models = {m["name"]: m for m in yaml.safe_load(files["schema.yml"])["models"]}
    lapsed = models["retail_lapsed"]
    assert lapsed["description"] == "Bought before, but not in the last `lapse` days"
    assert lapsed["columns"] == [{"name": "customer_id", "description": "The customers key.",
                                  "data_tests": ["unique", "not_null"]}]
    label = models["retail_lifecycle"]["columns"][1]
    assert label["name"] == "label"
    assert label["data_tests"][1] == {"accepted_values": {"arguments": {
        "values": ["prospect", "new", "active", "lapsed", "dormant"]}}}
    wide = {c["name"]: c for c in models["retail"]["columns"]}
    assert wide["persona"]["data_tests"][1]["accepted_values"]["arguments"]["values"][-1] == "regular"
    assert wide["top_payers"]["description"] == "Top spenders by lifetime revenue"


def test_refs_replace_sources_unquoted():
    files = dbt.generate(RETAIL, name="shop", refs={"web.events": "stg_events", "web.page_views": "stg_views"})
    assert '{{ ref("stg_events") }}' in files["shop_silent_logins.sql"]
    sources = yaml.safe_load(files["sources.yml"])["sources"]
    assert [s["name"] for s in sources] == ["shop", "support"]
    assert {t["name"] for t in sources[0]["tables"]} == {"customers", "orders"}


def test_lookups_become_sources_or_refs():
    """Rule 16: a lookup's table is read like the others: a source, or a ref where one is given."""
    catalogue = ROOT / "examples" / "catalogue.seg"
    sources = yaml.safe_load(dbt.generate(catalogue)["sources.yml"])["sources"]
    assert [t["name"] for t in sources[0]["tables"]] == ["customers", "orders", "brands", "products"]
    files = dbt.generate(catalogue, refs={"shop.products": "dim_products"})
    assert 'LEFT JOIN {{ ref("dim_products") }} AS l1' in files["catalogue_bargain_basket.sql"]
    assert "products" not in [t["name"] for t in yaml.safe_load(files["sources.yml"])["sources"][0]["tables"]]


def test_snowflake_sources_quote_reserved_table_names_in_upper_case(tmp_path):
    seg = tmp_path / "names.seg"
    seg.write_text("customers from crm.customers key id\nevents orders from crm.order by id at at_\n"
                   "events visits from crm.values by id at at_\n\nsegment s:\n    has orders and has visits\n")
    for dialect, identifier in (("snowflake", "ORDER"), ("postgres", None)):
        sources = yaml.safe_load(dbt.generate(seg, dialect=dialect)["sources.yml"])["sources"]
        tables = {t["name"]: t for t in sources[0]["tables"]}
        assert tables["order"]["quoting"] == {"identifier": True} and tables["order"].get("identifier") == identifier
        assert ("quoting" in tables["values"]) == (dialect == "snowflake") and "quoting" not in tables["customers"]


def test_a_string_parameter_is_a_unicode_literal_on_sql_server(tmp_path):
    """SQL Server's string literals are N'...' (a plain one loses what the code page cannot hold): a string
    var's too."""
    path = tmp_path / "edge.seg"
    path.write_text(EDGE)
    sql = dbt.generate(path, dialect="tsql")["edge_odd_names.sql"]
    assert """name = N'{{ var("odd", "{{ not jinja }}") }}' COLLATE Latin1_General_BIN2""" in sql


def test_parameters_that_shape_sql_are_pinned(tmp_path):
    path = tmp_path / "edge.seg"
    path.write_text(EDGE)
    files = dbt.generate(path)
    pinned = {name: text for name, text in files.items() if "exceptions.raise_compiler_error(\"segdsl: model" in text}
    assert set(pinned) == {"edge.sql", "edge_mailers.sql", "edge_quick_help.sql", "edge_since_day_buyers.sql"}
    assert '(var("gap", 7) | string) != (7 | string)' in files["edge_quick_help.sql"]
    assert '{{ var("months_back", 3) }}' in files["edge_recent_months.sql"]
    assert '{{ var("odd", "{{ not jinja }}") }}' in files["edge_odd_names.sql"]


def test_cli_writes_and_removes_stale_models(tmp_path):
    out = tmp_path / "models"
    out.mkdir()
    (out / "retail_gone.sql").write_text(dbt.HEADER + " from retail.seg -#}\nSELECT 1\n")
    (out / "mine.sql").write_text("SELECT 1\n")
    result = CliRunner().invoke(main, ["dbt", str(RETAIL), "--out", str(out), "--ref", "shop.orders=stg_orders"])
    assert result.exit_code == 0, result.output
    assert not (out / "retail_gone.sql").exists() and (out / "mine.sql").exists()
    assert '{{ ref("stg_orders") }}' in (out / "retail_lapsed.sql").read_text()


@pytest.mark.parametrize("args, message", [
    (["--ref", "shop.order=stg"], "did you mean 'shop.orders'"),
    (["--ref", "shop.orders=no-dash"], "is not a dbt model name"),
    (["--name", "1x"], "cannot name dbt models"),
    (["--param", "lapse=soon"], "bad value for parameter 'lapse'"),
])
def test_cli_user_errors(tmp_path, args, message):
    result = CliRunner().invoke(main, ["dbt", str(RETAIL), "--out", str(tmp_path), *args])
    assert result.exit_code == 1 and message in result.output, result.output


def test_parameter_named_as_of_is_refused(tmp_path):
    path = tmp_path / "p.seg"
    path.write_text("customers from shop.customers key customer_id\nparam as_of = 1\nsegment a: age > as_of\n")
    result = CliRunner().invoke(main, ["dbt", str(path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1 and "clashes with the dbt var" in result.output


# ---- real dbt ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = dbt_project(tmp_path_factory.mktemp("dbt"), "segdsl_test", load_demo)
    edge = root / "edge.seg"
    edge.write_text(EDGE)
    dbt.write(dbt.generate(RETAIL), root / "models" / "retail")
    dbt.write(dbt.generate(edge, sources=False), root / "models" / "edge")  # retail's sources.yml serves both
    return root


@pytest.mark.parametrize("vars_", [None, OTHER_VARS], ids=["default_vars", "other_vars"])
def test_dbt_build_holds_the_members_segdsl_run_gives(project, vars_):
    """Without the as_of var the models are as of the warehouse's CURRENT_DATE during the build: the day
    read before and after it (built again if midnight passed), and segdsl run is given that day."""
    args = ["build"] + (["--vars", "{" + ", ".join(f"{k}: {v}" for k, v in vars_.items()) + "}"] if vars_ else [])
    for _attempt in range(2):
        day = warehouse_today(project)
        result = run_dbt(project, *args)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        if vars_ or warehouse_today(project) == day:
            break
    as_of = date.fromisoformat(vars_["as_of"]) if vars_ else day
    for path, name in ((RETAIL, "retail"), (project / "edge.seg", "edge")):
        program = load_file(path)
        params = {k: v for k, v in (vars_ or {}).items() if k in program.params}
        expected = expected_models(path, name, as_of, params)
        built = built_models(project, list(expected))
        for model in expected:
            assert built[model] == expected[model], model
    if vars_:  # the vars changed what the models hold: they were read
        default = expected_models(RETAIL, "retail", as_of, {})
        for model in ("retail_lapsed", "retail_top_payers", "retail_big_baskets"):
            assert default[model] != built_models(project, [model])[model], model


def test_dbt_stops_when_a_var_changes_a_pinned_parameter(project):
    result = run_dbt(project, "compile", "--select", "edge_quick_help", "--vars", "{gap: 3}")
    assert result.returncode != 0
    assert "fixes parameter gap" in result.stdout + result.stderr
    result = run_dbt(project, "compile", "--select", "edge_quick_help", "--vars", "{gap: 7, as_of: 31.05.2026}")
    assert result.returncode != 0 and "var as_of must be a day" in result.stdout + result.stderr


def test_a_marked_window_amount_stays_symbolic_and_means_the_same_days():
    from segdsl.errors import Span
    from segdsl.lang import model as m
    from segdsl.lang.timeline import Steps, window_range

    span = Span("t.seg", 1, 1, 1, 1, 0, 0)
    for unit, steps in (("month", Steps("back", 2, -1, "months")), ("week", Steps("back", 2, -7, "days"))):
        marked = window_range(m.Last(m.Amount(2, "back", span=span), unit, span=span))
        plain = window_range(m.Last(m.Amount(2, span=span), unit, span=span))
        assert marked.start.steps == steps and plain.start.steps is None
        for day in (date(2024, 3, 31), date(2024, 1, 15)):
            assert marked.start.on(day) == plain.start.on(day)


def _changes_sql(path, params, name, model_sql, target, dialect):
    """The oracle for plan.fixed_params: another value of the parameter changes the SQL beyond its marker."""
    for other in _other_values(compiler.load_file(path, params, mark_params=True).params[name].value):
        try:
            changed = compiler.load_file(path, {**params, name: other}, mark_params=True)
        except SegdslError:
            continue
        return _model_sql(changed, dialect, target) != model_sql
    return True  # no other value checks: the model must keep this one


def _model_sql(program, dialect, target):
    return dialects.render(compiler.to_tree(program, dialect, target, None, placeholders=True), dialects.get(dialect))


def _other_values(value):
    if isinstance(value, bool):
        return [str(not value).lower()]
    if isinstance(value, (int, Decimal)):
        return [str(value + 1), str(value - 1)]
    if isinstance(value, date):
        return [(value + timedelta(days=1)).isoformat(), (value - timedelta(days=1)).isoformat()]
    return [f"{value}x"]


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite", "postgres"])
@pytest.mark.parametrize("source", ["edge", "months", *[p.name for p in sorted(Path("examples").glob("*.seg"))]])
def test_the_plan_names_exactly_the_parameters_whose_value_shapes_the_sql(tmp_path, source, dialect):
    texts = {"edge": EDGE, "months": MONTHS}
    path = tmp_path / f"{source}.seg" if source in texts else Path("examples") / source
    if source in texts:
        path.write_text(texts[source])
    program = compiler.load_file(path, mark_params=True)
    for target in [None, *program.segments, *program.segmentations]:
        plan = compiler.plan(program, dialect, target, placeholders=True)
        try:
            sql = _model_sql(program, dialect, target)
        except SegdslError as exc:  # rule 9's or 18's refusal (sqlite: a named zone, a split): no model to compare
            assert is_zone_refusal(exc, dialect) or is_md5_refusal(exc, dialect), exc
            continue
        expected = {name for name in program.params if _changes_sql(path, {}, name, sql, target, dialect)}
        assert set(fixed_params(plan)) == expected, target


MONTHS = '''
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at where paid
param months_back = 3
param paid_only = true
param early = 2
param late = 9
segment recent:
    has orders in last months_back months and paid_only
segment between_ago:
    has orders between early and late days ago
segment flagged:
    count(orders where paid_only) > 0
'''


@pytest.mark.parametrize("segment", ["`x/../../escaped`", "`../up`", "`a b`", "`naïve`"])
def test_a_name_that_is_no_model_file_name_is_refused_and_nothing_is_written(tmp_path, segment):
    seg = tmp_path / "names.seg"
    seg.write_text("customers from shop.customers key id\n"
                   f"segment ok:\n    age > 1\nsegment {segment}:\n    age > 2\n")
    out = tmp_path / "deep" / "models"
    result = CliRunner().invoke(main, ["dbt", str(seg), "--out", str(out)])
    assert result.exit_code == 1 and "cannot name a dbt model" in result.stderr, result.output
    assert f"{seg}:4:1:" in result.stderr and f"4 | segment {segment}:" in result.stderr
    assert "^" in result.stderr and "Traceback" not in result.output
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["names.seg"]


def test_files_are_written_only_inside_the_folder(tmp_path):
    with pytest.raises(SegdslError, match="is not a file name inside"):
        dbt.write({"../escaped.sql": "x"}, tmp_path / "models")
    assert not (tmp_path / "escaped.sql").exists()


def test_a_source_database_is_given_to_sources_named_without_one(tmp_path):
    seg = tmp_path / "db.seg"
    seg.write_text("customers from shop.customers key id\nevents orders from raw.shop.orders by id at at_\n"
                   "events visits from web.visits by id at at_\nsegment s:\n    has orders and has visits\n")
    plain = {s["name"]: s for s in yaml.safe_load(dbt.generate(seg, dialect="snowflake")["sources.yml"])["sources"]}
    assert "database" not in plain["shop"] and plain["raw_shop"]["database"] == "raw"
    given = {s["name"]: s for s in yaml.safe_load(
        dbt.generate(seg, dialect="snowflake", source_database="ANALYTICS")["sources.yml"])["sources"]}
    assert given["shop"]["database"] == "ANALYTICS" and given["web"]["database"] == "ANALYTICS"
    assert given["raw_shop"]["database"] == "raw", "a table's own database wins"
    assert given["shop"]["quoting"]["database"] is False
    quoted = yaml.safe_load(dbt.generate(seg, dialect="bigquery", source_database="my-project")["sources.yml"])
    assert all(s["quoting"]["database"] for s in quoted["sources"] if s["name"] != "raw_shop")
    result = CliRunner().invoke(main, ["dbt", str(seg), "--out", str(tmp_path / "m"), "--source-database", "a b"])
    assert result.exit_code == 1 and "'a b' is not a database name" in result.output
