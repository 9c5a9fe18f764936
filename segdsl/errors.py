"""The one error type users see, and the renderer that prints it.

Every stage reports problems as `Diagnostic`s (a message, a span and an
optional hint) and raises them together in a `SegdslError`. The CLI prints
them with `render`; nothing else ever reaches a user.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .frozen import frozen

if TYPE_CHECKING:
    from .lang.model import Program


@frozen
class Span:
    """A region of one source file: 1-based line and column, 0-based offsets."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int

    def through(self, last: Span) -> Span:
        """The region from the start of this one to the end of `last`."""
        return Span(self.file, self.line, self.column, last.end_line, last.end_column, self.start, last.end)


@frozen
class Diagnostic:
    message: str
    span: Span | None = None
    hint: str | None = None
    notes: tuple[tuple[str, Span], ...] = ()  # other places that explain this one
    # (declaration, column): a path's first name, which would read a JSON column if it were declared one
    # (`check --db` says so where the database holds JSON there)
    undeclared_json: tuple[str, str] | None = None


class SegdslError(Exception):
    """One or more user errors (in a program, its data or a parameter)."""

    def __init__(self, diagnostics: Diagnostic | Iterable[Diagnostic]):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = tuple(diagnostics)
        self.sources: dict[str, str] = {}  # file -> text, for rendering carets
        # what resolved despite the errors (a Program whose failed conditions read `false`), so that
        # checks independent of them (against a database) can still run and report with them
        self.partial: Program | None = None
        super().__init__("\n".join(d.message for d in self.diagnostics))

    def followed_by(self, more: Iterable[Diagnostic], partial: Program | None = None) -> SegdslError:
        """These errors and then `more`, as one error (with these sources)."""
        combined = SegdslError([*self.diagnostics, *more])
        combined.sources.update(self.sources)
        combined.partial = partial
        return combined


def error(message: str, span: Span | None = None, hint: str | None = None) -> SegdslError:
    return SegdslError(Diagnostic(message, span, hint))


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean' hint naming the closest candidate, if any is close."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


LINE_END = re.compile(r"\r\n|\r|\n")


def source_lines_of(text: str) -> list[str]:
    """A source's lines: CR, LF and CRLF end a line; nothing else does (not U+2028, unlike str.splitlines)."""
    lines = LINE_END.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def render(err: SegdslError, sources: Mapping[str, str] | None = None) -> str:
    """file:line:col, the source line, a caret under the spot, and the hint."""
    known = {**err.sources, **(sources or {})}
    return "\n".join(_render_one(d, known) for d in err.diagnostics)


def render_notes(notes: Iterable[Diagnostic], sources: Mapping[str, str]) -> str:
    """Notes (what a clean program means on a target), each as an error is rendered, as a note."""
    return "\n".join(_render_one(d, sources, "note") for d in notes)


def _render_one(diag: Diagnostic, sources: Mapping[str, str], kind: str = "error") -> str:
    lines = _located(kind, diag.message, diag.span, sources)
    for message, span in diag.notes:
        lines += _located("note", message, span, sources)
    if diag.hint:
        lines.append(f"hint: {diag.hint}")
    return "\n".join(lines)


def _located(kind: str, message: str, span: Span | None, sources: Mapping[str, str]) -> list[str]:
    if span is None:
        return [f"{kind}: {message}"]
    lines = [f"{span.file}:{span.line}:{span.column}: {kind}: {message}"]
    text = sources.get(span.file)
    if text is not None:
        source_lines = source_lines_of(text)
        if 0 < span.line <= len(source_lines):
            line = source_lines[span.line - 1].expandtabs(1)
            width = span.end_column - span.column if span.end_line == span.line else len(line) - span.column + 1
            gutter = f"{span.line:>5} | "
            lines.append(gutter + line)
            lines.append(" " * (len(gutter) - 2) + "| " + " " * (span.column - 1) + "^" * max(1, width))
    return lines
