"""What may be typed at a cursor: keywords from the grammar, and names.

The keywords are the grammar's own: the statement around the cursor, up to
the word being typed, is fed to the LALR parser, which says which terminals
it accepts next. Where it accepts a name, the tokens on its stack say which
names fit: event sets after `has`, `no`, `then` or inside `count(`; an event
table's columns inside its `where` or after `orders.`, with the lookups it
joins; a lookup's columns after `products.`; lookups after `with`; after a
journey step's `matching`, the columns of the two steps' event sets; the
entity's columns after `key`; parameters in a window's amount; segments,
segmentations, splits, parameters, the entity's columns and lookups in a
condition; after a JSON column's dot (`properties.`, `tracks.properties.utm.`),
the keys the files' paths read there, and with a database the keys sampled
from its values (json_samples.py: once per column). Columns are those the
program already uses, plus a database's when a catalog is given.
"""

from __future__ import annotations

import re

from lark import Token, Tree
from lark.exceptions import LarkError
from lark.lexer import PatternStr
from lark.parsers.lalr_interactive_parser import InteractiveParser

from ...frozen import frozen
from ...lang import split
from ...lang.model import written_key
from ...lang.parse import parser
from ...run.catalog import Database
from .document import Document
from .json_samples import KeySamples

WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789")
KEYWORD = re.compile(r"[a-z_]+\Z")
WINDOW_TREES = {"last", "before_last", "ago", "since", "until", "date_range", "next_"}
EVENT_SLOTS = {"HAS", "NO", "THEN", "DISTINCT"}
NEW_NAME_SLOTS = {"SEGMENT", "SEGMENTATION", "SPLIT", "TRAIT", "PARAM", "EVENTS", "ELSE"}
AMOUNT_SLOTS = {"LAST", "WITHIN", "TOP", "BOTTOM", "NEXT"}


@frozen
class Completion:
    label: str
    kind: str  # keyword, event, column, segment, segmentation, trait, param, table
    detail: str = ""


def complete(doc: Document, offset: int, database: Database | None = None,
             samples: KeySamples | None = None) -> list[Completion]:
    """Completions at a character offset of the document's text (`samples`: JSON keys from the database)."""
    text = doc.text
    start = _word_start(text, offset)
    if _in_comment_or_string(text, start):
        return []
    member = _member_before(text, start)
    if member is not None:
        keys = _json_keys(doc, _path_before(text, start), samples)
        return keys if keys is not None else _after_dot(doc, member, database)
    statement = split.piece_at(split.declarations(text), start).start
    interactive = parser().parse_interactive(text[statement:start])
    try:
        interactive.exhaust_lexer()
    except LarkError:  # the statement is broken before the cursor: no grammar, only names
        return _values(doc, database) + _names(doc, "event")
    accepts = interactive.accepts()
    items = [Completion(word, "keyword") for word in sorted(_keywords(accepts))]
    if "NAME" in accepts:
        items += _names_at(doc, interactive, database)
    return items


def _word_start(text: str, offset: int) -> int:
    """Where the word that ends at `offset` starts: looked at backwards, so a long run of
    letters before it costs only its own length."""
    start = offset
    while start > 0 and text[start - 1] in WORD_CHARS:
        start -= 1
    return start


def _member_before(text: str, start: int) -> str | None:
    """The event set or schema named just before a dot that ends at `start` (`orders.`, `` `my table`. ``)."""
    if start == 0 or text[start - 1] != ".":
        return None
    if text[start - 2:start - 1] == "`":
        opening = text.rfind("`", text.rfind("\n", 0, start - 2) + 1, start - 2)
        return (text[opening + 1:start - 2] or None) if opening >= 0 else None
    return text[_word_start(text, start - 1):start - 1].lstrip("0123456789") or None


def _path_before(text: str, start: int) -> list[str]:
    """The names joined by dots before the dot that ends at `start` (`tracks.properties.utm.`), first to last."""
    names: list[str] = []
    while start > 0 and text[start - 1] == ".":
        end = start - 1
        if text[end - 1:end] == "`":
            start = text.rfind("`", text.rfind("\n", 0, end - 1) + 1, end - 1)
            if start < 0:
                break
            names.insert(0, text[start + 1:end - 1])
        else:
            start = _word_start(text, end)
            if start == end:
                break
            names.insert(0, text[start:end])
    return names


def _json_keys(doc: Document, path: list[str], samples: KeySamples | None) -> list[Completion] | None:
    """After a dot inside a path into a JSON column: the next keys the files' paths read there, and those
    sampled from the database (written in backticks where a key needs them). None where the path reads no
    JSON column."""
    declared = doc.json_columns
    for index, name in enumerate(path):
        if name in declared:
            prefix = tuple(path[index + 1:])
            known = doc.json_keys(name)
            if samples is not None:
                known |= {key for parts in doc.json_tables(name) for key in samples.paths(parts, name)}
            following = sorted({key[len(prefix)] for key in known
                                if len(key) > len(prefix) and key[:len(prefix)] == prefix})
            return [Completion(written_key(key), "key", f"a key in {name}") for key in following]
    return None


PHRASES = {"COUNT_SIDE": ("at least", "at most", "exactly")}
"""Keywords the grammar matches with a pattern (they must be followed by a number), as they are typed."""


def _keywords(terminals: set[str]) -> set[str]:
    words = set()
    for term in parser().terminals:
        if term.name in terminals and isinstance(term.pattern, PatternStr) and KEYWORD.match(term.pattern.value):
            words.add(term.pattern.value)
        elif term.name in terminals and term.name in PHRASES:
            words.update(PHRASES[term.name])
    return words


def _names_at(doc: Document, interactive: InteractiveParser, database: Database | None) -> list[Completion]:
    stack = interactive.parser_state.value_stack
    last = stack[-1] if stack else None
    last_type = last.type if isinstance(last, Token) else None
    before = stack[-2] if len(stack) > 1 else None
    if last_type in NEW_NAME_SLOTS or _starts_new_name(interactive):
        return []
    if last_type in EVENT_SLOTS or (last_type == "LPAR" and isinstance(before, (Token, Tree)) and
                                    _name_of(before) in ("COUNT", "DAYS_SINCE_LAST", "agg_fn", "active_fn",
                                                         "SESSIONS")):
        return _names(doc, "event")
    if last_type in AMOUNT_SLOTS:
        return _names(doc, "param")
    if last_type == "WITH":
        return _names(doc, "lookup")
    matched = _matching(doc, stack, database)
    if matched is not None:
        return matched
    table = _declared_table(stack)
    if last_type == "KEY":
        return _columns(doc, None, database, table)
    if last_type in ("BY", "AT", "ON"):
        event = _declared_event(stack)
        return _columns(doc, event, database, table) if event else []
    if last_type == "FROM":
        return [Completion(".".join(key), "table") for key in sorted(database.catalog)] if database else []
    event = _filtered_event(stack)
    if event is not None:
        return _names(doc, "param") + _columns(doc, event, database, table) + _lookups(doc, event)
    return _values(doc, database) + _names(doc, "event")


def _matching(doc: Document, stack: list[object], database: Database | None) -> list[Completion] | None:
    """After a step's `matching`: the columns of the two steps' event sets, and the sets (`matching a.col =
    b.col`); after `matching a.col =`: this step's set. None elsewhere."""
    if _is_token(stack[-1:], "MATCHING"):
        previous, current = _joined(stack[:-1])
        events = dict.fromkeys(e for e in (previous, current) if e is not None)
        columns = {c.label: c for event in events for c in _columns(doc, event, database)}
        return [*columns.values(), *(c for c in _names(doc, "event") if c.label in events)]
    if _is_token(stack[-1:], "EQUAL") and _is_token(stack[-3:-2], "MATCHING"):
        _, current = _joined(stack[:-3])
        return [c for c in _names(doc, "event") if c.label == current]
    return None


def _is_token(items: list[object], kind: str) -> bool:
    """Whether `items` is one token of a kind (a slice of the parser's stack, empty past its start)."""
    return len(items) == 1 and isinstance(items[0], Token) and items[0].type == kind


def _joined(stack: list[object]) -> tuple[str | None, str | None]:
    """The event sets of the step before a journey's step that ends the stack (`then [no] EVENTS within N UNIT`,
    after the journey's first or its steps so far), and of that step."""
    then = len(stack) - (6 if _is_token(stack[-5:-4], "NO") else 5)
    return _step_events(stack[then - 1]), _step_events(stack[-4])


def _step_events(item: object) -> str | None:
    """The event set a step reads: a journey's first (`seq_start`), a step's `event_set`, or the last step's of
    the steps read so far."""
    last = item.children[-1] if isinstance(item, Tree) and item.children else None
    if isinstance(last, Tree) and last.data in ("step", "step_no"):
        item = last.children[0]
    if isinstance(item, Tree) and item.data in ("seq_start", "event_set") and item.children:
        return _tree_name(item.children[0])
    return None


def _starts_new_name(interactive: InteractiveParser) -> bool:
    """A name here is a new one: the entity's name, or a segmentation's label."""
    probe = interactive.copy(deepcopy_values=False)  # feeding adds values, changes none (and a chain is deep)
    try:
        probe.feed_token(Token("NAME", "x"))
    except LarkError:
        return False
    accepted: set[str] = probe.accepts()
    return accepted <= {"FROM", "WHEN"}


def _name_of(item: Token | Tree[Token]) -> str:
    return item.type if isinstance(item, Token) else item.data


def _declared_event(stack: list[object]) -> str | None:
    """The event set an unfinished `events NAME from ...` declares."""
    for index, item in enumerate(stack[:-1]):
        if isinstance(item, Token) and item.type == "EVENTS":
            return _tree_name(stack[index + 1])
    return None


def _declared_table(stack: list[object]) -> tuple[str, ...] | None:
    """The table of an unfinished entity or event declaration."""
    tables = [item for item in stack if isinstance(item, Tree) and item.data == "table_name"]
    return tuple(name for name in map(_tree_name, tables[-1].children) if name is not None) if tables else None


def _filtered_event(stack: list[object]) -> str | None:
    """The event set whose `where` the cursor is in, if it is in one."""
    wheres = [i for i, item in enumerate(stack) if isinstance(item, Token) and item.type == "WHERE"]
    if not wheres:
        return None
    declared = _declared_event(stack)
    if declared is not None:
        return declared
    index = wheres[-1] - 1
    while index >= 0 and isinstance(item := stack[index], Tree) and item.data in WINDOW_TREES:
        index -= 1
    return _tree_name(stack[index]) if index >= 0 else None


def _tree_name(item: object) -> str | None:
    if isinstance(item, Tree) and item.data == "column":  # `orders.amount`: the event set's name
        item = item.children[0]
    if isinstance(item, Tree) and item.data == "name" and item.children:
        return str(item.children[0]).strip("`")
    return None


def _after_dot(doc: Document, name: str, database: Database | None) -> list[Completion]:
    if doc.event(name) is not None or doc.lookup(name) is not None:
        return _columns(doc, name, database) + _lookups(doc, name)
    schema = name.lower()
    tables = sorted(database.catalog) if database else []
    return [Completion(table, "table") for (owner, table) in tables if owner == schema]


def _names(doc: Document, kind: str) -> list[Completion]:
    return [Completion(s.name, kind, s.detail) for s in doc.symbols_of(kind)]


def _values(doc: Document, database: Database | None) -> list[Completion]:
    return (_names(doc, "segment") + _names(doc, "segmentation") + _names(doc, "split") + _names(doc, "trait") +
            _names(doc, "param") + _columns(doc, None, database) + _lookups(doc, None))


def _lookups(doc: Document, name: str | None) -> list[Completion]:
    """The lookups a declaration joins (the entity's for None), whose columns follow a dot."""
    return [Completion(lookup, "lookup", s.detail) for lookup in doc.joined(name)
            if (s := doc.symbols.get(lookup)) is not None]


def _columns(doc: Document, event: str | None, database: Database | None,
             table: tuple[str, ...] | None = None) -> list[Completion]:
    """Columns of an event table (or the entity, None): used in the program, or in the database.

    `table` is the table of a declaration still being written, which the document does not hold yet.
    """
    if table is None:
        decl = doc.entity if event is None else (doc.event(event) or doc.lookup(event))
        if decl is None:
            return []
        table = tuple(n.name for n in decl.table)
    where = ".".join(table)
    known = database.table(table) if database else None
    names = {name: "" for name in sorted(doc.columns_used(event))}
    for name, kind in (known or {}).items():
        names[name] = kind
    return [Completion(name, "column", f"{where} {kind}".strip()) for name, kind in names.items()]


def _in_comment_or_string(text: str, offset: int) -> bool:
    line = text[text.rfind("\n", 0, offset) + 1:offset]
    quote, escaped = None, False
    for char in line:
        if escaped:
            escaped = False
        elif quote:
            escaped = char == "\\" and quote != "`"
            if char == quote:
                quote = None
        elif char in "\"'`":
            quote = char
        elif char == "#":
            return True
    return quote is not None
