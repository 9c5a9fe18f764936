"""Reading a .seg file: the one way every command, import and tool gets a source's text.

A source is a regular file of at most MAX_SOURCE_BYTES, in UTF-8 (a byte
order mark is dropped). Anything else is refused before it is read: a
folder, a device such as /dev/zero, a FIFO that would block, a file too
large to be a program. A file that cannot be read raises `Unreadable` with
the reason, for the caller to word (a command names the file, an import
points at its import line).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import Diagnostic, SegdslError, error
from . import ast

MAX_SOURCE_BYTES = 4 * 1024 * 1024


class Unreadable(Exception):
    """A source that is not read: `reason` says why, `hint` what to do."""

    def __init__(self, reason: str, hint: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


def read_source(path: Path, name: str) -> str:
    """The text of the source at `path` (`name` is how messages call it)."""
    try:
        kind = path.stat()
    except (OSError, ValueError) as exc:
        raise Unreadable(getattr(exc, "strerror", None) or str(exc)) from None
    if stat.S_ISDIR(kind.st_mode):
        raise Unreadable("it is a folder, not a file", "give a .seg file")
    if not stat.S_ISREG(kind.st_mode):
        raise Unreadable("it is not a regular file", "give a .seg file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise Unreadable(f"it holds more than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB, more than a .seg file may",
                         "split the program into files that import each other")
    return decode(data, name)


def read_file(path: str | os.PathLike[str]) -> str:
    """The text of a file a command was given, or a SegdslError saying why it cannot be read."""
    try:
        return read_source(Path(path), str(path))
    except Unreadable as exc:
        raise error(f"cannot read {path}: {exc.reason}", None, exc.hint) from None


def decode(data: bytes, file: str) -> str:
    """UTF-8 text of a file (without a byte order mark), or an error at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        span = ast.Span(file, line, column, line, column + 1, exc.start, exc.start + 1)
        err = SegdslError(Diagnostic(f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})", span,
                                     "save the file as UTF-8"))
        err.sources[file] = data.decode("utf-8", errors="replace")
        raise err from None
