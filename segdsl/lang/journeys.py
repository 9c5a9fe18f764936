"""Which steps of a journey could be one row (rule 15: a journey's events are all different rows).

Two steps can only meet in one row when they read one table. Steps whose filters say `col = X` and `col =
Y` (or `col in (...)` lists with nothing in common) for different constants never do: the usual funnel
over one event log (`tracks where event = "view" then tracks where event = "add_to_cart"`) needs no check
that its rows differ. Constants that differ only in case are not told apart (a case-insensitive collation
compares them equal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from . import model as m
from .model import EventColumn, EventTable


def step_sets(journey: m.Journey) -> tuple[m.EventSet, ...]:
    """The journey's event sets, in step order."""
    return (journey.first, *(step.events for step in journey.steps))


def may_share_rows(events: Mapping[str, EventTable], one: m.EventSet, other: m.EventSet) -> bool:
    """Whether a row could be in both event sets (`events`: the program's declarations)."""
    first, second = events[one.event.name], events[other.event.name]
    if first.table != second.table:
        return False
    left, right = _allowed(first, one), _allowed(second, other)
    return not any(column in right and not (values & right[column]) for column, values in left.items())


def apart_steps_may_share(events: Mapping[str, EventTable], journey: m.Journey) -> bool:
    """Whether two steps not next to each other may be one row: then rows are told apart per instant
    (compile/journey_blocks.py), not by the row each step follows (compile/journey_sql.py)."""
    sets = chained_sets(journey)
    return any(may_share_rows(events, sets[i], sets[j]) for i in range(len(sets)) for j in range(i + 2, len(sets)))


def chained_sets(journey: m.Journey) -> tuple[m.EventSet, ...]:
    """The event sets a chain takes rows of: all but a last `then no` step's (whose rows only need to differ
    from the chain's last row)."""
    sets = step_sets(journey)
    return sets[:-1] if journey.negated else sets


def why_not_by_instant(events: Mapping[str, EventTable], journey: m.Journey) -> str | None:
    """What keeps a journey from being computed per instant: `matching` that does not carry one value along
    the whole chain, or time columns of different kinds."""
    if any(step.matching is not None for step in journey.steps) and chain_values(events, journey) is None:
        return "matching"
    kinds = {(events[s.event.name].time_type, events[s.event.name].local) for s in step_sets(journey)}
    return "times" if len(kinds) > 1 else None


def chain_values(events: Mapping[str, EventTable], journey: m.Journey) -> dict[tuple[str, ...], str] | None:
    """Per table, the column that holds a chain's one value, where every step is matched (`then no` too) and
    every row holds its value in one column whatever step it is taken for (`orders then orders within 30 days
    matching sku then orders within 30 days matching sku`): the chain's events then all hold one value, and
    its rows can be counted per customer and value. None otherwise."""
    matchings = [step.matching for step in journey.steps if step.matching is not None]
    if len(matchings) < len(journey.steps):
        return None
    columns: dict[tuple[str, ...], str] = {}
    for index, events_set in enumerate(step_sets(journey)):
        names = {matchings[index - 1].current.row_name} if index > 0 else set()
        names |= {matchings[index].previous.row_name} if index < len(matchings) else set()
        table = events[events_set.event.name].table
        if len(names) != 1 or columns.setdefault(table, min(names)) != min(names):
            return None
    return columns


def repeats(events: Mapping[str, EventTable], journey: m.Journey) -> bool:
    """`A then A within N1 then A within N2`, each step matching one column or none (journey_repeat.py)."""
    sets = step_sets(journey)
    if journey.negated or len(sets) != 3 or any(events_set != sets[0] for events_set in sets):
        return False
    return all(step.matching is None for step in journey.steps) or chain_values(events, journey) is not None


def read_alike(first: EventTable, second: EventTable) -> bool:
    """Two declarations over one table read its rows alike: one key, one time column read one way."""
    return (first.by, first.at, first.time_type, first.local) == (second.by, second.at, second.time_type,
                                                                   second.local)


def _allowed(event: EventTable, events: m.EventSet) -> dict[str, frozenset[object]]:
    """Per column, the only constants a row of the set can hold there (from `col = X` and `col in (...)`
    conditions that every row of the set meets)."""
    allowed: dict[str, frozenset[object]] = {}
    for condition in (event.where, events.where):
        for name, values in _required_values(condition):
            allowed[name] = allowed[name] & values if name in allowed else values
    return allowed


def _required_values(condition: m.Condition | None) -> Iterable[tuple[str, frozenset[object]]]:
    if condition is None:
        return
    if isinstance(condition, m.And):
        for operand in condition.operands:
            yield from _required_values(operand)
    elif isinstance(condition, m.Compare) and condition.op == "=":
        for column, constant in ((condition.left, condition.right), (condition.right, condition.left)):
            if isinstance(column, EventColumn) and isinstance(constant, m.Constant) and constant.param is None:
                yield column.row_name.lower(), frozenset({_comparable(constant.value)})
    elif isinstance(condition, m.InList) and not condition.negated and isinstance(condition.subject, EventColumn) \
            and all(item.param is None for item in condition.items):
        yield condition.subject.row_name.lower(), frozenset(_comparable(item.value) for item in condition.items)


def _comparable(value: object) -> object:
    """A constant as rows compare it: numbers by value, text without case."""
    if isinstance(value, str):
        return ("text", value.casefold())
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return ("number", Decimal(value))
    return (type(value).__name__, value)
