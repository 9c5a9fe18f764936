"""Syntax errors that teach: what was expected in plain words, the keyword
that was probably meant, and every independent error in a file at once.

Once a file fails to parse, each declaration (a line starting at its first
column with `segment x`, `events e from`, ...; see split.py) is parsed on
its own (see parse.py), so one typo per declaration gives one error per
declaration, and the declarations that parse are still checked.
"""

from __future__ import annotations

import re

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from ..errors import Diagnostic, source_lines_of, suggest
from . import ast

MAX_ERRORS = 20

_STARTERS = {"SEGMENT", "SEGMENTATION", "SPLIT", "TRAIT", "EVENTS", "LOOKUP", "PARAM", "IMPORT", "TIMEZONE", "$END"}
_VALUE_START = {"NAME", "NUMBER", "STRING", "DATE", "TRUE", "FALSE", "LPAR", "MINUS", "COUNT", "SUM", "AVG", "MIN",
                "MAX", "FIRST", "LAST", "DAYS_SINCE_LAST", "QUINTILE", "DECILE",
                "ANNIVERSARY", "YEARS_SINCE", "ACTIVE_DAYS", "ACTIVE_WEEKS", "ACTIVE_MONTHS", "SESSIONS", "MEDIAN",
                "MOST_FREQUENT"}
_COMPARISONS = {"EQUAL", "__ANON_1", "__ANON_2", "__ANON_3", "__ANON_4", "LESSTHAN", "MORETHAN", "IS", "LIKE",
                "BETWEEN"}
_UNITS = {"MINUTE", "MINUTES", "HOUR", "HOURS", "DAY", "DAYS", "WEEK", "WEEKS", "MONTH", "MONTHS", "YEAR", "YEARS"}
_LITERALS = {"NUMBER", "STRING", "DATE", "TRUE", "FALSE"}
_WORDS = {"NAME": "a name", "SHARE_LABEL": "a label and its share (LABEL P%)",
          "STRING": "a string in quotes", "NUMBER": "a number", "DATE": "a date (YYYY-MM-DD)",
          "$END": "the end of the file"}

ENTITY_FORM = "the entity table is declared as: customers from shop.customers key customer_id"
DECLARATIONS = ("a declaration starts with segment, segmentation, split, trait, events, lookup, param, import or "
                "timezone")
STEP_FORM = "a journey's step after its first is written: then [no] EVENTS within N days [matching COLUMN]"
MATCHING_FORM = ("a step matches on a column of both steps' events, matching COLUMN, or on one of each, "
                 "matching PREVIOUS.COLUMN = THIS.COLUMN")
_IN_MATCHING = {"name", "column_path", "DOT", "EQUAL"}  # what the parser may hold after a step's `matching`


_DECLARED = re.compile(
    r"^[ \t]*(?:[A-Za-z_]\w*[ \t]+)?(?P<name>[A-Za-z_]\w*|`[^`\n]+`)[ \t]*"  # (keyword) name, then
    r"(?:(?:\"[^\"\n]*\"|'[^'\n]*')?[ \t]*:|=|from\b)", re.MULTILINE)     # ["description"]: or = or from
_IMPORT = re.compile(r"^[ \t]*import\b", re.MULTILINE)


def declared_names(piece: str) -> set[str] | None:
    """The names a piece of text that does not parse may declare, keywords misspelt or not
    (`segmnt x:`, `parm p =`, `evnts e from`); None when it may import a file, whose names
    cannot be told."""
    if _IMPORT.search(piece):
        return None
    return {m["name"].strip("`") for m in _DECLARED.finditer(piece)}


def _position(exc: UnexpectedInput, text: str) -> int:
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return _lexed(exc.token.start_pos)
    if isinstance(exc, UnexpectedCharacters):
        return _lexed(exc.pos_in_stream)
    return len(text)


def _lexed(value: int | None) -> int:
    """A position Lark set, as it does for every token it reads (None only in tokens made by hand)."""
    if value is None:
        raise ValueError("a lexed token without a position")
    return value


def diagnose(lark: Lark, exc: UnexpectedInput, text: str, file: str, end: str = "end of file") -> Diagnostic:
    """One syntax error: where, what came, what could have come, and a hint."""
    if isinstance(exc, UnexpectedCharacters):
        return _bad_character(exc, text, file)
    expected = set(getattr(exc, "accepts", None) or getattr(exc, "expected", None) or ())
    token = exc.token if isinstance(exc, UnexpectedToken) else None
    if expected == {"FROM"}:
        # a name was read as the start of an entity declaration: usually a misspelt
        # keyword or a stray word, and the error is that word rather than what follows it
        names = _names_before(lark, text, _position(exc, text))
        if len(names) == 2 and _near_keyword(str(names[0][0]), names[0][1]) is None:
            earlier, before = names[1]
            near = _near_keyword(str(earlier), before)
            if near is not None:
                return Diagnostic(f"unexpected '{earlier}'; expected {expected_words(before)}",
                                  _token_span(file, earlier), near)
        if names:
            name, before = names[0]
            near = _near_keyword(str(name), before)
            at_declaration_start = before <= _STARTERS | {"NAME"}
            meant_from = token is not None and token.type == "NAME" and _near_keyword(str(token), {"FROM"})
            if near and name.column == 1 and _near_keyword(str(name), _STARTERS):
                return Diagnostic(f"unexpected '{name}'; expected a new declaration (segment, segmentation, split, "
                                  "trait, events, lookup, param or import)", _token_span(file, name), near)
            if near or not (at_declaration_start or meant_from):
                return Diagnostic(f"unexpected '{name}'; expected {expected_words(before)}",
                                  _token_span(file, name), near or _hint_for(before))
    if token is None or token.type == "$END":
        return Diagnostic(f"unexpected {end}" + (f"; expected {expected_words(expected)}" if expected else ""),
                          _end_span(text, file), _hint_at(exc, expected))
    word = str(token)
    hint = _near_keyword(word, expected) if token.type == "NAME" else None
    if hint is None:
        names = _names_before(lark, text, _lexed(token.start_pos))[:1]
        if names and names[0][0].end_pos is not None:
            previous, before = names[0]
            near = _near_keyword(str(previous), before)
            if near is not None:
                return Diagnostic(f"unexpected '{previous}'; expected {expected_words(before)}",
                                  _token_span(file, previous), near)
    if hint is None and token.type == "NAME" and _looks_like_unit(word):
        hint = "time units are minute(s), hour(s), day(s), week(s), month(s) and year(s)"
    return Diagnostic(f"unexpected '{word}'; expected {expected_words(expected)}", _token_span(file, token),
                      hint or _hint_at(exc, expected))


def _bad_character(exc: UnexpectedCharacters, text: str, file: str) -> Diagnostic:
    position = _lexed(exc.pos_in_stream)
    char = text[position] if position < len(text) else ""
    hint = None
    if char in "“”‘’":
        hint = "strings are written in plain double or single quotes"
    elif char == "`":
        hint = "a quoted name needs a closing backtick on the same line"
    elif char in "\"'":
        hint = "a string must end on the line it starts"
    elif char == ";":
        hint = "declarations need no ';' between them"
    elif char in "\u2028\u2029\x85":
        hint = f"U+{ord(char):04X} is not a line end in a .seg file: end lines with a new line (LF, CRLF or CR)"
    span = ast.Span(file, exc.line, exc.column, exc.line, exc.column + 1, position, position + 1)
    return Diagnostic(f"unexpected character {char!r}", span, hint)


def expected_words(expected: set[str]) -> str:
    """A set of terminals as an analyst would say it."""
    rest = set(expected)
    phrases: list[str] = []

    def take(group: set[str], phrase: str, need: int = 1) -> None:
        nonlocal rest
        if len(rest & group) >= need:
            phrases.append(phrase)
            rest -= group

    if {"HAS", "NO"} <= rest and "NAME" in rest:
        take(_VALUE_START | {"HAS", "NO", "NOT"}, "a condition, such as `has orders` or `age > 30`")
    if {"NAME", "NUMBER", "STRING", "NOT"} <= rest:
        take(_VALUE_START | {"NOT"}, "a condition on the event's columns, such as `category = \"pet\"`")
    if {"NAME", "NUMBER", "STRING"} <= rest:
        take(_VALUE_START, "a value, such as a number, a string, a column or `count(orders)`")
    if rest == {"NAME", "NUMBER"}:
        take(rest, "a number or a parameter")
    if rest == {"NAME", "NO"}:  # after a journey's `then`
        take({"NAME"}, "an event set")
    take(_UNITS, "a time unit (minutes, hours, days, weeks, months or years)")
    if rest >= _LITERALS:
        take(_LITERALS, "a value: a number, a string, a date, true or false")
    take(_COMPARISONS, "a comparison (=, !=, <, >, between, like, is null, ...)", need=3)
    take({"PLUS", "MINUS", "STAR", "SLASH"}, "arithmetic (+, -, *, /)", need=4)
    if {"AND", "OR"} <= rest:
        take({"AND", "OR"}, "'and' or 'or'")
    if {"SEGMENT", "EVENTS", "PARAM"} <= rest:
        take(_STARTERS | {"NAME"}, "a new declaration")
    if {"WHERE", "IN", "BEFORE", "SINCE", "UNTIL"} <= rest:
        take({"WHERE", "IN", "BEFORE", "SINCE", "UNTIL", "BETWEEN"}, "a filter (`where ...`) or a window "
             "(`in last 30 days`, ...)")
    phrases += sorted((describe(t) for t in rest), key=lambda w: (not w[0].isalpha(), w))
    if len(phrases) > 8:
        phrases = phrases[:8] + ["..."]
    if len(phrases) <= 1:
        return "".join(phrases) or "something else"
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def describe(terminal: str) -> str:
    if terminal in _WORDS:
        return _WORDS[terminal]
    keyword = _keyword(terminal)
    return f"'{keyword}'" if keyword is not None else terminal.lower()


def _keyword(terminal: str) -> str | None:
    from .parse import parser

    for term in parser().terminals:
        if term.name == terminal and isinstance(term.pattern, PatternStr):
            return term.pattern.value
    return None


def _hint_at(exc: UnexpectedInput, expected: set[str]) -> str | None:
    """The hint for what the parser expected where it stopped: the form of a step's `matching` inside one."""
    return MATCHING_FORM if _in_matching(exc) else _hint_for(expected)


def _in_matching(exc: UnexpectedInput) -> bool:
    """Whether the parser stopped inside a step's `matching` (after it, or in its column paths)."""
    interactive = getattr(exc, "interactive_parser", None)
    stack = interactive.parser_state.value_stack if interactive is not None else []
    kinds = [item.type if isinstance(item, Token) else getattr(item, "data", None) for item in stack]
    at = max((i for i, kind in enumerate(kinds) if kind == "MATCHING"), default=None)
    return at is not None and all(kind in _IN_MATCHING for kind in kinds[at + 1:])


def _hint_for(expected: set[str]) -> str | None:
    if expected in ({"NAME", "NO"}, {"WITHIN"}):
        return STEP_FORM
    if expected == {"FROM"}:
        return ENTITY_FORM
    if expected == {"COLON", "STRING"}:
        return 'a segment is written: segment NAME ["description"]: CONDITION'
    if "ELSE" in expected and "NAME" in expected:
        return "a segmentation ends with: else LABEL"
    if "SHARE_LABEL" in expected:
        return "a split's lines are LABEL P%, e.g. holdout 10%"
    if expected == {"DOT"}:
        return "name the column with its event set, e.g. sum(orders.amount)"
    if expected == {"AT"}:
        return "an event set is declared as: events NAME from TABLE by KEY at TIME"
    if expected <= _STARTERS | {"NAME"} and "SEGMENT" in expected:
        return DECLARATIONS
    return None


def _near_keyword(word: str, expected: set[str]) -> str | None:
    """'did you mean' the keyword one or two typos away (a swap counts once), if any."""
    word = word.lower()
    keywords = sorted({k for k in (_keyword(t) for t in expected) if k and k.isidentifier()} - {word})
    if not keywords or len(word) < 2:
        return None
    best = min(keywords, key=lambda k: (_typos(word, k), abs(len(k) - len(word)), k))
    if _typos(word, best) <= (1 if len(word) <= 4 else 2):
        return f"did you mean '{best}'?"
    return suggest(word, keywords) if len(word) > 4 else None


def _typos(a: str, b: str) -> int:
    """Edits from a to b: insert, delete, replace, or swap two neighbours (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _looks_like_unit(word: str) -> bool:
    return bool(re.fullmatch(r"(d|w|m|y|h|hrs?|mins?|seconds?|secs?|quarters?|wk|wks|mo|mos|yr|yrs)", word))


def _names_before(lark: Lark, text: str, position: int) -> list[tuple[Token, set[str]]]:
    """The last two tokens before `position` that are names (newest first), each with
    what the parser would have accepted in its place."""
    tokens: list[Token] = []
    try:
        for token in lark.parse_interactive(text).iter_parse():
            if _lexed(token.start_pos) >= position:
                break
            tokens = [token, *tokens[:1]]
    except UnexpectedInput:
        pass
    names = [t for t in tokens[:next((i for i, t in enumerate(tokens) if t.type != "NAME"), len(tokens))]]
    found = []
    for name in names:
        interactive = lark.parse_interactive(text)
        try:
            for token in interactive.iter_parse():
                if token.start_pos == name.start_pos:
                    found.append((name, set(interactive.accepts())))
                    break
        except UnexpectedInput:
            break
    return found


def _token_span(file: str, token: Token) -> ast.Span:
    width = max(1, len(str(token)))
    line, column, start = _lexed(token.line), _lexed(token.column), _lexed(token.start_pos)
    return ast.Span(file, line, column, line, column + width, start, start + width)


def _end_span(text: str, file: str) -> ast.Span:
    lines = source_lines_of(text.rstrip()) or [""]
    line, column = len(lines), len(lines[-1]) + 1
    end = len(text.rstrip())
    return ast.Span(file, line, column, line, column + 1, end, end + 1)
