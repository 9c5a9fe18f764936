"""Cutting a text that does not parse into its declarations: the one splitter
of the syntax-error reporter (parse.py), the checker that goes on with what
parses, and the language server.

A declaration starts at a line's first column with `segment NAME`,
`segmentation NAME`, `split NAME`, `trait NAME =` (or `trait NAME "description"`),
`events NAME from`, `lookup NAME from`, `param NAME =`, `import "..."`, `timezone "..."` or
`NAME from`; the text before the first one is a piece of its own. A keyword
alone does not start one: inside a condition `events > 3` may name a column.
Each piece is parsed alone and its spans moved to where it stands (`moved`),
so the work is linear in the text, however many declarations it holds.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar, cast

from ..errors import Span
from ..frozen import frozen

T = TypeVar("T")

DECLARATION_START = re.compile(
    r"^(?:segment|segmentation|split)\s+[A-Za-z_`]"
    r"|^(?:events|lookup)\s+\S+\s+from\b"
    r"|^trait\s+(?:[A-Za-z_]\w*|`[^`\n]+`)\s*[=\"']"
    r"|^param\s+\S+\s*="
    r"|^(?:import|timezone)\s+[\"']"
    r"|^[A-Za-z_]\w*\s+from\s", re.MULTILINE)
_LONE_CR = re.compile(r"\r(?!\n)")


@frozen
class Piece:
    """One declaration's text, `start` to `end`; it starts a line, after `lines` line breaks."""

    start: int
    end: int
    lines: int


def declarations(text: str) -> list[Piece]:
    """The declarations of a text, in order; together they cover all of it.

    Lines end at LF, CRLF or a lone CR, as the parser reads them.
    """
    text = _LONE_CR.sub("\n", text)
    starts = [0, *(m.start() for m in DECLARATION_START.finditer(text) if m.start() > 0), len(text)]
    pieces = []
    lines = 0
    for start, end in zip(starts, starts[1:]):
        pieces.append(Piece(start, end, lines))
        lines += text.count("\n", start, end)
    return pieces


def piece_at(pieces: list[Piece], offset: int) -> Piece:
    """The piece that holds a character offset (the last one, past the end)."""
    return pieces[max(0, bisect.bisect_right(pieces, offset, key=lambda piece: piece.start) - 1)]


def moved(value: T, piece: Piece) -> T:
    """Something read from a piece's text alone (a node, a diagnostic, a tuple of them), its spans
    moved to where the piece stands in the whole text. Columns stay: a piece starts a line."""
    if piece.start == 0 and piece.lines == 0:
        return value
    return cast(T, _moved(value, piece.lines, piece.start))


def _moved(value: Any, lines: int, chars: int) -> Any:
    kind: type = type(value)
    if kind is Span:
        return Span(value.file, value.line + lines, value.column, value.end_line + lines, value.end_column,
                    value.start + chars, value.end + chars)
    if kind is tuple:
        return tuple([_moved(item, lines, chars) for item in value])
    names = _fields(kind)
    if not names:
        return value
    return kind(**{name: _moved(getattr(value, name), lines, chars) for name in names})


@functools.cache
def _fields(kind: type) -> tuple[str, ...]:
    """The fields a dataclass is built from (none for anything else)."""
    return tuple(f.name for f in fields(kind) if f.init) if is_dataclass(kind) else ()
