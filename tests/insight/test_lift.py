"""A split's lift in `backtest`, on every engine, against figures computed by hand.

The shop: customers 1 .. 40, all but 39 and 40 `listed`; split `test` of listed (salt "lift": a 45%,
b 45%, c 10%). Each key's bucket is MD5("lift:KEY")'s first 8 hex digits mod 10000 (checked with
hashlib below), which puts
    a: 1 2 3 6 7 9 11 13 14 15 17 18 20 22 24 26 28 30 31 32 37 38   (22 members)
    b: 4 5 16 19 21 23 25 27 29 33 34 35                             (12 members)
    c: 8 10 12 36                                                     (4: under MIN_GROUP)
As of 2026-06-30, over the 30 days after it (July 1 .. 30):
- a's first 11 members order 10 each once: has orders 11/22 = 0.5; sum(orders.amount) n 22, sum 110,
  sum of squares 1100 (mean 5, variance (1100 - 110^2/22) / 21 = 26.190476);
- b's first 9 members order 20 on July 10, and customer 4 again on July 30 (the last day): has orders
  9/12 = 0.75; the sums are 40, 20 x 8, 0 x 3: n 12, sum 200, squares 4800 (mean 16.666667, variance
  (4800 - 200^2/12) / 11 = 133.333333);
- orders that do not count: 33 on June 30 (the as-of day), 34 on July 31 (past the window), 39 (not
  listed) in the window; c's 8 and 10 order 50.
So b against a:
- has orders: 0.75 - 0.5 = 0.25 +- 1.96 * sqrt(0.5 * 0.5 / 22 + 0.75 * 0.25 / 12) = 0.25 +- 0.321993;
- sum(orders.amount): 16.666667 - 5 = 11.666667 +- 1.96 * sqrt(26.190476 / 22 + 133.333333 / 12)
  = 11.666667 +- 6.874429;
- avg(orders.amount) (known for buyers only: 11 in a, all 10; 9 in b, all 20): 10, with no interval
  (no spread on either side).
"""

from __future__ import annotations

import hashlib
import re
import shlex
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from engines import Table
from refusals import is_md5_refusal

from segdsl.cli.main import main
from segdsl.compile import compiler
from segdsl.errors import SegdslError, render
from segdsl.insight import backtest as lift
from segdsl.insight.backtest import Arm, backtest
from segdsl.insight.items import check_texts
from segdsl.run.catalog import Catalog
from segdsl.run.targets import Result, Target

SOURCE = """\
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at

segment listed: region is not null

split test "A lift test" of listed salt "lift":
    a 45%
    b 45%
    c 10%
"""
AS_OF, DAYS = date(2026, 6, 30), 30
LABELS = {"a": (1, 2, 3, 6, 7, 9, 11, 13, 14, 15, 17, 18, 20, 22, 24, 26, 28, 30, 31, 32, 37, 38),
          "b": (4, 5, 16, 19, 21, 23, 25, 27, 29, 33, 34, 35),
          "c": (8, 10, 12, 36)}


def _orders() -> list[tuple]:
    july = [(key, datetime(2026, 7, 5, 9), 10) for key in LABELS["a"][:11]]
    july += [(key, datetime(2026, 7, 10, 12), 20) for key in LABELS["b"][:9]]
    july += [(4, datetime(2026, 7, 30, 23, 59), 20), (8, datetime(2026, 7, 2), 50), (10, datetime(2026, 7, 3), 50),
             (39, datetime(2026, 7, 4), 70),                                     # not listed
             (33, datetime(2026, 6, 30, 23), 100), (34, datetime(2026, 7, 31, 0, 1), 100)]  # outside the window
    return [(n + 1, key, at, amount) for n, (key, at, amount) in enumerate(july)]


TABLES = [Table("shop.customers", (("customer_id", "integer"), ("region", "text")),
                tuple((key, None if key > 38 else "north") for key in range(1, 41))),
          Table("shop.orders", (("order_id", "integer"), ("customer_id", "integer"), ("ordered_at", "timestamp"),
                                ("amount", "decimal")), tuple(_orders()))]
CONDITION = ("segment", "label", "members", "hits", "share",
             "baseline", "baseline_share", "difference", "low", "high", "note")
VALUE = ("segment", "label", "members", "known", "total", "per_member",
         "baseline", "baseline_per_member", "difference", "low", "high", "note")
SMALL = "this label has fewer than 10 members: no lift"
NONE = (None,) * 6


class EngineTarget(Target):
    """A test engine as a read-only target: its SQL through the engine, its catalog from the tables loaded."""

    def __init__(self, engine, tables: list[Table]) -> None:
        self.engine, self.dialect, self.connection = engine, engine.dialect, None
        self.tables = tables

    def fetch(self, statement) -> Result:
        return Result((), self.engine.query(self.render(statement)))

    def catalog(self) -> Catalog:
        return {(t.schema or "main", t.table): dict(t.columns) for t in self.tables}

    def search_path(self) -> tuple[str, ...]:
        return ("main",)

    def creation_schema(self) -> str | None:
        return None

    def close(self) -> None:
        pass


def test_the_buckets_are_md5s():
    for label, keys in LABELS.items():
        low, high = {"a": (0, 4500), "b": (4500, 9000), "c": (9000, 10000)}[label]
        for key in keys:
            assert low <= int(hashlib.md5(f"lift:{key}".encode()).hexdigest()[:8], 16) % 10000 < high, key


@pytest.fixture()
def shop(engine):
    """The program and a target on the engine holding the shop; None on an engine without MD5 (SQLite)."""
    program = compiler.load_text(SOURCE, "lift.seg")
    try:
        compiler.to_sql(program, engine.dialect, None, AS_OF)
    except SegdslError as exc:
        assert is_md5_refusal(exc, engine.dialect)
        pytest.skip(f"{engine.dialect} refuses splits (no MD5)")
    engine.load(TABLES)
    return program, EngineTarget(engine, TABLES)


def _backtest(shop, outcome: str, baseline: str | None = None) -> Result:
    program, target = shop
    (item,) = check_texts(program, None, [("--outcome", outcome)])
    return backtest(target, program, AS_OF, item, DAYS, baseline=baseline)


def _rounded(rows: list[tuple]) -> list[tuple]:
    """Figures as floats rounded to 4 places (a DECIMAL sum is a Decimal on some drivers, a float on others)."""
    return [tuple(round(float(v), 4) if isinstance(v, (int, float)) or type(v).__name__ == "Decimal" else v
                  for v in row) for row in rows]


def test_the_lift_of_a_condition_on_every_engine(shop):
    result = _backtest(shop, "has orders")
    assert result.columns == CONDITION
    assert _rounded(result.rows) == [
        ("(all)", "", 40, 23, 0.575, *NONE),
        ("listed", "", 38, 22, 0.5789, *NONE),
        ("test", "a", 22, 11, 0.5, "a", None, None, None, None, "baseline"),
        ("test", "b", 12, 9, 0.75, "a", 0.5, 0.25, -0.072, 0.572, None),
        ("test", "c", 4, None, None, "a", None, None, None, None, SMALL)]


def test_the_lift_of_a_value_on_every_engine(shop):
    result = _backtest(shop, "sum(orders.amount)")
    assert result.columns == VALUE
    assert _rounded(result.rows) == [
        ("(all)", "", 40, 40, 480, 12, *NONE),
        ("listed", "", 38, 38, 410, 10.7895, *NONE),
        ("test", "a", 22, 22, 110, 5, "a", None, None, None, None, "baseline"),
        ("test", "b", 12, 12, 200, 16.6667, "a", 5, 11.6667, 4.7922, 18.5411, None),
        ("test", "c", 4, 4, None, None, "a", None, None, None, None, SMALL)]


def test_a_mean_over_the_known_outcomes_without_spread_has_no_interval(shop):
    result = _backtest(shop, "avg(orders.amount)")
    assert [row[3:] for row in _rounded(result.rows) if row[:2] == ("test", "b")] == [
        (9, 180, 20, "a", 10, 10, None, None, "the same outcome for every member of both: no interval")]


def test_another_baseline_on_every_engine(shop):
    rows = _rounded(_backtest(shop, "has orders", baseline="b").rows)
    assert [row[1:] for row in rows if row[0] == "test"] == [
        ("a", 22, 11, 0.5, "b", 0.75, -0.25, -0.572, 0.072, None),
        ("b", 12, 9, 0.75, "b", None, None, None, None, "baseline"),
        ("c", 4, None, None, "b", None, None, None, None, SMALL)]
    small = _rounded(_backtest(shop, "has orders", baseline="c").rows)
    assert [row[1:] for row in small if row[0] == "test"] == [
        ("a", 22, 11, 0.5, "c", None, None, None, None, "the baseline has fewer than 10 members: no lift"),
        ("b", 12, 9, 0.75, "c", None, None, None, None, "the baseline has fewer than 10 members: no lift"),
        ("c", 4, None, None, "c", None, None, None, None, "baseline")]


FORMS = ("count(orders)", "median(orders.amount)", "active_days(orders)", "sessions(orders, 30 minutes)",
         "orders then no orders within 7 days", "count(distinct orders.amount)", "days_since_last(orders)",
         "at least 1 of (has orders where amount > 15, has orders where amount < 15)",
         "sum(orders.amount) in top 10%")


def test_outcomes_of_every_form_give_duckdbs_figures(shop, duckdb_engine):
    """The outcome's query and the segments' each have CTEs named `base`: Spark's SQL, which moves every
    CTE to the top, must not declare one twice."""
    program, target = shop
    duckdb_engine.load(TABLES)  # (the same engine, loaded again, on duckdb)
    reference = EngineTarget(duckdb_engine, TABLES)
    for outcome in FORMS:
        (item,) = check_texts(program, None, [("--outcome", outcome)])
        found = _rounded(backtest(target, program, AS_OF, item, DAYS).rows)
        assert found == _rounded(backtest(reference, program, AS_OF, item, DAYS).rows), outcome


# ---- without a database --------------------------------------------------------


def test_the_interval_from_the_aggregates():
    assert lift.difference(Arm(22, 11, 11), Arm(12, 9, 9), True) == (0.25, -0.072, 0.572, None)
    assert lift.difference(Arm(22, 110, 1100), Arm(12, 200, 4800), False) == (11.6667, 4.7922, 18.5411, None)
    assert lift.difference(Arm(20, 0, 0), Arm(30, 0, 0), True) == (
        0, None, None, "the same outcome for every member of both: no interval")
    assert lift.difference(Arm(20, 20, 20), Arm(30, 0, 0), True) == (
        -1, None, None, "the same outcome for every member of both: no interval")
    assert lift.difference(Arm(20, 10, 10), Arm(1, 7, 49), False) == (
        6.5, None, None, "one known outcome in this label: no interval")
    assert lift.difference(Arm(0, 0, 0), Arm(12, 3, 3), False) == (
        None, None, None, "no known outcome in the baseline")
    values = [0.7, 0.7, 0.7]  # equal values whose sums round: still no spread
    assert Arm(3, sum(values), sum(v * v for v in values)).variance(False) == 0


def test_the_baselines_of_a_file():
    program = compiler.load_text(SOURCE + 'split other salt "x":\n    holdout 50%\n    b 50%\n', "two.seg")
    assert lift.baselines(program, None, None) == {"test": "a", "other": "holdout"}
    assert lift.baselines(program, ["test"], "b") == {"test": "b"}
    assert lift.baselines(program, None, "b") == {"test": "b", "other": "b"}
    with pytest.raises(SegdslError) as caught:
        lift.baselines(program, None, "a")
    assert render(caught.value) == "error: --baseline: split 'other' has no label 'a'\nhint: its labels: holdout, b"
    with pytest.raises(SegdslError) as caught:
        lift.baselines(program, ["listed"], "a")
    assert render(caught.value) == ("error: --baseline names a split's label, but no split is backtested\n"
                                    "hint: name a split with --segment")
    with pytest.raises(SegdslError) as caught:
        lift.baselines(program, ["lsted"], "a")
    assert "unknown segment 'lsted'" in render(caught.value)


# ---- the command line, on a DuckDB file ----------------------------------------------


@pytest.fixture()
def warehouse(tmp_path):
    """The shop in a DuckDB file, and the .seg file."""
    import duckdb

    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        for table in TABLES:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.schema}")
            columns = ", ".join(f"{c} {_DUCKDB[k]}" for c, k in table.columns)
            con.execute(f"CREATE TABLE {table.name} ({columns})")
            con.executemany(f"INSERT INTO {table.name} VALUES ({', '.join('?' * len(table.columns))})",
                            list(table.rows))
    seg = tmp_path / "lift.seg"
    seg.write_text(SOURCE)
    return str(seg), str(path)


_DUCKDB = {"integer": "BIGINT", "text": "VARCHAR", "timestamp": "TIMESTAMP", "decimal": "DECIMAL(18,4)"}


def _cli(warehouse, *args: str):
    seg, db = warehouse
    return CliRunner().invoke(main, ["backtest", seg, "--db", db, "--as-of", "2026-06-30", "--days", "30", *args])


def test_the_lift_in_every_format(warehouse):
    table = _cli(warehouse, "--outcome", "has orders")
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].split() == list(CONDITION)
    assert ("test     b           12  9     0.7500  a         0.5000          0.25        -0.072  0.572\n"
            in table.stdout)
    csv = _cli(warehouse, "--outcome", "sum(orders.amount)", "--format", "csv")
    assert csv.stdout.splitlines()[0] == ",".join(VALUE)
    assert "test,b,12,12,200,16.6667,a,5,11.6667,4.7922,18.5411,\n" in csv.stdout
    assert "test,a,22,22,110,5,a,,,,,baseline\n" in csv.stdout
    json = _cli(warehouse, "--outcome", "has orders", "--baseline", "b", "--segment", "test", "--format", "json")
    import json as json_lib

    rows = json_lib.loads(json.stdout)
    assert rows[0]["segment"] == "(all)" and rows[0]["baseline"] is None
    assert rows[1] == {"segment": "test", "label": "a", "members": 22, "hits": 11, "share": 0.5, "baseline": "b",
                       "baseline_share": 0.75, "difference": -0.25, "low": -0.572, "high": 0.072, "note": None}


def test_without_a_split_the_backtest_is_as_before(warehouse):
    done = _cli(warehouse, "--outcome", "has orders", "--segment", "listed", "--format", "csv")
    assert done.stdout == "segment,label,members,hits,share\n(all),,40,23,0.575\nlisted,,38,22,0.5789\n"


def test_an_unknown_baseline_is_an_error_with_a_suggestion(warehouse):
    done = _cli(warehouse, "--outcome", "has orders", "--baseline", "bb")
    assert done.exit_code == 1 and done.stdout == ""
    assert done.stderr == "error: --baseline: split 'test' has no label 'bb'\nhint: did you mean 'b'?\n"
    no_split = _cli(warehouse, "--outcome", "has orders", "--baseline", "a", "--segment", "listed")
    assert no_split.exit_code == 1
    assert no_split.stderr == ("error: --baseline names a split's label, but no split is backtested\n"
                               "hint: name a split with --segment\n")


def test_the_readme_shows_the_examples_backtest_as_it_prints(monkeypatch):
    """examples/winback_test.seg on the demo data: the output the README shows."""
    root = Path(__file__).parents[2]
    readme = (root / "README.md").read_text()
    shown = re.search(r"\$ (segdsl backtest examples/winback_test\.seg[^\n]*)\n(.*?)```", readme, re.S)
    assert shown is not None
    monkeypatch.chdir(root)
    done = CliRunner().invoke(main, shlex.split(shown[1])[1:])
    assert done.exit_code == 0, done.output
    assert done.stdout == shown[2]
