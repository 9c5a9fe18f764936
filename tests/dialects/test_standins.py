"""The SQL of the dialects without a server here, on their stand-ins: the contract, every example, injection.

No Snowflake or BigQuery server runs here. Their stand-ins (tests/engines/fakesnow.py for snowflake,
tests/engines/bqemulator.py for bigquery) run the compiled SQL on DuckDB after translating it with
sqlglot, the library segdsl compiles with: agreement with the reference evaluator is weak evidence, a
disagreement strong. Each disagreement is either a defect of segdsl's SQL (fixed in
segdsl/dialects/<dialect>.py, with a test) or of the stand-in: then the exact test is an expected
failure, strict, in TRANSLATION_DEFECTS below, naming the defect, so that a stand-in that gets it
right fails the run until the line goes.

The tests are test_contract.py's (and test_contract_zones.py's, test_contract_statistics.py's,
test_contract_json.py's),
test_examples_everywhere.py's and test_injection.py's own functions,
given the stand-in as their engine: the same cases, data and expected members (the examples' from the
reference evaluator, tests/engines/oracle.py).
"""

from __future__ import annotations

from datetime import date, datetime

import engines as engine_lib
import pytest
from compile import test_contract as contract
from compile import test_contract_json as json_contract
from compile import test_contract_statistics as statistics
from compile import test_contract_zones as zones
from compile import test_examples_everywhere as everywhere
from engines import StandinError, Table
from engines.test_engines_smoke import CUSTOMERS, ORDERS, expected

from dialects import test_injection as injection

FAKESNOW_AT = ("fakesnow 0.12.1's sqlglot 30.22 writes a column named `at` bare in DuckDB's SQL, where AT is "
               "reserved (a parser error); Snowflake does not reserve AT (docs.snowflake.com/en/sql-reference/"
               "reserved-keywords), so segdsl's bare `at` is right there (sqlglot 30.30 quotes it for DuckDB)")
UNQUALIFIED = ("bqemulator 1.4.0 ignores jobs.query's defaultDataset, so an unqualified table is not found "
               "(BigQuery reads it from the default dataset)")
FAKESNOW_HEX = ("fakesnow 0.12.1 does not implement TO_NUMBER with a format argument (\"... with format argument "
               "not implemented\"), which reads a split's 8 hex digits as a number (TO_NUMBER(..., 'XXXXXXXX'), "
               "docs.snowflake.com/en/sql-reference/functions/to_decimal)")
# stand-in -> its defect that fails an example with a split
SPLIT_DEFECTS = {"fakesnow": FAKESNOW_HEX}

# (stand-in, test) -> the stand-in's defect that fails it
TRANSLATION_DEFECTS = {
    ("fakesnow", "test_contract_month_windows_step_by_calendar_and_clamp"): FAKESNOW_AT,
    ("fakesnow", "test_contract_without_an_as_of_day_the_database_current_date_is_d"): FAKESNOW_AT,
    ("fakesnow", "test_contract_zones_on_the_engine"): FAKESNOW_AT,
    ("fakesnow", "test_contract_zones_without_an_as_of_today_is_the_zones_day"): FAKESNOW_AT,
    ("bqemulator", "test_contract_month_windows_step_by_calendar_and_clamp"): UNQUALIFIED,
    ("bqemulator", "test_contract_without_an_as_of_day_the_database_current_date_is_d"): UNQUALIFIED,
    ("bqemulator", "test_injection_string_values_and_quoted_identifiers_stay_data"): UNQUALIFIED,
    ("bqemulator", "test_injection_parameters_stay_data"): UNQUALIFIED,
    ("bqemulator", "test_injection_like_patterns_stay_data"): UNQUALIFIED,
    ("bqemulator", "test_injection_the_whole_file_query_keeps_a_description_comment_inert"): UNQUALIFIED,
}

demo_data = everywhere.demo_data   # the examples' fixture: a slice of the demo data, and its rows for the oracle


@pytest.fixture(params=engine_lib.STANDIN_NAMES)
def standin(request: pytest.FixtureRequest) -> engine_lib.Engine:
    """Each stand-in in turn, the test marked as an expected failure where TRANSLATION_DEFECTS says so."""
    defect = TRANSLATION_DEFECTS.get((request.param, request.function.__name__))
    if defect:
        request.applymarker(pytest.mark.xfail(strict=True, raises=StandinError, reason=defect))
    return request.getfixturevalue(f"{request.param}_engine")


def _parameter_sets(test) -> list:
    """The argument tuples of a test's @pytest.mark.parametrize."""
    [mark] = [mark for mark in test.pytestmark if mark.name == "parametrize"]
    return list(mark.args[1])


def test_the_stand_in_gives_loaded_values_back_exactly(standin):
    """Loading is not what is under test, but every other test stands on it (see test_engines_smoke.py)."""
    customers = Table("shop.customers", CUSTOMERS.columns, CUSTOMERS.rows)   # qualified: see UNQUALIFIED
    texts = Table("shop.t", (("id", "integer"), ("note", "text"), ("day", "date"), ("at", "timestamp")),
                  ((1, "😀 \t\n\r\x01 end", date(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)),
                   (2, "null", None, None), (3, "\\u0041 \\n", None, None), (4, "", None, None)))
    standin.load([ORDERS, customers, texts])
    assert standin.query("SELECT * FROM shop.orders ORDER BY id") == expected(ORDERS)
    assert standin.query("SELECT * FROM shop.customers ORDER BY id") == sorted(expected(customers))
    assert standin.query("SELECT * FROM shop.t ORDER BY id") == expected(texts)


# ---- tests/compile/test_contract.py

def test_contract_every_case_as_its_own_query(standin):
    contract.test_every_case_as_its_own_query(standin)


def test_contract_every_case_in_one_whole_file_query(standin):
    contract.test_every_case_in_one_whole_file_query(standin)


def test_contract_a_parameter_changes_the_members(standin):
    contract.test_a_parameter_changes_the_members(standin)


def test_contract_the_language_md_program(standin):
    contract.test_the_language_md_program(standin)


@pytest.mark.parametrize("as_of, expected_members",
                         _parameter_sets(contract.test_month_windows_step_by_calendar_and_clamp))
def test_contract_month_windows_step_by_calendar_and_clamp(standin, as_of, expected_members):
    contract.test_month_windows_step_by_calendar_and_clamp(standin, as_of, expected_members)


def test_contract_without_an_as_of_day_the_database_current_date_is_d(standin):
    contract.test_without_an_as_of_day_the_database_current_date_is_d(standin)


# ---- tests/compile/test_contract_zones.py: bqemulator's tables qualified (it finds no unqualified table)

def _zone_schema(standin: engine_lib.Engine) -> str:
    return "segdsl" if standin.name == "bqemulator" else ""


@pytest.mark.parametrize("name, zone, as_of, tables, cases", zones.SCENARIOS, ids=[s[0] for s in zones.SCENARIOS])
def test_contract_zones_on_the_engine(standin, name, zone, as_of, tables, cases):
    zones.test_zones_on_the_engine(standin, name, zone, as_of, tables, cases, schema=_zone_schema(standin))


def test_contract_zones_without_an_as_of_today_is_the_zones_day(standin):
    zones.test_without_an_as_of_today_is_the_zones_day(standin, schema=_zone_schema(standin))


# ---- tests/compile/test_contract_statistics.py (rule 14)

def test_contract_statistics_on_the_engine(standin):
    statistics.test_median_and_most_frequent_on_the_engine(standin)


def test_contract_statistics_a_segmentation(standin):
    statistics.test_a_segmentation_labels_by_the_most_frequent_category(standin)


# ---- tests/compile/test_contract_json.py (rule 17)

def test_contract_json_properties(standin):
    json_contract.test_json_properties_on_the_engine(standin)


def test_contract_json_values_as_trait_columns(standin):
    json_contract.test_json_values_as_trait_columns_on_the_engine(standin)


# ---- tests/compile/test_examples_everywhere.py

def _split_defect(request: pytest.FixtureRequest, standin, example) -> None:
    """An example with a split, on a stand-in that cannot run splits: an expected failure, strict."""
    defect = SPLIT_DEFECTS.get(standin.name)
    if defect and "\nsplit " in example.read_text():
        request.applymarker(pytest.mark.xfail(strict=True, raises=StandinError, reason=defect))


@pytest.mark.parametrize("example", everywhere.EXAMPLES, ids=[path.stem for path in everywhere.EXAMPLES])
def test_example_every_segment_and_segmentation(request, standin, demo_data, example):
    _split_defect(request, standin, example)
    everywhere.test_every_segment_and_segmentation_matches_the_oracle(standin, demo_data, example)


@pytest.mark.parametrize("example", everywhere.EXAMPLES, ids=[path.stem for path in everywhere.EXAMPLES])
def test_example_whole_file_query(request, standin, demo_data, example):
    _split_defect(request, standin, example)
    everywhere.test_the_whole_file_query_matches_the_oracle(standin, demo_data, example)


# ---- tests/dialects/test_injection.py: Snowflake's strings take backslash escapes, BigQuery's too

@pytest.mark.parametrize("column", _parameter_sets(injection.test_string_values_and_quoted_identifiers_stay_data))
def test_injection_string_values_and_quoted_identifiers_stay_data(standin, column):
    injection.test_string_values_and_quoted_identifiers_stay_data(standin, column)


def test_injection_parameters_stay_data(standin):
    injection.test_parameters_stay_data(standin)


def test_injection_like_patterns_stay_data(standin):
    injection.test_like_patterns_stay_data(standin)


def test_injection_the_whole_file_query_keeps_a_description_comment_inert(standin):
    injection.test_the_whole_file_query_keeps_a_description_comment_inert(standin)
