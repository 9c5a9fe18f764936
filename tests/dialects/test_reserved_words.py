"""Reserved words are quoted wherever a name is written (segdsl/dialects/quoting.py).

On every executed engine, each keyword of the engine's own catalog (Trino has none: sqlglot's lists) is
run bare where segdsl writes names (a column, a qualified column, an alias, a CTE's name): the words it
refuses or reads as something else (PostgreSQL's bare USER is the current user) must be in segdsl's list
for that dialect. On every dialect, a program over columns named by each reserved word compiles to SQL
that quotes every one of them (parsed back with sqlglot), and such a program runs on each executed engine
with the right members.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from datetime import date
from pathlib import Path

import pytest
import sqlglot
from engines import Table
from engines.members import assert_members
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.trino import Trino

from segdsl import dialects
from segdsl.compile.compiler import load_file, load_text, to_sql
from segdsl.dialects import DIALECTS

D = date(2024, 6, 30)


def _sqlite_keywords() -> list[str]:
    """SQLite's keywords, from the library itself (sqlite3_keyword_name)."""
    found = ctypes.util.find_library("sqlite3")
    if found is None:
        pytest.skip("libsqlite3 not found: SQLite's keyword list comes from sqlite3_keyword_name")
    lib = ctypes.CDLL(found)
    words = []
    for index in range(lib.sqlite3_keyword_count()):
        name, size = ctypes.c_char_p(), ctypes.c_int()
        lib.sqlite3_keyword_name(index, ctypes.byref(name), ctypes.byref(size))
        words.append(name.value[:size.value].decode())
    return words


def _sqlglot_keywords() -> list[str]:
    """Trino has no catalog of its keywords: the candidates are the keywords sqlglot's Trino and PostgreSQL
    tokenizers know (~280 words, the SQL standard's among them); the engine says which it refuses."""
    return [*Trino.Tokenizer.KEYWORDS, *Postgres.Tokenizer.KEYWORDS]


# each engine's catalog of its own keywords
KEYWORDS = {
    "duckdb": "SELECT keyword_name FROM duckdb_keywords()",
    "postgres": "SELECT word FROM pg_get_keywords()",
    "mysql": "SELECT word FROM information_schema.keywords",
    "clickhouse": "SELECT keyword FROM system.keywords",
}


def _refused(engine, words: list[str]) -> dict[str, list[str]]:
    """The words an engine does not read as a plain name in each place segdsl writes one."""
    refused: dict[str, list[str]] = {}
    for word in words:
        quoted = exp.to_identifier(word, quoted=True).sql(engine.dialect)
        forms = {
            "column": f"SELECT {word} FROM (SELECT 1 AS {quoted}) AS t",
            "qualified column": f"SELECT t.{word} FROM (SELECT 1 AS {quoted}) AS t",
            "alias": f"SELECT x AS {word} FROM (SELECT 1 AS x) AS t",
            "CTE name": f"WITH {word} AS (SELECT 1 AS x) SELECT x FROM {word}",
        }
        for form, sql in forms.items():
            try:
                rows = [tuple(row) for row in engine.query(sql)]
            except Exception:  # any error: the engine refuses the bare word there
                rows = None
            if rows != [(1,)]:
                refused.setdefault(word, []).append(form)
    return refused


def test_every_word_an_engine_refuses_as_a_bare_name_is_quoted_by_segdsl(engine):
    if engine.dialect == "spark":
        # sql_keywords() marks the words the ANSI parser reserves when it enforces them (Databricks SQL's
        # parser); running each of its 400 words four times would take a minute
        previous = {key: engine.query(f"SET {key}")[0][1]
                    for key in ("spark.sql.ansi.enabled", "spark.sql.ansi.enforceReservedKeywords")}
        try:
            for key in previous:
                engine.query(f"SET {key}=true")
            refused = {row[0].lower(): ["reserved"] for row in engine.query("SELECT keyword, reserved FROM "
                                                                             "sql_keywords()") if row[1]}
        finally:
            for key, value in previous.items():
                engine.query(f"SET {key}={value}")
    else:
        words = (_sqlite_keywords() if engine.dialect == "sqlite"
                 else _sqlglot_keywords() if engine.dialect == "trino"
                 else [row[0] for row in engine.query(KEYWORDS[engine.dialect])])
        refused = _refused(engine, sorted({w.lower() for w in words if w.replace("_", "").isalnum()}))
    assert refused, "the check found no keyword at all: the engine's keyword catalog is not what it reads"
    reserved = dialects.get(engine.dialect).reserved_words
    assert {word: forms for word, forms in refused.items() if word not in reserved} == {}


def _program_over(words: list[str]) -> str:
    """A program whose customers have a column named by each word, each compared in one segment."""
    condition = " or ".join(f"`{word}` = 1" for word in words)
    return f"customers from shop.customers key customer_id\nsegment s:\n    {condition}\n"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_reserved_word_is_quoted_where_it_names_a_column(dialect):
    forms = dialects.get(dialect)
    words = sorted(forms.reserved_words)
    sql = to_sql(load_text(_program_over(words)), dialect, None, D)
    named = {identifier.name.lower(): identifier for identifier in sqlglot.parse_one(sql, read=dialect)
             .find_all(exp.Identifier)}
    assert set(words) <= set(named), "every word names a column of the statement"
    assert [word for word in words if not named[word].quoted] == []


# the reserved words the review found left bare in SQL Server's SQL (examples/b2b.seg: `c.plan AS plan`)
TSQL_REVIEWED = ("plan", "key", "file", "percent", "user", "open", "public", "end")


def test_sql_server_quotes_the_reserved_words_the_review_found_bare():
    sql = to_sql(load_text(_program_over(list(TSQL_REVIEWED))), "tsql", None, D)
    tree = sqlglot.parse_one(sql, read="tsql")
    bare = {i.name for i in tree.find_all(exp.Identifier) if i.name.lower() in TSQL_REVIEWED and not i.quoted}
    assert bare == set()


def test_sql_server_quotes_every_reserved_name_of_the_b2b_example():
    program = load_file(Path(__file__).resolve().parents[2] / "examples" / "b2b.seg")
    reserved = dialects.get("tsql").reserved_words
    for name in [None, *program.segments, *program.segmentations]:
        tree = sqlglot.parse_one(to_sql(program, "tsql", name, D), read="tsql")
        bare = {i.name for i in tree.find_all(exp.Identifier) if i.name.lower() in reserved and not i.quoted}
        assert bare == set(), name
    assert "plan" in {i.name for i in tree.find_all(exp.Identifier) if i.quoted}


# columns named by words reserved somewhere, as a customer table has them
WORDS = ("user", "plan", "key", "order", "end", "value", "current_user", "percent", "open", "public", "file",
         "rows", "timestamp", "sample", "type")


def test_columns_named_by_reserved_words_are_read_as_those_columns(engine):
    """PostgreSQL's bare USER is the current user: `user = "ann"` compared the login, matching nobody."""
    columns = (("customer_id", "integer"), *((word, "text") for word in WORDS))
    customers = [(1, *("a" for _ in WORDS)), (2, *("b" for _ in WORDS))]
    segments = {f"s_{word}": f'`{word}` = "a"' for word in WORDS}
    program = load_text("customers from shop.customers key customer_id\n"
                        + "".join(f"segment {name}:\n    {condition}\n" for name, condition in segments.items()))
    assert_members(engine, program, [Table("shop.customers", columns, tuple(customers))],
                   {name: {1} for name in segments}, D)
