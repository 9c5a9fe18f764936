"""A small Wadler/Prettier-style pretty printer: documents -> lines of text.

The formatter (fmt.py) describes a statement as a document: text, line
breaks that are a space (LINE) or nothing (SOFT) when their group fits on
the line, breaks that always happen (HARD, e.g. after a comment), groups
and nesting. `render` picks, outermost group first, the flat layout of each
group that fits in the width, and breaks the others.
"""

from __future__ import annotations

from dataclasses import field

from ..frozen import frozen


class _Break:
    def __init__(self, name: str, flat: str | None):
        self.name = name
        self.flat = flat  # its text when its group is flat; None: always breaks

    def __repr__(self) -> str:
        return self.name


LINE = _Break("LINE", " ")
SOFT = _Break("SOFT", "")
HARD = _Break("HARD", None)


@frozen
class Nest:
    """Lines broken inside `doc` are indented `indent` more."""

    indent: int
    doc: Doc


@frozen
class Group:
    """Flat if it fits on the line (and holds no hard break), else broken."""

    doc: Doc
    hard: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "hard", has_hard_break(self.doc))


Doc = str | _Break | Nest | Group | list

_FLAT, _BREAK = 0, 1


def has_hard_break(doc: Doc) -> bool:
    if doc is HARD:
        return True
    if isinstance(doc, list):
        return any(has_hard_break(d) for d in doc)
    if isinstance(doc, Nest):
        return has_hard_break(doc.doc)
    if isinstance(doc, Group):
        return doc.hard
    return False


def render(doc: Doc, width: int) -> list[str]:
    """The lines of `doc`, none longer than `width` where a break allows.

    A break on a line that holds only indentation starts no new line, and
    blank text there is dropped: so consecutive breaks (a comment's, then a
    group's) never leave empty lines or stray spaces.
    """
    lines: list[str] = []
    current = ""
    stack: list[tuple[int, int, Doc]] = [(0, _BREAK, doc)]
    while stack:
        indent, mode, item = stack.pop()
        if isinstance(item, str):
            if current.strip() or not item.isspace():
                current += item
        elif isinstance(item, list):
            stack.extend((indent, mode, part) for part in reversed(item))
        elif isinstance(item, Nest):
            stack.append((indent + item.indent, mode, item.doc))
        elif isinstance(item, Group):
            flat = mode == _FLAT or (not item.hard and _fits(width - len(current), (indent, _FLAT, item.doc), stack))
            stack.append((indent, _FLAT if flat else _BREAK, item.doc))
        elif mode == _FLAT and item.flat is not None:
            current += item.flat
        else:
            if current.strip():
                lines.append(current.rstrip())
            current = " " * indent
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _fits(room: int, first: tuple[int, int, Doc], rest: list[tuple[int, int, Doc]]) -> bool:
    """Whether `first`, flat, and what follows it up to the next line break fit in `room`."""
    todo = [first]
    next_rest = len(rest)
    while room >= 0:
        if not todo:
            if next_rest == 0:
                return True
            next_rest -= 1
            todo.append(rest[next_rest])
        indent, mode, item = todo.pop()
        if isinstance(item, str):
            room -= len(item)
        elif isinstance(item, list):
            todo.extend((indent, mode, part) for part in reversed(item))
        elif isinstance(item, Nest):
            todo.append((indent + item.indent, mode, item.doc))
        elif isinstance(item, Group):
            todo.append((indent, _BREAK if item.hard else mode, item.doc))
        elif mode == _FLAT and item.flat is not None:
            room -= len(item.flat)
        else:
            return True
    return False
