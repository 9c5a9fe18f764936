"""LANGUAGE.md's rule 15 (journeys) as cases computed by hand, on every engine and the oracle.

As of D = 2024-06-30. `tracks` (web.tracks: ts, event, pid) and `orders` (shop.orders: ts, sku) are at
timestamps, `tickets` (support.tickets) at the date column opened_on. Times are in June unless noted
(day hour:minute); view, cart and buy are tracks with that event. A customer is in the segments marked x;
customer 99, with no events, is in none.

Funnels over one table:
    funnel   view, then cart within 1 day, then buy within 1 day
    hours    view, then cart within 1 hour, then buy within 30 minutes
    ties     view, then any track within 0 days (another row at the same instant), then buy within 0 days
    recent   funnel, the view in the last 14 days (06-17 .. 06-30)
                                                                funnel hours ties recent
     1 view 1 12:00, cart 1 13:00, cart 2 10:00, buy 3 09:00    x                        (the later cart)
     2 view 1 12:00, cart 2 12:00, buy 3 12:00                  x                        (exactly a day)
     3 view 1 12:00, cart 2 12:01, buy 2 13:00                                           (a minute late)
     4 view 1 12:00, cart 2 12:00, buy 3 12:01                                           (a minute late)
     5 view 1 12:00, buy 1 13:00, cart 1 14:00                                           (out of order)
     6 view, cart, buy at 20 12:00                              x      x     x    x
     7 view 20 12:00, cart 20 13:00, buy 20 13:30               x      x          x      (exactly the hours)
     8 view 20 12:00, cart 20 13:01, buy 20 13:10               x                 x
     9 view 20 12:00, cart 20 12:30, buy 20 13:01               x                 x
    10 view 21 12:00, buy 21 12:00                                                       (one buy for steps 2, 3)
    11 view 21 12:00, buy 21 12:00, buy 21 12:00                             x
    12 view 21 12:00, view 21 12:00 (alike), buy 21 12:00                    x
    13 view 21 12:00, buy 21 12:01                                                       (not with itself)
    14 60 tracks (below), the quick cart 05-31 05:00            x
    15 60 tracks (below), the quick cart 06-24 05:00            x                 x
    (below): 60 tracks, a view every 3 days from 29 06:00 back, its cart 25 hours and its buy 26 hours later,
    but one cart, the quick one, 23 hours after its view.

A date table among timestamps (days where either side is a date; two timestamps by elapsed time):
    dated        view, then orders within 1 day, then tickets within 2 days
    from_dates   tickets, then orders within 0 days, then buy within 1 hour
                                                                dated from_dates
    21 view 1 12:00, order 2 11:00, ticket 06-04                x
    22 view 1 12:00, order 2 13:00, ticket 06-02                                 (the order 25 h late)
    23 view 1 12:00, order 1 23:30, ticket 06-01                x                (the ticket that day)
    24 view 1 12:00, order 1 13:00, tickets 05-31 and 06-04
    25 ticket 06-10, order 10 00:00, buy 10 01:00                     x
    26 ticket 06-10, order 9 23:59, buy 10 00:30                                 (the day before)
    27 ticket 06-10, order 10 23:59, buy 11 00:59                     x          (across midnight)
    28 ticket 06-10, order 11 00:00, buy 11 00:10

Matching (missing values match nothing); view 10 10:00 and cart 10 11:00 unless noted, p = pid, s = sku:
    same       view, then cart within 1 day matching pid, then buy within 1 day matching pid
    bought     view, then cart within 1 day matching pid, then orders within 2 days matching tracks.pid =
               orders.sku
    left       view, then cart within 1 day, then no orders within 2 days matching tracks.pid = orders.sku
    left_same  as left, the cart matching pid
                                                                same bought left left_same
    31 view p1, cart p1, buy p1 10 12:00, order s1 11 09:00     x    x
    32 view p1, cart p2, buy p2 10 12:00                                    x
    33 view p1, cart p1, cart p2 10 11:30, buy p2 10 12:00                  x    x
    34 view, cart, buy 10 12:00: no pid                                     x
    35 view p1, cart p1, buy 10 12:00 no pid, order 10 13:00 no sku         x    x
    36 view p1, cart p1, order s2 10 12:00                                  x    x
    37 view p1, cart p1, order s1 12 11:01                                  x    x         (2 days + 1 min)
    38 view p1, cart 10 11:00 no pid, order s1 10 12:00                     x              (never answered)
    39 view p1, cart p1, order s1 12 11:00                           x                     (exactly 2 days)
    40 view no pid, cart p1, buy p1 10 12:00, order s1 10 13:00
    41 view p1, cart p1, orders s1 10 10:30 and 12 12:00                    x    x

`then no` last of three; order 5 10:00 and cart 5 12:00 unless noted:
    abandoned      orders, then cart within 1 day, then no track within 1 day (the cart itself does not answer)
    abandoned_buy  orders, then cart within 1 day, then no buy within 1 day
    unanswered     orders, then cart within 1 day, then no track within 1 day matching pid
                                                                abandoned abandoned_buy unanswered
    51 order, cart p1                                           x         x             x
    52 order, cart p1, view 5 12:00 no pid                                x             x
    53 order, cart p1, buy p1 5 12:00                                                              (the same instant)
    54 order, cart p1, cart p1 5 12:00 (alike)                            x
    55 order 30 19:00, cart 30 20:00, buy 07-01 10:00           x         x             x          (after D)
    56 order, cart p1, buy p1 6 12:01                           x         x             x
    57 order, cart p1, buy p1 6 12:00                                                              (exactly a day)
    58 order, cart p1, buy p2 5 13:00                                                   x
    59 order, cart, buy 5 13:00: no pid                                                 x
    60 order, carts p1 5 12:00 and p1 5 20:00                   x         x             x          (the later)
    61 order, carts p1 5 12:00 and p1 6 10:01                             x                        (2nd too late)
    62 order, cart p1, view 5 11:59                             x         x             x
    63 order 05-01 10:00, 60 carts (below)                                x             x
    64 the same and an order 06-29 11:00                        x         x             x
    (below): 60 carts every day at 12:00 from 05-01 to 06-29, pid 1 and 2 in turn.
A last step with matching that may be the previous step's row (a correlated EXISTS on most engines), on the
same rows:
    followed   orders, then cart within 1 day, then tracks within 1 day matching pid (not the cart itself)
    again      cart, then tracks within 1 day matching pid (two steps)
    no_again   cart, then no tracks within 1 day matching pid
    followed and again: 53 54 57 60 61; no_again: 51 52 55 56 58 59 60 61 62 63 64

Matching a whole-number column with a double column (web.tracks.pid with shop.orders.sku, a double here):
    priced     view, then orders within 1 day matching tracks.pid = orders.sku, then buy within 1 day matching
               orders.sku = tracks.pid
    bought     view, then orders within 2 days matching tracks.pid = orders.sku
    not_bought view, then no orders within 2 days matching tracks.pid = orders.sku
                                                                priced bought not_bought
    81 view p1, order s1.0 10 12:00, buy p1 10 13:00            x      x
    82 view p1, order s1.5 10 12:00, buy p1 10 13:00                          x
    83 view p2, order s2.0 11 09:00, buy p2 12 10:00                   x                  (the buy too late)
    84 view p1                                                                x
    85 view p1, order 10 12:00 no sku                                         x
    86 view p3, orders s3.0 10 09:00 and 12 10:01                             x           (before; 2 days + 1 min)

Steps apart over one table that may be one row, told apart per instant (orders at 12:00 of the day given):
    thrice     orders, then orders within 1 day, then orders within 1 day (three different orders)
    twice_then orders, then orders within 1 day, then no orders within 1 day
    tickets3   tickets, then tickets within 0 days, then tickets within 1 day (days)
                                                                thrice twice_then tickets3
    71 three orders on 1                                        x                           (three rows, one instant)
    72 two orders on 1                                                                      (the first answers)
    73 orders on 1, 2, 3                                        x      x                    (the chain 2, 3)
    74 orders on 1, 2, 4                                               x                    (4 is 2 days late)
    75 an order on 1, two on 2                                  x                           (each answers the other)
    76 tickets 06-01, 06-01, 06-02                                                 x
    77 tickets 06-01, 06-02, 06-02                                                          (two on the first day: no)
    78 tickets 06-01, 06-01                                                                 (two rows for three steps)

Steps apart over one table that may be one row, with `matching` or over dates and timestamps (rule 15: all the
chain's rows differ; a `then no` row only needs to differ from the chain's last). The same product three times,
orders at 12:00 of the day given, s = sku:
    sku3         orders, then orders within 1 day matching sku, then orders within 1 day matching sku
    sku3_left    sku3, then no tickets within 2 days (days)
    sku3_alone   sku3, then no orders within 1 day (an earlier step's order answers)
    sku3_unique  sku3, then no orders within 1 day matching sku
                                                                sku3 sku3_left sku3_alone sku3_unique
    101 orders s1, s1, s1 on 1                                  x    x                                (one instant)
    102 orders s1, s1 on 1                                                                            (two rows)
    103 orders s1, s1, s2 on 1
    104 orders s1, s1, no sku on 1
    105 orders s1, s1 on 1, s1 on 2, ticket 06-04               x              x          x           (2 days on)
    106 orders s1, s1 on 1, s2 on 2
    107 order s1 on 1, s1, s1 on 2, ticket 06-05                x    x                                (3 days on)
    108 orders s1 on 1, 2, and 3 12:01                                                                (a minute late)
    109 orders s1, no sku, no sku on 1, s1 on 2
    110 orders s2, s1, s2, s1 on 1                                                                    (two and two)
    111 orders s1 1 12:00, s1 1 18:00, s1 2 12:00, s2 2 13:00   x    x                    x
    112 orders s1, s1 3 23:59, s1 4 00:00, ticket 06-06         x              x          x           (ends 4 00:00)
A view, then an order of its product, then a track (view 10 10:00 p1 and order 10 12:00 s1 unless noted):
    bought_then   view, then orders within 1 day matching tracks.pid = orders.sku, then tracks within 1 day
                  (not the view itself)
    bought_same   the same, the track matching orders.sku = tracks.pid
    bought_quiet  bought_then, then no tracks within 1 hour (the view answers)
                                                                bought_then bought_same bought_quiet
    121 view, order 10 10:00                                                                         (the view only)
    122 views p1, p1, order all at 10 10:00                     x           x
    123 view, order, buy 10 13:00 p2                            x                       x
    124 view, order, cart 10 12:00 p1                           x           x           x
    125 view, order s2, cart 10 13:00 p2                                                             (not its product)
    126 view, order 10 10:00, cart 10 09:00 p1                                                       (before the order)
    127 view, order, view 10 12:00 no pid                       x                       x
    128 view no pid, order, cart 10 13:00 p1
    129 views p1 10 10:00 and 10 11:00, order                                                        (both before it)
    130 views p1, p2, order s1 all at 10 12:00                  x
    131 view, order, cart 11 12:00 p1                           x           x           x            (exactly a day)
    132 view, order, cart 11 12:01 p1                                                                (a minute late)
Matching other columns along one table: tracks with a column ref, (pid, ref) at 5 12:00 unless noted:
    refs      tracks, then tracks within 1 day matching tracks.pid = tracks.ref, then the same again
    ref_same  tracks, then tracks within 1 day matching tracks.pid = tracks.ref, then tracks within 1 day
              matching pid
                                                                refs ref_same
    141 (1, -) 12:00, (2, 1) 13:00, (3, 2) 14:00                x
    142 (1, 2), (2, 1)                                                        (1 -> 2 -> 1 is one row twice)
    143 (1, 2), (2, 1), (1, 2)                                  x    x
    144 (1, -) 12:00, (2, 1) 13:00, (3, 1) 14:00
    145 (1, 1)
    146 (1, 1), (1, 1)
    147 (1, 1), (1, 1), (1, 1)                                  x    x
    148 (1, -) 12:00, (2, 1) 13:00, (3, 2) 6 13:01                            (a minute late)
    149 (1, -) 12:00, (-, 1) 13:00, (3, -) 14:00
    150 (1, -) 12:00, (2, 1) 13:00, (2, -) 14:00                     x
Four steps, the first and the last over web.tracks (on 06-10, view p1 at 10:00 unless noted):
    quad   view, then orders within 1 day matching tracks.pid = orders.sku, then orders within 0 days matching
           sku, then tracks within 1 day matching orders.sku = tracks.pid
                                                                quad
    181 orders s1, s1 12:00, cart p1 13:00                      x
    182 order s1 12:00, cart p1 13:00                                (one order)
    183 view 12:00, orders s1, s1 12:00                              (the view only)
    184 views p1, p1 12:00, orders s1, s1 12:00                 x
    185 orders s1 12:00 and 12:01, cart p1 13:00                     (not one instant)
    186 orders s1, s2 12:00, carts p1, p2 13:00
    187 orders s1, s1 12:00, cart 11 12:00 no pid
Dates among timestamps, far steps over one table (a ticket's step compares days with either side):
    dated3        view, then tickets within 1 day, then tracks within 1 day (not the view itself)
    dated3_quiet  dated3, then no tracks within 0 days (another row at that instant answers)
    dated_no      view, then tickets within 1 day, then no tracks within 1 day (the view answers on its day)
    tot           tickets, then orders within 0 days, then tickets within 1 day (two tickets)
    tot_left      tot, then no tickets within 0 days (the first ticket answers)
                                                                dated3 dated3_quiet dated_no
    161 view 10 12:00, ticket 06-10                                                          (the view only)
    162 view 10 12:00, cart 10 08:00, ticket 06-10              x      x                     (that day, before the view)
    163 views 10 12:00 and 10 12:00, ticket 06-10               x                            (the other view answers)
    164 view 10 12:00, ticket 06-11, buy 12 23:59               x      x
    165 view 10 12:00, ticket 06-11, buy 13 00:00                                   x
    166 view 10 12:00, ticket 06-09, buy 10 13:00                                            (the ticket the day before)
    167 view 10 12:00, ticket 06-12, buy 12 12:00
    168 views 10 23:59 and 11 00:00, ticket 06-11               x      x
    169 view 10 12:00, cart 9 23:59, ticket 06-10
                                                                tot tot_left
    171 ticket 06-10, order 10 12:00                                         (one ticket)
    172 tickets 06-10, 06-10, order 10 23:59                    x            (the first answers)
    173 tickets 06-10, 06-11, order 10 23:59                    x   x
    174 tickets 06-10, 06-11, order 11 00:00                                 (the order a day late)
    175 tickets 06-11, 06-11, order 10 23:59
    176 tickets 06-10, 06-12, order 10 12:00
    177 tickets 06-09, 06-10, order 10 00:00                                 (the ticket before)
    178 tickets 06-10, 06-11, 06-11, order 11 00:00             x
    179 tickets 06-10, 06-11, 06-11, order 10 12:00             x
A microsecond before midnight (`within N days` of a timestamp is N days of elapsed time, to the microsecond):
    pair0    orders, then orders within 0 days (another order at the same instant)
    pair1    orders, then orders within 1 day
    tight3   orders, then orders within 0 days, then orders within 1 day
                                                                pair0 pair1 tight3
    191 orders 1 23:59:59.999999, 2 00:00                             x
    192 orders 1 23:59:59.999999 twice                          x     x
    193 orders 1 23:59:59.999999, 2 00:00, 2 12:00                    x
    194 orders 1 23:59:59.999999 twice, 2 23:59:59.999999       x     x     x      (exactly a day)
    195 orders 1 23:59:59.999999 twice, 3 00:00                 x     x            (a microsecond late)
    196 orders 1 23:59:59.999999, 3 00:00                                          (a microsecond late)
Days in a zone: timezone "America/New_York" (EDT, UTC-4 in June), times in UTC:
    zoned   view, then tickets within 0 days, then tracks within 0 days (the view's and the track's days in
            New York)
                                                                zoned
    201 view 10 02:00, ticket 06-09, cart 10 03:00              x      (both 06-09 22:00 and 23:00 in New York)
    202 view 10 02:00, ticket 06-10, cart 10 05:00                     (the view on 06-09 in New York)
    203 views 10 03:59:59 and 10 04:00, ticket 06-09                   (the second on 06-10 in New York)
    204 views 10 03:59:59 twice, ticket 06-09                   x
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pytest
from engines import Table, oracle
from engines.members import assert_members
from refusals import is_zone_refusal

from segdsl.compile.compiler import load_text, to_sql
from segdsl.errors import SegdslError

D = date(2024, 6, 30)
HEAD = """customers from shop.customers key cid
events tracks from web.tracks by cid at ts
events orders from shop.orders by cid at ts
events tickets from support.tickets by cid at opened_on date
"""
VIEW, CART, BUY = 'tracks where event = "view"', 'tracks where event = "cart"', 'tracks where event = "buy"'
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in June 2024."""
    return datetime(2024, 6, day, hour, minute)


def tables(tracks: Sequence[tuple], orders: Sequence[tuple] = (), tickets: Sequence[tuple] = ()) -> list[Table]:
    """The four tables; every customer who has a row, and 99 who has none."""
    keys = sorted({row[0] for row in [*tracks, *orders, *tickets]} | {99})
    return [Table("shop.customers", (("cid", "integer"),), tuple((key,) for key in keys)),
            Table("web.tracks", (("cid", "integer"), ("ts", "timestamp"), ("event", "text"), ("pid", "integer")),
                  tuple(tracks)),
            Table("shop.orders", (("cid", "integer"), ("ts", "timestamp"), ("sku", "integer")), tuple(orders)),
            Table("support.tickets", (("cid", "integer"), ("opened_on", "date")), tuple(tickets))]


def check(engine, segments: dict[str, str], members: dict[str, set[int]], data: list[Table]) -> None:
    """Every segment as its own query and as a column of the whole-file query."""
    program = load_text(HEAD + "".join(f"segment {name}:\n    {condition}\n" for name, condition in segments.items()))
    assert_members(engine, program, data, members, D)


def _heavy(cid: int, quick: int) -> list[tuple]:
    """60 tracks: a view every 3 days from 06-29 06:00 back, its cart 25 hours and its buy 26 hours later; the
    cart of the `quick`th view 23 hours after it."""
    rows = []
    for k in range(20):
        view = at(29, 6) - 3 * k * DAY
        rows += [(cid, view, "view", None), (cid, view + (23 if k == quick else 25) * HOUR, "cart", None),
                 (cid, view + 26 * HOUR, "buy", None)]
    return rows


FUNNEL = [
    (1, at(1, 12), "view", None), (1, at(1, 13), "cart", None), (1, at(2, 10), "cart", None),
    (1, at(3, 9), "buy", None),
    (2, at(1, 12), "view", None), (2, at(2, 12), "cart", None), (2, at(3, 12), "buy", None),
    (3, at(1, 12), "view", None), (3, at(2, 12, 1), "cart", None), (3, at(2, 13), "buy", None),
    (4, at(1, 12), "view", None), (4, at(2, 12), "cart", None), (4, at(3, 12, 1), "buy", None),
    (5, at(1, 12), "view", None), (5, at(1, 13), "buy", None), (5, at(1, 14), "cart", None),
    (6, at(20, 12), "view", None), (6, at(20, 12), "cart", None), (6, at(20, 12), "buy", None),
    (7, at(20, 12), "view", None), (7, at(20, 13), "cart", None), (7, at(20, 13, 30), "buy", None),
    (8, at(20, 12), "view", None), (8, at(20, 13, 1), "cart", None), (8, at(20, 13, 10), "buy", None),
    (9, at(20, 12), "view", None), (9, at(20, 12, 30), "cart", None), (9, at(20, 13, 1), "buy", None),
    (10, at(21, 12), "view", None), (10, at(21, 12), "buy", None),
    (11, at(21, 12), "view", None), (11, at(21, 12), "buy", None), (11, at(21, 12), "buy", None),
    (12, at(21, 12), "view", None), (12, at(21, 12), "view", None), (12, at(21, 12), "buy", None),
    (13, at(21, 12), "view", None), (13, at(21, 12, 1), "buy", None),
    *_heavy(14, 10), *_heavy(15, 2),
]


def test_funnels_over_one_table(engine):
    """The later of two next steps completes the chain; spans that end exactly at the next event and a minute
    before it; days and minutes; ties at one instant need different rows."""
    segments = {
        "funnel": f"{VIEW} then {CART} within 1 day then {BUY} within 1 day",
        "hours": f"{VIEW} then {CART} within 1 hour then {BUY} within 30 minutes",
        "ties": f"{VIEW} then tracks within 0 days then {BUY} within 0 days",
        "recent": f"{VIEW} in last 14 days then {CART} within 1 day then {BUY} within 1 day",
    }
    members = {"funnel": {1, 2, 6, 7, 8, 9, 14, 15}, "hours": {6, 7}, "ties": {6, 11, 12}, "recent": {6, 7, 8, 9, 15}}
    check(engine, segments, members, tables(FUNNEL))


def test_a_date_table_among_timestamps(engine):
    """Steps with a date on either side compare days; two timestamps compare elapsed time."""
    segments = {"dated": f"{VIEW} then orders within 1 day then tickets within 2 days",
                "from_dates": f"tickets then orders within 0 days then {BUY} within 1 hour"}
    tracks = [(cid, at(1, 12), "view", None) for cid in (21, 22, 23, 24)] + [
        (25, at(10, 1), "buy", None), (26, at(10, 0, 30), "buy", None), (27, at(11, 0, 59), "buy", None),
        (28, at(11, 0, 10), "buy", None)]
    orders = [(21, at(2, 11), None), (22, at(2, 13), None), (23, at(1, 23, 30), None), (24, at(1, 13), None),
              (25, at(10, 0), None), (26, at(9, 23, 59), None), (27, at(10, 23, 59), None), (28, at(11, 0), None)]
    tickets = [(21, date(2024, 6, 4)), (22, date(2024, 6, 2)), (23, date(2024, 6, 1)), (24, date(2024, 5, 31)),
               (24, date(2024, 6, 4)), *[(cid, date(2024, 6, 10)) for cid in (25, 26, 27, 28)]]
    check(engine, segments, {"dated": {21, 23}, "from_dates": {25, 27}}, tables(tracks, orders, tickets))


def test_matching(engine):
    """`matching COL` and `matching a.col = b.col`, in `then` and in `then no`: a missing value on either side
    matches nothing, so a missing value in X never answers and a last event with a missing value is never
    answered."""
    segments = {
        "same": f"{VIEW} then {CART} within 1 day matching pid then {BUY} within 1 day matching pid",
        "bought": f"{VIEW} then {CART} within 1 day matching pid then orders within 2 days matching tracks.pid "
                  "= orders.sku",
        "left": f"{VIEW} then {CART} within 1 day then no orders within 2 days matching tracks.pid = orders.sku",
        "left_same": f"{VIEW} then {CART} within 1 day matching pid then no orders within 2 days matching "
                     "tracks.pid = orders.sku",
    }
    view, cart = at(10, 10), at(10, 11)
    tracks = [
        (31, view, "view", 1), (31, cart, "cart", 1), (31, at(10, 12), "buy", 1),
        (32, view, "view", 1), (32, cart, "cart", 2), (32, at(10, 12), "buy", 2),
        (33, view, "view", 1), (33, cart, "cart", 1), (33, at(10, 11, 30), "cart", 2), (33, at(10, 12), "buy", 2),
        (34, view, "view", None), (34, cart, "cart", None), (34, at(10, 12), "buy", None),
        (35, view, "view", 1), (35, cart, "cart", 1), (35, at(10, 12), "buy", None),
        (36, view, "view", 1), (36, cart, "cart", 1),
        (37, view, "view", 1), (37, cart, "cart", 1),
        (38, view, "view", 1), (38, cart, "cart", None),
        (39, view, "view", 1), (39, cart, "cart", 1),
        (40, view, "view", None), (40, cart, "cart", 1), (40, at(10, 12), "buy", 1),
        (41, view, "view", 1), (41, cart, "cart", 1),
    ]
    orders = [(31, at(11, 9), 1), (35, at(10, 13), None), (36, at(10, 12), 2), (37, at(12, 11, 1), 1),
              (38, at(10, 12), 1), (39, at(12, 11), 1), (40, at(10, 13), 1), (41, at(10, 10, 30), 1),
              (41, at(12, 12), 1)]
    members = {"same": {31}, "bought": {31, 39}, "left": {32, 33, 34, 35, 36, 37, 38, 41},
               "left_same": {33, 35, 36, 37, 41}}
    check(engine, segments, members, tables(tracks, orders))


def _daily_carts(cid: int) -> list[tuple]:
    """60 carts, every day at 12:00 from 05-01 to 06-29, pid 1 and 2 in turn."""
    return [(cid, datetime(2024, 5, 1, 12) + k * DAY, "cart", 1 + k % 2) for k in range(60)]


def test_then_no_last_of_three(engine):
    """`then no` after two steps: an X row at the chain's last instant answers unless it is that very row, X
    rows after D do not exist, X rows exactly at the end of the span and a minute after it, and a chain through
    a later row of the step before."""
    segments = {"abandoned": f"orders then {CART} within 1 day then no tracks within 1 day",
                "abandoned_buy": f"orders then {CART} within 1 day then no {BUY} within 1 day",
                "unanswered": f"orders then {CART} within 1 day then no tracks within 1 day matching pid"}
    cart = at(5, 12)
    tracks = [
        (51, cart, "cart", 1),
        (52, cart, "cart", 1), (52, cart, "view", None),
        (53, cart, "cart", 1), (53, cart, "buy", 1),
        (54, cart, "cart", 1), (54, cart, "cart", 1),
        (55, at(30, 20), "cart", 1), (55, datetime(2024, 7, 1, 10), "buy", 1),
        (56, cart, "cart", 1), (56, at(6, 12, 1), "buy", 1),
        (57, cart, "cart", 1), (57, at(6, 12), "buy", 1),
        (58, cart, "cart", 1), (58, at(5, 13), "buy", 2),
        (59, cart, "cart", None), (59, at(5, 13), "buy", None),
        (60, cart, "cart", 1), (60, at(5, 20), "cart", 1),
        (61, cart, "cart", 1), (61, at(6, 10, 1), "cart", 1),
        (62, cart, "cart", 1), (62, at(5, 11, 59), "view", None),
        *_daily_carts(63), *_daily_carts(64),
    ]
    orders = [(cid, at(5, 10), None) for cid in range(51, 63) if cid != 55] + [
        (55, at(30, 19), None), (63, datetime(2024, 5, 1, 10), None), (64, datetime(2024, 5, 1, 10), None),
        (64, at(29, 11), None)]
    members = {"abandoned": {51, 55, 56, 60, 62, 64}, "abandoned_buy": {51, 52, 54, 55, 56, 60, 61, 62, 63, 64},
               "unanswered": {51, 52, 55, 56, 58, 59, 60, 62, 63, 64}}
    check(engine, segments, members, tables(tracks, orders))
    followed = {53, 54, 57, 60, 61}
    check(engine, {"followed": f"orders then {CART} within 1 day then tracks within 1 day matching pid",
                   "again": f"{CART} then tracks within 1 day matching pid",
                   "no_again": f"{CART} then no tracks within 1 day matching pid"},
          {"followed": followed, "again": followed, "no_again": {51, 52, 55, 56, 58, 59, 60, 61, 62, 63, 64}},
          tables(tracks, orders))


def test_matching_a_whole_number_with_a_double(engine):
    """A whole-number column matched with a double column: 1 and 1.0 are one value (ClickHouse finds the two no
    common type), in a step before the last and in a last `then` and `then no`."""
    segments = {"priced": f"{VIEW} then orders within 1 day matching tracks.pid = orders.sku then {BUY} within 1 day "
                          "matching orders.sku = tracks.pid",
                "bought": f"{VIEW} then orders within 2 days matching tracks.pid = orders.sku",
                "not_bought": f"{VIEW} then no orders within 2 days matching tracks.pid = orders.sku"}
    view = at(10, 10)
    tracks = [(81, view, "view", 1), (81, at(10, 13), "buy", 1), (82, view, "view", 1), (82, at(10, 13), "buy", 1),
              (83, view, "view", 2), (83, at(12, 10), "buy", 2), (84, view, "view", 1), (85, view, "view", 1),
              (86, view, "view", 3)]
    orders = [(81, at(10, 12), 1.0), (82, at(10, 12), 1.5), (83, at(11, 9), 2.0), (85, at(10, 12), None),
              (86, at(10, 9), 3.0), (86, at(12, 10, 1), 3.0)]
    data = tables(tracks, orders)
    data[2] = Table("shop.orders", (("cid", "integer"), ("ts", "timestamp"), ("sku", "double")), tuple(orders))
    check(engine, segments, {"priced": {81}, "bought": {81, 83}, "not_bought": {82, 84, 85, 86}}, data)


def test_pass_names_are_reserved(engine):
    """A journey's passes are CTEs NAME_pass1, NAME_pass2, ...: another journey's CTE (of an event set named so)
    or a segment never takes one of those names, in either order."""
    three = f"{VIEW} then orders within 1 day then orders within 1 day"
    named = f"{VIEW} then orders within 1 day then orders_pass1 within 1 day"
    head = HEAD + "events orders_pass1 from shop.orders by cid at ts\n"
    orders = [(1, at(1, 13), 1), (1, at(1, 14), 1), (2, at(1, 13), 1)]
    data = tables([(1, at(1, 12), "view", None), (2, at(1, 12), "view", None)], orders)
    for body in ({"a": three, "b": named}, {"b": named, "a": three},
                 {"tracks_then_orders_then_orders_pass1": "count(orders) > 1", "a": three}):
        program = load_text(head + "".join(f"segment {name}:\n    {condition}\n" for name, condition in body.items()))
        expected = {"a": {1}, "b": {1}, "tracks_then_orders_then_orders_pass1": {1}}
        assert_members(engine, program, data, {name: expected[name] for name in body}, D)


def test_steps_apart_that_may_be_one_row_are_told_apart_per_instant(engine):
    orders = [(71, at(1, 12), 1), (71, at(1, 12), 1), (71, at(1, 12), 1), (72, at(1, 12), 1), (72, at(1, 12), 1),
              (73, at(1, 12), 1), (73, at(2, 12), 1), (73, at(3, 12), 1), (74, at(1, 12), 1), (74, at(2, 12), 1),
              (74, at(4, 12), 1), (75, at(1, 12), 1), (75, at(2, 12), 1), (75, at(2, 12), 1)]
    tickets = [(76, date(2024, 6, 1)), (76, date(2024, 6, 1)), (76, date(2024, 6, 2)), (77, date(2024, 6, 1)),
               (77, date(2024, 6, 2)), (77, date(2024, 6, 2)), (78, date(2024, 6, 1)), (78, date(2024, 6, 1))]
    segments = {"thrice": "orders then orders within 1 day then orders within 1 day",
                "twice_then": "orders then orders within 1 day then no orders within 1 day",
                "tickets3": "tickets then tickets within 0 days then tickets within 1 day"}
    members = {"thrice": {71, 73, 75}, "twice_then": {73, 74}, "tickets3": {76}}
    check(engine, segments, members, tables([], orders, tickets))



SKU3 = "orders then orders within 1 day matching sku then orders within 1 day matching sku"


def test_the_same_product_three_times(engine):
    """Three different orders of one known sku, each within a day of the one before, several at one instant; a
    last `then no` over another table (days), over the chained table (any order but the chain's last answers,
    those of earlier steps too) and with `matching`."""
    segments = {"sku3": SKU3, "sku3_left": f"{SKU3} then no tickets within 2 days",
                "sku3_alone": f"{SKU3} then no orders within 1 day",
                "sku3_unique": f"{SKU3} then no orders within 1 day matching sku"}
    one, two = at(1, 12), at(2, 12)
    orders = [
        (101, one, 1), (101, one, 1), (101, one, 1),
        (102, one, 1), (102, one, 1),
        (103, one, 1), (103, one, 1), (103, one, 2),
        (104, one, 1), (104, one, 1), (104, one, None),
        (105, one, 1), (105, one, 1), (105, two, 1),
        (106, one, 1), (106, one, 1), (106, two, 2),
        (107, one, 1), (107, two, 1), (107, two, 1),
        (108, one, 1), (108, two, 1), (108, at(3, 12, 1), 1),
        (109, one, 1), (109, one, None), (109, one, None), (109, two, 1),
        (110, one, 2), (110, one, 1), (110, one, 2), (110, one, 1),
        (111, one, 1), (111, at(1, 18), 1), (111, two, 1), (111, at(2, 13), 2),
        (112, at(3, 23, 59), 1), (112, at(3, 23, 59), 1), (112, at(4, 0), 1),
    ]
    tickets = [(105, date(2024, 6, 4)), (107, date(2024, 6, 5)), (112, date(2024, 6, 6))]
    members = {"sku3": {101, 105, 107, 111, 112}, "sku3_left": {101, 107, 111}, "sku3_alone": {105, 112},
               "sku3_unique": {105, 111, 112}}
    check(engine, segments, members, tables([], orders, tickets))


def test_an_order_of_the_viewed_product_then_a_track(engine):
    """Steps 1 and 3 read web.tracks and may be one row, in a journey with `matching`: the last track is any
    track but the view of the chain (or one of its product), at the order's instant or within a day after it."""
    bought = f"{VIEW} then orders within 1 day matching tracks.pid = orders.sku then tracks within 1 day"
    segments = {"bought_then": bought, "bought_same": f"{bought} matching orders.sku = tracks.pid",
                "bought_quiet": f"{bought} then no tracks within 1 hour"}
    view, order = at(10, 10), at(10, 12)
    tracks = [
        (121, view, "view", 1),
        (122, view, "view", 1), (122, view, "view", 1),
        (123, view, "view", 1), (123, at(10, 13), "buy", 2),
        (124, view, "view", 1), (124, order, "cart", 1),
        (125, view, "view", 1), (125, at(10, 13), "cart", 2),
        (126, view, "view", 1), (126, at(10, 9), "cart", 1),
        (127, view, "view", 1), (127, order, "view", None),
        (128, view, "view", None), (128, at(10, 13), "cart", 1),
        (129, view, "view", 1), (129, at(10, 11), "view", 1),
        (130, order, "view", 1), (130, order, "view", 2),
        (131, view, "view", 1), (131, at(11, 12), "cart", 1),
        (132, view, "view", 1), (132, at(11, 12, 1), "cart", 1),
    ]
    orders = [(cid, order, 1) for cid in (123, 124, 127, 128, 129, 130, 131, 132)] + [
        (121, view, 1), (122, view, 1), (125, order, 2), (126, view, 1)]
    members = {"bought_then": {122, 123, 124, 127, 130, 131}, "bought_same": {122, 124, 131},
               "bought_quiet": {123, 124, 127, 131}}
    check(engine, segments, members, tables(tracks, orders))


def test_matching_other_columns_along_one_table(engine):
    """A chain over one table, each step's `ref` the previous step's `pid`: steps 1 and 3 may be one row (two
    tracks that name each other make no chain of three)."""
    refs = "tracks then tracks within 1 day matching tracks.pid = tracks.ref"
    segments = {"refs": f"{refs} then tracks within 1 day matching tracks.pid = tracks.ref",
                "ref_same": f"{refs} then tracks within 1 day matching pid"}
    noon = at(5, 12)
    rows = [
        (141, noon, 1, None), (141, at(5, 13), 2, 1), (141, at(5, 14), 3, 2),
        (142, noon, 1, 2), (142, noon, 2, 1),
        (143, noon, 1, 2), (143, noon, 2, 1), (143, noon, 1, 2),
        (144, noon, 1, None), (144, at(5, 13), 2, 1), (144, at(5, 14), 3, 1),
        (145, noon, 1, 1),
        (146, noon, 1, 1), (146, noon, 1, 1),
        (147, noon, 1, 1), (147, noon, 1, 1), (147, noon, 1, 1),
        (148, noon, 1, None), (148, at(5, 13), 2, 1), (148, at(6, 13, 1), 3, 2),
        (149, noon, 1, None), (149, at(5, 13), None, 1), (149, at(5, 14), 3, None),
        (150, noon, 1, None), (150, at(5, 13), 2, 1), (150, at(5, 14), 2, None),
    ]
    data = tables([(cid, ts, "view", pid) for cid, ts, pid, _ in rows])
    columns = (("cid", "integer"), ("ts", "timestamp"), ("event", "text"), ("pid", "integer"), ("ref", "integer"))
    data[1] = Table("web.tracks", columns, tuple((cid, ts, "view", pid, ref) for cid, ts, pid, ref in rows))
    check(engine, segments, {"refs": {141, 143, 147}, "ref_same": {143, 147, 150}}, data)

def test_four_steps_the_first_and_the_last_over_one_table(engine):
    """Steps 1 and 4 read web.tracks, 2 and 3 shop.orders, every step with `matching`: two orders of the viewed
    product at one instant, then a track of it that is not the view."""
    segments = {"quad": f"{VIEW} then orders within 1 day matching tracks.pid = orders.sku then orders within 0 days "
                        "matching sku then tracks within 1 day matching orders.sku = tracks.pid"}
    view, noon, later = at(10, 10), at(10, 12), at(10, 13)
    tracks = [(cid, view, "view", 1) for cid in (181, 182, 185, 186, 187)] + [
        (181, later, "cart", 1), (182, later, "cart", 1), (183, noon, "view", 1), (184, noon, "view", 1),
        (184, noon, "view", 1), (185, later, "cart", 1), (186, later, "cart", 1), (186, later, "cart", 2),
        (187, at(11, 12), "cart", None)]
    orders = [(181, noon, 1), (181, noon, 1), (182, noon, 1), (183, noon, 1), (183, noon, 1), (184, noon, 1),
              (184, noon, 1), (185, noon, 1), (185, at(10, 12, 1), 1), (186, noon, 1), (186, noon, 2), (187, noon, 1),
              (187, noon, 1)]
    check(engine, segments, {"quad": {181, 184}}, tables(tracks, orders))

def test_a_microsecond_before_midnight(engine):
    """A span in days from a time a microsecond before midnight ends a microsecond before a later midnight: an
    event at that midnight is outside it (SQLite's DATETIME rounds the fraction to milliseconds)."""
    segments = {"pair0": "orders then orders within 0 days", "pair1": "orders then orders within 1 day",
                "tight3": "orders then orders within 0 days then orders within 1 day"}
    late = datetime(2024, 6, 1, 23, 59, 59, 999999)
    orders = [(191, late, 1), (191, at(2, 0), 1), (192, late, 1), (192, late, 1), (193, late, 1), (193, at(2, 0), 1),
              (193, at(2, 12), 1), (194, late, 1), (194, late, 1), (194, late + DAY, 1), (195, late, 1),
              (195, late, 1), (195, at(3, 0), 1), (196, late, 1), (196, at(3, 0), 1)]
    members = {"pair0": {192, 194, 195}, "pair1": {191, 192, 193, 194, 195}, "tight3": {194}}
    check(engine, segments, members, tables([], orders))

def test_steps_apart_placed_by_day_in_a_zone(engine):
    """Far steps over one table around a date step are placed by their days in the program's zone, not UTC's
    (a dialect without a zone database refuses the journey, by rule 9)."""
    program = load_text('timezone "America/New_York"\n' + HEAD
                        + f"segment zoned:\n    {VIEW} then tickets within 0 days then tracks within 0 days\n")
    late = datetime(2024, 6, 10, 3, 59, 59)
    tracks = [(201, at(10, 2), "view", None), (201, at(10, 3), "cart", None), (202, at(10, 2), "view", None),
              (202, at(10, 5), "cart", None), (203, late, "view", None), (203, at(10, 4), "view", None),
              (204, late, "view", None), (204, late, "view", None)]
    tickets = [(201, date(2024, 6, 9)), (202, date(2024, 6, 10)), (203, date(2024, 6, 9)), (204, date(2024, 6, 9))]
    data = tables(tracks, (), tickets)
    try:
        to_sql(program, engine.dialect, "zoned", D)
    except SegdslError as exc:
        assert is_zone_refusal(exc, engine.dialect), exc
        assert oracle.evaluate(program, {t.name: t.records() for t in data}, D)["zoned"] == {201, 204}
        return
    assert_members(engine, program, data, {"zoned": {201, 204}}, D)


def test_steps_apart_over_one_table_among_dates_and_timestamps(engine):
    """Far steps over one table in a journey with a date table: a ticket's step compares days on both sides, so a
    track earlier on the view's day follows the ticket; the last track is not the view itself, and two tickets
    are needed for two ticket steps; `then no` after them (another row at that instant, or on that day, answers)."""
    dated3 = f"{VIEW} then tickets within 1 day then tracks within 1 day"
    tot = "tickets then orders within 0 days then tickets within 1 day"
    segments = {"dated3": dated3, "dated3_quiet": f"{dated3} then no tracks within 0 days",
                "dated_no": f"{VIEW} then tickets within 1 day then no tracks within 1 day", "tot": tot,
                "tot_left": f"{tot} then no tickets within 0 days"}
    noon = at(10, 12)
    tracks = [
        (161, noon, "view", None),
        (162, noon, "view", None), (162, at(10, 8), "cart", None),
        (163, noon, "view", None), (163, noon, "view", None),
        (164, noon, "view", None), (164, at(12, 23, 59), "buy", None),
        (165, noon, "view", None), (165, at(13, 0), "buy", None),
        (166, noon, "view", None), (166, at(10, 13), "buy", None),
        (167, noon, "view", None), (167, at(12, 12), "buy", None),
        (168, at(10, 23, 59), "view", None), (168, at(11, 0), "view", None),
        (169, noon, "view", None), (169, at(9, 23, 59), "cart", None),
    ]
    june = {day: date(2024, 6, day) for day in range(9, 13)}
    tickets = [
        (161, june[10]), (162, june[10]), (163, june[10]), (164, june[11]), (165, june[11]), (166, june[9]),
        (167, june[12]), (168, june[11]), (169, june[10]),
        (171, june[10]), (172, june[10]), (172, june[10]), (173, june[10]), (173, june[11]), (174, june[10]),
        (174, june[11]), (175, june[11]), (175, june[11]), (176, june[10]), (176, june[12]), (177, june[9]),
        (177, june[10]), (178, june[10]), (178, june[11]), (178, june[11]), (179, june[10]), (179, june[11]),
        (179, june[11]),
    ]
    orders = [(171, noon, None), (172, at(10, 23, 59), None), (173, at(10, 23, 59), None), (174, at(11, 0), None),
              (175, at(10, 23, 59), None), (176, noon, None), (177, at(10, 0), None), (178, at(11, 0), None),
              (179, noon, None)]
    members = {"dated3": {162, 163, 164, 168}, "dated3_quiet": {162, 164, 168}, "dated_no": {165},
               "tot": {172, 173, 178, 179}, "tot_left": {173}}
    check(engine, segments, members, tables(tracks, orders, tickets))

@pytest.mark.parametrize(("condition", "message", "caret", "hint"), [
    (f"tracks then no orders within 1 day then {BUY} within 1 day", "only the last step of a sequence may be "
     "'then no'", "then no orders within 1 day", "nothing can follow a step that did not happen: move it last"),
    ("tracks then sent within 1 day matching pid", "steps 1 and 2 read 'web.tracks' with different key or time "
     "columns", "sent", "declare one event set over the table and filter it in each step"),
    ("tracks then orders within 1 day matching orders.pid = orders.sku", "expected the previous step's event set "
     "and a column here, e.g. tracks.COLUMN", "orders.pid", "matching PREVIOUS.COLUMN = THIS.COLUMN, in step order"),
    ("tracks then orders within 1 day matching tracks.pid = tracks.sku", "expected this step's event set and a "
     "column here, e.g. orders.COLUMN", "tracks.sku", None),
    ("tracks then orders within 1 day matching tracks.pid", "'tracks' is an event set: matching COLUMN names a "
     "column of both steps", "tracks.pid", "e.g. matching pid, or matching tracks.pid = orders.pid"),
    ("tracks then tickets within 2 hours then orders within 1 day", "hours and minutes need a timestamp: 'tickets' "
     "is at the date column 'opened_on'", "then tickets within 2 hours",
     "within 2 hours counts elapsed time; a date holds whole days"),
])
def test_journey_errors_are_positioned(condition, message, caret, hint):
    source = HEAD + "events sent from web.tracks by cid at sent_at\n" + f"segment s:\n    {condition}\n"
    with pytest.raises(SegdslError) as raised:
        load_text(source, "t.seg")
    [diagnostic] = raised.value.diagnostics
    assert message in diagnostic.message
    assert diagnostic.span is not None and source[diagnostic.span.start:diagnostic.span.end] == caret
    if hint is not None:
        assert diagnostic.hint == hint


@pytest.mark.parametrize("condition", [
    f"{VIEW} then orders within 1 day then tracks within 1 day",
    f"{VIEW} then orders within 1 day matching pid then tracks within 1 day",
    'tracks where event in ("view", "cart") then orders within 1 day then tracks where event in ("cart", "buy") '
    "within 1 day matching orders.sku = tracks.pid",
    f"{VIEW} then tickets within 1 day then tracks within 1 day",
    "tickets then orders within 0 days then tickets within 1 day",
    SKU3,
    f"{SKU3} then no tickets within 2 days",
    "orders then tickets within 7 days matching store then orders within 30 days",
    "tracks then tracks within 1 day matching tracks.pid = tracks.ref then tracks within 1 day matching pid",
    f"{VIEW} then orders within 1 day then no tracks within 1 day matching pid",
    f"{VIEW} then orders within 1 day then {BUY} within 1 day",
    'tracks where event in ("view", "cart") then orders within 1 day then tracks where event in ("buy") within 1 day',
    f"{VIEW} then tracks within 1 day then {BUY} within 1 day",
    f"{VIEW} then orders within 1 day then no {BUY} within 1 day",
])
def test_steps_apart_over_one_table_are_accepted(condition):
    """Steps apart over one table, whether their filters tell them apart or not, with `matching` or over dates
    and timestamps."""
    load_text(HEAD + f"segment s:\n    {condition}\n")
