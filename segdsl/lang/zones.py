"""The program's time zone (LANGUAGE.md, rule 9): an IANA name or a fixed offset, as a `tzinfo`.

Names are looked up in Python's `zoneinfo` (the system's zone database), so a
bound segdsl computes itself needs no zone database in the engine.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from ..errors import suggest

UTC = "UTC"
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


class BadZone(ValueError):
    """A zone name that is neither a known IANA name nor a fixed offset; args[1] is a hint."""


def fixed_offset_minutes(name: str) -> int | None:
    """The offset from UTC in minutes of a fixed offset ("+05:30", "-08:00"); None for a named zone."""
    match = _OFFSET.fullmatch(name)
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    return (1 if sign == "+" else -1) * (int(hours) * 60 + int(minutes))


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    """The tzinfo of a zone name; BadZone (with a hint) when there is none."""
    offset = fixed_offset_minutes(name)
    if offset is not None:
        if abs(offset) >= 24 * 60 or int(name[4:6]) >= 60:
            raise BadZone(f"'{name}' is not an offset from UTC", "offsets run from -23:59 to +23:59")
        return timezone(timedelta(minutes=offset))
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        hint = suggest(name, zoneinfo.available_timezones()) \
            or 'an IANA name such as "Europe/Berlin", or an offset such as "+05:30"'
        raise BadZone(f"unknown time zone '{name}'", hint) from None


def is_utc(name: str) -> bool:
    """The zone is UTC itself: every day starts at a UTC midnight (the SQL of a v1 program)."""
    return name in (UTC, "Etc/UTC", "+00:00", "-00:00")


def skips_a_midnight(name: str) -> bool:
    """Whether a named zone ever moves its clocks forward across a midnight (a day that starts at 01:00, as
    some of Havana's and Santiago's do): engines differ on the instant such a midnight is."""
    place = zone(name)
    midnights = (datetime.combine(after.astimezone(place).date(), datetime.min.time())
                 for _, after in clock_changes(name))
    return any(midnight.replace(tzinfo=place).astimezone(timezone.utc).astimezone(place).replace(tzinfo=None)
               != midnight for midnight in midnights)


def goes_back_a_day(name: str) -> bool:
    """Whether a named zone ever moves its clocks back across a midnight: a later instant is then on an
    earlier day."""
    place = zone(name)
    return any(after.astimezone(place).date() < before.astimezone(place).date()
               for before, after in clock_changes(name))


@lru_cache(maxsize=64)
def clock_changes(name: str, first: int = 1970, last: int = 2100) -> tuple[tuple[datetime, datetime], ...]:
    """A named zone's changes of clocks between those years, each as two UTC instants a minute apart around
    it: found day by day (the offset at noon against the day before's), then to the minute."""
    if fixed_offset_minutes(name) is not None or is_utc(name):
        return ()
    place = zone(name)

    def offset(moment: datetime) -> timedelta:
        return moment.astimezone(place).utcoffset() or timedelta(0)

    def noon(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time()).replace(hour=12, tzinfo=place).astimezone(timezone.utc)

    changes = []
    day, end = date(first, 1, 1), date(last, 12, 31)
    low = noon(day)
    while day < end:
        day += timedelta(days=1)
        high = later = noon(day)
        if offset(later) != offset(low):
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == offset(low) else (low, middle)
            changes.append((low, high))
        low = later
    return tuple(changes)
