"""The public entry points: source text or a file -> checked Program -> SQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Mapping

from .check import check
from .errors import error
from .model import Program
from .parse import parse
from .sql import Options, program_query, segment_query


def load_text(text: str, file: str = "<string>", params: Mapping[str, str] | None = None) -> Program:
    """Parse and check a program given as text; parameters override the file's defaults."""
    return check(parse(text, file), {file: text}, params)


def load_file(path: str | Path, params: Mapping[str, str] | None = None) -> Program:
    """Parse and check a .seg file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: the file is not valid UTF-8 (byte {exc.start})",
                    None, "save the file as UTF-8") from None
    return load_text(text, str(path), params)


def to_sql(program: Program, dialect: str = "duckdb", segment: str | None = None,
           as_of: date | None = None) -> str:
    """One SQL statement: a segment's members, a segmentation's labels, or the whole file."""
    options = Options(dialect, as_of)
    if segment is None:
        tree = program_query(program, options)
    else:
        if program.target(segment) is None:
            from .errors import suggest
            names = [*program.segments, *program.segmentations]
            raise error(f"unknown segment '{segment}'", None, suggest(segment, names) or
                        ("segments: " + ", ".join(names) if names else "the file declares no segments"))
        tree = segment_query(program, segment, options)
    return tree.sql(dialect=dialect, pretty=True)


def compile_text(text: str, dialect: str = "duckdb", segment: str | None = None, as_of: date | None = None,
                 params: Mapping[str, str] | None = None, file: str = "<string>") -> str:
    """Compile a program given as text to SQL."""
    return to_sql(load_text(text, file, params), dialect, segment, as_of)


def compile_file(path: str | Path, dialect: str = "duckdb", segment: str | None = None, as_of: date | None = None,
                 params: Mapping[str, str] | None = None) -> str:
    """Compile a .seg file to SQL."""
    return to_sql(load_file(path, params), dialect, segment, as_of)
