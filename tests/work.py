"""Counting the work code does, so that a test bounds it without timing it: how often a function
runs, how many characters the parser is given (sys.setprofile watches the real calls)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from lark import Lark


def calls(functions: Callable[..., Any] | tuple[Callable[..., Any], ...], action: Callable[[], object],
          measure: Callable[[FrameType], int] = lambda frame: 1) -> int:
    """How often `functions` run while `action` runs (each call weighed by `measure` of its frame)."""
    codes = {f.__code__ for f in (functions if isinstance(functions, tuple) else (functions,))}
    total = 0

    def watch(frame: FrameType, event: str, arg: object) -> None:
        nonlocal total
        if event == "call" and frame.f_code in codes:
            total += measure(frame)

    sys.setprofile(watch)
    try:
        action()
    finally:
        sys.setprofile(None)
    return total


def characters_parsed(action: Callable[[], object]) -> int:
    """How many characters Lark is given to parse while `action` runs (every parse counted)."""
    return calls((Lark.parse, Lark.parse_interactive), action, lambda frame: len(frame.f_locals["text"] or ""))
