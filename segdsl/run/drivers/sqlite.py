"""sqlite:///relative/path and sqlite:////absolute/path: a SQLite database file (the standard library's sqlite3).

The file must exist. It opens for writing where the file system allows (else
reads work and a write is refused): a reader must be able to roll back what
a killed writer left in the journal. SQLite's DDL is transactional: a
materialize that fails or is killed leaves the file as it was.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

from ...errors import error
from ..redact import redact
from ..targets import SQLiteTarget, rejected
from ..urls import SQLITE
from .parts import file_path

FORM = "sqlite:///relative/path.db or sqlite:////absolute/path.db"


def connect(url: str, writable: bool) -> SQLiteTarget:
    path = file_path(url, SQLITE.engine, FORM)
    if not path.is_file():
        raise error(f"the SQLite file '{redact(str(path))}' does not exist", None, f"write {FORM}")
    try:
        # check_same_thread off: the language server opens a database on one thread and reads it on another
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True,
                                     check_same_thread=False)
        connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # a file that is no database fails here
    except sqlite3.Error as exc:
        raise rejected(exc, f"cannot open '{redact(str(path))}' as a SQLite database") from None
    return SQLiteTarget(connection)
