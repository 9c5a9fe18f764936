"""The ClickHouse driver's target on embedded ClickHouse (chdb): its catalog, sizes, and segment history.

No ClickHouse server runs in the tests. chdb is the same engine in-process;
a small client stands in for clickhouse-connect's HTTP client (its query()
and command()), so the SQL and everything above the transport is what a
clickhouse:// URL runs.
"""

from __future__ import annotations

import json

from segdsl.compile import compiler
from segdsl.run import dbcheck, history, runner
from segdsl.run.drivers.clickhouse import ClickHouseTarget

from .small_shop import JULY_1, JUNE_30, SOURCE, TABLES


class _Result:
    def __init__(self, names: list[str], rows: list[tuple]):
        self.column_names, self.result_rows = names, rows


class _Client:
    """clickhouse-connect's Client.query and Client.command, over a chdb session."""

    def __init__(self, session):
        self.session = session

    def query(self, sql: str) -> _Result:
        found = json.loads(self.session.query(sql, "JSONCompact").bytes())
        return _Result([column["name"] for column in found["meta"]], [tuple(row) for row in found["data"]])

    def command(self, sql: str) -> None:
        self.session.query(sql)


def test_sizes_history_and_diff(clickhouse_engine):
    clickhouse_engine.load(TABLES)
    target = ClickHouseTarget(_Client(clickhouse_engine._session), Exception)
    program = compiler.load_text(SOURCE)
    assert target.search_path() == ("default",)
    assert target.catalog()[("shop", "customers")] == {"customer_id": "Int64", "age": "Int64"}  # Nullable(...) off
    assert runner.sizes(target, program, JUNE_30).rows == [
        ("buyers", "", 2, 0.6667), ("older", "", 1, 0.3333), ("kind", "old_buyer", 1, 0.3333),
        ("kind", "other", 2, 0.6667)]
    try:
        for day in (JUNE_30, JULY_1, JULY_1):  # a rerun replaces its day
            assert history.materialize(target, program, "segdsl_hist", day).rows == 6
        assert history.days(target, "segdsl_hist") == [JUNE_30, JULY_1]
        assert history.diff(target, "segdsl_hist", JUNE_30, JULY_1).rows == [
            ("buyers", None, "entered", 3), ("buyers", None, "left", 1)]
    finally:
        target.connection.command("DROP TABLE IF EXISTS default.segdsl_hist SYNC")


def test_check_knows_clickhouses_zone_names(clickhouse_engine):
    """`check --db` asks ClickHouse's system.time_zones whether it knows a named zone (rule 9)."""
    target = ClickHouseTarget(_Client(clickhouse_engine._session), Exception)
    assert dbcheck.zone_known(target, "America/New_York") and dbcheck.zone_known(target, "Pacific/Kiritimati")
    assert not dbcheck.zone_known(target, "Europe/Berln")
    assert dbcheck.zone_known(target, "+05:30") and dbcheck.zone_known(target, "UTC")
