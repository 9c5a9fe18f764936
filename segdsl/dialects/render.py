"""Printing a tree as a dialect's SQL, without the per-SELECT rewrites where they would change nothing.

Most dialects' sqlglot generators rewrite every SELECT before printing it (UNNEST/EXPLODE, QUALIFY,
DISTINCT ON, semi/anti joins, ...; snowflake builds a scope per SELECT), which is most of the compile
time of a large file. A tree with none of the nodes those rewrites act on is printed without them: the
same text, about twice as fast there. This relies on sqlglot's generator internals (TRANSFORMS,
with_sql, _move_ctes_to_top_level); tests/dialects/test_render.py compares the text with sqlglot's own.

Every generator here prints a chain of + - * along the chain: sqlglot's recurses wherever the
operator changes (`a + b - c + d ...`), which a long chain turns into a RecursionError.

With sqlglotc installed (sqlglot compiled by mypyc) a generator class cannot be subclassed from
Python: its own generator prints the SQL then (the same text, every rewrite run).
"""

from __future__ import annotations

from functools import cache

from sqlglot import exp
from sqlglot.generator import Generator

from .base import Dialect

# nodes that some dialect's SELECT rewrites act on (sqlglot/transforms.py and the dialects' generators)
_REWRITTEN = (exp.Unnest, exp.Explode, exp.ExplodeOuter, exp.Inline, exp.GenerateSeries, exp.GenerateDateArray,
              exp.Any, exp.Qualify, exp.Lateral)


class NeedsRewrites(Exception):
    """A tree that a dialect's SELECT rewrites could change: printed by the dialect's own generator."""


def render(tree: exp.Expr, dialect: Dialect) -> str:
    """The pretty-printed SQL of `tree`, exactly as `tree.sql(dialect, pretty=True)` prints it."""
    plain = plain_select_generator(dialect)
    if plain is not None:
        comments = tree.comments  # a SELECT with CTEs hands its comments on before printing them
        try:
            return plain(dialect=dialect.sqlglot, pretty=True).generate(tree, copy=False)
        except NeedsRewrites:  # what it changed before refusing, the dialect's own generator changes alike
            tree.comments = comments
    return generator_of(dialect)(dialect=dialect.sqlglot, pretty=True).generate(tree, copy=False)


def one_line(tree: exp.Expr, dialect: Dialect) -> str:
    """The SQL of `tree` on one line, exactly as `tree.sql(dialect)` prints it (from a copy)."""
    return generator_of(dialect)(dialect=dialect.sqlglot).generate(tree, copy=True)


_ARITHMETIC: dict[type[exp.Expr], str] = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*"}


def _arithmetic(generator: Generator, node: exp.Binary) -> str:
    """`a + b - c * d` as sqlglot's binary() prints it, walking down the chain's first operands."""
    if node.args.get("operator"):  # PostgreSQL's OPERATOR(...)
        return generator.binary(node, _ARITHMETIC[type(node)])
    later: list[exp.Expr] = []
    first: exp.Expr = node
    while type(first) in _ARITHMETIC and not first.args.get("operator"):
        later.append(first)
        first = first.this
    text = [generator.sql(first)]
    for each in reversed(later):
        text += [f" {generator.maybe_comment(_ARITHMETIC[type(each)], comments=each.comments)} ",
                 generator.sql(each, "expression")]
    return "".join(text)


@cache
def generator_of(dialect: Dialect) -> type[Generator]:
    """The dialect's own generator, printing arithmetic chains without recursing along them."""
    base = dialect.sqlglot.generator_class
    transforms = {**base.TRANSFORMS, **{node: _arithmetic for node in _ARITHMETIC}}
    return _subclass(base, "WithFlatArithmetic", {"TRANSFORMS": transforms}) or base


def _subclass(base: type[Generator], suffix: str, methods: dict[str, object]) -> type[Generator] | None:
    """A generator class derived from `base`; None where `base` is compiled (sqlglotc), so cannot be."""
    derived = type(f"{base.__name__}{suffix}", (base,), methods)
    try:
        derived()
    except TypeError:  # "interpreted classes cannot inherit from compiled" (said when one is made)
        return None
    return derived


def _refuse(generator: Generator, node: exp.Expr) -> str:
    raise NeedsRewrites(type(node).__name__)


def _plain_select(generator: Generator, select: exp.Select) -> str:
    """A SELECT none of the rewrites touch (they also refuse the nodes of _REWRITTEN below it)."""
    args = select.args
    distinct = args.get("distinct")
    if args.get("windows") or args.get("laterals") or args.get("qualify") \
            or (distinct is not None and distinct.args.get("on")) or (args.get("group") and args.get("order")) \
            or any(j.kind in ("SEMI", "ANTI") or j.side == "FULL" for j in args.get("joins") or ()):
        raise NeedsRewrites("select")
    return generator.select_sql(select)


def _named_outputs(generator: Generator, node: exp.CTE | exp.Subquery) -> str:
    """Every output of a derived table named (SQL Server needs it): sqlglot's transform (which builds a
    scope per CTE) done directly for a SELECT of aliases, stars and columns; others refused. (On a
    UNION the transform names nothing: it names outputs of a SELECT only.)"""
    alias, query = node.args.get("alias"), node.this
    if isinstance(alias, exp.TableAlias) and not alias.columns and isinstance(query, exp.Select):
        named = []
        for selection in query.selects:
            if not isinstance(selection, exp.Alias) and not selection.is_star:
                if not isinstance(selection, exp.Column) or not isinstance(selection.this, exp.Identifier):
                    raise NeedsRewrites("derived table")
                quoted = selection.this.quoted
                selection = exp.alias_(selection, selection.output_name, copy=False)
                selection.args["alias"].set("quoted", quoted)
            named.append(selection)
        query.set("expressions", named)
    printed: str = getattr(generator, f"{node.key}_sql")(node)
    return printed


@cache
def plain_select_generator(dialect: Dialect) -> type[Generator] | None:
    """The dialect's generator without its SELECT rewrites, for trees they leave as they are (it
    raises NeedsRewrites on any other); None where the dialect has none."""
    if exp.Select not in dialect.sqlglot.generator_class.TRANSFORMS:
        return None
    base = generator_of(dialect)
    if base is dialect.sqlglot.generator_class:  # compiled: none can be derived from it
        return None
    transforms = {**base.TRANSFORMS, exp.Select: _plain_select}
    transforms.update({node: _refuse for node in exp.EXPR_CLASSES.values() if issubclass(node, _REWRITTEN)})
    if dialect.names_derived_table_outputs:
        transforms.update({exp.CTE: _named_outputs, exp.Subquery: _named_outputs})

    def with_sql(generator: Generator, expression: exp.With) -> str:
        """A WITH below the top is refused: the dialect's own generator moves it up where it must
        (so the walk of the whole tree looking for one, `_move_ctes_to_top_level`, is skipped)."""
        if base.EXPRESSIONS_WITHOUT_NESTED_CTES and expression.parent is not None \
                and expression.parent.parent is not None:
            raise NeedsRewrites("nested WITH")
        return base.with_sql(generator, expression)

    methods = {"TRANSFORMS": transforms, "with_sql": with_sql,
               "_move_ctes_to_top_level": lambda generator, expression: expression}
    return _subclass(base, "WithoutSelectRewrites", methods)
