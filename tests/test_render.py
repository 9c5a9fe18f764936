"""dialects.render prints exactly what sqlglot's own generator prints, skipping the per-SELECT
rewrites only for trees they leave unchanged."""

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

import segdsl
from bench.compile_bench import generated_program
from bench.data import AS_OF
from segdsl import dialects
from segdsl.compiler import to_tree

EXAMPLES = sorted(Path(__file__).resolve().parent.parent.joinpath("examples").rglob("*.seg"))


def _programs():
    yield "generated", segdsl.load_text(generated_program(120), "generated.seg")
    for path in EXAMPLES:
        yield path.name, segdsl.load_file(path)


def _plain(dialect):
    return dialects._plain_select_generator(dialect)(dialect=dialect, pretty=True)


@pytest.mark.parametrize("dialect", [d for d in dialects.DIALECTS if dialects._plain_select_generator(d)])
def test_compiled_files_take_the_fast_path(dialect):
    for name, program in _programs():
        _plain(dialect).generate(to_tree(program, dialect, None, AS_OF), copy=False)


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
def test_compiled_files_print_as_the_dialects_own_generator_prints_them(dialect):
    for name, program in _programs():
        expected = to_tree(program, dialect, None, AS_OF).sql(dialect=dialect, pretty=True, copy=False)
        assert dialects.render(to_tree(program, dialect, None, AS_OF), dialect) == expected, name


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
def test_each_segment_prints_as_the_dialects_own_generator_prints_it(dialect):
    program = segdsl.load_text(generated_program(24), "generated.seg")
    for segment in program.segments:
        expected = to_tree(program, dialect, segment, AS_OF).sql(dialect=dialect, pretty=True, copy=False)
        assert dialects.render(to_tree(program, dialect, segment, AS_OF), dialect) == expected, segment


# each is rewritten by some dialect's SELECT transforms; render must then print the rewritten form
REWRITTEN = [
    ("SELECT a FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) = 1", "postgres"),
    ("SELECT a FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) = 1", "tsql"),
    ("SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b", "snowflake"),
    ("SELECT a FROM t SEMI JOIN u ON t.a = u.a", "postgres"),
    ("SELECT a FROM t FULL OUTER JOIN u ON t.a = u.a", "mysql"),
    ("SELECT x FROM UNNEST([1, 2]) AS x", "databricks"),
    ("SELECT EXPLODE(xs) AS x FROM t", "snowflake"),
    ("SELECT a FROM t WHERE a = ANY(SELECT b FROM u)", "spark"),
    ("SELECT a, SUM(b) FROM t GROUP BY a ORDER BY SUM(b)", "bigquery"),
    ("SELECT * FROM UNNEST(GENERATE_DATE_ARRAY(DATE '2020-01-01', DATE '2020-02-01', INTERVAL 1 DAY)) AS d",
     "tsql"),
]


@pytest.mark.parametrize("sql,dialect", REWRITTEN)
def test_trees_the_rewrites_change_print_rewritten(sql, dialect):
    read = "bigquery" if "GENERATE_DATE_ARRAY" in sql or "[" in sql else "duckdb"
    expected = sqlglot.parse_one(sql, read=read).sql(dialect=dialect, pretty=True)
    with pytest.raises(dialects._NeedsRewrites):  # found, so printed by the dialect's own generator
        _plain(dialect).generate(sqlglot.parse_one(sql, read=read), copy=False)
    assert dialects.render(sqlglot.parse_one(sql, read=read), dialect) == expected


def test_a_rewrite_below_the_top_select_is_found():
    inner = sqlglot.parse_one("SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1")
    tree = exp.select("a").from_(inner.subquery("s"))
    with pytest.raises(dialects._NeedsRewrites):
        _plain("postgres").generate(tree.copy(), copy=False)
    assert dialects.render(tree.copy(), "postgres") == tree.sql(dialect="postgres", pretty=True)
