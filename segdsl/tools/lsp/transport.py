"""The server's loop over stdio: frames in (frames.py), messages handed to pygls.

It replaces pygls's own reading loop, which a single malformed header
wedged for good. A message that cannot be handled (a bad frame, a body that
is not a JSON-RPC message, parameters the protocol's types refuse, such as
a negative position) is answered with a JSON-RPC error when it is a request
whose id can be read, else logged and skipped; either way the next frame is
served.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
from collections.abc import Iterator
from typing import BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcParseError
from pygls.io_ import StdoutWriter
from pygls.protocol import JsonRPCProtocol
from pygls.server import JsonRPCServer

from .frames import Frame, FrameReader

log = logging.getLogger(__name__)
_NOT_JSON = object()


def run(server: JsonRPCServer, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Serve until the client says exit or closes stdin."""
    server.protocol.set_writer(StdoutWriter(stdout))
    try:
        asyncio.run(_listen(server, FrameReader(functools.partial(os.read, stdin.fileno()))))
    except BrokenPipeError:
        log.error("the client has gone: shutting down")
    except (KeyboardInterrupt, SystemExit):  # `exit` ends the loop with SystemExit
        pass
    finally:
        server.shutdown()


async def _listen(server: JsonRPCServer, reader: FrameReader) -> None:
    loop = asyncio.get_running_loop()
    while (frame := await loop.run_in_executor(server.thread_pool, reader.next)) is not None:
        receive(server.protocol, frame)


def receive(protocol: JsonRPCProtocol, frame: Frame) -> None:
    """One frame's message handed to pygls, or answered with an error (if a request) and skipped."""
    try:
        data = json.loads(frame.body)
    except ValueError:
        data = _NOT_JSON
    try:
        if frame.problem is not None:
            raise JsonRpcInvalidRequest(f"Invalid Request: bad frame: {frame.problem}")
        if data is _NOT_JSON:
            raise JsonRpcParseError("Parse Error: the body is not JSON")
        if not isinstance(data, dict) or data.get("jsonrpc") != "2.0":
            raise JsonRpcInvalidRequest("Invalid Request: not a JSON-RPC 2.0 message")
        message = protocol.structure_message(data)
    except JsonRpcException as exc:
        causes = "; ".join(_causes(exc.__cause__))
        detail = f"{exc.message}: {causes}" if causes else exc.message
        request = _request_id(data)
        log.warning("%s a message: %s", "answered and skipped" if request is not None else "skipped", detail)
        if request is not None:
            protocol._send_response(request, error=types.ResponseError(exc.code, detail))
        return
    try:
        protocol.handle_message(message)
    except Exception:  # pygls answers a request's failures itself; this keeps the loop alive for the rest
        log.exception("a message could not be handled")


def _request_id(data: object) -> int | str | None:
    """The id of a request (not of a response), when the message has a usable one."""
    if not isinstance(data, dict) or "method" not in data:
        return None
    request = data.get("id")
    return request if isinstance(request, (int, str)) and not isinstance(request, bool) else None


def _causes(error: BaseException | None) -> Iterator[str]:
    """What went wrong underneath, leaf by leaf (cattrs groups the errors of a structure)."""
    if error is None:
        return
    inner = getattr(error, "exceptions", None)
    if inner:
        for each in inner:
            yield from _causes(each)
    else:
        yield str(error)
