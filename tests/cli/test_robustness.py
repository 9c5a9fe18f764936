"""Robustness: random and mutated programs reach the parser, the checker and the
compiler; the only exception that may escape is SegdslError, every error it
carries renders with a position inside the file, and the CLI never prints a
traceback.

Mutations work on the tokens of real programs (the examples and the random
valid programs of tests/engines/programs.py): delete, duplicate, swap, replace with
another token or keyword, insert random characters, truncate.
SEGDSL_ROBUST_EXAMPLES=N runs N examples per property (default 200).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from click.testing import CliRunner
from engines import programs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from refusals import sql_or_refused

from segdsl.cli.main import main
from segdsl.compile import compiler
from segdsl.errors import SegdslError, render

EXAMPLES = {p.name: p.read_text() for p in sorted((Path(__file__).resolve().parents[2] / "examples")
                                                 .glob("*.seg"))}
TOKEN = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`[^`\n]*`|#[^\n]*|\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?'
                   r"|[A-Za-z_]\w*|!=|<>|<=|>=|\s+|.", re.S)
KEYWORDS = ("segment", "segmentation", "events", "param", "import", "from", "key", "by", "at", "where", "when",
            "else", "and", "or", "not", "has", "no", "then", "within", "in", "last", "before", "between", "ago",
            "since", "until", "is", "null", "like", "top", "bottom", "count", "distinct", "sum", "avg", "min",
            "max", "first", "last", "days_since_last", "quintile", "decile", "true", "false", "day", "days", "week",
            "months", "years", "date", "timestamp", "(", ")", ",", ".", ":", "%", "=", "<", ">", "-", "+", "*",
            "/", '"x"', "'", '"', "`", "2024-02-30", "0", "-1", "100", "99999999999999999999", "1.5", "\n",
            '"model.seg"', '""', "\t", "\u00e9", "\u201c", "\x00", "\ufeff", "\r")
SETTINGS = settings(max_examples=int(os.environ.get("SEGDSL_ROBUST_EXAMPLES", "200")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def sources(draw) -> str:
    """A real program: an example, or a random valid program."""
    if draw(st.booleans()):
        return EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))]
    return draw(programs.cases()).source


@st.composite
def mutated(draw) -> str:
    tokens = TOKEN.findall(draw(sources()))
    for _ in range(draw(st.integers(1, 4))):
        if not tokens:
            break
        i = draw(st.integers(0, len(tokens) - 1))
        j = draw(st.integers(0, len(tokens) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert", "truncate"]))
        if action == "delete":
            del tokens[i]
        elif action == "duplicate":
            tokens.insert(i, tokens[i])
        elif action == "swap":
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif action == "replace":
            tokens[i] = draw(st.sampled_from(KEYWORDS + tuple(tokens)))
        elif action == "insert":
            tokens.insert(i, draw(st.text(min_size=1, max_size=4)))
        else:
            tokens = tokens[:i]
    return "".join(tokens)


def load_or_explain(text: str) -> None:
    """Load and compile; a SegdslError must render with positions inside the file."""
    try:
        program = compiler.load_text(text, "m.seg")
    except SegdslError as exc:
        assert exc.diagnostics, "an error with nothing to say"
        rendered = render(exc)
        assert "Traceback" not in rendered
        lines = text.splitlines()
        for diagnostic in exc.diagnostics:
            span = diagnostic.span
            if span is not None and span.file == "m.seg":
                assert 1 <= span.line <= max(1, len(lines)) and span.column >= 1, (diagnostic, text)
        return
    for dialect in ("duckdb", "tsql"):
        sql_or_refused(program, dialect, None, None)
        for name in list(program.segments)[:3]:
            sql_or_refused(program, dialect, name, None)


@SETTINGS
@given(mutated())
def test_mutated_programs_raise_only_segdsl_errors(text):
    load_or_explain(text)


@SETTINGS
@given(st.lists(st.sampled_from(KEYWORDS + ("x", "orders", "y1")), max_size=60).map(" ".join))
def test_keyword_soup_raises_only_segdsl_errors(text):
    load_or_explain(text)


@SETTINGS
@given(st.text(max_size=200))
def test_random_text_raises_only_segdsl_errors(text):
    load_or_explain(text)


@SETTINGS
@given(data=st.one_of(st.binary(max_size=200), mutated().map(lambda t: t.encode("utf-8", "surrogatepass"))),
       command=st.sampled_from(["check", "compile"]))
def test_the_cli_never_prints_a_traceback(tmp_path_factory, data, command):
    path = tmp_path_factory.mktemp("r") / "m.seg"
    path.write_bytes(data)
    result = CliRunner().invoke(main, [command, str(path)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.stdout == "" and result.stderr.startswith((f"{path}:", "error:")), result.stderr


WINDOW_EDGES = [
    # the longest windows (100000 days or their equivalent) and dates at the calendar's ends run everywhere
    ("has orders in last 100000 days", {1}, False),
    ("has orders in last 3225 months", {1}, False),
    ("has orders in last 273 years", {1}, False),
    ("has orders between 100000 and 1 days ago", {1}, False),
    ("no orders in last 100000 days", {2}, False),
    ("has orders until 9999-12-31", {1}, True),
    ("signup until 9999-12-31", {1}, True),
    ("not signup until 9999-12-31", {2}, True),
    ("signup since 0001-01-01", {1}, True),
]


def test_the_longest_windows_and_the_calendars_ends_compile_and_run(engine):
    from datetime import date, datetime

    from engines import Table

    engine.load([Table("shop.customers", (("cid", "integer"), ("signup", "date")), ((1, date(2020, 1, 1)),
                                                                                   (2, None))),
                 Table("shop.orders", (("cid", "integer"), ("ordered_at", "timestamp")),
                       ((1, datetime(2023, 12, 31, 12)),))])
    model = "customers from shop.customers key cid\nevents orders from shop.orders by cid at ordered_at\n"
    for condition, expected, at_the_end in WINDOW_EDGES:
        program = compiler.load_text(model + f"segment x: {condition}\n")
        # 9999-12-30 is the last as-of day: the events of D end on the next day, the calendar's last
        for as_of in (date(2024, 1, 1), date(9999, 12, 30)) if at_the_end else (date(2024, 1, 1), None):
            got = {row[0] for row in engine.query(compiler.to_sql(program, engine.dialect, "x", as_of))}
            assert got == expected, (condition, as_of)
