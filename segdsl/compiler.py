"""The public entry points: source text or a file -> checked Program -> SQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Mapping

from sqlglot import exp

from .check import check
from .errors import SegdslError, error, suggest
from .gcpause import without_gc
from .model import Program
from .parse import parse
from .sql import Options, program_query, segment_query


@without_gc
def load_text(text: str, file: str = "<string>", params: Mapping[str, str] | None = None) -> Program:
    """Parse and check a program given as text; parameters override the file's defaults."""
    try:
        return check(parse(text, file), {file: text}, params)
    except SegdslError as exc:
        exc.sources.setdefault(file, text)
        raise


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


@without_gc
def to_tree(program: Program, dialect: str = "duckdb", segment: str | None = None,
            as_of: date | None = None) -> exp.Expression:
    """The sqlglot tree of `to_sql`, for callers that wrap the statement."""
    options = Options(dialect, as_of)
    if segment is None:
        return program_query(program, options)
    if program.target(segment) is None:
        names = [*program.segments, *program.segmentations]
        raise error(f"unknown segment '{segment}'", None, suggest(segment, names) or
                    ("segments: " + ", ".join(names) if names else "the file declares no segments"))
    return segment_query(program, segment, options)


@without_gc
def to_sql(program: Program, dialect: str = "duckdb", segment: str | None = None,
           as_of: date | None = None) -> str:
    """One SQL statement: a segment's members, a segmentation's labels, or the whole file."""
    return to_tree(program, dialect, segment, as_of).sql(dialect=dialect, pretty=True, copy=False)


def compile_text(text: str, dialect: str = "duckdb", segment: str | None = None, as_of: date | None = None,
                 params: Mapping[str, str] | None = None, file: str = "<string>") -> str:
    """Compile a program given as text to SQL."""
    return to_sql(load_text(text, file, params), dialect, segment, as_of)


def compile_file(path: str | Path, dialect: str = "duckdb", segment: str | None = None, as_of: date | None = None,
                 params: Mapping[str, str] | None = None) -> str:
    """Compile a .seg file to SQL."""
    return to_sql(load_file(path, params), dialect, segment, as_of)
