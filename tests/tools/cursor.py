"""A document with a cursor marked `|`, for the language server's tests: the text and the offset, and what
completion offers there."""

from __future__ import annotations

from segdsl.tools.lsp.completion import complete
from segdsl.tools.lsp.document import analyze


def at(text: str, marker: str = "|") -> tuple[str, int]:
    """The text without its cursor marker, and the cursor's offset."""
    offset = text.index(marker)
    return text[:offset] + text[offset + len(marker):], offset


def completions(text_with_cursor: str) -> dict[str, str]:
    """The completions at the cursor: label -> kind."""
    text, offset = at(text_with_cursor)
    return {c.label: c.kind for c in complete(analyze(text, "t.seg"), offset)}
