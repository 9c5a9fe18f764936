"""Golden SQL of the whole-file query of examples/retail.seg in every dialect, and every example's output
parsed back.

Regenerate after an intended change with
    SEGDSL_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff.
"""

import os
from datetime import date
from pathlib import Path

import pytest
import sqlglot

from segdsl.compile.compiler import load_file, to_sql
from segdsl.dialects import DIALECTS

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = sorted((ROOT / "examples").glob("*.seg"))
WHOLE_FILE = ROOT / "examples" / "retail.seg"
AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("as_of", [AS_OF, None], ids=["as_of", "current_date"])
def test_whole_file_golden_sql(dialect, as_of):
    sql = to_sql(load_file(WHOLE_FILE), dialect, None, as_of) + "\n"
    path = GOLDEN / "whole_file" / WHOLE_FILE.stem / f"{dialect}{'' if as_of else '.current_date'}.sql"
    if os.environ.get("SEGDSL_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql)
    assert path.exists(), f"no golden file {path}: run with SEGDSL_UPDATE_GOLDEN=1"
    assert sql == path.read_text()


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_segment_parses_back_in_its_dialect(example, dialect):
    program = load_file(example)
    for name in [None, *program.segments, *program.segmentations]:
        for as_of in (AS_OF, None):
            sql = to_sql(program, dialect, name, as_of)
            tree = sqlglot.parse_one(sql, read=dialect)
            assert tree.find(sqlglot.exp.Select) is not None, (name, dialect)
