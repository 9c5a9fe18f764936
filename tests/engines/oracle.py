"""A reference evaluator: LANGUAGE.md's semantics, interpreted over in-memory rows.

It shares only the parser and checker with segdsl (a checked `Program`, whose
nodes are those of segdsl/lang/ast.py and segdsl/lang/model.py); it uses neither
segdsl.lang.timeline nor any SQL. Differential tests compare the compiled SQL's
results on real engines with what this module computes.

    members = evaluate(program, tables, as_of)   # {segment: {key, ...}}
    labels_ = labels(program, tables, as_of)     # {segmentation: {key: label}}
    row = wide(program, tables, as_of)            # {key: (flag, ..., label, ..., trait value, ...)}

`tables` maps each dotted table name the program declares ("shop.orders") to
its rows, as dicts of column -> value (int, Decimal, float, str, date,
datetime, bool or None).

Where each rule of LANGUAGE.md ("Semantics") lives:

1. As-of day: `_Oracle._events` keeps only events whose time is known and
   falls on or before D; everything else (aggregates, has/no, sequences)
   reads those lists. Entity attributes are not cut.
2. Windows: `_days` turns a window into inclusive first/last days
   (`in last N days` = D-N+1 .. D, `before last N` = .. D-N, months and
   years by calendar with `_months_back` clamping to the month's end);
   `_in_days` tests a value's day. An event's window tests its time's day.
3. Two-valued logic: `_holds` returns a plain bool; every comparison with a
   missing value is false (`_compare`, `_in_list`, `_between`, `_like`,
   `_in_window`), and `not C` is `not _holds(C)`.
4. Customers without events: `_aggregate` (count and sum 0, the others None;
   sum ignores NULLs and is 0 when every value is NULL, as the compiler's
   COALESCE decides), `Exists` in `_holds`.
5. Ranking: `_ranked` (top/bottom P%: ties share the best rank, cut at
   ceil(P*n/100)) and `_tile` (1 + floor(k*(r-1)/n), r ascending, ties share
   the lowest rank), both over every customer with a non-missing value.
6. Sequences: `_sequence`; rows of one physical table are told apart by
   their position in the table; days when either time column is a date.
15. Journeys: `_journey` tries every chain of rows, step by step (each
   row of a step at most its span after the previous step's, matching
   values known and equal, no row twice); `then no X` wants a chain of the
   steps before it whose last row has no row of X other than itself in its
   span after it.
16. Lookups: every row (customer or event) carries its declaration
   (`_OWNER`); `_read` follows a lookup column's path from it, a join at a
   time, to the one lookup row whose key equals (Python's ==) the row's
   column: a missing or unmatched value, at any step, is missing.
7. Segmentations: `_label`, first matching rule, else the else label.
18. Splits: `_split_label` hashes with hashlib.md5 and walks the shares' ranges itself (it reads the split's
   salt, segment and shares, never the rules the checker builds from them).
14. Traits: `_value` of a TraitRef is the value of the trait's definition for
   that customer; `wide` ends with a column per trait.
8. Results are sets of keys: entity rows with a NULL key are not customers;
   events belong to the customer whose key equals their `by` value.
11. The future: `_days` turns `in next N` into D+1 .. D+N (months and years
   by calendar, `_months_forward`); `_anniversary` and `_years_since` count
   years on by `_years_on` (29 February in a year without it is 28 February).
12. Regularity: `_active` finds each event's period by walking back from D
   (day, week k, month k by `_months_back`) and counts the distinct ones;
   `_sessions` counts the instants with no event in [t - G, t).
14. median and most_frequent: `_aggregate`, over the known values (None
   without one): the middle of the sorted values (the mean of the two
   middle ones, exact), and the value with the most events, the smallest on
   a tie (Python's order: numbers by value, text by code point, false
   before true).

17. JSON properties: `json_value` reads a path with Python's json module and
   converts the value by the rules docs/language.md states (a number from
   text in JSON's number syntax, a date from a valid YYYY-MM-DD start, true/
   false from "true"/"false"); `_cell` reads every column through it.

Decisions taken where LANGUAGE.md is silent, as README.md states them:
comparing any value with a date literal compares days; `first(e.col)` /
`last(e.col)` of a non-time column is the largest non-NULL value among the
events at the first/last time; `/` is real division, missing when the divisor
is 0; LIKE is case-sensitive with % and _ and no escape character. And one
that README does not state: an event whose time is NULL exists on no day.
Numbers are computed exactly (Fractions).

9. Time zone: `_Clock` (with Python's zoneinfo, not segdsl's code): a plain
   timestamp is a UTC instant, a `local` one a wall-clock time in the zone,
   an aware datetime (a column with a zone) an instant; `_Oracle._instant`
   makes every event time of a timestamp column an aware instant, and
   `_Oracle._day` gives its day in the zone.
10. Instants: the as-of T (a datetime, or the start of D+1 for a date) is
   an aware instant; events exist when their instant is before T (a date
   column's when its day is at most D); D is the day of the instant just
   before T; `in last N hours` is T - N h <= instant < T; `within N hours`
   compares instants.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import math
import re
import zoneinfo
from collections import Counter
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import Any

from segdsl.lang import model as m
from segdsl.lang.model import Attribute, EventColumn, LabelOf, Program, SegmentRef

Row = dict[str, Any]
_OWNER = object()  # a row's key holding its declaration (entity or event table), for its lookups


def evaluate(program: Program, tables: dict[str, list[Row]], as_of: date) -> dict[str, set]:
    """Each segment's members (a set of keys)."""
    oracle = _Oracle(program, tables, as_of)
    return {name: {c[oracle.key] for c in oracle.customers if oracle.holds(s.condition, c)}
            for name, s in program.segments.items()}


def labels(program: Program, tables: dict[str, list[Row]], as_of: date) -> dict[str, dict]:
    """Each segmentation's label of every customer."""
    oracle = _Oracle(program, tables, as_of)
    return {name: {c[oracle.key]: oracle.label(name, c) for c in oracle.customers}
            for name in program.segmentations}


def wide(program: Program, tables: dict[str, list[Row]], as_of: date) -> dict[Any, tuple]:
    """The whole-file result: per customer, a flag per segment, a label per segmentation, then a value per
    trait."""
    oracle = _Oracle(program, tables, as_of)
    return {c[oracle.key]: tuple(oracle.holds(s.condition, c) for s in program.segments.values())
            + tuple(oracle.label(name, c) for name in program.segmentations)
            + tuple(oracle.trait(name, c) for name in program.traits) for c in oracle.customers}


# ---- values -------------------------------------------------------------------


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _instant(value: date | datetime) -> datetime:
    """A time as an instant: a day is its midnight."""
    return value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())


def _plain(value: Any) -> Any:
    """Numbers as exact Fractions (booleans stay booleans); everything else as is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, Decimal, float)):
        return Fraction(value)
    return value


# ---- rule 17: JSON values, by Python's json module
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_JSON_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})([T ].*)?", re.DOTALL)


def _cell(row: Row, column: EventColumn | Attribute) -> Any:
    """A column's value in a row: as it is, or the value at its JSON keys read as its kind (rule 17), or a
    plain column read as text."""
    value = row[column.name]
    if column.keys:
        return json_value(value, column.keys, column.as_kind or "text")
    if column.as_kind == "text":
        return None if value is None else _as_text(value)
    return _plain(value)


def _as_text(value: Any) -> str:
    """A plain column's value as text, as SQL's CAST(x AS TEXT) gives it for the types the tests use."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def json_value(document: str | None, keys: tuple[str, ...], kind: str) -> Any:
    """The value at `keys` of a JSON document read as text, a number (a Fraction), a date or true/false; None
    where the path is absent, holds null, or does not convert (the documented conversion rules)."""
    if document is None:
        return None
    value = json.loads(document, parse_float=Decimal)
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, Decimal)):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:  # an object or array: its text is the engine's (the tests read only scalars as text)
        text = json.dumps(value)
    if kind == "text":
        return text
    if kind == "number":
        return Fraction(Decimal(text)) if _JSON_NUMBER.fullmatch(text) else None
    if kind == "boolean":
        return {"true": True, "false": False}.get(text)
    day = _JSON_DAY.fullmatch(text)
    if day is None:
        return None
    try:
        return date(int(day[1]), int(day[2]), int(day[3]))
    except ValueError:
        return None


def _months_back(day: date, months: int) -> date:
    """`day` minus whole months, clamped to the end of the target month (rule 2)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _months_forward(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the end of the target month (rule 11)."""
    return _months_back(day, -months)


def _years_on(day: date, years: int) -> date:
    """The day `years` years after (before) `day`: the same month and day, 29 February being 28 February
    in a year without it."""
    last = calendar.monthrange(day.year + years, day.month)[1]
    return date(day.year + years, day.month, min(day.day, last))


def _anniversary(day: date, as_of: date) -> date:
    """The first day on or after D with the month and day of `day` (rule 11)."""
    years = 0 if _years_on(day, as_of.year - day.year) >= as_of else 1
    return _years_on(day, as_of.year - day.year + years)


def _years_since(day: date, as_of: date) -> int:
    """Whole years from `day` to D: the most years whose step from `day` is on or before D (rule 11)."""
    years = as_of.year - day.year + 1
    while _years_on(day, years) > as_of:
        years -= 1
    return years


def _back(as_of: date, amount: int, unit: str) -> date:
    """D minus `amount` days, weeks (7 days), months or years (12 months)."""
    if unit == "day":
        return as_of - timedelta(days=amount)
    if unit == "week":
        return as_of - timedelta(days=7 * amount)
    return _months_back(as_of, amount * (12 if unit == "year" else 1))


def _days(window: m.Window, as_of: date) -> tuple[date | None, date | None]:
    """The first and last day a window covers, both included; None is unbounded (rule 2)."""
    one = timedelta(days=1)
    if isinstance(window, m.Last):  # D-N+1 .. D
        return _back(as_of, window.amount.value, window.unit) + one, as_of
    if isinstance(window, m.BeforeLast):  # .. D-N
        return None, _back(as_of, window.amount.value, window.unit)
    if isinstance(window, m.Next):  # D+1 .. D+N (rule 11)
        n = window.amount.value
        if window.unit in ("day", "week"):
            return as_of + one, as_of + timedelta(days=n * (7 if window.unit == "week" else 1))
        return as_of + one, _months_forward(as_of, n * (12 if window.unit == "year" else 1))
    if isinstance(window, m.Ago):  # D-far .. D-near, N and M in either order
        far, near = max(window.first.value, window.second.value), min(window.first.value, window.second.value)
        return _back(as_of, far, window.unit), _back(as_of, near, window.unit)
    first = window.start.value if window.start is not None else None
    last = window.end.value if window.end is not None else as_of  # `since A` is A .. D
    return first, last


def _zone(name: str) -> tzinfo:
    """A zone name as a tzinfo: "+05:30" is a fixed offset, anything else an IANA name."""
    if name[:1] in "+-" and len(name) == 6 and name[3] == ":":
        minutes = int(name[1:3]) * 60 + int(name[4:6])
        return timezone(timedelta(minutes=minutes if name[0] == "+" else -minutes))
    return zoneinfo.ZoneInfo(name)


class _Clock:
    """The program's zone, the as-of instant T (aware) and the as-of day D (rules 9, 10)."""

    def __init__(self, zone_name: str, as_of: date | datetime):
        self.zone = _zone(zone_name)
        next_day = datetime.combine(as_of, datetime.min.time()) + timedelta(days=1)
        wall = as_of if isinstance(as_of, datetime) else next_day
        self.instant = wall.replace(tzinfo=self.zone).astimezone(timezone.utc)
        self.day = (self.instant - timedelta(microseconds=1)).astimezone(self.zone).date()

    def day_of(self, value: date | datetime) -> date:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(self.zone).date()
        return value.date() if isinstance(value, datetime) else value


def _in_days(value: Any, window: m.Window, as_of: date) -> bool:
    if value is None:
        return False
    first, last = _days(window, as_of)
    day = _day(value)
    return (first is None or first <= day) and (last is None or day <= last)


def _like(value: Any, pattern: str) -> bool:
    """SQL LIKE: % any run, _ one character, everything else literal and case-sensitive."""
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


_COMPARE = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _is_date_literal(expr: object) -> bool:
    return isinstance(expr, m.Constant) and expr.kind == "date"


# ---- the evaluator -------------------------------------------------------------------


class _Oracle:
    def __init__(self, program: Program, tables: dict[str, list[Row]], as_of: date):
        self.program = program
        self.tables = tables
        self.clock = _Clock(program.timezone, as_of)
        self.as_of = self.clock.day
        self.key = program.entity.key
        # rule 8: a row with a NULL key is not a customer
        self.customers = [{**row, _OWNER: program.entity} for row in tables[".".join(program.entity.table)]
                          if row[self.key] is not None]
        self._lookup_rows: dict[str, dict[Any, Row]] = {}
        self._event_rows: dict[str, dict[Any, list[tuple[int, Row]]]] = {}
        self._ranking: dict[object, list] = {}

    # ---- events
    def _events(self, name: str) -> dict[Any, list[tuple[int, Row]]]:
        """Per customer key, the (position, row) pairs of an event set that exist as of D (rule 1),
        after its declaration's filter."""
        if name not in self._event_rows:
            event = self.program.events[name]
            found: dict[Any, list[tuple[int, Row]]] = {}
            for index, row in enumerate(self.tables[".".join(event.table)]):
                time = self._instant(row[event.at], event)
                if time is None or row[event.by] is None:
                    continue
                if (time >= self.clock.instant) if isinstance(time, datetime) else time > self.as_of:
                    continue
                row = {**row, event.at: time, _OWNER: event}  # the event's instant (rules 9, 10)
                if event.where is not None and not self._holds(event.where, row, row_filter=True):
                    continue
                found.setdefault(row[event.by], []).append((index, row))
            self._event_rows[name] = found
        return self._event_rows[name]

    def _event_set(self, events: m.EventSet, customer: Row) -> list[tuple[int, Row]]:
        """A customer's rows of `orders [where C] [in WINDOW]`."""
        event = self.program.events[events.event.name]
        rows = self._events(event.name).get(customer[self.key], [])
        if events.where is not None:
            rows = [(i, r) for i, r in rows if self._holds(events.where, r, row_filter=True)]
        if events.window is not None:
            rows = [(i, r) for i, r in rows if self._in_window(r[event.at], events.window)]
        return rows

    def _instant(self, time: Any, event: m.EventTable) -> Any:
        """A timestamp column's value as an aware instant (rule 9); a date as it is."""
        if not isinstance(time, datetime):
            return time
        if time.tzinfo is not None:
            return time
        return time.replace(tzinfo=self.clock.zone if event.local else timezone.utc)

    def _day(self, value: Any) -> Any:
        return self.clock.day_of(value) if isinstance(value, date) else value

    def _in_window(self, value: Any, window: m.Window) -> bool:
        """A value in a window: its day in the zone, or for hours and minutes its instant (rule 10)."""
        if value is None:
            return False
        if isinstance(window, (m.Last, m.BeforeLast)) and window.unit in ("hour", "minute"):
            if isinstance(value, datetime) and value.tzinfo is None:
                value = value.replace(tzinfo=timezone.utc)
            start = self.clock.instant - timedelta(minutes=window.amount.value * (60 if window.unit == "hour" else 1))
            return start <= value < self.clock.instant if isinstance(window, m.Last) else value < start
        return _in_days(self._day(value), window, self.as_of)

    # ---- conditions
    def holds(self, expr: object, customer: Row) -> bool:
        return self._holds(expr, customer, row_filter=False)

    def _holds(self, expr: object, scope: Row, row_filter: bool) -> bool:
        """Whether a condition holds for a customer (or, in a filter, for one event row): rule 3."""
        holds = lambda e: self._holds(e, scope, row_filter)  # noqa: E731
        value = lambda e: self._value(e, scope, row_filter)  # noqa: E731
        if isinstance(expr, m.And):
            return all(holds(operand) for operand in expr.operands)
        if isinstance(expr, m.Or):
            return any(holds(operand) for operand in expr.operands)
        if isinstance(expr, m.Not):
            return not holds(expr.operand)
        if isinstance(expr, m.CountOf):  # rule 13: each operand true or false
            held = sum(1 for operand in expr.operands if holds(operand))
            return {">=": held >= expr.count, "<=": held <= expr.count, "=": held == expr.count}[expr.op]
        if isinstance(expr, m.Constant):
            return bool(expr.value)
        if isinstance(expr, SegmentRef):
            return holds(self.program.segments[expr.name].condition)
        if isinstance(expr, m.Compare):
            return self._compare(expr.op, expr.left, expr.right, value)
        if isinstance(expr, m.InList):
            subject = value(expr.subject)
            if subject is None:
                return False  # `in` and `not in` with a missing subject are both false
            by_day = any(_is_date_literal(item) for item in expr.items)
            found = any(self._equal(subject, _plain(item.value), by_day) for item in expr.items)
            return found != expr.negated
        if isinstance(expr, m.Between):
            subject, low, high = value(expr.subject), value(expr.low), value(expr.high)
            return None not in (subject, low, high) and low <= subject <= high
        if isinstance(expr, m.InWindow):
            return self._in_window(value(expr.subject), expr.window)
        if isinstance(expr, m.IsNull):
            return (value(expr.subject) is None) != expr.negated
        if isinstance(expr, m.Like):
            subject = value(expr.subject)
            return subject is not None and _like(subject, expr.pattern.value) != expr.negated
        if isinstance(expr, m.Ranked):
            return self._ranked(expr, scope)
        if isinstance(expr, m.Exists):  # rule 4: has is false, no is true without events
            return bool(self._event_set(expr.events, scope)) != expr.negated
        if isinstance(expr, m.Sequence):
            return self._sequence(expr, scope)
        if isinstance(expr, m.Journey):
            return self._journey(expr, scope)
        raise NotImplementedError(f"oracle: condition {type(expr).__name__}")

    def _compare(self, op: str, left_expr: object, right_expr: object, value) -> bool:
        left, right = value(left_expr), value(right_expr)
        if left is None or right is None:
            return False
        if _is_date_literal(left_expr) or _is_date_literal(right_expr):
            left, right = self._day(left), self._day(right)  # a date literal compares days
        elif isinstance(left, datetime) != isinstance(right, datetime) and \
                isinstance(left, date) and isinstance(right, date):
            raise NotImplementedError("oracle: a date compared with a timestamp without a date literal")
        return _COMPARE[op](left, right)

    def _equal(self, subject: Any, item: Any, by_day: bool) -> bool:
        if by_day and isinstance(subject, date):
            return self._day(subject) == item
        return subject == item

    def label(self, name: str, customer: Row) -> str | None:
        """Rule 7: the first rule whose condition holds, else the else label; a split's by rule 18."""
        segmentation = self.program.segmentations[name]
        if segmentation.split is not None:
            return self._split_label(segmentation.split, customer)
        for label, condition in segmentation.rules:
            if self.holds(condition, customer):
                return label
        return segmentation.otherwise

    def _split_label(self, split: m.SplitShares, customer: Row) -> str | None:
        """Rule 18: members of `of` (everyone without it) take the label whose consecutive range of the 10,000
        buckets holds MD5(salt:key)'s first 8 hex digits mod 10000; the others, and a bucket past every
        range, none."""
        if split.of is not None and not self.holds(self.program.segments[split.of].condition, customer):
            return None
        digest = hashlib.md5(f"{split.salt}:{customer[self.key]}".encode()).hexdigest()
        bucket = int(digest[:8], 16) % 10000
        start = 0
        for label, buckets in split.buckets:
            if start <= bucket < start + buckets:
                return label
            start += buckets
        return None

    # ---- values
    def trait(self, name: str, customer: Row) -> Any:
        return self._value(self.program.traits[name].value, customer, False)

    def _value(self, expr: object, scope: Row, row_filter: bool) -> Any:
        """A value for a customer (or an event row), None when missing."""
        value = lambda e: self._value(e, scope, row_filter)  # noqa: E731
        if isinstance(expr, m.Constant):
            return _plain(expr.value)
        if isinstance(expr, EventColumn):
            assert row_filter, "an event column outside a filter"
            return self._read(scope, expr)
        if isinstance(expr, Attribute):
            return self._read(scope, expr)
        if isinstance(expr, m.Arithmetic):  # left to right
            result = value(expr.operands[0])
            for op, operand in zip(expr.ops, expr.operands[1:]):
                right = value(operand)
                if result is None or right is None:
                    result = None
                elif op == "/":
                    result = None if right == 0 else Fraction(result) / Fraction(right)
                else:
                    result = {"+": result + right, "-": result - right, "*": result * right}[op]
            return result
        if isinstance(expr, m.Negate):
            operand = value(expr.operand)
            return None if operand is None else -operand
        if isinstance(expr, m.Aggregate):
            return self._aggregate(expr, scope)
        if isinstance(expr, m.Tile):
            return self._tile(expr, scope)
        if isinstance(expr, LabelOf):
            return self.label(expr.name, scope)
        if isinstance(expr, m.TraitRef):
            return self.trait(expr.name, scope)
        if isinstance(expr, m.DayOf):  # the checker marks a value compared with a date literal
            operand = value(expr.operand)
            return self._day(operand)
        if isinstance(expr, (m.Anniversary, m.YearsSince)):  # rule 11: missing stays missing
            operand = value(expr.operand)
            if operand is None:
                return None
            if isinstance(expr, m.Anniversary):
                return _anniversary(_day(operand), self.as_of)
            return Fraction(_years_since(_day(operand), self.as_of))
        if isinstance(expr, m.ActivePeriods):
            return self._active(expr, scope)
        if isinstance(expr, m.Sessions):
            return self._sessions(expr, scope)
        raise NotImplementedError(f"oracle: value {type(expr).__name__}")

    def _read(self, row: Row, column: EventColumn | Attribute) -> Any:
        """A column of a row, or of the lookup rows it reaches through `column.via` (rule 16)."""
        owner = row[_OWNER]
        for name in column.via:
            join = next(j for j in owner.joins if j.lookup == name)
            owner = self.program.lookups[name]
            row = self._lookups(owner).get(row[join.on]) if row[join.on] is not None else None
            if row is None:
                return None
        return _cell(row, column)

    def _lookups(self, lookup: m.Lookup) -> dict[Any, Row]:
        """A lookup's rows by key (keys are unique: check --db verifies it)."""
        if lookup.name not in self._lookup_rows:
            rows = self.tables[".".join(lookup.table)]
            self._lookup_rows[lookup.name] = {row[lookup.key]: {**row, _OWNER: lookup} for row in rows
                                              if row[lookup.key] is not None}
        return self._lookup_rows[lookup.name]

    def _aggregate(self, agg: m.Aggregate, customer: Row) -> Any:
        """count, sum, avg, min, max, first, last, median, most_frequent, days_since_last over a customer's event
        set (rules 4, 14)."""
        event = self.program.events[agg.events.event.name]
        rows = [row for _, row in self._event_set(agg.events, customer)]
        if agg.func == "count" and agg.column is None:
            return Fraction(len(rows))
        if agg.func == "days_since_last":
            return Fraction((self.as_of - self._day(max(r[event.at] for r in rows))).days) if rows else None
        column = agg.column
        if agg.func in ("first", "last") and column.row_name != event.at:
            if not rows:
                return None
            edge = (min if agg.func == "first" else max)(r[event.at] for r in rows)
            tied = [value for r in rows if r[event.at] == edge and (value := self._read(r, column)) is not None]
            return max(tied) if tied else None  # ties at the same time: the largest value
        values = [value for r in rows if (value := self._read(r, column)) is not None]
        if agg.func == "count":  # count(distinct e.col): NULLs are not counted
            return Fraction(len(set(values)))
        if agg.func == "sum":
            return sum(values, Fraction(0))
        if not values:
            return None
        if agg.func == "avg":
            return sum(values, Fraction(0)) / len(values)
        if agg.func == "median":  # rule 14: the middle value, or the mean of the two middle ones
            ordered = sorted(values)
            middle = len(ordered) // 2
            return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        if agg.func == "most_frequent":  # rule 14: the value most events hold; on a tie the smallest
            tally = Counter(values)
            return min(tally, key=lambda value: (-tally[value], value))
        return (min if agg.func in ("min", "first") else max)(values)

    # ---- regularity (rule 12)
    def _period(self, day: date, period: str) -> int:
        """The number k of the period, counted back from D, that holds `day` (1 for the one ending on D)."""
        if period == "day":
            return (self.as_of - day).days + 1
        if period == "week":  # week k: D-7k+1 .. D-7k+7
            k = 1
            while day < self.as_of - timedelta(days=7 * k - 1):
                k += 1
            return k
        k = 1  # month k: the days after D stepped back k months, up to D stepped back k-1 months
        while day <= _months_back(self.as_of, k):
            k += 1
        return k

    def _active(self, active: m.ActivePeriods, customer: Row) -> Fraction:
        event = self.program.events[active.events.event.name]
        rows = self._event_set(active.events, customer)
        return Fraction(len({self._period(self._day(row[event.at]), active.period) for _, row in rows}))

    def _sessions(self, sessions: m.Sessions, customer: Row) -> Fraction:
        """The instants t of the set's events with no event of the set in [t - G, t)."""
        event = self.program.events[sessions.events.event.name]
        times = {_instant(row[event.at]) for _, row in self._event_set(sessions.events, customer)}
        gap = timedelta(minutes=sessions.gap.value)
        return Fraction(sum(1 for t in times if not any(t - gap <= other < t for other in times)))

    # ---- ranking (rule 5)
    def _values_of_all(self, expr: object) -> list:
        if expr not in self._ranking:
            self._ranking[expr] = [v for c in self.customers
                                   if (v := self._value(expr, c, False)) is not None]
        return self._ranking[expr]

    def _ranked(self, expr: m.Ranked, customer: Row) -> bool:
        mine = self._value(expr.subject, customer, False)
        if mine is None:
            return False
        values = self._values_of_all(expr.subject)
        ahead = sum(1 for v in values if (v > mine if expr.top else v < mine))
        rank = 1 + ahead  # ties share the best rank
        return rank <= math.ceil(Fraction(expr.percent.value) * len(values) / 100)

    def _tile(self, expr: m.Tile, customer: Row) -> Any:
        mine = self._value(expr.operand, customer, False)
        if mine is None:
            return None
        values = self._values_of_all(expr.operand)
        rank = 1 + sum(1 for v in values if v < mine)  # ascending, ties share the lowest rank
        return Fraction(1 + (expr.buckets * (rank - 1)) // len(values))

    # ---- journeys (rule 15)
    def _journey(self, journey: m.Journey, customer: Row) -> bool:
        sets = [journey.first, *(step.events for step in journey.steps)]
        decls = [self.program.events[events.event.name] for events in sets]
        rows = [self._event_set(events, customer) for events in sets]

        def follows(index: int, before: tuple[int, Row], row: tuple[int, Row]) -> bool:
            """`row` of step `index` may come after `before`, a row of the step before it."""
            step, earlier, later = journey.steps[index - 1], decls[index - 1], decls[index]
            then, now = before[1][earlier.at], row[1][later.at]  # instants already (rule 9)
            if "date" in (earlier.time_type, later.time_type):
                then, now = self._day(then), self._day(now)
            span = timedelta(minutes=step.within.value) if step.within_minutes else timedelta(days=step.within.value)
            if not then <= now <= then + span:
                return False
            if step.matching is None:
                return True
            value = self._read(before[1], step.matching.previous)
            return value is not None and value == self._read(row[1], step.matching.current)

        def one_row(i: int, a: tuple[int, Row], j: int, b: tuple[int, Row]) -> bool:
            return decls[i].table == decls[j].table and a[0] == b[0]

        chained = len(sets) - 1 if journey.negated else len(sets)

        def completes(chain: list[tuple[int, Row]]) -> bool:
            index = len(chain)
            if index == chained:
                if not journey.negated:
                    return True
                last = chain[-1]
                return not any(follows(index, last, x) and not one_row(index - 1, last, index, x) for x in rows[index])
            return any(completes([*chain, row]) for row in rows[index]
                       if (index == 0 or follows(index, chain[-1], row))
                       and not any(one_row(j, earlier, index, row) for j, earlier in enumerate(chain)))

        return completes([])

    # ---- sequences (rule 6)
    def _sequence(self, seq: m.Sequence, customer: Row) -> bool:
        first = self.program.events[seq.first.event.name]
        second = self.program.events[seq.second.event.name]
        same_table = first.table == second.table
        by_day = "date" in (first.time_type, second.time_type)
        span = timedelta(minutes=seq.within.value) if seq.within_minutes else timedelta(days=seq.within.value)
        a_rows = self._event_set(seq.first, customer)
        b_rows = self._event_set(seq.second, customer)

        def follows(a: tuple[int, Row], b: tuple[int, Row]) -> bool:
            if same_table and a[0] == b[0]:
                return False  # one table on both sides: different rows
            a_time, b_time = a[1][first.at], b[1][second.at]
            if by_day:
                a_time, b_time = self._day(a_time), self._day(b_time)
            return a_time <= b_time <= a_time + span

        if seq.negated:  # some a with no b in [a, a + N days]; b only up to D (already cut)
            return any(not any(follows(a, b) for b in b_rows) for a in a_rows)
        return any(follows(a, b) for a in a_rows for b in b_rows)
