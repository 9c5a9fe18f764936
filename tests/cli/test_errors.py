"""Errors that teach: every bad input, through every command that loads a file,
exits 1 with file:line:column, the line and a caret, plain words and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from segdsl.cli.main import main

MODEL = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
param lapse = 90
segment buyers: has orders
"""

COMMANDS = {
    "check": ["check", "{file}"],
    "compile": ["compile", "{file}", "--dialect", "postgres"],
    "run": ["run", "{file}", "--as-of", "2026-06-30"],
}

# (name, file contents: text or bytes, first line after "p.seg:", hint or None)
CASES = [
    ("empty", "", "1:1: error: the file is empty", "a .seg file declares an entity table, events and segments"),
    ("blank", "  \n\n", "1:1: error: the file is empty", None),
    ("not utf-8", b"customers from t key id\n# caf\xe9\n", "2:6: error: the file is not valid UTF-8 (byte 0xe9)",
     "save the file as UTF-8"),
    ("no entity", "segment x: true\n", "1:1: error: no entity table declared",
     "start the file with e.g.: customers from shop.customers key customer_id (or import the file that declares it)"),
    ("unreadable import", 'import "model.seg"\n' + MODEL,
     "1:1: error: cannot read imported file {dir}/model.seg: No such file or directory", None),
    ("misspelt segment", MODEL + "segmnt x: has orders\n",
     "5:1: error: unexpected 'segmnt'; expected a new declaration", "did you mean 'segment'?"),
    ("misspelt segmentation", MODEL + "segmentaton x:\n    a when buyers\n    else b\n",
     "5:1: error: unexpected 'segmentaton'", "did you mean 'segmentation'?"),
    ("misspelt events", MODEL + "evnts visits from web.page_views by visitor_id at viewed_at\n",
     "5:1: error: unexpected 'evnts'", "did you mean 'events'?"),
    ("misspelt within", MODEL + "segment x: orders then orders wihtin 3 days\n",
     "5:31: error: unexpected 'wihtin'; expected 'within'", "did you mean 'within'?"),
    ("misspelt where", MODEL + "segment x: has orders wher amount > 1\n",
     "5:23: error: unexpected 'wher'", "did you mean 'where'?"),
    ("misspelt not", MODEL + "segment x: has orders and nto buyers\n",
     "5:27: error: unexpected 'nto'; expected a condition, such as `has orders` or `age > 30`", "did you mean 'not'?"),
    ("misspelt function", MODEL + "segment x: cout(orders) > 1\n", "5:12: error: unexpected 'cout'",
     "did you mean 'count'?"),
    ("misspelt between", MODEL + "segment x: age betwen 1 and 3\n", "5:16: error: unexpected 'betwen'",
     "did you mean 'between'?"),
    ("misspelt from", "customers form shop.customers key customer_id\n",
     "1:11: error: unexpected 'form'; expected 'from'", "did you mean 'from'?"),
    ("misspelt unit", MODEL + "segment x: has orders in last 3 dayz\n",
     "5:33: error: unexpected 'dayz'; expected a time unit (minutes, hours, days, weeks, months or years)",
     "did you mean 'days'?"),
    ("seconds", MODEL + "segment x: has orders in last 3 seconds\n",
     "5:33: error: unexpected 'seconds'", "time units are minute(s), hour(s), day(s), week(s), month(s) and year(s)"),
    ("no condition", MODEL + "segment x:\n",
     "5:11: error: unexpected end of file; expected a condition, such as `has orders` or `age > 30`", None),
    ("no value", MODEL + "segment x: age >\n",
     "5:17: error: unexpected end of file; expected a value, such as a number, a string, a column or "
     "`count(orders)`", None),
    ("no colon", MODEL + "segment x has orders\n", "5:11: error: unexpected 'has'; expected a string in quotes or ':'",
     'a segment is written: segment NAME ["description"]: CONDITION'),
    ("no else", MODEL + "segmentation s:\n    a when buyers\n", "6:18: error: unexpected end of file; expected",
     "a segmentation ends with: else LABEL"),
    ("and as a value", MODEL + "segment x: count(orders) > and\n",
     "5:28: error: unexpected 'and'; expected a value, such as a number, a string, a column or `count(orders)`", None),
    ("or before a condition", MODEL + "segment x: count(orders) > or age > 3\n",
     "5:28: error: unexpected 'or'; expected a value", None),
    ("column without its event set", MODEL + "segment x: sum(orders) > 1\n",
     "5:22: error: unexpected ')'; expected '.'", "name the column with its event set, e.g. sum(orders.amount)"),
    ("curly quotes", MODEL + "segment x: country = \u201cUS\u201d\n", "5:22: error: unexpected character '\u201c'",
     "strings are written in plain double or single quotes"),
    ("semicolon", MODEL + "segment x: has orders;\n", "5:22: error: unexpected character ';'",
     "declarations need no ';' between them"),
    ("unclosed string", MODEL + 'segment x: country = "US\n', "5:22: error: unexpected character '\"'",
     "a string must end on the line it starts"),
    ("bad date", MODEL + "segment x: signup_date > 2024-02-30\n", "5:26: error: 2024-02-30 is not a calendar date",
     "dates are written YYYY-MM-DD"),
    ("unknown segment", MODEL + "segment x: buyer\n", "5:12: error: unknown segment 'buyer'",
     "did you mean 'buyers'?"),
    ("unknown event set", MODEL + "segment x: has order\n", "5:16: error: unknown event set 'order'",
     "did you mean 'orders'?"),
    ("unknown parameter", MODEL + "segment x: has orders in last laps days\n",
     "5:31: error: expected a number of days, weeks, months or years: a literal or a parameter",
     "did you mean 'lapse'?"),
    ("declared twice", MODEL + "segment buyers: no orders\n", "5:9: error: 'buyers' is declared twice",
     "first declared at line 4"),
    ("cycle", MODEL + "segment x: y\nsegment y: x\n", "6:12: error: 'x' refers to itself: x -> y -> x",
     "a segment cannot depend on itself"),
    ("names differing in case", MODEL + "segment Buyers: no orders\n",
     "5:9: error: segment 'Buyers' and segment 'buyers' differ only in case", "rename the segment"),
    ("named like the key", MODEL + "segmentation Customer_Id:\n    a when buyers\n    else b\n",
     "5:14: error: segmentation 'Customer_Id' and the entity key 'customer_id' differ only in case",
     "rename the segmentation"),
]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name, content, first, hint", CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_1_with_the_position_the_message_and_the_hint(folder, command, name, content, first, hint):
    path = folder / "p.seg"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    args = [a.format(file=path) for a in COMMANDS[command]]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}:" + first.format(dir=folder)), result.stderr
    if not name.startswith(("empty", "no entity")) or content.strip():
        assert lines[1].startswith(f"{int(first.split(':')[0]):>5} | ")
        column = int(first.split(":")[1])
        assert lines[2].index("^") - lines[2].index("|") - 2 == column - 1
    if hint:
        assert f"hint: {hint}" in lines
    assert result.stdout == ""


def test_independent_syntax_errors_are_reported_together(folder):
    text = MODEL + "segment a: has orders wher amount > 1\nsegment b: age >\nsegment c: buyers\nsegmnt d: buyers\n"
    (folder / "p.seg").write_text(text)
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")])
    assert result.exit_code == 1
    errors = [line.split(": error: ")[0] for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [f"{folder / 'p.seg'}:{where}" for where in ("5:23", "6:17", "8:1")]
    assert result.stderr.count("hint: did you mean") == 2


def test_independent_checker_errors_are_reported_together(folder):
    (folder / "p.seg").write_text(MODEL + "segment a: buyer\nsegment b: has ordrs\nsegment c: count(orders) > \"x\"\n")
    result = CliRunner().invoke(main, ["compile", str(folder / "p.seg")])
    assert result.exit_code == 1
    assert [line.split(": error: ")[1] for line in result.stderr.splitlines() if ": error: " in line] == [
        "unknown segment 'buyer'", "unknown event set 'ordrs'", "cannot compare a number with a string"]


def test_a_valid_file_whose_condition_continues_at_the_first_column_still_parses(folder):
    (folder / "p.seg").write_text(MODEL + "segment x:\nhas orders\nand buyers\n")
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_a_byte_order_mark_and_windows_line_ends_are_fine(folder):
    (folder / "p.seg").write_bytes(b"\xef\xbb\xbf" + (MODEL + "segment x:\n    has orders\n").replace("\n", "\r\n")
                                   .encode())
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (folder / "p.seg").write_bytes(b"\xef\xbb\xbf" + MODEL.replace("\n", "\r\n").encode() + b"segment x: buyer\r\n")
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")])
    assert result.stderr.splitlines()[:3] == [f"{folder / 'p.seg'}:5:12: error: unknown segment 'buyer'",
                                              "    5 | segment x: buyer", "      |            ^^^^^"]


def _errors(result) -> list[str]:
    """'line:column: message' of each error the CLI printed."""
    return [line.split(":", 1)[1].replace(": error: ", ": ", 1) for line in result.stderr.splitlines()
            if ": error: " in line]


def test_a_cycle_is_reported_with_the_other_problems(folder):
    (folder / "p.seg").write_text(MODEL + "segment buyers: no orders\nsegment b: has ordrs\n"
                                  "segment c: age in top 150%\nsegment f: g and age > 3\nsegment g: f\n")
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")])
    assert result.exit_code == 1
    assert _errors(result) == ["5:9: 'buyers' is declared twice", "6:16: unknown event set 'ordrs'",
                               "7:23: a percentage is a number above 0 and at most 100, with at most 6 decimals",
                               "9:12: 'f' refers to itself: f -> g -> f"]


def test_a_cycle_through_a_segment_with_another_problem_is_found(folder):
    (folder / "p.seg").write_text(MODEL + "segment f: has ordrs or not g\nsegment g: f and buyers\n")
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")])
    assert _errors(result) == ["5:16: unknown event set 'ordrs'", "6:12: 'f' refers to itself: f -> g -> f"]


def test_after_a_syntax_error_the_declarations_that_parse_are_checked(folder):
    (folder / "p.seg").write_text(MODEL + "segment a: has orders wher amount > 1\nsegmnt c: has orders\n"
                                  "segment b: has ordrs and a and c\nsegment d: c or e\n")
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")])
    assert result.exit_code == 1
    # a and c do not parse: using them is no error, but the unknown e and ordrs are
    assert _errors(result) == ["5:23: unexpected 'wher'; expected 'and' or 'or', a new declaration or a filter "
                               "(`where ...`) or a window (`in last 30 days`, ...)",
                               "7:16: unknown event set 'ordrs'", "8:17: unknown segment 'e'"]


@pytest.mark.parametrize("broken, use", [
    ("events visits from web.page_views by visitor_id at viewed_at where\n", "has visits"),
    ("evnts visits from web.page_views by visitor_id at viewed_at\n", "count(visits) > 1"),
    ("param days = \n", "has orders in last days days"),
    ("parm days = 30\n", "has orders in last days days"),
    ('segmentation visits "how often":\n    often when count(orders) > 3\n', 'visits = "often"'),
    ("segment often: has orders wher x = 1\n", "often and buyers"),
])
def test_names_a_broken_declaration_declares_are_not_unknown(folder, broken, use):
    (folder / "p.seg").write_text(MODEL + broken + f"segment x: {use}\nsegment z: has ordrs\n")
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")])
    errors = _errors(result)
    assert len(errors) == 2 and errors[1].endswith(": unknown event set 'ordrs'"), errors
    assert errors[0].startswith(("5:", "6:")), errors


def test_a_broken_entity_declaration_hides_only_what_needs_it(folder):
    (folder / "p.seg").write_text("customers from shop.customers ky customer_id\n" + MODEL.split("\n", 1)[1]
                                  + "segment x: buyer\n")
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")])
    errors = _errors(result)
    assert errors[0].startswith("1:31: unexpected 'ky'") and errors[1:] == ["5:12: unknown segment 'buyer'"], errors


def test_a_broken_import_stops_the_check_there(folder):
    (folder / "p.seg").write_text('import "model.seg\n' + MODEL.split("\n", 1)[1] + "segment x: buyer\n")
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")])
    errors = _errors(result)
    assert len(errors) == 1 and errors[0].startswith("1:8: unexpected character"), errors


def test_every_cycle_is_reported(folder):
    (folder / "p.seg").write_text(MODEL + "segment a: b\nsegment b: a\nsegment c: d or age > 1\nsegment d: c\n"
                                  "segment e: e\n")
    result = CliRunner().invoke(main, ["check", str(folder / "p.seg")])
    assert result.exit_code == 1
    assert _errors(result) == ["6:12: 'a' refers to itself: a -> b -> a", "8:12: 'c' refers to itself: c -> d -> c",
                               "9:12: 'e' refers to itself: e -> e"]
