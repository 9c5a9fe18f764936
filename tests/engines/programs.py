"""Hypothesis strategies for random valid .seg programs and data that stresses their edge cases.

    case = draw(cases())      # a Case: program source, parameter overrides, as-of day, tables
    program = case.program()  # parsed and checked by segdsl
    case.tables               # engines.Table objects to load
    case.rows()               # the same rows as dicts, for tests/engines/oracle.py

One fixed data model (below) with several event sets over shared tables:
`orders`, `big_orders` (a filtered `orders`) and `deliveries` (the same table,
at a `date` column) over shop.orders; `tickets` (a `date` time column);
`views`, `signups` (filtered) and `hits` over web.events, whose JSON column
`props` (rule 17) filters, aggregates and matching read by path (numbers,
text that holds numbers, days, true/false, keys with spaces, dots and
non-ASCII; values that do not convert). The declarations' filters vary.
Programs cover the whole grammar: attribute predicates of every kind,
event sets with filters and every kind of window, has/no, all aggregates
(median and most_frequent of rule 14 too) with comparisons and arithmetic, top/bottom P%, quintile/decile,
sequences (`then` and `then no`, same table on both sides, date-typed),
journeys (rule 15: 3 or 4 steps, or 2 with `matching`; `matching` on some
steps, by one name or two, on columns of one type; `then no` last
sometimes; neighbouring steps over one table, steps over dates; steps over one
table that are not neighbours carry `COL = constant` filters with different
constants, or none, so that they may be one row: with `matching`, around a
date step among timestamps, or per instant), segment references, segmentation labels, parameters (also
overridden), segmentations and splits (rule 18); rule 11 (`in next`,
anniversary, years_since) and rule 12 (active_days/weeks/months, sessions)
wherever a date or a number goes. Rules
9 and 10: some programs have a `timezone` (named zones on both sides of UTC
with daylight saving, fixed offsets), `hits` may be `local`, event sets of
timestamps get windows in hours and minutes and sequences `within` hours or
minutes, and some as-ofs are instants; event times then also sit on the UTC
instants of the zone's midnights and of the hour bounds.

Data is small (up to 30 customers and about 110 events) and built to hit
edge cases: event days are mostly the boundary days of the windows the
program uses (and of its date literals), some after the as-of day; times
come from a few values so that ties are common (and sit on midnight and
23:59:59.999999); every non-key column may be NULL; some customers have no
events, some entity rows have a NULL key and some events belong to no
customer (NULL or unknown key). A program with a journey also gets runs of
one customer's events in every table, each a little after the one before,
with values from small pools (so that steps match, and miss on NULL or case).
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from .base import Table

# ---- the data model -----------------------------------------------------------------

CUSTOMERS = "shop.customers"
KEY = "cid"
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    CUSTOMERS: (("cid", "integer"), ("age", "integer"), ("score", "double"), ("credit", "decimal"),
                ("country", "text"), ("email", "text"), ("signup", "date"), ("seen_at", "timestamp"),
                ("vip", "boolean")),
    "shop.orders": (("oid", "integer"), ("cid", "integer"), ("ordered_at", "timestamp"), ("delivered", "date"),
                    ("amount", "decimal"), ("qty", "integer"), ("rating", "double"), ("category", "text"),
                    ("gift", "boolean")),
    "support.tickets": (("cid", "integer"), ("opened", "date"), ("prio", "integer"), ("channel", "text")),
    "web.events": (("uid", "integer"), ("ts", "timestamp"), ("kind", "text"), ("val", "double"), ("props", "json")),
    # lookups (rule 16): orders' categories (text keys told apart by case) and customers' countries
    "shop.kinds": (("name", "text"), ("tier", "integer"), ("label", "text")),
    "shop.regions": (("code", "text"), ("rank", "integer"), ("zone", "text")),
}
EVENT_TABLES = ("shop.orders", "support.tickets", "web.events")
LOOKUPS = ("lookup kinds from shop.kinds key name", "lookup regions from shop.regions key code")
JOINS = {CUSTOMERS: " with regions on country", "shop.orders": " with kinds on category"}
# rule 17: web.events' JSON column and the paths programs read in it (`props.n` numbers or text that holds one,
# `props.s` text, `props.d` days, `props.b` true/false, and keys that need backticks)
JSON_COLUMN = "props"
JSON_PATHS = {"num": ["props.n", "props.o.n"], "text": ["props.s", "props.o.`k.k`", "props.`x y`", "props.`ü`"],
              "date": ["props.d"], "bool": ["props.b"]}
JSON_VALUES = {"n": [0, 1, 2, 2.5, -3, 10, "10", "2.5", "1e1", "007", " 1", "n/a", True, None],
               "s": ["view", "View", "a b", "", "ü", 10, "10", None],
               "b": [True, False, "true", "false", 1, "yes", None]}

# event set -> (table, by, at, time type, possible declaration filters)
EVENTS: dict[str, tuple[str, str, str, str, tuple[str | None, ...]]] = {
    "orders": ("shop.orders", "cid", "ordered_at", "timestamp", (None,)),
    "big_orders": ("shop.orders", "cid", "ordered_at", "timestamp",
                   ("amount >= 10", 'amount >= 10 or category = "pet"', "not gift")),
    "deliveries": ("shop.orders", "cid", "delivered", "date", (None, "qty > 0", "gift")),
    "tickets": ("support.tickets", "cid", "opened", "date", (None,)),
    "views": ("web.events", "uid", "ts", "timestamp", ('kind = "view"', 'kind in ("view", "View")')),
    "signups": ("web.events", "uid", "ts", "timestamp", ('kind = "signup"', 'kind like "sign%"')),
    "hits": ("web.events", "uid", "ts", "timestamp", (None, "val is not null")),
}

# journeys (rule 15): per table, a column and constants (told apart without case) that tell steps apart
TAGS = {"shop.orders": ("category", ['"pet"', '"flowers"', '"a_b"']), "support.tickets": ("prio", ["1", "2", "3"]),
        "web.events": ("kind", ['"view"', '"signup"', '"buy"', '"sign-in"'])}
# a journey's data (rule 15): runs of one customer's events, each this long after the one before, their values
# from small pools (so that steps match, or miss on a missing value or by case)
RUN_GAPS = [timedelta(0), timedelta(0), timedelta(minutes=1), timedelta(hours=1), timedelta(hours=2),
            timedelta(days=1), timedelta(days=2), timedelta(days=7)]
RUN_VALUES = {"amount": [Decimal(1), Decimal("10.25")], "qty": [1, 2], "rating": [1.0, 2.25],
              "category": ["pet", "Pet", "flowers"], "gift": [True, False], "prio": [1, 2], "channel": ["app", "App"],
              "kind": ["view", "signup", "buy"], "val": [1.0, 3.0]}
PLENTY = ("orders", "deliveries", "tickets", "hits")  # event sets whose declarations seldom filter rows out
# columns of one type that two steps' tables hold, to match on: (previous table, this one) -> [(column, column)]
MATCHING: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("shop.orders", "shop.orders"): [("category", "category"), ("qty", "qty"), ("amount", "amount"),
                                     ("gift", "gift"), ("kinds.tier", "kinds.tier"), ("kinds.label", "kinds.label")],
    ("web.events", "web.events"): [("kind", "kind"), ("val", "val"), ("props.s", "props.s"), ("props.n", "props.n"),
                                   ("props.s", "kind")],
    ("support.tickets", "support.tickets"): [("prio", "prio"), ("channel", "channel")],
    ("shop.orders", "support.tickets"): [("qty", "prio")],
    ("shop.orders", "web.events"): [("rating", "val"), ("qty", "props.n")],
}
MATCHING.update({(b, a): [(y, x) for x, y in pairs] for (a, b), pairs in list(MATCHING.items()) if a != b})

# column -> its language type: num, text, date, ts (timestamp), bool
KINDS = {"integer": "num", "decimal": "num", "double": "num", "text": "text", "date": "date",
         "timestamp": "ts", "boolean": "bool", "json": "json"}

# values drawn for data and literals alike, so that comparisons hit data
NUMBERS = {
    "age": [0, 17, 18, 25, 34, 35, 60],
    "score": [0.0, 0.5, 1.0, 2.25, -1.5, 10.0],
    "credit": [Decimal(v) for v in ("0", "1", "2.5", "10.25", "-3", "99.75")],
    "amount": [Decimal(v) for v in ("0", "1", "2.5", "10", "10.25", "-3", "99.75")],
    "qty": [0, 1, 2, 3, 5],
    "rating": [0.5, 1.0, 2.25, -1.5],
    "prio": [1, 2, 3],
    "val": [0.0, 1.0, 1.5, 3.0],
    "tier": [1, 2, 3],
    "rank": [1, 2],
}
TEXTS = {
    "country": ["US", "us", "CA", "", "O'Brien", "é"],
    "email": ["a@x.com", "A@x.com", "b@y.org", "a%b", "a_b", "back\\slash", "x y", 'q"q'],
    "category": ["pet", "flowers", "Pet", "a%b", "a_b", ""],
    "channel": ["app", "web", "App"],
    "kind": ["view", "signup", "buy", "sign-in", "View"],
    "label": ["gold", "Gold", "silver"],
    "zone": ["north", "south"],
}
PATTERNS = ["%", "_", "a%", "A%", "%b", "a_b", "a%b", "%@x.com", "p%", "sign%", "%\\%", "back\\slash",
            "%\\%b", "_@%", "%e%"]
NUMBER_LITERALS = ["0", "1", "2", "3", "5", "10", "2.5", "-3", "10.25", "18", "34", "100", "0.5"]
TIMES = [time(0, 0), time(12, 0), time(23, 59, 59, 999999), time(0, 0, 0, 1), time(9, 30), time(23, 59, 59)]
AS_OF_DAYS = [date(2024, 3, 31), date(2024, 2, 29), date(2023, 3, 31), date(2024, 12, 31), date(2024, 6, 15),
              date(2025, 1, 31), date(2024, 5, 31)]
DAY_AMOUNTS = [0, 1, 2, 3, 7, 30, 31, 60, 90, 365]
ZONES = ["America/New_York", "Europe/Berlin", "+05:30", "-03:00", "Pacific/Kiritimati", "UTC"]
CLOCK_AMOUNTS = {"hour": [0, 1, 2, 24, 25], "minute": [0, 1, 30, 90]}
INSTANT_TIMES = [time(0, 0), time(0, 30), time(14, 30), time(23, 59)]
UNITS = {"day": [0, 1, 2, 3, 7, 30, 31, 60, 90, 365], "week": [1, 2, 4], "month": [1, 2, 3, 12],
         "year": [1, 2]}
# session gaps (rule 12): ties with the clock times of TIMES (12 hours, a day) and across midnight
GAPS = ["1 minute", "30 minutes", "2 hours", "12 hours", "1 hour", "1 day", "2 days", "1 week"]
DAY_GAPS = ["1 day", "2 days", "1 week"]


def forward(day: date, amount: int, unit: str) -> date:
    """`day` plus whole units, months and years by calendar (rule 11)."""
    if unit in ("day", "week"):
        return day + timedelta(days=amount * (7 if unit == "week" else 1))
    return months_back(day, -amount * (12 if unit == "year" else 1))


def months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def back(day: date, amount: int, unit: str) -> date:
    if unit in ("day", "week"):
        return day - timedelta(days=amount * (7 if unit == "week" else 1))
    return months_back(day, amount * (12 if unit == "year" else 1))


def seg_string(text: str) -> str:
    """A .seg string literal for `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def columns_of(table: str, kind: str) -> list[str]:
    return [c for c, t in TABLES[table] if KINDS[t] == kind and c not in (KEY, "uid")]


# ---- cases ------------------------------------------------------------------------


@dataclass
class Case:
    """One program and one data set. `repr` is a ready-to-paste reproducer."""

    source: str
    params: dict[str, str]
    as_of: date
    tables: tuple[Table, ...]
    whole: bool = False
    labels: list[str] = field(default_factory=list)

    def program(self):
        from segdsl.compile.compiler import load_text

        return load_text(self.source, "generated.seg", self.params or None)

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        return {t.name: t.records() for t in self.tables}

    def __repr__(self) -> str:
        tables = ",\n".join(f"    Table({t.name!r}, {t.columns!r}, (\n" +
                            "".join(f"        {row!r},\n" for row in t.rows) + "    ))" for t in self.tables)
        return (f"Case(as_of={self.as_of!r}, params={self.params!r}, whole={self.whole!r}, source='''\n"
                f"{self.source}''', tables=(\n{tables},\n))")


class _Program:
    """Draws one program's text; remembers the days its windows and literals turn on."""

    def __init__(self, draw, as_of: date):
        self.draw = draw
        self.as_of = as_of
        self.marks: set[date] = {as_of, as_of + timedelta(days=1)}
        self.segments: list[str] = []
        self.segmentations: list[tuple[str, list[str]]] = []
        self.traits: list[tuple[str, str | None]] = []  # a trait, and the text column it reads (None: a number)
        self.params: dict[str, Any] = {}
        self.zone: str | None = None  # `timezone "..."`, when the program has one
        self.local = False  # `hits` is declared `local`
        self.journeys = False  # the program has a journey (rule 15)

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, p: float) -> bool:
        return self.draw(st.integers(0, 99)) < p * 100

    def mark(self, day: date) -> None:
        self.marks.update({day - timedelta(days=1), day, day + timedelta(days=1)})

    # ---- literals and parameters
    def number(self) -> str:
        if "p_num" in self.params and self.chance(0.15):
            return "p_num"
        return self.pick(NUMBER_LITERALS)

    def date_literal(self) -> str:
        d = self.as_of
        if "p_date" in self.params and self.chance(0.15):
            return "p_date"
        day = self.pick([d, d - timedelta(days=1), d - timedelta(days=7), d - timedelta(days=30), d + timedelta(days=1),
                         d.replace(day=1), months_back(d, 1), months_back(d, 12), date(2024, 1, 1)])
        self.mark(day)
        return day.isoformat()

    def text_literal(self, column: str) -> str:
        if "p_text" in self.params and column == "country" and self.chance(0.2):
            return "p_text"
        return seg_string(self.pick(TEXTS[column]))

    def amount(self, unit: str) -> str:
        if unit == "day" and "p_days" in self.params and self.chance(0.2):
            return "p_days"
        return str(self.pick(UNITS[unit]))

    def _param_value(self, text: str) -> int:
        return self.params["p_days"] if text == "p_days" else int(text)

    # ---- windows
    def window(self) -> str:
        d = self.as_of
        form = self.pick(["last", "before", "ago", "between", "since", "until"])
        unit = self.pick(["day", "day", "week", "month", "year"])
        plural = self.pick(["", "s"])
        if form in ("last", "before"):
            amount = self.amount(unit)
            n = self._param_value(amount)
            self.mark(back(d, n, unit))
            return f"{'in last' if form == 'last' else 'before last'} {amount} {unit}{plural}"
        if form == "ago":
            first, second = self.amount(unit), self.amount(unit)
            for n in (first, second):
                self.mark(back(d, self._param_value(n), unit))
            return f"between {first} and {second} {unit}{plural} ago"
        if form == "since":
            return f"since {self.date_literal()}"
        if form == "until":
            return f"until {self.date_literal()}"
        low, high = sorted([self._date_value(self.date_literal()), self._date_value(self.date_literal())])
        return f"between {low.isoformat()} and {high.isoformat()}"

    def next_window(self) -> str:
        """`in next N unit` (rule 11); its days mark the data."""
        unit = self.pick(["day", "day", "week", "month", "year"])
        amount = self.amount(unit)
        self.mark(forward(self.as_of, self._param_value(amount), unit))
        return f"in next {amount} {unit}{self.pick(['', 's'])}"

    def future(self) -> str:
        """A condition of rule 11: a date value in the next days, an anniversary, years since a day."""
        for years in (1, 18, 24):  # birthdays around D, some years back, and 29 February
            self.mark(months_back(self.as_of, 12 * years))
        self.mark(date(2020, 2, 29))
        value = self.date_value()
        form = self.pick(["next", "anniversary", "years", "years_rank"])
        if form == "next":
            return f"{value} {self.next_window()}"
        if form == "anniversary":
            if self.chance(0.5):
                return f"anniversary({value}) {self.next_window()}"
            return f"anniversary({value}) {self.pick(['=', '<', '>='])} {self.date_literal()}"
        if form == "years_rank":
            return f"years_since({value}) in {self.pick(['top', 'bottom'])} {self.pick(['10', '50'])}%"
        return f"years_since({value}) {self.pick(['=', '!=', '<', '>='])} {self.pick(['-1', '0', '1', '2'])}"

    def regularity(self) -> str:
        """A value of rule 12: active days, weeks or months, or sessions, of an event set."""
        events, event = self.event_set(inside=True)
        if self.chance(0.4):
            gap = self.pick(DAY_GAPS if EVENTS[event][3] == "date" else GAPS)
            return f"sessions({events}, {gap})"
        return f"active_{self.pick(['days', 'weeks', 'months'])}({events})"

    def _date_value(self, text: str) -> date:
        return self.params["p_date"] if text == "p_date" else date.fromisoformat(text)

    # ---- event sets and their filters
    def row_predicate(self, event: str) -> tuple[str, bool]:
        """A condition on one event row; True when it is a single comparison (safe before a window)."""
        table, _, at, _time_type, _ = EVENTS[event]
        kind = self.pick(["num", "num", "text", "bool", "time", "date", "arith", "compound", "lookup"]
                         + (["json", "json"] if table == "web.events" else []))
        if kind == "json":
            return self.json_predicate()
        if kind == "lookup" and table == "shop.orders":  # a column of the order's kind (rule 16)
            if self.chance(0.5):
                return self.num_predicate("kinds.tier"), True
            return self.text_predicate("label", "kinds.label"), True
        if kind == "lookup":
            kind = "num"
        if kind == "compound":
            left, _ = self.row_predicate(event)
            right, _ = self.row_predicate(event)
            joined = self.pick([f"({left}) and ({right})", f"({left}) or ({right})", f"not ({left})"])
            return joined, False
        if kind == "num":
            return self.num_predicate(self.pick(columns_of(table, "num"))), True
        if kind == "text":
            return self.text_predicate(self.pick(columns_of(table, "text"))), True
        if kind == "bool":
            if "gift" not in dict(TABLES[table]):
                return self.num_predicate(self.pick(columns_of(table, "num"))), True
            if "p_flag" in self.params and self.chance(0.2):
                return "p_flag", False
            return self.pick(["gift", "gift = true", "gift != false", "gift is null", "not gift"]), False
        if kind == "arith":
            a, b = self.pick(columns_of(table, "num")), self.pick(columns_of(table, "num"))
            op = self.pick(["+", "-", "*", "/"])
            return f"{a} {op} {b} {self.pick(['>', '<=', '='])} {self.number()}", True
        column = at if kind == "time" or "delivered" not in dict(TABLES[table]) else "delivered"
        if self.chance(0.5):
            return f"{column} in ({self.date_literal()})" if self.chance(0.1) else \
                f"{column} {self.pick(['<', '<=', '>', '>=', '=', '!='])} {self.date_literal()}", True
        if column != at:  # unparenthesized, `where delivered in last 7 days` reads as `where delivered` + window
            return f"({column} {self.window()})", False
        return f"{column} {self.window()}", False

    def json_predicate(self) -> tuple[str, bool]:
        """A test of a value inside web.events' JSON column (rule 17), read as what it is compared with."""
        kind = self.pick(["num", "num", "text", "text", "date", "bool"])
        path = self.pick(JSON_PATHS[kind])
        if kind == "num":
            return self.num_predicate(path), True
        if kind == "text":
            form = self.pick(["=", "!=", "in", "like", "null"])
            if form == "like":
                return f"{path} like {seg_string(self.pick(['%', 'v%', 'a_b', '%ü']))}", True
            if form == "null":
                return f"{path} is {self.pick(['', 'not '])}null", True
            literal = lambda: seg_string(self.pick(["view", "View", "a b", "", "ü", "10"]))  # noqa: E731
            if form == "in":
                return f"{path} in ({literal()}, {literal()})", True
            return f"{path} {form} {literal()}", True
        if kind == "date":
            return f"{path} {self.pick(['<', '<=', '>', '>=', '=', '!='])} {self.date_literal()}", True
        return self.pick([(path, False), (f"{path} = true", True), (f"{path} != false", True),
                          (f"not {path}", False)])

    def num_predicate(self, column: str) -> str:
        form = self.pick(["cmp", "cmp", "between", "in", "not in", "null"])
        if form == "cmp":
            op = self.pick(["=", "!=", "<", "<=", ">", ">="])
            return f"{self.number()} {op} {column}" if self.chance(0.2) else f"{column} {op} {self.number()}"
        if form == "between":
            return f"{column} between {self.number()} and {self.number()}"
        if form == "null":
            return f"{column} is {self.pick(['', 'not '])}null"
        items = ", ".join(self.pick(NUMBER_LITERALS) for _ in range(self.draw(st.integers(1, 3))))
        return f"{column} {form} ({items})"

    def text_predicate(self, column: str, subject: str | None = None) -> str:
        """A test of a text column (or of `subject`, a text value whose literals are the column's)."""
        subject = subject or column
        form = self.pick(["=", "!=", "in", "not in", "like", "not like", "null", "<"])
        if form in ("=", "!=", "<"):
            return f"{subject} {form} {self.text_literal(column)}"
        if form in ("like", "not like"):
            return f"{subject} {form} {seg_string(self.pick(PATTERNS))}"
        if form == "null":
            return f"{subject} is {self.pick(['', 'not '])}null"
        items = ", ".join(self.text_literal(column) for _ in range(self.draw(st.integers(1, 3))))
        return f"{subject} {form} ({items})"

    def event_set(self, inside: bool, event: str | None = None) -> tuple[str, str]:
        """`name [where P] [WINDOW]` and its event name; `inside` an aggregate's parentheses."""
        event = event or self.pick(list(EVENTS))
        text = event + self.filter_and_window(event, inside)
        return text, event

    def clock_window(self) -> str:
        """`in last N hours` / `before last N minutes` (rule 10)."""
        unit = self.pick(["hour", "minute"])
        amount = self.pick(CLOCK_AMOUNTS[unit])
        return f"{self.pick(['in last', 'before last'])} {amount} {unit}{self.pick(['', 's'])}"

    def filter_and_window(self, event: str, inside: bool, window_first: bool = True, tag: str | None = None,
                          chances: tuple[float, float] = (0.45, 0.55)) -> str:
        """` [where P] [WINDOW]` for an event set; `window_first` allows ` WINDOW where P` too; `tag`, a condition
        that P then includes; `chances`: of a filter, of a window."""
        where = self.row_predicate(event) if self.chance(chances[0]) else None
        if tag is not None:
            where = (tag, True) if where is None else (f"{tag} and ({where[0]})", False)
        window = self.window() if self.chance(chances[1]) else None
        if window is not None and EVENTS[event][3] == "timestamp" and self.chance(0.2):
            window = self.clock_window()
        if where is None:
            return f" {window}" if window else ""
        predicate, simple = where
        if window is not None and window.startswith("between ") and not window.endswith(" ago") and not simple:
            # `where (P) between A and B` reads as P between A and B: put the range first or drop it
            if window_first:
                return f" {window} where ({predicate})"
            window = None
        if not simple and not (inside and window is None):
            predicate = f"({predicate})"  # keeps a following window on the event set
        if window is None:
            return f" where {predicate}"
        if window_first and self.chance(0.5):
            return f" {window} where {predicate}"
        return f" where {predicate} {window}"

    # ---- values
    def aggregate(self, kind: str) -> str:
        """An aggregate whose value has the language type `kind`."""
        event = self.pick(list(EVENTS))
        table, _, at, _time_type, _ = EVENTS[event]
        rest = self.filter_and_window(event, inside=True, window_first=False)
        if kind == "num":
            form = self.pick(["count", "count", "distinct", "sum", "avg", "min", "max", "first", "last", "days",
                              "median", "most_frequent"])
            if form in ("count", "days"):
                rest = self.filter_and_window(event, inside=True)  # count(...) also takes WINDOW where P
                return f"{'count' if form == 'count' else 'days_since_last'}({event}{rest})"
            lookup = ["kinds.tier"] if table == "shop.orders" else []
            if form == "distinct":
                column = self.pick([c for c, t in TABLES[table] if c not in (KEY, "uid") and t != "json"] + lookup)
                return f"count(distinct {event}.{column}{rest})"
            # rule 17: numbers in JSON; sum, avg and median read them as numbers whatever they are compared
            # with (min(...) of a JSON value compared with another aggregate would read text)
            if table == "web.events" and form in ("sum", "avg", "median") and self.chance(0.5):
                return f"{form}({event}.{self.pick(JSON_PATHS['num'])}{rest})"
            return f"{form}({event}.{self.pick(columns_of(table, 'num') + lookup)}{rest})"
        if kind in ("date", "ts"):
            columns = [at] + (["delivered"] if table == "shop.orders" and at != "delivered" else [])
            return f"{self.pick(['first', 'last', 'min', 'max', 'most_frequent'])}({event}.{self.pick(columns)}{rest})"
        if kind == "text":
            func = self.pick(["first", "last", "min", "max", "most_frequent"])
            if table == "web.events" and self.chance(0.3):  # rule 17: text in JSON, compared as kind's values
                return f"{func}({event}.props.s{rest})"
            lookup = ["kinds.label"] if table == "shop.orders" else []
            return f"{func}({event}.{self.pick(columns_of(table, 'text') + lookup)}{rest})"
        func = self.pick(["first", "last", "most_frequent"])
        return f"{func}(orders.gift{self.filter_and_window('orders', True, False)})"

    def num_value(self, depth: int, exact: bool = True) -> str:
        """A numeric value; `exact` ones avoid avg (so arithmetic on them stays exact on every engine)."""
        form = self.pick(["agg", "agg", "attr", "arith", "neg", "literal", "regular"] if depth > 0
                         else ["agg", "attr", "regular"])
        if form == "regular":
            return self.regularity() if self.chance(0.7) else f"years_since({self.date_value()})"
        if form == "attr":
            return self.pick(["age", "score", "credit", "regions.rank"])
        if form == "literal":
            return self.number()
        if form == "neg":
            return f"-{self.num_value(depth - 1)}"
        if form == "arith":
            op = self.pick(["+", "-", "*"])
            return f"({self.num_value(depth - 1)} {op} {self.num_value(depth - 1)})"
        value = self.aggregate("num")
        while exact and value.startswith("avg("):
            value = self.aggregate("num")
        return value

    def date_value(self) -> str:
        if self.chance(0.3):
            return self.pick(["signup", "seen_at"])
        return self.aggregate(self.pick(["date", "ts"]))

    # ---- conditions
    def condition(self, depth: int) -> str:
        if depth > 0 and self.chance(0.45):
            form = self.pick(["and", "or", "not", "count_of"])
            if form == "not":
                return f"not ({self.condition(depth - 1)})"
            if form == "count_of":  # rule 13, N between the bounds where it is neither always nor never true
                operands = [self.condition(depth - 1) for _ in range(self.pick([2, 3]))]
                side = self.pick(["at least", "at most", "exactly"])
                low, high = {"at least": (1, len(operands)), "at most": (0, len(operands) - 1),
                             "exactly": (0, len(operands))}[side]
                return f"{side} {self.pick(list(range(low, high + 1)))} of ({', '.join(operands)})"
            return f"({self.condition(depth - 1)}) {form} ({self.condition(depth - 1)})"
        return self.leaf()

    def leaf(self) -> str:
        forms = ["attr", "attr", "exists", "exists", "count", "count", "agg", "agg", "date", "text", "ranked",
                 "tile", "sequence", "sequence", "sequence", "arith", "ratio", "bool", "future", "future",
                 "regular", "regular"]
        if self.segments:
            forms += ["ref", "ref"]
        if self.segmentations:
            forms += ["label", "label"]
        if self.traits:
            forms += ["trait", "trait"]
        if "p_flag" in self.params:
            forms += ["flag"]
        form = self.pick(forms)
        op = self.pick(["=", "!=", "<", "<=", ">", ">="])
        if form == "attr":
            return self.attribute_predicate()
        if form == "exists":
            return f"{self.pick(['has', 'no'])} {self.event_set(inside=False)[0]}"
        if form == "count":
            return f"count({self.event_set(inside=True)[0]}) {op} {self.pick(['0', '1', '2', '3'])}"
        if form == "agg":
            value = self.aggregate("num")
            return f"{self.number()} {op} {value}" if self.chance(0.2) else f"{value} {op} {self.number()}"
        if form == "date":
            value = self.date_value()
            if self.chance(0.5):
                return f"{value} {self.window()}"
            return f"{value} {op} {self.date_literal()}"
        if form == "text":
            if self.chance(0.5):
                return self.text_predicate(self.pick(["country", "email"]))
            value = self.aggregate("text")
            column = next(c for c in ("category", "channel", "kind", "props.s") if f".{c}" in value)
            column = "kind" if column == "props.s" else column
            return self.text_predicate(column, value)
        if form == "bool":
            if self.chance(0.7):
                return f"vip {self.pick(['=', '!='])} {self.pick(['true', 'false'])}"
            return f"{self.aggregate('bool')} = {self.pick(['true', 'false'])}"
        if form == "ranked":
            subject = self.num_value(1, exact=False) if self.chance(0.8) else self.date_value()
            percent = "p_pct" if "p_pct" in self.params and self.chance(0.3) else \
                self.pick(["1", "10", "20", "25", "33", "50", "99.5", "100", "12.5"])
            return f"{subject} in {self.pick(['top', 'bottom'])} {percent}%"
        if form == "tile":
            subject = self.num_value(1, exact=False) if self.chance(0.8) else self.date_value()
            tile, top = self.pick([("quintile", 5), ("decile", 10)])
            k = self.draw(st.integers(1, top))
            if self.chance(0.2):
                return f"{tile}({subject}) between {k} and {self.draw(st.integers(1, top))}"
            return f"{tile}({subject}) {op} {k}"
        if form == "sequence":
            return self.sequence()
        if form == "future":
            return self.future()
        if form == "regular":
            return f"{self.regularity()} {op} {self.pick(['0', '1', '2', '3'])}"
        if form == "arith":
            return f"{self.num_value(2)} {op} {self.num_value(2)}"
        if form == "ratio":
            return f"{self.num_value(1)} / {self.num_value(1)} {op} {self.pick(['0.5', '1', '2', '0', '0.25'])}"
        if form == "ref":
            return self.pick(self.segments)
        if form == "trait":  # rule 14: compared, ranked, or in arithmetic, like the value it names
            name, text_column = self.pick(self.traits)
            if text_column is not None:
                return self.text_predicate(text_column, name)
            if self.chance(0.3):
                return f"{name} in {self.pick(['top', 'bottom'])} {self.pick(['10', '50'])}%"
            return f"{name} {op} {self.number()}" if self.chance(0.7) else f"{name} + {self.num_value(1)} {op} 0"
        if form == "flag":
            return "p_flag"
        name, labels = self.pick(self.segmentations)
        if self.chance(0.3):
            return f"{name} in ({', '.join(seg_string(label) for label in labels[:2])})"
        return f"{name} {self.pick(['=', '!='])} {seg_string(self.pick(labels))}"

    def trait(self) -> str:
        """A trait's declaration: a number (exact, so every engine returns the same) or a text value, perhaps
        built on a trait declared before it."""
        name = f"t{len(self.traits) + 1}"
        descriptions = ["Lifetime spend", "it's"]
        description = f" {seg_string(self.pick(descriptions))}" if self.chance(0.3) else ""
        if self.chance(0.3):
            value = self.aggregate("text")
            column: str | None = next(c for c in ("category", "channel", "kind", "props.s", "label")
                                      if f".{c}" in value)
            column = "kind" if column == "props.s" else column
        else:
            numbers = [other for other, text in self.traits if text is None]
            value = self.num_value(1)
            if numbers and self.chance(0.5):
                value = f"{self.pick(numbers)} {self.pick(['+', '-', '*'])} {value}"
            column = None
        self.traits.append((name, column))
        return f"trait {name}{description} = {value}"

    def attribute_predicate(self) -> str:
        kind = self.pick(["num", "num", "text", "date", "ts", "attr2", "lookup"])
        if kind == "lookup":  # a column of the customer's region (rule 16)
            if self.chance(0.5):
                return self.num_predicate("regions.rank")
            return self.text_predicate("zone", "regions.zone")
        if kind == "num":
            return self.num_predicate(self.pick(["age", "score", "credit"]))
        if kind == "text":
            return self.text_predicate(self.pick(["country", "email"]))
        if kind == "attr2":
            a, b = self.pick(["age", "score", "credit"]), self.pick(["age", "score", "credit"])
            return f"{a} {self.pick(['=', '!=', '<', '>='])} {b}"
        column = "signup" if kind == "date" else "seen_at"
        form = self.pick(["window", "cmp", "between", "in", "null"])
        if form == "window":
            return f"{column} {self.window()}"
        if form == "between":
            low, high = sorted([self._date_value(self.date_literal()), self._date_value(self.date_literal())])
            return f"{column} between {low.isoformat()} and {high.isoformat()}"
        if form == "in":
            return f"{column} in ({self.date_literal()}, {self.date_literal()})"
        if form == "null":
            return f"{column} is {self.pick(['', 'not '])}null"
        return f"{column} {self.pick(['=', '!=', '<', '<=', '>', '>='])} {self.date_literal()}"

    def sequence(self) -> str:
        if self.chance(0.35):
            return self.journey()
        first = self.pick(list(EVENTS))
        pairs = {"orders": ["orders", "deliveries", "big_orders", "tickets"], "tickets": ["tickets", "orders"],
                 "views": ["signups", "views", "orders"], "hits": ["hits", "views"]}
        second = self.pick(pairs.get(first, list(EVENTS)))
        a = first + self.filter_and_window(first, inside=False)
        b = a if self.chance(0.2) else second + self.filter_and_window(second, inside=False)  # A then A
        unit = self.pick(["day", "days", "week", "weeks"])
        amount = self.amount("week" if unit.startswith("week") else "day")
        timestamps = EVENTS[first][3] == "timestamp" and (b == a or EVENTS[second][3] == "timestamp")
        if timestamps and self.chance(0.25):  # elapsed time (rule 10)
            unit = self.pick(["hour", "hours", "minute", "minutes"])
            amount = str(self.pick(CLOCK_AMOUNTS[unit.rstrip("s")]))
        return f"{a} then {'no ' if self.chance(0.4) else ''}{b} within {amount} {unit}"

    def journey(self) -> str:
        """A journey (rule 15) of 3 or 4 steps, or of 2 with `matching`, the last sometimes `then no`: only shapes
        the checker accepts. Steps over one table that are not neighbours read different tables, or tell their
        rows apart by a constant in their filters (TAGS), or may be one row (mostly no filters of their own): per
        instant (no `matching`, one kind of time throughout), with `matching` on most steps, or around a step of
        the other time kind (a date among timestamps). A table is never read two ways (orders and deliveries;
        hits when local, and views)."""
        self.journeys = True
        # steps apart over one table: different tables, told apart, or maybe one row (per instant, with
        # `matching`, around a step of the other time kind)
        apart = self.pick(["tables", "tables", "tagged", "instant", "matching", "dates"])
        shared = apart in ("instant", "matching", "dates")
        count = self.pick([3, 4] if shared else [3, 4, 3, 2])
        names: list[str] = []
        for i in range(count):
            options = [e for e in EVENTS if all(EVENTS[e][0] != EVENTS[n][0] or self.reads(e) == self.reads(n)
                                                 for n in names)]
            if apart == "tables":
                options = [e for e in options if all(EVENTS[e][0] != EVENTS[n][0] for n in names[:i - 1])]
            if names and (apart == "instant" or (shared and self.days_may_go_back())):  # one kind of time
                options = [e for e in options if (EVENTS[e][3], self.reads(e)[1]) == (EVENTS[names[0]][3],
                                                                                       self.reads(names[0])[1])]
            if shared and i >= 1 and self.chance(0.7):
                # the table of the step two before (steps that may be one row), or a time of the other kind
                wanted = [e for e in options if (EVENTS[e][0] == EVENTS[names[i - 2]][0] if i >= 2
                                                 else apart != "dates" or EVENTS[e][3] != EVENTS[names[0]][3])]
                options = wanted or options
            else:
                neighbours = [e for e in options if names and EVENTS[e][0] == EVENTS[names[-1]][0]]
                if neighbours and self.chance(0.4):
                    options = neighbours
            names.append(self.pick(options + [e for e in options if e in PLENTY]))  # more often the larger sets
        tags: list[str | None] = []
        for i, name in enumerate(names):
            apart_steps = [j for j in range(len(names)) if abs(i - j) > 1 and EVENTS[names[j]][0] == EVENTS[name][0]]
            column, constants = TAGS[EVENTS[name][0]]
            taken = {tags[j] for j in apart_steps if j < i}
            tag = None
            if apart == "tagged" and apart_steps:
                tag = self.pick([t for t in (f"{column} = {c}" for c in constants) if t not in taken])
            tags.append(tag)
        first_filter = 0.1 if shared else 0.2
        text = names[0] + self.filter_and_window(names[0], inside=False, tag=tags[0], chances=(first_filter, 0.25))
        negated = self.chance(0.35)
        for i in range(1, count):
            previous, name = names[i - 1], names[i]
            step = name + self.filter_and_window(name, inside=False, tag=tags[i], chances=(0, 0.1))
            unit = self.pick(["day", "days", "week", "weeks"])
            amount = self.amount("week" if unit.startswith("week") else "day")
            if EVENTS[previous][3] == EVENTS[name][3] == "timestamp" and self.chance(0.25):  # elapsed time
                unit = self.pick(["hour", "hours", "minute", "minutes"])
                amount = str(self.pick(CLOCK_AMOUNTS[unit.rstrip("s")]))
            no = "no " if negated and i == count - 1 else ""
            often = {"instant": 0, "matching": 0.7, "dates": 0.3}.get(apart, 0.4)
            text += f" then {no}{step} within {amount} {unit}{self.matching(previous, name, count == 2, often)}"
        return text

    def days_may_go_back(self) -> bool:
        """Whether the program's zone can put a later time on an earlier day for a journey that reads dates and
        timestamps, or wall-clock (`local`) and UTC ones: the checker refuses steps apart that may be one row
        there unless the journey keeps to one kind of time."""
        from segdsl.lang import zones

        if self.zone is None or zones.is_utc(self.zone):
            return False
        return zones.goes_back_a_day(self.zone) or (self.local and zones.skips_a_midnight(self.zone))

    def reads(self, event: str) -> tuple[str, bool]:
        """How an event set reads its table's rows: at which column, and whether as local times."""
        return EVENTS[event][2], event == "hits" and self.local

    def matching(self, previous: str, name: str, always: bool, often: float = 0.4) -> str:
        """` matching ...` between two steps' event sets (a column of one type on both), with chance `often`
        (always, with `always`) where the two tables hold one, or nothing."""
        pairs = MATCHING.get((EVENTS[previous][0], EVENTS[name][0]), [])
        if not pairs or not (always or self.chance(often)):
            return ""
        before, after = self.pick(pairs)
        if before == after and self.chance(0.7):
            return f" matching {before}"
        return f" matching {previous}.{before} = {name}.{after}"

    # ---- the file
    def source(self) -> tuple[str, dict[str, str]]:
        lines = [*LOOKUPS, f"customers from {CUSTOMERS} key {KEY}{JOINS[CUSTOMERS]}"]
        if self.chance(0.3):
            self.zone = self.pick(ZONES)
            self.local = self.chance(0.5)
            lines.insert(0, f"timezone {seg_string(self.zone)}")
        for name, (table, by, at, time_type, filters) in EVENTS.items():
            where = self.pick(list(filters))
            lines.append(f"events {name} from {table} by {by} at {at}" + (" date" if time_type == "date" else "")
                         + (" local" if name == "hits" and self.local else "") + JOINS.get(table, "")
                         + (f" json {JSON_COLUMN}" if table == "web.events" else "")
                         + (f" where {where}" if where else ""))
        overrides: dict[str, str] = {}
        declared = {"p_days": self.pick([7, 30, 90]), "p_num": self.pick([1, 2, 10]),
                    "p_text": self.pick(["US", "CA"]), "p_date": self.pick([self.as_of - timedelta(days=30),
                                                                           date(2024, 1, 1)]),
                    "p_pct": self.pick([10, 50]), "p_flag": self.pick([True, False])}
        for name in self.draw(st.lists(st.sampled_from(list(declared)), max_size=6, unique=True)):
            value = declared[name]
            text = {str: seg_string, bool: lambda v: "true" if v else "false"}.get(type(value), str)(value)
            if isinstance(value, date):
                text = value.isoformat()
                self.mark(value)
            lines.append(f"param {name} = {text}")
            self.params[name] = value
            if name == "p_days" and self.chance(0.3):  # overridden from the API, like --param
                self.params[name] = self.pick([0, 1, 31])
                overrides[name] = str(self.params[name])
        for _ in range(self.draw(st.integers(0, 2))):  # rule 14; the whole-file query has their values
            lines.append(self.trait())
        count = self.draw(st.integers(1, 5))
        segmentation_count = self.draw(st.integers(0, 2 if count > 1 else 1))
        order = ["segment"] * count + ["segmentation"] * segmentation_count
        order = self.draw(st.permutations(order)) if segmentation_count else order
        for kind in order:
            if kind == "segment":
                name = f"s{len(self.segments) + 1}"
                description = self.pick([None, "Bought once", "50% off */ -- not a comment", "it's"])
                head = f"segment {name}" + (f" {seg_string(description)}" if description else "")
                lines.append(f"{head}:\n    {self.condition(self.draw(st.integers(0, 2)))}")
                self.segments.append(name)
            else:
                name = f"g{len(self.segmentations) + 1}"
                labels = self.draw(st.lists(st.sampled_from(["champion", "at_risk", "new", "two words"]),
                                            min_size=1, max_size=3, unique=True))
                rules = [f"    {seg_string(label) if ' ' in label else label} when {self.condition(1)}"
                         for label in labels]
                otherwise = self.pick(["other", "new"])
                lines.append(f"segmentation {name}:\n" + "\n".join(rules) + f"\n    else {otherwise}")
                self.segmentations.append((name, labels + [otherwise]))
        for name, column in self.traits:
            if column is not None:  # a text trait compared with a string: the program shows its column holds text,
                # so every engine orders its min, max, first, last and ties by code point (with no string in sight
                # MySQL follows the column's collation, as documented: 'pet' and 'Pet' are one value there)
                segment = f"s{len(self.segments) + 1}"
                lines.append(f"segment {segment}:\n    {name} = {self.text_literal(column)}")
                self.segments.append(segment)
        if not self.chance(0.85):  # rule 18, now and then (draws lean to 0): a split of everyone or of a segment above
            name = f"g{len(self.segmentations) + 1}"
            of = f" of {self.pick(self.segments)}" if self.chance(0.5) else ""
            shares = self.draw(st.lists(st.sampled_from(["10", "12.5", "25", "30"]), min_size=1, max_size=3))
            salt = seg_string(self.pick(["a", "q3", "it's"]))
            lines.append(f"split {name}{of} salt {salt}:\n"
                         + "\n".join(f"    l{i} {share}%" for i, share in enumerate(shares)))
            self.segmentations.append((name, [f"l{i}" for i in range(len(shares))]))
        return "\n".join(lines) + "\n", overrides


# ---- data -------------------------------------------------------------------------


def _zone_times(zone: str | None, as_of: date) -> list[time]:
    """The UTC times of day of the zone's midnight around the as-of day, of the hour bounds before it, and
    a moment either side: where a program's days and hours begin (rules 9, 10)."""
    if zone is None:
        return []
    from segdsl.lang.zones import zone as tzinfo_of

    midnight = datetime.combine(as_of + timedelta(days=1), time()).replace(tzinfo=tzinfo_of(zone))
    midnight = midnight.astimezone(timezone.utc)
    found = []
    for hours in (0, 1, 2, 24, 25):
        edge = (midnight - timedelta(hours=hours)).replace(tzinfo=None)
        found += [edge.time(), (edge - timedelta(seconds=1)).time()]
    return found


def _data(draw, as_of: date, marks: set[date], zone: str | None = None, runs: bool = False) -> tuple[Table, ...]:
    days = sorted(marks)
    times = TIMES + _zone_times(zone, as_of)

    def day() -> date:
        if draw(st.integers(0, 9)) < 8:
            return draw(st.sampled_from(days))
        return as_of + timedelta(days=draw(st.integers(-400, 3)))

    def maybe(values: list) -> Any:
        return draw(st.sampled_from([None, *values]))

    def moment() -> datetime | None:
        if draw(st.integers(0, 19)) == 0:
            return None
        return datetime.combine(day(), draw(st.sampled_from(times)))

    n = draw(st.integers(1, 30))
    keys = list(range(1, n + 1))
    customers = [(key, maybe(NUMBERS["age"]), maybe(NUMBERS["score"]), maybe(NUMBERS["credit"]),
                  maybe(TEXTS["country"]), maybe(TEXTS["email"]), day() if draw(st.booleans()) else None,
                  moment(), maybe([True, False])) for key in keys]
    customers += [(None, 20, 1.0, Decimal(1), "US", "a@x.com", as_of, datetime.combine(as_of, time(12)), True)
                  for _ in range(draw(st.integers(0, 2)))]
    active = max(1, min(n, draw(st.integers(1, 12))))  # events go to a few customers, so they pile up

    def owner() -> int | None:
        choice = draw(st.integers(0, 24))
        return None if choice == 0 else 999 if choice == 1 else draw(st.integers(1, active))

    orders = []
    for index in range(draw(st.integers(0, 50))):
        ordered = moment()
        delivered = None if draw(st.integers(0, 3)) == 0 else day()
        orders.append((index + 1, owner(), ordered, delivered, maybe(NUMBERS["amount"]), maybe(NUMBERS["qty"]),
                       maybe(NUMBERS["rating"]), maybe(TEXTS["category"]), maybe([True, False])))
    tickets = [(owner(), None if draw(st.integers(0, 19)) == 0 else day(), maybe(NUMBERS["prio"]),
                maybe(TEXTS["channel"])) for _ in range(draw(st.integers(0, 20)))]
    def document() -> str | None:
        """A JSON object for web.events' props (rule 17): keys present or not, values that convert or not."""
        if draw(st.integers(0, 9)) == 0:
            return None
        doc: dict[str, Any] = {}
        for key in ("n", "s", "b"):
            if draw(st.integers(0, 3)):
                doc[key] = draw(st.sampled_from(JSON_VALUES[key]))
        if draw(st.integers(0, 2)):
            doc["d"] = draw(st.sampled_from([day().isoformat(), f"{day().isoformat()}T23:30:00Z", "2024-02-30",
                                             "june", None]))
        if draw(st.booleans()):
            doc["o"] = draw(st.sampled_from([{"n": 2, "k.k": "view"}, {"k": {"k": "view"}}, {"n": "2"}, None, "o"]))
        for key in ("x y", "ü"):
            if draw(st.integers(0, 2)) == 0:
                doc[key] = draw(st.sampled_from(JSON_VALUES["s"]))
        return json.dumps(doc, ensure_ascii=draw(st.booleans()))

    web = [(owner(), moment(), maybe(TEXTS["kind"]), maybe(NUMBERS["val"]), document())
           for _ in range(draw(st.integers(0, 40)))]
    for _ in range(draw(st.integers(2, 4)) if runs else 0):  # rule 15: one customer's events close in time
        cid, at = draw(st.integers(1, active)), datetime.combine(day(), draw(st.sampled_from(times)))
        for _ in range(draw(st.integers(3, 10))):
            at += draw(st.sampled_from(RUN_GAPS))
            table = draw(st.sampled_from(EVENT_TABLES))
            if table == "shop.orders":
                orders.append((len(orders) + 1, cid, at, at.date() if draw(st.booleans()) else day(),
                               *(maybe(RUN_VALUES[c]) for c in ("amount", "qty", "rating", "category", "gift"))))
            elif table == "support.tickets":
                tickets.append((cid, at.date(), maybe(RUN_VALUES["prio"]), maybe(RUN_VALUES["channel"])))
            else:
                web.append((cid, at, maybe(RUN_VALUES["kind"]), maybe(RUN_VALUES["val"]),
                            json.dumps({"s": draw(st.sampled_from(["view", "View", None])),
                                        "n": draw(st.sampled_from([1, "1", 2, None]))})))
    kinds = [(name, maybe(NUMBERS["tier"]), maybe(TEXTS["label"]))
             for name in draw(st.lists(st.sampled_from(TEXTS["category"]), unique=True))]
    regions = [(code, maybe(NUMBERS["rank"]), maybe(TEXTS["zone"]))
               for code in draw(st.lists(st.sampled_from(TEXTS["country"]), unique=True))]
    kinds += [(None, 3, "gold")] if draw(st.integers(0, 4)) == 0 else []  # a key that joins nothing
    rows = {CUSTOMERS: customers, "shop.orders": orders, "support.tickets": tickets, "web.events": web,
            "shop.kinds": kinds, "shop.regions": regions}
    return tuple(Table(name, TABLES[name], tuple(rows[name])) for name in TABLES)


@st.composite
def cases(draw) -> Case:
    """One random valid program (as source text) and one data set for it."""
    as_of = draw(st.sampled_from(AS_OF_DAYS))
    program = _Program(draw, as_of)
    source, overrides = program.source()
    for day in list(program.marks):  # a zone's day starts up to 14 hours either side of UTC's
        program.marks.update({day - timedelta(days=1), day + timedelta(days=1)} if program.zone else set())
    tables = _data(draw, as_of, program.marks, program.zone, program.journeys)
    whole = draw(st.integers(0, 3)) == 0
    if draw(st.integers(0, 4)) == 0:  # an instant as-of (rule 10)
        as_of = datetime.combine(as_of, draw(st.sampled_from(INSTANT_TIMES)))
    return Case(source, overrides, as_of, tables, whole)
