"""What the command line prints: messages through `echo`, which masks database passwords
(run/redact.py); data as it is (`data`: SQL, a formatted file; `show`: a result as a text table,
CSV with a header row, or JSON), since masking would change it.

Two rules by column name: in a table, shares (`share`, `share_of_a`,
`baseline_share`, ...) show four decimals, so a column of them lines up;
in JSON, an empty label (`label`, `a_label`, ...: a plain segment's) is
null.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import click

from ..run.redact import redact

FORMATS = ("table", "csv", "json")


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print a message on stdout, or stderr: every message may name a target, so each is redacted."""
    click.echo(redact(text), err=err, nl=nl)


def data(text: str, nl: bool = True) -> None:
    """Print data on stdout exactly as it is (compiled SQL, a formatted .seg file)."""
    click.echo(text, nl=nl)


def show(columns: tuple[str, ...], rows: list[tuple], fmt: str, noun: str = "row") -> None:
    """Print a result on stdout in a format of FORMATS; a table ends with the count of its rows, each a `noun`."""
    click.echo(render(columns, rows, fmt, noun), nl=False)


def render(columns: tuple[str, ...], rows: list[tuple], fmt: str, noun: str = "row") -> str:
    if fmt == "csv":
        return _csv(columns, rows)
    if fmt == "json":
        labels = [_is_label(column) for column in columns]
        return json.dumps([{column: None if label and value == "" else _plain(value)
                            for column, value, label in zip(columns, row, labels)} for row in rows],
                          indent=2, ensure_ascii=False) + "\n"
    return _table(columns, rows, noun)


def _is_label(column: str) -> bool:
    return column == "label" or column.endswith("_label")


def _is_share(column: str) -> bool:
    return column == "share" or column.startswith("share_") or column.endswith("_share")


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(_plain(value))


def _csv(columns: tuple[str, ...], rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_text(v) for v in row] for row in rows])
    return buffer.getvalue()


def _table(columns: tuple[str, ...], rows: list[tuple], noun: str) -> str:
    shares = [_is_share(column) for column in columns]
    cells = [list(columns)] + [[f"{v:.4f}" if share and isinstance(v, float) else _text(v)
                                for v, share in zip(row, shares)] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    numeric = [all(_is_number(row[i]) for row in rows) and bool(rows) for i in range(len(columns))]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(row, widths, numeric)).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]]
    out.append(f"({len(rows):,} {noun}{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
