"""dialects.render prints exactly what sqlglot's own generator prints, skipping the per-SELECT
rewrites only for trees they leave unchanged."""

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.generator import Generator

import segdsl
from bench.compile_bench import generated_program
from bench.data import AS_OF
from segdsl import dialects
from segdsl.compile.compiler import to_tree
from segdsl.dialects.render import NeedsRewrites, _subclass, one_line, plain_select_generator

EXAMPLES = sorted(Path(__file__).resolve().parents[2].joinpath("examples").rglob("*.seg"))


def _programs(dialect: str):
    """The generated file and the examples, but a zoned example where the dialect has no zone database, and
    an example with a split where it has no MD5 (it refuses the segments that need one:
    test_examples_everywhere)."""
    yield "generated", segdsl.load_text(generated_program(120), "generated.seg")
    for path in EXAMPLES:
        program = segdsl.load_file(path)
        splits = any(segmentation.split is not None for segmentation in program.segmentations.values())
        if (program.timezone == "UTC" or dialects.get(dialect).zone_conversion_missing is None) \
                and not (splits and dialects.get(dialect).md5_missing is not None):
            yield path.name, program


def _plain(dialect):
    return plain_select_generator(dialects.get(dialect))(dialect=dialect, pretty=True)


def _render(tree, dialect):
    return dialects.render(tree, dialects.get(dialect))


@pytest.mark.parametrize("dialect", [d for d in dialects.DIALECTS if plain_select_generator(dialects.get(d))])
def test_compiled_files_take_the_fast_path(dialect):
    for _name, program in _programs(dialect):
        _plain(dialect).generate(to_tree(program, dialect, None, AS_OF), copy=False)


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
def test_compiled_files_print_as_the_dialects_own_generator_prints_them(dialect):
    for name, program in _programs(dialect):
        expected = to_tree(program, dialect, None, AS_OF).sql(dialect=dialect, pretty=True, copy=False)
        assert _render(to_tree(program, dialect, None, AS_OF), dialect) == expected, name


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
def test_each_segment_prints_as_the_dialects_own_generator_prints_it(dialect):
    program = segdsl.load_text(generated_program(24), "generated.seg")
    for segment in program.segments:
        expected = to_tree(program, dialect, segment, AS_OF).sql(dialect=dialect, pretty=True, copy=False)
        assert _render(to_tree(program, dialect, segment, AS_OF), dialect) == expected, segment


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
    with pytest.raises(NeedsRewrites):  # found, so printed by the dialect's own generator
        _plain(dialect).generate(sqlglot.parse_one(sql, read=read), copy=False)
    assert _render(sqlglot.parse_one(sql, read=read), dialect) == expected


def test_a_rewrite_below_the_top_select_is_found():
    inner = sqlglot.parse_one("SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1")
    tree = exp.select("a").from_(inner.subquery("s"))
    with pytest.raises(NeedsRewrites):
        _plain("postgres").generate(tree.copy(), copy=False)
    assert _render(tree.copy(), "postgres") == tree.sql(dialect="postgres", pretty=True)


# SQL Server names a derived table's unnamed outputs; spark and tsql move a nested WITH to the top
SHAPES = [
    ("WITH c AS (SELECT Customer_ID, \"Mixed\", t.x, 1 AS one, * FROM t) SELECT * FROM c", "tsql"),
    ("WITH c AS (SELECT a + 1 FROM t) SELECT * FROM c", "tsql"),
    ("SELECT * FROM (SELECT a FROM t UNION ALL SELECT b FROM u) AS s", "tsql"),
    ("SELECT * FROM (SELECT Key_A, (SELECT 1) FROM t) AS s", "tsql"),
    ("SELECT * FROM (WITH w AS (SELECT a FROM t) SELECT a FROM w) AS s", "tsql"),
    ("SELECT * FROM (WITH w AS (SELECT a FROM t) SELECT a FROM w) AS s", "spark"),
    ("SELECT * FROM (WITH w AS (SELECT a FROM t) SELECT a FROM w) AS s", "duckdb"),
]


@pytest.mark.parametrize("sql,dialect", SHAPES)
def test_derived_tables_and_nested_ctes_print_as_the_dialects_own_generator_prints_them(sql, dialect):
    assert _render(sqlglot.parse_one(sql), dialect) == sqlglot.parse_one(sql).sql(dialect=dialect, pretty=True)


def test_a_refusal_inside_a_cte_keeps_the_statements_comment():
    sql = "WITH c AS (SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1) SELECT a FROM c"
    tree = sqlglot.parse_one(sql)
    tree.add_comments(["about c"])
    expected = tree.copy().sql(dialect="postgres", pretty=True)
    assert "/* about c */" in expected and _render(tree, "postgres") == expected


def _chain(length: int) -> exp.Expr:
    """x + 0 - 1 * 2 + 3 - 4 * 5 ...: the operator changes at every step (sqlglot's binary() recurses there)."""
    tree: exp.Expr = exp.column("x")
    for i in range(length):
        node = (exp.Add, exp.Sub, exp.Mul)[i % 3]
        tree = node(this=tree, expression=exp.Literal.number(i))
    return tree


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
def test_arithmetic_chains_print_as_sqlglot_prints_them_without_recursing_along_them(dialect):
    short = exp.select(exp.alias_(exp.GT(this=_chain(30), expression=exp.Paren(this=_chain(4))), "y")).from_("t")
    short.selects[0].this.this.this.add_comments(["a comment"])
    assert _render(short.copy(), dialect) == short.sql(dialect=dialect, pretty=True)
    assert one_line(short, dialects.get(dialect)) == short.sql(dialect=dialect)
    long = exp.select(_chain(21_000)).from_("t")
    printed = one_line(long, dialects.get(dialect))
    assert printed.count(" - ") == printed.count(" * ") == 7000 and _render(long, dialect).count(" + ") >= 7000


class _Compiled(Generator):
    """A generator as sqlglotc (sqlglot compiled by mypyc) makes it: no Python class may derive from it."""

    def __init__(self, *args, **kwargs) -> None:
        if type(self) is not _Compiled:
            raise TypeError("interpreted classes cannot inherit from compiled")
        super().__init__(*args, **kwargs)


def test_a_compiled_generator_is_used_as_it_is():
    assert _subclass(_Compiled, "Plain", {}) is None
    derived = _subclass(Generator, "Plain", {})
    assert derived is not None and issubclass(derived, Generator)
