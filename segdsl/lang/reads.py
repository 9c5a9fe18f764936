"""What a checked program reads: the values its outputs compute, and each event column with the event set it is
read through (a declaration's or an event set's filter, an aggregated column, a journey step's matching)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from . import ast
from . import model as m


def outputs(program: m.Program) -> tuple[m.Condition | m.Value, ...]:
    """The segments' and segmentations' conditions and the traits' values."""
    return (*(segment.condition for segment in program.segments.values()),
            *(condition for segmentation in program.segmentations.values() for _, condition in segmentation.rules),
            *(trait.value for trait in program.traits.values()))


def event_columns(program: m.Program, extra: Iterable[object] = ()) -> Iterator[tuple[str, m.EventColumn]]:
    """Each event column the program (and `extra`, values written outside it) reads, with its event set's name."""
    for event in program.events.values():
        yield from ((event.name, column) for column in _columns(event.where))
    for node in ast.walk((outputs(program), tuple(extra))):
        if isinstance(node, m.EventSet):
            yield from ((node.event.name, column) for column in _columns(node.where))
        elif isinstance(node, m.Aggregate) and node.column is not None:
            yield node.events.event.name, node.column
        elif isinstance(node, m.Journey):
            sets = (node.first, *(step.events for step in node.steps))
            for before, step in zip(sets, node.steps, strict=False):
                if step.matching is not None:
                    yield before.event.name, step.matching.previous
                    yield step.events.event.name, step.matching.current


def _columns(condition: m.Condition | None) -> Iterator[m.EventColumn]:
    return (node for node in ast.walk(condition) if isinstance(node, m.EventColumn))
