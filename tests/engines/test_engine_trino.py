"""Tests that run compiled SQL on trino: the differential check against tests/engines/oracle.py; and the
catalog a client writes in.

Fewer cases than on the other engines by default (100, not 300): every statement on Trino takes 0.1 to
0.3 s however small its tables, so a case takes about a second. SEGDSL_DIFF_EXAMPLES sets the number here too.
"""

import os
from datetime import date

import pytest

from engines.differential import check_generated_programs

EXAMPLES = int(os.environ.get("SEGDSL_DIFF_EXAMPLES", "100"))


def test_generated_programs_match_the_oracle(trino_engine):
    check_generated_programs(trino_engine, EXAMPLES)


def test_the_writable_catalog_takes_the_writes_memory_refuses(trino_engine):
    """What a client writing history tables needs (see TrinoEngine): DELETE, in writable_catalog()."""
    from trino.exceptions import TrinoUserError

    schema = f"{trino_engine.writable_catalog()}.segdsl_writes"
    trino_engine.query(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    try:
        trino_engine.query(f"CREATE TABLE {schema}.h AS SELECT * FROM (VALUES (DATE '2024-06-29', 1), "
                           f"(DATE '2024-06-30', 2)) AS t (day, k)")
        trino_engine.query(f"DELETE FROM {schema}.h WHERE day = DATE '2024-06-29'")
        assert trino_engine.query(f"SELECT day, k FROM {schema}.h") == [(date(2024, 6, 30), 2)]
        trino_engine.query("CREATE TABLE segdsl_refuses AS SELECT 1 AS k")
        with pytest.raises(TrinoUserError, match="does not support modifying table rows"):
            trino_engine.query("DELETE FROM segdsl_refuses WHERE k = 1")
    finally:
        trino_engine.query("DROP TABLE IF EXISTS segdsl_refuses")
        trino_engine.query(f"DROP TABLE IF EXISTS {schema}.h")
        trino_engine.query(f"DROP SCHEMA IF EXISTS {schema}")
    assert trino_engine.url == f"trino://segdsl@127.0.0.1:{trino_engine.port}/memory/default"
