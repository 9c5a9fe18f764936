"""Tests that run compiled SQL on trino: the differential check against tests/engines/oracle.py.

Fewer cases than on the other engines by default (100, not 300): every statement on Trino takes 0.1 to
0.3 s however small its tables, so a case takes about a second. SEGDSL_DIFF_EXAMPLES sets the number here too.
"""

import os

from engines.differential import check_generated_programs

EXAMPLES = int(os.environ.get("SEGDSL_DIFF_EXAMPLES", "100"))


def test_generated_programs_match_the_oracle(trino_engine):
    check_generated_programs(trino_engine, EXAMPLES)
