"""Conditions and values written outside a .seg file, checked against it.

A profile item (`--by age`, `--by "sum(orders.amount)"`) or a backtest
outcome (`--outcome "has orders"`) is written in the language's own syntax
and goes through the real parser and checker, so it means exactly what it
would mean inside a segment, and compiles with the same compiler.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from ..compile.compiler import check_written, load_file
from ..errors import SegdslError
from ..frozen import frozen
from ..lang import model as m
from ..lang.model import Condition, Kind, Program, Value
from ..lang.parse import parse_expression


@frozen
class Item:
    """One checked expression: its text as written, its tree, its kind ("condition" or a value type), and
    where it was written (for error carets)."""

    text: str
    expr: Condition | Value
    kind: Kind | Literal["condition"]
    file: str = "<expression>"

    @property
    def is_condition(self) -> bool:
        return self.kind == "condition"


def load_with_items(path: str | Path, params: Mapping[str, str] | None,
                    texts: Sequence[tuple[str, str]]) -> tuple[Program, list[Item]]:
    """A .seg file and expressions given as (where, text) pairs, e.g. ("--outcome", "has orders")."""
    program = load_file(path, params)
    return program, check_texts(program, params, texts)


def default_items(program: Program, numeric_columns: Sequence[str]) -> list[Item]:
    """What the report profiles when no item is given: the entity's numeric columns, then each trait."""
    span = program.entity.span
    return [*[Item(name, m.Attribute(name, span=span), "number", span.file) for name in numeric_columns],
            *[Item(name, m.TraitRef(name, span=trait.span), trait.kind, trait.span.file)
              for name, trait in program.traits.items()]]


def check_texts(program: Program, params: Mapping[str, str] | None,
                texts: Sequence[tuple[str, str]]) -> list[Item]:
    """Expressions checked against an already loaded program (its sources are parsed again)."""
    if not texts:
        return []
    labels = [where if sum(w == where for w, _ in texts) == 1 else f"{where} #{n + 1}"
              for n, (where, _) in enumerate(texts)]
    written = {label: text for label, (_, text) in zip(labels, texts)}
    try:
        parsed = {label: parse_expression(text, label) for label, text in written.items()}
    except SegdslError as exc:
        exc.sources.update({**program.sources, **written})
        raise
    resolved = check_written(program, params, parsed, written)
    return [Item(text.strip(), *resolved[label], label) for label, (_, text) in zip(labels, texts)]
