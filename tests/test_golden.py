"""Golden SQL in every dialect, and every output parsed back.

Two kinds of golden file, under tests/golden/:
- whole_file/<example>/<dialect>[.current_date].sql: the whole-file query of examples/retail.seg, and of
  examples/calendar.seg (New York's calendar: each dialect's zone conversions; none for the dialects that
  refuse them, rule 9);
- constructs/<construct>/<dialect>[.current_date].sql: one small segment (or segmentation) per
  construct of the language, over the data model MODEL below (table CONSTRUCTS), so a compiler
  change shows up under the name of the construct it changes.
Each is compiled with the as-of day 2026-06-30; the .current_date files without one (the SQL reads
the database's current date): retail, and the constructs in READS_TODAY.

Regenerate after an intended change with
    SEGDSL_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff. That writes every golden file and deletes those no test reads (a construct
renamed or removed); without it, a missing, different or unread golden file fails.
"""

import os
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import sqlglot
from refusals import sql_or_refused

from segdsl import dialects
from segdsl.compile.compiler import load_file, load_text, to_sql
from segdsl.dialects import DIALECTS

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = sorted((ROOT / "examples").glob("*.seg"))
WHOLE_FILES = (ROOT / "examples" / "retail.seg", ROOT / "examples" / "calendar.seg")
AS_OF = date(2026, 6, 30)
UPDATE = bool(os.environ.get("SEGDSL_UPDATE_GOLDEN"))

# The data model of every construct: an entity, two event tables, an event set declared with a
# filter and one more over the orders' second time column, a date time column, parameters; and
# the segment, segmentation and split that segment_reference, segmentation_label and split_label refer to.
MODEL = """\
lookup brands from shop.brands key brand_id
lookup products from shop.products key product_id
    with brands on brand_id
lookup regions from shop.regions key region_id

customers from shop.customers key customer_id
    with regions on region_id
    json prefs

events orders from shop.orders by customer_id at ordered_at
    with products on product_id
events app_orders from shop.orders     by customer_id at ordered_at where channel = "app"
events shipments  from shop.orders     by customer_id at shipped_at
events tickets    from support.tickets by customer_id at opened_on date
events tracks     from web.tracks      by user_id at ts json properties

param min_age = 18
param lapse = 90

segment big_spenders:
    sum(orders.amount) >= 1000

segmentation tier:
    vip     when big_spenders
    regular when count(orders) >= 2
    else other

split winback of big_spenders salt "2026-q3":
    holdout 10%
    email   90%
"""

# construct -> the condition of a segment of that name
SEGMENTS = {
    # conditions on attributes of the entity
    "compare_equal": 'country = "US"',
    "compare_not_equal": 'country != "US"',
    "compare_less_than": "age < 30",
    "compare_between": "age between 18 and 34",
    "compare_in": 'country in ("US", "CA")',
    "compare_not_in": 'country not in ("US", "CA")',
    "compare_like": 'email like "%@example.com"',
    "compare_not_like": 'email not like "%@example.com"',
    "compare_is_null": "email is null",
    "compare_is_not_null": "email is not null",
    "compare_date_with_timestamp": "has orders where ordered_at <= 2026-01-31",
    # logic
    "logic_not": 'not country = "US"',
    "logic_not_aggregate": "not (avg(orders.amount) < 50)",
    "logic_and": 'country = "US" and age >= 18',
    "logic_or": 'country = "US" or age >= 18',
    "logic_true_false": "age < 30 and not false",
    # event sets
    "events_has": "has orders",
    "events_no": "no orders",
    "events_filtered": 'has orders where channel = "web"',
    "events_filter_and_window": 'has orders where channel = "web" in last 30 days',
    "events_declared_filter": "count(app_orders) * 2 >= count(orders)",
    # aggregates
    "agg_count": "count(orders) >= 3",
    "agg_count_filtered": 'count(orders where channel = "web" and amount > 50) >= 2',
    "agg_count_distinct": "count(distinct orders.category) >= 2",
    "agg_sum": "sum(orders.amount) > 500",
    "agg_avg": "avg(orders.amount) >= 100",
    "agg_min": "min(orders.amount) < 10",
    "agg_max": "max(orders.amount) > 1000",
    "agg_first_time": "first(orders.ordered_at) >= 2026-01-01",
    "agg_last_time": "last(orders.ordered_at) < 2026-01-01",
    "agg_first_value": 'first(orders.channel) = "app"',
    "agg_last_value": "last(orders.amount) > 100",
    "agg_days_since_last": "days_since_last(orders) > 60",
    "agg_median": "median(orders.amount in last 365 days) > 40",
    "agg_most_frequent": 'most_frequent(orders.category where channel = "web") = "books"',
    # windows
    "window_last_days": "has orders in last 30 days",
    "window_last_weeks": "has orders in last 2 weeks",
    "window_last_months": "has orders in last 3 months",
    "window_last_years": "has orders in last 1 year",
    "window_before_last": "has orders before last 60 days",
    "window_between_days_ago": "has orders between 59 and 7 days ago",
    "window_between_dates": "has orders between 2026-01-01 and 2026-03-31",
    "window_since": "has orders since 2026-06-01",
    "window_until": "has orders until 2026-01-31",
    "window_date_time_column": "has tickets in last 7 days",
    "window_date_attribute": "signup_date in last 30 days",
    "window_first_time": "first(orders.ordered_at) in last 30 days",
    # ranking
    "rank_top": "sum(orders.amount) in top 10%",
    "rank_bottom_decimal": "sum(orders.amount) in bottom 33.3%",
    "rank_quintile": "quintile(count(orders)) = 5",
    "rank_decile": "decile(age) >= 9",
    "rank_constant": "quintile(1) = 1",
    # sequences
    "seq_then": "orders then tickets within 7 days",
    "seq_then_no": "orders then no tickets within 3 days",
    "seq_same_events": "orders then orders within 14 days",
    "seq_two_time_columns": "orders then shipments within 2 days",
    # journeys (rule 15): per step; numbered rows where neighbours may be one row; per instant by counts
    "journey_steps": 'orders where channel = "web" then app_orders within 1 day then tickets within 7 days',
    "journey_matching": "orders then app_orders within 1 day matching channel then no tickets within 3 days",
    "journey_then_no_matching": "tickets then orders within 2 days then no app_orders within 3 days "
                                "matching orders.amount = app_orders.amount",
    "journey_same_rows": 'orders then orders within 7 days then orders where channel = "web" within 12 hours',
    "journey_same_days": "tickets then tickets within 1 day then no tickets within 2 days",
    "journey_window": 'orders in last 14 days then orders where channel = "app" within 1 day '
                      "then tickets within 2 days",
    # three steps of one event set: a row's neighbours in time order; per instant by counts per value
    "journey_repeat_matching": "orders then orders within 7 days matching channel then orders within 14 days "
                               "matching channel",
    "journey_counts_per_value": "orders then orders within 7 days matching channel then orders within 7 days "
                                "matching channel then no orders within 3 days matching channel",
    # per instant along paths: steps apart over one table linked by matching, or dates among timestamps
    "journey_paths_matching": "orders then orders within 7 days matching channel then orders within 7 days "
                              "matching channel then no tickets within 3 days",
    "journey_paths_days": "orders then tickets within 1 day then orders within 2 days",
    # lookups (rule 16): one join per scan that reads them, a chain, the entity's
    "lookup_filter": 'has orders where products.category = "books" and count(orders where products.price > 20) > 2',
    "lookup_chain": "count(distinct orders.products.brands.name) >= 2",
    "lookup_entity": 'regions.name = "north"',
    "lookup_statistic": 'most_frequent(orders.products.category) = "books"',
    # JSON properties (rule 17): each scan computes the paths it reads once; typed by use
    "json_text_filter": 'has tracks where properties.utm.source = "google"',
    "json_number": "sum(tracks.properties.price) > 100 and count(tracks where properties.price >= 20) >= 2",
    "json_date_window": "has tracks where properties.signup in last 30 days",
    "json_boolean": "has tracks where properties.gift",
    "json_backticked_keys": 'has tracks where properties.`utm source`.`a.b` = "x" and properties.`ü` = "ja"',
    "json_two_paths": 'has tracks where properties.utm.source = "google" and properties.price > 20',
    "json_matching": "tracks then orders within 3 days matching tracks.properties.product_id = orders.product_id",
    "json_entity": 'prefs.plan = "pro" and prefs.score >= 5',
    # names, arithmetic, parameters
    "segment_reference": "big_spenders and no tickets",
    "segmentation_label": 'tier in ("vip", "regular")',
    "split_label": 'winback = "email"',
    "arithmetic": "sum(orders.amount) - count(orders) * 10 > 100",
    "arithmetic_division": "sum(orders.amount) / count(orders) > 120",
    "parameter": "age >= min_age",
    "parameter_window": "no orders in last lapse days",
}

# construct -> the lines of a segmentation of that name
SEGMENTATIONS = {
    "segmentation": """\
    adult        when age >= 18
    "has orders" when has orders
    else other""",
}

# construct -> a split of that name: what follows its name
SPLITS = {
    "split_everyone": """salt "s1":
    holdout 10%
    email   45%
    sms     45%""",
    "split_of_segment": """of big_spenders salt "2026-q3":
    holdout 12.5%
    treatment 50%""",
}

CONSTRUCTS = {
    **{name: f"segment {name}:\n    {condition}\n" for name, condition in SEGMENTS.items()},
    **{name: f"segmentation {name}:\n{lines}\n" for name, lines in SEGMENTATIONS.items()},
    **{name: f"split {name} {lines}\n" for name, lines in SPLITS.items()},
}
# constructs that hash keys with MD5, which SQLite has not (rule 18: a positioned error there)
HASHES = {"split_label", *SPLITS}

# a .current_date file each: the windows, and the other constructs that use the current date for more than
# the as-of day's cut of events (every construct over events reads it for that cut)
READS_TODAY = {
    *(name for name in CONSTRUCTS if name.startswith("window_")),
    "agg_days_since_last",
    "events_filter_and_window",
    "json_date_window",
    "parameter_window",
}

def _converts_zones(dialect: str) -> bool:
    """Whether the dialect converts New York's wall-clock times (the others refuse them, rule 9)."""
    return dialects.get(dialect).convert_zone(sqlglot.exp.column("t"), "UTC", "America/New_York") is not None


WHOLE_FILE_CASES = [(path.stem, dialect, as_of) for path in WHOLE_FILES for dialect in DIALECTS
                    for as_of in (AS_OF, None)
                    if path.stem == "retail" or _converts_zones(dialect)]
CONSTRUCT_CASES = [(name, dialect, as_of) for name in CONSTRUCTS for dialect in DIALECTS
                   for as_of in ((AS_OF, None) if name in READS_TODAY else (AS_OF,))
                   if not (name in HASHES and dialects.get(dialect).md5_missing)]


def _golden_path(folder, dialect, as_of):
    return folder / f"{dialect}{'' if as_of else '.current_date'}.sql"


def _check(sql, path):
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql)
    assert path.exists(), f"no golden file {path}: run with SEGDSL_UPDATE_GOLDEN=1"
    assert sql == path.read_text(), f"{path} differs: run with SEGDSL_UPDATE_GOLDEN=1 and review the diff"


@cache
def _construct(name):
    return load_text(MODEL + "\n" + CONSTRUCTS[name], f"{name}.seg")


def _case_id(case):
    *names, as_of = case
    return "-".join([*names, "as_of" if as_of else "current_date"])


@pytest.mark.parametrize("case", WHOLE_FILE_CASES, ids=_case_id)
def test_whole_file_golden_sql(case):
    example, dialect, as_of = case
    sql = to_sql(load_file(ROOT / "examples" / f"{example}.seg"), dialect, None, as_of) + "\n"
    _check(sql, _golden_path(GOLDEN / "whole_file" / example, dialect, as_of))


@pytest.mark.parametrize("case", CONSTRUCT_CASES, ids=_case_id)
def test_construct_golden_sql(case):
    name, dialect, as_of = case
    sql = to_sql(_construct(name), dialect, name, as_of) + "\n"
    _check(sql, _golden_path(GOLDEN / "constructs" / name, dialect, as_of))


def test_every_golden_file_is_read():
    expected = {_golden_path(GOLDEN / "whole_file" / e, d, a) for e, d, a in WHOLE_FILE_CASES}
    expected |= {_golden_path(GOLDEN / "constructs" / n, d, a) for n, d, a in CONSTRUCT_CASES}
    stray = sorted(set(GOLDEN.rglob("*.sql")) - expected)
    if UPDATE:
        for path in stray:
            path.unlink()
        for folder in sorted({p.parent for p in stray}, reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
        return
    assert not stray, f"golden files no test reads: {[str(p.relative_to(GOLDEN)) for p in stray]}"


def test_the_construct_table():
    assert not READS_TODAY - set(CONSTRUCTS)
    assert not set(SEGMENTS) & set(SEGMENTATIONS) and not set(SPLITS) & (set(SEGMENTS) | set(SEGMENTATIONS))
    assert all(name.isidentifier() for name in CONSTRUCTS)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_segment_parses_back_in_its_dialect(example, dialect):
    program = load_file(example)
    for name in [None, *program.segments, *program.segmentations]:
        for as_of in (AS_OF, None):
            sql = sql_or_refused(program, dialect, name, as_of)
            if sql is None:  # a zoned example where the dialect has no zone database (rule 9), or a split
                splits = any(s.split is not None for s in program.segmentations.values())  # with no MD5 (18)
                assert program.timezone != "UTC" or splits
                continue
            tree = sqlglot.parse_one(sql, read=dialect)
            assert tree.find(sqlglot.exp.Select) is not None, (name, dialect)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", CONSTRUCTS)
def test_every_construct_parses_back_in_its_dialect(name, dialect):
    if name in HASHES and dialects.get(dialect).md5_missing:
        return
    for as_of in (AS_OF, None):
        sql = to_sql(_construct(name), dialect, name, as_of)
        tree = sqlglot.parse_one(sql, read=dialect)
        assert tree.find(sqlglot.exp.Select) is not None, (name, dialect, as_of)
