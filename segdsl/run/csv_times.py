"""Time columns that DuckDB reads from a CSV file as text ('12/1/2010 8:26').

Such a column is parsed with the first common format that fits every value,
so the program's windows compare times, not text. A column that no one
format fits is an error at the event's declaration: it names a value no
format reads, or else shows that the column mixes formats (most values in
one, a value that is not), with the value's line in the file.
"""

from __future__ import annotations

import csv
from typing import Any

import duckdb
from sqlglot import exp

from ..errors import SegdslError, error
from ..lang.model import EventTable, Program

TIME_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
                "%d/%m/%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d",
                "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%SZ", "%Y%m%d",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
ONE_FORMAT = "write every time in one format, e.g. YYYY-MM-DD HH:MM:SS, or use Parquet or a DuckDB file"


def parse_text_times(con: duckdb.DuckDBPyConnection, program: Program) -> None:
    """Redefine CSV views whose event time column is text, parsing it with a format that fits
    (a column without values is a time column without values)."""
    for event in program.events.values():
        if len(event.table) > 2:
            continue
        schema, name = event.table if len(event.table) == 2 else ("main", event.table[0])
        view = exp.table_(name, db=schema)
        try:
            kinds = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                     "WHERE schema_name = ? AND table_name = ?", [schema, name]).fetchall())
        except duckdb.Error:
            continue
        column = next((c for c in kinds if c.lower() == event.at.lower()), None)
        if column is None or kinds[column] != "VARCHAR":
            continue
        text = exp.column(column)
        (definition,) = _one_row(con.execute("SELECT sql FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
                                             [schema, name]))
        source = exp.maybe_parse(definition, dialect="duckdb").expression.args["from_"].this
        values, *counts = _fitted(con, view, text)
        fitted = dict(zip(TIME_FORMATS, counts))
        parsed = next((f for f, n in fitted.items() if n == values), None)
        if parsed is None:
            raise _unparsed(con, view, source, event, column, values, fitted, program)
        value: exp.Expr = _strptime(text, parsed, "strptime")
        if event.time_type == "date":
            value = exp.cast(value, "DATE")
        replaced = exp.select(exp.Star(replace=[exp.alias_(value, column)])).from_(source)
        con.execute(exp.Create(this=view, kind="VIEW", replace=True, expression=replaced).sql("duckdb"))


def _unparsed(con: duckdb.DuckDBPyConnection, view: exp.Table, source: exp.Expr, event: EventTable,
              column: str, values: int, fitted: dict[str, int], program: Program) -> SegdslError:
    """The error for a column no one format reads: a value none reads, else how the column mixes formats."""
    text = exp.column(column)
    readable = exp.Coalesce(this=_strptime(text, TIME_FORMATS[0]),
                            expressions=[_strptime(text, f) for f in TIME_FORMATS[1:]])
    bad = _first(con, view, column, exp.Is(this=readable, expression=exp.Null()))
    where = f"column {column} of {'.'.join(event.table)}"
    if bad is not None:
        message = f"{where} holds text that is not a date or time: {bad!r}{_line(con, source, column, bad)}"
    else:
        best = max(TIME_FORMATS, key=lambda f: fitted[f])
        other = _first(con, view, column, exp.Is(this=_strptime(text, best), expression=exp.Null()))
        assert other is not None  # best does not read every value
        its = next(f for f in TIME_FORMATS if _reads(con, f, other))
        message = (f"{where} mixes time formats: {fitted[best]} of its {values} values read as {best}, "
                   f"{other!r}{_line(con, source, column, other)} does not (it reads as {its})")
    err = error(message, event.span, ONE_FORMAT)
    err.sources.update(program.sources)
    return err


def _strptime(text: exp.Expr, time_format: str, function: str = "try_strptime") -> exp.Expr:
    return exp.Anonymous(this=function, expressions=[text.copy(), exp.Literal.string(time_format)])


def _first(con: duckdb.DuckDBPyConnection, view: exp.Table, column: str, condition: exp.Expr) -> str | None:
    """A value of the column that meets the condition, if any."""
    text = exp.column(column)
    known = exp.not_(exp.Is(this=text.copy(), expression=exp.Null()))
    row = con.execute(exp.select(text).from_(view.copy()).where(exp.and_(known, condition)).limit(1)
                      .sql("duckdb")).fetchone()
    return None if row is None else row[0]


def _reads(con: duckdb.DuckDBPyConnection, time_format: str, value: str) -> bool:
    return _one_row(con.execute("SELECT try_strptime(?, ?) IS NOT NULL", [value, time_format]))[0]


def _line(con: duckdb.DuckDBPyConnection, source: exp.Expr, column: str, value: str) -> str:
    """' (line N of FILE)': the first record whose column holds the value, as DuckDB sniffs the file's
    delimiter and quote; empty when the source is no single CSV file or the value is not found."""
    literal = source.find(exp.Literal)
    if literal is None or not literal.is_string:
        return ""
    path = literal.name
    try:
        delimiter, quote = _one_row(con.execute("SELECT Delimiter, Quote FROM sniff_csv(?)", [path]))
        quoted = len(quote) == 1  # else DuckDB's "(empty)": no quote character
        with open(path, newline="", encoding="utf-8", errors="replace") as handle:
            records = csv.reader(handle, delimiter=delimiter, quotechar=quote if quoted else None,
                                 quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE)
            index = next(records).index(column)
            start = records.line_num + 1
            for record in records:
                if index < len(record) and record[index] == value:
                    return f" (line {start} of {path})"
                start = records.line_num + 1
    except (OSError, ValueError, TypeError, csv.Error, duckdb.Error, StopIteration):  # no line, then
        pass
    return ""


def _fitted(con: duckdb.DuckDBPyConnection, view: exp.Table, text: exp.Column) -> tuple[int, ...]:
    """In one scan: how many values the column holds, then how many each of TIME_FORMATS reads."""
    counts = [exp.Count(this=text.copy())] + [exp.Count(this=_strptime(text, f)) for f in TIME_FORMATS]
    return _one_row(con.execute(exp.select(*counts).from_(view.copy()).sql("duckdb")))


def _one_row(cursor: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of a query that returns exactly one (an aggregate, a lookup by a known name)."""
    row = cursor.fetchone()
    if row is None:
        raise LookupError("a query for one row returned none")
    return row
