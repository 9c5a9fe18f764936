"""The protocol's frames on a byte stream, read so that no bad frame stops the server.

A frame is header lines, an empty line, then a body of `Content-Length`
bytes of JSON. Clients and scripts get this wrong in many ways; each costs
at most its own frame, never the connection:

- header lines may end in LF alone;
- the body is the JSON object (or array) that follows the headers, read up
  to its closing brace, at most Content-Length bytes: a Content-Length too
  long for its body costs nothing, one too short leaves a body that is not
  JSON (and the rest of it is skipped as junk);
- a missing, non-numeric, negative, zero or too large Content-Length: the
  body is the JSON value that follows, cut short where a new frame's header
  begins, and the frame comes back with its problem, for the server to
  answer if it is a request, and skip;
- bytes that are no frame at all are skipped up to the next header line.
Every wait for more bytes is bounded by MAX_BODY: junk cannot fill memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...frozen import frozen

MAX_BODY = 64 * 1024 * 1024  # bytes: a 4 MiB source escaped as JSON, with room to spare
MAX_LINE = 8 * 1024  # bytes of a header line; beyond that the line is junk
CHUNK = 64 * 1024

_HEADER = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_STRUCTURE = re.compile(rb'[{}\[\]"]')
_IN_STRING = re.compile(rb'["\\]')
_SPACE, _OPEN, _QUOTE, _BACKSLASH = frozenset(b" \t\r\n"), frozenset(b"{["), ord('"'), ord("\\")


@frozen
class Frame:
    """A frame's body, and what was wrong with the frame (None when nothing was)."""

    body: bytes
    problem: str | None = None


class FrameReader:
    """Frames from a byte stream, one `next()` at a time; `read(n)` gives up to n bytes as they come
    (b"" at the end), like `os.read` on the client's stdin."""

    def __init__(self, read: Callable[[int], bytes], limit: int = MAX_BODY):
        self.read = read
        self.limit = limit
        self.buffer = bytearray()
        self.at = 0  # where the unread bytes of the buffer start

    def next(self) -> Frame | None:
        """The next frame, or None once the stream ends."""
        self._drop()
        headers = self._headers()
        if headers is None:
            return None
        length, problem = self._length(headers)
        body = self._body(length)
        if body is None:
            return None
        return Frame(body, problem)

    # ---- headers
    def _headers(self) -> list[bytes] | None:
        """The header lines of the next frame; blank lines before them are skipped."""
        lines: list[bytes] = []
        while True:
            line = self._line()
            if line is None:
                return None
            if line.strip():
                lines.append(line)
            elif lines:
                return lines

    def _line(self) -> bytes | None:
        """The next line without its end (LF or CRLF), anything glued before its last Content-Length header
        cut off (the rest of a bad frame, junk)."""
        while (end := self.buffer.find(b"\n", self.at)) < 0:
            if len(self.buffer) - self.at > MAX_LINE:  # junk: keep only what may begin a header
                self.at = len(self.buffer) - len(b"content-length:")
                self._drop()
            if not self._fill():
                return None
        line = bytes(self.buffer[self.at:end]).rstrip(b"\r")
        self.at = end + 1
        start = max((header.start() for header in _HEADER.finditer(line)), default=0)
        return line[start:]

    def _length(self, headers: list[bytes]) -> tuple[int | None, str | None]:
        """Content-Length, else None and why not."""
        values = [line.split(b":", 1)[1].strip() for line in headers if _HEADER.match(line)]
        if not values:
            return None, "the frame has no Content-Length header"
        value = values[-1]
        if not value.isdigit():
            return None, f"Content-Length {value.decode('latin-1')!r} is not a number of bytes"
        length = int(value)
        if not 0 < length <= self.limit:
            return None, f"Content-Length {length} is not between 1 and {self.limit}"
        return length, None

    # ---- the body
    def _body(self, length: int | None) -> bytes | None:
        """The JSON value that starts after the headers: at most `length` bytes, else up to where a new
        frame's header begins (or the limit). None if the stream ends first."""
        stop = None if length is None else self.at + length
        while True:  # whitespace before the value (within the body)
            while self.at != stop and self.at < len(self.buffer) and self.buffer[self.at] in _SPACE:
                self.at += 1
            if self.at == stop or self.at < len(self.buffer):
                break
            if not self._fill():
                return None
        start = self.at
        if start == stop or self.buffer[start] not in _OPEN:
            # not a JSON-RPC message: skipped by its length, else line by line as junk
            return b"" if stop is None else self._take(stop)
        scan = _ValueEnd(start)
        stop = stop if stop is not None else start + self.limit
        while True:
            available = min(stop, len(self.buffer))
            header = None if length is not None else _HEADER.search(self.buffer, max(start, scan.at - 16), available)
            if header is not None:
                available = header.start()
            end = scan.end(self.buffer, available)
            if end is not None:
                return self._take(end)
            if header is not None or available == stop:  # cut at a new frame's header, or at Content-Length
                return self._take(available)
            if not self._fill():
                return None

    def _take(self, end: int) -> bytes | None:
        """The bytes from here to `end`, once they have come."""
        while len(self.buffer) < end:
            if not self._fill():
                return None
        body = bytes(self.buffer[self.at:end])
        self.at = end
        return body

    def _drop(self) -> None:
        """Forget the bytes already read."""
        del self.buffer[:self.at]
        self.at = 0

    def _fill(self) -> bool:
        """More bytes from the stream (blocking until some come); False at its end."""
        chunk = self.read(CHUNK)
        self.buffer += chunk
        return bool(chunk)


class _ValueEnd:
    """Where a JSON object or array ends, found in bytes as they come: brackets counted, strings skipped."""

    def __init__(self, start: int):
        self.at = start
        self.depth = 0
        self.in_string = False

    def end(self, data: bytearray, stop: int) -> int | None:
        """The offset just past the value if it ends before `stop`; else None, to go on from there."""
        at = self.at
        while at < stop:
            if self.in_string:
                found = _IN_STRING.search(data, at, stop)
                if found is None:
                    at = stop
                elif data[found.start()] == _BACKSLASH:
                    if found.end() == stop:  # the escaped byte has not come yet
                        at = found.start()
                        break
                    at = found.end() + 1
                else:
                    self.in_string = False
                    at = found.end()
                continue
            found = _STRUCTURE.search(data, at, stop)
            if found is None:
                at = stop
                continue
            at = found.end()
            byte = data[found.start()]
            if byte == _QUOTE:
                self.in_string = True
            elif byte in _OPEN:
                self.depth += 1
            else:
                self.depth -= 1
                if self.depth <= 0:
                    self.at = at
                    return at
        self.at = at
        return None
