"""Figures as people read them: counts with thousands separators, shares as percentages."""

from __future__ import annotations

import math
from datetime import date


def percent(count: int, total: int) -> str:
    """A share of the customers as a percentage with one decimal; a share too small to show, as <0.1%."""
    if not total:
        return "-"
    return share(count / total)


def share(value: float | None) -> str:
    """A share (0.3021) as a percentage with one decimal (30.2%); a share too small to show, as <0.1%."""
    if value is None:
        return ""
    shown = 100 * value
    return "<0.1%" if 0 < shown < 0.05 else f"{shown:.1f}%"


def points(value: float | None) -> str:
    """A difference of two shares in percentage points, signed (+3.1 pts)."""
    return "" if value is None else f"{100 * value:+.1f} pts"


def number(value: object) -> str:
    """A count or a measure: thousands separated, at most two decimals; other values as they are."""
    if value is None:
        return ""
    if isinstance(value, (bool, str, date)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    try:  # a Decimal and other numbers
        return number(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def signed(value: float | None) -> str:
    """A difference, signed (+1.25, -3)."""
    if value is None:
        return ""
    text = number(value)
    return text if text.startswith("-") or value == 0 else "+" + text


def axis(value: float) -> str:
    """A short axis label: 950, 9,500, 95k, 1.2M."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if value >= 100_000:
        return f"{value / 1000:.3g}k"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at least `value` (1 for nothing): an axis' top."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)
