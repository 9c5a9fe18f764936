"""What a name under the cursor is, in Markdown: a segment's description and
its SQL for a chosen dialect, a parameter's value, a declaration's text, a
column's table (and type, when a database catalog is given); and what the
words of the calendar, of regularity, of counting conditions, of the statistics of rule 14 and a journey's
`matching` mean; what a key of a JSON column reads."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ...compile.compiler import to_sql
from ...errors import SegdslError
from ...lang import ast, zones
from ...lang.model import show_value
from ...run.catalog import Database
from .completion import WORD_CHARS, _in_comment_or_string
from .document import Document, Reference, Symbol

WORDS = {
    "next": "`in next N days|weeks|months|years`: a date value on the days after the as-of day D, D+1 .. D+N "
            "(months and years by calendar). Only values lie in the future: an event set cannot be in next.",
    "anniversary": "`anniversary(x)`: the first day on or after the as-of day with x's month and day "
                   "(29 February is 28 February in a year without it); missing where x is.",
    "years_since": "`years_since(x)`: whole years from x's day to the as-of day, by the anniversary rule "
                   "(`years_since(birth_date) >= 18`); missing where x is.",
    "active_days": "`active_days(E)`: the number of calendar days with at least one event of E (after its "
                   "filter and window); 0 without events.",
    "active_weeks": "`active_weeks(E)`: the number of weeks with an event of E, counted back from the as-of day D "
                    "(week k is D-7k+1 .. D-7k+7): `active_weeks(orders in last 4 weeks) >= 3`.",
    "active_months": "`active_months(E)`: the number of months with an event of E, counted back from the as-of "
                     "day D by calendar (month k runs from the day after D less k months to D less k-1 months).",
    "sessions": "`sessions(E, G)`: the number of sessions of E's events, a session being a run of events each "
                "at most G after the one before (G in minutes, hours, days or weeks); 0 without events.",
    "median": "`median(E.col)`: the middle of the known values of col over E's events (the mean of the two middle "
              "ones for an even count), a number; missing without known values.",
    "most_frequent": "`most_frequent(E.col)`: the value of col that most of E's events hold (missing values "
                     "ignored; on a tie the smallest: numbers by value, text by code point); missing without "
                     "known values.",
    "matching": "`then B within N days matching col` (or `matching a.col = b.col`): this step's event holds in its "
                "column the same known value as the previous step's event in its own; a missing value matches "
                "nothing.",
}
_COUNTING = ("`at least N of (C1, ..., Ck)`, `at most N of (...)`, `exactly N of (...)`: how many of the "
             "conditions hold for a customer (each true or false), compared with N.")
WORDS |= {"least": _COUNTING, "most": _COUNTING, "exactly": _COUNTING}
"""What a keyword of rules 11 to 15 means, shown where the cursor is on it."""


def hover(doc: Document, offset: int, dialect: str = "duckdb",
          database: Database | None = None) -> tuple[str, ast.Span] | None:
    """Markdown about the name at a character offset, and that name's span."""
    ref = doc.reference_at(offset)
    if ref is None:
        return _word(doc, offset)
    symbol = doc.resolve(ref)
    text = _symbol(doc, symbol, dialect) if symbol is not None else _other(doc, ref, database)
    return (text, ref.span) if text else None


def definition(doc: Document, offset: int) -> ast.Span | None:
    """Where the name at a character offset is declared (its file may be another)."""
    ref = doc.reference_at(offset)
    symbol = doc.resolve(ref) if ref is not None else None
    return symbol.span if symbol is not None else None


def _symbol(doc: Document, symbol: Symbol, dialect: str) -> str:
    title = f"**{symbol.kind}** `{symbol.name}`"
    decl = symbol.decl
    if isinstance(decl, (ast.SegmentDecl, ast.SegmentationDecl, ast.SplitDecl)):
        parts = [title]
        if decl.description:
            parts.append(decl.description)
        parts.append(_sql(doc, symbol.name, dialect))
        return "\n\n".join(parts)
    if isinstance(decl, ast.TraitDecl):
        return _trait(doc, decl, title)
    if isinstance(decl, ast.ParamDecl):
        param = doc.program.params.get(symbol.name) if doc.program is not None else None
        value = param.value if param is not None else decl.value.value
        return f"{title} = `{show_value(value)}`"
    return f"{title}\n\n```segdsl\n{doc.source_of(symbol.decl.span).strip()}\n```"


def _trait(doc: Document, decl: ast.TraitDecl, title: str) -> str:
    """A trait's hover: its type where the checker knows it, its description and its definition."""
    trait = doc.program.traits.get(decl.name.name) if doc.program is not None else None
    kind = f": {trait.kind}" if trait is not None and trait.kind != "unknown" else ""
    parts = [title + kind, *([decl.description] if decl.description else []),
             "a value per customer, a column of the whole-file query and of `run --with`",
             f"```segdsl\n{doc.source_of(decl.span).strip()}\n```"]
    return "\n\n".join(parts)


def _sql(doc: Document, name: str, dialect: str) -> str:
    program = doc.program
    if program is None or program.target(name) is None:
        return "_SQL: once the file checks without errors_"
    try:
        sql = to_sql(program, dialect, name)
    except SegdslError as exc:
        return f"_SQL: {exc}_"
    return f"SQL ({dialect}):\n\n```sql\n{sql}\n```"


def _other(doc: Document, ref: Reference, database: Database | None) -> str | None:
    if ref.role == "label":
        return f"**label** `{ref.name}`"
    if ref.role == "table":
        return f"**table** `{ref.name}`"
    if ref.role == "timezone":
        return _zone(ref.name)
    if ref.role == "json_key":
        return (f"**JSON key** `{ref.name}` in the JSON column `{ref.event}`: text, or a number, date or true/false "
                "where the program uses it as one (compares it with one, sums or averages it; a value that does not "
                "convert is missing); missing where the path is absent or null")
    if ref.role not in ("column", "filter", "value"):
        return None
    decl = doc.entity if ref.event is None else doc.event(ref.event)
    if decl is None:
        return f"**column** `{ref.name}`"
    owner = f"{'events ' if ref.event else ''}`{decl.name.name}`"
    if isinstance(decl, ast.EventDecl) and ref.name == decl.at.name and ref.role == "column":
        owner += (" — its times: " + ("days as they are" if decl.time_type == "date" else
                  "wall-clock times in the program's zone (`local`)" if decl.local else "UTC instants"))
    table = tuple(n.name for n in decl.table)
    text = f"**column** `{ref.name}` of {owner} ({'.'.join(table)})"
    if ref.name in {name.name for name in decl.json}:
        text += f", JSON objects: `{ref.name}.key` reads a key inside"
    kind = (database.table(table) or {}).get(ref.name.lower()) if database else None
    return f"{text}: {kind}" if kind else text


def _zone(name: str) -> str:
    """A zone's hover: what it means for the program's days, and its offsets from UTC this year."""
    try:
        tz = zones.zone(name)
    except zones.BadZone as exc:
        return f"**time zone** `{name}`: {exc.args[0]}"
    year = datetime.now(timezone.utc).year
    moments = [datetime(year, month, 1, 12, tzinfo=tz) for month in (1, 7)]
    offsets = dict.fromkeys(m.strftime("%z") for m in sorted(moments, key=lambda m: m.utcoffset() or timedelta()))
    shown = " and ".join(f"UTC{o[:3]}:{o[3:]}" for o in offsets)
    return (f"**time zone** `{name}` ({shown}): the program's days are calendar days in this zone, and a "
            "timestamp column holds UTC instants unless its declaration says `local`")


def _word(doc: Document, offset: int) -> tuple[str, ast.Span] | None:
    """What a keyword of WORDS under (or just before) the cursor means, and its span."""
    text = doc.text
    start = offset
    while start > 0 and text[start - 1] in WORD_CHARS:
        start -= 1
    end = offset
    while end < len(text) and text[end] in WORD_CHARS:
        end += 1
    word = text[start:end]
    if word not in WORDS or _in_comment_or_string(text, start) or text[start - 1:start] == "`":
        return None
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return WORDS[word], ast.Span(doc.file, line, column, line, column + len(word), start, end)
