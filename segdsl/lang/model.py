"""The checked program: what the planner and SQL generator consume.

Names are resolved (segment, attribute, event column, segmentation label),
parameters are replaced by their values, windows carry whole numbers and
dates, and parentheses are gone. Expression nodes not listed here are the
ast ones (Literal, Arithmetic, And, Or, Not, Compare, ...), reused as-is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ast import Expr, Node, Span


@dataclass(frozen=True)
class Attribute(Node):
    """A column of the entity table."""

    name: str


@dataclass(frozen=True)
class EventColumn(Node):
    """A column of an event table, inside that event set's filter."""

    name: str


@dataclass(frozen=True)
class SegmentRef(Node):
    name: str


@dataclass(frozen=True)
class LabelOf(Node):
    """A segmentation's label used as a value: `lifecycle = "champion"`."""

    name: str


@dataclass(frozen=True)
class EntityTable:
    name: str
    table: tuple[str, ...]
    key: str
    span: Span
    # where the table's and the key's names are written, for errors about them alone
    table_span: Span | None = field(default=None, compare=False)
    key_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class EventTable:
    name: str
    table: tuple[str, ...]
    by: str
    at: str
    time_type: str  # "date" or "timestamp"
    where: Expr | None  # the declaration's filter, over EventColumns
    span: Span
    # where the table's, the key's and the time column's names are written
    table_span: Span | None = field(default=None, compare=False)
    by_span: Span | None = field(default=None, compare=False)
    at_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Param:
    name: str
    value: object
    span: Span


@dataclass(frozen=True)
class Segment:
    name: str
    description: str | None
    condition: Expr
    span: Span


@dataclass(frozen=True)
class Segmentation:
    name: str
    description: str | None
    rules: tuple[tuple[str, Expr], ...]
    otherwise: str
    span: Span


@dataclass(frozen=True)
class Program:
    entity: EntityTable
    events: dict[str, EventTable]
    params: dict[str, Param]
    segments: dict[str, Segment]
    segmentations: dict[str, Segmentation]
    sources: dict[str, str]
    text_columns: frozenset[tuple[tuple[str, ...], str]] = frozenset()  # (event table, column) known to hold text

    def target(self, name: str) -> Segment | Segmentation | None:
        return self.segments.get(name) or self.segmentations.get(name)
