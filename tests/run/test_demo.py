"""The embedded demo: deterministic, consistent, and the planted groups are found by the examples."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from segdsl.cli.main import main
from segdsl.compile import compiler
from segdsl.run import demo, runner
from segdsl.run.targets import DuckDBTarget

EXAMPLES = Path(__file__).parents[2] / "examples"

# planted archetype -> (example segment or segmentation, label or None)
FOUND_BY = {
    "loyal": ("loyal", None),
    "top_payer": ("top_payers", None),
    "impulse": ("impulse_buyers", None),
    "bargain_hunter": ("bargain_hunters", None),
    "wanderer": ("wanderers", None),
    "window_shopper": ("window_shoppers", None),
    "need_based": ("need_based", None),
    "lapsed_one_time": ("one_and_done", None),
    "support_after_order": ("needs_help", None),
    "flower_gifter": ("flower_gifters", None),
    "new_customer": ("new_customers", None),
    "dormant": ("lifecycle", "lapsed"),
}


@pytest.fixture(scope="module")
def shop() -> DuckDBTarget:
    con = duckdb.connect()
    demo.load_demo(con)
    with DuckDBTarget(con) as target:
        yield target


@pytest.fixture(scope="module")
def planted() -> dict[str, set[int]]:
    return demo.planted_groups()


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    first, again, other = demo.demo_tables(300, 1), demo.demo_tables(300, 1), demo.demo_tables(300, 2)
    assert [t.rows for t in first] == [t.rows for t in again]
    assert [t.rows for t in first] != [t.rows for t in other]


def test_no_event_happens_after_the_demo_day():
    for table in demo.demo_tables(1000):
        for index, (column, kind) in enumerate(table.columns):
            if kind in ("date", "timestamp") and column != "contract_end":  # a contract ends in the future
                days = [v.date() if isinstance(v, datetime) else v for v in (row[index] for row in table.rows)
                        if v is not None]
                assert max(days) <= demo.DEMO_AS_OF, f"{table.name}.{column}"


def test_customers_sign_up_before_their_first_order():
    tables = {t.name: t for t in demo.demo_tables(1000)}
    at = [column for column, _ in tables["shop.customers"].columns].index("signup_date")
    signup = {row[0]: row[at] for row in tables["shop.customers"].rows}
    for _, customer, ordered_at, *_ in tables["shop.orders"].rows:
        assert signup[customer] <= ordered_at.date()


def test_every_archetype_is_planted_in_a_sizeable_group(planted):
    assert set(planted) == set(demo.ARCHETYPES)
    assert all(len(keys) >= 100 for keys in planted.values()), {k: len(v) for k, v in planted.items()}


@pytest.mark.parametrize("archetype", sorted(FOUND_BY))
def test_the_retail_example_finds_every_planted_customer(shop, planted, archetype):
    target, label = FOUND_BY[archetype]
    program = compiler.load_file(EXAMPLES / "retail.seg")
    rows = runner.members(shop, program, target, demo.DEMO_AS_OF).rows
    found = {row[0] for row in rows if label is None or row[1] == label}
    missed = planted[archetype] - found
    assert not missed, f"{len(missed)} planted {archetype} customers are not in {target}: {sorted(missed)[:10]}"


# planted group -> the calendar example's segment that must hold all of it ("not_" groups: none of it)
CALENDAR = {"renewals_due": "renewals_due", "birthday_week": "birthday_week", "turned_18": "adults",
            "weekly_regulars": "weekly_regulars", "engaged": "engaged", "bingers": "bingers"}


def test_birth_dates_agree_with_ages():
    customers = demo.demo_tables(1000)[0]
    names = [column for column, _ in customers.columns]
    age, born = names.index("age"), names.index("birth_date")
    for row in customers.rows:
        if row[born] is not None:
            day = demo.DEMO_AS_OF
            assert row[age] == day.year - row[born].year - ((day.month, day.day) < (row[born].month,
                                                                                      row[born].day)), row


@pytest.mark.parametrize("group", sorted(CALENDAR))
def test_the_calendar_example_finds_its_planted_customers_and_not_those_a_day_outside(shop, group):
    planted = demo.calendar_plants()
    program = compiler.load_file(EXAMPLES / "calendar.seg")
    segment = CALENDAR[group]
    found = {row[0] for row in runner.members(shop, program, segment, demo.DEMO_AS_OF).rows}
    assert planted[group] <= found, f"{sorted(planted[group] - found)} not in {segment}"
    outside = planted.get(f"not_{group}", set()) | (planted["not_18"] if group == "turned_18" else set())
    assert not outside & found, f"{sorted(outside & found)} in {segment}"
    if group == "birthday_week":
        assert planted["leap_day_born"] - found, "29 February is no birthday in the week after 30 June"


# planted product-funnel group -> the journeys example's segment that holds exactly the groups naming it
FUNNEL = {"dropped": "funnel_dropouts", "dropped_lately": "funnel_dropouts", "bought_other": "funnel_dropouts",
          "bought_late": "funnel_dropouts", "bought": "funnel_buyers", "slow_cart": None, "carted_other": None}


@pytest.mark.parametrize("segment", ["funnel_dropouts", "funnel_buyers"])
def test_the_journeys_example_finds_exactly_the_planted_funnel_customers(shop, segment):
    """Only planted customers viewed a product: the funnel's members are the groups planted for it, and those
    planted just outside a span (a cart a minute too late, of another product, an order on the span's edge) not."""
    planted = demo.funnel_plants()
    assert set(planted) == set(FUNNEL)
    program = compiler.load_file(EXAMPLES / "journeys.seg")
    found = {row[0] for row in runner.members(shop, program, segment, demo.DEMO_AS_OF).rows}
    expected = set().union(*(keys for group, keys in planted.items() if FUNNEL[group] == segment))
    assert found == expected, f"missing {sorted(expected - found)}, extra {sorted(found - expected)}"


def test_tickets_about_an_order_are_those_of_the_customers_planted_for_them(shop, planted):
    """A ticket names its order where the customer opened it about one (support_after_order): matching on it
    finds them all, and no customer whose ticket merely came within a week of some order."""
    program = compiler.load_file(EXAMPLES / "journeys.seg")
    found = {row[0] for row in runner.members(shop, program, "ticket_about_order", demo.DEMO_AS_OF).rows}
    assert found == planted["support_after_order"]
    near = {row[0] for row in runner.members(shop, compiler.load_file(EXAMPLES / "retail.seg"), "needs_help",
                                             demo.DEMO_AS_OF).rows}
    assert found < near


def test_the_b2b_example_runs_on_the_demo_crm(shop):
    program = compiler.load_file(EXAMPLES / "b2b.seg")
    sizes = {(name, label): size for name, label, size, _ in runner.sizes(shop, program, demo.DEMO_AS_OF).rows}
    assert all(sizes[(name, "")] > 0 for name in program.segments), sizes


def test_segdsl_run_works_with_no_set_up():
    result = CliRunner().invoke(main, ["run", str(EXAMPLES / "retail.seg"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert f"demo data, as of {demo.DEMO_AS_OF.isoformat()}" in result.stderr
    assert result.stdout.splitlines()[0] == "name,label,size,share"



@pytest.mark.parametrize("name", ["shop.duckdb", "web.duckdb", "crm.duckdb", "main.duckdb", "it's mine.duckdb"])
def test_any_file_name_holds_the_demo_data(tmp_path, name):
    """A file named like one of the demo's schemas (its DuckDB catalog) is no ambiguity."""
    path = tmp_path / name
    done = CliRunner().invoke(main, ["demo", str(path)])
    assert done.exit_code == 0, done.output
    assert [p.name for p in tmp_path.iterdir()] == [name]
    with runner.open_target(str(path)) as target:
        assert target.fetch(compiler.to_tree(compiler.load_file(EXAMPLES / "retail.seg"), "duckdb", "lapsed",
                                             demo.DEMO_AS_OF)).rows


def test_a_failed_demo_run_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken(con, *args):
        con.execute("CREATE TABLE half_written (x INTEGER)")
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(demo, "load_demo", broken)
    done = CliRunner().invoke(main, ["demo", str(tmp_path / "shop.duckdb")])
    assert done.exit_code == 1 and "cannot write" in done.stderr and "disk full" in done.stderr
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert CliRunner().invoke(main, ["demo", str(tmp_path / "shop.duckdb")]).exit_code == 0
