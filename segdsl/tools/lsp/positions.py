"""Source positions for editors: offsets and 1-based spans <-> LSP positions.

segdsl's spans count lines from 1 and columns in characters (code points)
from 1. The Language Server Protocol counts both from 0, and columns in the
code units of an encoding the client and server agree on: UTF-16 unless
negotiated otherwise. Lines end at "\\n", "\\r\\n" or a lone "\\r", as the
parser counts them (and as LSP does).
"""

from __future__ import annotations

import bisect
import functools

from ...errors import LINE_END
from ...lang.ast import Span

ENCODINGS = ("utf-8", "utf-16", "utf-32")


def units(text: str, encoding: str = "utf-16") -> int:
    """The length of `text` in the code units of `encoding`."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@functools.lru_cache(maxsize=16)
def line_index(text: str, encoding: str = "utf-16") -> LineIndex:
    """The LineIndex of a text, built once for all the positions of all the replies about it."""
    return LineIndex(text, encoding)


class LineIndex:
    """One text's line starts, to move between offsets and (line, unit column)."""

    def __init__(self, text: str, encoding: str = "utf-16"):
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown position encoding {encoding!r}")
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [match.end() for match in LINE_END.finditer(text)]

    def line_text(self, line: int) -> str:
        """Line `line` (0-based) without its line break."""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return LINE_END.sub("", self.text[start:end])

    def position(self, offset: int) -> tuple[int, int]:
        """The 0-based (line, code unit column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, units(self.text[self.starts[line]:offset], self.encoding)

    def offset(self, line: int, column: int) -> int:
        """The character offset of a 0-based (line, code unit column); past the end clamps."""
        if line >= len(self.starts):
            return len(self.text)
        if line < 0:
            return 0
        text = self.line_text(line)
        count = 0
        for index, char in enumerate(text):
            if count >= column:
                return self.starts[line] + index
            count += units(char, self.encoding)
        return self.starts[line] + len(text)

    def span_range(self, span: Span) -> tuple[tuple[int, int], tuple[int, int]]:
        """A span's start and end as 0-based (line, code unit column) pairs."""
        return self._point(span.line, span.column), self._point(span.end_line, span.end_column)

    def _point(self, line: int, column: int) -> tuple[int, int]:
        if line < 1:
            return 0, 0
        if line > len(self.starts):
            last = len(self.starts) - 1
            return last, units(self.line_text(last), self.encoding)
        text = self.line_text(line - 1)
        return line - 1, units(text[:max(0, column - 1)], self.encoding)
