"""The fakesnow side of the Snowflake stand-in (fakesnow.py beside this file), run in fakesnow's own environment.

fakesnow pins sqlglot ~=30.22 and segdsl pins sqlglot==30.30.0: one environment cannot hold both, so
fakesnow runs here, in a process of its own started by FakeSnowflakeEngine with `python -I` (the `-I`
keeps this folder off sys.path, where fakesnow.py would hide the fakesnow package).

Requests arrive on stdin and answers leave on stdout, each a pickle behind its 4-byte length:
    ("run", [statement, ...])  ->  ("ok", rows of the last statement, or None)  |  ("error", message)
The first answer, before any request, is ("ok", {package: version}). Statements go through the
Snowflake connector's API (`snowflake.connector.connect`, `cursor.execute`) patched by fakesnow.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import warnings
from importlib import metadata
from typing import Any, BinaryIO


def _receive(stream: BinaryIO) -> Any:
    header = stream.read(4)
    if len(header) < 4:
        return None
    (size,) = struct.unpack(">I", header)
    return pickle.loads(stream.read(size))


def _send(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def main() -> None:
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever the libraries print goes to stderr, never into the answers
    warnings.simplefilter("ignore")

    import fakesnow
    import snowflake.connector

    versions = {name: metadata.version(name) for name in
                ("fakesnow", "sqlglot", "duckdb", "snowflake-connector-python")}
    with fakesnow.patch():
        connection = snowflake.connector.connect(database="SEGDSL", schema="PUBLIC")
        cursor = connection.cursor()
        _send(answers, ("ok", versions))
        while (request := _receive(requests)) is not None:
            operation, statements = request
            if operation != "run":
                _send(answers, ("error", f"unknown request {operation!r}"))
                continue
            try:
                for statement in statements:
                    cursor.execute(statement)
                rows = cursor.fetchall() if cursor.description else None
            except Exception as exc:  # every failure goes back to the test, which shows it
                _send(answers, ("error", f"{type(exc).__name__}: {exc}"))
            else:
                _send(answers, ("ok", rows))


if __name__ == "__main__":
    main()
