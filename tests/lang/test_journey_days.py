"""Journeys placed by day (steps apart over one table that may be one row, dates among timestamps): the
zones whose days do not follow their instants are refused, positioned, with a hint; every other zone is
accepted."""

import pytest

from segdsl.compile.compiler import load_text
from segdsl.errors import SegdslError
from segdsl.lang import zones

TABLES = """customers from shop.customers key cid
events orders from shop.orders by cid at ts
events visits from web.visits by cid at ts local
events tickets from support.tickets by cid at opened_on date
"""
BY_DAY = "orders then tickets within 1 day then orders within 1 day"
WALL_AND_UTC = "visits then orders within 1 day then tickets within 1 day then orders within 1 day"


def source(zone: str, condition: str) -> str:
    return f'timezone "{zone}"\n' + TABLES + f"segment s:\n    {condition}\n"


def test_a_zone_whose_clocks_go_back_across_a_midnight_is_found():
    assert zones.goes_back_a_day("America/St_Johns")  # 00:01 back to 23:01 the day before (1987-2010)
    assert not zones.goes_back_a_day("Europe/Berlin")
    assert not zones.goes_back_a_day("America/Santiago")  # back at 00:00 to 23:00: still the same day
    assert not zones.goes_back_a_day("+05:30")
    assert not zones.goes_back_a_day("UTC")


@pytest.mark.parametrize(("zone", "condition"), [
    ("America/St_Johns", BY_DAY),
    ("America/Havana", WALL_AND_UTC),  # skips midnights: a wall time that never was has no sure day
])
def test_a_journey_placed_by_day_is_refused_where_days_do_not_follow_instants(zone, condition):
    text = source(zone, condition)
    with pytest.raises(SegdslError) as raised:
        load_text(text, "t.seg")
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.message == (f"this journey places its steps by day, and in '{zone}' a later time can be on "
                                  "an earlier day")
    assert diagnostic.span is not None and text[diagnostic.span.start:diagnostic.span.end] == condition
    assert diagnostic.hint == "tell its steps over one table apart in their filters, or read its times as UTC"


@pytest.mark.parametrize(("zone", "condition"), [
    ("UTC", BY_DAY), ("Europe/Berlin", BY_DAY), ("America/New_York", WALL_AND_UTC),
    ("America/Havana", BY_DAY),  # UTC times only: a skipped midnight moves no instant to another day
    ("America/St_Johns", "orders then orders within 1 day then orders within 1 day"),  # not placed by day
    ("America/St_Johns", "orders where sku = 1 then tickets within 1 day then orders where sku = 2 within 1 day"),
])
def test_other_journeys_and_zones_are_accepted(zone, condition):
    load_text(source(zone, condition), "t.seg")
