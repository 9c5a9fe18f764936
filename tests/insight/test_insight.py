"""Insight commands on DuckDB and PostgreSQL, checked against figures computed in Python.

Segment membership comes from the reference evaluator (tests/engines/oracle.py);
means, medians, top values, overlaps and outcomes are computed here over the
demo rows, independently of the SQL.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from engines import Table, oracle

import segdsl
from segdsl import dialects
from segdsl.compile.compiler import to_tree
from segdsl.errors import SegdslError, render
from segdsl.insight import groups as insight
from segdsl.insight import report
from segdsl.insight.backtest import backtest
from segdsl.insight.items import load_with_items
from segdsl.insight.trend import days_between, trend
from segdsl.run import demo, runner
from segdsl.run.runner import Sizes
from segdsl.run.targets import DuckDBTarget, PostgresTarget, Result

RETAIL = Path(__file__).parents[2] / "examples" / "retail.seg"
AS_OF = demo.DEMO_AS_OF
CUSTOMERS = 600
TARGETS = ("duckdb", "postgres")


@pytest.fixture(scope="module")
def demo_rows() -> tuple[list[Table], dict[str, list[dict]]]:
    tables = demo.demo_tables(CUSTOMERS)
    loaded = [Table(t.name, t.columns, tuple(t.rows)) for t in tables]
    return loaded, {t.name: [dict(zip([c for c, _ in t.columns], row)) for row in t.rows] for t in tables}


@pytest.fixture(params=TARGETS)
def target(request, demo_rows):
    """A Target holding the demo slice (loaded right before the test: engines share one server)."""
    engine = request.getfixturevalue(f"{request.param}_engine")
    engine.load(demo_rows[0])
    if request.param == "duckdb":
        yield DuckDBTarget(engine.connection)
        return
    with PostgresTarget.connect(f"postgresql://postgres@127.0.0.1:{engine.port}/postgres") as pg:
        yield pg


def _members(program, rows, day=AS_OF) -> dict[str, set]:
    return oracle.evaluate(program, rows, day)


def _customers(rows) -> dict:
    return {c["customer_id"]: c for c in rows["shop.customers"]}


def _spend(rows, first: date | None, last: date) -> Counter:
    """Per customer, the amount of their orders on the days first .. last (no lower bound when None)."""
    total: Counter = Counter()
    for order in rows["shop.orders"]:
        day = order["ordered_at"].date()
        if order["amount"] is not None and (first is None or day >= first) and day <= last:
            total[order["customer_id"]] += order["amount"]
    return total


def test_sizes_and_overlap_match_the_oracle(target, demo_rows):
    program, _ = load_with_items(RETAIL, None, [])
    members = _members(program, demo_rows[1])
    sized = {name: size for name, label, size, _ in runner.sizes(target, program, AS_OF).rows if not label}
    assert sized == {name: len(keys) for name, keys in members.items()}
    result = insight.overlap(target, program, AS_OF)
    assert len(result.rows) == len(members) * (len(members) - 1) // 2
    for a, a_label, b, b_label, both, of_a, of_b in result.rows:
        assert a_label == b_label == ""
        assert both == len(members[a] & members[b]), (a, b)
        assert of_a == (round(both / len(members[a]), 4) if members[a] else 0.0)
        assert of_b == (round(both / len(members[b]), 4) if members[b] else 0.0)
    assert any(both for *_, both, _, _ in result.rows)


def test_overlap_of_segmentation_labels_matches_the_oracle(target, demo_rows):
    program, _ = load_with_items(RETAIL, None, [])
    members = _members(program, demo_rows[1])
    labels = oracle.labels(program, demo_rows[1], AS_OF)
    groups = {("loyal", ""): members["loyal"]}
    for name in ("persona", "lifecycle"):
        for label in dict.fromkeys(labels[name].values()):
            groups[(name, label)] = {k for k, v in labels[name].items() if v == label}
    result = insight.overlap(target, program, AS_OF, ["loyal", "persona", "lifecycle"])
    got = {(a, a_label, b, b_label): (both, of_a, of_b) for a, a_label, b, b_label, both, of_a, of_b in result.rows}
    named = [(n, label) for n, label in insight.groups(program, ["loyal", "persona", "lifecycle"])[1:]]
    expected = {}
    for i, first in enumerate(named):
        for second in named[i + 1:]:
            if first[0] == second[0]:
                continue  # one segmentation's labels never share a customer
            both = len(groups.get(first, set()) & groups.get(second, set()))
            expected[(*first, *second)] = (both, round(both / len(groups[first]), 4) if groups.get(first) else 0.0,
                                           round(both / len(groups[second]), 4) if groups.get(second) else 0.0)
    assert got == expected
    assert any(both for both, _, _ in got.values()) and any(key[1] and key[3] for key in got)


def many_segments(count: int) -> str:
    """A file of `count` segments over the demo shop."""
    return ("customers from shop.customers key customer_id\n"
            + "".join(f"segment s{i}: age > {i % 70}\n" for i in range(count)))


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "mysql"])
def test_the_overlap_query_grows_in_proportion_to_the_groups(dialect):
    """The database pairs the members (a self-join): the SQL names each group once, where it had a sum per pair."""
    def extra(count: int) -> int:
        program = segdsl.load_text(many_segments(count))
        wanted = [(name, "") for name in program.segments]
        forms = dialects.get(dialect)
        wide = forms.statement(to_tree(program, dialect, None, AS_OF)).sql(dialect=dialect)
        query = forms.statement(insight._overlap_query(program, dialect, AS_OF, wanted)).sql(dialect=dialect)
        assert wide in query
        return len(query) - len(wide)

    assert extra(400) <= 2.1 * extra(200)


def test_overlap_refuses_more_groups_than_it_compares_at_once(tmp_path):
    """Every pair is a row: 1,000 groups give 499,500; more is an error at the first group past the limit."""
    from click.testing import CliRunner

    from segdsl.cli.main import main

    seg = tmp_path / "many.seg"
    seg.write_text(many_segments(insight.MAX_OVERLAP_GROUPS + 1))
    done = CliRunner().invoke(main, ["overlap", str(seg)])
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert (f"{seg}:1002:1: error: overlap compares at most 1,000 groups at once (499,500 pairs), not 1,001"
            in done.stderr)
    assert " 1002 | segment s1000: age > 20\n      | ^^^^" in done.stderr
    assert "hint: name the segments to compare with --segment NAME" in done.stderr
    some = CliRunner().invoke(main, ["overlap", str(seg), "--segment", "s1", "--segment", "s1000", "--format", "csv"])
    assert some.exit_code == 0 and some.stdout.startswith("a,a_label,b,b_label,both,share_of_a,share_of_b\ns1,,s1000,,")


def test_the_report_says_why_it_draws_no_overlap_for_more_segments_than_overlap_compares():
    program = segdsl.load_text(many_segments(2))
    empty = Result(("day", "name", "label", "size", "share"), [])
    page = report.render(report.Figures("many", AS_OF, Sizes(("name", "label", "size", "share"), []), None, empty,
                                        Result(insight.PROFILE_COLUMNS, []), {}), program)
    assert "<h2 id=overlap>Overlap</h2>" in page and "not drawn: more than 1,000 segments" in page


def test_profile_means_medians_shares_and_top_values(target, demo_rows):
    _, rows = demo_rows
    texts = ["age", "sum(orders.amount)", "has orders in last 30 days", "country", "email"]
    program, items = load_with_items(RETAIL, None, [("--by", t) for t in texts])
    result = insight.profile(target, program, AS_OF, items, ["loyal", "lifecycle"], top=3)
    got: dict[tuple, dict] = {}
    for segment, label, item, statistic, value, share in result.rows:
        got.setdefault((segment, label), {})[(item, statistic)] = (value, share)
    members = _members(program, rows)
    labels = oracle.labels(program, rows, AS_OF)["lifecycle"]
    customers = _customers(rows)
    spend = _spend(rows, None, AS_OF)
    recent = {o["customer_id"] for o in rows["shop.orders"]
              if AS_OF - timedelta(days=29) <= o["ordered_at"].date() <= AS_OF}
    groups = {(insight.ALL, ""): set(customers), ("loyal", ""): members["loyal"]}
    for label in set(labels.values()):
        groups[("lifecycle", label)] = {k for k, v in labels.items() if v == label}
    assert set(got) == set(groups)
    for group, keys in groups.items():
        figures = got[group]
        size = len(keys)
        assert figures[("customers", "count")] == (size, round(size / len(customers), 4))
        ages = [customers[k]["age"] for k in keys if customers[k]["age"] is not None]
        amounts = [spend[k] for k in keys]
        if size >= insight.MIN_GROUP:
            assert figures[("age", "mean")][0] == pytest.approx(statistics.mean(ages), abs=1e-3)
            assert figures[("age", "median")][0] == pytest.approx(statistics.median(ages), abs=1e-3)
            assert (figures[("sum(orders.amount)", "mean")][0]
                    == pytest.approx(float(statistics.mean(amounts)), abs=1e-3))
            assert (figures[("sum(orders.amount)", "median")][0]
                    == pytest.approx(float(statistics.median(amounts)), abs=1e-3))
            hits = len(keys & recent)
            assert figures[("has orders in last 30 days", "share")] == (hits, round(hits / size, 4))
        else:  # only the size of a small group
            assert all(value is None and share is None for (item, _), (value, share) in figures.items()
                       if item != "customers")
            continue
        assert figures[("age", "known")] == (len(ages), round(len(ages) / size, 4) if size else 0.0)
        countries = Counter(customers[k]["country"] for k in keys if customers[k]["country"] is not None)
        expected = [(value, n) for value, n in sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))
                    if n >= insight.MIN_GROUP][:3]
        shown = [(statistic[2:], value) for (item, statistic), (value, _) in figures.items()
                 if item == "country" and statistic.startswith("= ")]
        assert shown == expected, group
        other = sum(countries.values()) - sum(n for _, n in expected)
        assert figures.get(("country", "(other)"), (0,))[0] == other
        # e-mails are unique: only how many there are, never a value
        assert [s for (item, s) in figures if item == "email"] == [
            "distinct values (values withheld: mostly unique)", "known"]
    assert not any("@" in str(value) for row in result.rows for value in row), "no e-mail address is shown"


def test_a_sample_holds_members_keys_only(target, demo_rows):
    program, _ = load_with_items(RETAIL, None, [])
    members = _members(program, demo_rows[1])
    result = insight.sample(target, program, AS_OF, 4, ["top_payers", "needs_help", "lifecycle"])
    assert result.columns == ("segment", "label", "customer_id")
    picked: dict[tuple, list] = {}
    for segment, label, key in result.rows:
        picked.setdefault((segment, label), []).append(key)
    for name in ("top_payers", "needs_help"):
        assert len(picked[(name, "")]) == min(4, len(members[name]))
        assert set(picked[(name, "")]) <= members[name]
    labels = oracle.labels(program, demo_rows[1], AS_OF)["lifecycle"]
    for (segment, label), keys in picked.items():
        if segment == "lifecycle":
            assert all(labels[k] == label for k in keys)
    # the same pick on every run and every engine: by a hash of the key, not by the engine's row order
    assert (insight.sample(target, program, AS_OF, 4, ["top_payers"]).rows
            == [r for r in result.rows if r[0] == "top_payers"])


def test_trend_matches_the_oracle_on_every_day(target, demo_rows):
    program, _ = load_with_items(RETAIL, None, [])
    days = days_between(date(2026, 1, 30), date(2026, 3, 31), "month") + [date(2026, 6, 29), date(2026, 6, 30)]
    assert days[:3] == [date(2026, 1, 30), date(2026, 2, 28), date(2026, 3, 30)]
    progress: list[int] = []
    result = trend(target, program, days, batch=2, on_progress=progress.append)
    assert progress == [2, 2, 1]
    got = {(day, name): size for day, name, label, size, _ in result.rows if not label}
    for day in days:
        for name, keys in _members(program, demo_rows[1], day).items():
            assert got[(day, name)] == len(keys), (day, name)


def test_the_lifted_trend_gives_the_sizes_of_one_query_per_day(target):
    program, _ = load_with_items(RETAIL, None, [])
    days = days_between(date(2026, 2, 26), date(2026, 3, 3), "day")
    lifted = trend(target, program, days).rows
    per_day = [(day, name, label, size, share) for day in days
               for name, label, size, share in runner.sizes(target, program, day).rows]
    assert lifted == per_day


def test_backtest_revenue_and_repeat_share(target, demo_rows):
    _, rows = demo_rows
    start, days = date(2026, 3, 31), 60
    program, (revenue, again) = load_with_items(RETAIL, None, [("--outcome", "sum(orders.amount)"),
                                                                ("--outcome", "has orders")])
    members = _members(program, rows, start)
    labels = oracle.labels(program, rows, start)["persona"]
    after = _spend(rows, start + timedelta(days=1), start + timedelta(days=days))
    buyers = {o["customer_id"] for o in rows["shop.orders"]
              if start < o["ordered_at"].date() <= start + timedelta(days=days)}
    groups = {(insight.ALL, ""): set(_customers(rows)), ("loyal", ""): members["loyal"]}
    for label in set(labels.values()):
        groups[("persona", label)] = {k for k, v in labels.items() if v == label}
    money = {(s, lab): rest
             for s, lab, *rest in backtest(target, program, start, revenue, days, ["loyal", "persona"]).rows}
    share = {(s, lab): rest
             for s, lab, *rest in backtest(target, program, start, again, days, ["loyal", "persona"]).rows}
    assert set(money) == set(share) == set(groups)
    for group, keys in groups.items():
        total = sum((after[k] for k in keys), Decimal(0))
        hits = len(keys & buyers)
        if len(keys) < insight.MIN_GROUP:
            assert money[group] == [len(keys), len(keys), None, None] and share[group] == [len(keys), None, None]
            continue
        assert money[group][:2] == [len(keys), len(keys)]
        assert money[group][2] == pytest.approx(float(total), abs=1e-2)
        assert money[group][3] == pytest.approx(float(total) / len(keys), abs=1e-3)
        assert share[group] == [len(keys), hits, round(hits / len(keys), 4)]
    assert money[(insight.ALL, "")][2] > 0


def test_an_outcome_with_its_own_window_is_a_positioned_error():
    program, (outcome,) = load_with_items(RETAIL, None, [("--outcome", "count(orders in last 7 days)")])
    with runner.open_target(None, program) as db, pytest.raises(SegdslError) as caught:
        backtest(db, program, AS_OF - timedelta(days=30), outcome, 30)
    text = render(caught.value)
    assert "--outcome:1:14: error: an outcome's event sets cover the days after the as-of day" in text
    assert "^^^^" in text


def test_an_unknown_profile_column_is_a_positioned_error(target):
    program, items = load_with_items(RETAIL, None, [("--by", "agee")])
    with pytest.raises(SegdslError) as caught:
        insight.profile(target, program, AS_OF, items)
    assert "--by:1:1: error: column 'agee' not found" in render(caught.value)


def test_the_insight_commands_on_the_demo_data():
    from click.testing import CliRunner

    from segdsl.cli.main import main

    cli = CliRunner()
    sizes = cli.invoke(main, ["sizes", str(RETAIL), "--format", "csv"])
    assert sizes.exit_code == 0 and sizes.stdout.startswith("name,label,size,share\nyoung_adults,,")
    overlap = cli.invoke(main, ["overlap", str(RETAIL), "--segment", "loyal", "--segment", "top_payers"])
    assert overlap.exit_code == 0 and "loyal" in overlap.stdout and "(1 row)" in overlap.stdout
    profile = cli.invoke(main, ["profile", str(RETAIL), "--segment", "loyal", "--by", "email", "--sample", "2",
                                "--format", "csv"])
    assert profile.exit_code == 0 and "@" not in profile.stdout
    assert profile.stdout.count("\nloyal,,") == 2 + 2 + 1  # size, email (2 rows); then 2 sampled keys
    trend_run = cli.invoke(main, ["trend", str(RETAIL), "--from", "2026-06-01", "--to", "2026-06-30", "--every", "week",
                                  "--format", "csv"])
    assert trend_run.exit_code == 0 and trend_run.stdout.count("\n2026-06-29,young_adults,") == 1
    assert "2026-07" not in trend_run.stdout
    back = cli.invoke(main, ["backtest", str(RETAIL), "--as-of", "2026-03-31", "--outcome", "has orders",
                             "--days", "30", "--segment", "lifecycle"])
    assert (back.exit_code == 0
            and back.stdout.splitlines()[0].split() == ["segment", "label", "members", "hits", "share"])
    bad = cli.invoke(main, ["backtest", str(RETAIL), "--as-of", "2026-03-31", "--outcome", "sum(order.amount)",
                            "--days", "30"])
    assert bad.exit_code == 1 and "--outcome:1:5: error: unknown event set 'order'" in bad.output
    assert "did you mean 'orders'?" in bad.output
    usage = cli.invoke(main, ["trend", str(RETAIL), "--from", "2026-06-30", "--to", "2026-06-01"])
    assert usage.exit_code == 1 and "before it starts" in usage.output


def test_a_trait_profiles_as_the_value_it_names(target):
    """`profile --by ltv` (a trait) gives the figures of `--by "sum(orders.amount)"`, its value."""
    values = Path(__file__).parents[2] / "examples" / "values.seg"
    program, items = load_with_items(values, None, [("--by", "ltv"), ("--by", "sum(orders.amount)"),
                                                    ("--by", "value_tier")])
    result = insight.profile(target, program, AS_OF, items, ["high_value"], top=3)
    by_item: dict[str, list[tuple]] = {}
    for segment, label, item, statistic, value, share in result.rows:
        by_item.setdefault(item, []).append((segment, label, statistic, value, share))
    assert by_item["ltv"] == by_item["sum(orders.amount)"] and by_item["ltv"]
    assert any(row[2] == "= platinum" for row in by_item["value_tier"])
