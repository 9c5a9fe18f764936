"""Rule 9's one allowed refusal: a dialect without a time-zone database refuses a statement that needs the
engine to convert times to the program's named zone, with an error naming the dialect."""

from __future__ import annotations

from datetime import date, datetime

from segdsl import dialects
from segdsl.compile import compiler
from segdsl.errors import SegdslError


def is_zone_refusal(exc: SegdslError, dialect: str) -> bool:
    """Whether an error is that refusal, by a dialect that has no zone database."""
    return dialects.get(dialect).zone_conversion_missing is not None and str(exc).startswith(f"{dialect}: ") \
        and "needs the engine to convert times to" in str(exc)


def is_md5_refusal(exc: SegdslError, dialect: str) -> bool:
    """Whether an error is rule 18's refusal: a split, where the dialect has no MD5."""
    return dialects.get(dialect).md5_missing is not None and str(exc).startswith(f"{dialect}: a split hashes")


def sql_or_refused(program, dialect: str, name: str | None, as_of: date | datetime | None) -> str | None:
    """The statement, or None where the dialect refuses it by rule 9 or rule 18 (any other error is raised)."""
    try:
        return compiler.to_sql(program, dialect, name, as_of)
    except SegdslError as exc:
        if is_zone_refusal(exc, dialect) or is_md5_refusal(exc, dialect):
            return None
        raise
