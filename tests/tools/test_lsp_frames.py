"""Bad frames and bad messages cost only themselves: the frame reader on its own
(segdsl/tools/lsp/frames.py), then `python -m segdsl lsp` fed raw bytes over its stdin."""

from __future__ import annotations

import io
import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from pygls.uris import from_fs_path

from segdsl.tools.lsp.frames import Frame, FrameReader

ROOT = Path(__file__).resolve().parents[2]
PATIENCE = 120  # seconds: only so a wedged server cannot hang the suite

TEXT = """\
customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at

segment buyers:
    has orders
"""


def body(request: int, method: str = "textDocument/completion", line: int = 4, character: int = 4,
         **fields: Any) -> bytes:
    """A request about the test document at a position, as JSON bytes."""
    message = {"jsonrpc": "2.0", "id": request, "method": method,
               "params": {"textDocument": {"uri": URI}, "position": {"line": line, "character": character}},
               **fields}
    return json.dumps(message).encode()


def framed(data: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


URI = from_fs_path(str(ROOT / "frames.seg"))
GOOD = framed(body(0))


# ---- the reader alone -----------------------------------------------------------


def frames(data: bytes, chunk: int = 1 << 16) -> list[Frame]:
    """Every frame of a byte stream that comes `chunk` bytes at a time."""
    stream = io.BytesIO(data)
    reader = FrameReader(lambda size: stream.read(min(size, chunk)))
    found = []
    while (frame := reader.next()) is not None:
        found.append(frame)
    return found


BAD = [
    # (bytes before a good frame, the frames read from them: (body, a word of the problem or None))
    (b"Content-Length: abc\r\n\r\n" + body(1), [(body(1), "'abc' is not a number")]),
    (b"Content-Length: -5\r\n\r\n" + body(1), [(body(1), "'-5' is not a number")]),
    (b"Content-Length: 0\r\n\r\n" + body(1), [(body(1), "0 is not between")]),
    (b"Content-Length: 99999999999999999999\r\n\r\n" + body(1), [(body(1), "is not between")]),
    (b"Content-Type: application/json\r\n\r\n" + body(1), [(body(1), "no Content-Length")]),
    (b"Content-Length: x\r\n\r\n", [(b"", "is not a number")]),  # no body at all
    (b"Content-Length: %d\n\n" % len(body(1)) + body(1), [(body(1), None)]),  # LF-only lines: read as meant
    (b"content-length:%d\r\n\r\n" % len(body(1)) + body(1), [(body(1), None)]),
    (b"Content-Length: %d\r\n\r\n" % (len(body(1)) + 50) + body(1), [(body(1), None)]),  # too long: ends at '}'
    (b"Content-Length: 10\r\n\r\n" + body(1), [(body(1)[:10], None)]),  # too short: the rest is junk
    (b"\x00\xff junk without a line end", []),
    (b"junk\r\n\r\nmore junk\n", [(b"", "no Content-Length")]),
    (b"Content-Length: 5\r\n\r\n 12 }", [(b"12 }", None)]),
]


@pytest.mark.parametrize("chunk", [1, 7, 1 << 16])
@pytest.mark.parametrize("bad, expected", BAD)
def test_a_bad_frame_costs_only_itself(bad, expected, chunk):
    *read, good = frames(bad + GOOD, chunk)
    assert good == Frame(body(0))
    assert [frame.body for frame in read] == [data for data, _ in expected]
    for frame, (_, word) in zip(read, expected):
        assert frame.problem is None if word is None else word in (frame.problem or "")


def test_braces_and_headers_inside_strings_of_a_body_without_a_length():
    tricky = body(1, text='}{]["\\" Content-Length 12')
    [frame, good] = frames(b"Content-Length: ?\r\n\r\n" + tricky + GOOD)
    assert json.loads(frame.body)["text"] == '}{]["\\" Content-Length 12' and frame.problem
    assert good == Frame(body(0))
    [cut, good] = frames(b"Content-Length: ?\r\n\r\n" + b'{"a": "Content-Length: 9' + GOOD)
    assert cut.body == b'{"a": "' and good == Frame(body(0))  # a header inside it starts a new frame


def test_junk_never_fills_memory():
    reader = FrameReader(io.BytesIO(b"x" * 10_000_000 + GOOD).read, limit=1000)
    assert reader.next() == Frame(body(0))
    assert len(reader.buffer) < 200_000
    endless = FrameReader(io.BytesIO(b"Content-Length: ?\r\n\r\n[" + b"[" * 5000 + GOOD).read, limit=1000)
    assert endless.next() == Frame(b"[" * 1000, "Content-Length '?' is not a number of bytes")
    assert endless.next() == Frame(body(0))


# ---- the real server ------------------------------------------------------------


class RawServer:
    """`python -m segdsl lsp` as a subprocess, written to byte for byte; its replies are read aside."""

    def __init__(self, errors: Path) -> None:
        self.errors = errors.open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "segdsl", "lsp"], cwd=ROOT, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.errors)
        self.replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = None
            while (line := out.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line or length is None:
                self.replies.put(None)
                return
            self.replies.put(json.loads(out.read(length)))

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def answers_until(self, request: int) -> dict[int, dict[str, Any]]:
        """The replies to requests (not notifications) up to and including the one to `request`."""
        answers: dict[int, dict[str, Any]] = {}
        while request not in answers:
            reply = self.replies.get(timeout=PATIENCE)
            assert reply is not None, "the server stopped"
            if "method" not in reply:
                answers[reply["id"]] = reply
        return answers

    def start(self) -> None:
        self.send(framed(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                     "params": {"processId": None, "capabilities": {}}}).encode()))
        assert "capabilities" in self.answers_until(1)[1]["result"]
        for method, params in (("initialized", {}), ("textDocument/didOpen", {"textDocument": {
                "uri": URI, "languageId": "segdsl", "version": 1, "text": TEXT}})):
            self.send(framed(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}).encode()))

    def end(self) -> int:
        self.send(framed(json.dumps({"jsonrpc": "2.0", "id": 99999, "method": "shutdown"}).encode()))
        self.answers_until(99999)
        self.send(framed(json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()))
        assert self.process.stdin is not None
        self.process.stdin.close()
        returncode = self.process.wait(timeout=PATIENCE)
        self.errors.close()
        return returncode


# (the bad bytes for request id 7, then the answer to expect for id 7: an error code, "result", or None)
SERVED = [
    ("non-numeric length", b"Content-Length: abc\r\n\r\n" + body(7), -32600),
    ("negative length", b"Content-Length: -12\r\n\r\n" + body(7), -32600),
    ("zero length", b"Content-Length: 0\r\n\r\n" + body(7), -32600),
    ("huge length", b"Content-Length: 123456789012345678901234567890\r\n\r\n" + body(7), -32600),
    ("no length", b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + body(7), -32600),
    ("LF-only header lines", b"Content-Length: %d\n\n" % len(body(7)) + body(7), "result"),
    ("length too long", b"Content-Length: %d\r\n\r\n" % (len(body(7)) + 40) + body(7), "result"),
    ("length too short", b"Content-Length: 30\r\n\r\n" + body(7), None),
    ("not JSON", framed(b"{not json, id: 7}"), None),
    ("not UTF-8", framed(b'{"jsonrpc": "2.0", "id": 7, "method": "\xff"}'), None),
    ("junk between frames", b"\x00\x01junk\r\n\r\n", None),
    ("no jsonrpc member", framed(json.dumps({"id": 7, "method": "textDocument/hover"}).encode()), -32600),
    ("a batch", framed(b"[" + body(7) + b"]"), None),
    ("JSON, not a message", framed(b"null"), None),
    ("negative line", framed(body(7, line=-1)), -32602),
    ("negative character", framed(body(7, "textDocument/hover", character=-3)), -32602),
    ("negative definition", framed(body(7, "textDocument/definition", line=-2, character=-2)), -32602),
    ("unknown method", framed(body(7, "segdsl/nothing")), -32601),
]


def test_every_bad_frame_is_skipped_and_the_next_request_answered(tmp_path):
    server = RawServer(tmp_path / "stderr.log")
    server.start()
    for good, (name, bad, expected) in enumerate(SERVED, start=100):
        server.send(bad + framed(body(good)))
        answers = server.answers_until(good)
        assert "result" in answers.pop(good), name
        if expected is None:
            assert answers == {}, name
        elif expected == "result":
            assert "result" in answers[7], name
        else:
            assert answers[7]["error"]["code"] == expected, name
    assert server.end() == 0


def test_a_negative_position_is_answered_with_what_is_wrong(tmp_path):
    server = RawServer(tmp_path / "stderr.log")
    server.start()
    server.send(framed(body(7, line=-1)) + framed(body(8, "textDocument/hover", line=0, character=-1)))
    answers = server.answers_until(8)
    assert answers[7]["error"]["code"] == -32602 and "Position.line" in answers[7]["error"]["message"]
    assert "but was -1" in answers[7]["error"]["message"]
    assert "Position.character" in answers[8]["error"]["message"]
    server.send(b"Content-Length: nine\r\n\r\n" + body(9))
    server.send(framed(body(10)))
    answers = server.answers_until(10)
    assert "Content-Length 'nine' is not a number of bytes" in answers[9]["error"]["message"]
    assert {item["label"] for item in answers[10]["result"]["items"]} >= {"has", "buyers", "orders"}
    assert server.end() == 0
