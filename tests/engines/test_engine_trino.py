"""Tests that run compiled SQL on trino: the differential check against tests/engines/oracle.py."""

from engines.differential import check_generated_programs


def test_generated_programs_match_the_oracle(trino_engine):
    check_generated_programs(trino_engine)
